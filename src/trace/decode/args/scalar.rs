//! Arguments that are numbers, flags, enums, fds, paths, strings and plain buffers.

use crate::trace::decode::signal::sig_text;
use crate::trace::decode::structs as st;
use crate::trace::decode::text::{self as strings, buf, dirfd_text, hex, hex_buf, if_ok, ptr, Ctx};
use crate::trace::flags::{self as fl, xenum};
use crate::trace::syscalls::args::Arg::{self, *};

/// Argument `i` of kind `k`, one of this family's kinds (see [`super::arg_text`]).
pub(super) fn text(k: Arg, i: usize, c: &Ctx<'_>) -> String {
    let v = c.arg(i);
    match k {
        Int => (v as i32).to_string(),
        UInt => (v as u32).to_string(),
        Long => (v as i64).to_string(),
        ULong => v.to_string(),
        Hex => hex(v),
        Ptr => ptr(v),
        Fd => c.fd(v as i32),
        DirFd => dirfd_text(v as i32, c.mem, c.opts),
        Path => strings::path(c.mem, v),
        Str => strings::cstr(c.mem, v, c.opts),
        InBuf(n) => buf(c.mem, v, c.arg(n), c.opts),
        Flags(t, zero, unknown) => fl::flags_or_unknown(v & 0xffff_ffff, t, zero, unknown),
        Enum(t, unk) => xenum(v & 0xffff_ffff, t, unk),
        OpenFlags => fl::open_flags(v),
        OpenMode(_) | Mode => fl::mode(v),
        TypedMode => fl::symbolic_mode(v),
        MmapFlags => fl::mmap_flags(v),
        StatxFlags => fl::statx_flags(v),
        MountFlags => fl::mount_flags(v),
        Sig => sig_text(i64::from(v as i32)),
        OutBuf => match c.ret {
            Some(r) if r >= 0 => buf(c.mem, v, r as u64, c.opts),
            _ => ptr(v),
        },
        OutBufHex => match c.ret {
            Some(r) if r >= 0 => hex_buf(c.mem, v, r as u64, c.opts),
            _ => ptr(v),
        },
        OutPathRet => match c.ret {
            Some(r) if r >= 0 => buf(c.mem, v, r as u64, c.opts),
            _ => ptr(v),
        },
        OutCwd => match c.ret {
            Some(r) if r > 0 => strings::path(c.mem, v),
            _ => ptr(v),
        },
        Dev(_) => {
            let dev = v;
            format!(
                "makedev({:#x}, {:#x})",
                ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0xfff),
                ((dev >> 12) & 0xffff_ff00) | (dev & 0xff)
            )
        }
        MremapAddr => ptr(v),
        IntOut => if_ok(c, v, st::int_ptr),
        FdPair => {
            if c.failed() {
                ptr(v)
            } else {
                st::fd_pair(c.mem, v, c.opts, &|f| c.fd(f))
            }
        }
        // arg_text dispatches only the kinds above here.
        _ => ptr(v),
    }
}
