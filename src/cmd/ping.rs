//! `toolbox ping HOST`: ICMP echo from the target's network namespace, printing iputils ping's
//! lines and summary (and its exit codes: 0 some reply, 1 none, 2 other errors).

use std::collections::HashSet;
use std::io::Write;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use serde::Serialize;

use super::Global;
use crate::net::lookup::{host_addrs, Family};
use crate::net::ping::{format_rtt, linger, Event, PingError, Pinger, Rtt, SocketKind, Stats};
use crate::output::{sanitize, Format};

/// Arguments of `toolbox ping` (iputils ping's letters).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  toolbox ping -c 3 10.96.0.10\n  toolbox ping -6 -c 1 ::1\n  toolbox ping -c 5 -q web -o json"
)]
pub struct PingArgs {
    /// The host: a name (the target's /etc/hosts, then DNS) or an address.
    #[arg(value_name = "HOST")]
    pub dest: String,
    /// Stop after sending COUNT requests (and waiting for their replies).
    #[arg(short = 'c', value_name = "COUNT")]
    pub count: Option<u32>,
    /// Seconds between requests.
    #[arg(short = 'i', value_name = "SECS", default_value_t = 1.0, value_parser = super::positive_secs)]
    pub interval: f64,
    /// Seconds to wait for a reply after the last request (default 10).
    #[arg(short = 'W', value_name = "SECS", value_parser = super::positive_secs)]
    pub wait: Option<f64>,
    /// Data bytes per request (the ICMP packet is 8 more).
    #[arg(short = 's', value_name = "SIZE", default_value_t = 56, value_parser = clap::value_parser!(u16).range(0..=65500))]
    pub size: u16,
    /// IPv4 only.
    #[arg(short = '4', conflicts_with = "v6")]
    pub v4: bool,
    /// IPv6 only.
    #[arg(short = '6')]
    pub v6: bool,
    /// Only the summary.
    #[arg(short = 'q')]
    pub quiet: bool,
    /// Addresses only in reply lines (without it, a host given by name is shown as
    /// `NAME (ADDR)`, as ping shows the name it resolves back).
    #[arg(short = 'n')]
    pub numeric: bool,
    /// `table` (ping's lines) or `json` (the summary and every reply as one document).
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
    pub output: Format,
}

/// `-o json`.
#[derive(Serialize)]
struct Summary<'a> {
    host: &'a str,
    address: IpAddr,
    socket: SocketKind,
    #[serde(flatten)]
    stats: &'a Stats,
    loss_percent: f64,
    rtt: Option<Rtt>,
    events: &'a [Event],
}

/// `printf("%g")` of a percentage: six significant digits, trailing zeros dropped.
pub fn percent_g(v: f64) -> String {
    let digits = if v >= 1.0 {
        v.log10().floor() as i32 + 1
    } else {
        1
    };
    let decimals = (6 - digits).max(0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The statistics block ping prints at the end.
pub fn summary_text(host: &str, stats: &Stats) -> String {
    let mut s = format!(
        "\n--- {host} ping statistics ---\n{} packets transmitted, {} received, ",
        stats.transmitted, stats.received
    );
    if stats.duplicates > 0 {
        s.push_str(&format!("+{} duplicates, ", stats.duplicates));
    }
    if stats.errors > 0 {
        s.push_str(&format!("+{} errors, ", stats.errors));
    }
    s.push_str(&format!(
        "{}% packet loss, time {}ms\n",
        percent_g(stats.loss_percent()),
        stats.time_ms
    ));
    let mut tail = Vec::new();
    if let Some(r) = stats.rtt() {
        tail.push(format!(
            "rtt min/avg/max/mdev = {:.3}/{:.3}/{:.3}/{:.3} ms",
            r.min, r.avg, r.max, r.mdev
        ));
    }
    if stats.pipe > 1 {
        tail.push(format!("pipe {}", stats.pipe));
    }
    s.push_str(&tail.join(", "));
    s.push('\n');
    s
}

/// Run `toolbox ping`; returns ping's exit code.
pub fn run(global: &Global, args: PingArgs) -> anyhow::Result<i32> {
    let family = match (args.v4, args.v6) {
        (true, _) => Family::V4,
        (_, true) => Family::V6,
        _ => Family::Any,
    };
    // The root first (it may need the target chosen), then the namespace, then the lookup
    // (its DNS queries leave from the target's namespace) and sockets. An address needs no
    // root (nor the access to it).
    let host = sanitize(&args.dest);
    let literal = args.dest.parse::<IpAddr>().ok();
    let root = match literal {
        Some(_) => None,
        None => Some(super::fs_root(global)?),
    };
    super::capture::enter_target_net(global, "ping")?;
    let found = match (literal, &root) {
        (Some(a), _) => Ok(vec![a]),
        (None, Some(root)) => host_addrs(root, &args.dest, family),
        (None, None) => Ok(Vec::new()),
    };
    let dest = match found {
        Ok(a) => match a.first() {
            Some(a) => *a,
            None => {
                eprintln!("toolbox ping: {host}: no address");
                return Ok(2);
            }
        },
        Err(e) => {
            eprintln!("toolbox ping: {}", sanitize(&e.to_string()));
            return Ok(2);
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    let size = usize::from(args.size);
    let mut pinger = match Pinger::open(dest, size) {
        Ok(p) => p,
        Err(e) => {
            let who = if matches!(e, PingError::Connect(_)) {
                "ping"
            } else {
                "toolbox ping"
            };
            eprintln!("{who}: {e}");
            return Ok(2);
        }
    };
    let json = args.output == Format::Json;
    let lines = !json && !args.quiet;
    // ping resolves a reply's address back to a name; the name given for it is that name.
    let by_name = !args.numeric && args.dest.parse::<IpAddr>().is_err();
    let shown = |a: &IpAddr| {
        if by_name && *a == dest {
            format!("{host} ({a})")
        } else {
            a.to_string()
        }
    };
    let mut out = std::io::stdout().lock();
    if !json {
        if dest.is_ipv4() {
            writeln!(
                out,
                "PING {host} ({dest}) {size}({}) bytes of data.",
                size + 28
            )?;
        } else {
            writeln!(out, "PING {host}({dest}) {size} data bytes")?;
        }
    }

    let interval = Duration::from_secs_f64(args.interval);
    let linger = linger(args.wait.map(Duration::from_secs_f64));
    let mut stats = Stats::default();
    let mut events: Vec<Event> = Vec::new();
    let mut answered: HashSet<u16> = HashSet::new();
    let start = Instant::now();
    let mut next_send = start;
    let mut last_send = start;
    let mut seq: u16 = 0;
    let mut failed = false;
    while !stop.load(Ordering::Relaxed) {
        let sending = args.count.is_none_or(|c| stats.transmitted < c);
        let now = Instant::now();
        if !sending && (answered.len() as u32 >= stats.transmitted || now >= last_send + linger) {
            break;
        }
        if sending && now >= next_send {
            seq = seq.wrapping_add(1);
            last_send = now;
            stats.transmitted += 1;
            stats.time_ms = now.duration_since(start).as_millis() as u64;
            next_send += interval;
            match pinger.send(seq) {
                Ok(()) => {}
                Err(e) => {
                    // ping reports a failed send and goes on (the route may come back).
                    eprintln!("ping: {e}");
                    failed = true;
                    answered.insert(seq);
                }
            }
            continue;
        }
        let deadline = if sending {
            next_send
        } else {
            last_send + linger
        };
        let Some(ev) = pinger.wait(deadline, &stop)? else {
            continue;
        };
        // Requests sent up to and including the one answered now: ping's "pipe" (which counts
        // ICMPv6 errors not at all, observed with iputils 20221126).
        let ev_seq = match &ev {
            Event::Reply { seq, .. } => Some(*seq),
            Event::Error { seq, .. } => dest.is_ipv4().then_some(*seq),
        };
        if let Some(s) = ev_seq {
            stats.note_outstanding(u32::from(seq.wrapping_sub(s)) + 1);
        }
        match &ev {
            Event::Reply {
                seq,
                bytes,
                from,
                ttl,
                rtt_ms,
                duplicate,
            } => {
                if *duplicate {
                    stats.duplicates += 1;
                } else {
                    stats.received += 1;
                    stats.rtts.push(*rtt_ms);
                    answered.insert(*seq);
                }
                if lines {
                    let ttl = ttl.map_or(String::new(), |t| format!(" ttl={t}"));
                    let dup = if *duplicate { " (DUP!)" } else { "" };
                    writeln!(
                        out,
                        "{bytes} bytes from {}: icmp_seq={seq}{ttl} time={} ms{dup}",
                        shown(from),
                        format_rtt(*rtt_ms)
                    )?;
                }
            }
            Event::Error { seq, from, text } => {
                stats.errors += 1;
                answered.insert(*seq);
                if lines {
                    let from = from.unwrap_or(dest);
                    writeln!(out, "From {from} icmp_seq={seq} {text}")?;
                }
            }
        }
        events.push(ev);
    }
    if json {
        let s = Summary {
            host: &args.dest,
            address: dest,
            socket: pinger.kind,
            stats: &stats,
            loss_percent: stats.loss_percent(),
            rtt: stats.rtt(),
            events: &events,
        };
        drop(out);
        crate::output::print_json(&s)?;
    } else {
        out.write_all(summary_text(&host, &stats).as_bytes())?;
        out.flush()?;
    }
    Ok(if stats.received > 0 {
        0
    } else if failed && stats.errors == 0 {
        2
    } else {
        1
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loss_is_printed_like_printf_g() {
        assert_eq!(percent_g(0.0), "0");
        assert_eq!(percent_g(100.0), "100");
        assert_eq!(percent_g(100.0 / 3.0), "33.3333");
        assert_eq!(percent_g(200.0 / 3.0), "66.6667");
        assert_eq!(percent_g(50.0), "50");
    }

    #[test]
    fn statistics_block_shapes() {
        let s = Stats {
            transmitted: 2,
            received: 2,
            time_ms: 202,
            pipe: 1,
            rtts: vec![0.022, 0.038],
            ..Stats::default()
        };
        assert_eq!(
            summary_text("127.0.0.1", &s),
            "\n--- 127.0.0.1 ping statistics ---\n2 packets transmitted, 2 received, 0% packet loss, time 202ms\nrtt min/avg/max/mdev = 0.022/0.030/0.038/0.008 ms\n"
        );
        let s = Stats {
            transmitted: 3,
            errors: 3,
            time_ms: 641,
            pipe: 3,
            ..Stats::default()
        };
        assert_eq!(
            summary_text("10.98.0.9", &s),
            "\n--- 10.98.0.9 ping statistics ---\n3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 641ms\npipe 3\n"
        );
        let s = Stats {
            transmitted: 2,
            time_ms: 205,
            ..Stats::default()
        };
        assert!(summary_text("x", &s).ends_with("time 205ms\n\n"));
    }
}
