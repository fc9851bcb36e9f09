//! DNS messages (RFC 1035, EDNS RFC 6891, mDNS RFC 6762) as a typed model: [`parse`] reads a
//! captured message into a [`Dns`], and `print::dns` formats it as `tcpdump -nn` does after a
//! UDP port 53 or 5353 header.
//!
//! The parser is written from the RFCs, but it reads what tcpdump's printer reads and in the
//! same order, because the byte-for-byte specification of the output is tcpdump's own
//! (tests/capture.rs compares the two on real traffic and on thousands of mutated messages, and
//! tests/capture_corpus.rs on committed pcaps). Two consequences shape the model:
//!
//! - A message cut short or malformed is not an error but part of the model: every partial
//!   item keeps what was read (a name's captured labels, an rdata's leading fields) and
//!   [`Message::stop`] says where reading ended and how ([`Cut::Trunc`]: a checked length ran
//!   out; [`Cut::GaveUp`]: a field tcpdump reads without a check was missing, after which its
//!   `-x`/`-X` dump starts at the link header).
//! - tcpdump reads more of a message at higher verbosity (other sections with `-vv`, owner
//!   names with `-v`), and where it stops depends on what it read, so [`parse`] takes the
//!   verbosity and the model is printed at that verbosity.
//!
//! Why not hickory-proto's wire types: they decode a message whole or fail, while tcpdump
//! prints every message as far as it goes, including names with bad pointers or reserved label
//! types and rdata shorter than its fixed part; rebuilding that around hickory's decoder would
//! need a second parser anyway.
//!
//! Where matching tcpdump needs its internals rather than the RFCs, the parser says so
//! ("tcpdump's observable behaviour"): a label whose length byte is the last captured byte ends
//! a name silently; owner names are skipped without following pointers below `-v`; a record
//! whose owner cannot be skipped ends its section silently; the CHAIN option's name counts its
//! pointers from the end of the option. Names with pointers are followed only backwards, so no
//! name can loop; names are printed as escaped ASCII.

mod parse;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub use crate::capture::reader::Cut;
pub use parse::{parse, parse_name, OPT};

/// Longest name tcpdump prints in full (RFC 1035's 255 octets); longer ones are cut and marked.
pub const NAME_BUDGET: usize = 255;

/// A DNS message after a UDP header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dns {
    /// The UDP payload is shorter than a DNS header: its length.
    TooShort(u32),
    /// A message, as far as it was read.
    Message(Message),
}

/// A DNS message as read at one verbosity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// UDP payload length.
    pub length: u32,
    /// Read as mDNS (port 5353): the top bit of a class is a flag.
    pub mdns: bool,
    /// The verbosity it was read at.
    pub verbose: u8,
    /// The header; `None` when not captured.
    pub header: Option<Header>,
    /// The questions read.
    pub questions: Vec<Question>,
    /// The answer, authority and additional sections read.
    pub sections: [Vec<Record>; 3],
    /// Where reading stopped early, if it did.
    pub stop: Option<Stop>,
}

/// The message header (RFC 1035 4.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// Identifier.
    pub id: u16,
    /// Flags word (QR, opcode, AA, TC, RD, RA, Z, AD, CD, rcode).
    pub flags: u16,
    /// Question, answer, authority and additional counts.
    pub counts: [u16; 4],
    /// The response code with its upper eight bits from the first OPT record (RFC 6891 6.1.3).
    pub rcode: u16,
}

impl Header {
    /// Whether the message is a response.
    pub fn response(&self) -> bool {
        self.flags & 0x8000 != 0
    }

    /// The opcode.
    pub fn opcode(&self) -> u16 {
        (self.flags >> 11) & 0xf
    }
}

/// Where reading a message stopped, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stop {
    /// Where.
    pub place: Place,
    /// How.
    pub cut: Cut,
}

/// Where reading stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// In the header.
    Header,
    /// At question `n`, before anything of it was read.
    Question(usize),
    /// Before the heading of section `n` (1 authority, 2 additional): the capture ended.
    Heading(usize),
    /// Before record `i` of section `n`: the capture ended.
    Record(usize, usize),
    /// Inside the last question or record read, which is partial.
    Inside,
}

/// A question (RFC 1035 4.1.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Question {
    /// Skipped over (a response's questions below `-vv`).
    Skipped,
    /// Read.
    Read {
        /// Type.
        qtype: u16,
        /// Class as on the wire (with mDNS's unicast-response bit).
        qclass: u16,
        /// Name.
        name: Name,
    },
}

/// A resource record (RFC 1035 4.1.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The owner name, read with `-v` only.
    pub owner: Option<Name>,
    /// Type, class, TTL and rdata; `None` when tcpdump skips the rest of the section (the
    /// owner could not be skipped or the fixed fields were not captured).
    pub body: Option<RecordBody>,
}

/// A record's fields after its owner name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordBody {
    /// Type.
    pub rtype: u16,
    /// Class as on the wire (with mDNS's cache-flush bit; the UDP size of OPT).
    pub class: u16,
    /// TTL (the extended rcode, version and flags of OPT).
    pub ttl: u32,
    /// The rdata; `None` when its length runs past the capture.
    pub rdata: Option<Rdata>,
}

/// Record data by type, each as far as it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rdata {
    /// A (`None`: not captured).
    A(Option<Ipv4Addr>),
    /// AAAA.
    Aaaa(Option<Ipv6Addr>),
    /// NS, CNAME, PTR, DNAME.
    Name(Name),
    /// SOA (read with `-v` only): names, then serial, refresh, retry, expire, minimum.
    Soa {
        /// Primary server.
        mname: Name,
        /// Mailbox, when `mname` was read.
        rname: Option<Name>,
        /// The numbers, when captured.
        numbers: Option<[u32; 5]>,
    },
    /// MX.
    Mx {
        /// Preference.
        preference: Option<u16>,
        /// Exchange, when the preference was read.
        exchange: Option<Name>,
    },
    /// SRV.
    Srv {
        /// Priority, weight, port.
        fields: Option<[u16; 3]>,
        /// Target, when the fields were read.
        target: Option<Name>,
    },
    /// TXT: the strings read; `cut` when a string's length byte was not captured.
    Txt {
        /// Strings.
        strings: Vec<Chars>,
        /// A length byte is missing after them.
        cut: bool,
    },
    /// A6 (RFC 2874).
    A6 {
        /// Prefix length (`None`: not captured).
        prefix_len: Option<u8>,
        /// Address suffix, when the prefix length is below 128 and it was captured.
        suffix: Option<Ipv6Addr>,
        /// Prefix name, when the prefix length is above 0.
        prefix: Option<Name>,
    },
    /// URI (RFC 7553).
    Uri {
        /// Priority and weight (`None`: not captured).
        fields: Option<(u16, u16)>,
        /// Target.
        target: Chars,
        /// The rdata is shorter than its fixed part: the target is the rest of the capture.
        short: bool,
    },
    /// UNSPECA: printable text.
    Unspeca(Vec<u8>),
    /// TSIG (read with `-v` only): algorithm name, then fudge, MAC size, original id, error,
    /// other length as far as captured.
    Tsig {
        /// Algorithm.
        algorithm: Name,
        /// Fields read.
        fields: Vec<u16>,
    },
    /// OPT pseudo-record (RFC 6891).
    Opt {
        /// EDNS options read.
        options: Vec<EdnsOption>,
        /// An option's code was not captured after them.
        cut: bool,
    },
    /// A type whose rdata tcpdump does not print.
    Other,
}

/// A character string (RFC 1035 3.3) as far as captured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chars {
    /// Its announced length.
    pub len: usize,
    /// The captured bytes (at most `len`).
    pub bytes: Vec<u8>,
}

/// An EDNS option (RFC 6891 6.1.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EdnsOption {
    /// Option code.
    pub code: u16,
    /// The value; `None` when the length or data was not captured.
    pub value: Option<EdnsValue>,
}

/// An EDNS option's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EdnsValue {
    /// Empty.
    Empty,
    /// Client subnet (RFC 7871).
    Subnet {
        /// Address (zero-filled).
        addr: IpAddr,
        /// Source prefix length.
        source: u8,
        /// Scope prefix length.
        scope: u8,
    },
    /// Cookie (RFC 7873): client and optional server cookie.
    Cookie(Vec<u8>, Vec<u8>),
    /// TCP keepalive timeout (RFC 7828), 100 ms units.
    KeepAlive(u16),
    /// Expire (RFC 7314), seconds.
    Expire(u32),
    /// Padding (RFC 7830): its length.
    Padding(usize),
    /// Key tags (RFC 8145).
    KeyTags(Vec<u16>),
    /// DNSSEC algorithms understood (RFC 6975).
    Algorithms(Vec<u8>),
    /// Chain (RFC 7901): the closest trust point, its pointers counted from the option's end.
    Chain(Name),
    /// A value of the wrong size for its option.
    Invalid,
    /// Anything else, printed in hex.
    Bytes(Vec<u8>),
}

/// A domain name as far as it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Name {
    /// The root label alone; the offset after it.
    Root(usize),
    /// Labels in printing order (compression pointers followed), and the offset after the name
    /// where it starts, or why reading broke off.
    Labels {
        /// Labels.
        labels: Vec<Label>,
        /// End or break.
        end: Result<usize, NameBreak>,
    },
}

/// A label of a name (RFC 1035 4.1.4, RFC 2673 bit-string labels).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Label {
    /// An ordinary label: announced length and captured bytes.
    Text(Chars),
    /// A bit-string label of `bits` bits: the captured bytes of its bits.
    Bits {
        /// Number of bits (1..=256).
        bits: usize,
        /// Captured bytes.
        bytes: Vec<u8>,
    },
}

/// Why reading a name broke off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameBreak {
    /// The capture ended.
    Cut(Cut),
    /// A compression pointer that does not point backwards (`<BAD PTR>`).
    BadPointer,
    /// An extended label type other than bit-string (`<ELT TYPE>`).
    ExtendedType(u8),
    /// The reserved label type (`<BAD LABEL TYPE>`).
    BadType,
}

impl Name {
    /// The offset after the name, or how printing it ends early: a label not captured as far as
    /// it is printed, then the break.
    pub fn outcome(&self) -> Result<usize, Cut> {
        let (labels, end) = match self {
            Name::Root(end) => return Ok(*end),
            Name::Labels { labels, end } => (labels, end),
        };
        let mut length = 0usize;
        for label in labels {
            match label {
                Label::Text(c) => {
                    if c.bytes.len() < c.len.min(NAME_BUDGET.saturating_sub(length)) {
                        return Err(Cut::Trunc);
                    }
                    length += c.len;
                }
                Label::Bits { bits, bytes } => {
                    if bytes.len() < bits.div_ceil(8) {
                        return Err(Cut::GaveUp);
                    }
                }
            }
            length += 1;
        }
        match end {
            Ok(end) => Ok(*end),
            Err(NameBreak::Cut(cut)) => Err(*cut),
            Err(_) => Err(Cut::Trunc),
        }
    }
}
