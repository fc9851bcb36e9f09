//! `toolbox target`: which process is the target, why, and what was skipped.

use clap::Args;

use super::Global;
use crate::node::{self, Node};
use crate::output::{self, sanitize, Format};
use crate::target::{Selector, Target};

/// `toolbox target` in node mode without `--target`/`--pid`: every running container by pod and
/// the flag that selects it.
fn node_choices(node: &Node, json: bool) -> anyhow::Result<i32> {
    let all = node::containers(node)?;
    if json {
        #[derive(serde::Serialize)]
        struct NodeTargets<'a> {
            node: &'a Node,
            chosen: Option<i32>,
            containers: Vec<&'a node::Container>,
        }
        output::print_json(&NodeTargets {
            node,
            chosen: None,
            containers: all
                .iter()
                .filter(|c| c.state == node::State::Running)
                .collect(),
        })?;
        return Ok(0);
    }
    println!("{}", super::pods::node_line(node));
    println!("no target chosen: choose a pod's container with --target NAMESPACE/POD[/CONTAINER] (`toolbox pods` shows them all):");
    let mut buf = Vec::new();
    output::write_columns(
        &mut buf,
        super::pods::CHOICE_HEADER,
        &super::pods::choices(&all),
    )?;
    let mut s = String::new();
    indent(&mut s, &buf);
    print!("{s}");
    Ok(0)
}

/// Arguments of `toolbox target`.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
    pub output: Format,
    /// Same as `-o json`.
    #[arg(long)]
    pub json: bool,
}

/// Run `toolbox target`.
pub fn run(global: &Global, args: TargetArgs) -> anyhow::Result<i32> {
    let json = args.json || args.output == Format::Json;
    // Node mode with nothing chosen: the containers by pod, not hundreds of PIDs.
    if global.selector() == Selector::Auto {
        if let Some(node) = Node::detect(global.root.as_deref()) {
            return node_choices(&node, json);
        }
    }
    let target = Target::discover(&global.selector())?;
    if json {
        output::print_json(&target)?;
    } else {
        print!("{}", render(&target));
    }
    Ok(0)
}

/// The human-readable report.
pub fn render(t: &Target) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "target   PID {}  {}", t.pid, sanitize(&t.command));
    let _ = writeln!(s, "why      {}", sanitize(&t.how));
    if let Some(exe) = &t.exe {
        let _ = writeln!(s, "exe      {}", sanitize(&exe.to_string_lossy()));
    }
    let _ = writeln!(
        s,
        "user     {} (uid {}, named by the target's /etc/passwd)",
        sanitize(&t.user),
        t.uid
    );
    let _ = writeln!(
        s,
        "root     {}{}",
        t.root.display(),
        if t.root_readable {
            ""
        } else {
            "  (not readable: see `toolbox caps`)"
        }
    );
    let list = |want: Option<bool>| {
        t.namespaces
            .iter()
            .filter(|n| n.shared == want)
            .map(|n| n.ns)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let _ = write!(s, "shares   {}", list(Some(true)));
    let separate = list(Some(false));
    if !separate.is_empty() {
        let _ = write!(s, "   (own: {separate})");
    }
    let unknown = list(None);
    if !unknown.is_empty() {
        let _ = write!(s, "   (unreadable: {unknown})");
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "\nprocesses in the target's container:");
    let rows: Vec<Vec<String>> = t
        .members
        .iter()
        .map(|m| {
            vec![
                m.pid.to_string(),
                m.ppid.to_string(),
                sanitize(&m.user),
                sanitize(&m.command),
            ]
        })
        .collect();
    let mut buf = Vec::new();
    let _ = output::write_columns(&mut buf, &["PID", "PPID", "USER", "COMMAND"], &rows);
    indent(&mut s, &buf);
    if !t.skipped.is_empty() {
        let _ = writeln!(s, "\nskipped:");
        let rows: Vec<Vec<String>> = t
            .skipped
            .iter()
            .filter(|k| k.reason != crate::target::SkipReason::KernelThread)
            .map(|k| vec![k.pid.to_string(), k.why.to_string(), sanitize(&k.command)])
            .collect();
        let kthreads = t.skipped.len() - rows.len();
        let mut buf = Vec::new();
        let _ = output::write_columns(&mut buf, &["PID", "REASON", "COMMAND"], &rows);
        indent(&mut s, &buf);
        if kthreads > 0 {
            let _ = writeln!(s, "  (and {kthreads} kernel threads)");
        }
    }
    s
}

fn indent(s: &mut String, buf: &[u8]) {
    for line in String::from_utf8_lossy(buf).lines() {
        s.push_str("  ");
        s.push_str(line);
        s.push('\n');
    }
}
