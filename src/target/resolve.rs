//! User-space path resolution inside a root, for kernels without `openat2` (before Linux 5.6) or
//! where a seccomp profile blocks it, with the semantics of `RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS`.
//!
//! The walk opens one component at a time with `openat(O_PATH | O_NOFOLLOW)` relative to the
//! descriptor of the directory reached so far, keeps the descriptors of every directory above it
//! (so `..` pops a descriptor and never asks the kernel for a parent, which could lie outside the
//! root), reads symbolic links itself and restarts absolute ones at the root descriptor.
//! A symlink on procfs outside procfs's top directory (`/proc/PID/root`, `/proc/PID/fd/N`, …) is a
//! magic link and is refused with ELOOP, as `RESOLVE_NO_MAGICLINKS` does.

use std::collections::VecDeque;
use std::ffi::CString;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::OnceLock;

use crate::sys::fsops;

/// Symbolic links followed in one resolution before ELOOP, as the kernel's MAXSYMLINKS.
const MAX_SYMLINKS: usize = 40;
/// Directories held open at once (the depth of the path); deeper paths fail with ENAMETOOLONG.
const MAX_DEPTH: usize = 512;
/// procfs's `f_type`. See: statfs(2).
const PROC_SUPER_MAGIC: i64 = 0x9fa0;
/// The inode number of procfs's top directory. See: fs/proc/root.c, PROC_ROOT_INO.
const PROC_ROOT_INO: u64 = 1;

/// The environment variable that forces the user-space walk (`TOOLBOX_RESOLVE=userspace`), so
/// tests can run the same traps through both implementations on a kernel that has `openat2`.
pub const FORCE_ENV: &str = "TOOLBOX_RESOLVE";

/// Whether paths are resolved in user space: forced by [`FORCE_ENV`], or because `openat2` is
/// missing (ENOSYS) or filtered (EPERM from an old seccomp profile). Probed once per process.
pub fn userspace() -> bool {
    static USERSPACE: OnceLock<bool> = OnceLock::new();
    *USERSPACE.get_or_init(|| {
        if std::env::var_os(FORCE_ENV).is_some_and(|v| v == "userspace") {
            return true;
        }
        let Ok(root) = std::fs::File::open("/") else {
            return false;
        };
        matches!(
            crate::sys::openat2(root.as_fd(), Path::new("."), libc::O_PATH | libc::O_DIRECTORY, 0),
            Err(e) if e.raw_os_error() == Some(libc::ENOSYS) || e.raw_os_error() == Some(libc::EPERM)
        )
    })
}

fn err(errno: i32) -> io::Error {
    io::Error::from_raw_os_error(errno)
}

/// Split a path into components; a trailing slash becomes a final `"."` so the last real
/// component must be (or resolve to) a directory, as the kernel requires.
fn components(path: &[u8], out: &mut VecDeque<Vec<u8>>, front: bool) {
    let mut parts: Vec<Vec<u8>> = path
        .split(|&b| b == b'/')
        .filter(|c| !c.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    if path.ends_with(b"/") && !parts.is_empty() {
        parts.push(b".".to_vec());
    }
    if front {
        for p in parts.into_iter().rev() {
            out.push_front(p);
        }
    } else {
        out.extend(parts);
    }
}

/// Whether the symlink `link` (an `O_PATH | O_NOFOLLOW` descriptor) found in directory `dir` is a
/// procfs magic link.
pub(crate) fn is_magic(link: BorrowedFd<'_>, dir: BorrowedFd<'_>) -> io::Result<bool> {
    let fs = nix::sys::statfs::fstatfs(link).map_err(io::Error::from)?;
    if fs.filesystem_type().0 as i64 != PROC_SUPER_MAGIC {
        return Ok(false);
    }
    // procfs's own top-level links (self, thread-self, mounts, net, …) are ordinary symlinks.
    let st = fsops::fstat(dir)?;
    Ok(st.st_ino != PROC_ROOT_INO)
}

/// Open `path` inside the root `root` with open(2) `flags`, resolving in user space.
/// `O_CREAT` and `O_TMPFILE` are refused (EINVAL): nothing here creates files.
pub fn open_in_root_userspace(
    root: BorrowedFd<'_>,
    path: &Path,
    flags: i32,
) -> io::Result<OwnedFd> {
    if flags & libc::O_CREAT != 0 || flags & libc::O_TMPFILE == libc::O_TMPFILE {
        return Err(err(libc::EINVAL));
    }
    let bytes = path.as_os_str().as_bytes();
    if bytes.is_empty() {
        return Err(err(libc::ENOENT));
    }
    let mut todo = VecDeque::new();
    components(bytes, &mut todo, false);
    // Directories below the root that the walk is in; empty means "at the root".
    let mut stack: Vec<OwnedFd> = Vec::new();
    let mut links = 0usize;
    let nofollow = flags & libc::O_NOFOLLOW != 0;
    while let Some(comp) = todo.pop_front() {
        let last = todo.is_empty();
        let cur = stack.last().map_or(root, |f| f.as_fd());
        match comp.as_slice() {
            b"." => {}
            b".." => {
                stack.pop();
            }
            name => {
                let cname = CString::new(name).map_err(|_| err(libc::EINVAL))?;
                let fd = fsops::openat(cur, &cname, libc::O_PATH | libc::O_NOFOLLOW)?;
                let st = fsops::fstat(fd.as_fd())?;
                let kind = st.st_mode & libc::S_IFMT;
                if kind == libc::S_IFLNK {
                    if last && nofollow {
                        return if flags & libc::O_PATH != 0 {
                            Ok(fd)
                        } else {
                            Err(err(libc::ELOOP))
                        };
                    }
                    links += 1;
                    if links > MAX_SYMLINKS {
                        return Err(err(libc::ELOOP));
                    }
                    // Read first: a magic link the kernel would not let us look at fails with
                    // its own error (EACCES), as under openat2; then refuse it anyway.
                    let target = fsops::readlink_fd(fd.as_fd())?;
                    if is_magic(fd.as_fd(), cur)? {
                        return Err(err(libc::ELOOP));
                    }
                    if target.is_empty() {
                        return Err(err(libc::ENOENT));
                    }
                    if target.starts_with(b"/") {
                        stack.clear();
                    }
                    components(&target, &mut todo, true);
                    if todo.is_empty() {
                        // A link to "/": the root itself is the answer.
                        todo.push_back(b".".to_vec());
                    }
                    continue;
                }
                if last {
                    // Opened again with the caller's flags; O_NOFOLLOW turns a symlink swapped in
                    // meanwhile into ELOOP instead of an escape.
                    return fsops::openat(cur, &cname, flags | libc::O_NOFOLLOW);
                }
                if kind != libc::S_IFDIR {
                    return Err(err(libc::ENOTDIR));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(err(libc::ENAMETOOLONG));
                }
                stack.push(fd);
                continue;
            }
        }
        if last {
            let cur = stack.last().map_or(root, |f| f.as_fd());
            return fsops::openat(cur, c".", flags & !libc::O_NOFOLLOW);
        }
    }
    // Only "/" (or slashes) was given: the root itself.
    fsops::openat(root, c".", flags & !libc::O_NOFOLLOW)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_slash_means_directory() {
        let mut q = VecDeque::new();
        components(b"/a//b/", &mut q, false);
        assert_eq!(q, [b"a".to_vec(), b"b".to_vec(), b".".to_vec()]);
        components(b"x/y", &mut q, true);
        assert_eq!(q[0], b"x".to_vec());
        assert_eq!(q[1], b"y".to_vec());
    }
}
