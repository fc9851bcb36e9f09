//! Reading a captured DNS message into the model of [`super`], in the order tcpdump reads it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{
    Chars, Cut, Dns, EdnsOption, EdnsValue, Header, Label, Message, Name, NameBreak, Place,
    Question, Rdata, Record, RecordBody, Stop,
};
use crate::capture::reader::Reader;

/// Record types with rdata of their own.
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

/// Record type of the OPT pseudo-record (RFC 6891).
pub const OPT: u16 = rtype::OPT;

/// The CHAIN EDNS option (RFC 7901).
const CHAIN: u16 = 13;

/// Reads the DNS message `p` (the captured part of a UDP payload of `length` bytes) as tcpdump
/// does at verbosity `verbose`; `mdns` for port 5353.
pub fn parse(p: &[u8], length: u32, verbose: u8, mdns: bool) -> Dns {
    if length < 12 {
        return Dns::TooShort(length);
    }
    let mut m = Message {
        length,
        mdns,
        verbose,
        header: None,
        questions: Vec::new(),
        sections: Default::default(),
        stop: None,
    };
    let mut parser = Parser {
        r: Reader::new(p),
        verbose,
    };
    if let Err(stop) = parser.message(&mut m) {
        m.stop = Some(stop);
    }
    Dns::Message(m)
}

/// Reads the name at offset `start` of `p`, compression pointers counted from offset `base`
/// (a name that starts before `base` may point anywhere at first).
pub fn parse_name(p: &[u8], start: usize, base: usize) -> Name {
    let r = Reader::new(p);
    // Only a name that is the root label alone prints as a dot.
    if r.u8_at(start) == Ok(0) {
        return Name::Root(start + 1);
    }
    let mut labels = Vec::new();
    let end = name_labels(r, start, base, &mut labels);
    Name::Labels { labels, end }
}

/// What the byte that starts a label says.
#[derive(Clone, Copy)]
enum LabelType {
    Root,
    Text(usize),
    Bits(usize),
    Pointer(u8),
}

impl LabelType {
    /// How many bytes after the length byte tcpdump takes this label to occupy. For a pointer
    /// that is its first byte read as a length: tcpdump's observable behaviour when a name ends
    /// at the capture boundary on a pointer.
    fn span(self) -> usize {
        match self {
            LabelType::Root => 0,
            LabelType::Text(n) => n,
            LabelType::Bits(bits) => 1 + bits.div_ceil(8),
            LabelType::Pointer(b) => usize::from(b),
        }
    }
}

fn trunc<T>(r: Result<T, crate::capture::reader::Short>) -> Result<T, Cut> {
    r.map_err(|_| Cut::Trunc)
}

/// The number of bits of a bit-string label from its count byte (0 means 256).
fn bit_count(b: u8) -> usize {
    match b {
        0 => 256,
        n => usize::from(n),
    }
}

/// The label starting at `at`.
fn label(r: Reader<'_>, at: usize) -> Result<LabelType, NameBreak> {
    let b = r.u8_at(at).map_err(|_| NameBreak::Cut(Cut::Trunc))?;
    match b >> 6 {
        0 if b == 0 => Ok(LabelType::Root),
        0 => Ok(LabelType::Text(usize::from(b))),
        3 => Ok(LabelType::Pointer(b)),
        1 if b & 0x3f == 1 => Ok(LabelType::Bits(bit_count(
            r.u8_at(at + 1).map_err(|_| NameBreak::Cut(Cut::Trunc))?,
        ))),
        1 => Err(NameBreak::ExtendedType(b & 0x3f)),
        _ => Err(NameBreak::BadType),
    }
}

/// Reads the name at `start` into `labels`, following pointers relative to `base`; the offset
/// just after the name where it starts, or why reading broke off.
fn name_labels(
    r: Reader<'_>,
    start: usize,
    base: usize,
    labels: &mut Vec<Label>,
) -> Result<usize, NameBreak> {
    // Pointers only go backwards, so the walk ends: each must point before the previous one's
    // target, the first before the name itself (unless it starts before `base`).
    let mut ceiling = start.checked_sub(base);
    // Where the name ends in place, once a pointer has taken it elsewhere.
    let mut end_in_place = None;
    let mut at = start;
    loop {
        let kind = label(r, at)?;
        let body = at + 1;
        at = match kind {
            LabelType::Root => return Ok(end_in_place.unwrap_or(body)),
            // tcpdump's observable behaviour: a label whose length byte is the last captured
            // byte ends the name silently, its end computed from that byte; only a name that
            // is a pointer at the very end counts as truncated.
            _ if body >= r.len() => {
                return match end_in_place {
                    Some(end) => Ok(end),
                    None if at == start && matches!(kind, LabelType::Pointer(_)) => {
                        Err(NameBreak::Cut(Cut::Trunc))
                    }
                    None => Ok(body + kind.span()),
                };
            }
            LabelType::Pointer(high) => {
                let low = r.u8_at(body).map_err(|_| NameBreak::Cut(Cut::Trunc))?;
                let target = usize::from(high & 0x3f) << 8 | usize::from(low);
                if ceiling.is_some_and(|ceiling| target >= ceiling) {
                    return Err(NameBreak::BadPointer);
                }
                ceiling = Some(target);
                end_in_place.get_or_insert(body + 1);
                base + target
            }
            LabelType::Bits(bits) => {
                labels.push(Label::Bits {
                    bits,
                    bytes: r.available_at(body + 1, bits.div_ceil(8)).to_vec(),
                });
                body + kind.span()
            }
            LabelType::Text(len) => {
                labels.push(Label::Text(chars(r, body, len)));
                body + len
            }
        };
    }
}

/// The character string of `len` bytes at `at`, as far as captured.
fn chars(r: Reader<'_>, at: usize, len: usize) -> Chars {
    Chars {
        len,
        bytes: r.available_at(at, len).to_vec(),
    }
}

/// Reads one message.
struct Parser<'a> {
    r: Reader<'a>,
    verbose: u8,
}

impl Parser<'_> {
    fn message(&mut self, m: &mut Message) -> Result<(), Stop> {
        let r = self.r;
        let header = (|| {
            Some(Header {
                id: r.u16_at(0).ok()?,
                flags: r.u16_at(2).ok()?,
                counts: [
                    r.u16_at(4).ok()?,
                    r.u16_at(6).ok()?,
                    r.u16_at(8).ok()?,
                    r.u16_at(10).ok()?,
                ],
                rcode: 0,
            })
        })();
        let Some(mut header) = header else {
            return Err(Stop {
                place: Place::Header,
                cut: Cut::Trunc,
            });
        };
        let [qd, an, ns, ar] = header.counts;
        let response = header.response();
        if response {
            header.rcode = self.extended_rcode(header.flags & 0xf, header.counts);
        }
        m.header = Some(header);
        let mut at = 12;
        for i in 0..usize::from(qd) {
            if response && self.verbose <= 1 {
                let fixed = self.skip_name(at).map_err(|cut| Stop {
                    place: Place::Question(i),
                    cut,
                })?;
                m.questions.push(Question::Skipped);
                at = fixed + 4;
            } else {
                at = self.question(at, i, &mut m.questions)?;
            }
        }
        let sections = if response && self.verbose <= 1 {
            1
        } else if self.verbose > 1 {
            3
        } else {
            0
        };
        for (n, count) in [an, ns, ar].into_iter().enumerate().take(sections) {
            at = self.section(at, count, n, &mut m.sections[n])?;
        }
        Ok(())
    }

    /// The response code, with its upper eight bits from the first OPT record of the additional
    /// section (RFC 6891 6.1.3). tcpdump's observable behaviour: anything in the way that cannot
    /// be followed means no OPT record, and the header's four bits stand.
    fn extended_rcode(&self, rcode: u16, counts: [u16; 4]) -> u16 {
        let [qd, an, ns, ar] = counts.map(usize::from);
        let Ok(records) = (0..qd).try_fold(12, |at, _| self.skip_name(at).map(|fixed| fixed + 4))
        else {
            return rcode;
        };
        let r = self.r;
        let mut previous: Option<usize> = None;
        let high_bits = (0..an + ns + ar)
            .map_while(|_| {
                let start = match previous {
                    None => records,
                    Some(fixed) => fixed + 10 + usize::from(r.u16_at(fixed + 8).ok()?),
                };
                let fixed = self.skip_name(start).ok()?;
                previous = Some(fixed);
                Some(fixed)
            })
            .skip(an + ns)
            .find(|&fixed| r.u16_at(fixed) == Ok(rtype::OPT))
            // An OPT record keeps the extended rcode bits in the top byte of its TTL.
            .and_then(|opt| r.u8_at(opt + 4).ok());
        match high_bits {
            Some(high) => rcode | u16::from(high) << 4,
            None => rcode,
        }
    }

    /// The offset after the name at `at`, without following its pointers: tcpdump's way of
    /// passing over a name it does not print.
    fn skip_name(&self, mut at: usize) -> Result<usize, Cut> {
        let r = self.r;
        loop {
            let b = trunc(r.u8_at(at))?;
            at += 1;
            match b >> 6 {
                0 if b == 0 => return Ok(at),
                0 => at += usize::from(b),
                // A pointer is two bytes long; tcpdump does not check the second one here.
                3 => return Ok(at + 1),
                1 if b & 0x3f == 1 => at += 1 + bit_count(trunc(r.u8_at(at))?).div_ceil(8),
                _ => return Err(Cut::Trunc),
            }
        }
    }

    /// Question `i` at `at` into `out`; the offset after it.
    fn question(&self, at: usize, i: usize, out: &mut Vec<Question>) -> Result<usize, Stop> {
        let r = self.r;
        let fixed = (|| {
            let fixed = self.skip_name(at)?;
            Ok((trunc(r.u16_at(fixed))?, trunc(r.u16_at(fixed + 2))?))
        })();
        let (qtype, qclass) = fixed.map_err(|cut| Stop {
            place: Place::Question(i),
            cut,
        })?;
        let name = parse_name(r.data(), at, 0);
        let end = name.outcome();
        out.push(Question::Read {
            qtype,
            qclass,
            name,
        });
        end.map(|end| end + 4).map_err(inside)
    }

    /// `count` records of section `n` from `at` into `out`; the offset after them.
    ///
    /// tcpdump's observable behaviour: a section after the first is skipped altogether when the
    /// capture ends before it, records after the first are read only while captured bytes
    /// remain, and any records left over end the message as truncated.
    fn section(
        &self,
        mut at: usize,
        count: u16,
        n: usize,
        out: &mut Vec<Record>,
    ) -> Result<usize, Stop> {
        if count == 0 {
            return Ok(at);
        }
        let len = self.r.len();
        if n > 0 && at >= len {
            return Err(Stop {
                place: Place::Heading(n),
                cut: Cut::Trunc,
            });
        }
        for i in 0..usize::from(count) {
            if i > 0 && at >= len {
                return Err(Stop {
                    place: Place::Record(n, i),
                    cut: Cut::Trunc,
                });
            }
            let (record, next) = self.record(at);
            out.push(record);
            at = next.map_err(inside)?;
        }
        Ok(at)
    }

    /// One record at `at` (partial when reading it ended early), and the offset after it or
    /// how reading ended.
    fn record(&self, at: usize) -> (Record, Result<usize, Cut>) {
        let r = self.r;
        let len = r.len();
        let skipped = Record {
            owner: None,
            body: None,
        };
        let (owner, fixed) = if self.verbose > 0 {
            let name = parse_name(r.data(), at, 0);
            match name.outcome() {
                Ok(fixed) => (Some(name), fixed),
                Err(cut) => {
                    let partial = Record {
                        owner: Some(name),
                        body: None,
                    };
                    return (partial, Err(cut));
                }
            }
        } else {
            match self.skip_name(at) {
                Ok(fixed) => (None, fixed),
                // tcpdump's observable behaviour: an owner name it cannot skip, or a record
                // header cut short, ends the section without a mark of its own.
                Err(_) => return (skipped, Ok(len)),
            }
        };
        let fields = (|| {
            Some((
                r.u16_at(fixed).ok()?,
                r.u16_at(fixed + 2).ok()?,
                r.u32_at(fixed + 4).ok()?,
                usize::from(r.u16_at(fixed + 8).ok()?),
            ))
        })();
        let Some((rtype, class, ttl, rdlength)) = fields else {
            return (Record { owner, body: None }, Ok(len));
        };
        let rdata_at = fixed + 10;
        let end = rdata_at + rdlength;
        let (rdata, result) = if end > len {
            (None, Err(Cut::Trunc))
        } else {
            let (rdata, result) = self.rdata(rtype, rdata_at, rdlength);
            (Some(rdata), result)
        };
        let record = Record {
            owner,
            body: Some(RecordBody {
                rtype,
                class,
                ttl,
                rdata,
            }),
        };
        (record, result.map(|()| end))
    }

    /// The rdata of a record of type `rtype`, `len` bytes at `at` (all captured), and how
    /// reading it ended.
    fn rdata(&self, rtype: u16, at: usize, len: usize) -> (Rdata, Result<(), Cut>) {
        let r = self.r;
        let p = r.data();
        // A name, and the rdata built from it, ending how the name ends.
        let named = |name: Name| {
            let result = name.outcome().map(|_| ());
            (name, result)
        };
        match rtype {
            rtype::A => {
                let a = r
                    .bytes_at(at, 4)
                    .ok()
                    .map(|a| Ipv4Addr::new(a[0], a[1], a[2], a[3]));
                let result = a.map(|_| ()).ok_or(Cut::Trunc);
                (Rdata::A(a), result)
            }
            rtype::AAAA => {
                let a = r.ipv6_at(at).ok();
                (Rdata::Aaaa(a), a.map(|_| ()).ok_or(Cut::Trunc))
            }
            rtype::NS | rtype::CNAME | rtype::PTR | rtype::DNAME => {
                let (name, result) = named(parse_name(p, at, 0));
                (Rdata::Name(name), result)
            }
            rtype::SOA if self.verbose > 0 => {
                let mname = parse_name(p, at, 0);
                let mut soa = (None, None);
                let result = (|| {
                    let after = mname.outcome()?;
                    let rname = parse_name(p, after, 0);
                    let numbers = rname.outcome();
                    soa.0 = Some(rname);
                    let mut fields = Reader::at(p, numbers?);
                    let mut n = [0u32; 5];
                    for v in &mut n {
                        *v = trunc(fields.u32())?;
                    }
                    soa.1 = Some(n);
                    Ok(())
                })();
                let (rname, numbers) = soa;
                (
                    Rdata::Soa {
                        mname,
                        rname,
                        numbers,
                    },
                    result,
                )
            }
            rtype::MX => {
                let preference = r.u16_at(at).ok();
                let exchange = preference.map(|_| parse_name(p, at + 2, 0));
                let result = match &exchange {
                    Some(name) => name.outcome().map(|_| ()),
                    None => Err(Cut::Trunc),
                };
                (
                    Rdata::Mx {
                        preference,
                        exchange,
                    },
                    result,
                )
            }
            rtype::SRV => {
                let mut f = Reader::at(p, at);
                let fields = (|| Some([f.u16().ok()?, f.u16().ok()?, f.u16().ok()?]))();
                let target = fields.map(|_| parse_name(p, at + 6, 0));
                let result = match &target {
                    Some(name) => name.outcome().map(|_| ()),
                    None => Err(Cut::Trunc),
                };
                (Rdata::Srv { fields, target }, result)
            }
            rtype::TXT => {
                let end = at + len;
                let mut pos = at;
                let mut strings = Vec::new();
                while pos < end {
                    let Ok(n) = r.u8_at(pos) else {
                        return (Rdata::Txt { strings, cut: true }, Err(Cut::Trunc));
                    };
                    let s = chars(r, pos + 1, usize::from(n));
                    let whole = s.bytes.len() == s.len;
                    strings.push(s);
                    if !whole {
                        return (
                            Rdata::Txt {
                                strings,
                                cut: false,
                            },
                            Err(Cut::Trunc),
                        );
                    }
                    pos += 1 + usize::from(n);
                }
                (
                    Rdata::Txt {
                        strings,
                        cut: false,
                    },
                    Ok(()),
                )
            }
            rtype::A6 => self.a6(at),
            rtype::URI => {
                // tcpdump reads these without checking them against the record length.
                let fields = r.u16_at(at).ok().zip(r.u16_at(at + 2).ok());
                if fields.is_none() {
                    let target = chars(r, 0, 0);
                    let uri = Rdata::Uri {
                        fields,
                        target,
                        short: false,
                    };
                    return (uri, Err(Cut::GaveUp));
                }
                let (want, short) = match len.checked_sub(4) {
                    Some(n) => (n, false),
                    // tcpdump's observable behaviour: an rdata shorter than its fixed part
                    // prints the rest of the capture as the target, then gives up.
                    None => (r.len().saturating_sub(at + 4), true),
                };
                let target = chars(r, at + 4, want);
                let result = if target.bytes.len() < want || short {
                    Err(Cut::Trunc)
                } else {
                    Ok(())
                };
                (
                    Rdata::Uri {
                        fields,
                        target,
                        short,
                    },
                    result,
                )
            }
            rtype::UNSPECA => (Rdata::Unspeca(r.available_at(at, len).to_vec()), Ok(())),
            rtype::TSIG if self.verbose > 0 => {
                let algorithm = parse_name(p, at, 0);
                let mut fields = Vec::new();
                let result = (|| {
                    // The algorithm name, then the 48-bit signing time (not shown).
                    let mut pos = algorithm.outcome()? + 6;
                    fields.push(trunc(r.u16_at(pos))?);
                    let mac_len = trunc(r.u16_at(pos + 2))?;
                    fields.push(mac_len);
                    pos += 4 + usize::from(mac_len);
                    for i in 0..3 {
                        fields.push(trunc(r.u16_at(pos + 2 * i))?);
                    }
                    Ok(())
                })();
                (Rdata::Tsig { algorithm, fields }, result)
            }
            rtype::OPT => self.opt(at, at + len),
            _ => (Rdata::Other, Ok(())),
        }
    }

    /// An A6 record (RFC 2874): prefix length, the address suffix, the prefix name. tcpdump
    /// reads the prefix length and suffix without checking them first.
    fn a6(&self, at: usize) -> (Rdata, Result<(), Cut>) {
        let r = self.r;
        let mut a6 = (None, None, None);
        let result = (|| {
            let prefix_len = r.u8_at(at).map_err(|_| Cut::GaveUp)?;
            a6.0 = Some(prefix_len);
            if prefix_len > 128 {
                return Ok(());
            }
            let prefix_bytes = usize::from(prefix_len / 8);
            let suffix_at = at + 1;
            if prefix_len < 128 {
                let mut a = [0u8; 16];
                let suffix = r
                    .bytes_at(suffix_at, 16 - prefix_bytes)
                    .map_err(|_| Cut::GaveUp)?;
                a[prefix_bytes..].copy_from_slice(suffix);
                a6.1 = Some(Ipv6Addr::from(a));
            }
            if prefix_len > 0 {
                let name = parse_name(r.data(), suffix_at + 16 - prefix_bytes, 0);
                let end = name.outcome();
                a6.2 = Some(name);
                end?;
            }
            Ok(())
        })();
        let (prefix_len, suffix, prefix) = a6;
        (
            Rdata::A6 {
                prefix_len,
                suffix,
                prefix,
            },
            result,
        )
    }

    /// The OPT pseudo-record's options (RFC 6891 6.1.2) from `at` to `end`.
    fn opt(&self, at: usize, end: usize) -> (Rdata, Result<(), Cut>) {
        let r = self.r;
        let mut options = Vec::new();
        let mut pos = at;
        while pos < end {
            let Ok(code) = r.u16_at(pos) else {
                return (Rdata::Opt { options, cut: true }, Err(Cut::Trunc));
            };
            let data = r
                .u16_at(pos + 2)
                .and_then(|len| r.bytes_at(pos + 4, usize::from(len)));
            let Ok(data) = data else {
                options.push(EdnsOption { code, value: None });
                return (
                    Rdata::Opt {
                        options,
                        cut: false,
                    },
                    Err(Cut::Trunc),
                );
            };
            let next = pos + 4 + data.len();
            let value = if data.is_empty() {
                EdnsValue::Empty
            } else if code == CHAIN {
                // tcpdump's observable behaviour: the closest trust point is a name whose
                // pointers count from the end of the option, read on past the option while the
                // capture lasts; a name that does not parse just ends early.
                let name = parse_name(r.data(), pos + 4, next);
                if name.outcome() == Err(Cut::GaveUp) {
                    options.push(EdnsOption {
                        code,
                        value: Some(EdnsValue::Chain(name)),
                    });
                    return (
                        Rdata::Opt {
                            options,
                            cut: false,
                        },
                        Err(Cut::GaveUp),
                    );
                }
                EdnsValue::Chain(name)
            } else {
                edns_value(code, data)
            };
            options.push(EdnsOption {
                code,
                value: Some(value),
            });
            pos = next;
        }
        (
            Rdata::Opt {
                options,
                cut: false,
            },
            Ok(()),
        )
    }
}

/// A stop inside the last item read.
fn inside(cut: Cut) -> Stop {
    Stop {
        place: Place::Inside,
        cut,
    }
}

/// The value of EDNS option `code` with non-empty `data`.
fn edns_value(code: u16, data: &[u8]) -> EdnsValue {
    let mut r = Reader::new(data);
    let mut words = || -> Vec<u16> { std::iter::from_fn(|| r.u16().ok()).collect() };
    match (code, data.len()) {
        (8, _) => client_subnet(data).unwrap_or(EdnsValue::Invalid),
        // COOKIE (RFC 7873): an 8-byte client cookie, optionally an 8..32-byte server cookie.
        (10, 8) => EdnsValue::Cookie(data.to_vec(), Vec::new()),
        (10, 16..=40) => EdnsValue::Cookie(data[..8].to_vec(), data[8..].to_vec()),
        // KEEPALIVE (RFC 7828): the timeout in units of 100 ms.
        (11, 2) => EdnsValue::KeepAlive(Reader::new(data).u16().unwrap_or(0)),
        // EXPIRE (RFC 7314).
        (9, 4) => EdnsValue::Expire(Reader::new(data).u32().unwrap_or(0)),
        (9..=11, _) => EdnsValue::Invalid,
        (12, n) => EdnsValue::Padding(n),
        (14, n) if n % 2 != 0 => EdnsValue::Invalid,
        (14, _) => EdnsValue::KeyTags(words()),
        (5..=7, _) => EdnsValue::Algorithms(data.to_vec()),
        // NSID and the rest.
        _ => EdnsValue::Bytes(data.to_vec()),
    }
}

/// The EDNS client subnet option (RFC 7871); `None` when invalid.
fn client_subnet(d: &[u8]) -> Option<EdnsValue> {
    let mut r = Reader::new(d);
    let (family, source, scope) = (r.u16().ok()?, r.u8().ok()?, r.u8().ok()?);
    let addr = r.rest();
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
    let addr = if family == 1 {
        IpAddr::V4(Ipv4Addr::new(full[0], full[1], full[2], full[3]))
    } else {
        IpAddr::V6(Ipv6Addr::from(full))
    };
    Some(EdnsValue::Subnet {
        addr,
        source,
        scope,
    })
}
