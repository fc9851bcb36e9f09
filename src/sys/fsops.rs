//! Descriptor-relative file system calls for browsing a root: `openat` returning an owned
//! descriptor, `readlinkat` on an `O_PATH` link, `fstatat`, and `getdents64` into a large buffer.

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// `openat(dir, name, flags | O_CLOEXEC)`, retried on EINTR. `name` is taken as is: callers pass
/// single components (or `"."`) so that no path is ever resolved outside their own checks.
pub fn openat(dir: BorrowedFd<'_>, name: &CStr, flags: i32) -> io::Result<OwnedFd> {
    loop {
        // SAFETY: `name` is a valid NUL-terminated string for the duration of the call; `dir` is
        // a borrowed, open descriptor; no mode is needed because O_CREAT is never passed.
        let fd = unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), flags | libc::O_CLOEXEC) };
        if fd >= 0 {
            // SAFETY: the kernel returned a new descriptor that nothing else owns.
            return Ok(unsafe { OwnedFd::from_raw_fd(fd) });
        }
        let err = io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EINTR) {
            return Err(err);
        }
    }
}

/// `readlinkat(fd, "")`: the target of the symbolic link that the `O_PATH` descriptor `fd` refers
/// to (Linux 2.6.39+). See: readlinkat(2), "empty pathname".
pub fn readlink_fd(fd: BorrowedFd<'_>) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; 256];
    loop {
        // SAFETY: the empty path is a valid C string; `buf` is writable for `buf.len()` bytes.
        let n = unsafe {
            libc::readlinkat(
                fd.as_raw_fd(),
                c"".as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        let n = n as usize;
        if n < buf.len() {
            buf.truncate(n);
            return Ok(buf);
        }
        if buf.len() >= 1 << 16 {
            return Err(io::Error::from_raw_os_error(libc::ENAMETOOLONG));
        }
        buf.resize(buf.len() * 4, 0);
    }
}

/// fstat(2) of a descriptor (an `O_PATH` one included).
pub fn fstat(fd: BorrowedFd<'_>) -> io::Result<libc::stat> {
    nix::sys::stat::fstat(fd.as_raw_fd()).map_err(io::Error::from)
}

/// `fstatat(dir, name, AT_SYMLINK_NOFOLLOW)`: the entry itself, a symlink not followed.
pub fn lstatat(dir: BorrowedFd<'_>, name: &CStr) -> io::Result<libc::stat> {
    nix::sys::stat::fstatat(
        Some(dir.as_raw_fd()),
        name,
        nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW,
    )
    .map_err(io::Error::from)
}

/// One entry of `getdents64`: its name and `d_type` (`DT_UNKNOWN` = 0 when the file system does
/// not say).
pub struct RawDirent {
    /// The name (never `.` or `..`).
    pub name: std::ffi::CString,
    /// `d_type`.
    pub d_type: u8,
}

/// Read every entry of the open directory `dir` (from its current offset) with `getdents64`
/// into a 32 KiB buffer: one or two system calls for most directories, where readdir(3) on musl
/// reads 2 KiB at a time. `.` and `..` are left out. See: getdents64(2).
pub fn read_dir(dir: BorrowedFd<'_>) -> io::Result<Vec<RawDirent>> {
    let mut buf = vec![0u8; 32 * 1024];
    let mut out = Vec::new();
    loop {
        // SAFETY: `buf` is writable for `buf.len()` bytes; the kernel writes at most that many.
        let n = unsafe {
            libc::syscall(
                libc::SYS_getdents64,
                dir.as_raw_fd(),
                buf.as_mut_ptr(),
                buf.len(),
            )
        };
        if n < 0 {
            let err = io::Error::last_os_error();
            if err.raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            return Err(err);
        }
        if n == 0 {
            return Ok(out);
        }
        parse_dirents(&buf[..n as usize], &mut out)?;
    }
}

/// Parse `struct linux_dirent64` records (u64 ino, i64 off, u16 reclen, u8 type, name\0),
/// checking every length against the buffer.
fn parse_dirents(mut buf: &[u8], out: &mut Vec<RawDirent>) -> io::Result<()> {
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "malformed getdents64 record");
    while !buf.is_empty() {
        let reclen = buf
            .get(16..18)
            .map(|b| u16::from_ne_bytes([b[0], b[1]]) as usize)
            .ok_or_else(bad)?;
        if reclen < 20 || reclen > buf.len() {
            return Err(bad());
        }
        let d_type = buf[18];
        let name_bytes = &buf[19..reclen];
        let end = name_bytes.iter().position(|&b| b == 0).ok_or_else(bad)?;
        let name = &name_bytes[..end];
        if name != b"." && name != b".." {
            out.push(RawDirent {
                name: std::ffi::CString::new(name).map_err(|_| bad())?,
                d_type,
            });
        }
        buf = &buf[reclen..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &[u8], d_type: u8) -> Vec<u8> {
        let reclen = (19 + name.len() + 1).div_ceil(8) * 8;
        let mut r = vec![0u8; reclen];
        r[16..18].copy_from_slice(&(reclen as u16).to_ne_bytes());
        r[18] = d_type;
        r[19..19 + name.len()].copy_from_slice(name);
        r
    }

    #[test]
    fn dirent_parsing() {
        let mut buf = record(b".", 4);
        buf.extend(record(b"..", 4));
        buf.extend(record(b"passwd", 8));
        let mut out = Vec::new();
        parse_dirents(&buf, &mut out).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].name.as_bytes(), b"passwd");
        assert_eq!(out[0].d_type, 8);
        let mut bad = record(b"x", 8);
        bad[16] = 200;
        assert!(parse_dirents(&bad, &mut Vec::new()).is_err());
    }
}
