//! File arguments: stat/statx/statfs results, dirents, open_how, fcntl, ioctl, offsets and
//! preadv2 flags.

use crate::trace::decode::structs as st;
use crate::trace::decode::text::{hex, if_ok, ptr, read_u64, Ctx};
use crate::trace::flags::{self as fl, flags};
use crate::trace::syscalls::args::Arg::{self, *};

/// Argument `i` of kind `k`, one of this family's kinds (see [`super::arg_text`]).
pub(super) fn text(k: Arg, i: usize, c: &Ctx<'_>) -> String {
    let v = c.arg(i);
    match k {
        FcntlArg(n) => match c.arg(n) {
            5 | 6 | 7 | 36 | 37 | 38 => st::flock(c.mem, v, false),
            2 => flags(v & 0xffff_ffff, fl::FD_FLAGS, "0"),
            4 => fl::open_flags(v),
            0 | 1030 => (v as i32).to_string(),
            8 | 10 | 1024 | 1026 | 1031 | 1033 => (v as i32).to_string(),
            _ => ptr(v),
        },
        IoctlReq => ioctl_name(v),
        IoctlOut => ioctl_arg_out(c, c.arg(2)),
        IoctlArg => ioctl_arg_in(c, v),
        StatOut => if_ok(c, v, st::stat),
        StatxOut => if_ok(c, v, st::statx),
        OffIn => st::off_ptr(c.mem, v),
        Rwf5 => flags(c.arg(5) & 0xffff_ffff, fl::RWF_FLAGS, "0"),
        OpenHow(n) => st::open_how(c.mem, v, c.arg(n)),
        OffInOut => {
            if v == 0 {
                return "NULL".to_string();
            }
            let before = c.saved.first().copied();
            let after = read_u64(c.mem, v);
            match (before, after) {
                (Some(b), Some(a)) if !c.failed() && a != b => {
                    format!("[{}] => [{}]", b as i64, a as i64)
                }
                (Some(b), _) => format!("[{}]", b as i64),
                (None, _) => ptr(v),
            }
        }
        StatfsOut => {
            if c.failed() || v == 0 {
                ptr(v)
            } else {
                st::statfs(c.mem, v, c.opts)
            }
        }
        Dirents => match c.ret {
            Some(r) if r >= 0 => st::dirents(c.mem, v, r),
            _ => ptr(v),
        },
        // arg_text dispatches only the kinds above here.
        _ => ptr(v),
    }
}

/// Whether ioctl request `req` has its third argument filled in by the kernel (printed at exit).
pub(crate) fn ioctl_writes_arg(req: u64) -> bool {
    // TCGETS, TIOCGPGRP, TIOCOUTQ, TIOCGWINSZ, FIONREAD, TIOCGSID, TIOCGPTN
    matches!(
        req & 0xffff_ffff,
        0x5401 | 0x540f | 0x5411 | 0x5413 | 0x541b | 0x5429 | 0x8004_5430
    )
}

/// Whether ioctl request `req` takes no third argument (strace then prints none).
pub(crate) fn ioctl_no_arg(req: u64) -> bool {
    // FIONCLEX, FIOCLEX, TIOCEXCL, TIOCNXCL, TIOCNOTTY
    matches!(
        req & 0xffff_ffff,
        0x5450 | 0x5451 | 0x540c | 0x540d | 0x5422
    )
}

/// ioctl's third argument at entry (requests the kernel reads from).
pub(crate) fn ioctl_arg_in(c: &Ctx<'_>, v: u64) -> String {
    match c.arg(1) & 0xffff_ffff {
        // TCSETS, TCSETSW, TCSETSF
        0x5402..=0x5404 => st::termios(c.mem, v),
        // TIOCSWINSZ
        0x5414 => st::winsize(c.mem, v),
        // TIOCSPGRP, FIONBIO, FIOASYNC, TIOCSPTLCK: `int *`.
        0x5410 | 0x5421 | 0x5452 | 0x4004_5431 => st::int_ptr(c.mem, v),
        // FICLONE: the source file descriptor.
        0x4004_9409 => c.fd(v as i32),
        _ => hex(v),
    }
}

/// ioctl's third argument at exit (requests the kernel writes to).
pub(crate) fn ioctl_arg_out(c: &Ctx<'_>, v: u64) -> String {
    if c.failed() || v == 0 {
        return ptr(v);
    }
    match c.arg(1) & 0xffff_ffff {
        0x5401 => st::termios(c.mem, v),
        0x5413 => st::winsize(c.mem, v),
        _ => st::int_ptr(c.mem, v),
    }
}

pub(crate) fn ioctl_name(v: u64) -> String {
    const IOCTLS: fl::Xlat = &[
        (0x5401, "TCGETS"),
        // The OSS sequencer's _IO('T', 2..4) share these numbers; strace names both.
        (0x5402, "SNDCTL_TMR_START or TCSETS"),
        (0x5403, "SNDCTL_TMR_STOP or TCSETSW"),
        (0x5404, "SNDCTL_TMR_CONTINUE or TCSETSF"),
        (0x540a, "TCXONC"),
        (0x540b, "TCFLSH"),
        (0x540c, "TIOCEXCL"),
        (0x540d, "TIOCNXCL"),
        (0x540e, "TIOCSCTTY"),
        (0x540f, "TIOCGPGRP"),
        (0x5412, "TIOCSTI"),
        (0x5422, "TIOCNOTTY"),
        (0x5429, "TIOCGSID"),
        (0x5441, "TIOCGPTPEER"),
        (0x8004_5430, "TIOCGPTN"),
        (0x4004_5431, "TIOCSPTLCK"),
        (0x5411, "TIOCOUTQ"),
        (0x5410, "TIOCSPGRP"),
        (0x5413, "TIOCGWINSZ"),
        (0x5414, "TIOCSWINSZ"),
        (0x541b, "FIONREAD"),
        (0x5421, "FIONBIO"),
        (0x5450, "FIONCLEX"),
        (0x5451, "FIOCLEX"),
        (0x5452, "FIOASYNC"),
        // cp tries a reflink first; btrfs had the number before it became generic.
        (0x4004_9409, "BTRFS_IOC_CLONE or FICLONE"),
    ];
    let v = v & 0xffff_ffff;
    match fl::lookup(v, IOCTLS) {
        Some(n) => n.to_string(),
        None => ioc_text(v),
    }
}

/// An unknown ioctl request taken apart as strace does:
/// `_IOC(_IOC_READ|_IOC_WRITE, 0x55, 0x99, 0x10)` (direction, type, number, size).
/// See: include/uapi/asm-generic/ioctl.h.
fn ioc_text(v: u64) -> String {
    let dir = match (v >> 30) & 3 {
        0 => "_IOC_NONE",
        1 => "_IOC_WRITE",
        2 => "_IOC_READ",
        _ => "_IOC_READ|_IOC_WRITE",
    };
    format!(
        "_IOC({dir}, {}, {}, {})",
        hex((v >> 8) & 0xff),
        hex(v & 0xff),
        hex((v >> 16) & 0x3fff)
    )
}
