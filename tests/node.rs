//! Node mode against scripts/nodepod: podman containers placed where kubelet puts them, logs in
//! /var/log/pods, and toolbox in a debug container run like `kubectl debug node/…
//! --profile=sysadmin` (host PID and network namespaces, the host's root at /host).

mod common;

use std::collections::HashMap;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use common::{json, run_bounded, show, stdout};

/// How `kubectl debug node/NODE --profile=sysadmin` runs the debug container: the host's PID and
/// network namespaces, the node's root at /host.
const NODE_DEBUG: [&str; 7] = [
    "--pid",
    "host",
    "--network",
    "host",
    "-v",
    "/:/host:ro",
    "--privileged",
];

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
    let mut argv = vec!["run", "--rm"];
    argv.extend(NODE_DEBUG);
    argv.extend(["-v", &bin, "localhost/toolbox-empty:test", "/toolbox"]);
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

#[test]
fn target_pod_selects_the_containers_main_process_and_lists_choices() {
    require_pod!();
    let pid = var("NODEPOD_WEB_PID");
    // Its root: the nginx container's own /etc/nginx, compared with the real directory.
    let out = debug_node(&["--target", "default/web/nginx", "ls", "/etc/nginx"]);
    assert!(out.status.success(), "{}", show(&out));
    let mut want: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/root/etc/nginx"))
        .expect("read the container's /etc/nginx")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    want.sort();
    let mut got: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    got.sort();
    assert_eq!(got, want);

    // Its processes: `ps` marks the chosen target.
    let out = debug_node(&["--target", "default/web", "ps", "-o", "pid,role"]);
    assert!(out.status.success(), "{}", show(&out));
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == [pid.as_str(), "target"]),
        "PID {pid} not marked as the target:\n{text}"
    );
    let out = debug_node(&[
        "--target",
        "kube-system/agent/agent",
        "target",
        "-o",
        "json",
    ]);
    assert!(out.status.success(), "{}", show(&out));
    assert_eq!(
        json(&out)["pid"].as_i64(),
        Some(podman_pid("tbxnode-agent-agent"))
    );

    // Its network namespace: `net` joins it (the pod alone names it: one running container).
    let out = debug_node(&[
        "--target",
        "kube-system/agent",
        "net",
        "sockets",
        "-l",
        "-t",
    ]);
    assert!(out.status.success(), "{}", show(&out));
    let agent = var("NODEPOD_AGENT_PID");
    assert!(
        common::stderr(&out).contains(&format!("in the network namespace of PID {agent}")),
        "{}",
        show(&out)
    );
    assert!(stdout(&out).contains("0.0.0.0:80 "), "{}", show(&out));

    // Errors: exit 2 with the choices.
    let out = debug_node(&["--target", "default/nosuch", "ls", "/"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let err = common::stderr(&out);
    assert!(
        err.contains("no pod default/nosuch")
            && err.contains("  default/web\n")
            && err.contains("kube-system/agent"),
        "{err}"
    );
    let out = debug_node(&["--target", "default/web/init", "ls", "/"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let err = common::stderr(&out);
    assert!(
        err.contains("default/web/init (exited: logs only)")
            && err.contains(&format!("default/web/nginx (running, PID {pid})")),
        "{err}"
    );
    // Outside node mode (no node root there), the same flag says what is missing.
    let out = run_bounded(
        30,
        common::bin(),
        &[
            "--root",
            "/nonexistent",
            "--target",
            "default/web",
            "target",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let err = common::stderr(&out);
    assert!(
        err.contains("needs node mode") && err.contains("--profile=sysadmin"),
        "{err}"
    );
}

/// Lines of a child's stderr, as they come.
fn stderr_lines(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let (tx, rx) = std::sync::mpsc::channel();
    let err = child.stderr.take().expect("piped stderr");
    std::thread::spawn(move || {
        for l in std::io::BufReader::new(err).lines().map_while(Result::ok) {
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    rx
}

fn wait_line(rx: &std::sync::mpsc::Receiver<String>, needle: &str, seen: &mut Vec<String>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(l) => {
                let hit = l.contains(needle);
                seen.push(l);
                if hit {
                    return;
                }
            }
            Err(_) => panic!("never saw {needle:?}:\n{}", seen.join("\n")),
        }
    }
}

#[test]
fn trace_follows_the_pods_main_process() {
    require_pod!();
    let pid = var("NODEPOD_WEB_PID");
    let name = format!("tbxnode-trace-{}", std::process::id());
    let bin = format!("{}:/toolbox:ro", common::bin());
    let mut child = Command::new("timeout")
        .args([
            "--kill-after=5",
            "120",
            "podman",
            "run",
            "--rm",
            "--name",
            &name,
        ])
        .args(NODE_DEBUG)
        .args(["-v", &bin])
        .args([
            "localhost/toolbox-empty:test",
            "/toolbox",
            "--target",
            "default/web/nginx",
            "trace",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("podman run");
    let rx = stderr_lines(&mut child);
    let mut seen = Vec::new();
    wait_line(&rx, &format!("Process {pid} attached"), &mut seen);
    // SIGUSR1 makes the nginx master reopen its logs: a signal and system calls to see.
    let ok = Command::new("kill")
        .args(["-USR1", &pid])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "kill -USR1 {pid}");
    wait_line(&rx, "--- SIGUSR1 ", &mut seen);
    wait_line(&rx, "\"/var/log/nginx/access.log\"", &mut seen);
    let _ = Command::new("podman")
        .args(["kill", "--signal", "INT", &name])
        .stdout(Stdio::null())
        .status();
    wait_line(&rx, &format!("Process {pid} detached"), &mut seen);
    let status = child.wait().expect("wait");
    let _ = Command::new("podman")
        .args(["rm", "-f", "-t", "0", &name])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    assert!(status.success(), "{status}:\n{}", seen.join("\n"));
    assert!(
        seen.iter()
            .any(|l| l.starts_with("openat(AT_FDCWD, \"/var/log/nginx/access.log\"")),
        "{}",
        seen.join("\n")
    );
}

#[test]
fn capture_runs_in_the_pods_network_namespace() {
    require_pod!();
    let pid = var("NODEPOD_WEB_PID");
    // Requests inside the pod's network namespace (loopback only) until the capture has its packets.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let traffic = {
        let stop = stop.clone();
        let pid = pid.clone();
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = run_bounded(
                    10,
                    "nsenter",
                    &[
                        "-t",
                        &pid,
                        "-n",
                        "curl",
                        "-s",
                        "-o",
                        "/dev/null",
                        "--max-time",
                        "5",
                        "http://127.0.0.1/",
                    ],
                );
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
        })
    };
    let out = debug_node(&[
        "--target",
        "default/web/nginx",
        "capture",
        "-i",
        "any",
        "-c",
        "20",
        "tcp",
        "port",
        "80",
    ]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    traffic.join().expect("traffic thread");
    assert!(out.status.success(), "{}", show(&out));
    let err = common::stderr(&out);
    assert!(
        err.contains(&format!("in the network namespace of PID {pid}")),
        "{err}"
    );
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 20, "{text}");
    assert!(lines.iter().all(|l| l.contains("127.0.0.1.80")), "{text}");
    // A connection is about 10 packets on loopback: 20 hold a whole handshake. Its SYN-ACK comes from nginx, which listens only in the pod's namespace.
    assert!(
        lines
            .iter()
            .any(|l| l.contains("127.0.0.1.80 > ") && l.contains("[S.]")),
        "{text}"
    );
}

#[test]
fn summary_and_target_say_node_mode_and_list_containers_by_pod() {
    require_pod!();
    let web = var("NODEPOD_WEB_PID");
    let agent = var("NODEPOD_AGENT_PID");
    let out = debug_node(&["target"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("node mode: host PID namespace, node root at /host\n"),
        "{text}"
    );
    let row = |pid: &str| {
        text.lines()
            .find(|l| l.split_whitespace().nth(3) == Some(pid))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|| panic!("no row for PID {pid}:\n{text}"))
    };
    assert_eq!(
        row(&web),
        format!("default web nginx {web} --target default/web/nginx")
    );
    assert_eq!(
        row(&agent),
        format!("kube-system agent agent {agent} --target kube-system/agent/agent")
    );
    // Exited containers cannot be targets.
    assert!(!text.contains("init"), "{text}");
    let out = debug_node(&["target", "-o", "json"]);
    assert!(out.status.success(), "{}", show(&out));
    let v = json(&out);
    assert_eq!(v["node"]["root"], "/host");
    assert!(
        v["containers"]
            .as_array()
            .is_some_and(|a| a.iter().any(|c| c["pid"].as_i64() == web.parse().ok())),
        "{v:#}"
    );

    // The summary (no subcommand, no commands on stdin).
    let out = debug_node(&[]);
    assert!(out.status.success(), "{}", show(&out));
    let text = stdout(&out);
    assert!(
        text.contains("\nnode mode: host PID namespace, node root at /host\n"),
        "{text}"
    );
    assert!(
        text.contains("--target default/web/nginx") && text.contains("toolbox pods"),
        "{text}"
    );
    assert!(text.contains("\n  pods     yes\n"), "{text}");
    assert!(
        text.contains("fix: toolbox --target NAMESPACE/POD[/CONTAINER]"),
        "{text}"
    );
    assert!(
        text.contains("\n  toolbox --target default/web/nginx ls -l /etc"),
        "{text}"
    );
}

#[test]
fn caps_in_node_mode_gives_verdicts_for_node_features_and_names_sysadmin() {
    require_pod!();
    let _ = fixture();
    let out = debug_node(&["caps"]);
    assert!(out.status.success(), "{}", show(&out));
    let text = stdout(&out);
    assert!(
        text.contains("\nnode mode: host PID namespace, node root at /host\n"),
        "{text}"
    );
    for f in ["pods", "pod-net", "pod-root"] {
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().take(2).collect::<Vec<_>>() == [f, "yes"]),
            "{f} is not yes under a privileged debug container:\n{text}"
        );
    }
    let out = debug_node(&["caps", "-o", "json"]);
    assert!(out.status.success(), "{}", show(&out));
    let v = json(&out);
    assert_eq!(
        v["node"]["features"].as_array().map(Vec::len),
        Some(3),
        "{v:#}"
    );
    assert!(
        v["features"].is_array(),
        "the per-target verdicts are still there: {v:#}"
    );

    // Without --profile=sysadmin (podman's default capabilities: no CAP_SYS_ADMIN) joining a pod's
    // network namespace is refused, and the fix says so.
    let bin = format!("{}:/toolbox:ro", common::bin());
    let out = run_bounded(
        120,
        "podman",
        &[
            "run",
            "--rm",
            "--pid",
            "host",
            "--network",
            "host",
            "-v",
            "/:/host:ro",
            "-v",
            &bin,
            "localhost/toolbox-empty:test",
            "/toolbox",
            "caps",
        ],
    );
    assert!(out.status.success(), "{}", show(&out));
    let text = stdout(&out);
    let at = text
        .find("\npod-net  NO")
        .unwrap_or_else(|| panic!("pod-net is not NO:\n{text}"));
    let block: Vec<&str> = text[at + 1..].lines().take(3).collect();
    assert!(
        block[1].contains("CAP_SYS_ADMIN, which toolbox does not have"),
        "{block:?}"
    );
    assert!(
        block[2].contains("kubectl debug node/NODE") && block[2].contains("--profile=sysadmin"),
        "{block:?}"
    );
}
