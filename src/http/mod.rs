//! An HTTP/1.1 client for debugging from the target's network namespace (`toolbox http`):
//! curl's request options, the timing breakdown curl's `-w` gives, and for https (rustls) the
//! negotiated parameters and the server's certificate chain checked against the CAs the *app*
//! trusts. The caller enters the namespace first; events go to an [`Observer`] as they happen
//! (curl -v's lines, the body), and the [`Outcome`] is the model printed at the end.

pub mod cert;
pub mod tls;
pub mod url;
pub mod wire;

use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::fs::FsRoot;
use crate::net::lookup::{self, Family};
use cert::CertInfo;
use tls::{Recorder, TlsReport, Trust};
pub use url::Url;
use wire::{Head, Reader};

/// Errors of one transfer. [`HttpError::exit_code`] gives curl's exit code for each.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The URL does not parse.
    #[error("bad URL {url}: {why}")]
    Url {
        /// The URL.
        url: String,
        /// Why.
        why: String,
    },
    /// Not http or https.
    #[error("protocol \"{scheme}\" not supported (http and https only)")]
    Scheme {
        /// The scheme given.
        scheme: String,
    },
    /// An option's value is wrong.
    #[error("{0}")]
    Usage(String),
    /// No address for the host.
    #[error("could not resolve host: {0}")]
    Resolve(#[from] lookup::LookupError),
    /// Every address refused or was unreachable.
    #[error("failed to connect to {host} port {port}: {why}")]
    Connect {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// The last address's error.
        why: String,
    },
    /// `--connect-timeout` or `-m` ran out.
    #[error("{what} timed out after {ms} ms")]
    Timeout {
        /// What was going on.
        what: &'static str,
        /// Milliseconds since the start.
        ms: u128,
    },
    /// The CA bundle could not be used.
    #[error("CA bundle {path}: {why}")]
    CaFile {
        /// The file.
        path: String,
        /// Why.
        why: String,
    },
    /// The TLS handshake failed for another reason than the certificate.
    #[error("TLS handshake failed: {why}")]
    Tls {
        /// Why.
        why: String,
    },
    /// The server's certificate was not trusted.
    #[error("server certificate verification failed: {reason}")]
    Verify {
        /// The reason as a sentence.
        reason: String,
    },
    /// The connection closed before any response.
    #[error("empty reply from server")]
    Empty,
    /// The response does not parse as HTTP/1.x.
    #[error("weird server reply: {0}")]
    Reply(String),
    /// Reading or writing the connection failed.
    #[error("{what}: {err}")]
    Io {
        /// What was going on.
        what: &'static str,
        /// Why.
        err: io::Error,
    },
    /// The body ended before Content-Length (or the last chunk).
    #[error("transfer closed with {left} bytes remaining to read")]
    Partial {
        /// Bytes missing.
        left: u64,
    },
    /// The observer (stdout, the -o file) could not take the data.
    #[error("failed writing received data: {0}")]
    Write(io::Error),
    /// `-L` went round more than 50 times.
    #[error("maximum ({0}) redirects followed")]
    Redirects(u32),
}

impl HttpError {
    /// curl's exit code for this error (curl(1), EXIT CODES).
    pub fn exit_code(&self) -> i32 {
        match self {
            HttpError::Scheme { .. } => 1,
            HttpError::Url { .. } | HttpError::Usage(_) => 3,
            HttpError::Resolve(_) => 6,
            HttpError::Connect { .. } => 7,
            HttpError::Reply(_) => 8,
            HttpError::Partial { .. } => 18,
            HttpError::Write(_) => 23,
            HttpError::Timeout { .. } => 28,
            HttpError::Tls { .. } => 35,
            HttpError::Redirects(_) => 47,
            HttpError::Empty => 52,
            HttpError::Io { .. } => 56,
            HttpError::Verify { .. } => 60,
            HttpError::CaFile { .. } => 77,
        }
    }
}

/// One request as the options describe it.
#[derive(Clone, Debug)]
pub struct Request {
    /// The URL.
    pub url: Url,
    /// The method (`GET`, `HEAD`, `POST`…).
    pub method: String,
    /// Header lines as given with `-H` (`Name: value`; `Name:` removes a default header,
    /// `Name;` sends it empty, as curl does).
    pub headers: Vec<String>,
    /// The body (`-d`).
    pub data: Option<Vec<u8>>,
    /// `--resolve HOST:PORT:ADDR` entries.
    pub resolve: Vec<(String, u16, Vec<IpAddr>)>,
    /// `--connect-timeout`.
    pub connect_timeout: Option<Duration>,
    /// `-m`: the whole transfer.
    pub max_time: Option<Duration>,
    /// `-L`: follow redirects.
    pub follow: bool,
    /// `-k`: go on when the certificate is not trusted.
    pub insecure: bool,
}

/// curl's `-w` times, seconds from the start (curl(1), --write-out). `time_appconnect` is 0
/// for plain http, as in curl.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Timing {
    /// Name resolved.
    pub time_namelookup: f64,
    /// TCP connected.
    pub time_connect: f64,
    /// TLS handshake done.
    pub time_appconnect: f64,
    /// Request sent, just before the first response byte is awaited (curl's pretransfer).
    pub time_pretransfer: f64,
    /// First byte of the response received.
    pub time_starttransfer: f64,
    /// Everything done.
    pub time_total: f64,
    /// Time spent in earlier hops with `-L`.
    pub time_redirect: f64,
}

/// What happened as it happens, for `-v`, `-i` and the body.
pub enum Event<'a> {
    /// Addresses for the host and where they came from.
    Resolved {
        /// The host.
        host: &'a str,
        /// Its addresses.
        addrs: &'a [IpAddr],
        /// `--resolve`, `literal`, `the target's /etc/hosts`.
        source: &'a str,
    },
    /// Connecting to this address.
    Trying(SocketAddr),
    /// Connecting to it failed.
    Failed(SocketAddr, &'a str),
    /// Connected.
    Connected(SocketAddr),
    /// TLS is up (or failed with certificates to show).
    Tls(&'a TlsReport),
    /// The request head as sent (`\r\n` lines), then the body length.
    Request(&'a [u8], usize),
    /// A response head as received, parsed.
    Response(&'a Head),
    /// Body bytes of the final response.
    Body(&'a [u8]),
    /// Trailer field lines after a chunked body of the final response (curl -i prints them).
    Trailers(&'a [String]),
    /// Following a redirect to this URL.
    Redirect(&'a str),
}

/// The receiver of events.
pub trait Observer {
    /// One event; an error on [`Event::Body`] ends the transfer (exit 23).
    fn event(&mut self, e: Event<'_>) -> io::Result<()>;
}

/// The model of a finished (or failed) transfer.
#[derive(Debug, Default, Serialize)]
pub struct Outcome {
    /// The last URL asked.
    pub url: String,
    /// The method of the last request.
    pub method: String,
    /// The address connected to.
    pub remote: Option<SocketAddr>,
    /// Where the address came from.
    pub resolved_by: Option<String>,
    /// The final response's status line parts and headers.
    pub response: Option<Head>,
    /// Body bytes received (decoded from chunked).
    pub body_bytes: u64,
    /// Redirects followed.
    pub redirects: Vec<String>,
    /// The TLS report of the last https hop.
    pub tls: Option<TlsReport>,
    /// The times.
    pub timing: Timing,
}

/// Where toolbox's view of now is, for certificate ages.
fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Run `req`: resolve (through `root`'s /etc/hosts unless `--resolve` or a literal), connect,
/// TLS with `trust`, send, receive; follow redirects with `-L`. Returns the model and the
/// error that ended it, if any.
pub fn fetch(
    req: &Request,
    root: Option<&FsRoot>,
    trust: Option<&Trust>,
    obs: &mut dyn Observer,
) -> (Outcome, Option<HttpError>) {
    let start = Instant::now();
    let mut out = Outcome::default();
    let mut req = req.clone();
    for hop in 0..=50u32 {
        out.url = req.url.to_text();
        out.method = req.method.clone();
        let res = one(&req, root, trust, obs, start, &mut out);
        match res {
            Err(e) => {
                out.timing.time_total = secs(start);
                return (out, Some(e));
            }
            Ok(None) => {
                out.timing.time_total = secs(start);
                return (out, None);
            }
            Ok(Some(next)) => {
                if hop == 50 {
                    out.timing.time_total = secs(start);
                    return (out, Some(HttpError::Redirects(50)));
                }
                let text = next.to_text();
                if let Err(err) = obs.event(Event::Redirect(&text)) {
                    return (out, Some(HttpError::Write(err)));
                }
                out.redirects.push(text);
                let status = out.response.as_ref().map_or(0, |h| h.status);
                // curl's -L: 301, 302 and 303 turn a POST into a GET without a body.
                if matches!(status, 301..=303) && req.method == "POST" || status == 303 {
                    if req.method != "HEAD" {
                        req.method = "GET".into();
                    }
                    req.data = None;
                }
                req.url = next;
                out.timing.time_redirect = secs(start);
            }
        }
    }
    (out, Some(HttpError::Redirects(50)))
}

fn secs(since: Instant) -> f64 {
    since.elapsed().as_secs_f64()
}

/// The time left before `-m` runs out.
fn left(req: &Request, start: Instant, what: &'static str) -> Result<Option<Duration>, HttpError> {
    match req.max_time {
        None => Ok(None),
        Some(max) => match max.checked_sub(start.elapsed()) {
            Some(d) if !d.is_zero() => Ok(Some(d)),
            _ => Err(HttpError::Timeout {
                what,
                ms: start.elapsed().as_millis(),
            }),
        },
    }
}

/// The addresses of the URL's host and how they were found.
fn resolve(req: &Request, root: Option<&FsRoot>) -> Result<(Vec<IpAddr>, String), HttpError> {
    let host = &req.url.host;
    if let Some((_, _, addrs)) = req
        .resolve
        .iter()
        .find(|(h, p, _)| h.eq_ignore_ascii_case(host) && *p == req.url.port)
    {
        return Ok((addrs.clone(), "--resolve".into()));
    }
    if let Ok(a) = host.parse::<IpAddr>() {
        return Ok((vec![a], "an address literal".into()));
    }
    let root = root.ok_or_else(|| {
        HttpError::Usage(format!(
            "cannot resolve {host}: the target's root (for its /etc/hosts) could not be opened; use --resolve {host}:{}:ADDR",
            req.url.port
        ))
    })?;
    let addrs = lookup::host_addrs(root, host, Family::Any)?;
    Ok((addrs, "the target's resolver (/etc/hosts, then DNS)".into()))
}

/// One request and response; Some(url) when a redirect is to be followed.
fn one(
    req: &Request,
    root: Option<&FsRoot>,
    trust: Option<&Trust>,
    obs: &mut dyn Observer,
    start: Instant,
    out: &mut Outcome,
) -> Result<Option<Url>, HttpError> {
    let (addrs, source) = resolve(req, root)?;
    obs.event(Event::Resolved {
        host: &req.url.host,
        addrs: &addrs,
        source: &source,
    })
    .map_err(HttpError::Write)?;
    out.resolved_by = Some(source);
    out.timing.time_namelookup = secs(start);

    let tcp = connect(req, &addrs, start, obs)?;
    let remote = tcp.peer_addr().ok();
    out.remote = remote;
    out.timing.time_connect = secs(start);
    out.timing.time_appconnect = 0.0;
    let mut raw = Deadline {
        tcp,
        max: req.max_time,
        start,
    };

    let mut conn = if req.url.https {
        let trust = trust.ok_or_else(|| HttpError::Tls {
            why: "no CA bundle could be loaded for this https URL (a redirect target); see --ca"
                .into(),
        })?;
        let (c, report) = handshake(req, trust, &mut raw, start);
        let verify_err = report.verdict.as_ref().and_then(|v| {
            (!v.verified && !req.insecure).then(|| HttpError::Verify {
                reason: v.reason.clone().unwrap_or_default(),
            })
        });
        obs.event(Event::Tls(&report)).map_err(HttpError::Write)?;
        out.tls = Some(report);
        if let Some(e) = verify_err {
            return Err(e);
        }
        let c = c?;
        out.timing.time_appconnect = secs(start);
        Conn::Tls(Box::new(rustls::StreamOwned::new(c, raw)))
    } else {
        Conn::Plain(raw)
    };

    let (head, body) = wire::request_bytes(req)?;
    obs.event(Event::Request(&head, body.len()))
        .map_err(HttpError::Write)?;
    let mut msg = head;
    msg.extend_from_slice(&body);
    conn.write_all(&msg)
        .map_err(|e| io_error("sending the request", e, start))?;
    conn.flush()
        .map_err(|e| io_error("sending the request", e, start))?;
    out.timing.time_pretransfer = secs(start);

    let mut rd = Reader::new(conn);
    let head = loop {
        let h = rd
            .read_head()
            .map_err(|e| wire_error(e, start))?
            .ok_or(HttpError::Empty)?;
        if out.timing.time_starttransfer == 0.0 {
            out.timing.time_starttransfer = rd
                .first_byte
                .map_or(secs(start), |t| t.duration_since(start).as_secs_f64());
        }
        obs.event(Event::Response(&h)).map_err(HttpError::Write)?;
        // 1xx (100 Continue, 103 Early Hints) precede the real answer; 101 would switch protocols.
        if (100..200).contains(&h.status) && h.status != 101 {
            continue;
        }
        break h;
    };
    let redirect = if req.follow && (300..400).contains(&head.status) {
        match head.header("location") {
            Some(loc) => Some(req.url.join(loc)?),
            None => None,
        }
    } else {
        None
    };
    let framing = wire::framing(&req.method, &head);
    out.response = Some(head);
    let mut sink = |chunk: &[u8]| -> io::Result<()> {
        if redirect.is_none() {
            obs.event(Event::Body(chunk))
        } else {
            Ok(())
        }
    };
    let (n, trailers) = rd
        .read_body(framing, &mut sink)
        .map_err(|e| wire_error(e, start))?;
    out.body_bytes = n;
    if redirect.is_none() && !trailers.is_empty() {
        obs.event(Event::Trailers(&trailers))
            .map_err(HttpError::Write)?;
    }
    Ok(redirect)
}

fn io_error(what: &'static str, err: io::Error, start: Instant) -> HttpError {
    if matches!(
        err.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    ) {
        HttpError::Timeout {
            what: "the transfer (-m)",
            ms: start.elapsed().as_millis(),
        }
    } else {
        HttpError::Io { what, err }
    }
}

fn wire_error(e: wire::WireError, start: Instant) -> HttpError {
    match e {
        wire::WireError::Io(err) => io_error("receiving the response", err, start),
        wire::WireError::Sink(err) => HttpError::Write(err),
        wire::WireError::Reply(why) => HttpError::Reply(why),
        wire::WireError::Partial(left) => HttpError::Partial { left },
    }
}

/// Connect to each address in turn (curl tries them in order), within `--connect-timeout`
/// (curl's default: 300 s) and `-m`.
fn connect(
    req: &Request,
    addrs: &[IpAddr],
    start: Instant,
    obs: &mut dyn Observer,
) -> Result<TcpStream, HttpError> {
    let budget = req.connect_timeout.unwrap_or(Duration::from_secs(300));
    let mut last = String::from("no address");
    let mut timed_out = false;
    for ip in addrs {
        let addr = SocketAddr::new(*ip, req.url.port);
        obs.event(Event::Trying(addr)).map_err(HttpError::Write)?;
        let mut limit = budget.saturating_sub(start.elapsed());
        if let Some(m) = left(req, start, "connecting")? {
            limit = limit.min(m);
        }
        if limit.is_zero() {
            timed_out = true;
            break;
        }
        match TcpStream::connect_timeout(&addr, limit) {
            Ok(s) => {
                obs.event(Event::Connected(addr))
                    .map_err(HttpError::Write)?;
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => {
                timed_out = matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                );
                last = e.to_string();
                obs.event(Event::Failed(addr, &last))
                    .map_err(HttpError::Write)?;
            }
        }
    }
    if timed_out {
        return Err(HttpError::Timeout {
            what: "connecting",
            ms: start.elapsed().as_millis(),
        });
    }
    Err(HttpError::Connect {
        host: req.url.host.clone(),
        port: req.url.port,
        why: last,
    })
}

/// The TLS handshake; the report is filled as far as it got (the chain even when the
/// verification failed).
fn handshake(
    req: &Request,
    trust: &Trust,
    raw: &mut Deadline,
    start: Instant,
) -> (Result<rustls::ClientConnection, HttpError>, TlsReport) {
    let mut report = TlsReport {
        version: None,
        cipher: None,
        alpn: None,
        ca: trust.source.clone(),
        verdict: None,
        chain: Vec::new(),
    };
    let recorder = match Recorder::new(trust.roots.clone(), req.insecure) {
        Ok(r) => r,
        Err(e) => return (Err(e), report),
    };
    let res = (|| {
        let provider = tls::provider();
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| HttpError::Tls { why: e.to_string() })?
            .dangerous()
            .with_custom_certificate_verifier(recorder.clone())
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let name = rustls::pki_types::ServerName::try_from(req.url.host.clone()).map_err(|_| {
            HttpError::Tls {
                why: format!("{} is not a valid server name", req.url.host),
            }
        })?;
        let mut conn = rustls::ClientConnection::new(Arc::new(config), name)
            .map_err(|e| HttpError::Tls { why: e.to_string() })?;
        while conn.is_handshaking() {
            conn.complete_io(raw).map_err(|e| {
                match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                    Some(t) => HttpError::Tls { why: t.to_string() },
                    None => io_error("the TLS handshake", e, start),
                }
            })?;
        }
        Ok(conn)
    })();
    let now = now_secs();
    report.chain = recorder
        .chain()
        .iter()
        .filter_map(|c| CertInfo::from_der(c, now))
        .collect();
    report.verdict = recorder.verdict(&req.url.host, &trust.source);
    if let Ok(c) = &res {
        report.version = c.protocol_version().map(tls::version_text);
        report.cipher = c
            .negotiated_cipher_suite()
            .map(|s| tls::cipher_text(s.suite()));
        report.alpn = c
            .alpn_protocol()
            .map(|p| String::from_utf8_lossy(p).into_owned());
    }
    (res, report)
}

/// A TCP stream whose reads and writes stop at the `-m` deadline.
struct Deadline {
    tcp: TcpStream,
    max: Option<Duration>,
    start: Instant,
}

impl Deadline {
    fn arm(&self) -> io::Result<()> {
        let Some(max) = self.max else { return Ok(()) };
        match max.checked_sub(self.start.elapsed()) {
            Some(d) if !d.is_zero() => {
                self.tcp.set_read_timeout(Some(d))?;
                self.tcp.set_write_timeout(Some(d))
            }
            _ => Err(io::Error::from(io::ErrorKind::TimedOut)),
        }
    }
}

impl Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.arm()?;
        self.tcp.read(buf)
    }
}

impl Write for Deadline {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.arm()?;
        self.tcp.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}

/// A plain or TLS connection.
enum Conn {
    Plain(Deadline),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, Deadline>>),
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            // A server that closes without close_notify ends a read-to-EOF body; rustls says
            // UnexpectedEof, curl takes it as the end.
            Conn::Tls(s) => match s.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(0),
                r => r,
            },
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(s) => s.flush(),
        }
    }
}
