//! A stub resolver that behaves like the target's libc and records its work: which names the
//! search list turns a name into ([`search`]), each query sent and its answer ([`Exchange`]), and
//! the outcome. Messages are built and parsed with hickory-proto ([`wire`]); [`transport`] sends
//! them over UDP (TCP when an answer comes back truncated, or when asked); [`resolve`] follows
//! res_search(3) and getaddrinfo(3)'s A-and-AAAA rule.
//!
//! Everything here uses the network namespace toolbox is in: callers enter the target's first.

pub mod resolve;
pub mod search;
pub mod transport;
pub mod wire;

use std::net::SocketAddr;

use serde::Serialize;

/// Errors that stop a lookup before any query is sent.
#[derive(Debug, thiserror::Error)]
pub enum DnsError {
    /// The name cannot be written as a DNS name.
    #[error("`{name}` is not a valid DNS name: {msg}")]
    BadName {
        /// The name as given.
        name: String,
        /// hickory-proto's words.
        msg: String,
    },
    /// The record type is not one toolbox knows.
    #[error("`{0}` is not a DNS record type (A, AAAA, CNAME, SRV, MX, TXT, PTR, NS, SOA, ANY, …)")]
    BadType(String),
    /// The query could not be encoded.
    #[error("cannot encode the query for {name}: {msg}")]
    Encode {
        /// The name asked for.
        name: String,
        /// hickory-proto's words.
        msg: String,
    },
}

/// One resource record of an answer, in dig's presentation format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// Owner name, with its trailing dot.
    pub name: String,
    /// Time to live in seconds.
    pub ttl: u32,
    /// Record type (`A`, `CNAME`…).
    #[serde(rename = "type")]
    pub rtype: String,
    /// The data as dig prints it (`10.96.0.20`, `10 mail.cluster.local.`, `"v=1"`).
    pub data: String,
}

/// How a query travelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    /// One UDP datagram each way.
    Udp,
    /// A TCP connection, the message prefixed by its length.
    Tcp,
}

impl Proto {
    /// `udp` or `tcp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Proto::Udp => "udp",
            Proto::Tcp => "tcp",
        }
    }
}

/// One query actually sent, and what came back.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Exchange {
    /// The name asked for, with the search suffix applied and a trailing dot.
    pub name: String,
    /// The record type asked for.
    #[serde(rename = "type")]
    pub qtype: String,
    /// The server it went to.
    pub server: SocketAddr,
    /// UDP or TCP.
    pub proto: Proto,
    /// The answer's response code (`NOERROR`, `NXDOMAIN`, `SERVFAIL`, `REFUSED`…); none when
    /// nothing came back.
    pub rcode: Option<String>,
    /// Why nothing came back (`timed out after 5 s`, `connection refused`).
    pub error: Option<String>,
    /// The UDP answer had the TC bit set: it is retried over TCP (the next exchange).
    pub truncated: bool,
    /// The answer section.
    pub answers: Vec<Answer>,
    /// From sending the query to reading its answer (or giving up), in milliseconds.
    pub latency_ms: f64,
}

impl Exchange {
    /// True when the answer section holds a record of the type asked for (any record for
    /// `ANY`): an answer, not only a CNAME pointing elsewhere.
    pub fn answered(&self) -> bool {
        self.answers
            .iter()
            .any(|a| a.rtype == self.qtype || self.qtype == "ANY")
    }
}

/// The dig mnemonic of a response code. See: RFC 1035 4.1.1, RFC 6895 2.3.
pub fn rcode_name(code: u16) -> String {
    match code {
        0 => "NOERROR".into(),
        1 => "FORMERR".into(),
        2 => "SERVFAIL".into(),
        3 => "NXDOMAIN".into(),
        4 => "NOTIMP".into(),
        5 => "REFUSED".into(),
        6 => "YXDOMAIN".into(),
        7 => "YXRRSET".into(),
        8 => "NXRRSET".into(),
        9 => "NOTAUTH".into(),
        10 => "NOTZONE".into(),
        16 => "BADVERS".into(),
        n => format!("RCODE{n}"),
    }
}
