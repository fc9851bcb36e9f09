//! Printing the typed model of a packet ([`Summary`]) as one line in the style of `tcpdump -nn`:
//! this module holds the line's frame (time, link header, `-x`/`-X`/`-A` dumps) and hands the
//! network and transport layers to one printer per protocol (`ip`, `tcp`, `udp`, `icmp`, `nd`,
//! `mld`, [`dns`]). Printers only format the model: they read no packet bytes.
//!
//! The layout follows tcpdump 4.99 (print-sll.c, print-ether.c, print-ip.c, print-tcp.c) so that
//! users read what they already know: `lo    In  IP 127.0.0.1.80 > 127.0.0.1.5000: Flags [P.],
//! seq 1:78, ack 1, win 512, options [...], length 77: HTTP: GET / HTTP/1.1`. TCP sequence
//! numbers are relative after the first packet of a conversation, as tcpdump prints them.

pub mod dns;
mod hexdump;
mod icmp;
mod ip;
mod mld;
mod names;
mod nd;
mod tcp;
mod udp;

use std::collections::HashMap;
use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::model::{Link, Net, Summary};
use crate::output::sanitize;
use hexdump::{ascii, hex, hex_ascii};
pub use tcp::flags;

/// How much to print.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    /// `-e`: link-level header.
    pub link: bool,
    /// `-v` count: 1 adds the IP header fields and the TCP checksum, 2 also TCP `seq` on every
    /// segment (tcpdump's `-vv`).
    pub verbose: u8,
    /// `-S`: absolute TCP sequence numbers.
    pub absolute_seq: bool,
    /// `-x`, `-X`, `-A`: the packet's bytes after its line.
    pub dump: Dump,
    /// `-xx`, `-XX`, `-AA`: the dump starts at the link header, not after it.
    pub dump_link: bool,
}

/// The raw bytes tcpdump prints after each line (print.c `pretty_print_packet`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dump {
    /// Nothing.
    #[default]
    None,
    /// `-x`: hex.
    Hex,
    /// `-X`: hex and ASCII.
    HexAscii,
    /// `-A`: ASCII.
    Ascii,
}

/// Key of one TCP conversation, in tcpdump's collating order (one entry for both directions).
type ConvKey = (IpAddr, IpAddr, u32);

/// Formatter state: the first sequence numbers of each TCP conversation and interface names.
#[derive(Debug, Default)]
pub struct Formatter {
    style: Style,
    seqs: HashMap<ConvKey, (u32, u32)>,
    ifnames: HashMap<u32, String>,
    /// Offset of local time from UTC, seconds (tcpdump prints local time).
    utc_offset: i64,
    /// The current packet ran out of captured bytes where tcpdump's printer gives up with a
    /// longjmp; its `-x`/`-X`/`-A` dump then starts at the link header (print.c).
    gave_up: bool,
}

/// Bound on remembered TCP conversations, so a long capture cannot grow memory without limit.
const MAX_CONVERSATIONS: usize = 65536;

impl Formatter {
    /// A formatter printing with `style`; interface names are those of this network namespace.
    pub fn new(style: Style) -> Formatter {
        let ifnames = nix::net::if_::if_nameindex()
            .map(|list| {
                list.iter()
                    .map(|i| (i.index(), i.name().to_string_lossy().into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Formatter {
            style,
            seqs: HashMap::new(),
            ifnames,
            utc_offset: crate::sys::capture::utc_offset(),
            gave_up: false,
        }
    }

    /// The print style.
    pub fn style(&self) -> Style {
        self.style
    }

    /// One line (without newline) for packet `s` captured at `secs`.`usecs`.
    pub fn line(&mut self, secs: i64, usecs: u32, s: &Summary) -> String {
        let mut out = String::with_capacity(160);
        self.gave_up = false;
        let day = secs.saturating_add(self.utc_offset).rem_euclid(86400);
        let _ = write!(
            out,
            "{:02}:{:02}:{:02}.{:06} ",
            day / 3600,
            day / 60 % 60,
            day % 60,
            usecs.min(999_999)
        );
        self.link(&mut out, s);
        self.net(&mut out, s);
        out
    }

    /// [`Formatter::line`] followed by the `-x`/`-X`/`-A` dump of `data`, the captured bytes `s`
    /// was decoded from.
    pub fn packet(&mut self, secs: i64, usecs: u32, s: &Summary, data: &[u8]) -> String {
        let mut out = self.line(secs, usecs, s);
        let from = if self.style.dump_link || self.gave_up {
            0
        } else {
            // tcpdump prints nothing when nothing follows the link header.
            link_len(s) as usize
        };
        let Some(bytes) = data.get(from..).filter(|b| !b.is_empty()) else {
            return out;
        };
        match self.style.dump {
            Dump::None => {}
            Dump::Hex => hex(&mut out, "\n\t", bytes),
            Dump::HexAscii => hex_ascii(&mut out, bytes),
            Dump::Ascii => ascii(&mut out, bytes),
        }
        out
    }

    fn link(&self, out: &mut String, s: &Summary) {
        let e = self.style.link;
        match &s.link {
            Link::Sll {
                ifindex,
                direction,
                addr,
                protocol,
                ..
            } => {
                if let Some(idx) = ifindex {
                    let name = self
                        .ifnames
                        .get(idx)
                        .map(|n| sanitize(n))
                        .unwrap_or_else(|| "?".into());
                    let _ = write!(out, "{name:<5} {:<3} ", direction.label());
                    if e {
                        let _ = write!(out, "ifindex {idx} ");
                        if addr.len() == 6 {
                            let _ = write!(out, "{} ", mac(addr));
                        }
                    }
                } else if e {
                    // print-sll.c: v1 right-aligns the direction ("%3s"), v2 left-aligns it.
                    let _ = write!(out, "{:>3} ", direction.label());
                    if addr.len() == 6 {
                        let _ = write!(out, "{} ", mac(addr));
                    }
                }
                if e {
                    let _ = write!(out, "{}, length {}: ", ethertype(*protocol), s.wire_len);
                }
            }
            Link::Ethernet {
                src,
                dst,
                ether_type,
            } if e => {
                let _ = write!(
                    out,
                    "{} > {}, {}, length {}: ",
                    mac(src),
                    mac(dst),
                    ethertype(*ether_type),
                    s.wire_len
                );
            }
            Link::Null { family } if e => {
                let _ = write!(out, "AF {family}, length {}: ", s.wire_len);
            }
            Link::Truncated { need, have } => {
                let _ = write!(
                    out,
                    "[malformed link header: {have} of {need} bytes], length {}",
                    s.wire_len
                );
            }
            Link::Unsupported(lt) => {
                let _ = write!(out, "[link type {lt} not decoded], length {}", s.wire_len);
            }
            _ => {}
        }
    }

    fn net(&mut self, out: &mut String, s: &Summary) {
        let e = self.style.link;
        match &s.net {
            Net::None => {}
            Net::Other(et) => {
                if !e {
                    let _ = write!(out, "{}, length {}", ethertype(*et), s.wire_len);
                } else {
                    out.truncate(out.trim_end_matches(": ").len());
                }
            }
            Net::Malformed(why) => {
                let _ = write!(out, "[malformed: {}], length {}", sanitize(why), s.wire_len);
            }
            Net::Arp {
                operation,
                sender_ip,
                sender_mac,
                target_ip,
            } => {
                if !e {
                    out.push_str("ARP, ");
                }
                let ip = |a: &Option<std::net::Ipv4Addr>| {
                    a.map_or_else(|| "?".to_string(), |a| a.to_string())
                };
                match operation {
                    1 => {
                        let _ = write!(
                            out,
                            "Request who-has {} tell {}",
                            ip(target_ip),
                            ip(sender_ip)
                        );
                    }
                    2 => {
                        let m = sender_mac.map_or_else(|| "?".to_string(), |m| mac(&m));
                        let _ = write!(out, "Reply {} is-at {m}", ip(sender_ip));
                    }
                    other => {
                        let _ = write!(out, "op {other}");
                    }
                }
                let _ = write!(out, ", length {}", s.wire_len.saturating_sub(link_len(s)));
            }
            Net::Ip(ip) => self.ip(out, ip, &s.transport),
        }
    }
}

fn link_len(s: &Summary) -> u32 {
    match &s.link {
        Link::Ethernet { .. } => 14,
        Link::Sll {
            ifindex: Some(_), ..
        } => 20,
        Link::Sll { .. } => 16,
        Link::Null { .. } => 4,
        _ => 0,
    }
}

pub(crate) fn mac(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn ethertype(et: u16) -> String {
    let name = match et {
        0x0800 => "IPv4",
        0x86dd => "IPv6",
        0x0806 => "ARP",
        0x8100 => "802.1Q",
        0x88a8 => "802.1Q-QinQ",
        0x88cc => "LLDP",
        0x8035 => "Reverse ARP",
        _ => "Unknown",
    };
    format!("ethertype {name} (0x{et:04x})")
}

/// Flag names that are set in `bits`, comma-separated, or `none`.
fn flag_names<T: Copy + std::ops::BitAnd<Output = T> + PartialEq + Default>(
    bits: T,
    names: &[(T, &str)],
) -> String {
    let set: Vec<&str> = names
        .iter()
        .filter(|(bit, _)| bits & *bit != T::default())
        .map(|(_, n)| *n)
        .collect();
    if set.is_empty() {
        "none".to_string()
    } else {
        set.join(", ")
    }
}

/// An IPv6 address as tcpdump writes it: like Rust's (RFC 5952), except that an address whose
/// first six groups alone are zero keeps the IPv4-compatible form `::a.b.c.d`.
pub(crate) fn ipv6(a: Ipv6Addr) -> String {
    let s = a.segments();
    if s[..6].iter().all(|&g| g == 0) && s[6] != 0 {
        let o = a.octets();
        format!("::{}", Ipv4Addr::new(o[12], o[13], o[14], o[15]))
    } else {
        a.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_keeps_tcpdumps_ipv4_compatible_form() {
        let v6 = |s: &str| ipv6(s.parse().unwrap_or(Ipv6Addr::UNSPECIFIED));
        assert_eq!(v6("::c000:201"), "::192.0.2.1");
        assert_eq!(v6("::1"), "::1");
        assert_eq!(v6("::ffff:192.0.2.1"), "::ffff:192.0.2.1");
        assert_eq!(v6("2001:db8::1"), "2001:db8::1");
    }
}
