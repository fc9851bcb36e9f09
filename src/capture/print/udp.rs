//! UDP datagrams (print-udp.c): the checksum with `-v`/`-vv`, then DNS for ports 53 and 5353,
//! otherwise the length.

use std::fmt::Write;

use super::Formatter;
use crate::capture::dns::Dns;
use crate::capture::model::IpInfo;

impl Formatter {
    /// What follows the ports of a UDP datagram.
    pub(super) fn udp(
        &mut self,
        out: &mut String,
        ip: &IpInfo,
        payload_len: u32,
        dns: Option<&Dns>,
        cksum: Option<(u16, u16)>,
    ) {
        // print-udp.c: IPv4 checksums from -vv, IPv6 (mandatory there) from -v.
        let v = self.style.verbose;
        if let Some((sent, right)) = cksum {
            if ip.src.is_ipv4() && v > 1 && sent == 0 {
                out.push_str("[no cksum] ");
            } else if (ip.src.is_ipv4() && v > 1) || (ip.src.is_ipv6() && v > 0) {
                if sent == right {
                    out.push_str("[udp sum ok] ");
                } else {
                    let _ = write!(out, "[bad udp cksum 0x{sent:04x} -> 0x{right:04x}!] ");
                }
            }
        }
        match dns {
            Some(d) => {
                let (text, gave_up) = super::dns::text(d);
                out.push_str(&text);
                self.gave_up |= gave_up;
            }
            None => {
                let _ = write!(out, "UDP, length {payload_len}");
            }
        }
    }
}
