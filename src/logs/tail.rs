//! Where `--tail N` starts: records read backwards from the end (blocks of the file, never the
//! whole file), counting lines the way the forward pass will print them, and going back further
//! until no chosen stream's line is cut in the middle (a line's `P` records come before its `F`,
//! possibly interleaved with the other stream's records).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use super::lines::MAX_LINE;
use super::record::{classify, Kind, Stream};

const BLOCK: u64 = 64 * 1024;

/// The records of a seekable file from the last to the first: (offset of the line, its kind).
pub struct Backward<'f> {
    file: &'f File,
    /// File bytes `[buf_off, buf_off + buf.len())`; what is left to scan ends at `cur`.
    buf: Vec<u8>,
    buf_off: u64,
    cur: u64,
}

impl<'f> Backward<'f> {
    /// Scan `file` backwards from offset `end`.
    pub fn new(file: &'f File, end: u64) -> Self {
        Backward {
            file,
            buf: Vec::new(),
            buf_off: end,
            cur: end,
        }
    }

    /// The previous line: its offset and kind; None at the start of the file or before a line
    /// too long to be a runtime's (then the scan stops there).
    pub fn prev(&mut self) -> io::Result<Option<(u64, Kind)>> {
        if self.cur == 0 {
            return Ok(None);
        }
        // The line ends at `cur` (its newline at cur - 1, except for a last line without one).
        loop {
            let body_end = (self.cur - self.buf_off) as usize;
            if body_end > 0 {
                let have = &self.buf[..body_end];
                // The newline that ends this line is not its start; look before it.
                let search_end = if have[body_end - 1] == b'\n' {
                    body_end - 1
                } else {
                    body_end
                };
                if let Some(i) = memchr::memrchr(b'\n', &have[..search_end]) {
                    let start = self.buf_off + i as u64 + 1;
                    return Ok(Some(self.take(start, search_end)));
                }
                if self.buf_off == 0 {
                    return Ok(Some(self.take(0, search_end)));
                }
                if body_end > 2 * MAX_LINE {
                    return Ok(None);
                }
            }
            // Prepend the block before the buffer, keeping only the bytes still to scan.
            let from = self.buf_off.saturating_sub(BLOCK);
            let mut block = vec![0u8; (self.buf_off - from) as usize];
            let mut f = self.file;
            f.seek(SeekFrom::Start(from))?;
            f.read_exact(&mut block)?;
            block.extend_from_slice(&self.buf[..body_end]);
            self.buf = block;
            self.buf_off = from;
        }
    }

    /// The line from file offset `start` to buffer index `body_end` (its newline left out).
    fn take(&mut self, start: u64, body_end: usize) -> (u64, Kind) {
        let s = (start - self.buf_off) as usize;
        let kind = classify(&self.buf[s..body_end]);
        self.cur = start;
        (start, kind)
    }
}

/// A position in the list of files: (index of the file, byte offset in it).
pub type Pos = (usize, u64);

/// The backward count for `--tail N`.
pub struct TailScan {
    n: u64,
    stream: Option<Stream>,
    count: u64,
    seen: [bool; 2],
    need: [bool; 2],
    searching: bool,
    cand: Option<Pos>,
    seg_count: u64,
    seg_streams: [bool; 2],
}

impl TailScan {
    /// Looking for the last `n` lines of `stream` (both when None).
    pub fn new(n: u64, stream: Option<Stream>) -> Self {
        TailScan {
            n,
            stream,
            count: 0,
            seen: [false; 2],
            need: [false; 2],
            searching: n == 0,
            cand: None,
            seg_count: 0,
            seg_streams: [false; 2],
        }
    }

    /// Take the record at `pos` (records come last to first). Returns true when the start is
    /// found: [`TailScan::result`] then gives it.
    pub fn feed(&mut self, pos: Pos, kind: Kind) -> bool {
        let (stream, partial) = match kind {
            Kind::Malformed => (None, false),
            Kind::Record { stream, partial } => {
                if self.stream.is_some_and(|s| s != stream) {
                    return self.searching && !self.need.iter().any(|&b| b);
                }
                (Some(stream), partial)
            }
        };
        if !self.searching {
            match stream {
                None => self.count += 1,
                Some(s) => {
                    let i = s.index();
                    // A `P` with no later record of its stream is a line still being written:
                    // it is printed at the end, so it counts.
                    if !partial || !self.seen[i] {
                        self.count += 1;
                    }
                    self.seen[i] = true;
                    self.need[i] = true;
                }
            }
            self.cand = Some(pos);
            if self.count >= self.n {
                self.searching = true;
            }
            return self.searching && !self.need.iter().any(|&b| b);
        }
        match stream {
            None => self.seg_count += 1,
            Some(s) => {
                let i = s.index();
                if self.need[i] && partial {
                    // The line of an included record began before the candidate: move it here,
                    // taking in every record between.
                    self.count += self.seg_count;
                    for t in 0..2 {
                        if self.seg_streams[t] {
                            self.need[t] = true;
                        }
                    }
                    self.seg_count = 0;
                    self.seg_streams = [false; 2];
                    self.cand = Some(pos);
                } else {
                    if self.need[i] {
                        // The previous line of this stream ended here: what follows starts clean.
                        self.need[i] = false;
                    }
                    self.seg_streams[i] = true;
                    if !partial || !self.seen[i] {
                        self.seg_count += 1;
                    }
                }
                self.seen[i] = true;
            }
        }
        !self.need.iter().any(|&b| b)
    }

    /// Where printing starts (None: at the start of the oldest file scanned), and how many lines
    /// it prints from there before the last N.
    pub fn result(&self, done: bool) -> (Option<Pos>, u64) {
        if !done && !self.searching {
            return (None, self.count.saturating_sub(self.n));
        }
        (self.cand, self.count.saturating_sub(self.n))
    }
}

#[cfg(test)]
mod tests {
    use super::super::print::{Options, Printer};
    use super::super::record::parse;
    use super::*;
    use std::io::Write;

    /// Everything printed, then the last n lines of it; compared with the tail's output.
    fn check(lines: &[String], n: u64, stream: Option<Stream>) {
        let mut data = Vec::new();
        for l in lines {
            writeln!(data, "{l}").unwrap();
        }
        let print = |from: usize, skip: u64| {
            let mut out = Vec::new();
            let mut p = Printer::new(
                &mut out,
                false,
                Options {
                    stream,
                    skip,
                    ..Default::default()
                },
            );
            let mut src = &data[from..];
            let mut lb = super::super::lines::LineBuf::default();
            while let Some(l) = lb.next(&mut src, true).unwrap() {
                p.entry(parse(l.bytes), l.newline, "f", 0).unwrap();
            }
            p.finish().unwrap();
            drop(p);
            String::from_utf8(out).unwrap()
        };
        let full = print(0, 0);
        let pieces: Vec<&str> = full.split_inclusive('\n').collect();
        let want: String = pieces[pieces.len().saturating_sub(n as usize)..].concat();
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(&data).unwrap();
        let mut back = Backward::new(&f, data.len() as u64);
        let mut scan = TailScan::new(n, stream);
        let mut done = false;
        while let Some((off, kind)) = back.prev().unwrap() {
            if scan.feed((0, off), kind) {
                done = true;
                break;
            }
        }
        let (pos, skip) = scan.result(done);
        let from = pos.map_or(0, |p| p.1 as usize);
        let got = print(from, skip);
        assert_eq!(got, want, "n={n} stream={stream:?} from={from} skip={skip}");
    }

    #[test]
    fn tail_matches_the_end_of_the_full_output() {
        let t = "2026-02-14T15:22:26.1+00:00";
        let mut lines = Vec::new();
        for i in 0..30 {
            match i % 7 {
                0 => {
                    lines.push(format!("{t} stdout P a{i}"));
                    lines.push(format!("{t} stderr F e{i}"));
                    lines.push(format!("{t} stderr P x{i}"));
                    lines.push(format!("{t} stdout P b{i}"));
                    lines.push(format!("{t} stdout F c{i}"));
                    lines.push(format!("{t} stderr F y{i}"));
                }
                3 => lines.push(format!("junk {i}")),
                4 => lines.push(format!("{t} stderr F e{i}")),
                _ => lines.push(format!("{t} stdout F o{i}")),
            }
        }
        lines.push(format!("{t} stdout P unfinished"));
        for n in 1..50 {
            for s in [None, Some(Stream::Stdout), Some(Stream::Stderr)] {
                check(&lines, n, s);
            }
        }
    }
}
