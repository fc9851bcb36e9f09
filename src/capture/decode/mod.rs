//! Packet decoding: a pure function from captured bytes and a link type to a [`Summary`], the
//! typed model of [`super::model`] that the printers format.
//!
//! Link headers toolbox meets on Linux (SLL2 for `-i any`, SLL, Ethernet, raw IP, BSD loopback)
//! are read here; IP, ARP, TCP, UDP and ICMP are sliced by etherparse in its lax mode, so that a
//! packet cut short by the snap length still yields what it has (a transport header cut short
//! becomes [`Transport::TcpShort`], [`Transport::Short`] or a
//! [`TcpInfo`](super::model::TcpInfo) ending in [`TcpOpt::Cut`](super::model::TcpOpt::Cut),
//! printed as tcpdump prints them). TCP options, ICMP messages, neighbour discovery and DNS
//! (in [`super::dns`]) are read by their own modules with the one checked
//! [`Reader`](super::reader::Reader). Nothing here panics on any input: a header that does not
//! parse otherwise becomes [`Net::Malformed`] or [`Transport::Malformed`].

mod icmp;
mod nd;
mod tcp;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use etherparse::{
    ArpOperation, EtherType, IpNumber, LaxIpPayloadSlice, LaxNetSlice, LaxSlicedPacket, TcpSlice,
    TransportSlice,
};

use super::model::{
    Direction, ExtHeader, Extension, HeaderOption, IpInfo, Link, Net, ShortHeader, Summary,
    Transport,
};
use super::reader::Reader;

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

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Reader::new(b).u16_at(at).ok()
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Reader::new(b).u32_at(at).ok()
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
    /// The verbosity the packet will be printed at: how much of a DNS message tcpdump reads
    /// depends on it (see [`super::dns`]).
    verbose: u8,
    /// Nesting: 1 inside the packet an ICMP error quotes (which is not decoded further).
    depth: u8,
}

/// Decode one captured packet, checksums included, for printing at `-vvv`. `wire_len` is the
/// length on the wire.
pub fn decode(linktype: i32, data: &[u8], wire_len: u32) -> Summary {
    decode_with(linktype, data, wire_len, 3)
}

/// [`decode`] for printing at verbosity `verbose`: IP/TCP/UDP/ICMP checksums are verified only
/// from `-v` on (only then are they printed), and DNS messages are read as far as tcpdump
/// reads them at that verbosity.
pub fn decode_with(linktype: i32, data: &[u8], wire_len: u32, verbose: u8) -> Summary {
    decode_at(
        linktype,
        data,
        wire_len,
        Ctx {
            checksums: verbose > 0,
            verbose,
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
fn v6_extensions(first: u8, raw: &[u8]) -> Vec<Extension> {
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
        let bytes = &raw[at..(at + len).min(raw.len())];
        let r = Reader::new(bytes);
        let header = match kind {
            0 => ExtHeader::HopByHop(header_options(bytes.get(2..).unwrap_or_default())),
            60 => ExtHeader::DestinationOptions(header_options(bytes.get(2..).unwrap_or_default())),
            _ => ExtHeader::Fragment {
                offset: r.u16_at(2).ok(),
                id: r.u32_at(4).ok(),
            },
        };
        out.push(Extension {
            header,
            captured: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
        });
        kind = next;
        at += len;
    }
    out
}

/// The options of a hop-by-hop or destination options header that tcpdump shows (Pad1, PadN,
/// router alert of RFC 2711), from its captured option bytes `opts` (RFC 8200 4.2).
fn header_options(opts: &[u8]) -> Vec<HeaderOption> {
    let r = Reader::new(opts);
    let mut out = Vec::new();
    let mut at = 0;
    while let Ok(kind) = r.u8_at(at) {
        if kind == 0 {
            out.push(HeaderOption::Pad1);
            at += 1;
            continue;
        }
        let Ok(len) = r.u8_at(at + 1).map(usize::from) else {
            break;
        };
        match (kind, r.bytes_at(at + 2, len)) {
            (1, Ok(_)) => out.push(HeaderOption::PadN),
            (5, Ok(_)) if len == 2 => {
                let value = r.u16_at(at + 2).unwrap_or(0);
                out.push(HeaderOption::RouterAlert(value));
            }
            _ => {}
        }
        at += 2 + len;
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
        && ip.ext.iter().any(
            |e| matches!(e.header, ExtHeader::Fragment { offset: Some(o), .. } if o & 0xfff8 == 0),
        );
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
            let mut info = tcp::tcp(t, ip.payload_len);
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
            let mdns = sport != 53 && dport != 53;
            let dns = [53, 5353]
                .iter()
                .any(|p| sport == *p || dport == *p)
                .then(|| super::dns::parse(u.payload(), payload_len, ctx.verbose, mdns));
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
            icmp::icmp(false, i.type_u8(), i.code_u8(), i.slice(), ip, cksum, ctx)
        }
        Some(TransportSlice::Icmpv6(i)) => {
            let cksum = whole(i.slice().len()).then(|| {
                let sent = be16(i.slice(), 2).unwrap_or(0);
                (sent, transport_checksum(ip, 58, i.slice(), 2))
            });
            icmp::icmp(true, i.type_u8(), i.code_u8(), i.slice(), ip, cksum, ctx)
        }
        None if payload.ip_number == IpNumber::TCP && tcp::tcp_cut_short(payload.payload) => {
            match tcp::cut_tcp(payload.payload, ip.payload_len) {
                Some(info) => Transport::Tcp(info),
                None => Transport::TcpShort(be16(payload.payload, 0).zip(be16(payload.payload, 2))),
            }
        }
        None if payload.incomplete && payload.payload.len() < 8 => {
            let b = payload.payload;
            match payload.ip_number {
                IpNumber::UDP => Transport::Short(ShortHeader::Udp(be16(b, 0).zip(be16(b, 2)))),
                IpNumber::ICMP => Transport::Short(ShortHeader::Icmp),
                // Only echo is checked against tcpdump for a cut ICMPv6 header.
                IpNumber::IPV6_ICMP if b.is_empty() || matches!(b[0], 128 | 129) => {
                    Transport::Short(ShortHeader::Icmp6(b.first().copied()))
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

    /// An ICMPv6 neighbour solicitation for fd00::2 from fd00::1 with a source link-address
    /// option, as raw IPv6 (checksum not filled in).
    fn neighbour_solicitation(options: &[u8]) -> Vec<u8> {
        let icmp = [
            &[135u8, 0, 0, 0, 0, 0, 0, 0][..],
            &Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 2).octets(),
            options,
        ]
        .concat();
        let len = u16::try_from(icmp.len()).unwrap_or(0).to_be_bytes();
        [
            &[0x60, 0, 0, 0, len[0], len[1], 58, 255][..],
            &Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 1).octets(),
            &Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 2).octets(),
            &icmp,
        ]
        .concat()
    }

    #[test]
    fn icmp6_decodes_to_typed_neighbour_discovery() {
        use crate::capture::model::{Icmp, IcmpMessage, Nd, NdOption, NdOptions, NdValue};
        let mac = [2u8, 0, 0, 0, 0, 1];
        let p = neighbour_solicitation(&[&[1u8, 1][..], &mac].concat());
        let s = decode(linktype::RAW, &p, p.len() as u32);
        let Transport::Icmp(Icmp { kind, message, .. }) = s.transport else {
            panic!("not ICMPv6: {s:?}");
        };
        assert_eq!(kind, 135);
        let options = NdOptions {
            options: vec![NdOption {
                kind: 1,
                units: 1,
                body: mac.to_vec(),
                value: NdValue::LinkAddress(mac.to_vec()),
            }],
            cut: None,
        };
        let target = Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 2);
        assert_eq!(
            message,
            IcmpMessage::NeighbourDiscovery(Nd::NeighbourSolicitation(Some(target), options))
        );
        // A zero-length option ends the list as truncated; the model says so.
        let p = neighbour_solicitation(&[1, 0, 0, 0, 0, 0, 0, 0]);
        let s = decode(linktype::RAW, &p, p.len() as u32);
        let Transport::Icmp(Icmp { message, .. }) = s.transport else {
            panic!("not ICMPv6: {s:?}");
        };
        let cut = NdOptions {
            options: Vec::new(),
            cut: Some(crate::capture::model::Cut::Trunc),
        };
        assert_eq!(
            message,
            IcmpMessage::NeighbourDiscovery(Nd::NeighbourSolicitation(Some(target), cut))
        );
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
            let mut f = crate::capture::print::Formatter::new(Default::default());
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
            let style = crate::capture::print::Style { link: e, verbose: if e { 2 } else { 0 }, dump: crate::capture::print::Dump::HexAscii, dump_link: !e, ..Default::default() };
            let mut f = crate::capture::print::Formatter::new(style);
            let _ = f.packet(i64::MIN, u32::MAX, &s, &data);
            let _ = f.line(i64::MAX, 0, &s);
        }
    }
}
