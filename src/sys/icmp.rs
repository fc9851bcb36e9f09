//! ICMP echo sockets for `ping`: the datagram kind (`SOCK_DGRAM`, `IPPROTO_ICMP`, allowed to
//! the groups in `net.ipv4.ping_group_range`) and the raw kind (needs CAP_NET_RAW), their
//! socket options, and a `recvmsg(2)` that returns the ancillary data ping needs: the TTL or hop
//! limit of a reply and the extended error of an ICMP error (`IP_RECVERR`).
//! See: icmp(7) "ping socket", ip(7) IP_RECVTTL/IP_RECVERR, ipv6(7) IPV6_RECVHOPLIMIT.

use std::io;
use std::mem::{size_of, MaybeUninit};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// Open an ICMP (or ICMPv6) socket: `raw` false is the datagram "ping socket", true a raw one.
pub fn icmp_socket(v6: bool, raw: bool) -> io::Result<OwnedFd> {
    let (domain, proto) = if v6 {
        (libc::AF_INET6, libc::IPPROTO_ICMPV6)
    } else {
        (libc::AF_INET, libc::IPPROTO_ICMP)
    };
    let ty = if raw {
        libc::SOCK_RAW
    } else {
        libc::SOCK_DGRAM
    };
    // SAFETY: plain socket(2) call with constant arguments; a non-negative result is a new
    // descriptor that we own from here on.
    let fd = unsafe { libc::socket(domain, ty | libc::SOCK_CLOEXEC, proto) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` is a new descriptor nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `setsockopt(fd, level, name, &value, sizeof(int))`.
pub fn set_int_option(fd: BorrowedFd<'_>, level: i32, name: i32, value: i32) -> io::Result<()> {
    // SAFETY: `value` is a valid int that outlives the call and its size is passed.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            &value as *const i32 as *const libc::c_void,
            size_of::<i32>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// An error the kernel queued for the socket (`struct sock_extended_err` and its offender).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtendedError {
    /// The errno it stands for (EHOSTUNREACH…).
    pub errno: u32,
    /// `SO_EE_ORIGIN_*`: 1 local, 2 ICMP, 3 ICMPv6.
    pub origin: u8,
    /// The ICMP type of an ICMP error.
    pub icmp_type: u8,
    /// The ICMP code of an ICMP error.
    pub icmp_code: u8,
    /// `ee_info` (the MTU of a "fragmentation needed").
    pub info: u32,
    /// Who sent the error, when the kernel says.
    pub offender: Option<IpAddr>,
}

/// What one `recvmsg(2)` returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Received {
    /// Bytes written into the buffer.
    pub len: usize,
    /// The sender's address.
    pub from: Option<IpAddr>,
    /// The TTL or hop limit of the packet (IP_TTL/IPV6_HOPLIMIT control messages).
    pub ttl: Option<u8>,
    /// The queued error, when reading the error queue.
    pub error: Option<ExtendedError>,
}

fn addr_from_storage(ss: &libc::sockaddr_storage, len: usize) -> Option<IpAddr> {
    match ss.ss_family as i32 {
        libc::AF_INET if len >= size_of::<libc::sockaddr_in>() => {
            // SAFETY: the family says the storage holds a sockaddr_in, and it is large enough.
            let sin =
                unsafe { &*(ss as *const libc::sockaddr_storage as *const libc::sockaddr_in) };
            Some(IpAddr::V4(Ipv4Addr::from(u32::from_be(
                sin.sin_addr.s_addr,
            ))))
        }
        libc::AF_INET6 if len >= size_of::<libc::sockaddr_in6>() => {
            // SAFETY: the family says the storage holds a sockaddr_in6, and it is large enough.
            let sin6 =
                unsafe { &*(ss as *const libc::sockaddr_storage as *const libc::sockaddr_in6) };
            Some(IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)))
        }
        _ => None,
    }
}

/// Read one datagram (or, with `errqueue`, one queued error: `MSG_ERRQUEUE`) without waiting
/// (`MSG_DONTWAIT`), with its control messages. See: recvmsg(2), cmsg(3).
pub fn recv(fd: BorrowedFd<'_>, buf: &mut [u8], errqueue: bool) -> io::Result<Received> {
    let mut name = MaybeUninit::<libc::sockaddr_storage>::zeroed();
    // u64 elements keep the control buffer aligned for cmsghdr.
    let mut control = [0u64; 64];
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr() as *mut libc::c_void,
        iov_len: buf.len(),
    };
    // SAFETY: an all-zero msghdr is a valid empty one; the fields are filled in below.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_name = name.as_mut_ptr() as *mut libc::c_void;
    msg.msg_namelen = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1 as _;
    msg.msg_control = control.as_mut_ptr() as *mut libc::c_void;
    msg.msg_controllen = size_of::<[u64; 64]>() as _;
    let flags = libc::MSG_DONTWAIT | if errqueue { libc::MSG_ERRQUEUE } else { 0 };
    // SAFETY: every pointer in `msg` points into buffers (`name`, `iov`→`buf`, `control`) that
    // live until the end of this function, with the lengths given.
    let n = unsafe { libc::recvmsg(fd.as_raw_fd(), &mut msg, flags) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the storage was zero-initialised and the kernel wrote at most msg_namelen bytes.
    let name = unsafe { name.assume_init() };
    let from = addr_from_storage(&name, msg.msg_namelen as usize);
    let mut out = Received {
        len: n as usize,
        from,
        ttl: None,
        error: None,
    };
    let ctl_end =
        control.as_ptr() as usize + (msg.msg_controllen as usize).min(size_of::<[u64; 64]>());
    // SAFETY: `msg` describes the control buffer the kernel filled; CMSG_FIRSTHDR/NXTHDR stay
    // within msg_controllen and return null at its end.
    let mut cmsg = unsafe { libc::CMSG_FIRSTHDR(&msg) };
    while !cmsg.is_null() {
        // SAFETY: non-null headers returned by CMSG_FIRSTHDR/NXTHDR lie inside the buffer.
        let hdr = unsafe { &*cmsg };
        // SAFETY: CMSG_DATA of a header inside the buffer points inside it too.
        let data = unsafe { libc::CMSG_DATA(cmsg) } as *const u8;
        let data_len = (hdr.cmsg_len as usize).saturating_sub(data as usize - cmsg as usize);
        let in_bounds = |len: usize| data as usize + len <= ctl_end && len <= data_len;
        match (hdr.cmsg_level, hdr.cmsg_type) {
            (libc::IPPROTO_IP, libc::IP_TTL) | (libc::IPPROTO_IPV6, libc::IPV6_HOPLIMIT)
                if in_bounds(size_of::<i32>()) =>
            {
                // SAFETY: checked in bounds; the kernel writes an int here (ip(7), ipv6(7)).
                let v = unsafe { std::ptr::read_unaligned(data as *const i32) };
                out.ttl = u8::try_from(v).ok();
            }
            (libc::IPPROTO_IP, libc::IP_RECVERR) | (libc::IPPROTO_IPV6, libc::IPV6_RECVERR)
                if in_bounds(size_of::<libc::sock_extended_err>()) =>
            {
                // SAFETY: checked in bounds; the kernel writes a sock_extended_err here.
                let ee =
                    unsafe { std::ptr::read_unaligned(data as *const libc::sock_extended_err) };
                let off = data as usize + size_of::<libc::sock_extended_err>();
                let off_len = data_len - size_of::<libc::sock_extended_err>();
                let mut offender = None;
                if off_len >= size_of::<libc::sockaddr_in>() {
                    let mut ss = MaybeUninit::<libc::sockaddr_storage>::zeroed();
                    let copy = off_len.min(size_of::<libc::sockaddr_storage>());
                    // SAFETY: `copy` bytes from inside the control message (checked against its
                    // length) into a storage at least that large.
                    let ss = unsafe {
                        std::ptr::copy_nonoverlapping(
                            off as *const u8,
                            ss.as_mut_ptr() as *mut u8,
                            copy,
                        );
                        ss.assume_init()
                    };
                    offender = addr_from_storage(&ss, copy);
                }
                out.error = Some(ExtendedError {
                    errno: ee.ee_errno,
                    origin: ee.ee_origin,
                    icmp_type: ee.ee_type,
                    icmp_code: ee.ee_code,
                    info: ee.ee_info,
                    offender,
                });
            }
            _ => {}
        }
        // SAFETY: as for CMSG_FIRSTHDR above.
        cmsg = unsafe { libc::CMSG_NXTHDR(&msg, cmsg) };
    }
    Ok(out)
}

/// `sendto(2)` of one datagram to `to` (port 0 for ICMP).
pub fn send_to(fd: BorrowedFd<'_>, buf: &[u8], to: IpAddr) -> io::Result<usize> {
    use nix::sys::socket::{sendto, MsgFlags, SockaddrIn, SockaddrIn6};
    let r = match to {
        IpAddr::V4(a) => sendto(
            fd.as_raw_fd(),
            buf,
            &SockaddrIn::from(std::net::SocketAddrV4::new(a, 0)),
            MsgFlags::empty(),
        ),
        IpAddr::V6(a) => sendto(
            fd.as_raw_fd(),
            buf,
            &SockaddrIn6::from(std::net::SocketAddrV6::new(a, 0, 0, 0)),
            MsgFlags::empty(),
        ),
    };
    r.map_err(io::Error::from)
}
