//! Sockets of the current network namespace from sock_diag(7): inet_diag for TCP and UDP over
//! IPv4 and IPv6, unix_diag for unix sockets, in the terms `ss` prints (netid, state, queues,
//! `ADDR:PORT`), with owners joined from `/proc/PID/fd` ([`super::owners`]).

use std::net::IpAddr;

use netlink_packet_core::Parseable;
use netlink_packet_sock_diag::constants::{AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP};
use netlink_packet_sock_diag::inet::{
    nlas::Nla as InetNla, ExtensionFlags, InetRequest, InetResponse, InetResponseHeader, SocketId,
    StateFlags,
};
use netlink_packet_sock_diag::unix::{
    nlas::UnixDiagName, ShowFlags, StateFlags as UnixStates, UnixRequest, UnixResponse,
};
use netlink_packet_sock_diag::{SockDiagMessage, SOCK_DIAG_BY_FAMILY};
use netlink_sys::protocols::NETLINK_SOCK_DIAG;
use serde::Serialize;

use super::owners::Owner;
use super::{dump_each, dump_payloads, NetError};

/// Which sockets to read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Kinds {
    /// TCP (v4 and v6).
    pub tcp: bool,
    /// UDP (v4 and v6).
    pub udp: bool,
    /// Unix.
    pub unix: bool,
    /// Ask the kernel for tcp_info and the congestion algorithm (`ss -i`).
    pub info: bool,
}

/// What `ss -i` shows of a TCP connection (struct tcp_info; see: linux/tcp.h).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TcpDetail {
    /// Congestion control algorithm.
    pub congestion: Option<String>,
    /// Smoothed round-trip time, milliseconds.
    pub rtt_ms: f64,
    /// Its variance, milliseconds.
    pub rttvar_ms: f64,
    /// Retransmission timeout, milliseconds.
    pub rto_ms: f64,
    /// Sender MSS.
    pub mss: u32,
    /// Congestion window, segments.
    pub cwnd: u32,
    /// Slow-start threshold (absent while "infinite").
    pub ssthresh: Option<u32>,
    /// Retransmits of the current segment (the first number of `retrans:A/B`).
    pub retransmits: u8,
    /// Segments retransmitted over the connection's life (the second number).
    pub total_retrans: u32,
    /// Bytes acknowledged by the peer.
    pub bytes_acked: Option<u64>,
}

/// One socket, as one line of `ss -tunap`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Socket {
    /// `tcp`, `udp`, `u_str`, `u_dgr`, `u_seq`.
    pub netid: &'static str,
    /// `ESTAB`, `LISTEN`, `UNCONN`, `TIME-WAIT`… (ss's names).
    pub state: &'static str,
    /// Receive queue (a listener: connections waiting for accept).
    pub recv_q: u32,
    /// Send queue (a listener: the backlog).
    pub send_q: u32,
    /// Local address as ss prints it: `10.0.0.1:80`, `[::]:80`, `*:*`, a unix path.
    pub local: String,
    /// Peer address, same form.
    pub peer: String,
    /// The local IP, for inet sockets.
    pub local_ip: Option<IpAddr>,
    /// The local port, for inet sockets (the inode for unix ones, as ss prints it).
    pub local_port: u64,
    /// Socket inode (0 for TIME-WAIT and request sockets, which no file refers to).
    pub inode: u64,
    /// Owner UID, for inet sockets.
    pub uid: Option<u32>,
    /// Processes holding it.
    pub owners: Vec<Owner>,
    /// tcp_info, with `-i`.
    pub tcp: Option<TcpDetail>,
}

/// ss's state names (net/ipv4/tcp_states.h order).
fn tcp_state(s: u8) -> &'static str {
    match s {
        1 => "ESTAB",
        2 => "SYN-SENT",
        3 => "SYN-RECV",
        4 => "FIN-WAIT-1",
        5 => "FIN-WAIT-2",
        6 => "TIME-WAIT",
        7 => "UNCONN",
        8 => "CLOSE-WAIT",
        9 => "LAST-ACK",
        10 => "LISTEN",
        11 => "CLOSING",
        12 => "SYN-RECV",
        _ => "UNKNOWN",
    }
}

/// Every state name a socket can have, for `--state` checking.
pub const STATES: [&str; 11] = [
    "ESTAB",
    "SYN-SENT",
    "SYN-RECV",
    "FIN-WAIT-1",
    "FIN-WAIT-2",
    "TIME-WAIT",
    "UNCONN",
    "CLOSE-WAIT",
    "LAST-ACK",
    "LISTEN",
    "CLOSING",
];

/// `ADDR:PORT` as ss prints it: IPv6 in brackets, port 0 as `*`, the interface after `%`.
fn endpoint(ip: IpAddr, port: u16, iface: Option<&str>) -> String {
    use std::fmt::Write as _;
    // One allocation of the final size's order: tens of thousands of these are made at once.
    let mut s = String::with_capacity(if ip.is_ipv4() { 24 } else { 56 });
    // Writing into a String cannot fail.
    let _ = match ip {
        IpAddr::V4(v4) => write!(s, "{v4}"),
        IpAddr::V6(v6) => write!(s, "[{v6}]"),
    };
    if let Some(i) = iface {
        s.push('%');
        s.push_str(i);
    }
    if port == 0 {
        s.push_str(":*");
    } else {
        let _ = write!(s, ":{port}");
    }
    s
}

/// Read the sockets of `kinds` in the current network namespace (owners left empty).
/// `names` gives the interface name of an ifindex, for sockets bound to a device (asked only
/// when a socket is).
pub fn read(kinds: Kinds, names: &dyn Fn(u32) -> Option<String>) -> Result<Vec<Socket>, NetError> {
    let mut out = Vec::new();
    let mut protos = Vec::new();
    if kinds.tcp {
        protos.push((IPPROTO_TCP, "tcp"));
    }
    if kinds.udp {
        protos.push((IPPROTO_UDP, "udp"));
    }
    for (protocol, netid) in protos {
        for family in [AF_INET, AF_INET6] {
            let mut extensions = ExtensionFlags::empty();
            if kinds.info && protocol == IPPROTO_TCP {
                extensions |= ExtensionFlags::INFO | ExtensionFlags::CONG;
            }
            let socket_id = if family == AF_INET {
                SocketId::new_v4()
            } else {
                SocketId::new_v6()
            };
            let req = SockDiagMessage::InetRequest(InetRequest {
                family,
                protocol,
                extensions,
                states: StateFlags::all(),
                socket_id,
            });
            // Only the fixed header is decoded unless -i asked for tcp_info: the attributes
            // are most of the decoding work of a large dump.
            let what = "listing sockets (sock_diag)";
            dump_payloads(NETLINK_SOCK_DIAG, what, req, SOCK_DIAG_BY_FAMILY, |p| {
                let decode = |e: netlink_packet_core::DecodeError| NetError::Decode {
                    what,
                    msg: e.to_string(),
                };
                if kinds.info {
                    let r = InetResponse::parse(p).map_err(decode)?;
                    out.push(inet(netid, &r.header, &r.nlas, names));
                } else {
                    let h = InetResponseHeader::parse(p).map_err(decode)?;
                    out.push(inet(netid, &h, &[], names));
                }
                Ok(())
            })?;
        }
    }
    if kinds.unix {
        let req = SockDiagMessage::UnixRequest(UnixRequest {
            state_flags: UnixStates::from_bits_retain(u32::MAX),
            inode: 0,
            show_flags: ShowFlags::NAME | ShowFlags::PEER | ShowFlags::RQLEN,
            cookie: [0xff; 8],
        });
        dump_each(
            NETLINK_SOCK_DIAG,
            "listing unix sockets (unix_diag)",
            req,
            |m| {
                if let SockDiagMessage::UnixResponse(r) = m {
                    out.push(unix(&r));
                }
            },
        )?;
    }
    Ok(out)
}

fn inet(
    netid: &'static str,
    h: &InetResponseHeader,
    nlas: &[InetNla],
    names: &dyn Fn(u32) -> Option<String>,
) -> Socket {
    let id = &h.socket_id;
    let iface = (id.interface_id != 0)
        .then(|| names(id.interface_id).unwrap_or_else(|| id.interface_id.to_string()));
    let mut tcp = None;
    let mut congestion = None;
    for nla in nlas {
        match nla {
            InetNla::TcpInfo(i) => {
                tcp = Some(TcpDetail {
                    congestion: None,
                    rtt_ms: f64::from(i.rtt) / 1000.0,
                    rttvar_ms: f64::from(i.rttvar) / 1000.0,
                    rto_ms: f64::from(i.rto) / 1000.0,
                    mss: i.snd_mss,
                    cwnd: i.snd_cwnd,
                    // TCP_INFINITE_SSTHRESH: ss leaves it out.
                    ssthresh: (i.snd_ssthresh < 0x7fff_ffff).then_some(i.snd_ssthresh),
                    retransmits: i.retransmits,
                    total_retrans: i.total_retrans,
                    bytes_acked: Some(i.bytes_acked),
                })
            }
            InetNla::Congestion(c) => congestion = Some(c.clone()),
            _ => {}
        }
    }
    if let Some(t) = tcp.as_mut() {
        t.congestion = congestion;
    }
    let state = if netid == "udp" && h.state == 1 {
        "ESTAB"
    } else {
        tcp_state(h.state)
    };
    Socket {
        netid,
        state,
        recv_q: h.recv_queue,
        send_q: h.send_queue,
        local: endpoint(id.source_address, id.source_port, iface.as_deref()),
        peer: endpoint(id.destination_address, id.destination_port, None),
        local_ip: Some(id.source_address),
        local_port: u64::from(id.source_port),
        inode: u64::from(h.inode),
        uid: Some(h.uid),
        owners: Vec::new(),
        tcp,
    }
}

fn unix(r: &UnixResponse) -> Socket {
    let h = &r.header;
    let netid = match i32::from(h.kind) {
        libc::SOCK_STREAM => "u_str",
        libc::SOCK_DGRAM => "u_dgr",
        libc::SOCK_SEQPACKET => "u_seq",
        _ => "u_???",
    };
    let name = match r.name() {
        Some(UnixDiagName::Pathname(p)) => crate::output::sanitize(&p.to_string_lossy()),
        Some(UnixDiagName::Abstract(a)) => format!("@{}", crate::output::sanitize_bytes(a)),
        None => "*".into(),
    };
    let (recv_q, send_q) = (
        r.receive_queue_size().unwrap_or(0),
        r.send_queue_size().unwrap_or(0),
    );
    let peer = r.peer().unwrap_or(0);
    Socket {
        netid,
        state: tcp_state(h.state),
        recv_q,
        send_q,
        local: format!("{name} {}", h.inode),
        peer: format!("* {peer}"),
        local_ip: None,
        local_port: u64::from(h.inode),
        inode: u64::from(h.inode),
        uid: None,
        owners: Vec::new(),
        tcp: None,
    }
}

/// Counts by state, in ss's state order, leaving out states with none.
pub fn count_states(socks: &[Socket], netid: &str) -> Vec<(&'static str, usize)> {
    STATES
        .iter()
        .map(|s| {
            (
                *s,
                socks
                    .iter()
                    .filter(|k| k.netid == netid && k.state == *s)
                    .count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn endpoints_print_like_ss() {
        assert_eq!(
            endpoint(IpAddr::V4(Ipv4Addr::LOCALHOST), 80, None),
            "127.0.0.1:80"
        );
        assert_eq!(
            endpoint(IpAddr::V6(Ipv6Addr::UNSPECIFIED), 0, None),
            "[::]:*"
        );
        assert_eq!(
            endpoint(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 53)), 53, Some("lo")),
            "127.0.0.53%lo:53"
        );
    }

    #[test]
    fn own_listener_is_read_through_sock_diag() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let kinds = Kinds {
            tcp: true,
            ..Kinds::default()
        };
        let socks = read(kinds, &|_| None).unwrap();
        let s = socks
            .iter()
            .find(|s| s.local == format!("127.0.0.1:{port}"))
            .expect("own listener listed");
        assert_eq!(
            (s.netid, s.state, s.peer.as_str()),
            ("tcp", "LISTEN", "0.0.0.0:*")
        );
    }
}
