//! Writing pcap and pcapng files that stay valid whatever ends the capture.
//!
//! Records are gathered in memory and written with whole-record `write(2)` calls, at the latest
//! every capture batch, so a file killed at any moment ends on a record boundary. When a write
//! fails (disk full), the file is cut back to the last whole record and the error says how much
//! was kept. Rotation follows tcpdump's `-C`/`-W`/`-G` naming (tcpdump.c `MakeFilename`).
//!
//! A FIFO, or a pipe on standard output, is written through a non-blocking open file description of
//! our own, waiting in `poll(2)` with a short timeout: a stop request (Ctrl-C) is noticed while
//! nobody opens the FIFO or while the reader does not read, instead of after a blocking call that
//! may never return. When standard output cannot be reopened (EACCES: the pipe belongs to another
//! user), the shared pipe is written in pieces of at most `PIPE_BUF` bytes, each after `poll(2)`
//! reported room, which a pipe takes without blocking. A regular file is written with ordinary
//! blocking writes.
//!
//! After a stop, what is queued is still written while the reader makes progress (a slow reader such
//! as Wireshark gets the whole capture and never half a record); the rest is abandoned only once the
//! reader has taken nothing for [`STOP_GRACE`].

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Set by the caller to ask a writer blocked on a FIFO or pipe to give up (Ctrl-C, SIGTERM).
pub type Stop = Option<Arc<AtomicBool>>;

/// How long one wait for a reader or for room in a pipe lasts before the stop flag is looked at.
const WAIT_STEP: Duration = Duration::from_millis(100);

/// After a stop, how long a pipe's reader may take nothing before the queued rest is abandoned.
pub const STOP_GRACE: Duration = Duration::from_secs(2);

/// pipe(7): writes of at most this many bytes to a pipe are atomic, so once `poll(2)` reports
/// room (a free pipe buffer slot, a page) such a write does not block.
const PIPE_BUF: usize = libc::PIPE_BUF;

fn stopped(stop: &Stop) -> bool {
    stop.as_ref().is_some_and(|s| s.load(Ordering::SeqCst))
}

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
    /// The capture was stopped while waiting for a program to open the FIFO for reading.
    #[error("cannot write {}: the capture was stopped while waiting for a program to open this FIFO for reading", super::shown(path))]
    NoReader {
        /// The FIFO.
        path: PathBuf,
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
    /// A regular file (or a device): blocking writes.
    File(File),
    /// A FIFO or pipe opened non-blocking by us (our own open file description).
    Pipe(File),
    /// Standard output as it came (not a pipe, FIFO or socket), written directly to the descriptor.
    Stdout(io::Stdout),
    /// Standard output is a pipe that could not be reopened: the shared (blocking) descriptor,
    /// written at most [`PIPE_BUF`] bytes at a time, each after `poll(2)` reported room.
    SharedPipe(io::Stdout),
    /// Standard output is a socket: `send(MSG_DONTWAIT)`, the flag of the shared file untouched.
    Socket(io::Stdout),
}

impl Out {
    /// Open `path` for writing like `File::create`, without blocking on a FIFO nobody reads: it is
    /// opened non-blocking, and retried every [`WAIT_STEP`] until a reader comes or `stop` is set.
    fn create(path: &Path, stop: &Stop) -> Result<Out, WriteError> {
        let create = |source| WriteError::Create {
            path: path.to_path_buf(),
            source,
        };
        let mut announced = false;
        let file = loop {
            let res = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(path);
            match res {
                Ok(f) => break f,
                // fifo(7): a non-blocking open for writing fails with ENXIO until there is a
                // reader. (So does opening a socket file: that one is an error.)
                Err(e) if e.raw_os_error() == Some(libc::ENXIO) => {
                    let fifo = std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo());
                    if !fifo {
                        return Err(create(e));
                    }
                    if stopped(stop) {
                        return Err(WriteError::NoReader {
                            path: path.to_path_buf(),
                        });
                    }
                    if !announced {
                        eprintln!(
                            "waiting for a program to open FIFO {} for reading",
                            super::shown(path)
                        );
                        announced = true;
                    }
                    std::thread::sleep(WAIT_STEP / 2);
                }
                Err(e) => return Err(create(e)),
            }
        };
        let is_fifo = file.metadata().map_err(create)?.file_type().is_fifo();
        if is_fifo {
            return Ok(Out::Pipe(file));
        }
        crate::sys::capture::set_blocking(file.as_fd()).map_err(create)?;
        Ok(Out::File(file))
    }

    /// Standard output: a pipe is reopened through /proc as a non-blocking file of our own (setting
    /// O_NONBLOCK on the inherited one would change it for every process sharing it). When that
    /// fails, the shared descriptor is written in pieces that cannot block (said once on stderr).
    fn stdout() -> Out {
        let out = io::stdout();
        let kind = nix::sys::stat::fstat(std::os::fd::AsRawFd::as_raw_fd(&out.as_fd()))
            .map(|st| st.st_mode & libc::S_IFMT);
        match kind {
            Ok(libc::S_IFIFO) => match OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_NONBLOCK)
                .open("/proc/self/fd/1")
            {
                Ok(f) => Out::Pipe(f),
                Err(e) => {
                    eprintln!(
                        "note: cannot reopen standard output ({e}); writing the shared pipe in \
                         {PIPE_BUF}-byte pieces"
                    );
                    Out::SharedPipe(out)
                }
            },
            Ok(libc::S_IFSOCK) => Out::Socket(out),
            _ => Out::Stdout(out),
        }
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Out::File(f) | Out::Pipe(f) => f.write(buf),
            // Straight to the descriptor: io::Stdout's line buffer would hide what was written.
            Out::Stdout(s) => Ok(nix::unistd::write(s.as_fd(), buf)?),
            Out::SharedPipe(s) => {
                let mut fds = [nix::poll::PollFd::new(
                    s.as_fd(),
                    nix::poll::PollFlags::POLLOUT,
                )];
                match nix::poll::poll(&mut fds, nix::poll::PollTimeout::ZERO) {
                    // Room for at least one page (or an error that the write reports).
                    Ok(n) if n > 0 => Ok(nix::unistd::write(
                        s.as_fd(),
                        &buf[..buf.len().min(PIPE_BUF)],
                    )?),
                    Ok(_) => Err(io::ErrorKind::WouldBlock.into()),
                    Err(e) => Err(e.into()),
                }
            }
            Out::Socket(s) => {
                let flags = nix::sys::socket::MsgFlags::MSG_DONTWAIT
                    | nix::sys::socket::MsgFlags::MSG_NOSIGNAL;
                nix::sys::socket::send(std::os::fd::AsRawFd::as_raw_fd(&s.as_fd()), buf, flags)
                    .map_err(io::Error::from)
            }
        }
    }

    fn fd(&self) -> BorrowedFd<'_> {
        match self {
            Out::File(f) | Out::Pipe(f) => f.as_fd(),
            Out::Stdout(s) | Out::SharedPipe(s) | Out::Socket(s) => s.as_fd(),
        }
    }

    /// Wait until the descriptor takes more data. `false` when, after `stop` was set, nothing was
    /// taken for [`STOP_GRACE`]: counted from the later of `progress` (the last write that took
    /// something) and `stop_seen` (when the stop was first noticed, set here).
    fn wait_writable(
        &self,
        stop: &Stop,
        progress: Instant,
        stop_seen: &mut Option<Instant>,
    ) -> io::Result<bool> {
        loop {
            let mut fds = [nix::poll::PollFd::new(
                self.fd(),
                nix::poll::PollFlags::POLLOUT,
            )];
            let ms = u16::try_from(WAIT_STEP.as_millis()).unwrap_or(100);
            match nix::poll::poll(&mut fds, nix::poll::PollTimeout::from(ms)) {
                // Ready, or an error/hang-up that the next write reports.
                Ok(n) if n > 0 => return Ok(true),
                Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                Err(e) => return Err(e.into()),
            }
            if stopped(stop) {
                let seen = *stop_seen.get_or_insert_with(Instant::now);
                if seen.max(progress).elapsed() >= STOP_GRACE {
                    return Ok(false);
                }
            }
        }
    }
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
    stop: Stop,
    /// Packets dropped because the reader stopped reading and a stop was requested.
    abandoned: Option<u64>,
}

/// Flush when this much is buffered even within a batch.
const FLUSH_AT: usize = 256 * 1024;

impl Writer {
    /// Create `path` (or use standard output for `-`) and write the file header. Once `stop` is
    /// set, waiting for a FIFO's reader fails and waiting for room in a pipe gives up.
    pub fn create(
        path: &Path,
        format: FileFormat,
        header: &Header,
        stop: Stop,
    ) -> Result<Writer, WriteError> {
        Self::open(path, format, stop, |w| w.file_header(header))
    }

    /// Like [`Writer::create`], but the file header is `header` as given (e.g. a pcapng Section
    /// Header Block built by the merge). Records then come through [`Writer::record`].
    pub fn create_raw(path: &Path, header: &[u8], stop: Stop) -> Result<Writer, WriteError> {
        Self::open(path, FileFormat::Pcapng, stop, |w| {
            w.buf.extend_from_slice(header)
        })
    }

    /// Open `path` (`-`: standard output), queue the file header `header` writes into the
    /// buffer, and write it.
    fn open(
        path: &Path,
        format: FileFormat,
        stop: Stop,
        header: impl FnOnce(&mut Writer),
    ) -> Result<Writer, WriteError> {
        let out = if path == Path::new("-") {
            Out::stdout()
        } else {
            Out::create(path, &stop)?
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
            stop,
            abandoned: None,
        };
        header(&mut w);
        w.header_end = w.buf.len();
        w.flush()?;
        Ok(w)
    }

    /// Queue one whole record that `fill` appends to the buffer (a pcapng block, already in the
    /// file's byte order); written at the next [`Writer::flush`] or sooner when much is queued.
    /// Counts as one packet in [`WriteError::Write`]'s `kept`.
    pub fn record(&mut self, fill: impl FnOnce(&mut Vec<u8>)) -> Result<(), WriteError> {
        fill(&mut self.buf);
        self.record_ends.push(self.buf.len());
        if self.buf.len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
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

    /// Write what is queued. On failure the file is cut back to the last whole record. When a stop
    /// was requested and a pipe's reader then takes nothing for [`STOP_GRACE`], the rest is
    /// dropped (see [`Writer::abandoned`]) and later packets are discarded.
    pub fn flush(&mut self) -> Result<(), WriteError> {
        if self.buf.is_empty() {
            return Ok(());
        }
        if let Some(n) = &mut self.abandoned {
            *n += self.record_ends.len() as u64;
            self.buf.clear();
            self.record_ends.clear();
            return Ok(());
        }
        let mut written = 0usize;
        let mut gave_up = false;
        let mut progress = Instant::now();
        let mut stop_seen = None;
        let res = loop {
            if written == self.buf.len() {
                break Ok(());
            }
            match self.out.write(&self.buf[written..]) {
                Ok(0) => break Err(io::Error::from(io::ErrorKind::WriteZero)),
                Ok(n) => {
                    written += n;
                    progress = Instant::now();
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    match self.out.wait_writable(&self.stop, progress, &mut stop_seen) {
                        Ok(true) => {}
                        Ok(false) => {
                            gave_up = true;
                            break Ok(());
                        }
                        Err(e) => break Err(e),
                    }
                }
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
        if gave_up {
            self.abandoned = Some((self.record_ends.len() - whole) as u64);
        }
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

    /// After a stop with a reader that did not read: how many packets were not written.
    pub fn abandoned(&self) -> Option<u64> {
        self.abandoned
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
    stop: Stop,
    /// Number of the current file within its interval (tcpdump's `Cflag_count`).
    count: u32,
    /// `-G` rotations so far (tcpdump's `Gflag_count`).
    rotations: u32,
    /// Wall-clock second the current `-G` interval started (tcpdump's `Gflag_time`).
    interval_start: i64,
    current: Writer,
}

/// What the caller should do after a packet.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Keep capturing.
    Continue,
    /// `-G` with `-W` (and no `-C`): the last file is complete; the packet was not written.
    Done,
}

fn digits(n: u32) -> usize {
    n.max(1).to_string().len()
}

impl Rotating {
    /// Open the first file. `now` is the wall-clock time (seconds since the epoch).
    pub fn create(
        base: &str,
        format: FileFormat,
        header: Header,
        rot: Rotation,
        now: i64,
        stop: Stop,
    ) -> Result<Rotating, WriteError> {
        let path = file_name(base, &rot, 0, now);
        let current = Writer::create(&path, format, &header, stop.clone())?;
        Ok(Rotating {
            base: base.to_string(),
            format,
            header,
            rot,
            stop,
            count: 0,
            rotations: 0,
            interval_start: now,
            current,
        })
    }

    /// Write one packet, rotating first when the rules say so. `now` is the wall-clock time when
    /// the packet is handled: like tcpdump, `-G` rotates on the first packet handled `-G` seconds
    /// or more after the current file was opened (not on packet timestamps, so `-r` of an old
    /// file and a live capture rotate alike, and a silent interface opens no new file).
    pub fn packet(
        &mut self,
        now: i64,
        secs: i64,
        usecs: u32,
        data: &[u8],
        wire_len: u32,
    ) -> Result<Next, WriteError> {
        if self.base != "-" {
            if let Some(g) = self.rot.every_secs {
                if now.saturating_sub(self.interval_start) >= i64::try_from(g).unwrap_or(i64::MAX) {
                    self.rotations += 1;
                    // tcpdump: -W limits the number of -G files only without -C.
                    if let (None, Some(w)) = (self.rot.max_bytes, self.rot.files) {
                        if self.rotations >= w {
                            self.current.flush()?;
                            return Ok(Next::Done);
                        }
                    }
                    self.interval_start = now;
                    self.count = 0;
                    self.reopen()?;
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
                    self.reopen()?;
                }
            }
        }
        self.current.packet(secs, usecs, data, wire_len)?;
        Ok(Next::Continue)
    }

    fn reopen(&mut self) -> Result<(), WriteError> {
        self.current.flush()?;
        let path = file_name(&self.base, &self.rot, self.count, self.interval_start);
        self.current = Writer::create(&path, self.format, &self.header, self.stop.clone())?;
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

    /// After a stop with a reader that did not read: how many packets were not written.
    pub fn abandoned(&self) -> Option<u64> {
        self.current.abandoned()
    }

    /// Whether `-G` is in use (only then does [`Rotating::packet`] need the time).
    pub fn rotates_on_time(&self) -> bool {
        self.rot.every_secs.is_some()
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
        let mut w = Rotating::create(
            base.to_str().unwrap(),
            FileFormat::Pcap,
            header,
            rot,
            100,
            None,
        )
        .unwrap();
        for now in [100, 101, 5_000_000] {
            assert_eq!(w.packet(now, 0, 0, &[0; 14], 14).unwrap(), Next::Continue);
        }
        w.flush().unwrap();
        // One file holding all three packets (an overflowing interval would reopen it per packet).
        assert_eq!(w.path(), base);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(std::fs::metadata(&base).unwrap().len(), 24 + 3 * (16 + 14));
    }

    #[test]
    fn g_rotates_on_the_wall_clock_and_w_ends_it() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("g-%s.pcap");
        let rot = Rotation {
            every_secs: Some(10),
            files: Some(2),
            ..Rotation::default()
        };
        let header = Header {
            linktype: 1,
            snaplen: 65535,
            ifname: None,
        };
        let mut w = Rotating::create(
            base.to_str().unwrap(),
            FileFormat::Pcap,
            header,
            rot,
            1000,
            None,
        )
        .unwrap();
        // Packet timestamps far apart (an old file read with -r) do not rotate: the clock does.
        for ts in [0, 500, 900_000] {
            assert_eq!(w.packet(1005, ts, 0, &[0; 14], 14).unwrap(), Next::Continue);
        }
        assert_eq!(w.path(), dir.path().join("g-1000.pcap"));
        assert_eq!(w.packet(1010, 0, 0, &[0; 14], 14).unwrap(), Next::Continue);
        assert_eq!(w.path(), dir.path().join("g-1010.pcap"));
        // The second rotation reaches -W 2: the packet is not written.
        assert_eq!(w.packet(1031, 0, 0, &[0; 14], 14).unwrap(), Next::Done);
        let len = |n: &str| std::fs::metadata(dir.path().join(n)).unwrap().len();
        assert_eq!(len("g-1000.pcap"), 24 + 3 * (16 + 14));
        assert_eq!(len("g-1010.pcap"), 24 + 16 + 14);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
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
