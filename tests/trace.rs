//! `toolbox trace` against real processes: robustness when toolbox is interrupted or killed while
//! tracing a busy multi-threaded server (nothing left stopped or traced, the server keeps
//! serving), following forks/execs/thread exits, group-stop kept across detach, and line-for-line
//! comparison with the real strace (launch mode here; the nginx worker in the test pod in
//! tests/trace_pod.rs).

mod common;
mod trace_support;

use std::io::{BufRead, BufReader, Read};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serial_test::serial;

/// Whether this process may ptrace its siblings (root, or the same user without Yama).
fn require_ptrace() -> bool {
    let yama = std::fs::read_to_string("/proc/sys/kernel/yama/ptrace_scope")
        .ok()
        .and_then(|s| s.trim().parse::<u8>().ok())
        .unwrap_or(0);
    let root = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false);
    if root || yama == 0 {
        return true;
    }
    let why = format!("needs root or Yama ptrace_scope 0 (scope {yama})");
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("CI=true and this test {why}");
    }
    eprintln!("\n*** SKIPPED: this test {why} ***\n");
    false
}

/// The busy server from tests/probe/trace_busy.c; killed on drop.
struct Workload {
    child: Child,
    port: u16,
}

impl Workload {
    /// Start it with `mode` (`""`, `"--churn"` or `"--threads"`, see trace_busy.c).
    fn start(mode: &str) -> Workload {
        let bin = common::probe_binary("trace_busy");
        let mut cmd = Command::new(bin);
        if !mode.is_empty() {
            cmd.arg(mode);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .expect("start trace_busy");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read port");
        let port = line
            .trim()
            .strip_prefix("port ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("trace_busy said {line:?}"));
        Workload { child, port }
    }

    fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// (worker iterations, SIGUSR1 handled) as the server reports them.
    fn query(&self) -> (u64, u64) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to trace_busy");
        s.set_read_timeout(Some(Duration::from_secs(5))).ok();
        let mut text = String::new();
        s.read_to_string(&mut text).expect("read from trace_busy");
        let f: Vec<u64> = text
            .split_whitespace()
            .skip(1)
            .filter_map(|x| x.parse().ok())
            .collect();
        assert_eq!(f.len(), 2, "trace_busy answered {text:?}");
        (f[0], f[1])
    }
}

impl Drop for Workload {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn status_field(pid: &str, key: &str) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_string()))
}

/// Every process or thread on the machine whose tracer is `tracer`.
fn traced_by(tracer: u32) -> Vec<String> {
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        for t in std::fs::read_dir(format!("/proc/{name}/task"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let tid = t.file_name().to_string_lossy().into_owned();
            if status_field(&tid, "TracerPid:").as_deref() == Some(&tracer.to_string()) {
                found.push(tid);
            }
        }
    }
    found
}

/// (tid, state letter, TracerPid) for each thread of `pid`.
fn threads(pid: i32) -> Vec<(String, String, String)> {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|t| {
            let tid = t.file_name().to_string_lossy().into_owned();
            let state = status_field(&tid, "State:")?;
            let tracer = status_field(&tid, "TracerPid:")?;
            Some((tid, state, tracer))
        })
        .collect()
}

/// Start `toolbox trace ARGS` and wait until it says it attached (stderr is forwarded to a
/// channel so that the test can keep reading it).
fn start_trace(args: &[&str]) -> (Child, mpsc::Receiver<String>) {
    let (mut child, rx) =
        trace_support::spawn_with_stderr_lines(Command::new(common::bin()).arg("trace").args(args));
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut said = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(l) if l.contains("attached") => break,
            Ok(l) => said.push(l),
            Err(_) => {
                let _ = child.kill();
                let status = child.wait();
                panic!(
                    "toolbox trace {args:?} never attached ({status:?}); it said:\n{}",
                    said.join("\n")
                );
            }
        }
    }
    (child, rx)
}

fn wait_bounded(child: &mut Child, secs: u64) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            return s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("toolbox trace did not exit within {secs}s of its signal: it hung");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn signal(pid: u32, sig: i32) {
    let ok = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(pid.to_string())
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "kill -{sig} {pid}");
}

/// The state after toolbox is gone: nothing stopped, nothing traced, still serving and still
/// running (iterations advance) with signals still delivered.
fn assert_untouched(w: &Workload, tracer: u32, what: &str) {
    for (tid, state, tracer_pid) in threads(w.pid()) {
        assert!(
            !state.starts_with('t') && !state.starts_with('T'),
            "{what}: thread {tid} left in state {state}"
        );
        assert_eq!(tracer_pid, "0", "{what}: thread {tid} still traced");
    }
    let left = traced_by(tracer);
    assert!(
        left.is_empty(),
        "{what}: still traced by {tracer}: {left:?}"
    );
    let (it1, sig1) = w.query();
    std::thread::sleep(Duration::from_millis(60));
    let (it2, sig2) = w.query();
    assert!(it2 > it1, "{what}: worker threads stopped ({it1} -> {it2})");
    assert!(
        sig2 > sig1,
        "{what}: SIGUSR1 no longer delivered ({sig1} -> {sig2})"
    );
}

fn robustness(sig: i32, mode: &str, rounds: u32) {
    robustness_with(sig, mode, rounds, &[]);
}

/// `robustness` with extra flags for the tracer.
fn robustness_with(sig: i32, mode: &str, rounds: u32, flags: &[&str]) {
    if !require_ptrace() {
        return;
    }
    let w = Workload::start(mode);
    let pid = w.pid().to_string();
    for round in 0..rounds {
        let mut argv = vec!["-f", "-p", &pid, "-o", "/dev/null"];
        argv.extend_from_slice(flags);
        let (mut child, _rx) = start_trace(&argv);
        // Vary where in the trace the signal lands.
        std::thread::sleep(Duration::from_millis(20 + u64::from(round % 7) * 30));
        let tracer = child.id();
        signal(tracer, sig);
        let status = wait_bounded(&mut child, 20);
        if sig == libc::SIGKILL {
            assert!(!status.success(), "round {round}: {status:?}");
        } else {
            assert!(
                status.code() == Some(0),
                "round {round}: toolbox exited with {status:?} after signal {sig}"
            );
        }
        assert_untouched(&w, tracer, &format!("signal {sig}, round {round}"));
    }
}

#[test]
#[serial(ptrace)]
fn sigint_detaches_cleanly_20_times() {
    robustness(libc::SIGINT, "", 20);
}

#[test]
#[serial(ptrace)]
fn sigterm_detaches_cleanly_20_times() {
    robustness(libc::SIGTERM, "", 20);
}

#[test]
#[serial(ptrace)]
fn sighup_detaches_cleanly() {
    robustness(libc::SIGHUP, "", 5);
}

#[test]
#[serial(ptrace)]
fn sigint_detaches_cleanly_when_the_tracer_sleeps_instead_of_polling() {
    // The default polls for the next stop (--spin); this is the sleeping-waitpid path.
    robustness_with(libc::SIGINT, "", 10, &["--spin", "0"]);
    robustness_with(libc::SIGTERM, "--threads", 5, &["--spin", "0"]);
}

#[test]
#[serial(ptrace)]
fn sigkill_leaves_kernel_to_detach_20_times() {
    robustness(libc::SIGKILL, "", 20);
}

#[test]
#[serial(ptrace)]
fn attaching_while_threads_come_and_go_20_times() {
    robustness(libc::SIGINT, "--threads", 20);
}

#[test]
#[serial(ptrace)]
fn forks_execs_and_thread_exits_are_followed_then_detached() {
    if !require_ptrace() {
        return;
    }
    let w = Workload::start("--churn");
    let pid = w.pid().to_string();
    for (round, sig) in [libc::SIGINT, libc::SIGTERM, libc::SIGKILL]
        .into_iter()
        .cycle()
        .take(21)
        .enumerate()
    {
        let out =
            std::env::temp_dir().join(format!("toolbox-trace-churn-{}.txt", std::process::id()));
        let out_s = out.to_string_lossy().into_owned();
        let (mut child, _rx) = start_trace(&[
            "-f",
            "-p",
            &pid,
            "-e",
            "trace=execve,clone,clone3,fork,vfork,exit,exit_group",
            "-o",
            &out_s,
        ]);
        std::thread::sleep(Duration::from_millis(250));
        let tracer = child.id();
        signal(tracer, sig);
        wait_bounded(&mut child, 20);
        assert_untouched(&w, tracer, &format!("churn, signal {sig}, round {round}"));
        if sig != libc::SIGKILL {
            let text = std::fs::read_to_string(&out).unwrap_or_default();
            assert!(
                text.contains("execve(") && text.contains("+++ exited with 0 +++"),
                "round {round}: forks/execs not followed:\n{text}"
            );
            assert!(
                text.contains("clone(") && text.contains("fork("),
                "round {round}: thread/process creation not seen:\n{text}"
            );
        }
        let _ = std::fs::remove_file(&out);
    }
}

#[test]
#[serial(ptrace)]
fn group_stopped_process_stays_stopped_after_detach() {
    if !require_ptrace() {
        return;
    }
    let w = Workload::start("");
    signal(w.child.id(), libc::SIGSTOP);
    std::thread::sleep(Duration::from_millis(100));
    let pid = w.pid().to_string();
    let (mut child, _rx) = start_trace(&["-f", "-p", &pid, "-o", "/dev/null"]);
    std::thread::sleep(Duration::from_millis(200));
    let tracer = child.id();
    signal(tracer, libc::SIGINT);
    let status = wait_bounded(&mut child, 20);
    assert_eq!(status.code(), Some(0), "toolbox trace after SIGINT");
    for (tid, state, tracer_pid) in threads(w.pid()) {
        assert!(
            state.starts_with('T'),
            "thread {tid} should still be stopped: {state}"
        );
        assert_eq!(tracer_pid, "0", "thread {tid} still traced");
    }
    signal(w.child.id(), libc::SIGCONT);
    std::thread::sleep(Duration::from_millis(100));
    assert_untouched(&w, tracer, "after SIGCONT");
}

fn run_to_file(program: &str, args: &[&str], out: &std::path::Path) -> std::process::Output {
    let o = common::run_bounded(60, program, args);
    assert!(
        out.exists(),
        "{program} {args:?} wrote no trace: {}",
        common::stderr(&o)
    );
    o
}

fn launch_compare(filter: &str, script: &str) {
    launch_compare_with(&["-f"], &[], filter, script);
}

/// Run `script` under toolbox trace and strace with the same `flags` (plus `ours_only` for
/// toolbox) and compare the normalised traces and exit statuses.
fn launch_compare_with(flags: &[&str], ours_only: &[&str], filter: &str, script: &str) {
    launch_compare_by(flags, ours_only, filter, script, trace_support::normalise);
}

/// `launch_compare_with`, each line passed through `norm` before the comparison.
fn launch_compare_by(
    flags: &[&str],
    ours_only: &[&str],
    filter: &str,
    script: &str,
    norm: fn(&str) -> String,
) {
    let Some((ours, theirs)) = launch_both(flags, ours_only, filter, script) else {
        return;
    };
    let (a, b): (Vec<String>, Vec<String>) = (
        ours.iter().map(|l| norm(l)).collect(),
        theirs.iter().map(|l| norm(l)).collect(),
    );
    similar_asserts::assert_eq!(toolbox: a.join("\n"), strace: b.join("\n"));
}

/// `launch_compare_with` for a `-f` trace whose processes race each other: each process's
/// lines are compared (see `trace_support::per_task`), not how the processes interleave.
fn launch_compare_per_task(flags: &[&str], filter: &str, script: &str) {
    let Some((ours, theirs)) = launch_both(flags, &[], filter, script) else {
        return;
    };
    let a = trace_support::per_task(&ours, trace_support::normalise);
    let b = trace_support::per_task(&theirs, trace_support::normalise);
    similar_asserts::assert_eq!(toolbox: a, strace: b);
}

/// Run `script` under toolbox trace and strace, check that both exit with the traced command's
/// status, and return both traces' lines (toolbox's first). `None`: skipped (no ptrace).
fn launch_both(
    flags: &[&str],
    ours_only: &[&str],
    filter: &str,
    script: &str,
) -> Option<(Vec<String>, Vec<String>)> {
    if !require_ptrace() {
        return None;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let ours = dir.path().join("toolbox.txt");
    let theirs = dir.path().join("strace.txt");
    let mut ours_args = vec!["trace", "-o", ours.to_str().expect("utf-8")];
    let mut strace_args = vec!["-o", theirs.to_str().expect("utf-8")];
    ours_args.extend(flags);
    ours_args.extend(ours_only);
    strace_args.extend(flags);
    if !filter.is_empty() {
        ours_args.extend(["-e", filter]);
        strace_args.extend(["-e", filter]);
    }
    ours_args.extend(["--", "/bin/sh", "-c", script]);
    strace_args.extend(["--", "/bin/sh", "-c", script]);
    let o = run_to_file(common::bin(), &ours_args, &ours);
    let s = run_to_file("strace", &strace_args, &theirs);
    // Both exit with the traced command's status.
    assert_eq!(
        o.status.code(),
        s.status.code(),
        "toolbox: {}\nstrace: {}",
        common::stderr(&o),
        common::stderr(&s)
    );
    let read = |p: &std::path::Path| -> Vec<String> {
        std::fs::read_to_string(p)
            .expect("read trace")
            .lines()
            .map(str::to_string)
            .collect()
    };
    let (a, b) = (read(&ours), read(&theirs));
    assert!(!b.is_empty(), "strace printed nothing");
    Some((a, b))
}

#[test]
#[serial(ptrace)]
fn launch_mode_matches_strace_with_filter() {
    launch_compare(
        "trace=openat,read,write,close,execve",
        "exec cat /etc/hostname /no/such/file /etc/hostname",
    );
}

#[test]
#[serial(ptrace)]
fn without_seccomp_and_without_follow_the_trace_is_the_same() {
    let script = "exec cat /etc/hostname /no/such/file";
    launch_compare_with(&["-f"], &["--no-seccomp"], "trace=openat,close", script);
    launch_compare_with(&[], &[], "trace=openat,close", script);
    // Sleeping in waitpid instead of polling for each stop first changes nothing either.
    launch_compare_with(&["-f"], &["--spin", "0"], "trace=openat,close,read", script);
    // Kernels before 5.3 have no PTRACE_GET_SYSCALL_INFO: the register path gives the same.
    launch_compare_with(
        &["-f"],
        &["--registers"],
        "trace=openat,close,write",
        script,
    );
    launch_compare_with(
        &["-f"],
        &["--registers", "--no-seccomp"],
        "trace=!getrandom,fadvise64",
        script,
    );
}

#[test]
#[serial(ptrace)]
fn timestamps_and_durations_match_strace_layout() {
    let script = "echo a; echo b";
    launch_compare_with(&["-f", "-ttt", "-T"], &[], "trace=write", script);
    launch_compare_with(&["-tt"], &[], "trace=write,exit_group", script);
    launch_compare_with(&["-r"], &[], "trace=write", script);
}

#[test]
#[serial(ptrace)]
fn group_stop_and_continue_match_strace() {
    // The shell stops itself; a background subshell continues it 0.3 s later. Only signals and
    // stops are shown (trace=none).
    launch_compare_with(
        &[],
        &[],
        "trace=none",
        "(sleep 0.3; kill -CONT $$; sleep 0.3) & kill -STOP $$; echo resumed",
    );
}

#[test]
#[serial(ptrace)]
fn exec_from_a_thread_matches_strace() {
    let probe = common::probe_binary("trace_thread_exec");
    let script = format!("exec {}", probe.display());
    launch_compare_with(&["-f"], &[], "trace=execve,exit_group", &script);
}

#[test]
#[serial(ptrace)]
fn interleaved_threads_match_strace() {
    let probe = common::probe_binary("trace_interleave");
    let script = format!("exec {}", probe.display());
    launch_compare_with(&["-f"], &[], "trace=read,write", &script);
}

#[test]
#[serial(ptrace)]
fn fd_paths_and_string_sizes_match_strace() {
    let script = "exec cat /etc/hostname /etc/passwd";
    launch_compare_with(&["-y"], &[], "trace=openat,read,close", script);
    launch_compare_with(&["-s", "8"], &[], "trace=read,write", script);
    // Where process_vm_readv is refused, PTRACE_PEEKDATA reads the same bytes.
    launch_compare_with(
        &["-y", "-s", "64"],
        &["--peek"],
        "trace=openat,read,write,close,execve",
        script,
    );
}

#[test]
#[serial(ptrace)]
fn fadvise_advice_modes_and_unknown_enum_values_match_strace() {
    // coreutils cat advises POSIX_FADV_SEQUENTIAL on its input.
    launch_compare_with(
        &[],
        &[],
        "trace=openat,fadvise64,read",
        "exec cat /etc/hostname",
    );
    // statx attributes (a mount root) and modes with the sticky bit (/tmp).
    launch_compare_with(&[], &[], "trace=statx,newfstatat", "exec ls -ld / /tmp");
    // Every advice, and values no table knows (strace: 32-bit hex and a comment).
    let probe = common::probe_binary("trace_enums");
    let calls = "trace=fadvise64,lseek,socket,socketpair,shutdown,epoll_ctl,timerfd_create,\
                 prlimit64,getrlimit,setrlimit,rt_sigprocmask,clock_nanosleep,clock_gettime,\
                 clock_getres,clock_settime,getpriority,setpriority,setitimer,getitimer,waitid,\
                 getrusage,setsockopt,getsockopt,chmod,mkdir,open,mknod,stat,rt_sigreturn,\
                 read,write,sendto,recvmsg,writev,get_mempolicy,set_mempolicy,mbind,\
                 set_mempolicy_home_node,pipe2,accept4,eventfd2,epoll_create1,inotify_init1,\
                 dup3,mprotect,flock,msync,unlinkat,faccessat,renameat2,wait4,ioctl,\
                 timer_create,timer_settime,timer_gettime,timer_getoverrun,timer_delete,\
                 getsockname";
    // Compared exactly (`0777` is not `01777`, 0xffffffff is not 0xfffffffffffffffb) but for
    // what differs between any two runs.
    launch_compare_by(
        &[],
        &[],
        calls,
        &format!("exec {}", probe.display()),
        trace_support::mask_varying,
    );
}

#[test]
#[serial(ptrace)]
fn killed_children_and_failed_only_match_strace() {
    // The shell's wait4 and its child's kill race (the child execs sh first, but a preempted
    // parent can enter wait4 after the kill): compare each process, not their interleaving.
    launch_compare_per_task(
        &["-f"],
        "trace=kill,wait4",
        "sh -c 'kill -KILL $$'; sh -c 'kill -SEGV $$'; true",
    );
    launch_compare_per_task(&["-f", "-Z"], "", "cat /no/such/file; true");
}

#[test]
#[serial(ptrace)]
fn exit_status_and_signals_match_strace() {
    launch_compare(
        "trace=write,kill,rt_sigreturn,exit_group",
        "trap 'echo got' USR1; echo one; kill -USR1 $$; echo two; exit 3",
    );
}

#[test]
#[serial(ptrace)]
fn sigchld_cpu_times_carry_strace_seconds_comment() {
    if !require_ptrace() {
        return;
    }
    // A child that burns about 0.3 s of user CPU without system calls: its SIGCHLD carries
    // a non-zero si_utime (strace: `si_utime=30 /* 0.30 s */`). The tick counts differ from
    // run to run, so each line is checked against the exact format, and the format itself
    // against strace's line.
    let script = "(i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done); true";
    let dir = tempfile::tempdir().expect("tempdir");
    let sigchld = |program: &str, pre: &[&str]| -> String {
        let out = dir.path().join(format!("{}.txt", pre.len()));
        let out_s = out.to_str().expect("utf-8").to_string();
        let mut args: Vec<&str> = pre.to_vec();
        args.extend([
            "-f",
            "-e",
            "trace=exit_group",
            "-o",
            &out_s,
            "--",
            "/bin/sh",
            "-c",
        ]);
        args.push(script);
        run_to_file(program, &args, &out);
        let text = std::fs::read_to_string(&out).expect("read trace");
        text.lines()
            .find(|l| l.contains("--- SIGCHLD"))
            .unwrap_or_else(|| panic!("{program}: no SIGCHLD line:\n{text}"))
            .to_string()
    };
    let theirs = sigchld("strace", &[]);
    let ours = sigchld(common::bin(), &["trace"]);
    let ticks = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .expect("CLK_TCK") as u64;
    // The pid column is padded to 5 characters (a pid below 10000 has two spaces after it).
    let shape = regex::Regex::new(
        r"^\d+ +--- SIGCHLD \{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=\d+, si_uid=\d+, si_status=0, si_utime=(\d+)(?: /\* ([0-9.]+) s \*/)?, si_stime=(\d+)(?: /\* ([0-9.]+) s \*/)?\} ---$",
    )
    .expect("regex");
    // strace's clock_t comment: seconds with as many decimals as CLK_TCK needs, none for 0.
    let seconds = |t: u64| -> Option<String> {
        let width = ticks.saturating_sub(1).to_string().len();
        let scale = 10u64.pow(width as u32);
        (t > 0).then(|| format!("{}.{:0width$}", t / ticks, t % ticks * scale / ticks))
    };
    for (who, line) in [("strace", &theirs), ("toolbox", &ours)] {
        let c = shape
            .captures(line)
            .unwrap_or_else(|| panic!("{who}: SIGCHLD line not as expected: {line}"));
        for (n, comment) in [(1, 2), (3, 4)] {
            let t: u64 = c[n].parse().expect("ticks");
            assert_eq!(
                c.get(comment).map(|m| m.as_str().to_string()),
                seconds(t),
                "{who}: the seconds comment of {t} ticks: {line}"
            );
        }
        let utime: u64 = c[1].parse().expect("ticks");
        assert!(utime > 0, "{who}: the child used no measurable CPU: {line}");
    }
}

#[test]
#[serial(ptrace)]
fn summary_counts_match_strace() {
    if !require_ptrace() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let ours = dir.path().join("toolbox.txt");
    let theirs = dir.path().join("strace.txt");
    let cmd = [
        "--",
        "dd",
        "if=/dev/zero",
        "of=/dev/null",
        "bs=1",
        "count=3000",
    ];
    let mut a: Vec<&str> = vec![
        "trace",
        "-c",
        "-e",
        "trace=read,write",
        "-o",
        ours.to_str().expect("utf-8"),
    ];
    a.extend(cmd);
    run_to_file(common::bin(), &a, &ours);
    let mut b: Vec<&str> = vec![
        "-c",
        "-e",
        "trace=read,write",
        "-o",
        theirs.to_str().expect("utf-8"),
    ];
    b.extend(cmd);
    run_to_file("strace", &b, &theirs);
    // Compare calls and errors per syscall (times differ by nature).
    let table = |p: &std::path::Path| -> Vec<(String, String, String)> {
        let text = std::fs::read_to_string(p).expect("read summary");
        text.lines()
            .filter(|l| !l.starts_with('%') && !l.starts_with('-') && !l.trim().is_empty())
            .map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                let name = f.last().copied().unwrap_or_default().to_string();
                // % seconds usecs calls [errors] name
                let calls = f.get(3).copied().unwrap_or_default().to_string();
                let errors = if f.len() == 6 {
                    f[4].to_string()
                } else {
                    String::new()
                };
                (name, calls, errors)
            })
            .collect::<Vec<_>>()
    };
    let (mut x, mut y) = (table(&ours), table(&theirs));
    x.sort();
    y.sort();
    similar_asserts::assert_eq!(toolbox: x, strace: y);
}

#[test]
#[serial(ptrace)]
fn bad_input_is_a_clear_error() {
    let o = common::run_bounded(
        20,
        common::bin(),
        &["trace", "-e", "trace=acept4", "--", "true"],
    );
    common::assert_clean_error(&o);
    assert!(
        common::stderr(&o).contains("accept4"),
        "{}",
        common::stderr(&o)
    );
    let o = common::run_bounded(20, common::bin(), &["trace", "--", "/no/such/command"]);
    common::assert_clean_error(&o);
    for spin in ["-1", "2000000", "soon"] {
        let o = common::run_bounded(20, common::bin(), &["trace", "--spin", spin, "--", "true"]);
        // A usage error, reported by the argument parser with exit status 2.
        assert_eq!(o.status.code(), Some(2), "{}", common::stderr(&o));
        assert!(
            common::stderr(&o).contains("--spin"),
            "{}",
            common::stderr(&o)
        );
    }
    let o = common::run_bounded(20, common::bin(), &["trace", "-p", "999999999"]);
    common::assert_clean_error(&o);
    // A process that strace already traces is refused with a sentence, not a raw EPERM.
    let w = Workload::start("");
    let (mut strace, _rx) = {
        let mut c = Command::new("strace")
            .args(["-o", "/dev/null", "-p", &w.pid().to_string()])
            .stderr(Stdio::piped())
            .spawn()
            .expect("strace");
        let (tx, rx) = mpsc::channel();
        let err = c.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let _ = rx.recv_timeout(Duration::from_secs(10));
        (c, rx)
    };
    let o = common::run_bounded(20, common::bin(), &["trace", "-p", &w.pid().to_string()]);
    let _ = strace.kill();
    let _ = strace.wait();
    common::assert_clean_error(&o);
    assert!(
        common::stderr(&o).contains("already traced"),
        "{}",
        common::stderr(&o)
    );
    let o = common::run_bounded(
        20,
        common::bin(),
        &["trace", "--", "no-such-command-anywhere"],
    );
    common::assert_clean_error(&o);
    assert!(
        common::stderr(&o).contains("command not found"),
        "{}",
        common::stderr(&o)
    );
}

#[test]
#[serial(ptrace)]
fn json_objects_match_strace_calls() {
    if !require_ptrace() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let theirs = dir.path().join("strace.txt");
    let json = dir.path().join("toolbox.json");
    let script = "cat /etc/hostname /no/such/file; true";
    let filter = "trace=openat,write,close";
    let o = common::run_bounded(
        60,
        common::bin(),
        &[
            "trace",
            "--json",
            "-o",
            json.to_str().expect("utf-8"),
            "-e",
            filter,
            "--",
            "/bin/sh",
            "-c",
            script,
        ],
    );
    assert!(o.status.success(), "toolbox: {}", common::stderr(&o));
    let s = common::run_bounded(
        60,
        "strace",
        &[
            "-o",
            theirs.to_str().expect("utf-8"),
            "-e",
            filter,
            "--",
            "/bin/sh",
            "-c",
            script,
        ],
    );
    assert!(s.status.success(), "strace: {}", common::stderr(&s));
    let mut ours = Vec::new();
    for line in std::fs::read_to_string(&json).expect("JSON output").lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        if let Some(name) = v["name"].as_str() {
            for key in ["pid", "args", "retval", "time", "duration"] {
                assert!(!v[key].is_null(), "no {key} in {line}");
            }
            let errno = v["errno"].as_str().unwrap_or("").to_string();
            ours.push(format!("{name} {errno}"));
        }
    }
    let theirs: Vec<String> = std::fs::read_to_string(&theirs)
        .expect("strace output")
        .lines()
        .filter(|l| !l.starts_with("---") && !l.starts_with("+++"))
        .map(|l| {
            let name = l.split('(').next().unwrap_or_default();
            let errno = l
                .rsplit_once("= -1 ")
                .map(|(_, e)| e.split_whitespace().next().unwrap_or_default())
                .unwrap_or("");
            format!("{name} {errno}")
        })
        .collect();
    similar_asserts::assert_eq!(toolbox: ours, strace: theirs);
}

#[test]
#[serial(ptrace)]
fn a_closed_output_pipe_detaches_cleanly() {
    if !require_ptrace() {
        return;
    }
    let w = Workload::start("");
    let pid = w.pid().to_string();
    for round in 0..5 {
        let mut child = Command::new(common::bin())
            .args(["trace", "-f", "--json", "-p", &pid])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start toolbox trace");
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        out.read_line(&mut first).expect("first JSON line");
        assert!(first.starts_with('{'), "round {round}: {first:?}");
        drop(out); // the reader goes away, like `| head -1`
        let tracer = child.id();
        let status = wait_bounded(&mut child, 20);
        assert_eq!(
            status.code(),
            Some(0),
            "round {round}: broken pipe is a normal end"
        );
        assert_untouched(&w, tracer, &format!("broken pipe, round {round}"));
    }
}

#[test]
#[serial(ptrace)]
fn ctrl_c_prints_the_summary_and_detaches() {
    if !require_ptrace() {
        return;
    }
    let w = Workload::start("");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("summary.txt");
    let pid = w.pid().to_string();
    let (mut child, _rx) =
        start_trace(&["-c", "-f", "-p", &pid, "-o", out.to_str().expect("utf-8")]);
    std::thread::sleep(Duration::from_millis(300));
    let tracer = child.id();
    signal(tracer, libc::SIGINT);
    let status = wait_bounded(&mut child, 20);
    assert_eq!(status.code(), Some(0));
    assert_untouched(&w, tracer, "after -c");
    let text = std::fs::read_to_string(&out).expect("summary");
    let calls = |name: &str| -> u64 {
        text.lines()
            .find(|l| l.ends_with(&format!(" {name}")))
            .and_then(|l| l.split_whitespace().nth(3)?.parse().ok())
            .unwrap_or(0)
    };
    // The workload's threads loop on getppid, write and nanosleep; the server sits in accept4.
    assert!(calls("getppid") > 10, "{text}");
    assert!(calls("write") > 10, "{text}");
    assert!(
        text.lines().last().is_some_and(|l| l.ends_with(" total")),
        "{text}"
    );
}

/// Pids of the processes below `pid` (children, grandchildren…).
fn descendants(pid: u32) -> Vec<u32> {
    let mut all: Vec<(u32, u32)> = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Ok(p) = name.parse::<u32>() else { continue };
        if let Some(pp) = status_field(&name, "PPid:").and_then(|v| v.parse().ok()) {
            all.push((p, pp));
        }
    }
    let mut out = vec![pid];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(all.iter().filter(|(_, pp)| *pp == parent).map(|(p, _)| *p));
        i += 1;
    }
    out.remove(0);
    out
}

fn alive(pid: u32) -> bool {
    status_field(&pid.to_string(), "State:").is_some_and(|s| !s.starts_with('Z'))
}

#[test]
#[serial(ptrace)]
fn launched_commands_with_the_seccomp_filter_do_not_outlive_toolbox() {
    if !require_ptrace() {
        return;
    }
    for sig in [libc::SIGTERM, libc::SIGKILL] {
        let mut child = Command::new(common::bin())
            .args(["trace", "-f", "-e", "trace=openat", "-o", "/dev/null", "--"])
            .args(["/bin/sh", "-c", "sleep 30 & sleep 30; wait"])
            .stdin(Stdio::null())
            .spawn()
            .expect("start toolbox trace");
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut below = Vec::new();
        while below.len() < 3 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
            below = descendants(child.id());
        }
        assert!(below.len() >= 3, "sh and two sleeps expected: {below:?}");
        signal(child.id(), sig);
        wait_bounded(&mut child, 20);
        let deadline = Instant::now() + Duration::from_secs(10);
        while below.iter().any(|&p| alive(p)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let left: Vec<u32> = below.iter().copied().filter(|&p| alive(p)).collect();
        assert!(
            left.is_empty(),
            "signal {sig}: processes carrying the filter outlived toolbox: {left:?}"
        );
    }
}

/// The voluntary context switches of each thread of `pid`, by tid.
fn switches(pid: i32) -> std::collections::HashMap<String, u64> {
    threads(pid)
        .into_iter()
        .filter_map(|(tid, _, _)| {
            let n = status_field(&tid, "voluntary_ctxt_switches:")?
                .parse()
                .ok()?;
            Some((tid, n))
        })
        .collect()
}

/// Every thread of `pid` is untraced, not stopped, and ran (slept and woke) in the last 200 ms.
fn assert_all_threads_run(pid: i32, expected: usize, what: &str) {
    let before = switches(pid);
    std::thread::sleep(Duration::from_millis(200));
    let after = switches(pid);
    let list = threads(pid);
    assert_eq!(list.len(), expected, "{what}: thread count: {list:?}");
    for (tid, state, tracer) in list {
        assert_eq!(tracer, "0", "{what}: thread {tid} still traced");
        assert!(
            !state.starts_with(['t', 'T', 'D']),
            "{what}: thread {tid} left in state {state}"
        );
        let (b, a) = (before.get(&tid), after.get(&tid));
        assert!(
            matches!((b, a), (Some(b), Some(a)) if a > b),
            "{what}: thread {tid} did not run ({b:?} -> {a:?})"
        );
    }
}

/// Threads that cannot stop for the tracer cost detaching one deadline in all, not one each.
///
/// tests/probe/trace_stuck.c has busy threads and threads blocked in vfork() until their child
/// exits: a vfork parent waits in TASK_KILLABLE, which PTRACE_INTERRUPT does not wake (unlike a
/// thread in D state on a dead NFS server, which is not available here, this one can be
/// released at will by killing the child). Detaching from it must finish within about one
/// detach deadline (3 s) instead of 3 s per stuck thread, leave every thread untraced, and the
/// stuck threads must run on normally once their vfork ends.
#[test]
#[serial(ptrace)]
fn detaching_waits_once_for_all_threads_that_cannot_stop() {
    if !require_ptrace() {
        return;
    }
    const BUSY: usize = 40;
    const STUCK: usize = 4;
    let mut probe = Command::new(common::probe_binary("trace_stuck"))
        .args([BUSY.to_string(), STUCK.to_string()])
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .expect("start trace_stuck");
    // Killed on drop (its children die with it: PR_SET_PDEATHSIG).
    struct Guard(Child);
    impl Drop for Guard {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut line = String::new();
    BufReader::new(probe.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read from trace_stuck");
    let probe = Guard(probe);
    assert_eq!(line.trim(), "ready", "trace_stuck said {line:?}");
    let pid = probe.0.id() as i32;
    let blocked = |pid: i32| {
        threads(pid)
            .into_iter()
            .filter(|(_, s, _)| s.starts_with('D'))
            .count()
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while blocked(pid) < STUCK && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(blocked(pid), STUCK, "vfork parents in D state");

    let pid_s = pid.to_string();
    let (mut tracer, _rx) = start_trace(&["-f", "-p", &pid_s, "-o", "/dev/null"]);
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    signal(tracer.id(), libc::SIGINT);
    let status = wait_bounded(&mut tracer, 30);
    let took = start.elapsed();
    eprintln!("detaching from {BUSY} busy and {STUCK} stuck threads took {took:?}");
    assert_eq!(status.code(), Some(0), "toolbox trace after SIGINT");
    // One wait takes the 3 s deadline; sequential waits would take STUCK x 3 s = 12 s.
    assert!(
        took < Duration::from_secs(9),
        "detaching took {took:?}: stuck threads were waited for one after another"
    );
    // The stuck threads really never stopped: they are still in their vfork.
    assert_eq!(blocked(pid), STUCK, "vfork parents after detaching");
    for (tid, state, tracer_pid) in threads(pid) {
        assert_eq!(tracer_pid, "0", "thread {tid} ({state}) still traced");
        assert!(
            !state.starts_with(['t', 'T']),
            "thread {tid} left in state {state}"
        );
    }
    // End the vforks: every thread runs on, none stopped by a leftover interrupt.
    for child in descendants(probe.0.id()) {
        signal(child, libc::SIGKILL);
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while blocked(pid) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_all_threads_run(pid, BUSY + STUCK + 1, "after the vfork children died");
}

/// Send `sig` to `pid` directly (no `kill` process in between: the tests below need two
/// signals sent back to back).
fn send(pid: u32, sig: i32) {
    let sig = nix::sys::signal::Signal::try_from(sig).expect("signal number");
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), sig).expect("kill");
}

/// Every thread of the workload is neither stopped nor traced.
fn assert_released(w: &Workload, what: &str) {
    for (tid, state, tracer_pid) in threads(w.pid()) {
        assert!(
            !state.starts_with(['t', 'T']),
            "{what}: thread {tid} left in state {state}"
        );
        assert_eq!(tracer_pid, "0", "{what}: thread {tid} still traced");
    }
}

/// A signal that reaches a tracee while toolbox detaches (its signal-delivery-stop reported
/// to a tracer that is leaving, or not yet reported when the tracee is detached) is handed
/// back, never dropped: the workload (without its own SIGUSR1 thread) counts exactly the
/// SIGUSR1s sent to it.
#[test]
#[serial(ptrace)]
fn a_signal_sent_while_toolbox_detaches_is_delivered() {
    if !require_ptrace() {
        return;
    }
    let w = Workload::start("--quiet");
    let pid = w.pid().to_string();
    let (_, before) = w.query();
    assert_eq!(before, 0, "the quiet workload got SIGUSR1 from elsewhere");
    for round in 0..20u64 {
        let (mut child, _rx) = start_trace(&["-f", "-p", &pid, "-o", "/dev/null"]);
        std::thread::sleep(Duration::from_millis(20 + (round % 5) * 25));
        let tracer = child.id();
        // Both orders: the SIGUSR1 stop can come before toolbox sees its SIGINT, or while it
        // is detaching.
        if round % 2 == 0 {
            send(w.child.id(), libc::SIGUSR1);
            send(tracer, libc::SIGINT);
        } else {
            send(tracer, libc::SIGINT);
            send(w.child.id(), libc::SIGUSR1);
        }
        let status = wait_bounded(&mut child, 20);
        assert_eq!(status.code(), Some(0), "round {round}: toolbox trace");
        let want = round + 1;
        let deadline = Instant::now() + Duration::from_secs(3);
        let mut got = w.query().1;
        while got < want && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
            got = w.query().1;
        }
        assert_eq!(got, want, "round {round}: a SIGUSR1 was lost (or doubled)");
        assert_released(&w, &format!("round {round}"));
    }
}

/// A write blocked on a trace output nobody reads (a paused pager, a full pipe) holds a tracee
/// stopped; one SIGTERM must still end toolbox promptly, detach everything, and say that the
/// rest of the trace was not written. A SIGUSR1 sent meanwhile (pending behind the unreaped
/// syscall stops) is delivered once after the detach. (A signal caught in a signal-delivery-stop
/// while detaching: `a_signal_sent_while_toolbox_detaches_is_delivered`.)
#[test]
#[serial(ptrace)]
fn sigterm_ends_a_trace_whose_output_nobody_reads() {
    stuck_output(Stuck::File);
}

#[test]
#[serial(ptrace)]
fn sigterm_ends_a_trace_whose_stderr_nobody_reads() {
    // The default: trace lines go to stderr, and so do toolbox's own last words.
    stuck_output(Stuck::Stderr);
}

#[test]
#[serial(ptrace)]
fn sigterm_ends_a_json_trace_whose_stdout_nobody_reads() {
    stuck_output(Stuck::JsonStdout);
}

/// Where the trace goes in [`stuck_output`].
#[derive(Clone, Copy, PartialEq)]
enum Stuck {
    /// `-o FIFO`.
    File,
    /// stderr, the default.
    Stderr,
    /// `--json`, to stdout.
    JsonStdout,
}

/// Trace a busy workload into a FIFO nobody reads (as `-o FIFO`, stderr or `--json`'s stdout),
/// wait until toolbox is blocked writing with a tracee held, send one SIGTERM.
fn stuck_output(to: Stuck) {
    use std::os::unix::fs::OpenOptionsExt;
    if !require_ptrace() {
        return;
    }
    let w = Workload::start("--quiet");
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("trace.fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).expect("mkfifo");
    // The reader end stays open and is never read: writes block once the pipe is full.
    let _reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&fifo)
        .expect("open the FIFO for reading");
    let pid = w.pid().to_string();
    let (mut child, rx) = if to != Stuck::File {
        let writer = std::fs::OpenOptions::new()
            .write(true)
            .open(&fifo)
            .expect("open the FIFO for writing");
        let mut cmd = Command::new(common::bin());
        cmd.args(["trace", "-f", "-p", &pid]);
        if to == Stuck::JsonStdout {
            cmd.arg("--json").stdout(writer).stderr(Stdio::null());
        } else {
            cmd.stderr(writer);
        }
        let child = cmd.spawn().expect("spawn toolbox");
        // Nothing to read "attached" from: wait until the workload is traced.
        let deadline = Instant::now() + Duration::from_secs(20);
        while threads(w.pid()).iter().all(|(_, _, tracer)| tracer == "0") {
            assert!(Instant::now() < deadline, "toolbox never attached");
            std::thread::sleep(Duration::from_millis(10));
        }
        (child, None)
    } else {
        let (child, rx) = start_trace(&["-f", "-p", &pid, "-o", fifo.to_str().expect("utf-8")]);
        (child, Some(rx))
    };
    let tracer = child.id();
    // Once the pipe is full every thread of the workload but the one sleeping in accept4 ends
    // up in a tracing stop: the one toolbox holds while its write blocks, the others waiting
    // to be reaped.
    // (Right after attaching they all are, briefly: hence toolbox must also sit in write(2),
    // syscall 1 in /proc/PID/syscall, for a while.)
    let blocked = || {
        let t = threads(w.pid());
        let held = t.iter().filter(|(_, s, _)| s.starts_with('t')).count();
        let writing = std::fs::read_to_string(format!("/proc/{tracer}/syscall"))
            .is_ok_and(|s| s.starts_with("1 "));
        t.len() > 1 && held + 1 >= t.len() && writing
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut since: Option<Instant> = None;
    while Instant::now() < deadline {
        if !blocked() {
            since = None;
        } else if since.get_or_insert_with(Instant::now).elapsed() > Duration::from_millis(300) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        blocked(),
        "the output never blocked: {:?}",
        threads(w.pid())
    );
    send(w.child.id(), libc::SIGUSR1);
    std::thread::sleep(Duration::from_millis(100));
    let start = Instant::now();
    send(tracer, libc::SIGTERM);
    let status = wait_bounded(&mut child, 10);
    let took = start.elapsed();
    assert_eq!(status.code(), Some(0), "toolbox trace after SIGTERM");
    // Detaching is immediate here (every tracee is in a stop); the final flush may wait 1 s.
    assert!(
        took < Duration::from_secs(3),
        "toolbox took {took:?} to end after SIGTERM"
    );
    // With stderr stuck, what toolbox said on the way out may not have fitted in the pipe.
    if let Some(rx) = rx {
        let said: Vec<String> = rx.iter().collect();
        assert!(
            said.iter().any(|l| l.contains("output is blocked")),
            "toolbox did not say the output was blocked: {said:?}"
        );
    }
    assert_released(&w, "output blocked");
    assert!(traced_by(tracer).is_empty(), "still traced by {tracer}");
    let deadline = Instant::now() + Duration::from_secs(3);
    let (it1, mut usr1) = w.query();
    while usr1 < 1 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
        usr1 = w.query().1;
    }
    assert_eq!(
        usr1, 1,
        "the SIGUSR1 sent while toolbox was blocked was lost"
    );
    std::thread::sleep(Duration::from_millis(60));
    let (it2, _) = w.query();
    assert!(it2 > it1, "worker threads stopped ({it1} -> {it2})");
}

/// A command launched under `trace` inherits the signal dispositions toolbox inherited, as under
/// strace: started from `nohup` or as a background job, SIGHUP/SIGINT stay ignored in it (they
/// were reset to the default before, which changed what the traced program did).
#[test]
fn a_launched_command_keeps_the_ignored_signals_it_inherits() {
    if !require_ptrace() {
        return;
    }
    let ignored = |cmd: &str| -> String {
        // `trap '' SIG` sets SIG_IGN, which exec passes on.
        let script = format!("trap '' INT HUP TERM; exec {cmd}");
        let o = common::run_bounded(60, "sh", &["-c", &script]);
        assert!(o.status.success(), "{}", common::show(&o));
        common::stdout(&o)
            .lines()
            .find_map(|l| l.strip_prefix("SigIgn:"))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("no SigIgn in {}", common::stdout(&o)))
    };
    let plain = ignored("cat /proc/self/status");
    let traced = ignored(&format!(
        "{} trace -o /dev/null -- cat /proc/self/status",
        common::bin()
    ));
    assert_eq!(
        traced, plain,
        "SigIgn of cat under toolbox trace vs without"
    );
    // Signal N is bit N-1 of the mask: SIGHUP 0x1, SIGINT 0x2, SIGTERM 0x4000.
    let mask = u64::from_str_radix(&plain, 16).expect("hex mask");
    assert_eq!(mask & 0x4003, 0x4003, "the shell ignored them: {plain}");
}
