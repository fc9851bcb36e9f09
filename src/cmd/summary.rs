//! `toolbox` with no arguments: what it found here and what to try next, on one screen.

use std::io::Write;

use super::Global;
use crate::net::sockets::{Kinds, Socket};
use crate::net::{links, owners, sockets, NetError};
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
    let node = crate::node::Node::detect(global.root.as_deref());
    if let Some(n) = &node {
        writeln!(out, "{}", super::pods::node_line(n))?;
    }
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
        Err(_) if node.is_some() && global.selector() == crate::target::Selector::Auto => {
            let all = node
                .as_ref()
                .map(crate::node::containers)
                .transpose()?
                .unwrap_or_default();
            writeln!(out, "target: none chosen: choose a pod's container with --target NAMESPACE/POD[/CONTAINER]:")?;
            let mut buf = Vec::new();
            crate::output::write_columns(
                &mut buf,
                super::pods::CHOICE_HEADER,
                &super::pods::choices(&all),
            )?;
            for line in String::from_utf8_lossy(&buf).lines() {
                writeln!(out, "  {line}")?;
            }
            next.push(
                "toolbox pods    (every pod and container of the node, exited ones too)".into(),
            );
            if let Some(flag) = super::pods::choices(&all).first().and_then(|r| r.last()) {
                if flag.starts_with("--target ") {
                    next.push(format!("toolbox {flag} ls -l /etc    (its files, ps, trace, capture, net: every command)"));
                }
            }
            None
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
                // In node mode the missing target is chosen by pod, not by a new debug container.
                let fix = match fix {
                    Some(f) if node.is_some() && f == crate::caps::fix::TARGET_FLAG => {
                        Some("toolbox --target NAMESPACE/POD[/CONTAINER] COMMAND  (node mode: choose a pod's container)".to_string())
                    }
                    other => other.clone(),
                };
                if let Some(fix) = fix {
                    writeln!(out, "           fix: {fix}")?;
                }
            }
        }
    }
    if let Some(n) = &node {
        let r = crate::doctor::node_probe(n);
        for v in &r.features {
            if v.works {
                writeln!(out, "  {:<8} yes", v.feature)?;
            } else {
                writeln!(
                    out,
                    "  {:<8} no: {}",
                    v.feature,
                    sanitize(v.reason.as_deref().unwrap_or("unknown"))
                )?;
                if let Some(fix) = v.fix {
                    writeln!(out, "           fix: {fix}")?;
                }
            }
        }
    }
    if let Some(pid) = target_pid {
        write_listening(&mut out, pid)?;
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
    next.push("toolbox net    (toolbox connect HOST:PORT, toolbox ping HOST: from the target's network namespace)".into());
    writeln!(out, "\nnext:")?;
    for n in next {
        writeln!(out, "  {n}")?;
    }
    writeln!(out, "  toolbox --help")?;
    Ok(0)
}

/// At most this many listening sockets on the summary (`toolbox net sockets -l` has them all).
const LISTENING_MAX: usize = 20;

/// The TCP and UDP sockets listening in `pid`'s network namespace (read from a short-lived
/// thread that joins it when it is not toolbox's own).
fn listening(pid: i32) -> anyhow::Result<Vec<Socket>> {
    let socks = crate::target::netns::run_in(pid, || -> Result<Vec<Socket>, NetError> {
        let names = links::names(&links::ifaces()?);
        let kinds = Kinds {
            tcp: true,
            udp: true,
            unix: false,
            info: false,
        };
        let mut socks = sockets::read(kinds, &|i| names.get(&i).cloned())?;
        socks.retain(|k| matches!(k.state, "LISTEN" | "UNCONN"));
        Ok(socks)
    })??;
    Ok(socks)
}

/// The `listening:` block: protocol, address and port, and the processes holding each socket.
fn write_listening(out: &mut impl Write, pid: i32) -> std::io::Result<()> {
    writeln!(out, "\nlistening (the target's network namespace):")?;
    let mut socks = match listening(pid) {
        Ok(s) => s,
        Err(e) => {
            // The first line: the fix, if any, is in the `net` verdict above.
            let text = format!("{e:#}");
            writeln!(
                out,
                "  unknown: {}",
                sanitize(text.lines().next().unwrap_or(""))
            )?;
            return Ok(());
        }
    };
    if socks.is_empty() {
        writeln!(out, "  nothing")?;
        return Ok(());
    }
    socks.sort_by(|a, b| (a.netid, a.local_port).cmp(&(b.netid, b.local_port)));
    let map = owners::read(&|_| None);
    for s in socks.iter().take(LISTENING_MAX) {
        let mut who: Vec<String> = Vec::new();
        for o in map.by_inode.get(&s.inode).into_iter().flatten() {
            let w = format!("{} {}", sanitize(&o.comm), o.pid);
            if !who.contains(&w) {
                who.push(w);
            }
        }
        let who = if who.is_empty() {
            String::new()
        } else {
            format!("  ({})", who.join(", "))
        };
        writeln!(out, "  {:<4} {:<24}{who}", s.netid, sanitize(&s.local))?;
    }
    if socks.len() > LISTENING_MAX {
        writeln!(
            out,
            "  … {} more: toolbox net sockets -l",
            socks.len() - LISTENING_MAX
        )?;
    }
    Ok(())
}
