//! The `ps` columns: one registry entry per column says its names, its header, what it must read
//! from `/proc`, and how it renders for people, for JSON and for sorting. Adding a column is
//! adding one entry to [`COLUMNS`].

use std::cmp::Ordering;

use super::proc::{Clock, Needs, Stat};
use super::Proc;
use crate::output::civil_from_days as civil;
use crate::target::Role;

/// One row being rendered: a process, or one of its threads with `-L`.
#[derive(Clone, Copy, Debug)]
pub struct Row<'a> {
    /// The process.
    pub p: &'a Proc,
    /// The thread, when listing threads.
    pub thread: Option<&'a Stat>,
    /// Tree drawing before the command (`--tree`), else empty.
    pub prefix: &'a str,
}

impl Row<'_> {
    /// The stat of this row: the thread's, else the process's.
    pub fn stat(&self) -> &Stat {
        self.thread.unwrap_or(&self.p.stat)
    }
}

/// A column's value for JSON and sorting.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An integer.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
    /// Text (untrusted text is sanitised only when printed to a terminal).
    Text(String),
    /// Unknown (unreadable).
    Null,
}

impl Value {
    /// Order two values of the same column; unknown sorts first.
    pub fn compare(&self, other: &Value) -> Ordering {
        use Value::*;
        match (self, other) {
            (Int(a), Int(b)) => a.cmp(b),
            (Float(a), Float(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
            (Text(a), Text(b)) => a.cmp(b),
            (Null, Null) => Ordering::Equal,
            (Null, _) => Ordering::Less,
            (_, Null) => Ordering::Greater,
            (a, b) => a.rank().cmp(&b.rank()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Value::Null => 0,
            Value::Int(_) => 1,
            Value::Float(_) => 2,
            Value::Text(_) => 3,
        }
    }

    /// As JSON.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Int(i) => (*i).into(),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::Text(s) => s.clone().into(),
            Value::Null => serde_json::Value::Null,
        }
    }

    /// Plain text for a table cell (`-` when unknown, as ps prints).
    pub fn to_text(&self) -> String {
        match self {
            Value::Int(i) => i.to_string(),
            Value::Float(f) => format!("{f:.1}"),
            Value::Text(s) => s.clone(),
            Value::Null => "-".into(),
        }
    }
}

type ValueFn = fn(&Row<'_>, &Clock) -> Value;
type TextFn = fn(&Row<'_>, &Clock) -> String;

/// One column of `ps`.
pub struct Column {
    /// The canonical `-o` name.
    pub key: &'static str,
    /// Other `-o` names ps users type for it.
    pub aliases: &'static [&'static str],
    /// Table header.
    pub header: &'static str,
    /// JSON field name (stable).
    pub json: &'static str,
    /// What it reads beyond `/proc/PID/stat`.
    pub needs: Needs,
    /// Right-aligned (numbers).
    pub right: bool,
    /// Value for JSON and sorting.
    pub value: ValueFn,
    /// Table text, when it differs from the value's.
    pub text: Option<TextFn>,
}

impl std::fmt::Debug for Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key)
    }
}

impl Column {
    /// The cell text for a table (not yet sanitised).
    pub fn cell(&self, row: &Row<'_>, clock: &Clock) -> String {
        match self.text {
            Some(t) => t(row, clock),
            None => (self.value)(row, clock).to_text(),
        }
    }

    /// Whether `name` (as typed after `-o` or `--sort`) names this column.
    pub fn is_named(&self, name: &str) -> bool {
        self.key.eq_ignore_ascii_case(name)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    }
}

const NONE: Needs = Needs {
    status: false,
    cmdline: false,
    exe: false,
    mnt_ns: false,
};
const STATUS: Needs = Needs {
    status: true,
    ..NONE
};
const CMDLINE: Needs = Needs {
    cmdline: true,
    ..NONE
};
const EXE: Needs = Needs { exe: true, ..NONE };
/// USER: the effective UID and which container's passwd names it.
const USER: Needs = Needs {
    status: true,
    mnt_ns: true,
    ..NONE
};
/// The role marker: discovery's rules need the executable, the mount namespace and argv\[0\].
pub const ROLE_NEEDS: Needs = Needs {
    status: false,
    cmdline: true,
    exe: true,
    mnt_ns: true,
};

fn int(v: impl Into<i64>) -> Value {
    Value::Int(v.into())
}

/// Every column, in the order `-o help` lists them.
pub static COLUMNS: &[Column] = &[
    Column {
        key: "pid",
        aliases: &["tgid"],
        header: "PID",
        json: "pid",
        needs: NONE,
        right: true,
        value: |r, _| int(r.p.info.pid),
        text: None,
    },
    Column {
        key: "lwp",
        aliases: &["tid", "spid"],
        header: "LWP",
        json: "tid",
        needs: NONE,
        right: true,
        value: |r, _| int(r.stat().pid),
        text: None,
    },
    Column {
        key: "ppid",
        aliases: &[],
        header: "PPID",
        json: "ppid",
        needs: NONE,
        right: true,
        value: |r, _| int(r.p.info.ppid),
        text: None,
    },
    Column {
        key: "user",
        aliases: &["euser", "uname", "username"],
        header: "USER",
        json: "user",
        needs: USER,
        right: false,
        value: |r, _| match (&r.p.user, r.p.uids) {
            (Some(name), _) => Value::Text(name.clone()),
            (None, Some(u)) => Value::Text(u.effective.to_string()),
            (None, None) => Value::Null,
        },
        text: None,
    },
    Column {
        key: "uid",
        aliases: &["euid"],
        header: "UID",
        json: "uid",
        needs: STATUS,
        right: true,
        value: |r, _| r.p.uids.map_or(Value::Null, |u| int(u.effective)),
        text: None,
    },
    Column {
        key: "ruid",
        aliases: &[],
        header: "RUID",
        json: "ruid",
        needs: STATUS,
        right: true,
        value: |r, _| r.p.uids.map_or(Value::Null, |u| int(u.real)),
        text: None,
    },
    Column {
        key: "stat",
        aliases: &["state", "s"],
        header: "STAT",
        json: "stat",
        needs: NONE,
        right: false,
        value: |r, _| Value::Text(stat_flags(r.stat(), r.p.info.pid)),
        text: None,
    },
    Column {
        key: "pcpu",
        aliases: &["%cpu", "c"],
        header: "%CPU",
        json: "cpu_percent",
        needs: NONE,
        right: true,
        value: |r, c| Value::Float((c.cpu_percent(r.stat()) * 10.0).round() / 10.0),
        text: None,
    },
    Column {
        key: "pmem",
        aliases: &["%mem"],
        header: "%MEM",
        json: "mem_percent",
        needs: STATUS,
        right: true,
        value: |r, c| {
            if c.mem_total_kib == 0 {
                return Value::Null;
            }
            let pct = c.rss_kib(&r.p.stat, r.p.rss_kib) as f64 * 100.0 / c.mem_total_kib as f64;
            Value::Float((pct * 10.0).round() / 10.0)
        },
        text: None,
    },
    Column {
        key: "rss",
        aliases: &["rssize", "rsz"],
        header: "RSS",
        json: "rss_kib",
        needs: STATUS,
        right: true,
        value: |r, c| int(c.rss_kib(&r.p.stat, r.p.rss_kib) as i64),
        text: None,
    },
    Column {
        key: "vsz",
        aliases: &["vsize"],
        header: "VSZ",
        json: "vsz_kib",
        needs: NONE,
        right: true,
        value: |r, _| int((r.p.stat.vsize / 1024) as i64),
        text: None,
    },
    Column {
        key: "start",
        aliases: &["stime", "start_time", "bsdstart"],
        header: "START",
        json: "start_time",
        needs: NONE,
        right: true,
        value: |r, c| Value::Text(rfc3339(c.start_secs(r.stat()))),
        text: Some(|r, c| start_text(c.start_secs(r.stat()), c.now)),
    },
    Column {
        key: "time",
        aliases: &["cputime", "bsdtime"],
        header: "TIME",
        json: "cpu_time_secs",
        needs: NONE,
        right: true,
        value: |r, c| Value::Float((c.cpu_secs(r.stat()) * 100.0).round() / 100.0),
        text: Some(|r, c| {
            let s = c.cpu_secs(r.stat()) as u64;
            format!("{}:{:02}", s / 60, s % 60)
        }),
    },
    Column {
        key: "nlwp",
        aliases: &["thcount"],
        header: "NLWP",
        json: "threads",
        needs: NONE,
        right: true,
        value: |r, _| int(r.p.stat.num_threads),
        text: None,
    },
    Column {
        key: "ni",
        aliases: &["nice"],
        header: "NI",
        json: "nice",
        needs: NONE,
        right: true,
        value: |r, _| int(r.stat().nice),
        text: None,
    },
    Column {
        key: "pgid",
        aliases: &["pgrp"],
        header: "PGID",
        json: "pgid",
        needs: NONE,
        right: true,
        value: |r, _| int(r.stat().pgrp),
        text: None,
    },
    Column {
        key: "sid",
        aliases: &["sess", "session"],
        header: "SID",
        json: "sid",
        needs: NONE,
        right: true,
        value: |r, _| int(r.stat().session),
        text: None,
    },
    Column {
        key: "role",
        aliases: &["marker"],
        header: "ROLE",
        json: "role",
        needs: ROLE_NEEDS,
        right: false,
        value: |r, _| match r.p.role {
            Some(role) => Value::Text(role_json(role).into()),
            None => Value::Null,
        },
        text: Some(|r, _| r.p.role.map_or("-", role_label).to_string()),
    },
    Column {
        key: "exe",
        aliases: &[],
        header: "EXE",
        json: "exe",
        needs: EXE,
        right: false,
        value: |r, _| match &r.p.info.exe {
            Some(e) => Value::Text(e.to_string_lossy().into_owned()),
            None => Value::Null,
        },
        text: None,
    },
    Column {
        key: "comm",
        aliases: &["ucomm", "ucmd", "fname"],
        header: "COMMAND",
        json: "comm",
        needs: NONE,
        right: false,
        value: |r, _| Value::Text(r.thread.map_or(&r.p.info.comm, |t| &t.comm).clone()),
        text: Some(|r, _| {
            format!(
                "{}{}",
                r.prefix,
                r.thread.map_or(&r.p.info.comm, |t| &t.comm)
            )
        }),
    },
    Column {
        key: "command",
        aliases: &["args", "cmd"],
        header: "COMMAND",
        json: "command",
        needs: CMDLINE,
        right: false,
        value: |r, _| Value::Text(r.p.info.command()),
        text: Some(|r, _| format!("{}{}", r.prefix, r.p.info.command())),
    },
];

/// The default table: the columns, the role marker just before the command.
pub const DEFAULT: &[&str] = &[
    "pid", "ppid", "user", "stat", "pcpu", "rss", "start", "time", "role", "command",
];

/// The default JSON fields: everything a script is likely to want, with stable names.
pub const DEFAULT_JSON: &[&str] = &[
    "pid", "ppid", "user", "uid", "stat", "pcpu", "pmem", "rss", "vsz", "start", "time", "nlwp",
    "role", "exe", "comm", "command",
];

/// Find a column by any of its names.
pub fn find(name: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.is_named(name))
}

/// All column names, for error messages and `-o help`.
pub fn names() -> String {
    COLUMNS.iter().map(|c| c.key).collect::<Vec<_>>().join(",")
}

/// The short label of a role in the table.
pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Target => "target",
        Role::TargetContainer => "target-ctr",
        Role::Pause => "pause",
        Role::Toolbox => "toolbox",
        Role::KernelThread => "kernel",
        Role::Other => "-",
    }
}

/// The stable JSON name of a role (same spelling as `toolbox target -o json`).
pub fn role_json(role: Role) -> &'static str {
    match role {
        Role::Target => "target",
        Role::TargetContainer => "target-container",
        Role::Pause => "pause",
        Role::Toolbox => "toolbox",
        Role::KernelThread => "kernel-thread",
        Role::Other => "other",
    }
}

/// BSD-style STAT: the state letter and ps's flags `<` (high priority), `N` (low priority),
/// `s` (session leader), `l` (multi-threaded), `+` (foreground process group).
pub fn stat_flags(s: &Stat, tgid: i32) -> String {
    let mut out = String::with_capacity(5);
    out.push(s.state);
    if s.nice < 0 {
        out.push('<');
    } else if s.nice > 0 {
        out.push('N');
    }
    if s.session == tgid {
        out.push('s');
    }
    if s.num_threads > 1 {
        out.push('l');
    }
    if s.tpgid != -1 && s.tpgid == s.pgrp {
        out.push('+');
    }
    out
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(secs: u64) -> String {
    let (y, mo, d) = civil((secs / 86_400) as i64);
    let t = secs % 86_400;
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// ps's START: `HH:MM` within the last 24 hours, `MonDD` within the year, else the year. In UTC:
/// the debug image has no time zone database.
pub fn start_text(start: u64, now: u64) -> String {
    let (y, m, d) = civil((start / 86_400) as i64);
    let t = start % 86_400;
    let age = now.saturating_sub(start);
    if age < 86_400 {
        format!("{:02}:{:02}", t / 3600, t / 60 % 60)
    } else if age < 365 * 86_400 {
        format!("{}{:02}", MONTHS[(m as usize).saturating_sub(1) % 12], d)
    } else {
        format!("{y:>5}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in COLUMNS {
            for n in std::iter::once(&c.key).chain(c.aliases) {
                assert!(
                    seen.insert(n.to_ascii_lowercase()),
                    "duplicate column name {n}"
                );
            }
        }
        for n in DEFAULT.iter().chain(DEFAULT_JSON) {
            assert!(find(n).is_some(), "{n}");
        }
        let mut json = std::collections::HashSet::new();
        for c in COLUMNS {
            assert!(json.insert(c.json), "{}", c.json);
        }
    }

    #[test]
    fn dates() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(19_723), (2024, 1, 1));
        assert_eq!(civil(19_782), (2024, 2, 29));
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        let start = 1_700_000_000;
        assert_eq!(start_text(start, start + 60), "22:13");
        assert_eq!(start_text(start, start + 2 * 86_400), "Nov14");
        assert_eq!(start_text(start, start + 400 * 86_400), " 2023");
    }

    #[test]
    fn bsd_stat() {
        let s = Stat {
            pid: 7,
            state: 'S',
            session: 7,
            num_threads: 3,
            nice: -5,
            tpgid: 7,
            pgrp: 7,
            ..Stat::default()
        };
        assert_eq!(stat_flags(&s, 7), "S<sl+");
        let t = Stat {
            state: 'R',
            tpgid: -1,
            pgrp: -1,
            num_threads: 1,
            ..Stat::default()
        };
        assert_eq!(stat_flags(&t, 9), "R");
    }
}
