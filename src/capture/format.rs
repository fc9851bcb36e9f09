//! Turning a [`Summary`] into one line in the style of `tcpdump -nn`.
//!
//! The layout follows tcpdump 4.99 (print-sll.c, print-ether.c, print-ip.c, print-tcp.c) so that
//! users read what they already know: `lo    In  IP 127.0.0.1.80 > 127.0.0.1.5000: Flags [P.],
//! seq 1:78, ack 1, win 512, options [...], length 77: HTTP: GET / HTTP/1.1`. TCP sequence
//! numbers are relative after the first packet of a conversation, as tcpdump prints them.

use std::collections::HashMap;
use std::fmt::Write;
use std::net::IpAddr;

use super::decode::{
    tcp_flags, CutOpt, Http, IpInfo, Link, Nd, Net, Summary, TcpInfo, TcpOpt, Transport,
};
use crate::output::sanitize;

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

/// How a cut-short message ended in tcpdump's printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cut {
    /// A length check failed: `[|proto]` and the line ends.
    Trunc,
    /// A field read failed (`GET_` macros longjmp): the same, and the dump includes the link
    /// header.
    GaveUp,
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

    fn ip(&mut self, out: &mut String, ip: &IpInfo, t: &Transport) {
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
                // print-udp.c: IPv4 checksums from -vv, IPv6 (mandatory there) from -v.
                let v = self.style.verbose;
                if let Some((sent, right)) = cksum {
                    if ip.src.is_ipv4() && v > 1 && *sent == 0 {
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
                        let mdns = *sport != 53 && *dport != 53;
                        let (text, gave_up) = super::dns::print_and_cut(d, *payload_len, v, mdns);
                        out.push_str(&text);
                        self.gave_up |= gave_up;
                    }
                    None => {
                        let _ = write!(out, "UDP, length {payload_len}");
                    }
                }
            }
            Transport::Icmp {
                v6,
                kind,
                code,
                echo,
                unreachable,
                len,
                cksum,
                quoted,
                nd,
                unknown,
                mld,
            } => {
                let _ = write!(out, "{} > {}: ", ip.src, ip.dst);
                extensions(out, ip, self.style.verbose);
                let verbose = self.style.verbose > 0;
                if let (true, true, Some((sent, right))) = (*v6, verbose, cksum) {
                    if sent == right {
                        out.push_str("[icmp6 sum ok] ");
                    } else {
                        let _ = write!(out, "[bad icmp6 cksum 0x{sent:04x} -> 0x{right:04x}!] ");
                    }
                }
                let name = icmp_name(*v6, *kind, *code);
                match (v6, unreachable) {
                    // print-icmp.c / print-icmp6.c wording for port unreachable.
                    (false, Some((dst, proto, port))) => {
                        let _ = write!(
                            out,
                            "ICMP {dst} {} port {port} unreachable",
                            proto_name(*proto)
                        );
                    }
                    (true, Some((dst, proto, port))) => {
                        let _ = write!(
                            out,
                            "ICMP6, {name}, unreachable port, {dst} {} port {port}",
                            proto_name(*proto)
                        );
                    }
                    (true, None) if !super::decode::icmp6_type_named(*kind) => {
                        // print-icmp6.c's default case: the length, then (up to -v) the bytes.
                        let _ = write!(out, "ICMP6, unknown icmp6 type ({kind}), length {len}");
                        if let (Some(raw), true) = (unknown, self.style.verbose <= 1) {
                            hex(out, "\n\t", raw);
                        }
                        return;
                    }
                    (true, None) if mld.is_some() => {
                        out.push_str("ICMP6, ");
                        let raw = mld.as_deref().unwrap_or_default();
                        if multicast_listener(out, *kind, raw, self.style.verbose).is_none() {
                            out.push_str(" [|icmp6]");
                            return;
                        }
                    }
                    (true, None) => {
                        let _ = write!(out, "ICMP6, {name}");
                        // print-icmp6.c: with -v, neighbour discovery puts the length here.
                        if verbose && (133..=137).contains(kind) {
                            let _ = write!(out, ", length {len}");
                        }
                        if let Some(nd) = nd {
                            if let Err(cut) =
                                neighbour_discovery(out, *kind, nd, *len, self.style.verbose)
                            {
                                // print-icmp6.c: a cut-short message ends the line.
                                out.push_str(" [|icmp6]");
                                self.gave_up |= cut == Cut::GaveUp;
                                return;
                            }
                        }
                    }
                    (false, None) => {
                        let _ = write!(out, "ICMP {name}");
                    }
                }
                if let Some((id, seq)) = echo {
                    let _ = write!(out, ", id {id}, seq {seq}");
                }
                // print-icmp6.c prints the length only without -v (or for unknown types).
                if !*v6 || !verbose || !icmp_known(true, *kind) {
                    let _ = write!(out, ", length {len}");
                }
                if !*v6 && verbose {
                    if let Some((sent, right)) = cksum.filter(|(s, r)| s != r) {
                        let _ = write!(out, " (wrong icmp cksum {sent:x} (->{right:x})!)");
                    }
                    // print-icmp.c: the quoted packet of an error, on its own lines.
                    if let Some(q) = quoted {
                        if let Net::Ip(qip) = &q.net {
                            out.push_str("\n\t");
                            self.ip(out, qip, &q.transport);
                        }
                    }
                }
            }
            // print-tcp.c: the ports when captured, then the mark of a cut-short header.
            Transport::TcpShort(Some((sport, dport))) => {
                let _ = write!(out, "{}.{sport} > {}.{dport}:  [|tcp]", ip.src, ip.dst);
            }
            // Observed with tcpdump 4.99: a cut UDP/ICMP header.
            Transport::Short(17, Some((sport, dport)), _) => {
                let _ = write!(out, "{}.{sport} > {}.{dport}:  [|udp]", ip.src, ip.dst);
            }
            Transport::Short(58, _, Some(kind)) => {
                let name = icmp_name(true, *kind, 0);
                let _ = write!(out, "{} > {}: ICMP6, {name} [|icmp6]", ip.src, ip.dst);
                self.gave_up = true;
            }
            Transport::Short(proto, _, _) => {
                let what = match proto {
                    17 => "udp",
                    1 => "icmp",
                    _ => "icmp6",
                };
                let _ = write!(out, "{} > {}:  [|{what}]", ip.src, ip.dst);
                // tcpdump dumps the whole frame of a cut ICMP header, not of a cut UDP one.
                self.gave_up |= *proto != 17;
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
    fn ports(&self, out: &mut String, ip: &IpInfo, sport: u16, dport: u16) {
        if ip.ext.is_empty() {
            let _ = write!(out, "{}.{sport} > {}.{dport}: ", ip.src, ip.dst);
        } else {
            let _ = write!(out, "{} > {}: ", ip.src, ip.dst);
            extensions(out, ip, self.style.verbose);
            let _ = write!(out, "{sport} > {dport}: ");
        }
    }

    fn tcp(&mut self, out: &mut String, ip: &IpInfo, t: &TcpInfo) {
        let (mut seq, mut ack) = (t.seq, t.ack);
        if !self.style.absolute_seq && t.flags & tcp_flags::ACK != 0 {
            // tcpdump's print-tcp.c: one entry per conversation in an arbitrary collating order;
            // a SYN or an unseen conversation records the initial numbers.
            let (key, rev) = conversation(ip, t);
            match self.seqs.get(&key) {
                Some(&(base_seq, base_ack)) if t.flags & tcp_flags::SYN == 0 => {
                    if rev {
                        seq = seq.wrapping_sub(base_ack);
                        ack = ack.wrapping_sub(base_seq);
                    } else {
                        seq = seq.wrapping_sub(base_seq);
                        ack = ack.wrapping_sub(base_ack);
                    }
                }
                _ => {
                    if self.seqs.len() >= MAX_CONVERSATIONS {
                        self.seqs.clear();
                    }
                    let entry = if rev {
                        (t.ack.wrapping_sub(1), t.seq)
                    } else {
                        (t.seq, t.ack.wrapping_sub(1))
                    };
                    self.seqs.insert(key, entry);
                }
            }
        }
        let _ = write!(out, "Flags [{}]", flags(t.flags));
        if self.style.verbose > 0 {
            if let (sent, Some(right)) = t.cksum {
                let _ = write!(out, ", cksum 0x{sent:04x}");
                if sent == right {
                    out.push_str(" (correct)");
                } else {
                    let _ = write!(out, " (incorrect -> 0x{right:04x})");
                }
            }
        }
        let len = t.payload_len;
        if self.style.verbose > 1
            || len > 0
            || t.flags & (tcp_flags::SYN | tcp_flags::FIN | tcp_flags::RST) != 0
        {
            let _ = write!(out, ", seq {seq}");
            if len > 0 {
                let _ = write!(out, ":{}", seq.wrapping_add(len));
            }
        }
        if t.flags & tcp_flags::ACK != 0 {
            let _ = write!(out, ", ack {ack}");
        }
        let _ = write!(out, ", win {}", t.win);
        if t.flags & tcp_flags::URG != 0 {
            let _ = write!(out, ", urg {}", t.urg);
        }
        // SACK blocks are shown relative to the acknowledged direction's initial number.
        let sack_base = if self.style.absolute_seq {
            0
        } else {
            self.sack_base(ip, t)
        };
        if !t.options.is_empty() {
            out.push_str(", options [");
            for (i, o) in t.options.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let blocks = |out: &mut String, blocks: &[(u32, u32)]| {
                    for (a, b) in blocks {
                        let _ = write!(
                            out,
                            "{{{}:{}}}",
                            a.wrapping_sub(sack_base),
                            b.wrapping_sub(sack_base)
                        );
                    }
                };
                let _ = match o {
                    TcpOpt::Nop => write!(out, "nop"),
                    TcpOpt::Eol => write!(out, "eol"),
                    TcpOpt::Mss(m) => write!(out, "mss {m}"),
                    TcpOpt::WScale(w) => write!(out, "wscale {w}"),
                    TcpOpt::SackOk => write!(out, "sackOK"),
                    TcpOpt::Sack(b) => {
                        let _ = write!(out, "sack {} ", b.len());
                        blocks(out, b);
                        Ok(())
                    }
                    TcpOpt::Ts(a, b) => write!(out, "TS val {a} ecr {b}"),
                    TcpOpt::Bad => write!(out, "[bad opt]"),
                    TcpOpt::Cut(cut) => {
                        // tcpdump ends the line at the cut; a value cut inside an option after
                        // the first gets a stray '>' (observed with tcpdump 4.99).
                        let inside = match cut {
                            // Observed: here tcpdump dumps the whole frame with -x/-X/-A.
                            CutOpt::Before => {
                                self.gave_up = true;
                                false
                            }
                            CutOpt::Named(name) => {
                                out.push_str(name);
                                true
                            }
                            CutOpt::Sack(n, b) => {
                                let _ = write!(out, "sack {n} ");
                                blocks(out, b);
                                true
                            }
                        };
                        out.push_str(" [|tcp]");
                        if inside && i > 0 {
                            out.push('>');
                        }
                        return;
                    }
                };
            }
            out.push(']');
        }
        let _ = write!(out, ", length {len}");
        if let (Some((have, need)), true) = (t.short, len > 0) {
            // Observed with tcpdump 4.99: the padding after an end-of-list option is missing
            // and a payload should follow.
            let _ = write!(
                out,
                " [remaining caplen({have}) < header length({need})] [|tcp]"
            );
            self.gave_up = true;
            return;
        }
        match &t.hint {
            Some(Http::Line(h)) => {
                let _ = write!(out, ": HTTP: {}", sanitize(h));
            }
            Some(Http::Cut) => {
                // tcpdump then dumps the whole frame with -x/-X/-A.
                out.push_str(": HTTP [|http]");
                self.gave_up = true;
            }
            None => {}
        }
    }
}

/// The key of `t`'s conversation in the table of initial sequence numbers (one entry per
/// conversation, addresses and ports in a fixed order), and whether `t` runs against that order.
fn conversation(ip: &IpInfo, t: &TcpInfo) -> (ConvKey, bool) {
    let rev = t.sport > t.dport || (t.sport == t.dport && ip.src > ip.dst);
    let ports = |a: u16, b: u16| (u32::from(a) << 16) | u32::from(b);
    if rev {
        ((ip.dst, ip.src, ports(t.dport, t.sport)), true)
    } else {
        ((ip.src, ip.dst, ports(t.sport, t.dport)), false)
    }
}

impl Formatter {
    /// The initial number of the direction `t` acknowledges, as recorded for its conversation
    /// (0 when none is).
    fn sack_base(&self, ip: &IpInfo, t: &TcpInfo) -> u32 {
        let (key, rev) = conversation(ip, t);
        match self.seqs.get(&key) {
            Some(&(base_seq, _)) if rev => base_seq,
            Some(&(_, base_ack)) => base_ack,
            None => 0,
        }
    }
}

/// print-icmp6.c: the target of a neighbour solicitation or advertisement and, with `-v`, the
/// fields and options of these and of router solicitations and advertisements; how it was cut short, when it was.
fn neighbour_discovery(
    out: &mut String,
    kind: u8,
    nd: &Nd,
    len: u32,
    verbose: u8,
) -> Result<(), Cut> {
    let fixed = match kind {
        135 | 136 => {
            let Some(target) = nd.target else {
                return Err(Cut::GaveUp);
            };
            let what = if kind == 135 { "who has" } else { "tgt is" };
            let _ = write!(out, ", {what} {}", super::dns::ipv6(target));
            24
        }
        134 => 16,
        _ => 8,
    };
    if verbose == 0 {
        return Ok(());
    }
    if kind == 134 {
        let Some(r) = nd.router else {
            return Err(Cut::GaveUp);
        };
        let flags = flag_names(
            r[1],
            &[
                (0x80, "managed"),
                (0x40, "other stateful"),
                (0x20, "home agent"),
                (0x02, "ipv6 only"),
            ],
        );
        let _ = write!(
            out,
            "\n\thop limit {}, Flags [{}], pref {}, router lifetime {}s, reachable time {}ms, \
             retrans timer {}ms",
            r[0],
            flags,
            router_preference(r[1]),
            u16::from_be_bytes([r[2], r[3]]),
            u32::from_be_bytes([r[4], r[5], r[6], r[7]]),
            u32::from_be_bytes([r[8], r[9], r[10], r[11]]),
        );
    }
    if kind == 136 {
        let names = flag_names(
            nd.flags,
            &[
                (0x8000_0000, "router"),
                (0x4000_0000, "solicited"),
                (0x2000_0000, "override"),
            ],
        );
        let _ = write!(out, ", Flags [{names}]");
    }
    nd_options(out, &nd.options, i64::from(len) - fixed, verbose)
}

/// Neighbour discovery options (RFC 4861 4.6 and later), each on its own line as
/// `\n\t  NAME option (TYPE), length BYTES (UNITS): BODY`, with `-vv` also in hex.
///
/// `announced` is how many option bytes the ICMPv6 length announces, `opts` the captured ones.
/// An error says how the options were cut short: a zero length or an option past the captured
/// bytes is a checked truncation; a field read past the captured bytes abandons the packet.
fn nd_options(out: &mut String, opts: &[u8], announced: i64, verbose: u8) -> Result<(), Cut> {
    for option in NdOptions::new(opts, announced) {
        let option = option?;
        let name = nd_option_name(option.kind);
        let _ = write!(
            out,
            "\n\t  {} option ({}), length {} ({}): ",
            name.unwrap_or("unknown"),
            option.kind,
            option.size(),
            option.units
        );
        nd_option_body(out, opts, option.at, option.kind, option.units)?;
        let body = option.body(opts);
        match (name, verbose) {
            // tcpdump's observable behaviour: an unknown option is dumped in hex even without
            // -vv, and nothing after it is printed.
            (None, 0 | 1) => {
                hex(out, "\n\t  ", body);
                break;
            }
            (_, 2..) => hex(out, "\n\t    ", body),
            (Some(_), _) => {}
        }
    }
    Ok(())
}

/// One neighbour discovery option's place in the options area: its type, its length in
/// eight-byte units and the offset of its type byte. The whole option is captured.
#[derive(Debug, Clone, Copy, PartialEq)]
struct NdOption {
    kind: u8,
    units: u8,
    at: usize,
}

impl NdOption {
    /// The option's length in bytes, type and length bytes included.
    fn size(self) -> usize {
        usize::from(self.units) * 8
    }

    /// The bytes after the type and length bytes, from the options area `opts`.
    fn body(self, opts: &[u8]) -> &[u8] {
        &opts[self.at + 2..self.at + self.size()]
    }
}

/// The options of a neighbour discovery message, in order. An option begins only within the
/// bytes the ICMPv6 length announces; the list ends with [`Cut::Trunc`] at a lone type byte,
/// a zero length or an option longer than what was captured (a lone type byte is reported
/// even past the announced length: tcpdump's observable behaviour).
struct NdOptions<'a> {
    opts: &'a [u8],
    announced: i64,
    at: usize,
}

impl<'a> NdOptions<'a> {
    fn new(opts: &'a [u8], announced: i64) -> NdOptions<'a> {
        NdOptions {
            opts,
            announced,
            at: 0,
        }
    }
}

impl Iterator for NdOptions<'_> {
    type Item = Result<NdOption, Cut>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.opts.get(self.at..).filter(|rest| !rest.is_empty())?;
        let at = self.at;
        // Whatever comes next, a failure ends the list.
        self.at = self.opts.len();
        let &[kind, units, ..] = rest else {
            return Some(Err(Cut::Trunc));
        };
        if i64::try_from(at).map_or(true, |at| at >= self.announced) {
            return None;
        }
        let option = NdOption { kind, units, at };
        if units == 0 || option.size() > rest.len() {
            return Some(Err(Cut::Trunc));
        }
        self.at = at + option.size();
        Some(Ok(option))
    }
}

/// The name tcpdump gives neighbour discovery option type `kind`.
fn nd_option_name(kind: u8) -> Option<&'static str> {
    Some(match kind {
        1 => "source link-address",
        2 => "destination link-address",
        3 => "prefix info",
        4 => "redirected header",
        5 => "mtu",
        7 => "advertisement interval",
        8 => "homeagent information",
        24 => "route info",
        25 => "rdnss",
        31 => "dnssl",
        _ => return None,
    })
}

/// Checked big-endian reads of the fields of the option that starts at `start` in `opts`.
///
/// tcpdump's observable behaviour: fields are read at their fixed offsets whatever the option's
/// length says, so a short option's fields come from the next one; only reading past the
/// captured bytes stops it, and then it abandons the packet ([`Cut::GaveUp`]).
struct OptionFields<'a> {
    opts: &'a [u8],
    start: usize,
}

impl OptionFields<'_> {
    fn bytes(&self, offset: usize, n: usize) -> Result<&[u8], Cut> {
        let at = self.start + offset;
        self.opts.get(at..at + n).ok_or(Cut::GaveUp)
    }

    fn u8(&self, offset: usize) -> Result<u8, Cut> {
        Ok(self.bytes(offset, 1)?[0])
    }

    fn u16(&self, offset: usize) -> Result<u16, Cut> {
        let b = self.bytes(offset, 2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&self, offset: usize) -> Result<u32, Cut> {
        let b = self.bytes(offset, 4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// An IPv6 address, of which only the first `len` bytes are in the option (the rest zero).
    fn ipv6(&self, offset: usize, len: usize) -> Result<String, Cut> {
        let mut a = [0u8; 16];
        a[..len].copy_from_slice(self.bytes(offset, len)?);
        Ok(super::dns::ipv6(std::net::Ipv6Addr::from(a)))
    }
}

/// A lifetime in seconds, all ones meaning forever (RFC 4861 4.6.2).
fn nd_lifetime(secs: u32) -> String {
    if secs == u32::MAX {
        "infinity".to_string()
    } else {
        format!("{secs}s")
    }
}

/// A default-router or route preference (RFC 4191 2.1), from the byte that holds it.
fn router_preference(b: u8) -> &'static str {
    ["medium", "high", "rsv", "low"][usize::from((b >> 3) & 0x03)]
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

/// The body of the neighbour discovery option of type `kind` and `units` eight-byte units at
/// `start` in `opts` (the option itself is captured; its fields may not be).
fn nd_option_body(
    out: &mut String,
    opts: &[u8],
    start: usize,
    kind: u8,
    units: u8,
) -> Result<(), Cut> {
    let f = OptionFields { opts, start };
    let size = usize::from(units) * 8;
    match kind {
        // Source and target link-layer address (RFC 4861 4.6.1): the whole option body.
        1 | 2 => out.push_str(&mac(&opts[start + 2..start + size])),
        // Prefix information (RFC 4861 4.6.2).
        3 => {
            let prefix = f.ipv6(16, 16)?;
            let (prefix_len, flags) = (f.u8(2)?, f.u8(3)?);
            let valid = f.u32(4)?;
            let _ = write!(
                out,
                "{prefix}/{prefix_len}{}, Flags [{}], valid time {}",
                if units == 4 { "" } else { "badlen" },
                flag_names(flags, &[(0x80, "onlink"), (0x40, "auto"), (0x20, "router")]),
                nd_lifetime(valid)
            );
            let preferred = f.u32(8)?;
            let _ = write!(out, ", pref. time {}", nd_lifetime(preferred));
        }
        // Redirected header: tcpdump's observable behaviour is to dump the option's length
        // in bytes from the start of the options, not of this option.
        4 => hex(out, "\n\t    ", opts.get(..size).unwrap_or(opts)),
        // MTU (RFC 4861 4.6.4).
        5 => {
            let mtu = f.u32(4)?;
            let bad = if units == 1 { "" } else { "bad option length" };
            let _ = write!(out, " {mtu}{bad}");
        }
        // Advertisement interval (RFC 6275 7.3), in milliseconds.
        7 => {
            let _ = write!(out, " {}ms", f.u32(4)?);
        }
        // Home agent information (RFC 6275 7.4).
        8 => {
            let (preference, lifetime) = (f.u16(4)?, f.u16(6)?);
            let _ = write!(out, " preference {preference}, lifetime {lifetime}");
        }
        // Route information (RFC 4191 2.3): the prefix takes 0, 8 or 16 bytes by length.
        24 => {
            let prefix_bytes = match units {
                1 => 0,
                2 => 8,
                3 => 16,
                // tcpdump's observable behaviour: a longer option ends the line as truncated.
                _ => return Err(Cut::Trunc),
            };
            // The option is captured whole, so none of these reads can fail.
            let _ = write!(
                out,
                " {}/{}, pref={}, lifetime={}",
                f.ipv6(8, prefix_bytes)?,
                f.u8(2)?,
                router_preference(f.u8(3)?),
                nd_lifetime(f.u32(4)?)
            );
        }
        // Recursive DNS servers (RFC 8106 5.1).
        25 => {
            let _ = write!(out, " lifetime {}s,", f.u32(4)?);
            for i in 0..(usize::from(units) - 1) / 2 {
                let _ = write!(out, " addr: {}", f.ipv6(8 + 16 * i, 16)?);
            }
        }
        // DNS search list (RFC 8106 5.2): names in DNS wire format, padded with zeros.
        31 => {
            let _ = write!(out, " lifetime {}s, domain(s):", f.u32(4)?);
            // Names run until the zero padding or the end of the option, whichever is first;
            // a name may itself read on past the option.
            let option = &opts[..start + size];
            let mut at = start + 8;
            while option.get(at).is_some_and(|&len| len != 0) {
                out.push(' ');
                let (name, next) = super::dns::domain_name(opts, at);
                out.push_str(&name);
                at = next.map_err(|stop| match stop {
                    super::dns::Stop::Truncated => Cut::Trunc,
                    super::dns::Stop::Abandoned => Cut::GaveUp,
                })?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// tcpdump's `-v` IP header: print-ip.c and print-ip6.c.
fn verbose_ip(out: &mut String, ip: &IpInfo) {
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
            match ip.ext.first() {
                Some((0, _)) => "Options",
                Some((44, _)) => "Fragment",
                Some(_) => "unknown",
                None => ipproto_name(ip.protocol),
            },
            ip.ext.first().map_or(ip.protocol, |e| e.0),
            ip.total_len.saturating_sub(40)
        );
    }
}

/// tcpdump's `ipproto_values` (ipproto.c), used with `-v`.
/// The IPv6 extension headers before the upper layer (RFC 8200 section 4), as tcpdump names them:
/// hop-by-hop and destination options (with `-v` their options), fragment offset and length.
fn extensions(out: &mut String, ip: &IpInfo, verbose: u8) {
    let mut used = 0u32;
    for (kind, raw) in &ip.ext {
        used += u32::try_from(raw.len()).unwrap_or(0);
        match kind {
            0 | 60 => {
                out.push_str(if *kind == 0 { "HBH " } else { "DSTOPT " });
                if verbose > 0 {
                    header_options(out, raw.get(2..).unwrap_or_default());
                }
            }
            _ => {
                let off = raw
                    .get(2..4)
                    .map_or(0, |b| u16::from_be_bytes([b[0], b[1]]) & !7);
                let len = ip.total_len.saturating_sub(40).saturating_sub(used);
                if verbose > 0 {
                    let id = raw
                        .get(4..8)
                        .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
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

/// The options of a hop-by-hop or destination options header tcpdump shows with `-v` (Pad1,
/// PadN, router alert of RFC 2711).
fn header_options(out: &mut String, opts: &[u8]) {
    let mut at = 0;
    while let Some(&kind) = opts.get(at) {
        if kind == 0 {
            out.push_str("(pad1) ");
            at += 1;
            continue;
        }
        let Some(&len) = opts.get(at + 1) else {
            break;
        };
        let body = opts.get(at + 2..at + 2 + usize::from(len));
        match (kind, body) {
            (1, Some(_)) => out.push_str("(padn) "),
            (5, Some(b)) if b.len() == 2 => {
                let _ = write!(out, "(rtalert: 0x{:02x}{:02x}) ", b[0], b[1]);
            }
            _ => {}
        }
        at += 2 + usize::from(len);
    }
}

/// A multicast listener query, report or done (MLDv1, RFC 2710) or a version 2 query or report
/// (RFC 3810 sections 5.1 and 5.2) after `ICMP6, `; `None` where the capture ends.
fn multicast_listener(out: &mut String, kind: u8, m: &[u8], verbose: u8) -> Option<()> {
    let u16_at = |at: usize| -> Option<u16> {
        Some(u16::from_be_bytes(m.get(at..at + 2)?.try_into().ok()?))
    };
    let addr = |at: usize| -> Option<std::net::Ipv6Addr> {
        let b: [u8; 16] = m.get(at..at + 16)?.try_into().ok()?;
        Some(std::net::Ipv6Addr::from(b))
    };
    let sources = |out: &mut String, at: usize, n: usize| -> Option<()> {
        if verbose > 1 {
            out.push_str(" {");
            for i in 0..n {
                let _ = write!(out, " {}", addr(at + 16 * i)?);
            }
            out.push_str(" }");
        } else {
            let _ = write!(out, ", {n} source(s)");
        }
        Some(())
    };
    match kind {
        143 => {
            let n = usize::from(u16_at(6)?);
            let _ = write!(out, "multicast listener report v2, {n} group record(s)");
            if verbose == 0 {
                return Some(());
            }
            let mut at = 8;
            for _ in 0..n {
                let kind = *m.get(at)?;
                let aux = usize::from(*m.get(at + 1)?) * 4;
                let nsrc = usize::from(u16_at(at + 2)?);
                let name = match kind {
                    1 => "is_in",
                    2 => "is_ex",
                    3 => "to_in",
                    4 => "to_ex",
                    5 => "allow",
                    6 => "block",
                    _ => "unknown",
                };
                let _ = write!(out, " [gaddr {} {name}", addr(at + 4)?);
                sources(out, at + 20, nsrc)?;
                out.push(']');
                at += 20 + 16 * nsrc + aux;
            }
        }
        130 if m.len() >= 28 => {
            out.push_str("multicast listener query v2");
            let nsrc = usize::from(u16_at(26)?);
            if verbose > 0 {
                let code = u32::from(u16_at(4)?);
                // RFC 3810 section 5.1.3: codes from 32768 on are a floating-point value.
                let delay = if code < 0x8000 {
                    code
                } else {
                    ((code & 0x0fff) | 0x1000) << (((code >> 12) & 7) + 3)
                };
                let _ = write!(out, " [max resp delay={delay}]");
            }
            let _ = write!(out, " [gaddr {}", addr(8)?);
            if verbose > 0 {
                let qrv = m.get(24)? & 7;
                let qqic = u32::from(*m.get(25)?);
                let qqi = if qqic < 128 {
                    qqic
                } else {
                    ((qqic & 0x0f) | 0x10) << (((qqic >> 4) & 7) + 3)
                };
                let _ = write!(out, " robustness={qrv} qqi={qqi}");
            }
            if nsrc > 0 {
                sources(out, 28, nsrc)?;
            }
            out.push(']');
        }
        _ => {
            let name = icmp_name(true, kind, 0);
            let _ = write!(
                out,
                "{name}max resp delay: {} addr: {}",
                u16_at(4)?,
                addr(8)?
            );
        }
    }
    Some(())
}

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

/// print-ascii.c `hex_print_with_offset`: lines of 8 16-bit groups, each line opened by `ident`
/// and the offset.
pub(crate) fn hex(out: &mut String, ident: &str, data: &[u8]) {
    for (i, pair) in data.chunks(2).enumerate() {
        if i % 8 == 0 {
            let _ = write!(out, "{ident}0x{:04x}: ", i * 2);
        }
        let _ = match pair {
            [a, b] => write!(out, " {a:02x}{b:02x}"),
            [a] => write!(out, " {a:02x}"),
            _ => Ok(()),
        };
    }
}

/// print-ascii.c `hex_and_ascii_print`: 16 bytes a line, hex in 16-bit groups, then the
/// printable characters (others as `.`).
fn hex_ascii(out: &mut String, data: &[u8]) {
    for (n, line) in data.chunks(16).enumerate() {
        let mut hexes = String::with_capacity(40);
        for pair in line.chunks(2) {
            hexes.push(' ');
            for b in pair {
                let _ = write!(hexes, "{b:02x}");
            }
        }
        let text: String = line
            .iter()
            .map(|&b| if graph(b) { char::from(b) } else { '.' })
            .collect();
        let _ = write!(out, "\n\t0x{:04x}: {hexes:<40}  {text}", n * 16);
    }
}

/// print-ascii.c `ascii_print`: printable characters, spaces, tabs and newlines as they are,
/// others as `.`; a CR is dropped before a newline or at the end.
fn ascii(out: &mut String, data: &[u8]) {
    out.push('\n');
    for (i, &b) in data.iter().enumerate() {
        let left = data.len() - i - 1;
        if b == b'\r' {
            if left > 1 && data.get(i + 1) != Some(&b'\n') {
                out.push('.');
            }
        } else if graph(b) || b == b'\t' || b == b' ' || b == b'\n' {
            out.push(char::from(b));
        } else {
            out.push('.');
        }
    }
}

/// netdissect-ctype.h `ND_ASCII_ISGRAPH`.
fn graph(b: u8) -> bool {
    (0x21..=0x7e).contains(&b)
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

/// tcpdump's TCP flag letters, in its order (print-tcp.c `tcp_flag_values`).
pub fn flags(f: u8) -> String {
    const LETTERS: [(u8, char); 8] = [
        (tcp_flags::FIN, 'F'),
        (tcp_flags::SYN, 'S'),
        (tcp_flags::RST, 'R'),
        (tcp_flags::PSH, 'P'),
        (tcp_flags::ACK, '.'),
        (tcp_flags::URG, 'U'),
        (tcp_flags::ECE, 'E'),
        (tcp_flags::CWR, 'W'),
    ];
    let s: String = LETTERS
        .iter()
        .filter(|(bit, _)| f & bit != 0)
        .map(|(_, c)| c)
        .collect();
    if s.is_empty() {
        "none".into()
    } else {
        s
    }
}

fn mac(b: &[u8]) -> String {
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

fn proto_name(p: u8) -> String {
    match p {
        1 => "ICMP".into(),
        2 => "IGMP".into(),
        6 => "tcp".into(),
        17 => "udp".into(),
        47 => "GREv0".into(),
        50 => "ESP".into(),
        58 => "ICMP6".into(),
        112 => "VRRP".into(),
        132 => "sctp".into(),
        other => format!("ip-proto-{other}"),
    }
}

fn icmp_known(v6: bool, kind: u8) -> bool {
    !icmp_name(v6, kind, 0).starts_with("type ")
}

fn icmp_name(v6: bool, kind: u8, code: u8) -> String {
    let known = if v6 {
        match kind {
            1 => Some("destination unreachable"),
            2 => Some("packet too big"),
            3 => Some("time exceeded in-transit"),
            128 => Some("echo request"),
            129 => Some("echo reply"),
            130 => Some("multicast listener query"),
            131 => Some("multicast listener report"),
            132 => Some("multicast listener done"),
            143 => Some("multicast listener report v2"),
            133 => Some("router solicitation"),
            134 => Some("router advertisement"),
            135 => Some("neighbor solicitation"),
            136 => Some("neighbor advertisement"),
            _ => None,
        }
    } else {
        match kind {
            0 => Some("echo reply"),
            3 => Some("unreachable"),
            5 => Some("redirect"),
            8 => Some("echo request"),
            11 => Some("time exceeded in-transit"),
            _ => None,
        }
    };
    known.map_or_else(|| format!("type {kind}, code {code}"), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_letters_follow_tcpdump_order() {
        assert_eq!(flags(tcp_flags::SYN | tcp_flags::ACK), "S.");
        assert_eq!(flags(tcp_flags::PSH | tcp_flags::ACK), "P.");
        assert_eq!(
            flags(tcp_flags::FIN | tcp_flags::PSH | tcp_flags::ACK),
            "FP."
        );
        assert_eq!(flags(0), "none");
    }
}
