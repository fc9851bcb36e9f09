use super::*;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// A classic pcap file: (seconds, fraction, data) records.
fn pcap(be: bool, nanos: bool, linktype: u32, pkts: &[(u32, u32, &[u8])]) -> Vec<u8> {
    let w32 = |b: &mut Vec<u8>, v: u32| {
        b.extend_from_slice(&if be { v.to_be_bytes() } else { v.to_le_bytes() })
    };
    let w16 = |b: &mut Vec<u8>, v: u16| {
        b.extend_from_slice(&if be { v.to_be_bytes() } else { v.to_le_bytes() })
    };
    let mut b = Vec::new();
    w32(&mut b, if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 });
    w16(&mut b, 2);
    w16(&mut b, 4);
    w32(&mut b, 0);
    w32(&mut b, 0);
    w32(&mut b, 65535);
    w32(&mut b, linktype);
    for (s, f, d) in pkts {
        w32(&mut b, *s);
        w32(&mut b, *f);
        w32(&mut b, d.len() as u32);
        w32(&mut b, d.len() as u32);
        b.extend_from_slice(d);
    }
    b
}

/// pcapng writer for tests, either byte order.
struct Ng {
    be: bool,
    b: Vec<u8>,
}

impl Ng {
    fn new(be: bool) -> Ng {
        let mut n = Ng { be, b: Vec::new() };
        n.section();
        n
    }
    fn u32(&self, v: u32) -> [u8; 4] {
        if self.be {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    fn u16(&self, v: u16) -> [u8; 2] {
        if self.be {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    fn block(&mut self, t: u32, body: &[u8]) {
        let total = 12 + body.len() as u32;
        let (a, c) = (self.u32(t), self.u32(total));
        self.b.extend_from_slice(&a);
        self.b.extend_from_slice(&c);
        self.b.extend_from_slice(body);
        self.b.extend_from_slice(&c);
    }
    fn opts(&self, opts: &[(u16, Vec<u8>)]) -> Vec<u8> {
        let mut o = Vec::new();
        for (c, v) in opts {
            o.extend_from_slice(&self.u16(*c));
            o.extend_from_slice(&self.u16(v.len() as u16));
            o.extend_from_slice(v);
            o.resize(o.len().next_multiple_of(4), 0);
        }
        if !opts.is_empty() {
            o.extend_from_slice(&[0; 4]);
        }
        o
    }
    fn section(&mut self) {
        let mut body = Vec::new();
        body.extend_from_slice(&self.u32(BOM));
        body.extend_from_slice(&self.u16(1));
        body.extend_from_slice(&self.u16(0));
        body.extend_from_slice(&[0xff; 8]);
        self.block(SHB, &body);
    }
    fn idb(&mut self, linktype: u16, opts: &[(u16, Vec<u8>)]) {
        let mut body = Vec::new();
        body.extend_from_slice(&self.u16(linktype));
        body.extend_from_slice(&[0, 0]);
        body.extend_from_slice(&self.u32(262_144));
        body.extend_from_slice(&self.opts(opts));
        self.block(1, &body);
    }
    fn epb(&mut self, iface: u32, ts: u64, data: &[u8], opts: &[(u16, Vec<u8>)]) {
        let mut body = Vec::new();
        body.extend_from_slice(&self.u32(iface));
        body.extend_from_slice(&self.u32((ts >> 32) as u32));
        body.extend_from_slice(&self.u32(ts as u32));
        body.extend_from_slice(&self.u32(data.len() as u32));
        body.extend_from_slice(&self.u32(data.len() as u32 + 100));
        body.extend_from_slice(data);
        body.resize(body.len().next_multiple_of(4), 0);
        body.extend_from_slice(&self.opts(opts));
        self.block(6, &body);
    }
}

/// Read back a merged pcapng with the same parser: (interface descriptions, packets as
/// (key, output interface, data, options)).
#[allow(clippy::type_complexity)]
fn read_back(
    bytes: &[u8],
) -> (
    Vec<Option<String>>,
    Vec<(Key, u32, Vec<u8>, Vec<(u16, Vec<u8>)>)>,
) {
    let mut p = Parser::new(Description::Keep);
    let mut batch = Batch::new();
    let (used, _) = p.parse(bytes, &mut batch).unwrap();
    assert_eq!(used, bytes.len(), "output ends on a block boundary");
    p.finish(0).unwrap();
    let mut descs = Vec::new();
    let mut pkts = Vec::new();
    for it in &batch.items {
        let blk = &batch.data[it.start..it.end];
        if it.iface == IDB {
            let opts = p
                .options(&blk[16..blk.len() - 4], false, idb_option)
                .unwrap();
            descs.push(
                opts.iter()
                    .find(|(c, _)| *c == 3)
                    .map(|(_, v)| String::from_utf8(v.clone()).unwrap()),
            );
        } else {
            let caplen = u32::from_le_bytes(blk[20..24].try_into().unwrap()) as usize;
            let opts = p
                .options(
                    &blk[28 + caplen.next_multiple_of(4)..blk.len() - 4],
                    false,
                    epb_option,
                )
                .unwrap();
            pkts.push((it.key, it.iface, blk[28..28 + caplen].to_vec(), opts));
        }
    }
    (descs, pkts)
}

fn run(inputs: Vec<Input>, order: Order) -> (Summary, Vec<u8>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.pcapng");
    let opts = Options {
        order,
        format: Format::Pcapng,
        stop: None,
    };
    let mut events = Vec::new();
    let s = merge(inputs, &out, &opts, &mut |r| {
        events.push(format!("{} {:?}", r.label, r.outcome))
    })
    .unwrap();
    (s, std::fs::read(&out).unwrap(), events)
}

fn input(label: &str, bytes: Vec<u8>) -> Input {
    Input::new(label, Box::new(io::Cursor::new(bytes)))
}

#[test]
fn pcap_and_big_endian_pcapng_merge_in_time_order_with_exact_timestamps() {
    let a = pcap(false, false, 1, &[(10, 500_000, b"a1"), (12, 0, b"a2")]);
    let b = pcap(true, true, 1, &[(11, 999_999_999, b"b1")]);
    let mut c = Ng::new(true);
    c.idb(
        1,
        &[(2, b"eth9".to_vec()), (3, b"own".to_vec()), (9, vec![9])],
    );
    c.idb(113, &[(9, vec![3])]);
    // 10.7 s in ns on interface 0, 11.5 s in ms on interface 1 with a comment.
    c.epb(
        0,
        10_700_000_000,
        b"c1",
        &[(2, 1u32.to_be_bytes().to_vec())],
    );
    c.epb(1, 11_500, b"c2", &[(1, b"hello".to_vec())]);
    let mut inputs = vec![input("a", a), input("b", b), input("c", c.b)];
    inputs[1].description = Description::Replace("k8s.podName=b".into());
    inputs[2].description = Description::Append("pod c".into());
    let (s, out, events) = run(inputs, Order::Files);
    assert_eq!(s.packets, 5);
    assert_eq!(s.late, 0);
    assert!(!s.any_failed(), "{events:?}");
    let (descs, pkts) = read_back(&out);
    assert_eq!(
        descs,
        vec![
            None,
            Some("k8s.podName=b".into()),
            Some("own; pod c".into()),
            Some("pod c".into())
        ]
    );
    let order: Vec<&[u8]> = pkts.iter().map(|p| p.2.as_slice()).collect();
    assert_eq!(order, [b"a1", b"c1", b"c2", b"b1", b"a2"]);
    assert_eq!(
        pkts[1].3,
        vec![(2, 1u32.to_le_bytes().to_vec())],
        "flags swapped"
    );
    assert_eq!(pkts[2].3, vec![(1, b"hello".to_vec())], "comment kept");
    assert_eq!(pkts[3].0, key_of(11, 999_999_999), "ns pcap exact");
    assert_eq!(pkts[2].0, key_of(11, 500_000_000), "ms resolution exact");
    assert_eq!(
        pkts.iter().map(|p| p.1).collect::<Vec<_>>(),
        [0, 2, 3, 1, 0]
    );
}

#[test]
fn equal_timestamps_go_to_the_later_input_first_like_mergecap() {
    let a = pcap(false, false, 1, &[(100, 0, b"A"), (200, 0, b"a")]);
    let b = pcap(false, false, 1, &[(100, 0, b"B"), (200, 0, b"b")]);
    let c = pcap(false, false, 1, &[(100, 0, b"C")]);
    let (_, out, _) = run(
        vec![input("a", a), input("b", b), input("c", c)],
        Order::Files,
    );
    let (_, pkts) = read_back(&out);
    let order: Vec<&[u8]> = pkts.iter().map(|p| p.2.as_slice()).collect();
    assert_eq!(order, [b"C", b"B", b"A", b"b", b"a"]);
}

#[test]
fn concatenate_keeps_input_order() {
    let a = pcap(false, false, 1, &[(200, 0, b"a")]);
    let b = pcap(false, false, 1, &[(100, 0, b"b")]);
    let (s, out, _) = run(vec![input("a", a), input("b", b)], Order::Concatenate);
    let (_, pkts) = read_back(&out);
    assert_eq!(pkts[0].2, b"a");
    assert_eq!(pkts[1].2, b"b");
    assert_eq!(s.late, 1);
}

#[test]
fn a_garbage_or_truncated_input_is_reported_and_the_others_go_on() {
    let good = pcap(false, false, 1, &[(1, 0, b"g1"), (3, 0, b"g2")]);
    let mut cut = pcap(false, false, 1, &[(2, 0, b"c1"), (4, 0, b"c2")]);
    cut.truncate(cut.len() - 1);
    let garbage = b"GET / HTTP/1.1\r\n\r\n".to_vec();
    let (s, out, events) = run(
        vec![
            input("good", good),
            input("cut", cut),
            input("junk", garbage),
        ],
        Order::Files,
    );
    assert_eq!(s.packets, 3, "{events:?}");
    assert!(s.any_failed());
    let msg = |i: usize| match &s.inputs[i].outcome {
        Outcome::Failed(e) => e.to_string(),
        o => format!("{o:?}"),
    };
    assert_eq!(
        msg(1),
        "cut short at byte 42 in the middle of a packet record"
    );
    assert!(
        msg(2).starts_with("not a pcap or pcapng file"),
        "{}",
        msg(2)
    );
    assert!(matches!(s.inputs[0].outcome, Outcome::Ended));
    let (_, pkts) = read_back(&out);
    assert_eq!(pkts.len(), 3);
}

#[test]
fn hostile_lengths_are_errors_not_allocations() {
    let mut ng = Ng::new(false);
    ng.idb(1, &[]);
    // A block claiming 1 GiB.
    ng.b.extend_from_slice(&6u32.to_le_bytes());
    ng.b.extend_from_slice(&(1u32 << 30).to_le_bytes());
    ng.b.extend_from_slice(&[0; 64]);
    let mut p = pcap(false, false, 1, &[]);
    p.extend_from_slice(&[0; 8]);
    p.extend_from_slice(&u32::MAX.to_le_bytes());
    p.extend_from_slice(&[0; 4]);
    let mut bad_iface = Ng::new(false);
    bad_iface.idb(1, &[]);
    bad_iface.epb(7, 0, b"x", &[]);
    let mut bad_opt = Ng::new(false);
    bad_opt.idb(1, &[]);
    bad_opt.epb(0, 0, b"x", &[(1, b"abcd".to_vec())]);
    let n = bad_opt.b.len();
    // The comment option claims 255 bytes.
    bad_opt.b[n - 16..n - 12].copy_from_slice(&[1, 0, 0xff, 0]);
    let (s, _, _) = run(
        vec![
            input("ng", ng.b),
            input("pcap", p),
            input("iface", bad_iface.b),
            input("opt", bad_opt.b),
        ],
        Order::Files,
    );
    let msgs: Vec<String> = s
        .inputs
        .iter()
        .map(|r| match &r.outcome {
            Outcome::Failed(e) => e.to_string(),
            o => format!("{o:?}"),
        })
        .collect();
    assert!(msgs[0].contains("block of 1073741824 bytes"), "{msgs:?}");
    assert!(
        msgs[1].contains("packet record of 4294967295 bytes"),
        "{msgs:?}"
    );
    assert!(msgs[2].contains("interface 7"), "{msgs:?}");
    assert!(msgs[3].contains("option"), "{msgs:?}");
}

/// A reader fed from a channel: blocks like a pipe until data or the end comes.
struct Chan(mpsc::Receiver<Vec<u8>>, Vec<u8>);

impl Read for Chan {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.1.is_empty() {
            match self.0.recv() {
                Ok(v) => self.1 = v,
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.1.len());
        buf[..n].copy_from_slice(&self.1[..n]);
        self.1.drain(..n);
        Ok(n)
    }
}

#[test]
fn live_order_waits_at_most_the_window_for_a_silent_input_and_counts_late_packets() {
    let (tx_a, rx_a) = mpsc::channel();
    let (tx_b, rx_b) = mpsc::channel();
    tx_a.send(pcap(false, false, 1, &[(10, 0, b"a1")])).unwrap();
    tx_b.send(pcap(false, false, 1, &[])).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("live.pcapng");
    let out2 = out.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let t = std::thread::spawn(move || {
        let opts = Options {
            order: Order::Live {
                window: Duration::from_millis(200),
            },
            format: Format::Pcapng,
            stop: Some(stop2),
        };
        let inputs = vec![
            Input::new("a", Box::new(Chan(rx_a, Vec::new()))),
            Input::new("b", Box::new(Chan(rx_b, Vec::new()))),
        ];
        merge(inputs, &out2, &opts, &mut |_| {}).unwrap()
    });
    // b is silent: a1 is written after the window, without b.
    std::thread::sleep(Duration::from_millis(700));
    let (_, pkts) = read_back(&std::fs::read(&out).unwrap());
    assert_eq!(pkts.len(), 1, "written after the window");
    // b's packet older than a1 arrives late: written anyway, counted.
    let rec = &pcap(false, false, 1, &[(5, 0, b"b1")])[24..];
    tx_b.send(rec.to_vec()).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    // Ctrl-C while both inputs are still open ends the merge with a valid file.
    stop.store(true, AtomicOrdering::SeqCst);
    let s = t.join().unwrap();
    assert!(s.stopped);
    assert_eq!(s.packets, 2);
    assert_eq!(s.late, 1);
    assert!(s.inputs.iter().all(|r| matches!(r.outcome, Outcome::Open)));
    let (_, pkts) = read_back(&std::fs::read(&out).unwrap());
    assert_eq!(pkts.len(), 2);
    drop((tx_a, tx_b));
}

#[test]
fn live_order_is_exact_when_every_input_has_a_packet_queued() {
    let a = pcap(false, false, 1, &[(1, 0, b"a1"), (3, 0, b"a3")]);
    let b = pcap(false, false, 1, &[(2, 0, b"b2"), (4, 0, b"b4")]);
    let (s, out, _) = run(
        vec![input("a", a), input("b", b)],
        Order::Live {
            window: Duration::from_secs(10),
        },
    );
    let (_, pkts) = read_back(&out);
    let order: Vec<&[u8]> = pkts.iter().map(|p| p.2.as_slice()).collect();
    assert_eq!(order, [b"a1", b"b2", b"a3", b"b4"]);
    assert_eq!(s.late, 0);
}

#[test]
fn several_sections_and_binary_resolution() {
    let mut ng = Ng::new(false);
    ng.idb(1, &[(9, vec![0x80 | 20])]); // 2^-20 s
    ng.epb(0, 3 << 20 | 1 << 19, b"s1", &[]); // 3.5 s
    ng.section();
    ng.idb(1, &[(2, b"second".to_vec())]);
    ng.epb(0, 4_000_000, b"s2", &[]);
    let (s, out, _) = run(vec![input("ng", ng.b)], Order::Files);
    assert_eq!(s.packets, 2);
    let (_, pkts) = read_back(&out);
    assert_eq!(pkts[0].0, key_of(3, 500_000_000));
    assert_eq!((pkts[1].0, pkts[1].1), (key_of(4, 0), 1));
}

#[test]
fn k8s_description_follows_inspektor_gadget() {
    assert_eq!(
        k8s_description("default", "web-7d9f", "nginx", "node-1"),
        "k8s.node=node-1;k8s.namespace=default;k8s.podName=web-7d9f;k8s.containerName=nginx"
    );
    assert_eq!(
        k8s_description("a b", "x;y=z", "é", "n/1"),
        "k8s.node=n%2F1;k8s.namespace=a+b;k8s.podName=x%3By%3Dz;k8s.containerName=%C3%A9"
    );
}

#[test]
fn obsolete_packet_blocks_and_simple_packet_blocks_become_enhanced_ones() {
    let mut ng = Ng::new(true);
    ng.idb(1, &[]);
    // Packet Block (type 2): interface u16, drops u16, timestamp, lengths, data, a comment.
    let mut pb = Vec::new();
    pb.extend_from_slice(&ng.u16(0));
    pb.extend_from_slice(&ng.u16(3));
    pb.extend_from_slice(&ng.u32(0));
    pb.extend_from_slice(&ng.u32(7_000_000));
    pb.extend_from_slice(&ng.u32(3));
    pb.extend_from_slice(&ng.u32(3));
    pb.extend_from_slice(b"pb\0\0");
    pb.extend_from_slice(&ng.opts(&[(1, b"old".to_vec())]));
    ng.block(2, &pb);
    // Simple Packet Block (type 3): original length, data; no timestamp.
    let mut spb = Vec::new();
    spb.extend_from_slice(&ng.u32(5));
    spb.extend_from_slice(b"spb12\0\0\0");
    ng.block(3, &spb);
    let (s, out, events) = run(vec![input("old", ng.b)], Order::Files);
    assert_eq!(s.packets, 2, "{events:?}");
    let (_, pkts) = read_back(&out);
    assert_eq!(pkts[0].2, b"pb\0");
    assert_eq!(pkts[0].0, key_of(7, 0));
    assert_eq!(pkts[0].3, vec![(1, b"old".to_vec())]);
    assert_eq!(pkts[1].2, b"spb12");
}

/// Deterministic xorshift for the fuzz-style tests (no new crates).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Seeds with every block kind and option layout the parser knows, both byte orders.
fn fuzz_seeds() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for be in [false, true] {
        let mut ng = Ng::new(be);
        ng.idb(
            1,
            &[
                (2, b"eth0".to_vec()),
                (3, b"desc".to_vec()),
                (9, vec![0x86]),
                (14, 5u64.to_le_bytes().to_vec()),
                (2988, b"PEN!xyz".to_vec()),
            ],
        );
        ng.idb(113, &[(9, vec![9])]);
        ng.epb(0, 1 << 40, b"hello", &[(1, b"c".to_vec()), (2, vec![0; 4])]);
        ng.epb(1, 3_000_000_000, b"x", &[(4, vec![1; 8])]);
        let mut pb = Vec::new();
        pb.extend_from_slice(&ng.u16(1));
        pb.extend_from_slice(&ng.u16(0));
        pb.extend_from_slice(&ng.u32(0));
        pb.extend_from_slice(&ng.u32(9));
        pb.extend_from_slice(&ng.u32(2));
        pb.extend_from_slice(&ng.u32(2));
        pb.extend_from_slice(b"pb\0\0");
        ng.block(2, &pb);
        let mut spb = Vec::new();
        spb.extend_from_slice(&ng.u32(3));
        spb.extend_from_slice(b"spb\0");
        ng.block(3, &spb);
        ng.block(4, &[0; 8]);
        ng.section();
        ng.idb(1, &[]);
        ng.epb(0, 7, b"second", &[]);
        seeds.push(ng.b);
        seeds.push(pcap(be, be, 1, &[(1, 2, b"ab"), (3, 4, b"")]));
    }
    seeds
}

/// One mutation: bytes flipped, 32-bit fields set to lengths and magics that bite, cuts.
fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    const WORDS: [u32; 14] = [
        0,
        1,
        4,
        12,
        0x7f,
        0xff,
        0x86,
        0x7fff_ffff,
        0xffff_ffff,
        0x0a0d_0d0a,
        0x1a2b_3c4d,
        0x4d3c_2b1a,
        0x1000_0000,
        0x00ff_fff0,
    ];
    for _ in 0..1 + rng.below(4) {
        if b.is_empty() {
            break;
        }
        let at = rng.below(b.len());
        match rng.below(5) {
            0 => b[at] ^= 1 << rng.below(8),
            1 => b[at] = rng.next() as u8,
            2 if at + 4 <= b.len() => {
                let w = WORDS[rng.below(WORDS.len())];
                let w = if rng.below(2) == 0 {
                    w.to_le_bytes()
                } else {
                    w.to_be_bytes()
                };
                b[at..at + 4].copy_from_slice(&w);
            }
            3 => b.truncate(at),
            _ => b.insert(at, rng.next() as u8),
        }
    }
    b
}

/// Feed `bytes` to a parser in chunks the way `read_input` does; the batch's size is returned.
fn parse_in_chunks(rng: &mut Rng, bytes: &[u8]) -> usize {
    let mut p = Parser::new(Description::Append("pod".into()));
    let mut batch = Batch::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut fed = 0;
    let mut most = 0;
    while fed < bytes.len() {
        let n = (1 + rng.below(64)).min(bytes.len() - fed);
        buf.extend_from_slice(&bytes[fed..fed + n]);
        fed += n;
        match p.parse(&buf, &mut batch) {
            Ok((used, need)) => {
                assert!(used <= buf.len());
                assert!(need <= MAX_BLOCK + 24, "asks for {need} bytes");
                buf.drain(..used);
            }
            Err(_) => return batch.data.len(),
        }
        most = most.max(batch.data.len());
    }
    let _ = p.finish(buf.len());
    most
}

#[test]
fn fuzz_mutated_inputs_never_panic_and_stay_bounded() {
    let seeds = fuzz_seeds();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..4000 {
        let seed = &seeds[round % seeds.len()];
        let bytes = mutate(&mut rng, seed);
        let made = parse_in_chunks(&mut rng, &bytes);
        // Output blocks are the input's plus at most a description and rounding per block.
        assert!(
            made <= 4 * bytes.len() + 4096,
            "round {round}: {made} bytes from {}",
            bytes.len()
        );
    }
}

#[test]
fn fuzz_mutated_inputs_through_the_whole_merge() {
    let seeds = fuzz_seeds();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let dir = tempfile::tempdir().unwrap();
    for round in 0..200 {
        let inputs: Vec<Input> = (0..3)
            .map(|k| {
                let seed = &seeds[rng.below(seeds.len())];
                input(&format!("in{k}"), mutate(&mut rng, seed))
            })
            .collect();
        let format = if round % 2 == 0 {
            Format::Pcapng
        } else {
            Format::Pcap
        };
        let order = [Order::Files, Order::Concatenate][round % 4 / 2];
        let opts = Options {
            order,
            format,
            stop: None,
        };
        let out = dir.path().join("out");
        // Link types may differ (an error for pcap output); neither panics nor hangs.
        let _ = merge(inputs, &out, &opts, &mut |_| {});
    }
}

#[test]
fn identical_interfaces_are_written_once_like_mergecap() {
    // Two tcpdump-like files of one link type: one interface, as mergecap's default -I all.
    let a = pcap(false, false, 1, &[(1, 0, b"a1"), (3, 0, b"a3")]);
    let b = pcap(false, false, 1, &[(2, 0, b"b2")]);
    for order in [Order::Files, Order::Concatenate] {
        let (s, out, _) = run(vec![input("a", a.clone()), input("b", b.clone())], order);
        assert_eq!(s.packets, 3);
        let (descs, pkts) = read_back(&out);
        assert_eq!(descs.len(), 1, "{order:?}");
        assert!(pkts.iter().all(|p| p.1 == 0), "{order:?}");
    }
    // A different interface (link type) keeps one per input.
    let c = pcap(false, false, 113, &[(2, 0, b"c2")]);
    let (_, out, _) = run(vec![input("a", a), input("c", c)], Order::Files);
    let (descs, pkts) = read_back(&out);
    assert_eq!(descs.len(), 2);
    let ifaces: Vec<u32> = pkts.iter().map(|p| p.1).collect();
    assert_eq!(ifaces, [0, 1, 0]);
}
