//! Merging pcap and pcapng streams into one pcapng file by timestamp, like Wireshark's `mergecap`,
//! for files (`toolbox merge`) and for live streams (the fan-out capture of `kubectl toolbox`).
//!
//! Each input is read in its own thread ([`Input::reader`] may be a file or a pipe from a
//! `kubectl` child) and parsed into batches of ready-to-write blocks; the merging thread picks the
//! oldest packet among the inputs and writes it through [`writer::Writer`], so the output is
//! valid whatever ends the merge (end of the inputs, a write error, the stop flag).
//!
//! Inputs: pcap (microsecond and nanosecond magic, both byte orders) and pcapng (several
//! sections, several interfaces, both byte orders; Enhanced, Simple and the obsolete Packet
//! Blocks). Other blocks (name resolution, statistics, secrets, custom) are not copied.
//!
//! Output: one pcapng section, little-endian, with one Interface Description Block per (input,
//! interface), in the order the merge first meets them (in files mode: every input's first
//! interfaces in input order, before any packet), except that in the files modes inputs whose
//! leading interface blocks are all identical share one set, as mergecap's default IDB merge
//! mode (`-I all`) does. An interface keeps its link type, snap length and
//! options (`if_name`, `if_description`, `if_tsresol`, `if_tsoffset`, …); packets keep their
//! timestamp units, comments and flags: a little-endian Enhanced Packet Block is copied byte for
//! byte with only its interface number changed, so no timestamp is ever converted. A pcap input's
//! interface gets `if_tsresol` 9 when the file has nanosecond timestamps. Options of a big-endian
//! section are byte-swapped when their layout is known and dropped otherwise.
//!
//! Ordering compares timestamps as (seconds, nanoseconds) like Wireshark's wiretap does; among
//! packets with equal timestamps the one of the input given *last* is written first, which is what
//! mergecap does (observed with mergecap 4.0.17: inputs a, b, c each with a packet at t=100 come out
//! c, b, a; tests/merge.rs checks it against the installed mergecap). [`Order::Files`] waits for every input and is
//! exactly mergecap's order. [`Order::Live`] writes the oldest queued packet once every open input
//! has a packet queued, or once a queued packet has waited [`Order::Live::window`]: output
//! timestamps are non-decreasing unless a packet reaches the merge more than the window after
//! a newer one was written. Such a late packet is written anyway (nothing is dropped, as
//! mergecap writes an unsorted input as it comes) and counted in [`Summary::late`].
//!
//! An input that ends, fails to read or turns out to be garbage is reported through the
//! `on_input` callback (and in [`Summary::inputs`]); the others go on. Memory is bounded: a block
//! may be at most [`MAX_BLOCK`] bytes, and each input has at most [`BATCHES`] batches in flight.
//!
//! Pod names: [`k8s_description`] formats an interface description the way Inspektor Gadget's
//! pcap-ng output does. Its CLI operator (`pkg/operators/cli/clioperator.go`, `ModePCAPNG`, at
//! <https://github.com/inspektor-gadget/inspektor-gadget/blob/aeac857bd9791c2ac5ce3e9e669be04634f385e7/pkg/operators/cli/clioperator.go>)
//! builds `if_description` from the fields annotated `pcap.interface-var` (the tcpdump gadget's
//! `gadgets/tcpdump/gadget.yaml` annotates `k8s.node`, `k8s.podName`, `k8s.containerName`,
//! `k8s.podLabels`, `runtime.containerName`), each written `NAME=` followed by Go's
//! `url.QueryEscape` of the value, joined by `;`, in the data source's field order, which for the
//! `k8s` fields is node, namespace, podName, containerName (`pkg/datasource/compat/wrapper.go`).
//! IG's gadget does not annotate `k8s.namespace`; we add it in that field order, so a reader
//! that splits on `;` and `=` finds all four.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering as AtomicOrdering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::writer::{self, Stop, WriteError, Writer};

/// The largest block (or pcap record) accepted from an input; larger is reported as corrupt.
/// (Wireshark's reader has the same 16 MiB limit on pcapng blocks.)
pub const MAX_BLOCK: usize = 16 * 1024 * 1024;

/// Batches an input may have in flight (parsed, not yet written): bounds memory per input.
pub const BATCHES: usize = 4;

/// A batch is handed to the merge once it holds this many bytes (or the input paused).
const BATCH_BYTES: usize = 1024 * 1024;

/// How much an input thread asks `read(2)` for at a time.
const READ_BYTES: usize = 1024 * 1024;

/// How often a waiting merge looks at the stop flag.
const TICK: Duration = Duration::from_millis(100);

/// Errors of one input (its other packets, and the other inputs, are not affected).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Reading failed.
    #[error("read error: {0}")]
    Read(#[source] io::Error),
    /// The first bytes are neither a pcap nor a pcapng header.
    #[error("not a pcap or pcapng file (it starts with {0})")]
    Format(String),
    /// A header or block is malformed.
    #[error("corrupt at byte {offset}: {msg}")]
    Corrupt {
        /// Offset of the bad block or record from the start of the input.
        offset: u64,
        /// What is wrong.
        msg: String,
    },
    /// The input ends in the middle of a block or record.
    #[error("cut short at byte {offset} in the middle of a {what}")]
    Truncated {
        /// Offset of the incomplete block.
        offset: u64,
        /// "packet record", "block"…
        what: &'static str,
    },
    /// The input ended before its file header was complete (an empty stream).
    #[error("ended before a pcap or pcapng header ({0} bytes)")]
    NoHeader(usize),
}

/// Errors that end the whole merge.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// Writing the output failed.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// No input was given.
    #[error("no input to merge")]
    NoInputs,
    /// A pcap output holds one link type; the inputs have several.
    #[error("cannot write a pcap file: the inputs have link types {first} and {other}; a pcap file holds one (write pcapng instead)")]
    Linktypes {
        /// The first link type met.
        first: u16,
        /// A different one.
        other: u16,
    },
    /// An input thread could not be started.
    #[error("cannot start a reader thread")]
    Thread(#[source] io::Error),
}

/// How an input's interfaces are described in the output.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Description {
    /// Keep the input's own `if_description` (if any).
    #[default]
    Keep,
    /// Replace it (or add one) with this text.
    Replace(String),
    /// Add this text after the input's own description (`"own; text"`), or alone when none.
    Append(String),
}

/// One stream to merge.
pub struct Input {
    /// Names the input in reports and messages (a file name, `ns/pod`).
    pub label: String,
    /// pcap or pcapng bytes; read to the end in a thread of its own.
    pub reader: Box<dyn Read + Send>,
    /// What every interface of this input says in `if_description`.
    pub description: Description,
}

impl Input {
    /// An input that keeps its interface descriptions.
    pub fn new(label: impl Into<String>, reader: Box<dyn Read + Send>) -> Input {
        Input {
            label: label.into(),
            reader,
            description: Description::Keep,
        }
    }

    /// Open a file (`-` is standard input).
    pub fn open(path: &Path) -> io::Result<Input> {
        let reader: Box<dyn Read + Send> = if path == Path::new("-") {
            Box::new(io::stdin())
        } else {
            Box::new(std::fs::File::open(path)?)
        };
        Ok(Input::new(path.display().to_string(), reader))
    }
}

/// When a packet may be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Exact chronological merge (mergecap): wait for every input before writing a packet.
    Files,
    /// Live streams: write the oldest queued packet once every open input has one queued, or once
    /// a queued packet has waited `window`. See the module documentation for the guarantee.
    Live {
        /// The reordering window (e.g. 500 ms).
        window: Duration,
    },
    /// No reordering: all of the first input, then all of the second… (mergecap `-a`).
    Concatenate,
}

/// Output format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// pcapng, one section, one interface per (input, interface).
    #[default]
    Pcapng,
    /// Classic pcap with microsecond timestamps (needs one link type across all inputs;
    /// timestamps are cut to microseconds, as mergecap `-F pcap` does). Not with [`Order::Live`].
    Pcap,
}

/// A merge request.
#[derive(Clone, Debug)]
pub struct Options {
    /// When packets are written.
    pub order: Order,
    /// Output format.
    pub format: Format,
    /// Set it (Ctrl-C) to end the merge: what was written stays a valid file.
    pub stop: Stop,
}

/// How one input ended.
#[derive(Debug)]
pub enum Outcome {
    /// Read to its end.
    Ended,
    /// Failed; packets before the failure were merged.
    Failed(InputError),
    /// Still open when the merge stopped (stop flag or an output error).
    Open,
}

/// What became of one input.
#[derive(Debug)]
pub struct InputReport {
    /// Position in the input list.
    pub index: usize,
    /// [`Input::label`].
    pub label: String,
    /// Packets written from it.
    pub packets: u64,
    /// How it ended.
    pub outcome: Outcome,
}

/// The result of a merge.
#[derive(Debug, Default)]
pub struct Summary {
    /// Packets written.
    pub packets: u64,
    /// Packets written with a timestamp older than one written before them ([`Order::Live`]:
    /// they came later than the window; otherwise an input was not in time order).
    pub late: u64,
    /// Whether the stop flag ended the merge.
    pub stopped: bool,
    /// After a stop, packets a pipe's reader never took (see [`writer::Writer::abandoned`]).
    pub abandoned: Option<u64>,
    /// One report per input, in input order.
    pub inputs: Vec<InputReport>,
}

impl Summary {
    /// Whether some input failed.
    pub fn any_failed(&self) -> bool {
        self.inputs
            .iter()
            .any(|r| matches!(r.outcome, Outcome::Failed(_)))
    }
}

/// An interface description in Inspektor Gadget's convention (see the module documentation):
/// `k8s.node=N;k8s.namespace=NS;k8s.podName=P;k8s.containerName=C`, each value escaped like Go's
/// `url.QueryEscape`.
pub fn k8s_description(namespace: &str, pod: &str, container: &str, node: &str) -> String {
    let mut s = String::new();
    for (i, (k, v)) in [
        ("k8s.node", node),
        ("k8s.namespace", namespace),
        ("k8s.podName", pod),
        ("k8s.containerName", container),
    ]
    .iter()
    .enumerate()
    {
        if i > 0 {
            s.push(';');
        }
        s.push_str(k);
        s.push('=');
        query_escape(v, &mut s);
    }
    s
}

/// Go's `url.QueryEscape`: unreserved bytes as they are, space as `+`, the rest `%XX`.
fn query_escape(v: &str, out: &mut String) {
    for &b in v.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing (input threads)

/// Timestamp order key: seconds in the high bits, nanoseconds in the low 32 (wiretap's nstime
/// comparison). Packets without a timestamp (Simple Packet Blocks) sort first.
type Key = i128;
const NO_TIME: Key = i128::MIN;

fn key_of(secs: i128, nsecs: u32) -> Key {
    (secs << 32) | Key::from(nsecs)
}

/// Seconds and nanoseconds of a pcapng timestamp in units of `resol` (if_tsresol), plus
/// `offset` seconds (if_tsoffset).
fn pcapng_key(ts: u64, resol: u8, offset: i64) -> Key {
    if resol <= 19 {
        // Decimal units that fit 64 bits (the usual 10^-6 and 10^-9): no 128-bit division.
        let unit = 10u64.pow(u32::from(resol));
        let (secs, frac) = (ts / unit, ts % unit);
        let ns = if resol <= 9 {
            frac * 10u64.pow(9 - u32::from(resol))
        } else {
            frac / 10u64.pow(u32::from(resol) - 9)
        };
        return key_of(i128::from(secs) + i128::from(offset), ns as u32);
    }
    let (secs, frac_ns) = if resol & 0x80 == 0 {
        let r = u32::from(resol);
        let unit = 10u128.pow(r.min(38));
        let ts = u128::from(ts);
        let frac = ts % unit;
        let ns = if r <= 9 {
            frac * 10u128.pow(9 - r)
        } else {
            frac / 10u128.pow(r.min(38) - 9)
        };
        (ts / unit, ns)
    } else {
        let r = u32::from(resol & 0x7f).min(63);
        let frac = u128::from(ts & ((1u64 << r) - 1));
        (u128::from(ts >> r), (frac * 1_000_000_000) >> r)
    };
    let secs = i128::try_from(secs).unwrap_or(i128::MAX >> 40) + i128::from(offset);
    key_of(secs, u32::try_from(frac_ns).unwrap_or(999_999_999))
}

/// One parsed item in a batch.
#[derive(Clone, Copy, Debug)]
struct Item {
    /// Order key (packets only).
    key: Key,
    /// Byte range of the block in the batch.
    start: usize,
    end: usize,
    /// The input's interface number (running over sections) of a packet; `IDB` for an
    /// interface block.
    iface: u32,
}

const IDB: u32 = u32::MAX;

/// Parsed blocks, little-endian, ready to copy to the output.
struct Batch {
    data: Vec<u8>,
    items: Vec<Item>,
}

impl Batch {
    fn new() -> Batch {
        Batch {
            data: Vec::with_capacity(BATCH_BYTES + 65536),
            items: Vec::new(),
        }
    }
}

/// What an interface's packets need to be ordered.
#[derive(Clone, Copy, Debug)]
struct IfTime {
    resol: u8,
    offset: i64,
    snaplen: u32,
    /// Running interface number in the input.
    local: u32,
}

enum State {
    /// Nothing recognised yet.
    Start,
    Pcap {
        swap: bool,
        nanos: bool,
        local: u32,
    },
    Pcapng {
        be: bool,
        ifaces: Vec<IfTime>,
    },
}

/// A pure pcap/pcapng parser: bytes in, batch items out.
struct Parser {
    state: State,
    /// Bytes consumed so far (for error offsets).
    offset: u64,
    /// Interfaces seen so far (running number over sections).
    next_local: u32,
    description: Description,
}

fn rd16(b: &[u8], at: usize, be: bool) -> u16 {
    let a = [b[at], b[at + 1]];
    if be {
        u16::from_be_bytes(a)
    } else {
        u16::from_le_bytes(a)
    }
}

fn rd32(b: &[u8], at: usize, be: bool) -> u32 {
    let a = [b[at], b[at + 1], b[at + 2], b[at + 3]];
    if be {
        u32::from_be_bytes(a)
    } else {
        u32::from_le_bytes(a)
    }
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// How an option's value is laid out, to byte-swap it from a big-endian section.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Val {
    Bytes,
    U32,
    U64,
    /// Custom option: a 32-bit Private Enterprise Number, then bytes.
    Custom,
    /// Unknown layout.
    Unknown,
}

fn idb_option(code: u16) -> Val {
    match code {
        1..=7 | 9 | 11..=13 | 15 | 18 => Val::Bytes,
        10 => Val::U32,
        8 | 14 | 16 | 17 => Val::U64,
        2988 | 2989 | 19372 | 19373 => Val::Custom,
        _ => Val::Unknown,
    }
}

fn epb_option(code: u16) -> Val {
    match code {
        1 | 3 | 7 => Val::Bytes,
        2 | 6 => Val::U32,
        4 | 5 => Val::U64,
        2988 | 2989 | 19372 | 19373 => Val::Custom,
        _ => Val::Unknown,
    }
}

const SHB: u32 = 0x0a0d_0d0a;
const BOM: u32 = 0x1a2b_3c4d;

impl Parser {
    fn new(description: Description) -> Parser {
        Parser {
            state: State::Start,
            offset: 0,
            next_local: 0,
            description,
        }
    }

    fn corrupt(&self, msg: impl Into<String>) -> InputError {
        InputError::Corrupt {
            offset: self.offset,
            msg: msg.into(),
        }
    }

    /// Parse whole blocks from `buf` into `batch`. Returns the bytes consumed and, when the next
    /// block is incomplete, how many bytes it needs in all.
    fn parse(&mut self, buf: &[u8], batch: &mut Batch) -> Result<(usize, usize), InputError> {
        let mut pos = 0;
        loop {
            let rest = &buf[pos..];
            let step = match self.state {
                State::Start => self.header(rest, batch)?,
                State::Pcap { .. } => self.pcap_record(rest, batch)?,
                State::Pcapng { .. } => self.pcapng_block(rest, batch)?,
            };
            match step {
                Step::Took(n) => {
                    pos += n;
                    self.offset += n as u64;
                }
                Step::Need(n) => return Ok((pos, n)),
            }
        }
    }

    /// At end of input: an error when bytes are left over.
    fn finish(&self, left: usize) -> Result<(), InputError> {
        match (&self.state, left) {
            (_, 0) if !matches!(self.state, State::Start) => Ok(()),
            (State::Start, n) => Err(InputError::NoHeader(n)),
            (State::Pcap { .. }, _) => Err(InputError::Truncated {
                offset: self.offset,
                what: "packet record",
            }),
            (State::Pcapng { .. }, _) => Err(InputError::Truncated {
                offset: self.offset,
                what: "block",
            }),
        }
    }

    fn header(&mut self, b: &[u8], batch: &mut Batch) -> Result<Step, InputError> {
        if b.len() < 4 {
            return Ok(Step::Need(4));
        }
        let magic = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let (swap, nanos) = match magic {
            0xa1b2_c3d4 => (false, false),
            0xd4c3_b2a1 => (true, false),
            0xa1b2_3c4d => (false, true),
            0x4d3c_b2a1 => (true, true),
            SHB => return self.pcapng_block(b, batch),
            _ => {
                let shown: Vec<String> = b[..4].iter().map(|x| format!("{x:02x}")).collect();
                return Err(InputError::Format(shown.join(" ")));
            }
        };
        if b.len() < 24 {
            return Ok(Step::Need(24));
        }
        let major = rd16(b, 4, swap);
        if major != 2 {
            return Err(self.corrupt(format!("pcap version {major} is not 2")));
        }
        let snaplen = rd32(b, 16, swap);
        // The low 16 bits are the link type; the upper ones carry FCS information.
        let linktype = (rd32(b, 20, swap) & 0xffff) as u16;
        let local = self.next_local;
        self.next_local += 1;
        let mut opts = Vec::new();
        if nanos {
            opts.push((9u16, vec![9u8]));
        }
        self.push_idb(batch, linktype, snaplen, &opts)?;
        self.state = State::Pcap { swap, nanos, local };
        Ok(Step::Took(24))
    }

    fn pcap_record(&mut self, b: &[u8], batch: &mut Batch) -> Result<Step, InputError> {
        let State::Pcap { swap, nanos, local } = self.state else {
            return Err(self.corrupt("pcap record outside a pcap file"));
        };
        if b.len() < 16 {
            return Ok(Step::Need(16));
        }
        let secs = rd32(b, 0, swap);
        let frac = rd32(b, 4, swap);
        let caplen = rd32(b, 8, swap) as usize;
        let wire = rd32(b, 12, swap);
        if caplen > MAX_BLOCK - 64 {
            return Err(self.corrupt(format!(
                "packet record of {caplen} bytes (more than {} MiB)",
                MAX_BLOCK >> 20
            )));
        }
        if b.len() < 16 + caplen {
            return Ok(Step::Need(16 + caplen));
        }
        let ts = u64::from(secs) * if nanos { 1_000_000_000 } else { 1_000_000 } + u64::from(frac);
        let ns = if nanos {
            frac
        } else {
            frac.saturating_mul(1000)
        };
        let key = key_of(i128::from(secs), ns);
        let data = &b[16..16 + caplen];
        let start = batch.data.len();
        let padded = caplen.next_multiple_of(4);
        let total = (32 + padded) as u32;
        let d = &mut batch.data;
        put32(d, 6);
        put32(d, total);
        put32(d, local);
        put32(d, (ts >> 32) as u32);
        put32(d, ts as u32);
        put32(d, caplen as u32);
        put32(d, wire);
        d.extend_from_slice(data);
        d.resize(d.len() + padded - caplen, 0);
        put32(d, total);
        batch.items.push(Item {
            key,
            start,
            end: batch.data.len(),
            iface: local,
        });
        Ok(Step::Took(16 + caplen))
    }

    fn pcapng_block(&mut self, b: &[u8], batch: &mut Batch) -> Result<Step, InputError> {
        if b.len() < 12 {
            return Ok(Step::Need(12));
        }
        let btype_le = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let be = if btype_le == SHB {
            // A new section: its byte-order magic decides how to read the length.
            match u32::from_le_bytes([b[8], b[9], b[10], b[11]]) {
                BOM => false,
                0x4d3c_2b1a => true,
                _ => return Err(self.corrupt("section header with a bad byte-order magic")),
            }
        } else {
            match &self.state {
                State::Pcapng { be, .. } => *be,
                _ => return Err(self.corrupt("pcapng block before a section header")),
            }
        };
        let btype = rd32(b, 0, be);
        let len = rd32(b, 4, be) as usize;
        if len < 12 || !len.is_multiple_of(4) {
            return Err(self.corrupt(format!(
                "block length {len} is not a multiple of 4 of at least 12"
            )));
        }
        if len > MAX_BLOCK {
            return Err(self.corrupt(format!(
                "block of {len} bytes (more than {} MiB)",
                MAX_BLOCK >> 20
            )));
        }
        if b.len() < len {
            return Ok(Step::Need(len));
        }
        let blk = &b[..len];
        if rd32(blk, len - 4, be) != len as u32 {
            return Err(self.corrupt("block's trailing length differs from its leading length"));
        }
        match btype {
            SHB => {
                if len < 28 {
                    return Err(self.corrupt("section header shorter than 28 bytes"));
                }
                let major = rd16(blk, 12, be);
                if major != 1 {
                    return Err(self.corrupt(format!("pcapng version {major} is not 1")));
                }
                self.state = State::Pcapng {
                    be,
                    ifaces: Vec::new(),
                };
            }
            1 => self.idb(blk, be, batch)?,
            6 => self.epb(blk, be, batch)?,
            2 => self.pb(blk, be, batch)?,
            3 => self.spb(blk, be, batch)?,
            // Name resolution, statistics, secrets, custom and unknown blocks are not copied.
            _ => {}
        }
        Ok(Step::Took(len))
    }

    fn ifaces(&self) -> &[IfTime] {
        match &self.state {
            State::Pcapng { ifaces, .. } => ifaces,
            _ => &[],
        }
    }

    fn idb(&mut self, blk: &[u8], be: bool, batch: &mut Batch) -> Result<(), InputError> {
        if blk.len() < 20 {
            return Err(self.corrupt("interface description shorter than 20 bytes"));
        }
        let linktype = rd16(blk, 8, be);
        let snaplen = rd32(blk, 12, be);
        let opts = self.options(&blk[16..blk.len() - 4], be, idb_option)?;
        let mut resol = 6u8;
        let mut offset = 0i64;
        for (code, v) in &opts {
            match (code, v.len()) {
                (9, 1..) => resol = v[0],
                (14, 8) => {
                    offset = i64::from_le_bytes(v[..8].try_into().unwrap_or([0; 8]));
                }
                _ => {}
            }
        }
        if resol & 0x80 == 0 && resol > 38 {
            return Err(self.corrupt(format!("if_tsresol 10^-{resol} is not supported")));
        }
        let local = self.next_local;
        self.next_local += 1;
        self.push_idb(batch, linktype, snaplen, &opts)?;
        let t = IfTime {
            resol,
            offset,
            snaplen,
            local,
        };
        if let State::Pcapng { ifaces, .. } = &mut self.state {
            ifaces.push(t);
        }
        Ok(())
    }

    /// Decode an options area into (code, little-endian value) pairs; unknown layouts of a
    /// big-endian section are dropped.
    #[allow(clippy::type_complexity)]
    fn options(
        &self,
        mut o: &[u8],
        be: bool,
        layout: fn(u16) -> Val,
    ) -> Result<Vec<(u16, Vec<u8>)>, InputError> {
        let mut out = Vec::new();
        while o.len() >= 4 {
            let code = rd16(o, 0, be);
            let len = rd16(o, 2, be) as usize;
            if code == 0 {
                break;
            }
            let padded = len.next_multiple_of(4);
            if o.len() < 4 + padded {
                return Err(self.corrupt(format!("option {code} runs past its block")));
            }
            let v = &o[4..4 + len];
            let value = match (be, layout(code)) {
                (false, _) | (true, Val::Bytes) => Some(v.to_vec()),
                (true, Val::U32) if len == 4 => Some(rd32(v, 0, true).to_le_bytes().to_vec()),
                (true, Val::U64) if len == 8 => Some(
                    u64::from_be_bytes(v.try_into().unwrap_or([0; 8]))
                        .to_le_bytes()
                        .to_vec(),
                ),
                (true, Val::Custom) if len >= 4 => {
                    let mut c = rd32(v, 0, true).to_le_bytes().to_vec();
                    c.extend_from_slice(&v[4..]);
                    Some(c)
                }
                _ => None,
            };
            if let Some(value) = value {
                out.push((code, value));
            }
            o = &o[4 + padded..];
        }
        Ok(out)
    }

    /// Append an output IDB with the description edit applied.
    fn push_idb(
        &self,
        batch: &mut Batch,
        linktype: u16,
        snaplen: u32,
        opts: &[(u16, Vec<u8>)],
    ) -> Result<(), InputError> {
        let own = opts
            .iter()
            .find(|(c, _)| *c == 3)
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned());
        let desc = match (&self.description, own) {
            (Description::Keep, own) => own,
            (Description::Replace(d), _) => Some(d.clone()),
            (Description::Append(d), Some(own)) if !own.is_empty() => Some(format!("{own}; {d}")),
            (Description::Append(d), _) => Some(d.clone()),
        };
        let start = batch.data.len();
        let d = &mut batch.data;
        put32(d, 1);
        put32(d, 0); // length, set below
        put16(d, linktype);
        put16(d, 0);
        put32(d, snaplen);
        let mut any = false;
        let mut put_opt = |d: &mut Vec<u8>, code: u16, v: &[u8]| {
            let v = &v[..v.len().min(0xfff0)];
            put16(d, code);
            put16(d, v.len() as u16);
            d.extend_from_slice(v);
            d.resize(d.len() + (v.len().next_multiple_of(4) - v.len()), 0);
            any = true;
        };
        for (code, v) in opts {
            if *code != 3 {
                put_opt(d, *code, v);
            } else if let Some(desc) = &desc {
                // The description stays where the input had it.
                put_opt(d, 3, desc.as_bytes());
            }
        }
        if let Some(desc) = &desc {
            if !opts.iter().any(|(c, _)| *c == 3) {
                put_opt(d, 3, desc.as_bytes());
            }
        }
        if any {
            put32(d, 0); // opt_endofopt
        }
        let total = (d.len() - start + 4) as u32;
        put32(d, total);
        d[start + 4..start + 8].copy_from_slice(&total.to_le_bytes());
        batch.items.push(Item {
            key: NO_TIME,
            start,
            end: d.len(),
            iface: IDB,
        });
        Ok(())
    }

    fn iface(&self, id: u32) -> Result<IfTime, InputError> {
        self.ifaces().get(id as usize).copied().ok_or_else(|| {
            self.corrupt(format!(
                "packet of interface {id}, but the section has {} interfaces",
                self.ifaces().len()
            ))
        })
    }

    /// Append an output EPB: header fields, data, and an options area already in output order.
    #[allow(clippy::too_many_arguments)]
    fn push_epb(
        batch: &mut Batch,
        key: Key,
        local: u32,
        ts: u64,
        data: &[u8],
        wire: u32,
        opts: &[(u16, Vec<u8>)],
    ) {
        let start = batch.data.len();
        let d = &mut batch.data;
        put32(d, 6);
        put32(d, 0);
        put32(d, local);
        put32(d, (ts >> 32) as u32);
        put32(d, ts as u32);
        put32(d, data.len() as u32);
        put32(d, wire);
        d.extend_from_slice(data);
        d.resize(d.len() + data.len().next_multiple_of(4) - data.len(), 0);
        if !opts.is_empty() {
            for (code, v) in opts {
                put16(d, *code);
                put16(d, v.len() as u16);
                d.extend_from_slice(v);
                d.resize(d.len() + v.len().next_multiple_of(4) - v.len(), 0);
            }
            put32(d, 0);
        }
        let total = (d.len() - start + 4) as u32;
        put32(d, total);
        d[start + 4..start + 8].copy_from_slice(&total.to_le_bytes());
        batch.items.push(Item {
            key,
            start,
            end: d.len(),
            iface: local,
        });
    }

    /// Walk an options area of a little-endian block to check that it is well formed.
    fn check_options(&self, mut o: &[u8]) -> Result<(), InputError> {
        while o.len() >= 4 {
            let code = u16::from_le_bytes([o[0], o[1]]);
            let len = u16::from_le_bytes([o[2], o[3]]) as usize;
            if code == 0 {
                return Ok(());
            }
            let padded = len.next_multiple_of(4);
            if o.len() < 4 + padded {
                return Err(self.corrupt(format!("option {code} runs past its block")));
            }
            o = &o[4 + padded..];
        }
        if o.is_empty() {
            Ok(())
        } else {
            Err(self.corrupt("options area is not a multiple of 4 bytes"))
        }
    }

    /// The fields an Enhanced Packet Block and the obsolete Packet Block share at the same
    /// offsets: the interface word, the timestamp, the captured and original lengths, and the
    /// captured length padded to 32 bits, checked against the block's length.
    fn packet_fields(
        &self,
        blk: &[u8],
        be: bool,
        kind: &str,
    ) -> Result<(u32, u64, usize, u32, usize), InputError> {
        if blk.len() < 32 {
            return Err(self.corrupt(format!("{kind} block shorter than 32 bytes")));
        }
        let ts = (u64::from(rd32(blk, 12, be)) << 32) | u64::from(rd32(blk, 16, be));
        let caplen = rd32(blk, 20, be) as usize;
        let padded = caplen.next_multiple_of(4);
        if 28 + padded + 4 > blk.len() {
            return Err(self.corrupt(format!(
                "packet of {caplen} bytes in a block of {}",
                blk.len()
            )));
        }
        Ok((rd32(blk, 8, be), ts, caplen, rd32(blk, 24, be), padded))
    }

    fn epb(&mut self, blk: &[u8], be: bool, batch: &mut Batch) -> Result<(), InputError> {
        let (id, ts, caplen, wire, padded) = self.packet_fields(blk, be, "enhanced packet")?;
        let t = self.iface(id)?;
        let key = pcapng_key(ts, t.resol, t.offset);
        let opts = &blk[28 + padded..blk.len() - 4];
        if be {
            let opts = self.options(opts, true, epb_option)?;
            Self::push_epb(batch, key, t.local, ts, &blk[28..28 + caplen], wire, &opts);
        } else {
            self.check_options(opts)?;
            let start = batch.data.len();
            batch.data.extend_from_slice(blk);
            batch.data[start + 8..start + 12].copy_from_slice(&t.local.to_le_bytes());
            batch.items.push(Item {
                key,
                start,
                end: batch.data.len(),
                iface: t.local,
            });
        }
        Ok(())
    }

    fn pb(&mut self, blk: &[u8], be: bool, batch: &mut Batch) -> Result<(), InputError> {
        let (_, ts, caplen, wire, padded) = self.packet_fields(blk, be, "packet")?;
        // The obsolete Packet Block has a 16-bit interface id (then drops count).
        let t = self.iface(u32::from(rd16(blk, 8, be)))?;
        let key = pcapng_key(ts, t.resol, t.offset);
        let opts = self.options(&blk[28 + padded..blk.len() - 4], be, epb_option)?;
        Self::push_epb(batch, key, t.local, ts, &blk[28..28 + caplen], wire, &opts);
        Ok(())
    }

    fn spb(&mut self, blk: &[u8], be: bool, batch: &mut Batch) -> Result<(), InputError> {
        if blk.len() < 16 {
            return Err(self.corrupt("simple packet block shorter than 16 bytes"));
        }
        let t = self.iface(0)?;
        let wire = rd32(blk, 8, be);
        let room = blk.len() - 16;
        let mut caplen = (wire as usize).min(room);
        if t.snaplen > 0 {
            caplen = caplen.min(t.snaplen as usize);
        }
        Self::push_epb(batch, NO_TIME, t.local, 0, &blk[12..12 + caplen], wire, &[]);
        Ok(())
    }
}

enum Step {
    Took(usize),
    Need(usize),
}

// ---------------------------------------------------------------------------------------------
// Input threads

enum Msg {
    Batch(usize, Batch),
    End(usize, Result<(), InputError>),
}

/// Read `input` to its end, sending parsed batches; a batch comes back through `free` for reuse.
fn read_input(
    index: usize,
    mut input: Input,
    tx: mpsc::Sender<Msg>,
    free: mpsc::Receiver<Batch>,
    live: bool,
) {
    let description = std::mem::take(&mut input.description);
    let mut parser = Parser::new(description);
    let mut buf = vec![0u8; READ_BYTES];
    let mut filled = 0;
    let mut made = 0;
    let mut batch: Option<Batch> = None;
    let take_batch = |made: &mut usize| -> Option<Batch> {
        if *made < BATCHES {
            *made += 1;
            return Some(Batch::new());
        }
        let mut b = free.recv().ok()?;
        b.data.clear();
        b.items.clear();
        if b.data.capacity() > 4 * BATCH_BYTES {
            b.data.shrink_to(BATCH_BYTES + 65536);
        }
        Some(b)
    };
    let result = loop {
        if filled == buf.len() {
            // Only when one block needs more than the buffer (bounded by MAX_BLOCK).
            let more = buf.len().max(READ_BYTES);
            buf.resize(buf.len() + more, 0);
        }
        let asked = buf.len() - filled;
        let n = match input.reader.read(&mut buf[filled..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => break Err(InputError::Read(e)),
        };
        if n == 0 {
            break parser.finish(filled);
        }
        filled += n;
        if batch.is_none() {
            match take_batch(&mut made) {
                Some(b) => batch = Some(b),
                None => return,
            }
        }
        let Some(b) = batch.as_mut() else { return };
        let (used, need) = match parser.parse(&buf[..filled], b) {
            Ok(r) => r,
            Err(e) => {
                if let Some(b) = batch.take() {
                    if !b.items.is_empty() && tx.send(Msg::Batch(index, b)).is_err() {
                        return;
                    }
                }
                break Err(e);
            }
        };
        buf.copy_within(used..filled, 0);
        filled -= used;
        if need > buf.len() {
            buf.resize(need.next_multiple_of(READ_BYTES), 0);
        } else if buf.len() > 2 * READ_BYTES && filled < READ_BYTES && need <= READ_BYTES {
            buf.truncate(READ_BYTES);
            buf.shrink_to_fit();
        }
        // Handed over when full, or when the input paused (a short read: a pipe with nothing
        // more for now), or at once in live mode.
        let full = b.data.len() >= BATCH_BYTES;
        if !b.items.is_empty() && (live || full || n < asked) {
            if let Some(b) = batch.take() {
                if tx.send(Msg::Batch(index, b)).is_err() {
                    return;
                }
            }
        }
    };
    if let Some(b) = batch.take() {
        if !b.items.is_empty() && tx.send(Msg::Batch(index, b)).is_err() {
            return;
        }
    }
    let _ = tx.send(Msg::End(index, result));
}

// ---------------------------------------------------------------------------------------------
// The merge

struct Source {
    label: String,
    queue: VecDeque<(Batch, Instant)>,
    /// Next item of the front batch.
    pos: usize,
    free: mpsc::Sender<Batch>,
    /// `None` while open.
    ended: Option<Result<(), InputError>>,
    /// Input interface number → output interface number.
    ifmap: Vec<u32>,
    /// Leading interface blocks not to write: they equal the first input's (mergecap's default
    /// IDB merge mode, `-I all`), and `ifmap` already maps them to its interfaces.
    shared_idbs: usize,
    packets: u64,
}

impl Source {
    fn open(&self) -> bool {
        self.ended.is_none()
    }
}

/// Output side: pcapng through [`Writer::record`], or pcap through [`Writer::packet`].
struct Out {
    path: PathBuf,
    format: Format,
    stop: Stop,
    writer: Option<Writer>,
    interfaces: u32,
    /// Per output interface: (link type, snap length, tsresol, tsoffset) for pcap output.
    iface_info: Vec<(u16, u32, u8, i64)>,
    linktype: Option<u16>,
}

fn shb() -> Vec<u8> {
    let mut b = Vec::with_capacity(28);
    put32(&mut b, SHB);
    put32(&mut b, 28);
    put32(&mut b, BOM);
    put16(&mut b, 1);
    put16(&mut b, 0);
    b.extend_from_slice(&(-1i64).to_le_bytes());
    put32(&mut b, 28);
    b
}

impl Out {
    fn interface(&mut self, block: &[u8]) -> Result<u32, MergeError> {
        let id = self.interfaces;
        self.interfaces += 1;
        match self.format {
            Format::Pcapng => {
                let w = self.pcapng()?;
                w.record(|b| b.extend_from_slice(block))?;
            }
            Format::Pcap => {
                let lt = u16::from_le_bytes([block[8], block[9]]);
                let snap = u32::from_le_bytes([block[12], block[13], block[14], block[15]]);
                let mut resol = 6;
                let mut offset = 0;
                let mut o = &block[16..block.len() - 4];
                while o.len() >= 4 {
                    let code = u16::from_le_bytes([o[0], o[1]]);
                    let len = usize::from(u16::from_le_bytes([o[2], o[3]]));
                    if code == 0 || o.len() < 4 + len {
                        break;
                    }
                    match (code, len) {
                        (9, 1) => resol = o[4],
                        (14, 8) => {
                            offset = i64::from_le_bytes(o[4..12].try_into().unwrap_or([0; 8]))
                        }
                        _ => {}
                    }
                    o = &o[(4 + len.next_multiple_of(4)).min(o.len())..];
                }
                match self.linktype {
                    Some(first) if first != lt => {
                        return Err(MergeError::Linktypes { first, other: lt })
                    }
                    _ => self.linktype = Some(lt),
                }
                self.iface_info.push((lt, snap, resol, offset));
            }
        }
        Ok(id)
    }

    fn pcapng(&mut self) -> Result<&mut Writer, MergeError> {
        if self.writer.is_none() {
            self.writer = Some(Writer::create_raw(&self.path, &shb(), self.stop.clone())?);
        }
        self.writer.as_mut().ok_or(MergeError::NoInputs)
    }

    /// Open the output before any packet (pcap needs the link type: it is known by then).
    fn ensure_open(&mut self) -> Result<(), MergeError> {
        if self.writer.is_some() {
            return Ok(());
        }
        match self.format {
            Format::Pcapng => {
                self.pcapng()?;
            }
            Format::Pcap => {
                let header = writer::Header {
                    linktype: self.linktype.unwrap_or(1),
                    snaplen: self.iface_info.iter().map(|i| i.1).max().unwrap_or(262_144),
                    ifname: None,
                };
                self.writer = Some(Writer::create(
                    &self.path,
                    writer::FileFormat::Pcap,
                    &header,
                    self.stop.clone(),
                )?);
            }
        }
        Ok(())
    }

    fn packet(&mut self, block: &[u8], out_iface: u32, key: Key) -> Result<(), MergeError> {
        self.ensure_open()?;
        let Some(w) = self.writer.as_mut() else {
            return Ok(());
        };
        match self.format {
            Format::Pcapng => w.record(|b| {
                let start = b.len();
                b.extend_from_slice(block);
                b[start + 8..start + 12].copy_from_slice(&out_iface.to_le_bytes());
            })?,
            Format::Pcap => {
                let caplen = u32::from_le_bytes([block[20], block[21], block[22], block[23]]);
                let wire = u32::from_le_bytes([block[24], block[25], block[26], block[27]]);
                let data = &block[28..28 + caplen as usize];
                let (secs, usecs) = if key == NO_TIME {
                    (0, 0)
                } else {
                    ((key >> 32) as i64, ((key & 0xffff_ffff) as u32) / 1000)
                };
                w.packet(secs, usecs, data, wire)?;
            }
        }
        Ok(())
    }
}

struct Merge<'a> {
    sources: Vec<Source>,
    rx: mpsc::Receiver<Msg>,
    out: Out,
    on_input: &'a mut dyn FnMut(&InputReport),
    summary: Summary,
    last: Option<Key>,
    stop: Stop,
}

fn stopped(stop: &Stop) -> bool {
    stop.as_ref()
        .is_some_and(|s| s.load(AtomicOrdering::SeqCst))
}

impl Merge<'_> {
    fn dispatch(&mut self, msg: Msg) {
        match msg {
            Msg::Batch(i, b) => self.sources[i].queue.push_back((b, Instant::now())),
            Msg::End(i, r) => {
                self.sources[i].ended = Some(r);
            }
        }
    }

    /// Wait up to `timeout` for one message; `false` when none came (or every sender is gone).
    fn receive(&mut self, timeout: Duration) -> bool {
        match self.rx.recv_timeout(timeout) {
            Ok(m) => {
                self.dispatch(m);
                while let Ok(m) = self.rx.try_recv() {
                    self.dispatch(m);
                }
                true
            }
            Err(mpsc::RecvTimeoutError::Timeout) => false,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                // Every reader has gone; one that ended without a word (it cannot, short of a
                // bug) counts as failed rather than being waited for forever.
                for s in &mut self.sources {
                    if s.ended.is_none() {
                        s.ended = Some(Err(InputError::Read(io::Error::other(
                            "the reader thread ended unexpectedly",
                        ))));
                    }
                }
                false
            }
        }
    }

    /// Write the interface blocks at the head of input `i` and return its head packet's key,
    /// reporting the input once it has ended and is drained.
    fn head(&mut self, i: usize) -> Result<Option<(Key, Instant)>, MergeError> {
        loop {
            let s = &mut self.sources[i];
            let Some((batch, at)) = s.queue.front() else {
                return Ok(None);
            };
            let Some(item) = batch.items.get(s.pos).copied() else {
                if let Some((b, _)) = s.queue.pop_front() {
                    let _ = s.free.send(b);
                }
                s.pos = 0;
                continue;
            };
            if item.iface != IDB {
                return Ok(Some((item.key, *at)));
            }
            if s.shared_idbs > 0 {
                s.shared_idbs -= 1;
                s.pos += 1;
                continue;
            }
            let block = &batch.data[item.start..item.end];
            let id = self.out.interface(block)?;
            let s = &mut self.sources[i];
            s.ifmap.push(id);
            s.pos += 1;
        }
    }

    fn write_head(&mut self, i: usize) -> Result<(), MergeError> {
        let s = &mut self.sources[i];
        let Some((batch, _)) = s.queue.front() else {
            return Ok(());
        };
        let Some(item) = batch.items.get(s.pos).copied() else {
            return Ok(());
        };
        let out_iface = s.ifmap.get(item.iface as usize).copied().unwrap_or(0);
        s.pos += 1;
        s.packets += 1;
        let block = &batch.data[item.start..item.end];
        if item.key != NO_TIME {
            if self.last.is_some_and(|l| item.key < l) {
                self.summary.late += 1;
            }
            self.last = Some(self.last.map_or(item.key, |l| l.max(item.key)));
        }
        self.summary.packets += 1;
        self.out.packet(block, out_iface, item.key)
    }

    /// Report inputs that ended and are drained (once each).
    fn report_ended(&mut self, reported: &mut [bool]) {
        for (i, s) in self.sources.iter_mut().enumerate() {
            if reported[i] || s.ended.is_none() || !s.queue.is_empty() {
                continue;
            }
            reported[i] = true;
            let outcome = match s.ended.take() {
                Some(Ok(())) => Outcome::Ended,
                Some(Err(e)) => Outcome::Failed(e),
                None => Outcome::Open,
            };
            // Keep `ended` set (the input stays closed).
            s.ended = Some(Ok(()));
            let r = InputReport {
                index: i,
                label: s.label.clone(),
                packets: s.packets,
                outcome,
            };
            (self.on_input)(&r);
            self.summary.inputs.push(r);
        }
    }

    fn flush(&mut self) -> Result<(), MergeError> {
        if let Some(w) = self.out.writer.as_mut() {
            w.flush()?;
        }
        Ok(())
    }

    fn run(&mut self, order: Order) -> Result<(), MergeError> {
        let n = self.sources.len();
        let mut reported = vec![false; n];
        let mut current = 0; // Concatenate: the input being copied.
                             // Each input's head packet, kept between packets: only the input just written from, or
                             // those without a head after new batches came, are looked at again.
        let mut heads: Vec<Option<(Key, Instant)>> = vec![None; n];
        let mut fresh = true;
        if !matches!(order, Order::Live { .. }) {
            self.share_identical_interfaces();
            // Files: every input's first interfaces go out in input order, whichever input's
            // reader is first.
            for (i, h) in heads.iter_mut().enumerate() {
                while !stopped(&self.stop) {
                    *h = self.head(i)?;
                    if h.is_some() || !self.sources[i].open() {
                        break;
                    }
                    self.receive(TICK);
                }
            }
        }
        loop {
            if stopped(&self.stop) {
                self.summary.stopped = true;
                break;
            }
            if fresh {
                for (i, h) in heads.iter_mut().enumerate() {
                    if h.is_none() {
                        *h = self.head(i)?;
                    }
                }
                self.report_ended(&mut reported);
                fresh = false;
            }
            let missing = heads
                .iter()
                .zip(&self.sources)
                .any(|(h, s)| h.is_none() && s.open());
            let pick = match order {
                Order::Concatenate => {
                    while current < n && heads[current].is_none() && !self.sources[current].open() {
                        current += 1;
                    }
                    if current == n {
                        break;
                    }
                    heads[current].map(|_| current)
                }
                Order::Files | Order::Live { .. } => {
                    let best = heads
                        .iter()
                        .enumerate()
                        .filter_map(|(i, h)| h.map(|(k, _)| (k, std::cmp::Reverse(i))))
                        .min()
                        .map(|(k, std::cmp::Reverse(i))| (k, i));
                    match (best, order) {
                        (None, _) if !missing => break,
                        (None, _) => None,
                        (Some(_), Order::Files) if missing => None,
                        (Some((_, i)), Order::Live { window }) if missing => {
                            let oldest = heads.iter().flatten().map(|(_, at)| *at).min();
                            match oldest {
                                Some(at) if at.elapsed() >= window => Some(i),
                                _ => None,
                            }
                        }
                        (Some((_, i)), _) => Some(i),
                    }
                }
            };
            match pick {
                Some(i) => {
                    self.write_head(i)?;
                    if matches!(order, Order::Files | Order::Concatenate) {
                        // Fast path: keep taking from this input while it stays the oldest.
                        self.run_from(i, &heads, order)?;
                    }
                    heads[i] = self.head(i)?;
                    fresh |= heads[i].is_none();
                }
                None => {
                    // Waiting for an input: in live mode what is queued goes out first; files
                    // wait for a slower reader without a write unless it is silent for a tick
                    // (a pipe).
                    let live = matches!(order, Order::Live { .. });
                    if live {
                        self.flush()?;
                    }
                    let timeout = match order {
                        Order::Live { window } => {
                            let oldest = heads.iter().flatten().map(|(_, at)| *at).min();
                            oldest.map_or(TICK, |at| window.saturating_sub(at.elapsed()).min(TICK))
                        }
                        _ => TICK,
                    };
                    let timeout = timeout.max(Duration::from_millis(1));
                    if !self.receive(timeout) && !live {
                        self.flush()?;
                    }
                    fresh = true;
                }
            }
        }
        self.flush()?;
        self.summary.abandoned = self.out.writer.as_ref().and_then(|w| w.abandoned());
        self.report_ended(&mut reported);
        Ok(())
    }

    /// The interface blocks at the head of input `i`, once all of them are queued (a packet
    /// follows, or the input ended); `None` while more may come.
    fn leading_idbs(&self, i: usize) -> Option<Vec<&[u8]>> {
        let s = &self.sources[i];
        let mut idbs = Vec::new();
        for (k, (batch, _)) in s.queue.iter().enumerate() {
            let from = if k == 0 { s.pos } else { 0 };
            for item in batch.items.iter().skip(from) {
                if item.iface != IDB {
                    return Some(idbs);
                }
                idbs.push(&batch.data[item.start..item.end]);
            }
        }
        (!s.open()).then_some(idbs)
    }

    /// mergecap's default IDB merge mode (`-I all`): when every input starts with the same
    /// interface blocks (the same number, byte for byte), the output has them once and every
    /// input's packets use them (merging tcpdump files of one interface gives one interface, as
    /// mergecap does). Waits until each input's leading blocks are queued; files modes only.
    fn share_identical_interfaces(&mut self) {
        let n = self.sources.len();
        if n < 2 || self.out.interfaces != 0 {
            return;
        }
        let same = loop {
            if stopped(&self.stop) {
                return;
            }
            let all: Option<Vec<Vec<&[u8]>>> = (0..n).map(|i| self.leading_idbs(i)).collect();
            if let Some(all) = all {
                break !all[0].is_empty() && all.iter().all(|idbs| *idbs == all[0]);
            }
            self.receive(TICK);
        };
        if !same {
            return;
        }
        let count = self.leading_idbs(0).map_or(0, |v| v.len());
        let ids: Vec<u32> = (0..count as u32).collect();
        for s in &mut self.sources[1..] {
            s.ifmap = ids.clone();
            s.shared_idbs = count;
        }
    }

    /// Write more packets of input `i` while its head stays before every other head (ties go to
    /// the later input, as in mergecap), without rescanning all inputs per packet.
    fn run_from(
        &mut self,
        i: usize,
        heads: &[Option<(Key, Instant)>],
        order: Order,
    ) -> Result<(), MergeError> {
        // The smallest other head, and whether it wins ties (a lower input number).
        let bound = heads
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .filter_map(|(j, h)| h.map(|(k, _)| (k, std::cmp::Reverse(j))))
            .min()
            .map(|(k, std::cmp::Reverse(j))| (k, j));
        loop {
            if stopped(&self.stop) {
                return Ok(());
            }
            let s = &self.sources[i];
            let Some((batch, _)) = s.queue.front() else {
                return Ok(());
            };
            let Some(item) = batch.items.get(s.pos) else {
                return Ok(());
            };
            if item.iface == IDB {
                return Ok(());
            }
            let fine = match (order, bound) {
                (Order::Concatenate, _) | (_, None) => true,
                (_, Some((k, j))) => item.key < k || (item.key == k && i > j),
            };
            if !fine {
                return Ok(());
            }
            self.write_head(i)?;
        }
    }
}

/// Merge `inputs` into `out` (`-` for standard output). `on_input` is called once per input when
/// it ends or fails (also at the end for inputs still open). Returns what was done; an error only
/// when the output itself fails or no input is given.
///
/// The fan-out capture's use (one `kubectl` child per pod, its stdout a pipe):
///
/// ```ignore
/// let mut input = Input::new("default/web-0", Box::new(child.stdout.take().unwrap()));
/// input.description = Description::Replace(k8s_description("default", "web-0", "nginx", "node-1"));
/// let opts = Options {
///     order: Order::Live { window: Duration::from_millis(500) },
///     format: Format::Pcapng,
///     stop: Some(stop_flag),
/// };
/// let summary = merge(vec![input /* , … */], Path::new("-"), &opts, &mut |r| {
///     if let Outcome::Failed(e) = &r.outcome {
///         eprintln!("{}: {e}", r.label);
///     }
/// })?;
/// ```
pub fn merge(
    inputs: Vec<Input>,
    out: &Path,
    opts: &Options,
    on_input: &mut dyn FnMut(&InputReport),
) -> Result<Summary, MergeError> {
    if inputs.is_empty() {
        return Err(MergeError::NoInputs);
    }
    let live = matches!(opts.order, Order::Live { .. });
    let (tx, rx) = mpsc::channel();
    let mut sources = Vec::with_capacity(inputs.len());
    for (index, input) in inputs.into_iter().enumerate() {
        let (free_tx, free_rx) = mpsc::channel();
        sources.push(Source {
            label: input.label.clone(),
            queue: VecDeque::new(),
            pos: 0,
            free: free_tx,
            ended: None,
            ifmap: Vec::new(),
            shared_idbs: 0,
            packets: 0,
        });
        let tx = tx.clone();
        std::thread::Builder::new()
            .name(format!("merge-in-{index}"))
            .spawn(move || read_input(index, input, tx, free_rx, live))
            .map_err(MergeError::Thread)?;
    }
    drop(tx);
    let mut m = Merge {
        sources,
        rx,
        out: Out {
            path: out.to_path_buf(),
            format: opts.format,
            stop: opts.stop.clone(),
            writer: None,
            interfaces: 0,
            iface_info: Vec::new(),
            linktype: None,
        },
        on_input,
        summary: Summary::default(),
        last: None,
        stop: opts.stop.clone(),
    };
    // pcapng: the section header goes out at once (a live reader sees a stream start).
    if opts.format == Format::Pcapng {
        m.out.ensure_open()?;
    }
    let res = m.run(opts.order);
    // Inputs still open (stop, output error) are reported as such.
    for (i, s) in m.sources.iter().enumerate() {
        if m.summary.inputs.iter().any(|r| r.index == i) {
            continue;
        }
        let r = InputReport {
            index: i,
            label: s.label.clone(),
            packets: s.packets,
            outcome: match &s.ended {
                Some(Err(_)) | None => Outcome::Open,
                Some(Ok(())) => Outcome::Ended,
            },
        };
        (m.on_input)(&r);
        m.summary.inputs.push(r);
    }
    m.summary.inputs.sort_by_key(|r| r.index);
    if m.out.writer.is_none() {
        // Nothing was ever written (pcap output, no packet): still leave a valid file.
        m.out.ensure_open()?;
        m.flush()?;
    }
    res?;
    Ok(m.summary)
}

#[cfg(test)]
mod tests;
