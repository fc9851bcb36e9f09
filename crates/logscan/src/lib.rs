//! The inner loop of `toolbox logs` over multi-gigabyte CRI logs: the records of a read buffer
//! that are printed as they are, turned into output slices, many lines a `writev(2)`.
//!
//! A crate of its own only so that it can be compiled for speed (`opt-level = 3` in toolbox's
//! Cargo.toml) while toolbox is built for size: there, word loads, slice indexing and short
//! comparisons of this loop are function calls, and the loop ran at twice the cost. The rules of
//! the format stay in toolbox's `logs::record` (`cri_head`), which this agrees with on every line
//! it accepts (tested there).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::io::{self, IoSlice};

/// The last time stamp found valid by [`plain_record`]: its date and time to the second and its
/// zone, which consecutive lines of a log nearly always share.
#[derive(Default)]
pub struct StampCache {
    /// Bytes 0..8, 8..16 and 11..19 (`YYYY-MM-DDTHH:MM:SS`) of the stamp.
    prefix: [u64; 3],
    /// The stamp's last 8 bytes with all but its zone (what follows nine fraction digits: `Z`,
    /// `+HH:MM`) masked out, and the stamp's length; a length of 0: nothing cached.
    zone: (u64, usize),
}

/// The fields of a plain record before its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    /// From standard error (else standard output).
    pub stderr: bool,
    /// A `P` record: the line goes on in the stream's next record.
    pub partial: bool,
    /// Where the text starts.
    pub text: usize,
}

/// The 8 bytes of `s` from `at` as a little-endian word.
#[inline(always)]
fn load8(s: &[u8], at: usize) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(&s[at..at + 8]);
    u64::from_le_bytes(w)
}

/// Whether the 9 bytes of `s` from `at` are digits (two word tests and a byte; panics when `s`
/// is shorter than `at + 9`). Also toolbox's full time-stamp parser's test of a fraction.
#[inline(always)]
pub fn nine_digits_at(s: &[u8], at: usize) -> bool {
    let w = load8(s, at);
    w & 0xf0f0_f0f0_f0f0_f0f0 == 0x3030_3030_3030_3030
        && w.wrapping_add(0x0606_0606_0606_0606) & 0xf0f0_f0f0_f0f0_f0f0 == 0x3030_3030_3030_3030
        && s[at + 8].is_ascii_digit()
}

/// The head of `line` when it is a CRI record without further tags stamped the way conmon and
/// containerd stamp (nine fraction digits; `+HH:MM` or `Z`), its stamp accepted by
/// `valid_time`; None for anything else, which the caller's full parser then decides. A stamp
/// differing from the last valid one only in its fraction digits is known valid without
/// `valid_time`.
///
/// `line` may run on past the line's end: the fields checked contain no newline, so a line they
/// fit in is one whose newline comes after the returned text start (callers search from there).
#[inline(always)]
pub fn plain_record(
    line: &[u8],
    cache: &mut StampCache,
    valid_time: fn(&[u8]) -> bool,
) -> Option<Head> {
    let sp = if line.len() > 45 && line[35] == b' ' {
        35
    } else if line.len() > 40 && line[30] == b' ' {
        30
    } else {
        return None;
    };
    // "stdout F " or "stderr P ": the stream, the tag, no further tags, then the text.
    let head = load8(line, sp + 1);
    const TAG: u64 = 0xff << 56;
    let stderr = if head & !TAG == u64::from_le_bytes(*b"stdout \0") {
        false
    } else if head & !TAG == u64::from_le_bytes(*b"stderr \0") {
        true
    } else {
        return None;
    };
    let partial = match (head >> 56) as u8 {
        b'F' => false,
        b'P' => true,
        _ => return None,
    };
    if line[sp + 9] != b' ' {
        return None;
    }
    let prefix = [load8(line, 0), load8(line, 8), load8(line, 11)];
    // The zone is the stamp's last sp - 29 bytes: the high bytes of its last word.
    let zone = (
        load8(line, sp - 8) & (u64::MAX << (8 * (8 - (sp - 29)))),
        sp,
    );
    let digits = line[19] == b'.' && nine_digits_at(line, 20);
    // Word by word: comparing the arrays at once stores them and reloads them as one vector,
    // which the CPU cannot forward from the stores (a stall every line).
    let same = zone.0 == cache.zone.0
        && zone.1 == cache.zone.1
        && prefix[0] == cache.prefix[0]
        && prefix[1] == cache.prefix[1]
        && prefix[2] == cache.prefix[2];
    if !(digits && same) {
        if !digits || !valid_time(&line[..sp]) {
            return None;
        }
        cache.prefix = prefix;
        cache.zone = zone;
    }
    Some(Head {
        stderr,
        partial,
        text: sp + 10,
    })
}

/// Finds newlines: memchr's AVX2 searcher called directly where the CPU has it (one call a line
/// instead of several through memchr's run-time dispatch, which weighs for ~150-byte lines).
struct Newlines {
    #[cfg(target_arch = "x86_64")]
    avx2: Option<memchr::arch::x86_64::avx2::memchr::One>,
}

impl Newlines {
    fn new() -> Newlines {
        Newlines {
            #[cfg(target_arch = "x86_64")]
            avx2: memchr::arch::x86_64::avx2::memchr::One::new(b'\n'),
        }
    }

    #[inline(always)]
    fn find(&self, hay: &[u8]) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        if let Some(f) = &self.avx2 {
            return f.find(hay);
        }
        memchr::memchr(b'\n', hay)
    }
}

/// How many slices a `writev(2)` takes at most (`IOV_MAX`).
pub const BATCH: usize = 1024;

/// Where a plain record ends: its head (text start made absolute) and where its newline is, when
/// the line at `at` of `buf` is one (see [`plain_record`]) and its newline is in `buf`.
#[inline(always)]
fn record(
    buf: &[u8],
    at: usize,
    cache: &mut StampCache,
    valid_time: fn(&[u8]) -> bool,
    nl: &Newlines,
) -> Option<(Head, usize)> {
    let mut h = plain_record(&buf[at..], cache, valid_time)?;
    h.text += at;
    let end = h.text + nl.find(&buf[h.text..])?;
    Some((h, end))
}

/// Hand `write` what `buf`'s leading lines print as, while they are plain records (see
/// [`plain_record`]), [`BATCH`] slices at a time with their length in bytes: the text with its
/// newline of each whole (`F`) record; for a `P` record whose line ends, on the same stream, in
/// the records that follow in `buf`, the texts of those records without their newlines and the
/// last one's with it, as `kubectl logs` joins them. Stops at the first line `plain_record` does
/// not accept, at a partial line it cannot finish in `buf` (the other stream between its records,
/// or its end not in `buf`) and at a line without its newline in `buf`: the caller gives that
/// line to the full parser. Returns how many bytes and lines of `buf` were handed out.
///
/// Never inlined: inlined into toolbox, it would be compiled for size with its caller.
#[inline(never)]
pub fn plain_lines(
    buf: &[u8],
    cache: &mut StampCache,
    valid_time: fn(&[u8]) -> bool,
    write: &mut dyn FnMut(&mut [IoSlice<'_>], usize) -> io::Result<()>,
) -> io::Result<(usize, u64)> {
    let nl = Newlines::new();
    let mut texts = [IoSlice::new(&[]); BATCH];
    let (mut consumed, mut lines) = (0, 0);
    loop {
        // This batch's slices and bytes; whether it ended for want of slices.
        let (mut n, mut bytes, mut full) = (0, 0, false);
        'batch: while n < BATCH {
            let Some((h, end)) = record(buf, consumed, cache, valid_time, &nl) else {
                break;
            };
            if !h.partial {
                texts[n] = IoSlice::new(&buf[h.text..=end]);
                n += 1;
                bytes += end + 1 - h.text;
                consumed = end + 1;
                lines += 1;
                continue;
            }
            // A partial line: its records up to the `F` one, when all are here.
            let (mut m, mut more, mut text, mut end) = (n, 0, h.text, end);
            loop {
                if m == BATCH {
                    full = true;
                    break 'batch;
                }
                texts[m] = IoSlice::new(&buf[text..end]);
                more += end - text;
                m += 1;
                match record(buf, end + 1, cache, valid_time, &nl) {
                    Some((r, e)) if r.stderr == h.stderr => {
                        (text, end) = (r.text, e);
                        if !r.partial {
                            break;
                        }
                    }
                    _ => break 'batch,
                }
            }
            if m == BATCH {
                full = true;
                break;
            }
            texts[m] = IoSlice::new(&buf[text..=end]);
            lines += (m - n + 1) as u64;
            bytes += more + end + 1 - text;
            n = m + 1;
            consumed = end + 1;
        }
        // Nothing gathered (a partial line of more records than a batch holds included): the
        // caller's parser goes on from here.
        if n == 0 {
            return Ok((consumed, lines));
        }
        write(&mut texts[..n], bytes)?;
        if !(full || n == BATCH) {
            return Ok((consumed, lines));
        }
    }
}
