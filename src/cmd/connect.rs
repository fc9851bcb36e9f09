//! `toolbox connect HOST:PORT`: TCP connects (or UDP probes with `-u`) from the target's network
//! namespace, one line per attempt with its result and time, like `nc -zv`. Exit 0 when an
//! attempt connected (UDP: was not refused), 1 otherwise.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;
use serde::Serialize;

use super::Global;
use crate::net::connect::{self, Attempt, Proto};
use crate::net::lookup::{host_addrs, Family};
use crate::output::{sanitize, Format};

/// Arguments of `toolbox connect`.
#[derive(Debug, Args)]
#[command(
    after_help = "Results: connected, refused (ECONNREFUSED), timeout (no answer in -w), no route\n(EHOSTUNREACH/ENETUNREACH), or the errno's name; with -u: open (a reply), open|filtered\n(no reply, no ICMP error), refused (ICMP port unreachable).\n\nExamples:\n  toolbox connect web:80\n  toolbox connect -c 5 10.96.0.20:443\n  toolbox connect -u 10.96.0.10:53\n  toolbox connect '[::1]:80' -o json"
)]
pub struct ConnectArgs {
    /// HOST:PORT or [IPv6]:PORT; HOST is a name (the target's /etc/hosts, then DNS) or an address.
    #[arg(value_name = "HOST:PORT")]
    pub addr: String,
    /// UDP: send a datagram and wait for a reply or an ICMP port unreachable.
    #[arg(short = 'u', long)]
    pub udp: bool,
    /// Attempts to make.
    #[arg(short = 'c', long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub count: u32,
    /// Seconds to wait for an answer per attempt.
    #[arg(short = 'w', long, value_name = "SECS", default_value_t = 5.0, value_parser = super::positive_secs)]
    pub wait: f64,
    /// Seconds between attempts.
    #[arg(short = 'i', long, value_name = "SECS", default_value_t = 1.0, value_parser = super::positive_secs)]
    pub interval: f64,
    /// IPv4 only.
    #[arg(short = '4', conflicts_with = "v6")]
    pub v4: bool,
    /// IPv6 only.
    #[arg(short = '6')]
    pub v6: bool,
    /// `table` (one line per attempt) or `json`.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
    pub output: Format,
}

/// One attempt as a line: `127.0.0.1:80 tcp refused (ECONNREFUSED) time=0.052 ms`.
pub fn line(a: &Attempt) -> String {
    let errno = match (&a.result, &a.errno) {
        (connect::Outcome::Other, Some(n)) => {
            format!(" {n}: {}", a.message.as_deref().unwrap_or(""))
        }
        (_, Some(n)) => format!(" ({n})"),
        _ => String::new(),
    };
    format!(
        "{} {} {}{errno} time={:.3} ms",
        a.addr,
        a.proto.name(),
        a.result.word(),
        a.time_ms
    )
}

#[derive(Serialize)]
struct Report<'a> {
    host: &'a str,
    port: u16,
    attempts: &'a [Attempt],
    succeeded: usize,
}

/// Run `toolbox connect`.
pub fn run(global: &Global, args: ConnectArgs) -> anyhow::Result<i32> {
    let (host, port) = connect::parse_target(&args.addr)?;
    let family = match (args.v4, args.v6) {
        (true, _) => Family::V4,
        (_, true) => Family::V6,
        _ => Family::Any,
    };
    // The root first (it may need the target chosen), then the namespace, then the lookup
    // (its DNS queries leave from the target's namespace) and sockets. An address needs no
    // root (nor the access to it).
    let literal = host.parse::<std::net::IpAddr>().ok();
    let root = match literal {
        Some(_) => None,
        None => Some(super::fs_root(global)?),
    };
    super::capture::enter_target_net(global, "connect")?;
    let addrs = match (literal, &root) {
        (Some(a), _) => vec![a],
        (None, Some(root)) => host_addrs(root, &host, family)?,
        (None, None) => Vec::new(),
    };
    let proto = if args.udp { Proto::Udp } else { Proto::Tcp };
    let wait = Duration::from_secs_f64(args.wait);
    let json = args.output == Format::Json;
    let mut out = std::io::stdout().lock();
    let mut attempts = Vec::new();
    for n in 0..args.count {
        if n > 0 {
            std::thread::sleep(Duration::from_secs_f64(args.interval));
        }
        // Each address in the order the lookup gave them, until one answers (as nc does).
        for ip in &addrs {
            let addr = SocketAddr::new(*ip, port);
            let a = match proto {
                Proto::Tcp => connect::tcp(addr, wait),
                Proto::Udp => connect::udp(addr, wait),
            };
            if !json {
                writeln!(out, "{}", line(&a))?;
            }
            let ok = a.result.success();
            attempts.push(a);
            if ok {
                break;
            }
        }
    }
    let succeeded = attempts.iter().filter(|a| a.result.success()).count();
    if json {
        drop(out);
        crate::output::print_json(&Report {
            host: &host,
            port,
            attempts: &attempts,
            succeeded,
        })?;
    } else if args.count > 1 {
        let times: Vec<f64> = attempts
            .iter()
            .filter(|a| a.result.success())
            .map(|a| a.time_ms)
            .collect();
        write!(
            out,
            "\n--- {}:{port} connect statistics ---\n{} attempts, {succeeded} succeeded",
            sanitize(&host),
            attempts.len()
        )?;
        if let (Some(min), Some(max)) = (
            times.iter().copied().reduce(f64::min),
            times.iter().copied().reduce(f64::max),
        ) {
            let avg = times.iter().sum::<f64>() / times.len() as f64;
            write!(out, ", time min/avg/max = {min:.3}/{avg:.3}/{max:.3} ms")?;
        }
        writeln!(out)?;
    }
    Ok(if succeeded > 0 { 0 } else { 1 })
}
