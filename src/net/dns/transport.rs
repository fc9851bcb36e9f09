//! Sending queries to one server and waiting for their answers: over UDP one or two queries at
//! once from one socket (how glibc sends A and AAAA together), over TCP one query per
//! connection with the two-byte length prefix (RFC 1035 4.2.2). Answers that do not match a
//! query's id, name and type are dropped, as libc drops them.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use hickory_proto::rr::{Name, RecordType};

use super::wire::{decode_reply, Reply};

/// A query ready to send.
#[derive(Clone, Debug)]
pub struct Outgoing {
    /// Its id.
    pub id: u16,
    /// The name asked for.
    pub name: Name,
    /// The type asked for.
    pub qtype: RecordType,
    /// The encoded message.
    pub bytes: Vec<u8>,
}

/// What became of one query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The server answered.
    Reply(Reply),
    /// Nothing came back before the deadline.
    Timeout(Duration),
    /// The network said no (refused, unreachable), in words.
    Failed(String),
}

/// Largest DNS message over TCP; UDP datagrams are read into a buffer this large too.
const MAX_MESSAGE: usize = 65535;

/// Send every query of `batch` to `server` over one UDP socket, back to back, then wait up to
/// `timeout` for all their answers. Returns each query's outcome and its latency.
pub fn udp(server: SocketAddr, batch: &[Outgoing], timeout: Duration) -> Vec<(Outcome, Duration)> {
    let mut out: Vec<Option<(Outcome, Duration)>> = vec![None; batch.len()];
    let local = match server.ip() {
        IpAddr::V4(_) => SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
        IpAddr::V6(_) => SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)),
    };
    let sock = match UdpSocket::bind(local).and_then(|s| s.connect(server).map(|()| s)) {
        Ok(s) => s,
        Err(e) => return fail_all(batch.len(), &e, Duration::ZERO),
    };
    let start = Instant::now();
    for (i, q) in batch.iter().enumerate() {
        if let Err(e) = sock.send(&q.bytes) {
            out[i] = Some((Outcome::Failed(words(&e)), start.elapsed()));
        }
    }
    let deadline = start + timeout;
    let mut buf = vec![0u8; MAX_MESSAGE];
    while out.iter().any(Option::is_none) {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        if sock.set_read_timeout(Some(deadline - now)).is_err() {
            break;
        }
        match sock.recv(&mut buf) {
            Ok(n) => {
                let Some(reply) = decode_reply(&buf[..n]) else {
                    continue;
                };
                let hit = batch.iter().enumerate().position(|(i, q)| {
                    out[i].is_none() && reply.answers_query(q.id, &q.name, q.qtype)
                });
                if let Some(i) = hit {
                    out[i] = Some((Outcome::Reply(reply), start.elapsed()));
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                break
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                // An ICMP error (port unreachable, no route) ends every query still waiting.
                let t = start.elapsed();
                for o in out.iter_mut().filter(|o| o.is_none()) {
                    *o = Some((Outcome::Failed(words(&e)), t));
                }
            }
        }
    }
    let waited = start.elapsed();
    out.into_iter()
        .map(|o| o.unwrap_or((Outcome::Timeout(timeout), waited)))
        .collect()
}

/// Send one query to `server` over a new TCP connection; `timeout` bounds connecting and then
/// the whole exchange.
pub fn tcp(server: SocketAddr, q: &Outgoing, timeout: Duration) -> (Outcome, Duration) {
    let start = Instant::now();
    let res = (|| -> io::Result<Option<Reply>> {
        let mut s = TcpStream::connect_timeout(&server, timeout)?;
        let left = timeout
            .saturating_sub(start.elapsed())
            .max(Duration::from_millis(1));
        s.set_read_timeout(Some(left))?;
        s.set_write_timeout(Some(left))?;
        let len = u16::try_from(q.bytes.len()).map_err(|_| io::ErrorKind::InvalidInput)?;
        let mut msg = Vec::with_capacity(q.bytes.len() + 2);
        msg.extend_from_slice(&len.to_be_bytes());
        msg.extend_from_slice(&q.bytes);
        s.write_all(&msg)?;
        let mut lenb = [0u8; 2];
        s.read_exact(&mut lenb)?;
        let mut body = vec![0u8; usize::from(u16::from_be_bytes(lenb))];
        s.read_exact(&mut body)?;
        Ok(decode_reply(&body).filter(|r| r.answers_query(q.id, &q.name, q.qtype)))
    })();
    let t = start.elapsed();
    match res {
        Ok(Some(r)) => (Outcome::Reply(r), t),
        Ok(None) => (
            Outcome::Failed("the answer over TCP does not match the query".into()),
            t,
        ),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            (Outcome::Timeout(timeout), t)
        }
        Err(e) => (Outcome::Failed(words(&e)), t),
    }
}

fn fail_all(n: usize, e: &io::Error, t: Duration) -> Vec<(Outcome, Duration)> {
    vec![(Outcome::Failed(words(e)), t); n]
}

/// An io::Error in lower-case words without the `(os error N)` tail.
fn words(e: &io::Error) -> String {
    let s = e.to_string();
    let s = match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    };
    s.to_lowercase()
}
