//! `toolbox caps`: what toolbox may do here, what it may not, why, and the fix.

use clap::Args;

use super::Global;
use crate::doctor::Report;
use crate::output::{self, Format};
use crate::target::{Scan, TargetError};

/// Arguments of `toolbox caps`.
#[derive(Debug, Args)]
pub struct CapsArgs {
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
    pub output: Format,
    /// Same as `-o json`.
    #[arg(long)]
    pub json: bool,
}

/// Probe and report. `caps` does not need a target: when none is chosen it says why (the
/// third value) and probes the first candidate, if there is one, or no process at all.
pub fn report(global: &Global) -> anyhow::Result<(Report, Option<i32>, Option<String>)> {
    let scan = Scan::new()?;
    let (target, note) = match scan.choose(&global.selector()) {
        Ok(c) => (Some(c.pid), None),
        Err(e) => {
            let first = match &e {
                TargetError::Ambiguous(c) | TargetError::NoMatch { candidates: c, .. } => {
                    c.first().map(|c| c.pid)
                }
                _ => None,
            };
            let probing = match first {
                Some(pid) => format!("the verdicts below probe PID {pid}, the first candidate"),
                None => "the verdicts below probe no target process".into(),
            };
            (
                first,
                Some(format!("no target chosen ({}); {probing}", e.summary())),
            )
        }
    };
    Ok((Report::probe(target, scan.procs.len()), target, note))
}

/// Run `toolbox caps`.
pub fn run(global: &Global, args: CapsArgs) -> anyhow::Result<i32> {
    let (report, _, note) = report(global)?;
    if let Some(note) = note {
        eprintln!("toolbox caps: {note}");
    }
    // Node mode adds the node features; outside it the report is unchanged.
    let node =
        crate::node::Node::detect(global.root.as_deref()).map(|n| crate::doctor::node_probe(&n));
    if args.json || args.output == Format::Json {
        #[derive(serde::Serialize)]
        struct WithNode<'a> {
            #[serde(flatten)]
            report: &'a Report,
            #[serde(skip_serializing_if = "Option::is_none")]
            node: Option<&'a crate::doctor::NodeReport>,
        }
        output::print_json(&WithNode {
            report: &report,
            node: node.as_ref(),
        })?;
    } else {
        let mut text = render(&report);
        if let Some(n) = &node {
            text.push_str(&render_node(n));
        }
        std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())?;
    }
    Ok(0)
}

/// The node features, after the per-target ones.
pub fn render_node(r: &crate::doctor::NodeReport) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n{}",
        super::pods::node_line(&crate::node::Node {
            root: r.root.clone()
        })
    );
    for v in &r.features {
        let _ = writeln!(
            s,
            "{:<8} {}  {}",
            v.feature,
            if v.works { "yes" } else { "NO " },
            v.detail
        );
        if let Some(reason) = &v.reason {
            let _ = writeln!(s, "         why: {}", output::sanitize(reason));
        }
        if let Some(fix) = &v.fix {
            let _ = writeln!(s, "         fix: {fix}");
        }
    }
    s
}

/// The human-readable report.
pub fn render(r: &Report) -> String {
    use std::fmt::Write;
    let c = &r.toolbox;
    let mut s = String::new();
    let join = |set: &std::collections::BTreeSet<String>| {
        if set.is_empty() {
            "(none)".to_string()
        } else {
            set.iter()
                .map(|n| n.trim_start_matches("CAP_"))
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    let _ = writeln!(s, "toolbox    uid {} (euid {})", c.uid, c.euid);
    if let Some(t) = &r.target {
        let uid = t.uid.map_or("?".to_string(), |u| u.to_string());
        let note = match t.uid {
            Some(u) if u != c.euid => "  (differs from toolbox's)",
            _ => "",
        };
        let _ = writeln!(s, "target     PID {} uid {uid}{note}", t.pid);
    } else {
        let _ = writeln!(s, "target     none found");
    }
    let _ = writeln!(s, "effective  {}", join(&c.effective));
    let _ = writeln!(s, "permitted  {}", join(&c.permitted));
    let _ = writeln!(s, "bounding   {}", join(&c.bounding));
    let _ = writeln!(
        s,
        "seccomp    {}{}   no_new_privs {}",
        c.seccomp,
        c.seccomp_filters
            .map_or(String::new(), |n| format!(" ({n} filters)")),
        if c.no_new_privs { "yes" } else { "no" }
    );
    let _ = writeln!(
        s,
        "yama       {}",
        c.yama_ptrace_scope
            .map_or("not enabled".to_string(), |v| format!("ptrace_scope {v}"))
    );
    let _ = writeln!(s);
    for v in &r.features {
        let _ = writeln!(
            s,
            "{:<8} {}  {}",
            v.feature.name(),
            if v.works { "yes" } else { "NO " },
            v.detail
        );
        if let Some(reason) = &v.reason {
            let _ = writeln!(s, "         why: {reason}");
        }
        if let Some(fix) = &v.fix {
            let _ = writeln!(s, "         fix: {fix}");
        }
    }
    s
}
