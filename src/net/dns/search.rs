//! The names a query for NAME is sent under, in order, as res_search(3) builds them from the
//! search list and `ndots` (resolv.conf(5): "a name with at least ndots dots is tried as given
//! first; otherwise the search list comes first", a trailing dot means "only as given").

use serde::Serialize;

/// The candidate names for one lookup and the reason for their order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Fully qualified names (with a trailing dot), in the order they are tried.
    pub names: Vec<String>,
    /// Dots in the name as given (a trailing dot not counted).
    pub dots: usize,
    /// The `ndots` in force.
    pub ndots: u32,
    /// Whether the name as given is tried before the search list.
    pub absolute_first: bool,
    /// The name ended with a dot: no search list.
    pub rooted: bool,
}

/// The names res_search would try for `name`. `no_tld_query`: a name without dots is not
/// tried as given (resolv.conf's `no-tld-query`). A search domain `.` stands for the name as
/// given, which is then tried at that place only.
pub fn plan(name: &str, ndots: u32, search: &[String], no_tld_query: bool) -> Plan {
    let rooted = name.ends_with('.') && name != ".";
    let bare = name.trim_end_matches('.');
    let absolute = format!("{bare}.");
    let dots = bare.matches('.').count();
    let mut p = Plan {
        names: Vec::new(),
        dots,
        ndots,
        absolute_first: false,
        rooted,
    };
    if rooted || bare.is_empty() {
        p.names.push(absolute);
        p.absolute_first = true;
        return p;
    }
    if dots as u64 >= u64::from(ndots) {
        p.names.push(absolute.clone());
        p.absolute_first = true;
    }
    for d in search {
        let d = d.trim_end_matches('.');
        let n = if d.is_empty() {
            absolute.clone()
        } else {
            format!("{bare}.{d}.")
        };
        if !p.names.contains(&n) {
            p.names.push(n);
        }
    }
    let skip_tld = dots == 0 && no_tld_query;
    if !p.names.contains(&absolute) && !skip_tld {
        p.names.push(absolute);
    }
    p
}

impl Plan {
    /// One line for people: why the names come in this order, and how far the lookup got
    /// (`tried`: how many of [`Plan::names`] were queried; `answered`: whether the last one
    /// answered).
    pub fn explain(&self, given: &str, tried: usize, answered: bool) -> String {
        let absolute = format!("{}.", given.trim_end_matches('.'));
        let search = self.names.iter().filter(|n| **n != absolute).count();
        let given = crate::output::sanitize(given.trim_end_matches('.'));
        let dots = match self.dots {
            1 => "1 dot".to_string(),
            n => format!("{n} dots"),
        };
        let order = if self.rooted {
            format!("{given}. ends with a dot, so it was tried as given only (no search list)")
        } else if self.absolute_first {
            format!(
                "ndots:{}: {given} has {dots}, so the name as given was tried first, then {search} search name(s)",
                self.ndots
            )
        } else {
            format!(
                "ndots:{}: {given} has {dots}, so {search} search name(s) were tried before the absolute name",
                self.ndots
            )
        };
        let end = match (tried, answered) {
            (0, _) => String::from("; no query was sent"),
            (n, true) => format!("; answered by name {n} of {}", self.names.len()),
            (n, false) if n == self.names.len() => String::from("; none answered"),
            (n, false) => format!("; stopped after name {n} of {}", self.names.len()),
        };
        order + &end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kube() -> Vec<String> {
        [
            "default.svc.cluster.local",
            "svc.cluster.local",
            "cluster.local",
        ]
        .map(String::from)
        .to_vec()
    }

    #[test]
    fn short_name_searches_first() {
        let p = plan("web", 5, &kube(), false);
        assert_eq!(
            p.names,
            [
                "web.default.svc.cluster.local.",
                "web.svc.cluster.local.",
                "web.cluster.local.",
                "web."
            ]
        );
        assert_eq!(
            p.explain("web", 1, true),
            "ndots:5: web has 0 dots, so 3 search name(s) were tried before the absolute name; answered by name 1 of 4"
        );
    }

    #[test]
    fn enough_dots_goes_first() {
        let p = plan("example.com", 1, &kube(), false);
        assert_eq!(p.names[0], "example.com.");
        assert_eq!(p.names.len(), 4);
        assert!(p
            .explain("example.com", 4, false)
            .contains("tried first, then 3 search"));
    }

    #[test]
    fn rooted_and_no_tld() {
        assert_eq!(plan("web.", 5, &kube(), false).names, ["web."]);
        assert_eq!(plan("web", 5, &kube(), true).names.len(), 3);
        assert_eq!(plan("web", 5, &[], false).names, ["web."]);
        // A root search domain puts the name as given at its place.
        let s = vec![".".to_string(), "a".to_string()];
        assert_eq!(plan("web", 5, &s, false).names, ["web.", "web.a."]);
    }
}
