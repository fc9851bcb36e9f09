//! `toolbox dns` against the test pod's DNS server (dnsmasq at 10.96.0.10, records in
//! scripts/testpod-dns.conf), with dig and glibc as the references: answers equal dig's, the
//! queries for a short name are the ones `getent ahosts` sends (both captured with tcpdump in the
//! pod's network namespace), and each failure prints one clear line and its exit status.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

use common::{bin, run_bounded, show, stderr, stdout, PidMode, Pod};

const DNS: &str = "10.96.0.10";

/// toolbox on the host, in the pod's network namespace and root (`--pid` of nginx).
fn toolbox(pid: i32, args: &[&str]) -> Output {
    let pid = pid.to_string();
    let mut argv = vec!["--pid", pid.as_str(), "dns"];
    argv.extend_from_slice(args);
    run_bounded(60, bin(), &argv)
}

/// Answer records as `name ttl class type data`, whitespace collapsed, sorted.
fn records(lines: &str) -> BTreeSet<String> {
    lines
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty() && !l.starts_with(';'))
        .collect()
}

/// dig's answer section, asked in the pod's network namespace.
fn dig(pid: i32, args: &[&str]) -> BTreeSet<String> {
    let pid = pid.to_string();
    let server = format!("@{DNS}");
    let mut argv = vec![
        "-t",
        pid.as_str(),
        "-n",
        "dig",
        server.as_str(),
        "+noall",
        "+answer",
        "+tries=2",
        "+time=3",
    ];
    argv.extend_from_slice(args);
    let o = run_bounded(30, "nsenter", &argv);
    assert!(o.status.success(), "dig {args:?}: {}", show(&o));
    records(&stdout(&o))
}

/// toolbox's answer records from `-o json`, in dig's format.
fn toolbox_records(o: &Output) -> BTreeSet<String> {
    let v = common::json(o);
    v["answers"]
        .as_array()
        .unwrap_or_else(|| panic!("no answers: {v}"))
        .iter()
        .map(|a| {
            format!(
                "{} {} IN {} {}",
                a["name"].as_str().unwrap_or(""),
                a["ttl"],
                a["type"].as_str().unwrap_or(""),
                a["data"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn answers_equal_digs() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let pid = pod.nginx_pid();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["web.default.svc.cluster.local", "A"],
            &["web.default.svc.cluster.local", "A"],
        ),
        (
            &["web.default.svc.cluster.local", "AAAA"],
            &["web.default.svc.cluster.local", "AAAA"],
        ),
        (
            &["alias.default.svc.cluster.local", "CNAME"],
            &["alias.default.svc.cluster.local", "CNAME"],
        ),
        // An A query for the alias: the CNAME and the address, as dig shows them.
        (
            &["alias.default.svc.cluster.local", "A"],
            &["alias.default.svc.cluster.local", "A"],
        ),
        (
            &["_http._tcp.web.default.svc.cluster.local", "SRV"],
            &["_http._tcp.web.default.svc.cluster.local", "SRV"],
        ),
        (&["cluster.local", "MX"], &["cluster.local", "MX"]),
        (
            &["web.default.svc.cluster.local", "TXT"],
            &["web.default.svc.cluster.local", "TXT"],
        ),
        (&["-x", "10.96.0.20"], &["-x", "10.96.0.20"]),
        (&["-x", "fd00:96::20"], &["-x", "fd00:96::20"]),
    ];
    for (ours, theirs) in cases {
        let want = dig(pid, theirs);
        assert!(
            !want.is_empty(),
            "dig found nothing for {theirs:?}: the fixture lacks a record"
        );
        let mut args = vec!["@10.96.0.10", "-o", "json"];
        args.extend_from_slice(ours);
        let o = toolbox(pid, &args);
        let got = toolbox_records(&o);
        assert_eq!(
            got,
            want,
            "toolbox dns {args:?} vs dig {theirs:?}\n{}",
            show(&o)
        );
        // +short prints the data alone, as dig +short does.
        let mut args = vec!["@10.96.0.10", "+short"];
        args.extend_from_slice(ours);
        let o = toolbox(pid, &args);
        assert!(o.status.success(), "{}", show(&o));
        let short: BTreeSet<String> = stdout(&o).lines().map(str::to_string).collect();
        let want_short: BTreeSet<String> = want
            .iter()
            .map(|r| r.splitn(5, ' ').nth(4).unwrap_or("").to_string())
            .collect();
        assert_eq!(short, want_short, "+short for {ours:?}");
    }
}

/// A tcpdump of outgoing DNS queries in the pod's network namespace while `f` runs: the
/// (type, name) of each, in the order they left. The capture ends at a sentinel query sent
/// after `f` (packets are seen in order), so nothing depends on how long anything takes.
fn queries_sent(pid: i32, f: impl FnOnce()) -> Vec<(String, String)> {
    let pid = pid.to_string();
    queries_sent_in(&["nsenter", "-t", &pid, "-n"], DNS, f)
}

/// [`queries_sent`] in the network namespace `enter` (a command prefix) with `server` as the
/// DNS server the sentinel goes to.
fn queries_sent_in(enter: &[&str], server: &str, f: impl FnOnce()) -> Vec<(String, String)> {
    let mut cap: Child = Command::new(enter[0])
        .args(&enter[1..])
        .args(["tcpdump", "-i", "any", "-nn", "-l", "--immediate-mode"])
        .args(["udp dst port 53 or tcp dst port 53"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tcpdump");
    let mut err = BufReader::new(cap.stderr.take().expect("stderr"));
    let mut said = String::new();
    loop {
        let mut line = String::new();
        let n = err.read_line(&mut line).expect("tcpdump's stderr");
        said.push_str(&line);
        if line.contains("listening on") {
            break;
        }
        assert!(n > 0, "tcpdump did not start: {said}");
    }
    f();
    let sentinel = format!("sentinel-{}.test.", std::process::id());
    let at = format!("@{server}");
    let mut dig = enter.to_vec();
    dig.extend(["dig", at.as_str(), "+tries=1", "+time=2", sentinel.as_str()]);
    let _ = run_bounded(20, dig[0], &dig[1..]);
    let out = BufReader::new(cap.stdout.take().expect("stdout"));
    let mut seen = Vec::new();
    let guard = std::time::Instant::now();
    for l in out.lines() {
        let l = l.expect("tcpdump line");
        if l.contains(&sentinel) {
            break;
        }
        seen.push(l);
        assert!(guard.elapsed().as_secs() < 60, "no sentinel in the capture");
    }
    let _ = cap.kill();
    let _ = cap.wait();
    let mut q = Vec::new();
    for l in &seen {
        let w: Vec<&str> = l.split_whitespace().collect();
        if let Some(i) = w.iter().position(|t| t.ends_with('?') && t.len() > 1) {
            if let Some(name) = w.get(i + 1) {
                q.push((w[i].trim_end_matches('?').to_string(), name.to_string()));
            }
        }
    }
    q
}

/// `getent ahosts NAME` in the pod's network namespace with the target's resolv.conf mounted
/// over the host's (glibc reads /etc/resolv.conf; the rest of the host's files stay).
fn getent_ahosts(pid: i32, name: &str, dir: &std::path::Path) -> Output {
    let conf = dir.join("resolv.conf");
    std::fs::copy(format!("/proc/{pid}/root/etc/resolv.conf"), &conf)
        .expect("target's resolv.conf");
    let script = format!(
        "mount --bind {} /etc/resolv.conf && exec getent ahosts {name}",
        conf.display()
    );
    run_bounded(
        60,
        "nsenter",
        &[
            "-t",
            &pid.to_string(),
            "-n",
            "unshare",
            "-m",
            "sh",
            "-c",
            &script,
        ],
    )
}

#[test]
fn short_names_send_the_queries_glibc_sends() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let pid = pod.nginx_pid();
    let dir = tempfile::tempdir().expect("tempdir");
    // `web` answers at the first search name; a name that exists nowhere walks the whole list
    // and ends with the absolute name. Other tests may ask for web at the same time: this run
    // spells it in a case of its own (DNS names compare without case, tcpdump shows them as
    // sent), and the missing name is unique to this process.
    let pid_bits = std::process::id();
    let mut web: String = "web"
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if pid_bits >> i & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect();
    if web == "web" {
        web = "wEb".into();
    }
    let nowhere = format!("nowhere-{}", std::process::id());
    for (name, answered) in [(web.as_str(), true), (nowhere.as_str(), false)] {
        let mut glibc_out = None;
        let glibc = queries_sent(pid, || {
            glibc_out = Some(getent_ahosts(pid, name, dir.path()));
        });
        let glibc_out = glibc_out.expect("ran");
        assert_eq!(
            glibc_out.status.success(),
            answered,
            "getent: {}",
            show(&glibc_out)
        );
        let mut ours_out = None;
        let ours = queries_sent(pid, || {
            ours_out = Some(toolbox(pid, &[name]));
        });
        let ours_out = ours_out.expect("ran");
        assert_eq!(ours_out.status.success(), answered, "{}", show(&ours_out));
        let mine = |q: &Vec<(String, String)>| -> Vec<(String, String)> {
            q.iter()
                .filter(|(_, n)| n.split('.').next() == Some(name))
                .cloned()
                .collect()
        };
        let (all, ours) = (glibc.clone(), mine(&ours));
        let glibc = mine(&all);
        assert!(
            !glibc.is_empty(),
            "no query from getent captured: {all:?} {}",
            show(&glibc_out)
        );
        assert_eq!(
            ours,
            glibc,
            "queries toolbox sent vs glibc's for {name}\n{}",
            show(&ours_out)
        );
        // What toolbox says it sent is what went out.
        let said: Vec<(String, String)> = stdout(&ours_out)
            .lines()
            .filter_map(|l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                (w.len() > 3 && w[0].starts_with(&format!("{name}.")) && w[2] == "10.96.0.10:53")
                    .then(|| (w[1].to_string(), w[0].to_string()))
            })
            .collect();
        assert_eq!(said, glibc, "{}", show(&ours_out));
        let explained = stdout(&ours_out);
        assert!(
            explained.contains(&format!("ndots:5: {name} has 0 dots, so 3 search name(s) were tried before the absolute name")),
            "{explained}"
        );
    }
}

#[test]
fn truncated_udp_answer_is_retried_over_tcp() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let pid = pod.nginx_pid();
    let o = toolbox(pid, &["big", "TXT"]);
    assert!(o.status.success(), "{}", show(&o));
    let out = stdout(&o);
    assert!(out.contains("truncated, retried over TCP"), "{out}");
    let o = toolbox(
        pid,
        &["big.default.svc.cluster.local.", "TXT", "-o", "json"],
    );
    let v = common::json(&o);
    let q = v["queries"].as_array().expect("queries");
    assert_eq!(q.len(), 2, "{v}");
    assert_eq!(
        (q[0]["proto"].as_str(), q[0]["truncated"].as_bool()),
        (Some("udp"), Some(true))
    );
    assert_eq!(q[1]["proto"], "tcp");
    let want = dig(pid, &["+tcp", "big.default.svc.cluster.local", "TXT"]);
    assert_eq!(want.len(), 6, "the fixture's big TXT: {want:?}");
    assert_eq!(toolbox_records(&o), want);
}

/// A DNS server in the pod's network namespace that answers every query with `rcode`.
fn fake_server(pid: i32, rcode: u8) -> (Child, u16) {
    const SERVER: &str = r#"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
rcode = int(sys.argv[1])
while True:
    d, a = s.recvfrom(4096)
    if len(d) < 12:
        continue
    flags = 0x8000 | ((d[2] & 0x01) << 8) | 0x80 | rcode
    s.sendto(d[:2] + bytes([flags >> 8, flags & 0xff]) + d[4:6] + bytes(6) + d[12:], a)
"#;
    let mut c = Command::new("nsenter")
        .args([
            "-t",
            &pid.to_string(),
            "-n",
            "python3",
            "-c",
            SERVER,
            &rcode.to_string(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut line = String::new();
    BufReader::new(c.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("port");
    (c, line.trim().parse().expect("port number"))
}

/// One `toolbox dns:` line on stderr saying `what`, and exit status `code`.
fn assert_failure(o: &Output, code: i32, what: &str) {
    assert_eq!(o.status.code(), Some(code), "{}", show(o));
    let lines: Vec<String> = stderr(o)
        .lines()
        .filter(|l| l.starts_with("toolbox dns: ") && !l.contains("network namespace"))
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), 1, "{}", show(o));
    assert!(lines[0].contains(what), "{}", show(o));
    assert!(!stderr(o).contains("panicked"), "{}", show(o));
}

#[test]
fn failures_print_one_line_and_their_exit_status() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let pid = pod.nginx_pid();

    let o = toolbox(pid, &[&format!("missing-{}", std::process::id())]);
    assert_failure(&o, 3, "NXDOMAIN: no such name (4 names tried)");

    let o = toolbox(pid, &["web", "MX"]);
    assert_failure(&o, 4, "no MX record");

    // dnsmasq forwards this zone to a server that never answers.
    let o = toolbox(pid, &["unanswered.test.", "+timeout=1", "+tries=1"]);
    assert_failure(&o, 9, "timeout: no answer from 10.96.0.10:53");

    for (rcode, code, what) in [(2, 5, "SERVFAIL"), (5, 6, "REFUSED")] {
        let (mut server, port) = fake_server(pid, rcode);
        let at = format!("@127.0.0.1:{port}");
        let o = toolbox(pid, &[&at, "web.default.svc.cluster.local.", "A"]);
        let _ = server.kill();
        let _ = server.wait();
        assert_failure(&o, code, what);
    }
}

#[test]
fn hosts_file_answers_before_dns_as_nsswitch_says() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let pid = pod.nginx_pid();
    // The target's nsswitch.conf says `hosts: files dns` and its /etc/hosts names localhost.
    let o = toolbox(pid, &["localhost", "-o", "json"]);
    let v = common::json(&o);
    assert_eq!(v["source"], "files", "{v}");
    assert!(v["hosts"]
        .as_array()
        .is_some_and(|h| h.iter().any(|a| a == "127.0.0.1")));
    assert!(
        v.get("queries").is_none(),
        "no DNS query for a name in /etc/hosts: {v}"
    );
    assert_eq!(
        v["config"]["nsswitch_hosts"]["words"],
        serde_json::json!(["files", "dns"])
    );
    assert_eq!(v["config"]["options"]["ndots"], 5);
    assert_eq!(v["exit_code"], 0);
    // A type asks DNS alone, as dig and res_search do.
    let o = toolbox(pid, &["localhost", "A"]);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
}

#[test]
fn works_from_a_debug_container_of_the_pod() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    // As under `kubectl debug --target`: the pod's network namespace is toolbox's own, the
    // target's files are found through discovery.
    let o = pod.toolbox(&[], &["dns", "alias", "+short"]);
    assert!(o.status.success(), "{}", show(&o));
    let got: BTreeSet<String> = stdout(&o).lines().map(str::to_string).collect();
    let want = dig(
        pod.nginx_pid(),
        &["+short", "alias.default.svc.cluster.local", "A"],
    );
    let want: BTreeSet<String> = want.into_iter().collect();
    assert_eq!(got, want, "{}", show(&o));
}

/// A network namespace of this test's own with IPv4 and IPv6 addresses, a dnsmasq on
/// 127.0.0.1:53 and a resolv.conf that `ip netns exec` mounts over /etc/resolv.conf; removed on
/// drop.
struct OwnNetns {
    name: String,
    dnsmasq: Option<Child>,
}

impl OwnNetns {
    fn up(resolv_conf: &str, records: &[&str]) -> OwnNetns {
        let name = format!("tbxdns-{}", std::process::id());
        let mut ns = OwnNetns {
            name: name.clone(),
            dnsmasq: None,
        };
        let ip = |args: &[&str]| {
            let o = run_bounded(20, "ip", args);
            assert!(o.status.success(), "ip {args:?}: {}", show(&o));
        };
        ip(&["netns", "add", &name]);
        ip(&["-n", &name, "link", "set", "lo", "up"]);
        // A veth pair with both ends inside (this kernel has no dummy interfaces).
        ip(&[
            "-n", &name, "link", "add", "d0", "type", "veth", "peer", "name", "d1",
        ]);
        ip(&["-n", &name, "link", "set", "d0", "up"]);
        ip(&["-n", &name, "link", "set", "d1", "up"]);
        ip(&["-n", &name, "addr", "add", "10.77.0.2/24", "dev", "d0"]);
        ip(&[
            "-n",
            &name,
            "addr",
            "add",
            "fd77::2/64",
            "dev",
            "d0",
            "nodad",
        ]);
        let etc = format!("/etc/netns/{name}");
        std::fs::create_dir_all(&etc).expect("/etc/netns");
        std::fs::write(format!("{etc}/resolv.conf"), resolv_conf).expect("resolv.conf");
        let mut args: Vec<String> = [
            "netns",
            "exec",
            &name,
            "dnsmasq",
            "--keep-in-foreground",
            "--no-resolv",
            "--no-hosts",
            "--no-poll",
            "--listen-address=127.0.0.1",
            "--bind-interfaces",
            "--pid-file=",
            "--user=root",
            "--group=root",
            "--local=/test/",
            "--log-facility=-",
        ]
        .map(String::from)
        .to_vec();
        args.extend(records.iter().map(|r| format!("--{r}")));
        ns.dnsmasq = Some(
            Command::new("ip")
                .args(&args)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("dnsmasq"),
        );
        // Ready when it answers.
        for _ in 0..100 {
            let o = run_bounded(
                10,
                "ip",
                &[
                    "netns",
                    "exec",
                    &name,
                    "dig",
                    "@127.0.0.1",
                    "+tries=1",
                    "+time=1",
                    "ready.test",
                ],
            );
            if stdout(&o).contains("status: NXDOMAIN") {
                return ns;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("dnsmasq did not start in {name}");
    }
}

impl Drop for OwnNetns {
    fn drop(&mut self) {
        if let Some(mut c) = self.dnsmasq.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = run_bounded(20, "ip", &["netns", "del", &self.name]);
        let _ = std::fs::remove_dir_all(format!("/etc/netns/{}", self.name));
    }
}

#[test]
fn a_and_aaaa_go_together_in_glibcs_order_where_both_families_are_configured() {
    require_root!();
    // ndots:2 and a name with one dot: the search list first, A and AAAA for each name.
    let ns = OwnNetns::up(
        "search a.test b.test\nnameserver 127.0.0.1\noptions ndots:2\n",
        &["host-record=web.x.b.test,10.77.0.20,fd77::20"],
    );
    let enter = ["ip", "netns", "exec", ns.name.as_str()];
    let mut glibc_out = None;
    let glibc = queries_sent_in(&enter, "127.0.0.1", || {
        glibc_out = Some(run_bounded(
            30,
            "ip",
            &["netns", "exec", &ns.name, "getent", "ahosts", "web.x"],
        ));
    });
    let glibc_out = glibc_out.expect("ran");
    assert!(glibc_out.status.success(), "getent: {}", show(&glibc_out));
    let mut ours_out = None;
    let ours = queries_sent_in(&enter, "127.0.0.1", || {
        ours_out = Some(run_bounded(
            30,
            "ip",
            &["netns", "exec", &ns.name, bin(), "--host", "dns", "web.x"],
        ));
    });
    let ours_out = ours_out.expect("ran");
    assert!(ours_out.status.success(), "{}", show(&ours_out));
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(t, n)| (t.to_string(), n.to_string()))
            .collect()
    };
    assert_eq!(
        glibc,
        pairs(&[
            ("A", "web.x.a.test."),
            ("AAAA", "web.x.a.test."),
            ("A", "web.x.b.test."),
            ("AAAA", "web.x.b.test."),
        ]),
        "glibc sent other queries than this test expects"
    );
    assert_eq!(ours, glibc, "{}", show(&ours_out));
    let out = stdout(&ours_out);
    assert!(
        out.contains("10.77.0.20") && out.contains("fd77::20"),
        "{out}"
    );
    assert!(out.contains("ndots:2: web.x has 1 dot, so 2 search name(s) were tried before the absolute name; answered by name 2 of 3"), "{out}");
}

#[test]
fn connect_and_ping_find_names_through_the_pods_dns() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let pid = pod.nginx_pid().to_string();
    // web is only in DNS (not in the target's /etc/hosts): the address tried is its A record,
    // whatever becomes of the attempt (the test network does not route 10.96.0.20).
    let o = run_bounded(60, bin(), &["--pid", &pid, "connect", "-w", "1", "web:80"]);
    assert!(stdout(&o).starts_with("10.96.0.20:80 tcp "), "{}", show(&o));
    let o = run_bounded(
        60,
        bin(),
        &["--pid", &pid, "ping", "-c", "1", "-W", "1", "web"],
    );
    assert!(
        stdout(&o).starts_with("PING web (10.96.0.20)"),
        "{}",
        show(&o)
    );
}
