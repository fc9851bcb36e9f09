//! The lookup itself: for each name of the search [`Plan`], the queries libc would send
//! (A and AAAA together for getaddrinfo(3) with AF_UNSPEC, one type for res_search(3)), to each
//! server in turn for `attempts` rounds, a truncated UDP answer retried over TCP; the first name
//! with an answer wins. A name that does not exist or has no such record, or whose server
//! failed (SERVFAIL, REFUSED), passes to the next name; no answer at all (a timeout) ends the
//! search, as it ends libc's.

use std::net::SocketAddr;
use std::time::Duration;

use hickory_proto::rr::RecordType;
use serde::Serialize;

use super::search::Plan;
use super::transport::{self, Outcome as Sent, Outgoing};
use super::wire::{self, Reply};
use super::{Answer, DnsError, Exchange, Proto};
use crate::net::resolv::{Options, ResolvConf};

/// How queries are sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Servers in resolv.conf order (port 53 unless given).
    pub servers: Vec<SocketAddr>,
    /// Wait per server and try.
    pub timeout: Duration,
    /// Rounds over all servers.
    pub attempts: u32,
    /// Start each query at the next server.
    pub rotate: bool,
    /// Add an EDNS0 OPT record.
    pub edns: bool,
    /// TCP from the start.
    pub tcp: bool,
    /// Send A and AAAA one after the other, not together.
    pub single_request: bool,
}

impl Settings {
    /// The settings resolv.conf gives.
    pub fn from_conf(conf: &ResolvConf) -> Settings {
        let o: Options = conf.options();
        Settings {
            servers: conf
                .servers()
                .into_iter()
                .map(|a| SocketAddr::new(a, 53))
                .collect(),
            timeout: o.timeout(),
            attempts: o.attempts,
            rotate: o.rotate,
            edns: o.edns0,
            tcp: o.use_vc,
            single_request: o.single_request,
        }
    }
}

/// How a lookup ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// A name of the plan answered.
    Answer,
    /// Every name tried does not exist.
    NxDomain,
    /// A name exists but has no record of the type asked (and none answered).
    NoData,
    /// A server answered SERVFAIL (and no name answered).
    ServFail,
    /// A server refused the query (REFUSED, NOTIMP, FORMERR…).
    Refused,
    /// No server answered at all.
    Timeout,
}

impl Outcome {
    /// The exit status `toolbox dns` gives this outcome (documented in its --help).
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Answer => 0,
            Outcome::NxDomain => 3,
            Outcome::NoData => 4,
            Outcome::ServFail => 5,
            Outcome::Refused => 6,
            Outcome::Timeout => 9,
        }
    }
}

/// A finished lookup: the plan, every query sent, and the answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Resolution {
    /// The names in the order they were to be tried.
    pub plan: Plan,
    /// How many of them were queried.
    pub tried: usize,
    /// Every query sent, in order.
    pub queries: Vec<Exchange>,
    /// How it ended.
    pub outcome: Outcome,
    /// The response code behind a failure (`SERVFAIL`, `REFUSED`…), or the last error text.
    pub detail: Option<String>,
    /// The name that answered.
    pub answered_name: Option<String>,
    /// Its answer records (for A and AAAA together: the A records first).
    pub answers: Vec<Answer>,
}

/// What one name came to, over all its types.
enum NameResult {
    Answer(Vec<Answer>),
    NxDomain,
    NoData,
    Failed(Outcome, String),
    Timeout(String),
}

/// A resolver: settings, the server rotation and the record of what was sent.
pub struct Resolver {
    settings: Settings,
    next_server: usize,
    queries: Vec<Exchange>,
}

impl Resolver {
    /// A resolver with these settings.
    pub fn new(settings: Settings) -> Resolver {
        Resolver {
            settings,
            next_server: 0,
            queries: Vec::new(),
        }
    }

    /// Try each name of `plan` with the record types `types` (A then AAAA for an address
    /// lookup) until one answers.
    pub fn lookup(mut self, plan: Plan, types: &[RecordType]) -> Result<Resolution, DnsError> {
        let mut seen_fail: Option<(Outcome, String)> = None;
        let mut seen_nodata = false;
        let mut tried = 0;
        for name in &plan.names {
            tried += 1;
            match self.one_name(name, types)? {
                NameResult::Answer(answers) => {
                    let answered_name = Some(name.clone());
                    return Ok(Resolution {
                        plan,
                        tried,
                        queries: self.queries,
                        outcome: Outcome::Answer,
                        detail: None,
                        answered_name,
                        answers,
                    });
                }
                NameResult::NxDomain => {}
                NameResult::NoData => seen_nodata = true,
                NameResult::Failed(o, d) => {
                    seen_fail.get_or_insert((o, d));
                }
                NameResult::Timeout(d) => {
                    return Ok(self.finish(plan, tried, Outcome::Timeout, Some(d)));
                }
            }
        }
        let (outcome, detail) = match seen_fail {
            Some((o, d)) => (o, Some(d)),
            None if seen_nodata => (Outcome::NoData, None),
            None => (Outcome::NxDomain, None),
        };
        Ok(self.finish(plan, tried, outcome, detail))
    }

    fn finish(
        self,
        plan: Plan,
        tried: usize,
        outcome: Outcome,
        detail: Option<String>,
    ) -> Resolution {
        Resolution {
            plan,
            tried,
            queries: self.queries,
            outcome,
            detail,
            answered_name: None,
            answers: Vec::new(),
        }
    }

    /// Query one name for every type; each type goes to the servers in turn until one gives a
    /// final answer (NOERROR or NXDOMAIN) or the rounds run out.
    fn one_name(&mut self, fqdn: &str, types: &[RecordType]) -> Result<NameResult, DnsError> {
        let name = wire::parse_name(fqdn)?;
        let mut last: Vec<Option<Sent>> = vec![None; types.len()];
        let n = self.settings.servers.len().max(1);
        let first = if self.settings.rotate {
            let f = self.next_server % n;
            self.next_server += 1;
            f
        } else {
            0
        };
        'rounds: for _ in 0..self.settings.attempts.max(1) {
            for k in 0..n {
                let Some(&server) = self.settings.servers.get((first + k) % n) else {
                    break 'rounds;
                };
                let need: Vec<usize> = (0..types.len())
                    .filter(|&i| !is_final(last[i].as_ref()))
                    .collect();
                if need.is_empty() {
                    break 'rounds;
                }
                let mut batch = Vec::with_capacity(need.len());
                for &i in &need {
                    let id = wire::random_id().wrapping_add(i as u16);
                    let bytes = wire::encode_query(id, &name, types[i], self.settings.edns)?;
                    batch.push(Outgoing {
                        id,
                        name: name.clone(),
                        qtype: types[i],
                        bytes,
                    });
                }
                let results = if self.settings.tcp {
                    batch
                        .iter()
                        .map(|q| (transport::tcp(server, q, self.settings.timeout), Proto::Tcp))
                        .collect::<Vec<_>>()
                } else if self.settings.single_request {
                    batch
                        .iter()
                        .map(|q| {
                            let r = transport::udp(
                                server,
                                std::slice::from_ref(q),
                                self.settings.timeout,
                            );
                            (
                                r.into_iter()
                                    .next()
                                    .unwrap_or((Sent::Failed("no result".into()), Duration::ZERO)),
                                Proto::Udp,
                            )
                        })
                        .collect()
                } else {
                    transport::udp(server, &batch, self.settings.timeout)
                        .into_iter()
                        .map(|r| (r, Proto::Udp))
                        .collect()
                };
                for ((&i, q), ((sent, took), proto)) in need.iter().zip(&batch).zip(results) {
                    let sent = self.record(fqdn, q, server, proto, sent, took);
                    let sent = match &sent {
                        Sent::Reply(r) if r.truncated && proto == Proto::Udp => {
                            let (s, t) = transport::tcp(server, q, self.settings.timeout);
                            self.record(fqdn, q, server, Proto::Tcp, s, t)
                        }
                        _ => sent,
                    };
                    last[i] = Some(sent);
                }
            }
        }
        Ok(classify(types, &last))
    }

    /// Add one exchange to the record and hand its outcome back.
    fn record(
        &mut self,
        fqdn: &str,
        q: &Outgoing,
        server: SocketAddr,
        proto: Proto,
        sent: Sent,
        took: Duration,
    ) -> Sent {
        let (rcode, error, truncated, answers) = match &sent {
            Sent::Reply(r) => (Some(r.rcode.clone()), None, r.truncated, r.answers.clone()),
            Sent::Timeout(t) => (
                None,
                Some(format!("no answer within {} s", t.as_secs_f64())),
                false,
                Vec::new(),
            ),
            Sent::Failed(w) => (None, Some(w.clone()), false, Vec::new()),
        };
        self.queries.push(Exchange {
            name: crate::output::sanitize(fqdn),
            qtype: q.qtype.to_string(),
            server,
            proto,
            rcode,
            error,
            truncated: truncated && proto == Proto::Udp,
            answers,
            latency_ms: (took.as_secs_f64() * 1e6).round() / 1e3,
        });
        sent
    }
}

/// An answer that ends the trying of servers for this query: the name exists or it does not.
fn is_final(s: Option<&Sent>) -> bool {
    matches!(s, Some(Sent::Reply(r)) if !r.truncated && (r.rcode == "NOERROR" || r.rcode == "NXDOMAIN"))
}

fn classify(types: &[RecordType], last: &[Option<Sent>]) -> NameResult {
    let mut answers: Vec<Answer> = Vec::new();
    let mut any_answer = false;
    for (t, s) in types.iter().zip(last) {
        if let Some(Sent::Reply(r)) = s {
            if answered(r, *t) {
                any_answer = true;
                for a in &r.answers {
                    if !answers.contains(a) {
                        answers.push(a.clone());
                    }
                }
            }
        }
    }
    if any_answer {
        return NameResult::Answer(answers);
    }
    let mut fail: Option<(Outcome, String)> = None;
    let mut timeout: Option<String> = None;
    let mut nodata = false;
    for s in last {
        match s {
            Some(Sent::Reply(r)) => match r.rcode.as_str() {
                "NXDOMAIN" => {}
                "NOERROR" => nodata = true,
                "SERVFAIL" => {
                    fail.get_or_insert((Outcome::ServFail, r.rcode.clone()));
                }
                other => {
                    fail.get_or_insert((Outcome::Refused, other.to_string()));
                }
            },
            Some(Sent::Timeout(t)) => {
                timeout.get_or_insert(format!("no answer within {} s", t.as_secs_f64()));
            }
            Some(Sent::Failed(w)) => {
                timeout.get_or_insert(w.clone());
            }
            None => {
                timeout.get_or_insert("no server to ask".to_string());
            }
        }
    }
    if let Some(t) = timeout {
        return NameResult::Timeout(t);
    }
    if let Some((o, d)) = fail {
        return NameResult::Failed(o, d);
    }
    if nodata {
        NameResult::NoData
    } else {
        NameResult::NxDomain
    }
}

/// The answer section holds a record of the type asked for (any record for ANY).
fn answered(r: &Reply, t: RecordType) -> bool {
    let want = t.to_string();
    r.rcode == "NOERROR"
        && r.answers
            .iter()
            .any(|a| a.rtype == want || t == RecordType::ANY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::dns::search::plan;
    use hickory_proto::op::{Message, MessageType, ResponseCode};
    use hickory_proto::rr::{RData, Record};
    use std::io::{Read, Write};
    use std::net::{TcpListener, UdpSocket};

    /// The answer the fake server gives `query` (`udp`: over UDP). `tc.example.` is truncated
    /// over UDP and whole over TCP; `sf.example.` is SERVFAIL; the rest NXDOMAIN.
    fn answer(query: &[u8], udp: bool) -> Option<Vec<u8>> {
        let mut m = Message::from_vec(query).ok()?;
        let q = m.queries.first()?.clone();
        m.metadata.message_type = MessageType::Response;
        match q.name.to_ascii().as_str() {
            "tc.example." if udp => m.metadata.truncation = true,
            "tc.example." => {
                m.add_answer(Record::from_rdata(
                    q.name.clone(),
                    5,
                    RData::A("10.0.0.1".parse().ok()?),
                ));
            }
            "sf.example." => m.metadata.response_code = ResponseCode::ServFail,
            _ => m.metadata.response_code = ResponseCode::NXDomain,
        }
        m.to_vec().ok()
    }

    /// A server on 127.0.0.1, UDP and TCP on one port, in two threads.
    fn fake_server() -> SocketAddr {
        let (udp, tcp) = loop {
            let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
            if let Ok(tcp) = TcpListener::bind(udp.local_addr().unwrap()) {
                break (udp, tcp);
            }
        };
        let addr = udp.local_addr().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 512];
            while let Ok((n, from)) = udp.recv_from(&mut buf) {
                if let Some(a) = answer(&buf[..n], true) {
                    let _ = udp.send_to(&a, from);
                }
            }
        });
        std::thread::spawn(move || {
            for mut s in tcp.incoming().flatten() {
                let mut len = [0u8; 2];
                if s.read_exact(&mut len).is_err() {
                    continue;
                }
                let mut q = vec![0u8; usize::from(u16::from_be_bytes(len))];
                if s.read_exact(&mut q).is_err() {
                    continue;
                }
                if let Some(a) = answer(&q, false) {
                    let mut out = (a.len() as u16).to_be_bytes().to_vec();
                    out.extend_from_slice(&a);
                    let _ = s.write_all(&out);
                }
            }
        });
        addr
    }

    fn settings(server: SocketAddr, attempts: u32) -> Settings {
        Settings {
            servers: vec![server],
            timeout: Duration::from_millis(300),
            attempts,
            rotate: false,
            edns: false,
            tcp: false,
            single_request: false,
        }
    }

    fn sent(r: &Resolution) -> Vec<(String, &'static str, Option<String>)> {
        r.queries
            .iter()
            .map(|q| (q.name.clone(), q.proto.as_str(), q.rcode.clone()))
            .collect()
    }

    #[test]
    fn truncated_answer_is_asked_again_over_tcp() {
        let r = Resolver::new(settings(fake_server(), 2))
            .lookup(plan("tc.example.", 1, &[], false), &[RecordType::A])
            .unwrap();
        assert_eq!(r.outcome, Outcome::Answer);
        assert!(r.queries[0].truncated);
        assert_eq!(
            sent(&r),
            [
                ("tc.example.".into(), "udp", Some("NOERROR".into())),
                ("tc.example.".into(), "tcp", Some("NOERROR".into())),
            ]
        );
        assert_eq!(r.answers[0].data, "10.0.0.1");
    }

    #[test]
    fn servfail_is_retried_per_attempt_and_the_search_goes_on() {
        let search = vec!["example".to_string()];
        let r = Resolver::new(settings(fake_server(), 2))
            .lookup(plan("sf", 1, &search, false), &[RecordType::A])
            .unwrap();
        let sf = (
            "sf.example.".to_string(),
            "udp",
            Some("SERVFAIL".to_string()),
        );
        let nx = ("sf.".to_string(), "udp", Some("NXDOMAIN".to_string()));
        assert_eq!(sent(&r), [sf.clone(), sf, nx]);
        assert_eq!((r.outcome, r.tried), (Outcome::ServFail, 2));
    }

    #[test]
    fn no_answer_ends_the_search() {
        // A socket that never answers.
        let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
        let search = vec!["example".to_string()];
        let r = Resolver::new(settings(silent.local_addr().unwrap(), 1))
            .lookup(
                plan("x", 1, &search, false),
                &[RecordType::A, RecordType::AAAA],
            )
            .unwrap();
        assert_eq!((r.outcome, r.tried), (Outcome::Timeout, 1));
        // A and AAAA left together, and both waited for.
        let types: Vec<&str> = r.queries.iter().map(|q| q.qtype.as_str()).collect();
        assert_eq!(types, ["A", "AAAA"]);
        assert!(r
            .queries
            .iter()
            .all(|q| q.rcode.is_none() && q.error.is_some()));
        drop(silent);
    }
}
