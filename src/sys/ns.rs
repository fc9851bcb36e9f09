//! Namespaces: joining another process's namespace with setns(2) and giving toolbox a private
//! sysfs that shows its current network namespace.
//!
//! setns(2) changes the namespace of the *calling thread* only; callers enter before starting
//! any thread (threads created later inherit it) and from the main thread, whose namespace is
//! what `/proc/self/net` shows. See: setns(2), namespaces(7).

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::path::Path;

use nix::mount::{mount, MsFlags};
use nix::sched::{setns, unshare, CloneFlags};

/// Move the calling thread into the network namespace that `ns` (an open `/proc/PID/ns/net`)
/// refers to. Needs CAP_SYS_ADMIN in toolbox's user namespace and in the one owning the target
/// namespace (EPERM otherwise). See: setns(2), CLONE_NEWNET.
pub fn enter_net(ns: BorrowedFd<'_>) -> io::Result<()> {
    setns(ns.as_fd(), CloneFlags::CLONE_NEWNET).map_err(io::Error::from)
}

/// Whether toolbox runs more than one thread now (`Threads:` of /proc/self/status): setns(2)
/// would then move only one of them.
pub fn other_threads_running() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Threads:"))
                .and_then(|v| v.trim().parse::<u32>().ok())
        })
        .is_some_and(|n| n > 1)
}

/// Give toolbox a private mount namespace with a fresh sysfs on `/sys`. A sysfs shows the
/// network devices of the namespace its *mounter* was in (`/sys/class/net`), so after entering
/// another network namespace the container's `/sys` still describes the old one; libpcap reads
/// device details there. Best effort: needs CAP_SYS_ADMIN and a `/sys` directory. The rest of
/// toolbox's mounts are the same files (the new namespace is a copy, made private so that
/// nothing propagates back). See: mount_namespaces(7), sysfs(5).
pub fn private_sysfs() -> io::Result<()> {
    let sys = Path::new("/sys");
    if !sys.is_dir() {
        return Err(io::Error::from_raw_os_error(libc::ENOENT));
    }
    unshare(CloneFlags::CLONE_NEWNS).map_err(io::Error::from)?;
    mount(
        None::<&str>,
        "/",
        None::<&str>,
        MsFlags::MS_REC | MsFlags::MS_PRIVATE,
        None::<&str>,
    )
    .map_err(io::Error::from)?;
    mount(
        Some("sysfs"),
        sys,
        Some("sysfs"),
        MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC | MsFlags::MS_RDONLY,
        None::<&str>,
    )
    .map_err(io::Error::from)
}
