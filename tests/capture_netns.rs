//! `toolbox capture` acts in the target's network namespace: from a node-mode-like debug container
//! (`--pid host --network host`, as `kubectl debug node/…`) with `--pid` naming the test pod's
//! nginx, `-D` lists the pod's interfaces (the pod is `--network none`: `lo` and pseudo devices,
//! none of the host's), and a live capture on `lo` sees the pod's own HTTP traffic. Without
//! CAP_SYS_ADMIN it says so, and `caps` says the same.

mod common;

use std::collections::BTreeSet;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{bin, run_bounded, run_measured, stderr, stdout, PidMode, Pod};
use serial_test::serial;

/// The debug container `kubectl debug node/…` makes: the host's PID and network namespaces.
const NODE_MODE: &[&str] = &["--pid", "host", "--network", "host"];

/// Run toolbox in a node-mode debug container with the given capabilities.
fn node_toolbox(pod: &Pod, caps: &str, args: &[&str]) -> Output {
    let mount = format!("{}:/toolbox:ro", bin());
    let mut argv: Vec<&str> = vec!["run", "--rm"];
    argv.extend_from_slice(NODE_MODE);
    argv.extend_from_slice(&["--cap-add", caps, "-v", &mount]);
    argv.push(pod.var("TESTPOD_EMPTY_IMAGE"));
    argv.push("/toolbox");
    argv.extend_from_slice(args);
    let label = format!("node-mode toolbox {}", args.join(" "));
    let m = run_measured(120, &label, "podman", &argv);
    assert!(
        !stderr(&m.output).contains("panicked"),
        "{}",
        stderr(&m.output)
    );
    m.output
}

/// Interface names in `-D` lines (`2.lo [Loopback, Up, Running] 127.0.0.1 ::1`).
fn names(list: &str) -> BTreeSet<String> {
    list.lines()
        .filter_map(|l| {
            let rest = l.split_once('.')?.1;
            Some(rest.split([' ', '(']).next()?.to_string())
        })
        .collect()
}

/// Interfaces as `ip -o link` lists them, in the network namespace of host PID `pid`, or in the
/// test's own (the host's, which `--network host` shares) for `None`.
fn ip_links(pid: Option<i32>) -> BTreeSet<String> {
    let o = match pid {
        Some(pid) => run_bounded(
            20,
            "nsenter",
            &["-t", &pid.to_string(), "-n", "ip", "-o", "link"],
        ),
        None => run_bounded(20, "ip", &["-o", "link"]),
    };
    assert!(o.status.success(), "ip link: {}", stderr(&o));
    stdout(&o)
        .lines()
        .filter_map(|l| {
            let name = l.split(": ").nth(1)?;
            Some(name.split('@').next()?.to_string())
        })
        .collect()
}

#[test]
#[serial]
fn list_interfaces_shows_the_targets_network_namespace_not_the_nodes() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let nginx = pod.nginx_pid().to_string();
    let o = node_toolbox(
        &pod,
        "SYS_ADMIN,SYS_PTRACE,NET_RAW,NET_ADMIN",
        &["--pid", &nginx, "capture", "-D"],
    );
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let listed = names(&stdout(&o));
    let pods = ip_links(Some(pod.nginx_pid()));
    let hosts = ip_links(None);
    // libpcap's pseudo devices exist in every namespace.
    let pseudo = ["any", "nflog", "nfqueue", "dbus-system", "dbus-session"];
    for n in &listed {
        assert!(
            pods.contains(n) || pseudo.contains(&n.as_str()),
            "{n} is not an interface of the pod (pod: {pods:?}); -D listed:\n{}",
            stdout(&o)
        );
    }
    assert!(listed.contains("lo"), "{}", stdout(&o));
    assert!(
        hosts.iter().any(|h| !pods.contains(h)),
        "the host has no interface the pod lacks ({hosts:?}): nothing to tell them apart"
    );
    for h in hosts.iter().filter(|h| !pods.contains(*h)) {
        assert!(
            !listed.contains(h),
            "the host's {h} is listed:\n{}",
            stdout(&o)
        );
    }
    // Without --pid, node mode has no single target: toolbox's own (the node's) namespace, said.
    let o = node_toolbox(&pod, "NET_RAW,NET_ADMIN,SYS_PTRACE", &["capture", "-D"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("toolbox's own network namespace"),
        "{}",
        stderr(&o)
    );
}

#[test]
#[serial]
fn entering_the_targets_network_namespace_without_sys_admin_names_the_capability() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let nginx = pod.nginx_pid().to_string();
    let o = node_toolbox(
        &pod,
        "SYS_PTRACE,NET_RAW,NET_ADMIN",
        &["--pid", &nginx, "capture", "-D"],
    );
    common::assert_clean_error(&o);
    let err = stderr(&o);
    assert!(err.contains("CAP_SYS_ADMIN"), "{err}");
    assert!(err.contains("--profile=sysadmin"), "{err}");
    assert!(
        stdout(&o).is_empty(),
        "listed the node's interfaces:\n{}",
        stdout(&o)
    );
    let o = node_toolbox(
        &pod,
        "SYS_PTRACE,NET_RAW,NET_ADMIN",
        &["--pid", &nginx, "caps", "-o", "json"],
    );
    let capture = capture_verdict(&o);
    assert_eq!(capture["works"], false, "{capture}");
    assert!(
        capture["reason"]
            .as_str()
            .unwrap_or("")
            .contains("CAP_SYS_ADMIN"),
        "{capture}"
    );
    assert!(
        capture["fix"]
            .as_str()
            .unwrap_or("")
            .contains("--profile=sysadmin"),
        "{capture}"
    );
    // With CAP_SYS_ADMIN the same report says yes.
    let o = node_toolbox(
        &pod,
        "SYS_ADMIN,SYS_PTRACE,NET_RAW,NET_ADMIN",
        &["--pid", &nginx, "caps", "-o", "json"],
    );
    let capture = capture_verdict(&o);
    assert_eq!(capture["works"], true, "{capture}");
}

/// A node-mode capture running in the background, removed when dropped.
struct Bg {
    name: String,
    child: Option<Child>,
    err_file: std::path::PathBuf,
}

impl Drop for Bg {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = run_bounded(60, "podman", &["rm", "-f", "-t", "0", &self.name]);
        let _ = std::fs::remove_file(&self.err_file);
    }
}

#[test]
#[serial]
fn a_live_capture_on_lo_sees_the_pods_own_traffic() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let nginx = pod.nginx_pid().to_string();
    let name = format!("toolbox-capture-netns-{}", std::process::id());
    let err_file = std::env::temp_dir().join(format!("{name}.stderr"));
    let mount = format!("{}:/toolbox:ro", bin());
    let child = Command::new("podman")
        .args(["run", "--rm", "--name", &name])
        .args(NODE_MODE)
        .args([
            "--cap-add",
            "SYS_ADMIN,SYS_PTRACE,NET_RAW,NET_ADMIN",
            "-v",
            &mount,
        ])
        .arg(pod.var("TESTPOD_EMPTY_IMAGE"))
        .args([
            "/toolbox", "--pid", &nginx, "capture", "-i", "lo", "-nn", "-c", "4",
        ])
        .args(["tcp", "port", "80"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(
            std::fs::File::create(&err_file).expect("stderr file"),
        ))
        .spawn()
        .expect("podman run");
    let mut bg = Bg {
        name,
        child: Some(child),
        err_file,
    };
    let start = Instant::now();
    loop {
        let seen = std::fs::read_to_string(&bg.err_file).unwrap_or_default();
        if seen.contains("listening on lo") {
            break;
        }
        let exited = bg.child.as_mut().and_then(|c| c.try_wait().ok().flatten());
        assert!(
            exited.is_none() && start.elapsed() < Duration::from_secs(60),
            "capture never listened ({exited:?}):\n{seen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let body = pod.curl("/");
    assert!(!body.is_empty());
    let mut child = bg.child.take().expect("child");
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().expect("try_wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "no 4 packets of the pod's curl on lo within 30 s:\n{}",
                std::fs::read_to_string(&bg.err_file).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let o = child.wait_with_output().expect("output");
    eprintln!(
        "measured: node-mode capture of the pod's curl on lo: {:.3} s wall",
        start.elapsed().as_secs_f64()
    );
    let lines = stdout(&o);
    assert!(o.status.success(), "{lines}");
    assert_eq!(lines.lines().count(), 4, "{lines}");
    assert!(lines.contains("127.0.0.1.80"), "{lines}");
}

/// The `capture` verdict of a `caps -o json` run.
fn capture_verdict(o: &std::process::Output) -> serde_json::Value {
    let v = common::json(o);
    v["features"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["feature"] == "capture"))
        .cloned()
        .expect("capture verdict")
}
