//! `toolbox inspect` in the real test pod: the nginx master's listening socket (checked against
//! `ss` in the pod's network namespace and the host's /proc), its capabilities (against what
//! podman granted), its cgroup memory limit (against podman and the host's cgroup file), and the
//! permission story of a non-dumpable worker without CAP_SYS_PTRACE.

mod common;

use std::process::Command;

use common::{json, ns_pid, stdout, PidMode, Pod};
use serde_json::Value;

fn podman_inspect(container: &str, format: &str) -> String {
    common::podman_ok(&["inspect", "--format", format, container])
        .trim()
        .to_string()
}

/// Listening TCP ports in the network namespace of `host_pid`, as `ss` sees them.
fn ss_listening_ports(host_pid: i32) -> Vec<u16> {
    let pid = host_pid.to_string();
    let out = common::run_bounded(30, "nsenter", &["-t", &pid, "-n", "ss", "-Hltn"]);
    assert!(out.status.success(), "ss: {}", common::stderr(&out));
    stdout(&out)
        .lines()
        .filter_map(|l| {
            l.split_whitespace()
                .nth(3)?
                .rsplit(':')
                .next()?
                .parse()
                .ok()
        })
        .collect()
}

fn check_master(pod: &Pod, v: &Value) {
    let ctx = format!("{v:#}");
    let host = pod.nginx_pid();
    assert_eq!(v["pid"].as_i64(), Some(ns_pid(host)), "{ctx}");
    assert_eq!(v["role"], "target", "{ctx}");
    assert_eq!(v["euid"]["name"], "root", "{ctx}");

    // The listening socket on port 80, decoded from the pod's network namespace.
    let fds = v["fds"].as_array().expect("fds");
    let listen: Vec<&Value> = fds
        .iter()
        .filter(|f| {
            f["socket"]["state"] == "LISTEN"
                && f["socket"]["local"]
                    .as_str()
                    .is_some_and(|l| l.ends_with(":80"))
        })
        .collect();
    assert!(!listen.is_empty(), "no LISTEN socket on :80: {ctx}");
    assert!(ss_listening_ports(host).contains(&80), "ss disagrees");
    // Same socket inode as the host's view of that descriptor.
    for f in &listen {
        let fd = f["fd"].as_i64().expect("fd number");
        let link = std::fs::read_link(format!("/proc/{host}/fd/{fd}")).expect("host fd link");
        assert_eq!(
            f["target"].as_str(),
            Some(link.to_string_lossy().as_ref()),
            "{ctx}"
        );
    }

    // Capabilities by name, as podman granted them.
    let granted = podman_inspect(pod.var("TESTPOD_NGINX_CONTAINER"), "{{.EffectiveCaps}}");
    let mut want: Vec<String> = granted
        .trim_matches(|c| c == '[' || c == ']')
        .split_whitespace()
        .map(|c| c.trim_start_matches("CAP_").to_string())
        .collect();
    want.sort();
    let mut got: Vec<String> = v["capabilities"]["effective"]
        .as_array()
        .expect("capabilities")
        .iter()
        .filter_map(|c| c.as_str().map(str::to_string))
        .collect();
    got.sort();
    assert!(!want.is_empty());
    assert_eq!(got, want, "{ctx}");

    // Seccomp and NoNewPrivs as the host's /proc reports them for the same process.
    let status = std::fs::read_to_string(format!("/proc/{host}/status")).expect("status");
    let field = |k: &str| {
        status.lines().find_map(|l| {
            l.strip_prefix(k)?
                .strip_prefix(':')
                .map(|v| v.trim().to_string())
        })
    };
    let mode = match field("Seccomp").as_deref() {
        Some("0") => "disabled",
        Some("1") => "strict",
        Some("2") => "filter",
        other => panic!("Seccomp: {other:?}"),
    };
    assert_eq!(v["seccomp"], mode, "{ctx}");
    assert_eq!(
        v["no_new_privs"],
        field("NoNewPrivs").as_deref() == Some("1"),
        "{ctx}"
    );
    // Namespaces: a debug container shares the pod's network namespace, not its mount namespace.
    let ns = |name: &str| {
        v["namespaces"]
            .as_array()
            .and_then(|a| a.iter().find(|n| n["ns"] == name))
            .map(|n| n["shared"].clone())
    };
    assert_eq!(ns("net"), Some(Value::Bool(true)), "{ctx}");
    assert_eq!(ns("pid"), Some(Value::Bool(true)), "{ctx}");
    assert_eq!(ns("mnt"), Some(Value::Bool(false)), "{ctx}");
}

#[test]
fn master_socket_and_capabilities_in_both_pid_modes() {
    require_pod!();
    for mode in [PidMode::Shared, PidMode::Target] {
        let pod = Pod::up(mode);
        let v = json(&pod.toolbox(&["--cap-add", "SYS_PTRACE"], &["inspect", "-o", "json"]));
        check_master(&pod, &v);
        // The table shows the same facts.
        let text = stdout(&pod.toolbox(&["--cap-add", "SYS_PTRACE"], &["inspect"]));
        assert!(text.contains("tcp 0.0.0.0:80 LISTEN"), "{text}");
        assert!(text.contains("NET_BIND_SERVICE"), "{text}");
    }
}

/// A pod of our own with a memory limit, removed at the end even if the test fails.
struct MemPod {
    name: String,
}

impl Drop for MemPod {
    fn drop(&mut self) {
        let _ = Command::new(common::repo().join("scripts/testpod"))
            .arg("down")
            .env("TESTPOD_NAME", &self.name)
            .env("TESTPOD_MEMORY", "64m")
            .output();
    }
}

#[test]
fn memory_limit_of_a_limited_container() {
    require_pod!();
    let guard = MemPod {
        name: format!("toolbox-test-ps-mem-{}", std::process::id()),
    };
    let pod = Pod::up_with(
        PidMode::Shared,
        &[("TESTPOD_NAME", &guard.name), ("TESTPOD_MEMORY", "64m")],
    );
    let v = json(&pod.toolbox(&[], &["inspect", "-o", "json"]));
    let ctx = format!("{v:#}");
    let limit = v["cgroup"]["memory"]["limit_bytes"].as_u64();
    // The references: what podman configured, and the host's own cgroup file.
    let configured: u64 =
        podman_inspect(pod.var("TESTPOD_NGINX_CONTAINER"), "{{.HostConfig.Memory}}")
            .parse()
            .expect("podman memory");
    assert_eq!(configured, 64 << 20);
    assert_eq!(limit, Some(configured), "{ctx}");
    let host = pod.nginx_pid();
    let cg = std::fs::read_to_string(format!("/proc/{host}/cgroup")).expect("cgroup");
    if let Some(path) = cg.lines().find_map(|l| {
        let mut f = l.splitn(3, ':');
        let (_, ctrl, path) = (f.next()?, f.next()?, f.next()?);
        ctrl.split(',')
            .any(|c| c == "memory")
            .then(|| path.to_string())
    }) {
        let file = format!("/sys/fs/cgroup/memory{path}/memory.limit_in_bytes");
        let host_limit: u64 = std::fs::read_to_string(&file)
            .expect("host cgroup v1 limit")
            .trim()
            .parse()
            .expect("number");
        assert_eq!(limit, Some(host_limit), "{file}: {ctx}");
        // The OOM kill count, where this kernel reports it (memory.oom_control, Linux 4.13+).
        let oc = std::fs::read_to_string(format!("/sys/fs/cgroup/memory{path}/memory.oom_control"))
            .expect("oom_control");
        let kills = oc
            .lines()
            .find_map(|l| l.strip_prefix("oom_kill ")?.trim().parse::<u64>().ok());
        assert_eq!(v["cgroup"]["memory"]["oom_kills"].as_u64(), kills, "{ctx}");
    }
    let usage = v["cgroup"]["memory"]["usage_bytes"].as_u64().unwrap_or(0);
    assert!(usage > 0 && usage < configured, "{ctx}");
    let text = stdout(&pod.toolbox(&[], &["inspect"]));
    assert!(text.contains("limit 64.0 MiB"), "{text}");

    // --env: the environment exactly as the host's /proc shows it, in order.
    let v = json(&pod.toolbox(&[], &["inspect", "--env", "-o", "json"]));
    let raw = std::fs::read(format!("/proc/{host}/environ")).expect("environ");
    let want: Vec<String> = raw
        .split(|&b| b == 0)
        .filter(|e| !e.is_empty())
        .map(|e| String::from_utf8_lossy(e).into_owned())
        .collect();
    let got: Vec<String> = v["environment"]
        .as_array()
        .expect("environment with --env")
        .iter()
        .filter_map(|e| e.as_str().map(str::to_string))
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
}

#[test]
fn worker_without_ptrace_names_user_and_explains_what_is_hidden() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let worker = ns_pid(pod.worker_pid()).to_string();
    let v = json(&pod.toolbox(&[], &["inspect", "-o", "json", &worker]));
    let ctx = format!("{v:#}");
    assert_eq!(v["role"], "target-container", "{ctx}");
    assert_eq!(v["euid"]["id"], 101, "{ctx}");
    assert_eq!(v["euid"]["name"], "nginx", "{ctx}");
    let hidden = v["unreadable"].as_array().expect("unreadable");
    assert!(
        hidden.iter().any(|u| u["section"] == "file descriptors"
            && u["reason"]
                .as_str()
                .is_some_and(|r| r.contains("CAP_SYS_PTRACE") && r.contains("--profile=general"))),
        "{ctx}"
    );
    // With the capability, the same sections read.
    let v = json(&pod.toolbox(
        &["--cap-add", "SYS_PTRACE"],
        &["inspect", "-o", "json", &worker],
    ));
    assert!(
        v["unreadable"].as_array().is_some_and(Vec::is_empty),
        "{v:#}"
    );
    assert!(v["fds"].as_array().is_some_and(|f| !f.is_empty()), "{v:#}");
}

/// A standalone container of our own (own network namespace, so its nginx can bind port 80),
/// removed at the end even if the test fails.
struct Container(String);

impl Drop for Container {
    fn drop(&mut self) {
        let _ = common::run_bounded(60, "podman", &["rm", "-f", "-t", "0", &self.0]);
    }
}

#[test]
fn cpu_limit_of_a_limited_container() {
    require_pod!();
    // The images exist once the shared pod is up.
    let pod = Pod::up(PidMode::Shared);
    let c = Container(format!("toolbox-test-ps-cpu-{}", std::process::id()));
    let image = pod.var("TESTPOD_NGINX_IMAGE");
    let run = common::run_bounded(
        120,
        "podman",
        &[
            "run",
            "-d",
            "--name",
            &c.0,
            "--network",
            "none",
            "--cpus",
            "0.5",
            image,
        ],
    );
    assert!(run.status.success(), "{}", common::stderr(&run));
    let pid_ns = format!("container:{}", c.0);
    let mut argv = vec!["run", "--rm", "--pid", &pid_ns];
    let mount = format!("{}:/toolbox:ro", common::bin());
    argv.extend(["-v", &mount, pod.var("TESTPOD_EMPTY_IMAGE"), "/toolbox"]);
    argv.extend(["inspect", "-o", "json"]);
    let v = json(&common::run_bounded(120, "podman", &argv));
    let ctx = format!("{v:#}");
    // References: podman's configuration and the host's cgroup files for the same process.
    let quota: u64 = podman_inspect(&c.0, "{{.HostConfig.CpuQuota}}")
        .parse()
        .expect("quota");
    let period: u64 = podman_inspect(&c.0, "{{.HostConfig.CpuPeriod}}")
        .parse()
        .expect("period");
    assert_eq!(
        v["cgroup"]["cpu"]["quota_us"].as_u64(),
        Some(quota),
        "{ctx}"
    );
    assert_eq!(
        v["cgroup"]["cpu"]["period_us"].as_u64(),
        Some(period),
        "{ctx}"
    );
    assert_eq!(
        v["cgroup"]["cpu"]["limit_cpus"].as_f64(),
        Some(0.5),
        "{ctx}"
    );
    let host: i32 = podman_inspect(&c.0, "{{.State.Pid}}").parse().expect("pid");
    let cg = std::fs::read_to_string(format!("/proc/{host}/cgroup")).expect("cgroup");
    if let Some(path) = cg.lines().find_map(|l| {
        let mut f = l.splitn(3, ':');
        let (_, ctrl, path) = (f.next()?, f.next()?, f.next()?);
        ctrl.split(',')
            .any(|c| c == "cpu")
            .then(|| path.to_string())
    }) {
        let q = std::fs::read_to_string(format!("/sys/fs/cgroup/cpu{path}/cpu.cfs_quota_us"))
            .expect("host cpu.cfs_quota_us");
        assert_eq!(
            v["cgroup"]["cpu"]["quota_us"].as_i64(),
            q.trim().parse().ok(),
            "{ctx}"
        );
    }
}

/// Under `hidepid=1` the process exists but its files are closed to another user: inspect says
/// which capability is missing and how to get it, not that the process does not exist. The
/// reference is /proc itself: the directory is listed while its stat file cannot be read.
#[test]
fn hidden_process_is_a_permission_error_not_a_missing_one() {
    require_pod!();
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let bin = dir.path().join("toolbox");
    std::fs::copy(common::bin(), &bin).expect("copy toolbox");
    // `inspect PID`, and `--pid PID` for the commands that choose a target with it.
    for (args, what) in [
        ("inspect 1", "cannot inspect PID 1"),
        ("--pid 1 inspect", "cannot read PID 1"),
        ("--pid 1 target", "cannot read PID 1"),
    ] {
        let script = format!(
            "mount -t proc -o hidepid=1 proc /proc && \
             test -d /proc/1 && ! setpriv --reuid=65534 --regid=65534 --clear-groups cat /proc/1/stat >/dev/null 2>&1 && \
             setpriv --reuid=65534 --regid=65534 --clear-groups {bin} {args}",
            bin = bin.display()
        );
        let o = common::run_bounded(
            60,
            "unshare",
            &["-m", "--propagation", "private", "sh", "-c", &script],
        );
        common::assert_clean_error(&o);
        let err = common::stderr(&o);
        assert!(err.contains(what), "{args}: {err}");
        assert!(err.contains("CAP_SYS_PTRACE"), "{args}: {err}");
        assert!(err.contains("kubectl debug"), "{args}: {err}");
        assert!(!err.contains("no process with PID"), "{args}: {err}");
    }
}
