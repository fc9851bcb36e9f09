//! `toolbox pods`: the node's pods and containers, from `/proc/*/cgroup` and the node's log tree.

use clap::Args;

use super::Global;
use crate::node::{self, Container, Node, State};
use crate::output::{self, sanitize, Format};

/// Arguments of `toolbox pods`.
#[derive(Debug, Args)]
pub struct PodsArgs {
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
    pub output: Format,
    /// Same as `-o json`.
    #[arg(long)]
    pub json: bool,
}

/// The node, or an error that says how to get node mode.
pub(crate) fn node_or_explain(global: &Global) -> anyhow::Result<Node> {
    if let Some(n) = Node::detect(global.root.as_deref()) {
        return Ok(n);
    }
    let root = global
        .root
        .clone()
        .unwrap_or_else(|| node::DEFAULT_ROOT.into());
    if !node::host_pid_namespace() {
        anyhow::bail!(
            "not in node mode: toolbox does not see the host's PID namespace; run it with `kubectl debug node/NODE -it --image=toolbox --profile=sysadmin`"
        );
    }
    anyhow::bail!(
        "not in node mode: no node root with var/log/pods at {} (`kubectl debug node/…` mounts the node's root at /host; or pass --root DIR)",
        root.display()
    )
}

/// Run `toolbox pods`.
pub fn run(global: &Global, args: PodsArgs) -> anyhow::Result<i32> {
    let node = node_or_explain(global)?;
    let all = node::containers(&node)?;
    if args.json || args.output == Format::Json {
        output::print_json(&all)?;
    } else {
        output::print_columns(
            &[
                "NAMESPACE",
                "POD",
                "CONTAINER",
                "ID",
                "PID",
                "STATE",
                "RESTARTS",
                "QOS",
                "MEM-LIMIT",
                "CPU-LIMIT",
            ],
            &all.iter().map(row).collect::<Vec<_>>(),
        )?;
    }
    Ok(0)
}

/// The line that says toolbox is in node mode (summary, `target`, `caps`).
pub(crate) fn node_line(node: &Node) -> String {
    format!(
        "node mode: host PID namespace, node root at {}",
        sanitize(&node.root.to_string_lossy())
    )
}

/// Running containers by pod, each with the flag that selects it (for `target` and the summary).
pub(crate) fn choices(all: &[Container]) -> Vec<Vec<String>> {
    all.iter()
        .filter(|c| c.state == State::Running)
        .map(|c| {
            let flag = match (&c.namespace, &c.pod, &c.container) {
                (Some(ns), Some(pod), Some(ctr)) => sanitize(&format!("--target {ns}/{pod}/{ctr}")),
                _ => c.pid.map(|p| format!("--pid {p}")).unwrap_or_default(),
            };
            let mut cells = name_cells(c).to_vec();
            cells.push(c.pid.map(|p| p.to_string()).unwrap_or_default());
            cells.push(flag);
            cells
        })
        .collect()
}

/// Namespace, pod and container as printed: sanitised, `?` (or `pod<UID>`) when unknown.
fn name_cells(c: &Container) -> [String; 3] {
    let or_unknown = |v: Option<&str>| v.map(sanitize).unwrap_or_else(|| "?".into());
    [
        or_unknown(c.namespace.as_deref()),
        c.pod
            .as_deref()
            .map(sanitize)
            .unwrap_or_else(|| format!("pod{}", c.pod_uid)),
        or_unknown(c.container.as_deref()),
    ]
}

/// Header of [`choices`].
pub(crate) const CHOICE_HEADER: &[&str] = &["NAMESPACE", "POD", "CONTAINER", "PID", "SELECT WITH"];

fn row(c: &Container) -> Vec<String> {
    let dash = || "-".to_string();
    let [namespace, pod, container] = name_cells(c);
    vec![
        namespace,
        pod,
        container,
        c.id.as_deref()
            .map(|i| i.chars().take(13).collect())
            .unwrap_or_else(dash),
        c.pid.map(|p| p.to_string()).unwrap_or_else(dash),
        match c.state {
            State::Running => "running".into(),
            State::Exited => "exited".into(),
        },
        c.restarts.map(|r| r.to_string()).unwrap_or_else(dash),
        c.qos.map(|q| q.as_str().to_string()).unwrap_or_else(dash),
        c.memory_limit.map(mebibytes).unwrap_or_else(dash),
        c.cpu_limit.map(millicores).unwrap_or_else(dash),
    ]
}

/// Kubernetes quantity style: `64Mi`, else bytes.
fn mebibytes(b: u64) -> String {
    const MI: u64 = 1 << 20;
    const GI: u64 = 1 << 30;
    if b.is_multiple_of(GI) {
        format!("{}Gi", b / GI)
    } else if b.is_multiple_of(MI) {
        format!("{}Mi", b / MI)
    } else {
        b.to_string()
    }
}

/// Kubernetes quantity style: `500m`.
fn millicores(cpus: f64) -> String {
    format!("{}m", (cpus * 1000.0).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(mebibytes(64 << 20), "64Mi");
        assert_eq!(mebibytes(2 << 30), "2Gi");
        assert_eq!(mebibytes(1000), "1000");
        assert_eq!(millicores(0.5), "500m");
        assert_eq!(millicores(2.0), "2000m");
    }
}
