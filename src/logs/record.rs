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

/// A time stamp of a record: its text as written and the instant it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp<'a> {
    /// The RFC 3339 text as found in the file.
    pub raw: Cow<'a, [u8]>,
    /// Nanoseconds since the Unix epoch.
    pub nanos: i64,
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
    if line.first() == Some(&b'{') {
        return parse_docker(line).unwrap_or(Entry::Malformed(line));
    }
    parse_cri(line).unwrap_or(Entry::Malformed(line))
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

fn parse_cri(line: &[u8]) -> Option<Entry<'_>> {
    let sp = memchr::memchr(b' ', line)?;
    let (ts, rest) = (&line[..sp], &line[sp + 1..]);
    let nanos = parse_time(ts)?;
    let (stream, rest) = if let Some(r) = rest.strip_prefix(b"stdout ") {
        (Stream::Stdout, r)
    } else if let Some(r) = rest.strip_prefix(b"stderr ") {
        (Stream::Stderr, r)
    } else {
        return None;
    };
    // The tag field: `P` or `F`, possibly with further `:`-separated tags (none are defined).
    let tag_end = memchr::memchr(b' ', rest).unwrap_or(rest.len());
    let tag = &rest[..tag_end];
    let first = tag.split(|&b| b == b':').next()?;
    let partial = match first {
        b"P" => true,
        b"F" => false,
        _ => return None,
    };
    let text = rest.get(tag_end + 1..).unwrap_or(&[]);
    Some(Entry::Record {
        time: Stamp {
            raw: Cow::Borrowed(ts),
            nanos,
        },
        stream,
        partial,
        text: Cow::Borrowed(text),
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
    let nanos = parse_time(d.time.as_bytes())?;
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
        time: Stamp { raw, nanos },
        stream,
        partial,
        text,
    })
}

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0i64, |n, &d| n * 10 + i64::from(d - b'0')))
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
    if s.len() < 20 || s[4] != b'-' || s[7] != b'-' || !matches!(s[10], b'T' | b't' | b' ') {
        return None;
    }
    if s[13] != b':' || s[16] != b':' {
        return None;
    }
    let year = digits(&s[0..4])?;
    let month = digits(&s[5..7])?;
    let day = digits(&s[8..10])?;
    let hour = digits(&s[11..13])?;
    let min = digits(&s[14..16])?;
    let sec = digits(&s[17..19])?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut frac = 0i64;
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        for i in 0..9 {
            frac = frac * 10
                + rest
                    .get(1 + i)
                    .filter(|_| i < n)
                    .map_or(0, |d| i64::from(d - b'0'));
        }
        rest = &rest[1 + n..];
    }
    let offset = match rest {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let h = digits(&[*h1, *h2])?;
            let m = digits(&[*m1, *m2])?;
            let o = h * 3600 + m * 60;
            if *sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + min * 60 + sec - offset;
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
        assert_eq!(time.nanos, 1_771_082_546_515_224_136);
        assert!(matches!(
            parse(b"2026-02-14T15:22:26Z stderr P "),
            Entry::Record { partial: true, stream: Stream::Stderr, ref text, .. } if text.is_empty()
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
        ] {
            assert_eq!(parse(bad), Entry::Malformed(bad), "{bad:?}");
        }
    }

    #[test]
    fn docker_lines() {
        let e = parse(br#"{"log":"a \"q\"\n","stream":"stderr","time":"2026-02-14T15:22:26.5Z"}"#);
        assert!(
            matches!(&e, Entry::Record { stream: Stream::Stderr, partial: false, text, time } if &**text == b"a \"q\"" && time.nanos % 1_000_000_000 == 500_000_000),
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
        let mut out = Vec::new();
        format_stamp(b"2026-02-14T15:22:26.5+00:00", &mut out);
        assert_eq!(out, b"2026-02-14T15:22:26.500000000Z");
        out.clear();
        format_stamp(b"2026-02-14T15:22:26-05:00", &mut out);
        assert_eq!(out, b"2026-02-14T15:22:26.000000000-05:00");
    }
}
