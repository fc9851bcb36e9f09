//! ICMP echo for `toolbox ping`: choose the socket the kernel allows (a datagram "ping socket"
//! when `net.ipv4.ping_group_range` admits one of toolbox's groups, a raw socket with
//! CAP_NET_RAW otherwise), send echo requests, and turn what comes back (replies, and ICMP
//! errors from the socket's error queue) into [`Event`]s; [`Stats`] keeps iputils ping's
//! counters. Printing is the command's job. See: icmp(7), RFC 792, RFC 4443.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::caps::{self, Denied};
use crate::sys::icmp;

/// Errors of `ping`; each names the address it was for.
#[derive(Debug, thiserror::Error)]
pub enum PingError {
    /// Neither kind of ICMP socket is allowed: the capability and the kubectl fix.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// The socket could not be opened for another reason.
    #[error("cannot open an ICMP socket: {0}")]
    Socket(io::Error),
    /// The destination cannot be reached at all (iputils: `ping: connect: …`).
    #[error("connect: {}", errno_text(.0))]
    Connect(io::Error),
    /// sendto(2) failed.
    #[error("sendmsg to {addr}: {}", errno_text(.err))]
    Send {
        /// The destination.
        addr: IpAddr,
        /// Why.
        err: io::Error,
    },
    /// Waiting or reading failed.
    #[error("receiving from {addr}: {err}")]
    Recv {
        /// The destination.
        addr: IpAddr,
        /// Why.
        err: io::Error,
    },
}

/// The bare strerror text of an errno ("Network is unreachable"), as ping prints it.
pub fn errno_text(err: &io::Error) -> String {
    match err.raw_os_error() {
        Some(n) => nix::errno::Errno::from_raw(n).desc().to_string(),
        None => err.to_string(),
    }
}

/// Which socket kind ping uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SocketKind {
    /// `SOCK_DGRAM`/`IPPROTO_ICMP`: no capability, the kernel owns the identifier.
    Datagram,
    /// `SOCK_RAW`: needs CAP_NET_RAW.
    Raw,
}

/// `net.ipv4.ping_group_range` of the current network namespace (it applies to ICMPv6 too).
pub fn ping_group_range() -> Option<(u32, u32)> {
    let text = std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range").ok()?;
    let mut it = text.split_whitespace().map(|w| w.parse::<u32>().ok());
    Some((it.next()??, it.next()??))
}

/// Whether one of toolbox's groups (effective and supplementary) lies in `range`; the kernel's
/// check for a ping socket. See: icmp(7), ping_group_range.
pub fn groups_admitted(range: Option<(u32, u32)>) -> bool {
    let Some((lo, hi)) = range else {
        return false;
    };
    let mut gids = vec![nix::unistd::getegid().as_raw()];
    if let Ok(g) = nix::unistd::getgroups() {
        gids.extend(g.into_iter().map(|g| g.as_raw()));
    }
    gids.iter().any(|g| (lo..=hi).contains(g))
}

/// What a probe found about ICMP sockets here: the kind that works, or why none does.
#[derive(Clone, Debug, Serialize)]
pub struct SocketProbe {
    /// The kind ping would use, if any.
    pub works: Option<SocketKind>,
    /// What was found, for `caps`.
    pub detail: String,
    /// Why no kind works, with the fix.
    pub denied: Option<Denied>,
}

fn range_text(range: Option<(u32, u32)>) -> String {
    match range {
        Some((lo, hi)) => format!("net.ipv4.ping_group_range ({lo} {hi})"),
        None => "net.ipv4.ping_group_range (unreadable)".into(),
    }
}

fn raw_denied(range: Option<(u32, u32)>) -> Denied {
    Denied {
        what: "cannot open an ICMP socket".into(),
        reason: format!(
            "toolbox's GID {} is not in {}, so the kernel refuses a datagram ICMP socket, and a raw ICMP socket needs CAP_NET_RAW, which toolbox does not have",
            nix::unistd::getegid().as_raw(),
            range_text(range)
        ),
        fix: caps::fix::PROFILE_NETADMIN.to_string(),
    }
}

/// Open the ICMP socket ping uses for `v6`: a datagram one when the group range admits
/// toolbox (or the kernel allows it anyway), else a raw one.
pub fn open_socket(v6: bool) -> Result<(OwnedFd, SocketKind), PingError> {
    let range = ping_group_range();
    let dgram_err = if groups_admitted(range) {
        match icmp::icmp_socket(v6, false) {
            Ok(fd) => return Ok((fd, SocketKind::Datagram)),
            Err(e) => Some(e),
        }
    } else {
        None
    };
    match icmp::icmp_socket(v6, true) {
        Ok(fd) => Ok((fd, SocketKind::Raw)),
        Err(e) if matches!(e.raw_os_error(), Some(libc::EPERM | libc::EACCES)) => {
            Err(PingError::Denied(raw_denied(range)))
        }
        Err(e) => Err(PingError::Socket(dgram_err.unwrap_or(e))),
    }
}

/// Probe (open and close) the sockets ping would use, for `caps`.
pub fn probe() -> SocketProbe {
    let range = ping_group_range();
    let admitted = groups_admitted(range);
    let gid = nix::unistd::getegid().as_raw();
    if admitted && icmp::icmp_socket(false, false).is_ok() {
        return SocketProbe {
            works: Some(SocketKind::Datagram),
            detail: format!(
                "datagram ICMP socket (GID {gid} is in {}; probe: opened one)",
                range_text(range)
            ),
            denied: None,
        };
    }
    let why_not_dgram = if admitted {
        "a datagram ICMP socket was refused".to_string()
    } else {
        format!("GID {gid} is not in {}", range_text(range))
    };
    match icmp::icmp_socket(false, true) {
        Ok(_) => SocketProbe {
            works: Some(SocketKind::Raw),
            detail: format!(
                "raw ICMP socket with CAP_NET_RAW ({why_not_dgram}; probe: opened a raw one)"
            ),
            denied: None,
        },
        Err(e) => SocketProbe {
            works: None,
            detail: format!("{why_not_dgram}; probe: a raw ICMP socket failed: {e}"),
            denied: Some(
                if matches!(e.raw_os_error(), Some(libc::EPERM | libc::EACCES)) {
                    raw_denied(range)
                } else {
                    Denied {
                        what: "cannot open an ICMP socket".into(),
                        reason: e.to_string(),
                        fix: caps::fix::PROFILE_NETADMIN.to_string(),
                    }
                },
            ),
        },
    }
}

/// The ICMP types and codes ping acts on. See: RFC 792, RFC 4443.
mod types {
    pub const ECHO_REPLY_V4: u8 = 0;
    pub const ECHO_REQUEST_V4: u8 = 8;
    pub const ECHO_REQUEST_V6: u8 = 128;
    pub const ECHO_REPLY_V6: u8 = 129;
}

/// The header of an ICMP echo request or reply. See: RFC 792 "Echo or Echo Reply Message".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Echo {
    /// ICMP type.
    pub icmp_type: u8,
    /// Identifier.
    pub ident: u16,
    /// Sequence number.
    pub seq: u16,
}

impl Echo {
    /// The first 8 bytes of an ICMP message, if there are 8.
    pub fn parse(b: &[u8]) -> Option<Echo> {
        if b.len() < 8 {
            return None;
        }
        Some(Echo {
            icmp_type: b[0],
            ident: u16::from_be_bytes([b[4], b[5]]),
            seq: u16::from_be_bytes([b[6], b[7]]),
        })
    }
}

/// The Internet checksum of `data` (RFC 1071).
pub fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    for c in data.chunks(2) {
        let w = if c.len() == 2 {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], 0])
        };
        sum += u32::from(w);
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// The words iputils ping prints for an ICMP error (after `From ADDR icmp_seq=N `).
pub fn error_text(v6: bool, icmp_type: u8, code: u8, info: u32) -> String {
    if !v6 {
        match (icmp_type, code) {
            (3, 0) => "Destination Net Unreachable".into(),
            (3, 1) => "Destination Host Unreachable".into(),
            (3, 2) => "Destination Protocol Unreachable".into(),
            (3, 3) => "Destination Port Unreachable".into(),
            (3, 4) => format!("Frag needed and DF set (mtu = {info})"),
            (3, 5) => "Source Route Failed".into(),
            (3, 6) => "Destination Net Unknown".into(),
            (3, 7) => "Destination Host Unknown".into(),
            (3, 8) => "Source Host Isolated".into(),
            (3, 9) => "Destination Net Prohibited".into(),
            (3, 10) => "Destination Host Prohibited".into(),
            (3, 13) => "Packet filtered".into(),
            (3, c) => format!("Dest Unreachable, Bad Code: {c}"),
            (11, 0) => "Time to live exceeded".into(),
            (11, 1) => "Frag reassembly time exceeded".into(),
            (t, c) => format!("Bad ICMP type: {t}, code: {c}"),
        }
    } else {
        match (icmp_type, code) {
            (1, 0) => "Destination unreachable: No route".into(),
            (1, 1) => "Destination unreachable: Administratively prohibited".into(),
            (1, 2) => "Destination unreachable: Beyond scope of source address".into(),
            (1, 3) => "Destination unreachable: Address unreachable".into(),
            (1, 4) => "Destination unreachable: Port unreachable".into(),
            (1, c) => format!("Destination unreachable: Unknown code {c}"),
            (2, _) => format!("Packet too big: mtu={info}"),
            (3, 0) => "Time exceeded: Hop limit".into(),
            (3, 1) => "Time exceeded: Defragmentation failure".into(),
            (t, c) => format!("Bad ICMP type: {t}, code: {c}"),
        }
    }
}

/// What came back for one echo request.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Event {
    /// An echo reply.
    Reply {
        /// Its sequence number.
        seq: u16,
        /// ICMP bytes (header and data).
        bytes: usize,
        /// Who answered.
        from: IpAddr,
        /// Its TTL or hop limit.
        ttl: Option<u8>,
        /// Round-trip time in milliseconds.
        rtt_ms: f64,
        /// A second reply to the same request.
        duplicate: bool,
    },
    /// An ICMP error (or a local one) about one of our requests.
    Error {
        /// Its sequence number.
        seq: u16,
        /// Who reported it.
        from: Option<IpAddr>,
        /// ping's words for it.
        text: String,
    },
}

/// An open echo session to one address.
pub struct Pinger {
    fd: OwnedFd,
    /// The socket kind in use.
    pub kind: SocketKind,
    dest: IpAddr,
    ident: u16,
    size: usize,
    sent: HashMap<u16, Instant>,
    answered: HashMap<u16, bool>,
    buf: Vec<u8>,
}

impl Pinger {
    /// Check that `dest` is routable (a UDP connect, as ping does, so that "Network is
    /// unreachable" ends it before any packet), then open the socket.
    pub fn open(dest: IpAddr, size: usize) -> Result<Pinger, PingError> {
        let bind: std::net::SocketAddr = if dest.is_ipv4() {
            ([0, 0, 0, 0], 0).into()
        } else {
            (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
        };
        let probe = std::net::UdpSocket::bind(bind).map_err(PingError::Connect)?;
        probe.connect((dest, 1025)).map_err(PingError::Connect)?;
        drop(probe);
        let v6 = dest.is_ipv6();
        let (fd, kind) = open_socket(v6)?;
        let opts: &[(i32, i32)] = if v6 {
            &[
                (libc::IPPROTO_IPV6, libc::IPV6_RECVHOPLIMIT),
                (libc::IPPROTO_IPV6, libc::IPV6_RECVERR),
            ]
        } else {
            &[
                (libc::IPPROTO_IP, libc::IP_RECVTTL),
                (libc::IPPROTO_IP, libc::IP_RECVERR),
            ]
        };
        for (level, name) in opts {
            icmp::set_int_option(fd.as_fd(), *level, *name, 1).map_err(PingError::Socket)?;
        }
        Ok(Pinger {
            fd,
            kind,
            dest,
            // The kernel replaces it on a datagram socket; a raw one filters replies by it, so
            // it should differ from other pings' in the namespace (container PIDs are small
            // and alike): the PID mixed with std's per-process random hash keys.
            ident: random_ident(),
            size,
            sent: HashMap::new(),
            answered: HashMap::new(),
            buf: vec![0; size + 8 + 60 + 512],
        })
    }

    /// Send echo request `seq`.
    pub fn send(&mut self, seq: u16) -> Result<(), PingError> {
        let v6 = self.dest.is_ipv6();
        let mut pkt = vec![0u8; 8 + self.size];
        pkt[0] = if v6 {
            types::ECHO_REQUEST_V6
        } else {
            types::ECHO_REQUEST_V4
        };
        pkt[4..6].copy_from_slice(&self.ident.to_be_bytes());
        pkt[6..8].copy_from_slice(&seq.to_be_bytes());
        for (i, b) in pkt[8..].iter_mut().enumerate() {
            *b = i as u8;
        }
        if !v6 {
            // A datagram socket fills it in itself; ICMPv6's is always the kernel's.
            let c = checksum(&pkt);
            pkt[2..4].copy_from_slice(&c.to_be_bytes());
        }
        self.sent.insert(seq, Instant::now());
        icmp::send_to(self.fd.as_fd(), &pkt, self.dest).map_err(|err| PingError::Send {
            addr: self.dest,
            err,
        })?;
        Ok(())
    }

    /// Wait until `deadline` for the next event; None when the deadline passed first or `stop`
    /// was set (Ctrl-C), which is looked at every 100 ms.
    pub fn wait(
        &mut self,
        deadline: Instant,
        stop: &AtomicBool,
    ) -> Result<Option<Event>, PingError> {
        use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
        loop {
            let now = Instant::now();
            if now >= deadline || stop.load(Ordering::Relaxed) {
                return Ok(None);
            }
            let ms = (deadline - now).as_millis().clamp(1, 100) as u16;
            let mut fds = [PollFd::new(self.fd.as_fd(), PollFlags::POLLIN)];
            match poll(&mut fds, PollTimeout::from(ms)) {
                Ok(0) => continue,
                Ok(_) => {}
                Err(nix::errno::Errno::EINTR) => return Ok(None),
                Err(e) => {
                    return Err(PingError::Recv {
                        addr: self.dest,
                        err: e.into(),
                    })
                }
            }
            let revents = fds[0].revents().unwrap_or(PollFlags::empty());
            if revents.contains(PollFlags::POLLERR) {
                if let Some(ev) = self.read_error()? {
                    return Ok(Some(ev));
                }
            }
            if revents.contains(PollFlags::POLLIN) {
                if let Some(ev) = self.read_reply()? {
                    return Ok(Some(ev));
                }
            }
        }
    }

    fn recv_err(&self, err: io::Error) -> Result<(), PingError> {
        match err.raw_os_error() {
            // A pending ICMP error is reported once by the next recvmsg as well; its details
            // are in the error queue, read on POLLERR.
            Some(
                libc::EAGAIN
                | libc::EINTR
                | libc::EHOSTUNREACH
                | libc::ENETUNREACH
                | libc::ECONNREFUSED
                | libc::EMSGSIZE
                | libc::EPROTO
                | libc::ETIMEDOUT
                | libc::EACCES,
            ) => Ok(()),
            _ => Err(PingError::Recv {
                addr: self.dest,
                err,
            }),
        }
    }

    fn read_error(&mut self) -> Result<Option<Event>, PingError> {
        let r = match icmp::recv(self.fd.as_fd(), &mut self.buf, true) {
            Ok(r) => r,
            Err(e) => return self.recv_err(e).map(|()| None),
        };
        let Some(ee) = r.error else { return Ok(None) };
        // The queued packet is our own request, from its ICMP header on (for either kind).
        let data = &self.buf[..r.len.min(self.buf.len())];
        let Some(echo) = Echo::parse(data) else {
            return Ok(None);
        };
        if self.kind == SocketKind::Raw && echo.ident != self.ident {
            return Ok(None);
        }
        let v6 = self.dest.is_ipv6();
        let text = match ee.origin {
            2 | 3 => error_text(v6, ee.icmp_type, ee.icmp_code, ee.info),
            _ => {
                let e = io::Error::from_raw_os_error(ee.errno as i32);
                if ee.errno as i32 == libc::EMSGSIZE {
                    format!("Message too long, mtu={}", ee.info)
                } else {
                    format!("local error: {}", errno_text(&e))
                }
            }
        };
        Ok(Some(Event::Error {
            seq: echo.seq,
            from: ee.offender,
            text,
        }))
    }

    fn read_reply(&mut self) -> Result<Option<Event>, PingError> {
        let r = match icmp::recv(self.fd.as_fd(), &mut self.buf, false) {
            Ok(r) => r,
            Err(e) => return self.recv_err(e).map(|()| None),
        };
        let now = Instant::now();
        let v6 = self.dest.is_ipv6();
        let data = &self.buf[..r.len.min(self.buf.len())];
        let (icmp_part, ttl) = if self.kind == SocketKind::Raw && !v6 {
            match (ip_payload(data), data.get(8)) {
                (Some(p), Some(ttl)) => (p, Some(*ttl)),
                _ => return Ok(None),
            }
        } else {
            (data, r.ttl)
        };
        let Some(echo) = Echo::parse(icmp_part) else {
            return Ok(None);
        };
        let want = if v6 {
            types::ECHO_REPLY_V6
        } else {
            types::ECHO_REPLY_V4
        };
        if echo.icmp_type != want || (self.kind == SocketKind::Raw && echo.ident != self.ident) {
            return Ok(None);
        }
        if self.kind == SocketKind::Raw && r.from != Some(self.dest) {
            return Ok(None);
        }
        let Some(sent) = self.sent.get(&echo.seq) else {
            return Ok(None);
        };
        let rtt = now.saturating_duration_since(*sent);
        let duplicate = self.answered.insert(echo.seq, true).is_some();
        Ok(Some(Event::Reply {
            seq: echo.seq,
            bytes: icmp_part.len(),
            from: r.from.unwrap_or(self.dest),
            ttl,
            rtt_ms: rtt.as_secs_f64() * 1000.0,
            duplicate,
        }))
    }
}

/// An echo identifier unlikely to equal another ping's in the same namespace.
fn random_ident() -> u16 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    (h.finish() & 0xffff) as u16
}

/// The ICMP part of an IPv4 packet (after IHL*4 bytes).
fn ip_payload(b: &[u8]) -> Option<&[u8]> {
    let ihl = usize::from(*b.first()? & 0x0f) * 4;
    (ihl >= 20).then(|| b.get(ihl..)).flatten()
}

/// iputils ping's counters and round-trip statistics.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Stats {
    /// Requests sent.
    pub transmitted: u32,
    /// Distinct replies.
    pub received: u32,
    /// Duplicate replies.
    pub duplicates: u32,
    /// ICMP errors.
    pub errors: u32,
    /// Milliseconds from the first request to the last one.
    pub time_ms: u64,
    /// Most requests outstanding at once (iputils' "pipe").
    pub pipe: u32,
    /// Round trips of the replies, in milliseconds.
    #[serde(skip)]
    pub rtts: Vec<f64>,
}

/// min/avg/max/mdev in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Rtt {
    /// Smallest.
    pub min: f64,
    /// Mean.
    pub avg: f64,
    /// Largest.
    pub max: f64,
    /// Mean deviation as ping computes it: sqrt(mean(t²) − mean(t)²).
    pub mdev: f64,
}

impl Stats {
    /// Percent of requests without a reply.
    pub fn loss_percent(&self) -> f64 {
        if self.transmitted == 0 {
            return 0.0;
        }
        f64::from(self.transmitted.saturating_sub(self.received)) * 100.0
            / f64::from(self.transmitted)
    }

    /// The round-trip summary, if any reply came.
    pub fn rtt(&self) -> Option<Rtt> {
        if self.rtts.is_empty() {
            return None;
        }
        let n = self.rtts.len() as f64;
        let min = self.rtts.iter().copied().fold(f64::INFINITY, f64::min);
        let max = self.rtts.iter().copied().fold(0.0, f64::max);
        let avg = self.rtts.iter().sum::<f64>() / n;
        let sq = self.rtts.iter().map(|t| t * t).sum::<f64>() / n;
        let mdev = (sq - avg * avg).max(0.0).sqrt();
        Some(Rtt {
            min,
            avg,
            max,
            mdev,
        })
    }

    /// Outstanding requests now, given the sequence numbers answered so far.
    pub fn note_outstanding(&mut self, outstanding: u32) {
        self.pipe = self.pipe.max(outstanding);
    }
}

/// Format a round-trip time as ping's reply lines do: three significant decimals below 1 ms,
/// fewer above, none from 100 ms.
pub fn format_rtt(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{}", ms as u64)
    } else if ms >= 10.0 {
        format!("{:.1}", ms)
    } else if ms >= 1.0 {
        format!("{:.2}", ms)
    } else {
        format!("{:.3}", ms)
    }
}

/// How long to wait for late replies after the last request: `-W`, else 10 s (ping's default
/// linger). Used by the command.
pub fn linger(wait: Option<Duration>) -> Duration {
    wait.unwrap_or(Duration::from_secs(10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_of_an_echo_request() {
        // type 8, code 0, id 1, seq 1, no data: 0xffff - 0x0801 - 0x0001 - 0x0001.
        let pkt = [8, 0, 0, 0, 0, 1, 0, 1];
        assert_eq!(checksum(&pkt), 0xf7fd);
    }

    #[test]
    fn stats_as_ping_prints_them() {
        let s = Stats {
            transmitted: 3,
            received: 2,
            rtts: vec![0.022, 0.038],
            ..Stats::default()
        };
        assert_eq!(s.loss_percent().floor(), 33.0);
        let r = s.rtt().unwrap();
        assert_eq!(
            format!("{:.3}/{:.3}/{:.3}/{:.3}", r.min, r.avg, r.max, r.mdev),
            "0.022/0.030/0.038/0.008"
        );
        assert_eq!(format_rtt(0.0449), "0.045");
        assert_eq!(format_rtt(1.234), "1.23");
        assert_eq!(format_rtt(12.34), "12.3");
        assert_eq!(format_rtt(123.4), "123");
    }

    #[test]
    fn echo_header_and_ip_payload() {
        let mut ip = vec![0x45u8; 20];
        ip.extend_from_slice(&[0, 0, 0, 0, 0x12, 0x34, 0, 7]);
        let e = Echo::parse(ip_payload(&ip).unwrap()).unwrap();
        assert_eq!((e.icmp_type, e.ident, e.seq), (0, 0x1234, 7));
        assert!(Echo::parse(&[0; 7]).is_none());
        assert!(ip_payload(&[0x41]).is_none());
    }
}
