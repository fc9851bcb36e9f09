//! The part of a URL an HTTP/1.1 client needs (RFC 3986 §3): scheme, host, port and the
//! request target; and how a `Location` header is resolved against it (RFC 3986 §5.2, the
//! cases servers send).

use super::HttpError;

/// A parsed `http://` or `https://` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// `https` (TLS) or `http`.
    pub https: bool,
    /// The host without IPv6 brackets.
    pub host: String,
    /// The port (80/443 when the URL has none).
    pub port: u16,
    /// Whether the URL named the port.
    pub explicit_port: bool,
    /// Path and query, starting with `/`; the fragment is dropped (it is never sent).
    pub target: String,
}

impl Url {
    /// Parse `text`; without a scheme, `http://` is assumed (as curl does).
    pub fn parse(text: &str) -> Result<Url, HttpError> {
        let bad = |why: &str| HttpError::Url {
            url: text.to_string(),
            why: why.to_string(),
        };
        let (scheme, rest) = match text.split_once("://") {
            Some((s, r)) => (s.to_ascii_lowercase(), r),
            None => ("http".to_string(), text),
        };
        let https = match scheme.as_str() {
            "http" => false,
            "https" => true,
            _ => {
                return Err(HttpError::Scheme {
                    scheme: scheme.to_string(),
                })
            }
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if authority.contains('@') {
            return Err(bad(
                "credentials in the URL are not supported; send them with -H 'Authorization: …'",
            ));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (h, after) = v6
                .split_once(']')
                .ok_or_else(|| bad("an IPv6 address without its closing `]`"))?;
            let port = match after {
                "" => None,
                p => Some(
                    p.strip_prefix(':')
                        .ok_or_else(|| bad("text after the IPv6 address"))?,
                ),
            };
            (h.to_string(), port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (authority.to_string(), None),
            }
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        if host
            .bytes()
            .any(|b| b.is_ascii_control() || b == b' ' || b == b'\\')
        {
            return Err(bad("the host has a space or a control character"));
        }
        let explicit_port = port.is_some_and(|p| !p.is_empty());
        let port = match port {
            Some(p) if !p.is_empty() => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| bad("the port is not a number from 1 to 65535"))?,
            _ if https => 443,
            _ => 80,
        };
        let tail = tail.split('#').next().unwrap_or("");
        if tail.bytes().any(|b| b.is_ascii_control() || b == b' ') {
            return Err(bad(
                "the path has a space or a control character (percent-encode it)",
            ));
        }
        let target = if tail.starts_with('/') {
            tail.to_string()
        } else {
            format!("/{tail}")
        };
        Ok(Url {
            https,
            host,
            port,
            explicit_port,
            target,
        })
    }

    /// The `Host` header: the host (bracketed if IPv6) and a port the URL named that is not
    /// the scheme's default.
    pub fn host_header(&self) -> String {
        let host = self.host_bracketed();
        let default = if self.https { 443 } else { 80 };
        if self.explicit_port && self.port != default {
            format!("{host}:{}", self.port)
        } else {
            host
        }
    }

    /// The host as it appears in a URL: IPv6 addresses in brackets.
    pub fn host_bracketed(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        }
    }

    /// The URL as text.
    pub fn to_text(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        let default = if self.https { 443 } else { 80 };
        let port = if self.port == default {
            String::new()
        } else {
            format!(":{}", self.port)
        };
        format!("{scheme}://{}{port}{}", self.host_bracketed(), self.target)
    }

    /// Where a `Location` header value points, relative to this URL.
    pub fn join(&self, location: &str) -> Result<Url, HttpError> {
        let location = location.trim();
        if location.contains("://") {
            return Url::parse(location);
        }
        let scheme = if self.https { "https" } else { "http" };
        if let Some(rest) = location.strip_prefix("//") {
            return Url::parse(&format!("{scheme}://{rest}"));
        }
        let mut next = self.clone();
        if location.starts_with('/') {
            next.target = location.to_string();
        } else if location.starts_with('?') {
            let path = self.target.split('?').next().unwrap_or("/");
            next.target = format!("{path}{location}");
        } else {
            let path = self.target.split('?').next().unwrap_or("/");
            let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
            next.target = format!("{dir}{location}");
        }
        next.target = next.target.split('#').next().unwrap_or("/").to_string();
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_curl_accepts() {
        let u = Url::parse("https://[::1]:8443/a?b=c#frag").unwrap();
        assert_eq!(
            (u.https, u.host.as_str(), u.port, u.target.as_str()),
            (true, "::1", 8443, "/a?b=c")
        );
        assert_eq!(u.host_header(), "[::1]:8443");
        let u = Url::parse("web.default.svc.cluster.local").unwrap();
        assert_eq!((u.https, u.port, u.target.as_str()), (false, 80, "/"));
        assert_eq!(u.host_header(), "web.default.svc.cluster.local");
        assert_eq!(Url::parse("http://h?x").unwrap().target, "/?x");
        assert!(matches!(
            Url::parse("ftp://h/"),
            Err(HttpError::Scheme { .. })
        ));
        assert!(Url::parse("http://h:0/").is_err());
        assert!(Url::parse("http://h:99999/").is_err());
        assert!(Url::parse("http://u:p@h/").is_err());
        assert!(Url::parse("http:///x").is_err());
    }

    #[test]
    fn location_is_resolved_like_a_browser() {
        let u = Url::parse("http://h:8080/a/b?q").unwrap();
        assert_eq!(u.join("c").unwrap().to_text(), "http://h:8080/a/c");
        assert_eq!(u.join("/d").unwrap().to_text(), "http://h:8080/d");
        assert_eq!(u.join("?z").unwrap().to_text(), "http://h:8080/a/b?z");
        assert_eq!(u.join("//o/p").unwrap().to_text(), "http://o/p");
        assert_eq!(u.join("https://x/y").unwrap().to_text(), "https://x/y");
    }
}
