//! `toolbox caps` in debug containers with different privileges; every verdict is checked against
//! what actually happens when a static C program tries the same operation in the same container.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::{json, probe_binary, stderr, stdout, PidMode, Pod};
use serde_json::Value;

/// `toolbox caps -o json` and the real attempt (`tests/probe/attempt.c`) in identical containers.
fn caps_and_reality(pod: &Pod, flags: &[&str]) -> (Value, HashMap<String, String>) {
    let caps = json(&pod.toolbox(flags, &["caps", "-o", "json"]));
    let pid = caps["target"]["pid"].to_string();
    let probe = probe_binary("attempt");
    let o = pod.run_in_debug(
        flags,
        &[(Path::new(&probe), "/attempt")],
        "/attempt",
        &[&pid],
    );
    assert!(
        o.status.success(),
        "attempt failed: {}{}",
        stdout(&o),
        stderr(&o)
    );
    let reality = stdout(&o)
        .lines()
        .filter_map(|l| {
            l.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect();
    (caps, reality)
}

fn verdict<'a>(caps: &'a Value, feature: &str) -> &'a Value {
    caps["features"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["feature"] == feature))
        .unwrap_or_else(|| panic!("no {feature} verdict: {caps:#}"))
}

/// Each verdict equals reality: works exactly when the real attempt succeeded.
fn assert_verdicts_match(caps: &Value, reality: &HashMap<String, String>) {
    for feature in ["fs", "trace", "capture", "exec"] {
        let v = verdict(caps, feature);
        let real = reality
            .get(feature)
            .unwrap_or_else(|| panic!("attempt printed no {feature}: {reality:?}"));
        assert_eq!(
            v["works"] == true,
            real == "ok",
            "{feature}: toolbox says {v:#} but trying it gave {real}"
        );
    }
}

#[test]
#[serial_test::serial(pod_discovery)]
fn with_sys_ptrace_and_net_raw_trace_and_capture_work() {
    require_pod!();
    for mode in [PidMode::Shared, PidMode::Target] {
        let pod = Pod::up(mode);
        let (caps, reality) = caps_and_reality(&pod, &["--cap-add", "SYS_PTRACE,NET_RAW"]);
        assert_verdicts_match(&caps, &reality);
        assert_eq!(verdict(&caps, "trace")["works"], true, "{caps:#}");
        assert_eq!(verdict(&caps, "capture")["works"], true, "{caps:#}");
        assert_eq!(verdict(&caps, "fs")["works"], true, "{caps:#}");
        let eff = caps["toolbox"]["effective"].to_string();
        assert!(
            eff.contains("CAP_SYS_PTRACE") && eff.contains("CAP_NET_RAW"),
            "{eff}"
        );
    }
}

#[test]
#[serial_test::serial(pod_discovery)]
fn with_all_capabilities_dropped_trace_and_capture_say_why_and_how_to_fix() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let (caps, reality) = caps_and_reality(&pod, &["--cap-drop", "ALL"]);
    assert_verdicts_match(&caps, &reality);
    let trace = verdict(&caps, "trace");
    assert_eq!(trace["works"], false, "{caps:#}");
    assert!(
        trace["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("CAP_SYS_PTRACE"),
        "{trace:#}"
    );
    assert!(
        trace["fix"]
            .as_str()
            .unwrap_or_default()
            .contains("--profile=general"),
        "{trace:#}"
    );
    let capture = verdict(&caps, "capture");
    assert_eq!(capture["works"], false, "{caps:#}");
    assert!(
        capture["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("CAP_NET_RAW"),
        "{capture:#}"
    );
    assert!(
        capture["fix"]
            .as_str()
            .unwrap_or_default()
            .contains("--profile=netadmin"),
        "{capture:#}"
    );
    // The table says the same.
    let o = pod.toolbox(&["--cap-drop", "ALL"], &["caps"]);
    let text = stdout(&o);
    assert!(o.status.success(), "{text}{}", stderr(&o));
    assert!(
        text.contains("trace    NO") && text.contains("capture  NO"),
        "{text}"
    );
    assert!(
        text.contains("--profile=general") && text.contains("--profile=netadmin"),
        "{text}"
    );
}

#[test]
#[serial_test::serial(pod_discovery)]
fn default_podman_capabilities_match_reality() {
    require_pod!();
    for mode in [PidMode::Shared, PidMode::Target] {
        let pod = Pod::up(mode);
        let (caps, reality) = caps_and_reality(&pod, &[]);
        assert_verdicts_match(&caps, &reality);
    }
}

#[test]
#[serial_test::serial(pod_discovery)]
fn non_root_debug_container_explains_uid_mismatch() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let (caps, reality) = caps_and_reality(&pod, &["--user", "1000"]);
    assert_verdicts_match(&caps, &reality);
    assert_eq!(caps["toolbox"]["uid"], 1000, "{caps:#}");
    assert_eq!(caps["target"]["uid"], 0, "{caps:#}");
    for feature in ["fs", "trace"] {
        let v = verdict(&caps, feature);
        assert_eq!(v["works"], false, "{v:#}");
        let reason = v["reason"].as_str().unwrap_or_default();
        assert!(
            reason.contains("UID 1000") && reason.contains("UID 0"),
            "{v:#}"
        );
        assert!(
            v["fix"].as_str().unwrap_or_default().contains("runAsUser"),
            "{v:#}"
        );
    }
}

/// The `stack` verdict against reality: in debug containers with CAP_SYS_PTRACE only (what
/// `--profile=general` gives), with every capability dropped, and privileged (what
/// `--profile=sysadmin` gives), `caps` says `stack` works exactly when `toolbox stack` in an
/// identical container dumps the target, and says the kernel stacks are readable exactly
/// when that dump shows them; otherwise it names the capability and the `kubectl debug` fix
/// (CAP_SYS_PTRACE and --profile=general for the frames, CAP_SYS_ADMIN and
/// --profile=sysadmin for the kernel stacks).
#[test]
#[serial_test::serial(pod_discovery)]
fn stack_verdict_matches_a_real_dump() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let mut seen = Vec::new();
    for flags in [
        &["--cap-add", "SYS_PTRACE"][..],
        &["--cap-drop", "ALL"][..],
        &["--privileged"][..],
    ] {
        let caps = json(&pod.toolbox(flags, &["caps", "-o", "json"]));
        let v = verdict(&caps, "stack");
        let detail = v["detail"].as_str().unwrap_or_default();
        let dump = pod.toolbox(flags, &["stack", "-o", "json"]);
        let works = dump.status.success();
        assert_eq!(
            v["works"] == true,
            works,
            "{flags:?}: caps says {v:#} but stack gave {}{}",
            stdout(&dump),
            stderr(&dump)
        );
        if works {
            let report = json(&dump);
            let kernel = report["threads"]
                .as_array()
                .is_some_and(|t| t.iter().all(|t| !t["kernel_stack"].is_null()));
            assert_eq!(
                detail.contains("kernel stacks: readable"),
                kernel,
                "{flags:?}: {v:#} vs {report:#}"
            );
            if !kernel {
                assert!(
                    detail.contains("CAP_SYS_ADMIN") && detail.contains("--profile=sysadmin"),
                    "{flags:?}: {v:#}"
                );
            }
            seen.push((works, kernel));
        } else {
            assert!(
                v["reason"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("CAP_SYS_PTRACE")
                    && v["fix"]
                        .as_str()
                        .unwrap_or_default()
                        .contains("--profile=general"),
                "{flags:?}: {v:#}"
            );
            assert!(
                stderr(&dump).contains("CAP_SYS_PTRACE"),
                "{}",
                stderr(&dump)
            );
            seen.push((works, false));
        }
    }
    // The three containers cover the three outcomes.
    assert_eq!(seen, [(true, false), (false, false), (true, true)]);
}
