//! `toolbox exec`: run a program from the target's file system, confined to its root, and with
//! `--ns` in its mount, UTS, IPC and network namespaces; with the target's environment and, unless
//! `--as-debugger`, the target's credentials (user, groups, capabilities, no_new_privs).
//! E.g. `toolbox exec -- /usr/sbin/nginx -t` checks nginx's config with nginx's own binary.

use std::ffi::OsString;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use clap::Args;

use super::Global;
use crate::caps::{self, Feature};
use crate::fs::describe;
use crate::fs::program;
use crate::sys::exec::{run_in_root, Enter, Privileges, Program, Stage};
use crate::target::creds::{self, Status};
use crate::target::Root;

/// Errors of `toolbox exec`.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// A step before exec failed.
    #[error("{program}: cannot {step}: {reason}")]
    Failed {
        /// What failed.
        step: &'static str,
        /// The program.
        program: String,
        /// Why.
        reason: String,
    },
    /// `--ns` needs a process.
    #[error("--ns needs a target process (not --root or --host)")]
    NsWithoutProcess,
    /// The target's credentials could not be read.
    #[error("cannot read the credentials of PID {pid}: {err} (pass --as-debugger to run with toolbox's own)")]
    Credentials {
        /// PID.
        pid: i32,
        /// Why.
        err: creds::CredsError,
    },
    /// toolbox's own credentials could not be read.
    #[error("cannot read toolbox's own credentials: {0}")]
    OwnCredentials(creds::CredsError),
    /// The target's environment could not be read.
    #[error(
        "cannot read the environment of PID {pid}: {reason} (pass --keep-env to use toolbox's own)"
    )]
    Environ {
        /// PID.
        pid: i32,
        /// Why.
        reason: String,
    },
}

/// What `exec` guarantees, for `toolbox exec --help`.
const GUARANTEES: &str = "\
The program runs with the target process's user, group and supplementary group IDs and its
capability sets (each limited to what toolbox holds), no_new_privs set, and only descriptors
0, 1 and 2. With --root or --host there is no target process: it runs as 65534:65534 without
capabilities. The root is entered with pivot_root in a private mount namespace where toolbox
has CAP_SYS_ADMIN (--root, --host, --ns), otherwise with chroot, and the program then loses
CAP_SYS_CHROOT. The program path is resolved inside the root like the fs commands (/proc magic
links refused); a script's #! interpreter is resolved the same way. If any step fails the
program does not run.

--as-debugger runs it with toolbox's own user and capabilities instead and prints a warning:
a program planted in the target's image then gets the debugger's privileges.";

/// Arguments of `toolbox exec`.
#[derive(Debug, Args)]
#[command(after_long_help = GUARANTEES)]
pub struct ExecArgs {
    /// Also enter the target's mount, UTS, IPC and network namespaces.
    #[arg(long)]
    ns: bool,
    /// Use toolbox's own environment instead of the target process's.
    #[arg(long)]
    keep_env: bool,
    /// Run the program with toolbox's own user and capabilities instead of the target's
    /// (DANGEROUS: a program planted in the target's image then gets the debugger's privileges).
    #[arg(long)]
    as_debugger: bool,
    /// Set an environment variable (repeatable).
    #[arg(short = 'e', long = "env", value_name = "KEY=VALUE")]
    env: Vec<String>,
    /// The program (a path inside the target's root, or a name looked up in the target's PATH)
    /// and its arguments.
    #[arg(
        value_name = "CMD",
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    command: Vec<OsString>,
}

/// The search path when the environment has none (the target's PATH is empty, or `--root`).
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Namespaces `--ns` enters, mount last (joining it resets root and working directory).
const NAMESPACES: [(&str, i32); 4] = [
    ("uts", libc::CLONE_NEWUTS),
    ("ipc", libc::CLONE_NEWIPC),
    ("net", libc::CLONE_NEWNET),
    ("mnt", libc::CLONE_NEWNS),
];

fn parse_env(bytes: &[u8]) -> Vec<(OsString, OsString)> {
    bytes
        .split(|&b| b == 0)
        .filter(|kv| !kv.is_empty())
        .filter_map(|kv| {
            let eq = kv.iter().position(|&b| b == b'=')?;
            Some((
                OsString::from_vec(kv[..eq].to_vec()),
                OsString::from_vec(kv[eq + 1..].to_vec()),
            ))
        })
        .collect()
}

/// Run `toolbox exec`.
pub fn run(global: &Global, args: ExecArgs) -> anyhow::Result<i32> {
    let root = super::fs_root(global)?;
    let pid = match root.root {
        Root::Process(pid) => Some(pid),
        _ => None,
    };
    let mut env: Vec<(OsString, OsString)> = if args.keep_env {
        std::env::vars_os().collect()
    } else if let Some(pid) = pid {
        match std::fs::read(format!("/proc/{pid}/environ")) {
            Ok(b) => parse_env(&b),
            Err(e) => {
                let what = format!("cannot read the environment of PID {pid}");
                if let Some(d) = caps::denied(
                    &caps::Context::read(),
                    Feature::Exec,
                    Some(&caps::Subject::read(pid)),
                    &what,
                    &e,
                ) {
                    return Err(d.into());
                }
                return Err(ExecError::Environ {
                    pid,
                    reason: describe(&e),
                }
                .into());
            }
        }
    } else {
        vec![("PATH".into(), DEFAULT_PATH.into())]
    };
    for kv in &args.env {
        let (k, v) = kv.split_once('=').unwrap_or((kv.as_str(), ""));
        env.retain(|(ek, _)| ek != k);
        env.push((k.into(), v.into()));
    }
    let search = env
        .iter()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.as_bytes().to_vec())
        .unwrap_or_else(|| DEFAULT_PATH.as_bytes().to_vec());
    let (program, rest) = args
        .command
        .split_first()
        .ok_or_else(|| anyhow::anyhow!("no command given"))?;
    let shown = crate::output::sanitize_bytes(program.as_bytes());
    let resolved = match program::resolve(root.fd(), program.as_bytes(), rest, &search) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("toolbox exec: {e}");
            return Ok(e.exit_code());
        }
    };
    let privileges = if args.as_debugger {
        eprintln!(
            "toolbox exec: WARNING: --as-debugger: {shown} runs with toolbox's own user and capabilities, not the target's; a program planted in the target's image gets them too"
        );
        Privileges::Keep
    } else {
        let want = match pid {
            Some(pid) => {
                Status::read(&pid.to_string()).map_err(|err| ExecError::Credentials { pid, err })?
            }
            None => Status::nobody(),
        };
        let own = Status::read("self").map_err(ExecError::OwnCredentials)?;
        Privileges::Drop(creds::plan(&own, &want))
    };
    let mut namespaces: Vec<(OwnedFd, i32)> = Vec::new();
    if args.ns {
        let pid = pid.ok_or(ExecError::NsWithoutProcess)?;
        for (name, kind) in NAMESPACES {
            let p = format!("/proc/{pid}/ns/{name}");
            let fd = std::fs::File::open(&p).map_err(|e| {
                let what = format!("cannot open {p}");
                match caps::denied(
                    &caps::Context::read(),
                    Feature::Exec,
                    Some(&caps::Subject::read(pid)),
                    &what,
                    &e,
                ) {
                    Some(d) => anyhow::Error::from(d),
                    None => anyhow::anyhow!("{what}: {}", describe(&e)),
                }
            })?;
            namespaces.push((fd.into(), kind));
        }
    }
    let root_fd = root
        .fd()
        .try_clone_to_owned()
        .map_err(|e| anyhow::anyhow!("cannot duplicate the root descriptor: {e}"))?;
    let enter = Enter {
        root: root_fd,
        namespaces,
        privileges,
    };
    let shown_path = crate::output::sanitize_bytes(
        resolved
            .argv
            .first()
            .map(|a| a.as_bytes())
            .unwrap_or_default(),
    );
    let program = Program {
        dir: resolved.dir,
        name: resolved.name,
        argv: resolved.argv,
    };
    match run_in_root(program, &env, enter) {
        Ok(code) => Ok(code),
        Err(e) => {
            let step = match e.stage {
                Stage::Setns => "enter the target's namespaces",
                Stage::Root => "enter the target's root",
                Stage::DetachOldRoot => "detach toolbox's root after pivot_root",
                Stage::Fds => "close toolbox's file descriptors",
                Stage::Bounding => "drop capabilities from the bounding set",
                Stage::Groups => "set the target's supplementary groups",
                Stage::Gid => "set the target's group IDs",
                Stage::Uid => "set the target's user IDs",
                Stage::Caps => "set the target's capabilities",
                Stage::Ambient => "raise the target's ambient capabilities",
                Stage::NoNewPrivs => "set no_new_privs",
                Stage::Exec => "execute",
            };
            if let Some(d) = drop_denied(e.stage, &e.error, &shown, step) {
                return Err(d.into());
            }
            let what = format!("{shown}: cannot {step}");
            if e.stage == Stage::Setns && e.error.raw_os_error() == Some(libc::EPERM) {
                return Err(caps::Denied {
                    what,
                    reason: "joining another container's namespaces needs CAP_SYS_ADMIN (and CAP_SYS_CHROOT for its mount namespace), which toolbox does not have".into(),
                    fix: caps::fix::PROFILE_SYSADMIN.into(),
                }
                .into());
            }
            if let Some(d) = caps::denied(
                &caps::Context::read(),
                Feature::Exec,
                pid.map(caps::Subject::read).as_ref(),
                &what,
                &e.error,
            ) {
                if e.stage != Stage::Exec {
                    return Err(d.into());
                }
            }
            eprintln!(
                "toolbox exec: {}",
                ExecError::Failed {
                    step,
                    program: shown_path,
                    reason: exec_reason(e.stage, &e.error),
                }
            );
            Ok(
                if e.stage == Stage::Exec && e.error.raw_os_error() != Some(libc::ENOENT) {
                    126
                } else {
                    127
                },
            )
        }
    }
}

/// Why a step failed, in words; for execveat, what its errors mean once the file itself was
/// found (see execve(2), ERRORS).
fn exec_reason(stage: Stage, err: &std::io::Error) -> String {
    match (stage, err.raw_os_error()) {
        (Stage::Exec, Some(libc::ENOENT)) => "No such file or directory: the program itself was found, so its dynamic loader (the ELF interpreter it names) is missing from the target's root, or it is a script toolbox could not read, or it was removed meanwhile".into(),
        (Stage::Exec, Some(libc::ENOEXEC)) => "Exec format error: neither a program for this machine nor a #! script".into(),
        (Stage::Exec, Some(libc::EACCES)) => "Permission denied: the target's user may not execute it (or its file system is mounted noexec)".into(),
        _ => describe(err),
    }
}

/// A refused privilege drop, with the capability it needs and the ways out.
fn drop_denied(
    stage: Stage,
    err: &std::io::Error,
    shown: &str,
    step: &str,
) -> Option<caps::Denied> {
    if err.raw_os_error() != Some(libc::EPERM) {
        return None;
    }
    let cap = match stage {
        Stage::Bounding => "CAP_SETPCAP",
        Stage::Groups | Stage::Gid => "CAP_SETGID",
        Stage::Uid => "CAP_SETUID",
        // capset and PR_CAP_AMBIENT_RAISE only ever get subsets of what toolbox holds.
        _ => return None,
    };
    Some(caps::Denied {
        what: format!("{shown}: cannot {step}"),
        reason: format!("giving the program the target's credentials needs {cap}, which toolbox does not have; the program was not started"),
        fix: caps::fix::CUSTOM_SETID.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environ_parsing() {
        let env = parse_env(b"PATH=/usr/bin:/bin\0HOME=/\0BAD\0EMPTY=\0");
        assert_eq!(env.len(), 3);
        assert_eq!(env[0].0, "PATH");
        assert_eq!(env[2].1, "");
    }
}
