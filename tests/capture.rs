//! `toolbox capture` against the real tools: files it writes in the test pod are read by tshark and
//! capinfos; its lines for a pcap are compared with `tcpdump -nn -r` on the same file; bad input
//! (no NET_RAW, malformed filter, corrupt pcap) is a clear error, never a panic.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use common::{assert_clean_error, bin, run_bounded, stderr, stdout, PidMode, Pod};
use serial_test::serial;

static SEQ: AtomicU32 = AtomicU32::new(0);

/// A debug container running `toolbox capture`, removed when dropped (also on test failure).
struct DebugCapture {
    name: String,
    child: Option<Child>,
    /// toolbox's stderr goes to this file, so its lines can be watched and kept.
    err_file: PathBuf,
}

impl Drop for DebugCapture {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = Command::new("podman")
            .args(["rm", "-f", "-t", "0", &self.name])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

impl DebugCapture {
    /// Start `toolbox capture ARGS` in a debug container of the pod with NET_RAW, with `out`
    /// mounted at /out, and wait until it says it is listening.
    fn start(pod: &Pod, out: &Path, args: &[&str]) -> DebugCapture {
        let n = SEQ.fetch_add(1, Ordering::SeqCst);
        let name = format!("toolbox-capture-test-{}-{n}", std::process::id());
        let err_file = std::env::temp_dir().join(format!("{name}.stderr"));
        let err = std::fs::File::create(&err_file).expect("stderr file");
        let mut cmd = Command::new("podman");
        cmd.args(["run", "--rm", "--name", &name])
            .args(pod.debug_args())
            .args(["--cap-add", "NET_RAW"])
            .arg("-v")
            .arg(format!("{}:/toolbox:ro", bin()))
            .arg("-v")
            .arg(format!("{}:/out", out.display()))
            .arg(pod.var("TESTPOD_EMPTY_IMAGE"))
            .args(["/toolbox", "capture"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(err));
        let child = cmd.spawn().expect("run podman");
        let mut dc = DebugCapture {
            name,
            child: Some(child),
            err_file,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let seen = std::fs::read_to_string(&dc.err_file).unwrap_or_default();
            if seen.contains("listening on ") {
                break;
            }
            let exited = dc.child.as_mut().and_then(|c| c.try_wait().ok().flatten());
            assert!(
                exited.is_none() && Instant::now() < deadline,
                "toolbox capture never said it was listening ({exited:?}):\n{seen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        dc
    }

    /// Whether the capture has ended.
    fn ended(&mut self) -> bool {
        self.child
            .as_mut()
            .is_none_or(|c| c.try_wait().ok().flatten().is_some())
    }

    /// Send a signal to toolbox inside the container.
    fn signal(&self, sig: &str) {
        let o = run_bounded(30, "podman", &["kill", "--signal", sig, &self.name]);
        assert!(o.status.success(), "podman kill: {}", stderr(&o));
    }

    /// Wait (bounded) for the container to exit; its whole stderr is in the output.
    fn wait(mut self, secs: u64) -> Output {
        let mut child = self.child.take().expect("child");
        let deadline = Instant::now() + Duration::from_secs(secs);
        while child.try_wait().expect("try_wait").is_none() {
            assert!(
                Instant::now() < deadline,
                "toolbox capture did not end within {secs}s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut o = child.wait_with_output().expect("output");
        o.stderr = std::fs::read(&self.err_file).unwrap_or_default();
        let _ = std::fs::remove_file(&self.err_file);
        o
    }
}

/// A network namespace of our own (`ip netns add`), deleted when dropped (also on failure).
struct Netns(String);

impl Netns {
    fn add(prefix: &str) -> Netns {
        let name = format!("{prefix}{}", std::process::id());
        let o = run_bounded(20, "ip", &["netns", "add", &name]);
        assert!(o.status.success(), "ip netns add: {}", stderr(&o));
        Netns(name)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

fn tmpdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("toolbox-capture-")
        .tempdir()
        .expect("tempdir")
}

/// `capinfos -c -M` packet count of a file; panics (with capinfos' words) when it is not valid.
fn capinfos_count(path: &Path) -> u64 {
    let o = run_bounded(60, "capinfos", &["-c", "-M", path.to_str().expect("utf-8")]);
    assert!(
        o.status.success(),
        "capinfos rejects {}: {}{}",
        path.display(),
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
        .lines()
        .find_map(|l| l.strip_prefix("Number of packets:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no packet count from capinfos:\n{}", stdout(&o)))
}

/// `tshark -r FILE -Y http` lines; panics when tshark cannot read the file.
fn tshark_http(path: &Path) -> Vec<String> {
    let o = run_bounded(
        60,
        "tshark",
        &["-n", "-r", path.to_str().expect("utf-8"), "-Y", "http"],
    );
    assert!(
        o.status.success(),
        "tshark cannot read {}: {}",
        path.display(),
        stderr(&o)
    );
    stdout(&o).lines().map(str::to_string).collect()
}

fn assert_get_and_ok(path: &Path) {
    let http = tshark_http(path);
    assert!(
        http.iter().any(|l| l.contains("GET / HTTP/1.1")),
        "no GET in {}: {http:#?}",
        path.display()
    );
    assert!(
        http.iter().any(|l| l.contains("HTTP/1.1 200 OK")),
        "no 200 OK in {}: {http:#?}",
        path.display()
    );
}

/// A range of local ports for this test process's own requests: a filter on it keeps out the
/// requests other tests (in other worktrees too) send to the shared pod's nginx at the same time.
fn own_ports() -> String {
    let base = 40_000 + (std::process::id() % 20) * 1000;
    format!("{base}-{}", base + 999)
}

/// `curl http://127.0.0.1/` in the pod's network namespace from a port in `ports`.
fn curl_from(pod: &Pod, ports: &str) {
    let pid = pod.nginx_pid().to_string();
    let o = run_bounded(
        20,
        "nsenter",
        &[
            "-t",
            &pid,
            "-n",
            "curl",
            "-sS",
            "-o",
            "/dev/null",
            "--max-time",
            "10",
            "--local-port",
            ports,
            "http://127.0.0.1/",
        ],
    );
    assert!(o.status.success(), "curl: {}", stderr(&o));
}

/// The `N packets captured` figure of toolbox's exit statistics.
fn captured(err: &str) -> u64 {
    err.lines()
        .find_map(|l| l.strip_suffix(" packets captured"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no `packets captured` line in:\n{err}"))
}

#[test]
#[serial]
fn write_stdout_with_count_is_read_by_tshark() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let dir = tmpdir();
    // Port 80, and only our own requests: with other tests' requests mixed in, the first 20
    // packets need not hold a whole GET and its 200 OK.
    let ports = own_ports();
    let mut dc = DebugCapture::start(
        &pod,
        dir.path(),
        &[
            "-i",
            "any",
            "-c",
            "20",
            "-w",
            "-",
            "port",
            "80",
            "and",
            "portrange",
            &ports,
        ],
    );
    // About ten packets per request; -c 20 ends the capture after two or three.
    let started = Instant::now();
    while !dc.ended() {
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "capture never got 20 packets"
        );
        curl_from(&pod, &ports);
    }
    let o = dc.wait(10);
    assert!(o.status.success(), "exit {:?}: {}", o.status, stderr(&o));
    let file = dir.path().join("stdout.pcap");
    std::fs::write(&file, &o.stdout).expect("write pcap");
    assert_eq!(
        capinfos_count(&file),
        20,
        "tshark/capinfos count differs from -c 20"
    );
    assert_get_and_ok(&file);
    let all = run_bounded(60, "tshark", &["-n", "-r", file.to_str().expect("utf-8")]);
    assert_eq!(stdout(&all).lines().count(), 20, "tshark -r lines");
    assert_eq!(captured(&stderr(&o)), 20);
}

fn stopped_by(
    sig: &str,
    extra: &[&str],
    file: &str,
    requests: usize,
) -> (tempfile::TempDir, Output) {
    let pod = Pod::up(PidMode::Shared);
    let dir = tmpdir();
    let out = format!("/out/{file}");
    let mut args = vec!["-i", "any", "-w", out.as_str()];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["port", "80"]);
    let dc = DebugCapture::start(&pod, dir.path(), &args);
    for _ in 0..requests {
        pod.curl("/");
    }
    std::thread::sleep(Duration::from_millis(300));
    dc.signal(sig);
    let o = dc.wait(30);
    assert!(
        o.status.success(),
        "{sig}: exit {:?}: {}",
        o.status,
        stderr(&o)
    );
    (dir, o)
}

#[test]
#[serial]
fn write_file_stopped_by_sigint_is_valid() {
    require_pod!();
    let (dir, o) = stopped_by("INT", &[], "int.pcap", 3);
    let file = dir.path().join("int.pcap");
    assert_eq!(capinfos_count(&file), captured(&stderr(&o)));
    assert_get_and_ok(&file);
}

#[test]
#[serial]
fn write_pcapng_stopped_by_sigterm_is_valid() {
    require_pod!();
    let (dir, o) = stopped_by("TERM", &["--pcapng"], "term.pcapng", 3);
    let file = dir.path().join("term.pcapng");
    let info = run_bounded(30, "capinfos", &["-t", file.to_str().expect("utf-8")]);
    assert!(
        stdout(&info).contains("pcapng"),
        "not pcapng: {}",
        stdout(&info)
    );
    assert_eq!(capinfos_count(&file), captured(&stderr(&o)));
    assert_get_and_ok(&file);
}

#[test]
#[serial]
fn rotation_ring_files_are_all_valid() {
    require_pod!();
    // 1 KiB files in a ring of 3: ten requests fill it more than once.
    let (dir, o) = stopped_by("INT", &["-C", "1k", "-W", "3"], "ring.pcap", 10);
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    let expect: Vec<PathBuf> = ["ring.pcap0", "ring.pcap1", "ring.pcap2"]
        .iter()
        .map(|n| dir.path().join(n))
        .collect();
    assert_eq!(names, expect, "ring files (tcpdump naming)");
    let total: u64 = names.iter().map(|n| capinfos_count(n)).sum();
    assert!(total > 0 && total <= captured(&stderr(&o)));
    // Every file but the current one went over the 1 KiB of -C before rotating; the current one
    // holds at least its file header. (Which one is current cannot be told from mtimes: one
    // capture batch can rotate through the whole ring within a clock tick.)
    let sizes: Vec<(&PathBuf, u64)> = names
        .iter()
        .map(|n| (n, std::fs::metadata(n).expect("stat").len()))
        .collect();
    assert!(sizes.iter().all(|(_, len)| *len >= 24), "{sizes:?}");
    let small = sizes.iter().filter(|(_, len)| *len <= 1024).count();
    assert!(
        small <= 1,
        "only the current file may be under -C 1k: {sizes:?}"
    );
}

#[test]
#[serial]
fn without_net_raw_the_error_names_it() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    for drop in ["ALL", "NET_RAW"] {
        let o = pod.toolbox(&["--cap-drop", drop], &["capture", "-c", "1"]);
        assert_clean_error(&o);
        let err = stderr(&o);
        assert!(err.contains("CAP_NET_RAW"), "--cap-drop {drop}: {err}");
        assert!(
            err.contains("--profile=netadmin"),
            "--cap-drop {drop}: {err}"
        );
    }
}

#[test]
#[serial]
fn malformed_filter_is_a_clear_error_live() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let o = pod.toolbox(
        &["--cap-add", "NET_RAW"],
        &["capture", "-c", "1", "port", "80", "and", "hst", "10.0.0.1"],
    );
    assert_clean_error(&o);
    let err = stderr(&o);
    assert!(err.contains("bad filter expression"), "{err}");
    assert!(err.contains("`port 80` is a valid filter"), "{err}");
}

/// The part of a tcpdump line both tools must agree on: everything up to the last `length N`
/// (payload dissections after it differ by design).
fn comparable(line: &str) -> String {
    match line.rfind(", length ") {
        Some(i) => {
            let rest = &line[i + 9..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            format!("{}, length {digits}", &line[..i])
        }
        None => line.to_string(),
    }
}

fn tcpdump_r(file: &Path, flags: &[&str]) -> Vec<String> {
    let mut args = vec!["-nn", "-r", file.to_str().expect("utf-8")];
    args.extend_from_slice(flags);
    let o = run_bounded(60, "tcpdump", &args);
    assert!(o.status.success(), "tcpdump -r: {}", stderr(&o));
    // With -v tcpdump adds the HTTP headers as tab-indented lines; toolbox gives a one-line hint.
    // (Other tab-indented lines, such as the packet an ICMP error quotes, are compared.)
    let mut in_http = false;
    stdout(&o)
        .lines()
        .filter(|l| {
            if !l.starts_with('\t') {
                in_http = l.contains(": HTTP");
            }
            !(in_http && l.starts_with('\t'))
        })
        .map(comparable)
        .collect()
}

fn toolbox_r(file: &Path, flags: &[&str]) -> Vec<String> {
    let mut args = vec!["capture", "-r", file.to_str().expect("utf-8")];
    args.extend_from_slice(flags);
    let o = run_bounded(60, bin(), &args);
    assert!(o.status.success(), "toolbox capture -r: {}", stderr(&o));
    stdout(&o).lines().map(comparable).collect()
}

/// Raw `-r` output of `tool` (tcpdump -nn or toolbox capture) with `flags`.
fn raw_r(toolbox: bool, file: &Path, flags: &[&str]) -> String {
    let f = file.to_str().expect("utf-8");
    let o = if toolbox {
        run_bounded(60, bin(), &[&["capture", "-r", f][..], flags].concat())
    } else {
        run_bounded(60, "tcpdump", &[&["-nn", "-r", f][..], flags].concat())
    };
    assert!(o.status.success(), "-r {flags:?}: {}", stderr(&o));
    stdout(&o)
}

/// What follows each packet's line in `out`, whose packet lines are `heads` (the output of the
/// same tool without a dump flag): the dump of each packet.
fn dumps(out: &str, heads: &[&str]) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut at = 0;
    for (i, head) in heads.iter().enumerate() {
        assert!(
            out[at..].starts_with(head),
            "packet {i} should start with {head:?} at {:?}",
            &out[at..out.len().min(at + 200)]
        );
        let from = at + head.len();
        let end = match heads.get(i + 1) {
            Some(next) => out[from..]
                .find(&format!("\n{next}"))
                .map(|n| from + n + 1)
                .unwrap_or_else(|| panic!("packet {} line {next:?} not found", i + 1)),
            None => out.len(),
        };
        blocks.push(out[from..end].to_string());
        at = end;
    }
    blocks
}

/// The `-x`, `-xx`, `-X`, `-XX`, `-A` and `-AA` dumps of every packet, byte for byte (the packet
/// lines above them are compared by [`compare_with_tcpdump`]).
fn compare_dumps_with_tcpdump(file: &Path) {
    let want_plain = raw_r(false, file, &[]);
    let got_plain = raw_r(true, file, &[]);
    let want_heads: Vec<&str> = want_plain.lines().collect();
    let got_heads: Vec<&str> = got_plain.lines().collect();
    assert_eq!(want_heads.len(), got_heads.len(), "packet count");
    for flag in ["-x", "-xx", "-X", "-XX", "-A", "-AA"] {
        let want = dumps(&raw_r(false, file, &[flag]), &want_heads);
        let got = dumps(&raw_r(true, file, &[flag]), &got_heads);
        assert!(
            want.iter().any(|d| d.len() > 2),
            "tcpdump {flag} dumped nothing for {}",
            file.display()
        );
        similar_asserts::assert_eq!(want.join("|"), got.join("|"), "flag {flag}");
    }
}

/// Plain, `-e`, `-v` and `-vv -e` lines (IP headers, checksums, the packet an ICMP error quotes),
/// then the payload dumps.
fn compare_with_tcpdump(file: &Path) {
    let sets: [&[&str]; 4] = [&[], &["-e"], &["-v"], &["-vv", "-e"]];
    for flags in sets {
        let want = tcpdump_r(file, flags);
        let got = toolbox_r(file, flags);
        assert!(
            !want.is_empty(),
            "tcpdump printed nothing for {}",
            file.display()
        );
        similar_asserts::assert_eq!(want.join("\n"), got.join("\n"), "flags {flags:?}");
    }
    compare_dumps_with_tcpdump(file);
}

#[test]
#[serial]
fn lines_match_tcpdump_on_a_pcap_written_by_tcpdump() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let dir = tmpdir();
    // Whole packets, then headers cut by the snap length inside the TCP options (-s 60 on
    // `any`: 20-byte link header) and inside the TCP fixed part (-s 40 on Ethernet `lo`).
    for (iface, snap) in [
        ("any", "262144"),
        ("lo", "262144"),
        ("any", "60"),
        ("lo", "40"),
    ] {
        let file = dir.path().join(format!("tcpdump-{iface}-{snap}.pcap"));
        let pid = pod.nginx_pid().to_string();
        let mut td = Command::new("timeout")
            .args([
                "60", "nsenter", "-t", &pid, "-n", "tcpdump", "-i", iface, "-s", snap, "-c", "30",
                "-w",
            ])
            .arg(&file)
            .args(["port", "80"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tcpdump");
        // tcpdump says "listening on" once its socket is ready.
        let mut err = BufReader::new(td.stderr.take().expect("stderr"));
        let mut line = String::new();
        while err.read_line(&mut line).expect("read") > 0 && !line.contains("listening on") {}
        let started = Instant::now();
        while td.try_wait().expect("wait").is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(40),
                "tcpdump never got 30 packets"
            );
            pod.curl("/");
            std::thread::sleep(Duration::from_millis(100));
        }
        if snap != "262144" {
            let lines = raw_r(false, &file, &[]);
            assert!(lines.contains(" [|tcp]"), "no cut header:\n{lines}");
        }
        compare_with_tcpdump(&file);
    }
}

#[test]
#[serial]
fn lines_match_tcpdump_on_a_pcap_written_by_toolbox() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let dir = tmpdir();
    let dc = DebugCapture::start(
        &pod,
        dir.path(),
        &["-c", "30", "-w", "/out/own.pcap", "port", "80"],
    );
    let started = Instant::now();
    let mut dc = dc;
    while !dc.ended() {
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "capture never got 30 packets"
        );
        pod.curl("/");
        std::thread::sleep(Duration::from_millis(100));
    }
    let o = dc.wait(10);
    assert!(o.status.success(), "{}", stderr(&o));
    compare_with_tcpdump(&dir.path().join("own.pcap"));
}

/// A pcap written by tcpdump in a network namespace of our own with ICMP, UDP, DNS-looking and
/// IPv6 traffic (the protocols the pod's HTTP traffic does not exercise), as Linux cooked v2, cooked
/// v1 and Ethernet.
#[test]
#[serial]
fn lines_match_tcpdump_for_icmp_udp_and_ipv6() {
    require_pod!();
    let netns = Netns::add("toolbox-capture-");
    let ns = netns.0.clone();
    let o = run_bounded(20, "ip", &["-n", &ns, "link", "set", "lo", "up"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = tmpdir();
    // The same traffic as Linux cooked v2 (`any`), cooked v1 (older tcpdumps) and Ethernet (lo).
    let d = dir.path().display();
    let script = format!(
        "tcpdump -i any -w {d}/sll2.pcap -c 12 2>{d}/e1 & t1=$!; \
         tcpdump -i any -y LINUX_SLL -w {d}/sll1.pcap -c 12 2>{d}/e2 & t2=$!; \
         tcpdump -i lo -w {d}/ether.pcap -c 12 2>{d}/e3 & t3=$!; \
         for e in e1 e2 e3; do \
           for i in $(seq 50); do grep -q listening {d}/$e && break; sleep 0.1; done; done; \
         ping -c 2 -i 0.2 127.0.0.1 >/dev/null; ping -6 -c 2 -i 0.2 ::1 >/dev/null; \
         printf 'hello' > /dev/udp/127.0.0.1/9999; printf 'x' > /dev/udp/::1/9998; \
         printf '\\x12\\x34\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x07example\\x03com\\x00\\x00\\x01\\x00\\x01' > /dev/udp/127.0.0.1/53; \
         wait $t1 $t2 $t3"
    );
    let o = run_bounded(60, "ip", &["netns", "exec", &ns, "bash", "-c", &script]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    for f in ["sll2.pcap", "sll1.pcap", "ether.pcap"] {
        compare_with_tcpdump(&dir.path().join(f));
    }
}

/// Crafted DNS queries and answers (A, AAAA, CNAME, MX, TXT, PTR, SRV, SOA, EDNS, NXDomain and
/// malformed ones) sent over loopback by a python3 client and "server".
const DNS_SCRIPT: &str = include_str!("capture_dns.py");

/// Start `tcpdump -U --immediate-mode -w FILE` in network namespace `ns`; returns its pid (the
/// script ends it with SIGINT) as a shell fragment.
fn tcpdump_in(ns: &str, args: &str, file: &Path, err: &Path) -> String {
    format!(
        "ip netns exec {ns} tcpdump -U --immediate-mode {args} -w {} 2>{} & pids=\"$pids $!\"; ",
        file.display(),
        err.display()
    )
}

/// Lines for DNS answers (port 53, over IPv4 and IPv6) and for ICMPv6 neighbour discovery (DAD
/// and address-resolution neighbour solicitations, advertisements, router solicitations, echo)
/// between two network namespaces of our own, as Ethernet and Linux cooked v2 captures written
/// by tcpdump; `-vvv` too for DNS (TTLs).
#[test]
#[serial]
fn lines_match_tcpdump_for_dns_and_neighbour_discovery() {
    require_root!();
    let a = Netns::add("toolbox-cdA-");
    let b = Netns::add("toolbox-cdB-");
    let (a, b) = (&a.0, &b.0);
    let dir = tmpdir();
    let d = dir.path();
    let script_path = d.join("dns.py");
    std::fs::write(&script_path, DNS_SCRIPT).expect("write dns.py");
    let setup = [
        format!("ip -n {a} link set lo up"),
        format!("ip -n {a} link add va type veth peer name vb netns {b}"),
        format!("ip -n {a} addr add fd00::1/64 dev va"),
        format!("ip -n {b} addr add fd00::2/64 dev vb"),
        format!("ip -n {b} link set vb up"),
    ];
    for cmd in &setup {
        let args: Vec<&str> = cmd.split(' ').collect();
        let o = run_bounded(20, args[0], &args[1..]);
        assert!(o.status.success(), "{cmd}: {}", stderr(&o));
    }
    let icmp6 = "'ip6[6] == 58'";
    let mut script = String::from("pids=; ");
    script += &tcpdump_in(
        b,
        &format!("-i vb {icmp6}"),
        &d.join("nd-ether.pcap"),
        &d.join("e1"),
    );
    script += &tcpdump_in(
        b,
        &format!("-i any {icmp6}"),
        &d.join("nd-sll2.pcap"),
        &d.join("e2"),
    );
    script += &tcpdump_in(
        a,
        "-i lo udp port 53 or udp port 5353",
        &d.join("dns-ether.pcap"),
        &d.join("e3"),
    );
    script += &tcpdump_in(
        a,
        "-i any udp port 53 or udp port 5353",
        &d.join("dns-sll2.pcap"),
        &d.join("e4"),
    );
    let dd = d.display();
    script += &format!(
        "for e in e1 e2 e3 e4; do \
           for i in $(seq 50); do grep -q listening {dd}/$e && break; sleep 0.1; done; done; \
         ip -n {a} link set va up; \
         for i in $(seq 100); do \
           tcpdump -nn -r {dd}/nd-ether.pcap 2>/dev/null | grep -q 'router solicitation' \
             && [ -z \"$(ip -n {a} -6 addr show dev va tentative)\" ] && break; \
           sleep 0.1; done; \
         ip netns exec {a} ping -6 -c 2 -i 0.2 fd00::2 >/dev/null; \
         ip netns exec {a} python3 {sp} && ip netns exec {a} python3 {sp} 6; st=$?; \
         sleep 0.5; kill -INT $pids; wait; exit $st",
        sp = script_path.display()
    );
    let o = run_bounded(90, "bash", &["-c", &script]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    // The workload must have produced what this test is about (judged by tcpdump).
    let nd = raw_r(false, &d.join("nd-ether.pcap"), &[]);
    for what in [
        "ICMP6, neighbor solicitation, who has fd00::2",
        "ICMP6, neighbor advertisement, tgt is fd00::2",
        "ICMP6, router solicitation",
        "ICMP6, echo request",
        "ICMP6, echo reply",
    ] {
        assert!(nd.contains(what), "no {what:?} in tcpdump's lines:\n{nd}");
    }
    let dns = raw_r(false, &d.join("dns-ether.pcap"), &[]);
    for what in [
        " 1/0/0 A 10.0.0.1 (",
        "AAAA 2001:db8::1",
        "NXDomain",
        "[|domain]",
    ] {
        assert!(dns.contains(what), "no {what:?} in tcpdump's lines:\n{dns}");
    }
    for f in [
        "nd-ether.pcap",
        "nd-sll2.pcap",
        "dns-ether.pcap",
        "dns-sll2.pcap",
    ] {
        compare_with_tcpdump(&d.join(f));
    }
    for f in ["dns-ether.pcap", "dns-sll2.pcap"] {
        let file = d.join(f);
        similar_asserts::assert_eq!(
            raw_r(false, &file, &["-vvv"]),
            raw_r(true, &file, &["-vvv"]),
            "-vvv {f}"
        );
    }
}

/// Thousands of mutated DNS messages (bytes changed, cut short, inserted: bad pointers, label
/// types, counts, lengths) in a pcap written by tests/capture_dns_fuzz.py: toolbox prints each
/// exactly as tcpdump does, at every verbosity, and never panics.
#[test]
fn dns_lines_match_tcpdump_on_mutated_messages() {
    compare_mutated(
        "capture_dns_fuzz.py",
        &["SEED", "2000", "FILE"],
        &[&[], &["-v"], &["-vv"], &["-vvv"], &["-vv", "-X"]],
    );
}

/// For seeds 1 and 2, have tests/`script` write a pcap of 2000 mutated messages (its arguments
/// are `args` with SEED and FILE filled in), then compare toolbox's reading of it with tcpdump's under each of
/// `flag_sets`.
fn compare_mutated(script: &str, args: &[&str], flag_sets: &[&[&str]]) {
    let dir = tmpdir();
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(script);
    for seed in ["1", "2"] {
        let file = dir.path().join(format!("mutated-{seed}.pcap"));
        let f = file.to_str().expect("utf-8");
        let mut argv = vec![script.to_str().expect("utf-8")];
        argv.extend(args.iter().map(|&a| match a {
            "SEED" => seed,
            "FILE" => f,
            other => other,
        }));
        let o = run_bounded(60, "python3", &argv);
        assert!(o.status.success(), "{}", stderr(&o));
        for flags in flag_sets {
            let want = raw_r(false, &file, flags);
            let packets = want.lines().filter(|l| !l.starts_with([' ', '\t'])).count();
            assert_eq!(packets, 2000, "tcpdump packets");
            similar_asserts::assert_eq!(want, raw_r(true, &file, flags), "seed {seed} {flags:?}");
        }
    }
}

/// Thousands of ICMPv6 neighbour discovery and echo messages with random flags and options
/// (link-address, redirected header, nonce, prefix, MTU, RDNSS, DNSSL, advertisement interval,
/// home agent, route information, unknown), bytes changed and cut short, in a
/// pcap written by tests/capture_nd_fuzz.py: toolbox prints each exactly as tcpdump does, also
/// the options with `-v`/`-vv` and the dumps of messages tcpdump gives up on.
#[test]
fn icmp6_lines_match_tcpdump_on_mutated_neighbour_discovery() {
    compare_mutated(
        "capture_nd_fuzz.py",
        &["SEED", "FILE", "2000"],
        &[&[], &["-v"], &["-vv"], &["-X"], &["-v", "-X"]],
    );
}

/// TCP segments over IPv4 and IPv6 cut by the snap length at every byte of their header (ports,
/// fixed part, each option), and UDP, ICMP and ICMPv6 echo headers cut short, written by
/// tests/capture_tcp_cut.py: toolbox ends each line where tcpdump does (`[|tcp]`, `[|udp]`,
/// `[|icmp]`, `[|icmp6]`), also with `-v`, `-e`, `-S` and the dumps.
#[test]
fn tcp_lines_cut_by_the_snap_length_match_tcpdump() {
    let dir = tmpdir();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/capture_tcp_cut.py");
    let file = dir.path().join("tcp-cut.pcap");
    let o = run_bounded(
        60,
        "python3",
        &[
            script.to_str().expect("utf-8"),
            file.to_str().expect("utf-8"),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let plain = raw_r(false, &file, &[]);
    for what in [
        "IP 10.0.0.1 > 10.0.0.2: [|tcp]",
        ".80:  [|tcp]",
        "IP6 ::2.80 > ::1.40000: Flags",
        ",TS [|tcp]>",
        "sack 3 {",
        ".2000:  [|udp]",
        "10.0.0.2:  [|icmp]",
        "ICMP6, echo request [|icmp6]",
    ] {
        assert!(
            plain.contains(what),
            "no {what:?} in tcpdump's lines:\n{plain}"
        );
    }
    compare_with_tcpdump(&file);
    for flags in [&["-S"][..], &["-S", "-vv"]] {
        similar_asserts::assert_eq!(
            tcpdump_r(&file, flags).join("\n"),
            toolbox_r(&file, flags).join("\n"),
            "flags {flags:?}"
        );
    }
}

/// Multicast listener queries, reports and done messages (MLDv1 and MLDv2) behind a hop-by-hop
/// header, written by tests/capture_mld.py, and the MLDv2 reports Linux sends when IPv6 comes up
/// on a veth pair between two network namespaces of our own (captured with no filter, as
/// Ethernet and Linux cooked v2): toolbox prints the hop-by-hop header and the messages as
/// tcpdump does at every verbosity, dumps included.
#[test]
#[serial]
fn hop_by_hop_and_multicast_listener_lines_match_tcpdump() {
    require_root!();
    let dir = tmpdir();
    let d = dir.path();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/capture_mld.py");
    let crafted = d.join("mld-crafted.pcap");
    let o = run_bounded(
        60,
        "python3",
        &[
            script.to_str().expect("utf-8"),
            crafted.to_str().expect("utf-8"),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let a = Netns::add("toolbox-mldA-");
    let b = Netns::add("toolbox-mldB-");
    let (a, b) = (&a.0, &b.0);
    for cmd in [
        format!("ip -n {a} link add va type veth peer name vb netns {b}"),
        format!("ip -n {b} link set vb up"),
    ] {
        let args: Vec<&str> = cmd.split(' ').collect();
        let o = run_bounded(20, args[0], &args[1..]);
        assert!(o.status.success(), "{cmd}: {}", stderr(&o));
    }
    let mut script = String::from("pids=; ");
    script += &tcpdump_in(b, "-i vb", &d.join("mld-ether.pcap"), &d.join("e1"));
    script += &tcpdump_in(b, "-i any", &d.join("mld-sll2.pcap"), &d.join("e2"));
    let dd = d.display();
    script += &format!(
        "for e in e1 e2; do \
           for i in $(seq 50); do grep -q listening {dd}/$e && break; sleep 0.1; done; done; \
         ip -n {a} link set va up; \
         for i in $(seq 100); do \
           [ $(tcpdump -nn -r {dd}/mld-ether.pcap 2>/dev/null | grep -c 'listener report v2') -ge 2 ] \
             && break; \
           sleep 0.1; done; \
         sleep 0.3; kill -INT $pids; wait"
    );
    let o = run_bounded(60, "bash", &["-c", &script]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let real = raw_r(false, &d.join("mld-ether.pcap"), &[]);
    assert!(
        real.contains("HBH ICMP6, multicast listener report v2, "),
        "no MLDv2 report in tcpdump's lines:\n{real}"
    );
    for f in ["mld-crafted.pcap", "mld-ether.pcap", "mld-sll2.pcap"] {
        let file = d.join(f);
        for flags in [
            &[][..],
            &["-v"],
            &["-vv"],
            &["-vv", "-e"],
            &["-v", "-X"],
            &["-xx"],
        ] {
            similar_asserts::assert_eq!(
                raw_r(false, &file, flags),
                raw_r(true, &file, flags),
                "{f} {flags:?}"
            );
        }
    }
}

/// One Ethernet/IPv4/UDP packet (127.0.0.1:40000 -> 127.0.0.1:9999, "hello") in text2pcap's
/// hexdump format.
const UDP_HEXDUMP: &str = "0000  00 00 00 00 00 00 00 00 00 00 00 00 08 00 45 00\n\
                           0010  00 21 00 01 00 00 40 11 7c c9 7f 00 00 01 7f 00\n\
                           0020  00 01 9c 40 27 0f 00 0d fe 20 68 65 6c 6c 6f\n";

/// Write `copies` of [`UDP_HEXDUMP`] as a pcap at `pcap` with Wireshark's text2pcap (no capture,
/// no capability needed); returns the hexdump file it made next to it.
fn text2pcap(copies: usize, pcap: &Path) -> PathBuf {
    let txt = pcap.with_extension("txt");
    std::fs::write(&txt, UDP_HEXDUMP.repeat(copies)).expect("write hexdump");
    let o = run_bounded(
        60,
        "text2pcap",
        &[
            "-q",
            "-F",
            "pcap",
            txt.to_str().expect("utf-8"),
            pcap.to_str().expect("utf-8"),
        ],
    );
    assert!(o.status.success(), "text2pcap: {}", stderr(&o));
    txt
}

#[test]
fn corrupt_or_truncated_pcap_is_reported_not_a_panic() {
    // The good file is made by Wireshark's text2pcap (no capture, no capability needed); the bad
    // ones are cut or damaged copies of it, and tcpdump judges them first.
    let dir = tmpdir();
    let good = dir.path().join("good.pcap");
    let txt = text2pcap(1, &good);
    let bytes = std::fs::read(&good).expect("read");
    assert_eq!(tcpdump_r(&good, &[]), toolbox_r(&good, &[]));

    // Truncated record: tcpdump reports it; so must toolbox, after the packets before it.
    let truncated = dir.path().join("truncated.pcap");
    let two = [&bytes[..], &bytes[24..bytes.len() - 5]].concat();
    std::fs::write(&truncated, two).expect("write");
    let td = run_bounded(
        30,
        "tcpdump",
        &["-nn", "-r", truncated.to_str().expect("utf-8")],
    );
    assert!(
        stderr(&td).contains("truncated"),
        "tcpdump: {}",
        stderr(&td)
    );
    let o = run_bounded(
        30,
        bin(),
        &["capture", "-r", truncated.to_str().expect("utf-8")],
    );
    assert_clean_error(&o);
    assert!(
        stderr(&o).contains("packet 2 is truncated or corrupt"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        stdout(&o).lines().count(),
        1,
        "the good packet is still printed"
    );

    // Corrupt record length (caplen 0xffffff00): an error, not an allocation or a panic.
    let corrupt = dir.path().join("corrupt.pcap");
    let mut bad = bytes.clone();
    bad[24 + 8..24 + 12].copy_from_slice(&0xffff_ff00u32.to_le_bytes());
    std::fs::write(&corrupt, bad).expect("write");
    let o = run_bounded(
        30,
        bin(),
        &["capture", "-r", corrupt.to_str().expect("utf-8")],
    );
    assert_clean_error(&o);

    // Not a pcap at all.
    let o = run_bounded(30, bin(), &["capture", "-r", txt.to_str().expect("utf-8")]);
    assert_clean_error(&o);

    // A malformed filter is a clear error pointing at the problem (no capability needed).
    let o = run_bounded(
        30,
        bin(),
        &[
            "capture",
            "-r",
            good.to_str().expect("utf-8"),
            "udp",
            "and",
            "port",
            "99999",
        ],
    );
    assert_clean_error(&o);
    assert!(
        stderr(&o).contains("bad filter expression"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn write_to_a_terminal_is_refused() {
    // `script` gives toolbox a real terminal on stdout.
    let o = run_bounded(
        30,
        "script",
        &["-qec", &format!("{} capture -c 1 -w -", bin()), "/dev/null"],
    );
    let out = stdout(&o);
    assert!(
        out.contains("refusing to write binary pcap data to a terminal"),
        "{out}"
    );
    // script -e exits with toolbox's status: a refusal is a failure, not a pass.
    assert!(!o.status.success(), "exit {:?}: {out}", o.status.code());
    assert!(out.contains("toolbox: "), "{out}");
    assert!(!out.contains("panicked"), "{out}");
}

/// Disk full while writing: a clear error, and the file left behind is valid up to its last
/// whole packet (capinfos agrees). A 64 KiB tmpfs in a private mount namespace is the full disk;
/// `-r` feeds the writer from a file, so no capture capability is involved.
#[test]
fn disk_full_leaves_a_valid_file_and_a_clear_error() {
    require_root!();
    let dir = tmpdir();
    // 2,000 copies of one 47-byte packet: ~126 KB as pcap, twice the tmpfs.
    let big = dir.path().join("many.pcap");
    text2pcap(2000, &big);
    let full = dir.path().join("full");
    std::fs::create_dir(&full).expect("mkdir");
    let kept = dir.path().join("kept.pcap");
    // Inside the namespace: mount, write until ENOSPC, copy the result out.
    let script = format!(
        "mount -t tmpfs -o size=64k toolbox-test {full} && \
         {bin} capture -r {big} -w {full}/out.pcap; rc=$?; cp {full}/out.pcap {kept}; exit $rc",
        full = full.display(),
        bin = bin(),
        big = big.display(),
        kept = kept.display()
    );
    let o = run_bounded(
        60,
        "unshare",
        &["-m", "--propagation", "private", "sh", "-c", &script],
    );
    assert_clean_error(&o);
    let err = stderr(&o);
    assert!(err.contains("No space left on device"), "{err}");
    assert!(err.contains("cut back to its last whole packet"), "{err}");
    let n = capinfos_count(&kept);
    assert!(n > 0 && n < 2000, "kept {n} packets");
    assert!(
        err.contains(&format!("{n} packets")),
        "toolbox's count differs from capinfos' {n}: {err}"
    );
}

/// Packets sent just before Ctrl-C are in the file: after a signal toolbox drains the ring block
/// the kernel has not handed over yet (tcpdump, with its 1 s block timeout, loses them).
#[test]
#[serial]
fn packets_just_before_sigint_are_kept() {
    require_root!();
    let netns = Netns::add("toolbox-capture-int-");
    let ns = netns.0.clone();
    let dir = tmpdir();
    let file = dir.path().join("int.pcap");
    let script = format!(
        "ip link set lo up; {bin} capture -w {file} udp port 9999 2>{err} & t=$!; \
         for i in $(seq 100); do grep -q listening {err} && break; sleep 0.05; done; \
         for i in $(seq 200); do printf x > /dev/udp/127.0.0.1/9999; done; \
         kill -INT $t; wait $t",
        bin = bin(),
        file = file.display(),
        err = dir.path().join("err").display()
    );
    let o = run_bounded(60, "ip", &["netns", "exec", &ns, "bash", "-c", &script]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(capinfos_count(&file), 200, "packets sent before SIGINT");
}

/// Live lines (no `-w`) printed inside the debug container carry what `tcpdump -nn` prints for the
/// same packets captured at the same time in the pod's network namespace (timestamps aside: the
/// two sockets may stamp a packet a microsecond apart).
#[test]
#[serial]
fn live_lines_match_tcpdump_live() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let dir = tmpdir();
    // Only our own requests: curl binds its source port in a range of this test process's own.
    let ports = own_ports();
    let filter = ["tcp", "port", "80", "and", "portrange", &ports];
    let file = dir.path().join("live-ref.pcap");
    let pid = pod.nginx_pid().to_string();
    let mut td = Command::new("timeout")
        .args([
            "60", "nsenter", "-t", &pid, "-n", "tcpdump", "-i", "any", "-c", "20", "-w",
        ])
        .arg(&file)
        .args(filter)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tcpdump");
    let mut err = BufReader::new(td.stderr.take().expect("stderr"));
    let mut line = String::new();
    while err.read_line(&mut line).expect("read") > 0 && !line.contains("listening on") {}
    // With -X: the live hex and ASCII dumps are compared too.
    let mut args = vec!["-i", "any", "-c", "20", "-X"];
    args.extend_from_slice(&filter);
    let mut dc = DebugCapture::start(&pod, dir.path(), &args);
    let started = Instant::now();
    while !dc.ended() || td.try_wait().expect("wait").is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "captures never got 20 packets"
        );
        curl_from(&pod, &ports);
    }
    let o = dc.wait(10);
    assert!(o.status.success(), "{}", stderr(&o));
    let strip = |l: &str| comparable(l.split_once(' ').map_or(l, |(_, rest)| rest));
    let want: Vec<String> = {
        let f = file.to_str().expect("utf-8");
        let o = run_bounded(60, "tcpdump", &["-nn", "-X", "-r", f]);
        stdout(&o).lines().map(strip).collect()
    };
    let got: Vec<String> = stdout(&o).lines().map(strip).collect();
    // A dump line, once its offset is stripped, starts with the space before the hex.
    let packets = want.iter().filter(|l| !l.starts_with(" ")).count();
    assert_eq!(packets, 20, "tcpdump lines: {want:#?}");
    similar_asserts::assert_eq!(
        want.join("\n"),
        got.join("\n"),
        "toolbox stderr: {}",
        stderr(&o)
    );
}

/// `-G 1 -W 2`: a new strftime-named file every second, and the capture ends by itself after
/// the second one, like tcpdump; both files are valid. On a terminal a status line is updated in
/// place on stderr while writing.
#[test]
#[serial]
fn time_rotation_ends_after_w_files_with_a_status_line() {
    require_root!();
    let netns = Netns::add("toolbox-capture-g-");
    let ns = netns.0.clone();
    let dir = tmpdir();
    let tty_log = dir.path().join("tty.log");
    // script(1) gives toolbox a terminal; ping keeps packets coming for longer than two seconds.
    let script = format!(
        "ip link set lo up; (ping -c 25 -i 0.2 127.0.0.1 >/dev/null &); \
         script -qec '{bin} capture -G 1 -W 2 -w {dir}/g-%H%M%S.pcap icmp' {log}",
        bin = bin(),
        dir = dir.path().display(),
        log = tty_log.display()
    );
    let o = run_bounded(30, "ip", &["netns", "exec", &ns, "bash", "-c", &script]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "-W 2 files: {files:?}");
    let total: u64 = files.iter().map(|f| capinfos_count(f)).sum();
    let tty = std::fs::read_to_string(&tty_log).unwrap_or_default();
    assert!(
        tty.contains("\r\x1b[Kcaptured "),
        "no in-place status line on the terminal: {tty:?}"
    );
    assert!(
        tty.contains(&format!("{total} packets captured")),
        "files hold {total} packets: {tty}"
    );
}

/// A child process killed and reaped when dropped (also when a test fails).
struct Reaped(Option<Child>);

impl Drop for Reaped {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Reaped {
    fn child(&mut self) -> &mut Child {
        self.0.as_mut().expect("child")
    }

    fn pid(&self) -> String {
        self.0.as_ref().expect("child").id().to_string()
    }

    /// Wait up to `secs` for the exit; its status and how long it took after the call.
    fn exit_within(&mut self, secs: u64) -> (std::process::ExitStatus, Duration) {
        let started = Instant::now();
        loop {
            if let Some(s) = self.child().try_wait().expect("try_wait") {
                return (s, started.elapsed());
            }
            assert!(
                started.elapsed() < Duration::from_secs(secs),
                "pid {} still runs {secs}s after the signal",
                self.pid()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Wait (bounded) until `file` contains `text`, while `child` runs.
fn wait_for_text(child: &mut Reaped, file: &Path, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let seen = std::fs::read_to_string(file).unwrap_or_default();
        if seen.contains(text) {
            return;
        }
        let exited = child.child().try_wait().expect("try_wait");
        assert!(
            exited.is_none() && Instant::now() < deadline,
            "never saw {text:?} ({exited:?}):\n{seen}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `-w FIFO` with nobody reading: tcpdump blocks in open(2) and its first SIGINT or SIGTERM
/// interrupts it (`tcpdump: FIFO: Interrupted system call`, exit 1). toolbox must end on the
/// first signal too, with the same exit status and an error naming the FIFO.
#[test]
#[serial]
fn one_signal_ends_a_capture_waiting_for_a_fifo_reader() {
    require_root!();
    let dir = tmpdir();
    for sig in ["INT", "TERM"] {
        let mut codes = Vec::new();
        for tool in ["tcpdump", "toolbox"] {
            let fifo = dir.path().join(format!("{tool}-{sig}.fifo"));
            let err_file = dir.path().join(format!("{tool}-{sig}.err"));
            let o = run_bounded(10, "mkfifo", &[fifo.to_str().expect("utf-8")]);
            assert!(o.status.success(), "mkfifo: {}", stderr(&o));
            let mut cmd = if tool == "tcpdump" {
                Command::new("tcpdump")
            } else {
                let mut c = Command::new(bin());
                c.arg("capture");
                c
            };
            cmd.args(["-i", "lo", "-w"])
                .arg(&fifo)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::from(
                    std::fs::File::create(&err_file).expect("stderr file"),
                ));
            let mut child = Reaped(Some(cmd.spawn().expect("spawn")));
            let pid = child.pid();
            // Blocked on the FIFO: tcpdump in open(2) (fs/pipe.c wait_for_partner), toolbox in
            // its wait for a reader, which it announces.
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                let wchan = std::fs::read_to_string(format!("/proc/{pid}/wchan"))
                    .unwrap_or_default()
                    .trim()
                    .to_string();
                let err = std::fs::read_to_string(&err_file).unwrap_or_default();
                if wchan == "wait_for_partner" || err.contains("waiting for a program to open") {
                    break;
                }
                assert!(
                    child.child().try_wait().expect("wait").is_none(),
                    "{tool} ended before blocking on the FIFO: {err}"
                );
                assert!(Instant::now() < deadline, "{tool} never blocked: {err}");
                std::thread::sleep(Duration::from_millis(20));
            }
            std::thread::sleep(Duration::from_millis(200));
            let o = run_bounded(10, "kill", &[&format!("-{sig}"), &pid]);
            assert!(o.status.success());
            // Nothing but the signal can end the wait (no reader ever comes): ending at all shows
            // it worked. toolbox looks at the flag every 50 ms; 5 s leaves a loaded VM its slack.
            let (status, took) = child.exit_within(15);
            let err = std::fs::read_to_string(&err_file).unwrap_or_default();
            assert!(
                status.code().is_some(),
                "{tool} SIG{sig}: killed: {status:?}"
            );
            assert!(
                took < Duration::from_secs(5),
                "{tool} SIG{sig}: {took:?} to end"
            );
            let name = fifo.file_name().and_then(|n| n.to_str()).expect("name");
            assert!(err.contains(name), "{tool} SIG{sig}: {err}");
            if tool == "toolbox" {
                assert!(
                    err.contains("stopped while waiting for a program to open this FIFO"),
                    "{err}"
                );
                assert!(!err.contains("panicked"), "{err}");
            }
            codes.push(status.code());
        }
        assert_eq!(
            codes[0], codes[1],
            "SIG{sig}: exit status tcpdump vs toolbox"
        );
    }
}

/// `-w -` into a pipe whose reader never reads: once the pipe is full the writer waits. tcpdump
/// ends on the first SIGINT/SIGTERM with its statistics and exit 0; so must toolbox, after its
/// grace period for a slow reader, saying how many packets it could not write.
#[test]
#[serial]
fn one_signal_ends_a_capture_into_a_pipe_nobody_reads() {
    require_root!();
    let netns = Netns::add("toolbox-capture-pipe-");
    let ns = netns.0.clone();
    let o = run_bounded(20, "ip", &["-n", &ns, "link", "set", "lo", "up"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = tmpdir();
    for sig in ["INT", "TERM"] {
        let mut tools = Vec::new();
        for tool in ["tcpdump", "toolbox"] {
            let err_file = dir.path().join(format!("{tool}-{sig}.err"));
            let mut cmd = Command::new("ip");
            cmd.args(["netns", "exec", &ns]);
            if tool == "tcpdump" {
                cmd.arg("tcpdump");
            } else {
                cmd.args([bin(), "capture"]);
            }
            // stdout is a pipe whose read end this test holds and never reads.
            cmd.args(["-i", "lo", "-w", "-", "udp", "port", "9999"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::from(
                    std::fs::File::create(&err_file).expect("stderr file"),
                ));
            let mut child = Reaped(Some(cmd.spawn().expect("spawn")));
            wait_for_text(&mut child, &err_file, "listening on");
            tools.push((tool, child, err_file));
        }
        // 400 packets of 1400 bytes: over half a megabyte, eight times a pipe's 64 KiB.
        let script = "for i in $(seq 400); do printf '%1400s' x > /dev/udp/127.0.0.1/9999; done";
        let o = run_bounded(60, "ip", &["netns", "exec", &ns, "bash", "-c", script]);
        assert!(o.status.success(), "{}", stderr(&o));
        std::thread::sleep(Duration::from_millis(1500));
        let mut codes = Vec::new();
        for (tool, child, _) in &mut tools {
            assert!(
                child.child().try_wait().expect("wait").is_none(),
                "{tool} ended by itself"
            );
            let o = run_bounded(10, "kill", &[&format!("-{sig}"), &child.pid()]);
            assert!(o.status.success());
        }
        for (tool, child, err_file) in &mut tools {
            // The reader never reads, so only the signal ends it: toolbox after the 2 s it gives a
            // slow reader (toolbox::capture::writer::STOP_GRACE), plus slack for a loaded VM.
            let (status, took) = child.exit_within(20);
            let err = std::fs::read_to_string(&*err_file).unwrap_or_default();
            assert!(
                took < Duration::from_secs(8),
                "{tool} SIG{sig}: {took:?} to end: {err}"
            );
            assert!(
                err.contains(" packets captured\n"),
                "{tool} SIG{sig}: {err}"
            );
            assert!(
                err.contains(" packets dropped by kernel\n"),
                "{tool} SIG{sig}: {err}"
            );
            if *tool == "toolbox" {
                // It was stuck: some packets never reached the pipe.
                let unwritten = err
                    .lines()
                    .find_map(|l| {
                        l.strip_prefix(
                            "stopped while standard output was not being read: its last ",
                        )
                    })
                    .and_then(|l| l.split(' ').next())
                    .and_then(|n| n.parse::<u64>().ok());
                assert!(unwritten.is_some_and(|n| n > 0), "SIG{sig}: {err}");
                assert!(captured(&err) > 0, "{err}");
            }
            codes.push(status.code());
        }
        assert_eq!(
            codes[0], codes[1],
            "SIG{sig}: exit status tcpdump vs toolbox"
        );
    }
}

/// `capinfos` fields that describe a file as a whole (its name aside).
fn capinfos_header(path: &Path) -> Vec<String> {
    let o = run_bounded(
        60,
        "capinfos",
        &[
            "-t",
            "-E",
            "-l",
            "-c",
            "-s",
            "-M",
            path.to_str().expect("utf-8"),
        ],
    );
    assert!(o.status.success(), "capinfos: {}{}", stdout(&o), stderr(&o));
    stdout(&o)
        .lines()
        .filter(|l| !l.starts_with("File name:"))
        .map(str::to_string)
        .collect()
}

/// `-r IN -w OUT` keeps IN's snapshot length and link type: for files written by `tcpdump -s 96`
/// as Ethernet (lo) and Linux cooked v2 (any), capinfos says the same of toolbox's copy as of
/// `tcpdump -r IN -w OUT`'s, and the two copies are the same bytes.
#[test]
#[serial]
fn read_then_write_keeps_snaplen_and_link_type_like_tcpdump() {
    require_root!();
    let netns = Netns::add("toolbox-capture-s96-");
    let ns = netns.0.clone();
    let dir = tmpdir();
    let d = dir.path().display();
    let script = format!(
        "ip link set lo up; \
         tcpdump -s 96 -i lo -w {d}/ether.pcap -c 6 icmp 2>{d}/e1 & t1=$!; \
         tcpdump -s 96 -i any -w {d}/sll2.pcap -c 6 icmp 2>{d}/e2 & t2=$!; \
         for e in e1 e2; do \
           for i in $(seq 50); do grep -q listening {d}/$e && break; sleep 0.1; done; done; \
         ping -c 3 -i 0.2 -s 500 127.0.0.1 >/dev/null; wait $t1 $t2"
    );
    let o = run_bounded(60, "ip", &["netns", "exec", &ns, "bash", "-c", &script]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    for name in ["ether", "sll2"] {
        let input = dir.path().join(format!("{name}.pcap"));
        let theirs = dir.path().join(format!("{name}-tcpdump.pcap"));
        let ours = dir.path().join(format!("{name}-toolbox.pcap"));
        let o = run_bounded(
            60,
            "tcpdump",
            &[
                "-r",
                input.to_str().expect("utf-8"),
                "-w",
                theirs.to_str().expect("utf-8"),
            ],
        );
        assert!(o.status.success(), "tcpdump -r -w: {}", stderr(&o));
        let o = run_bounded(
            60,
            bin(),
            &[
                "capture",
                "-r",
                input.to_str().expect("utf-8"),
                "-w",
                ours.to_str().expect("utf-8"),
            ],
        );
        assert!(o.status.success(), "toolbox -r -w: {}", stderr(&o));
        let want = capinfos_header(&theirs);
        assert!(
            want.iter().any(|l| l.contains("file hdr: 96 bytes")),
            "{want:#?}"
        );
        assert_eq!(want, capinfos_header(&ours), "{name}");
        assert!(
            std::fs::read(&theirs).expect("read") == std::fs::read(&ours).expect("read"),
            "{name}: toolbox's copy differs from tcpdump's"
        );
    }
}

/// `.pcap` files in `dir` with their packet counts (capinfos, which also proves each is valid).
fn pcap_files(dir: &Path) -> Vec<(String, u64)> {
    let mut files: Vec<(String, u64)> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap"))
        .map(|p| {
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .expect("name")
                .to_string();
            (name, capinfos_count(&p))
        })
        .collect();
    files.sort();
    files
}

/// `-G 1`: tcpdump opens a new file on the first packet handled in a later wall-clock second,
/// named by strftime of that second; a silent second makes no file. tcpdump (immediate mode)
/// and toolbox capture the same bursts, sent 50 ms into seconds 2, 3 and 5 (none in 4; second 1
/// may still be the one either tool started in), so each tool may take up to 0.95 s to handle a
/// burst before it lands in the next second's file:
/// the files holding packets have the same names and counts, every file is valid, and besides
/// them each tool has at most the header-only file it opened when it started.
#[test]
#[serial]
fn time_rotation_matches_tcpdump_on_the_wall_clock() {
    require_root!();
    let netns = Netns::add("toolbox-capture-gw-");
    let ns = netns.0.clone();
    let dir = tmpdir();
    for sub in ["td", "tb"] {
        std::fs::create_dir(dir.path().join(sub)).expect("mkdir");
    }
    let script = format!(
        "ip link set lo up; \
         tcpdump -Z root --immediate-mode -i lo -G 1 -w {d}/td/g-%H%M%S.pcap udp port 9999 2>{d}/e1 & t1=$!; \
         {bin} capture -i lo -G 1 -w {d}/tb/g-%H%M%S.pcap udp port 9999 2>{d}/e2 & t2=$!; \
         for e in e1 e2; do \
           for i in $(seq 100); do grep -q listening {d}/$e && break; sleep 0.1; done; done; \
         mid() {{ f=$((10#$(date +%N))); sleep $(printf '0.%09d' $(( (1050000000 - f) % 1000000000 ))); }}; \
         burst() {{ for i in 1 2 3; do printf x > /dev/udp/127.0.0.1/9999; done; }}; \
         mid; mid; burst; mid; burst; mid; mid; burst; sleep 0.5; \
         kill -INT $t1 $t2; wait $t1; r1=$?; wait $t2; r2=$?; echo $r1 $r2",
        d = dir.path().display(),
        bin = bin()
    );
    let o = run_bounded(60, "ip", &["netns", "exec", &ns, "bash", "-c", &script]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o).trim(), "0 0", "exit statuses tcpdump, toolbox");
    let td = pcap_files(&dir.path().join("td"));
    let tb = pcap_files(&dir.path().join("tb"));
    let with_packets = |files: &[(String, u64)]| -> Vec<(String, u64)> {
        files.iter().filter(|(_, n)| *n > 0).cloned().collect()
    };
    assert_eq!(
        with_packets(&td),
        with_packets(&tb),
        "files with packets, tcpdump vs toolbox (all: {td:?} vs {tb:?})"
    );
    assert_eq!(
        with_packets(&tb).len(),
        3,
        "one file per second with traffic: {tb:?}"
    );
    for (tool, files) in [("tcpdump", &td), ("toolbox", &tb)] {
        let empty: Vec<_> = files.iter().filter(|(_, n)| *n == 0).collect();
        assert!(
            empty.len() <= 1 && empty.iter().all(|e| *e == &files[0]),
            "{tool}: only the first file may be empty: {files:?}"
        );
    }
}

/// `-r` with `-G`: rotation follows the clock, not the packets' timestamps, so an old file whose
/// packets are hours apart is copied into one file, as by tcpdump. (`-G 5000`: packets 3 hours
/// apart would rotate on their timestamps, while the run never lasts 5000 s of wall clock.)
#[test]
fn time_rotation_of_a_read_file_follows_the_clock_like_tcpdump() {
    // Root (tcpdump -Z root keeps the rights to create files in our private directory).
    require_root!();
    let dir = tmpdir();
    let input = dir.path().join("hours.pcap");
    text2pcap(3, &input);
    // Move the second and third packets three and six hours later (pcap record headers: 16
    // bytes, then the 47-byte packet).
    let mut bytes = std::fs::read(&input).expect("read");
    for k in 1..3u32 {
        let at = 24 + (k as usize) * (16 + 47);
        let secs = u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        bytes[at..at + 4].copy_from_slice(&(secs + k * 3 * 3600).to_le_bytes());
    }
    std::fs::write(&input, bytes).expect("write");
    for sub in ["td", "tb"] {
        std::fs::create_dir(dir.path().join(sub)).expect("mkdir");
    }
    let inp = input.to_str().expect("utf-8");
    let td_out = format!("{}/td/r-%H%M%S.pcap", dir.path().display());
    let tb_out = format!("{}/tb/r-%H%M%S.pcap", dir.path().display());
    let o = run_bounded(
        30,
        "tcpdump",
        &["-Z", "root", "-r", inp, "-G", "5000", "-w", &td_out],
    );
    assert!(o.status.success(), "tcpdump: {}", stderr(&o));
    let o = run_bounded(
        30,
        bin(),
        &["capture", "-r", inp, "-G", "5000", "-w", &tb_out],
    );
    assert!(o.status.success(), "toolbox: {}", stderr(&o));
    let td = pcap_files(&dir.path().join("td"));
    let tb = pcap_files(&dir.path().join("tb"));
    let counts = |f: &[(String, u64)]| f.iter().map(|(_, n)| *n).collect::<Vec<_>>();
    assert_eq!(counts(&td), vec![3], "tcpdump: {td:?}");
    assert_eq!(counts(&td), counts(&tb), "tcpdump {td:?} vs toolbox {tb:?}");
}

/// A pcap file whose header names link type `linktype`, from text2pcap's output.
fn with_linktype(dir: &Path, linktype: u32) -> PathBuf {
    let file = dir.join(format!("lt{linktype}.pcap"));
    text2pcap(1, &file);
    let mut bytes = std::fs::read(&file).expect("read");
    bytes[20..24].copy_from_slice(&linktype.to_le_bytes());
    std::fs::write(&file, bytes).expect("write");
    file
}

/// A link type above 65535 (libpcap passes unknown ones through) cannot be written to a pcap or
/// pcapng file: like tcpdump, `-r IN -w OUT` fails and creates no file; toolbox says why.
#[test]
fn a_link_type_a_file_cannot_hold_is_an_error_like_tcpdump() {
    let dir = tmpdir();
    for linktype in [65536u32, 0x00ff_ffff] {
        let input = with_linktype(dir.path(), linktype);
        let inp = input.to_str().expect("utf-8");
        let theirs = dir.path().join(format!("{linktype}-tcpdump.pcap"));
        let td = run_bounded(
            30,
            "tcpdump",
            &["-r", inp, "-w", theirs.to_str().expect("utf-8")],
        );
        assert!(!td.status.success(), "tcpdump wrote {linktype}");
        assert!(!theirs.exists());
        for extra in [&[][..], &["--pcapng"][..]] {
            let ours = dir.path().join(format!("{linktype}-toolbox.pcap"));
            let mut args = vec!["capture", "-r", inp, "-w", ours.to_str().expect("utf-8")];
            args.extend_from_slice(extra);
            let o = run_bounded(30, bin(), &args);
            assert_clean_error(&o);
            assert_eq!(o.status.code(), td.status.code(), "{extra:?}");
            assert!(
                stderr(&o).contains(&format!("cannot write link type {linktype}")),
                "{}",
                stderr(&o)
            );
            assert!(!ours.exists(), "{extra:?}: a file was created");
        }
    }
}

/// `toolbox capture -i lo -w - udp port 9999` in `ns`, its stdout a pipe this test holds; as
/// user 65534 with only CAP_NET_RAW when `other_user` (it then cannot reopen the root-owned pipe
/// through /proc/self/fd/1 and must write the shared one).
fn capture_into_a_pipe(ns: &str, other_user: bool, err_file: &Path) -> Reaped {
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", ns]);
    if other_user {
        cmd.args([
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=+net_raw",
            "--ambient-caps=+net_raw",
            "--",
        ]);
    }
    cmd.args([
        bin(),
        "capture",
        "-i",
        "lo",
        "-w",
        "-",
        "udp",
        "port",
        "9999",
    ])
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::from(
        std::fs::File::create(err_file).expect("stderr file"),
    ));
    let mut child = Reaped(Some(cmd.spawn().expect("spawn")));
    wait_for_text(&mut child, err_file, "listening on");
    child
}

/// Send `n` UDP packets of 1400 bytes to port 9999 in `ns`.
fn udp_flood(ns: &str, n: u32) {
    let script =
        format!("for i in $(seq {n}); do printf '%1400s' x > /dev/udp/127.0.0.1/9999; done");
    let o = run_bounded(60, "ip", &["netns", "exec", ns, "bash", "-c", &script]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Read `pipe` to its end in pieces of at most 64 KiB, pausing `pause` before each; the bytes.
fn read_slowly(mut pipe: std::process::ChildStdout, pause: Duration) -> Vec<u8> {
    use std::io::Read;
    let mut all = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        std::thread::sleep(pause);
        let n = pipe.read(&mut buf).expect("read pipe");
        if n == 0 {
            return all;
        }
        all.extend_from_slice(&buf[..n]);
        assert!(Instant::now() < deadline, "the pipe never ended");
    }
}

/// A slow reader (Wireshark at the end of `kubectl exec … -w - |`) still gets the whole capture
/// after Ctrl-C: toolbox keeps writing while the reader takes data, even with pauses of 0.7 s
/// between reads, and the stream it leaves is a valid pcap whose packet count (capinfos) is the
/// one toolbox reports.
#[test]
#[serial]
fn a_slow_reader_gets_every_packet_after_one_signal() {
    require_root!();
    let netns = Netns::add("toolbox-capture-slow-");
    let ns = netns.0.clone();
    let o = run_bounded(20, "ip", &["-n", &ns, "link", "set", "lo", "up"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = tmpdir();
    let err_file = dir.path().join("slow.err");
    let mut child = capture_into_a_pipe(&ns, false, &err_file);
    // 200 packets of 1400 bytes: four times a pipe's 64 KiB, so the writer waits for room.
    udp_flood(&ns, 200);
    std::thread::sleep(Duration::from_millis(1500));
    let pipe = child.child().stdout.take().expect("stdout pipe");
    let o = run_bounded(10, "kill", &["-INT", &child.pid()]);
    assert!(o.status.success());
    let bytes = read_slowly(pipe, Duration::from_millis(700));
    let (status, _) = child.exit_within(20);
    let err = std::fs::read_to_string(&err_file).unwrap_or_default();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(!err.contains("was not being read"), "{err}");
    let file = dir.path().join("slow.pcap");
    std::fs::write(&file, &bytes).expect("write");
    let n = captured(&err);
    assert!(n > 100, "{err}");
    assert_eq!(capinfos_count(&file), n, "{err}");
}

/// When standard output is a pipe toolbox may not reopen (another user's: EACCES), it says so
/// once and still ends on one signal while nobody reads (like tcpdump: exit 0, its statistics);
/// with a reader, the stream is a valid pcap of every packet it reports.
#[test]
#[serial]
fn a_pipe_that_cannot_be_reopened_still_ends_on_one_signal() {
    require_root!();
    let netns = Netns::add("toolbox-capture-shared-");
    let ns = netns.0.clone();
    let o = run_bounded(20, "ip", &["-n", &ns, "link", "set", "lo", "up"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = tmpdir();
    let note = "cannot reopen standard output";

    // Nobody reads.
    let err_file = dir.path().join("stuck.err");
    let mut child = capture_into_a_pipe(&ns, true, &err_file);
    udp_flood(&ns, 400);
    std::thread::sleep(Duration::from_millis(1500));
    assert!(child.child().try_wait().expect("wait").is_none());
    let o = run_bounded(10, "kill", &["-INT", &child.pid()]);
    assert!(o.status.success());
    // Only the signal can end it; STOP_GRACE (2 s) plus slack for a loaded VM.
    let (status, took) = child.exit_within(20);
    let err = std::fs::read_to_string(&err_file).unwrap_or_default();
    assert!(took < Duration::from_secs(8), "{took:?} to end: {err}");
    assert_eq!(status.code(), Some(0), "{err}");
    assert_eq!(err.matches(note).count(), 1, "{err}");
    assert!(err.contains("was not being read"), "{err}");
    assert!(err.contains(" packets dropped by kernel\n"), "{err}");

    // Read while capturing.
    let err_file = dir.path().join("read.err");
    let mut child = capture_into_a_pipe(&ns, true, &err_file);
    let pipe = child.child().stdout.take().expect("stdout pipe");
    let reader = std::thread::spawn(move || read_slowly(pipe, Duration::ZERO));
    udp_flood(&ns, 200);
    std::thread::sleep(Duration::from_millis(500));
    let o = run_bounded(10, "kill", &["-INT", &child.pid()]);
    assert!(o.status.success());
    let (status, _) = child.exit_within(20);
    let bytes = reader.join().expect("reader");
    let err = std::fs::read_to_string(&err_file).unwrap_or_default();
    assert_eq!(status.code(), Some(0), "{err}");
    assert_eq!(err.matches(note).count(), 1, "{err}");
    let file = dir.path().join("read.pcap");
    std::fs::write(&file, &bytes).expect("write");
    let n = captured(&err);
    assert!(n > 100, "{err}");
    assert_eq!(capinfos_count(&file), n, "{err}");
}

/// tshark's view of each packet without its time: the Linux cooked v1 fields and the bytes.
fn cooked_v1_packets(file: &Path) -> Vec<String> {
    let f = file.to_str().expect("utf-8");
    let o = run_bounded(
        60,
        "tshark",
        &[
            "-r",
            f,
            "-T",
            "fields",
            "-e",
            "frame.len",
            "-e",
            "sll.pkttype",
            "-e",
            "sll.hatype",
            "-e",
            "sll.etype",
            "-e",
            "ip.src",
            "-e",
            "tcp.srcport",
            "-e",
            "tcp.seq_raw",
            "-e",
            "data.data",
            "-e",
            "tcp.payload",
        ],
    );
    assert!(o.status.success(), "tshark: {}", stderr(&o));
    stdout(&o).lines().map(str::to_string).collect()
}

/// `--link sll` (and `-y LINUX_SLL`) on `any` writes Linux cooked v1, which older Wireshark reads
/// (ksniff#100): tshark names the link type, and the packets are those `tcpdump -y LINUX_SLL -i
/// any` captured of the same requests, byte for byte.
#[test]
#[serial]
fn link_sll_writes_cooked_v1_like_tcpdump_y_linux_sll() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let dir = tmpdir();
    let ports = own_ports();
    let filter = format!("port 80 and portrange {ports}");
    let pid = pod.nginx_pid().to_string();
    let td_err = dir.path().join("tcpdump.err");
    let td_file = dir.path().join("tcpdump.pcap");
    let mut td = Command::new("nsenter")
        .args([
            "-t",
            &pid,
            "-n",
            "tcpdump",
            "-U",
            "-i",
            "any",
            "-y",
            "LINUX_SLL",
            "-w",
        ])
        .arg(&td_file)
        .arg(&filter)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&td_err).expect("stderr file"))
        .spawn()
        .expect("tcpdump");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !std::fs::read_to_string(&td_err)
        .unwrap_or_default()
        .contains("listening on")
    {
        assert!(Instant::now() < deadline, "tcpdump never listened");
        std::thread::sleep(Duration::from_millis(50));
    }
    let dc = DebugCapture::start(
        &pod,
        dir.path(),
        &[
            "-i",
            "any",
            "--link",
            "sll",
            "-w",
            "/out/own.pcap",
            "port",
            "80",
            "and",
            "portrange",
            &ports,
        ],
    );
    let err = std::fs::read_to_string(&dc.err_file).unwrap_or_default();
    assert!(
        err.contains("link-type LINUX_SLL (Linux cooked v1)"),
        "{err}"
    );
    for _ in 0..3 {
        curl_from(&pod, &ports);
    }
    std::thread::sleep(Duration::from_millis(500));
    dc.signal("INT");
    let o = dc.wait(30);
    assert!(o.status.success(), "{}", stderr(&o));
    let _ = Command::new("kill")
        .args(["-INT", &td.id().to_string()])
        .status();
    let _ = td.wait();
    let own = dir.path().join("own.pcap");
    let info = run_bounded(30, "capinfos", &["-E", own.to_str().expect("utf-8")]);
    assert!(
        stdout(&info).contains("Linux cooked-mode capture v1"),
        "{}",
        stdout(&info)
    );
    let ours = cooked_v1_packets(&own);
    assert!(ours.len() >= 3 * 6, "only {} packets", ours.len());
    similar_asserts::assert_eq!(tcpdump: cooked_v1_packets(&td_file), toolbox: ours);

    // -y takes libpcap's names (any case, DLT_ prefix or not); one the device lacks is an error.
    let o = run_bounded(
        30,
        "nsenter",
        &[
            "-t",
            &pid,
            "-n",
            bin(),
            "--pid",
            &pid,
            "capture",
            "-i",
            "any",
            "-y",
            "EN10MB",
            "-c",
            "1",
        ],
    );
    assert_clean_error(&o);
    assert!(
        stderr(&o).contains("EN10MB is not one of the link-layer header types this device supports (LINUX_SLL, LINUX_SLL2)"),
        "{}",
        stderr(&o)
    );
}
