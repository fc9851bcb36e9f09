//! One raw line of a container log file parsed into a typed entry: the CRI format kubelet's
//! runtimes write (`<RFC3339Nano> <stdout|stderr> <P|F> <text>`, see the CRI logging design in
//! kubernetes/community `contributors/design-proposals/node/kubelet-cri-logging.md`) or Docker's
//! json-file format (`{"log":"text\n","stream":"stdout","time":"…"}`); anything else is
//! `Malformed` and is printed as it is.

use std::borrow::Cow;

/// Which output of the container a record came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

impl Stream {
    /// The name used in the log files and in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }

    /// Index for per-stream state.
    pub fn index(self) -> usize {
        match self {
            Stream::Stdout => 0,
            Stream::Stderr => 1,
        }
    }
}

/// A time stamp of a record: its text as written, checked to be an RFC 3339 time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp<'a> {
    /// The RFC 3339 text as found in the file.
    pub raw: Cow<'a, [u8]>,
}

impl Stamp<'_> {
    /// Nanoseconds since the Unix epoch (worked out only when asked: most output needs only
    /// the text).
    pub fn nanos(&self) -> i64 {
        parse_time(&self.raw).unwrap_or(0)
    }
}

/// One line of a log file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry<'a> {
    /// A well-formed record.
    Record {
        /// When the runtime read it.
        time: Stamp<'a>,
        /// stdout or stderr.
        stream: Stream,
        /// A `P` record: the line continues in the next record of the same stream.
        partial: bool,
        /// The text, without the newline.
        text: Cow<'a, [u8]>,
    },
    /// A line in neither format: shown as it is, with a warning.
    Malformed(&'a [u8]),
}

/// What [`classify`] tells about a line without copying its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A record of `stream`; `partial` for `P`.
    Record {
        /// Its stream.
        stream: Stream,
        /// Whether it is a `P` record.
        partial: bool,
    },
    /// Neither format.
    Malformed,
}

/// Parse one line (without its newline).
pub fn parse(line: &[u8]) -> Entry<'_> {
    let parsed = if matches!(line.first(), Some(b'{')) {
        parse_docker(line)
    } else {
        parse_cri(line)
    };
    match parsed {
        Some(e) => e,
        None => Entry::Malformed(line),
    }
}

/// The kind of a line, as [`parse`] would give it.
pub fn classify(line: &[u8]) -> Kind {
    match parse(line) {
        Entry::Record {
            stream, partial, ..
        } => Kind::Record { stream, partial },
        Entry::Malformed(_) => Kind::Malformed,
    }
}

/// The fields of a CRI line before its text: the stream, whether it is a `P` record, where the
/// time stamp ends and where the text starts (`line.len()` when there is none); None when the
/// line is not CRI.
///
/// Written with plain indexing: this runs for every line of gigabytes of logs, in a binary
/// built for size (iterator adapters and range checks are calls there, not inlined).
pub fn cri_head(line: &[u8]) -> Option<(Stream, bool, usize, usize)> {
    // The time stamp is at least 20 bytes ("YYYY-MM-DDTHH:MM:SSZ"); conmon's and containerd's
    // are 35 or 30 ("…SS.nnnnnnnnn+00:00", "…SS.nnnnnnnnnZ"), tried first.
    let sp = if line.len() > 35 && line[35] == b' ' && valid_time(&line[..35]) {
        35
    } else if line.len() > 30 && line[30] == b' ' && valid_time(&line[..30]) {
        30
    } else {
        let mut sp = 20;
        while sp < line.len() && line[sp] != b' ' {
            sp += 1;
        }
        if sp + 9 > line.len() || !valid_time(&line[..sp]) {
            return None;
        }
        sp
    };
    if sp + 9 > line.len() {
        return None;
    }
    let r = sp + 1;
    // "stdout F" or "stderr P" as one little-endian word.
    let mut w = [0u8; 8];
    w.copy_from_slice(&line[r..r + 8]);
    let head = u64::from_le_bytes(w) & 0x00ff_ffff_ffff_ffff;
    let stream = if head == u64::from_le_bytes(*b"stdout \0") {
        Stream::Stdout
    } else if head == u64::from_le_bytes(*b"stderr \0") {
        Stream::Stderr
    } else {
        return None;
    };
    // The tag field: `P` or `F`, possibly followed by further `:`-separated tags (none are
    // defined yet), then a space and the text.
    let partial = match w[7] {
        b'P' => true,
        b'F' => false,
        _ => return None,
    };
    let mut i = r + 8;
    if i < line.len() && line[i] == b':' {
        while i < line.len() && line[i] != b' ' {
            i += 1;
        }
    } else if i < line.len() && line[i] != b' ' {
        return None;
    }
    Some((stream, partial, sp, (i + 1).min(line.len())))
}

fn parse_cri(line: &[u8]) -> Option<Entry<'_>> {
    let (stream, partial, sp, text) = cri_head(line)?;
    Some(Entry::Record {
        time: Stamp {
            raw: Cow::Borrowed(&line[..sp]),
        },
        stream,
        partial,
        text: Cow::Borrowed(&line[text..]),
    })
}

#[derive(serde::Deserialize)]
struct DockerLine<'a> {
    #[serde(borrow)]
    log: Cow<'a, str>,
    #[serde(borrow)]
    stream: Cow<'a, str>,
    #[serde(borrow)]
    time: Cow<'a, str>,
}

fn parse_docker(line: &[u8]) -> Option<Entry<'_>> {
    let d: DockerLine = serde_json::from_slice(line).ok()?;
    let stream = match &*d.stream {
        "stdout" => Stream::Stdout,
        "stderr" => Stream::Stderr,
        _ => return None,
    };
    if !valid_time(d.time.as_bytes()) {
        return None;
    }
    // Docker ends a complete line's text with "\n" and splits longer lines (16 KiB) into
    // records without it.
    let (text, partial) = match d.log {
        Cow::Borrowed(s) => match s.strip_suffix('\n') {
            Some(t) => (Cow::Borrowed(t.as_bytes()), false),
            None => (Cow::Borrowed(s.as_bytes()), true),
        },
        Cow::Owned(mut s) => {
            let partial = !s.ends_with('\n');
            if !partial {
                s.pop();
            }
            (Cow::Owned(s.into_bytes()), partial)
        }
    };
    let raw = match d.time {
        Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
    };
    Some(Entry::Record {
        time: Stamp { raw },
        stream,
        partial,
        text,
    })
}

/// Whether the 8 bytes at `s[at..]` are digits where `digit_mask` has 0xff and equal
/// `fixed` elsewhere (SWAR: a byte is a digit when its high nibble is 3 and adding 6 keeps it).
#[inline(always)]
fn word_ok(s: &[u8; 20], at: usize, digit_mask: u64, fixed: u64) -> bool {
    let w = u64::from_le_bytes([
        s[at],
        s[at + 1],
        s[at + 2],
        s[at + 3],
        s[at + 4],
        s[at + 5],
        s[at + 6],
        s[at + 7],
    ]);
    let hi = 0xf0f0_f0f0_f0f0_f0f0 & digit_mask;
    let threes = 0x3030_3030_3030_3030 & digit_mask;
    let six = 0x0606_0606_0606_0606 & digit_mask;
    w & hi == threes
        && (w & digit_mask).wrapping_add(six) & hi == threes
        && w & !digit_mask == fixed & !digit_mask
}

/// Two digits at `s[i..]` (already checked) as a number.
#[inline(always)]
fn d2(s: &[u8], i: usize) -> i64 {
    i64::from(s[i] - b'0') * 10 + i64::from(s[i + 1] - b'0')
}

/// The offset (seconds east of UTC) and the length of the fraction digits of an RFC 3339 time,
/// when `s` is one: `YYYY-MM-DDTHH:MM:SS[.digits](Z|+HH:MM|-HH:MM)`, fields in range.
/// See: RFC 3339 section 5.6.
fn check_time(s: &[u8]) -> Option<(i64, usize)> {
    if s.len() < 20 {
        return None;
    }
    // The fixed part copied to an array: constant indices, no bounds checks.
    let mut h = [0u8; 20];
    h.copy_from_slice(&s[..20]);
    // "dddd-dd-", "ddTdd:dd" (from 8), "dd:dd:dd" (from 11), little-endian.
    const M1: u64 = 0x00ff_ff00_ffff_ffff;
    const F1: u64 = u64::from_le_bytes(*b"0000-00-");
    const M2: u64 = 0xffff_00ff_ff00_ffff;
    let t = h[10];
    if !(t == b'T' || t == b't' || t == b' ') {
        return None;
    }
    let f2 = u64::from_le_bytes([b'0', b'0', t, b'0', b'0', b':', b'0', b'0']);
    const M3: u64 = 0xffff_00ff_ff00_ffff;
    const F3: u64 = u64::from_le_bytes(*b"00:00:00");
    if !(word_ok(&h, 0, M1, F1) && word_ok(&h, 8, M2, f2) && word_ok(&h, 11, M3, F3)) {
        return None;
    }
    let (month, day) = (d2(&h, 5), d2(&h, 8));
    let (hour, min, sec) = (d2(&h, 11), d2(&h, 14), d2(&h, 17));
    // Plain comparisons: RangeInclusive::contains is a call in this size-optimised build.
    #[allow(clippy::manual_range_contains)]
    let bad = month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60;
    if bad {
        return None;
    }
    let mut i = 19;
    let mut frac = 0;
    if h[19] == b'.' && s.len() >= 29 && logscan::nine_digits_at(s, 20) {
        // The usual nine fraction digits, checked a word at a time.
        i = 29;
        frac = 9;
        if i < s.len() && s[i].is_ascii_digit() {
            while i < s.len() && s[i].is_ascii_digit() {
                i += 1;
            }
            frac = i - 20;
        }
    } else if h[19] == b'.' {
        i += 1;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        frac = i - 20;
        if frac == 0 {
            return None;
        }
    }
    let rest = &s[i..];
    let offset = if rest.len() == 1 && (rest[0] == b'Z' || rest[0] == b'z') {
        0
    } else if rest.len() == 6
        && (rest[0] == b'+' || rest[0] == b'-')
        && rest[3] == b':'
        && rest[1].is_ascii_digit()
        && rest[2].is_ascii_digit()
        && rest[4].is_ascii_digit()
        && rest[5].is_ascii_digit()
    {
        let o = d2(rest, 1) * 3600 + d2(rest, 4) * 60;
        if rest[0] == b'-' {
            -o
        } else {
            o
        }
    } else {
        return None;
    };
    Some((offset, frac))
}

/// Whether `s` is an RFC 3339 time as [`parse_time`] takes it.
pub fn valid_time(s: &[u8]) -> bool {
    check_time(s).is_some()
}

/// Days from 1970-01-01 to the proleptic Gregorian date `y-m-d` (the usual era arithmetic:
/// years counted from March so that the leap day ends a year).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parse an RFC 3339 time (`2026-02-14T15:22:26.515224136Z`, `…+01:00`) into nanoseconds since
/// the epoch. See: RFC 3339 section 5.6.
pub fn parse_time(s: &[u8]) -> Option<i64> {
    let (offset, frac_len) = check_time(s)?;
    let year = d2(s, 0) * 100 + d2(s, 2);
    let mut frac = 0i64;
    for i in 0..9 {
        let d = if i < frac_len {
            i64::from(s[20 + i] - b'0')
        } else {
            0
        };
        frac = frac * 10 + d;
    }
    let days = days_from_civil(year, d2(s, 5), d2(s, 8));
    let secs = days * 86_400 + d2(s, 11) * 3600 + d2(s, 14) * 60 + d2(s, 17) - offset;
    secs.checked_mul(1_000_000_000)?.checked_add(frac)
}

/// A time stamp as `kubectl logs --timestamps` prints it: the same date and time with nine
/// fraction digits and `Z` for UTC (kubelet's `2006-01-02T15:04:05.000000000Z07:00`).
pub fn format_stamp(raw: &[u8], out: &mut Vec<u8>) {
    if raw.len() < 20 {
        out.extend_from_slice(raw);
        return;
    }
    out.extend_from_slice(&raw[..10]);
    out.push(b'T');
    out.extend_from_slice(&raw[11..19]);
    let mut rest = &raw[19..];
    out.push(b'.');
    let mut n = 0;
    if rest.first() == Some(&b'.') {
        n = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
        out.extend_from_slice(&rest[1..1 + n.min(9)]);
        rest = &rest[1 + n..];
    }
    out.extend(std::iter::repeat_n(b'0', 9usize.saturating_sub(n)));
    match rest {
        b"+00:00" | b"-00:00" | b"z" => out.push(b'Z'),
        r => out.extend_from_slice(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_record_agrees_with_cri_head() {
        let lines: &[&[u8]] = &[
            b"2026-02-14T15:22:26.515224136+00:00 stdout F hello world",
            b"2026-02-14T15:22:26.000000001+00:00 stderr F same second, other digits",
            b"2026-02-14T15:22:26.00000000x+00:00 stdout F a letter among the digits",
            b"2026-02-14T15:22:26.000000001-01:00 stdout F another zone",
            b"2026-02-14T15:22:26.000000001+0a:00 stdout F a bad zone",
            b"2026-13-14T15:22:26.000000001+00:00 stdout F month 13",
            b"2026-02-14T15:22:27.123456789Z stdout F containerd",
            b"2026-02-14T15:22:27.123456789Z stdout F ",
            b"2026-02-14T15:22:27.123456789Z stdout F",
            b"2026-02-14T15:22:27.123456789Z stdout P partial",
            b"2026-02-14T15:22:27.123456789Z stdout F:x tagged",
            b"2026-02-14T15:22:27.123456789Z stdin  F wrong stream",
            b"2026-02-14T15:22:27.12345678901234Z stdout F fourteen digits",
            b"2026-02-14T15:22:27.12345678901234Z stdout F fourteen digits again",
            b"2026-02-14T15:22:27Z stdout F no fraction",
            b"2026-02-14 15:22:27.123456789+00:00 stdout F space for T",
            b"not a log line at all, but long enough to be looked at by the fast check",
        ];
        let mut cache = logscan::StampCache::default();
        let mut accepted = 0;
        for l in lines {
            let fast = logscan::plain_record(l, &mut cache, valid_time);
            let slow = cri_head(l);
            match fast {
                Some(h) => {
                    accepted += 1;
                    let stream = if h.stderr {
                        Stream::Stderr
                    } else {
                        Stream::Stdout
                    };
                    assert!(
                        matches!(slow, Some((s, p, _, st)) if (s, p, st) == (stream, h.partial, h.text)),
                        "{}",
                        String::from_utf8_lossy(l)
                    );
                }
                // Declined: either not a plain whole record, or one with a stamp or tag form
                // left to cri_head.
                None => {
                    if let Some((_, _, sp, t)) = slow {
                        assert!(
                            !(sp == 35 || sp == 30) || t != sp + 10 || t == l.len(),
                            "{}",
                            String::from_utf8_lossy(l)
                        );
                    }
                }
            }
        }
        assert_eq!(accepted, 8);
    }

    #[test]
    fn cri_lines() {
        let e = parse(b"2026-02-14T15:22:26.515224136+00:00 stdout F hello world");
        let Entry::Record {
            time,
            stream,
            partial,
            text,
        } = e
        else {
            panic!("{e:?}")
        };
        assert_eq!(stream, Stream::Stdout);
        assert!(!partial);
        assert_eq!(&*text, b"hello world");
        assert_eq!(time.nanos(), 1_771_082_546_515_224_136);
        assert!(matches!(
            parse(b"2026-02-14T15:22:26Z stderr P "),
            Entry::Record { partial: true, stream: Stream::Stderr, ref text, .. } if text.is_empty()
        ));
        assert!(matches!(
            parse(b"2026-02-14 15:22:26.1Z stdout F a b"),
            Entry::Record { ref time, ref text, .. } if &*time.raw == b"2026-02-14 15:22:26.1Z" && &**text == b"a b"
        ));
        // A space where a longer stamp would end is text.
        assert!(matches!(
            parse(b"2026-02-14T15:22:26Z stdout F 12345 7890 2345 789 12345"),
            Entry::Record { ref text, .. } if &**text == b"12345 7890 2345 789 12345"
        ));
        assert!(matches!(
            parse(b"2026-02-14T15:22:26.123456789012Z stdout F x"),
            Entry::Record { ref text, .. } if &**text == b"x"
        ));
        assert!(matches!(
            parse(b"2026-02-14T15:22:26.123456789Z stdout F x"),
            Entry::Record { ref text, .. } if &**text == b"x"
        ));
        assert!(matches!(
            parse(b"2026-02-14T15:22:26Z stderr F"),
            Entry::Record { partial: false, .. }
        ));
        for bad in [
            &b"hello"[..],
            b"2026-02-14T15:22:26Z stdin F x",
            b"2026-02-14T15:22:26Z stdout X x",
            b"2026-13-14T15:22:26Z stdout F x",
            b"2026-02-14 stdout F x",
            b"",
            b"{\"log\":1}",
            b"2026-02-14T15:22:26Z stdout Fx",
            b"2026-02-14T15:22:26Z stdoutF x",
            b"2026-02-14T15:22:26Z stdout",
            b"2026-02-14T15:2a:26Z stdout F x",
            b"2026-02-14T15:22:26.Z stdout F x",
            b"2026-02-14T15:22:26+0100 stdout F x",
            b"2026-02-14X15:22:26Z stdout F x",
            b"2026/02-14T15:22:26Z stdout F x",
            b"2026-02-14T15:22:26:Z stdout F x",
            b"2026-02-14T15:22:26.12345678 +00:00 stdout F x",
            b"2026-02-14T15:22:26.1234567890123456 stdout F x",
        ] {
            assert_eq!(parse(bad), Entry::Malformed(bad), "{bad:?}");
        }
    }

    #[test]
    fn every_prefix_and_byte_change_parses_without_panic_and_head_agrees() {
        let lines: [&[u8]; 3] = [
            b"2026-02-14T15:22:26.515224136+00:00 stdout F hello world",
            b"2026-02-14T15:22:26.515224136Z stderr P:x text",
            b"2026-02-14T15:22:26Z stdout F",
        ];
        let check = |l: &[u8]| {
            let head = cri_head(l);
            match parse(l) {
                Entry::Record {
                    stream,
                    partial,
                    text,
                    ..
                } => {
                    let (s, p, _, t) = head.expect("a record has a CRI head");
                    assert_eq!((s, p, &l[t..]), (stream, partial, &*text));
                }
                Entry::Malformed(_) => assert!(head.is_none() || l.first() == Some(&b'{')),
            }
        };
        for l in lines {
            for n in 0..=l.len() {
                check(&l[..n]);
            }
            for i in 0..l.len() {
                for b in [b' ', b'0', b'9', b'x', b':', b'.', b'Z', 0xff] {
                    let mut m = l.to_vec();
                    m[i] = b;
                    check(&m);
                }
            }
        }
    }

    #[test]
    fn docker_lines() {
        let e = parse(br#"{"log":"a \"q\"\n","stream":"stderr","time":"2026-02-14T15:22:26.5Z"}"#);
        assert!(
            matches!(&e, Entry::Record { stream: Stream::Stderr, partial: false, text, time } if &**text == b"a \"q\"" && time.nanos() % 1_000_000_000 == 500_000_000),
            "{e:?}"
        );
        let e = parse(br#"{"log":"part","stream":"stdout","time":"2026-02-14T15:22:26Z"}"#);
        assert!(matches!(e, Entry::Record { partial: true, .. }));
    }

    #[test]
    fn times() {
        assert_eq!(parse_time(b"1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_time(b"1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(
            parse_time(b"2000-03-01T00:00:00Z"),
            Some(951_868_800 * 1_000_000_000)
        );
        assert_eq!(parse_time(b"1969-12-31T23:59:59.5Z"), Some(-500_000_000));
        assert_eq!(
            parse_time(b"1970-01-01t00:00:01.123456789123z"),
            Some(1_123_456_789)
        );
        assert_eq!(
            parse_time(b"1970-01-01 00:00:00-00:30"),
            Some(1_800_000_000_000)
        );
        // Every byte of a valid time replaced by a wrong one makes it invalid.
        let good = *b"2026-02-14T15:22:26.5+01:00";
        for i in 0..good.len() {
            for bad in [b'/', b':', b'a', b'-', b'.', 0xff] {
                let mut t = good;
                if t[i] == bad || (i == 20 && bad.is_ascii_digit()) || (i == 21 && bad == b'-') {
                    continue;
                }
                t[i] = bad;
                assert_eq!(parse_time(&t), None, "{}", String::from_utf8_lossy(&t));
            }
        }
        assert_eq!(parse_time(b"2026-00-14T15:22:26Z"), None);
        assert_eq!(parse_time(b"2026-02-14T24:22:26Z"), None);
        let mut out = Vec::new();
        format_stamp(b"2026-02-14T15:22:26.5+00:00", &mut out);
        assert_eq!(out, b"2026-02-14T15:22:26.500000000Z");
        out.clear();
        format_stamp(b"2026-02-14T15:22:26-05:00", &mut out);
        assert_eq!(out, b"2026-02-14T15:22:26.000000000-05:00");
    }
}
