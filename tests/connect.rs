//! `toolbox connect` tells the outcomes apart by their result word and exit code: connected
//! (the test pod's nginx), refused (a closed port on 127.0.0.1), timeout (a SYN that leaves and
//! vanishes), no route (`unreachable 10.99.0.0/16`), and the UDP ones, in a network namespace
//! the test makes. No timing assertions: the bounded runs are only hang guards.

mod common;
mod probe_netns;

use common::{bin, json, run_bounded, stderr, stdout, PidMode, Pod};
use probe_netns::ProbeNetns;

/// `toolbox --pid PID connect ARGS…`, bounded.
fn connect(pid: &str, args: &[&str]) -> std::process::Output {
    let mut argv = vec!["--pid", pid, "connect"];
    argv.extend_from_slice(args);
    run_bounded(60, bin(), &argv)
}

/// Assert one attempt line with `word` and the exit code.
fn expect(o: &std::process::Output, addr: &str, word: &str, code: i32) {
    let out = stdout(o);
    let line = out.lines().next().unwrap_or("");
    assert!(
        line.starts_with(&format!("{addr} ")) && line.contains(&format!(" {word}")),
        "want `{addr} … {word}`, got: {out}{}",
        stderr(o)
    );
    assert!(line.contains(" time=") && line.ends_with(" ms"), "{line}");
    assert_eq!(o.status.code(), Some(code), "{out}{}", stderr(o));
}

#[test]
fn connected_to_the_pods_nginx_over_v4_and_v6() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let pid = pod.nginx_pid().to_string();
    expect(
        &connect(&pid, &["127.0.0.1:80"]),
        "127.0.0.1:80",
        "tcp connected",
        0,
    );
    expect(
        &connect(&pid, &["[::1]:80"]),
        "[::1]:80",
        "tcp connected",
        0,
    );
    let o = connect(
        &pid,
        &["-c", "2", "-i", "0.1", "-o", "json", "127.0.0.1:80"],
    );
    let v = json(&o);
    assert_eq!(v["succeeded"], 2, "{v}");
    assert_eq!(v["attempts"][1]["result"], "connected", "{v}");
}

#[test]
fn refused_timeout_and_no_route_are_told_apart() {
    require_root!();
    let ns = ProbeNetns::new("connect");
    let pid = ns.pid();
    expect(
        &connect(&pid, &["127.0.0.1:81"]),
        "127.0.0.1:81",
        "tcp refused (ECONNREFUSED)",
        1,
    );
    expect(
        &connect(&pid, &["-w", "1", "10.98.0.7:80"]),
        "10.98.0.7:80",
        "tcp timeout",
        1,
    );
    expect(
        &connect(&pid, &["10.99.0.1:80"]),
        "10.99.0.1:80",
        "tcp no route (EHOSTUNREACH)",
        1,
    );
    // No route at all (not even a default one) is the other "no route".
    expect(
        &connect(&pid, &["10.97.0.1:80"]),
        "10.97.0.1:80",
        "tcp no route (ENETUNREACH)",
        1,
    );
    let o = connect(&pid, &["-o", "json", "10.99.0.1:80"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(&o)));
    assert_eq!(v["attempts"][0]["result"], "no-route", "{v}");
    assert_eq!(v["attempts"][0]["errno"], "EHOSTUNREACH", "{v}");
}

#[test]
fn udp_refused_or_open_filtered() {
    require_root!();
    let ns = ProbeNetns::new("connect-udp");
    let pid = ns.pid();
    expect(
        &connect(&pid, &["-u", "127.0.0.1:9"]),
        "127.0.0.1:9",
        "udp refused (ECONNREFUSED)",
        1,
    );
    expect(
        &connect(&pid, &["-u", "-w", "1", "10.98.0.7:53"]),
        "10.98.0.7:53",
        "udp open|filtered",
        0,
    );
}

#[test]
fn bad_targets_are_usage_errors() {
    for bad in ["web", "::1:80", "web:0", "web:http"] {
        let o = run_bounded(30, bin(), &["--host", "connect", bad]);
        assert_ne!(o.status.code(), Some(0), "{bad}");
        assert!(
            stderr(&o).to_lowercase().contains("port"),
            "{bad}: {}",
            stderr(&o)
        );
    }
}
