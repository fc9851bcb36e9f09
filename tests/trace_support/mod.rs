//! Helpers shared by the trace tests: normalising strace-format lines for comparison, and
//! starting a tracer whose stderr lines arrive on a channel.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

/// Spawn `cmd` with stdin and stdout closed and its stderr lines forwarded to a channel, so a
/// test can wait for a line (e.g. "attached") and keep reading afterwards.
pub fn spawn_with_stderr_lines(cmd: &mut Command) -> (Child, mpsc::Receiver<String>) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let (tx, rx) = mpsc::channel();
    let err = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// Normalise a trace line so that toolbox's and strace's runs compare: drop the pid prefix
/// (`[pid N] ` on a terminal, `N ` with `-f -o FILE`), replace addresses and numbers that differ
/// between runs (pids, ports, fds, pointers, timestamps inside strings) and collapse the column
/// padding before `=` (its width depends on those numbers). Digits that are part of a name
/// (`accept4`, `SIGUSR1`) are kept.
pub fn normalise(line: &str) -> String {
    let mut l = line.trim_end();
    if l.starts_with("[pid ") {
        if let Some(i) = l.find("] ") {
            l = &l[i + 2..];
        }
    } else if let Some((pid, rest)) = l.split_once(' ') {
        if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) {
            l = rest;
        }
    }
    let mut out = String::new();
    let b = l.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let in_name = i > 0 && (b[i - 1].is_ascii_alphabetic() || b[i - 1] == b'_');
        if b[i] == b'0' && b.get(i + 1) == Some(&b'x') && !in_name {
            out.push_str("0xADDR");
            i += 2;
            while i < b.len() && b[i].is_ascii_hexdigit() {
                i += 1;
            }
        } else if b[i].is_ascii_digit() && !in_name {
            out.push('N');
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        } else {
            let start = i;
            i += 1;
            while i < b.len() && (b[i] & 0xc0) == 0x80 {
                i += 1;
            }
            out.push_str(&String::from_utf8_lossy(&b[start..i]));
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn normalise_keeps_names_and_drops_numbers() {
    assert_eq!(
        normalise("1234  accept4(6, {sin_port=htons(33154)}, [112 => 16], SOCK_NONBLOCK)     = 3"),
        "accept4(N, {sin_port=htons(N)}, [N => N], SOCK_NONBLOCK) = N"
    );
    assert_eq!(
        normalise("[pid    12] kill(7, SIGUSR1) = 0"),
        "kill(N, SIGUSR1) = N"
    );
    assert_eq!(normalise("mmap(0x7f00ab, 4096)"), "mmap(0xADDR, N)");
}
