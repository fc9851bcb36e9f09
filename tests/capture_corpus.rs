//! Printer tests that do not need the installed tcpdump: every pcap of the committed corpus
//! (tests/data/capture/) read by `toolbox capture -r` with `-nn`'s defaults, `-v` and `-e` must
//! print exactly the expected file tcpdump 4.99 printed for it (`scripts/capture-corpus`
//! regenerates the expected files; `--pcaps` the pcaps themselves). The corpus holds crafted
//! DNS, neighbour discovery, MLD and cut-short TCP/UDP/ICMP packets from the seeded generators in
//! tests/, and live loopback DNS, ping and TCP traffic as Ethernet and Linux cooked v2.

mod common;

use std::path::{Path, PathBuf};

use common::{bin, repo, run_bounded, stderr, stdout};

fn corpus() -> Vec<PathBuf> {
    let dir = repo().join("tests/data/capture");
    let mut pcaps: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pcap"))
        .collect();
    pcaps.sort();
    pcaps
}

/// toolbox's `-r` output for `pcap` with `flags`, in UTC like the expected files.
fn toolbox_r(pcap: &Path, flags: &[&str]) -> String {
    let mut args = vec![
        "TZ=UTC",
        bin(),
        "capture",
        "-r",
        pcap.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(flags);
    let o = run_bounded(60, "env", &args);
    assert!(o.status.success(), "{}: {}", pcap.display(), stderr(&o));
    stdout(&o)
}

/// `out` with the HTTP dissection after a TCP line's `length N` cut off, and tcpdump's `-v` HTTP
/// header lines dropped: toolbox prints a one-line hint there by design (as tests/capture.rs).
fn without_http(out: &str) -> String {
    let mut in_http = false;
    let mut lines = Vec::new();
    for line in out.lines() {
        if !line.starts_with('\t') {
            in_http = line.contains(": HTTP");
        } else if in_http {
            continue;
        }
        match line.rfind(", length ").filter(|_| in_http) {
            Some(i) => {
                let digits: String = line[i + 9..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                lines.push(format!("{}, length {digits}", &line[..i]));
            }
            None => lines.push(line.to_string()),
        }
    }
    lines.join("\n")
}

#[test]
fn corpus_lines_match_the_expected_files() {
    let pcaps = corpus();
    assert!(pcaps.len() >= 6, "corpus too small: {pcaps:?}");
    for pcap in &pcaps {
        for (suffix, flags) in [("nn", &[][..]), ("v", &["-v"][..]), ("e", &["-e"][..])] {
            let expected = pcap.with_extension(format!("{suffix}.txt"));
            let want = std::fs::read_to_string(&expected)
                .unwrap_or_else(|e| panic!("{}: {e}", expected.display()));
            assert!(!want.is_empty(), "{} is empty", expected.display());
            similar_asserts::assert_eq!(
                without_http(&want),
                without_http(&toolbox_r(pcap, flags)),
                "{} {flags:?}",
                pcap.display()
            );
        }
    }
}
