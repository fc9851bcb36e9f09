//! Host names to addresses as the target's libc would find them, for `http`, `connect` and
//! `ping`: an address literal as it is, then the sources of the target's nsswitch.conf `hosts:`
//! line in their order: `files` is its `/etc/hosts` (hosts(5)), `dns` the resolver of
//! [`super::dns`] with its resolv.conf. DNS queries leave from the network namespace toolbox is
//! in: callers enter the target's first.

use std::io::Read;
use std::net::IpAddr;

use crate::fs::FsRoot;
use crate::net::dns::resolve::{Outcome, Resolver, Settings};
use crate::net::dns::{search, DnsError};
use crate::net::resolv::{HostsLine, HostsSource, ResolvConf};

/// Why a name has no address.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// No source knew the name.
    #[error("{name}: no address found (looked in {looked})")]
    NotFound {
        /// The name asked for.
        name: String,
        /// The sources consulted, in order.
        looked: String,
    },
    /// A file of the target (hosts, resolv.conf, nsswitch.conf) could not be read.
    #[error("{name}: {err}")]
    Hosts {
        /// The name asked for.
        name: String,
        /// Why.
        err: crate::fs::FsError,
    },
    /// DNS gave no address: the outcome in words (`NXDOMAIN`, `SERVFAIL from 10.96.0.10`,
    /// `no answer within 5 s`).
    #[error("{name}: {what} (looked in {looked})")]
    Dns {
        /// The name asked for.
        name: String,
        /// How DNS ended.
        what: String,
        /// The sources consulted, in order.
        looked: String,
    },
    /// The name cannot be asked of DNS.
    #[error("{name}: {err}")]
    BadName {
        /// The name asked for.
        name: String,
        /// Why.
        err: DnsError,
    },
}

/// Which address families a caller wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// IPv4 and IPv6.
    Any,
    /// IPv4 only.
    V4,
    /// IPv6 only.
    V6,
}

impl Family {
    /// The record types getaddrinfo(3) asks DNS for, in the order it sends them.
    pub fn record_types(self) -> &'static [hickory_proto::rr::RecordType] {
        use hickory_proto::rr::RecordType;
        match self {
            Family::Any => &[RecordType::A, RecordType::AAAA],
            Family::V4 => &[RecordType::A],
            Family::V6 => &[RecordType::AAAA],
        }
    }

    /// Both restrictions at once; when they exclude each other, `self` stays.
    pub fn narrow(self, other: Family) -> Family {
        match (self, other) {
            (Family::Any, o) => o,
            (s, Family::Any) => s,
            (s, o) if s == o => s,
            (s, _) => s,
        }
    }

    fn admits(self, a: &IpAddr) -> bool {
        match self {
            Family::Any => true,
            Family::V4 => a.is_ipv4(),
            Family::V6 => a.is_ipv6(),
        }
    }
}

/// The families getaddrinfo(3) asks DNS for under AI_ADDRCONFIG (its default flags, and what
/// `getent ahosts` uses): IPv4 when an interface of this network namespace has an IPv4 address
/// other than loopback, IPv6 when one has an IPv6 address other than loopback or link-local;
/// both when neither does or the interfaces cannot be read.
pub fn addrconfig() -> Family {
    match crate::net::links::ifaces() {
        Ok(ifaces) => addrconfig_of(ifaces.iter().flat_map(|i| i.addrs.iter().map(|a| a.local))),
        Err(_) => Family::Any,
    }
}

/// [`addrconfig`] for a list of addresses.
pub fn addrconfig_of(addrs: impl Iterator<Item = IpAddr>) -> Family {
    let (mut v4, mut v6) = (false, false);
    for a in addrs {
        match a {
            IpAddr::V4(a) => v4 |= !a.is_loopback(),
            IpAddr::V6(a) => v6 |= !a.is_loopback() && (a.segments()[0] & 0xffc0) != 0xfe80,
        }
    }
    match (v4, v6) {
        (true, false) => Family::V4,
        (false, true) => Family::V6,
        _ => Family::Any,
    }
}

/// The addresses of `name` in the target whose root is `root`, in the order libc would return
/// them (hosts file order; IPv4 before IPv6 for a name in DNS), from the sources of its
/// nsswitch.conf `hosts:` line in order. DNS is asked for the families [`addrconfig`] allows.
pub fn host_addrs(root: &FsRoot, name: &str, family: Family) -> Result<Vec<IpAddr>, LookupError> {
    host_addrs_via(root, name, family, None)
}

/// [`host_addrs`], with DNS sent to `servers` instead of resolv.conf's when given (tests).
fn host_addrs_via(
    root: &FsRoot,
    name: &str,
    family: Family,
    servers: Option<&[std::net::SocketAddr]>,
) -> Result<Vec<IpAddr>, LookupError> {
    let bare = name.trim_start_matches('[').trim_end_matches(']');
    if let Ok(a) = bare.parse::<IpAddr>() {
        return Ok(vec![a]);
    }
    let read = |path: &str| {
        read_target_file(root, path).map_err(|err| LookupError::Hosts {
            name: name.to_string(),
            err,
        })
    };
    let line = HostsLine::parse(&read(NSSWITCH)?);
    let mut looked: Vec<&str> = Vec::new();
    let mut dns_failure: Option<String> = None;
    for source in &line.sources {
        match source {
            HostsSource::Files => {
                looked.push(HOSTS);
                let found: Vec<IpAddr> = hosts_lookup(&read(HOSTS)?, name)
                    .into_iter()
                    .filter(|a| family.admits(a))
                    .collect();
                if !found.is_empty() {
                    return Ok(found);
                }
            }
            HostsSource::Dns => {
                looked.push("DNS");
                let conf = ResolvConf::parse(&read(RESOLV_CONF)?);
                let plan = search::plan(
                    name,
                    conf.options().ndots,
                    &conf.search_list(),
                    conf.options().no_tld_query,
                );
                let mut settings = Settings::from_conf(&conf);
                if let Some(s) = servers {
                    settings.servers = s.to_vec();
                }
                let res = Resolver::new(settings)
                    .lookup(plan, family.narrow(addrconfig()).record_types())
                    .map_err(|err| LookupError::BadName {
                        name: name.to_string(),
                        err,
                    })?;
                let found: Vec<IpAddr> = res
                    .answers
                    .iter()
                    .filter(|a| a.rtype == "A" || a.rtype == "AAAA")
                    .filter_map(|a| a.data.parse::<IpAddr>().ok())
                    .filter(|a| family.admits(a))
                    .collect();
                if !found.is_empty() {
                    return Ok(found);
                }
                // The next source is tried whatever DNS said (nsswitch.conf(5): the default
                // action is `continue`); what DNS said is kept for the error.
                dns_failure = Some(match res.outcome {
                    Outcome::Answer | Outcome::NoData => "no address of that family in DNS".into(),
                    Outcome::NxDomain => "no such name in DNS (NXDOMAIN)".into(),
                    Outcome::ServFail => "the DNS server failed (SERVFAIL)".into(),
                    Outcome::Refused => format!(
                        "the DNS server refused ({})",
                        res.detail.unwrap_or_default()
                    ),
                    Outcome::Timeout => format!(
                        "no DNS server answered ({})",
                        res.detail.unwrap_or_default()
                    ),
                });
            }
        }
    }
    let looked = looked.join(", then ");
    match dns_failure {
        Some(what) => Err(LookupError::Dns {
            name: name.to_string(),
            what,
            looked,
        }),
        None => Err(LookupError::NotFound {
            name: name.to_string(),
            looked,
        }),
    }
}

/// The target's files libc reads to resolve names.
pub const HOSTS: &str = "/etc/hosts";
/// See [`HOSTS`].
pub const RESOLV_CONF: &str = "/etc/resolv.conf";
/// See [`HOSTS`].
pub const NSSWITCH: &str = "/etc/nsswitch.conf";

/// A small text file of the target (at most 1 MiB is read); a missing file is empty, as libc
/// treats hosts, resolv.conf and nsswitch.conf.
pub fn read_target_file(root: &FsRoot, path: &str) -> Result<String, crate::fs::FsError> {
    match root.open_read(path.as_bytes(), false) {
        Ok((file, _)) => {
            let mut bytes = Vec::new();
            file.take(1 << 20)
                .read_to_end(&mut bytes)
                .map_err(|e| root.error(path.as_bytes(), e))?;
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        }
        Err(crate::fs::FsError::Path { err, .. }) if err.kind() == std::io::ErrorKind::NotFound => {
            Ok(String::new())
        }
        Err(e) => Err(e),
    }
}

/// The addresses hosts(5) text gives `name` (canonical name or alias, case-insensitive), in
/// file order, without repeats.
pub fn hosts_lookup(text: &str, name: &str) -> Vec<IpAddr> {
    let want = name.trim_end_matches('.');
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut words = line.split_whitespace();
        let Some(addr) = words.next().and_then(|a| a.parse::<IpAddr>().ok()) else {
            continue;
        };
        if words.any(|w| w.eq_ignore_ascii_case(want)) && !out.contains(&addr) {
            out.push(addr);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_file_names_and_aliases() {
        let text = "127.0.0.1 localhost\n::1 localhost ip6-localhost # comment\n\
                    10.244.1.2\tweb-0.web.default.svc.cluster.local web-0\nbogus line\n";
        assert_eq!(
            hosts_lookup(text, "localhost"),
            [
                "127.0.0.1".parse::<IpAddr>().unwrap(),
                "::1".parse().unwrap()
            ]
        );
        assert_eq!(
            hosts_lookup(text, "WEB-0."),
            ["10.244.1.2".parse::<IpAddr>().unwrap()]
        );
        assert!(hosts_lookup(text, "comment").is_empty());
    }

    /// The (type, name) of each query a fake server was asked.
    type Asked = std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>;

    /// A DNS server on 127.0.0.1 in a thread: `svc.example.` has A 10.1.2.3 and AAAA fd00::3,
    /// everything else is NXDOMAIN. Returns its address and the (type, name) it was asked.
    fn fake_dns() -> (std::net::SocketAddr, Asked) {
        use hickory_proto::op::{Message, MessageType, ResponseCode};
        use hickory_proto::rr::{RData, Record, RecordType};
        let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = sock.local_addr().unwrap();
        let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = asked.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 512];
            while let Ok((n, from)) = sock.recv_from(&mut buf) {
                let Ok(mut m) = Message::from_vec(&buf[..n]) else {
                    continue;
                };
                let Some(q) = m.queries.first().cloned() else {
                    continue;
                };
                log.lock()
                    .unwrap()
                    .push((q.query_type.to_string(), q.name.to_ascii()));
                m.metadata.message_type = MessageType::Response;
                let data = match q.query_type {
                    RecordType::A => RData::A("10.1.2.3".parse().unwrap()),
                    _ => RData::AAAA("fd00::3".parse().unwrap()),
                };
                if q.name.to_ascii() == "svc.example." {
                    m.add_answer(Record::from_rdata(q.name.clone(), 5, data));
                } else {
                    m.metadata.response_code = ResponseCode::NXDomain;
                }
                let _ = sock.send_to(&m.to_vec().unwrap(), from);
            }
        });
        (addr, asked)
    }

    fn root_with(files: &[(&str, &str)]) -> (tempfile::TempDir, FsRoot) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("etc")).unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join("etc").join(name), text).unwrap();
        }
        let root = FsRoot::select(
            Some(crate::target::Root::Dir(dir.path().to_path_buf())),
            &crate::target::Selector::Auto,
        )
        .unwrap();
        (dir, root)
    }

    #[test]
    fn host_addrs_follows_nsswitch_order_and_searches_dns() {
        let (server, asked) = fake_dns();
        let servers = [server];
        let conf = "search example\nnameserver 192.0.2.1\noptions ndots:2 timeout:2 attempts:1\n";
        let (_d, root) = root_with(&[
            ("resolv.conf", conf),
            ("nsswitch.conf", "hosts: files dns\n"),
            ("hosts", "10.9.9.9 svc.example svc\n"),
        ]);
        // files first: the hosts file answers, DNS is not asked.
        let a = host_addrs_via(&root, "svc", Family::V4, Some(&servers)).unwrap();
        assert_eq!(a, ["10.9.9.9".parse::<IpAddr>().unwrap()]);
        assert!(asked.lock().unwrap().is_empty());

        // dns first: the search name answers (1 dot < ndots 2: search list, then as given).
        let (_d, root) = root_with(&[
            ("resolv.conf", conf),
            ("nsswitch.conf", "hosts: dns files\n"),
            ("hosts", "10.9.9.9 svc.example svc\n"),
        ]);
        let a = host_addrs_via(&root, "svc", Family::V6, Some(&servers)).unwrap();
        assert_eq!(a, ["fd00::3".parse::<IpAddr>().unwrap()]);
        assert_eq!(
            *asked.lock().unwrap(),
            [("AAAA".to_string(), "svc.example.".to_string())]
        );

        // Not in DNS, not in files: the error says what DNS said and where it looked.
        let e = host_addrs_via(&root, "nope", Family::V4, Some(&servers)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "nope: no such name in DNS (NXDOMAIN) (looked in DNS, then /etc/hosts)"
        );
        let names: Vec<String> = asked.lock().unwrap()[1..]
            .iter()
            .map(|q| q.1.clone())
            .collect();
        assert_eq!(names, ["nope.example.", "nope."]);
    }

    #[test]
    fn addrconfig_ignores_loopback_and_link_local() {
        let a = |s: &[&str]| addrconfig_of(s.iter().map(|x| x.parse::<IpAddr>().unwrap()));
        assert_eq!(a(&["127.0.0.1", "::1", "10.244.1.2"]), Family::V4);
        assert_eq!(a(&["127.0.0.1", "fe80::1", "10.0.0.1"]), Family::V4);
        assert_eq!(a(&["fd00::2", "127.0.0.1"]), Family::V6);
        assert_eq!(a(&["fd00::2", "10.0.0.1"]), Family::Any);
        assert_eq!(a(&["127.0.0.1", "::1"]), Family::Any);
        assert_eq!(Family::Any.narrow(Family::V4), Family::V4);
        assert_eq!(Family::V6.narrow(Family::V4), Family::V6);
    }
}
