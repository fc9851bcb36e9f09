//! `toolbox target` in the real test pod, in both PID modes: the nginx master is chosen, pause and
//! toolbox itself are skipped with their reasons, users come from the target's /etc/passwd.

mod common;

use common::{assert_clean_error, json, stderr, stdout, PidMode, Pod};
use serde_json::Value;

/// Whether a process named `comm` was skipped for `reason` (other debug containers running
/// toolbox in the same pod may be skipped too, for their own reason).
fn skipped_as(v: &Value, comm: &str, reason: &str) -> bool {
    v["skipped"]
        .as_array()
        .is_some_and(|a| a.iter().any(|s| s["comm"] == comm && s["reason"] == reason))
}

fn skipped_at_all(v: &Value, comm: &str) -> bool {
    v["skipped"]
        .as_array()
        .is_some_and(|a| a.iter().any(|s| s["comm"] == comm))
}

fn member_user(v: &Value, needle: &str) -> Option<String> {
    v["members"]
        .as_array()?
        .iter()
        .find(|m| m["command"].as_str().is_some_and(|c| c.contains(needle)))
        .map(|m| m["user"].as_str().unwrap_or_default().to_string())
}

fn check_nginx_master(v: &Value) {
    assert_eq!(v["comm"], "nginx", "{v:#}");
    assert!(
        v["command"]
            .as_str()
            .unwrap_or_default()
            .contains("master process"),
        "{v:#}"
    );
    assert_eq!(v["user"], "root", "{v:#}");
    assert_eq!(
        member_user(v, "worker process").as_deref(),
        Some("nginx"),
        "{v:#}"
    );
    assert!(skipped_as(v, "toolbox", "toolbox"), "{v:#}");
    assert_eq!(v["root_readable"], true, "{v:#}");
    let ns = |name: &str| {
        v["namespaces"]
            .as_array()
            .and_then(|a| a.iter().find(|n| n["ns"] == name))
            .map(|n| n["shared"].clone())
    };
    assert_eq!(ns("pid"), Some(Value::Bool(true)), "{v:#}");
    assert_eq!(ns("net"), Some(Value::Bool(true)), "{v:#}");
    assert_eq!(ns("mnt"), Some(Value::Bool(false)), "{v:#}");
}

#[test]
#[serial_test::serial(pod_discovery)]
fn shared_pid_namespace_targets_nginx_master_not_pause() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let v = json(&pod.toolbox(&["--cap-add", "SYS_PTRACE"], &["target", "-o", "json"]));
    check_nginx_master(&v);
    assert_ne!(
        v["pid"], 1,
        "PID 1 is pause in a shared PID namespace: {v:#}"
    );
    assert!(skipped_as(&v, "catatonit", "pause"), "{v:#}");
}

#[test]
#[serial_test::serial(pod_discovery)]
fn target_pid_namespace_targets_nginx_as_pid_1() {
    require_pod!();
    let pod = Pod::up(PidMode::Target);
    let v = json(&pod.toolbox(&["--cap-add", "SYS_PTRACE"], &["target", "-o", "json"]));
    check_nginx_master(&v);
    assert_eq!(v["pid"], 1, "{v:#}");
    assert!(
        !skipped_at_all(&v, "catatonit"),
        "pause is not in this PID namespace: {v:#}"
    );
}

#[test]
#[serial_test::serial(pod_discovery)]
fn default_capabilities_still_find_target_and_names() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    // podman's default capability set, like kubectl debug without --profile.
    let v = json(&pod.toolbox(&[], &["target", "--json"]));
    check_nginx_master(&v);
}

#[test]
#[serial_test::serial(pod_discovery)]
fn table_output_shows_worker_as_nginx_and_skips() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let o = pod.toolbox(&["--cap-add", "SYS_PTRACE"], &["target"]);
    let text = stdout(&o);
    assert!(o.status.success(), "{text}{}", stderr(&o));
    let worker = text
        .lines()
        .find(|l| l.contains("nginx: worker process"))
        .unwrap_or_else(|| panic!("no worker line:\n{text}"));
    assert!(
        worker.split_whitespace().any(|w| w == "nginx"),
        "worker user is not nginx: {worker}\n{text}"
    );
    assert!(
        !text.contains("tbdebug"),
        "names must come from the target's passwd, not toolbox's:\n{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("pause") && l.contains("catatonit")),
        "{text}"
    );
    assert!(text.lines().any(|l| l.contains("toolbox itself")), "{text}");
}

#[test]
#[serial_test::serial(pod_discovery)]
fn target_name_and_pid_select() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let auto = json(&pod.toolbox(&[], &["target", "-o", "json"]));
    let by_name = json(&pod.toolbox(&[], &["--target", "nginx", "target", "-o", "json"]));
    assert_eq!(auto["pid"], by_name["pid"]);
    let worker = auto["members"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|m| m["command"].as_str().is_some_and(|c| c.contains("worker")))
        })
        .map(|m| m["pid"].to_string())
        .expect("worker among members");
    let by_pid = json(&pod.toolbox(&[], &["--pid", &worker, "target", "-o", "json"]));
    assert_eq!(by_pid["pid"].to_string(), worker);
    assert!(
        by_pid["how"].as_str().unwrap_or_default().contains("--pid"),
        "{by_pid:#}"
    );
    let o = pod.toolbox(&[], &["--target", "redis", "target"]);
    assert_clean_error(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--target nginx"), "{}", stderr(&o));
}

#[test]
#[serial_test::serial(pod_discovery)]
fn nonexistent_pid_is_a_clear_error() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let o = pod.toolbox(&[], &["--pid", "999999", "target"]);
    assert_clean_error(&o);
    // No target chosen: 2, as for an unknown --target (README, "Exit codes").
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no process with PID 999999"),
        "{}",
        stderr(&o)
    );
    let o = pod.toolbox(&[], &["--pid", "nope", "target"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
}

/// A pod with two application containers; removed on drop, even when the test fails.
struct TwoApps {
    name: String,
}

impl Drop for TwoApps {
    fn drop(&mut self) {
        common::run_bounded(120, "podman", &["pod", "rm", "-f", "-t", "0", &self.name]);
    }
}

#[test]
#[serial_test::serial(pod_discovery)]
fn two_app_containers_without_target_exit_2_listing_both() {
    require_pod!();
    let shared = Pod::up(PidMode::Shared);
    let name = format!("toolbox-test-two-{}", std::process::id());
    let guard = TwoApps { name: name.clone() };
    let pause_image = shared.var("TESTPOD_PAUSE_IMAGE").to_string();
    common::podman_ok(&[
        "pod",
        "create",
        "--name",
        &name,
        "--network",
        "none",
        "--share",
        "pid,net,ipc,uts",
        "--infra-image",
        &pause_image,
    ]);
    common::podman_ok(&[
        "run",
        "-d",
        "--pod",
        &name,
        "--name",
        &format!("{name}-nginx"),
        shared.var("TESTPOD_NGINX_IMAGE"),
    ]);
    // A second app: a static sleeper (catatonit's pause mode under another name, so it is not pause).
    common::podman_ok(&[
        "run",
        "-d",
        "--pod",
        &name,
        "--name",
        &format!("{name}-sleeper"),
        "-v",
        "/usr/bin/catatonit:/usr/bin/sleeper:ro",
        shared.var("TESTPOD_EMPTY_IMAGE"),
        "/usr/bin/sleeper",
        "-P",
    ]);
    let mut env = shared.env.clone();
    env.insert("TESTPOD_DEBUG_ARGS".into(), format!("--pod {name}"));
    let pod = Pod { env };
    // nginx may still be starting its worker; the master exists as soon as the container runs.
    let o = pod.toolbox(&[], &["target"]);
    assert_clean_error(&o);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("--target nginx") && err.contains("--target sleeper"),
        "{err}"
    );
    let chosen = json(&pod.toolbox(&[], &["--target", "sleeper", "target", "-o", "json"]));
    assert_eq!(chosen["comm"], "sleeper", "{chosen:#}");
    drop(guard);
}
