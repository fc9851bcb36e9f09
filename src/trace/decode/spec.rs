//! Per-syscall argument specifications and the engine that prints them at entry and exit.
//!
//! Each decoded syscall is a list of argument kinds. Arguments before the first out-parameter
//! print at entry (what strace shows before `<unfinished ...>`); the rest print at exit, when
//! the kernel has filled them in. Syscalls without a spec print like strace's undecoded ones.

use super::args::{
    arg_text, ioctl_no_arg, ioctl_writes_arg, select_result, DUMPABLE, PR_GET_NAME,
    PR_GET_PDEATHSIG,
};
use super::errno;
use super::signal::signal_name;
use super::structs as st;
use super::text::{error_of, fd_text, hex, read_u32, read_u64, Ctx, DecodeOpts, Entry, Memory};
use crate::trace::flags::{self as fl, flags};
use crate::trace::syscalls;
use crate::trace::syscalls::args::{Arg, Ret, Spec};

use Arg::*;

/// Whether argument kind `k` prints anything for these raw arguments.
fn present(k: Arg, args: &[u64; 6]) -> bool {
    match k {
        OpenMode(i) => {
            let f = args.get(i).copied().unwrap_or(0);
            f & (libc::O_CREAT as u64) != 0 || f & 0o20000000 != 0
        }
        CloneExit => args[0] & (CLONE_EXIT_FLAGS) != 0,
        PrctlExit => matches!(args[0], PR_GET_PDEATHSIG | PR_GET_NAME),
        Dev(i) => matches!(
            args.get(i).copied().unwrap_or(0) & 0o170000,
            0o020000 | 0o060000
        ),
        MremapAddr => args[3] & 2 != 0,
        IoctlArg => !ioctl_writes_arg(args[1]) && !ioctl_no_arg(args[1]),
        IoctlOut => ioctl_writes_arg(args[1]),
        FcntlArg(i) => !matches!(
            args.get(i).copied().unwrap_or(0),
            1 | 3 | 9 | 11 | 1025 | 1032 | 1034
        ),
        _ => true,
    }
}

const CLONE_EXIT_FLAGS: u64 = (libc::CLONE_PARENT_SETTID
    | libc::CLONE_PIDFD
    | libc::CLONE_SETTLS
    | libc::CLONE_CHILD_SETTID
    | libc::CLONE_CHILD_CLEARTID) as u64;

/// Arguments of a syscall without a spec: `nargs` values in hex, as strace prints them.
fn raw_args(nr: u64, args: &[u64; 6]) -> Vec<String> {
    let n = syscalls::entry(nr).map_or(6, |s| usize::from(s.nargs));
    args.iter().take(n.min(6)).map(|&v| hex(v)).collect()
}

/// The spec of syscall `nr` from its table row, if the call is decoded.
fn spec_of(nr: u64) -> Option<Spec> {
    syscalls::entry(nr).and_then(|s| s.spec)
}

/// Entry: decode the arguments the kernel reads.
pub fn enter(nr: u64, args: &[u64; 6], mem: &dyn Memory, opts: &DecodeOpts) -> Entry {
    let Some(Spec { args: kinds, .. }) = spec_of(nr) else {
        let list = raw_args(nr, args);
        return Entry {
            text: list.join(", "),
            args: list,
            saved: Vec::new(),
        };
    };
    let c = Ctx {
        args,
        mem,
        opts,
        ret: None,
        saved: &[],
    };
    let mut list = Vec::new();
    let mut next_exit = None;
    for (i, &k) in kinds.iter().enumerate() {
        if !present(k, args) {
            continue;
        }
        if k.at_exit() {
            next_exit = Some(k);
            break;
        }
        list.push(arg_text(k, i, &c));
    }
    let mut text = list.join(", ");
    if next_exit.is_some_and(|k| !k.is_suffix()) && !list.is_empty() {
        text.push_str(", ");
    }
    Entry {
        text,
        args: list,
        saved: save(kinds, args, mem),
    }
}

/// Where `msg_namelen` is in a `struct msghdr` (the first field of a `struct mmsghdr`).
const MSG_NAMELEN: u64 = std::mem::offset_of!(libc::msghdr, msg_namelen) as u64;
/// The size of one `struct mmsghdr` (recvmmsg's vector).
const MMSGHDR_SIZE: u64 = size_of::<libc::mmsghdr>() as u64;

/// Values the kernel will overwrite that strace shows as `before => after`.
fn save(kinds: &[Arg], args: &[u64; 6], mem: &dyn Memory) -> Vec<u64> {
    let mut saved = Vec::new();
    for (i, &k) in kinds.iter().enumerate() {
        let v = args.get(i).copied().unwrap_or(0);
        match k {
            SocklenInOut => {
                if let Some(n) = read_u32(mem, v) {
                    saved.push(u64::from(n));
                }
            }
            MsgOut => {
                if let Some(n) = read_u32(mem, v.wrapping_add(MSG_NAMELEN)) {
                    saved.push(u64::from(n));
                }
            }
            OffInOut => {
                if let Some(n) = read_u64(mem, v) {
                    saved.push(n);
                }
            }
            MmsgReceived => {
                // Each message's msg_namelen, for `16 => 0` at exit.
                let vlen = args.get(2).copied().unwrap_or(0).min(1024);
                for i in 0..vlen {
                    match read_u32(mem, v.wrapping_add(i * MMSGHDR_SIZE + MSG_NAMELEN)) {
                        Some(n) => saved.push(u64::from(n)),
                        None => break,
                    }
                }
            }
            _ => {}
        }
    }
    saved
}

/// Exit: (full argument text, argument list, return text).
pub fn exit(
    nr: u64,
    args: &[u64; 6],
    ret: i64,
    mem: &dyn Memory,
    opts: &DecodeOpts,
    entry: &Entry,
) -> (String, Vec<String>, String) {
    let found = spec_of(nr);
    let Some(Spec {
        args: kinds,
        ret: rkind,
    }) = found
    else {
        return (
            entry.text.clone(),
            entry.args.clone(),
            ret_text(ret, Ret::Dec, args, mem, opts),
        );
    };
    let c = Ctx {
        args,
        mem,
        opts,
        ret: Some(ret),
        saved: &entry.saved,
    };
    let mut list = entry.args.clone();
    let mut text = entry.text.clone();
    let mut exit_phase = false;
    let mut first = true;
    for (i, &k) in kinds.iter().enumerate() {
        if !present(k, args) {
            continue;
        }
        if k.at_exit() {
            exit_phase = true;
        }
        if !exit_phase {
            continue;
        }
        let piece = arg_text(k, i, &c);
        if k.is_suffix() {
            text.push_str(&piece);
            if let Some(last) = list.last_mut() {
                last.push_str(&piece);
            }
        } else {
            if !first {
                text.push_str(", ");
            }
            text.push_str(&piece);
            list.push(piece);
        }
        first = false;
    }
    (text, list, ret_text(ret, rkind, args, mem, opts))
}

/// The text after ` = `.
fn ret_text(ret: i64, kind: Ret, args: &[u64; 6], mem: &dyn Memory, opts: &DecodeOpts) -> String {
    if let Ret::None = kind {
        return "?".to_string();
    }
    if let Some(e) = error_of(ret) {
        let name = errno::errno_name(e);
        let msg =
            errno::errno_message(e).map_or_else(|| format!("Unknown error {e}"), str::to_string);
        return match (e, name) {
            (512..=514 | 516, Some(n)) => format!("? {n} ({msg})"),
            (_, Some(n)) => format!("-1 {n} ({msg})"),
            (_, None) => format!("-1 E??? ({msg})"),
        };
    }
    match kind {
        Ret::Dec | Ret::None => ret.to_string(),
        Ret::Fd => {
            let fd = i32::try_from(ret).unwrap_or(-1);
            if fd >= 0 {
                fd_text(fd, mem, opts)
            } else {
                ret.to_string()
            }
        }
        Ret::Hex => hex(ret as u64),
        Ret::Octal => fl::octal(ret as u64),
        Ret::Poll => {
            // strace shows bare fds in the revents list, even with -y.
            let c = |f: i32| f.to_string();
            format!(
                "{ret}{}",
                st::poll_result(mem, args[0], args[1], ret, opts, &c)
            )
        }
        Ret::Prctl if args[0] == 3 => {
            let name = fl::lookup(ret as u64, DUMPABLE);
            name.map_or_else(|| ret.to_string(), |n| format!("{ret} ({n})"))
        }
        Ret::Prctl => ret.to_string(),
        Ret::Select(ts) => select_result(ret, args, mem, ts),
        Ret::Signal => match i32::try_from(ret).ok().and_then(signal_name) {
            Some(n) => format!("{ret} ({n})"),
            None => ret.to_string(),
        },
        Ret::Fcntl => match args[1] {
            0 | 1030 => fd_text(i32::try_from(ret).unwrap_or(-1), mem, opts),
            1 if ret != 0 => format!(
                "{} (flags {})",
                hex(ret as u64),
                flags(ret as u64, fl::FD_FLAGS, "0")
            ),
            3 => format!("{} (flags {})", hex(ret as u64), fl::open_flags(ret as u64)),
            1 => "0".to_string(),
            _ => ret.to_string(),
        },
    }
}

/// Whether `name` has a dedicated decoder (not the raw hex fallback).
pub fn is_decoded(name: &str) -> bool {
    syscalls::number(name)
        .and_then(syscalls::entry)
        .is_some_and(|s| s.spec.is_some())
}
