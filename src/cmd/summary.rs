//! `toolbox` with no arguments: what it found here and what to try next, on one screen.

use std::io::Write;

use super::Global;
use crate::output::sanitize;
use crate::target::{Scan, Target};

/// Run the summary. Never fails for lack of a target: it says what to do instead.
pub fn run(global: &Global) -> anyhow::Result<i32> {
    let scan = Scan::new()?;
    let choice = scan.choose(&global.selector());
    let mut next: Vec<String> = Vec::new();
    // Write errors end the summary (a closed pipe is a normal end, see cli::report_error).
    let mut out = std::io::stdout().lock();
    writeln!(out, "toolbox {}", env!("CARGO_PKG_VERSION"))?;
    // Every process of the target's container: workers do the app's I/O, not the master.
    let mut trace_pids: Vec<String> = Vec::new();
    let target_pid = match choice {
        Ok(choice) => {
            let t = Target::from_scan(&scan, choice);
            writeln!(
                out,
                "target: PID {} {} (user {})",
                t.pid,
                sanitize(&t.command),
                sanitize(&t.user)
            )?;
            for m in t.members.iter().filter(|m| m.pid != t.pid) {
                writeln!(
                    out,
                    "        PID {} {} (user {})",
                    m.pid,
                    sanitize(&m.command),
                    sanitize(&m.user)
                )?;
            }
            let skipped: Vec<String> = t
                .skipped
                .iter()
                .filter(|k| k.reason != crate::target::SkipReason::KernelThread)
                .map(|k| format!("{} {} ({})", k.pid, sanitize(&k.comm), k.why))
                .collect();
            if !skipped.is_empty() {
                writeln!(out, "skipped: {}", skipped.join("; "))?;
            }
            next.push("toolbox target".into());
            trace_pids = t.members.iter().map(|m| m.pid.to_string()).collect();
            next.push("toolbox ls -l /etc    (and cat, tree, find, grep, export: paths in the target's root)".into());
            Some(t.pid)
        }
        Err(e) => {
            writeln!(out, "target: none chosen: {e}")?;
            None
        }
    };
    let report = crate::doctor::Report::probe(target_pid, scan.procs.len());
    writeln!(out, "\nwhat works here:")?;
    for v in &report.features {
        match (&v.works, &v.reason, &v.fix) {
            (true, _, _) => writeln!(out, "  {:<8} yes", v.feature.name())?,
            (false, reason, fix) => {
                writeln!(
                    out,
                    "  {:<8} no: {}",
                    v.feature.name(),
                    reason.as_deref().unwrap_or("unknown")
                )?;
                if let Some(fix) = fix {
                    writeln!(out, "           fix: {fix}")?;
                }
            }
        }
    }
    next.push("toolbox caps".into());
    next.push("toolbox ps -f      (toolbox inspect [PID] for one process)".into());
    if !trace_pids.is_empty() {
        next.push(format!(
            "toolbox trace -f -p {} -e trace=%network   (strace's flags)",
            trace_pids.join(",")
        ));
    }
    next.push("toolbox capture -i any -nn port 80   (or -w FILE / -w - for Wireshark)".into());
    writeln!(out, "\nnext:")?;
    for n in next {
        writeln!(out, "  {n}")?;
    }
    writeln!(out, "  toolbox --help")?;
    Ok(0)
}
