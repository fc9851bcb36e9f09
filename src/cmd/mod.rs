//! One file per subcommand: its clap arguments and its `run()`; here, the global options they share.

pub mod caps;
pub mod capture;
pub mod cat;
pub mod connect;
pub mod dns;
pub mod exec;
pub mod export;
pub mod find;
pub mod grep;
pub mod head;
pub mod http;
pub mod idle;
pub mod inspect;
pub mod kubectl;
pub mod logs;
pub mod ls;
pub mod merge;
pub mod net;
pub mod ping;
pub mod pods;
pub mod ps;
pub mod stack;
pub mod stat;
pub mod summary;
pub mod tail;
pub mod tar;
pub mod target;
pub mod test;
pub mod trace;
pub mod tree;

use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use clap::Args;

use crate::fs::{FsError, FsRoot};
use crate::target::{Root, Selector};

/// Global options: which process or root toolbox works on.
#[derive(Debug, Args, Clone, Default)]
pub struct Global {
    /// Act on this process (always wins over discovery).
    #[arg(
        long,
        global = true,
        value_name = "PID",
        conflicts_with = "target_name"
    )]
    pub pid: Option<i32>,
    /// Act on the container whose process matches NAME (comm, executable or its first argument);
    /// in node mode NAMESPACE/POD[/CONTAINER] selects a pod's container.
    #[arg(long = "target", global = true, value_name = "NAME|NS/POD[/CTR]")]
    pub target_name: Option<String>,
    /// Treat DIR as the root file system (e.g. /host in `kubectl debug node/...`).
    #[arg(long, global = true, value_name = "DIR", conflicts_with = "host")]
    pub root: Option<PathBuf>,
    /// Browse toolbox's own root instead of the target's.
    #[arg(long, global = true)]
    pub host: bool,
    /// Where relative paths of the target's root start (set by a session's `cd`).
    #[arg(long, global = true, value_name = "DIR", hide = true)]
    pub cwd: Option<PathBuf>,
}

impl Global {
    /// How the target process is chosen.
    pub fn selector(&self) -> Selector {
        match (&self.pid, &self.target_name) {
            (Some(pid), _) => Selector::Pid(*pid),
            // A value with '/' names a pod in node mode (`default/web/nginx`).
            (None, Some(name)) if name.contains('/') => Selector::Pod {
                spec: name.clone(),
                root: self.root.clone(),
            },
            (None, Some(name)) => Selector::Name(name.clone()),
            (None, None) => Selector::Auto,
        }
    }

    /// An explicitly chosen root (`--root`, `--host`), if any; otherwise the target's root applies.
    pub fn explicit_root(&self) -> Option<Root> {
        if self.host {
            Some(Root::Host)
        } else {
            self.root.clone().map(Root::Dir)
        }
    }
}

/// The root the global options select: `--root`/`--host`, else the chosen target's.
/// Relative paths start from `--cwd` (a session's `cd`) when given.
pub(crate) fn fs_root(global: &Global) -> Result<FsRoot, FsError> {
    let mut root = FsRoot::select(global.explicit_root(), &global.selector())?;
    if let Some(cwd) = &global.cwd {
        root.set_cwd(cwd.as_os_str().as_bytes());
    }
    Ok(root)
}

/// A clap value parser for a duration in seconds: a number above 0, at most a day.
pub(crate) fn positive_secs(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() && v <= 86_400.0 => Ok(v),
        _ => Err(format!("`{s}`: seconds must be a number above 0")),
    }
}
