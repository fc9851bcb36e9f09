//! `toolbox dns NAME [TYPE]`: resolve a name the way the target's libc would (its resolv.conf,
//! /etc/hosts and nsswitch.conf `hosts:` line, read from its root; queries sent from its network
//! namespace) and show the work: every query sent and its answer, and why the search list was
//! tried in that order. dig's habits: `@SERVER`, `-t TYPE`, `-x ADDR`, `+short`, `+tcp`.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Args;
use serde::Serialize;

use super::Global;
use crate::net::dns::resolve::{Outcome, Resolution, Resolver, Settings};
use crate::net::dns::{search, wire, Answer, Exchange};
use crate::net::lookup::{self, Family};
use crate::net::resolv::{HostsLine, HostsSource, Options, ResolvConf};
use crate::output::Format;

/// Arguments of `toolbox dns`.
#[derive(Debug, Args)]
#[command(
    after_help = concat!(
        "Without TYPE the name is looked up as getaddrinfo(3) would for any address family: the \
         sources of the target's nsswitch.conf `hosts:` line in order (`files`: its /etc/hosts; \
         `dns`: A and AAAA sent together for each name of the search list). With TYPE (or -t, -x) \
         only DNS is asked, with res_search(3)'s search rules; @SERVER also asks only DNS, that \
         server instead of resolv.conf's. With --host toolbox resolves as its own libc would: \
         its own files, from its own network namespace.\n\n",
        "Exit status:
  0  an answer (or the name is in the target's /etc/hosts)
  1  toolbox could not run the lookup (files unreadable, bad arguments…)
  3  NXDOMAIN: no name of the search list exists
  4  no data: the name exists but has no record of that type
  5  SERVFAIL: a server failed to answer (and no other name answered)
  6  REFUSED (or NOTIMP, FORMERR): a server would not answer
  9  timeout: no server answered at all (or the network refused: no route, port unreachable)",
        "\n\nExamples:\n  toolbox dns web\n  toolbox dns _http._tcp.web SRV\n  toolbox dns @10.96.0.10 example.com MX +short\n  toolbox dns -x 10.96.0.20\n  toolbox dns web -o json"
    )
)]
pub struct DnsArgs {
    /// NAME, then TYPE (A, AAAA, CNAME, SRV, MX, TXT, PTR, NS, SOA, ANY…), in any order with
    /// dig's words: `@SERVER` (instead of resolv.conf's servers), `+short` (answers only),
    /// `+tcp` (TCP from the start), `+timeout=SECONDS`, `+tries=N` (instead of resolv.conf's
    /// timeout and attempts), `+search`/`+nosearch`.
    #[arg(value_name = "NAME [TYPE]", allow_hyphen_values = false)]
    pub words: Vec<String>,
    /// The record type (as TYPE).
    #[arg(short = 't', long = "type", value_name = "TYPE")]
    pub qtype: Option<String>,
    /// Reverse lookup: the PTR record of this address.
    #[arg(short = 'x', value_name = "ADDR")]
    pub reverse: Option<IpAddr>,
    /// `table` or `json`.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
    pub output: Format,
}

/// The parsed request.
struct Request {
    name: String,
    qtype: Option<hickory_proto::rr::RecordType>,
    server: Option<SocketAddr>,
    short: bool,
    tcp: bool,
    timeout: Option<u32>,
    tries: Option<u32>,
    search: bool,
    json: bool,
}

impl DnsArgs {
    fn request(self) -> anyhow::Result<Request> {
        let mut r = Request {
            name: String::new(),
            qtype: None,
            server: None,
            short: false,
            tcp: false,
            timeout: None,
            tries: None,
            search: true,
            json: self.output == Format::Json,
        };
        let mut plain: Vec<String> = Vec::new();
        for w in self.words {
            if let Some(s) = w.strip_prefix('@') {
                r.server = Some(parse_server(s)?);
            } else if let Some(opt) = w.strip_prefix('+') {
                let (k, v) = match opt.split_once('=') {
                    Some((k, v)) => (k, Some(v)),
                    None => (opt, None),
                };
                let num = |v: Option<&str>| -> anyhow::Result<u32> {
                    v.and_then(|v| v.parse::<u32>().ok())
                        .filter(|n| *n > 0)
                        .with_context(|| format!("`+{opt}` needs a positive number"))
                };
                match k {
                    "short" => r.short = true,
                    "noshort" => r.short = false,
                    "tcp" | "vc" => r.tcp = true,
                    "notcp" | "novc" => r.tcp = false,
                    "timeout" | "time" => r.timeout = Some(num(v)?),
                    "tries" => r.tries = Some(num(v)?),
                    "search" => r.search = true,
                    "nosearch" => r.search = false,
                    _ => bail!(
                        "`+{}` is not supported (+short, +tcp, +timeout=N, +tries=N, +[no]search)",
                        crate::output::sanitize(opt)
                    ),
                }
            } else {
                plain.push(w);
            }
        }
        let mut plain = plain.into_iter();
        if let Some(a) = self.reverse {
            r.name = wire::reverse_name(a);
            r.qtype = Some(hickory_proto::rr::RecordType::PTR);
        } else {
            r.name = plain
                .next()
                .context("a NAME to look up is needed (or -x ADDR)")?;
        }
        if let Some(t) = plain.next().or(self.qtype) {
            r.qtype = Some(wire::parse_type(&t)?);
        }
        if let Some(extra) = plain.next() {
            bail!(
                "unexpected argument `{}` (NAME [TYPE] only)",
                crate::output::sanitize(&extra)
            );
        }
        Ok(r)
    }
}

fn parse_server(s: &str) -> anyhow::Result<SocketAddr> {
    if let Ok(a) = s.parse::<SocketAddr>() {
        return Ok(a);
    }
    let bare = s.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>()
        .map(|a| SocketAddr::new(a, 53))
        .map_err(|_| {
            anyhow::anyhow!(
                "@{}: a server is an IP address (optionally with :PORT, IPv6 as [ADDR]:PORT)",
                crate::output::sanitize(s)
            )
        })
}

/// What the target's files say, as shown and as JSON.
#[derive(Serialize)]
struct Config {
    resolv_conf: ResolvConf,
    options: Options,
    nsswitch_hosts: HostsLine,
}

/// The whole report (`-o json`).
#[derive(Serialize)]
struct Report<'a> {
    name: &'a str,
    /// The record type asked, or `A+AAAA` for an address lookup.
    #[serde(rename = "type")]
    qtype: String,
    config: &'a Config,
    servers: &'a [SocketAddr],
    /// `files` when /etc/hosts answered, `dns` otherwise.
    source: &'static str,
    /// Addresses from the target's /etc/hosts (address lookups only).
    hosts: Vec<IpAddr>,
    explanation: Option<String>,
    /// Why only one of A and AAAA is asked, for an address lookup.
    addrconfig: Option<&'static str>,
    /// The DNS part: plan, queries, outcome, answers (absent when /etc/hosts answered).
    #[serde(flatten)]
    resolution: Option<&'a Resolution>,
    /// The exit status (0 for an answer from DNS or /etc/hosts).
    exit_code: i32,
    /// The line printed for a failure.
    message: Option<String>,
}

/// Run `toolbox dns`.
pub fn run(global: &Global, args: DnsArgs) -> anyhow::Result<i32> {
    let req = args.request()?;
    // A name that cannot go on the wire is the user's mistake, said before anything is read.
    wire::parse_name(&format!("{}.", req.name.trim_end_matches('.')))?;
    // The root first (it may need the target chosen), then the namespace, then sockets.
    let root = super::fs_root(global)?;
    let read = |p: &str| -> anyhow::Result<String> {
        lookup::read_target_file(&root, p).with_context(|| format!("reading the target's {p}"))
    };
    let resolv = ResolvConf::parse(&read(lookup::RESOLV_CONF)?);
    let nss = HostsLine::parse(&read(lookup::NSSWITCH)?);
    let address_lookup = req.qtype.is_none() && req.server.is_none();
    let hosts_text = if address_lookup && nss.sources.contains(&HostsSource::Files) {
        Some(read(lookup::HOSTS)?)
    } else {
        None
    };
    let config = Config {
        options: resolv.options(),
        resolv_conf: resolv,
        nsswitch_hosts: nss,
    };
    // `--host`: resolve as toolbox's own libc would, from its own files and namespace.
    if !global.host {
        super::capture::enter_target_net(global, "dns")?;
    }

    let mut settings = Settings::from_conf(&config.resolv_conf);
    if let Some(s) = req.server {
        settings.servers = vec![s];
    }
    settings.tcp |= req.tcp;
    if let Some(t) = req.timeout {
        settings.timeout = Duration::from_secs(u64::from(t));
    }
    if let Some(t) = req.tries {
        settings.attempts = t;
    }
    let servers = settings.servers.clone();
    // getaddrinfo's AI_ADDRCONFIG: A and AAAA only for families this namespace has addresses of.
    let family = lookup::addrconfig();
    let types = match req.qtype {
        Some(t) => vec![t],
        None => family.record_types().to_vec(),
    };
    let qtype_text = types
        .iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join("+");
    let addrconfig = match (req.qtype, family) {
        (Some(_), _) | (None, Family::Any) => None,
        (None, Family::V4) => Some("only A is asked: this network namespace has no IPv6 address but loopback and link-local (getaddrinfo's AI_ADDRCONFIG)"),
        (None, Family::V6) => Some("only AAAA is asked: this network namespace has no IPv4 address but loopback (getaddrinfo's AI_ADDRCONFIG)"),
    };

    // nsswitch order: files (when it answers) ends the lookup before any query.
    let mut hosts = Vec::new();
    let mut resolution = None;
    let mut source = "dns";
    for s in &config.nsswitch_hosts.sources {
        match (s, &hosts_text) {
            (HostsSource::Files, Some(text)) => {
                hosts = lookup::hosts_lookup(text, &req.name);
                if !hosts.is_empty() {
                    source = "files";
                    break;
                }
            }
            (HostsSource::Files, None) => {}
            (HostsSource::Dns, _) => {
                resolution = Some(resolve(&req, &config, settings.clone(), &types)?);
                break;
            }
        }
    }
    if !address_lookup && resolution.is_none() {
        resolution = Some(resolve(&req, &config, settings, &types)?);
    }
    let (outcome, message) = match (&resolution, source) {
        (_, "files") => (Outcome::Answer, None),
        (Some(r), _) => (r.outcome, failure_line(&req.name, &qtype_text, r, &servers)),
        (None, _) => (
            Outcome::NxDomain,
            Some(format!(
                "{}: not in /etc/hosts, and the target's nsswitch.conf `hosts:` line ({}) has no dns",
                crate::output::sanitize(&req.name),
                config.nsswitch_hosts.words.join(" ")
            )),
        ),
    };
    let explanation = resolution.as_ref().map(|r| {
        r.plan
            .explain(&req.name, r.tried, r.outcome == Outcome::Answer)
    });

    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if req.json {
        let report = Report {
            name: &req.name,
            qtype: qtype_text,
            config: &config,
            servers: &servers,
            source,
            hosts: hosts.clone(),
            explanation,
            addrconfig,
            resolution: resolution.as_ref(),
            exit_code: outcome.exit_code(),
            message: message.clone(),
        };
        super::net::write_json(&mut out, &report)?;
    } else if req.short {
        if source == "files" {
            for a in &hosts {
                writeln!(out, "{a}")?;
            }
        } else if let Some(r) = &resolution {
            for a in &r.answers {
                writeln!(out, "{}", a.data)?;
            }
        }
    } else {
        write_config(&mut out, &config, &servers, req.server.is_some())?;
        if hosts_text.is_some() {
            if hosts.is_empty() {
                writeln!(
                    out,
                    "/etc/hosts:  no entry for {}",
                    crate::output::sanitize(&req.name)
                )?;
            } else {
                let list: Vec<String> = hosts.iter().map(IpAddr::to_string).collect();
                writeln!(out, "/etc/hosts:  {} (no DNS query needed)", list.join(" "))?;
            }
        }
        if let Some(r) = &resolution {
            if let Some(e) = &explanation {
                writeln!(out, "\n{e}")?;
            }
            if let Some(a) = addrconfig {
                writeln!(out, "{a}")?;
            }
            writeln!(out, "\nQueries")?;
            write_queries(&mut out, &r.queries)?;
            if let Some(n) = &r.answered_name {
                writeln!(out, "\nAnswer ({n})")?;
                write_answers(&mut out, &r.answers)?;
            }
        }
    }
    out.flush()?;
    drop(out);
    if let Some(m) = message {
        eprintln!("toolbox dns: {m}");
    }
    Ok(outcome.exit_code())
}

fn resolve(
    req: &Request,
    config: &Config,
    settings: Settings,
    types: &[hickory_proto::rr::RecordType],
) -> anyhow::Result<Resolution> {
    let search_list = if req.search {
        config.resolv_conf.search_list()
    } else {
        Vec::new()
    };
    let plan = search::plan(
        &req.name,
        config.options.ndots,
        &search_list,
        config.options.no_tld_query,
    );
    Ok(Resolver::new(settings).lookup(plan, types)?)
}

/// The one line a failure gets.
fn failure_line(name: &str, qtype: &str, r: &Resolution, servers: &[SocketAddr]) -> Option<String> {
    let name = crate::output::sanitize(name);
    let names = match r.plan.names.len() {
        1 => "1 name".to_string(),
        n => format!("{n} names"),
    };
    let servers: Vec<String> = servers.iter().map(SocketAddr::to_string).collect();
    let servers = servers.join(", ");
    let detail = r.detail.clone().unwrap_or_default();
    Some(match r.outcome {
        Outcome::Answer => return None,
        Outcome::NxDomain => {
            format!("{name}: NXDOMAIN: no such name ({names} tried)")
        }
        Outcome::NoData => format!("{name}: no {qtype} record (the name exists; {names} tried)"),
        Outcome::ServFail => format!("{name}: SERVFAIL: the server failed to answer ({servers})"),
        Outcome::Refused => format!("{name}: {detail}: the server would not answer ({servers})"),
        Outcome::Timeout => format!("{name}: timeout: no answer from {servers} ({detail})"),
    })
}

fn write_config<W: Write>(
    out: &mut W,
    c: &Config,
    servers: &[SocketAddr],
    explicit: bool,
) -> std::io::Result<()> {
    let o = &c.options;
    let r = &c.resolv_conf;
    let ns = if r.nameservers.is_empty() {
        "(none: 127.0.0.1)".to_string()
    } else {
        r.nameservers.join(" ")
    };
    writeln!(out, "resolv.conf: nameserver {ns}")?;
    if !r.search.is_empty() {
        writeln!(out, "             search {}", r.search.join(" "))?;
    }
    let mut opts = format!(
        "ndots:{} timeout:{} attempts:{}",
        o.ndots, o.timeout_secs, o.attempts
    );
    for (on, word) in [
        (o.rotate, "rotate"),
        (o.edns0, "edns0"),
        (o.use_vc, "use-vc"),
        (o.single_request, "single-request"),
        (o.no_tld_query, "no-tld-query"),
    ] {
        if on {
            opts.push(' ');
            opts.push_str(word);
        }
    }
    writeln!(out, "             options {opts}")?;
    if explicit {
        let s: Vec<String> = servers.iter().map(SocketAddr::to_string).collect();
        writeln!(
            out,
            "server:      {} (from @, instead of resolv.conf's)",
            s.join(" ")
        )?;
    }
    let default = if c.nsswitch_hosts.default {
        " (no hosts: line; the usual default)"
    } else {
        ""
    };
    writeln!(
        out,
        "nsswitch:    hosts: {}{default}",
        c.nsswitch_hosts.words.join(" ")
    )
}

fn write_queries<W: Write>(out: &mut W, qs: &[Exchange]) -> std::io::Result<()> {
    let mut rows = vec![[
        "NAME", "TYPE", "SERVER", "PROTO", "RESULT", "ANSWERS", "TIME",
    ]
    .map(String::from)
    .to_vec()];
    for q in qs {
        let result = match (&q.rcode, &q.error) {
            (Some(rc), _) if q.truncated => format!("{rc} truncated, retried over TCP"),
            (Some(rc), _) => rc.clone(),
            (None, Some(e)) => e.clone(),
            (None, None) => "-".into(),
        };
        rows.push(vec![
            q.name.clone(),
            q.qtype.clone(),
            q.server.to_string(),
            q.proto.as_str().into(),
            result,
            q.answers.len().to_string(),
            format!("{:.1} ms", q.latency_ms),
        ]);
    }
    super::net::write_rows(out, &rows)
}

fn write_answers<W: Write>(out: &mut W, answers: &[Answer]) -> std::io::Result<()> {
    let rows: Vec<Vec<String>> = answers
        .iter()
        .map(|a| {
            vec![
                a.name.clone(),
                a.ttl.to_string(),
                "IN".into(),
                a.rtype.clone(),
                a.data.clone(),
            ]
        })
        .collect();
    super::net::write_rows(out, &rows)
}
