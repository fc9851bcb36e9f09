//! DNS messages on the wire, through hickory-proto: a query for (name, type) as libc sends it
//! (recursion desired, one question, EDNS0 only when resolv.conf asks for it), and an answer
//! parsed into what the printers need ([`Reply`]).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::net::IpAddr;
use std::str::FromStr;

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query};
use hickory_proto::rr::{Name, RData, Record, RecordType};

use super::{rcode_name, Answer, DnsError};

/// The UDP payload size glibc advertises with `options edns0`.
pub const EDNS_PAYLOAD: u16 = 1200;

/// A record type from its name (`a`, `AAAA`, `TYPE65`), case-insensitive.
pub fn parse_type(s: &str) -> Result<RecordType, DnsError> {
    let up = s.to_ascii_uppercase();
    if let Some(n) = up.strip_prefix("TYPE").and_then(|n| n.parse::<u16>().ok()) {
        return Ok(RecordType::from(n));
    }
    match RecordType::from_str(&up) {
        Ok(t) if !matches!(t, RecordType::Unknown(_)) => Ok(t),
        _ => Err(DnsError::BadType(crate::output::sanitize(s))),
    }
}

/// A name for the wire, from a fully qualified name with its trailing dot.
pub fn parse_name(fqdn: &str) -> Result<Name, DnsError> {
    Name::from_ascii(fqdn).map_err(|e| DnsError::BadName {
        name: crate::output::sanitize(fqdn),
        msg: crate::output::sanitize(e.to_string().trim_end_matches([':', ' '])),
    })
}

/// The reverse-lookup name of an address: `4.3.2.1.in-addr.arpa.`, or the nibbles under
/// `ip6.arpa.` (RFC 1035 3.5, RFC 3596 2.5).
pub fn reverse_name(addr: IpAddr) -> String {
    match addr {
        IpAddr::V4(a) => {
            let o = a.octets();
            format!("{}.{}.{}.{}.in-addr.arpa.", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(a) => {
            let mut s = String::with_capacity(73);
            for b in a.octets().iter().rev() {
                s.push_str(&format!("{:x}.{:x}.", b & 0xf, b >> 4));
            }
            s + "ip6.arpa."
        }
    }
}

/// A fresh query id, unpredictable enough that a stray answer is not taken for ours.
pub fn random_id() -> u16 {
    let mut h = RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish() as u16
}

/// The bytes of a standard query with recursion desired.
pub fn encode_query(
    id: u16,
    name: &Name,
    qtype: RecordType,
    edns: bool,
) -> Result<Vec<u8>, DnsError> {
    let mut m = Message::new(id, MessageType::Query, OpCode::Query);
    m.metadata.recursion_desired = true;
    m.add_query(Query::query(name.clone(), qtype));
    if edns {
        let mut e = Edns::new();
        e.set_max_payload(EDNS_PAYLOAD);
        m.set_edns(e);
    }
    m.to_vec().map_err(|e| DnsError::Encode {
        name: name.to_string(),
        msg: e.to_string(),
    })
}

/// What an answer says, as far as the resolver and the printers care.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The id it answers.
    pub id: u16,
    /// The question it repeats, if any: (name in lower case with its trailing dot, type).
    pub question: Option<(String, RecordType)>,
    /// The response code's mnemonic.
    pub rcode: String,
    /// The TC bit.
    pub truncated: bool,
    /// The answer section.
    pub answers: Vec<Answer>,
}

impl Reply {
    /// Whether this answers the query (id, name and type all match; names compare without
    /// regard to case, RFC 4343).
    pub fn answers_query(&self, id: u16, name: &Name, qtype: RecordType) -> bool {
        self.id == id
            && match &self.question {
                Some((n, t)) => *t == qtype && n.eq_ignore_ascii_case(&name.to_ascii()),
                // Some servers leave the question out of an error answer.
                None => self.rcode != "NOERROR",
            }
    }
}

/// Parse an answer; None when the bytes are not a DNS response (a stray or hostile datagram
/// is dropped, as libc does).
pub fn decode_reply(bytes: &[u8]) -> Option<Reply> {
    let m = Message::from_vec(bytes).ok()?;
    if m.metadata.message_type != MessageType::Response {
        return None;
    }
    let rcode = u16::from(m.metadata.response_code);
    Some(Reply {
        id: m.metadata.id,
        question: m.queries.first().map(|q| (q.name.to_ascii(), q.query_type)),
        rcode: rcode_name(rcode),
        truncated: m.metadata.truncation,
        answers: m.answers.iter().map(answer).collect(),
    })
}

/// A record in dig's presentation format.
fn answer(r: &Record) -> Answer {
    Answer {
        name: crate::output::sanitize(&r.name.to_ascii()),
        ttl: r.ttl,
        rtype: r.record_type().to_string(),
        data: crate::output::sanitize(&rdata_text(&r.data)),
    }
}

/// Record data as dig prints it; TXT strings are quoted one by one, with `"` and `\` escaped
/// and other bytes outside printable ASCII as `\DDD` (RFC 1035 5.1).
fn rdata_text(d: &RData) -> String {
    match d {
        RData::TXT(t) => t
            .txt_data
            .iter()
            .map(|s| quote(s))
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

fn quote(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for &b in s {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03}")),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_names() {
        assert_eq!(
            reverse_name("10.96.0.20".parse().unwrap()),
            "20.0.96.10.in-addr.arpa."
        );
        let v6 = reverse_name("fd00:96::20".parse().unwrap());
        assert!(v6.starts_with("0.2.0.0.0.0.0.0."));
        assert!(v6.ends_with("6.9.0.0.0.0.d.f.ip6.arpa."));
        assert_eq!(v6.len(), 32 * 2 + "ip6.arpa.".len());
    }

    #[test]
    fn types() {
        assert_eq!(parse_type("aaaa").unwrap(), RecordType::AAAA);
        assert_eq!(parse_type("SRV").unwrap(), RecordType::SRV);
        assert_eq!(parse_type("type65").unwrap(), RecordType::from(65));
        assert!(parse_type("bogus").is_err());
    }

    #[test]
    fn query_round_trip_and_txt_quoting() {
        let name = parse_name("web.default.svc.cluster.local.").unwrap();
        let q = encode_query(0x1234, &name, RecordType::A, false).unwrap();
        // Header: id, flags RD only, one question, no other records (no EDNS).
        assert_eq!(&q[..12], &[0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
        assert!(decode_reply(&q).is_none(), "a query is not a reply");
        let mut m = Message::from_vec(&q).unwrap();
        m.metadata.message_type = MessageType::Response;
        m.add_answer(Record::from_rdata(
            name.clone(),
            30,
            RData::TXT(hickory_proto::rr::rdata::TXT::from_bytes(vec![
                b"v=1 \"q\"",
                b"\x1b[2J",
            ])),
        ));
        let r = decode_reply(&m.to_vec().unwrap()).unwrap();
        assert!(r.answers_query(0x1234, &name, RecordType::A));
        assert!(!r.answers_query(0x1235, &name, RecordType::A));
        assert_eq!(r.answers[0].data, r#""v=1 \"q\"" "\027[2J""#);
        assert_eq!(r.rcode, "NOERROR");
    }
}
