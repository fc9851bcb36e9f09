//! DNS messages as `tcpdump -nn` prints them after a UDP port 53 or 5353 header:
//! `4660+ [1au] A? example.com. (40)` for a query, `4660 2/0/0 CNAME www.example.com., A
//! 10.0.0.1 (61)` for a response, the other sections with `-vv` and TTLs with `-vvv`. Formats
//! the model of [`crate::capture::dns`]; a message cut short ends with ` [|domain]`. Name and
//! text bytes are printed as escaped ASCII (`M-`/`^`), so nothing from a packet reaches the
//! terminal as a control sequence.

mod names;

use std::fmt::Write;
use std::net::IpAddr;

use super::ipv6;
use crate::capture::dns::{
    self, Chars, Cut, Dns, EdnsValue, Header, Label, Message, Name, NameBreak, Place, Question,
    Rdata, Record, NAME_BUDGET,
};
use names::{
    algorithm, class_name, edns_option_name, opcode_text, push_escaped, rcode_text, type_name,
    Duration,
};

/// The class value of the Internet class, which tcpdump leaves out.
const CLASS_IN: u16 = 1;

/// The mDNS "unicast response" / "cache flush" bit of the class field (RFC 6762).
const MDNS_CLASS_BIT: u16 = 0x8000;

/// The text tcpdump prints for DNS message `p` (the captured part of a UDP payload of `length`
/// bytes), at verbosity `verbose`; `mdns` for port 5353.
pub fn print(p: &[u8], length: u32, verbose: u8, mdns: bool) -> String {
    text(&dns::parse(p, length, verbose, mdns)).0
}

/// The text of `dns`, and whether tcpdump abandoned the packet on a read past the captured
/// bytes (after which its `-X` dump starts at the link header).
pub fn text(dns: &Dns) -> (String, bool) {
    let m = match dns {
        Dns::TooShort(length) => {
            return (format!("domain [length {length} < 12] (invalid)"), false)
        }
        Dns::Message(m) => m,
    };
    let mut out = String::with_capacity(80);
    // Printing stops where reading did: at the end of a partial item or at `m.stop`'s place.
    let _ = Printer { m, out: &mut out }.message();
    match m.stop {
        None => {
            let _ = write!(out, " ({})", m.length);
        }
        Some(_) => out.push_str(" [|domain]"),
    }
    (out, m.stop.is_some_and(|s| s.cut == Cut::GaveUp))
}

/// The result of printing one item: `Err` where the item (or the message) ends early.
type Step = Result<(), Cut>;

struct Printer<'a> {
    m: &'a Message,
    out: &'a mut String,
}

impl Printer<'_> {
    fn stopped_at(&self, place: Place) -> Step {
        match self.m.stop {
            Some(stop) if stop.place == place => Err(stop.cut),
            _ => Ok(()),
        }
    }

    fn message(&mut self) -> Step {
        let Some(h) = self.m.header else {
            return Err(Cut::Trunc);
        };
        let _ = write!(self.out, "{}{}", h.id, opcode_text(h.opcode()));
        if h.response() {
            self.response(&h)
        } else {
            self.query(&h)
        }
    }

    fn response(&mut self, h: &Header) -> Step {
        let flags = h.flags;
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
            rcode_text(h.rcode),
            flag(0x0400, "*", ""),
            flag(0x0080, "", "-"),
            flag(0x0200, "|", ""),
            flag(0x0020, "$", ""),
        );
        let [qd, an, ns, ar] = h.counts;
        if qd != 1 {
            let _ = write!(self.out, " [{qd}q]");
        }
        for i in 0..usize::from(qd) {
            if i > 0 {
                self.out.push(',');
            }
            if self.m.verbose > 1 {
                self.out.push_str(" q:");
            }
            self.question(i)?;
        }
        let _ = write!(self.out, " {an}/{ns}/{ar}");
        self.section(0, an)?;
        if self.m.verbose > 1 {
            self.section(1, ns)?;
            self.section(2, ar)?;
        }
        Ok(())
    }

    fn query(&mut self, h: &Header) -> Step {
        let flags = h.flags;
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
        let [qd, an, ns, ar] = h.counts;
        let (first, second) = if h.opcode() == 1 {
            ((qd, 0, 'q'), (an, 1, 'a'))
        } else {
            ((an, 0, 'a'), (qd, 1, 'q'))
        };
        for (count, usual, tag) in [first, second, (ns, 0, 'n')] {
            if count != usual {
                let _ = write!(self.out, " [{count}{tag}]");
            }
        }
        if ar != 0 {
            let _ = write!(self.out, " [{ar}au]");
        }
        for i in 0..usize::from(qd) {
            self.question(i)?;
        }
        if self.m.verbose > 1 {
            self.section(0, an)?;
            self.section(1, ns)?;
            self.section(2, ar)?;
        }
        Ok(())
    }

    /// Question `i`: ` TYPE? name.` (class and mDNS QU/QM bit when present).
    fn question(&mut self, i: usize) -> Step {
        self.stopped_at(Place::Question(i))?;
        match self.m.questions.get(i) {
            None => Err(Cut::Trunc),
            Some(Question::Skipped) => Ok(()),
            Some(Question::Read {
                qtype,
                qclass,
                name,
            }) => {
                let class = self.class(*qclass);
                let _ = write!(self.out, " {}", type_name(*qtype));
                if class != CLASS_IN {
                    let _ = write!(self.out, " {}", class_name(class));
                }
                if self.m.mdns {
                    let unicast = qclass & MDNS_CLASS_BIT != 0;
                    self.out.push_str(if unicast { " (QU)" } else { " (QM)" });
                }
                self.out.push_str("? ");
                write_name(self.out, name).map(|_| ())
            }
        }
    }

    /// The `count` records of section `n`, comma-separated, after its heading.
    fn section(&mut self, n: usize, count: u16) -> Step {
        if count == 0 {
            return Ok(());
        }
        self.stopped_at(Place::Heading(n))?;
        self.out.push_str(["", " ns:", " ar:"][n]);
        let records = &self.m.sections[n];
        for i in 0..usize::from(count) {
            if i > 0 {
                self.stopped_at(Place::Record(n, i))?;
                self.out.push(',');
            }
            let record = records.get(i).ok_or(Cut::Trunc)?;
            self.record(record)?;
        }
        Ok(())
    }

    /// The class with the mDNS bit cleared (for port 5353).
    fn class(&self, raw: u16) -> u16 {
        if self.m.mdns {
            raw & !MDNS_CLASS_BIT
        } else {
            raw
        }
    }

    /// One resource record. The owner name is printed only with `-v`.
    fn record(&mut self, record: &Record) -> Step {
        if let Some(owner) = &record.owner {
            self.out.push(' ');
            write_name(self.out, owner)?;
        }
        let Some(body) = &record.body else {
            return Ok(());
        };
        let class = self.class(body.class);
        let opt = body.rtype == dns::OPT;
        if class != CLASS_IN && !opt {
            let _ = write!(self.out, " {}", class_name(class));
        }
        if self.m.mdns && body.class & MDNS_CLASS_BIT != 0 {
            self.out.push_str(" (Cache flush)");
        }
        if !opt && self.m.verbose > 2 {
            let _ = write!(self.out, " [{}]", Duration(body.ttl));
        }
        let _ = write!(self.out, " {}", type_name(body.rtype));
        let rdata = body.rdata.as_ref().ok_or(Cut::Trunc)?;
        if let Rdata::Opt { options, cut } = rdata {
            // The OPT record keeps its flags where other records keep their TTL.
            let _ = write!(self.out, " UDPsize={class}");
            if body.ttl & 0x8000 != 0 {
                self.out.push_str(" DO");
            }
            return self.edns_options(options, *cut);
        }
        self.rdata(rdata)
    }

    fn rdata(&mut self, rdata: &Rdata) -> Step {
        let out = &mut *self.out;
        match rdata {
            Rdata::A(a) => {
                let _ = write!(out, " {}", a.ok_or(Cut::Trunc)?);
            }
            Rdata::Aaaa(a) => {
                let _ = write!(out, " {}", ipv6(a.ok_or(Cut::Trunc)?));
            }
            Rdata::Name(name) => {
                out.push(' ');
                write_name(out, name)?;
            }
            Rdata::Soa {
                mname,
                rname,
                numbers,
            } => {
                out.push(' ');
                write_name(out, mname)?;
                out.push(' ');
                write_name(out, rname.as_ref().ok_or(Cut::Trunc)?)?;
                for n in numbers.ok_or(Cut::Trunc)? {
                    let _ = write!(out, " {n}");
                }
            }
            Rdata::Mx {
                preference,
                exchange,
            } => {
                out.push(' ');
                let preference = preference.ok_or(Cut::Trunc)?;
                write_name(out, exchange.as_ref().ok_or(Cut::Trunc)?)?;
                let _ = write!(out, " {preference}");
            }
            Rdata::Srv { fields, target } => {
                out.push(' ');
                let [priority, weight, port] = fields.ok_or(Cut::Trunc)?;
                write_name(out, target.as_ref().ok_or(Cut::Trunc)?)?;
                let _ = write!(out, ":{port} {priority} {weight}");
            }
            Rdata::Txt { strings, cut } => {
                for s in strings {
                    out.push_str(" \"");
                    chars(out, s)?;
                    out.push('"');
                }
                if *cut {
                    out.push_str(" \"");
                    return Err(Cut::Trunc);
                }
            }
            Rdata::A6 {
                prefix_len,
                suffix,
                prefix,
            } => {
                let prefix_len = prefix_len.ok_or(Cut::GaveUp)?;
                if prefix_len > 128 {
                    let _ = write!(out, " {prefix_len}(bad plen)");
                    return Ok(());
                }
                if prefix_len < 128 {
                    let suffix = suffix.ok_or(Cut::GaveUp)?;
                    let _ = write!(out, " {prefix_len} {}", ipv6(suffix));
                }
                if prefix_len > 0 {
                    out.push(' ');
                    write_name(out, prefix.as_ref().ok_or(Cut::Trunc)?)?;
                }
            }
            Rdata::Uri {
                fields,
                target,
                short,
            } => {
                let (priority, weight) = fields.ok_or(Cut::GaveUp)?;
                let _ = write!(out, " {priority} {weight} ");
                chars(out, target)?;
                if *short {
                    return Err(Cut::Trunc);
                }
            }
            Rdata::Unspeca(bytes) => push_escaped(out, bytes),
            Rdata::Tsig { algorithm, fields } => {
                out.push(' ');
                write_name(out, algorithm)?;
                let labels = [" fudge=", " maclen=", " origid=", " error=", " otherlen="];
                for (label, value) in labels.iter().zip(fields) {
                    let _ = write!(out, "{label}{value}");
                }
                if fields.len() < labels.len() {
                    return Err(Cut::Trunc);
                }
            }
            Rdata::Opt { .. } | Rdata::Other => {}
        }
        Ok(())
    }

    /// `[option, option...]` of an OPT record (RFC 6891), each as `NAME value`.
    fn edns_options(&mut self, options: &[dns::EdnsOption], cut: bool) -> Step {
        let out = &mut *self.out;
        if options.is_empty() && !cut {
            return Ok(());
        }
        out.push_str(" [");
        for (i, option) in options.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match edns_option_name(option.code) {
                Some(name) => out.push_str(name),
                None => {
                    let _ = write!(out, "Opt{}", option.code);
                }
            }
            let value = option.value.as_ref().ok_or(Cut::Trunc)?;
            edns_value(out, option.code, value)?;
        }
        if cut {
            if !options.is_empty() {
                out.push(',');
            }
            return Err(Cut::Trunc);
        }
        out.push(']');
        Ok(())
    }
}

/// ` value` of EDNS option `code` (nothing when empty).
fn edns_value(out: &mut String, code: u16, value: &EdnsValue) -> Step {
    // tcpdump's observable behaviour: the marker keeps its own leading space, after the one
    // that separates it from the option name.
    const INVALID: &str = " (invalid)";
    let hex = |b: &[u8]| {
        b.iter().fold(String::new(), |mut s, x| {
            let _ = write!(s, "{x:02x}");
            s
        })
    };
    if *value == EdnsValue::Empty {
        return Ok(());
    }
    out.push(' ');
    let text = match value {
        EdnsValue::Empty => String::new(),
        EdnsValue::Subnet {
            addr,
            source,
            scope,
        } => {
            let shown = match addr {
                IpAddr::V4(a) => a.to_string(),
                IpAddr::V6(a) => ipv6(*a),
            };
            format!("{shown}/{source}/{scope}")
        }
        EdnsValue::Cookie(client, server) if server.is_empty() => hex(client),
        EdnsValue::Cookie(client, server) => format!("{} {}", hex(client), hex(server)),
        EdnsValue::KeepAlive(t) => format!("{:.1} sec", f64::from(*t) / 10.0),
        EdnsValue::Expire(secs) => format!("{secs} sec"),
        EdnsValue::Padding(n) => format!("({n})"),
        EdnsValue::KeyTags(tags) => tags
            .iter()
            .map(|w| w.to_string())
            .collect::<Vec<_>>()
            .join(" "),
        EdnsValue::Algorithms(algs) => algs
            .iter()
            .map(|&a| algorithm(code, a))
            .collect::<Vec<_>>()
            .join(" "),
        EdnsValue::Chain(name) => {
            // A name that does not parse just ends early; only an abandoned read stops.
            return match write_name(out, name) {
                Err(Cut::GaveUp) => Err(Cut::GaveUp),
                _ => Ok(()),
            };
        }
        EdnsValue::Invalid => INVALID.to_string(),
        EdnsValue::Bytes(b) => hex(b),
    };
    out.push_str(&text);
    Ok(())
}

/// A name (`example.com.`, `.` for the root alone); the offset after it, or how it ends early.
/// Past [`NAME_BUDGET`] bytes the text is cut and the name marked as too long.
pub(crate) fn write_name(out: &mut String, name: &Name) -> Result<usize, Cut> {
    let (labels, end) = match name {
        Name::Root(end) => {
            out.push('.');
            return Ok(*end);
        }
        Name::Labels { labels, end } => (labels, end),
    };
    // Bytes of the name so far, each label counting one more for its dot.
    let mut length = 0usize;
    for label in labels {
        match label {
            Label::Text(c) => {
                let shown = c.len.min(NAME_BUDGET.saturating_sub(length));
                push_escaped(out, &c.bytes[..shown.min(c.bytes.len())]);
                if c.bytes.len() < shown {
                    return Err(Cut::Trunc);
                }
                length += c.len;
            }
            // Bit labels do not count towards the budget, only their dot does (tcpdump's
            // observable behaviour).
            Label::Bits { bits, bytes } => bit_label(out, *bits, bytes)?,
        }
        if length <= NAME_BUDGET {
            out.push('.');
        }
        length += 1;
    }
    match end {
        Ok(end) => {
            if length > NAME_BUDGET {
                out.push_str("<DOMAIN NAME TOO LONG>");
            }
            Ok(*end)
        }
        Err(NameBreak::Cut(cut)) => Err(*cut),
        Err(NameBreak::BadPointer) => {
            out.push_str("<BAD PTR>");
            Err(Cut::Trunc)
        }
        Err(NameBreak::ExtendedType(t)) => {
            let _ = write!(out, "<ELT {t}>");
            Err(Cut::Trunc)
        }
        Err(NameBreak::BadType) => {
            out.push_str("<BAD LABEL TYPE>");
            Err(Cut::Trunc)
        }
    }
}

/// A bit-string label as `\[xHEX/BITS]`: whole bytes in hex, then the last partial byte
/// masked, as one hex digit when four bits or fewer remain. tcpdump reads the bits without
/// checking they were captured, and gives up where they end.
fn bit_label(out: &mut String, bits: usize, bytes: &[u8]) -> Step {
    out.push_str("\\[x");
    let whole = bits / 8;
    for i in 0..whole {
        let b = bytes.get(i).ok_or(Cut::GaveUp)?;
        let _ = write!(out, "{b:02x}");
    }
    let rest = bits % 8;
    if rest > 0 {
        let last = bytes.get(whole).ok_or(Cut::GaveUp)?;
        let kept = last & (0xffu8 << (8 - rest));
        if rest > 4 {
            let _ = write!(out, "{kept:02x}");
        } else {
            let _ = write!(out, "{:x}", kept >> 4);
        }
    }
    let _ = write!(out, "/{bits}]");
    Ok(())
}

/// A character string's captured bytes as escaped ASCII; an error when fewer were captured
/// than announced.
fn chars(out: &mut String, c: &Chars) -> Step {
    push_escaped(out, &c.bytes);
    if c.bytes.len() < c.len {
        return Err(Cut::Trunc);
    }
    Ok(())
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

    fn domain_name(p: &[u8], at: usize) -> (String, Result<usize, Cut>) {
        let mut out = String::new();
        let end = write_name(&mut out, &dns::parse_name(p, at, 0));
        (out, end)
    }

    #[test]
    fn names_follow_pointers_backwards_only() {
        // "a." at 0, then "b" pointing back to it, then a pointer to itself.
        let p = b"\x01a\x00\x01b\xc0\x00\xc0\x07";
        assert_eq!(domain_name(p, 3), ("b.a.".to_string(), Ok(7)));
        assert_eq!(
            domain_name(p, 7),
            ("<BAD PTR>".to_string(), Err(Cut::Trunc))
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

    #[test]
    fn the_model_records_where_reading_stopped() {
        // A query whose question name is cut after "exam".
        let mut q = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        q.extend_from_slice(b"\x07exam");
        let Dns::Message(m) = dns::parse(&q, 29, 0, false) else {
            panic!("a message");
        };
        assert_eq!(
            m.stop,
            Some(dns::Stop {
                place: Place::Question(0),
                cut: Cut::Trunc
            })
        );
        assert_eq!(print(&q, 29, 0, false), "4660+ [|domain]");
        // A question whose name points at itself: its type and class are read, the name
        // breaks off, and the stop is inside the question.
        q.truncate(12);
        q.extend_from_slice(b"\xc0\x0c\x00\x01\x00\x01");
        let Dns::Message(m) = dns::parse(&q, 18, 0, false) else {
            panic!("a message");
        };
        assert_eq!(
            m.stop,
            Some(dns::Stop {
                place: Place::Inside,
                cut: Cut::Trunc
            })
        );
        assert!(matches!(
            &m.questions[..],
            [Question::Read {
                qtype: 1,
                qclass: 1,
                name: Name::Labels {
                    end: Err(NameBreak::BadPointer),
                    ..
                }
            }]
        ));
        assert_eq!(print(&q, 18, 0, false), "4660+ A? <BAD PTR> [|domain]");
        assert_eq!(
            dns::parse(b"\x12", 12, 0, false),
            Dns::Message(dns::Message {
                length: 12,
                mdns: false,
                verbose: 0,
                header: None,
                questions: Vec::new(),
                sections: Default::default(),
                stop: Some(dns::Stop {
                    place: Place::Header,
                    cut: Cut::Trunc
                }),
            })
        );
        assert_eq!(dns::parse(b"", 11, 0, false), Dns::TooShort(11));
    }
}
