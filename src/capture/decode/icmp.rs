//! ICMP (RFC 792) and ICMPv6 (RFC 4443) messages into [`IcmpMessage`]: echo, errors with the
//! packet they quote, neighbour discovery (see [`super::nd`]) and multicast listener messages.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{decode_at, linktype, Ctx};
use crate::capture::model::{GroupRecord, Icmp, IcmpMessage, IpInfo, Mld, QuotedPort, Transport};
use crate::capture::reader::Reader;

/// The ICMP message of type `kind` and code `code` whose captured bytes are `slice`.
pub(super) fn icmp(
    v6: bool,
    kind: u8,
    code: u8,
    slice: &[u8],
    ip: &IpInfo,
    cksum: Option<(u16, u16)>,
    ctx: Ctx,
) -> Transport {
    let r = Reader::new(slice);
    let is_echo = if v6 {
        kind == 128 || kind == 129
    } else {
        kind == 0 || kind == 8
    };
    let port_unreachable = if v6 {
        kind == 1 && code == 4
    } else {
        kind == 3 && code == 3
    };
    let port = if port_unreachable {
        slice.get(8..).and_then(|quoted| quoted_dst(v6, quoted))
    } else {
        None
    };
    let echo = || Some((r.u16_at(4).ok()?, r.u16_at(6).ok()?));
    let message = match (v6, kind) {
        _ if is_echo => match echo() {
            Some((id, seq)) => IcmpMessage::Echo { id, seq },
            None => IcmpMessage::Plain,
        },
        // ICMPv4 errors quote the offending packet; tcpdump -v prints it.
        (false, 3 | 4 | 5 | 11 | 12) => {
            let quoted = if ctx.depth == 0 {
                slice.get(8..).filter(|q| !q.is_empty()).map(|q| {
                    let len = u32::try_from(q.len()).unwrap_or(u32::MAX);
                    let inner = Ctx {
                        depth: ctx.depth + 1,
                        ..ctx
                    };
                    Box::new(decode_at(linktype::RAW, q, len, inner))
                })
            } else {
                None
            };
            IcmpMessage::Error { port, quoted }
        }
        (false, _) => IcmpMessage::Plain,
        (true, _) if !icmp6_type_named(kind) => IcmpMessage::Unnamed(slice.to_vec()),
        (true, _) if port.is_some() => {
            port.map_or(IcmpMessage::Plain, IcmpMessage::PortUnreachable)
        }
        (true, 130..=132 | 143) => IcmpMessage::MulticastListener(mld(kind, r)),
        (true, 133..=136) => {
            IcmpMessage::NeighbourDiscovery(super::nd::parse(kind, slice, ip.payload_len))
        }
        (true, _) => IcmpMessage::Plain,
    };
    Transport::Icmp(Icmp {
        v6,
        kind,
        code,
        len: ip.payload_len,
        cksum,
        message,
    })
}

/// Whether tcpdump has a name for ICMPv6 type `kind` (RFC 4443, 4861 and later registrations);
/// it prints other types as `type N` with the message in hex.
pub(crate) fn icmp6_type_named(kind: u8) -> bool {
    matches!(kind, 1..=4 | 128..=147 | 155 | 200 | 201)
}

/// Destination address, protocol and port of the packet quoted in an ICMP error.
fn quoted_dst(v6: bool, b: &[u8]) -> Option<QuotedPort> {
    let r = Reader::new(b);
    if v6 {
        Some(QuotedPort {
            dst: IpAddr::V6(r.ipv6_at(24).ok()?),
            proto: r.u8_at(6).ok()?,
            port: r.u16_at(42).ok()?,
        })
    } else {
        let ihl = usize::from(r.u8_at(0).ok()? & 0x0f) * 4;
        let dst: [u8; 4] = r.bytes_at(16, 4).ok()?.try_into().ok()?;
        Some(QuotedPort {
            dst: IpAddr::V4(Ipv4Addr::from(dst)),
            proto: r.u8_at(9).ok()?,
            port: r.u16_at(ihl + 2).ok()?,
        })
    }
}

/// A multicast listener query, report or done of type `kind` (RFC 2710, RFC 3810 5.1 and 5.2),
/// as far as it was captured.
fn mld(kind: u8, r: Reader<'_>) -> Mld {
    let sources = |at: usize, n: u16| -> Vec<Ipv6Addr> {
        (0..usize::from(n))
            .map_while(|i| r.ipv6_at(at + 16 * i).ok())
            .collect()
    };
    match kind {
        143 => {
            let count = r.u16_at(6).unwrap_or(0);
            let mut records = Vec::new();
            let mut at = 8;
            for _ in 0..count {
                let head = (|| {
                    Some((
                        r.u8_at(at).ok()?,
                        usize::from(r.u8_at(at + 1).ok()?) * 4,
                        r.u16_at(at + 2).ok()?,
                        r.ipv6_at(at + 4).ok()?,
                    ))
                })();
                let Some((kind, aux, nsrc, group)) = head else {
                    break;
                };
                records.push(GroupRecord {
                    kind,
                    group,
                    nsrc,
                    sources: sources(at + 20, nsrc),
                });
                at += 20 + 16 * usize::from(nsrc) + aux;
            }
            Mld::ReportV2 { count, records }
        }
        130 if r.len() >= 28 => {
            let nsrc = r.u16_at(26).unwrap_or(0);
            Mld::QueryV2 {
                max_resp_code: r.u16_at(4).unwrap_or(0),
                group: r.ipv6_at(8).unwrap_or(Ipv6Addr::UNSPECIFIED),
                qrv: r.u8_at(24).unwrap_or(0),
                qqic: r.u8_at(25).unwrap_or(0),
                nsrc,
                sources: sources(28, nsrc),
            }
        }
        _ => Mld::V1 {
            kind,
            fields: r.u16_at(4).ok().zip(r.ipv6_at(8).ok()),
        },
    }
}
