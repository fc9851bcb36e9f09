//! Shell wildcard matching as `find -name` does it: fnmatch(3) with no flags, on bytes.
//!
//! Written here rather than taken from a glob crate because those add `{a,b}` alternation and
//! path-separator rules that `find -name` does not have. See: fnmatch(3), glob(7).

/// A compiled `-name` pattern.
#[derive(Clone, Debug)]
pub struct Glob {
    pat: Vec<u8>,
    fold: bool,
}

impl Glob {
    /// `pattern`, matched case-insensitively (ASCII) when `fold` (`-iname`).
    pub fn new(pattern: &[u8], fold: bool) -> Glob {
        let pat = if fold {
            pattern.to_ascii_lowercase()
        } else {
            pattern.to_vec()
        };
        Glob { pat, fold }
    }

    /// Whether `name` matches.
    pub fn matches(&self, name: &[u8]) -> bool {
        if self.fold {
            matches(&self.pat, &name.to_ascii_lowercase())
        } else {
            matches(&self.pat, name)
        }
    }
}

/// Parse a bracket expression at `p` (just after `[`); returns (matched, bytes consumed incl. `]`)
/// or None when it is not closed (then `[` is literal).
fn bracket(p: &[u8], c: u8) -> Option<(bool, usize)> {
    let mut i = 0;
    let negate = matches!(p.first(), Some(b'!' | b'^'));
    if negate {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    loop {
        let &b = p.get(i)?;
        if b == b']' && !first {
            return Some((hit != negate, i + 1));
        }
        first = false;
        let (lo, used) = if b == b'\\' {
            (*p.get(i + 1)?, 2)
        } else {
            (b, 1)
        };
        i += used;
        if p.get(i) == Some(&b'-') && p.get(i + 1).is_some_and(|&n| n != b']') {
            let (hi, used) = if p[i + 1] == b'\\' {
                (*p.get(i + 2)?, 3)
            } else {
                (p[i + 1], 2)
            };
            i += used;
            if lo <= c && c <= hi {
                hit = true;
            }
        } else if lo == c {
            hit = true;
        }
    }
}

/// fnmatch(pattern, name, 0) on bytes, iterative with single-star backtracking.
pub fn matches(pat: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        let step = match pat.get(p) {
            Some(b'*') => {
                star = Some((p, n));
                p += 1;
                continue;
            }
            Some(b'?') => Some(1),
            Some(b'[') => match bracket(&pat[p + 1..], name[n]) {
                Some((true, used)) => Some(1 + used),
                Some((false, _)) => None,
                None => (name[n] == b'[').then_some(1),
            },
            Some(b'\\') if p + 1 < pat.len() => (pat[p + 1] == name[n]).then_some(2),
            Some(&c) => (c == name[n]).then_some(1),
            None => None,
        };
        match step {
            Some(used) => {
                p += used;
                n += 1;
            }
            None => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pat[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_cases() {
        let m = |p: &str, n: &str| matches(p.as_bytes(), n.as_bytes());
        assert!(m("*.conf", "nginx.conf"));
        assert!(m("*", ".hidden"));
        assert!(!m("*.conf", "nginx.conf.bak"));
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "ac"));
        assert!(m("[ab]*", "bcd"));
        assert!(!m("[!ab]*", "bcd"));
        assert!(m("[a-c]x", "bx"));
        assert!(m("[]]", "]"));
        assert!(m("\\*", "*"));
        assert!(!m("\\*", "a"));
        assert!(m("*a*b*c", "xxaxxbxxc"));
        assert!(!m("*a*b*c", "xxaxxbxx"));
        assert!(m("[", "["));
        assert!(m("{a,b}", "{a,b}"));
        assert!(Glob::new(b"*.LOG", true).matches(b"access.log"));
    }
}
