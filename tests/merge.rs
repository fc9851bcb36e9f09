//! `toolbox merge` against mergecap on the same inputs: packets captured on lo by tcpdump (µs and
//! ns pcap) and dumpcap (pcapng, two interfaces with descriptions), derived with editcap (comments,
//! shifted and chopped copies whose timestamps tie), and a big-endian pcapng written here. tshark
//! reads both outputs: every packet's timestamp, lengths, interface name and description, comment
//! and bytes must be equal. A corrupt input is a clear error and a non-zero exit.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{bin, run_bounded, run_measured, show, stderr};

fn ok(secs: u32, program: &str, args: &[&str]) -> String {
    let o = run_bounded(secs, program, args);
    assert!(o.status.success(), "{program} {args:?}: {}", show(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What tshark sees of each packet, in order, plus the bytes of every packet (`-x`).
fn packets(file: &Path) -> (String, String) {
    let f = file.to_str().unwrap();
    let fields = ok(
        60,
        "tshark",
        &[
            "-r",
            f,
            "-T",
            "fields",
            "-e",
            "frame.time_epoch",
            "-e",
            "frame.len",
            "-e",
            "frame.cap_len",
            "-e",
            "frame.interface_name",
            "-e",
            "frame.interface_description",
            "-e",
            "frame.comment",
            "-e",
            "frame.encap_type",
        ],
    );
    let hex = ok(60, "tshark", &["-r", f, "-x"]);
    (fields, hex)
}

/// Merge with both tools (same flags) and compare what tshark reads.
fn assert_same_as_mergecap(dir: &Path, name: &str, flags: &[&str], inputs: &[PathBuf]) -> usize {
    let m = dir.join(format!("{name}-mergecap"));
    let t = dir.join(format!("{name}-toolbox"));
    let ins: Vec<&str> = inputs.iter().map(|p| p.to_str().unwrap()).collect();
    let mut args: Vec<&str> = flags.to_vec();
    args.extend(["-w", m.to_str().unwrap()]);
    args.extend(&ins);
    ok(120, "mergecap", &args);
    let mut args: Vec<&str> = vec!["merge"];
    args.extend(flags);
    args.extend(&ins);
    args.extend(["-w", t.to_str().unwrap()]);
    let o = run_bounded(120, bin(), &args);
    assert!(o.status.success(), "toolbox merge: {}", show(&o));
    let (mf, mx) = packets(&m);
    let (tf, tx) = packets(&t);
    similar_asserts::assert_eq!(mergecap: mf, toolbox: tf, "{name}: packets differ");
    assert!(mx == tx, "{name}: packet bytes differ");
    mf.lines().count()
}

/// tcpdump/dumpcap on lo with a filter for our port, stopped with SIGINT.
struct Capturer {
    child: Option<Child>,
    file: PathBuf,
}

impl Drop for Capturer {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Capturer {
    fn start(program: &str, args: &[&str], file: PathBuf) -> Capturer {
        let child = Command::new(program)
            .args(args)
            .arg("-w")
            .arg(&file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        Capturer {
            child: Some(child),
            file,
        }
    }

    fn stop(mut self) -> PathBuf {
        let mut c = self.child.take().unwrap();
        let _ = Command::new("kill")
            .args(["-INT", &c.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while c.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "capture did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
        self.file.clone()
    }
}

/// A big-endian pcapng, one section, one Ethernet interface with a description, and packets at
/// the given (seconds, nanoseconds) with if_tsresol 10^-9, the second one with a comment.
fn big_endian_pcapng(path: &Path, times: &[(u64, u64)]) {
    let mut b = Vec::new();
    let block = |b: &mut Vec<u8>, t: u32, body: &[u8]| {
        let total = 12 + body.len() as u32;
        b.extend_from_slice(&t.to_be_bytes());
        b.extend_from_slice(&total.to_be_bytes());
        b.extend_from_slice(body);
        b.extend_from_slice(&total.to_be_bytes());
    };
    let mut shb = Vec::new();
    shb.extend_from_slice(&0x1a2b_3c4du32.to_be_bytes());
    shb.extend_from_slice(&1u16.to_be_bytes());
    shb.extend_from_slice(&0u16.to_be_bytes());
    shb.extend_from_slice(&(-1i64).to_be_bytes());
    block(&mut b, 0x0a0d_0d0a, &shb);
    let mut idb = Vec::new();
    idb.extend_from_slice(&1u16.to_be_bytes());
    idb.extend_from_slice(&0u16.to_be_bytes());
    idb.extend_from_slice(&65535u32.to_be_bytes());
    let desc = b"k8s.node=n1;k8s.namespace=default;k8s.podName=web-0;k8s.containerName=nginx";
    for (code, v) in [(2u16, &b"eth0"[..]), (3, &desc[..]), (9, &[9u8][..])] {
        idb.extend_from_slice(&code.to_be_bytes());
        idb.extend_from_slice(&(v.len() as u16).to_be_bytes());
        idb.extend_from_slice(v);
        idb.resize(idb.len().next_multiple_of(4), 0);
    }
    idb.extend_from_slice(&[0; 4]);
    block(&mut b, 1, &idb);
    for (i, (s, ns)) in times.iter().enumerate() {
        let ts = s * 1_000_000_000 + ns;
        let data: Vec<u8> = (0..60 + i as u8).map(|x| x.wrapping_mul(7)).collect();
        let mut e = Vec::new();
        e.extend_from_slice(&0u32.to_be_bytes());
        e.extend_from_slice(&((ts >> 32) as u32).to_be_bytes());
        e.extend_from_slice(&(ts as u32).to_be_bytes());
        e.extend_from_slice(&(data.len() as u32).to_be_bytes());
        e.extend_from_slice(&(data.len() as u32 + 10).to_be_bytes());
        e.extend_from_slice(&data);
        e.resize(e.len().next_multiple_of(4), 0);
        if i == 1 {
            let c = b"a comment from a big-endian file";
            e.extend_from_slice(&1u16.to_be_bytes());
            e.extend_from_slice(&(c.len() as u16).to_be_bytes());
            e.extend_from_slice(c);
            e.resize(e.len().next_multiple_of(4), 0);
            e.extend_from_slice(&[0; 4]);
        }
        block(&mut b, 6, &e);
    }
    std::fs::write(path, b).unwrap();
}

#[test]
fn merge_equals_mergecap_on_captured_and_derived_inputs() {
    require_root!();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let port = 20_000 + (std::process::id() % 20_000) as u16;
    let filter = format!("udp port {port}");
    let us = Capturer::start(
        "tcpdump",
        &["-U", "-Z", "root", "-i", "lo", &filter],
        d.join("us.pcap"),
    );
    let ns = Capturer::start(
        "tcpdump",
        &[
            "-U",
            "-Z",
            "root",
            "--time-stamp-precision=nano",
            "-i",
            "lo",
            &filter,
        ],
        d.join("ns.pcap"),
    );
    let multi = Capturer::start(
        "dumpcap",
        &["-q", "-i", "lo", "-i", "any", "-f", &filter],
        d.join("multi.pcapng"),
    );
    // Probe until all three have written a packet (they are listening), then the traffic.
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let to = ("127.0.0.1", port);
    let deadline = Instant::now() + Duration::from_secs(30);
    let has_packet = |p: &Path, header: u64| std::fs::metadata(p).is_ok_and(|m| m.len() > header);
    while !(has_packet(&us.file, 24) && has_packet(&ns.file, 24) && has_packet(&multi.file, 400)) {
        assert!(Instant::now() < deadline, "captures did not start");
        sock.send_to(b"probe", to).unwrap();
        std::thread::sleep(Duration::from_millis(100));
    }
    for i in 0..40u32 {
        let payload = vec![b'a' + (i % 26) as u8; 10 + (i as usize * 37) % 1400];
        sock.send_to(&payload, to).unwrap();
        std::thread::sleep(Duration::from_millis(3));
    }
    std::thread::sleep(Duration::from_millis(1500));
    let us = us.stop();
    let ns = ns.stop();
    let multi = multi.stop();
    // Derived with editcap: comments and a sub-µs shift (pcapng), a chopped copy whose timestamps
    // tie with us.pcap's.
    let shifted = d.join("shifted.pcapng");
    ok(
        60,
        "editcap",
        &[
            "-t",
            "0.000000777",
            "-a",
            "1:first packet",
            "-a",
            "3:third packet",
            us.to_str().unwrap(),
            shifted.to_str().unwrap(),
        ],
    );
    let chopped = d.join("chopped.pcap");
    ok(
        60,
        "editcap",
        &[
            "-F",
            "pcap",
            "-C",
            "4",
            us.to_str().unwrap(),
            chopped.to_str().unwrap(),
        ],
    );
    // A big-endian pcapng with packets inside the capture's time span.
    let first = ok(
        30,
        "tshark",
        &[
            "-r",
            us.to_str().unwrap(),
            "-c",
            "1",
            "-T",
            "fields",
            "-e",
            "frame.time_epoch",
        ],
    );
    let secs: u64 = first.trim().split('.').next().unwrap().parse().unwrap();
    let be = d.join("be.pcapng");
    big_endian_pcapng(&be, &[(secs, 1), (secs + 1, 5), (secs + 1, 999_999_999)]);

    let all = vec![
        us.clone(),
        ns.clone(),
        multi.clone(),
        shifted,
        chopped.clone(),
        be,
    ];
    let n = assert_same_as_mergecap(d, "all", &[], &all);
    assert!(n > 6 * 40, "only {n} packets");
    // Interface descriptions survive (dumpcap's and the big-endian file's).
    let t = d.join("all-toolbox");
    let descs = ok(
        30,
        "tshark",
        &[
            "-r",
            t.to_str().unwrap(),
            "-T",
            "fields",
            "-e",
            "frame.interface_description",
        ],
    );
    assert!(descs.contains("k8s.podName=web-0"), "{descs}");
    assert!(
        descs.lines().any(|l| !l.is_empty() && !l.contains("k8s")),
        "{descs}"
    );
    // Concatenation, and pcap output (one link type: lo's Ethernet).
    assert_same_as_mergecap(d, "concat", &["-a"], &all);
    assert_same_as_mergecap(d, "pcap", &["-F", "pcap"], &[us, ns, chopped]);
}

#[test]
fn corrupt_inputs_are_reported_and_the_rest_is_merged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A text2pcap file of three packets, a copy cut in the middle of its last packet, and text.
    let hex = d.join("p.txt");
    let mut f = std::fs::File::create(&hex).unwrap();
    for (i, t) in ["10:00:00.100000", "10:00:01.100000", "10:00:02.100000"]
        .iter()
        .enumerate()
    {
        writeln!(f, "{t}").unwrap();
        writeln!(
            f,
            "000000 ff ff ff ff ff ff 00 11 22 33 44 5{i} 08 00 45 00"
        )
        .unwrap();
        writeln!(f, "000010 00 1c 00 00 40 00 40 11 00 00 7f 00 00 01 7f 00").unwrap();
        writeln!(f, "000020 00 01 30 39 30 39 00 08 00 00").unwrap();
    }
    drop(f);
    let good = d.join("good.pcap");
    ok(
        30,
        "text2pcap",
        &[
            "-q",
            "-F",
            "pcap",
            "-t",
            "%H:%M:%S.",
            hex.to_str().unwrap(),
            good.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&good).unwrap();
    let cut = d.join("cut.pcap");
    std::fs::write(&cut, &bytes[..bytes.len() - 5]).unwrap();
    let junk = d.join("junk.pcap");
    std::fs::write(&junk, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let out = d.join("out.pcapng");
    let o = run_bounded(
        60,
        bin(),
        &[
            "merge",
            good.to_str().unwrap(),
            cut.to_str().unwrap(),
            junk.to_str().unwrap(),
            "-w",
            out.to_str().unwrap(),
        ],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("cut.pcap: cut short at byte") && err.contains("middle of a packet record"),
        "{err}"
    );
    assert!(
        err.contains("junk.pcap: not a pcap or pcapng file (it starts with 47 45 54 20)"),
        "{err}"
    );
    // The output is valid: the good file's three packets and the cut one's first two.
    let n = ok(30, "tshark", &["-r", out.to_str().unwrap()])
        .lines()
        .count();
    assert_eq!(n, 5);
    // A missing input is an error before anything is written.
    let o = run_bounded(
        30,
        bin(),
        &["merge", "/nonexistent.pcap", "-w", out.to_str().unwrap()],
    );
    common::assert_clean_error(&o);
    assert!(
        stderr(&o).contains("cannot open /nonexistent.pcap"),
        "{}",
        show(&o)
    );
}

#[test]
fn a_hostile_block_length_is_an_error_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // pcapng: a section header, then a block that claims 15 MiB (under the limit) and ends, then
    // one that claims 4 GiB.
    let mut b = Vec::new();
    b.extend_from_slice(&0x0a0d_0d0au32.to_le_bytes());
    b.extend_from_slice(&28u32.to_le_bytes());
    b.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&0u16.to_le_bytes());
    b.extend_from_slice(&(-1i64).to_le_bytes());
    b.extend_from_slice(&28u32.to_le_bytes());
    let mut huge = b.clone();
    huge.extend_from_slice(&6u32.to_le_bytes());
    huge.extend_from_slice(&0xffff_fffcu32.to_le_bytes());
    huge.extend(std::iter::repeat_n(0u8, 4096));
    let mut short = b;
    short.extend_from_slice(&6u32.to_le_bytes());
    short.extend_from_slice(&(15u32 << 20).to_le_bytes());
    short.extend(std::iter::repeat_n(0u8, 4096));
    let (h, s) = (d.join("huge.pcapng"), d.join("short.pcapng"));
    std::fs::write(&h, huge).unwrap();
    std::fs::write(&s, short).unwrap();
    let out = d.join("out.pcapng");
    let m = run_measured(
        60,
        "merge hostile",
        bin(),
        &[
            "merge",
            h.to_str().unwrap(),
            s.to_str().unwrap(),
            "-w",
            out.to_str().unwrap(),
        ],
    );
    let err = stderr(&m.output);
    assert_eq!(m.output.status.code(), Some(1), "{}", show(&m.output));
    assert!(
        err.contains("block of 4294967292 bytes (more than 16 MiB)"),
        "{err}"
    );
    assert!(
        err.contains("short.pcapng: cut short at byte 28 in the middle of a block"),
        "{err}"
    );
    assert!(m.max_rss_kib < 64 * 1024, "peak RSS {} KiB", m.max_rss_kib);
    ok(30, "tshark", &["-r", out.to_str().unwrap()]);
}

/// A classic pcap (µs) of 60-byte frames at the given seconds.
fn tiny_pcap(secs: &[u32]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&4u16.to_le_bytes());
    for v in [0u32, 0, 65535, 1] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    for s in secs {
        for v in [*s, 0, 60, 60] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.extend(std::iter::repeat_n(*s as u8, 60));
    }
    b
}

/// Ctrl-C while an input (a pipe on standard input) stays open ends the merge at once with a
/// valid file holding what could be merged in order.
#[test]
fn sigint_ends_a_merge_waiting_for_a_pipe_with_a_valid_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let later = d.join("later.pcap");
    std::fs::write(&later, tiny_pcap(&[30, 40])).unwrap();
    let out = d.join("out.pcapng");
    let mut child = Command::new(bin())
        .args([
            "merge",
            "-",
            later.to_str().unwrap(),
            "-w",
            out.to_str().unwrap(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&tiny_pcap(&[10, 20])).unwrap();
    stdin.flush().unwrap();
    // Both stdin packets are older than the file's: they can be written; then it waits for stdin.
    // (The two inputs' interfaces are identical: one interface block, as mergecap writes.)
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::metadata(&out).map_or(0, |m| m.len()) < 28 + 20 + 2 * 92 {
        assert!(Instant::now() < deadline, "merge wrote nothing");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        child.try_wait().unwrap().is_none(),
        "merge ended with stdin open"
    );
    let t0 = Instant::now();
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        assert!(t0.elapsed() < Duration::from_secs(20), "merge did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    drop(stdin);
    let times = ok(
        30,
        "tshark",
        &[
            "-r",
            out.to_str().unwrap(),
            "-T",
            "fields",
            "-e",
            "frame.time_epoch",
        ],
    );
    assert_eq!(times, "10.000000000\n20.000000000\n");
}

/// The fan-out's shape: two `tcpdump -U -w -` children on lo (one µs pcap, one ns) feed the
/// library's live merge through pipes, each labelled with a pod description; traffic flows, the
/// stop flag ends it. tshark reads one valid pcapng whose timestamps never go back and whose
/// packets carry both descriptions; no packet came later than the window.
#[test]
fn live_merge_of_two_tcpdump_pipes() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use toolbox::capture::merge::{self, Description, Format, Input, Options, Order};
    require_root!();
    let dir = tempfile::tempdir().unwrap();
    let port = 20_000 + (std::process::id() % 20_000) as u16 + 1;
    let filter = format!("udp port {port}");
    let mut children = Vec::new();
    let mut inputs = Vec::new();
    for (i, extra) in [&[][..], &["--time-stamp-precision=nano"][..]]
        .iter()
        .enumerate()
    {
        let err = dir.path().join(format!("td{i}.err"));
        let mut c = Command::new("tcpdump")
            .args(["-U", "-Z", "root", "-i", "lo"])
            .args(*extra)
            .args(["-w", "-", &filter])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&err).unwrap())
            .spawn()
            .unwrap();
        let mut input = Input::new(format!("pod{i}"), Box::new(c.stdout.take().unwrap()));
        input.description = Description::Replace(merge::k8s_description(
            "default",
            &format!("web-{i}"),
            "nginx",
            "node-1",
        ));
        inputs.push(input);
        children.push(Capturer {
            child: Some(c),
            file: err,
        });
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    for c in &children {
        while !std::fs::read_to_string(&c.file)
            .unwrap_or_default()
            .contains("listening on")
        {
            assert!(Instant::now() < deadline, "tcpdump never listened");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let stop = Arc::new(AtomicBool::new(false));
    let out = dir.path().join("live.pcapng");
    let opts = Options {
        order: Order::Live {
            window: Duration::from_millis(500),
        },
        format: Format::Pcapng,
        stop: Some(Arc::clone(&stop)),
    };
    let out2 = out.clone();
    let merger = std::thread::spawn(move || merge::merge(inputs, &out2, &opts, &mut |_| {}));
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..50u32 {
        sock.send_to(&vec![b'x'; 20 + i as usize], ("127.0.0.1", port))
            .unwrap();
        std::thread::sleep(Duration::from_millis(10));
    }
    // Live output: the packets reach the file while both inputs stay open.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let o = run_bounded(30, "tshark", &["-r", out.to_str().unwrap()]);
        if String::from_utf8_lossy(&o.stdout).lines().count() >= 100 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "live output incomplete: {}",
            show(&o)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    stop.store(true, Ordering::SeqCst);
    let summary = merger.join().unwrap().unwrap();
    drop(children);
    assert!(summary.stopped);
    assert_eq!(summary.packets, 100, "{summary:?}");
    // Both tcpdumps see each packet at once: a late one needs a stall of one of them longer
    // than the window (possible on a loaded machine), and then it is counted.
    assert!(summary.late < 10, "{summary:?}");
    let f = out.to_str().unwrap();
    let lines = ok(
        30,
        "tshark",
        &[
            "-r",
            f,
            "-T",
            "fields",
            "-e",
            "frame.time_epoch",
            "-e",
            "frame.interface_description",
        ],
    );
    let mut newest = String::new();
    let mut went_back = 0;
    let mut pods = std::collections::BTreeMap::new();
    for l in lines.lines() {
        let (t, desc) = l.split_once('\t').unwrap();
        // Same integer width: a string comparison is a time comparison.
        if t < newest.as_str() {
            went_back += 1;
        } else {
            newest = t.to_string();
        }
        *pods.entry(desc.to_string()).or_insert(0) += 1;
    }
    // Timestamps never go back except for the packets counted late.
    assert_eq!(went_back, summary.late, "{lines}");
    let want: std::collections::BTreeMap<String, i32> = (0..2)
        .map(|i| {
            (
                format!("k8s.node=node-1;k8s.namespace=default;k8s.podName=web-{i};k8s.containerName=nginx"),
                50,
            )
        })
        .collect();
    assert_eq!(pods, want);
}

/// `-w` naming one of the inputs (also through another path) is refused before anything is
/// written: creating the output truncated that input while its reader might not have read it
/// (its packets were lost, exit 0, in some runs).
#[test]
fn an_output_that_is_an_input_is_refused_and_left_intact() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.pcap");
    let b = dir.path().join("b.pcap");
    let a_bytes = tiny_pcap(&[1, 3]);
    std::fs::write(&a, &a_bytes).unwrap();
    std::fs::write(&b, tiny_pcap(&[2])).unwrap();
    std::os::unix::fs::symlink(&a, dir.path().join("link.pcap")).unwrap();
    for out in [a.clone(), dir.path().join("link.pcap")] {
        let o = run_bounded(
            60,
            bin(),
            &[
                "merge",
                a.to_str().unwrap(),
                b.to_str().unwrap(),
                "-w",
                out.to_str().unwrap(),
            ],
        );
        assert_ne!(o.status.code(), Some(0), "{}", show(&o));
        assert!(stderr(&o).contains("also the input"), "{}", show(&o));
        assert_eq!(std::fs::read(&a).unwrap(), a_bytes, "the input was changed");
    }
}

/// mergecap's default IDB merge mode (-I all): inputs whose interfaces are identical share them.
#[test]
fn identical_interfaces_are_shared_like_mergecap() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (a, b) = (d.join("a.pcap"), d.join("b.pcap"));
    std::fs::write(&a, tiny_pcap(&[1, 3])).unwrap();
    std::fs::write(&b, tiny_pcap(&[2])).unwrap();
    let ids = |out: &Path| {
        ok(
            30,
            "tshark",
            &[
                "-r",
                out.to_str().unwrap(),
                "-T",
                "fields",
                "-e",
                "frame.interface_id",
            ],
        )
    };
    for flags in [&[][..], &["-a"]] {
        let (ours, theirs) = (d.join("ours.pcapng"), d.join("theirs.pcapng"));
        let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
        ok(
            30,
            bin(),
            &[&["merge"], flags, &[a, b, "-w", ours.to_str().unwrap()]].concat(),
        );
        ok(
            30,
            "mergecap",
            &[flags, &["-w", theirs.to_str().unwrap(), a, b]].concat(),
        );
        assert_eq!(ids(&ours), ids(&theirs), "{flags:?}");
    }
}
