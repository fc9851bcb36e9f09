//! Root file systems: the target's (`/proc/PID/root`), a directory (`--root /host`), or toolbox's own.
//!
//! Paths inside a root are resolved by the kernel with `openat2(RESOLVE_IN_ROOT)` relative to a
//! directory descriptor of that root, never by joining strings onto `/proc/PID/root`.

use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};
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

/// Open `path` inside the root `dir` for reading, only if it is a regular file.
///
/// The type is checked on an `O_PATH` descriptor before the file is really opened: opening is
/// not harmless on every file a target may plant under a well-known name (opening a FIFO wakes
/// a writer blocked on it, opening a watchdog device arms it). The very inode that was checked
/// is then reopened through `/proc/self/fd`. See: open(2), O_PATH.
pub fn open_regular_in_root(dir: BorrowedFd<'_>, path: &Path) -> io::Result<File> {
    // openat2 refuses O_PATH with any flag but O_CLOEXEC/O_DIRECTORY/O_NOFOLLOW (so not with
    // open_in_root's O_NOCTTY).
    let probe = File::from(sys::openat2(
        dir,
        path,
        libc::O_PATH,
        libc::RESOLVE_IN_ROOT | libc::RESOLVE_NO_MAGICLINKS,
    )?);
    if !probe.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a regular file", path.display()),
        ));
    }
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOCTTY | libc::O_CLOEXEC)
        .open(format!("/proc/self/fd/{}", probe.as_raw_fd()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::os::fd::AsFd;

    #[test]
    fn only_regular_files_are_opened() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("plain"), "text").unwrap();
        nix::unistd::mkfifo(&dir.path().join("fifo"), nix::sys::stat::Mode::S_IRWXU).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero")).unwrap();
        std::os::unix::fs::symlink("../../plain", dir.path().join("up")).unwrap();
        let root = open_root_dir(dir.path()).unwrap();
        let mut s = String::new();
        open_regular_in_root(root.as_fd(), Path::new("/up"))
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "text");
        // A FIFO without a writer would block a plain open(O_RDONLY); /dev/zero never ends.
        for bad in ["/fifo", "/zero", "/"] {
            assert!(
                open_regular_in_root(root.as_fd(), Path::new(bad)).is_err(),
                "{bad}"
            );
        }
    }
}
