//! `toolbox trace` in the real test pod, run from a debug container as `kubectl debug` would:
//! the seed scenario (`-p WORKER -f -e trace=accept4,read,write` while curl sends requests)
//! compared line for line with the real strace on the same worker, and the error without
//! CAP_SYS_PTRACE.

mod common;
mod trace_support;

use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{PidMode, Pod};
use serial_test::serial;

const REQUESTS: usize = 5;
const FILTER: &str = "trace=accept4,read,write";

/// A background process whose stderr lines arrive on a channel; removed on drop.
struct Background {
    child: Child,
    lines: mpsc::Receiver<String>,
    container: Option<String>,
}

impl Background {
    fn spawn(mut cmd: Command, container: Option<String>) -> Background {
        let (child, rx) = trace_support::spawn_with_stderr_lines(&mut cmd);
        Background {
            child,
            lines: rx,
            container,
        }
    }

    /// Wait for a line containing `needle`, collecting everything seen.
    fn wait_for(&self, needle: &str, seen: &mut Vec<String>) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => {
                    let hit = l.contains(needle);
                    seen.push(l);
                    if hit {
                        return;
                    }
                }
                Err(_) => panic!("never saw {needle:?}; output so far:\n{}", seen.join("\n")),
            }
        }
    }

    /// Wait for exit (bounded) and return the remaining stderr lines.
    fn finish(mut self, seen: &mut Vec<String>) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if self.child.try_wait().expect("try_wait").is_some() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "did not exit after SIGINT: it hung"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        while let Ok(l) = self.lines.recv_timeout(Duration::from_secs(2)) {
            seen.push(l);
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(name) = &self.container {
            let _ = Command::new("podman")
                .args(["rm", "-f", "-t", "0", name])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn requests(pod: &Pod) {
    for _ in 0..REQUESTS {
        let body = pod.curl("/");
        assert!(!body.is_empty(), "nginx answered nothing");
    }
    // Let the access-log writes land in the trace.
    std::thread::sleep(Duration::from_millis(500));
}

/// toolbox in a debug container with CAP_SYS_PTRACE, tracing the worker by its pod pid.
fn toolbox_trace(pod: &Pod) -> Vec<String> {
    let worker = common::ns_pid(pod.worker_pid()).to_string();
    let name = format!("toolbox-trace-test-{}", std::process::id());
    let mut cmd = Command::new("podman");
    cmd.args(["run", "--rm", "--name", &name]);
    cmd.args(pod.debug_args());
    cmd.args(["--cap-add", "SYS_PTRACE", "-v"]);
    cmd.arg(format!("{}:/toolbox:ro", common::bin()));
    cmd.arg(pod.var("TESTPOD_EMPTY_IMAGE"));
    cmd.args(["/toolbox", "trace", "-p", &worker, "-f", "-e", FILTER]);
    let bg = Background::spawn(cmd, Some(name.clone()));
    let mut seen = Vec::new();
    bg.wait_for("attached", &mut seen);
    requests(pod);
    let ok = Command::new("podman")
        .args(["kill", "--signal", "INT", &name])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "podman kill --signal INT {name}");
    bg.finish(&mut seen);
    seen.retain(|l| !l.starts_with("toolbox trace:"));
    seen
}

/// The real strace on the host, on the same worker.
fn strace_trace(pod: &Pod) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("strace.txt");
    let mut cmd = Command::new("strace");
    cmd.args([
        "-p",
        &pod.worker_pid().to_string(),
        "-f",
        "-e",
        FILTER,
        "-o",
    ]);
    cmd.arg(&out);
    let bg = Background::spawn(cmd, None);
    let mut seen = Vec::new();
    bg.wait_for("attached", &mut seen);
    requests(pod);
    let pid = bg.child.id();
    let ok = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "kill -INT strace");
    bg.finish(&mut seen);
    std::fs::read_to_string(&out)
        .expect("strace output")
        .lines()
        .map(str::to_string)
        .collect()
}

fn accepts(lines: &[String]) -> usize {
    lines
        .iter()
        .filter(|l| {
            l.contains("accept4(")
                && l.contains("sin_addr=inet_addr(\"127.0.0.1\")")
                && !l.contains("= -1")
        })
        .count()
}

fn log_writes(lines: &[String]) -> usize {
    lines
        .iter()
        .filter(|l| l.contains("write(") && l.contains("\"127.0.0.1 - - ["))
        .count()
}

/// A pod of its own (the shared one serves other tests' requests, which would show up in the
/// trace); removed on drop, also when the test fails.
struct PrivatePod {
    pod: Pod,
    name: String,
}

impl PrivatePod {
    fn up(mode: PidMode) -> PrivatePod {
        let tag = if mode == PidMode::Shared { "s" } else { "t" };
        let name = format!("toolbox-trace-{tag}{}", std::process::id());
        let pod = Pod::up_with(mode, &[("TESTPOD_NAME", &name)]);
        PrivatePod { pod, name }
    }
}

impl Drop for PrivatePod {
    fn drop(&mut self) {
        let _ = Command::new(common::repo().join("scripts/testpod"))
            .arg("down")
            .env("TESTPOD_NAME", &self.name)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

#[test]
#[serial(ptrace)]
fn nginx_worker_trace_matches_strace() {
    require_pod!();
    // Shared PID namespace (pause is PID 1) and the target's own (`kubectl debug --target`).
    for mode in [PidMode::Shared, PidMode::Target] {
        let private = PrivatePod::up(mode);
        compare_on_worker(&private.pod);
    }
}

fn compare_on_worker(pod: &Pod) {
    let ours = toolbox_trace(pod);
    let theirs = strace_trace(pod);
    let show = |v: &[String]| v.join("\n");
    assert_eq!(
        accepts(&ours),
        REQUESTS,
        "toolbox accept4 lines:\n{}",
        show(&ours)
    );
    assert_eq!(
        log_writes(&ours),
        REQUESTS,
        "toolbox access-log writes:\n{}",
        show(&ours)
    );
    assert_eq!(
        accepts(&theirs),
        REQUESTS,
        "strace accept4 lines:\n{}",
        show(&theirs)
    );
    assert_eq!(
        log_writes(&theirs),
        REQUESTS,
        "strace access-log writes:\n{}",
        show(&theirs)
    );
    let a: Vec<String> = ours.iter().map(|l| trace_support::normalise(l)).collect();
    let b: Vec<String> = theirs.iter().map(|l| trace_support::normalise(l)).collect();
    similar_asserts::assert_eq!(toolbox: a.join("\n"), strace: b.join("\n"));
    // The worker is left running and untraced.
    let status = std::fs::read_to_string(format!("/proc/{}/status", pod.worker_pid()))
        .expect("worker still exists");
    assert!(status.contains("TracerPid:\t0"), "{status}");
    pod.curl("/");
}

#[test]
#[serial(ptrace)]
fn without_cap_sys_ptrace_the_error_names_the_capability_and_profile() {
    require_pod!();
    for mode in [PidMode::Shared, PidMode::Target] {
        let pod = Pod::up(mode);
        let worker = common::ns_pid(pod.worker_pid()).to_string();
        let o = pod.toolbox(&["--cap-drop", "SYS_PTRACE"], &["trace", "-p", &worker]);
        common::assert_clean_error(&o);
        let err = common::stderr(&o);
        assert!(err.contains("CAP_SYS_PTRACE"), "{mode:?}: {err}");
        assert!(err.contains("--profile=general"), "{mode:?}: {err}");
        assert!(err.contains("PTRACE_SEIZE"), "{mode:?}: {err}");
    }
}
