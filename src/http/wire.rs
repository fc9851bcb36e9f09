//! HTTP/1.1 on the wire (RFC 9112): the request head as curl writes it, the response head
//! parsed by httparse, and the body framed by Content-Length, chunked coding or the close.

use std::io::{self, Read};
use std::time::Instant;

use serde::Serialize;

use super::{HttpError, Request};

/// The most a response head may be (curl's limit is 100 KiB too).
const MAX_HEAD: usize = 100 * 1024;
/// The most header fields in one response.
const MAX_FIELDS: usize = 256;

/// Errors of reading a response.
#[derive(Debug)]
pub enum WireError {
    /// The connection failed.
    Io(io::Error),
    /// The body's receiver failed.
    Sink(io::Error),
    /// Not HTTP/1.x.
    Reply(String),
    /// The body was cut short by this many bytes (0 when the count is unknown: a chunk).
    Partial(u64),
}

/// A response head.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Head {
    /// `HTTP/1.1` or `HTTP/1.0`.
    pub version: String,
    /// The status code.
    pub status: u16,
    /// The reason phrase.
    pub reason: String,
    /// Header fields in order (names as sent, values lossy UTF-8).
    pub headers: Vec<(String, String)>,
    /// The head exactly as received, status line to the empty line (what `-i` prints).
    #[serde(skip)]
    pub raw: Vec<u8>,
}

impl Head {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How the body is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// No body (HEAD, 1xx, 204, 304).
    None,
    /// Exactly this many bytes.
    Length(u64),
    /// Chunked transfer coding.
    Chunked,
    /// Until the server closes.
    Close,
}

/// The body's framing for a response to `method` (RFC 9112 §6.3).
pub fn framing(method: &str, head: &Head) -> Framing {
    if method.eq_ignore_ascii_case("HEAD") || matches!(head.status, 100..=199 | 204 | 304) {
        return Framing::None;
    }
    if let Some(te) = head.header("transfer-encoding") {
        if te
            .rsplit(',')
            .next()
            .is_some_and(|c| c.trim().eq_ignore_ascii_case("chunked"))
        {
            return Framing::Chunked;
        }
        return Framing::Close;
    }
    match head
        .header("content-length")
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        Some(n) => Framing::Length(n),
        None => Framing::Close,
    }
}

/// The request head and body as curl sends them: request line, `Host`, `User-Agent`,
/// `Accept: */*`, with `-d` `Content-Length` and `Content-Type:
/// application/x-www-form-urlencoded`; then `-H` lines, which replace a default of the same
/// name (`Name:` drops it, `Name;` sends it empty).
pub fn request_bytes(req: &Request) -> Result<(Vec<u8>, Vec<u8>), HttpError> {
    let body = req.data.clone().unwrap_or_default();
    let mut fields: Vec<(String, String)> = vec![
        ("Host".into(), req.url.host_header()),
        (
            "User-Agent".into(),
            concat!("toolbox/", env!("CARGO_PKG_VERSION")).into(),
        ),
        ("Accept".into(), "*/*".into()),
    ];
    if req.data.is_some() {
        fields.push(("Content-Length".into(), body.len().to_string()));
        fields.push((
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
    }
    for h in &req.headers {
        if h.bytes().any(|b| b == b'\r' || b == b'\n') {
            return Err(HttpError::Usage(format!("header {h:?} has a line break")));
        }
        let (name, value, drop) = match (h.find(':'), h.find(';')) {
            (Some(c), s) if s.is_none_or(|s| c < s) => {
                let v = h[c + 1..].trim();
                (&h[..c], v.to_string(), v.is_empty())
            }
            (_, Some(s)) if h[s + 1..].trim().is_empty() => (&h[..s], String::new(), false),
            _ => {
                return Err(HttpError::Usage(format!(
                    "header {h:?} is not `Name: value`"
                )))
            }
        };
        let name = name.trim();
        if name.is_empty() || name.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(HttpError::Usage(format!("header {h:?} has no valid name")));
        }
        let existing = fields
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(name));
        match (existing, drop) {
            (Some(i), true) => {
                fields.remove(i);
            }
            (None, true) => {}
            (Some(i), false) => fields[i] = (name.to_string(), value),
            (None, false) => fields.push((name.to_string(), value)),
        }
    }
    let mut head = format!("{} {} HTTP/1.1\r\n", req.method, req.url.target).into_bytes();
    for (n, v) in fields {
        let line = if v.is_empty() {
            format!("{n}:\r\n")
        } else {
            format!("{n}: {v}\r\n")
        };
        head.extend_from_slice(line.as_bytes());
    }
    head.extend_from_slice(b"\r\n");
    Ok((head, body))
}

/// A buffered reader of responses that notes when the first byte came.
pub struct Reader<R> {
    inner: R,
    buf: Vec<u8>,
    at: usize,
    /// When the first byte of the response arrived.
    pub first_byte: Option<Instant>,
}

impl<R: Read> Reader<R> {
    /// Read from `inner`.
    pub fn new(inner: R) -> Reader<R> {
        Reader {
            inner,
            buf: Vec::new(),
            at: 0,
            first_byte: None,
        }
    }

    /// Read more into the buffer; false at EOF.
    fn fill(&mut self) -> Result<bool, WireError> {
        if self.at > 0 {
            self.buf.drain(..self.at);
            self.at = 0;
        }
        let mut chunk = [0u8; 16 * 1024];
        let n = loop {
            match self.inner.read(&mut chunk) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(WireError::Io(e)),
            }
        };
        if n > 0 && self.first_byte.is_none() {
            self.first_byte = Some(Instant::now());
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    }

    fn pending(&self) -> &[u8] {
        &self.buf[self.at..]
    }

    /// The next response head; None if the connection closed before any byte.
    pub fn read_head(&mut self) -> Result<Option<Head>, WireError> {
        loop {
            let mut fields = [httparse::EMPTY_HEADER; MAX_FIELDS];
            let mut resp = httparse::Response::new(&mut fields);
            match resp.parse(self.pending()) {
                Ok(httparse::Status::Complete(len)) => {
                    let head = Head {
                        version: format!("HTTP/1.{}", resp.version.unwrap_or(1)),
                        status: resp.code.unwrap_or(0),
                        reason: resp.reason.unwrap_or("").to_string(),
                        headers: resp
                            .headers
                            .iter()
                            .map(|h| {
                                (
                                    h.name.to_string(),
                                    String::from_utf8_lossy(h.value).into_owned(),
                                )
                            })
                            .collect(),
                        raw: self.pending()[..len].to_vec(),
                    };
                    self.at += len;
                    return Ok(Some(head));
                }
                Ok(httparse::Status::Partial) => {}
                Err(e) => return Err(WireError::Reply(format!("{e} in the response head"))),
            }
            if self.pending().len() > MAX_HEAD {
                return Err(WireError::Reply(format!(
                    "the response head is larger than {MAX_HEAD} bytes"
                )));
            }
            if !self.fill()? {
                if self.pending().is_empty() {
                    return Ok(None);
                }
                return Err(WireError::Reply(
                    "the connection closed in the middle of the response head".into(),
                ));
            }
        }
    }

    /// Pass the body to `sink` as it comes; returns its length and the trailer field lines
    /// of a chunked body (without their line ends).
    pub fn read_body(
        &mut self,
        framing: Framing,
        sink: &mut dyn FnMut(&[u8]) -> io::Result<()>,
    ) -> Result<(u64, Vec<String>), WireError> {
        match framing {
            Framing::None => Ok((0, Vec::new())),
            Framing::Length(n) => Ok((self.copy(Some(n), sink)?, Vec::new())),
            Framing::Close => Ok((self.copy(None, sink)?, Vec::new())),
            Framing::Chunked => {
                let mut total = 0;
                loop {
                    let line = self.line()?;
                    let size = line.split(';').next().unwrap_or("").trim();
                    let size = u64::from_str_radix(size, 16)
                        .map_err(|_| WireError::Reply(format!("bad chunk size line {line:?}")))?;
                    if size == 0 {
                        // Trailer fields up to the empty line (at most as many as a head has).
                        let mut trailers = Vec::new();
                        loop {
                            let line = self.line()?;
                            if line.is_empty() {
                                return Ok((total, trailers));
                            }
                            if trailers.len() == MAX_FIELDS {
                                return Err(WireError::Reply("too many trailer fields".into()));
                            }
                            trailers.push(line);
                        }
                    }
                    total += self.copy(Some(size), sink)?;
                    if !self.line()?.is_empty() {
                        return Err(WireError::Reply("no CRLF after a chunk".into()));
                    }
                }
            }
        }
    }

    /// Copy `n` bytes (or up to EOF) to `sink`.
    fn copy(
        &mut self,
        n: Option<u64>,
        sink: &mut dyn FnMut(&[u8]) -> io::Result<()>,
    ) -> Result<u64, WireError> {
        let mut done = 0u64;
        loop {
            if n.is_some_and(|n| done == n) {
                return Ok(done);
            }
            if self.pending().is_empty() && !self.fill()? {
                return match n {
                    Some(n) => Err(WireError::Partial(n - done)),
                    None => Ok(done),
                };
            }
            let avail = self.pending().len() as u64;
            let take = n.map_or(avail, |n| avail.min(n - done)) as usize;
            sink(&self.pending()[..take]).map_err(WireError::Sink)?;
            self.at += take;
            done += take as u64;
        }
    }

    /// One CRLF- (or LF-) terminated line, without the terminator.
    fn line(&mut self) -> Result<String, WireError> {
        loop {
            if let Some(i) = self.pending().iter().position(|b| *b == b'\n') {
                let line = String::from_utf8_lossy(&self.pending()[..i])
                    .trim_end_matches('\r')
                    .to_string();
                self.at += i + 1;
                return Ok(line);
            }
            if self.pending().len() > 8192 {
                return Err(WireError::Reply("a chunk line longer than 8 KiB".into()));
            }
            if !self.fill()? {
                return Err(WireError::Partial(0));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Body = Result<(u64, Vec<String>), String>;

    fn body_of(raw: &[u8], method: &str) -> (Head, Vec<u8>, Body) {
        let mut rd = Reader::new(raw);
        let head = rd.read_head().unwrap().unwrap();
        let mut body = Vec::new();
        let res = rd
            .read_body(framing(method, &head), &mut |c: &[u8]| {
                body.extend_from_slice(c);
                Ok(())
            })
            .map_err(|e| format!("{e:?}"));
        (head, body, res)
    }

    #[test]
    fn chunked_and_length_bodies() {
        let (h, b, r) = body_of(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n1\r\n!\r\n0\r\nT: v\r\n\r\n",
            "GET",
        );
        assert_eq!(
            (h.status, b.as_slice(), r),
            (200, &b"hello!"[..], Ok((6, vec!["T: v".to_string()])))
        );
        let (h, b, _) = body_of(
            b"HTTP/1.0 404 Not Found\r\nContent-Length: 3\r\n\r\nabcdef",
            "GET",
        );
        assert_eq!(
            (h.version.as_str(), h.reason.as_str(), b.as_slice()),
            ("HTTP/1.0", "Not Found", &b"abc"[..])
        );
        let (_, b, _) = body_of(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", "HEAD");
        assert!(b.is_empty());
        let (_, b, r) = body_of(b"HTTP/1.1 200 OK\r\n\r\nto the end", "GET");
        assert_eq!((b.as_slice(), r), (&b"to the end"[..], Ok((10, vec![]))));
        let (_, _, r) = body_of(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc", "GET");
        assert_eq!(r, Err("Partial(6)".to_string()));
    }

    #[test]
    fn garbage_is_a_weird_reply() {
        let mut rd = Reader::new(&b"SSH-2.0-OpenSSH\r\n\r\n"[..]);
        assert!(matches!(rd.read_head(), Err(WireError::Reply(_))));
        let mut rd = Reader::new(&b""[..]);
        assert!(matches!(rd.read_head(), Ok(None)));
    }

    #[test]
    fn request_head_like_curl() {
        let req = Request {
            url: super::super::Url::parse("http://h:8080/p").unwrap(),
            method: "POST".into(),
            headers: vec![
                "Accept: text/plain".into(),
                "User-Agent:".into(),
                "X-Empty;".into(),
            ],
            data: Some(b"a=1".to_vec()),
            resolve: vec![],
            connect_timeout: None,
            max_time: None,
            follow: false,
            insecure: false,
        };
        let (head, body) = request_bytes(&req).unwrap();
        assert_eq!(
            String::from_utf8(head).unwrap(),
            "POST /p HTTP/1.1\r\nHost: h:8080\r\nAccept: text/plain\r\nContent-Length: 3\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Empty:\r\n\r\n"
        );
        assert_eq!(body, b"a=1");
        let mut bad = req.clone();
        bad.headers = vec!["X: a\r\nInjected: b".into()];
        assert!(request_bytes(&bad).is_err());
    }
}
