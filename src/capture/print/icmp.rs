//! ICMP (print-icmp.c) and ICMPv6 (print-icmp6.c) messages: names, echo identifiers, port
//! unreachable, the packet an ICMPv4 error quotes (`-v`), unnamed ICMPv6 types in hex; neighbour
//! discovery and multicast listener messages go to [`super::nd`] and [`super::mld`].

use std::fmt::Write;

use super::hexdump::hex;
use super::ip::extensions;
use super::names::{icmp_name, proto_name};
use super::Formatter;
use crate::capture::model::{Cut, Icmp, IcmpMessage, IpInfo, Net};

impl Formatter {
    /// An ICMP or ICMPv6 message after the IP header.
    pub(super) fn icmp(&mut self, out: &mut String, ip: &IpInfo, icmp: &Icmp) {
        let Icmp {
            v6,
            kind,
            code,
            len,
            cksum,
            ref message,
        } = *icmp;
        let _ = write!(out, "{} > {}: ", ip.src, ip.dst);
        extensions(out, ip, self.style.verbose);
        let verbose = self.style.verbose > 0;
        if let (true, true, Some((sent, right))) = (v6, verbose, cksum) {
            if sent == right {
                out.push_str("[icmp6 sum ok] ");
            } else {
                let _ = write!(out, "[bad icmp6 cksum 0x{sent:04x} -> 0x{right:04x}!] ");
            }
        }
        let name = icmp_name(v6, kind, code);
        match message {
            // print-icmp.c / print-icmp6.c wording for port unreachable.
            IcmpMessage::Error { port: Some(p), .. } => {
                let _ = write!(
                    out,
                    "ICMP {} {} port {} unreachable",
                    p.dst,
                    proto_name(p.proto),
                    p.port
                );
            }
            IcmpMessage::PortUnreachable(p) => {
                let _ = write!(
                    out,
                    "ICMP6, {name}, unreachable port, {} {} port {}",
                    p.dst,
                    proto_name(p.proto),
                    p.port
                );
            }
            IcmpMessage::Unnamed(raw) => {
                // print-icmp6.c's default case: the length, then (up to -v) the bytes.
                let _ = write!(out, "ICMP6, unknown icmp6 type ({kind}), length {len}");
                if self.style.verbose <= 1 {
                    hex(out, "\n\t", raw);
                }
                return;
            }
            IcmpMessage::MulticastListener(mld) => {
                out.push_str("ICMP6, ");
                if super::mld::print(out, mld, self.style.verbose).is_err() {
                    out.push_str(" [|icmp6]");
                    return;
                }
            }
            _ if v6 => {
                let _ = write!(out, "ICMP6, {name}");
                // print-icmp6.c: with -v, neighbour discovery puts the length here.
                if verbose && (133..=137).contains(&kind) {
                    let _ = write!(out, ", length {len}");
                }
                if let IcmpMessage::NeighbourDiscovery(nd) = message {
                    if let Err(cut) = super::nd::print(out, nd, self.style.verbose) {
                        // print-icmp6.c: a cut-short message ends the line.
                        out.push_str(" [|icmp6]");
                        self.gave_up |= cut == Cut::GaveUp;
                        return;
                    }
                }
            }
            _ => {
                let _ = write!(out, "ICMP {name}");
            }
        }
        if let IcmpMessage::Echo { id, seq } = message {
            let _ = write!(out, ", id {id}, seq {seq}");
        }
        // print-icmp6.c prints the length only without -v (or for unknown types).
        if !v6 || !verbose || !icmp_known(true, kind) {
            let _ = write!(out, ", length {len}");
        }
        if !v6 && verbose {
            if let Some((sent, right)) = cksum.filter(|(s, r)| s != r) {
                let _ = write!(out, " (wrong icmp cksum {sent:x} (->{right:x})!)");
            }
            // print-icmp.c: the quoted packet of an error, on its own lines.
            if let IcmpMessage::Error {
                quoted: Some(q), ..
            } = message
            {
                if let Net::Ip(qip) = &q.net {
                    out.push_str("\n\t");
                    self.ip(out, qip, &q.transport);
                }
            }
        }
    }
}

fn icmp_known(v6: bool, kind: u8) -> bool {
    !icmp_name(v6, kind, 0).starts_with("type ")
}
