//! TCP connects and UDP probes for `toolbox connect`, like `nc -zv`: one [`Attempt`] per try,
//! with the time it took and an [`Outcome`] that tells refused from timeout from no route.
//! See: connect(2) ERRORS, udp(7) (ICMP port unreachable is ECONNREFUSED on a connected socket).

use std::io;
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use serde::Serialize;

/// Errors of reading `HOST:PORT`.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// Not `HOST:PORT` or `[V6]:PORT`.
    #[error("`{0}`: expected HOST:PORT or [IPv6]:PORT")]
    Syntax(String),
    /// The port is not a number in 1–65535.
    #[error("`{0}`: the port must be a number from 1 to 65535")]
    Port(String),
}

/// Split `HOST:PORT` / `[V6]:PORT` into host and port.
pub fn parse_target(s: &str) -> Result<(String, u16), ConnectError> {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, p) = rest
            .split_once("]:")
            .ok_or_else(|| ConnectError::Syntax(s.into()))?;
        (h, p)
    } else {
        let (h, p) = s
            .rsplit_once(':')
            .ok_or_else(|| ConnectError::Syntax(s.into()))?;
        if h.contains(':') {
            // A bare IPv6 address: the port would be ambiguous.
            return Err(ConnectError::Syntax(s.into()));
        }
        (h, p)
    };
    if host.is_empty() {
        return Err(ConnectError::Syntax(s.into()));
    }
    let port = port
        .parse::<u16>()
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| ConnectError::Port(s.into()))?;
    Ok((host.to_string(), port))
}

/// TCP or UDP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    /// A TCP connect.
    Tcp,
    /// A UDP datagram and a wait for an answer.
    Udp,
}

impl Proto {
    /// `tcp` or `udp`.
    pub fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        }
    }
}

/// How one attempt ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// TCP: the handshake completed.
    Connected,
    /// UDP: a datagram came back.
    Open,
    /// UDP: nothing came back and no ICMP error either (nmap's and nc's "open|filtered").
    OpenFiltered,
    /// ECONNREFUSED: a RST (TCP) or ICMP port unreachable (UDP).
    Refused,
    /// No answer within the wait.
    Timeout,
    /// EHOSTUNREACH or ENETUNREACH: no route, or the neighbour did not answer.
    NoRoute,
    /// Anything else, by errno name.
    Other,
}

impl Outcome {
    /// The result word printed.
    pub fn word(&self) -> &'static str {
        match self {
            Outcome::Connected => "connected",
            Outcome::Open => "open",
            Outcome::OpenFiltered => "open|filtered",
            Outcome::Refused => "refused",
            Outcome::Timeout => "timeout",
            Outcome::NoRoute => "no route",
            Outcome::Other => "error",
        }
    }

    /// Whether this counts as reachable (exit 0): connected, or a UDP port not refused.
    pub fn success(&self) -> bool {
        matches!(
            self,
            Outcome::Connected | Outcome::Open | Outcome::OpenFiltered
        )
    }
}

/// One try at one address.
#[derive(Clone, Debug, Serialize)]
pub struct Attempt {
    /// The address tried.
    pub addr: SocketAddr,
    /// TCP or UDP.
    pub proto: Proto,
    /// How it ended.
    pub result: Outcome,
    /// The errno's name (ECONNREFUSED…), when an error ended it.
    pub errno: Option<String>,
    /// The errno's text.
    pub message: Option<String>,
    /// Milliseconds from the start of the attempt to its end.
    pub time_ms: f64,
}

fn errno_name(err: &io::Error) -> Option<String> {
    err.raw_os_error()
        .map(|n| format!("{:?}", nix::errno::Errno::from_raw(n)))
}

fn classify(err: &io::Error) -> Outcome {
    match err.raw_os_error() {
        Some(libc::ECONNREFUSED) => Outcome::Refused,
        Some(libc::ETIMEDOUT) => Outcome::Timeout,
        Some(libc::EHOSTUNREACH | libc::ENETUNREACH) => Outcome::NoRoute,
        Some(libc::EAGAIN) => Outcome::Timeout,
        Some(_) => Outcome::Other,
        None if err.kind() == io::ErrorKind::TimedOut => Outcome::Timeout,
        None => Outcome::Other,
    }
}

fn attempt(addr: SocketAddr, proto: Proto, start: Instant, res: io::Result<Outcome>) -> Attempt {
    let time_ms = start.elapsed().as_secs_f64() * 1000.0;
    match res {
        Ok(result) => Attempt {
            addr,
            proto,
            result,
            errno: None,
            message: None,
            time_ms,
        },
        Err(e) => Attempt {
            addr,
            proto,
            result: classify(&e),
            errno: errno_name(&e),
            message: Some(crate::net::ping::errno_text(&e)),
            time_ms,
        },
    }
}

/// Connect to `addr` over TCP, waiting at most `wait`, and close again.
pub fn tcp(addr: SocketAddr, wait: Duration) -> Attempt {
    let start = Instant::now();
    let res = TcpStream::connect_timeout(&addr, wait).map(|_| Outcome::Connected);
    attempt(addr, Proto::Tcp, start, res)
}

/// Send one empty UDP datagram to `addr` from a connected socket and wait at most `wait` for a
/// datagram back or the ICMP error the kernel reports as ECONNREFUSED (port unreachable) or
/// EHOSTUNREACH.
pub fn udp(addr: SocketAddr, wait: Duration) -> Attempt {
    let start = Instant::now();
    let res = (|| {
        let bind: SocketAddr = if addr.is_ipv4() {
            ([0, 0, 0, 0], 0).into()
        } else {
            (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
        };
        let sock = UdpSocket::bind(bind)?;
        sock.connect(addr)?;
        sock.set_read_timeout(Some(wait.max(Duration::from_millis(1))))?;
        sock.send(&[])?;
        let mut buf = [0u8; 512];
        match sock.recv(&mut buf) {
            Ok(_) => Ok(Outcome::Open),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                Ok(Outcome::OpenFiltered)
            }
            Err(e) => Err(e),
        }
    })();
    attempt(addr, Proto::Udp, start, res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_forms() {
        assert_eq!(parse_target("web:80").unwrap(), ("web".into(), 80));
        assert_eq!(parse_target("[::1]:443").unwrap(), ("::1".into(), 443));
        assert_eq!(
            parse_target("10.0.0.1:53").unwrap(),
            ("10.0.0.1".into(), 53)
        );
        assert!(parse_target("::1:80").is_err());
        assert!(parse_target("web").is_err());
        assert!(parse_target("web:0").is_err());
        assert!(parse_target("web:http").is_err());
        assert!(parse_target(":80").is_err());
    }

    #[test]
    fn errors_become_result_words() {
        let e = |n| io::Error::from_raw_os_error(n);
        assert_eq!(classify(&e(libc::ECONNREFUSED)), Outcome::Refused);
        assert_eq!(classify(&e(libc::EHOSTUNREACH)), Outcome::NoRoute);
        assert_eq!(classify(&e(libc::ENETUNREACH)), Outcome::NoRoute);
        assert_eq!(
            classify(&io::Error::from(io::ErrorKind::TimedOut)),
            Outcome::Timeout
        );
        assert_eq!(classify(&e(libc::EACCES)), Outcome::Other);
        assert_eq!(errno_name(&e(libc::EACCES)).as_deref(), Some("EACCES"));
    }
}
