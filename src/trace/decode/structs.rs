//! Decoders for the structures syscalls pass by pointer: sockaddr, iovec, msghdr, stat, statx,
//! timespec, pollfd, epoll_event, sigaction, rlimit, utsname, wait status.
//!
//! Each reads through [`Memory`] and falls back to the bare address, as strace does, when the
//! tracee memory is unreadable. Layouts are x86_64's.

use super::signal::{sig_text, sigset_text};
use std::mem::offset_of;

use super::text::{
    buf, field, hex, le_u16, le_u32, le_u64, ptr, quote, read_u32, read_u64_at, DecodeOpts, Memory,
};
use crate::trace::flags::{self, lookup};

/// `[5]` for a `loff_t *` read at entry, `NULL`, or the address when unreadable.
pub fn off_ptr(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    match read_u64_at(mem, addr) {
        Some(v) => format!("[{}]", v as i64),
        None => ptr(addr),
    }
}

/// `[VALUE]` for an `int *`, or the address when unreadable.
pub fn int_ptr(mem: &dyn Memory, addr: u64) -> String {
    match read_u32(mem, addr) {
        Some(v) => format!("[{}]", v as i32),
        None => ptr(addr),
    }
}

/// `struct sockaddr` of `len` bytes at `addr`.
pub fn sockaddr(mem: &dyn Memory, addr: u64, len: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let len = usize::try_from(len.min(128)).unwrap_or(128);
    if len == 0 {
        return "{}".to_string();
    }
    match mem.read(addr, len) {
        Ok(b) => sockaddr_bytes(&b),
        Err(_) => ptr(addr),
    }
}

/// Decode sockaddr bytes.
pub fn sockaddr_bytes(b: &[u8]) -> String {
    let Some(family) = le_u16(b, 0) else {
        return format!("{{sa_family={}}}", quote(b));
    };
    let fam_name = lookup(u64::from(family), flags::AF)
        .map_or_else(|| format!("{family} /* AF_??? */"), str::to_string);
    let body = match family {
        1 => {
            let path = b.get(2..).unwrap_or(&[]);
            if path.is_empty() {
                String::new()
            } else if path[0] == 0 && path.len() > 1 {
                format!(", sun_path=@{}", quote(&path[1..]))
            } else {
                let end = path.iter().position(|&c| c == 0).unwrap_or(path.len());
                format!(", sun_path={}", quote(&path[..end]))
            }
        }
        2 if b.len() >= 8 => {
            let port = u16::from_be_bytes([b[2], b[3]]);
            format!(
                ", sin_port=htons({port}), sin_addr=inet_addr(\"{}.{}.{}.{}\")",
                b[4], b[5], b[6], b[7]
            )
        }
        10 if b.len() >= 24 => {
            let port = u16::from_be_bytes([b[2], b[3]]);
            let flow = u32::from_be_bytes([b[4], b[5], b[6], b[7]]);
            let mut a = [0u8; 16];
            a.copy_from_slice(&b[8..24]);
            let ip = std::net::Ipv6Addr::from(a);
            let mut s = format!(
                ", sin6_port=htons({port}), sin6_flowinfo=htonl({flow}), inet_pton(AF_INET6, \"{ip}\", &sin6_addr)"
            );
            if let Some(scope) = le_u32(b, 24) {
                s.push_str(&format!(", sin6_scope_id={scope}"));
            }
            s
        }
        16 if b.len() >= 12 => {
            let pid = le_u32(b, 4).unwrap_or(0);
            let groups = le_u32(b, 8).unwrap_or(0);
            // strace prints the port id signed: autobind hands out negative ones.
            format!(", nl_pid={}, nl_groups={groups:08x}", pid as i32)
        }
        _ => format!(", sa_data={}", quote(b.get(2..).unwrap_or(&[]))),
    };
    format!("{{sa_family={fam_name}{body}}}")
}

/// `[{iov_base="…", iov_len=N}, …]`; `data_len` caps how much data is shown in total
/// (the return value of readv), `None` to show each iovec's full length (writev).
pub fn iovec(
    mem: &dyn Memory,
    addr: u64,
    count: u64,
    data_len: Option<u64>,
    opts: &DecodeOpts,
) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let n = usize::try_from(count.min(1024)).unwrap_or(0);
    const SIZE: usize = size_of::<libc::iovec>();
    let Ok(raw) = mem.read(addr, n * SIZE) else {
        return ptr(addr);
    };
    let mut remaining = data_len;
    let mut items = Vec::new();
    for i in 0..n {
        if i >= opts.strsize {
            items.push("...".to_string());
            break;
        }
        let at = i * SIZE;
        let base = le_u64(&raw, at + offset_of!(libc::iovec, iov_base)).unwrap_or(0);
        let len = field!(&raw, at, libc::iovec, iov_len).unwrap_or(0) as u64;
        let show = match remaining {
            Some(r) => {
                let s = len.min(r);
                remaining = Some(r - s);
                s
            }
            None => len,
        };
        items.push(format!(
            "{{iov_base={}, iov_len={len}}}",
            buf(mem, base, show, opts)
        ));
    }
    format!("[{}]", items.join(", "))
}

/// `struct msghdr` for sendmsg (`data_len = None`) or recvmsg (data_len = return value,
/// `namelen_in` = msg_namelen at entry).
pub fn msghdr(
    mem: &dyn Memory,
    addr: u64,
    data_len: Option<u64>,
    namelen_in: Option<u32>,
    opts: &DecodeOpts,
    fd: &dyn Fn(i32) -> String,
) -> String {
    // Offsets from libc's msghdr; msg_iovlen and msg_controllen are the kernel's size_t
    // (musl declares them int with padding), so they are read as 8 bytes.
    type M = libc::msghdr;
    let Ok(b) = mem.read(addr, size_of::<M>()) else {
        return ptr(addr);
    };
    let name = le_u64(&b, offset_of!(M, msg_name)).unwrap_or(0);
    let namelen = field!(&b, M, msg_namelen).unwrap_or(0);
    let iov = le_u64(&b, offset_of!(M, msg_iov)).unwrap_or(0);
    let iovlen = le_u64(&b, offset_of!(M, msg_iovlen)).unwrap_or(0);
    let control = le_u64(&b, offset_of!(M, msg_control)).unwrap_or(0);
    let controllen = le_u64(&b, offset_of!(M, msg_controllen)).unwrap_or(0);
    let mflags = field!(&b, M, msg_flags).unwrap_or(0) as u32;
    let name_text = if name == 0 || namelen == 0 {
        ptr(name)
    } else {
        sockaddr(mem, name, u64::from(namelen))
    };
    let namelen_text = match namelen_in {
        Some(old) if old != namelen => format!("{old} => {namelen}"),
        _ => namelen.to_string(),
    };
    let mut s = format!(
        "{{msg_name={name_text}, msg_namelen={namelen_text}, msg_iov={}, msg_iovlen={iovlen}",
        iovec(mem, iov, iovlen, data_len, opts)
    );
    if controllen != 0 {
        s.push_str(&format!(
            ", msg_control={}",
            cmsgs(mem, control, controllen, fd)
        ));
    }
    s.push_str(&format!(
        ", msg_controllen={controllen}, msg_flags={}}}",
        flags::flags(u64::from(mflags), flags::MSG_FLAGS, "0")
    ));
    s
}

/// A `struct mmsghdr` vector of `n` entries: `[{msg_hdr={…}, msg_len=5}, …]`.
///
/// `with_len` entries show msg_len; `received` limits each message's iov data to its msg_len
/// and shows msg_namelen changes against `namelens_in` (read at entry).
#[allow(clippy::too_many_arguments)]
pub fn mmsgvec(
    mem: &dyn Memory,
    addr: u64,
    n: u64,
    with_len: u64,
    received: bool,
    namelens_in: &[u64],
    opts: &DecodeOpts,
    fd: &dyn Fn(i32) -> String,
) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let n = n.min(1024);
    const SIZE: u64 = size_of::<libc::mmsghdr>() as u64;
    const MSG_LEN: u64 = offset_of!(libc::mmsghdr, msg_len) as u64;
    if mem.read(addr, SIZE as usize).is_err() && n > 0 {
        return ptr(addr);
    }
    let items = (0..n).map(|i| {
        let at = addr.wrapping_add(i * SIZE);
        let msg_len = read_u32(mem, at.wrapping_add(MSG_LEN)).unwrap_or(0);
        let data_len = received.then_some(u64::from(msg_len));
        let namelen_in = usize::try_from(i)
            .ok()
            .and_then(|i| namelens_in.get(i))
            .map(|&v| v as u32);
        let hdr = msghdr(mem, at, data_len, namelen_in, opts, fd);
        if i < with_len {
            format!("{{msg_hdr={hdr}, msg_len={msg_len}}}")
        } else {
            format!("{{msg_hdr={hdr}}}")
        }
    });
    array(items, opts)
}

/// SCM_* control message types at SOL_SOCKET.
const SCM_TYPES: flags::Xlat = &[
    (1, "SCM_RIGHTS"),
    (2, "SCM_CREDENTIALS"),
    (3, "SCM_SECURITY"),
    (4, "SCM_PIDFD"),
    (29, "SO_TIMESTAMP_OLD"),
    (35, "SO_TIMESTAMPNS_OLD"),
    (37, "SO_TIMESTAMPING_OLD"),
];

/// The control messages of a msghdr: `[{cmsg_len=24, cmsg_level=SOL_SOCKET,
/// cmsg_type=SCM_RIGHTS, cmsg_data=[5, 6]}]`.
fn cmsgs(mem: &dyn Memory, addr: u64, len: u64, fd: &dyn Fn(i32) -> String) -> String {
    let len = usize::try_from(len.min(65536)).unwrap_or(0);
    let Ok(b) = mem.read(addr, len) else {
        return ptr(addr);
    };
    let mut items = Vec::new();
    let mut off = 0usize;
    while b.len().saturating_sub(off) >= 16 {
        let Some(clen) = le_u64(&b, off).and_then(|l| usize::try_from(l).ok()) else {
            break;
        };
        let level = le_u32(&b, off + 8).unwrap_or(0) as i32;
        let ty = le_u32(&b, off + 12).unwrap_or(0) as i32;
        let mut item = format!(
            "{{cmsg_len={clen}, cmsg_level={}",
            flags::xenum(u64::from(level as u32), flags::SOL, "SOL_???")
        );
        // cmsg_len comes from the tracee: any value, up to 2^64-1.
        let end = off.saturating_add(clen.max(16)).min(b.len());
        let data = b.get(off + 16..end).unwrap_or(&[]);
        if level == 1 {
            item.push_str(&format!(
                ", cmsg_type={}",
                flags::xenum(ty as u32 as u64, SCM_TYPES, "SCM_???")
            ));
            match ty {
                1 => {
                    let fds: Vec<String> = data
                        .chunks_exact(4)
                        .filter_map(|c| le_u32(c, 0))
                        .map(|f| fd(f as i32))
                        .collect();
                    item.push_str(&format!(", cmsg_data=[{}]", fds.join(", ")));
                }
                2 if data.len() >= 12 => item.push_str(&format!(
                    ", cmsg_data={{pid={}, uid={}, gid={}}}",
                    le_u32(data, 0).unwrap_or(0) as i32,
                    le_u32(data, 4).unwrap_or(0),
                    le_u32(data, 8).unwrap_or(0)
                )),
                _ => {}
            }
        } else {
            item.push_str(&format!(", cmsg_type={ty:#x}"));
        }
        item.push('}');
        items.push(item);
        // The next header starts at the aligned end of this one; a length too large to step
        // over ends the list (the kernel stops there too).
        match clen
            .checked_next_multiple_of(8)
            .and_then(|step| off.checked_add(step))
        {
            Some(next) if clen >= 16 => off = next,
            _ => break,
        }
    }
    format!("[{}]", items.join(", "))
}

/// `struct stat` (abbreviated as strace does without `-v`).
pub fn stat(mem: &dyn Memory, addr: u64) -> String {
    let Ok(b) = mem.read(addr, size_of::<libc::stat>()) else {
        return ptr(addr);
    };
    let mode = u64::from(field!(&b, libc::stat, st_mode).unwrap_or(0));
    let rdev = field!(&b, libc::stat, st_rdev).unwrap_or(0);
    let size = field!(&b, libc::stat, st_size).unwrap_or(0);
    let ty = mode & 0o170000;
    if ty == 0o020000 || ty == 0o060000 {
        format!(
            "{{st_mode={}, st_rdev=makedev({:#x}, {:#x}), ...}}",
            flags::symbolic_mode(mode),
            dev_major(rdev),
            dev_minor(rdev)
        )
    } else {
        format!(
            "{{st_mode={}, st_size={size}, ...}}",
            flags::symbolic_mode(mode)
        )
    }
}

fn dev_major(dev: u64) -> u64 {
    ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0xfff)
}

fn dev_minor(dev: u64) -> u64 {
    ((dev >> 12) & 0xffff_ff00) | (dev & 0xff)
}

/// `struct statx` (abbreviated).
pub fn statx(mem: &dyn Memory, addr: u64) -> String {
    let Ok(b) = mem.read(addr, size_of::<libc::statx>()) else {
        return ptr(addr);
    };
    let mask = u64::from(field!(&b, libc::statx, stx_mask).unwrap_or(0));
    let attrs = field!(&b, libc::statx, stx_attributes).unwrap_or(0);
    let mode = u64::from(field!(&b, libc::statx, stx_mode).unwrap_or(0));
    let size = field!(&b, libc::statx, stx_size).unwrap_or(0);
    format!(
        "{{stx_mask={}, stx_attributes={}, stx_mode={}, stx_size={size}, ...}}",
        flags::flags(mask, flags::STATX_MASK, "0"),
        flags::flags(attrs, flags::STATX_ATTRS, "0"),
        flags::symbolic_mode(mode)
    )
}

/// `{tv_sec=1, tv_nsec=500}`.
pub fn timespec(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    match mem.read(addr, size_of::<libc::timespec>()) {
        Ok(b) => timespec_bytes(&b, 0),
        Err(_) => ptr(addr),
    }
}

/// The `struct timespec` at byte `off` of `b`: `{tv_sec=1, tv_nsec=500}`.
fn timespec_bytes(b: &[u8], off: usize) -> String {
    format!(
        "{{tv_sec={}, tv_nsec={}}}",
        field!(b, off, libc::timespec, tv_sec).unwrap_or(0),
        field!(b, off, libc::timespec, tv_nsec).unwrap_or(0)
    )
}

/// `{tv_sec=1, tv_usec=500}`.
pub fn timeval(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    match mem.read(addr, size_of::<libc::timeval>()) {
        Ok(b) => format!(
            "{{tv_sec={}, tv_usec={}}}",
            field!(&b, libc::timeval, tv_sec).unwrap_or(0),
            field!(&b, libc::timeval, tv_usec).unwrap_or(0)
        ),
        Err(_) => ptr(addr),
    }
}

/// `[{fd=3, events=POLLIN}]` at entry.
pub fn pollfds(
    mem: &dyn Memory,
    addr: u64,
    n: u64,
    opts: &DecodeOpts,
    fd: &dyn Fn(i32) -> String,
) -> String {
    const SIZE: usize = size_of::<libc::pollfd>();
    let n = usize::try_from(n.min(4096)).unwrap_or(0);
    let Ok(b) = mem.read(addr, n * SIZE) else {
        return ptr(addr);
    };
    let mut items = Vec::new();
    for i in 0..n {
        if i >= opts.strsize {
            items.push("...".to_string());
            break;
        }
        let f = field!(&b, i * SIZE, libc::pollfd, fd).unwrap_or(0);
        let ev = field!(&b, i * SIZE, libc::pollfd, events).unwrap_or(0) as u16;
        items.push(format!(
            "{{fd={}, events={}}}",
            fd(f),
            flags::flags(u64::from(ev), flags::POLL_EVENTS, "0")
        ));
    }
    format!("[{}]", items.join(", "))
}

/// ` ([{fd=3, revents=POLLIN}])` after poll returned `ret` > 0, or ` (Timeout)` for 0.
pub fn poll_result(
    mem: &dyn Memory,
    addr: u64,
    n: u64,
    ret: i64,
    opts: &DecodeOpts,
    fd: &dyn Fn(i32) -> String,
) -> String {
    if ret == 0 {
        return " (Timeout)".to_string();
    }
    const SIZE: usize = size_of::<libc::pollfd>();
    let n = usize::try_from(n.min(4096)).unwrap_or(0);
    let Ok(b) = mem.read(addr, n * SIZE) else {
        return String::new();
    };
    let mut items = Vec::new();
    for i in 0..n {
        let f = field!(&b, i * SIZE, libc::pollfd, fd).unwrap_or(0);
        let rev = field!(&b, i * SIZE, libc::pollfd, revents).unwrap_or(0) as u16;
        if rev != 0 {
            items.push(format!(
                "{{fd={}, revents={}}}",
                fd(f),
                flags::flags(u64::from(rev), flags::POLL_EVENTS, "0")
            ));
        }
    }
    format!(" ({})", array(items.into_iter(), opts))
}

/// The size of one `struct epoll_event`: 12 bytes on x86_64 (packed), 16 on aarch64.
const EPOLL_EVENT_SIZE: usize = size_of::<libc::epoll_event>();

/// One `struct epoll_event` at byte `off` of `b`.
fn epoll_event_bytes(b: &[u8], off: usize) -> String {
    let ev = u64::from(field!(b, off, libc::epoll_event, events).unwrap_or(0));
    let data = field!(b, off, libc::epoll_event, u64).unwrap_or(0);
    format!(
        "{{events={}, data={{u32={}, u64={}}}}}",
        flags::flags(ev, flags::EPOLL_EVENTS, "0"),
        data as u32,
        data
    )
}

/// `{events=EPOLLIN, data={u32=4, u64=4}}`.
pub fn epoll_event(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    match mem.read(addr, EPOLL_EVENT_SIZE) {
        Ok(b) => epoll_event_bytes(&b, 0),
        Err(_) => ptr(addr),
    }
}

/// The `n` events epoll_wait returned.
pub fn epoll_events(mem: &dyn Memory, addr: u64, n: i64, opts: &DecodeOpts) -> String {
    if n < 0 {
        return ptr(addr);
    }
    let n = usize::try_from(n.min(4096)).unwrap_or(0);
    let Ok(b) = mem.read(addr, n * EPOLL_EVENT_SIZE) else {
        return ptr(addr);
    };
    let mut items = Vec::new();
    for i in 0..n {
        if i >= opts.strsize {
            items.push("...".to_string());
            break;
        }
        items.push(epoll_event_bytes(&b, i * EPOLL_EVENT_SIZE));
    }
    format!("[{}]", items.join(", "))
}

/// `struct sigaction` as rt_sigaction passes it.
pub fn sigaction(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let Ok(b) = mem.read(addr, 32) else {
        return ptr(addr);
    };
    let handler = le_u64(&b, 0).unwrap_or(0);
    let fl = le_u64(&b, 8).unwrap_or(0);
    let restorer = le_u64(&b, 16).unwrap_or(0);
    let mask = b.get(24..32).unwrap_or(&[]);
    let handler_text = match handler {
        0 => "SIG_DFL".to_string(),
        1 => "SIG_IGN".to_string(),
        h => format!("{h:#x}"),
    };
    let mut s = format!(
        "{{sa_handler={handler_text}, sa_mask={}, sa_flags={}",
        sigset_text(mask),
        flags::flags(fl, flags::SA_FLAGS, "0")
    );
    if fl & 0x0400_0000 != 0 {
        s.push_str(&format!(", sa_restorer={}", ptr(restorer)));
    }
    s.push('}');
    s
}

/// A sigset of `size` bytes at `addr`.
pub fn sigset(mem: &dyn Memory, addr: u64, size: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let size = usize::try_from(size.min(8)).unwrap_or(8);
    match mem.read(addr, size) {
        Ok(b) => sigset_text(&b),
        Err(_) => ptr(addr),
    }
}

fn rlim_value(v: u64) -> String {
    if v == u64::MAX {
        "RLIM64_INFINITY".to_string()
    } else if v > 0 && v % 1024 == 0 {
        format!("{}*1024", v / 1024)
    } else {
        v.to_string()
    }
}

/// `{rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}`.
pub fn rlimit(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    match mem.read(addr, size_of::<libc::rlimit>()) {
        Ok(b) => format!(
            "{{rlim_cur={}, rlim_max={}}}",
            rlim_value(field!(&b, libc::rlimit, rlim_cur).unwrap_or(0)),
            rlim_value(field!(&b, libc::rlimit, rlim_max).unwrap_or(0))
        ),
        Err(_) => ptr(addr),
    }
}

/// `{sysname="Linux", nodename="vm", ...}`.
pub fn utsname(mem: &dyn Memory, addr: u64) -> String {
    // The first two of the six 65-byte fields.
    const LEN: usize = 65;
    let Ok(b) = mem.read(addr, offset_of!(libc::utsname, nodename) + LEN) else {
        return ptr(addr);
    };
    let text = |off: usize| {
        let f = b.get(off..off + LEN).unwrap_or(&[]);
        let end = f.iter().position(|&c| c == 0).unwrap_or(f.len());
        quote(&f[..end])
    };
    format!(
        "{{sysname={}, nodename={}, ...}}",
        text(offset_of!(libc::utsname, sysname)),
        text(offset_of!(libc::utsname, nodename))
    )
}

/// A wait status as strace prints it: `[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]`.
pub fn wait_status(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let Some(st) = read_u32(mem, addr) else {
        return ptr(addr);
    };
    let sig = st & 0x7f;
    let inner = if sig == 0 {
        format!("WIFEXITED(s) && WEXITSTATUS(s) == {}", (st >> 8) & 0xff)
    } else if sig == 0x7f {
        let stop = (st >> 8) & 0xff;
        let mut s = format!(
            "WIFSTOPPED(s) && WSTOPSIG(s) == {}",
            sig_text(i64::from(stop))
        );
        if st >> 16 != 0 {
            s.push_str(&format!(" && s>>16 == {}", st >> 16));
        }
        s
    } else if st == 0xffff {
        "WIFCONTINUED(s)".to_string()
    } else {
        let mut s = format!(
            "WIFSIGNALED(s) && WTERMSIG(s) == {}",
            sig_text(i64::from(sig))
        );
        if st & 0x80 != 0 {
            s.push_str(" && WCOREDUMP(s)");
        }
        s
    };
    format!("[{{{inner}}}]")
}

/// `[3, 4]` for pipe/socketpair.
pub fn fd_pair(
    mem: &dyn Memory,
    addr: u64,
    opts: &DecodeOpts,
    fd: &dyn Fn(i32) -> String,
) -> String {
    match mem.read(addr, 8) {
        Ok(b) => {
            let fds = [le_u32(&b, 0), le_u32(&b, 4)].map(|f| fd(f.unwrap_or(0) as i32));
            array(fds.into_iter(), opts)
        }
        Err(_) => ptr(addr),
    }
}

/// `[a, b, …]` with strace's cut after `-s` elements (`[...]` for `-s 0`).
pub fn array(items: impl Iterator<Item = String>, opts: &DecodeOpts) -> String {
    let mut out = Vec::new();
    for (i, item) in items.enumerate() {
        if i >= opts.strsize {
            out.push("...".to_string());
            break;
        }
        out.push(item);
    }
    format!("[{}]", out.join(", "))
}

/// `0x55… /* 5 entries */` for getdents64's buffer of `len` bytes.
pub fn dirents(mem: &dyn Memory, addr: u64, len: i64) -> String {
    let Ok(n) = usize::try_from(len) else {
        return ptr(addr);
    };
    let Ok(b) = mem.read(addr, n) else {
        return ptr(addr);
    };
    let mut count = 0;
    let mut off = 0;
    while off < b.len() {
        let Some(reclen) = field!(&b, off, libc::dirent64, d_reclen) else {
            break;
        };
        if reclen == 0 {
            break;
        }
        count += 1;
        off += usize::from(reclen);
    }
    format!("{} /* {count} entries */", ptr(addr))
}

/// The argv/envp array of execve: `["ls", "-l"]` (strings cut at `-s`), or for the
/// environment `0x7ffc… /* 20 vars */`.
pub fn string_array(mem: &dyn Memory, addr: u64, opts: &DecodeOpts, env: bool) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    // Read the pointer array a page's worth at a time (one process_vm_readv instead of one per
    // entry), falling back to single pointers where a chunk crosses into unmapped memory.
    const CHUNK: usize = 64;
    let mut items = Vec::new();
    let mut count = 0usize;
    'outer: while count <= 65536 {
        let at = addr.wrapping_add((count as u64).wrapping_mul(8));
        let ptrs: Vec<u64> = match mem.read(at, CHUNK * 8) {
            Ok(b) => (0..CHUNK).filter_map(|i| le_u64(&b, i * 8)).collect(),
            Err(_) => match read_u64_at(mem, at) {
                Some(p) => vec![p],
                None if count == 0 => return ptr(addr),
                None => break,
            },
        };
        for p in ptrs {
            if p == 0 {
                break 'outer;
            }
            if !env && count < opts.strsize {
                items.push(super::text::cstr(mem, p, opts));
            }
            count += 1;
        }
    }
    if env {
        return format!(
            "{} /* {count} var{} */",
            ptr(addr),
            if count == 1 { "" } else { "s" }
        );
    }
    if count > opts.strsize {
        items.push("...".to_string());
    }
    format!("[{}]", items.join(", "))
}

/// `struct sysinfo`, every field (strace prints them all).
pub fn sysinfo(mem: &dyn Memory, addr: u64, opts: &DecodeOpts) -> String {
    // The kernel's struct ends after mem_unit (libc's adds reserved space), padded to 8.
    const LEN: usize = (offset_of!(libc::sysinfo, mem_unit) + 4).next_multiple_of(8);
    let Ok(b) = mem.read(addr, LEN) else {
        return ptr(addr);
    };
    let load = |i: usize| {
        let at = offset_of!(libc::sysinfo, loads) + i * size_of::<libc::c_ulong>();
        u64::from_le_bytes(
            b.get(at..at + 8)
                .and_then(|x| x.try_into().ok())
                .unwrap_or([0; 8]),
        )
    };
    let u = |v: Option<libc::c_ulong>| v.unwrap_or(0);
    format!(
        "{{uptime={}, loads={}, totalram={}, freeram={}, sharedram={}, bufferram={}, \
         totalswap={}, freeswap={}, procs={}, totalhigh={}, freehigh={}, mem_unit={}}}",
        field!(&b, libc::sysinfo, uptime).unwrap_or(0),
        array([load(0), load(1), load(2)].iter().map(u64::to_string), opts),
        u(field!(&b, libc::sysinfo, totalram)),
        u(field!(&b, libc::sysinfo, freeram)),
        u(field!(&b, libc::sysinfo, sharedram)),
        u(field!(&b, libc::sysinfo, bufferram)),
        u(field!(&b, libc::sysinfo, totalswap)),
        u(field!(&b, libc::sysinfo, freeswap)),
        field!(&b, libc::sysinfo, procs).unwrap_or(0),
        u(field!(&b, libc::sysinfo, totalhigh)),
        u(field!(&b, libc::sysinfo, freehigh)),
        field!(&b, libc::sysinfo, mem_unit).unwrap_or(0)
    )
}

/// A NUMA node mask of `maxnode` bits as strace prints it: the kernel reads `maxnode - 1`
/// bits, shown as that many `unsigned long`s in `%#016lx` (`0x00000000000001`; zero has no
/// `0x`: `0000000000000000`), at most `-s` of them. See: strace mem.c, get_nodes().
pub fn nodemask(mem: &dyn Memory, addr: u64, maxnode: u64, opts: &DecodeOpts) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let words = maxnode.saturating_add(62) / 64;
    let shown = usize::try_from(words)
        .unwrap_or(usize::MAX)
        .min(opts.strsize);
    let Ok(b) = mem.read(addr, shown * 8) else {
        return ptr(addr);
    };
    let mut items: Vec<String> = (0..shown)
        .map(|i| match le_u64(&b, i * 8).unwrap_or(0) {
            0 => "0000000000000000".to_string(),
            w => format!("{w:#016x}"),
        })
        .collect();
    if (shown as u64) < words {
        items.push("...".to_string());
    }
    format!("[{}]", items.join(", "))
}

/// `sigev_notify` values.
const SIGEV_NOTIFY: flags::Xlat = &[
    (0, "SIGEV_SIGNAL"),
    (1, "SIGEV_NONE"),
    (2, "SIGEV_THREAD"),
    (4, "SIGEV_THREAD_ID"),
];

/// `struct sigevent` as strace prints it: `{sigev_signo=SIGALRM, sigev_notify=SIGEV_SIGNAL}`,
/// with `sigev_value` only when its pointer is set and the fields of the notify method.
/// See: strace print_sigevent.c; include/uapi/asm-generic/siginfo.h for the layout.
pub fn sigevent(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let Ok(b) = mem.read(addr, 32) else {
        return ptr(addr);
    };
    let value = le_u64(&b, 0).unwrap_or(0);
    let signo = le_u32(&b, 8).unwrap_or(0);
    let notify = le_u32(&b, 12).unwrap_or(0);
    let mut s = String::from("{");
    if value != 0 {
        s.push_str(&format!(
            "sigev_value={{sival_int={}, sival_ptr={}}}, ",
            value as u32 as i32,
            ptr(value)
        ));
    }
    if matches!(notify, 0 | 2 | 4) {
        s.push_str(&format!(
            "sigev_signo={}",
            sig_text(i64::from(signo as i32))
        ));
    } else {
        s.push_str(&format!("sigev_signo={signo}"));
    }
    s.push_str(&format!(
        ", sigev_notify={}",
        flags::xenum(u64::from(notify), SIGEV_NOTIFY, "SIGEV_???")
    ));
    match notify {
        4 => s.push_str(&format!(
            ", sigev_notify_thread_id={}",
            le_u32(&b, 16).unwrap_or(0) as i32
        )),
        2 => s.push_str(&format!(
            ", sigev_notify_function={}, sigev_notify_attributes={}",
            ptr(le_u64(&b, 16).unwrap_or(0)),
            ptr(le_u64(&b, 24).unwrap_or(0))
        )),
        _ => {}
    }
    s.push('}');
    s
}

/// The argument of rt_sigreturn, `{mask=[…]}`: the signal mask saved in the signal frame.
///
/// On x86_64 the handler's `ret` popped `pretcode`, so the `rt_sigframe` starts 8 bytes below
/// the stack pointer and `uc.uc_sigmask` lies 296 bytes above it.
/// See: arch/x86/include/asm/sigframe.h (struct rt_sigframe), include/uapi/asm-generic/ucontext.h.
#[cfg(target_arch = "x86_64")]
const SIGFRAME_MASK_OFFSET: u64 = 296;
/// On arm64 `sp` points at the `rt_sigframe` itself: `siginfo` (128 bytes), then the
/// `ucontext`, whose `uc_sigmask` follows `uc_flags`, `uc_link` and `uc_stack` (40 bytes).
/// See: arch/arm64/kernel/signal.c (struct rt_sigframe), arch/arm64/include/uapi/asm/ucontext.h.
#[cfg(target_arch = "aarch64")]
const SIGFRAME_MASK_OFFSET: u64 = 128 + 40;

/// See [`SIGFRAME_MASK_OFFSET`].
pub fn rt_sigreturn(mem: &dyn Memory, rsp: u64) -> String {
    match mem.read(rsp.wrapping_add(SIGFRAME_MASK_OFFSET), 8) {
        Ok(b) => format!("{{mask={}}}", sigset_text(&b)),
        Err(_) => String::new(),
    }
}

/// Known file system magic numbers (`f_type`).
const FS_MAGIC: flags::Xlat = &[
    (0xef53, "EXT2_SUPER_MAGIC"),
    (0x01021994, "TMPFS_MAGIC"),
    (0x9fa0, "PROC_SUPER_MAGIC"),
    (0x62656572, "SYSFS_MAGIC"),
    (0x794c7630, "OVERLAYFS_SUPER_MAGIC"),
    (0x58465342, "XFS_SUPER_MAGIC"),
    (0x9123683e, "BTRFS_SUPER_MAGIC"),
    (0x63677270, "CGROUP2_SUPER_MAGIC"),
    (0x27e0eb, "CGROUP_SUPER_MAGIC"),
    (0x1cd1, "DEVPTS_SUPER_MAGIC"),
    (0x6e736673, "NSFS_MAGIC"),
    (0x73717368, "SQUASHFS_MAGIC"),
    (0x65735546, "FUSE_SUPER_MAGIC"),
    (0x6969, "NFS_SUPER_MAGIC"),
    (0x858458f6, "RAMFS_MAGIC"),
    (0x64626720, "DEBUGFS_MAGIC"),
    (0xcafe4a11, "BPF_FS_MAGIC"),
    (0x73636673, "SECURITYFS_MAGIC"),
];

/// Mount flags in `f_flags`.
const ST_FLAGS: flags::Xlat = &[
    (0x20, "ST_VALID"),
    (1, "ST_RDONLY"),
    (2, "ST_NOSUID"),
    (4, "ST_NODEV"),
    (8, "ST_NOEXEC"),
    (16, "ST_SYNCHRONOUS"),
    (64, "ST_MANDLOCK"),
    (128, "ST_WRITE"),
    (256, "ST_APPEND"),
    (512, "ST_IMMUTABLE"),
    (1024, "ST_NOATIME"),
    (2048, "ST_NODIRATIME"),
    (4096, "ST_RELATIME"),
    (0x2000000, "ST_NOSYMFOLLOW"),
];

/// `struct statfs` (strace prints every field).
pub fn statfs(mem: &dyn Memory, addr: u64, opts: &DecodeOpts) -> String {
    let Ok(b) = mem.read(addr, size_of::<libc::statfs>()) else {
        return ptr(addr);
    };
    let fsid = offset_of!(libc::statfs, f_fsid);
    let ftype = field!(&b, libc::statfs, f_type).unwrap_or(0);
    let ftype_text = lookup(ftype, FS_MAGIC).map_or_else(|| format!("{ftype:#x}"), str::to_string);
    format!(
        "{{f_type={ftype_text}, f_bsize={}, f_blocks={}, f_bfree={}, f_bavail={}, f_files={}, \
         f_ffree={}, f_fsid={{val={}}}, f_namelen={}, f_frsize={}, f_flags={}}}",
        field!(&b, libc::statfs, f_bsize).unwrap_or(0) as i64,
        field!(&b, libc::statfs, f_blocks).unwrap_or(0),
        field!(&b, libc::statfs, f_bfree).unwrap_or(0),
        field!(&b, libc::statfs, f_bavail).unwrap_or(0),
        field!(&b, libc::statfs, f_files).unwrap_or(0),
        field!(&b, libc::statfs, f_ffree).unwrap_or(0),
        array(
            [le_u32(&b, fsid), le_u32(&b, fsid + 4)]
                .into_iter()
                .map(|v| match v.unwrap_or(0) {
                    0 => "0".to_string(),
                    x => format!("{x:#x}"),
                }),
            opts
        ),
        field!(&b, libc::statfs, f_namelen).unwrap_or(0) as i64,
        field!(&b, libc::statfs, f_frsize).unwrap_or(0) as i64,
        flags::flags(
            field!(&b, libc::statfs, f_flags).unwrap_or(0),
            ST_FLAGS,
            "0"
        )
    )
}

/// `[0, 4, 27]`: `n` unsigned ints (uid_t/gid_t) at `addr`, `...` after `-s` items.
pub fn u32_array(mem: &dyn Memory, addr: u64, n: u64, opts: &DecodeOpts) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    if n == 0 {
        return "[]".to_string();
    }
    let shown = usize::try_from(n).unwrap_or(usize::MAX).min(opts.strsize);
    let Ok(b) = mem.read(addr, shown * 4) else {
        return ptr(addr);
    };
    let mut items: Vec<String> = (0..shown)
        .map(|i| le_u32(&b, i * 4).unwrap_or(0).to_string())
        .collect();
    if n > shown as u64 {
        items.push("...".to_string());
    }
    format!("[{}]", items.join(", "))
}

/// A CPU set of `size` bytes: `[0 1]`.
pub fn cpu_set(mem: &dyn Memory, addr: u64, size: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let size = usize::try_from(size.min(8192)).unwrap_or(0);
    let Ok(b) = mem.read(addr, size) else {
        return ptr(addr);
    };
    let mut cpus = Vec::new();
    for (i, byte) in b.iter().enumerate() {
        for bit in 0..8 {
            if byte & (1 << bit) != 0 {
                cpus.push((i * 8 + bit).to_string());
            }
        }
    }
    format!("[{}]", cpus.join(" "))
}

/// strace's time comment, `1970-01-01T00:00:00.000000001+0000`, or `None` for the epoch itself
/// and invalid nanoseconds. strace uses the tracer's local zone; toolbox prints UTC.
pub fn time_comment(sec: i64, nsec: i64) -> Option<String> {
    if (sec == 0 && nsec == 0) || !(0..=999_999_999).contains(&nsec) {
        return None;
    }
    let days = sec.div_euclid(86_400);
    let secs = sec.rem_euclid(86_400);
    let (year, month, day) = crate::output::civil_from_days(days);
    let mut s = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    );
    if nsec > 0 {
        s.push_str(&format!(".{nsec:09}"));
    }
    s.push_str("+0000");
    Some(s)
}

/// utimensat's two timestamps: `[{tv_sec=0, tv_nsec=0}, {tv_sec=0, tv_nsec=UTIME_NOW}]`.
pub fn utime_timespecs(mem: &dyn Memory, addr: u64, opts: &DecodeOpts) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let Ok(b) = mem.read(addr, 32) else {
        return ptr(addr);
    };
    let one = |off: usize| {
        let sec = le_u64(&b, off).unwrap_or(0) as i64;
        let nsec = le_u64(&b, off + 8).unwrap_or(0) as i64;
        match nsec {
            0x3fff_ffff => format!("{{tv_sec={sec}, tv_nsec=UTIME_NOW}}"),
            0x3fff_fffe => format!("{{tv_sec={sec}, tv_nsec=UTIME_OMIT}}"),
            n => match time_comment(sec, n) {
                Some(c) => format!("{{tv_sec={sec}, tv_nsec={n}}} /* {c} */"),
                None => format!("{{tv_sec={sec}, tv_nsec={n}}}"),
            },
        }
    };
    array([one(0), one(16)].into_iter(), opts)
}

/// An `fd_set` of `nfds` bits: `[3 4]`, fds printed with `fd` (for `-y`).
pub fn fd_set(mem: &dyn Memory, addr: u64, nfds: i32, fd: &dyn Fn(i32) -> String) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let nfds = usize::try_from(nfds.clamp(0, 1024 * 64)).unwrap_or(0);
    let bytes = nfds.div_ceil(64) * 8;
    let Ok(b) = mem.read(addr, bytes) else {
        return ptr(addr);
    };
    let set: Vec<String> = (0..nfds)
        .filter(|&i| b.get(i / 8).is_some_and(|byte| byte & (1 << (i % 8)) != 0))
        .map(|i| fd(i as i32))
        .collect();
    format!("[{}]", set.join(" "))
}

/// `{l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=0}` (struct flock).
pub fn flock(mem: &dyn Memory, addr: u64, with_pid: bool) -> String {
    let Ok(b) = mem.read(addr, size_of::<libc::flock>()) else {
        return ptr(addr);
    };
    const TYPES: flags::Xlat = &[(0, "F_RDLCK"), (1, "F_WRLCK"), (2, "F_UNLCK")];
    let ty = u64::from(field!(&b, libc::flock, l_type).unwrap_or(0) as u16);
    let whence = u64::from(field!(&b, libc::flock, l_whence).unwrap_or(0) as u16);
    let mut s = format!(
        "{{l_type={}, l_whence={}, l_start={}, l_len={}",
        flags::xenum(ty, TYPES, "F_???"),
        flags::xenum(whence, flags::WHENCE, "SEEK_???"),
        field!(&b, libc::flock, l_start).unwrap_or(0),
        field!(&b, libc::flock, l_len).unwrap_or(0)
    );
    if with_pid {
        s.push_str(&format!(
            ", l_pid={}",
            field!(&b, libc::flock, l_pid).unwrap_or(0)
        ));
    }
    s.push('}');
    s
}

/// `{l_onoff=1, l_linger=0}` (struct linger).
pub fn linger(b: &[u8]) -> Option<String> {
    Some(format!(
        "{{l_onoff={}, l_linger={}}}",
        field!(b, libc::linger, l_onoff)?,
        field!(b, libc::linger, l_linger)?
    ))
}

/// `{tv_sec=2, tv_usec=500}` from bytes.
pub fn timeval_bytes(b: &[u8]) -> Option<String> {
    Some(format!(
        "{{tv_sec={}, tv_usec={}}}",
        field!(b, libc::timeval, tv_sec)?,
        field!(b, libc::timeval, tv_usec)?
    ))
}

/// `{it_interval={…}, it_value={…}}` (struct itimerval).
pub fn itimerval(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let Ok(b) = mem.read(addr, size_of::<libc::itimerval>()) else {
        return ptr(addr);
    };
    let at = |off: usize| b.get(off..).and_then(timeval_bytes);
    match (
        at(offset_of!(libc::itimerval, it_interval)),
        at(offset_of!(libc::itimerval, it_value)),
    ) {
        (Some(i), Some(v)) => format!("{{it_interval={i}, it_value={v}}}"),
        _ => ptr(addr),
    }
}

/// `{ru_utime={…}, ru_stime={…}, ...}` (struct rusage, abbreviated).
pub fn rusage(mem: &dyn Memory, addr: u64) -> String {
    // Only the two times are printed: read up to the end of ru_stime.
    let stime = offset_of!(libc::rusage, ru_stime);
    let Ok(b) = mem.read(addr, stime + size_of::<libc::timeval>()) else {
        return ptr(addr);
    };
    let at = |off: usize| b.get(off..).and_then(timeval_bytes);
    match (at(offset_of!(libc::rusage, ru_utime)), at(stime)) {
        (Some(u), Some(s)) => format!("{{ru_utime={u}, ru_stime={s}, ...}}"),
        _ => ptr(addr),
    }
}

/// A clock_t in ticks with strace's seconds comment: `1 /* 0.01 s */` (USER_HZ = 100).
pub fn clock_t(v: u64) -> String {
    if v == 0 {
        "0".to_string()
    } else {
        format!("{v} /* {}.{:02} s */", v / 100, v % 100)
    }
}

/// `{tms_utime=1 /* 0.01 s */, …}` (struct tms).
pub fn tms(mem: &dyn Memory, addr: u64) -> String {
    let Ok(b) = mem.read(addr, size_of::<libc::tms>()) else {
        return ptr(addr);
    };
    let f = |v: Option<libc::clock_t>| clock_t(v.unwrap_or(0) as u64);
    format!(
        "{{tms_utime={}, tms_stime={}, tms_cutime={}, tms_cstime={}}}",
        f(field!(&b, libc::tms, tms_utime)),
        f(field!(&b, libc::tms, tms_stime)),
        f(field!(&b, libc::tms, tms_cutime)),
        f(field!(&b, libc::tms, tms_cstime))
    )
}

/// si_code names for signals without their own table.
const SI_CODES: flags::Xlat = &[
    (0, "SI_USER"),
    (0x80, "SI_KERNEL"),
    (u64::MAX, "SI_QUEUE"),
    (u64::MAX - 1, "SI_TIMER"),
    (u64::MAX - 2, "SI_MESGQ"),
    (u64::MAX - 3, "SI_ASYNCIO"),
    (u64::MAX - 4, "SI_SIGIO"),
    (u64::MAX - 5, "SI_TKILL"),
    (u64::MAX - 6, "SI_DETHREAD"),
    (u64::MAX - 59, "SI_ASYNCNL"),
];
const CLD_CODES: flags::Xlat = &[
    (1, "CLD_EXITED"),
    (2, "CLD_KILLED"),
    (3, "CLD_DUMPED"),
    (4, "CLD_TRAPPED"),
    (5, "CLD_STOPPED"),
    (6, "CLD_CONTINUED"),
];
const SEGV_CODES: flags::Xlat = &[
    (1, "SEGV_MAPERR"),
    (2, "SEGV_ACCERR"),
    (3, "SEGV_BNDERR"),
    (4, "SEGV_PKUERR"),
    (5, "SEGV_ACCADI"),
    (6, "SEGV_ADIDERR"),
    (7, "SEGV_ADIPERR"),
    (8, "SEGV_MTEAERR"),
    (9, "SEGV_MTESERR"),
    (10, "SEGV_CPERR"),
];
const BUS_CODES: flags::Xlat = &[
    (1, "BUS_ADRALN"),
    (2, "BUS_ADRERR"),
    (3, "BUS_OBJERR"),
    (4, "BUS_MCEERR_AR"),
    (5, "BUS_MCEERR_AO"),
];

/// A `siginfo_t` (128 bytes) as strace prints it: in `--- SIGCHLD {…} ---` lines and waitid.
///
/// `{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=12, si_uid=0, si_status=3, si_utime=0,
/// si_stime=0}`, `{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL}`,
/// `{si_signo=SIGTERM, si_code=SI_USER, si_pid=1, si_uid=0}`.
pub fn siginfo_bytes(b: &[u8]) -> String {
    let signo = le_u32(b, 0).unwrap_or(0) as i32;
    let code = le_u32(b, 8).unwrap_or(0) as i32;
    let code_u = code as i64 as u64;
    let u32f = |off| le_u32(b, off).unwrap_or(0);
    let sig = sig_text(i64::from(signo));
    let code_text = |table: flags::Xlat| {
        lookup(code_u, table)
            .or_else(|| lookup(code_u, SI_CODES))
            .map_or_else(|| code.to_string(), str::to_string)
    };
    let user = |s: &str| format!("{s}, si_pid={}, si_uid={}", u32f(16) as i32, u32f(20));
    let mut out = format!("{{si_signo={sig}, si_code=");
    if code <= 0 || code == 0x80 {
        let ct = code_text(&[]);
        match code {
            0 | -6 => out.push_str(&user(&ct)),
            -1 => {
                out.push_str(&user(&ct));
                out.push_str(&format!(
                    ", si_int={}, si_ptr={}",
                    u32f(24) as i32,
                    ptr(le_u64(b, 24).unwrap_or(0))
                ));
            }
            // SI_TIMER: timer id and overrun count where si_pid/si_uid would be.
            -2 => out.push_str(&format!(
                "{ct}, si_timerid={}, si_overrun={}, si_int={}, si_ptr={}",
                hex(u64::from(u32f(16))),
                u32f(20) as i32,
                u32f(24) as i32,
                ptr(le_u64(b, 24).unwrap_or(0))
            )),
            _ => out.push_str(&ct),
        }
    } else if signo == libc::SIGCHLD {
        let status = u32f(24) as i32;
        let status_text = if code == 1 {
            status.to_string()
        } else {
            sig_text(i64::from(status))
        };
        out.push_str(&format!(
            "{}, si_pid={}, si_uid={}, si_status={status_text}, si_utime={}, si_stime={}",
            code_text(CLD_CODES),
            u32f(16) as i32,
            u32f(20),
            clock_t(le_u64(b, 32).unwrap_or(0)),
            clock_t(le_u64(b, 40).unwrap_or(0))
        ));
    } else if matches!(
        signo,
        libc::SIGSEGV | libc::SIGBUS | libc::SIGILL | libc::SIGFPE | libc::SIGTRAP
    ) {
        let table = match signo {
            libc::SIGSEGV => SEGV_CODES,
            libc::SIGBUS => BUS_CODES,
            _ => &[],
        };
        out.push_str(&format!(
            "{}, si_addr={}",
            code_text(table),
            ptr(le_u64(b, 16).unwrap_or(0))
        ));
    } else {
        out.push_str(&code_text(&[]));
    }
    out.push('}');
    out
}

/// A siginfo_t in tracee memory.
pub fn siginfo(mem: &dyn Memory, addr: u64) -> String {
    match mem.read(addr, 128) {
        Ok(b) => siginfo_bytes(&b),
        Err(_) => ptr(addr),
    }
}

/// `struct open_how`: `{flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_IN_ROOT}` (mode only when
/// creating or set).
pub fn open_how(mem: &dyn Memory, addr: u64, size: u64) -> String {
    if size < 24 {
        return ptr(addr);
    }
    let Ok(b) = mem.read(addr, size_of::<libc::open_how>()) else {
        return ptr(addr);
    };
    let fl = field!(&b, libc::open_how, flags).unwrap_or(0);
    let mode = field!(&b, libc::open_how, mode).unwrap_or(0);
    let resolve = field!(&b, libc::open_how, resolve).unwrap_or(0);
    let mut s = format!("{{flags={}", flags::open_flags(fl));
    if fl & (libc::O_CREAT as u64 | 0o20000000) != 0 || mode != 0 {
        s.push_str(&format!(", mode={}", flags::mode(mode)));
    }
    s.push_str(&format!(
        ", resolve={}}}",
        flags::flags(resolve, flags::RESOLVE_FLAGS, "0")
    ));
    s
}

/// `stack_t`: `{ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0}`.
pub fn stack_t(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let Ok(b) = mem.read(addr, size_of::<libc::stack_t>()) else {
        return ptr(addr);
    };
    let ss_flags = field!(&b, libc::stack_t, ss_flags).unwrap_or(0) as u32;
    format!(
        "{{ss_sp={}, ss_flags={}, ss_size={}}}",
        ptr(le_u64(&b, offset_of!(libc::stack_t, ss_sp)).unwrap_or(0)),
        flags::flags(u64::from(ss_flags), flags::SS_FLAGS, "0"),
        field!(&b, libc::stack_t, ss_size).unwrap_or(0)
    )
}

/// `struct itimerspec`: `{it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=5, tv_nsec=0}}`.
pub fn itimerspec(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let Ok(b) = mem.read(addr, size_of::<libc::itimerspec>()) else {
        return ptr(addr);
    };
    format!(
        "{{it_interval={}, it_value={}}}",
        timespec_bytes(&b, offset_of!(libc::itimerspec, it_interval)),
        timespec_bytes(&b, offset_of!(libc::itimerspec, it_value))
    )
}

/// Capability versions of capget/capset headers.
const CAP_VERSIONS: flags::Xlat = &[
    (0x1998_0330, "_LINUX_CAPABILITY_VERSION_1"),
    (0x2007_1026, "_LINUX_CAPABILITY_VERSION_2"),
    (0x2008_0522, "_LINUX_CAPABILITY_VERSION_3"),
];

/// `{version=_LINUX_CAPABILITY_VERSION_3, pid=0}`.
pub fn cap_header(mem: &dyn Memory, addr: u64) -> String {
    let Ok(b) = mem.read(addr, 8) else {
        return ptr(addr);
    };
    format!(
        "{{version={}, pid={}}}",
        flags::xenum(
            u64::from(le_u32(&b, 0).unwrap_or(0)),
            CAP_VERSIONS,
            "_LINUX_CAPABILITY_VERSION_???"
        ),
        le_u32(&b, 4).unwrap_or(0) as i32
    )
}

/// A capability set as strace prints it: `1<<CAP_CHOWN|1<<CAP_KILL`, or `0`.
pub fn cap_set(bits: u64) -> String {
    if bits == 0 {
        return "0".to_string();
    }
    let mut parts = Vec::new();
    for i in 0..64 {
        if bits & (1u64 << i) != 0 {
            match flags::cap_name_known(i) {
                Some(n) => parts.push(format!("1<<{n}")),
                None => parts.push(format!("1<<{i}")),
            }
        }
    }
    parts.join("|")
}

/// The `struct __user_cap_data_struct[2]` of capget/capset (version 2/3 headers).
pub fn cap_data(mem: &dyn Memory, addr: u64, header: u64) -> String {
    let version = read_u32(mem, header).unwrap_or(0);
    let words = if version == 0x1998_0330 { 1 } else { 2 };
    let Ok(b) = mem.read(addr, 12 * words) else {
        return ptr(addr);
    };
    let field = |off: usize| {
        let lo = u64::from(le_u32(&b, off).unwrap_or(0));
        let hi = if words == 2 {
            u64::from(le_u32(&b, 12 + off).unwrap_or(0))
        } else {
            0
        };
        cap_set(lo | (hi << 32))
    };
    format!(
        "{{effective={}, permitted={}, inheritable={}}}",
        field(0),
        field(4),
        field(8)
    )
}

const TERM_IFLAGS: flags::Xlat = &[
    (0o1, "IGNBRK"),
    (0o2, "BRKINT"),
    (0o4, "IGNPAR"),
    (0o10, "PARMRK"),
    (0o20, "INPCK"),
    (0o40, "ISTRIP"),
    (0o100, "INLCR"),
    (0o200, "IGNCR"),
    (0o400, "ICRNL"),
    (0o1000, "IUCLC"),
    (0o2000, "IXON"),
    (0o4000, "IXANY"),
    (0o10000, "IXOFF"),
    (0o20000, "IMAXBEL"),
    (0o40000, "IUTF8"),
];
const TERM_OFLAGS: flags::Xlat = &[
    (0o1, "OPOST"),
    (0o2, "OLCUC"),
    (0o4, "ONLCR"),
    (0o10, "OCRNL"),
    (0o20, "ONOCR"),
    (0o40, "ONLRET"),
    (0o100, "OFILL"),
    (0o200, "OFDEL"),
];
/// c_oflag delay fields: (mask, values, unknown marker), in strace's print order.
const TERM_ODELAYS: [(u64, flags::Xlat, &str); 6] = [
    (0o400, &[(0, "NL0"), (0o400, "NL1")], "NL?"),
    (
        0o3000,
        &[
            (0, "CR0"),
            (0o1000, "CR1"),
            (0o2000, "CR2"),
            (0o3000, "CR3"),
        ],
        "CR?",
    ),
    (
        0o14000,
        &[
            (0, "TAB0"),
            (0o4000, "TAB1"),
            (0o10000, "TAB2"),
            (0o14000, "TAB3"),
        ],
        "TAB?",
    ),
    (0o20000, &[(0, "BS0"), (0o20000, "BS1")], "BS?"),
    (0o40000, &[(0, "VT0"), (0o40000, "VT1")], "VT?"),
    (0o100000, &[(0, "FF0"), (0o100000, "FF1")], "FF?"),
];
const TERM_CFLAGS: flags::Xlat = &[
    (0o100, "CSTOPB"),
    (0o200, "CREAD"),
    (0o400, "PARENB"),
    (0o1000, "PARODD"),
    (0o2000, "HUPCL"),
    (0o4000, "CLOCAL"),
    (0o10000000000, "CMSPAR"),
    (0o20000000000, "CRTSCTS"),
];
const TERM_CSIZE: flags::Xlat = &[(0, "CS5"), (0o20, "CS6"), (0o40, "CS7"), (0o60, "CS8")];
const TERM_LFLAGS: flags::Xlat = &[
    (0o1, "ISIG"),
    (0o2, "ICANON"),
    (0o4, "XCASE"),
    (0o10, "ECHO"),
    (0o20, "ECHOE"),
    (0o40, "ECHOK"),
    (0o100, "ECHONL"),
    (0o200, "NOFLSH"),
    (0o100000, "IEXTEN"),
    (0o1000, "ECHOCTL"),
    (0o2000, "ECHOPRT"),
    (0o4000, "ECHOKE"),
    (0o10000, "FLUSHO"),
    (0o40000, "PENDIN"),
    (0o400, "TOSTOP"),
    (0o200000, "EXTPROC"),
];
const BAUDS: flags::Xlat = &[
    (0, "B0"),
    (1, "B50"),
    (2, "B75"),
    (3, "B110"),
    (4, "B134"),
    (5, "B150"),
    (6, "B200"),
    (7, "B300"),
    (0o10, "B600"),
    (0o11, "B1200"),
    (0o12, "B1800"),
    (0o13, "B2400"),
    (0o14, "B4800"),
    (0o15, "B9600"),
    (0o16, "B19200"),
    (0o17, "B38400"),
    (0o10001, "B57600"),
    (0o10002, "B115200"),
    (0o10003, "B230400"),
    (0o10004, "B460800"),
    (0o10005, "B500000"),
    (0o10006, "B576000"),
    (0o10007, "B921600"),
    (0o10010, "B1000000"),
    (0o10011, "B1152000"),
    (0o10012, "B1500000"),
    (0o10013, "B2000000"),
    (0o10014, "B2500000"),
    (0o10015, "B3000000"),
    (0o10016, "B3500000"),
    (0o10017, "B4000000"),
    (0o10000, "BOTHER"),
];

fn xval(v: u64, table: flags::Xlat, unknown: &str) -> String {
    lookup(v, table).map_or_else(|| format!("{v:#x} /* {unknown} */"), str::to_string)
}

/// `struct termios` (abbreviated): `{c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|…|OPOST|ONLCR,
/// c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|…, ...}`.
pub fn termios(mem: &dyn Memory, addr: u64) -> String {
    // The four flag words (the kernel's struct termios is shorter than libc's after them).
    let Ok(b) = mem.read(addr, offset_of!(libc::termios, c_lflag) + 4) else {
        return ptr(addr);
    };
    let f = |v: Option<libc::tcflag_t>| u64::from(v.unwrap_or(0));
    let (iflag, mut oflag, mut cflag, lflag) = (
        f(field!(&b, libc::termios, c_iflag)),
        f(field!(&b, libc::termios, c_oflag)),
        f(field!(&b, libc::termios, c_cflag)),
        f(field!(&b, libc::termios, c_lflag)),
    );
    let mut o = Vec::new();
    for (mask, table, unknown) in TERM_ODELAYS {
        o.push(xval(oflag & mask, table, unknown));
        oflag &= !mask;
    }
    o.push(flags::flags(oflag, TERM_OFLAGS, "0"));
    let mut c = vec![xval(cflag & 0o10017, BAUDS, "B???")];
    let ibaud = (cflag & 0o2003600000) >> 16;
    if ibaud != 0 {
        c.push(format!("{}<<IBSHIFT", xval(ibaud, BAUDS, "B???")));
    }
    c.push(xval(cflag & 0o60, TERM_CSIZE, "CS?"));
    cflag &= !(0o10017 | 0o2003600000 | 0o60);
    c.push(flags::flags(cflag, TERM_CFLAGS, "0"));
    format!(
        "{{c_iflag={}, c_oflag={}, c_cflag={}, c_lflag={}, ...}}",
        flags::flags(iflag, TERM_IFLAGS, "0"),
        o.join("|"),
        c.join("|"),
        flags::flags(lflag, TERM_LFLAGS, "0")
    )
}

/// `struct winsize`: `{ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}`.
pub fn winsize(mem: &dyn Memory, addr: u64) -> String {
    let Ok(b) = mem.read(addr, size_of::<libc::winsize>()) else {
        return ptr(addr);
    };
    format!(
        "{{ws_row={}, ws_col={}, ws_xpixel={}, ws_ypixel={}}}",
        field!(&b, libc::winsize, ws_row).unwrap_or(0),
        field!(&b, libc::winsize, ws_col).unwrap_or(0),
        field!(&b, libc::winsize, ws_xpixel).unwrap_or(0),
        field!(&b, libc::winsize, ws_ypixel).unwrap_or(0)
    )
}
