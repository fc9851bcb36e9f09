//! The leaf of the decoder: the types every printer shares ([`Memory`], [`DecodeOpts`],
//! [`Entry`], [`Ctx`]), the text of scalars (`hex`), pointers, file descriptors (`-y` paths),
//! strings and buffers, and the checked reads of tracee memory. It uses no other decode module.
//!
//! Strings and buffers are quoted with C escapes and cut after `-s` bytes. The escaping is
//! strace's: `\t \n \v \f \r \" \\` by name, other bytes outside printable ASCII in octal
//! (three digits when an octal digit follows). The result is pure printable ASCII, so tracee data
//! can never inject terminal escape sequences.

use std::io;

/// Read access to a tracee's address space (process_vm_readv, PTRACE_PEEKDATA, or a test buffer).
pub trait Memory {
    /// Read exactly `len` bytes at `addr`; an error if any of them is unreadable.
    fn read(&self, addr: u64, len: usize) -> io::Result<Vec<u8>>;

    /// Read a NUL-terminated string at `addr`, at most `max` bytes (without the NUL).
    ///
    /// Returns the bytes before the NUL and `true` when no NUL was found within `max` bytes.
    fn read_cstr(&self, addr: u64, max: usize) -> io::Result<(Vec<u8>, bool)>;

    /// What the tracee's file descriptor `fd` refers to (for `-y`), if the implementation knows.
    ///
    /// The default returns `None`, and the decoder then reads `/proc/PID/fd/FD` itself.
    fn fd_path(&self, _fd: i32) -> Option<Vec<u8>> {
        None
    }
}

/// Options that change how arguments print (strace's `-s`, `-y`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeOpts {
    /// `-s N`: how many bytes of a string or buffer, and how many array elements, to print
    /// before `...` (default 32).
    pub strsize: usize,
    /// `-y`: print the path (or `socket:[INODE]`) behind each file descriptor.
    pub fd_paths: bool,
    /// The tracee's pid as toolbox's /proc sees it, for `-y` look-ups in `/proc/PID/fd` and
    /// `/proc/PID/cwd` (0: no look-ups).
    pub pid: i32,
}

impl Default for DecodeOpts {
    fn default() -> Self {
        DecodeOpts {
            strsize: 32,
            fd_paths: false,
            pid: 0,
        }
    }
}

/// What [`format_args_enter`](super::format_args_enter) saw at syscall entry, handed back to
/// [`format_call_exit`](super::format_call_exit).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    /// The arguments printed at entry, e.g. `3, ` for `read` (what strace prints before
    /// `<unfinished ...>`). The exit text always starts with it.
    pub text: String,
    /// Argument strings printed at entry, for `--json`.
    pub args: Vec<String>,
    /// Values read at entry that the kernel may overwrite (e.g. accept4's `*addrlen`).
    pub saved: Vec<u64>,
}

/// Everything an argument printer needs.
pub(crate) struct Ctx<'a> {
    pub(crate) args: &'a [u64; 6],
    pub(crate) mem: &'a dyn Memory,
    pub(crate) opts: &'a DecodeOpts,
    /// `Some` at exit.
    pub(crate) ret: Option<i64>,
    /// Values saved at entry (exit only).
    pub(crate) saved: &'a [u64],
}

impl Ctx<'_> {
    pub(crate) fn arg(&self, i: usize) -> u64 {
        self.args.get(i).copied().unwrap_or(0)
    }

    pub(crate) fn failed(&self) -> bool {
        self.ret.is_some_and(|r| error_of(r).is_some())
    }

    pub(crate) fn fd(&self, fd: i32) -> String {
        fd_text(fd, self.mem, self.opts)
    }
}

/// `3` or, with `-y`, `3</path>`.
pub fn fd_text(fd: i32, mem: &dyn Memory, opts: &DecodeOpts) -> String {
    if !opts.fd_paths || fd < 0 {
        return fd.to_string();
    }
    match fd_target(fd, mem, opts) {
        Some(p) => format!("{fd}{}", angle_path(&p)),
        None => fd.to_string(),
    }
}

/// `<path>`, with the kernel's ` (deleted)` suffix moved outside as strace does:
/// `</memfd:x>(deleted)`.
fn angle_path(p: &[u8]) -> String {
    match p.strip_suffix(b" (deleted)") {
        Some(live) => format!("<{}>(deleted)", angle_quote(live)),
        None => format!("<{}>", angle_quote(p)),
    }
}

fn fd_target(fd: i32, mem: &dyn Memory, opts: &DecodeOpts) -> Option<Vec<u8>> {
    mem.fd_path(fd).or_else(|| {
        use std::os::unix::ffi::OsStrExt;
        if opts.pid <= 0 {
            return None;
        }
        std::fs::read_link(format!("/proc/{}/fd/{fd}", opts.pid))
            .ok()
            .map(|p| p.as_os_str().as_bytes().to_vec())
    })
}

/// A path inside `<…>`: strace's quoting without the quotes, `<` and `>` escaped too.
fn angle_quote(p: &[u8]) -> String {
    let q = quote(p);
    let inner = q.get(1..q.len().saturating_sub(1)).unwrap_or("");
    inner.replace('<', "\\74").replace('>', "\\76")
}

/// The errno of a raw return value, if it is an error.
pub fn error_of(ret: i64) -> Option<i32> {
    if (-4095..=-1).contains(&ret) {
        i32::try_from(-ret).ok()
    } else {
        None
    }
}

/// `%#lx`: `0` for zero, `0x1f` otherwise.
pub(crate) fn hex(v: u64) -> String {
    if v == 0 {
        "0".to_string()
    } else {
        format!("{v:#x}")
    }
}

fn cwd_path(opts: &DecodeOpts) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    if opts.pid <= 0 {
        return None;
    }
    std::fs::read_link(format!("/proc/{}/cwd", opts.pid))
        .ok()
        .map(|p| p.as_os_str().as_bytes().to_vec())
}

/// Little-endian integer readers over a byte slice (`None` past the end).
pub(crate) fn le_u32(b: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(off..off + 4)?.try_into().ok()?))
}
pub(crate) fn le_u64(b: &[u8], off: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(off..off + 8)?.try_into().ok()?))
}

/// Read an `int` from the tracee.
pub(crate) fn read_u32(mem: &dyn Memory, addr: u64) -> Option<u32> {
    if addr == 0 {
        return None;
    }
    mem.read(addr, 4).ok().and_then(|b| le_u32(&b, 0))
}

/// Read a `long` from the tracee.
pub(crate) fn read_u64(mem: &dyn Memory, addr: u64) -> Option<u64> {
    if addr == 0 {
        return None;
    }
    mem.read(addr, 8).ok().and_then(|b| le_u64(&b, 0))
}

/// Read a `u64` at any address (0 included).
pub(crate) fn read_u64_at(mem: &dyn Memory, addr: u64) -> Option<u64> {
    mem.read(addr, 8).ok().and_then(|b| le_u64(&b, 0))
}

/// The directory fd of `*at` calls: `AT_FDCWD` (with `-y`, `AT_FDCWD</cwd>`) or the fd text.
pub(crate) fn dirfd_text(fd: i32, mem: &dyn Memory, opts: &DecodeOpts) -> String {
    if fd != libc::AT_FDCWD {
        return fd_text(fd, mem, opts);
    }
    if opts.fd_paths {
        if let Some(cwd) = cwd_path(opts) {
            return format!("AT_FDCWD{}", angle_path(&cwd));
        }
    }
    "AT_FDCWD".to_string()
}

/// A plain little-endian integer read from tracee bytes (`None` past the end). toolbox traces
/// tracees of its own architecture, and both it supports are little-endian.
pub(crate) trait Le: Sized {
    /// The value at byte `off` of `b`.
    fn at(b: &[u8], off: usize) -> Option<Self>;
}

macro_rules! le_impl {
    ($($t:ty)*) => {$(
        impl Le for $t {
            fn at(b: &[u8], off: usize) -> Option<Self> {
                let end = off.checked_add(std::mem::size_of::<$t>())?;
                Some(<$t>::from_le_bytes(b.get(off..end)?.try_into().ok()?))
            }
        }
    )*};
}
le_impl!(u8 i8 u16 i16 u32 i32 u64 i64 usize isize);

/// Field `f` of the C struct `T` from `b`, the bytes of a `T` read from the tracee (optionally
/// starting at byte `base` of `b`, for arrays). Its offset (`offset_of!`) and type come from the
/// `#[repr(C)]` definition — libc's where libc has the type — so the layout is the target
/// architecture's, not literal offsets. `None` when `b` is too short.
macro_rules! field {
    ($b:expr, $T:ty, $f:ident) => {
        field!($b, 0, $T, $f)
    };
    ($b:expr, $base:expr, $T:ty, $f:ident) => {{
        fn typed<F: $crate::trace::decode::text::Le>(
            _field: impl Fn(&$T) -> F,
            b: &[u8],
            off: usize,
        ) -> Option<F> {
            F::at(b, off)
        }
        typed(
            |s: &$T| s.$f,
            $b,
            ($base as usize).saturating_add(::std::mem::offset_of!($T, $f)),
        )
    }};
}
pub(crate) use field;

/// `f` of the struct at `v`, or the bare address when the call failed or `v` is NULL.
pub(crate) fn if_ok(c: &Ctx<'_>, v: u64, f: fn(&dyn Memory, u64) -> String) -> String {
    if c.failed() || v == 0 {
        ptr(v)
    } else {
        f(c.mem, v)
    }
}

/// `len` bytes at `addr` as `"\x01\x02"`, cut at `-s` (getrandom).
pub(crate) fn hex_buf(mem: &dyn Memory, addr: u64, len: u64, opts: &DecodeOpts) -> String {
    let want = usize::try_from(len).unwrap_or(usize::MAX);
    let shown = want.min(opts.strsize);
    match mem.read(addr, shown) {
        Ok(b) => {
            let mut s = String::from("\"");
            for x in b {
                s.push_str(&format!("\\x{x:02x}"));
            }
            s.push('"');
            if want > shown {
                s.push_str("...");
            }
            s
        }
        Err(_) => ptr(addr),
    }
}

/// Longest path strace reads (PATH_MAX).
pub const PATH_MAX: usize = 4096;

/// Quote `bytes` as a C string literal, strace style (no truncation marker).
pub fn quote(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x0c => out.push_str("\\f"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x0b => out.push_str("\\v"),
            0x20..=0x7e => out.push(char::from(c)),
            _ => {
                let next_is_octal = bytes.get(i + 1).is_some_and(|n| (b'0'..=b'7').contains(n));
                if next_is_octal {
                    out.push_str(&format!("\\{c:03o}"));
                } else {
                    out.push_str(&format!("\\{c:o}"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// A pointer as strace prints it: `NULL` or `0x7ffc…`.
pub fn ptr(addr: u64) -> String {
    if addr == 0 {
        "NULL".to_string()
    } else {
        format!("{addr:#x}")
    }
}

/// A NUL-terminated string argument, cut after `-s` bytes with `...`.
pub fn cstr(mem: &dyn Memory, addr: u64, opts: &DecodeOpts) -> String {
    cstr_max(mem, addr, opts.strsize)
}

/// A NUL-terminated string of at most `max` bytes before `...`.
pub fn cstr_max(mem: &dyn Memory, addr: u64, max: usize) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    match mem.read_cstr(addr, max.saturating_add(1)) {
        // Cut short by unreadable memory before a NUL: strace prints the address then.
        Ok((bytes, true)) if bytes.len() < max => ptr(addr),
        Ok((bytes, truncated)) => {
            if bytes.len() > max || (truncated && bytes.len() >= max) {
                let cut = bytes.get(..max).unwrap_or(&bytes);
                format!("{}...", quote(cut))
            } else {
                quote(&bytes)
            }
        }
        Err(_) => ptr(addr),
    }
}

/// A path argument: read up to PATH_MAX, not limited by `-s`.
pub fn path(mem: &dyn Memory, addr: u64) -> String {
    cstr_max(mem, addr, PATH_MAX)
}

/// A buffer of `len` bytes (write data, read data at exit), cut after `-s` bytes with `...`.
pub fn buf(mem: &dyn Memory, addr: u64, len: u64, opts: &DecodeOpts) -> String {
    // strace prints NULL for a NULL buffer whatever its length (`write(1, NULL, 0)`).
    if addr == 0 {
        return "NULL".to_string();
    }
    let want = usize::try_from(len).unwrap_or(usize::MAX);
    let shown = want.min(opts.strsize);
    if shown == 0 {
        return if want == 0 {
            "\"\"".to_string()
        } else {
            "\"\"...".to_string()
        };
    }
    match mem.read(addr, shown) {
        Ok(bytes) => {
            let mut s = quote(&bytes);
            if want > shown {
                s.push_str("...");
            }
            s
        }
        Err(_) => ptr(addr),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(quote(b"hi\n\t\"\\"), r#""hi\n\t\"\\""#);
        assert_eq!(quote(b"\x00\x01a"), r#""\0\1a""#);
        assert_eq!(quote(b"\x001"), r#""\0001""#);
        assert_eq!(quote(b"\x1b[31m"), r#""\33[31m""#);
        assert_eq!(quote(&[0xc3, 0xa9]), r#""\303\251""#);
    }
}
