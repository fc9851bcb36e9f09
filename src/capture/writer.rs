//! Writing pcap and pcapng files that stay valid whatever ends the capture.
//!
//! Records are gathered in memory and written with whole-record `write(2)` calls, at the latest
//! every capture batch, so a file killed at any moment ends on a record boundary. When a write
//! fails (disk full), the file is cut back to the last whole record and the error says how much
//! was kept. Rotation follows tcpdump's `-C`/`-W`/`-G` naming (tcpdump.c `MakeFilename`).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// File format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    /// Classic libpcap format, microsecond timestamps.
    Pcap,
    /// pcapng with one section and one interface.
    Pcapng,
}

/// What every file's header records.
#[derive(Clone, Debug)]
pub struct Header {
    /// pcap LINKTYPE_ value.
    pub linktype: u16,
    /// Snap length.
    pub snaplen: u32,
    /// Interface name (pcapng `if_name`).
    pub ifname: Option<String>,
}

/// Errors while writing capture files.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Creating a file failed.
    #[error("cannot create {}", super::shown(path))]
    Create {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// Writing failed; the file was cut back to its last whole packet.
    #[error("cannot write {} (it was cut back to its last whole packet and is valid: {kept} packets, {bytes} bytes)", super::shown(path))]
    Write {
        /// The file (`-` for standard output).
        path: PathBuf,
        /// Packets kept in this file.
        kept: u64,
        /// Bytes kept in this file.
        bytes: u64,
        /// Why.
        source: io::Error,
    },
}

enum Out {
    File(File),
    Stdout(io::Stdout),
}

/// One open capture file (or standard output).
pub struct Writer {
    out: Out,
    path: PathBuf,
    format: FileFormat,
    buf: Vec<u8>,
    /// Bytes known to be on disk, ending on a record boundary.
    committed: u64,
    committed_packets: u64,
    /// End offset in `buf` of each queued record (to cut back to a whole record after a failure).
    record_ends: Vec<usize>,
    /// End of the file header in `buf` while it is queued (0 once written).
    header_end: usize,
}

/// Flush when this much is buffered even within a batch.
const FLUSH_AT: usize = 256 * 1024;

impl Writer {
    /// Create `path` (or use standard output for `-`) and write the file header.
    pub fn create(path: &Path, format: FileFormat, header: &Header) -> Result<Writer, WriteError> {
        let out = if path == Path::new("-") {
            Out::Stdout(io::stdout())
        } else {
            Out::File(File::create(path).map_err(|source| WriteError::Create {
                path: path.to_path_buf(),
                source,
            })?)
        };
        let mut w = Writer {
            out,
            path: path.to_path_buf(),
            format,
            buf: Vec::with_capacity(FLUSH_AT + 65536),
            committed: 0,
            committed_packets: 0,
            record_ends: Vec::new(),
            header_end: 0,
        };
        w.file_header(header);
        w.header_end = w.buf.len();
        w.flush()?;
        Ok(w)
    }

    fn file_header(&mut self, h: &Header) {
        let b = &mut self.buf;
        match self.format {
            FileFormat::Pcap => {
                b.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
                b.extend_from_slice(&2u16.to_le_bytes());
                b.extend_from_slice(&4u16.to_le_bytes());
                b.extend_from_slice(&0i32.to_le_bytes());
                b.extend_from_slice(&0u32.to_le_bytes());
                b.extend_from_slice(&h.snaplen.to_le_bytes());
                b.extend_from_slice(&u32::from(h.linktype).to_le_bytes());
            }
            FileFormat::Pcapng => {
                // Section Header Block. See: draft-ietf-opsawg-pcapng, section 4.1.
                b.extend_from_slice(&0x0a0d_0d0au32.to_le_bytes());
                b.extend_from_slice(&28u32.to_le_bytes());
                b.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
                b.extend_from_slice(&1u16.to_le_bytes());
                b.extend_from_slice(&0u16.to_le_bytes());
                b.extend_from_slice(&(-1i64).to_le_bytes());
                b.extend_from_slice(&28u32.to_le_bytes());
                // Interface Description Block (section 4.2) with if_name.
                let mut opts = Vec::new();
                if let Some(name) = &h.ifname {
                    let name = name.as_bytes();
                    let len = name.len().min(u16::MAX as usize - 4);
                    opts.extend_from_slice(&2u16.to_le_bytes());
                    opts.extend_from_slice(&(len as u16).to_le_bytes());
                    opts.extend_from_slice(&name[..len]);
                    opts.resize(opts.len().next_multiple_of(4), 0);
                    opts.extend_from_slice(&[0, 0, 0, 0]);
                }
                let total = 20 + opts.len() as u32;
                b.extend_from_slice(&1u32.to_le_bytes());
                b.extend_from_slice(&total.to_le_bytes());
                b.extend_from_slice(&h.linktype.to_le_bytes());
                b.extend_from_slice(&0u16.to_le_bytes());
                b.extend_from_slice(&h.snaplen.to_le_bytes());
                b.extend_from_slice(&opts);
                b.extend_from_slice(&total.to_le_bytes());
            }
        }
    }

    /// Queue one packet; written at the next [`Writer::flush`] (or sooner when much is queued).
    pub fn packet(
        &mut self,
        secs: i64,
        usecs: u32,
        data: &[u8],
        wire_len: u32,
    ) -> Result<(), WriteError> {
        let caplen = u32::try_from(data.len()).unwrap_or(u32::MAX);
        let data = &data[..caplen as usize];
        let b = &mut self.buf;
        match self.format {
            FileFormat::Pcap => {
                b.extend_from_slice(&(secs as u32).to_le_bytes());
                b.extend_from_slice(&usecs.to_le_bytes());
                b.extend_from_slice(&caplen.to_le_bytes());
                b.extend_from_slice(&wire_len.to_le_bytes());
                b.extend_from_slice(data);
            }
            FileFormat::Pcapng => {
                // Enhanced Packet Block (section 4.3), timestamps in microseconds.
                let padded = data.len().next_multiple_of(4);
                let total = 32 + padded as u32;
                let ts = (secs as u64)
                    .wrapping_mul(1_000_000)
                    .wrapping_add(u64::from(usecs));
                b.extend_from_slice(&6u32.to_le_bytes());
                b.extend_from_slice(&total.to_le_bytes());
                b.extend_from_slice(&0u32.to_le_bytes());
                b.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
                b.extend_from_slice(&(ts as u32).to_le_bytes());
                b.extend_from_slice(&caplen.to_le_bytes());
                b.extend_from_slice(&wire_len.to_le_bytes());
                b.extend_from_slice(data);
                b.resize(b.len() + (padded - data.len()), 0);
                b.extend_from_slice(&total.to_le_bytes());
            }
        }
        self.record_ends.push(self.buf.len());
        if self.buf.len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    /// Write what is queued. On failure the file is cut back to the last whole record.
    pub fn flush(&mut self) -> Result<(), WriteError> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let mut written = 0usize;
        let res = loop {
            if written == self.buf.len() {
                break match &mut self.out {
                    Out::File(_) => Ok(()),
                    Out::Stdout(s) => s.flush(),
                };
            }
            let r = match &mut self.out {
                Out::File(f) => f.write(&self.buf[written..]),
                Out::Stdout(s) => s.write(&self.buf[written..]),
            };
            match r {
                Ok(0) => break Err(io::Error::from(io::ErrorKind::WriteZero)),
                Ok(n) => written += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        let whole = self.record_ends.partition_point(|&end| end <= written);
        let kept_bytes = match whole {
            0 if self.header_end > 0 && written >= self.header_end => self.header_end,
            0 => 0,
            n => self.record_ends[n - 1],
        };
        self.header_end = 0;
        self.committed += kept_bytes as u64;
        self.committed_packets += whole as u64;
        self.buf.clear();
        self.record_ends.clear();
        match res {
            Ok(()) => Ok(()),
            Err(source) => {
                if let Out::File(f) = &mut self.out {
                    // Best effort: a partial record at the end would make the file unreadable.
                    let _ = f.set_len(self.committed);
                }
                Err(WriteError::Write {
                    path: self.path.clone(),
                    kept: self.committed_packets,
                    bytes: self.committed,
                    source,
                })
            }
        }
    }

    /// Bytes in the file so far, counting what is queued.
    pub fn len(&self) -> u64 {
        self.committed + self.buf.len() as u64
    }

    /// Whether nothing at all has been written or queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The path written to.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// tcpdump's rotation options.
#[derive(Clone, Debug, Default)]
pub struct Rotation {
    /// `-C`: start a new file when the current one exceeds this many bytes.
    pub max_bytes: Option<u64>,
    /// `-W`: number of files (a ring with `-C`; a limit with `-G` alone).
    pub files: Option<u32>,
    /// `-G`: start a new file every this many seconds (name passed through strftime).
    pub every_secs: Option<u64>,
}

/// A sequence of capture files named and rotated like tcpdump's.
pub struct Rotating {
    base: String,
    format: FileFormat,
    header: Header,
    rot: Rotation,
    /// Number of the current file within its interval (tcpdump's `Cflag_count`).
    count: u32,
    /// Files opened because of `-G` (tcpdump's `Gflag_count`).
    intervals: u32,
    interval_start: i64,
    current: Writer,
}

/// What the caller should do after a packet.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Keep capturing.
    Continue,
    /// `-G` with `-W`: the last file is complete.
    Done,
}

fn digits(n: u32) -> usize {
    n.max(1).to_string().len()
}

impl Rotating {
    /// Open the first file. `start` is the capture's start time (seconds since the epoch).
    pub fn create(
        base: &str,
        format: FileFormat,
        header: Header,
        rot: Rotation,
        start: i64,
    ) -> Result<Rotating, WriteError> {
        let path = file_name(base, &rot, 0, start);
        let current = Writer::create(&path, format, &header)?;
        Ok(Rotating {
            base: base.to_string(),
            format,
            header,
            rot,
            count: 0,
            intervals: 1,
            interval_start: start,
            current,
        })
    }

    /// Write one packet, rotating first when the rules say so.
    pub fn packet(
        &mut self,
        secs: i64,
        usecs: u32,
        data: &[u8],
        wire_len: u32,
    ) -> Result<Next, WriteError> {
        if self.base != "-" {
            if let Some(g) = self.rot.every_secs {
                // Reading an old file (-r): intervals start at its first packet, not at now.
                if secs < self.interval_start {
                    self.interval_start = secs;
                }
                if secs.saturating_sub(self.interval_start) >= i64::try_from(g).unwrap_or(i64::MAX)
                {
                    if let Some(w) = self.rot.files {
                        if self.intervals >= w {
                            return Ok(Next::Done);
                        }
                    }
                    self.intervals += 1;
                    self.interval_start = secs;
                    self.count = 0;
                    self.reopen(secs)?;
                }
            }
            if let Some(max) = self.rot.max_bytes {
                if self.current.len() > max {
                    self.count += 1;
                    if let Some(w) = self.rot.files {
                        if self.count >= w {
                            self.count = 0;
                        }
                    }
                    self.reopen(self.interval_start)?;
                }
            }
        }
        self.current.packet(secs, usecs, data, wire_len)?;
        Ok(Next::Continue)
    }

    fn reopen(&mut self, secs: i64) -> Result<(), WriteError> {
        self.current.flush()?;
        let path = file_name(&self.base, &self.rot, self.count, secs);
        self.current = Writer::create(&path, self.format, &self.header)?;
        Ok(())
    }

    /// Write what is queued.
    pub fn flush(&mut self) -> Result<(), WriteError> {
        self.current.flush()
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        self.current.path()
    }
}

/// tcpdump's file name: strftime(base) with `-G`, then the file number when `-C` or `-W` asks,
/// zero-padded to the width of `-W`.
pub fn file_name(base: &str, rot: &Rotation, count: u32, secs: i64) -> PathBuf {
    if base == "-" {
        return PathBuf::from("-");
    }
    let name = if rot.every_secs.is_some() {
        crate::sys::capture::strftime_local(base, secs).unwrap_or_else(|| base.to_string())
    } else {
        base.to_string()
    };
    let width = rot.files.map_or(0, digits);
    if rot.max_bytes.is_none() || (count == 0 && width == 0) {
        PathBuf::from(name)
    } else {
        PathBuf::from(format!("{name}{count:0width$}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_g_interval_never_rotates() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("g.pcap");
        let rot = Rotation {
            every_secs: Some(u64::MAX),
            ..Rotation::default()
        };
        let header = Header {
            linktype: 1,
            snaplen: 65535,
            ifname: None,
        };
        let mut w =
            Rotating::create(base.to_str().unwrap(), FileFormat::Pcap, header, rot, 100).unwrap();
        for secs in [100, 101, 5_000_000] {
            assert_eq!(w.packet(secs, 0, &[0; 14], 14).unwrap(), Next::Continue);
        }
        w.flush().unwrap();
        // One file holding all three packets (a wrapped interval reopened it for each packet).
        assert_eq!(w.path(), base);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(std::fs::metadata(&base).unwrap().len(), 24 + 3 * (16 + 14));
    }

    #[test]
    fn names_follow_tcpdump() {
        let c = Rotation {
            max_bytes: Some(1),
            files: None,
            every_secs: None,
        };
        assert_eq!(file_name("x.pcap", &c, 0, 0), PathBuf::from("x.pcap"));
        assert_eq!(file_name("x.pcap", &c, 2, 0), PathBuf::from("x.pcap2"));
        let ring = Rotation {
            files: Some(10),
            ..c
        };
        assert_eq!(file_name("x.pcap", &ring, 0, 0), PathBuf::from("x.pcap00"));
        assert_eq!(file_name("x.pcap", &ring, 7, 0), PathBuf::from("x.pcap07"));
    }
}
