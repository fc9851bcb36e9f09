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
    let masked = mask_cpu_times(line.trim_end());
    let mut l = masked.as_str();
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

/// A `-f` trace of several processes, for a comparison where their relative order is up to the
/// scheduler (a parent entering wait4 before or after its child's first call past exec): each
/// task's own lines in its own order, a call split into `<unfinished ...>` and `<... NAME
/// resumed>` joined again, each line through `norm`; the tasks sorted. Only the interleaving of
/// tasks is given up: every task's calls and their order are compared as before.
pub fn per_task(lines: &[String], norm: fn(&str) -> String) -> Vec<Vec<String>> {
    let mut tasks: Vec<(String, Vec<String>)> = Vec::new();
    let mut open: Vec<(String, String)> = Vec::new();
    for line in lines {
        let (pid, text) = match line.split_once(' ') {
            Some((p, rest)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                (p.to_string(), rest.trim_start())
            }
            _ => (String::new(), line.as_str()),
        };
        let whole = if let Some(head) = text.strip_suffix(" <unfinished ...>") {
            open.push((pid, head.to_string()));
            continue;
        } else if let Some(tail) = text
            .strip_prefix("<... ")
            .and_then(|r| r.split_once(" resumed>"))
            .map(|(_, t)| t)
        {
            match open.iter().position(|(p, _)| *p == pid) {
                Some(i) => format!("{}{tail}", open.remove(i).1),
                None => text.to_string(),
            }
        } else {
            text.to_string()
        };
        let i = match tasks.iter().position(|(p, _)| *p == pid) {
            Some(i) => i,
            None => {
                tasks.push((pid.clone(), Vec::new()));
                tasks.len() - 1
            }
        };
        tasks[i].1.push(norm(&whole));
    }
    // A call still open at the end (the task was killed in it) stays as strace left it.
    for (pid, head) in open {
        let line = norm(&format!("{head} <unfinished ...>"));
        match tasks.iter_mut().find(|(p, _)| *p == pid) {
            Some(t) => t.1.push(line),
            None => tasks.push((pid, vec![line])),
        }
    }
    let mut out: Vec<Vec<String>> = tasks.into_iter().map(|(_, l)| l).collect();
    out.sort();
    out
}

/// For an exact comparison: mask only what differs between any two runs of the same program,
/// narrowly. User-space addresses (12 hex digits from 0x5… to 0x7…: stack, heap, mmap and PIE
/// addresses under ASLR) become `0xADDR`; pids and netlink port ids after `si_pid=`, `nl_pid=`
/// and `sigev_notify_thread_id=` become `N`; so do the times a POSIX timer has left (the old
/// value of timer_settime, the value of timer_gettime). Everything else, the column padding
/// included, must be equal.
pub fn mask_varying(line: &str) -> String {
    let mut out = mask_cpu_times(&mask_addresses(line.trim_end()));
    for key in ["si_pid=", "nl_pid=", "sigev_notify_thread_id="] {
        out = mask_numbers_after(&out, key, 0);
    }
    if out.starts_with("timer_gettime(") || out.starts_with("timer_settime(") {
        // Past the new value of timer_settime (`}}, {`), or the whole of timer_gettime.
        let from = if out.starts_with("timer_settime(") {
            out.find("}}, {").unwrap_or(out.len())
        } else {
            0
        };
        out = mask_numbers_after(&out, "tv_sec=", from);
        out = mask_numbers_after(&out, "tv_nsec=", from);
    }
    out
}

/// The CPU time a child used, in a SIGCHLD's (or waitid's) siginfo: `si_utime=1 /* 0.01 s */`
/// and `si_stime=0` become `si_utime=N` and `si_stime=N`. strace adds the seconds comment only
/// for a non-zero tick count, so whether it is there at all differs between two runs.
pub fn mask_cpu_times(l: &str) -> String {
    let mut out = String::with_capacity(l.len());
    let mut rest = l;
    loop {
        let next = ["si_utime=", "si_stime="]
            .iter()
            .filter_map(|k| rest.find(k).map(|i| (i, k.len())))
            .min();
        let Some((i, klen)) = next else { break };
        out.push_str(&rest[..i + klen]);
        rest = &rest[i + klen..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            continue;
        }
        out.push('N');
        rest = &rest[digits..];
        // ` /* 0.01 s */`
        if let Some(tail) = rest.strip_prefix(" /* ") {
            if let Some(end) = tail.find(" s */") {
                if tail[..end].bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    rest = &tail[end + " s */".len()..];
                }
            }
        }
    }
    out.push_str(rest);
    out
}

fn mask_addresses(l: &str) -> String {
    let b = l.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        let digits = b[i..]
            .iter()
            .skip(2)
            .take_while(|c| c.is_ascii_hexdigit())
            .count();
        let boundary = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if boundary
            && b[i..].starts_with(b"0x")
            && digits == 12
            && (b'5'..=b'7').contains(&b[i + 2])
        {
            out.push_str("0xADDR");
            i += 14;
        } else {
            let start = i;
            i += 1;
            while i < b.len() && (b[i] & 0xc0) == 0x80 {
                i += 1;
            }
            out.push_str(&l[start..i]);
        }
    }
    out
}

/// Replace the (possibly negative) number after each `key` at or past byte `from` with `N`.
fn mask_numbers_after(l: &str, key: &str, from: usize) -> String {
    let mut out = String::with_capacity(l.len());
    let mut at = 0;
    while let Some(i) = l[at..].find(key) {
        let end = at + i + key.len();
        out.push_str(&l[at..end]);
        let n = l[end..]
            .char_indices()
            .take_while(|&(j, c)| c.is_ascii_digit() || (j == 0 && c == '-'))
            .count();
        if end >= from && n > 0 {
            out.push('N');
        } else {
            out.push_str(&l[end..end + n]);
        }
        at = end + n;
    }
    out.push_str(&l[at..]);
    out
}

#[test]
fn mask_varying_keeps_values_and_masks_addresses_and_pids() {
    assert_eq!(
        mask_varying("mbind(0x7f8fa61b7000, 4096, MPOL_BIND, [0x00000000000001], 64, 0) = 0"),
        "mbind(0xADDR, 4096, MPOL_BIND, [0x00000000000001], 64, 0) = 0"
    );
    assert_eq!(
        mask_varying("lseek(3, 0, 0xfffffffb /* SEEK_??? */)  = -1 EINVAL"),
        "lseek(3, 0, 0xfffffffb /* SEEK_??? */)  = -1 EINVAL"
    );
    assert_eq!(
        mask_varying("x({nl_pid=-225978745, nl_groups=00000000}) --- {si_pid=25252, si_uid=0}"),
        "x({nl_pid=N, nl_groups=00000000}) --- {si_pid=N, si_uid=0}"
    );
    assert_eq!(
        mask_varying("timer_settime(0, 0, {it_value={tv_sec=5, tv_nsec=5}}, {it_value={tv_sec=99, tv_nsec=9}}) = 0"),
        "timer_settime(0, 0, {it_value={tv_sec=5, tv_nsec=5}}, {it_value={tv_sec=N, tv_nsec=N}}) = 0"
    );
    assert_eq!(
        mask_varying("mkdir(\"/d\", 01777) = -1"),
        "mkdir(\"/d\", 01777) = -1"
    );
}

/// Two runs of the same child: one used a tick of CPU time (strace adds the seconds comment),
/// the other none. Seen flaking `killed_children_and_failed_only_match_strace`.
#[test]
fn cpu_time_comments_of_two_runs_compare_equal() {
    let a = "123 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=124, si_uid=0, si_status=SIGKILL, si_utime=1 /* 0.01 s */, si_stime=0} ---";
    let b = "98 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=99, si_uid=0, si_status=SIGKILL, si_utime=0, si_stime=2 /* 0.02 s */} ---";
    assert_eq!(normalise(a), normalise(b));
    assert_eq!(mask_varying(a), mask_varying(b).replacen("98 ", "123 ", 1));
    assert_eq!(
        mask_varying(a),
        "123 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=N, si_uid=0, si_status=SIGKILL, si_utime=N, si_stime=N} ---"
    );
    // Other comments stay: they are not run-dependent.
    assert_eq!(
        mask_varying("lseek(3, 0, 0xfffffffb /* SEEK_??? */) = -1 EINVAL"),
        "lseek(3, 0, 0xfffffffb /* SEEK_??? */) = -1 EINVAL"
    );
}

/// The same two processes, once with the parent in wait4 before its child's kill and once after.
#[test]
fn per_task_compares_each_process_whatever_the_interleaving() {
    let lines = |text: &str| -> Vec<String> { text.lines().map(str::to_string).collect() };
    let a = lines(
        "10  wait4(-1,  <unfinished ...>\n\
         11  kill(11, SIGKILL)               = ?\n\
         11  +++ killed by SIGKILL +++\n\
         10  <... wait4 resumed>[{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], 0, NULL) = 11\n\
         10  +++ exited with 0 +++",
    );
    let b = lines(
        "20  kill(21, SIGKILL)               = ?\n\
         21  +++ killed by SIGKILL +++\n\
         20  wait4(-1, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], 0, NULL) = 21\n\
         20  +++ exited with 0 +++",
    );
    // (b's pids are deliberately wrong: the kill is the parent's, so the tasks differ.)
    assert_ne!(per_task(&a, normalise), per_task(&b, normalise));
    let b = lines(
        "21  kill(21, SIGKILL)               = ?\n\
         21  +++ killed by SIGKILL +++\n\
         20  wait4(-1, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], 0, NULL) = 21\n\
         20  +++ exited with 0 +++",
    );
    assert_eq!(per_task(&a, normalise), per_task(&b, normalise));
    // Within a task the order still counts.
    let c = lines(
        "21  +++ killed by SIGKILL +++\n\
         21  kill(21, SIGKILL)               = ?\n\
         20  wait4(-1, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], 0, NULL) = 21\n\
         20  +++ exited with 0 +++",
    );
    assert_ne!(per_task(&a, normalise), per_task(&c, normalise));
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
