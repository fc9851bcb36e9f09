//! Node mode against scripts/nodepod: podman containers placed where kubelet puts them, logs in
//! /var/log/pods, and toolbox in a debug container run like `kubectl debug node/…
//! --profile=sysadmin` (host PID and network namespaces, the host's root at /host).

mod common;

use std::collections::HashMap;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use common::{json, run_bounded, show, stdout};

/// `scripts/nodepod env` after `up`, once per test binary.
fn fixture() -> &'static HashMap<String, String> {
    static ENV: OnceLock<HashMap<String, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let script = common::repo().join("scripts/nodepod");
        for args in [&["up"][..], &["env"][..]] {
            let out = Command::new("timeout")
                .args(["--kill-after=10", "400"])
                .arg(&script)
                .args(args)
                .stdin(Stdio::null())
                .output()
                .expect("run scripts/nodepod");
            assert!(
                out.status.success(),
                "scripts/nodepod {args:?} failed:\n{}",
                show(&out)
            );
            if args == ["env"] {
                return String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .filter_map(|l| {
                        let (k, v) = l.split_once('=')?;
                        Some((k.to_string(), v.trim_matches('\'').to_string()))
                    })
                    .collect();
            }
        }
        unreachable!()
    })
}

fn var(key: &str) -> String {
    fixture()
        .get(key)
        .cloned()
        .unwrap_or_else(|| panic!("nodepod env has no {key}: {:?}", fixture()))
}

/// What `kubectl debug node/NODE --profile=sysadmin` gives: host PID and network namespaces,
/// the node's root at /host, a privileged container.
fn debug_node(args: &[&str]) -> Output {
    let bin = format!("{}:/toolbox:ro", common::bin());
    let mut argv = vec![
        "run",
        "--rm",
        "--pid",
        "host",
        "--network",
        "host",
        "-v",
        "/:/host:ro",
        "--privileged",
        "-v",
        &bin,
        "localhost/toolbox-empty:test",
        "/toolbox",
    ];
    argv.extend_from_slice(args);
    run_bounded(120, "podman", &argv)
}

fn podman_pid(name: &str) -> i64 {
    common::podman_ok(&["inspect", "--format", "{{.State.Pid}}", name])
        .trim()
        .parse()
        .expect("podman's State.Pid is a number")
}

#[test]
fn pods_lists_every_fixture_container_with_pid_qos_and_limits() {
    require_pod!();
    let _ = fixture();
    let out = debug_node(&["pods", "-o", "json"]);
    assert!(out.status.success(), "{}", show(&out));
    let all = json(&out);
    let rows = all.as_array().expect("a JSON array");
    let find = |ns: &str, pod: &str, ctr: &str| {
        rows.iter()
            .find(|r| r["namespace"] == ns && r["pod"] == pod && r["container"] == ctr)
            .unwrap_or_else(|| panic!("no {ns}/{pod}/{ctr} in {all:#}"))
            .clone()
    };
    let web = find("default", "web", "nginx");
    assert_eq!(
        web["pid"].as_i64(),
        Some(podman_pid("tbxnode-web-nginx")),
        "{web:#}"
    );
    assert_eq!(web["id"].as_str(), Some(var("NODEPOD_WEB_ID").as_str()));
    assert_eq!(
        web["pod_uid"].as_str(),
        Some(var("NODEPOD_WEB_UID").as_str())
    );
    assert_eq!(web["state"], "running");
    assert_eq!(web["qos"], "BestEffort");
    assert_eq!(web["restarts"], 0);
    assert!(
        web["memory_limit"].is_null() && web["cpu_limit"].is_null(),
        "{web:#}"
    );

    let init = find("default", "web", "init");
    assert_eq!(init["state"], "exited", "{init:#}");
    assert!(init["pid"].is_null());

    // Found through conmon's command line (no /var/log/containers link for it).
    let agent = find("kube-system", "agent", "agent");
    assert_eq!(
        agent["pid"].as_i64(),
        Some(podman_pid("tbxnode-agent-agent")),
        "{agent:#}"
    );
    assert_eq!(agent["qos"], "Burstable");
    assert_eq!(agent["restarts"], 1);
    assert_eq!(
        agent["memory_limit"].as_u64(),
        Some(var("NODEPOD_AGENT_MEMORY_BYTES").parse().expect("bytes"))
    );
    let cpus: f64 = var("NODEPOD_AGENT_CPUS").parse().expect("cpus");
    assert_eq!(agent["cpu_limit"].as_f64(), Some(cpus), "{agent:#}");
    // The infra (pause) containers are no containers of the pods.
    assert!(
        !rows
            .iter()
            .any(|r| r["pid"].as_i64() == var("NODEPOD_WEB_INFRA_PID").parse().ok()),
        "{all:#}"
    );

    let table = debug_node(&["pods"]);
    assert!(table.status.success(), "{}", show(&table));
    let text = stdout(&table);
    let header = text.lines().next().unwrap_or_default();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>(),
        [
            "NAMESPACE",
            "POD",
            "CONTAINER",
            "ID",
            "PID",
            "STATE",
            "RESTARTS",
            "QOS",
            "MEM-LIMIT",
            "CPU-LIMIT"
        ]
    );
    let line = |ctr: &str| {
        text.lines()
            .find(|l| l.split_whitespace().nth(2) == Some(ctr))
            .unwrap_or_else(|| panic!("no {ctr} row in\n{text}"))
            .split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let agent = line("agent");
    assert_eq!(agent[3], var("NODEPOD_AGENT_ID")[..13]);
    assert_eq!(&agent[5..], ["running", "1", "Burstable", "64Mi", "500m"]);
    assert_eq!(&line("init")[3..6], ["-", "-", "exited"]);
}
