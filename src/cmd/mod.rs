//! One file per subcommand: its clap arguments and its `run()`; here, the global options they share.

pub mod caps;
pub mod capture;
pub mod cat;
pub mod exec;
pub mod export;
pub mod find;
pub mod grep;
pub mod head;
pub mod idle;
pub mod inspect;
pub mod logs;
pub mod ls;
pub mod net;
pub mod ps;
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
    /// Act on the container whose process matches NAME (comm, executable or its first argument).
    #[arg(long = "target", global = true, value_name = "NAME")]
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
