//! DNS messages (RFC 1035, EDNS RFC 6891, mDNS RFC 6762) as `tcpdump -nn` prints them after a
//! UDP port 53 or 5353 header.
//!
//! [`print()`] is a pure function from the captured message bytes to one line of text:
//! `4660+ [1au] A? example.com. (40)` for a query, `4660 2/0/0 CNAME www.example.com., A 10.0.0.1
//! (61)` for a response, the other sections with `-vv` and TTLs with `-vvv`. The byte-for-byte
//! specification is tcpdump's output itself (tests/capture.rs compares the two on real traffic and
//! on thousands of mutated messages); the places where that output has a peculiarity are marked
//! "tcpdump's observable behaviour" below.
//!
//! Every read goes through `Message`, whose reads are checked: a message cut short ends the text
//! with ` [|domain]`, never a panic. Compression pointers must point strictly backwards, so no
//! name can loop. Name bytes are printed as printable ASCII (`M-`/`^` escapes) so nothing from a
//! packet reaches the terminal as a control sequence.

use std::fmt::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Why printing a message stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// Something tcpdump checks before reading was missing or malformed: the text ends with
    /// ` [|domain]`.
    Truncated,
    /// Something tcpdump reads without a prior check was not captured: tcpdump abandons the
    /// packet (same text, but its `-x`/`-X` dump then starts at the link header).
    Abandoned,
}

/// The result of one printing step.
type Step<T> = Result<T, Stop>;

/// Turns a checked read that tcpdump does not check into [`Stop::Abandoned`].
fn unchecked<T>(step: Step<T>) -> Step<T> {
    step.map_err(|_| Stop::Abandoned)
}

/// Longest name tcpdump prints in full (RFC 1035's 255 octets); longer ones are cut and marked.
const NAME_BUDGET: usize = 255;

/// The text tcpdump prints for DNS message `p` (the captured part of a UDP payload of `length`
/// bytes), at verbosity `verbose`; `mdns` for port 5353.
pub fn print(p: &[u8], length: u32, verbose: u8, mdns: bool) -> String {
    print_and_cut(p, length, verbose, mdns).0
}

/// [`print()`], and whether tcpdump abandoned the packet on a read past the captured bytes (after
/// which its `-X` dump starts at the link header).
pub fn print_and_cut(p: &[u8], length: u32, verbose: u8, mdns: bool) -> (String, bool) {
    if length < 12 {
        return (format!("domain [length {length} < 12] (invalid)"), false);
    }
    let mut printer = Printer {
        msg: Message(p),
        out: String::with_capacity(80),
        verbose,
        mdns,
    };
    let stop = printer.message().err();
    let mut out = printer.out;
    match stop {
        None => {
            let _ = write!(out, " ({length})");
        }
        Some(_) => out.push_str(" [|domain]"),
    }
    (out, stop == Some(Stop::Abandoned))
}

/// The domain name at offset `at` of `p` as tcpdump prints it (compression pointers relative to
/// the start of `p`), and the offset just after it in place; on an error the text printed so far
/// is still returned, as tcpdump prints it.
pub(crate) fn domain_name(p: &[u8], at: usize) -> (String, Step<usize>) {
    let mut printer = Printer {
        msg: Message(p),
        out: String::new(),
        verbose: 0,
        mdns: false,
    };
    let next = printer.name(at);
    (printer.out, next)
}

/// The captured bytes of a message, with checked big-endian reads.
#[derive(Clone, Copy)]
struct Message<'a>(&'a [u8]);

impl<'a> Message<'a> {
    fn len(self) -> usize {
        self.0.len()
    }

    fn bytes(self, at: usize, n: usize) -> Step<&'a [u8]> {
        let end = at.checked_add(n).ok_or(Stop::Truncated)?;
        self.0.get(at..end).ok_or(Stop::Truncated)
    }

    fn u8(self, at: usize) -> Step<u8> {
        self.0.get(at).copied().ok_or(Stop::Truncated)
    }

    fn u16(self, at: usize) -> Step<u16> {
        let b = self.bytes(at, 2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(self, at: usize) -> Step<u32> {
        let b = self.bytes(at, 4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Up to `n` bytes at `at`: fewer when the capture ends first.
    fn available(self, at: usize, n: usize) -> &'a [u8] {
        let rest = self.0.get(at..).unwrap_or_default();
        &rest[..n.min(rest.len())]
    }
}

/// What the byte that starts a label says (RFC 1035 4.1.4, RFC 2673 bit-string labels).
#[derive(Clone, Copy)]
enum Label {
    /// The zero byte that ends a name.
    Root,
    /// An ordinary label of this many bytes.
    Text(usize),
    /// A bit-string label (extended type 1) of this many bits (1..=256).
    Bits(usize),
    /// A compression pointer whose first byte is this.
    Pointer(u8),
}

impl Label {
    /// How many bytes after the length byte tcpdump takes this label to occupy. For a pointer
    /// that is its first byte read as a length: tcpdump's observable behaviour when a name ends
    /// at the capture boundary on a pointer.
    fn span(self) -> usize {
        match self {
            Label::Root => 0,
            Label::Text(n) => n,
            Label::Bits(bits) => 1 + bits.div_ceil(8),
            Label::Pointer(b) => usize::from(b),
        }
    }
}

/// A label of a name to print: where its bytes are in the message.
#[derive(Clone, Copy)]
enum NamePart {
    /// An ordinary label of `len` bytes at `at`.
    Text { at: usize, len: usize },
    /// A bit-string label of `bits` bits whose bytes start at `at`.
    Bits { at: usize, bits: usize },
}

/// Why reading a name broke off.
#[derive(Clone, Copy)]
enum NameBreak {
    /// A read failed; nothing more is printed.
    Stop(Stop),
    /// A compression pointer that does not point backwards: `<BAD PTR>`.
    BadPointer,
    /// An extended label type other than bit-string: `<ELT TYPE>`.
    ExtendedType(u8),
    /// The reserved label type: `<BAD LABEL TYPE>`.
    BadType,
}

impl From<Stop> for NameBreak {
    fn from(stop: Stop) -> NameBreak {
        NameBreak::Stop(stop)
    }
}

/// Record types with their own rdata printer.
mod rtype {
    pub const A: u16 = 1;
    pub const NS: u16 = 2;
    pub const CNAME: u16 = 5;
    pub const SOA: u16 = 6;
    pub const PTR: u16 = 12;
    pub const MX: u16 = 15;
    pub const TXT: u16 = 16;
    pub const AAAA: u16 = 28;
    pub const SRV: u16 = 33;
    pub const A6: u16 = 38;
    pub const DNAME: u16 = 39;
    pub const OPT: u16 = 41;
    pub const UNSPECA: u16 = 104;
    pub const TSIG: u16 = 250;
    pub const URI: u16 = 256;
}

/// The class value of the Internet class, which tcpdump leaves out.
const CLASS_IN: u16 = 1;

/// The mDNS "unicast response" / "cache flush" bit of the class field (RFC 6762).
const MDNS_CLASS_BIT: u16 = 0x8000;

/// Writes one message into `out`.
struct Printer<'a> {
    msg: Message<'a>,
    out: String,
    verbose: u8,
    mdns: bool,
}

impl Printer<'_> {
    /// The whole message after the length check.
    fn message(&mut self) -> Step<()> {
        let m = self.msg;
        let id = m.u16(0)?;
        let flags = m.u16(2)?;
        let counts = Counts {
            qd: m.u16(4)?,
            an: m.u16(6)?,
            ns: m.u16(8)?,
            ar: m.u16(10)?,
        };
        let _ = write!(self.out, "{id}{}", opcode_text((flags >> 11) & 0xf));
        if flags & 0x8000 != 0 {
            self.response(flags, counts)
        } else {
            self.query(flags, counts)
        }
    }

    /// A response: rcode and flags, the question count, the sections.
    fn response(&mut self, flags: u16, c: Counts) -> Step<()> {
        let rcode = self.extended_rcode(flags & 0xf, c);
        let flag = |bit: u16, set: &'static str, clear: &'static str| {
            if flags & bit != 0 {
                set
            } else {
                clear
            }
        };
        let _ = write!(
            self.out,
            "{}{}{}{}{}",
            rcode_text(rcode),
            flag(0x0400, "*", ""),
            flag(0x0080, "", "-"),
            flag(0x0200, "|", ""),
            flag(0x0020, "$", ""),
        );
        if c.qd != 1 {
            let _ = write!(self.out, " [{}q]", c.qd);
        }
        let mut at = 12;
        for i in 0..c.qd {
            if i > 0 {
                self.out.push(',');
            }
            if self.verbose > 1 {
                self.out.push_str(" q:");
                at = self.question(at)?;
            } else {
                at = self.skip_name(at)? + 4;
            }
        }
        let _ = write!(self.out, " {}/{}/{}", c.an, c.ns, c.ar);
        at = self.section(at, c.an, "")?;
        if self.verbose > 1 {
            at = self.section(at, c.ns, " ns:")?;
            self.section(at, c.ar, " ar:")?;
        }
        Ok(())
    }

    /// A query: flags, the counts that differ from a plain query, the questions.
    fn query(&mut self, flags: u16, c: Counts) -> Step<()> {
        if flags & 0x0100 != 0 {
            self.out.push('+');
        }
        if flags & 0x0010 != 0 {
            self.out.push('%');
        }
        // Bits a query should not have set (AA, TC, RA, Z, rcode).
        if flags & 0x06cf != 0 {
            let _ = write!(self.out, " [b2&3=0x{flags:x}]");
        }
        // Counts other than the usual ones, as (count, usual, tag); an inverse query carries
        // one answer rather than one question.
        let inverse = (flags >> 11) & 0xf == 1;
        let (first, second) = if inverse {
            ((c.qd, 0, 'q'), (c.an, 1, 'a'))
        } else {
            ((c.an, 0, 'a'), (c.qd, 1, 'q'))
        };
        for (count, usual, tag) in [first, second, (c.ns, 0, 'n')] {
            if count != usual {
                let _ = write!(self.out, " [{count}{tag}]");
            }
        }
        if c.ar != 0 {
            let _ = write!(self.out, " [{}au]", c.ar);
        }
        let mut at = 12;
        for _ in 0..c.qd {
            at = self.question(at)?;
        }
        if self.verbose > 1 {
            at = self.section(at, c.an, "")?;
            at = self.section(at, c.ns, " ns:")?;
            self.section(at, c.ar, " ar:")?;
        }
        Ok(())
    }

    /// The response code, with its upper eight bits from the first OPT record of the additional
    /// section (RFC 6891 6.1.3). tcpdump's observable behaviour: anything in the way that cannot
    /// be followed means no OPT record, and the header's four bits stand.
    fn extended_rcode(&self, rcode: u16, c: Counts) -> u16 {
        let m = self.msg;
        let Ok(records) = (0..c.qd).try_fold(12, |at, _| self.skip_name(at).map(|fixed| fixed + 4))
        else {
            return rcode;
        };
        let before_additional = usize::from(c.an) + usize::from(c.ns);
        let high_bits = self
            .record_fields(records, before_additional + usize::from(c.ar))
            .skip(before_additional)
            .find(|&fixed| m.u16(fixed) == Ok(rtype::OPT))
            // An OPT record keeps the extended rcode bits in the top byte of its TTL.
            .and_then(|opt| m.u8(opt + 4).ok());
        match high_bits {
            Some(high) => rcode | u16::from(high) << 4,
            None => rcode,
        }
    }

    /// The offsets of the fixed fields (type onwards) of up to `count` consecutive records from
    /// `at`, silently. Each record's length is read only when moving past it, and the walk ends
    /// at the first owner name or length that cannot be read.
    fn record_fields(&self, at: usize, count: usize) -> impl Iterator<Item = usize> + '_ {
        let m = self.msg;
        let mut previous: Option<usize> = None;
        (0..count).map_while(move |_| {
            let start = match previous {
                None => at,
                Some(fixed) => fixed + 10 + usize::from(m.u16(fixed + 8).ok()?),
            };
            let fixed = self.skip_name(start).ok()?;
            previous = Some(fixed);
            Some(fixed)
        })
    }

    /// One question: ` TYPE? name.` (class and mDNS QU/QM bit when present); the offset after it.
    fn question(&mut self, at: usize) -> Step<usize> {
        let fixed = self.skip_name(at)?;
        let qtype = self.msg.u16(fixed)?;
        let raw_class = self.msg.u16(fixed + 2)?;
        let class = self.class(raw_class);
        let _ = write!(self.out, " {}", type_name(qtype));
        if class != CLASS_IN {
            let _ = write!(self.out, " {}", class_name(class));
        }
        if self.mdns {
            let unicast = raw_class & MDNS_CLASS_BIT != 0;
            self.out.push_str(if unicast { " (QU)" } else { " (QM)" });
        }
        self.out.push_str("? ");
        Ok(self.name(at)? + 4)
    }

    /// `count` records starting at `at`, comma-separated, the first preceded by `heading`.
    ///
    /// tcpdump's observable behaviour: a section with a heading is skipped altogether when the
    /// capture ends before it, records after the first only while captured bytes remain, and
    /// any records left over end the line as truncated.
    fn section(&mut self, mut at: usize, count: u16, heading: &str) -> Step<usize> {
        if count == 0 {
            return Ok(at);
        }
        if !heading.is_empty() && at >= self.msg.len() {
            return Err(Stop::Truncated);
        }
        self.out.push_str(heading);
        for i in 0..count {
            if i > 0 {
                if at >= self.msg.len() {
                    return Err(Stop::Truncated);
                }
                self.out.push(',');
            }
            at = self.record(at)?;
        }
        Ok(at)
    }

    /// The class with the mDNS bit cleared (for port 5353).
    fn class(&self, raw: u16) -> u16 {
        if self.mdns {
            raw & !MDNS_CLASS_BIT
        } else {
            raw
        }
    }

    /// One resource record; the offset after it. The owner name is printed only with `-v`.
    fn record(&mut self, at: usize) -> Step<usize> {
        let m = self.msg;
        let fixed = if self.verbose > 0 {
            self.out.push(' ');
            self.name(at)?
        } else {
            match self.skip_name(at) {
                Ok(fixed) => fixed,
                // tcpdump's observable behaviour: an owner name it cannot skip, or a record
                // header cut short, ends the section without a mark of its own.
                Err(_) => return Ok(m.len()),
            }
        };
        if m.len() < fixed + 10 {
            return Ok(m.len());
        }
        let rtype = m.u16(fixed)?;
        let raw_class = m.u16(fixed + 2)?;
        let class = self.class(raw_class);
        if class != CLASS_IN && rtype != rtype::OPT {
            let _ = write!(self.out, " {}", class_name(class));
        }
        if self.mdns && raw_class & MDNS_CLASS_BIT != 0 {
            self.out.push_str(" (Cache flush)");
        }
        // The OPT record keeps its flags where other records keep their TTL.
        let mut edns_flags = 0;
        if rtype == rtype::OPT {
            edns_flags = m.u16(fixed + 6)?;
        } else if self.verbose > 2 {
            let ttl = m.u32(fixed + 4)?;
            let _ = write!(self.out, " [{}]", Duration(ttl));
        }
        let rdlength = usize::from(m.u16(fixed + 8)?);
        let rdata = fixed + 10;
        let end = rdata + rdlength;
        let _ = write!(self.out, " {}", type_name(rtype));
        if end > m.len() {
            return Err(Stop::Truncated);
        }
        match rtype {
            rtype::OPT => self.opt_rdata(rdata, end, class, edns_flags)?,
            _ => self.rdata(rtype, rdata, rdlength)?,
        }
        Ok(end)
    }

    /// The rdata of a record of type `rtype` (other than OPT), `len` bytes at `at`, all captured.
    fn rdata(&mut self, rtype: u16, at: usize, len: usize) -> Step<()> {
        let m = self.msg;
        match rtype {
            rtype::A => {
                let a = m.bytes(at, 4)?;
                let _ = write!(self.out, " {}", Ipv4Addr::new(a[0], a[1], a[2], a[3]));
            }
            rtype::AAAA => {
                let mut a = [0u8; 16];
                a.copy_from_slice(m.bytes(at, 16)?);
                let _ = write!(self.out, " {}", ipv6(Ipv6Addr::from(a)));
            }
            rtype::NS | rtype::CNAME | rtype::PTR | rtype::DNAME => {
                self.out.push(' ');
                self.name(at)?;
            }
            rtype::SOA if self.verbose > 0 => {
                self.out.push(' ');
                let after_mname = self.name(at)?;
                self.out.push(' ');
                let numbers = self.name(after_mname)?;
                // Serial, refresh, retry, expire, minimum.
                let fields = m.bytes(numbers, 20)?;
                for f in fields.chunks_exact(4) {
                    let _ = write!(
                        self.out,
                        " {}",
                        u32::from_be_bytes([f[0], f[1], f[2], f[3]])
                    );
                }
            }
            rtype::MX => {
                self.out.push(' ');
                let preference = m.u16(at)?;
                self.name(at + 2)?;
                let _ = write!(self.out, " {preference}");
            }
            rtype::SRV => {
                self.out.push(' ');
                let fields = m.bytes(at, 6)?;
                self.name(at + 6)?;
                let field = |i: usize| u16::from_be_bytes([fields[i], fields[i + 1]]);
                // port, priority, weight
                let _ = write!(self.out, ":{} {} {}", field(4), field(0), field(2));
            }
            rtype::TXT => {
                let end = at + len;
                let mut pos = at;
                while pos < end {
                    self.out.push_str(" \"");
                    let n = usize::from(m.u8(pos)?);
                    self.escaped(pos + 1, n)?;
                    self.out.push('"');
                    pos += 1 + n;
                }
            }
            rtype::A6 => self.a6(at)?,
            rtype::URI => {
                // tcpdump reads these without checking them against the record length.
                let priority = unchecked(m.u16(at))?;
                let weight = unchecked(m.u16(at + 2))?;
                let _ = write!(self.out, " {priority} {weight} ");
                match len.checked_sub(4) {
                    Some(n) => self.escaped(at + 4, n)?,
                    None => {
                        // tcpdump's observable behaviour: an rdata shorter than its fixed part
                        // prints the rest of the capture as the target, then gives up.
                        let rest = m.len().saturating_sub(at + 4);
                        self.escaped(at + 4, rest)?;
                        return Err(Stop::Truncated);
                    }
                }
            }
            rtype::UNSPECA => self.escaped(at, len)?,
            rtype::TSIG if self.verbose > 0 => {
                self.out.push(' ');
                // The algorithm name, then the 48-bit signing time (not shown).
                let mut pos = self.name(at)? + 6;
                let _ = write!(self.out, " fudge={}", m.u16(pos)?);
                let mac_len = m.u16(pos + 2)?;
                let _ = write!(self.out, " maclen={mac_len}");
                pos += 4 + usize::from(mac_len);
                let _ = write!(self.out, " origid={}", m.u16(pos)?);
                let _ = write!(self.out, " error={}", m.u16(pos + 2)?);
                let _ = write!(self.out, " otherlen={}", m.u16(pos + 4)?);
            }
            _ => {}
        }
        Ok(())
    }

    /// An A6 record (RFC 2874): prefix length, the address suffix, the prefix name. tcpdump
    /// reads the prefix length and suffix without checking them first.
    fn a6(&mut self, at: usize) -> Step<()> {
        let m = self.msg;
        let prefix_len = unchecked(m.u8(at))?;
        if prefix_len > 128 {
            let _ = write!(self.out, " {prefix_len}(bad plen)");
            return Ok(());
        }
        let prefix_bytes = usize::from(prefix_len / 8);
        let suffix_at = at + 1;
        let name_at = suffix_at + 16 - prefix_bytes;
        if prefix_len < 128 {
            let mut a = [0u8; 16];
            a[prefix_bytes..].copy_from_slice(unchecked(m.bytes(suffix_at, 16 - prefix_bytes))?);
            let _ = write!(self.out, " {prefix_len} {}", ipv6(Ipv6Addr::from(a)));
        }
        if prefix_len > 0 {
            self.out.push(' ');
            self.name(name_at)?;
        }
        Ok(())
    }

    /// The OPT pseudo-record's rdata (RFC 6891): the UDP payload size from its class field,
    /// the DO bit, then `[option, option...]`.
    fn opt_rdata(&mut self, at: usize, end: usize, udp_size: u16, flags: u16) -> Step<()> {
        let _ = write!(self.out, " UDPsize={udp_size}");
        if flags & 0x8000 != 0 {
            self.out.push_str(" DO");
        }
        if at >= end {
            return Ok(());
        }
        self.out.push_str(" [");
        let mut pos = at;
        while pos < end {
            if pos > at {
                self.out.push(',');
            }
            pos = self.edns_option(pos)?;
        }
        self.out.push(']');
        Ok(())
    }

    /// One EDNS option at `at` as `NAME value`; the offset after it.
    fn edns_option(&mut self, at: usize) -> Step<usize> {
        let m = self.msg;
        let code = m.u16(at)?;
        match edns_option_name(code) {
            Some(name) => self.out.push_str(name),
            None => {
                let _ = write!(self.out, "Opt{code}");
            }
        }
        let len = usize::from(m.u16(at + 2)?);
        let data = m.bytes(at + 4, len)?;
        let end = at + 4 + len;
        if data.is_empty() {
            return Ok(end);
        }
        self.out.push(' ');
        if code == CHAIN {
            // tcpdump's observable behaviour: the closest trust point is printed as a name
            // whose pointers count from the end of the option, reading on past the option
            // while the capture lasts, and a name that does not parse just ends early.
            match self.name_with_base(at + 4, end) {
                Err(Stop::Abandoned) => return Err(Stop::Abandoned),
                Ok(_) | Err(Stop::Truncated) => {}
            }
        } else {
            let value = edns_option_value(code, data);
            self.out.push_str(&value);
        }
        Ok(end)
    }

    /// The offset after the name at `at`, without printing it. Unlike [`Printer::name`] this
    /// stops at the first pointer and does not follow it.
    fn skip_name(&self, mut at: usize) -> Step<usize> {
        let m = self.msg;
        loop {
            let b = m.u8(at)?;
            at += 1;
            match b >> 6 {
                0 if b == 0 => return Ok(at),
                0 => at += usize::from(b),
                // A pointer is two bytes long; tcpdump does not check the second one here.
                3 => return Ok(at + 1),
                1 if b & 0x3f == 1 => at += 1 + bit_count(m.u8(at)?).div_ceil(8),
                _ => return Err(Stop::Truncated),
            }
        }
    }

    /// The label starting at `at`, without printing anything.
    fn label(&self, at: usize) -> Result<Label, NameBreak> {
        let b = self.msg.u8(at)?;
        match b >> 6 {
            0 if b == 0 => Ok(Label::Root),
            0 => Ok(Label::Text(usize::from(b))),
            3 => Ok(Label::Pointer(b)),
            1 if b & 0x3f == 1 => Ok(Label::Bits(bit_count(self.msg.u8(at + 1)?))),
            1 => Err(NameBreak::ExtendedType(b & 0x3f)),
            _ => Err(NameBreak::BadType),
        }
    }

    /// Prints the name at `at` (`example.com.`, `.` for the root) following compression
    /// pointers; returns the offset just after the name where it starts.
    fn name(&mut self, start: usize) -> Step<usize> {
        self.name_with_base(start, 0)
    }

    /// [`Printer::name`] with compression pointers taken relative to offset `base`; a name
    /// that starts before `base` may point anywhere at first.
    ///
    /// The labels are read first ([`Printer::name_parts`]), then printed; printing stops at
    /// the first label whose bytes were not captured.
    fn name_with_base(&mut self, start: usize, base: usize) -> Step<usize> {
        // Only a name that is the root label alone prints as a dot.
        if self.msg.u8(start) == Ok(0) {
            self.out.push('.');
            return Ok(start + 1);
        }
        let mut parts = Vec::new();
        let end = self.name_parts(start, base, &mut parts);
        // Bytes of the name so far, each label counting one more for its dot: past
        // NAME_BUDGET the text is cut and the name marked as too long.
        let mut length = 0usize;
        for part in parts {
            match part {
                NamePart::Text { at, len } => {
                    self.escaped(at, len.min(NAME_BUDGET.saturating_sub(length)))?;
                    length += len;
                }
                // Bit labels do not count towards the budget, only their dot does (tcpdump's
                // observable behaviour).
                NamePart::Bits { at, bits } => self.bit_label(at, bits)?,
            }
            self.dot(length);
            length += 1;
        }
        match end {
            Ok(end) => {
                if length > NAME_BUDGET {
                    self.out.push_str("<DOMAIN NAME TOO LONG>");
                }
                Ok(end)
            }
            Err(NameBreak::Stop(stop)) => Err(stop),
            Err(NameBreak::BadPointer) => {
                self.out.push_str("<BAD PTR>");
                Err(Stop::Truncated)
            }
            Err(NameBreak::ExtendedType(t)) => {
                let _ = write!(self.out, "<ELT {t}>");
                Err(Stop::Truncated)
            }
            Err(NameBreak::BadType) => {
                self.out.push_str("<BAD LABEL TYPE>");
                Err(Stop::Truncated)
            }
        }
    }

    /// Reads the name at `start` into `parts`, label by label in printing order, following
    /// compression pointers relative to `base`; the offset just after the name where it
    /// starts, or why reading broke off (the parts read until then stay in `parts`).
    fn name_parts(
        &self,
        start: usize,
        base: usize,
        parts: &mut Vec<NamePart>,
    ) -> Result<usize, NameBreak> {
        // Pointers only go backwards, so the walk ends: each must point before the previous
        // one's target, the first before the name itself (unless it starts before `base`).
        let mut ceiling = start.checked_sub(base);
        // Where the name ends in place, once a pointer has taken it elsewhere.
        let mut end_in_place = None;
        let mut at = start;
        loop {
            let label = self.label(at)?;
            let body = at + 1;
            at = match label {
                Label::Root => return Ok(end_in_place.unwrap_or(body)),
                // tcpdump's observable behaviour: a label whose length byte is the last captured
                // byte ends the name silently, its end computed from that byte; only a name
                // that is a pointer at the very end counts as truncated.
                _ if body >= self.msg.len() => {
                    return match end_in_place {
                        Some(end) => Ok(end),
                        None if at == start && matches!(label, Label::Pointer(_)) => {
                            Err(Stop::Truncated.into())
                        }
                        None => Ok(body + label.span()),
                    };
                }
                Label::Pointer(high) => {
                    let target = usize::from(high & 0x3f) << 8 | usize::from(self.msg.u8(body)?);
                    if ceiling.is_some_and(|ceiling| target >= ceiling) {
                        return Err(NameBreak::BadPointer);
                    }
                    ceiling = Some(target);
                    end_in_place.get_or_insert(body + 1);
                    base + target
                }
                Label::Bits(bits) => {
                    parts.push(NamePart::Bits { at: body + 1, bits });
                    body + label.span()
                }
                Label::Text(len) => {
                    parts.push(NamePart::Text { at: body, len });
                    body + len
                }
            };
        }
    }

    /// The dot after a label, while the name is within its length budget.
    fn dot(&mut self, printed: usize) {
        if printed <= NAME_BUDGET {
            self.out.push('.');
        }
    }

    /// A bit-string label's bits at `at` as `\[xHEX/BITS]`: whole bytes in hex, then the last
    /// partial byte masked, as one hex digit when four bits or fewer remain. tcpdump reads the
    /// bits without checking they were captured.
    fn bit_label(&mut self, at: usize, bits: usize) -> Step<()> {
        self.out.push_str("\\[x");
        let whole = bits / 8;
        for i in 0..whole {
            let b = unchecked(self.msg.u8(at + i))?;
            let _ = write!(self.out, "{b:02x}");
        }
        let rest = bits % 8;
        if rest > 0 {
            let last = unchecked(self.msg.u8(at + whole))?;
            let kept = last & (0xffu8 << (8 - rest));
            if rest > 4 {
                let _ = write!(self.out, "{kept:02x}");
            } else {
                let _ = write!(self.out, "{:x}", kept >> 4);
            }
        }
        let _ = write!(self.out, "/{bits}]");
        Ok(())
    }

    /// `n` bytes at `at` as printable ASCII; an error after printing those captured when
    /// fewer are.
    fn escaped(&mut self, at: usize, n: usize) -> Step<()> {
        let bytes = self.msg.available(at, n);
        push_escaped(&mut self.out, bytes);
        if bytes.len() < n {
            return Err(Stop::Truncated);
        }
        Ok(())
    }
}

/// The four section counts of the header.
#[derive(Clone, Copy)]
struct Counts {
    qd: u16,
    an: u16,
    ns: u16,
    ar: u16,
}

/// The number of bits of a bit-string label from its count byte (0 means 256).
fn bit_count(b: u8) -> usize {
    match b {
        0 => 256,
        n => usize::from(n),
    }
}

/// Bytes as printable ASCII the way tcpdump shows them: the high bit as `M-`, a control
/// character as `^` and the character 64 places away (`^@`, `^?`).
fn push_escaped(out: &mut String, bytes: &[u8]) {
    for &b in bytes {
        let mut c = b;
        if c >= 0x80 {
            out.push_str("M-");
            c -= 0x80;
        }
        if c < 0x20 || c == 0x7f {
            out.push('^');
            c ^= 0x40;
        }
        out.push(char::from(c));
    }
}

/// The opcode as printed after the id (empty for a standard query).
fn opcode_text(op: u16) -> &'static str {
    match op {
        0 => "",
        1 => " inv_q",
        2 => " stat",
        3 => " op3",
        4 => " notify",
        5 => " update",
        6 => " op6",
        7 => " op7",
        8 => " op8",
        9 => " updateA",
        10 => " updateD",
        11 => " updateDA",
        12 => " updateM",
        13 => " updateMA",
        14 => " zoneInit",
        _ => " zoneRef",
    }
}

/// The response code as printed after the id (empty for NoError).
fn rcode_text(rcode: u16) -> String {
    let name = match rcode {
        0 => "",
        1 => " FormErr",
        2 => " ServFail",
        3 => " NXDomain",
        4 => " NotImp",
        5 => " Refused",
        6 => " YXDomain",
        7 => " YXRRSet",
        8 => " NXRRSet",
        9 => " NotAuth",
        10 => " NotZone",
        15 => " NoChange",
        16 => " BadVers",
        // tcpdump's observable behaviour: these two come without the leading space.
        17 | 21 => return format!("Resp{rcode}"),
        23 => " BadCookie",
        other => return format!(" Resp{}", other & 0xfff),
    };
    name.to_string()
}

/// A record type's mnemonic, `TypeN` for those tcpdump does not name.
fn type_name(t: u16) -> String {
    const LOW: [&str; 49] = [
        "", "A", "NS", "MD", "MF", "CNAME", "SOA", "MB", "MG", "MR", "NULL", "WKS", "PTR", "HINFO",
        "MINFO", "MX", "TXT", "RP", "AFSDB", "X25", "ISDN", "RT", "NSAP", "NSAP_PTR", "SIG", "KEY",
        "PX", "GPOS", "AAAA", "LOC", "NXT", "EID", "NIMLOC", "SRV", "ATMA", "NAPTR", "KX", "CERT",
        "A6", "DNAME", "SINK", "OPT", "APL", "DS", "SSHFP", "IPSECKEY", "RRSIG", "NSEC", "DNSKEY",
    ];
    let name = match t {
        1..=48 => LOW[usize::from(t)],
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

/// A class's mnemonic, `(Class N)` for others.
fn class_name(c: u16) -> String {
    match c {
        1 => "IN".into(),
        3 => "CHAOS".into(),
        4 => "HS".into(),
        255 => "ANY".into(),
        other => format!("(Class {other})"),
    }
}

/// The CHAIN EDNS option (RFC 7901): the closest trust point the client has.
const CHAIN: u16 = 13;

/// The name of EDNS option `code`, when tcpdump names it.
fn edns_option_name(code: u16) -> Option<&'static str> {
    Some(match code {
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
        _ => return None,
    })
}

/// The value of EDNS option `code` with non-empty `data`.
fn edns_option_value(code: u16, data: &[u8]) -> String {
    // tcpdump's observable behaviour: the marker keeps its own leading space, after the one
    // that separates it from the option name.
    const INVALID: &str = " (invalid)";
    let hex = |b: &[u8]| {
        b.iter().fold(String::new(), |mut s, x| {
            let _ = write!(s, "{x:02x}");
            s
        })
    };
    let words = || {
        data.chunks_exact(2)
            .map(|w| u16::from_be_bytes([w[0], w[1]]))
    };
    match (code, data.len()) {
        (8, _) => client_subnet(data).unwrap_or_else(|| INVALID.into()),
        // COOKIE (RFC 7873): an 8-byte client cookie, optionally an 8..32-byte server cookie.
        (10, 8) => hex(data),
        (10, 16..=40) => format!("{} {}", hex(&data[..8]), hex(&data[8..])),
        // KEEPALIVE (RFC 7828): the timeout in units of 100 ms.
        (11, 2) => words()
            .next()
            .map_or_else(String::new, |t| format!("{:.1} sec", f64::from(t) / 10.0)),
        // EXPIRE (RFC 7314).
        (9, 4) => format!(
            "{} sec",
            u32::from_be_bytes([data[0], data[1], data[2], data[3]])
        ),
        (9..=11, _) => INVALID.into(),
        (12, n) => format!("({n})"),
        (14, n) if n % 2 != 0 => INVALID.into(),
        (14, _) => words().map(|w| w.to_string()).collect::<Vec<_>>().join(" "),
        (5..=7, _) => data
            .iter()
            .map(|&a| algorithm(code, a))
            .collect::<Vec<_>>()
            .join(" "),
        // NSID and the rest: hex.
        _ => hex(data),
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

/// The EDNS client subnet option (RFC 7871) as `address/source/scope`; `None` when invalid.
fn client_subnet(d: &[u8]) -> Option<String> {
    let (head, addr) = (d.get(..4)?, d.get(4..)?);
    let family = u16::from_be_bytes([head[0], head[1]]);
    let (source, scope) = (head[2], head[3]);
    let width: u8 = match family {
        1 => 32,
        2 => 128,
        _ => return None,
    };
    let fits = addr.len() <= usize::from(width / 8)
        && source <= width
        && scope <= width
        && usize::from(source).div_ceil(8) == addr.len();
    if !fits {
        return None;
    }
    let mut full = [0u8; 16];
    full[..addr.len()].copy_from_slice(addr);
    let shown = if family == 1 {
        Ipv4Addr::new(full[0], full[1], full[2], full[3]).to_string()
    } else {
        ipv6(Ipv6Addr::from(full))
    };
    Some(format!("{shown}/{source}/{scope}"))
}

/// A DNSSEC algorithm number in the DAU (5), DHU (6) and N3U (7) options (RFC 6975).
fn algorithm(option: u16, a: u8) -> String {
    let signing = match a {
        0 => Some("DELETE"),
        1 => Some("RSAMD5"),
        2 => Some("DH"),
        // tcpdump's observable behaviour: algorithm 3 (DSA) is shown as "DS".
        3 => Some("DS"),
        5 => Some("RSASHA1"),
        6 => Some("DSA-NSEC3-SHA1"),
        7 => Some("RSASHA1-NSEC3-SHA1"),
        8 => Some("RSASHA256"),
        10 => Some("RSASHA512"),
        12 => Some("ECC-GOST"),
        13 => Some("ECDSAP256SHA256"),
        14 => Some("ECDSAP384SHA384"),
        15 => Some("ED25519"),
        16 => Some("ED448"),
        252 => Some("INDIRECT"),
        253 => Some("PRIVATEDNS"),
        254 => Some("PRIVATEOID"),
        _ => None,
    };
    let hash = match a {
        1 => Some("SHA-1"),
        2 => Some("SHA-256"),
        3 => Some("GOST_R_34.11-94"),
        4 => Some("SHA-384"),
        _ => None,
    };
    let name = match option {
        5 => signing,
        6 => hash,
        // N3U: only SHA-1 is defined for NSEC3.
        _ => hash.filter(|_| a == 1),
    };
    name.map_or_else(|| format!("Alg_{a}"), str::to_string)
}

/// A TTL the way tcpdump shows it with `-vvv`: `1h2m3s`, `0s`.
struct Duration(u32);

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const UNITS: [(u32, char); 6] = [
            (365 * 86_400, 'y'),
            (7 * 86_400, 'w'),
            (86_400, 'd'),
            (3_600, 'h'),
            (60, 'm'),
            (1, 's'),
        ];
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut left = self.0;
        for (unit, suffix) in UNITS {
            if left >= unit {
                write!(f, "{}{suffix}", left / unit)?;
                left %= unit;
            }
        }
        Ok(())
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
    fn names_follow_pointers_backwards_only() {
        // "a." at 0, then "b" pointing back to it, then a pointer to itself.
        let p = b"\x01a\x00\x01b\xc0\x00\xc0\x07";
        assert_eq!(domain_name(p, 3), ("b.a.".to_string(), Ok(7)));
        assert_eq!(
            domain_name(p, 7),
            ("<BAD PTR>".to_string(), Err(Stop::Truncated))
        );
        // A name longer than 255 bytes is cut and marked, its end still found.
        let long: Vec<u8> = (0..5)
            .flat_map(|_| [63u8].into_iter().chain([b'x'; 63]))
            .chain([0])
            .collect();
        let (text, end) = domain_name(&long, 0);
        assert!(text.ends_with("<DOMAIN NAME TOO LONG>"), "{text}");
        assert_eq!(end, Ok(long.len()));
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
