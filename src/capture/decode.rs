//! Packet decoding: a pure function from captured bytes and a link type to a [`Summary`].
//!
//! Link headers toolbox meets on Linux (SLL2 for `-i any`, SLL, Ethernet, raw IP, BSD loopback)
//! are read here; IP, ARP, TCP, UDP and ICMP are sliced by etherparse in its lax mode, so that a
//! packet cut short by the snap length still yields what it has (a transport header cut short
//! becomes [`Transport::TcpShort`], [`Transport::Short`] or a [`TcpInfo`] ending in
//! [`TcpOpt::Cut`], printed as tcpdump prints them). Nothing here panics on any input: a header
//! that does not parse otherwise becomes [`Net::Malformed`] or [`Transport::Malformed`].

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use etherparse::{
    ArpOperation, EtherType, IpNumber, LaxIpPayloadSlice, LaxNetSlice, LaxSlicedPacket, TcpSlice,
    TransportSlice,
};

/// Link-layer header types (pcap LINKTYPE_ values) toolbox decodes.
/// See: <https://www.tcpdump.org/linktypes.html>
pub mod linktype {
    /// BSD loopback: 4-byte address family in host byte order.
    pub const NULL: i32 = 0;
    /// Ethernet.
    pub const ETHERNET: i32 = 1;
    /// Raw IP (DLT_RAW on most platforms).
    pub const RAW: i32 = 101;
    /// OpenBSD loopback: 4-byte address family in network byte order.
    pub const LOOP: i32 = 108;
    /// Linux cooked capture v1.
    pub const LINUX_SLL: i32 = 113;
    /// Raw IPv4.
    pub const IPV4: i32 = 228;
    /// Raw IPv6.
    pub const IPV6: i32 = 229;
    /// Linux cooked capture v2 (interface index and direction; what `-i any` uses).
    pub const LINUX_SLL2: i32 = 276;
    /// Raw IP as DLT_RAW is numbered on some BSDs.
    pub const RAW_BSD: i32 = 12;
    /// Raw IP as DLT_RAW is numbered on OpenBSD.
    pub const RAW_OPENBSD: i32 = 14;
}

/// Direction of a packet on a Linux cooked capture (`sll_pkttype`). See: packet(7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Addressed to this host (`In`).
    Host,
    /// Broadcast (`B`).
    Broadcast,
    /// Multicast (`M`).
    Multicast,
    /// To another host, seen in promiscuous mode (`P`).
    OtherHost,
    /// Sent by this host (`Out`).
    Outgoing,
    /// Any other value.
    Unknown(u16),
}

impl Direction {
    fn from_raw(v: u16) -> Direction {
        match v {
            0 => Direction::Host,
            1 => Direction::Broadcast,
            2 => Direction::Multicast,
            3 => Direction::OtherHost,
            4 => Direction::Outgoing,
            other => Direction::Unknown(other),
        }
    }

    /// tcpdump's short name for the direction.
    pub fn label(self) -> &'static str {
        match self {
            Direction::Host => "In",
            Direction::Broadcast => "B",
            Direction::Multicast => "M",
            Direction::OtherHost => "P",
            Direction::Outgoing => "Out",
            Direction::Unknown(_) => "?",
        }
    }
}

/// The link-layer header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// Ethernet II.
    Ethernet {
        /// Source MAC.
        src: [u8; 6],
        /// Destination MAC.
        dst: [u8; 6],
        /// EtherType (or 802.3 length).
        ether_type: u16,
    },
    /// Linux cooked capture (v1 or v2).
    Sll {
        /// Interface index (v2 only).
        ifindex: Option<u32>,
        /// Direction.
        direction: Direction,
        /// ARPHRD_ type of the interface.
        hatype: u16,
        /// Link-layer source address (at most 8 bytes).
        addr: Vec<u8>,
        /// Protocol (EtherType).
        protocol: u16,
    },
    /// BSD loopback with an address family.
    Null {
        /// Address family (2 = IPv4, 10/24/28/30 = IPv6).
        family: u32,
    },
    /// No link header (raw IP).
    Raw,
    /// A link type toolbox does not decode.
    Unsupported(i32),
    /// The link header is shorter than its type requires.
    Truncated {
        /// Bytes needed.
        need: usize,
        /// Bytes captured.
        have: usize,
    },
}

/// The network-layer packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Net {
    /// IPv4 or IPv6.
    Ip(IpInfo),
    /// ARP for IPv4 over Ethernet.
    Arp {
        /// Request (1), reply (2) or other.
        operation: u16,
        /// Sender protocol address.
        sender_ip: Option<Ipv4Addr>,
        /// Sender hardware address.
        sender_mac: Option<[u8; 6]>,
        /// Target protocol address.
        target_ip: Option<Ipv4Addr>,
    },
    /// A protocol toolbox does not decode (EtherType).
    Other(u16),
    /// The header does not parse.
    Malformed(String),
    /// Nothing after the link header was decoded (unsupported or truncated link).
    None,
}

/// What the IP header says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpInfo {
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// TTL or hop limit.
    pub ttl: u8,
    /// IPv4 identification (0 for IPv6).
    pub id: u16,
    /// Total length claimed by the header (IPv4 total length; IPv6 40 + payload length).
    pub total_len: u32,
    /// Payload protocol number.
    pub protocol: u8,
    /// Whether the payload is a fragment (not the first, or more follow).
    pub fragmented: bool,
    /// Payload length according to the IP header(s), excluding extension headers.
    pub payload_len: u32,
    /// IPv4 type of service / IPv6 traffic class.
    pub tos: u8,
    /// IPv4 flags and fragment offset field as on the wire (0 for IPv6).
    pub frag_field: u16,
    /// IPv6 flow label (0 for IPv4).
    pub flow: u32,
    /// IPv4 header checksum as sent and as computed (equal when correct).
    pub header_cksum: Option<(u16, u16)>,
    /// The IPv6 extension headers before the upper layer, in order (RFC 8200 section 4): their
    /// type and captured bytes; empty when there are none or toolbox prints one of them as
    /// it did before (routing).
    pub ext: Vec<(u8, Vec<u8>)>,
}

/// A TCP option in the order it appeared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TcpOpt {
    /// No-op.
    Nop,
    /// End of option list.
    Eol,
    /// Maximum segment size.
    Mss(u16),
    /// Window scale shift.
    WScale(u8),
    /// SACK permitted.
    SackOk,
    /// SACK blocks.
    Sack(Vec<(u32, u32)>),
    /// Timestamps.
    Ts(u32, u32),
    /// An option etherparse could not read.
    Bad,
    /// The snap length cut the header here; what of the cut option was captured.
    Cut(CutOpt),
}

/// The captured part of a TCP option the snap length cut (always the last in the list).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CutOpt {
    /// Its kind or length byte is missing.
    Before,
    /// Its name is known, its value is missing.
    Named(&'static str),
    /// A SACK option: the block count its length announces and the blocks captured.
    Sack(u32, Vec<(u32, u32)>),
}

/// The TCP header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcpInfo {
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgement number.
    pub ack: u32,
    /// Flag bits (FIN 0x01 … CWR 0x80).
    pub flags: u8,
    /// Window.
    pub win: u16,
    /// Urgent pointer.
    pub urg: u16,
    /// Options.
    pub options: Vec<TcpOpt>,
    /// Payload length according to the IP header (not the captured part).
    pub payload_len: u32,
    /// What the payload looks like, when cheap to say.
    pub hint: Option<Http>,
    /// Captured bytes and header length, when the options ended (end of list) before the
    /// capture cut the header's padding.
    pub short: Option<(usize, usize)>,
    /// Checksum as sent, and the right one when the whole segment was captured.
    pub cksum: (u16, Option<u16>),
}

/// The start of an HTTP/1 message in a TCP payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Http {
    /// Its first line (request or status line).
    Line(String),
    /// A port-80 message whose first line the snap length cut (tcpdump prints `[|http]` and
    /// dumps the whole frame).
    Cut,
}

/// TCP flag bits.
pub mod tcp_flags {
    /// FIN.
    pub const FIN: u8 = 0x01;
    /// SYN.
    pub const SYN: u8 = 0x02;
    /// RST.
    pub const RST: u8 = 0x04;
    /// PSH.
    pub const PSH: u8 = 0x08;
    /// ACK.
    pub const ACK: u8 = 0x10;
    /// URG.
    pub const URG: u8 = 0x20;
    /// ECE.
    pub const ECE: u8 = 0x40;
    /// CWR.
    pub const CWR: u8 = 0x80;
}

/// The transport-layer header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transport {
    /// TCP.
    Tcp(TcpInfo),
    /// UDP.
    Udp {
        /// Source port.
        sport: u16,
        /// Destination port.
        dport: u16,
        /// Payload length per the UDP header.
        payload_len: u32,
        /// The captured DNS message, for port 53 or 5353 (printed by [`super::dns::print`]).
        dns: Option<Vec<u8>>,
        /// Checksum as sent and as it should be, when the whole datagram was captured and
        /// checksums were asked for.
        cksum: Option<(u16, u16)>,
    },
    /// ICMP or ICMPv6.
    Icmp {
        /// Whether this is ICMPv6.
        v6: bool,
        /// Type.
        kind: u8,
        /// Code.
        code: u8,
        /// Identifier and sequence for echo messages.
        echo: Option<(u16, u16)>,
        /// For "port unreachable": the quoted packet's destination, protocol and port.
        unreachable: Option<(IpAddr, u8, u16)>,
        /// Checksum as sent and as it should be, when the whole message was captured and
        /// checksums were asked for.
        cksum: Option<(u16, u16)>,
        /// The packet an ICMPv4 error quotes.
        quoted: Option<Box<Summary>>,
        /// ICMPv6 neighbour discovery (router solicitation and advertisement, neighbour
        /// solicitation and advertisement).
        nd: Option<Nd>,
        /// The captured message of an ICMPv6 type tcpdump does not name (it dumps the bytes).
        unknown: Option<Vec<u8>>,
        /// The captured message of a multicast listener query, report or done (RFC 2710,
        /// RFC 3810).
        mld: Option<Vec<u8>>,
        /// ICMP message length.
        len: u32,
    },
    /// A TCP header cut by the snap length before its fixed part ends: the ports, when captured.
    TcpShort(Option<(u16, u16)>),
    /// A UDP, ICMP or ICMPv6 header cut by the snap length: the protocol number, the UDP
    /// ports or ICMPv6 type when captured.
    Short(u8, Option<(u16, u16)>, Option<u8>),
    /// A fragment after the first, or a protocol toolbox does not decode.
    Other,
    /// The header does not parse.
    Malformed(String),
    /// No transport layer.
    None,
}

/// The part of an ICMPv6 neighbour discovery message toolbox prints (RFC 4861).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nd {
    /// Target address of a neighbour solicitation or advertisement (`None`: not captured).
    pub target: Option<Ipv6Addr>,
    /// Neighbour advertisement flags word (router, solicited, override).
    pub flags: u32,
    /// A router advertisement's fields after the checksum (hop limit, flags, router lifetime,
    /// reachable time, retransmission timer), when captured.
    pub router: Option<[u8; 12]>,
    /// The captured option bytes after the fixed part.
    pub options: Vec<u8>,
}

/// Everything toolbox prints about one packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Length on the wire.
    pub wire_len: u32,
    /// Bytes captured.
    pub cap_len: u32,
    /// The link layer.
    pub link: Link,
    /// The network layer.
    pub net: Net,
    /// The transport layer.
    pub transport: Transport,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// SLL2 header length. See: <https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html>
const SLL2_LEN: usize = 20;
/// SLL header length. See: <https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html>
const SLL_LEN: usize = 16;

/// What follows the link header.
enum Payload<'a> {
    Ether(u16, &'a [u8]),
    Ip(&'a [u8]),
    Nothing,
}

fn link_header(linktype: i32, data: &[u8]) -> (Link, Payload<'_>) {
    let truncated = |need: usize| {
        (
            Link::Truncated {
                need,
                have: data.len(),
            },
            Payload::Nothing,
        )
    };
    match linktype {
        linktype::ETHERNET => {
            if data.len() < 14 {
                return truncated(14);
            }
            let mut dst = [0u8; 6];
            let mut src = [0u8; 6];
            dst.copy_from_slice(&data[0..6]);
            src.copy_from_slice(&data[6..12]);
            let ether_type = be16(data, 12).unwrap_or(0);
            (
                Link::Ethernet {
                    src,
                    dst,
                    ether_type,
                },
                Payload::Ether(ether_type, &data[14..]),
            )
        }
        linktype::LINUX_SLL2 => {
            if data.len() < SLL2_LEN {
                return truncated(SLL2_LEN);
            }
            let protocol = be16(data, 0).unwrap_or(0);
            let halen = usize::from(data[11]).min(8);
            (
                Link::Sll {
                    ifindex: be32(data, 4),
                    hatype: be16(data, 8).unwrap_or(0),
                    direction: Direction::from_raw(u16::from(data[10])),
                    addr: data[12..12 + halen].to_vec(),
                    protocol,
                },
                Payload::Ether(protocol, &data[SLL2_LEN..]),
            )
        }
        linktype::LINUX_SLL => {
            if data.len() < SLL_LEN {
                return truncated(SLL_LEN);
            }
            let protocol = be16(data, 14).unwrap_or(0);
            let halen = usize::from(be16(data, 4).unwrap_or(0)).min(8);
            (
                Link::Sll {
                    ifindex: None,
                    direction: Direction::from_raw(be16(data, 0).unwrap_or(0)),
                    hatype: be16(data, 2).unwrap_or(0),
                    addr: data[6..6 + halen].to_vec(),
                    protocol,
                },
                Payload::Ether(protocol, &data[SLL_LEN..]),
            )
        }
        linktype::NULL | linktype::LOOP => {
            let Some(raw) = data.get(0..4) else {
                return truncated(4);
            };
            let mut b = [0u8; 4];
            b.copy_from_slice(raw);
            let family = if linktype == linktype::LOOP {
                u32::from_be_bytes(b)
            } else {
                // Host byte order of the capturing machine: whichever reading is small.
                let le = u32::from_le_bytes(b);
                if le <= 0xffff {
                    le
                } else {
                    u32::from_be_bytes(b)
                }
            };
            let rest = &data[4..];
            let payload = match family {
                2 => Payload::Ether(0x0800, rest),
                10 | 24 | 28 | 30 => Payload::Ether(0x86dd, rest),
                _ => Payload::Nothing,
            };
            (Link::Null { family }, payload)
        }
        linktype::RAW | linktype::RAW_BSD | linktype::RAW_OPENBSD => (Link::Raw, Payload::Ip(data)),
        linktype::IPV4 => (Link::Raw, Payload::Ether(0x0800, data)),
        linktype::IPV6 => (Link::Raw, Payload::Ether(0x86dd, data)),
        other => (Link::Unsupported(other), Payload::Nothing),
    }
}

/// What decoding computes beyond the headers.
#[derive(Clone, Copy, Debug)]
struct Ctx {
    /// Verify checksums (costs a pass over the payload; only `-v` prints them).
    checksums: bool,
    /// Nesting: 1 inside the packet an ICMP error quotes (which is not decoded further).
    depth: u8,
}

/// Decode one captured packet, checksums included. `wire_len` is the length on the wire.
pub fn decode(linktype: i32, data: &[u8], wire_len: u32) -> Summary {
    decode_with(linktype, data, wire_len, true)
}

/// [`decode`], verifying IP/TCP/UDP/ICMP checksums only when `checksums` is set.
pub fn decode_with(linktype: i32, data: &[u8], wire_len: u32, checksums: bool) -> Summary {
    decode_at(
        linktype,
        data,
        wire_len,
        Ctx {
            checksums,
            depth: 0,
        },
    )
}

fn decode_at(linktype: i32, data: &[u8], wire_len: u32, ctx: Ctx) -> Summary {
    let cap_len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    let (link, payload) = link_header(linktype, data);
    let sliced = match payload {
        Payload::Nothing => None,
        Payload::Ether(et, rest) => match et {
            0x0800 | 0x86dd | 0x0806 | 0x8100 | 0x88a8 | 0x9100 => {
                Some(Ok(LaxSlicedPacket::from_ether_type(EtherType(et), rest)))
            }
            other => {
                return Summary {
                    wire_len,
                    cap_len,
                    link,
                    net: Net::Other(other),
                    transport: Transport::None,
                }
            }
        },
        Payload::Ip(rest) => Some(LaxSlicedPacket::from_ip(rest).map_err(|e| e.to_string())),
    };
    let (net, transport) = match sliced {
        None => (Net::None, Transport::None),
        Some(Err(e)) => (Net::Malformed(e), Transport::None),
        Some(Ok(p)) => layers(&p, ctx),
    };
    Summary {
        wire_len,
        cap_len,
        link,
        net,
        transport,
    }
}

fn layers(p: &LaxSlicedPacket<'_>, ctx: Ctx) -> (Net, Transport) {
    let stop = || {
        p.stop_err
            .as_ref()
            .map(|(e, layer)| format!("{layer}: {e}"))
            .unwrap_or_else(|| "no network header".into())
    };
    let Some(net) = &p.net else {
        return (Net::Malformed(stop()), Transport::None);
    };
    let (ip, payload) = match net {
        LaxNetSlice::Arp(arp) => {
            let a = arp.to_packet();
            let ip4 =
                |b: &[u8]| -> Option<Ipv4Addr> { <[u8; 4]>::try_from(b).ok().map(Ipv4Addr::from) };
            let mac = |b: &[u8]| -> Option<[u8; 6]> { <[u8; 6]>::try_from(b).ok() };
            let op = a.operation;
            return (
                Net::Arp {
                    operation: if op == ArpOperation::REQUEST {
                        1
                    } else if op == ArpOperation::REPLY {
                        2
                    } else {
                        op.0
                    },
                    sender_ip: ip4(a.sender_protocol_addr()),
                    sender_mac: mac(a.sender_hw_addr()),
                    target_ip: ip4(a.target_protocol_addr()),
                },
                Transport::None,
            );
        }
        LaxNetSlice::Ipv4(v4) => {
            let h = v4.header();
            let total = u32::from(h.total_len());
            let hl = u32::from(h.ihl()) * 4;
            let raw = h.slice();
            let ip = IpInfo {
                src: IpAddr::V4(h.source_addr()),
                dst: IpAddr::V4(h.destination_addr()),
                ttl: h.ttl(),
                id: h.identification(),
                total_len: total,
                protocol: h.protocol().0,
                fragmented: v4.is_payload_fragmented(),
                payload_len: total.saturating_sub(hl),
                tos: raw.get(1).copied().unwrap_or(0),
                frag_field: be16(raw, 6).unwrap_or(0),
                flow: 0,
                header_cksum: Some((h.header_checksum(), h.to_header().calc_header_checksum())),
                ext: Vec::new(),
            };
            (ip, v4.payload())
        }
        LaxNetSlice::Ipv6(v6) => {
            let h = v6.header();
            let plen = u32::from(h.payload_length());
            let ext_len = u32::try_from(v6.extensions().slice().len()).unwrap_or(0);
            let ip = IpInfo {
                src: IpAddr::V6(Ipv6Addr::from(h.source())),
                dst: IpAddr::V6(Ipv6Addr::from(h.destination())),
                ttl: h.hop_limit(),
                id: 0,
                total_len: 40 + plen,
                protocol: v6.payload().ip_number.0,
                fragmented: v6.is_payload_fragmented(),
                payload_len: plen.saturating_sub(ext_len),
                tos: h.traffic_class(),
                frag_field: 0,
                flow: h.flow_label().value(),
                header_cksum: None,
                ext: v6_extensions(h.next_header().0, v6.extensions().slice()),
            };
            (ip, v6.payload())
        }
    };
    let transport = transport(&ip, payload, p, ctx);
    (Net::Ip(ip), transport)
}

/// The extension headers in `raw` whose first has type `first`: hop-by-hop (0), destination
/// options (60), fragment (44); none when another type is among them.
fn v6_extensions(first: u8, raw: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    let (mut kind, mut at) = (first, 0);
    while at < raw.len() {
        let len = match kind {
            0 | 60 => raw.get(at + 1).map_or(0, |l| (usize::from(*l) + 1) * 8),
            44 => 8,
            _ => return Vec::new(),
        };
        let Some(&next) = raw.get(at) else {
            break;
        };
        out.push((kind, raw[at..(at + len).min(raw.len())].to_vec()));
        kind = next;
        at += len;
    }
    out
}

fn transport(
    ip: &IpInfo,
    payload: &LaxIpPayloadSlice<'_>,
    p: &LaxSlicedPacket<'_>,
    ctx: Ctx,
) -> Transport {
    // A checksum needs the whole segment: not one cut by the snap length.
    // An IPv6 first fragment's upper layer is decoded as far as it goes (no checksum).
    let first_fragment = payload.fragmented
        && ip.ext.iter().any(|(kind, raw)| {
            *kind == 44 && raw.get(2..4).is_some_and(|o| o[0] == 0 && o[1] & 0xf8 == 0)
        });
    let whole = |len: usize| {
        ctx.checksums
            && !payload.incomplete
            && !first_fragment
            && len as u64 == u64::from(ip.payload_len)
    };
    let sliced = if first_fragment {
        let b = payload.payload;
        match payload.ip_number {
            IpNumber::TCP => TcpSlice::from_slice(b).ok().map(TransportSlice::Tcp),
            IpNumber::UDP => etherparse::UdpSlice::from_slice_lax(b)
                .ok()
                .map(TransportSlice::Udp),
            IpNumber::IPV6_ICMP => etherparse::Icmpv6Slice::from_slice(b)
                .ok()
                .map(TransportSlice::Icmpv6),
            _ => None,
        }
    } else if payload.fragmented {
        return Transport::Other;
    } else {
        p.transport.clone()
    };
    match &sliced {
        Some(TransportSlice::Tcp(t)) => {
            let mut info = tcp(t, ip.payload_len);
            // Only a whole segment can be checksummed (not one cut by the snap length).
            if whole(t.slice().len()) {
                info.cksum.1 = match (ip.src, ip.dst) {
                    (IpAddr::V4(s), IpAddr::V4(d)) => {
                        t.calc_checksum_ipv4(s.octets(), d.octets()).ok()
                    }
                    (IpAddr::V6(s), IpAddr::V6(d)) => {
                        t.calc_checksum_ipv6(s.octets(), d.octets()).ok()
                    }
                    _ => None,
                };
            }
            Transport::Tcp(info)
        }
        Some(TransportSlice::Udp(u)) => {
            let payload_len = u32::from(u.length()).saturating_sub(8);
            let (sport, dport) = (u.source_port(), u.destination_port());
            let dns = [53, 5353]
                .iter()
                .any(|p| sport == *p || dport == *p)
                .then(|| u.payload().to_vec());
            let sent = be16(u.slice(), 6).unwrap_or(0);
            let cksum =
                whole(u.slice().len()).then(|| (sent, transport_checksum(ip, 17, u.slice(), 6)));
            Transport::Udp {
                sport,
                dport,
                payload_len,
                dns,
                cksum,
            }
        }
        Some(TransportSlice::Icmpv4(i)) => {
            let cksum = whole(i.slice().len()).then(|| {
                let sent = be16(i.slice(), 2).unwrap_or(0);
                (sent, inet_checksum(&[], i.slice(), 2))
            });
            icmp(false, i.type_u8(), i.code_u8(), i.slice(), ip, cksum, ctx)
        }
        Some(TransportSlice::Icmpv6(i)) => {
            let cksum = whole(i.slice().len()).then(|| {
                let sent = be16(i.slice(), 2).unwrap_or(0);
                (sent, transport_checksum(ip, 58, i.slice(), 2))
            });
            icmp(true, i.type_u8(), i.code_u8(), i.slice(), ip, cksum, ctx)
        }
        None if payload.ip_number == IpNumber::TCP && tcp_cut_short(payload.payload) => {
            match cut_tcp(payload.payload, ip.payload_len) {
                Some(info) => Transport::Tcp(info),
                None => Transport::TcpShort(be16(payload.payload, 0).zip(be16(payload.payload, 2))),
            }
        }
        None if payload.incomplete && payload.payload.len() < 8 => {
            let b = payload.payload;
            match payload.ip_number {
                IpNumber::UDP => Transport::Short(17, be16(b, 0).zip(be16(b, 2)), None),
                IpNumber::ICMP => Transport::Short(1, None, None),
                // Only echo is checked against tcpdump for a cut ICMPv6 header.
                IpNumber::IPV6_ICMP if b.is_empty() || matches!(b[0], 128 | 129) => {
                    Transport::Short(58, None, b.first().copied())
                }
                _ => Transport::Malformed("header cut short".into()),
            }
        }
        None => match payload.ip_number {
            IpNumber::TCP | IpNumber::UDP | IpNumber::ICMP | IpNumber::IPV6_ICMP => {
                Transport::Malformed(
                    p.stop_err
                        .as_ref()
                        .map(|(e, _)| e.to_string())
                        .unwrap_or_else(|| "header cut short".into()),
                )
            }
            _ => Transport::Other,
        },
    }
}

/// The Internet checksum (RFC 1071) of `pseudo` followed by `data`, computed as if the 16-bit
/// checksum field at `field` in `data` were zero: the value a correct sender puts there.
fn inet_checksum(pseudo: &[u8], data: &[u8], field: usize) -> u16 {
    let mut sum: u64 = 0;
    for chunk in pseudo.chunks(2) {
        sum += u64::from(u16::from_be_bytes([chunk[0], *chunk.get(1).unwrap_or(&0)]));
    }
    for (i, chunk) in data.chunks(2).enumerate() {
        if i * 2 == field {
            continue;
        }
        sum += u64::from(u16::from_be_bytes([chunk[0], *chunk.get(1).unwrap_or(&0)]));
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Checksum of a UDP/ICMPv6 segment with the IPv4 or IPv6 pseudo-header.
fn transport_checksum(ip: &IpInfo, proto: u8, seg: &[u8], field: usize) -> u16 {
    let len = seg.len() as u32;
    let mut pseudo = Vec::with_capacity(40);
    match (ip.src, ip.dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            pseudo.extend_from_slice(&s.octets());
            pseudo.extend_from_slice(&d.octets());
            pseudo.extend_from_slice(&[0, proto]);
            pseudo.extend_from_slice(&(len as u16).to_be_bytes());
        }
        (s, d) => {
            let o = |a: IpAddr| match a {
                IpAddr::V6(a) => a.octets(),
                IpAddr::V4(a) => a.to_ipv6_mapped().octets(),
            };
            pseudo.extend_from_slice(&o(s));
            pseudo.extend_from_slice(&o(d));
            pseudo.extend_from_slice(&len.to_be_bytes());
            pseudo.extend_from_slice(&[0, 0, 0, proto]);
        }
    }
    let c = inet_checksum(&pseudo, seg, field);
    // UDP sends a computed 0 as 0xffff (RFC 768).
    if proto == 17 && c == 0 {
        0xffff
    } else {
        c
    }
}

fn icmp(
    v6: bool,
    kind: u8,
    code: u8,
    slice: &[u8],
    ip: &IpInfo,
    cksum: Option<(u16, u16)>,
    ctx: Ctx,
) -> Transport {
    let is_echo = if v6 {
        kind == 128 || kind == 129
    } else {
        kind == 0 || kind == 8
    };
    let echo = if is_echo {
        be16(slice, 4).zip(be16(slice, 6))
    } else {
        None
    };
    let port_unreachable = if v6 {
        kind == 1 && code == 4
    } else {
        kind == 3 && code == 3
    };
    let unreachable = if port_unreachable {
        slice.get(8..).and_then(|quoted| quoted_dst(v6, quoted))
    } else {
        None
    };
    // ICMPv4 errors quote the offending packet; tcpdump -v prints it (print-icmp.c ICMP_ERRTYPE).
    let quoted = if !v6 && ctx.depth == 0 && matches!(kind, 3 | 4 | 5 | 11 | 12) {
        slice.get(8..).filter(|q| !q.is_empty()).map(|q| {
            let len = u32::try_from(q.len()).unwrap_or(u32::MAX);
            Box::new(decode_at(
                linktype::RAW,
                q,
                len,
                Ctx {
                    depth: ctx.depth + 1,
                    ..ctx
                },
            ))
        })
    } else {
        None
    };
    // RFC 4861 section 4: the fixed part before the options.
    let nd_fixed = match (v6, kind) {
        (true, 133) => Some(8),
        (true, 134) => Some(16),
        (true, 135 | 136) => Some(24),
        _ => None,
    };
    let nd = nd_fixed.map(|fixed| Nd {
        target: slice
            .get(8..24)
            .filter(|_| fixed == 24)
            .and_then(|t| <[u8; 16]>::try_from(t).ok())
            .map(Ipv6Addr::from),
        flags: be32(slice, 4).unwrap_or(0),
        router: slice
            .get(4..16)
            .filter(|_| fixed == 16)
            .and_then(|r| <[u8; 12]>::try_from(r).ok()),
        options: slice.get(fixed..).unwrap_or_default().to_vec(),
    });
    Transport::Icmp {
        v6,
        kind,
        code,
        echo,
        unreachable,
        len: ip.payload_len,
        cksum,
        quoted,
        nd,
        unknown: (v6 && !icmp6_type_named(kind)).then(|| slice.to_vec()),
        mld: (v6 && matches!(kind, 130..=132 | 143)).then(|| slice.to_vec()),
    }
}

/// Whether tcpdump has a name for ICMPv6 type `kind` (RFC 4443, 4861 and later registrations);
/// it prints other types as `type N` with the message in hex.
pub(crate) fn icmp6_type_named(kind: u8) -> bool {
    matches!(kind, 1..=4 | 128..=147 | 155 | 200 | 201)
}

/// Destination address, protocol and port of the packet quoted in an ICMP error.
fn quoted_dst(v6: bool, b: &[u8]) -> Option<(IpAddr, u8, u16)> {
    if v6 {
        let dst: [u8; 16] = b.get(24..40)?.try_into().ok()?;
        Some((IpAddr::V6(Ipv6Addr::from(dst)), *b.get(6)?, be16(b, 42)?))
    } else {
        let ihl = usize::from(b.first()? & 0x0f) * 4;
        let dst: [u8; 4] = b.get(16..20)?.try_into().ok()?;
        Some((
            IpAddr::V4(Ipv4Addr::from(dst)),
            *b.get(9)?,
            be16(b, ihl + 2)?,
        ))
    }
}

fn tcp(t: &TcpSlice<'_>, ip_payload_len: u32) -> TcpInfo {
    let hlen = u32::from(t.data_offset()) * 4;
    let mut flags = 0u8;
    for (set, bit) in [
        (t.fin(), tcp_flags::FIN),
        (t.syn(), tcp_flags::SYN),
        (t.rst(), tcp_flags::RST),
        (t.psh(), tcp_flags::PSH),
        (t.ack(), tcp_flags::ACK),
        (t.urg(), tcp_flags::URG),
        (t.ece(), tcp_flags::ECE),
        (t.cwr(), tcp_flags::CWR),
    ] {
        if set {
            flags |= bit;
        }
    }
    let options = tcp_options(t.options(), t.options().len());
    let payload_len = ip_payload_len.saturating_sub(hlen);
    let (sport, dport) = (t.source_port(), t.destination_port());
    let hint = if payload_len > 0 {
        // Cut by the snap length: tcpdump gives up on a first line without its end.
        let cut = (t.payload().len() as u64) < u64::from(payload_len);
        http_hint(t.payload(), cut && (sport == 80 || dport == 80))
    } else {
        None
    };
    TcpInfo {
        sport,
        dport,
        seq: t.sequence_number(),
        ack: t.acknowledgment_number(),
        flags,
        win: t.window_size(),
        urg: t.urgent_pointer(),
        options,
        payload_len,
        hint,
        short: None,
        cksum: (t.checksum(), None),
    }
}

/// Whether captured TCP bytes `b` end before the header does (fixed part or options).
fn tcp_cut_short(b: &[u8]) -> bool {
    match b.get(12) {
        Some(off) => {
            let hlen = usize::from(off >> 4) * 4;
            b.len() < 20 || (hlen >= 20 && b.len() < hlen)
        }
        None => true,
    }
}

/// A TCP header whose fixed part was captured but whose options the snap length cut (RFC 9293
/// section 3.1; options of RFC 7323 and RFC 2018); `None` when the fixed part is incomplete.
fn cut_tcp(b: &[u8], ip_payload_len: u32) -> Option<TcpInfo> {
    let hlen = usize::from(b.get(12)? >> 4) * 4;
    if b.len() < 20 {
        return None;
    }
    let options = tcp_options(&b[20..b.len().min(hlen.max(20))], hlen.saturating_sub(20));
    let short = matches!(options.last(), Some(TcpOpt::Eol)).then_some((b.len(), hlen));
    Some(TcpInfo {
        sport: be16(b, 0)?,
        dport: be16(b, 2)?,
        seq: be32(b, 4)?,
        ack: be32(b, 8)?,
        flags: *b.get(13)?,
        win: be16(b, 14)?,
        urg: be16(b, 18)?,
        options,
        payload_len: ip_payload_len.saturating_sub(u32::try_from(hlen).unwrap_or(0)),
        hint: None,
        short,
        cksum: (be16(b, 16)?, None),
    })
}

/// The TCP options in the captured option bytes `opts` of a header with `need` option bytes
/// (RFC 9293 section 3.2, RFC 7323, RFC 2018); ends with [`TcpOpt::Cut`] where the capture
/// does, and at the first option toolbox does not read ([`TcpOpt::Bad`]).
fn tcp_options(opts: &[u8], need: usize) -> Vec<TcpOpt> {
    let mut options = Vec::new();
    let mut at = 0;
    while at < need {
        let Some(&kind) = opts.get(at) else {
            options.push(TcpOpt::Cut(CutOpt::Before));
            break;
        };
        if kind == 0 {
            // End of option list: what follows is padding.
            options.push(TcpOpt::Eol);
            break;
        }
        if kind == 1 {
            options.push(TcpOpt::Nop);
            at += 1;
            continue;
        }
        let Some(&len) = opts.get(at + 1) else {
            options.push(TcpOpt::Cut(CutOpt::Before));
            break;
        };
        let len = usize::from(len);
        let body = opts.get(at + 2..(at + len).min(opts.len())).unwrap_or(&[]);
        let whole = len >= 2 && at + len <= opts.len();
        let opt = match (kind, len, whole) {
            (2, 4, true) => TcpOpt::Mss(be16(body, 0).unwrap_or(0)),
            (3, 3, true) => TcpOpt::WScale(body.first().copied().unwrap_or(0)),
            (4, 2, true) => TcpOpt::SackOk,
            (8, 10, true) => TcpOpt::Ts(be32(body, 0).unwrap_or(0), be32(body, 4).unwrap_or(0)),
            (5, _, _) if len >= 2 && (len - 2) % 8 == 0 => {
                let blocks: Vec<(u32, u32)> = body
                    .chunks_exact(8)
                    .map(|c| (be32(c, 0).unwrap_or(0), be32(c, 4).unwrap_or(0)))
                    .collect();
                if whole {
                    TcpOpt::Sack(blocks)
                } else {
                    TcpOpt::Cut(CutOpt::Sack(
                        u32::try_from((len - 2) / 8).unwrap_or(0),
                        blocks,
                    ))
                }
            }
            (2, 4, false) => TcpOpt::Cut(CutOpt::Named("mss")),
            (3, 3, false) => TcpOpt::Cut(CutOpt::Named("wscale")),
            (8, 10, false) => TcpOpt::Cut(CutOpt::Named("TS")),
            _ => TcpOpt::Bad,
        };
        let stop = matches!(opt, TcpOpt::Cut(_) | TcpOpt::Bad);
        options.push(opt);
        if stop {
            break;
        }
        at += len;
    }
    options
}

/// The first line of an HTTP/1 request or response, as tcpdump prints it (`HTTP: GET / HTTP/1.1`).
fn http_hint(payload: &[u8], cut_port80: bool) -> Option<Http> {
    const STARTS: [&[u8]; 10] = [
        b"GET ",
        b"POST ",
        b"PUT ",
        b"HEAD ",
        b"DELETE ",
        b"OPTIONS ",
        b"PATCH ",
        b"CONNECT ",
        b"TRACE ",
        b"HTTP/1.",
    ];
    if !STARTS.iter().any(|s| payload.starts_with(s)) {
        return None;
    }
    let line = |end: usize| {
        let line = &payload[..end.min(200)];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        Http::Line(String::from_utf8_lossy(line).into_owned())
    };
    match payload.iter().position(|&b| b == b'\n') {
        Some(end) => Some(line(end)),
        // Observed with tcpdump 4.99 on port 80: a first line without its end is cut.
        // A status line counts from the space after its code on (`HTTP/1.1 200 `); before
        // that tcpdump prints no more than `HTTP`.
        None if cut_port80
            && (!payload.starts_with(b"HTTP/") || payload.get(12) == Some(&b' ')) =>
        {
            Some(Http::Cut)
        }
        None => Some(line(payload.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_link_headers_are_truncated_not_panics() {
        for lt in [
            linktype::ETHERNET,
            linktype::LINUX_SLL,
            linktype::LINUX_SLL2,
            linktype::NULL,
        ] {
            let s = decode(lt, &[1, 2, 3], 3);
            assert!(matches!(s.link, Link::Truncated { have: 3, .. }), "{s:?}");
        }
    }

    use proptest::prelude::*;

    const LINKTYPES: [i32; 8] = [
        linktype::NULL,
        linktype::ETHERNET,
        linktype::RAW,
        linktype::LOOP,
        linktype::LINUX_SLL,
        linktype::IPV4,
        linktype::IPV6,
        linktype::LINUX_SLL2,
    ];

    /// Link headers that lead into IPv4/IPv6, so that random bytes reach the IP and TCP/UDP
    /// decoders instead of stopping at an unknown EtherType.
    fn prefix(lt: i32, v6: bool) -> Vec<u8> {
        let et: &[u8] = if v6 { &[0x86, 0xdd] } else { &[0x08, 0x00] };
        match lt {
            linktype::ETHERNET => [&[0u8; 12][..], et].concat(),
            linktype::LINUX_SLL2 => [et, &[0, 0, 0, 0, 0, 1, 0, 1, 0, 6], &[0u8; 8][..]].concat(),
            linktype::LINUX_SLL => [&[0u8, 0, 0, 1, 0, 6][..], &[0u8; 8], et].concat(),
            linktype::NULL => vec![if v6 { 10 } else { 2 }, 0, 0, 0],
            linktype::LOOP => vec![0, 0, 0, if v6 { 10 } else { 2 }],
            _ => Vec::new(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Any bytes under any link type decode and print without panicking.
        #[test]
        fn random_bytes_never_panic(lt in proptest::sample::select(LINKTYPES.to_vec()),
                                    data in proptest::collection::vec(any::<u8>(), 0..200),
                                    wire in any::<u32>()) {
            let s = decode(lt, &data, wire);
            let mut f = crate::capture::format::Formatter::new(Default::default());
            let _ = f.line(0, 0, &s);
        }

        /// Random bytes after a valid link header and a plausible IP version nibble reach the
        /// IP, TCP, UDP and ICMP decoders; they must not panic either, in any print style.
        #[test]
        fn random_ip_packets_never_panic(lt in proptest::sample::select(LINKTYPES.to_vec()),
                                         v6 in any::<bool>(),
                                         proto in proptest::sample::select(vec![1u8, 6, 17, 58, 44, 0]),
                                         mut body in proptest::collection::vec(any::<u8>(), 0..120),
                                         wire in any::<u32>(),
                                         e in any::<bool>(),
                                         special in proptest::sample::select(vec![0u8, 53, 133, 135, 136])) {
            if !body.is_empty() {
                body[0] = if v6 { 0x60 } else { 0x45 };
            }
            let proto_at = if v6 { 6 } else { 9 };
            if body.len() > proto_at {
                body[proto_at] = proto;
            }
            // Steer some cases into the DNS and neighbour discovery printers.
            let l4 = if v6 { 40 } else { 20 };
            match special {
                53 if proto == 17 && body.len() > l4 + 3 => {
                    body[l4 + 2] = 0;
                    body[l4 + 3] = 53;
                }
                133 | 135 | 136 if proto == 58 && body.len() > l4 => body[l4] = special,
                _ => {}
            }
            let data = [prefix(lt, v6), body].concat();
            let s = decode(lt, &data, wire);
            let style = crate::capture::format::Style { link: e, verbose: if e { 2 } else { 0 }, dump: crate::capture::format::Dump::HexAscii, dump_link: !e, ..Default::default() };
            let mut f = crate::capture::format::Formatter::new(style);
            let _ = f.packet(i64::MIN, u32::MAX, &s, &data);
            let _ = f.line(i64::MAX, 0, &s);
        }
    }
}
