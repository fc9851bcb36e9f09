//! The resolver configuration a process's libc reads: its `/etc/resolv.conf` (resolv.conf(5)),
//! read from the target's root by the caller and parsed here.

use serde::Serialize;

/// The lines of resolv.conf that steer resolution.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ResolvConf {
    /// `nameserver` lines, in order.
    pub nameservers: Vec<String>,
    /// The `search` list (the last `search` or `domain` line wins, as in glibc).
    pub search: Vec<String>,
    /// `options` words (`ndots:5`, `timeout:2`, `rotate`…).
    pub options: Vec<String>,
}

impl ResolvConf {
    /// Parse resolv.conf text; unknown lines and comments (`#`, `;`) are ignored.
    pub fn parse(text: &str) -> ResolvConf {
        let mut r = ResolvConf::default();
        for line in text.lines() {
            let mut words = line.split_whitespace();
            let Some(key) = words.next() else { continue };
            let rest = words.map(crate::output::sanitize);
            match key {
                "nameserver" => r.nameservers.extend(rest.take(1)),
                "search" | "domain" => r.search = rest.collect(),
                "options" => r.options.extend(rest),
                _ => {}
            }
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubelet_resolv_conf() {
        let r = ResolvConf::parse(
            "# generated\nsearch default.svc.cluster.local svc.cluster.local cluster.local\n\
             nameserver 10.96.0.10\noptions ndots:5\n",
        );
        assert_eq!(r.nameservers, ["10.96.0.10"]);
        assert_eq!(r.search.len(), 3);
        assert_eq!(r.options, ["ndots:5"]);
    }
}
