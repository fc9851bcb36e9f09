//! `toolbox idle`: keep the debug container alive without using CPU, so that
//! `kubectl exec POD -c DEBUGGER -- toolbox CMD` can run commands in it later (scripts, CI jobs),
//! and a single ephemeral container serves a whole debugging session.
//!
//! It sleeps in a blocking read of signal-hook's self-pipe until SIGTERM, SIGINT or SIGHUP
//! arrives, then exits 0 at once. The handlers are installed explicitly because, as PID 1 of a
//! container, a signal left at its default disposition does not kill the process
//! (see: pid_namespaces(7), "The namespace init process").
//!
//! When toolbox is PID 1 of its PID namespace (`kubectl debug` without a shared process
//! namespace, or the debug container's own namespace), processes of ended `kubectl exec`
//! sessions are reparented to it: it reaps them on SIGCHLD so that no zombies pile up. In a
//! shared PID namespace the pause process is PID 1 and does that job; toolbox is not a
//! subreaper there and has no children to reap.

use std::io::Write;

use anyhow::Context;
use clap::Args;
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;
use signal_hook::consts::{SIGCHLD, SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use super::Global;

/// Arguments of `toolbox idle` (none).
#[derive(Debug, Args)]
pub struct IdleArgs {}

/// Reap every child that has ended, without waiting for the others (see: waitpid(2), WNOHANG).
fn reap() {
    loop {
        match waitpid(Pid::from_raw(-1), Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// The line printed at start: how to use the container from now on. A pod's hostname is its
/// name unless the pod sets `hostname:`, so it stands in for POD.
pub fn usage_line() -> String {
    let pod = nix::unistd::gethostname()
        .ok()
        .and_then(|h| h.into_string().ok())
        .filter(|h| !h.is_empty())
        .map(|h| crate::output::sanitize(&h))
        .unwrap_or_else(|| "POD".into());
    format!(
        "toolbox idle: this container stays up until SIGTERM; run commands in it with: kubectl exec {pod} -c DEBUGGER -- toolbox CMD"
    )
}

/// Run `toolbox idle`.
pub fn run(_global: &Global, _args: IdleArgs) -> anyhow::Result<i32> {
    let mut signals = Signals::new([SIGTERM, SIGINT, SIGHUP, SIGCHLD])
        .context("cannot install the signal handlers")?;
    let init = std::process::id() == 1;
    if init {
        reap();
    }
    // A closed stdout must not end the container: the line is a courtesy.
    let _ = writeln!(std::io::stdout(), "{}", usage_line());
    // Blocks in read(2) on the self-pipe: no CPU is used between signals.
    for sig in signals.forever() {
        match sig {
            SIGCHLD => {
                if init {
                    reap();
                }
            }
            _ => return Ok(0),
        }
    }
    Ok(0)
}
