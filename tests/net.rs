//! `toolbox net` against the reference tools run in the same network namespace: `net sockets`
//! against `ss -tunapH` (same sockets, states, addresses, owners by PID) in the test pod, from a
//! debug container joined to it; `net ifaces`/`net routes` against `ip -j addr`/`ip -j route`
//! (and `-6`); and 10,000 TCP connections in a namespace the test makes, counted like `ss -tan`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::os::unix::fs::MetadataExt;
use std::process::{Child, Command, Stdio};

use common::{bin, json, repo, run_bounded, run_measured, stderr, stdout, PidMode, Pod};
use serde_json::Value;
use serial_test::serial;

/// One socket line reduced to what both tools print: netid, state, local, peer, owner PIDs.
type Line = (String, String, String, String, BTreeSet<i64>);

/// `ss -tunapH` in the namespace of host PID `pid`, owners mapped through `owner_pid` (None:
/// the owner is not visible from the debug container, and is left out).
fn ss_lines(pid: i32, args: &str, owner_pid: &dyn Fn(i64) -> Option<i64>) -> BTreeSet<Line> {
    let o = run_bounded(30, "nsenter", &["-t", &pid.to_string(), "-n", "ss", args]);
    assert!(o.status.success(), "ss: {}", stderr(&o));
    stdout(&o)
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() < 6 {
                return None;
            }
            let owners = l
                .split("pid=")
                .skip(1)
                .filter_map(|s| s.split(',').next()?.parse::<i64>().ok())
                .filter_map(owner_pid)
                .collect();
            Some((
                f[0].to_string(),
                f[1].to_string(),
                f[4].to_string(),
                f[5].to_string(),
                owners,
            ))
        })
        .collect()
}

/// The same reduction of `net sockets -o json`.
fn toolbox_lines(v: &Value) -> BTreeSet<Line> {
    v.as_array()
        .expect("a JSON array")
        .iter()
        .map(|s| {
            let owners = s["owners"]
                .as_array()
                .expect("owners")
                .iter()
                .map(|o| o["pid"].as_i64().expect("pid"))
                .collect();
            (
                s["netid"].as_str().expect("netid").to_string(),
                s["state"].as_str().expect("state").to_string(),
                s["local"].as_str().expect("local").to_string(),
                s["peer"].as_str().expect("peer").to_string(),
                owners,
            )
        })
        .collect()
}

/// Host PID → PID in the pod's PID namespace, for processes in it.
fn pod_pid(nginx: i32) -> impl Fn(i64) -> Option<i64> {
    let pidns = |p: i64| {
        std::fs::metadata(format!("/proc/{p}/ns/pid"))
            .ok()
            .map(|m| m.ino())
    };
    let theirs = pidns(i64::from(nginx));
    move |p| (pidns(p) == theirs && theirs.is_some()).then(|| common::ns_pid(p as i32))
}

/// Open connections to the pod's nginx over IPv4 and IPv6 and two UDP sockets (one bound, one
/// connected) from inside its namespace (a `python3` holding them), so that ESTAB, UDP and
/// IPv6 sockets are among those compared.
fn hold_connection(nginx: i32) -> Child {
    let mut c = Command::new("nsenter")
        .args(["-t", &nginx.to_string(), "-n", "python3", "-c"])
        .arg(concat!(
            "import socket,sys\n",
            "s=socket.create_connection(('127.0.0.1',80))\n",
            "s6=socket.create_connection(('::1',80))\n",
            "u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); u.bind(('127.0.0.1',0))\n",
            "c=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM); c.connect(('::1',53))\n",
            "print('ok',flush=True); sys.stdin.read()\n"
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut line = String::new();
    BufReader::new(c.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read");
    assert_eq!(line.trim(), "ok");
    c
}

#[test]
#[serial]
fn net_sockets_agree_with_ss_in_the_pod() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let nginx = pod.nginx_pid();
    let mut held = hold_connection(nginx);
    let map = pod_pid(nginx);
    // Other tests use the pod concurrently: compare a toolbox run with an `ss` run that saw the
    // same sockets just before and just after it.
    let mut last = String::new();
    for _ in 0..5 {
        let before = ss_lines(nginx, "-tunapH", &map);
        let v = json(&pod.toolbox(
            &["--cap-add", "SYS_PTRACE"],
            &["net", "sockets", "-p", "-o", "json"],
        ));
        let after = ss_lines(nginx, "-tunapH", &map);
        if before != after {
            last = "ss changed during the run".into();
            continue;
        }
        let ours = toolbox_lines(&v);
        if ours == before {
            assert!(ours
                .iter()
                .any(|l| l.1 == "LISTEN" && l.2 == "0.0.0.0:80" && !l.4.is_empty()));
            assert!(ours.iter().any(|l| l.1 == "ESTAB" && l.3 == "127.0.0.1:80"));
            assert!(ours.iter().any(|l| l.1 == "ESTAB" && l.3 == "[::1]:80"));
            assert!(ours.iter().any(|l| l.0 == "udp" && l.1 == "UNCONN"));
            assert!(ours
                .iter()
                .any(|l| l.0 == "udp" && l.1 == "ESTAB" && l.3 == "[::1]:53"));
            drop(held.stdin.take());
            let _ = held.wait();
            return;
        }
        last = format!(
            "only in ss: {:#?}\nonly in toolbox: {:#?}",
            before.difference(&ours).collect::<Vec<_>>(),
            ours.difference(&before).collect::<Vec<_>>()
        );
    }
    drop(held.stdin.take());
    let _ = held.wait();
    panic!("net sockets disagrees with ss -tunap:\n{last}");
}

#[test]
#[serial]
fn net_sockets_unix_and_listening_agree_with_ss() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let nginx = pod.nginx_pid();
    let map = pod_pid(nginx);
    let ss = ss_lines(nginx, "-xapH", &map);
    let v = json(&pod.toolbox(
        &["--cap-add", "SYS_PTRACE"],
        &["net", "sockets", "-x", "-p", "-o", "json"],
    ));
    // ss prints unix addresses as two columns (`* 8793`); toolbox keeps them in one.
    let ours: BTreeSet<Line> = toolbox_lines(&v)
        .into_iter()
        .map(|(n, s, l, p, o)| (n, s, l.split(' ').next().unwrap_or("").to_string(), p, o))
        .collect();
    let ss: BTreeSet<Line> = ss
        .into_iter()
        .map(|(n, s, l, _port, o)| (n, s, l, String::new(), o))
        .collect();
    let ours: BTreeSet<Line> = ours
        .into_iter()
        .map(|(n, s, l, _, o)| (n, s, l, String::new(), o))
        .collect();
    assert_eq!(ours, ss);
    let l = json(&pod.toolbox(&[], &["net", "sockets", "-l", "-t", "-o", "json"]));
    for s in l.as_array().expect("array") {
        assert_eq!(s["state"], "LISTEN", "{s}");
    }
}

/// Interfaces reduced to name → (mtu, operstate, [(local, prefixlen)]).
type Addrs = BTreeMap<String, (i64, String, Vec<(String, i64)>)>;

/// `ip -j addr` reduced to [`Addrs`].
fn ip_addrs(v: &Value) -> Addrs {
    v.as_array()
        .expect("array")
        .iter()
        .map(|i| {
            let addrs = i["addr_info"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|x| {
                            (
                                x["local"].as_str().unwrap_or("").to_string(),
                                x["prefixlen"].as_i64().unwrap_or(-1),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            (
                i["ifname"].as_str().expect("ifname").to_string(),
                (
                    i["mtu"].as_i64().expect("mtu"),
                    i["operstate"].as_str().expect("operstate").to_string(),
                    addrs,
                ),
            )
        })
        .collect()
}

fn toolbox_addrs(v: &Value) -> Addrs {
    v.as_array()
        .expect("array")
        .iter()
        .map(|i| {
            let addrs = i["addrs"]
                .as_array()
                .expect("addrs")
                .iter()
                .map(|x| {
                    (
                        x["local"].as_str().expect("local").to_string(),
                        x["prefixlen"].as_i64().expect("prefixlen"),
                    )
                })
                .collect();
            (
                i["name"].as_str().expect("name").to_string(),
                (
                    i["mtu"].as_i64().expect("mtu"),
                    i["state"].as_str().expect("state").to_string(),
                    addrs,
                ),
            )
        })
        .collect()
}

/// `ip -j route` (both families) reduced to (dst, gateway, dev, metric).
fn ip_routes(pid: &str) -> BTreeSet<(String, String, String, i64)> {
    let mut out = BTreeSet::new();
    for fam in ["-4", "-6"] {
        let o = run_bounded(20, "nsenter", &["-t", pid, "-n", "ip", "-j", fam, "route"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: Value = serde_json::from_slice(&o.stdout).expect("ip json");
        for r in v.as_array().expect("array") {
            let dst = match r["type"].as_str() {
                Some(t) if t != "unicast" => format!("{t} {}", r["dst"].as_str().unwrap_or("")),
                _ => r["dst"].as_str().unwrap_or("").to_string(),
            };
            out.insert((
                dst,
                r["gateway"].as_str().unwrap_or("").to_string(),
                r["dev"].as_str().unwrap_or("").to_string(),
                r["metric"].as_i64().unwrap_or(0),
            ));
        }
    }
    out
}

fn toolbox_routes(v: &Value) -> BTreeSet<(String, String, String, i64)> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|r| {
            let dst = match r["type"].as_str() {
                Some(t) => format!("{t} {}", r["dst"].as_str().unwrap_or("")),
                None => r["dst"].as_str().unwrap_or("").to_string(),
            };
            (
                dst,
                r["gateway"].as_str().unwrap_or("").to_string(),
                r["dev"].as_str().unwrap_or("").to_string(),
                // ip leaves out a zero metric of IPv4 routes.
                r["metric"].as_i64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
#[serial]
fn net_ifaces_and_routes_agree_with_ip_in_the_pod() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let pid = pod.nginx_pid().to_string();
    let o = run_bounded(20, "nsenter", &["-t", &pid, "-n", "ip", "-j", "addr"]);
    let ip: Value = serde_json::from_slice(&o.stdout).expect("ip -j addr");
    let ours = json(&pod.toolbox(&[], &["net", "ifaces", "-o", "json"]));
    assert_eq!(toolbox_addrs(&ours), ip_addrs(&ip));
    let ours = json(&pod.toolbox(&[], &["net", "routes", "-o", "json"]));
    assert_eq!(toolbox_routes(&ours), ip_routes(&pid));
}

/// A network namespace made for one test (`ip netns add`), deleted on drop, with a process
/// in it to name with `--pid`.
struct Netns {
    name: String,
    holder: Child,
}

impl Netns {
    fn new(tag: &str) -> Netns {
        let name = format!("toolbox-net-{tag}-{}", std::process::id());
        let ok = |args: &[&str]| {
            let o = run_bounded(20, "ip", args);
            assert!(o.status.success(), "ip {args:?}: {}", stderr(&o));
        };
        ok(&["netns", "add", &name]);
        let ns = Netns {
            holder: Command::new("ip")
                .args(["netns", "exec", &name, "sleep", "300"])
                .spawn()
                .expect("sleep in the namespace"),
            name,
        };
        ok(&["-n", &ns.name, "link", "set", "lo", "up"]);
        ns
    }

    fn pid(&self) -> i32 {
        // `ip netns exec` execs sleep in place: the child's PID is sleep's.
        self.holder.id() as i32
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = self.holder.kill();
        let _ = self.holder.wait();
        let _ = run_bounded(20, "ip", &["netns", "delete", &self.name]);
    }
}

#[test]
#[serial]
fn net_routes_agree_with_ip_in_a_namespace_with_routes() {
    require_root!();
    let ns = Netns::new("routes");
    for args in [
        &["-n", &ns.name, "route", "add", "10.9.0.0/16", "dev", "lo"][..],
        &["-n", &ns.name, "route", "add", "blackhole", "10.10.0.0/24"],
        &[
            "-n",
            &ns.name,
            "route",
            "add",
            "192.0.2.7",
            "dev",
            "lo",
            "metric",
            "5",
        ],
        &[
            "-n",
            &ns.name,
            "-6",
            "route",
            "add",
            "2001:db8::/64",
            "dev",
            "lo",
        ],
    ] {
        let o = run_bounded(20, "ip", args);
        assert!(o.status.success(), "ip {args:?}: {}", stderr(&o));
    }
    // Wait until the holder is in the namespace.
    let pid = ns.pid();
    let o = run_bounded(
        30,
        bin(),
        &["--pid", &pid.to_string(), "net", "routes", "-o", "json"],
    );
    let ours = toolbox_routes(&json(&o));
    let ip = ip_routes(&pid.to_string());
    assert!(ip.len() >= 4, "{ip:?}");
    assert_eq!(ours, ip);
}

#[test]
#[serial]
fn net_sockets_counts_ten_thousand_connections_like_ss() {
    require_root!();
    const N: usize = 10_000;
    let ns = Netns::new("conns");
    let mut load = hold(&ns, N);
    let pid = ns.pid().to_string();
    let m = run_measured(
        120,
        "net sockets -t (10k)",
        bin(),
        &["--pid", &pid, "net", "sockets", "-t", "-o", "json"],
    );
    assert!(m.max_rss_kib < 200 * 1024, "{} KiB", m.max_rss_kib);
    let v = json(&m.output);
    let mut ours: BTreeMap<String, usize> = BTreeMap::new();
    for s in v.as_array().expect("array") {
        *ours
            .entry(s["state"].as_str().expect("state").to_string())
            .or_default() += 1;
    }
    let o = run_bounded(60, "ip", &["netns", "exec", &ns.name, "ss", "-tanH"]);
    let mut ss: BTreeMap<String, usize> = BTreeMap::new();
    for l in stdout(&o).lines() {
        if let Some(state) = l.split_whitespace().next() {
            *ss.entry(state.to_string()).or_default() += 1;
        }
    }
    drop(load.stdin.take());
    let _ = load.wait();
    assert_eq!(ours, ss);
    assert_eq!(ours.get("ESTAB"), Some(&(2 * N)));
    assert_eq!(ours.get("LISTEN"), Some(&1));
}

/// Hold `n` connections in `ns` with tests/net_conns.py; returns the workload (close its stdin
/// to end it).
fn hold(ns: &Netns, n: usize) -> Child {
    let script = repo().join("tests/net_conns.py");
    let mut load = Command::new("timeout")
        .args(["120", "ip", "netns", "exec", &ns.name, "python3"])
        .arg(&script)
        .arg(n.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut line = String::new();
    BufReader::new(load.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read");
    assert!(line.starts_with("ready"), "workload: {line}");
    load
}

#[test]
#[serial]
fn net_sockets_state_filter_and_tcp_info_agree_with_ss_i() {
    require_root!();
    let ns = Netns::new("info");
    let mut load = hold(&ns, 3);
    let pid = ns.pid().to_string();
    let v = json(&run_bounded(
        30,
        bin(),
        &[
            "--pid", &pid, "net", "sockets", "-t", "--state", "listen", "-o", "json",
        ],
    ));
    let states: Vec<&str> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|s| s["state"].as_str().expect("state"))
        .collect();
    assert_eq!(states, ["LISTEN"]);
    let v = json(&run_bounded(
        30,
        bin(),
        &[
            "--pid",
            &pid,
            "net",
            "sockets",
            "-t",
            "-i",
            "--state",
            "established",
            "-o",
            "json",
        ],
    ));
    // (local, peer, cwnd, mss) as ss -tin prints them.
    let ours: BTreeSet<(String, String, u64, u64)> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|s| {
            let t = &s["tcp"];
            assert!(t["rtt_ms"].as_f64().is_some(), "{s}");
            (
                s["local"].as_str().expect("local").to_string(),
                s["peer"].as_str().expect("peer").to_string(),
                t["cwnd"].as_u64().expect("cwnd"),
                t["mss"].as_u64().expect("mss"),
            )
        })
        .collect();
    let o = run_bounded(
        30,
        "ip",
        &[
            "netns",
            "exec",
            &ns.name,
            "ss",
            "-tinH",
            "state",
            "established",
        ],
    );
    let text = stdout(&o);
    let mut ss = BTreeSet::new();
    let mut local = (String::new(), String::new());
    for l in text.lines() {
        let f: Vec<&str> = l.split_whitespace().collect();
        // With a state filter ss leaves out the State column: Recv-Q Send-Q Local Peer.
        if !l.starts_with(char::is_whitespace) && f.len() >= 4 {
            local = (f[2].to_string(), f[3].to_string());
            continue;
        }
        let word = |k: &str| {
            f.iter()
                .find_map(|w| w.strip_prefix(k)?.parse::<u64>().ok())
                .unwrap_or(0)
        };
        ss.insert((
            local.0.clone(),
            local.1.clone(),
            word("cwnd:"),
            word("mss:"),
        ));
    }
    drop(load.stdin.take());
    let _ = load.wait();
    assert_eq!(ours.len(), 6, "{v}");
    assert_eq!(ours, ss, "ss -tin:\n{text}");
}

#[test]
#[serial]
fn net_overview_in_the_pod_has_every_part() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let v = json(&pod.toolbox(&["--cap-add", "SYS_PTRACE"], &["net", "-o", "json"]));
    for key in ["ifaces", "routes", "sockets", "tcp_states", "dns"] {
        assert!(!v[key].is_null(), "no {key}: {v}");
    }
    // nginx's listeners (http and https, IPv4 and IPv6 where the kernel has it), as ss counts them.
    let ss = run_bounded(
        30,
        "nsenter",
        &["-t", &pod.nginx_pid().to_string(), "-n", "ss", "-tlnH"],
    );
    assert!(ss.status.success(), "ss: {}", stderr(&ss));
    let listeners = stdout(&ss).lines().count();
    assert!(listeners >= 2, "ss -tln: {}", stdout(&ss));
    assert_eq!(v["tcp_states"]["LISTEN"], listeners, "{v}");
    // The target's resolv.conf (the pod's own, not the debug image's), read through its root.
    let theirs = std::fs::read_to_string(format!("/proc/{}/root/etc/resolv.conf", pod.nginx_pid()))
        .unwrap_or_default();
    let servers: Vec<&str> = theirs
        .lines()
        .filter_map(|l| l.strip_prefix("nameserver"))
        .map(str::trim)
        .collect();
    assert_eq!(v["dns"]["nameservers"], serde_json::json!(servers), "{v}");
    let text = stdout(&pod.toolbox(&[], &["net"]));
    for part in ["Interfaces", "Routes", "Sockets", "TCP states", "DNS"] {
        assert!(text.contains(part), "{text}");
    }
}
