//! IPv4 and IPv6 headers (`-v`: print-ip.c, print-ip6.c fields), IPv6 extension headers, and
//! the dispatch to the transport printers; also the lines of transport headers cut short.

use std::fmt::Write;

use super::names::proto_name;
use super::Formatter;
use crate::capture::model::{ExtHeader, HeaderOption, IpInfo, ShortHeader, Transport};
use crate::output::sanitize;

impl Formatter {
    pub(super) fn ip(&mut self, out: &mut String, ip: &IpInfo, t: &Transport) {
        if !self.style.link {
            out.push_str(if ip.src.is_ipv4() { "IP " } else { "IP6 " });
        }
        if self.style.verbose > 0 {
            verbose_ip(out, ip);
        }
        match t {
            Transport::Tcp(tcp) => {
                self.ports(out, ip, tcp.sport, tcp.dport);
                self.tcp(out, ip, tcp);
            }
            Transport::Udp {
                sport,
                dport,
                payload_len,
                dns,
                cksum,
            } => {
                self.ports(out, ip, *sport, *dport);
                self.udp(out, ip, *payload_len, dns.as_ref(), *cksum);
            }
            Transport::Icmp(icmp) => self.icmp(out, ip, icmp),
            // print-tcp.c: the ports when captured, then the mark of a cut-short header.
            Transport::TcpShort(Some((sport, dport))) => {
                let _ = write!(out, "{}.{sport} > {}.{dport}:  [|tcp]", ip.src, ip.dst);
            }
            // Observed with tcpdump 4.99: a cut UDP/ICMP header.
            Transport::Short(ShortHeader::Udp(Some((sport, dport)))) => {
                let _ = write!(out, "{}.{sport} > {}.{dport}:  [|udp]", ip.src, ip.dst);
            }
            Transport::Short(ShortHeader::Icmp6(Some(kind))) => {
                let name = super::names::icmp_name(true, *kind, 0);
                let _ = write!(out, "{} > {}: ICMP6, {name} [|icmp6]", ip.src, ip.dst);
                self.gave_up = true;
            }
            Transport::Short(short) => {
                let what = match short {
                    ShortHeader::Udp(_) => "udp",
                    ShortHeader::Icmp => "icmp",
                    ShortHeader::Icmp6(_) => "icmp6",
                };
                let _ = write!(out, "{} > {}:  [|{what}]", ip.src, ip.dst);
                // tcpdump dumps the whole frame of a cut ICMP header, not of a cut UDP one.
                self.gave_up |= !matches!(short, ShortHeader::Udp(_));
            }
            Transport::TcpShort(None) => {
                let _ = write!(out, "{} > {}: [|tcp]", ip.src, ip.dst);
            }
            Transport::Malformed(why) => {
                let _ = write!(
                    out,
                    "{} > {}: [malformed {}: {}]",
                    ip.src,
                    ip.dst,
                    proto_name(ip.protocol),
                    sanitize(why)
                );
            }
            Transport::Other | Transport::None if !ip.ext.is_empty() => {
                let _ = write!(out, "{} > {}: ", ip.src, ip.dst);
                extensions(out, ip, self.style.verbose);
            }
            Transport::Other | Transport::None => {
                let _ = write!(out, "{} > {}: ", ip.src, ip.dst);
                if ip.fragmented {
                    let _ = write!(out, "{} fragment", proto_name(ip.protocol));
                } else {
                    let _ = write!(out, "{} {}", proto_name(ip.protocol), ip.payload_len);
                }
            }
        }
    }

    /// `SRC.SPORT > DST.DPORT: `, or with IPv6 extension headers `SRC > DST: EXT SPORT > DPORT: `.
    pub(super) fn ports(&self, out: &mut String, ip: &IpInfo, sport: u16, dport: u16) {
        if ip.ext.is_empty() {
            let _ = write!(out, "{}.{sport} > {}.{dport}: ", ip.src, ip.dst);
        } else {
            let _ = write!(out, "{} > {}: ", ip.src, ip.dst);
            extensions(out, ip, self.style.verbose);
            let _ = write!(out, "{sport} > {dport}: ");
        }
    }
}

/// tcpdump's `-v` IP header: print-ip.c and print-ip6.c.
pub(super) fn verbose_ip(out: &mut String, ip: &IpInfo) {
    if ip.src.is_ipv4() {
        let _ = write!(out, "(tos 0x{:x}", ip.tos);
        match ip.tos & 0x03 {
            1 => out.push_str(",ECT(1)"),
            2 => out.push_str(",ECT(0)"),
            3 => out.push_str(",CE"),
            _ => {}
        }
        if ip.ttl >= 1 {
            let _ = write!(out, ", ttl {}", ip.ttl);
        }
        let frag: Vec<&str> = [(0x2000u16, "+"), (0x4000, "DF"), (0x8000, "rsvd")]
            .iter()
            .filter(|(bit, _)| ip.frag_field & bit != 0)
            .map(|(_, name)| *name)
            .collect();
        let _ = write!(
            out,
            ", id {}, offset {}, flags [{}], proto {} ({}), length {}",
            ip.id,
            u32::from(ip.frag_field & 0x1fff) * 8,
            if frag.is_empty() {
                "none".to_string()
            } else {
                frag.join(", ")
            },
            ipproto_name(ip.protocol),
            ip.protocol,
            ip.total_len
        );
        if let Some((sent, right)) = ip.header_cksum.filter(|(s, r)| s != r) {
            let _ = write!(out, ", bad cksum {sent:x} (->{right:x})!");
        }
        out.push_str(")\n    ");
    } else {
        out.push('(');
        if ip.tos != 0 {
            let _ = write!(out, "class 0x{:02x}, ", ip.tos);
        }
        if ip.flow != 0 {
            let _ = write!(out, "flowlabel 0x{:05x}, ", ip.flow);
        }
        let _ = write!(
            out,
            "hlim {}, next-header {} ({}) payload length: {}) ",
            ip.ttl,
            match ip.ext.first().map(|e| &e.header) {
                Some(ExtHeader::HopByHop(_)) => "Options",
                Some(ExtHeader::Fragment { .. }) => "Fragment",
                Some(_) => "unknown",
                None => ipproto_name(ip.protocol),
            },
            ip.ext.first().map_or(ip.protocol, |e| e.header.number()),
            ip.total_len.saturating_sub(40)
        );
    }
}

/// The IPv6 extension headers before the upper layer (RFC 8200 section 4), as tcpdump names them:
/// hop-by-hop and destination options (with `-v` their options), fragment offset and length.
pub(super) fn extensions(out: &mut String, ip: &IpInfo, verbose: u8) {
    let mut used = 0u32;
    for e in &ip.ext {
        used = used.saturating_add(e.captured);
        match &e.header {
            ExtHeader::HopByHop(options) | ExtHeader::DestinationOptions(options) => {
                out.push_str(if e.header.number() == 0 {
                    "HBH "
                } else {
                    "DSTOPT "
                });
                if verbose > 0 {
                    for o in options {
                        let _ = match o {
                            HeaderOption::Pad1 => write!(out, "(pad1) "),
                            HeaderOption::PadN => write!(out, "(padn) "),
                            HeaderOption::RouterAlert(v) => write!(out, "(rtalert: 0x{v:04x}) "),
                        };
                    }
                }
            }
            ExtHeader::Fragment { offset, id } => {
                let off = offset.map_or(0, |o| o & !7);
                let len = ip.total_len.saturating_sub(40).saturating_sub(used);
                if verbose > 0 {
                    let id = id.unwrap_or(0);
                    let _ = write!(out, "frag (0x{id:08x}:{off}|{len})");
                } else {
                    let _ = write!(out, "frag ({off}|{len})");
                }
                if off != 0 {
                    return;
                }
                out.push(' ');
            }
        }
    }
}

/// tcpdump's `ipproto_values` (ipproto.c), used with `-v`.
fn ipproto_name(p: u8) -> &'static str {
    match p {
        0 => "HBH",
        1 => "ICMP",
        2 => "IGMP",
        4 => "IPIP",
        6 => "TCP",
        8 => "EGP",
        9 => "IGRP",
        17 => "UDP",
        33 => "DCCP",
        41 => "IPv6",
        43 => "Routing",
        44 => "Fragment",
        46 => "RSVP",
        47 => "GRE",
        50 => "ESP",
        51 => "AH",
        55 => "Mobile IP",
        58 => "ICMPv6",
        59 => "No Next Header",
        60 => "DSTOPT",
        62 => "Mobile IP (old)",
        88 => "EIGRP",
        89 => "OSPF",
        103 => "PIM",
        108 => "Compressed IP",
        112 => "VRRP",
        113 => "PGM",
        132 => "SCTP",
        135 => "Mobility",
        143 => "Ethernet",
        _ => "unknown",
    }
}
