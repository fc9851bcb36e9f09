//! Root file systems: the target's (`/proc/PID/root`), a directory (`--root /host`), or toolbox's own.
//!
//! Paths inside a root are resolved by the kernel with `openat2(RESOLVE_IN_ROOT)` relative to a
//! directory descriptor of that root, never by joining strings onto `/proc/PID/root`.

use std::io;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use crate::sys;

/// Which root file system paths refer to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Root {
    /// The root of a process: `/proc/PID/root`.
    Process(i32),
    /// A directory that stands for `/`, e.g. the node's root at `/host` in node mode.
    Dir(PathBuf),
    /// toolbox's own root (`--host`).
    Host,
}

impl Root {
    /// The path through which this root is reached from toolbox's mount namespace.
    pub fn path(&self) -> PathBuf {
        match self {
            Root::Process(pid) => PathBuf::from(format!("/proc/{pid}/root")),
            Root::Dir(d) => d.clone(),
            Root::Host => PathBuf::from("/"),
        }
    }

    /// Open a directory descriptor of this root.
    pub fn open(&self) -> io::Result<OwnedFd> {
        open_root_dir(&self.path())
    }
}

/// Open `path` (a directory in toolbox's own view) as an `O_PATH` directory descriptor.
pub fn open_root_dir(path: &Path) -> io::Result<OwnedFd> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC)
        .open(path)?;
    Ok(OwnedFd::from(file))
}

use std::os::unix::fs::OpenOptionsExt;

/// Open `path` inside the root `dir`: `..`, absolute and relative symlinks all stay inside it, and
/// magic links (`/proc/self/root`-style) are refused. See: openat2(2), RESOLVE_IN_ROOT.
///
/// Without `openat2` (Linux < 5.6, or filtered by seccomp) the same semantics come from a
/// user-space walk, [`super::resolve::open_in_root_userspace`].
pub fn open_in_root(dir: BorrowedFd<'_>, path: &Path, flags: i32) -> io::Result<OwnedFd> {
    // openat2 refuses (EINVAL) any flag but O_DIRECTORY/O_NOFOLLOW/O_CLOEXEC next to O_PATH.
    let flags = if flags & libc::O_PATH != 0 {
        flags
    } else {
        flags | libc::O_NOCTTY
    };
    if super::resolve::userspace() {
        return super::resolve::open_in_root_userspace(dir, path, flags);
    }
    sys::openat2(
        dir,
        path,
        flags,
        libc::RESOLVE_IN_ROOT | libc::RESOLVE_NO_MAGICLINKS,
    )
}
