//! Per-syscall argument specifications and the engine that prints them at entry and exit.
//!
//! Each decoded syscall is a list of argument kinds. Arguments before the first out-parameter
//! print at entry (what strace shows before `<unfinished ...>`); the rest print at exit, when
//! the kernel has filled them in. Syscalls without a spec print like strace's undecoded ones.

use super::calls::{
    self, clone3_args, clone3_result, futex_op, futex_rest, ioctl_arg_in, ioctl_arg_out,
    ioctl_name, ioctl_no_arg, ioctl_writes_arg, prctl_entry, select_result, DUMPABLE, PR_GET_NAME,
    PR_GET_PDEATHSIG,
};
use super::errno;
use super::structs as st;
use super::text::{
    self as strings, buf, dirfd_text, error_of, fd_text, hex, ptr, read_u32, read_u64, Ctx,
    DecodeOpts, Entry, Memory,
};
use crate::trace::flags::{self as fl, flags, xenum};
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

/// Print argument `i` of kind `k`.
fn arg_text(k: Arg, i: usize, c: &Ctx<'_>) -> String {
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
        SockType => fl::sock_type(v),
        Proto(d) => {
            let p = v as i32;
            match c.arg(d) {
                2 | 10 => xenum(u64::from(p as u32), fl::IPPROTO, "IPPROTO_???"),
                16 => xenum(u64::from(p as u32), fl::NETLINK_PROTOS, "NETLINK_???"),
                _ => p.to_string(),
            }
        }
        Sockaddr(n) => st::sockaddr(c.mem, v, c.arg(n)),
        IovIn(n) => st::iovec(c.mem, v, c.arg(n), None, c.opts),
        MsgIn => st::msghdr(c.mem, v, None, None, c.opts, &|f| c.fd(f)),
        Sig => super::signal::sig_text(i64::from(v as i32)),
        SigsetIn(n) => st::sigset(c.mem, v, c.arg(n)),
        SigactIn => st::sigaction(c.mem, v),
        TsIn => st::timespec(c.mem, v),
        PollIn(n) => st::pollfds(c.mem, v, c.arg(n), c.opts, &|f| c.fd(f)),
        EpollIn => {
            if c.arg(1) == 2 {
                ptr(v)
            } else {
                st::epoll_event(c.mem, v)
            }
        }
        RlimIn => st::rlimit(c.mem, v),
        Argv => st::string_array(c.mem, v, c.opts, false),
        Envp => st::string_array(c.mem, v, c.opts, true),
        FcntlArg(n) => match c.arg(n) {
            5 | 6 | 7 | 36 | 37 | 38 => st::flock(c.mem, v, false),
            2 => flags(v & 0xffff_ffff, fl::FD_FLAGS, "0"),
            4 => fl::open_flags(v),
            0 | 1030 => (v as i32).to_string(),
            8 | 10 | 1024 | 1026 | 1031 | 1033 => (v as i32).to_string(),
            _ => ptr(v),
        },
        SockLevel => xenum(v & 0xffff_ffff, fl::SOL, "SOL_??"),
        SockOpt(l) => match c.arg(l) {
            1 => xenum(v & 0xffff_ffff, fl::SO, "SO_???"),
            6 => xenum(v & 0xffff_ffff, fl::TCP_OPTS, "TCP_???"),
            0 => xenum(v & 0xffff_ffff, fl::IP_OPTS, "IP_???"),
            41 => xenum(v & 0xffff_ffff, fl::IPV6_OPTS, "IPV6_???"),
            270 => xenum(v & 0xffff_ffff, fl::NETLINK_OPTS, "NETLINK_???"),
            _ => (v as i32).to_string(),
        },
        OptIn(n) => {
            let len = c.arg(n);
            let typed = match (c.arg(1), c.arg(2), len) {
                // SOL_SOCKET, SO_LINGER
                (1, 13, 8) => c.mem.read(v, 8).ok().and_then(|b| st::linger(&b)),
                _ => None,
            };
            match typed {
                Some(t) => t,
                None if len == 4 => st::int_ptr(c.mem, v),
                None => buf(c.mem, v, len, c.opts),
            }
        }
        FutexOp => futex_op(v),
        FutexRest => futex_rest(c),
        CloneEntry => {
            let flags_v = c.arg(0);
            let sig = flags_v & 0xff;
            let mut f = flags(flags_v & !0xff, fl::CLONE_FLAGS, "");
            if sig != 0 {
                if !f.is_empty() {
                    f.push('|');
                }
                f.push_str(&super::signal::sig_text(sig as i64));
            }
            if f.is_empty() {
                f.push('0');
            }
            format!("child_stack={}, flags={f}", ptr(c.arg(1)))
        }
        IoctlReq => ioctl_name(v),
        IoctlOut => ioctl_arg_out(c, c.arg(2)),
        IoctlArg => ioctl_arg_in(c, v),
        Clone3Args => clone3_args(c, v),
        Clone3Result => clone3_result(c, c.arg(0)),
        Clone3Size => c.arg(1).to_string(),
        // Exit-phase kinds.
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
        SockaddrOut(lenp) => {
            if c.failed() || v == 0 {
                return ptr(v);
            }
            let Some(len) = read_u32(c.mem, c.arg(lenp)).map(u64::from) else {
                return ptr(v);
            };
            let inlen = c.saved.first().copied().unwrap_or(len);
            st::sockaddr(c.mem, v, len.min(inlen))
        }
        SocklenInOut => {
            if v == 0 {
                return "NULL".to_string();
            }
            let before = c.saved.first().copied();
            if c.failed() {
                return before.map_or_else(|| ptr(v), |b| format!("[{b}]"));
            }
            match (before, read_u32(c.mem, v)) {
                (Some(b), Some(a)) if b != u64::from(a) => format!("[{b} => {a}]"),
                (_, Some(a)) => format!("[{a}]"),
                _ => ptr(v),
            }
        }
        IovOut(n) => match c.ret {
            Some(r) if r >= 0 => st::iovec(c.mem, v, c.arg(n), Some(r as u64), c.opts),
            _ => ptr(v),
        },
        MsgOut => match c.ret {
            Some(r) if r >= 0 => {
                let namelen = c.saved.first().map(|&n| n as u32);
                st::msghdr(c.mem, v, Some(r as u64), namelen, c.opts, &|f| c.fd(f))
            }
            // Failed (EAGAIN…): strace shows only the name length it read at entry.
            Some(_) => match c.saved.first() {
                Some(&n) => format!("{{msg_namelen={}}}", n as u32 as i32),
                None => ptr(v),
            },
            None => ptr(v),
        },
        StatOut => if_ok(c, v, st::stat),
        StatxOut => if_ok(c, v, st::statx),
        TsOut => if_ok(c, v, st::timespec),
        TvOut => if_ok(c, v, st::timeval),
        TsRem => {
            if v == 0 {
                "NULL".to_string()
            } else if c.failed() {
                st::timespec(c.mem, v)
            } else {
                ptr(v)
            }
        }
        SigactOut => if_ok(c, v, st::sigaction),
        SigsetOut(n) => {
            if c.failed() || v == 0 {
                ptr(v)
            } else {
                st::sigset(c.mem, v, c.arg(n))
            }
        }
        RlimOut => if_ok(c, v, st::rlimit),
        SysinfoOut => {
            if c.failed() || v == 0 {
                ptr(v)
            } else {
                st::sysinfo(c.mem, v, c.opts)
            }
        }
        GidsOut => match c.ret {
            Some(r) if r >= 0 => {
                let n = (r as u64).min(c.arg(0) & 0xffff_ffff);
                st::u32_array(c.mem, v, n, c.opts)
            }
            _ => ptr(v),
        },
        GidsIn => st::u32_array(c.mem, v, c.arg(0) & 0xffff_ffff, c.opts),
        MmsgSent => {
            let sent = match c.ret {
                Some(r) if r > 0 => r as u64,
                _ => 0,
            };
            st::mmsgvec(
                c.mem,
                v,
                c.arg(2) & 0xffff_ffff,
                sent,
                false,
                &[],
                c.opts,
                &|f| c.fd(f),
            )
        }
        MmsgReceived => match c.ret {
            Some(r) if r >= 0 => {
                st::mmsgvec(c.mem, v, r as u64, r as u64, true, c.saved, c.opts, &|f| {
                    c.fd(f)
                })
            }
            _ => ptr(v),
        },
        CpuSetIn(n) => st::cpu_set(c.mem, v, c.arg(n)),
        MpolMode => fl::mpol_mode(v & 0xffff_ffff),
        MpolModeOut => match read_u32(c.mem, v) {
            Some(m) if !c.failed() => {
                format!("[{}]", xenum(u64::from(m), fl::MPOL_MODES, "MPOL_???"))
            }
            _ => ptr(v),
        },
        NodemaskIn(n) => st::nodemask(c.mem, v, c.arg(n), c.opts),
        NodemaskOut(n) => {
            if c.failed() {
                ptr(v)
            } else {
                st::nodemask(c.mem, v, c.arg(n), c.opts)
            }
        }
        CpuSetOut => match c.ret {
            Some(r) if r >= 0 => st::cpu_set(c.mem, v, r as u64),
            _ => ptr(v),
        },
        PrctlEntry => prctl_entry(c),
        UtimeTs => st::utime_timespecs(c.mem, v, c.opts),
        IpcKey => calls::ipc_key(v),
        IpcGetFlags => calls::ipc_get_flags(v),
        IpcCmd(kind) => calls::ipc_cmd(v, kind),
        Sembufs => calls::sembufs(c, v, c.arg(2)),
        MsgbufIn => calls::msgbuf(c, v, c.arg(2)),
        MsgbufOut => {
            if c.failed() {
                ptr(v)
            } else {
                calls::msgbuf(c, v, c.arg(2))
            }
        }
        OffIn => st::off_ptr(c.mem, v),
        Rwf5 => flags(c.arg(5) & 0xffff_ffff, fl::RWF_FLAGS, "0"),
        OpenHow(n) => st::open_how(c.mem, v, c.arg(n)),
        StackIn => st::stack_t(c.mem, v),
        StackOut => if_ok(c, v, st::stack_t),
        ItimerspecIn => st::itimerspec(c.mem, v),
        SigeventIn => st::sigevent(c.mem, v),
        ItimerspecOut => if_ok(c, v, st::itimerspec),
        CapHeader => st::cap_header(c.mem, v),
        CapDataIn => st::cap_data(c.mem, v, c.arg(0)),
        CapDataOut => {
            if c.failed() || v == 0 {
                ptr(v)
            } else {
                st::cap_data(c.mem, v, c.arg(0))
            }
        }
        SiginfoIn => {
            if v == 0 {
                "NULL".to_string()
            } else {
                st::siginfo(c.mem, v)
            }
        }
        FdSet(n) => st::fd_set(c.mem, v, c.arg(n) as i32, &|f| c.fd(f)),
        TvIn => st::timeval(c.mem, v),
        Pselect6Mask => {
            if v == 0 {
                "NULL".to_string()
            } else {
                match (read_u64(c.mem, v), read_u64(c.mem, v.wrapping_add(8))) {
                    (Some(set), Some(size)) => {
                        format!("{{{}, {size}}}", st::sigset(c.mem, set, size))
                    }
                    _ => ptr(v),
                }
            }
        }
        ItimerIn => st::itimerval(c.mem, v),
        Dev(_) => {
            let dev = v;
            format!(
                "makedev({:#x}, {:#x})",
                ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0xfff),
                ((dev >> 12) & 0xffff_ff00) | (dev & 0xff)
            )
        }
        MremapAddr => ptr(v),
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
        ItimerOut => if_ok(c, v, st::itimerval),
        RusageOut => if_ok(c, v, st::rusage),
        TmsOut => if_ok(c, v, st::tms),
        IntOut => if_ok(c, v, st::int_ptr),
        SiginfoOut => if_ok(c, v, st::siginfo),
        PrctlExit => match c.arg(0) {
            PR_GET_PDEATHSIG => {
                if c.failed() {
                    ptr(c.arg(1))
                } else {
                    match read_u32(c.mem, c.arg(1)) {
                        Some(sig) => {
                            format!("[{}]", super::signal::sig_text(i64::from(sig as i32)))
                        }
                        None => ptr(c.arg(1)),
                    }
                }
            }
            _ => {
                if c.failed() {
                    ptr(c.arg(1))
                } else {
                    strings::cstr_max(c.mem, c.arg(1), c.opts.strsize.min(16))
                }
            }
        },
        StatfsOut => {
            if c.failed() || v == 0 {
                ptr(v)
            } else {
                st::statfs(c.mem, v, c.opts)
            }
        }
        UtsOut => if_ok(c, v, st::utsname),
        WaitStatus => match c.ret {
            Some(r) if r > 0 => st::wait_status(c.mem, v),
            _ => ptr(v),
        },
        FdPair => {
            if c.failed() {
                ptr(v)
            } else {
                st::fd_pair(c.mem, v, c.opts, &|f| c.fd(f))
            }
        }
        Dirents => match c.ret {
            Some(r) if r >= 0 => st::dirents(c.mem, v, r),
            _ => ptr(v),
        },
        EpollOut => match c.ret {
            Some(r) if r >= 0 => st::epoll_events(c.mem, v, r, c.opts),
            _ => ptr(v),
        },
        OptOut(lenp) => {
            if c.failed() || v == 0 {
                return ptr(v);
            }
            let len = read_u32(c.mem, c.arg(lenp)).unwrap_or(0);
            let so_error = c.arg(1) == 1 && c.arg(2) == 4;
            if len == 4 && so_error {
                // SO_ERROR holds an errno: `[ECONNREFUSED]`.
                match read_u32(c.mem, v).map(|e| e as i32) {
                    Some(e) if e != 0 => {
                        format!(
                            "[{}]",
                            errno::errno_name(e).map_or_else(|| e.to_string(), str::to_string)
                        )
                    }
                    Some(_) => "[0]".to_string(),
                    None => ptr(v),
                }
            } else if len == 4 {
                st::int_ptr(c.mem, v)
            } else {
                buf(c.mem, v, u64::from(len), c.opts)
            }
        }
        CloneExit => {
            // strace 6.1 prints these at exit, each after its own separator.
            let f = c.arg(0);
            let mut out = String::new();
            if f & libc::CLONE_PARENT_SETTID as u64 != 0 {
                out.push_str(&format!(", parent_tid={}", st::int_ptr(c.mem, c.arg(2))));
            } else if f & libc::CLONE_PIDFD as u64 != 0 {
                let fd = read_u32(c.mem, c.arg(2)).map_or(-1, |v| v as i32);
                out.push_str(&format!(", parent_tid=[{}]", c.fd(fd)));
            }
            if f & libc::CLONE_SETTLS as u64 != 0 {
                out.push_str(&format!(", tls={}", ptr(c.arg(4))));
            }
            if f & (libc::CLONE_CHILD_SETTID | libc::CLONE_CHILD_CLEARTID) as u64 != 0 {
                out.push_str(&format!(", child_tidptr={}", ptr(c.arg(3))));
            }
            out
        }
    }
}

fn if_ok(c: &Ctx<'_>, v: u64, f: fn(&dyn Memory, u64) -> String) -> String {
    if c.failed() || v == 0 {
        ptr(v)
    } else {
        f(c.mem, v)
    }
}

fn hex_buf(mem: &dyn Memory, addr: u64, len: u64, opts: &DecodeOpts) -> String {
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
                if let Some(n) = read_u32(mem, v.wrapping_add(8)) {
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
                    match read_u32(mem, v.wrapping_add(i * 64 + 8)) {
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
        Ret::Signal => match i32::try_from(ret).ok().and_then(super::signal_name) {
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
