//! What `caps` and the summary say about the network commands: the `net` verdict (connect,
//! http, dns work in the target's network namespace: shared, joinable with CAP_SYS_ADMIN, or not),
//! and the summary's listening sockets against `ss -tulnH` in the pod's namespace.

mod common;

use std::collections::BTreeSet;
use std::process::Output;

use common::{bin, json, run_bounded, stderr, stdout, PidMode, Pod};

/// A debug container like `kubectl debug node/…`'s, but in a network namespace of its own
/// (`--network none`), so that the pod's is always another one.
fn node_toolbox(pod: &Pod, caps: &str, args: &[&str]) -> Output {
    let mount = format!("{}:/toolbox:ro", bin());
    let mut argv: Vec<&str> = vec!["run", "--rm", "--pid", "host", "--network", "none"];
    argv.extend_from_slice(&["--cap-add", caps, "-v", &mount]);
    argv.push(pod.var("TESTPOD_EMPTY_IMAGE"));
    argv.push("/toolbox");
    argv.extend_from_slice(args);
    let o = run_bounded(120, "podman", &argv);
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    o
}

fn verdict(caps: &serde_json::Value, name: &str) -> serde_json::Value {
    caps["features"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["feature"] == name))
        .cloned()
        .unwrap_or_else(|| panic!("no {name} verdict: {caps:#}"))
}

#[test]
fn net_verdict_shared_joinable_or_the_capability() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let nginx = pod.nginx_pid().to_string();

    let caps = json(&pod.toolbox(&["--cap-add", "SYS_PTRACE"], &["caps", "-o", "json"]));
    let net = verdict(&caps, "net");
    assert_eq!(net["works"], true, "{net}");
    assert!(
        net["detail"].as_str().unwrap_or("").contains("shares"),
        "{net}"
    );

    let caps = json(&node_toolbox(
        &pod,
        "SYS_PTRACE",
        &["--pid", &nginx, "caps", "-o", "json"],
    ));
    let net = verdict(&caps, "net");
    assert_eq!(net["works"], false, "{net}");
    assert!(
        net["reason"]
            .as_str()
            .unwrap_or("")
            .contains("CAP_SYS_ADMIN"),
        "{net}"
    );
    assert!(
        net["fix"]
            .as_str()
            .unwrap_or("")
            .contains("--profile=sysadmin"),
        "{net}"
    );
    // The command itself says the same, and does not connect from the wrong namespace.
    let o = node_toolbox(
        &pod,
        "SYS_PTRACE",
        &["--pid", &nginx, "connect", "127.0.0.1:80"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("CAP_SYS_ADMIN"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));

    let caps = json(&node_toolbox(
        &pod,
        "SYS_PTRACE,SYS_ADMIN",
        &["--pid", &nginx, "caps", "-o", "json"],
    ));
    let net = verdict(&caps, "net");
    assert_eq!(net["works"], true, "{net}");
    assert!(
        net["detail"].as_str().unwrap_or("").contains("joins"),
        "{net}"
    );
    let o = node_toolbox(
        &pod,
        "SYS_PTRACE,SYS_ADMIN",
        &["--pid", &nginx, "connect", "127.0.0.1:80"],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("tcp connected"), "{}", stdout(&o));
}

#[test]
fn summary_lists_the_listening_sockets_like_ss() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let nginx = pod.nginx_pid().to_string();
    let ss = run_bounded(30, "nsenter", &["-t", &nginx, "-n", "ss", "-tulnH"]);
    assert!(ss.status.success(), "{}", stderr(&ss));
    let want: BTreeSet<(String, String)> = stdout(&ss)
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            Some((f.first()?.to_string(), f.get(4)?.to_string()))
        })
        .collect();
    assert!(
        want.contains(&("tcp".into(), "0.0.0.0:80".into())),
        "{want:?}"
    );

    let o = pod.toolbox(&["--cap-add", "SYS_PTRACE"], &[]);
    let text = stdout(&o);
    assert!(o.status.success(), "{text}{}", stderr(&o));
    let block: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("listening (the target's network namespace):"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    let got: BTreeSet<(String, String)> = block
        .iter()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            Some((f.next()?.to_string(), f.next()?.to_string()))
        })
        .collect();
    similar_asserts::assert_eq!(ss: want, toolbox: got, "{text}");
    let port80 = block
        .iter()
        .find(|l| l.contains(" 0.0.0.0:80 "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(port80.contains("(nginx "), "owners missing: {port80}");
}
