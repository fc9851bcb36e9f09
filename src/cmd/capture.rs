//! `toolbox capture`: tcpdump's flags and filter language on the statically linked libpcap.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::Global;
use crate::capture::print::{Dump, Style};
use crate::capture::writer::{FileFormat, Rotation};
use crate::capture::{self, Options};
use crate::target::netns::{self, NetNs, NetNsError};
use crate::target::{Scan, Selector};

/// Arguments of `toolbox capture` (tcpdump's meanings).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  toolbox capture -i any -e port 80\n  toolbox capture -i eth0 -w /tmp/capture.pcap\n  kubectl exec POD -c DEBUG -- toolbox capture -w - | wireshark -k -i -"
)]
pub struct CaptureArgs {
    /// Interface to capture on (`any`: all of them, with interface and direction per packet).
    #[arg(
        short = 'i',
        long = "interface",
        value_name = "IFACE",
        default_value = "any"
    )]
    pub interface: String,
    /// List the interfaces with their flags and addresses, and exit.
    #[arg(short = 'D', long = "list-interfaces")]
    pub list: bool,
    /// Bytes to keep of each packet (0: the default, 262144, as in tcpdump).
    #[arg(short = 's', long = "snapshot-length", value_name = "SNAPLEN", default_value_t = 262_144,
          value_parser = clap::value_parser!(i32).range(0..=262_144))]
    pub snaplen: i32,
    /// Stop after COUNT packets.
    #[arg(short = 'c', value_name = "COUNT", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
    /// Stop after SECS seconds.
    #[arg(long, value_name = "SECS")]
    pub duration: Option<f64>,
    /// Do not put the interface into promiscuous mode.
    #[arg(short = 'p', long = "no-promiscuous-mode")]
    pub no_promisc: bool,
    /// Kernel buffer size in KiB.
    #[arg(short = 'B', long = "buffer-size", value_name = "KiB",
          value_parser = clap::value_parser!(i32).range(1..=2_097_151))]
    pub buffer_kib: Option<i32>,
    /// Write packets to FILE (`-` for standard output, refused on a terminal) instead of printing.
    #[arg(short = 'w', value_name = "FILE")]
    pub write: Option<String>,
    /// Write pcapng instead of pcap.
    #[arg(long, requires = "write")]
    pub pcapng: bool,
    /// Start a new file when the current one exceeds SIZE millions of bytes (suffix k, m, g for
    /// KiB, MiB, GiB): FILE, FILE1, FILE2...
    #[arg(short = 'C', value_name = "SIZE", requires = "write", value_parser = parse_size)]
    pub file_size: Option<u64>,
    /// With -C: keep a ring of N files (FILE0..FILEN-1); with -G alone: stop after N files.
    #[arg(short = 'W', value_name = "N", requires = "write",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub file_count: Option<u32>,
    /// Start a new file on the first packet SECS seconds or more (wall clock) after the current
    /// one was opened, as tcpdump does; FILE may contain strftime(3) conversions.
    #[arg(short = 'G', value_name = "SECS", requires = "write",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub rotate_secs: Option<u64>,
    /// Read packets from FILE (pcap or pcapng; `-` for standard input) instead of capturing.
    #[arg(short = 'r', value_name = "FILE", conflicts_with_all = ["list", "duration"])]
    pub read: Option<PathBuf>,
    /// Link-layer header type by its libpcap name, like tcpdump's -y (e.g. `LINUX_SLL` on `-i any`
    /// for the Linux cooked v1 header older Wireshark reads; `LINUX_SLL2` is the default there).
    #[arg(
        short = 'y',
        long = "linktype",
        value_name = "TYPE",
        conflicts_with = "link_kind"
    )]
    pub datalink: Option<String>,
    /// Shorthand for -y: `sll` (Linux cooked v1, LINUX_SLL) or `sll2` (v2, the default on `any`).
    #[arg(long = "link", value_name = "KIND", value_enum)]
    pub link_kind: Option<LinkKind>,
    /// End the capture as SIGTERM would once standard input reaches its end (`kubectl toolbox
    /// capture` holds each `kubectl exec -i`'s input open and closes it to stop that pod's capture:
    /// a capture whose reader went away otherwise lives on until its next packet fails to write).
    #[arg(long, hide = true)]
    pub stop_on_stdin_eof: bool,
    /// Print the link-level header on each line.
    #[arg(short = 'e')]
    pub link: bool,
    /// More detail: the IP header and the TCP checksum (-vv: TCP seq on every segment).
    #[arg(short = 'v', action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Absolute TCP sequence numbers.
    #[arg(short = 'S', long = "absolute-tcp-sequence-numbers")]
    pub absolute: bool,
    /// Print each packet's bytes in hex after its line (-xx: from the link header on).
    #[arg(short = 'x', action = clap::ArgAction::Count)]
    pub hex: u8,
    /// Print each packet's bytes in hex and ASCII after its line (-XX: from the link header on).
    #[arg(short = 'X', action = clap::ArgAction::Count)]
    pub hex_ascii: u8,
    /// Print each packet's bytes in ASCII after its line (-AA: from the link header on).
    #[arg(short = 'A', action = clap::ArgAction::Count)]
    pub ascii: u8,
    /// Accepted for tcpdump compatibility: addresses and ports are always printed as numbers.
    #[arg(short = 'n', action = clap::ArgAction::Count)]
    pub numeric: u8,
    /// Filter expression in tcpdump's (pcap-filter(7)) syntax, e.g. `port 80 and host 10.0.0.1`.
    #[arg(
        value_name = "FILTER",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub filter: Vec<String>,
}

/// `--link`: which Linux cooked header `-i any` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LinkKind {
    /// Linux cooked v1 (LINKTYPE_LINUX_SLL, 113): readable by older Wireshark (ksniff#100).
    Sll,
    /// Linux cooked v2 (LINKTYPE_LINUX_SLL2, 276): adds the interface index.
    Sll2,
}

fn parse_size(s: &str) -> Result<u64, String> {
    let (num, unit) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&s[..i], Some(c.to_ascii_lowercase())),
        _ => (s, None),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size (a number, optionally with k, m or g)"))?;
    let mult = match unit {
        None => 1_000_000,
        Some('k') => 1024,
        Some('m') => 1024 * 1024,
        Some('g') => 1024 * 1024 * 1024,
        Some(_) => return Err(format!("`{s}`: the unit must be k, m or g")),
    };
    if n == 0 {
        return Err("the size must be at least 1".into());
    }
    n.checked_mul(mult)
        .ok_or_else(|| format!("`{s}` is too large"))
}

impl CaptureArgs {
    fn options(&self) -> anyhow::Result<Options> {
        let duration = match self.duration {
            Some(d) if !(d.is_finite() && d > 0.0 && d < 1e9) => {
                anyhow::bail!("--duration must be a positive number of seconds")
            }
            Some(d) => Some(Duration::from_secs_f64(d)),
            None => None,
        };
        Ok(Options {
            iface: self.interface.clone(),
            filter: self.filter.join(" "),
            snaplen: if self.snaplen == 0 {
                262_144
            } else {
                self.snaplen
            },
            count: self.count,
            duration,
            promisc: !self.no_promisc,
            buffer_bytes: self.buffer_kib.map(|k| k.saturating_mul(1024)),
            datalink: match (self.link_kind, &self.datalink) {
                (Some(LinkKind::Sll), _) => Some("LINUX_SLL".to_string()),
                (Some(LinkKind::Sll2), _) => Some("LINUX_SLL2".to_string()),
                (None, d) => d.clone(),
            },
            write: self.write.clone(),
            file_format: if self.pcapng {
                FileFormat::Pcapng
            } else {
                FileFormat::Pcap
            },
            rotation: Rotation {
                max_bytes: self.file_size,
                files: self.file_count,
                every_secs: self.rotate_secs,
            },
            read: self.read.clone(),
            style: Style {
                link: self.link,
                verbose: self.verbose,
                absolute_seq: self.absolute,
                // tcpdump's precedence: -X over -x over -A.
                dump: match (self.hex_ascii, self.hex, self.ascii) {
                    (1.., _, _) => Dump::HexAscii,
                    (0, 1.., _) => Dump::Hex,
                    (0, 0, 1..) => Dump::Ascii,
                    _ => Dump::None,
                },
                dump_link: self.hex_ascii > 1
                    || (self.hex_ascii == 0 && self.hex > 1)
                    || (self.hex_ascii == 0 && self.hex == 0 && self.ascii > 1),
            },
        })
    }
}

/// Move into the target's network namespace before libpcap opens anything (see
/// [`netns::enter`]). With `--pid`/`--target` the target must be found and entered (exit 2
/// when none is chosen, a named capability when it cannot be entered). Without them, the
/// discovered target's namespace is used; when no target is chosen (several containers, node
/// mode) or toolbox may not even look at the target's namespace (no CAP_SYS_PTRACE, as under
/// `--profile=netadmin`, where the namespace is shared anyway), toolbox captures in its own
/// and says so.
pub(crate) fn enter_target_net(global: &Global, who: &str) -> anyhow::Result<()> {
    let sel = global.selector();
    let auto = sel == Selector::Auto;
    let pid = match sel {
        // A live process given with --pid needs no scan of /proc; the scan is only for the
        // message (and candidates) when it is missing, a kernel thread or a zombie.
        Selector::Pid(pid)
            if std::path::Path::new(&format!("/proc/{pid}/stat")).exists()
                && crate::target::PidKind::read(pid) == crate::target::PidKind::Process =>
        {
            pid
        }
        _ => match Scan::new()?.choose(&sel) {
            Ok(c) => c.pid,
            Err(e) if auto => {
                eprintln!("toolbox {who}: no target chosen, so working in toolbox's own network namespace: {e}");
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        },
    };
    match netns::enter(pid) {
        Ok(NetNs::Shared) => Ok(()),
        Ok(NetNs::Entered { pid, sysfs }) => {
            let note = if sysfs {
                ""
            } else {
                " (/sys still describes toolbox's own: interface statistics may not be the target's)"
            };
            eprintln!("toolbox {who}: in the network namespace of PID {pid}{note}");
            Ok(())
        }
        Err(NetNsError::Denied(d)) if auto && !matches!(netns::shared(pid), Ok(false)) => {
            eprintln!("toolbox {who}: working in toolbox's own network namespace; whether it is the target's is unknown: {d}");
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// Run `toolbox capture`.
pub fn run(global: &Global, args: CaptureArgs) -> anyhow::Result<i32> {
    if args.read.is_none() {
        enter_target_net(global, "capture")?;
    }
    if args.list {
        let mut out = std::io::stdout().lock();
        for line in capture::list_interfaces()? {
            std::io::Write::write_all(&mut out, format!("{line}\n").as_bytes())?;
        }
        return Ok(0);
    }
    if args.stop_on_stdin_eof {
        stop_on_stdin_eof()?;
    }
    let opts = args.options()?;
    // Refuse before anything is opened: a pcap stream on a TTY is garbage (DESIGN.md, scenario 4).
    if opts.write.as_deref() == Some("-") && crate::output::stdout_is_terminal() {
        return Err(capture::CaptureError::Terminal.into());
    }
    if let (Some(w), Some(_)) = (
        &opts.write,
        opts.rotation.max_bytes.or(opts.rotation.every_secs),
    ) {
        if w == "-" {
            anyhow::bail!("-C and -G rotate files; they cannot be used with -w -");
        }
    }
    if let Some(path) = &opts.read {
        capture::read_file(&opts, path)?;
        return Ok(0);
    }
    let stats = capture::capture(&opts)?;
    eprint!("{}", stats.lines());
    Ok(0)
}

/// Read standard input to its end in a thread, then send this process SIGTERM (which the
/// capture turns into a clean stop, file finished).
fn stop_on_stdin_eof() -> anyhow::Result<()> {
    std::thread::Builder::new()
        .name("stdin-eof".into())
        .spawn(|| {
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
            let _ =
                nix::sys::signal::kill(nix::unistd::getpid(), nix::sys::signal::Signal::SIGTERM);
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_use_tcpdump_units() {
        assert_eq!(parse_size("2"), Ok(2_000_000));
        assert_eq!(parse_size("10k"), Ok(10_240));
        assert_eq!(parse_size("1M"), Ok(1_048_576));
        assert!(parse_size("x").is_err());
        assert!(parse_size("0").is_err());
    }
}
