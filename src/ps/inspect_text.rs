//! The text of `toolbox inspect`: sections and tables printed from an [`Inspection`], every
//! string that came from the process sanitised for the terminal.

use std::fmt::Write as _;

use super::inspect::{Inspection, Named};
use crate::output::sanitize;

impl Named {
    /// `name (id)`, or the bare id when the process's container names none.
    fn show(&self) -> String {
        match &self.name {
            Some(n) => format!("{} ({})", sanitize(n), self.id),
            None => self.id.to_string(),
        }
    }
}

fn bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "(none)".into()
    } else {
        v.join(" ")
    }
}

fn table(out: &mut String, header: &[&str], rows: Vec<Vec<String>>) {
    let mut buf = Vec::new();
    let _ = crate::output::write_columns(&mut buf, header, &rows);
    for line in String::from_utf8_lossy(&buf).lines() {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
}

/// The human-readable report (every untrusted string sanitised).
pub fn render(i: &Inspection) -> String {
    let mut s = String::new();
    let o = |v: &Option<String>| v.as_deref().map_or("?".to_string(), sanitize);
    let _ = writeln!(
        s,
        "PID {}  {}{}",
        i.pid,
        sanitize(&if i.cmdline.is_empty() {
            format!("[{}]", i.comm)
        } else {
            i.cmdline.join(" ")
        }),
        i.role.map_or(String::new(), |r| format!("   ({r})"))
    );
    let _ = writeln!(s, "exe         {}", o(&i.exe));
    let _ = writeln!(s, "cwd         {}", o(&i.cwd));
    let _ = writeln!(s, "root        {}", o(&i.root));
    let _ = writeln!(
        s,
        "state       {}   ppid {}   threads {}",
        sanitize(&i.state),
        i.ppid,
        i.threads.len()
    );
    if let (Some(t), Some(age)) = (&i.start_time, i.running_secs) {
        let _ = writeln!(
            s,
            "started     {t}   ({}h{:02}m{:02}s ago)",
            age / 3600,
            age / 60 % 60,
            age % 60
        );
    }
    let show = |n: &Option<Named>| n.as_ref().map_or("?".into(), Named::show);
    let _ = writeln!(
        s,
        "user        {}   effective {}{}",
        show(&i.uid),
        show(&i.euid),
        if i.names_from == i.pid {
            String::new()
        } else {
            format!(
                "   (names from PID {}'s /etc/passwd: same container)",
                i.names_from
            )
        }
    );
    let _ = writeln!(
        s,
        "group       {}   effective {}   groups {}",
        show(&i.gid),
        show(&i.egid),
        if i.groups.is_empty() {
            "(none)".into()
        } else {
            i.groups
                .iter()
                .map(Named::show)
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    if let Some(c) = &i.capabilities {
        let _ = writeln!(s, "caps eff    {}", list(&c.effective));
        let _ = writeln!(s, "caps prm    {}", list(&c.permitted));
        let _ = writeln!(s, "caps inh    {}", list(&c.inheritable));
        let _ = writeln!(s, "caps bnd    {}", list(&c.bounding));
        let _ = writeln!(s, "caps amb    {}", list(&c.ambient));
    }
    let _ = writeln!(
        s,
        "seccomp     {}{}   no_new_privs {}",
        i.seccomp.as_deref().unwrap_or("?"),
        i.seccomp_filters
            .map_or(String::new(), |n| format!(" ({n} filters)")),
        i.no_new_privs.map_or("?", |b| if b { "yes" } else { "no" })
    );
    let _ = writeln!(
        s,
        "oom         score {}   adj {}",
        i.oom_score.map_or("?".into(), |v| v.to_string()),
        i.oom_score_adj.map_or("?".into(), |v| v.to_string())
    );
    let ns = |want: Option<bool>| {
        i.namespaces
            .iter()
            .filter(|n| n.shared == want)
            .map(|n| n.ns)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let parts: Vec<String> = [
        ("shared with toolbox", ns(Some(true))),
        ("own", ns(Some(false))),
        ("unreadable", ns(None)),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k}: {v}"))
    .collect();
    let _ = writeln!(s, "namespaces  {}", parts.join("   "));
    let cg = &i.cgroup;
    match &cg.memory {
        Some(m) => {
            let limit = match (m.limit_bytes, m.unlimited) {
                (Some(l), _) => bytes(l),
                (None, true) => "unlimited".into(),
                _ => "?".into(),
            };
            let _ = writeln!(
                s,
                "memory      limit {limit}   usage {}   peak {}   oom kills {}   (cgroup {}: {})",
                m.usage_bytes.map_or("?".into(), bytes),
                m.peak_bytes.map_or("?".into(), bytes),
                m.oom_kills.map_or("?".into(), |n| n.to_string()),
                m.version,
                sanitize(&m.dir)
            );
        }
        None => {
            let _ = writeln!(s, "memory      ? (cgroup directory not found)");
        }
    }
    match &cg.cpu {
        Some(c) => {
            let _ = writeln!(
                s,
                "cpu         limit {}   shares/weight {}   used {}   (cgroup {}: {})",
                c.limit_cpus
                    .map_or("unlimited".into(), |n| format!("{n:.2} CPUs")),
                c.shares.map_or("?".into(), |n| n.to_string()),
                c.usage_secs.map_or("?".into(), |n| format!("{n:.2} s")),
                c.version,
                sanitize(&c.dir)
            );
        }
        None => {
            let _ = writeln!(s, "cpu         ? (cgroup directory not found)");
        }
    }
    // Hierarchies usually share one path: print each path once with its controllers.
    let mut paths: Vec<(&str, Vec<String>)> = Vec::new();
    for l in &cg.lines {
        let name = if l.hierarchy == 0 {
            "v2".to_string()
        } else {
            l.controllers.clone()
        };
        match paths.iter_mut().find(|(p, _)| *p == l.path) {
            Some((_, names)) => names.push(name),
            None => paths.push((&l.path, vec![name])),
        }
    }
    for (path, names) in paths {
        let _ = writeln!(s, "cgroup      {}   ({})", sanitize(path), names.join(" "));
    }
    for n in &cg.notes {
        let _ = writeln!(s, "            {}", sanitize(n));
    }
    if !i.threads.is_empty() && i.threads.len() > 1 {
        let _ = writeln!(s, "\nthreads:");
        table(
            &mut s,
            &["TID", "STATE", "COMM"],
            i.threads
                .iter()
                .map(|t| vec![t.tid.to_string(), t.state.to_string(), sanitize(&t.comm)])
                .collect(),
        );
    }
    let _ = writeln!(s, "\nfile descriptors:");
    table(
        &mut s,
        &["FD", "TYPE", "TARGET"],
        i.fds
            .iter()
            .map(|f| {
                let target = match &f.socket {
                    Some(so) => format!(
                        "{} {}{} {}",
                        so.proto,
                        if so.local.is_empty() {
                            "-".into()
                        } else {
                            sanitize(&so.local)
                        },
                        so.remote
                            .as_ref()
                            .map_or(String::new(), |r| format!(" -> {r}")),
                        so.state
                    ),
                    None => sanitize(&f.target),
                };
                vec![f.fd.to_string(), f.kind.to_string(), target]
            })
            .collect(),
    );
    let _ = writeln!(s, "\nlimits:");
    table(
        &mut s,
        &["LIMIT", "SOFT", "HARD", "UNITS"],
        i.limits
            .iter()
            .map(|l| {
                vec![
                    l.name.clone(),
                    l.soft.clone(),
                    l.hard.clone(),
                    l.units.clone(),
                ]
            })
            .collect(),
    );
    let _ = writeln!(s, "\nmounts:");
    table(
        &mut s,
        &["MOUNTPOINT", "TYPE", "SOURCE", "OPTIONS"],
        i.mounts
            .iter()
            .map(|m| {
                vec![
                    sanitize(&m.mount_point),
                    sanitize(&m.fs_type),
                    sanitize(&m.source),
                    sanitize(&m.options),
                ]
            })
            .collect(),
    );
    if let Some(env) = &i.environment {
        let _ = writeln!(s, "\nenvironment:");
        for e in env {
            let _ = writeln!(s, "  {}", sanitize(e));
        }
    }
    if !i.unreadable.is_empty() {
        let _ = writeln!(s, "\nnot readable:");
        for u in &i.unreadable {
            let _ = writeln!(s, "  {}: {}", u.section, u.reason.replace('\n', "\n    "));
        }
    }
    s
}
