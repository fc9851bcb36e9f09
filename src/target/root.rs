//! Root file systems: the target's (`/proc/PID/root`), a directory (`--root /host`), or toolbox's own.
//!
//! Paths inside a root are resolved by the kernel with `openat2(RESOLVE_IN_ROOT)` relative to a
//! directory descriptor of that root, never by joining strings onto `/proc/PID/root`.

use std::fs::File;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
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
/// is then reopened, see [`reopen`]. Resolution goes through [`open_in_root`], so kernels
/// without `openat2` get the user-space walk. See: open(2), O_PATH.
pub fn open_regular_in_root(dir: BorrowedFd<'_>, path: &Path) -> io::Result<File> {
    let probe = open_in_root(dir, path, libc::O_PATH)?;
    let st = sys::fsops::fstat(probe.as_fd())?;
    if st.st_mode & libc::S_IFMT != libc::S_IFREG {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a regular file", path.display()),
        ));
    }
    let fd = reopen(probe.as_fd(), &st, |flags| open_in_root(dir, path, flags))?;
    Ok(clear_nonblock(fd))
}

/// Open for reading the very file that the `O_PATH` descriptor `fd` (of status `st`) refers
/// to, without resolving any path inside the target again: through toolbox's own
/// `/proc/self/fd/N`, the reopening libpathrs and runc use. So the file that was checked (a
/// regular file, not a FIFO or device) is the file that is opened, even if the target swaps
/// names meanwhile. The result is checked to be the same inode. See: proc(5), /proc/pid/fd.
///
/// The descriptor is opened `O_NONBLOCK` (so that a FIFO never hangs the open; see
/// [`clear_nonblock`]) and `O_NOATIME` where allowed, so reading leaves the target's access
/// times alone.
///
/// Without a procfs at `/proc` (ENOENT), `again` opens the file by its name once more; the
/// inode check then still catches a swap, after the fact.
pub fn reopen(
    fd: BorrowedFd<'_>,
    st: &libc::stat,
    again: impl Fn(i32) -> io::Result<OwnedFd>,
) -> io::Result<OwnedFd> {
    let proc_path = format!("/proc/self/fd/{}", fd.as_raw_fd());
    let flags = libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC;
    let open = |extra: i32| {
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(flags | extra)
            .open(&proc_path)
            .map(OwnedFd::from)
    };
    let new = match with_noatime(open) {
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {
            with_noatime(|extra| again(libc::O_RDONLY | flags | extra))?
        }
        r => r?,
    };
    let got = sys::fsops::fstat(new.as_fd())?;
    if (got.st_dev, got.st_ino) != (st.st_dev, st.st_ino) {
        return Err(io::Error::other(
            "reopened a different file (is toolbox's /proc its own?)",
        ));
    }
    Ok(new)
}

/// Open with `O_NOATIME` so that reading leaves the target's access times alone; the kernel
/// allows it only to the file's owner or with CAP_FOWNER, so EPERM retries without it.
/// See: open(2), O_NOATIME.
fn with_noatime(open: impl Fn(i32) -> io::Result<OwnedFd>) -> io::Result<OwnedFd> {
    match open(libc::O_NOATIME) {
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => open(0),
        r => r,
    }
}

/// Turn a descriptor opened with `O_NONBLOCK` (so that opening a FIFO never hangs) back into a
/// blocking file for reading.
pub fn clear_nonblock(fd: OwnedFd) -> File {
    use nix::fcntl::{fcntl, FcntlArg, OFlag};
    if let Ok(bits) = fcntl(fd.as_raw_fd(), FcntlArg::F_GETFL) {
        let flags = OFlag::from_bits_truncate(bits) & !OFlag::O_NONBLOCK;
        let _ = fcntl(fd.as_raw_fd(), FcntlArg::F_SETFL(flags));
    }
    File::from(fd)
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
