//! File contents to stdout: binary data is refused on a terminal (it would garble it), text on a
//! terminal has its control characters made visible, and a pipe gets the bytes unchanged.

use std::io::{self, Write};

/// File systems whose files have no meaningful size (procfs reports 0 for nearly everything,
/// `/proc/kcore` 128 TiB, `/proc/PID/pagemap` yields 8 bytes per page of the whole address
/// space, a tracefs pipe blocks until events come): (`f_type`, name). See: statfs(2).
const PSEUDO_FILES: [(i64, &str); 12] = [
    (0x9fa0, "procfs"),
    (0x6265_6572, "sysfs"),
    (0x6462_6720, "debugfs"),
    (0x7472_6163, "tracefs"),
    (0x7363_6673, "securityfs"),
    (0x6265_6570, "configfs"),
    (0x0027_e0eb, "cgroupfs"),
    (0x6367_7270, "cgroup2fs"),
    (0xcafe_4a11, "bpffs"),
    (0x6165_676c, "pstorefs"),
    (0xde5e_81e4, "efivarfs"),
    (0xf97c_ff8c, "selinuxfs"),
];

/// How much of a file on a pseudo file system is read at most (16 MiB): its size is unknown or
/// unbounded, so reading it to the end could take hours.
pub const PSEUDO_CAP: u64 = 16 << 20;

/// The pseudo file system `file` is on, if any (see [`PSEUDO_FILES`]).
pub fn pseudo_fs_of(file: &std::fs::File) -> Option<&'static str> {
    use std::os::fd::AsFd;
    let t = nix::sys::statfs::fstatfs(file.as_fd())
        .ok()?
        .filesystem_type()
        .0 as i64;
    PSEUDO_FILES.iter().find(|(m, _)| *m == t).map(|(_, n)| *n)
}

/// Whether reading the file `name` on the pseudo file system `fs` takes data away from others:
/// `/proc/kmsg` (the kernel log, consumed by its reader) and tracefs's `trace_pipe*`.
pub fn consumed_by_reading(fs: &str, name: &[u8]) -> bool {
    (fs == "procfs" && name == b"kmsg")
        || (matches!(fs, "tracefs" | "debugfs") && name.starts_with(b"trace_pipe"))
}

/// Make reads of `file` return `EAGAIN` instead of waiting (a pseudo file that blocks until
/// something happens is then read as far as it has data).
pub fn set_nonblock(file: &std::fs::File) {
    use nix::fcntl::{fcntl, FcntlArg, OFlag};
    use std::os::fd::AsRawFd;
    if let Ok(bits) = fcntl(file.as_raw_fd(), FcntlArg::F_GETFL) {
        let _ = fcntl(
            file.as_raw_fd(),
            FcntlArg::F_SETFL(OFlag::from_bits_truncate(bits) | OFlag::O_NONBLOCK),
        );
    }
}

/// How much of a file is inspected to decide whether it is binary.
pub const SNIFF: usize = 8192;

/// Whether `buf` looks binary: it holds a NUL byte (the test GNU grep and less use).
pub fn looks_binary(buf: &[u8]) -> bool {
    buf.contains(&0)
}

/// Writes file contents to stdout, the terminal-aware way.
pub struct Sink<W: Write> {
    out: W,
    terminal: bool,
}

impl<W: Write> Sink<W> {
    /// A sink writing to `out`; `terminal` says whether it is a terminal.
    pub fn new(out: W, terminal: bool) -> Self {
        Sink { out, terminal }
    }

    /// Whether the sink is a terminal.
    pub fn terminal(&self) -> bool {
        self.terminal
    }

    /// Write bytes: unchanged to a pipe; on a terminal, control characters other than newline
    /// and tab (escape sequences included) become visible `\xNN` escapes.
    pub fn write(&mut self, buf: &[u8]) -> io::Result<()> {
        if !self.terminal {
            return self.out.write_all(buf);
        }
        self.out.write_all(&terminal_safe(buf))
    }

    /// Flush.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Make bytes safe for a terminal, keeping newlines and tabs.
pub fn terminal_safe(buf: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(buf.len());
    for chunk in buf.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' | '\t' => out.push(c as u8),
                c if c.is_control() => {
                    let mut tmp = [0u8; 4];
                    for b in c.encode_utf8(&mut tmp).bytes() {
                        out.extend_from_slice(format!("\\x{b:02x}").as_bytes());
                    }
                }
                c => {
                    let mut tmp = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
                }
            }
        }
        for b in chunk.invalid() {
            out.extend_from_slice(format!("\\x{b:02x}").as_bytes());
        }
    }
    out
}

/// The byte offset where the last `n` lines of `buf` start (a final line without a newline
/// counts), as `tail -n N`.
pub fn last_lines_start(buf: &[u8], n: usize) -> usize {
    if n == 0 {
        return buf.len();
    }
    let mut end = buf.len();
    if buf.ends_with(b"\n") {
        end -= 1;
    }
    let mut seen = 0;
    for (i, &b) in buf[..end].iter().enumerate().rev() {
        if b == b'\n' {
            seen += 1;
            if seen == n {
                return i + 1;
            }
        }
    }
    0
}

/// `read_until(b'\n')` that stops after `cap` bytes, so an enormous line never has to fit in
/// memory whole. Returns the bytes read (0 at the end).
pub fn read_line_capped<R: std::io::BufRead>(
    r: &mut R,
    line: &mut Vec<u8>,
    cap: usize,
) -> io::Result<usize> {
    let mut total = 0;
    loop {
        let (done, used) = {
            let buf = match r.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok(total);
            }
            let room = cap - line.len();
            let take = buf.len().min(room);
            match buf[..take].iter().position(|&b| b == b'\n') {
                Some(i) => {
                    line.extend_from_slice(&buf[..=i]);
                    (true, i + 1)
                }
                None => {
                    line.extend_from_slice(&buf[..take]);
                    (line.len() >= cap, take)
                }
            }
        };
        r.consume(used);
        total += used;
        if done {
            return Ok(total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_lines() {
        let mut r = io::BufReader::with_capacity(4, &b"ab\ncdefgh\nij"[..]);
        let mut line = Vec::new();
        let mut got = Vec::new();
        loop {
            line.clear();
            if read_line_capped(&mut r, &mut line, 5).unwrap() == 0 {
                break;
            }
            got.push(String::from_utf8(line.clone()).unwrap());
        }
        assert_eq!(got, ["ab\n", "cdefg", "h\n", "ij"]);
    }

    #[test]
    fn tail_offsets() {
        assert_eq!(last_lines_start(b"a\nb\nc\n", 2), 2);
        assert_eq!(last_lines_start(b"a\nb\nc", 2), 2);
        assert_eq!(last_lines_start(b"a\nb\nc\n", 5), 0);
        assert_eq!(last_lines_start(b"a\nb\n", 0), 4);
    }

    #[test]
    fn terminal_escapes() {
        assert_eq!(
            terminal_safe(b"a\x1b[2Jb\n\tc\xff"),
            b"a\\x1b[2Jb\n\tc\\xff".to_vec()
        );
        assert!(looks_binary(b"ELF\0"));
        assert!(!looks_binary(b"text"));
    }
}

/// The `==> PATH <==` line `head` and `tail` print before each of several files (a blank line
/// before all but the first), the path sanitised.
pub fn header(path: &[u8], first: bool) -> Vec<u8> {
    let sep = if first { "" } else { "\n" };
    format!("{sep}==> {} <==\n", super::shown(path)).into_bytes()
}

/// Options shared by cat, head and tail.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReadOpts {
    /// Write binary data to a terminal anyway.
    pub force: bool,
    /// Open FIFOs, sockets and devices too.
    pub special: bool,
}

/// Refuse binary bytes for a terminal unless forced.
pub fn check_binary(
    path: &[u8],
    head: &[u8],
    terminal: bool,
    force: bool,
) -> Result<(), super::FsError> {
    if terminal && !force && looks_binary(&head[..head.len().min(SNIFF)]) {
        return Err(super::FsError::Binary {
            path: super::shown(path),
        });
    }
    Ok(())
}
