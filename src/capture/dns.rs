//! DNS messages printed as `tcpdump -nn` prints them after a UDP port 53 or 5353 header.
//!
//! A pure function from the captured DNS bytes to text, following tcpdump 4.99's print-domain.c:
//! `4660+ [1au] A? example.com. (40)` for a query, `4660 2/0/0 CNAME www.example.com., A 10.0.0.1
//! (61)` for a response, more sections with `-vv`. Names are decompressed with tcpdump's rule that
//! a pointer must point backwards, so a loop cannot hang it; whatever does not parse ends the text
//! with ` [|domain]`, as in tcpdump. Every byte of a name is printed as printable ASCII (`M-`/`^`
//! escapes), so nothing here can reach the terminal as a control sequence.

use std::fmt::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Longest name tcpdump prints (nameser.h `MAXCDNAME`).
const MAXCDNAME: usize = 255;

/// The text tcpdump prints for DNS message `p` (the captured part of a UDP payload of `length`
/// bytes), at verbosity `verbose`; `mdns` for port 5353.
pub fn print(p: &[u8], length: u32, verbose: u8, mdns: bool) -> String {
    print_and_cut(p, length, verbose, mdns).0
}

/// [`print`], and whether tcpdump's printer gave up on a field read past the captured bytes (a
/// longjmp in print-domain.c, after which tcpdump dumps `-X` bytes from the link header on).
pub fn print_and_cut(p: &[u8], length: u32, verbose: u8, mdns: bool) -> (String, bool) {
    let mut out = String::with_capacity(80);
    let mut d = Dns {
        p,
        out: &mut out,
        verbose,
        mdns,
        gave_up: false,
    };
    if length < 12 {
        let _ = write!(d.out, "domain [length {length} < 12] (invalid)");
        return (out, false);
    }
    if d.message().is_none() {
        d.out.push_str(" [|domain]");
    } else {
        let _ = write!(d.out, " ({length})");
    }
    let gave_up = d.gave_up;
    (out, gave_up)
}

struct Dns<'a, 'o> {
    p: &'a [u8],
    out: &'o mut String,
    verbose: u8,
    mdns: bool,
    gave_up: bool,
}

fn be16(p: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*p.get(at)?, *p.get(at + 1)?]))
}

fn be32(p: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(p.get(at..at + 4)?.try_into().ok()?))
}

/// nameser.h opcodes as print-domain.c `ns_ops` shows them.
const OPS: [&str; 16] = [
    "",
    " inv_q",
    " stat",
    " op3",
    " notify",
    " update",
    " op6",
    " op7",
    " op8",
    " updateA",
    " updateD",
    " updateDA",
    " updateM",
    " updateMA",
    " zoneInit",
    " zoneRef",
];

/// Response codes as print-domain.c `ns_resp` shows them (two lack the space in tcpdump too).
const RCODES: [&str; 24] = [
    "",
    " FormErr",
    " ServFail",
    " NXDomain",
    " NotImp",
    " Refused",
    " YXDomain",
    " YXRRSet",
    " NXRRSet",
    " NotAuth",
    " NotZone",
    " Resp11",
    " Resp12",
    " Resp13",
    " Resp14",
    " NoChange",
    " BadVers",
    "Resp17",
    " Resp18",
    " Resp19",
    " Resp20",
    "Resp21",
    " Resp22",
    " BadCookie",
];

/// Record type names (print-domain.c `ns_type2str`); others print as `TypeN`.
fn type_name(t: u16) -> String {
    let name = match t {
        1 => "A",
        2 => "NS",
        3 => "MD",
        4 => "MF",
        5 => "CNAME",
        6 => "SOA",
        7 => "MB",
        8 => "MG",
        9 => "MR",
        10 => "NULL",
        11 => "WKS",
        12 => "PTR",
        13 => "HINFO",
        14 => "MINFO",
        15 => "MX",
        16 => "TXT",
        17 => "RP",
        18 => "AFSDB",
        19 => "X25",
        20 => "ISDN",
        21 => "RT",
        22 => "NSAP",
        23 => "NSAP_PTR",
        24 => "SIG",
        25 => "KEY",
        26 => "PX",
        27 => "GPOS",
        28 => "AAAA",
        29 => "LOC",
        30 => "NXT",
        31 => "EID",
        32 => "NIMLOC",
        33 => "SRV",
        34 => "ATMA",
        35 => "NAPTR",
        36 => "KX",
        37 => "CERT",
        38 => "A6",
        39 => "DNAME",
        40 => "SINK",
        41 => "OPT",
        42 => "APL",
        43 => "DS",
        44 => "SSHFP",
        45 => "IPSECKEY",
        46 => "RRSIG",
        47 => "NSEC",
        48 => "DNSKEY",
        99 => "SPF",
        100 => "UINFO",
        101 => "UID",
        102 => "GID",
        103 => "UNSPEC",
        104 => "UNSPECA",
        249 => "TKEY",
        250 => "TSIG",
        251 => "IXFR",
        252 => "AXFR",
        253 => "MAILB",
        254 => "MAILA",
        255 => "ANY",
        256 => "URI",
        other => return format!("Type{other}"),
    };
    name.to_string()
}

fn class_name(c: u16) -> String {
    match c {
        1 => "IN".into(),
        3 => "CHAOS".into(),
        4 => "HS".into(),
        255 => "ANY".into(),
        other => format!("(Class {other})"),
    }
}

/// util-print.c `fn_print_char`: every byte as printable ASCII.
fn print_char(out: &mut String, mut c: u8) {
    if !c.is_ascii() {
        c &= 0x7f;
        out.push_str("M-");
    }
    if !(0x20..=0x7e).contains(&c) {
        c ^= 0x40;
        out.push('^');
    }
    out.push(char::from(c));
}

impl Dns<'_, '_> {
    fn byte(&self, at: usize) -> Option<u8> {
        self.p.get(at).copied()
    }

    /// Bytes of `n` bytes at `at`, printed; `None` when they were not captured (`nd_printn`).
    fn printn(&mut self, at: usize, n: usize) -> Option<()> {
        for i in 0..n {
            let c = self.byte(at + i)?;
            print_char(self.out, c);
        }
        Some(())
    }

    /// print-domain.c `ns_nskip`: the offset after the name at `at`.
    fn skip(&self, mut at: usize) -> Option<usize> {
        let mut i = self.byte(at)?;
        at += 1;
        while i != 0 {
            match i & 0xc0 {
                0xc0 => return Some(at + 1),
                0x40 => {
                    if i & 0x3f != 1 {
                        return None;
                    }
                    let bits = match self.byte(at)? {
                        0 => 256,
                        b => usize::from(b),
                    };
                    at += 1 + bits.div_ceil(8);
                }
                0x80 => return None,
                _ => at += usize::from(i),
            }
            i = self.byte(at)?;
            at += 1;
        }
        Some(at)
    }

    /// print-domain.c `labellen`; `None` for a label type toolbox (or tcpdump) does not print.
    fn label_len(&mut self, at: usize) -> Option<usize> {
        let i = self.byte(at)?;
        match i & 0xc0 {
            0x40 => {
                if i & 0x3f != 1 {
                    let _ = write!(self.out, "<ELT {}>", i & 0x3f);
                    return None;
                }
                // A bit-string label (RFC 2673): its length byte and the bits.
                let bits = match self.byte(at + 1)? {
                    0 => 256,
                    b => usize::from(b),
                };
                Some(bits.div_ceil(8) + 1)
            }
            0x80 => {
                self.out.push_str("<BAD LABEL TYPE>");
                None
            }
            _ => Some(usize::from(i)),
        }
    }

    /// print-domain.c `blabel_print`: a bit-string label as `\[xHEX/BITS]` (tcpdump reads up to
    /// (bits + 3) / 4 bytes; so does this).
    fn bit_label(&mut self, at: usize) -> Option<()> {
        let bits = match self.byte(at)? {
            0 => 256,
            b => usize::from(b),
        };
        let lim = at + 1 + bits.div_ceil(4);
        // Reads of the bits are unchecked in tcpdump: running out of bytes gives up.
        self.gave_up = true;
        self.out.push_str("\\[x");
        let (mut bp, mut b) = (at + 1, bits);
        while bp < lim && b > 7 {
            let _ = write!(self.out, "{:02x}", self.byte(bp)?);
            b -= 8;
            bp += 1;
        }
        if b > 4 {
            let tc = u32::from(self.byte(bp)?);
            let _ = write!(self.out, "{:02x}", tc & (0xff << (8 - b)));
        } else if b > 0 {
            let tc = u32::from(self.byte(bp)?);
            let _ = write!(self.out, "{:1x}", (tc >> 4) & 0x0f & (0x0f << (4 - b)));
        }
        let _ = write!(self.out, "/{bits}]");
        self.gave_up = false;
        Some(())
    }

    /// print-domain.c `fqdn_print`: print the name at `at`; the offset after it in place.
    fn name(&mut self, mut at: usize) -> Option<usize> {
        let mut l = self.label_len(at)?;
        let mut max_offset = at;
        let mut i = self.byte(at)?;
        at += 1;
        let mut compressed = false;
        // Where the name ends in place: unknown yet when it starts with a pointer.
        let mut rp = (i & 0xc0 != 0xc0).then_some(at + l);
        if i == 0 {
            self.out.push('.');
            return rp;
        }
        let mut chars = 0usize;
        while i != 0 && at < self.p.len() {
            if i & 0xc0 == 0xc0 {
                if !compressed {
                    rp = Some(at + 1);
                    compressed = true;
                }
                let offset = (usize::from(i) << 8 | usize::from(self.byte(at)?)) & 0x3fff;
                // Pointers must go backwards, so every name ends.
                if offset >= max_offset {
                    self.out.push_str("<BAD PTR>");
                    return None;
                }
                max_offset = offset;
                at = offset;
                i = self.byte(at)?;
                l = self.label_len(at)?;
                at += 1;
                continue;
            }
            if i & 0xc0 == 0x40 {
                // Bit labels do not count towards the name length (as in tcpdump).
                self.bit_label(at)?;
            } else {
                if chars + l <= MAXCDNAME {
                    self.printn(at, l)?;
                } else if chars < MAXCDNAME {
                    self.printn(at, MAXCDNAME - chars)?;
                }
                chars += l;
            }
            at += l;
            if chars <= MAXCDNAME {
                self.out.push('.');
            }
            chars += 1;
            i = self.byte(at)?;
            l = self.label_len(at)?;
            at += 1;
            if !compressed {
                rp = rp.map(|r| r + l + 1);
            }
        }
        if chars > MAXCDNAME {
            self.out.push_str("<DOMAIN NAME TOO LONG>");
        }
        rp
    }

    /// print-domain.c `ns_qprint`: ` TYPE? name.`; the offset after the question.
    fn question(&mut self, at: usize) -> Option<usize> {
        let after = self.skip(at)?;
        let t = be16(self.p, after)?;
        let raw_class = be16(self.p, after + 2)?;
        let _ = write!(self.out, " {}", type_name(t));
        let class = if self.mdns {
            raw_class & !0x8000
        } else {
            raw_class
        };
        if class != 1 {
            let _ = write!(self.out, " {}", class_name(class));
        }
        if self.mdns {
            self.out.push_str(if raw_class & 0x8000 != 0 {
                " (QU)"
            } else {
                " (QM)"
            });
        }
        self.out.push_str("? ");
        Some(self.name(at)? + 4)
    }

    /// print-domain.c `ns_rprint`: one resource record; the offset after it.
    fn record(&mut self, at: usize) -> Option<usize> {
        let mut cp = if self.verbose > 0 {
            self.out.push(' ');
            self.name(at)?
        } else {
            match self.skip(at) {
                Some(c) => c,
                None => return Some(self.p.len()),
            }
        };
        if self.p.len() < cp + 10 {
            return Some(self.p.len());
        }
        let typ = be16(self.p, cp)?;
        let raw_class = be16(self.p, cp + 2)?;
        cp += 4;
        let class = if self.mdns {
            raw_class & !0x8000
        } else {
            raw_class
        };
        if class != 1 && typ != 41 {
            let _ = write!(self.out, " {}", class_name(class));
        }
        if self.mdns && raw_class & 0x8000 != 0 {
            self.out.push_str(" (Cache flush)");
        }
        let mut opt_flags = 0;
        if typ == 41 {
            opt_flags = be16(self.p, cp + 2)?;
        } else if self.verbose > 2 {
            self.out.push_str(" [");
            relts(self.out, be32(self.p, cp)?);
            self.out.push(']');
        }
        cp += 4;
        let len = usize::from(be16(self.p, cp)?);
        cp += 2;
        let rp = cp + len;
        let _ = write!(self.out, " {}", type_name(typ));
        if rp > self.p.len() {
            return None;
        }
        match typ {
            1 => {
                let a: [u8; 4] = self.p.get(cp..cp + 4)?.try_into().ok()?;
                let _ = write!(self.out, " {}", Ipv4Addr::from(a));
            }
            2 | 5 | 12 | 39 => {
                self.out.push(' ');
                self.name(cp)?;
            }
            6 if self.verbose > 0 => {
                self.out.push(' ');
                let c = self.name(cp)?;
                self.out.push(' ');
                let c = self.name(c)?;
                self.p.get(c..c + 20)?;
                for k in 0..5 {
                    let _ = write!(self.out, " {}", be32(self.p, c + 4 * k)?);
                }
            }
            15 => {
                self.out.push(' ');
                be16(self.p, cp)?;
                self.name(cp + 2)?;
                let _ = write!(self.out, " {}", be16(self.p, cp)?);
            }
            16 => {
                while cp < rp {
                    self.out.push_str(" \"");
                    let n = usize::from(self.byte(cp)?);
                    self.printn(cp + 1, n)?;
                    cp += 1 + n;
                    self.out.push('"');
                }
            }
            33 => {
                self.out.push(' ');
                self.p.get(cp..cp + 6)?;
                self.name(cp + 6)?;
                let _ = write!(
                    self.out,
                    ":{} {} {}",
                    be16(self.p, cp + 4)?,
                    be16(self.p, cp)?,
                    be16(self.p, cp + 2)?
                );
            }
            28 => {
                let a: [u8; 16] = self.p.get(cp..cp + 16)?.try_into().ok()?;
                let _ = write!(self.out, " {}", ipv6(Ipv6Addr::from(a)));
            }
            38 => {
                // A6 (RFC 2874): prefix length, address suffix, prefix name.
                self.gave_up = true;
                let pbit = self.byte(cp)?;
                self.gave_up = false;
                let pbyte = usize::from(pbit & !7) / 8;
                if pbit > 128 {
                    let _ = write!(self.out, " {pbit}(bad plen)");
                } else {
                    if pbit < 128 {
                        let mut a = [0u8; 16];
                        self.gave_up = true;
                        a[pbyte..].copy_from_slice(self.p.get(cp + 1..cp + 1 + 16 - pbyte)?);
                        self.gave_up = false;
                        let _ = write!(self.out, " {pbit} {}", ipv6(Ipv6Addr::from(a)));
                    }
                    if pbit > 0 {
                        self.out.push(' ');
                        self.name(cp + 1 + 16 - pbyte)?;
                    }
                }
            }
            256 => {
                // URI (RFC 7553): priority, weight, target.
                self.p.get(cp..cp + len)?;
                let _ = write!(
                    self.out,
                    " {} {} ",
                    be16(self.p, cp)?,
                    be16(self.p, cp + 2)?
                );
                match len.checked_sub(4) {
                    Some(n) => self.printn(cp + 4, n)?,
                    None => {
                        // tcpdump prints to the end of the capture, then gives up.
                        let rest = self.p.len().saturating_sub(cp + 4);
                        self.printn(cp + 4, rest)?;
                        return None;
                    }
                }
            }
            104 => {
                self.p.get(cp..cp + len)?;
                self.printn(cp, len)?;
            }
            250 if self.verbose > 0 => {
                self.out.push(' ');
                let mut c = self.name(cp)? + 6;
                let _ = write!(self.out, " fudge={}", be16(self.p, c)?);
                c += 2;
                let maclen = be16(self.p, c)?;
                let _ = write!(self.out, " maclen={maclen}");
                c += 2 + usize::from(maclen);
                let _ = write!(self.out, " origid={}", be16(self.p, c)?);
                let _ = write!(self.out, " error={}", be16(self.p, c + 2)?);
                let _ = write!(self.out, " otherlen={}", be16(self.p, c + 4)?);
            }
            41 => {
                let _ = write!(self.out, " UDPsize={class}");
                if opt_flags & 0x8000 != 0 {
                    self.out.push_str(" DO");
                }
                if cp < rp {
                    self.out.push_str(" [");
                    while cp < rp {
                        cp = self.edns_option(cp)?;
                        if cp < rp {
                            self.out.push(',');
                        }
                    }
                    self.out.push(']');
                }
            }
            _ => {}
        }
        Some(rp)
    }

    /// print-domain.c `eopt_print`: one EDNS option (RFC 6891); the offset after it.
    fn edns_option(&mut self, cp: usize) -> Option<usize> {
        let opt = be16(self.p, cp)?;
        let name = match opt {
            1 => "LLQ",
            2 => "UL",
            3 => "NSID",
            5 => "DAU",
            6 => "DHU",
            7 => "N3U",
            8 => "ECS",
            9 => "EXPIRE",
            10 => "COOKIE",
            11 => "KEEPALIVE",
            12 => "PADDING",
            13 => "CHAIN",
            14 => "KEY-TAG",
            16 => "CLIENT-TAG",
            17 => "SERVER-TAG",
            _ => "",
        };
        if name.is_empty() {
            let _ = write!(self.out, "Opt{opt}");
        } else {
            self.out.push_str(name);
        }
        let len = usize::from(be16(self.p, cp + 2)?);
        let data = self.p.get(cp + 4..cp + 4 + len)?;
        if len == 0 {
            return Some(cp + 4);
        }
        self.out.push(' ');
        let invalid = " (invalid)";
        let joined = |items: Vec<String>| items.join(" ");
        let text = match opt {
            8 => ecs(data).unwrap_or_else(|| invalid.into()),
            10 if len < 8 || (len > 8 && len < 16) || len > 40 => invalid.into(),
            10 => {
                let hexes = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
                if len > 8 {
                    format!("{} {}", hexes(&data[..8]), hexes(&data[8..]))
                } else {
                    hexes(data)
                }
            }
            11 if len != 2 => invalid.into(),
            11 => format!("{:.1} sec", f64::from(be16(data, 0)?) / 10.0),
            9 if len != 4 => invalid.into(),
            9 => format!("{} sec", be32(data, 0)?),
            12 => format!("({len})"),
            14 if len % 2 != 0 => invalid.into(),
            14 => joined(
                data.chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]).to_string())
                    .collect(),
            ),
            5..=7 => joined(data.iter().map(|&a| algorithm(opt, a)).collect()),
            // NSID, CHAIN (not decompressed here) and unknown options: hex.
            _ => data.iter().map(|x| format!("{x:02x}")).collect(),
        };
        self.out.push_str(&text);
        Some(cp + 4 + len)
    }

    /// ` name` records, comma-separated, while captured bytes remain (the loops of
    /// `domain_print`); `None` when a record does not parse or records are missing.
    fn records(&mut self, mut cp: usize, mut count: u16, label: &str) -> Option<usize> {
        if count == 0 {
            return Some(cp);
        }
        if cp < self.p.len() || label.is_empty() {
            self.out.push_str(label);
            cp = self.record(cp)?;
            count -= 1;
            while cp < self.p.len() && count > 0 {
                self.out.push(',');
                cp = self.record(cp)?;
                count -= 1;
            }
        }
        (count == 0).then_some(cp)
    }

    /// print-domain.c `domain_print` after the length check.
    fn message(&mut self) -> Option<()> {
        let p = self.p;
        let id = be16(p, 0)?;
        let flags = be16(p, 2)?;
        let qd = be16(p, 4)?;
        let an = be16(p, 6)?;
        let ns = be16(p, 8)?;
        let ar = be16(p, 10)?;
        let opcode = usize::from((flags >> 11) & 0xf);
        if flags & 0x8000 != 0 {
            let rcode = self.extended_rcode(flags, qd, an, ns, ar);
            let rcode = RCODES
                .get(usize::from(rcode))
                .map_or_else(|| format!(" Resp{}", rcode & 0xfff), |s| s.to_string());
            let _ = write!(
                self.out,
                "{id}{}{rcode}{}{}{}{}",
                OPS[opcode],
                if flags & 0x0400 != 0 { "*" } else { "" },
                if flags & 0x0080 != 0 { "" } else { "-" },
                if flags & 0x0200 != 0 { "|" } else { "" },
                if flags & 0x0020 != 0 { "$" } else { "" },
            );
            if qd != 1 {
                let _ = write!(self.out, " [{qd}q]");
            }
            let mut cp = 12;
            for i in 0..qd {
                if i != 0 {
                    self.out.push(',');
                }
                if self.verbose > 1 {
                    self.out.push_str(" q:");
                    cp = self.question(cp)?;
                } else {
                    cp = self.skip(cp)? + 4;
                }
            }
            let _ = write!(self.out, " {an}/{ns}/{ar}");
            cp = self.records(cp, an, "")?;
            if self.verbose > 1 {
                cp = self.records(cp, ns, " ns:")?;
                self.records(cp, ar, " ar:")?;
            }
        } else {
            let _ = write!(
                self.out,
                "{id}{}{}{}",
                OPS[opcode],
                if flags & 0x0100 != 0 { "+" } else { "" },
                if flags & 0x0010 != 0 { "%" } else { "" },
            );
            if flags & 0x6cf != 0 {
                let _ = write!(self.out, " [b2&3=0x{flags:x}]");
            }
            if opcode == 1 {
                if qd != 0 {
                    let _ = write!(self.out, " [{qd}q]");
                }
                if an != 1 {
                    let _ = write!(self.out, " [{an}a]");
                }
            } else {
                if an != 0 {
                    let _ = write!(self.out, " [{an}a]");
                }
                if qd != 1 {
                    let _ = write!(self.out, " [{qd}q]");
                }
            }
            if ns != 0 {
                let _ = write!(self.out, " [{ns}n]");
            }
            if ar != 0 {
                let _ = write!(self.out, " [{ar}au]");
            }
            let mut cp = 12;
            let mut left = qd;
            if left > 0 {
                cp = self.question(cp)?;
                left -= 1;
                while cp < p.len() && left > 0 {
                    cp = self.question(cp)?;
                    left -= 1;
                }
            }
            if left > 0 {
                return None;
            }
            if self.verbose > 1 {
                cp = self.records(cp, an, "")?;
                cp = self.records(cp, ns, " ns:")?;
                self.records(cp, ar, " ar:")?;
            }
        }
        Some(())
    }

    /// The response code with the upper bits from an OPT record (RFC 6891), as domain_print
    /// finds it: a walk over the sections that gives up quietly when they are cut short.
    fn extended_rcode(&self, flags: u16, qd: u16, an: u16, ns: u16, ar: u16) -> u16 {
        let rcode = flags & 0xf;
        let end = self.p.len();
        let mut cp = 12;
        for _ in 0..qd {
            let Some(c) = self.skip(cp) else {
                return rcode;
            };
            cp = c + 4;
            if cp >= end {
                return rcode;
            }
        }
        for _ in 0..u32::from(an) + u32::from(ns) {
            let Some(c) = self.skip(cp) else {
                return rcode;
            };
            cp = c + 8;
            let Some(rdlen) = be16(self.p, cp) else {
                return rcode;
            };
            cp += 2 + usize::from(rdlen);
            if cp >= end {
                return rcode;
            }
        }
        for _ in 0..ar {
            let Some(c) = self.skip(cp) else {
                return rcode;
            };
            let Some(t) = be16(self.p, c) else {
                return rcode;
            };
            cp = c + 4;
            let Some(hi) = self.byte(cp) else {
                return rcode;
            };
            if t == 41 {
                return rcode | u16::from(hi) << 4;
            }
            cp += 4;
            let Some(rdlen) = be16(self.p, cp) else {
                return rcode;
            };
            cp += 2 + usize::from(rdlen);
            if cp >= end {
                return rcode;
            }
        }
        rcode
    }
}

/// A domain name at `at` in `p` as tcpdump's `fqdn_print` prints it (pointers relative to the
/// start of `p`), and the offset after it; `None` when it does not parse (the text so far is
/// still returned, as tcpdump prints it), with whether tcpdump gave up on a short read there.
pub(crate) fn fqdn(p: &[u8], at: usize) -> (String, Option<usize>, bool) {
    let mut out = String::new();
    let mut d = Dns {
        p,
        out: &mut out,
        verbose: 0,
        mdns: false,
        gave_up: false,
    };
    let next = d.name(at);
    let gave_up = d.gave_up;
    (out, next, gave_up)
}

/// An IPv6 address as tcpdump's `addrtostr6` writes it: like Rust's (RFC 5952), except that an
/// address whose first six groups alone are zero keeps the IPv4-compatible form `::a.b.c.d`.
pub(crate) fn ipv6(a: Ipv6Addr) -> String {
    let s = a.segments();
    if s[..6].iter().all(|&g| g == 0) && s[6] != 0 {
        let o = a.octets();
        format!("::{}", Ipv4Addr::new(o[12], o[13], o[14], o[15]))
    } else {
        a.to_string()
    }
}

/// The EDNS client subnet option (RFC 7871) as `addr/source/scope`; `None` when invalid.
fn ecs(d: &[u8]) -> Option<String> {
    let family = be16(d, 0)?;
    let (src, scope) = (*d.get(2)?, *d.get(3)?);
    let bits: u8 = match family {
        1 => 32,
        2 => 128,
        _ => return None,
    };
    let addr = d.get(4..)?;
    let bytes = usize::from(bits / 8);
    if addr.len() > bytes
        || src > bits
        || scope > bits
        || usize::from(src).div_ceil(8) != addr.len()
    {
        return None;
    }
    let mut padded = [0u8; 16];
    padded[..addr.len()].copy_from_slice(addr);
    let shown = if family == 1 {
        Ipv4Addr::new(padded[0], padded[1], padded[2], padded[3]).to_string()
    } else {
        ipv6(Ipv6Addr::from(padded))
    };
    Some(format!("{shown}/{src}/{scope}"))
}

/// DNSSEC algorithm names of the DAU, DHU and N3U options (print-domain.c `dau_alg2str`...).
fn algorithm(opt: u16, a: u8) -> String {
    let name = match (opt, a) {
        (5, 0) => "DELETE",
        (5, 1) => "RSAMD5",
        (5, 2) => "DH",
        // Sic: tcpdump 4.99 names algorithm 3 (DSA) "DS".
        (5, 3) => "DS",
        (5, 5) => "RSASHA1",
        (5, 6) => "DSA-NSEC3-SHA1",
        (5, 7) => "RSASHA1-NSEC3-SHA1",
        (5, 8) => "RSASHA256",
        (5, 10) => "RSASHA512",
        (5, 12) => "ECC-GOST",
        (5, 13) => "ECDSAP256SHA256",
        (5, 14) => "ECDSAP384SHA384",
        (5, 15) => "ED25519",
        (5, 16) => "ED448",
        (5, 252) => "INDIRECT",
        (5, 253) => "PRIVATEDNS",
        (5, 254) => "PRIVATEOID",
        (6, 1) | (7, 1) => "SHA-1",
        (6, 2) => "SHA-256",
        (6, 3) => "GOST_R_34.11-94",
        (6, 4) => "SHA-384",
        _ => return format!("Alg_{a}"),
    };
    name.to_string()
}

/// util-print.c `unsigned_relts_print`: a TTL as `1h2m3s`.
fn relts(out: &mut String, mut secs: u32) {
    const UNITS: [(u32, char); 6] = [
        (31_536_000, 'y'),
        (604_800, 'w'),
        (86_400, 'd'),
        (3_600, 'h'),
        (60, 'm'),
        (1, 's'),
    ];
    if secs == 0 {
        out.push_str("0s");
        return;
    }
    for (len, unit) in UNITS {
        if secs >= len {
            let _ = write!(out, "{}{unit}", secs / len);
            secs %= len;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Any bytes, at any verbosity, print without panicking or looping.
        #[test]
        fn random_messages_never_panic(p in proptest::collection::vec(any::<u8>(), 0..300),
                                       len in any::<u32>(), v in 0u8..4, mdns in any::<bool>()) {
            let _ = print(&p, len, v, mdns);
        }

        /// A plausible header (few records, query or response) over random sections, with
        /// compression pointers sprinkled in, reaches the name and record printers.
        #[test]
        fn random_sections_never_panic(counts in proptest::array::uniform4(0u16..4),
                                       flags in any::<u16>(),
                                       mut body in proptest::collection::vec(any::<u8>(), 0..200),
                                       ptrs in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..64), 0..6),
                                       v in 0u8..4) {
            for (i, to) in ptrs {
                if !body.is_empty() {
                    let at = i.index(body.len());
                    body[at] = 0xc0;
                    if at + 1 < body.len() {
                        body[at + 1] = to;
                    }
                }
            }
            let mut p = vec![0x12, 0x34];
            p.extend_from_slice(&flags.to_be_bytes());
            for c in counts {
                p.extend_from_slice(&c.to_be_bytes());
            }
            p.extend_from_slice(&body);
            let out = print(&p, p.len() as u32, v, false);
            prop_assert!(out.chars().all(|c| (' '..='~').contains(&c)), "{out:?}");
        }
    }

    #[test]
    fn ipv6_keeps_tcpdumps_ipv4_compatible_form() {
        let v6 = |s: &str| ipv6(s.parse().unwrap_or(Ipv6Addr::UNSPECIFIED));
        assert_eq!(v6("::c000:201"), "::192.0.2.1");
        assert_eq!(v6("::1"), "::1");
        assert_eq!(v6("::ffff:192.0.2.1"), "::ffff:192.0.2.1");
        assert_eq!(v6("2001:db8::1"), "2001:db8::1");
    }

    #[test]
    fn query_and_pointer_loop() {
        let mut q = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        q.extend_from_slice(b"\x07example\x03com\x00\x00\x01\x00\x01");
        assert_eq!(print(&q, 29, 0, false), "4660+ A? example.com. (29)");
        // A name that points at itself ends with tcpdump's marker instead of looping.
        let mut r = vec![
            0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1,
        ];
        r.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 10, 0, 0, 1]);
        assert!(print(&r, 34, 2, false).ends_with(" [|domain]"));
    }
}
