//! `toolbox http URL`: curl's everyday options from the target's network namespace, with the
//! timing breakdown and, for https, the TLS parameters and the certificate chain checked
//! against the CA bundle the app itself trusts.

use std::io::Write;
use std::net::IpAddr;
use std::time::Duration;

use clap::Args;
use serde::Serialize;

use super::Global;
use crate::http::tls::{self, CaChoice, TlsReport, Trust};
use crate::http::{self, Event, HttpError, Observer, Outcome, Request, Timing, Url};
use crate::output::sanitize;

const AFTER_HELP: &str = "\
HTTP/1.1 only (no HTTP/2 or 3); redirects are followed only with -L. The body goes to stdout byte for
byte as curl prints it; -v, --timing and --cert write to stderr. Host names are resolved as the
target's libc would (its /etc/hosts, then DNS); --resolve bypasses that.

https is verified against the target's CA bundle (the first of /etc/ssl/certs/ca-certificates.crt,
/etc/pki/tls/certs/ca-bundle.crt, /etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem,
/etc/ssl/ca-bundle.pem, /etc/pki/tls/cacert.pem, /etc/ssl/cert.pem in its root), or toolbox's
built-in roots (--ca builtin), or a PEM file (--ca FILE). A failed verification prints the reason
and the certificates, and exits 60 (with -k: a warning, and the transfer goes on).

-o json prints one JSON document (response, headers, body, timing, TLS) instead of the body; to
write the body to a file named json, say -o ./json.

Exit codes as curl's: 0 done (whatever the HTTP status), 1 unsupported protocol, 3 bad URL or
option, 6 host not resolved, 7 connection failed, 8 not an HTTP reply, 18 body cut short,
23 cannot write the output, 28 timeout, 35 TLS handshake failed, 47 too many redirects,
52 empty reply, 56 receive failed, 60 certificate not trusted, 77 CA bundle unusable.

Examples:
  toolbox http http://web.default.svc.cluster.local/healthz
  toolbox http -v https://localhost/ --ca builtin
  toolbox http -I --resolve api.example.com:443:10.0.0.7 https://api.example.com/
  toolbox http -X PUT -H 'Content-Type: application/json' -d '{\"a\":1}' http://127.0.0.1:8080/x
  toolbox http --timing -o /dev/null http://127.0.0.1/";

/// Arguments of `toolbox http` (curl's letters).
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct HttpArgs {
    /// The URL: http:// or https:// (http:// when none is given).
    pub url: String,
    /// The request method (default GET; POST with -d; HEAD with -I).
    #[arg(short = 'X', long = "request", value_name = "METHOD")]
    pub method: Option<String>,
    /// An extra header, `Name: value`; replaces a default one of that name, `Name:` removes
    /// it, `Name;` sends it empty. Repeatable.
    #[arg(short = 'H', long = "header", value_name = "LINE")]
    pub headers: Vec<String>,
    /// Send DATA as the body (POST, application/x-www-form-urlencoded); `@FILE` reads a file of
    /// toolbox's file system; several are joined with `&`.
    #[arg(short = 'd', long = "data", value_name = "DATA")]
    pub data: Vec<String>,
    /// HEAD request; print the response headers.
    #[arg(short = 'I', long = "head")]
    pub head: bool,
    /// Print the response headers before the body.
    #[arg(short = 'i', long = "include")]
    pub include: bool,
    /// Go on when the server's certificate is not trusted (still reported).
    #[arg(short = 'k', long = "insecure")]
    pub insecure: bool,
    /// Use ADDR for HOST:PORT instead of resolving it (ADDR: one address, or several with `,`;
    /// IPv6 in brackets). Repeatable.
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<String>,
    /// Seconds allowed for connecting (fractions allowed).
    #[arg(long = "connect-timeout", value_name = "SECONDS")]
    pub connect_timeout: Option<f64>,
    /// Seconds allowed for the whole transfer.
    #[arg(short = 'm', long = "max-time", value_name = "SECONDS")]
    pub max_time: Option<f64>,
    /// Write the body to FILE (in toolbox's own file system, not the target's); `json`: print
    /// a JSON document instead.
    #[arg(short = 'o', long = "output", value_name = "FILE|json")]
    pub output: Option<String>,
    /// Show the connection, the request and response headers (`> `, `< `), TLS and timing on
    /// stderr.
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Print curl's -w times (time_namelookup … time_total) to stderr.
    #[arg(long)]
    pub timing: bool,
    /// Print the TLS parameters and the server's certificate chain to stderr.
    #[arg(long)]
    pub cert: bool,
    /// Follow redirects (up to 50).
    #[arg(short = 'L', long = "location")]
    pub location: bool,
    /// Trust these CAs: `target` (the target's bundle, default), `builtin`, or a PEM FILE.
    #[arg(long, value_name = "target|builtin|FILE", default_value = "target")]
    pub ca: String,
    /// Accepted for curl habits (toolbox has no progress meter).
    #[arg(short = 's', long, hide = true)]
    pub silent: bool,
    /// Accepted for curl habits (errors are always shown).
    #[arg(short = 'S', long = "show-error", hide = true)]
    pub show_error: bool,
}

/// Where the response goes.
enum Dest {
    Stdout,
    File(std::fs::File),
    Json(Vec<u8>),
}

/// The JSON document of `-o json`.
#[derive(Serialize)]
struct JsonDoc<'a> {
    #[serde(flatten)]
    outcome: &'a Outcome,
    /// The body as text when it is UTF-8.
    body: Option<String>,
    /// The body in base64 when it is not.
    body_base64: Option<String>,
    /// Whether the body was longer than what is kept.
    body_truncated: bool,
    error: Option<JsonError>,
}

#[derive(Serialize)]
struct JsonError {
    message: String,
    exit_code: i32,
}

/// Most body bytes kept for `-o json`.
const JSON_BODY_MAX: usize = 1 << 20;

struct Printer {
    dest: Dest,
    headers_out: bool,
    verbose: bool,
    cert: bool,
    truncated: bool,
    url_host: String,
}

impl Printer {
    fn write_out(&mut self, data: &[u8]) -> std::io::Result<()> {
        match &mut self.dest {
            Dest::Stdout => {
                let mut o = std::io::stdout().lock();
                o.write_all(data)?;
                o.flush()
            }
            Dest::File(f) => f.write_all(data),
            Dest::Json(buf) => {
                let room = JSON_BODY_MAX.saturating_sub(buf.len());
                if data.len() > room {
                    self.truncated = true;
                }
                buf.extend_from_slice(&data[..data.len().min(room)]);
                Ok(())
            }
        }
    }
}

fn info(line: &str) {
    eprintln!("* {line}");
}

impl Observer for Printer {
    fn event(&mut self, e: Event<'_>) -> std::io::Result<()> {
        match e {
            Event::Resolved {
                host,
                addrs,
                source,
            } if self.verbose => {
                let list: Vec<String> = addrs.iter().map(IpAddr::to_string).collect();
                info(&format!(
                    "Host {} resolved to {} (from {source})",
                    sanitize(host),
                    list.join(", ")
                ));
            }
            Event::Trying(a) if self.verbose => info(&format!("  Trying {a}...")),
            Event::Failed(a, why) if self.verbose => info(&format!("connect to {a} failed: {why}")),
            Event::Connected(a) if self.verbose => info(&format!(
                "Connected to {} ({}) port {}",
                sanitize(&self.url_host),
                a.ip(),
                a.port()
            )),
            Event::Tls(report) => {
                let failed = report.verdict.as_ref().is_some_and(|v| !v.verified);
                if self.verbose || self.cert || failed {
                    write_tls(report);
                }
            }
            Event::Request(head, body) if self.verbose => {
                for line in String::from_utf8_lossy(head).split("\r\n") {
                    eprintln!("> {}", sanitize(line));
                    if line.is_empty() {
                        break;
                    }
                }
                if body > 0 {
                    info(&format!("upload completely sent off: {body} bytes"));
                }
            }
            Event::Response(h) => {
                if self.verbose {
                    for line in String::from_utf8_lossy(&h.raw).split("\r\n") {
                        eprintln!("< {}", sanitize(line));
                        if line.is_empty() {
                            break;
                        }
                    }
                }
                if self.headers_out {
                    let raw = h.raw.clone();
                    self.write_out(&raw)?;
                }
            }
            Event::Body(b) => self.write_out(b)?,
            Event::Trailers(lines) => {
                for l in lines {
                    if self.verbose {
                        eprintln!("< {}", sanitize(l));
                    }
                    if self.headers_out {
                        self.write_out(format!("{l}\r\n").as_bytes())?;
                    }
                }
            }
            Event::Redirect(to) if self.verbose => info(&format!(
                "Issue another request to this URL: '{}'",
                sanitize(to)
            )),
            _ => {}
        }
        Ok(())
    }
}

/// The TLS report as curl -v's `*` lines, with the whole chain.
fn write_tls(r: &TlsReport) {
    if let (Some(v), Some(c)) = (&r.version, &r.cipher) {
        info(&format!("SSL connection using {v} / {c}"));
    }
    match &r.alpn {
        Some(a) => info(&format!("ALPN: server accepted {}", sanitize(a))),
        None if r.version.is_some() => info("ALPN: server did not agree on a protocol"),
        None => {}
    }
    info(&format!("CA: {}", r.ca));
    let n = r.chain.len();
    info(&format!("Server certificate chain ({n} sent):"));
    for (i, c) in r.chain.iter().enumerate() {
        info(&format!(" {i} subject: {}", sanitize(&c.subject)));
        info(&format!("   issuer: {}", sanitize(&c.issuer)));
        if !c.sans.is_empty() {
            info(&format!(
                "   subjectAltName: {}",
                sanitize(&c.sans.join(", "))
            ));
        }
        info(&format!("   start date: {}", c.not_before));
        let days = if c.days_left < 0 {
            format!("expired {} days ago", -c.days_left)
        } else {
            format!("{} days left", c.days_left)
        };
        info(&format!("   expire date: {} ({days})", c.not_after));
    }
    match &r.verdict {
        Some(v) if v.verified => info("SSL certificate verify ok."),
        Some(v) => info(&format!(
            "SSL certificate verify FAILED: {}",
            v.reason.as_deref().unwrap_or("")
        )),
        None => {}
    }
}

fn write_timing(t: &Timing) {
    let rows = [
        ("time_namelookup", t.time_namelookup),
        ("time_connect", t.time_connect),
        ("time_appconnect", t.time_appconnect),
        ("time_pretransfer", t.time_pretransfer),
        ("time_starttransfer", t.time_starttransfer),
        ("time_redirect", t.time_redirect),
        ("time_total", t.time_total),
    ];
    for (name, v) in rows {
        eprintln!("{name:<19} {v:.6}s");
    }
}

fn seconds(v: Option<f64>, flag: &str) -> Result<Option<Duration>, HttpError> {
    match v {
        None => Ok(None),
        Some(s) if s.is_finite() && s > 0.0 && s < 1e9 => Ok(Some(Duration::from_secs_f64(s))),
        Some(s) => Err(HttpError::Usage(format!(
            "{flag} {s}: a positive number of seconds"
        ))),
    }
}

/// `HOST:PORT:ADDR[,ADDR…]` (IPv6 addresses may be in brackets).
fn parse_resolve(s: &str) -> Result<(String, u16, Vec<IpAddr>), HttpError> {
    let bad = || HttpError::Usage(format!("--resolve {s}: not HOST:PORT:ADDR"));
    let (host, rest) = s.split_once(':').ok_or_else(bad)?;
    let (port, addrs) = rest.split_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    let addrs = addrs
        .split(',')
        .map(|a| {
            a.trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .map_err(|_| bad())
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((host.to_string(), port, addrs))
}

impl HttpArgs {
    /// The request the options describe.
    fn request(&self) -> Result<Request, HttpError> {
        let url = Url::parse(&self.url)?;
        let data = if self.data.is_empty() {
            None
        } else {
            let mut parts = Vec::new();
            for d in &self.data {
                parts.push(match d.strip_prefix('@') {
                    Some(path) => {
                        let mut v = std::fs::read(path)
                            .map_err(|e| HttpError::Usage(format!("-d @{path}: {e}")))?;
                        // curl's -d strips CR and LF from a file (--data-binary keeps them).
                        v.retain(|b| *b != b'\r' && *b != b'\n');
                        v
                    }
                    None => d.as_bytes().to_vec(),
                });
            }
            Some(parts.join(&b'&'))
        };
        let method = match (&self.method, self.head, &data) {
            (Some(m), _, _) => m.clone(),
            (None, true, _) => "HEAD".into(),
            (None, false, Some(_)) => "POST".into(),
            _ => "GET".into(),
        };
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(HttpError::Usage(format!("-X {method:?}: not a method")));
        }
        Ok(Request {
            url,
            method,
            headers: self.headers.clone(),
            data,
            resolve: self
                .resolve
                .iter()
                .map(|r| parse_resolve(r))
                .collect::<Result<_, _>>()?,
            connect_timeout: seconds(self.connect_timeout, "--connect-timeout")?,
            max_time: seconds(self.max_time, "-m")?,
            follow: self.location,
            insecure: self.insecure,
        })
    }

    fn ca(&self) -> CaChoice {
        match self.ca.as_str() {
            "target" => CaChoice::Target,
            "builtin" => CaChoice::Builtin,
            f => CaChoice::File(f.into()),
        }
    }
}

/// Run `toolbox http`.
pub fn run(global: &Global, args: HttpArgs) -> anyhow::Result<i32> {
    let json = args.output.as_deref() == Some("json");
    match run_inner(global, &args) {
        Ok(code) => Ok(code),
        Err(e) => {
            let code = e.exit_code();
            if json {
                let doc = JsonDoc {
                    outcome: &Outcome {
                        url: args.url.clone(),
                        ..Outcome::default()
                    },
                    body: None,
                    body_base64: None,
                    body_truncated: false,
                    error: Some(JsonError {
                        message: e.to_string(),
                        exit_code: code,
                    }),
                };
                crate::output::print_json(&doc)?;
            }
            eprintln!("toolbox http: {e}");
            Ok(code)
        }
    }
}

fn run_inner(global: &Global, args: &HttpArgs) -> Result<i32, HttpError> {
    let req = args.request()?;
    // The root first (its /etc/hosts and CA bundle; choosing it may scan /proc), then the
    // namespace, then sockets.
    let root = super::fs_root(global);
    let trust: Option<Trust> = if req.url.https || req.follow {
        let choice = args.ca();
        match tls::load_trust(&choice, root.as_ref().ok()) {
            Ok(t) => Some(t),
            Err(e) if args.insecure => {
                eprintln!("toolbox http: {e}; -k: going on with toolbox's built-in roots");
                tls::load_trust(&CaChoice::Builtin, None).ok()
            }
            Err(e) if req.url.https => {
                if let (CaChoice::Target, Err(re)) = (&choice, &root) {
                    return Err(HttpError::CaFile {
                        path: "the target's CA bundle".into(),
                        why: format!("{re}; use --ca builtin or --ca FILE"),
                    });
                }
                return Err(e);
            }
            Err(_) => None,
        }
    } else {
        None
    };
    if let Err(e) = super::capture::enter_target_net(global, "http") {
        return Err(HttpError::Usage(format!("{e:#}")));
    }
    let dest = match args.output.as_deref() {
        Some("json") => Dest::Json(Vec::new()),
        Some("-") | None => Dest::Stdout,
        Some(path) => Dest::File(std::fs::File::create(path).map_err(HttpError::Write)?),
    };
    let mut printer = Printer {
        dest,
        headers_out: args.include || args.head,
        verbose: args.verbose,
        cert: args.cert,
        truncated: false,
        url_host: req.url.host.clone(),
    };
    let (outcome, err) = http::fetch(&req, root.as_ref().ok(), trust.as_ref(), &mut printer);
    if args.verbose || args.timing {
        write_timing(&outcome.timing);
    }
    if let Dest::File(f) = &mut printer.dest {
        if let Err(e) = f.flush() {
            return Err(HttpError::Write(e));
        }
    }
    let code = err.as_ref().map_or(0, HttpError::exit_code);
    if let Dest::Json(body) = &printer.dest {
        let (text, b64) = match std::str::from_utf8(body) {
            Ok(t) => (Some(t.to_string()), None),
            Err(_) => (None, Some(crate::output::base64(body))),
        };
        let doc = JsonDoc {
            outcome: &outcome,
            body: text,
            body_base64: b64,
            body_truncated: printer.truncated,
            error: err.as_ref().map(|e| JsonError {
                message: e.to_string(),
                exit_code: e.exit_code(),
            }),
        };
        crate::output::print_json(&doc).map_err(HttpError::Write)?;
    }
    match err {
        // A reader that stopped reading (`toolbox http URL | head`) is a normal end (STYLE.md;
        // curl would say 23).
        Some(HttpError::Write(e))
            if e.kind() == std::io::ErrorKind::BrokenPipe
                && matches!(printer.dest, Dest::Stdout) =>
        {
            Ok(0)
        }
        Some(e) => {
            eprintln!("toolbox http: {e}");
            Ok(code)
        }
        None => Ok(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_entries_as_curl_writes_them() {
        let (h, p, a) = parse_resolve("api.example.com:443:10.0.0.7,[fd00::7]").unwrap();
        assert_eq!((h.as_str(), p), ("api.example.com", 443));
        assert_eq!(
            a,
            [
                "10.0.0.7".parse::<IpAddr>().unwrap(),
                "fd00::7".parse().unwrap()
            ]
        );
        assert!(parse_resolve("h:80").is_err());
        assert!(parse_resolve("h:x:1.2.3.4").is_err());
        assert!(parse_resolve("h:80:not-an-address").is_err());
        assert!(seconds(Some(-1.0), "-m").is_err());
        assert!(seconds(Some(f64::NAN), "-m").is_err());
        assert_eq!(
            seconds(Some(0.5), "-m").unwrap(),
            Some(Duration::from_millis(500))
        );
    }
}
