//! The resolver configuration a process's libc reads: its `/etc/resolv.conf` (resolv.conf(5))
//! and the `hosts:` line of its `/etc/nsswitch.conf` (nsswitch.conf(5)), read from the target's
//! root by the caller and parsed here.

use std::time::Duration;

use serde::Serialize;

/// glibc's limit on `nameserver` lines (MAXNS in resolv.h); later ones are ignored.
pub const MAX_NAMESERVERS: usize = 3;
/// glibc's limit on `search` domains; later ones are ignored.
pub const MAX_SEARCH: usize = 6;

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

/// The `options` that change how queries are sent, with glibc's defaults and bounds applied.
/// See: resolv.conf(5), "options".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Options {
    /// `ndots:n` (default 1, at most 15): a name with at least this many dots is tried as
    /// given before the search list.
    pub ndots: u32,
    /// `timeout:n` seconds to wait for one server's answer (default 5, at most 30).
    pub timeout_secs: u32,
    /// `attempts:n` rounds over all servers (default 2, at most 5).
    pub attempts: u32,
    /// `rotate`: start each query at the next server instead of the first.
    pub rotate: bool,
    /// `edns0`: queries carry an EDNS0 OPT record (larger UDP answers).
    pub edns0: bool,
    /// `use-vc`: queries go over TCP.
    pub use_vc: bool,
    /// `single-request`: A and AAAA are sent one after the other, not together.
    pub single_request: bool,
    /// `no-tld-query`: a name without dots is never tried as it is.
    pub no_tld_query: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            ndots: 1,
            timeout_secs: 5,
            attempts: 2,
            rotate: false,
            edns0: false,
            use_vc: false,
            single_request: false,
            no_tld_query: false,
        }
    }
}

impl Options {
    /// The per-server wait.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(u64::from(self.timeout_secs))
    }
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

    /// The options with defaults and glibc's caps; a later word overrides an earlier one, and
    /// a malformed number leaves the value as it was. `RES_OPTIONS` is not read: it is the
    /// target's environment, not its files.
    pub fn options(&self) -> Options {
        let mut o = Options::default();
        for w in &self.options {
            let (key, val) = match w.split_once(':') {
                Some((k, v)) => (k, v.parse::<u32>().ok()),
                None => (w.as_str(), None),
            };
            match (key, val) {
                ("ndots", Some(n)) => o.ndots = n.min(15),
                ("timeout", Some(n)) => o.timeout_secs = n.clamp(1, 30),
                ("attempts", Some(n)) => o.attempts = n.clamp(1, 5),
                ("rotate", _) => o.rotate = true,
                ("edns0", _) => o.edns0 = true,
                ("use-vc", _) => o.use_vc = true,
                ("single-request", _) | ("single-request-reopen", _) => o.single_request = true,
                ("no-tld-query", _) => o.no_tld_query = true,
                _ => {}
            }
        }
        o
    }

    /// The servers libc uses: the first [`MAX_NAMESERVERS`] that parse as addresses; none
    /// means the local host (127.0.0.1), as glibc falls back to.
    pub fn servers(&self) -> Vec<std::net::IpAddr> {
        let mut out: Vec<std::net::IpAddr> = self
            .nameservers
            .iter()
            .filter_map(|s| s.split('%').next().and_then(|a| a.parse().ok()))
            .take(MAX_NAMESERVERS)
            .collect();
        if out.is_empty() {
            out.push(std::net::IpAddr::from([127, 0, 0, 1]));
        }
        out
    }

    /// The search list as libc uses it: at most [`MAX_SEARCH`] domains, without trailing dots.
    pub fn search_list(&self) -> Vec<String> {
        self.search
            .iter()
            .map(|d| d.trim_end_matches('.').to_string())
            .take(MAX_SEARCH)
            .collect()
    }
}

/// A source on nsswitch.conf's `hosts:` line that toolbox can follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HostsSource {
    /// `/etc/hosts`.
    Files,
    /// DNS with resolv.conf.
    Dns,
}

/// The `hosts:` line of nsswitch.conf: the sources in order (`[NOTFOUND=return]`-style actions
/// and sources toolbox cannot query, such as `mdns4_minimal` or `myhostname`, are kept as
/// words for display only). With no file or no `hosts:` line toolbox assumes `files dns`, the
/// order distributions ship and a distroless image without the file gets from most libcs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostsLine {
    /// The line's words after `hosts:`, as written.
    pub words: Vec<String>,
    /// The sources toolbox follows, in order.
    pub sources: Vec<HostsSource>,
    /// True when no `hosts:` line was found and the default applies.
    pub default: bool,
}

impl HostsLine {
    /// Parse nsswitch.conf text (comments start with `#`).
    pub fn parse(text: &str) -> HostsLine {
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("");
            let Some((key, rest)) = line.split_once(':') else {
                continue;
            };
            if key.trim() != "hosts" {
                continue;
            }
            let words: Vec<String> = rest
                .split_whitespace()
                .map(crate::output::sanitize)
                .collect();
            let sources = words
                .iter()
                .filter_map(|w| match w.as_str() {
                    "files" => Some(HostsSource::Files),
                    "dns" => Some(HostsSource::Dns),
                    _ => None,
                })
                .collect();
            return HostsLine {
                words,
                sources,
                default: false,
            };
        }
        HostsLine::default()
    }
}

impl Default for HostsLine {
    fn default() -> HostsLine {
        HostsLine {
            words: vec!["files".into(), "dns".into()],
            sources: vec![HostsSource::Files, HostsSource::Dns],
            default: true,
        }
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
        let o = r.options();
        assert_eq!(
            (o.ndots, o.timeout_secs, o.attempts, o.rotate),
            (5, 5, 2, false)
        );
    }

    #[test]
    fn options_bounds_and_overrides() {
        let r = ResolvConf::parse(
            "options ndots:40 timeout:0 attempts:9 rotate\noptions ndots:x timeout:3 edns0\n",
        );
        let o = r.options();
        assert_eq!(o.ndots, 15);
        assert_eq!(o.timeout_secs, 3);
        assert_eq!(o.attempts, 5);
        assert!(o.rotate && o.edns0 && !o.use_vc);
    }

    #[test]
    fn servers_and_search_limits() {
        let r = ResolvConf::parse(
            "nameserver 1.1.1.1\nnameserver bogus\nnameserver fe80::1%eth0\nnameserver 2.2.2.2\n\
             nameserver 3.3.3.3\nsearch a b. c d e f g h\n",
        );
        let s: Vec<String> = r.servers().iter().map(|a| a.to_string()).collect();
        assert_eq!(s, ["1.1.1.1", "fe80::1", "2.2.2.2"]);
        assert_eq!(r.search_list(), ["a", "b", "c", "d", "e", "f"]);
        assert_eq!(ResolvConf::default().servers()[0].to_string(), "127.0.0.1");
    }

    #[test]
    fn nsswitch_hosts_line() {
        let h = HostsLine::parse("passwd: files\nhosts:   dns [NOTFOUND=return] files # x\n");
        assert_eq!(h.sources, [HostsSource::Dns, HostsSource::Files]);
        assert_eq!(h.words.len(), 3);
        assert!(!h.default);
        assert!(HostsLine::parse("passwd: files\n").default);
    }
}
