//! Socket structures: sockaddr, iovec, msghdr/mmsghdr with control messages, linger, pollfd,
//! epoll_event, fd pairs and fd_set.

use std::mem::offset_of;

use super::common::array;
use crate::trace::decode::text::{
    buf, field, le_u32, le_u64, ptr, quote, read_u32, DecodeOpts, Memory,
};
use crate::trace::flags::{self, lookup};

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
    /// A network-order u16 at `off` (the caller checked the length).
    fn be16(b: &[u8], off: usize) -> u16 {
        u16::from_be_bytes([b[off], b[off + 1]])
    }
    let Some(family) = field!(b, libc::sockaddr, sa_family) else {
        return format!("{{sa_family={}}}", quote(b));
    };
    let fam_name = lookup(u64::from(family), flags::AF)
        .map_or_else(|| format!("{family} /* AF_??? */"), str::to_string);
    let body = match family {
        1 => {
            let path = b
                .get(offset_of!(libc::sockaddr_un, sun_path)..)
                .unwrap_or(&[]);
            if path.is_empty() {
                String::new()
            } else if path[0] == 0 && path.len() > 1 {
                format!(", sun_path=@{}", quote(&path[1..]))
            } else {
                let end = path.iter().position(|&c| c == 0).unwrap_or(path.len());
                format!(", sun_path={}", quote(&path[..end]))
            }
        }
        2 if b.len() >= offset_of!(libc::sockaddr_in, sin_addr) + 4 => {
            let port = be16(b, offset_of!(libc::sockaddr_in, sin_port));
            let a = offset_of!(libc::sockaddr_in, sin_addr);
            format!(
                ", sin_port=htons({port}), sin_addr=inet_addr(\"{}.{}.{}.{}\")",
                b[a],
                b[a + 1],
                b[a + 2],
                b[a + 3]
            )
        }
        10 if b.len() >= offset_of!(libc::sockaddr_in6, sin6_addr) + 16 => {
            let port = be16(b, offset_of!(libc::sockaddr_in6, sin6_port));
            let at = offset_of!(libc::sockaddr_in6, sin6_flowinfo);
            let flow = u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
            let at = offset_of!(libc::sockaddr_in6, sin6_addr);
            let mut a = [0u8; 16];
            a.copy_from_slice(&b[at..at + 16]);
            let ip = std::net::Ipv6Addr::from(a);
            let mut s = format!(
                ", sin6_port=htons({port}), sin6_flowinfo=htonl({flow}), inet_pton(AF_INET6, \"{ip}\", &sin6_addr)"
            );
            if let Some(scope) = field!(b, libc::sockaddr_in6, sin6_scope_id) {
                s.push_str(&format!(", sin6_scope_id={scope}"));
            }
            s
        }
        16 if b.len() >= size_of::<libc::sockaddr_nl>() => {
            let pid = field!(b, libc::sockaddr_nl, nl_pid).unwrap_or(0);
            let groups = field!(b, libc::sockaddr_nl, nl_groups).unwrap_or(0);
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
    // The header: libc's offsets; cmsg_len is the kernel's size_t (musl declares a u32 and
    // padding), so it is read as 8 bytes.
    const HDR: usize = size_of::<libc::cmsghdr>();
    let mut items = Vec::new();
    let mut off = 0usize;
    while b.len().saturating_sub(off) >= HDR {
        let Some(clen) = le_u64(&b, off + offset_of!(libc::cmsghdr, cmsg_len))
            .and_then(|l| usize::try_from(l).ok())
        else {
            break;
        };
        let level = field!(&b, off, libc::cmsghdr, cmsg_level).unwrap_or(0);
        let ty = field!(&b, off, libc::cmsghdr, cmsg_type).unwrap_or(0);
        let mut item = format!(
            "{{cmsg_len={clen}, cmsg_level={}",
            flags::xenum(u64::from(level as u32), flags::SOL, "SOL_???")
        );
        // cmsg_len comes from the tracee: any value, up to 2^64-1.
        let end = off.saturating_add(clen.max(HDR)).min(b.len());
        let data = b.get(off + HDR..end).unwrap_or(&[]);
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
                2 if data.len() >= size_of::<libc::ucred>() => item.push_str(&format!(
                    ", cmsg_data={{pid={}, uid={}, gid={}}}",
                    field!(data, libc::ucred, pid).unwrap_or(0),
                    field!(data, libc::ucred, uid).unwrap_or(0),
                    field!(data, libc::ucred, gid).unwrap_or(0)
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
            Some(next) if clen >= HDR => off = next,
            _ => break,
        }
    }
    format!("[{}]", items.join(", "))
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

/// `{l_onoff=1, l_linger=0}` (struct linger).
pub fn linger(b: &[u8]) -> Option<String> {
    Some(format!(
        "{{l_onoff={}, l_linger={}}}",
        field!(b, libc::linger, l_onoff)?,
        field!(b, libc::linger, l_linger)?
    ))
}
