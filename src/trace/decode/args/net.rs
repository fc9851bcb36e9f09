//! Socket, poll/epoll and select arguments, and select's result sets.

use crate::trace::decode::errno;
use crate::trace::decode::structs as st;
use crate::trace::decode::text::{buf, ptr, read_u32, read_u64, Ctx, Memory};
use crate::trace::flags::{self as fl, xenum};
use crate::trace::syscalls::args::Arg::{self, *};

/// The size of `struct linger` (SO_LINGER's value).
const LINGER_SIZE: u64 = size_of::<libc::linger>() as u64;

/// Argument `i` of kind `k`, one of this family's kinds (see [`super::arg_text`]).
pub(super) fn text(k: Arg, i: usize, c: &Ctx<'_>) -> String {
    let v = c.arg(i);
    match k {
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
        PollIn(n) => st::pollfds(c.mem, v, c.arg(n), c.opts, &|f| c.fd(f)),
        EpollIn => {
            if c.arg(1) == 2 {
                ptr(v)
            } else {
                st::epoll_event(c.mem, v)
            }
        }
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
                (1, 13, LINGER_SIZE) => c
                    .mem
                    .read(v, size_of::<libc::linger>())
                    .ok()
                    .and_then(|b| st::linger(&b)),
                _ => None,
            };
            match typed {
                Some(t) => t,
                None if len == 4 => st::int_ptr(c.mem, v),
                None => buf(c.mem, v, len, c.opts),
            }
        }
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
        FdSet(n) => st::fd_set(c.mem, v, c.arg(n) as i32, &|f| c.fd(f)),
        Pselect6Mask => {
            if v == 0 {
                "NULL".to_string()
            } else {
                // The kernel's `{const sigset_t *ss; size_t ss_len}` pair.
                let len_at = v.wrapping_add(size_of::<u64>() as u64);
                match (read_u64(c.mem, v), read_u64(c.mem, len_at)) {
                    (Some(set), Some(size)) => {
                        format!("{{{}, {size}}}", st::sigset(c.mem, set, size))
                    }
                    _ => ptr(v),
                }
            }
        }
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
        // arg_text dispatches only the kinds above here.
        _ => ptr(v),
    }
}

/// ` (in [3], out [4], left {tv_sec=0, tv_nsec=99})` or ` (Timeout)` after select/pselect6.
pub(crate) fn select_result(ret: i64, args: &[u64; 6], mem: &dyn Memory, ts: bool) -> String {
    if ret == 0 {
        return "0 (Timeout)".to_string();
    }
    let nfds = args[0] as i32;
    // strace lists bare fds in the result sets, even with -y.
    let fd = |f: i32| f.to_string();
    let mut parts = Vec::new();
    for (i, label) in [(1, "in"), (2, "out"), (3, "except")] {
        if args[i] == 0 {
            continue;
        }
        let set = st::fd_set(mem, args[i], nfds, &fd);
        if set != "[]" && set.starts_with('[') {
            parts.push(format!("{label} {set}"));
        }
    }
    if args[4] != 0 {
        let left = if ts {
            st::timespec(mem, args[4])
        } else {
            st::timeval(mem, args[4])
        };
        parts.push(format!("left {left}"));
    }
    format!("{ret} ({})", parts.join(", "))
}
