//! Packet capture on the statically linked libpcap: live tcpdump-style lines, pcap/pcapng files
//! that stay valid whatever ends the capture, offline reading, and tcpdump's exit statistics.
//!
//! The loop runs libpcap non-blocking and polls its descriptor with a short timeout, so that
//! SIGINT/SIGTERM (which only set a flag), `-c` and `--duration` are noticed within 100 ms even on
//! a silent interface; queued records are written after every batch. After a stop it keeps
//! draining for one ring-block timeout, so packets that arrived before Ctrl-C reach the file.
//! The writer looks at the same flag while it waits for a FIFO's reader or for room in a pipe
//! (see [`writer`]), so one Ctrl-C also ends a capture whose output is stuck: at once while
//! nobody opens a FIFO, and after [`writer::STOP_GRACE`] without progress from a pipe's reader
//! (a slow reader still gets everything).

pub mod decode;
pub mod dns;
pub mod merge;
pub mod model;
pub mod print;
pub mod reader;
pub mod writer;

use std::io::{self, IsTerminal, Write};
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pcap::{Capture, Device, Linktype};

use crate::caps::{self, Feature};
use print::{Formatter, Style};
use writer::{FileFormat, Header, Next, Rotating, Rotation, Stop, WriteError};

/// Errors of the capture module.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// No permission to open a packet socket.
    #[error(transparent)]
    Denied(#[from] caps::Denied),
    /// libpcap could not open the interface.
    #[error(
        "cannot capture on {}: {}",
        crate::output::sanitize(iface),
        crate::output::sanitize(msg)
    )]
    Open {
        /// Interface name.
        iface: String,
        /// libpcap's message.
        msg: String,
    },
    /// The filter does not compile.
    #[error(
        "bad filter expression `{}`: {msg}{hint}",
        crate::output::sanitize(filter)
    )]
    Filter {
        /// The expression.
        filter: String,
        /// libpcap's message.
        msg: String,
        /// Where the problem starts, when it can be narrowed down.
        hint: String,
    },
    /// Reading a capture file failed.
    #[error("cannot read {}: {}", shown(path), crate::output::sanitize(msg))]
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        msg: String,
    },
    /// A record in a capture file is truncated or corrupt.
    #[error(
        "{}: packet {packet} is truncated or corrupt: {}",
        shown(path),
        crate::output::sanitize(msg)
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// 1-based number of the bad record.
        packet: u64,
        /// libpcap's message.
        msg: String,
    },
    /// Writing a capture file failed.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// `-w -` with standard output on a terminal.
    #[error("refusing to write binary pcap data to a terminal: it would garble the terminal, and a pcap passed through a TTY (kubectl exec -t) is corrupt; redirect it (`-w - > file.pcap`, `| wireshark -k -i -`) and use `kubectl exec` without -t")]
    Terminal,
    /// Listing interfaces failed.
    #[error("cannot list interfaces: {0}")]
    List(String),
    /// Capture statistics or the capture loop failed.
    #[error(
        "capture on {} failed: {}",
        crate::output::sanitize(iface),
        crate::output::sanitize(msg)
    )]
    Loop {
        /// Interface name.
        iface: String,
        /// libpcap's message.
        msg: String,
    },
    /// Writing live output failed.
    #[error("cannot write to standard output")]
    Stdout(#[source] io::Error),
    /// The link type does not fit a capture file's 16-bit link-type field.
    #[error("cannot write link type {linktype} to a capture file: the file format's link-type field holds at most 65535")]
    Linktype {
        /// libpcap's link type (DLT).
        linktype: i32,
    },
    /// Signal handlers could not be installed.
    #[error("cannot install signal handlers")]
    Signals(#[source] io::Error),
}

/// A path as an error message shows it: user-typed, and echoed by libpcap, so sanitised.
pub(crate) fn shown(path: &std::path::Path) -> String {
    crate::output::sanitize(&path.display().to_string())
}

/// A resolved capture request.
#[derive(Clone, Debug)]
pub struct Options {
    /// Interface (`any` for all).
    pub iface: String,
    /// BPF filter in tcpdump syntax (empty: everything).
    pub filter: String,
    /// Snap length.
    pub snaplen: i32,
    /// Stop after this many packets.
    pub count: Option<u64>,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Promiscuous mode.
    pub promisc: bool,
    /// Kernel buffer size in bytes.
    pub buffer_bytes: Option<i32>,
    /// Link-layer header type by libpcap name (tcpdump `-y`), e.g. `LINUX_SLL`; `None`: the
    /// default (LINUX_SLL2 on `any`).
    pub datalink: Option<String>,
    /// Write to this file (`-` for standard output) instead of printing.
    pub write: Option<String>,
    /// pcap or pcapng.
    pub file_format: FileFormat,
    /// Rotation.
    pub rotation: Rotation,
    /// Read this file instead of capturing live.
    pub read: Option<PathBuf>,
    /// Line style.
    pub style: Style,
}

/// tcpdump's exit statistics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Packets handled by toolbox.
    pub captured: u64,
    /// Packets that passed the filter in the kernel.
    pub received: u64,
    /// Packets the kernel dropped for lack of buffer space.
    pub dropped: u64,
}

impl Stats {
    /// tcpdump's three lines.
    pub fn lines(&self) -> String {
        format!(
            "{} packets captured\n{} packets received by filter\n{} packets dropped by kernel\n",
            self.captured, self.received, self.dropped
        )
    }
}

/// One line per interface for `-D`, like `tcpdump -D`, with addresses.
pub fn list_interfaces() -> Result<Vec<String>, CaptureError> {
    let devs = Device::list().map_err(|e| CaptureError::List(e.to_string()))?;
    Ok(devs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let mut flags = Vec::new();
            if d.flags.is_loopback() {
                flags.push("Loopback".to_string());
            }
            if d.flags.is_up() {
                flags.push("Up".into());
            }
            if d.flags.is_running() {
                flags.push("Running".into());
            }
            let addrs: Vec<String> = d.addresses.iter().map(|a| a.addr.to_string()).collect();
            let mut line = format!("{}.{}", i + 1, crate::output::sanitize(&d.name));
            if let Some(desc) = &d.desc {
                line.push_str(&format!(" ({})", crate::output::sanitize(desc)));
            }
            if !flags.is_empty() {
                line.push_str(&format!(" [{}]", flags.join(", ")));
            }
            if !addrs.is_empty() {
                line.push_str(&format!(" {}", addrs.join(" ")));
            }
            line
        })
        .collect())
}

fn linktype_label(lt: Linktype) -> String {
    match (lt.get_name(), lt.get_description()) {
        (Ok(n), Ok(d)) => format!("{n} ({d})"),
        (Ok(n), Err(_)) => n,
        _ => format!("{}", lt.0),
    }
}

/// Narrow a filter error down: the longest prefix of words that compiles, and the rest.
fn filter_hint(valid: impl Fn(&str) -> bool, filter: &str) -> String {
    let words: Vec<&str> = filter.split_whitespace().collect();
    for k in (1..words.len()).rev() {
        let prefix = words[..k].join(" ");
        if valid(&prefix) {
            return format!(
                "\n  `{}` is a valid filter; the problem is in `{}`",
                crate::output::sanitize(&prefix),
                crate::output::sanitize(&words[k..].join(" "))
            );
        }
    }
    String::new()
}

/// Compile and install `filter` (nothing when empty); a bad one is an error pointing at the part
/// that does not compile.
fn set_filter<T: pcap::Activated + ?Sized>(
    cap: &mut Capture<T>,
    filter: &str,
) -> Result<(), CaptureError> {
    if filter.is_empty() {
        return Ok(());
    }
    cap.filter(filter, true).map_err(|e| {
        let hint = filter_hint(|f| cap.compile(f, true).is_ok(), filter);
        CaptureError::Filter {
            filter: filter.to_string(),
            msg: e.to_string(),
            hint,
        }
    })
}

/// tcpdump's `-y`: choose the link-layer header type by name (pcap_datalink_name_to_val, any
/// case, with or without `DLT_`); one the device does not offer is an error listing those it does.
fn set_datalink(
    cap: &mut Capture<pcap::Active>,
    iface: &str,
    name: &str,
) -> Result<(), CaptureError> {
    let bare = name
        .strip_prefix("DLT_")
        .or_else(|| name.strip_prefix("dlt_"))
        .unwrap_or(name);
    let offered = cap.list_datalinks().unwrap_or_default();
    let names = || {
        offered
            .iter()
            .map(|l| l.get_name().unwrap_or_else(|_| l.0.to_string()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let lt = Linktype::from_name(bare).map_err(|_| CaptureError::Open {
        iface: iface.to_string(),
        msg: format!(
            "`{name}` is not a link-layer header type name; {iface} offers {}",
            names()
        ),
    })?;
    if !offered.contains(&lt) {
        return Err(CaptureError::Open {
            iface: iface.to_string(),
            msg: format!(
                "{bare} is not one of the link-layer header types this device supports ({})",
                names()
            ),
        });
    }
    cap.set_datalink(lt).map_err(|e| CaptureError::Open {
        iface: iface.to_string(),
        msg: format!("cannot set link-layer header type {bare}: {e}"),
    })
}

/// The link type a written file records; only `-w` needs it to fit (printing takes any).
fn file_linktype(opts: &Options, lt: Linktype) -> Result<u16, CaptureError> {
    match (&opts.write, u16::try_from(lt.0)) {
        (None, _) => Ok(0),
        (Some(_), Ok(v)) => Ok(v),
        (Some(_), Err(_)) => Err(CaptureError::Linktype { linktype: lt.0 }),
    }
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

/// Where packets go.
enum Sink {
    Print(Formatter, io::BufWriter<io::Stdout>),
    File(Rotating),
}

impl Sink {
    fn new(opts: &Options, header: Header, stop: Stop) -> Result<Sink, CaptureError> {
        match &opts.write {
            None => Ok(Sink::Print(
                Formatter::new(opts.style),
                io::BufWriter::with_capacity(64 * 1024, io::stdout()),
            )),
            Some(path) => {
                if path == "-" && io::stdout().is_terminal() {
                    return Err(CaptureError::Terminal);
                }
                Ok(Sink::File(Rotating::create(
                    path,
                    opts.file_format,
                    header,
                    opts.rotation.clone(),
                    now_secs(),
                    stop,
                )?))
            }
        }
    }

    /// Handle one packet; `Ok(false)` means stop (`-G`/`-W` done).
    fn packet(
        &mut self,
        linktype: i32,
        h: &pcap::PacketHeader,
        data: &[u8],
    ) -> Result<bool, CaptureError> {
        let secs = h.ts.tv_sec;
        let usecs = u32::try_from(h.ts.tv_usec).unwrap_or(0);
        match self {
            Sink::Print(f, out) => {
                let s = decode::decode_with(linktype, data, h.len, f.style().verbose);
                let line = f.packet(secs, usecs, &s, data);
                writeln!(out, "{line}").map_err(CaptureError::Stdout)?;
                Ok(true)
            }
            Sink::File(w) => {
                let now = if w.rotates_on_time() { now_secs() } else { 0 };
                Ok(w.packet(now, secs, usecs, data, h.len)? == Next::Continue)
            }
        }
    }

    fn flush(&mut self) -> Result<(), CaptureError> {
        match self {
            Sink::Print(_, out) => out.flush().map_err(CaptureError::Stdout),
            Sink::File(w) => Ok(w.flush()?),
        }
    }

    /// tcpdump's notes on how the output ended: `-W` reached, or packets a reader that stopped
    /// reading never got.
    fn finish_note(&self, done: bool, files: Option<u32>) {
        let Sink::File(w) = self else { return };
        if done {
            if let Some(n) = files {
                eprintln!("Maximum file limit reached: {n}");
            }
        }
        if let Some(n) = w.abandoned() {
            let what = if w.path() == std::path::Path::new("-") {
                "standard output".to_string()
            } else {
                shown(w.path())
            };
            eprintln!(
                "stopped while {what} was not being read: its last {n} packets were not written"
            );
        }
    }
}

/// A status line on stderr while writing a file: updated in place on a terminal, silent otherwise.
struct Status {
    on: bool,
    last: Instant,
    bytes: u64,
}

impl Status {
    fn tick(&mut self, packets: u64, dropped: u64, force: bool) {
        if !self.on || (!force && self.last.elapsed() < Duration::from_millis(500)) {
            return;
        }
        self.last = Instant::now();
        eprint!(
            "\r\x1b[Kcaptured {packets} packets, {} KiB, {dropped} dropped by kernel",
            self.bytes / 1024
        );
    }

    fn end(&self) {
        if self.on {
            eprintln!();
        }
    }
}

/// libpcap's read timeout: with TPACKET_V3 the kernel hands a partly filled ring block over after
/// this long, so it bounds how late a packet reaches the file. tcpdump uses 1000 ms.
const RETIRE_TIMEOUT: Duration = Duration::from_millis(100);

/// A flag that SIGINT, SIGTERM and SIGHUP raise; a second signal ends the process at once (exit
/// 128+N, as the shell reports it), a last resort should anything block. The shutdown action is
/// registered before the flag (signal-hook runs them in order).
pub fn stop_on_signals() -> io::Result<Arc<AtomicBool>> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        signal_hook::flag::register_conditional_shutdown(sig, 128 + sig, Arc::clone(&stop))?;
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    Ok(stop)
}

/// Capture live until a signal, `-c`, `--duration` or an error; returns the statistics.
pub fn capture(opts: &Options) -> Result<Stats, CaptureError> {
    // Signals only raise a flag, from the start: a Ctrl-C while opening still ends cleanly, and
    // the writer gives up waiting for a FIFO's reader or a stalled pipe when it sees the flag.
    // A second signal ends toolbox at once (exit 128+N, as the shell reports it), a last resort
    // should anything else block. The shutdown action must be registered before the flag
    // (signal-hook runs them in order).
    let stop = stop_on_signals().map_err(CaptureError::Signals)?;
    let ctx = caps::Context::read();
    if let Err(e) = crate::sys::packet_socket_probe() {
        if let Some(d) = caps::denied(&ctx, Feature::Capture, None, "cannot capture packets", &e) {
            return Err(d.into());
        }
    }
    let open_err = |e: pcap::Error| {
        let mut msg = e.to_string();
        if msg.contains("No such device") {
            msg.push_str("; `toolbox capture -D` lists the interfaces");
        }
        CaptureError::Open {
            iface: opts.iface.clone(),
            msg,
        }
    };
    let mut inactive = Capture::from_device(opts.iface.as_str())
        .map_err(open_err)?
        .snaplen(opts.snaplen)
        .promisc(opts.promisc)
        // Not immediate mode, even when printing: libpcap then falls back to TPACKET_V2 with one
        // snaplen-sized frame per packet, about 8 frames in the default 2 MiB, and a burst of
        // ten packets is dropped. TPACKET_V3 blocks with a 100 ms timeout keep lines prompt.
        .timeout(RETIRE_TIMEOUT.as_millis() as i32);
    if let Some(b) = opts.buffer_bytes {
        inactive = inactive.buffer_size(b);
    }
    let mut cap = inactive.open().map_err(open_err)?;
    if let Some(name) = &opts.datalink {
        set_datalink(&mut cap, &opts.iface, name)?;
    } else if opts.iface == "any" {
        // tcpdump 4.99 picks Linux cooked v2 on `any`: it carries the interface and direction.
        if let Ok(list) = cap.list_datalinks() {
            if list.contains(&Linktype(decode::linktype::LINUX_SLL2)) {
                let _ = cap.set_datalink(Linktype(decode::linktype::LINUX_SLL2));
            }
        }
    }
    set_filter(&mut cap, &opts.filter)?;
    let linktype = cap.get_datalink();
    let mut cap = cap.setnonblock().map_err(open_err)?;
    let header = Header {
        linktype: file_linktype(opts, linktype)?,
        snaplen: u32::try_from(opts.snaplen).unwrap_or(262_144),
        ifname: Some(opts.iface.clone()),
    };
    let mut sink = Sink::new(opts, header, Some(Arc::clone(&stop)))?;
    // Only now, with the socket open and the file created: whoever waits for this line may send
    // traffic or a signal right away.
    eprintln!(
        "listening on {}, link-type {}, snapshot length {} bytes",
        crate::output::sanitize(&opts.iface),
        linktype_label(linktype),
        opts.snaplen
    );

    let started = Instant::now();
    let mut status = Status {
        on: opts.write.as_deref().is_some_and(|w| w != "-") && io::stderr().is_terminal(),
        last: Instant::now(),
        bytes: 0,
    };
    let mut captured = 0u64;
    let mut files_done = false;
    let mut failure: Option<CaptureError> = None;
    let lt = linktype.0;
    let iface = opts.iface.clone();
    // Once a signal or --duration ends the capture, keep draining for one block-retire interval:
    // packets that arrived before the end may sit in a ring block the kernel has not handed over yet.
    let mut ending: Option<Instant> = None;
    let past = |t: Option<Instant>| t.is_some_and(|t| Instant::now() >= t);
    'outer: loop {
        let out_of_time = opts.duration.is_some_and(|d| started.elapsed() >= d);
        if ending.is_none() && (stop.load(Ordering::SeqCst) || out_of_time) {
            ending = Some(Instant::now() + RETIRE_TIMEOUT + Duration::from_millis(50));
        }
        if past(ending) || opts.count.is_some_and(|c| captured >= c) {
            break;
        }
        let mut wait = RETIRE_TIMEOUT;
        if let Some(t) = ending {
            wait = wait.min(t.saturating_duration_since(Instant::now()));
        } else if let Some(d) = opts.duration {
            wait = wait.min(d.saturating_sub(started.elapsed()));
        }
        {
            let fd = cap.as_fd();
            let mut fds = [nix::poll::PollFd::new(fd, nix::poll::PollFlags::POLLIN)];
            let ms = u16::try_from(wait.as_millis()).unwrap_or(100).max(1);
            match nix::poll::poll(&mut fds, nix::poll::PollTimeout::from(ms)) {
                Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                Err(e) => {
                    failure = Some(CaptureError::Loop {
                        iface: iface.clone(),
                        msg: format!("poll: {e}"),
                    });
                    break;
                }
            }
        }
        // Drain what is ready, a batch at a time.
        loop {
            // pcap_dispatch takes an int; the pcap crate panics above c_int::MAX.
            let remaining = opts
                .count
                .map(|c| c.saturating_sub(captured).min(i32::MAX as u64) as usize);
            if remaining == Some(0) {
                break;
            }
            let mut done = false;
            let res = cap.dispatch(remaining, |p| {
                if done || failure.is_some() {
                    return;
                }
                status.bytes += u64::from(p.header.caplen);
                match sink.packet(lt, p.header, p.data) {
                    Ok(true) => captured += 1,
                    Ok(false) => done = true,
                    Err(e) => failure = Some(e),
                }
            });
            files_done |= done;
            if failure.is_some() || done {
                break 'outer;
            }
            match res {
                Ok(0) => break,
                Ok(_) => {
                    if let Err(e) = sink.flush() {
                        failure = Some(e);
                        break 'outer;
                    }
                    // Under a sustained flood the batches never run dry: look at the clock.
                    if past(ending) {
                        break 'outer;
                    }
                    if ending.is_none() && stop.load(Ordering::SeqCst) {
                        break;
                    }
                }
                Err(e) => {
                    failure = Some(CaptureError::Loop {
                        iface: iface.clone(),
                        msg: e.to_string(),
                    });
                    break 'outer;
                }
            }
        }
        if let Err(e) = sink.flush() {
            failure = Some(e);
            break;
        }
        if status.on {
            let dropped = cap.stats().map_or(0, |s| u64::from(s.dropped));
            status.tick(captured, dropped, false);
        }
    }
    let flushed = sink.flush();
    let stats = cap.stats().map_err(|e| CaptureError::Loop {
        iface: iface.clone(),
        msg: e.to_string(),
    });
    let stats = match stats {
        Ok(s) => Stats {
            captured,
            received: u64::from(s.received),
            dropped: u64::from(s.dropped),
        },
        Err(_) => Stats {
            captured,
            ..Stats::default()
        },
    };
    status.tick(captured, stats.dropped, true);
    status.end();
    sink.finish_note(files_done, opts.rotation.files);
    drop(sink);
    if let Some(e) = failure {
        eprint!("{}", stats.lines());
        return Err(e);
    }
    flushed?;
    Ok(stats)
}

/// Read a capture file and print or rewrite it; returns the number of packets.
pub fn read_file(opts: &Options, path: &std::path::Path) -> Result<u64, CaptureError> {
    let read_err = |e: pcap::Error| CaptureError::Read {
        path: path.to_path_buf(),
        msg: e.to_string(),
    };
    let mut cap = Capture::from_file(path).map_err(read_err)?;
    set_filter(&mut cap, &opts.filter)?;
    let linktype = cap.get_datalink();
    eprintln!(
        "reading from file {}, link-type {}",
        crate::output::sanitize(&path.display().to_string()),
        linktype_label(linktype)
    );
    // Like tcpdump's `-r IN -w OUT`: the output keeps the input's link type and snapshot length.
    let header = Header {
        linktype: file_linktype(opts, linktype)?,
        snaplen: crate::sys::capture::snapshot_len(&cap).unwrap_or(262_144),
        ifname: None,
    };
    let mut sink = Sink::new(opts, header, None)?;
    let mut n = 0u64;
    loop {
        if opts.count.is_some_and(|c| n >= c) {
            break;
        }
        match cap.next_packet() {
            Ok(p) => {
                if !sink.packet(linktype.0, p.header, p.data)? {
                    sink.finish_note(true, opts.rotation.files);
                    break;
                }
                n += 1;
            }
            Err(pcap::Error::NoMorePackets) => break,
            Err(e) => {
                sink.flush()?;
                return Err(CaptureError::Corrupt {
                    path: path.to_path_buf(),
                    packet: n + 1,
                    msg: e.to_string(),
                });
            }
        }
    }
    sink.flush()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_never_echo_escape_sequences() {
        let path = PathBuf::from("x\x1b[2J.pcap");
        let errors = [
            CaptureError::Open {
                iface: "lo\x1b[31m".into(),
                msg: "lo\x1b[31m: No such device".into(),
            },
            CaptureError::Read {
                path: path.clone(),
                msg: "x\x1b[2J.pcap: no".into(),
            },
            CaptureError::Corrupt {
                path: path.clone(),
                packet: 1,
                msg: String::new(),
            },
            CaptureError::Write(WriteError::Create {
                path,
                source: io::Error::from_raw_os_error(libc::ENOENT),
            }),
        ];
        for e in errors {
            assert!(!e.to_string().contains('\x1b'), "{e}");
        }
    }

    #[test]
    fn filter_hint_points_after_longest_valid_prefix() {
        let valid = |f: &str| f == "port 80" || f == "port";
        let h = filter_hint(valid, "port 80 and hst 1.2.3.4");
        assert!(h.contains("`port 80` is a valid filter"), "{h}");
        assert!(h.contains("`and hst 1.2.3.4`"), "{h}");
    }
}
