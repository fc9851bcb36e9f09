//! `toolbox ps` against the real `ps` (procps) and `/proc`, on the host and in the real test pod in
//! both PID modes: PIDs, PPIDs, users, commands, the tree, and the pause/target/toolbox markers.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command, Stdio};

use common::{assert_clean_error, json, ns_pid, stdout, PidMode, Pod};
use serde_json::Value;

/// Real `ps` must exist; under CI its absence fails the test, elsewhere it is a loud skip.
fn require_ps() -> bool {
    let ok = Command::new("ps")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            panic!("CI=true and `ps` (procps) is missing: run scripts/setup");
        }
        eprintln!("\n*** SKIPPED: needs `ps` from procps (apt-get install procps) ***\n");
    }
    ok
}

/// Sleeping children that are killed (by PID) and reaped when the test ends, even on failure.
struct Sleepers(Vec<Child>);

impl Sleepers {
    fn spawn(n: usize) -> Sleepers {
        Sleepers(
            (0..n)
                .map(|i| {
                    Command::new("sleep")
                        .arg(format!("{}", 300 + i))
                        .stdin(Stdio::null())
                        .spawn()
                        .expect("spawn sleep")
                })
                .collect(),
        )
    }

    fn pids(&self) -> Vec<i64> {
        self.0.iter().map(|c| c.id() as i64).collect()
    }
}

impl Drop for Sleepers {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn toolbox(args: &[&str]) -> std::process::Output {
    common::run_bounded(60, common::bin(), args)
}

/// `ps -e -o pid=,ppid=,euid=,euser:64=,comm=` as pid → (ppid, euid, euser, comm).
fn real_ps() -> BTreeMap<i64, (i64, i64, String, String)> {
    let out = common::run_bounded(60, "ps", &["-e", "-o", "pid=,ppid=,euid=,euser:64=,comm="]);
    assert!(out.status.success());
    stdout(&out)
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let pid = f.next()?.parse().ok()?;
            let ppid = f.next()?.parse().ok()?;
            let euid = f.next()?.parse().ok()?;
            let user = f.next()?.to_string();
            let comm = f.collect::<Vec<_>>().join(" ");
            Some((pid, (ppid, euid, user, comm)))
        })
        .collect()
}

/// `ps -e -o pid=,args=` for the command lines, and `ps axf` order and depth.
fn real_ps_args(forest: bool) -> Vec<(i64, String)> {
    let mut args = vec!["-ww", "-e", "-o", "pid=,args="];
    if forest {
        args.insert(0, "f");
        args.retain(|a| *a != "-e");
        args.insert(0, "ax");
    }
    let out = common::run_bounded(60, "ps", &args);
    assert!(out.status.success(), "{}", common::stderr(&out));
    stdout(&out)
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            // ps separates columns by one space: the rest is the args column, tree drawing included.
            let (pid, rest) = l.split_once(' ')?;
            Some((pid.parse().ok()?, rest.to_string()))
        })
        .collect()
}

fn rows(v: &Value) -> &Vec<Value> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v:#}"))
}

fn stat_field(pid: i64, n: usize) -> Option<i64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &s[s.rfind(')')? + 1..];
    rest.split_whitespace().nth(n - 3)?.parse().ok()
}

/// Processes present in both reference snapshots taken around toolbox's run (same start time).
fn stable(
    before: &BTreeMap<i64, (i64, i64, String, String)>,
    after: &BTreeMap<i64, (i64, i64, String, String)>,
) -> BTreeSet<i64> {
    before
        .iter()
        .filter(|(pid, v)| after.get(pid) == Some(v))
        .map(|(pid, _)| *pid)
        .collect()
}

#[test]
fn json_pids_ppids_users_commands_match_real_ps_and_proc() {
    if !require_ps() {
        return;
    }
    // Enough processes that toolbox reads /proc on several threads (it does above 512).
    let sleepers = Sleepers::spawn(600);
    let before = real_ps();
    let out = toolbox(&["ps", "-o", "json"]);
    let after = real_ps();
    let v = json(&out);
    let order: Vec<i64> = rows(&v).iter().filter_map(|r| r["pid"].as_i64()).collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "not in PID order: {order:?}"
    );
    let ours: BTreeMap<i64, &Value> = rows(&v)
        .iter()
        .map(|r| (r["pid"].as_i64().expect("pid is a number"), r))
        .collect();
    let stable = stable(&before, &after);
    assert!(stable.len() >= 600, "{stable:?}");
    let my_mnt = std::fs::read_link("/proc/self/ns/mnt").ok();
    for pid in &stable {
        let r = ours.get(pid).unwrap_or_else(|| {
            panic!("PID {pid} is listed by ps before and after but not by toolbox")
        });
        let (ppid, euid, user, comm) = &before[pid];
        assert_eq!(r["ppid"].as_i64(), Some(*ppid), "PPID of {pid}: {r}");
        assert_eq!(r["uid"].as_i64(), Some(*euid), "UID of {pid}: {r}");
        // A kernel worker's comm carries its current workqueue (kworker/0:1-events, then
        // kworker/0:1-events_power_efficient) and can change between any two reads.
        if r["role"] != "kernel-thread" {
            assert_eq!(
                r["comm"].as_str(),
                Some(comm.as_str()),
                "comm of {pid}: {r}"
            );
        }
        // Names come from each process's own container; for processes in this (the test's) mount
        // namespace that is the same /etc/passwd ps reads.
        let mnt = std::fs::read_link(format!("/proc/{pid}/ns/mnt")).ok();
        if mnt.is_some() && mnt == my_mnt {
            assert_eq!(
                r["user"].as_str(),
                Some(user.as_str()),
                "USER of {pid}: {r}"
            );
        }
    }
    // Command lines of the known workload, exactly as ps prints them.
    let args: BTreeMap<i64, String> = real_ps_args(false).into_iter().collect();
    for pid in sleepers.pids() {
        let r = ours.get(&pid).expect("sleeper listed");
        assert_eq!(
            r["command"].as_str(),
            args.get(&pid).map(String::as_str),
            "{r}"
        );
        assert_eq!(r["ppid"].as_i64(), Some(std::process::id() as i64), "{r}");
        assert_eq!(r["ppid"].as_i64(), stat_field(pid, 4), "PPID vs /proc: {r}");
        assert_eq!(r["stat"].as_str().map(|s| &s[..1]), Some("S"), "{r}");
    }
}

#[test]
fn json_parses_with_python_json_tool() {
    let mut tb = Command::new(common::bin())
        .args(["ps", "-o", "json"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("run toolbox");
    let py = Command::new("python3")
        .args(["-m", "json.tool"])
        .stdin(tb.stdout.take().expect("piped"))
        .stdout(Stdio::null())
        .status();
    assert!(
        tb.wait().is_ok_and(|s| s.success()),
        "toolbox ps -o json failed"
    );
    match py {
        Ok(s) => assert!(
            s.success(),
            "python3 -m json.tool rejected toolbox ps -o json"
        ),
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                panic!("CI=true and python3 is missing: {e}");
            }
            eprintln!("\n*** SKIPPED: needs python3 ({e}) ***\n");
        }
    }
}

/// Depth of a tree-drawn command: ps and toolbox both indent 4 columns per level before ` \_ `.
fn depth(cmd: &str) -> usize {
    cmd.find("\\_ ").map_or(0, |i| (i + 1) / 4 + 1)
}

#[test]
fn tree_order_and_depth_match_ps_axf() {
    if !require_ps() {
        return;
    }
    let sleepers = Sleepers::spawn(2);
    let before = real_ps();
    let ours = stdout(&toolbox(&["ps", "--tree", "-w", "-o", "pid,command"]));
    let theirs = real_ps_args(true);
    let after = real_ps();
    let stable = stable(&before, &after);
    // A process's depth depends on its whole ancestry: compare only processes whose every
    // ancestor was also unchanged across the run (a parent exiting mid-test reparents its kids).
    let stable: BTreeSet<i64> = stable
        .iter()
        .copied()
        .filter(|&p| {
            let mut cur = p;
            for _ in 0..64 {
                match before.get(&cur) {
                    Some((pp, ..)) if *pp == 0 || *pp == cur => return true,
                    Some((pp, ..)) if stable.contains(pp) => cur = *pp,
                    _ => return false,
                }
            }
            false
        })
        .collect();
    let ours: Vec<(i64, usize)> = ours
        .lines()
        .skip(1)
        .filter_map(|l| {
            let l = l.trim_start();
            let (pid, rest) = l.split_once(' ')?;
            Some((pid.parse().ok()?, depth(rest)))
        })
        .filter(|(p, _)| stable.contains(p))
        .collect();
    // One deliberate difference: procps draws the children of PID 1 at PID 1's own level;
    // toolbox indents them (with `--target` PID 1 is the app, and its workers belong under it).
    let under_init = |mut p: i64| {
        for _ in 0..64 {
            match before.get(&p) {
                Some((1, ..)) => return true,
                Some((pp, ..)) if *pp != p => p = *pp,
                _ => return false,
            }
        }
        false
    };
    let theirs: Vec<(i64, usize)> = theirs
        .into_iter()
        .filter(|(p, _)| stable.contains(p))
        .map(|(p, cmd)| (p, depth(&cmd) + usize::from(under_init(p))))
        .collect();
    // Two empty lists would agree too: the known workload must be in the comparison, nested
    // below this test process.
    for pid in sleepers.pids() {
        let depth = theirs.iter().find(|(p, _)| *p == pid).map(|(_, d)| *d);
        assert!(
            depth.is_some_and(|d| d >= 1),
            "sleeper {pid} not compared (depth {depth:?}); stable: {stable:?}"
        );
    }
    similar_asserts::assert_eq!(ours, theirs);
}

#[test]
fn columns_sort_and_errors() {
    let out = toolbox(&["ps", "-o", "pid,ppid,comm", "--sort=-pid"]);
    assert!(out.status.success());
    let text = stdout(&out);
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(header, ["PID", "PPID", "COMMAND"]);
    let pids: Vec<i64> = lines
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    assert!(
        pids.len() > 2 && pids.windows(2).all(|w| w[0] > w[1]),
        "{pids:?}"
    );

    // `-o pid=` prints no header, like ps: every line is a PID.
    let bare = stdout(&toolbox(&["ps", "-o", "pid="]));
    assert!(bare.lines().count() > 2);
    assert!(
        bare.lines().all(|l| l.trim().parse::<i64>().is_ok()),
        "{bare}"
    );

    for bad in [
        &["ps", "-o", "pid,nonsense"][..],
        &["ps", "--sort", "bogus"],
        &["ps", "qqq"],
        &["inspect", "2147483647"],
        &["ps", "-p", "2147483647"],
    ] {
        let o = toolbox(bad);
        assert_clean_error(&o);
    }
    // ps needs no target: a --pid that names none is noted, not an error (README, "Exit codes").
    let o = toolbox(&["ps", "--pid", "2147483647"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    assert!(
        common::stderr(&o).contains("no target chosen (no process with PID 2147483647"),
        "{}",
        common::stderr(&o)
    );
}

#[test]
fn threads_listed_with_l() {
    if !require_ps() {
        return;
    }
    // A process with a known, stable set of threads: python with three sleeping threads.
    let child = Command::new("python3")
        .args([
            "-c",
            "import threading,time,sys\n\
             ts=[threading.Thread(target=time.sleep,args=(60,)) for _ in range(3)]\n\
             [t.start() for t in ts]\nprint('ready',flush=True)\ntime.sleep(60)",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => Sleepers(vec![c]),
        Err(e) => panic!("python3 is needed (scripts/setup installs it): {e}"),
    };
    {
        use std::io::BufRead;
        let out = child.0[0].stdout.take().expect("piped");
        let mut line = String::new();
        let _ = std::io::BufReader::new(out).read_line(&mut line);
        assert_eq!(line.trim(), "ready");
    }
    let pid = child.0[0].id().to_string();
    let v = json(&toolbox(&[
        "ps",
        "-L",
        "-p",
        &pid,
        "--json",
        "-o",
        "pid,lwp,comm",
    ]));
    let ours: BTreeSet<i64> = rows(&v)
        .iter()
        .map(|r| r["tid"].as_i64().expect("tid"))
        .collect();
    let real = common::run_bounded(60, "ps", &["-L", "-p", &pid, "-o", "lwp="]);
    let theirs: BTreeSet<i64> = stdout(&real)
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    assert_eq!(theirs.len(), 4, "main thread and three others: {theirs:?}");
    assert_eq!(ours, theirs);
    assert!(rows(&v)
        .iter()
        .all(|r| r["pid"].as_i64() == pid.parse().ok()));
}

// --- in the test pod --------------------------------------------------------------------------

fn find(v: &Value, pred: impl Fn(&Value) -> bool) -> Option<&Value> {
    rows(v).iter().find(|r| pred(r))
}

fn cmd_contains(r: &Value, s: &str) -> bool {
    r["command"].as_str().is_some_and(|c| c.contains(s))
}

fn check_pod(mode: PidMode, caps: &[&str]) {
    let pod = Pod::up(mode);
    let v = json(&pod.toolbox(caps, &["ps", "-o", "json"]));
    let ctx = format!("{mode:?} {caps:?}: {v:#}");
    let master = find(&v, |r| cmd_contains(r, "nginx: master"))
        .unwrap_or_else(|| panic!("no master: {ctx}"));
    let worker = find(&v, |r| cmd_contains(r, "nginx: worker"))
        .unwrap_or_else(|| panic!("no worker: {ctx}"));
    let me =
        find(&v, |r| cmd_contains(r, "/toolbox ps")).unwrap_or_else(|| panic!("no toolbox: {ctx}"));
    // PIDs and PPIDs equal what the host's /proc says about the same processes.
    assert_eq!(
        master["pid"].as_i64(),
        Some(ns_pid(pod.nginx_pid())),
        "{ctx}"
    );
    assert_eq!(
        worker["pid"].as_i64(),
        Some(ns_pid(pod.worker_pid())),
        "{ctx}"
    );
    assert_eq!(worker["ppid"], master["pid"], "{ctx}");
    // The markers and the target's user names.
    assert_eq!(master["role"], "target", "{ctx}");
    assert_eq!(master["user"], "root", "{ctx}");
    assert_eq!(worker["role"], "target-container", "{ctx}");
    assert_eq!(worker["user"], "nginx", "{ctx}");
    assert_eq!(worker["uid"], 101, "{ctx}");
    assert_eq!(me["role"], "toolbox", "{ctx}");
    match mode {
        PidMode::Shared => {
            let pause = find(&v, |r| r["pid"] == 1).unwrap_or_else(|| panic!("no PID 1: {ctx}"));
            assert_eq!(pause["comm"], "catatonit", "{ctx}");
            assert_eq!(pause["role"], "pause", "{ctx}");
        }
        PidMode::Target => {
            assert_eq!(master["pid"], 1, "{ctx}");
            assert!(find(&v, |r| r["role"] == "pause").is_none(), "{ctx}");
        }
    }

    // --tree: the worker is drawn under the master.
    let tree = stdout(&pod.toolbox(caps, &["ps", "--tree", "-o", "pid,role,user,command"]));
    let lines: Vec<&str> = tree.lines().collect();
    let mi = lines
        .iter()
        .position(|l| l.contains("nginx: master"))
        .unwrap_or_else(|| panic!("{tree}"));
    let wl = lines.get(mi + 1).copied().unwrap_or_default();
    assert!(
        wl.contains("\\_ nginx: worker process"),
        "worker not under master:\n{tree}"
    );
    assert!(wl.contains(" nginx "), "worker USER not nginx:\n{tree}");
    assert!(
        lines[mi].contains(" target "),
        "master not marked target:\n{tree}"
    );
    if mode == PidMode::Shared {
        assert!(
            lines
                .iter()
                .any(|l| l.contains(" pause ") && l.contains("catatonit")),
            "{tree}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains(" toolbox ") && l.contains("/toolbox ps")),
        "{tree}"
    );
}

#[test]
fn pod_shared_pid_marks_pause_target_worker_user_and_toolbox() {
    require_pod!();
    check_pod(PidMode::Shared, &["--cap-add", "SYS_PTRACE"]);
    // Without CAP_SYS_PTRACE the worker's namespaces are unreadable; it must still be the
    // target's, named from the target's passwd.
    check_pod(PidMode::Shared, &[]);
}

#[test]
fn pod_target_pid_marks_target_worker_user_and_toolbox() {
    require_pod!();
    check_pod(PidMode::Target, &["--cap-add", "SYS_PTRACE"]);
    check_pod(PidMode::Target, &[]);
}

#[test]
fn hostile_command_lines_are_sanitised_and_selectable_with_p() {
    // argv[0] with a terminal escape (clear screen) and a newline, as a hostile target could set.
    let mut child = Command::new("bash")
        .args(["-c", "exec -a $'evil\\e[2J\\nname' sleep 301"])
        .stdin(Stdio::null())
        .spawn()
        .expect("spawn bash");
    let pid = child.id().to_string();
    // Wait until bash has exec'd sleep under the new argv[0].
    for _ in 0..100 {
        let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        if cmd.starts_with(b"evil") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let table = toolbox(&["ps", "-p", &pid, "-o", "pid,command"]);
    let json_out = toolbox(&["ps", "-p", &pid, "--json", "-o", "pid,command"]);
    let _ = child.kill();
    let _ = child.wait();
    let text = stdout(&table);
    assert!(
        !text.contains('\x1b'),
        "raw escape reached the terminal: {text:?}"
    );
    assert!(text.contains("evil\\x1b[2J\\nname 301"), "{text}");
    assert_eq!(text.lines().count(), 2, "-p selects one process: {text}");
    // JSON carries the exact string (JSON-escaped), for scripts.
    let v = json(&json_out);
    assert_eq!(rows(&v).len(), 1);
    assert_eq!(rows(&v)[0]["command"], "evil\x1b[2J\nname 301");
}

#[test]
fn lines_are_cut_to_the_terminal_width_unless_wide() {
    // `script` gives toolbox a real terminal; stty sets its width.
    let run = |extra: &str| {
        // stderr apart: on this host no target is chosen, and ps notes that on stderr.
        let cmd = format!("stty cols 50; {} ps {extra} 2>/dev/null", common::bin());
        let out = common::run_bounded(60, "script", &["-qec", &cmd, "/dev/null"]);
        assert!(out.status.success(), "{}", common::stderr(&out));
        stdout(&out)
    };
    let strip = |l: &str| {
        // Drop colour sequences and the terminal's carriage returns before measuring.
        let mut out = String::new();
        let mut chars = l.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else if c != '\r' {
                out.push(c);
            }
        }
        out
    };
    let cut = run("");
    let widths: Vec<usize> = cut.lines().map(|l| strip(l).chars().count()).collect();
    assert!(widths.len() > 3, "{cut}");
    assert!(widths.iter().all(|&w| w <= 50), "{widths:?}\n{cut}");
    let wide = run("-w");
    assert!(
        wide.lines().any(|l| strip(l).chars().count() > 50),
        "{wide}"
    );
    // Piped (not a terminal): no colour, no cutting.
    let piped = stdout(&toolbox(&["ps"]));
    assert!(!piped.contains('\x1b'));
}
