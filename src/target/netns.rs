//! The target's network namespace: network commands (`capture`, and later `net`, `dns`, `http`)
//! act where the application's packets are, not where toolbox happens to run.
//!
//! Under `kubectl debug --target` (and in any pod) the namespace is already shared and nothing
//! changes. Otherwise (`kubectl debug node/…`, a debug container with `--network host`, `--pid`
//! naming a process of another pod) toolbox joins it with setns(2) before any socket is opened
//! and before any thread is started, and gives itself a private sysfs that describes it.

use std::fs::File;
use std::io;
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;

use crate::caps::{self, Feature};
use crate::sys;

/// Errors of entering a network namespace; each names the PID.
#[derive(Debug, thiserror::Error)]
pub enum NetNsError {
    /// A permission error, with the missing capability and the kubectl fix.
    #[error(transparent)]
    Denied(#[from] caps::Denied),
    /// The namespace link could not be opened for another reason.
    #[error("cannot open /proc/{pid}/ns/net: {err}")]
    Open {
        /// The target.
        pid: i32,
        /// Why.
        err: io::Error,
    },
    /// setns(2) failed for another reason than permissions.
    #[error("cannot enter the network namespace of PID {pid}: {err}")]
    Enter {
        /// The target.
        pid: i32,
        /// Why.
        err: io::Error,
    },
    /// toolbox already runs other threads, which would stay behind.
    #[error("cannot enter the network namespace of PID {pid}: toolbox already runs several threads (setns(2) moves only one); this is a bug in toolbox")]
    Threads {
        /// The target.
        pid: i32,
    },
}

/// Where network commands run after [`enter`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetNs {
    /// The target's namespace is toolbox's own: nothing was done.
    Shared,
    /// toolbox joined the namespace of this PID.
    Entered {
        /// The target.
        pid: i32,
        /// Whether `/sys` now describes it too (a private sysfs could be mounted).
        sysfs: bool,
    },
}

/// The reason and fix when entering another network namespace is refused.
fn setns_denied(pid: i32, err: &io::Error) -> Option<caps::Denied> {
    if !matches!(err.raw_os_error(), Some(libc::EPERM | libc::EACCES)) {
        return None;
    }
    let ctx = caps::Context::read();
    let reason = if ctx.has(::caps::Capability::CAP_SYS_ADMIN) {
        "the kernel refused setns(2) although toolbox has CAP_SYS_ADMIN (the namespace belongs to another user namespace, or a seccomp profile blocks setns)".to_string()
    } else {
        "its network namespace is not toolbox's, and joining it (setns(2)) needs CAP_SYS_ADMIN, which toolbox does not have".to_string()
    };
    Some(caps::Denied {
        what: format!("cannot enter the network namespace of PID {pid}"),
        reason,
        fix: caps::fix::PROFILE_SYSADMIN.to_string(),
    })
}

/// Open `/proc/PID/ns/net`; reading it passes the ptrace access check (like the other
/// details of a process), so a refusal names CAP_SYS_PTRACE. See: namespaces(7).
fn open(pid: i32) -> Result<File, NetNsError> {
    File::open(format!("/proc/{pid}/ns/net")).map_err(|err| {
        let what = format!("cannot open the network namespace of PID {pid}");
        match caps::denied(
            &caps::Context::read(),
            Feature::Ps,
            Some(&caps::Subject::read(pid)),
            &what,
            &err,
        ) {
            Some(d) => NetNsError::Denied(d),
            None => NetNsError::Open { pid, err },
        }
    })
}

/// Whether `pid`'s network namespace is toolbox's own (same namespace inode).
pub fn shared(pid: i32) -> Result<bool, NetNsError> {
    let theirs = open(pid)?
        .metadata()
        .map_err(|err| NetNsError::Open { pid, err })?;
    let mine = std::fs::metadata("/proc/self/ns/net").map_err(|err| NetNsError::Open {
        pid: std::process::id() as i32,
        err,
    })?;
    Ok((theirs.dev(), theirs.ino()) == (mine.dev(), mine.ino()))
}

/// Make toolbox's network commands run in `pid`'s network namespace: nothing when it is
/// toolbox's own; otherwise join it. Must run before any thread is started and before any
/// socket is opened (they keep the namespace they were made in).
pub fn enter(pid: i32) -> Result<NetNs, NetNsError> {
    let ns = open(pid)?;
    let theirs = ns.metadata().map_err(|err| NetNsError::Open { pid, err })?;
    if let Ok(mine) = std::fs::metadata("/proc/self/ns/net") {
        if (theirs.dev(), theirs.ino()) == (mine.dev(), mine.ino()) {
            return Ok(NetNs::Shared);
        }
    }
    if sys::ns::other_threads_running() {
        return Err(NetNsError::Threads { pid });
    }
    sys::ns::enter_net(ns.as_fd()).map_err(|err| match setns_denied(pid, &err) {
        Some(d) => NetNsError::Denied(d),
        None => NetNsError::Enter { pid, err },
    })?;
    let sysfs = sys::ns::private_sysfs().is_ok();
    Ok(NetNs::Entered { pid, sysfs })
}

/// Probe, without moving toolbox, whether it could join `pid`'s network namespace: the same
/// open and setns(2) in a short-lived thread (setns changes only the calling thread).
pub fn probe(pid: i32) -> Result<NetNs, NetNsError> {
    if shared(pid)? {
        return Ok(NetNs::Shared);
    }
    let ns = open(pid)?;
    let res = std::thread::scope(|s| s.spawn(|| sys::ns::enter_net(ns.as_fd())).join());
    match res {
        Ok(Ok(())) => Ok(NetNs::Entered { pid, sysfs: false }),
        Ok(Err(err)) => Err(match setns_denied(pid, &err) {
            Some(d) => NetNsError::Denied(d),
            None => NetNsError::Enter { pid, err },
        }),
        Err(_) => Err(NetNsError::Enter {
            pid,
            err: io::Error::other("the probe thread panicked"),
        }),
    }
}

/// Run `f` in `pid`'s network namespace without moving toolbox: directly when the namespace is
/// toolbox's own, else in a short-lived thread that joins it first (setns(2) changes only the
/// calling thread; sockets opened there stay in that namespace). For probes and summaries that
/// must not change where the rest of toolbox runs.
pub fn run_in<T: Send>(pid: i32, f: impl FnOnce() -> T + Send) -> Result<T, NetNsError> {
    if shared(pid)? {
        return Ok(f());
    }
    let ns = open(pid)?;
    let res = std::thread::scope(|s| {
        s.spawn(|| {
            sys::ns::enter_net(ns.as_fd())?;
            Ok::<T, io::Error>(f())
        })
        .join()
    });
    match res {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(err)) => Err(match setns_denied(pid, &err) {
            Some(d) => NetNsError::Denied(d),
            None => NetNsError::Enter { pid, err },
        }),
        Err(_) => Err(NetNsError::Enter {
            pid,
            err: io::Error::other("the thread panicked"),
        }),
    }
}
