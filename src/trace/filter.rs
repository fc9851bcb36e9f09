//! strace's `-e` qualifier grammar: which syscalls to trace (`trace=read,%network,!write`) and
//! which results to show (`status=failed`, `-Z`).
//!
//! See: strace(1), "Filtering".

use crate::trace::syscalls;

/// Syscall numbers are below this on every table toolbox knows; larger ones follow the default.
const MAX_NR: usize = 1024;

/// A rejected `-e` expression.
#[derive(Debug, thiserror::Error)]
pub enum FilterError {
    /// A name that is neither a syscall nor a class.
    #[error("-e trace: unknown syscall or class {name:?}{}", suggest(.close))]
    Unknown {
        /// The name as given.
        name: String,
        /// Close matches, best first.
        close: Vec<&'static str>,
    },
    /// A qualifier toolbox does not implement (`abbrev=`, `raw=`, …), sanitised.
    #[error("-e {qualifier}=: not supported (supported: trace=, status=)")]
    Unsupported {
        /// The qualifier name.
        qualifier: String,
    },
    /// A `status=` value other than the supported ones, sanitised.
    #[error("-e status={value}: unknown status (supported: successful, failed, all)")]
    Status {
        /// The value as given.
        value: String,
    },
    /// An empty set such as `-e trace=`.
    #[error("-e trace=: empty syscall set")]
    Empty,
}

fn suggest(close: &[&str]) -> String {
    if close.is_empty() {
        String::new()
    } else {
        format!("; did you mean: {}?", close.join(", "))
    }
}

/// Which results are shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Status {
    /// Every call.
    #[default]
    All,
    /// Only calls that returned an error (`-Z`, `status=failed`).
    Failed,
    /// Only calls that succeeded (`status=successful`).
    Successful,
}

/// The resolved filter: a set of syscall numbers and a status selection.
#[derive(Clone, Debug)]
pub struct Filter {
    traced: Vec<bool>,
    /// What numbers beyond the table (unknown syscalls) do.
    beyond: bool,
    /// Whether no `trace=` narrowed the set.
    everything: bool,
    /// Which results are printed.
    pub status: Status,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            traced: vec![true; MAX_NR],
            beyond: true,
            everything: true,
            status: Status::All,
        }
    }
}

impl Filter {
    /// Parse the `-e` expressions in order; `failed_only` is `-Z`.
    pub fn parse(exprs: &[String], failed_only: bool) -> Result<Filter, FilterError> {
        let mut f = Filter::default();
        let mut first_trace = true;
        for e in exprs {
            let (qual, value) = match e.split_once('=') {
                Some((q, v)) => (q, v),
                None => ("trace", e.as_str()),
            };
            match qual {
                "trace" | "t" => {
                    let (set, beyond) = parse_set(value)?;
                    if first_trace {
                        f.traced = set;
                        f.beyond = beyond;
                        first_trace = false;
                    } else {
                        for (t, s) in f.traced.iter_mut().zip(set) {
                            *t |= s;
                        }
                        f.beyond |= beyond;
                    }
                    f.everything = f.traced.iter().all(|&t| t) && f.beyond;
                }
                "status" => {
                    f.status = match value {
                        "failed" => Status::Failed,
                        "successful" => Status::Successful,
                        "all" => Status::All,
                        v => {
                            return Err(FilterError::Status {
                                value: crate::output::sanitize(v),
                            })
                        }
                    }
                }
                q => {
                    return Err(FilterError::Unsupported {
                        qualifier: crate::output::sanitize(q),
                    })
                }
            }
        }
        if failed_only {
            f.status = Status::Failed;
        }
        Ok(f)
    }

    /// Whether syscall `nr` is traced.
    pub fn traces(&self, nr: u64) -> bool {
        usize::try_from(nr)
            .ok()
            .and_then(|i| self.traced.get(i).copied())
            .unwrap_or(self.beyond)
    }

    /// Whether every syscall is traced (no narrowing `trace=`).
    pub fn is_everything(&self) -> bool {
        self.everything
    }

    /// The traced syscall numbers, for a seccomp filter.
    pub fn numbers(&self) -> Vec<u64> {
        self.traced
            .iter()
            .enumerate()
            .filter(|(_, &t)| t)
            .map(|(i, _)| i as u64)
            .collect()
    }

    /// Whether a call with this outcome is shown.
    pub fn shows(&self, is_error: bool) -> bool {
        match self.status {
            Status::All => true,
            Status::Failed => is_error,
            Status::Successful => !is_error,
        }
    }
}

/// Parse one set (`read,write`, `!%file`, `all`, `none`, `?maybe`) into per-number flags and the
/// value for numbers beyond the table.
fn parse_set(value: &str) -> Result<(Vec<bool>, bool), FilterError> {
    let (negate, list) = match value.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    if list.is_empty() {
        return Err(FilterError::Empty);
    }
    let mut set = vec![false; MAX_NR];
    let mut beyond = false;
    for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (optional, item) = match item.strip_prefix('?') {
            Some(rest) => (true, rest),
            None => (false, item),
        };
        match item {
            "all" => {
                set.iter_mut().for_each(|s| *s = true);
                beyond = true;
            }
            "none" => {}
            _ if item.starts_with('%') => match syscalls::class_members(item) {
                Some(members) => {
                    for name in members {
                        mark(&mut set, syscalls::number(name));
                    }
                }
                None if optional => {}
                None => {
                    return Err(FilterError::Unknown {
                        name: item.to_string(),
                        close: syscalls::close_matches(item),
                    })
                }
            },
            _ => match syscalls::number(item).or_else(|| item.parse::<u64>().ok()) {
                Some(nr) => mark(&mut set, Some(nr)),
                None if optional => {}
                None => {
                    return Err(FilterError::Unknown {
                        name: item.to_string(),
                        close: syscalls::close_matches(item),
                    })
                }
            },
        }
    }
    if negate {
        set.iter_mut().for_each(|s| *s = !*s);
        beyond = !beyond;
    }
    Ok((set, beyond))
}

fn mark(set: &mut [bool], nr: Option<u64>) {
    if let Some(slot) = nr
        .and_then(|n| usize::try_from(n).ok())
        .and_then(|i| set.get_mut(i))
    {
        *slot = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nr(name: &str) -> u64 {
        syscalls::number(name).unwrap()
    }

    #[test]
    fn names_and_classes() {
        let f = Filter::parse(&["trace=accept4,read,write".into()], false).unwrap();
        assert!(f.traces(nr("read")) && f.traces(nr("write")) && f.traces(nr("accept4")));
        assert!(!f.traces(nr("openat")));
        assert!(!f.is_everything());
        assert_eq!(f.numbers().len(), 3);

        let f = Filter::parse(&["%network".into()], false).unwrap();
        assert!(f.traces(nr("connect")) && !f.traces(nr("read")));
    }

    #[test]
    fn negation_and_status() {
        let f = Filter::parse(&["trace=!read".into()], true).unwrap();
        assert!(!f.traces(nr("read")) && f.traces(nr("write")));
        assert_eq!(f.status, Status::Failed);
        assert!(f.shows(true) && !f.shows(false));
        assert!(Filter::parse(&[], false).unwrap().is_everything());
    }

    #[test]
    fn unknown_names_suggest() {
        let err = Filter::parse(&["trace=acept4".into()], false).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("acept4") && msg.contains("accept4"), "{msg}");
        assert!(Filter::parse(&["trace=%nope".into()], false).is_err());
        assert!(Filter::parse(&["trace=?nope,read".into()], false).is_ok());
        assert!(Filter::parse(&["abbrev=none".into()], false).is_err());
        assert!(Filter::parse(&["status=weird".into()], false).is_err());
    }

    #[test]
    fn errors_carry_no_escape_sequences() {
        for e in ["\x1b[2Jx=1", "status=\x1b[2J", "trace=\x1b[2J"] {
            let msg = Filter::parse(&[e.into()], false).unwrap_err().to_string();
            assert!(!msg.contains('\x1b'), "{msg:?}");
        }
    }
}
