//! Start a program chroot-style inside another root (and optionally its namespaces), wait for it,
//! and forward SIGINT/SIGTERM to it.
//!
//! The child is made by `std::process::Command` (fork + execve, with its CLOEXEC error pipe); the
//! only code that runs between fork and exec is the `pre_exec` hook below, which makes raw,
//! async-signal-safe system calls only (write, setns, fchdir, chroot, chdir) and allocates nothing.

use std::ffi::OsString;
use std::io::{self, Read};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::Command;

use nix::sys::signal::{kill, SigSet, Signal};
use nix::unistd::Pid;

/// Where the child was when it failed, reported through a pipe before each step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Entering one of the target's namespaces (setns).
    Setns,
    /// Changing root (fchdir + chroot).
    Chroot,
    /// Changing directory to `/` in the new root.
    Chdir,
    /// execve itself (the program is missing, not executable, or its loader is missing).
    Exec,
}

/// A failure to start the program, with the step that failed.
#[derive(Debug)]
pub struct SpawnError {
    /// The step that failed.
    pub stage: Stage,
    /// The error the kernel returned.
    pub error: io::Error,
}

/// What the child enters before exec.
pub struct Enter {
    /// An `O_PATH` directory descriptor of the new root (e.g. of `/proc/PID/root`).
    pub root: OwnedFd,
    /// Namespace descriptors (`/proc/PID/ns/…`) to join first, with their `CLONE_NEW*` type.
    /// The mount namespace should come last: joining it resets the root and working directory.
    pub namespaces: Vec<(OwnedFd, i32)>,
}

/// Run `program` (an absolute path inside the new root) with `args` (argv[1..]) and exactly the
/// environment `env`, inside `enter`. Returns the exit code (128+N for death by signal N).
///
/// SIGINT and SIGTERM received meanwhile are forwarded to the child; toolbox keeps waiting.
pub fn run_in_root(
    program: &Path,
    args: &[OsString],
    env: &[(OsString, OsString)],
    enter: Enter,
) -> Result<i32, SpawnError> {
    let spawn_err = |stage, error| SpawnError { stage, error };
    // The pipe's write end must not leak into the program: it is CLOEXEC.
    let (stage_r, stage_w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
        .map_err(|e| spawn_err(Stage::Exec, e.into()))?;
    let mut stage_r = std::fs::File::from(stage_r);
    let w = stage_w.as_raw_fd();
    let root = enter.root.as_raw_fd();
    let ns: Vec<(i32, i32)> = enter
        .namespaces
        .iter()
        .map(|(fd, t)| (fd.as_raw_fd(), *t))
        .collect();

    let mut cmd = Command::new(program);
    cmd.args(args)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)));
    // SAFETY: the hook runs in the forked child before exec. It only calls write, setns, fchdir,
    // chroot and chdir (async-signal-safe system calls) on descriptors and a static string that
    // were all created before fork, reads a Vec allocated before fork, and allocates nothing.
    unsafe {
        cmd.pre_exec(move || {
            let step = |b: u8| {
                libc::write(w, [b].as_ptr().cast(), 1);
            };
            for &(fd, nstype) in &ns {
                step(b's');
                if libc::setns(fd, nstype) != 0 {
                    return Err(io::Error::last_os_error());
                }
            }
            step(b'r');
            if libc::fchdir(root) != 0 || libc::chroot(c".".as_ptr()) != 0 {
                return Err(io::Error::last_os_error());
            }
            step(b'd');
            if libc::chdir(c"/".as_ptr()) != 0 {
                return Err(io::Error::last_os_error());
            }
            step(b'x');
            Ok(())
        });
    }

    // Block the signals we forward (and SIGCHLD, to learn of the exit) before the child exists;
    // std resets the child's signal mask before exec.
    let mut set = SigSet::empty();
    set.add(Signal::SIGINT);
    set.add(Signal::SIGTERM);
    set.add(Signal::SIGCHLD);
    let old = set
        .thread_swap_mask(nix::sys::signal::SigmaskHow::SIG_BLOCK)
        .map_err(|e| spawn_err(Stage::Exec, e.into()))?;
    let result = spawn_and_wait(&mut cmd, &set);
    let _ = old.thread_set_mask();
    drop(stage_w);
    drop(cmd);
    match result {
        Ok(code) => Ok(code),
        Err(error) => {
            let mut steps = Vec::new();
            let _ = stage_r.read_to_end(&mut steps);
            let stage = match steps.last() {
                Some(b's') => Stage::Setns,
                Some(b'r') => Stage::Chroot,
                Some(b'd') => Stage::Chdir,
                _ => Stage::Exec,
            };
            Err(SpawnError { stage, error })
        }
    }
}

fn spawn_and_wait(cmd: &mut Command, set: &SigSet) -> io::Result<i32> {
    let mut child = cmd.spawn()?;
    let pid = Pid::from_raw(child.id() as i32);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status
                .code()
                .or_else(|| status.signal().map(|s| 128 + s))
                .unwrap_or(1));
        }
        match set.wait() {
            Ok(sig @ (Signal::SIGINT | Signal::SIGTERM)) => {
                let _ = kill(pid, sig);
            }
            Ok(_) => {}
            Err(nix::errno::Errno::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
}
