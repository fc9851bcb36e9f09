//! Thin, safe wrappers over the system calls toolbox needs that nix/libc do not wrap safely.
//!
//! This is the only module allowed to contain `unsafe`; every block states why it is sound.

#![allow(unsafe_code)]

pub mod alloc;
pub mod capture;
pub mod exec;
pub mod fsops;
pub mod icmp;
pub mod ns;
pub mod ptrace;

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

fn cstring(path: &Path) -> io::Result<CString> {
    CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains a NUL byte"))
}

/// `struct open_how` of openat2(2) (libc's is non-exhaustive and cannot be built safely).
#[repr(C)]
struct OpenHow {
    flags: u64,
    mode: u64,
    resolve: u64,
}

/// `openat2(dirfd, path, {flags, mode: 0, resolve})`.
///
/// With `resolve = libc::RESOLVE_IN_ROOT` the kernel resolves `path` as if `dirfd` were `/`:
/// absolute symlinks and `..` cannot leave it. See: openat2(2).
pub fn openat2(dir: BorrowedFd<'_>, path: &Path, flags: i32, resolve: u64) -> io::Result<OwnedFd> {
    let cpath = cstring(path)?;
    let how = OpenHow {
        flags: (flags | libc::O_CLOEXEC) as u64,
        mode: 0,
        resolve,
    };
    // EAGAIN means a rename or mount raced the resolution (openat2(2)); the target can make that
    // happen on every try, so retries are bounded. EINTR is retried without bound.
    let mut races = 0;
    loop {
        // SAFETY: `cpath` is a valid NUL-terminated string and `how` a valid `open_how` that both
        // outlive the call; the size passed is the size of the struct we pass.
        let ret = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                dir.as_raw_fd(),
                cpath.as_ptr(),
                &how as *const OpenHow,
                std::mem::size_of::<OpenHow>(),
            )
        };
        if ret >= 0 {
            // SAFETY: the kernel returned a new file descriptor that nothing else owns.
            return Ok(unsafe { OwnedFd::from_raw_fd(ret as i32) });
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EINTR) => {}
            Some(libc::EAGAIN) if races < OPENAT2_RACE_RETRIES => races += 1,
            _ => return Err(err),
        }
    }
}

/// How often [`openat2`] retries a resolution that raced a rename or mount.
const OPENAT2_RACE_RETRIES: u32 = 32;

/// Whether this kernel has `openat2` (Linux 5.6+). Any answer other than ENOSYS means it does.
pub fn has_openat2() -> bool {
    let Ok(root) = std::fs::File::open("/") else {
        return false;
    };
    // SAFETY: `root` is open for the duration of the borrow.
    let fd = unsafe { BorrowedFd::borrow_raw(root.as_raw_fd()) };
    !matches!(
        openat2(fd, Path::new("."), libc::O_PATH | libc::O_DIRECTORY, 0),
        Err(e) if e.raw_os_error() == Some(libc::ENOSYS)
    )
}

/// Whether `fd` refers to a terminal.
pub fn is_terminal(fd: BorrowedFd<'_>) -> bool {
    use std::io::IsTerminal;
    fd.is_terminal()
}

/// Probe whether the `ptrace` system call itself is allowed (not filtered by seccomp).
///
/// Asks for the registers of ourselves, which we are not tracing: an unfiltered kernel answers
/// ESRCH; a seccomp filter typically answers EPERM (or ENOSYS). Touches no other process.
pub fn ptrace_syscall_probe() -> io::Result<()> {
    // SAFETY: PTRACE_PEEKUSER on a process we do not trace reads nothing and writes nothing;
    // the kernel rejects it before looking at `addr`/`data`.
    let ret = unsafe {
        libc::ptrace(
            libc::PTRACE_PEEKUSER,
            libc::getpid(),
            std::ptr::null_mut::<libc::c_void>(),
            std::ptr::null_mut::<libc::c_void>(),
        )
    };
    let err = io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::ESRCH) => Ok(()),
        _ if ret != -1 => Ok(()),
        _ => Err(err),
    }
}

/// Open and immediately close an `AF_PACKET` raw socket: the same check libpcap's capture does.
pub fn packet_socket_probe() -> io::Result<()> {
    // SAFETY: plain socket(2) call; the returned descriptor is immediately owned and dropped.
    let fd = unsafe {
        libc::socket(
            libc::AF_PACKET,
            libc::SOCK_RAW | libc::SOCK_CLOEXEC,
            (libc::ETH_P_ALL as u16).to_be() as i32,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` is a new descriptor we own.
    drop(unsafe { OwnedFd::from_raw_fd(fd) });
    Ok(())
}

/// Probe whether `chroot(dir)` is allowed, in a short-lived child so that toolbox's own root never
/// changes. The child only calls chroot(2) and `_exit(2)`, both async-signal-safe.
pub fn chroot_probe(dir: &Path) -> io::Result<()> {
    let cdir = cstring(dir)?;
    // SAFETY: toolbox is single-threaded where this is called; the child only performs
    // async-signal-safe calls (chroot, _exit) before exiting.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    if pid == 0 {
        // SAFETY: in the child: chroot and _exit are async-signal-safe; `cdir` was built before fork.
        unsafe {
            let rc = libc::chroot(cdir.as_ptr());
            let code = if rc == 0 {
                0
            } else {
                *libc::__errno_location() & 0x7f
            };
            libc::_exit(code);
        }
    }
    let mut status = 0;
    loop {
        // SAFETY: waiting for the child we just forked; `status` is a valid out pointer.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r == pid {
            break;
        }
        let err = io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EINTR) {
            return Err(err);
        }
    }
    if libc::WIFEXITED(status) {
        match libc::WEXITSTATUS(status) {
            0 => Ok(()),
            errno => Err(io::Error::from_raw_os_error(errno)),
        }
    } else {
        Err(io::Error::other("chroot probe child died"))
    }
}

/// The terminal width of stdout, if stdout is a terminal.
pub fn terminal_width() -> Option<usize> {
    let mut ws = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ writes a `winsize` into the valid pointer we pass.
    let rc = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) };
    (rc == 0 && ws.ws_col > 0).then_some(ws.ws_col as usize)
}
