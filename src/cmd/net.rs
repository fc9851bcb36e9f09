//! `toolbox net`: the pod's network on one screen (interfaces, routes, sockets with owners, TCP
//! state counts, the target's resolv.conf), and the views `net sockets|routes|ifaces`.

use std::collections::HashMap;
use std::io::{Read, Write};

use clap::{Args, Subcommand};
use serde::Serialize;

use super::Global;
use crate::net::links::{self, Iface, Route};
use crate::net::owners;
use crate::net::resolv::ResolvConf;
use crate::net::sockets::{self, Kinds, Socket, STATES};
use crate::output::Format;

/// Arguments of `toolbox net`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  toolbox net\n  toolbox net sockets -l\n  toolbox net sockets -t --state close-wait -i\n  toolbox net routes -o json"
)]
pub struct NetArgs {
    /// `table` or `json`.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table, global = true)]
    pub output: Format,
    /// A single view; with none, everything on one screen.
    #[command(subcommand)]
    pub view: Option<View>,
}

/// The views of `toolbox net`.
#[derive(Debug, Subcommand)]
pub enum View {
    /// Sockets like `ss -tuna` (default: TCP and UDP); `-p` adds the owning processes.
    Sockets(SocketsArgs),
    /// The main routing table, IPv4 and IPv6, like `ip route` and `ip -6 route`.
    Routes,
    /// Interfaces with addresses, MTU, state and counters, like `ip -s addr`.
    Ifaces,
}

/// Arguments of `toolbox net sockets` (ss's letters).
#[derive(Debug, Args, Default)]
pub struct SocketsArgs {
    /// Listening sockets only (and unconnected UDP).
    #[arg(short = 'l', long)]
    pub listening: bool,
    /// TCP.
    #[arg(short = 't', long)]
    pub tcp: bool,
    /// UDP.
    #[arg(short = 'u', long)]
    pub udp: bool,
    /// Unix sockets.
    #[arg(short = 'x', long)]
    pub unix: bool,
    /// Only sockets in this state (ss's names: established, listen, time-wait, close-wait…);
    /// repeatable.
    #[arg(long, value_name = "STATE", value_parser = parse_state)]
    pub state: Vec<&'static str>,
    /// TCP internals as `ss -i`: congestion algorithm, rtt/rttvar, rto, mss, cwnd, retransmits.
    #[arg(short = 'i', long)]
    pub info: bool,
    /// The owning processes and their containers, as `ss -p`. Like ss this reads every
    /// descriptor of every process in the namespace, which costs more than listing the sockets.
    #[arg(short = 'p', long)]
    pub processes: bool,
}

fn parse_state(s: &str) -> Result<&'static str, String> {
    let up = s.to_ascii_uppercase().replace('_', "-");
    let up = match up.as_str() {
        "ESTABLISHED" => "ESTAB".to_string(),
        "SYN-RECEIVED" => "SYN-RECV".to_string(),
        "CLOSE" | "CLOSED" => "UNCONN".to_string(),
        _ => up,
    };
    STATES
        .iter()
        .find(|k| **k == up)
        .copied()
        .ok_or_else(|| format!("`{s}` is not a socket state; one of {}", STATES.join(", ")))
}

impl SocketsArgs {
    fn kinds(&self) -> Kinds {
        let none = !(self.tcp || self.udp || self.unix);
        Kinds {
            tcp: self.tcp || none,
            udp: self.udp || none,
            unix: self.unix,
            info: self.info,
        }
    }

    fn keep(&self, s: &Socket) -> bool {
        if self.listening && !matches!(s.state, "LISTEN" | "UNCONN") {
            return false;
        }
        self.state.is_empty() || self.state.contains(&s.state)
    }
}

/// The one-screen summary as JSON.
#[derive(Serialize)]
struct Overview<'a> {
    ifaces: &'a [Iface],
    routes: &'a [Route],
    sockets: &'a [Socket],
    tcp_states: HashMap<&'static str, usize>,
    dns: Option<Dns>,
}

/// The target's resolv.conf, or why it could not be read.
#[derive(Serialize)]
struct Dns {
    path: &'static str,
    #[serde(flatten)]
    conf: Option<ResolvConf>,
    error: Option<String>,
}

/// Run `toolbox net`.
pub fn run(global: &Global, args: NetArgs) -> anyhow::Result<i32> {
    // The root first (it may need the target chosen), then the namespace, then netlink sockets.
    let dns = match args.view {
        None => Some(read_dns(global)),
        Some(_) => None,
    };
    super::capture::enter_target_net(global, "net")?;
    // Interface names for sockets bound to a device: listed only if one is.
    let lazy_names = std::cell::OnceCell::new();
    let name_of = |index: u32| {
        lazy_names
            .get_or_init(|| {
                links::ifaces()
                    .map(|f| links::names(&f))
                    .unwrap_or_default()
            })
            .get(&index)
            .cloned()
    };
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let json = args.output == Format::Json;
    match args.view {
        Some(View::Ifaces) => {
            let ifaces = links::ifaces()?;
            if json {
                write_json(&mut out, &ifaces)?;
            } else {
                write_ifaces(&mut out, &ifaces)?;
            }
        }
        Some(View::Routes) => {
            let routes = links::routes(&links::names(&links::ifaces()?))?;
            if json {
                write_json(&mut out, &routes)?;
            } else {
                write_routes(&mut out, &routes)?;
            }
        }
        Some(View::Sockets(s)) => {
            let socks = read_sockets(&s, &name_of, s.processes)?;
            if json {
                write_json(&mut out, &socks)?;
            } else {
                write_sockets(&mut out, &socks, s.info, s.processes)?;
            }
        }
        None => {
            let ifaces = links::ifaces()?;
            let names = links::names(&ifaces);
            let routes = links::routes(&names)?;
            let socks = read_sockets(&SocketsArgs::default(), &|i| names.get(&i).cloned(), true)?;
            let tcp_states: HashMap<&'static str, usize> =
                sockets::count_states(&socks, "tcp").into_iter().collect();
            if json {
                let o = Overview {
                    ifaces: &ifaces,
                    routes: &routes,
                    sockets: &socks,
                    tcp_states,
                    dns,
                };
                write_json(&mut out, &o)?;
            } else {
                writeln!(out, "Interfaces")?;
                write_ifaces(&mut out, &ifaces)?;
                writeln!(out, "\nRoutes")?;
                write_routes(&mut out, &routes)?;
                writeln!(out, "\nSockets (TCP and UDP; `net sockets -x` for unix)")?;
                write_sockets(&mut out, &socks, false, true)?;
                writeln!(out, "\nTCP states")?;
                write_states(&mut out, &socks)?;
                if let Some(d) = dns {
                    writeln!(out, "\nDNS ({} of the target)", d.path)?;
                    write_dns(&mut out, &d)?;
                }
            }
        }
    }
    out.flush()?;
    Ok(0)
}

fn read_dns(global: &Global) -> Dns {
    const PATH: &str = "/etc/resolv.conf";
    let res = (|| -> anyhow::Result<ResolvConf> {
        let root = super::fs_root(global)?;
        let (file, _) = root.open_read(PATH.as_bytes(), false)?;
        let mut text = String::new();
        file.take(64 * 1024).read_to_string(&mut text)?;
        Ok(ResolvConf::parse(&text))
    })();
    match res {
        Ok(conf) => Dns {
            path: PATH,
            conf: Some(conf),
            error: None,
        },
        Err(e) => Dns {
            path: PATH,
            conf: None,
            error: Some(format!("{e:#}")),
        },
    }
}

/// The sockets `s` asks for, with their owners when `with_owners`.
fn read_sockets(
    s: &SocketsArgs,
    names: &dyn Fn(u32) -> Option<String>,
    with_owners: bool,
) -> anyhow::Result<Vec<Socket>> {
    let mut socks = sockets::read(s.kinds(), names)?;
    socks.retain(|k| s.keep(k));
    if !with_owners {
        socks.sort_by_key(|k| k.netid);
        return Ok(socks);
    }
    let groups = container_names();
    let map = owners::read(&|pid| groups.get(&pid).cloned());
    let orphans = socks
        .iter()
        .filter(|k| k.inode != 0 && !map.by_inode.contains_key(&k.inode))
        .count();
    // Only worth a word when some socket is left without an owner because of it.
    if let Some(e) = map.first_error.as_ref().filter(|_| orphans > 0) {
        let what = format!(
            "{orphans} socket(s) without a known owner: cannot read the descriptors of {} process(es) (PID {})",
            map.unreadable.len(),
            map.unreadable.first().copied().unwrap_or(0)
        );
        let ctx = crate::caps::Context::read();
        if let Some(d) = crate::caps::denied(&ctx, crate::caps::Feature::Ps, None, &what, e) {
            eprintln!("toolbox net: {d}");
        } else {
            eprintln!("toolbox net: {what}: {e}");
        }
    }
    let mut by_inode = map.by_inode;
    for k in &mut socks {
        if k.inode != 0 {
            if let Some(o) = by_inode.remove(&k.inode) {
                k.owners = o;
            }
        }
    }
    // ss's order: by netid, then as the kernel listed them.
    socks.sort_by_key(|k| k.netid);
    Ok(socks)
}

/// PID → the comm of its container's first process (discovery's grouping).
fn container_names() -> HashMap<i32, String> {
    let Ok(scan) = crate::target::Scan::new() else {
        return HashMap::new();
    };
    let comm: HashMap<i32, &str> = scan
        .procs
        .iter()
        .map(|p| (p.pid, p.comm.as_str()))
        .collect();
    let mut out = HashMap::new();
    for g in &scan.groups {
        let Some(name) = g.first().and_then(|p| comm.get(p)) else {
            continue;
        };
        for pid in g {
            out.insert(*pid, crate::output::sanitize(name));
        }
    }
    out
}

/// One JSON document, written whole (a closed pipe is then an io::Error the top level sees).
pub(super) fn write_json<W: Write, T: Serialize>(out: &mut W, v: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(v)?;
    writeln!(out, "{text}")?;
    Ok(())
}

/// Print rows with columns padded to the widest cell (the last column unpadded).
pub(super) fn write_rows<W: Write>(out: &mut W, rows: &[Vec<String>]) -> std::io::Result<()> {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut width = vec![0; cols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            width[i] = width[i].max(unicode_width::UnicodeWidthStr::width(c.as_str()));
        }
    }
    for r in rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            if i + 1 == r.len() {
                line.push_str(c);
            } else {
                let pad = width[i] - unicode_width::UnicodeWidthStr::width(c.as_str());
                line.push_str(c);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

fn write_ifaces<W: Write>(out: &mut W, ifaces: &[Iface]) -> std::io::Result<()> {
    let mut rows = vec![[
        "IFACE",
        "STATE",
        "MTU",
        "RX-BYTES",
        "RX-ERR",
        "RX-DROP",
        "TX-BYTES",
        "TX-ERR",
        "TX-DROP",
        "ADDRESSES",
    ]
    .map(String::from)
    .to_vec()];
    for i in ifaces {
        let s = i.stats.clone().unwrap_or_default();
        let addrs: Vec<String> = i
            .addrs
            .iter()
            .map(|a| format!("{}/{}", a.local, a.prefixlen))
            .collect();
        rows.push(vec![
            crate::output::sanitize(&i.name),
            i.state.clone(),
            i.mtu.map(|m| m.to_string()).unwrap_or_default(),
            s.rx_bytes.to_string(),
            s.rx_errors.to_string(),
            s.rx_dropped.to_string(),
            s.tx_bytes.to_string(),
            s.tx_errors.to_string(),
            s.tx_dropped.to_string(),
            addrs.join(" "),
        ]);
    }
    write_rows(out, &rows)
}

fn write_routes<W: Write>(out: &mut W, routes: &[Route]) -> std::io::Result<()> {
    let mut rows = vec![[
        "DESTINATION",
        "GATEWAY",
        "DEV",
        "PROTO",
        "SCOPE",
        "SRC",
        "METRIC",
    ]
    .map(String::from)
    .to_vec()];
    for r in routes {
        let dst = match &r.kind {
            Some(k) => format!("{k} {}", r.dst),
            None => r.dst.clone(),
        };
        rows.push(vec![
            dst,
            r.gateway.map(|g| g.to_string()).unwrap_or("-".into()),
            r.dev
                .as_deref()
                .map(crate::output::sanitize)
                .unwrap_or("-".into()),
            r.protocol.clone(),
            r.scope.clone(),
            r.prefsrc.map(|g| g.to_string()).unwrap_or("-".into()),
            r.metric.map(|g| g.to_string()).unwrap_or("-".into()),
        ]);
    }
    write_rows(out, &rows)
}

fn users(owners: &[owners::Owner]) -> String {
    if owners.is_empty() {
        return String::new();
    }
    let list: Vec<String> = owners
        .iter()
        .map(|o| format!("(\"{}\",pid={},fd={})", o.comm, o.pid, o.fd))
        .collect();
    format!("users:({})", list.join(","))
}

/// The `-i` words of a TCP socket, as `ss -i` prints them.
fn info_words(t: &sockets::TcpDetail) -> String {
    let mut words = Vec::new();
    if let Some(c) = &t.congestion {
        words.push(crate::output::sanitize(c));
    }
    words.push(format!("rto:{}", t.rto_ms));
    words.push(format!("rtt:{}/{}", t.rtt_ms, t.rttvar_ms));
    words.push(format!("mss:{}", t.mss));
    words.push(format!("cwnd:{}", t.cwnd));
    if let Some(ss) = t.ssthresh {
        words.push(format!("ssthresh:{ss}"));
    }
    if t.retransmits > 0 || t.total_retrans > 0 {
        words.push(format!("retrans:{}/{}", t.retransmits, t.total_retrans));
    }
    words.join(" ")
}

/// `text` left-aligned in `width` columns, then the two spaces between columns.
fn cell<W: Write>(out: &mut W, text: &str, width: usize) -> std::io::Result<()> {
    const SPACES: &[u8; 64] = &[b' '; 64];
    out.write_all(text.as_bytes())?;
    let used = if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    };
    let mut pad = width.saturating_sub(used) + 2;
    while pad > 0 {
        let n = pad.min(SPACES.len());
        out.write_all(&SPACES[..n])?;
        pad -= n;
    }
    Ok(())
}

/// `v` in decimal, written into `buf`.
fn itoa_u32(mut v: u32, buf: &mut [u8; 10]) -> &str {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    std::str::from_utf8(&buf[at..]).unwrap_or("0")
}

/// Sockets as a table, streamed: column widths first, then one formatted line per socket
/// (tens of thousands of sockets must not cost a string per cell).
fn write_sockets<W: Write>(
    out: &mut W,
    socks: &[Socket],
    info: bool,
    owners: bool,
) -> std::io::Result<()> {
    let digits = |n: u32| n.checked_ilog10().unwrap_or(0) as usize + 1;
    let container = |s: &Socket| -> String {
        s.owners
            .first()
            .and_then(|o| o.container.clone())
            .unwrap_or_else(|| "-".into())
    };
    let (mut wn, mut ws, mut wr, mut wq, mut wl, mut wp, mut wc) = (5, 5, 6, 6, 5, 4, 9);
    for s in socks {
        wn = wn.max(s.netid.len());
        ws = ws.max(s.state.len());
        wr = wr.max(digits(s.recv_q));
        wq = wq.max(digits(s.send_q));
        wl = wl.max(s.local.len());
        wp = wp.max(s.peer.len());
        if let Some(c) = s.owners.first().and_then(|o| o.container.as_ref()) {
            wc = wc.max(c.len());
        }
    }
    if owners {
        writeln!(
            out,
            "{:<wn$}  {:<ws$}  {:<wr$}  {:<wq$}  {:<wl$}  {:<wp$}  {:<wc$}  PROCESS",
            "NETID", "STATE", "RECV-Q", "SEND-Q", "LOCAL", "PEER", "CONTAINER"
        )?;
    } else {
        let title = format!(
            "{:<wn$}  {:<ws$}  {:<wr$}  {:<wq$}  {:<wl$}  {:<wp$}{}",
            "NETID",
            "STATE",
            "RECV-Q",
            "SEND-Q",
            "LOCAL",
            "PEER",
            if info { "  INFO" } else { "" }
        );
        writeln!(out, "{}", title.trim_end())?;
    }
    for s in socks {
        if !owners {
            // Straight into the buffered writer, cell by cell: tens of thousands of lines cost
            // no string each and no formatting machinery.
            cell(out, s.netid, wn)?;
            cell(out, s.state, ws)?;
            cell(out, itoa_u32(s.recv_q, &mut [0; 10]), wr)?;
            cell(out, itoa_u32(s.send_q, &mut [0; 10]), wq)?;
            cell(out, &s.local, wl)?;
            match s.tcp.as_ref().filter(|_| info) {
                Some(t) => writeln!(out, "{:<wp$}  {}", s.peer, info_words(t))?,
                None => {
                    out.write_all(s.peer.as_bytes())?;
                    out.write_all(b"\n")?;
                }
            }
            continue;
        }
        let mut process = users(&s.owners);
        if let Some(t) = s.tcp.as_ref().filter(|_| info) {
            if !process.is_empty() {
                process.push(' ');
            }
            process.push_str(&info_words(t));
        }
        let line = format!(
            "{:<wn$}  {:<ws$}  {:<wr$}  {:<wq$}  {:<wl$}  {:<wp$}  {:<wc$}  {process}",
            s.netid,
            s.state,
            s.recv_q,
            s.send_q,
            s.local,
            s.peer,
            container(s)
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

fn write_states<W: Write>(out: &mut W, socks: &[Socket]) -> std::io::Result<()> {
    let counts = sockets::count_states(socks, "tcp");
    if counts.is_empty() {
        return writeln!(out, "  (no TCP sockets)");
    }
    for (state, n) in counts {
        // Piles of these mean an application that does not close (CLOSE-WAIT) or that opens
        // a connection per request (TIME-WAIT).
        let mark = match state {
            "CLOSE-WAIT" if n >= 10 => "  <- the application does not close these",
            "TIME-WAIT" if n >= 100 => "  <- many short-lived connections",
            _ => "",
        };
        writeln!(out, "  {state:<12} {n}{mark}")?;
    }
    Ok(())
}

fn write_dns<W: Write>(out: &mut W, d: &Dns) -> std::io::Result<()> {
    match (&d.conf, &d.error) {
        (Some(c), _) if c.nameservers.is_empty() && c.search.is_empty() && c.options.is_empty() => {
            writeln!(
                out,
                "  (empty: the libc default, nameserver 127.0.0.1, applies)"
            )
        }
        (Some(c), _) => {
            writeln!(out, "  nameserver  {}", c.nameservers.join(" "))?;
            writeln!(out, "  search      {}", c.search.join(" "))?;
            writeln!(out, "  options     {}", c.options.join(" "))
        }
        (None, Some(e)) => writeln!(out, "  cannot read it: {e}"),
        (None, None) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_pad_like_format() {
        let mut out = Vec::new();
        cell(&mut out, "tcp", 5).unwrap();
        cell(&mut out, itoa_u32(0, &mut [0; 10]), 3).unwrap();
        cell(&mut out, itoa_u32(4_294_967_295, &mut [0; 10]), 1).unwrap();
        cell(&mut out, "é", 2).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!(
                "{:<5}  {:<3}  {:<1}  {:<2}  ",
                "tcp", 0, 4_294_967_295u32, "é"
            )
        );
    }

    #[test]
    fn states_take_ss_spellings() {
        assert_eq!(parse_state("established"), Ok("ESTAB"));
        assert_eq!(parse_state("close_wait"), Ok("CLOSE-WAIT"));
        assert_eq!(parse_state("TIME-WAIT"), Ok("TIME-WAIT"));
        assert!(parse_state("nonsense").is_err());
    }
}
