//! Log entries to output the way `kubectl logs` shows them: partial records joined into their
//! line (per stream), the chosen streams only, optional time stamps, or one JSON object per line.

use std::io::{self, IoSlice, Write};

use super::record::{format_stamp, Entry, Stream};

/// A joined line longer than this is written out in pieces (text) or objects marked `"cut"`
/// (JSON) instead of growing without bound.
pub const MAX_JOINED: usize = 2 << 20;

/// The output buffer.
const OUT_BUF: usize = 256 * 1024;

/// How many malformed lines are described one by one on stderr; the rest are counted.
const WARN_EACH: u64 = 5;

/// What to print.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Only this stream (malformed lines, which have none, are always shown).
    pub stream: Option<Stream>,
    /// Prefix each line with its time stamp.
    pub timestamps: bool,
    /// One JSON object per line.
    pub json: bool,
    /// Only lines stamped at or after this instant (nanoseconds since the epoch).
    pub since: Option<i64>,
    /// Leave out this many lines first (what `--tail` read beyond the lines asked for).
    pub skip: u64,
}

#[derive(Default)]
struct Pending {
    active: bool,
    stamp: Vec<u8>,
    text: Vec<u8>,
}

/// Writes entries; keeps the partial line of each stream until its `F` record.
pub struct Printer<W: Write> {
    out: io::BufWriter<W>,
    terminal: bool,
    opts: Options,
    pending: [Pending; 2],
    scratch: Vec<u8>,
    finishing: bool,
    /// Malformed lines seen.
    pub malformed: u64,
}

/// One line to write.
struct Out<'a> {
    stamp: Option<&'a [u8]>,
    stream: Option<Stream>,
    text: &'a [u8],
    /// A line that continues (cut at [`MAX_JOINED`], or a malformed piece).
    cut: bool,
    malformed: bool,
}

impl<W: Write> Printer<W> {
    /// A printer to `out`; `terminal` makes control characters visible.
    pub fn new(out: W, terminal: bool, opts: Options) -> Self {
        Printer {
            out: io::BufWriter::with_capacity(OUT_BUF, out),
            terminal,
            opts,
            pending: Default::default(),
            scratch: Vec::new(),
            finishing: false,
            malformed: 0,
        }
    }

    /// Handle one entry read from `file` at line `line_no`; `newline` says whether the raw line
    /// ended with one (a malformed piece without it is written without it).
    pub fn entry(
        &mut self,
        e: Entry<'_>,
        newline: bool,
        file: &str,
        line_no: u64,
    ) -> io::Result<()> {
        match e {
            Entry::Malformed(raw) => {
                self.malformed += 1;
                if self.malformed <= WARN_EACH {
                    self.out.flush()?;
                    eprintln!(
                        "toolbox logs: warning: {file}:{line_no}: not a CRI or json-file log line; shown as it is"
                    );
                }
                self.emit(Out {
                    stamp: None,
                    stream: None,
                    text: raw,
                    cut: !newline,
                    malformed: true,
                })
            }
            Entry::Record {
                time,
                stream,
                partial,
                text,
            } => {
                if self.opts.stream.is_some_and(|s| s != stream) {
                    return Ok(());
                }
                let i = stream.index();
                if !partial && !self.pending[i].active {
                    return self.emit(Out {
                        stamp: Some(&time.raw),
                        stream: Some(stream),
                        text: &text,
                        cut: false,
                        malformed: false,
                    });
                }
                let p = &mut self.pending[i];
                if !p.active {
                    p.active = true;
                    p.stamp.clear();
                    p.stamp.extend_from_slice(&time.raw);
                    p.text.clear();
                }
                p.text.extend_from_slice(&text);
                if !partial || p.text.len() >= MAX_JOINED {
                    self.flush_pending(i, partial)?;
                }
                Ok(())
            }
        }
    }

    /// Write out the line pending on stream `i`; `cut` when it is not finished.
    fn flush_pending(&mut self, i: usize, cut: bool) -> io::Result<()> {
        let mut p = std::mem::take(&mut self.pending[i]);
        let stream = if i == 0 {
            Stream::Stdout
        } else {
            Stream::Stderr
        };
        let r = self.emit(Out {
            stamp: Some(&p.stamp),
            stream: Some(stream),
            text: &p.text,
            cut,
            malformed: false,
        });
        p.text.clear();
        // A cut line goes on: its next piece keeps the first record's stamp.
        p.active = cut;
        self.pending[i] = p;
        r
    }

    /// The end of the data: lines still waiting for their `F` record are written as they are.
    pub fn finish(&mut self) -> io::Result<()> {
        self.finishing = true;
        for i in 0..2 {
            if self.pending[i].active {
                self.flush_pending(i, true)?;
                self.pending[i].active = false;
            }
        }
        self.finishing = false;
        self.out.flush()
    }

    /// Whether a whole line may be written as it is: no option changes it, no stream has a
    /// partial line waiting.
    pub fn plain(&self) -> bool {
        !self.opts.json
            && !self.opts.timestamps
            && !self.terminal
            && self.opts.skip == 0
            && self.opts.since.is_none()
            && self.opts.stream.is_none()
            && !self.pending[0].active
            && !self.pending[1].active
    }

    /// Write bytes as they are (see [`Printer::plain`]).
    pub fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)
    }

    /// Write whole lines as they are (see [`Printer::plain`]), each slice going to the output
    /// as it is, without a copy: one `writev(2)` for many lines. `bytes` is their length in all.
    pub fn write_lines(&mut self, lines: &mut [IoSlice<'_>], bytes: usize) -> io::Result<()> {
        self.out.flush()?;
        let (mut rest, mut left) = (lines, bytes);
        while !rest.is_empty() {
            match self.out.get_mut().write_vectored(rest) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                // All written (the usual case): no need to walk the slices.
                Ok(n) if n == left => break,
                Ok(n) => {
                    left -= n;
                    IoSlice::advance_slices(&mut rest, n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Flush the output.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn emit(&mut self, o: Out<'_>) -> io::Result<()> {
        if self.opts.skip > 0 {
            // A line waiting for its end at the end of the data counts as one (as in --tail).
            if !o.cut || self.finishing {
                self.opts.skip -= 1;
            }
            return Ok(());
        }
        if let (Some(since), Some(raw)) = (self.opts.since, o.stamp) {
            if super::record::parse_time(raw).unwrap_or(i64::MAX) < since {
                return Ok(());
            }
        }
        if self.opts.json {
            let text = String::from_utf8_lossy(o.text);
            let stamp = o.stamp.map(|raw| {
                let mut s = Vec::new();
                format_stamp(raw, &mut s);
                String::from_utf8_lossy(&s).into_owned()
            });
            let mut v = serde_json::json!({
                "time": stamp,
                "stream": o.stream.map(Stream::name),
                "text": text,
            });
            if o.cut {
                v["cut"] = true.into();
            }
            if o.malformed {
                v["malformed"] = true.into();
            }
            serde_json::to_writer(&mut self.out, &v)?;
            return self.out.write_all(b"\n");
        }
        if !self.opts.timestamps && !self.terminal {
            // The common case: the text as it is, no copy.
            self.out.write_all(o.text)?;
            if !o.cut {
                self.out.write_all(b"\n")?;
            }
            return Ok(());
        }
        self.scratch.clear();
        if self.opts.timestamps {
            if let Some(raw) = o.stamp {
                format_stamp(raw, &mut self.scratch);
                self.scratch.push(b' ');
            }
        }
        if self.terminal {
            self.scratch
                .extend_from_slice(&crate::fs::content::terminal_safe(o.text));
        } else {
            self.scratch.extend_from_slice(o.text);
        }
        if !o.cut {
            self.scratch.push(b'\n');
        }
        self.out.write_all(&self.scratch)
    }
}

#[cfg(test)]
mod tests {
    use super::super::record::parse;
    use super::*;

    fn run(lines: &[&str], opts: Options) -> String {
        let mut out = Vec::new();
        let mut p = Printer::new(&mut out, false, opts);
        for (i, l) in lines.iter().enumerate() {
            p.entry(parse(l.as_bytes()), true, "f", i as u64 + 1)
                .unwrap();
        }
        p.finish().unwrap();
        drop(p);
        String::from_utf8(out).unwrap()
    }

    const T: &str = "2026-02-14T15:22:26.1+00:00";

    #[test]
    fn joins_partials_per_stream() {
        let lines = [
            format!("{T} stdout P ab"),
            format!("{T} stderr F err"),
            format!("{T} stdout P cd"),
            format!("{T} stdout F ef"),
            "junk".to_string(),
            format!("{T} stdout P tail"),
        ];
        let l: Vec<&str> = lines.iter().map(String::as_str).collect();
        assert_eq!(run(&l, Options::default()), "err\nabcdef\njunk\ntail");
        assert_eq!(
            run(
                &l,
                Options {
                    stream: Some(Stream::Stdout),
                    timestamps: true,
                    skip: 1,
                    ..Default::default()
                }
            ),
            "junk\n2026-02-14T15:22:26.100000000Z tail"
        );
        let json = run(
            &l[..4],
            Options {
                json: true,
                ..Default::default()
            },
        );
        assert_eq!(
            json.lines().nth(1).unwrap(),
            r#"{"stream":"stdout","text":"abcdef","time":"2026-02-14T15:22:26.100000000Z"}"#
        );
    }
}
