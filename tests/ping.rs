//! `toolbox ping` against iputils `ping` run in the same network namespace: the same lines with
//! the times masked (and the same exit code) for loopback replies in the test pod, for an
//! address whose neighbour never answers ("Destination Host Unreachable"), for one whose
//! packets vanish, and for an unreachable route; Ctrl-C prints the summary; without NET_RAW the
//! datagram socket is used or the capability is named, as ping_group_range decides.

mod common;
mod probe_netns;

use common::{bin, json, run_bounded, stderr, stdout, PidMode, Pod};
use probe_netns::ProbeNetns;
use regex::Regex;

/// Output with the timings masked: reply times, the statistics' total time, the rtt line.
fn mask(s: &str) -> String {
    let t = Regex::new(r"time=[0-9.]+ ms").unwrap();
    let total = Regex::new(r"time [0-9]+ms").unwrap();
    let rtt = Regex::new(r"= [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms").unwrap();
    let s = t.replace_all(s, "time=T ms");
    let s = total.replace_all(&s, "time Tms");
    rtt.replace_all(&s, "= R ms").into_owned()
}

/// iputils ping and toolbox ping with the same arguments in the namespace of `pid`: same
/// masked output, same exit code. Returns toolbox's output.
fn compare(pid: &str, args: &[&str], secs: u32) -> std::process::Output {
    let mut ns = vec!["-t", pid, "-n", "ping"];
    ns.extend_from_slice(args);
    let reference = run_bounded(secs, "nsenter", &ns);
    let mut tb = vec!["--pid", pid, "ping"];
    tb.extend_from_slice(args);
    let ours = run_bounded(secs, bin(), &tb);
    similar_asserts::assert_eq!(
        iputils: mask(&stdout(&reference)),
        toolbox: mask(&stdout(&ours)),
        "ping {args:?}; toolbox's stderr: {}",
        stderr(&ours)
    );
    assert_eq!(
        reference.status.code(),
        ours.status.code(),
        "exit codes of ping {args:?}: iputils {}, toolbox {}",
        stderr(&reference),
        stderr(&ours)
    );
    ours
}

#[test]
fn loopback_replies_match_iputils_line_for_line() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let pid = pod.nginx_pid().to_string();
    let o = compare(&pid, &["-c", "3", "-i", "0.2", "127.0.0.1"], 30);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("64 bytes from 127.0.0.1: icmp_seq=3 ttl=64 time="));
    compare(
        &pid,
        &["-c", "2", "-i", "0.2", "-s", "1000", "127.0.0.1"],
        30,
    );
    compare(&pid, &["-q", "-c", "2", "-i", "0.2", "127.0.0.1"], 30);
    compare(&pid, &["-6", "-c", "2", "-i", "0.2", "::1"], 30);
    // Across the pod's eth0 to the DNS pod.
    compare(
        &pid,
        &["-c", "2", "-i", "0.2", pod.var("TESTPOD_DNS_SERVER")],
        30,
    );
    // A name (in both the host's and the target's /etc/hosts): `from localhost (127.0.0.1)`.
    compare(&pid, &["-4", "-c", "1", "localhost"], 30);
    compare(&pid, &["-n", "-4", "-c", "1", "localhost"], 30);
}

#[test]
fn json_summary_counts_replies() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let pid = pod.nginx_pid().to_string();
    let o = run_bounded(
        30,
        bin(),
        &[
            "--pid",
            &pid,
            "ping",
            "-c",
            "2",
            "-i",
            "0.2",
            "-o",
            "json",
            "127.0.0.1",
        ],
    );
    let v = json(&o);
    assert_eq!(v["transmitted"], 2);
    assert_eq!(v["received"], 2);
    assert_eq!(v["events"].as_array().map(Vec::len), Some(2));
    assert!(v["rtt"]["avg"].as_f64().is_some(), "{v}");
}

#[test]
fn unanswered_neighbour_gives_destination_host_unreachable_like_iputils() {
    require_root!();
    // Both socket kinds: a raw one (the default range admits no group), then a datagram one.
    for (tag, range) in [("ping-arp-raw", None), ("ping-arp-dgram", Some((0, 0)))] {
        let ns = ProbeNetns::new(tag);
        if let Some((lo, hi)) = range {
            ns.set_ping_group_range(lo, hi);
        }
        // Neighbour discovery gives up after about 3 s; iputils then reports every request.
        for (addr, words) in [
            (
                "10.98.0.9",
                "From 10.98.0.1 icmp_seq=1 Destination Host Unreachable",
            ),
            (
                "fd98::9",
                "From fd98::1 icmp_seq=1 Destination unreachable: Address unreachable",
            ),
        ] {
            let o = compare(&ns.pid(), &["-c", "2", "-i", "0.3", addr], 60);
            assert!(stdout(&o).contains(words), "{tag}: {}", stdout(&o));
            assert!(stdout(&o).contains("+2 errors, 100% packet loss"), "{tag}");
            assert_eq!(o.status.code(), Some(1), "{tag}");
        }
        let j = run_bounded(
            60,
            bin(),
            &[
                "--pid",
                &ns.pid(),
                "ping",
                "-c",
                "1",
                "-o",
                "json",
                "10.98.0.9",
            ],
        );
        let want = if range.is_some() { "datagram" } else { "raw" };
        assert_eq!(json_lenient(&j)["socket"], want, "{tag}");
    }
}

/// stdout as JSON whatever the exit code (ping exits 1 without replies).
fn json_lenient(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(o), stderr(o)))
}

#[test]
fn vanished_requests_and_unreachable_route_like_iputils() {
    require_root!();
    let ns = ProbeNetns::new("ping-lost");
    let pid = ns.pid();
    let o = compare(&pid, &["-c", "2", "-i", "0.2", "-W", "1", "10.98.0.7"], 60);
    assert!(stdout(&o).contains("2 packets transmitted, 0 received, 100% packet loss"));
    assert_eq!(o.status.code(), Some(1));

    let reference = run_bounded(
        30,
        "nsenter",
        &["-t", &pid, "-n", "ping", "-c", "1", "10.99.0.1"],
    );
    let ours = run_bounded(30, bin(), &["--pid", &pid, "ping", "-c", "1", "10.99.0.1"]);
    assert_eq!(reference.status.code(), Some(2), "{}", stderr(&reference));
    assert_eq!(ours.status.code(), Some(2), "{}", stderr(&ours));
    let line = stderr(&reference).trim().to_string();
    assert!(
        stderr(&ours).contains(&line),
        "want `{line}` in: {}",
        stderr(&ours)
    );
}

#[test]
fn ctrl_c_prints_the_summary() {
    require_root!();
    let ns = ProbeNetns::new("ping-int");
    let child = std::process::Command::new(bin())
        .args(["--pid", &ns.pid(), "ping", "-i", "0.2", "127.0.0.1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start toolbox ping");
    std::thread::sleep(std::time::Duration::from_millis(1200));
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).expect("SIGINT");
    // Hang guard: a ping that ignores Ctrl-C is killed by the bounded wait below.
    let guard = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(20));
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
    });
    let o = child.wait_with_output().expect("wait for toolbox ping");
    drop(guard);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(out.contains("--- 127.0.0.1 ping statistics ---"), "{out}");
    assert!(out.contains("rtt min/avg/max/mdev = "), "{out}");
}

/// The pod's ping_group_range (per network namespace).
fn group_range(pid: i32) -> (u32, u32) {
    let o = run_bounded(
        30,
        "nsenter",
        &[
            "-t",
            &pid.to_string(),
            "-n",
            "cat",
            "/proc/sys/net/ipv4/ping_group_range",
        ],
    );
    let v: Vec<u32> = stdout(&o)
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (v[0], v[1])
}

#[test]
fn without_net_raw_the_datagram_socket_or_the_capability_per_ping_group_range() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let (lo, hi) = group_range(pod.nginx_pid());
    for (user, gid) in [("0:0", 0u32), ("1000:1000", 1000)] {
        let admitted = (lo..=hi).contains(&gid);
        let o = pod.toolbox(
            &["--cap-drop", "NET_RAW", "--user", user],
            &["ping", "-c", "1", "-o", "json", "127.0.0.1"],
        );
        if admitted {
            let v = json(&o);
            assert_eq!(v["socket"], "datagram", "GID {gid}, range {lo} {hi}: {v}");
            assert_eq!(v["received"], 1);
        } else {
            let err = stderr(&o);
            assert_eq!(
                o.status.code(),
                Some(2),
                "GID {gid}, range {lo} {hi}: {err}"
            );
            assert!(err.contains("CAP_NET_RAW"), "{err}");
            assert!(err.contains("ping_group_range"), "{err}");
            assert!(err.contains("kubectl debug"), "{err}");
        }
        // caps says the same.
        let c = pod.toolbox(
            &["--cap-drop", "NET_RAW", "--user", user],
            &["caps", "-o", "json"],
        );
        let v = json(&c);
        let ping = v["features"]
            .as_array()
            .and_then(|a| a.iter().find(|f| f["feature"] == "ping"))
            .cloned()
            .unwrap_or_else(|| panic!("no ping verdict: {v}"));
        assert_eq!(ping["works"], admitted, "GID {gid}: {ping}");
        if admitted {
            assert!(
                ping["detail"].as_str().unwrap_or("").contains("datagram"),
                "{ping}"
            );
        } else {
            assert!(
                ping["reason"]
                    .as_str()
                    .unwrap_or("")
                    .contains("CAP_NET_RAW"),
                "{ping}"
            );
        }
    }
}
