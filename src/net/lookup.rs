//! Host names to addresses as the target's libc would find them, for `http`, `connect` and
//! `ping`: an address literal as it is, then the target's `/etc/hosts` (hosts(5)), then DNS with
//! the target's resolv.conf (the `dns` command's resolver; until it lands, names only in DNS are
//! an error that says so).

use std::io::Read;
use std::net::IpAddr;

use crate::fs::FsRoot;

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
    /// The target's hosts file could not be read.
    #[error("{name}: {err}")]
    Hosts {
        /// The name asked for.
        name: String,
        /// Why.
        err: crate::fs::FsError,
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
    fn admits(self, a: &IpAddr) -> bool {
        match self {
            Family::Any => true,
            Family::V4 => a.is_ipv4(),
            Family::V6 => a.is_ipv6(),
        }
    }
}

/// The addresses of `name` in the target whose root is `root`, in the order libc would return
/// them (hosts file order; IPv4 before IPv6 for a name in DNS).
pub fn host_addrs(root: &FsRoot, name: &str, family: Family) -> Result<Vec<IpAddr>, LookupError> {
    let bare = name.trim_start_matches('[').trim_end_matches(']');
    if let Ok(a) = bare.parse::<IpAddr>() {
        return Ok(vec![a]);
    }
    let hosts = read_hosts(root).map_err(|err| LookupError::Hosts {
        name: name.to_string(),
        err,
    })?;
    let found: Vec<IpAddr> = hosts_lookup(&hosts, name)
        .into_iter()
        .filter(|a| family.admits(a))
        .collect();
    if !found.is_empty() {
        return Ok(found);
    }
    Err(LookupError::NotFound {
        name: name.to_string(),
        looked: "/etc/hosts".to_string(),
    })
}

/// The target's `/etc/hosts`; a missing file is empty, as libc treats it.
fn read_hosts(root: &FsRoot) -> Result<String, crate::fs::FsError> {
    match root.open_read(b"/etc/hosts", false) {
        Ok((file, _)) => {
            let mut text = String::new();
            file.take(1 << 20)
                .read_to_string(&mut text)
                .map_err(|e| root.error(b"/etc/hosts", e))?;
            Ok(text)
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
}
