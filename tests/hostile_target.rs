//! Hostile targets: zombies, kernel threads, two tracers racing for one process, a tiny static
//! process, and no target chosen at all. Each run prints the time and memory it took
//! (`common::run_measured`); where strace has an answer for the same case, toolbox's must match
//! it (exit status, "Operation not permitted"), with a reason that is true.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{bin, probe_binary, run_bounded, run_measured, stderr, stdout, Measured};
use serial_test::serial;

/// Peak RSS a refusal may take: a refusal reads a few /proc files, nothing grows with input.
const REFUSAL_RSS_KIB: i64 = 64 * 1024;

/// A child process killed (and reaped) when dropped, also when the test fails.
struct Kid(Child);

impl Drop for Kid {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Kid {
    fn pid(&self) -> i32 {
        self.0.id() as i32
    }
}

/// `hostile_target ARGS`, started on the host.
fn spawn_probe(args: &[&str], stdout: Stdio) -> Kid {
    let probe = probe_binary("hostile_target");
    Kid(Command::new(probe)
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .spawn()
        .expect("start hostile_target"))
}

/// A field of /proc/PID/status (`State`, `TracerPid`, `VmRSS`), trimmed; `None` when gone.
fn status_field(pid: i32, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .map(|v| v.trim().to_string())
}

/// Wait (bounded) until `pid`'s state letter is one of `states`.
fn wait_state(pid: i32, states: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let st = status_field(pid, "State").unwrap_or_default();
        if st.chars().next().is_some_and(|c| states.contains(c)) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "PID {pid} state {st:?}, wanted one of {states}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The tracee must run on: not stopped (`T`/`t`) and without a tracer.
fn assert_running_untraced(pid: i32) {
    // A detach and the stop it ends take a moment to show in /proc.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let state = status_field(pid, "State").unwrap_or_default();
        let tracer = status_field(pid, "TracerPid").unwrap_or_default();
        if !state.starts_with(['T', 't']) && tracer == "0" {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "PID {pid} left behind: State {state}, TracerPid {tracer}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn toolbox(label: &str, args: &[&str]) -> Measured {
    let m = run_measured(60, label, bin(), args);
    assert!(
        m.max_rss_kib < REFUSAL_RSS_KIB,
        "{label}: {} KiB peak RSS",
        m.max_rss_kib
    );
    assert!(!stderr(&m.output).contains("panicked"), "{label} panicked");
    m
}

fn code(m: &Measured) -> Option<i32> {
    m.output.status.code()
}

fn err(m: &Measured) -> String {
    stderr(&m.output)
}

/// A kernel thread's PID on this host: kthreadd (2) where it is visible.
fn kernel_thread() -> i32 {
    let comm = std::fs::read_to_string("/proc/2/comm").unwrap_or_default();
    assert_eq!(
        comm.trim(),
        "kthreadd",
        "PID 2 is not kthreadd on this host"
    );
    2
}

#[test]
#[serial]
fn a_zombie_is_refused_like_strace_refuses_it() {
    require_root!();
    let mut parent = spawn_probe(&["zombie"], Stdio::piped());
    let mut line = String::new();
    let so = parent.0.stdout.take().expect("stdout");
    BufReader::new(so).read_line(&mut line).expect("zombie pid");
    let zombie: i32 = line.trim().parse().expect("a pid");
    wait_state(zombie, "Z");
    let z = zombie.to_string();

    let strace = run_measured(60, "strace -p <zombie>", "strace", &["-p", &z]);
    let m = toolbox("trace -p <zombie>", &["trace", "-p", &z]);
    assert_eq!(code(&strace), Some(1), "strace: {}", stderr(&strace.output));
    assert!(stderr(&strace.output).contains("Operation not permitted"));
    assert_eq!(code(&m), code(&strace), "toolbox: {}", err(&m));
    assert!(err(&m).contains("Operation not permitted"), "{}", err(&m));
    assert!(err(&m).contains("zombie"), "{}", err(&m));
    assert!(!err(&m).contains("attached"), "{}", err(&m));
    assert!(!err(&m).contains("AppArmor"), "{}", err(&m));

    // As a target: nothing of a zombie is left to browse, run or trace. No target chosen: 2.
    for args in [
        &["target"][..],
        &["ls", "/"],
        &["trace"],
        &["exec", "--", "/x"],
    ] {
        let all = [&["--pid", &z][..], args].concat();
        let m = toolbox(&format!("--pid <zombie> {}", args[0]), &all);
        assert_eq!(code(&m), Some(2), "{args:?}: {}", err(&m));
        assert!(err(&m).contains("is a zombie"), "{args:?}: {}", err(&m));
        assert!(err(&m).contains("select with:"), "{args:?}: {}", err(&m));
    }
}

#[test]
#[serial]
fn a_kernel_thread_is_refused_with_the_reason() {
    require_root!();
    let kt = kernel_thread().to_string();
    let strace = run_measured(60, "strace -p 2", "strace", &["-p", &kt]);
    let m = toolbox("trace -p 2", &["trace", "-p", &kt]);
    assert_eq!(code(&strace), Some(1));
    assert_eq!(code(&m), Some(1), "{}", err(&m));
    assert!(err(&m).contains("Operation not permitted"), "{}", err(&m));
    assert!(err(&m).contains("kernel thread"), "{}", err(&m));
    for wrong in ["AppArmor", "SELinux", "sysadmin"] {
        assert!(!err(&m).contains(wrong), "blames {wrong}: {}", err(&m));
    }
    for args in [
        &["target"][..],
        &["ls", "/"],
        &["cat", "/etc/hostname"],
        &["exec", "--", "/x"],
        &["trace"],
        &["inspect"],
        &["export", "/etc/hostname"],
    ] {
        let all = [&["--pid", &kt][..], args].concat();
        let m = toolbox(&format!("--pid 2 {}", args[0]), &all);
        assert_eq!(code(&m), Some(2), "{args:?}: {}", err(&m));
        assert!(
            err(&m).contains("is a kernel thread"),
            "{args:?}: {}",
            err(&m)
        );
        assert!(stdout(&m.output).is_empty(), "{args:?} printed something");
    }
}

/// Start `program args` with stderr captured, for a tracer that runs until killed.
fn spawn_tracer(program: &str, args: &[&str]) -> Kid {
    Kid(Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tracer"))
}

/// SIGINT the tracer and collect its exit status and stderr.
fn stop_tracer(mut k: Kid) -> (Option<i32>, String) {
    let _ = nix_kill(k.pid(), "INT");
    let deadline = Instant::now() + Duration::from_secs(20);
    while k.0.try_wait().expect("try_wait").is_none() {
        assert!(Instant::now() < deadline, "tracer did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut text = String::new();
    if let Some(mut e) = k.0.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut text);
    }
    let status = k.0.wait().expect("wait");
    (status.code(), text)
}

fn nix_kill(pid: i32, sig: &str) -> bool {
    Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .is_ok_and(|s| s.success())
}

/// Wait until `pid` has a tracer.
fn wait_traced(pid: i32) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while status_field(pid, "TracerPid").as_deref() == Some("0") {
        assert!(Instant::now() < deadline, "nobody attached to {pid}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
#[serial]
fn two_toolbox_tracers_at_once_the_loser_says_who_holds_the_process() {
    require_root!();
    let tracee = spawn_probe(&["idle"], Stdio::null());
    let p = tracee.pid().to_string();
    for round in 0..5 {
        let start = Instant::now();
        let a = spawn_tracer(bin(), &["trace", "-p", &p]);
        let b = spawn_tracer(bin(), &["trace", "-p", &p]);
        wait_traced(tracee.pid());
        // The loser exits by itself; give it time, then stop the winner.
        std::thread::sleep(Duration::from_millis(500));
        let (ca, ea) = stop_tracer(a);
        let (cb, eb) = stop_tracer(b);
        eprintln!(
            "measured: two toolbox trace -p at once, round {round}: {:.3} s wall",
            start.elapsed().as_secs_f64()
        );
        let (loser_code, loser) = if ca == Some(0) { (cb, eb) } else { (ca, ea) };
        assert!(
            ca == Some(0) || cb == Some(0),
            "no winner: {ca:?} {cb:?}\n{loser}"
        );
        assert_eq!(loser_code, Some(1), "loser:\n{loser}");
        assert!(loser.contains("already traced by PID"), "{loser}");
        assert!(loser.contains("(toolbox)"), "{loser}");
        assert!(
            !loser.contains("AppArmor") && !loser.contains("sysadmin"),
            "{loser}"
        );
        assert_running_untraced(tracee.pid());
    }
}

#[test]
#[serial]
fn strace_and_toolbox_on_one_process_the_loser_explains_and_the_tracee_runs_on() {
    require_root!();
    let tracee = spawn_probe(&["idle"], Stdio::null());
    let p = tracee.pid().to_string();

    // strace first: toolbox loses and says strace holds it (strace would say only EPERM).
    let s = spawn_tracer("strace", &["-p", &p, "-o", "/dev/null"]);
    wait_traced(tracee.pid());
    let m = toolbox("trace -p <traced by strace>", &["trace", "-p", &p]);
    assert_eq!(code(&m), Some(1), "{}", err(&m));
    assert!(err(&m).contains("already traced by PID"), "{}", err(&m));
    assert!(err(&m).contains("(strace)"), "{}", err(&m));
    assert!(err(&m).contains("Operation not permitted"), "{}", err(&m));
    assert!(!err(&m).contains("AppArmor"), "{}", err(&m));
    // strace ends on SIGINT by re-raising it (no exit code): only its detaching matters here.
    let _ = stop_tracer(s);
    assert_running_untraced(tracee.pid());

    // toolbox first: strace loses with EPERM, exit 1; toolbox detaches cleanly.
    let t = spawn_tracer(bin(), &["trace", "-p", &p]);
    wait_traced(tracee.pid());
    let st = run_measured(60, "strace -p <traced by toolbox>", "strace", &["-p", &p]);
    assert_eq!(st.output.status.code(), Some(1));
    assert!(stderr(&st.output).contains("Operation not permitted"));
    let (tc, te) = stop_tracer(t);
    assert_eq!(tc, Some(0), "{te}");
    assert_running_untraced(tracee.pid());
}

#[test]
#[serial]
fn ps_shows_the_rss_of_a_tiny_static_process() {
    let tiny = spawn_probe(&["idle"], Stdio::null());
    wait_state(tiny.pid(), "S");
    let vmrss: u64 = status_field(tiny.pid(), "VmRSS")
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .expect("VmRSS");
    assert!(vmrss > 0);
    let p = tiny.pid().to_string();
    let m = toolbox("ps -p <tiny> -o rss=", &["ps", "-p", &p, "-o", "rss="]);
    assert_eq!(code(&m), Some(0), "{}", err(&m));
    let rss: u64 = stdout(&m.output).trim().parse().expect("a number");
    assert_eq!(rss, vmrss, "ps RSS vs VmRSS of /proc/{p}/status");
    let m = toolbox("ps -p <tiny> -o json", &["ps", "-p", &p, "-o", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&m.output.stdout).expect("json");
    assert_eq!(v[0]["rss_kib"].as_u64(), Some(vmrss), "{v}");
}

/// Every subcommand, with the arguments it needs to get as far as choosing a target, and
/// whether it needs one.
const MATRIX: &[(&[&str], bool)] = &[
    (&[], false),
    (&["ps"], false),
    (&["caps"], false),
    (&["target"], true),
    (&["inspect"], true),
    (&["trace"], true),
    (&["ls", "/"], true),
    (&["cat", "/etc/hostname"], true),
    (&["head", "/etc/hostname"], true),
    (&["tail", "/etc/hostname"], true),
    (&["tree", "/"], true),
    (&["find", "/"], true),
    (&["stat", "/"], true),
    (&["grep", "x", "/etc/hostname"], true),
    (&["export", "/etc/hostname"], true),
    (&["exec", "--", "/x"], true),
];

fn check_matrix_row(args: &[&str], needs: bool, m: &Measured, names: &[&str]) {
    let all = format!("{}{}", stdout(&m.output), err(m));
    if needs {
        assert_eq!(code(m), Some(2), "{args:?} exit:\n{all}");
        assert!(stdout(&m.output).is_empty(), "{args:?} printed:\n{all}");
    } else {
        assert_eq!(code(m), Some(0), "{args:?} exit:\n{all}");
        assert!(
            all.contains("no target chosen")
                || all.contains("none chosen")
                || all.contains("no process is marked as the target"),
            "{args:?} does not say that no target was chosen:\n{all}"
        );
    }
    // Commands that need a target list the candidates; the others say why there is none.
    if needs {
        for n in names {
            assert!(
                all.contains(n),
                "{args:?} does not list candidate {n}:\n{all}"
            );
        }
    }
}

#[test]
#[serial]
fn no_target_chosen_by_name_exits_2_for_every_command_that_needs_one() {
    require_root!();
    for (args, needs) in MATRIX {
        let all = [&["--target", "nosuch"][..], args].concat();
        let m = toolbox(&format!("--target nosuch {args:?}"), &all);
        check_matrix_row(args, *needs, &m, &["nosuch"]);
    }
    // capture needs the named target's network namespace.
    let m = toolbox(
        "--target nosuch capture -D",
        &["--target", "nosuch", "capture", "-D"],
    );
    check_matrix_row(&["capture"], true, &m, &["nosuch"]);
}

/// A pod of our own with two application containers (never added to the shared test pods),
/// and an idle debug container to `podman exec` toolbox in. Removed when dropped.
struct TwoAppPod {
    name: String,
}

impl Drop for TwoAppPod {
    fn drop(&mut self) {
        let _ = run_bounded(120, "podman", &["pod", "rm", "-f", "-t", "0", &self.name]);
    }
}

impl TwoAppPod {
    fn up() -> TwoAppPod {
        let pod = common::Pod::up(common::PidMode::Shared);
        let name = format!("toolbox-hostile-{}", std::process::id());
        let p = TwoAppPod { name };
        let probe: PathBuf = probe_binary("hostile_target");
        let empty = pod.var("TESTPOD_EMPTY_IMAGE").to_string();
        common::podman_ok(&[
            "pod",
            "create",
            "--name",
            &p.name,
            "--infra-image",
            pod.var("TESTPOD_PAUSE_IMAGE"),
            "--network",
            "none",
            "--share",
            "pid,net,ipc,uts",
        ]);
        for app in ["appone", "apptwo"] {
            run_in(
                &p.name,
                &format!("{}-{app}", p.name),
                &probe,
                app,
                &empty,
                &[],
            );
        }
        let toolbox_mount = format!("{}:/toolbox:ro", bin());
        run_in(
            &p.name,
            &format!("{}-debug", p.name),
            &probe,
            "idle",
            &empty,
            &["--cap-add", "SYS_PTRACE", "-v", &toolbox_mount],
        );
        p
    }

    fn exec(&self, label: &str, args: &[&str]) -> Measured {
        let ctr = format!("{}-debug", self.name);
        let all = [&["exec", &ctr, "/toolbox"][..], args].concat();
        run_measured(60, label, "podman", &all)
    }
}

fn run_in(pod: &str, name: &str, probe: &Path, as_name: &str, image: &str, extra: &[&str]) {
    let mount = format!("{}:/{as_name}:ro", probe.display());
    let program = format!("/{as_name}");
    let args = [
        &["run", "-d", "--pod", pod, "--name", name, "-v", &mount][..],
        extra,
        &[image, &program, "idle"],
    ]
    .concat();
    common::podman_ok(&args);
}

#[test]
#[serial]
fn two_app_containers_exit_2_with_the_candidates_for_every_command_that_needs_a_target() {
    require_pod!();
    let pod = TwoAppPod::up();
    for (args, needs) in MATRIX {
        let m = pod.exec(&format!("two apps: {args:?}"), args);
        check_matrix_row(args, *needs, &m, &["--target appone", "--target apptwo"]);
    }
    // Both containers share the pod's network namespace, which is toolbox's: capture says no
    // target was chosen and lists its own (the pod's) interfaces.
    let m = pod.exec("two apps: capture -D", &["capture", "-D"]);
    assert_eq!(code(&m), Some(0), "{}", err(&m));
    assert!(err(&m).contains("no target chosen"), "{}", err(&m));
    assert!(stdout(&m.output).contains(".lo "), "{}", stdout(&m.output));
    let m = pod.exec(
        "two apps: --target appone target",
        &["--target", "appone", "target"],
    );
    assert_eq!(code(&m), Some(0), "{}", err(&m));
}
