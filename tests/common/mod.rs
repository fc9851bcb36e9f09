//! Shared integration-test harness: the real toolbox binary, the real podman test pod
//! (scripts/testpod), debug containers in both PID modes, and the rule that a test which cannot
//! find root or podman fails under CI=true instead of skipping.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// The toolbox binary cargo built for these tests (static musl: it runs in a scratch container).
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_toolbox")
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether root and podman are available. Under `CI=true` their absence is a test failure; outside
/// CI the test is skipped with a loud message (and a skip is never reported as a pass of its subject).
pub fn require_pod() -> bool {
    let root = nix_uid() == 0;
    let podman = Command::new("podman")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if root && podman {
        return true;
    }
    let why =
        format!("needs root and podman (root: {root}, podman: {podman}); run scripts/test as root");
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("CI=true and this test {why}");
    }
    eprintln!("\n*** SKIPPED: this test {why} ***\n");
    false
}

/// Whether we are root (network namespaces, tcpdump, mounts), for tests that need no podman. Under
/// `CI=true` its absence is a test failure; outside CI the test is skipped with a loud message.
pub fn require_root() -> bool {
    if nix_uid() == 0 {
        return true;
    }
    let why = "needs root; run scripts/test as root";
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("CI=true and this test {why}");
    }
    eprintln!("\n*** SKIPPED: this test {why} ***\n");
    false
}

/// Bail out of a test that needs root but not the pod (fails under CI, loud skip elsewhere).
#[macro_export]
macro_rules! require_root {
    () => {
        if !common::require_root() {
            return;
        }
    };
}

/// Bail out of a test that needs the pod (fails under CI, loud skip elsewhere).
#[macro_export]
macro_rules! require_pod {
    () => {
        if !common::require_pod() {
            return;
        }
    };
}

fn nix_uid() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(u32::MAX)
}

/// Run a command with a time bound (`timeout --kill-after`), capturing its output.
pub fn run_bounded(secs: u32, program: &str, args: &[&str]) -> Output {
    Command::new("timeout")
        .arg("--kill-after=5")
        .arg(secs.to_string())
        .arg(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
}

/// Run podman (bounded) and assert it succeeded; returns its stdout.
pub fn podman_ok(args: &[&str]) -> String {
    let o = run_bounded(120, "podman", args);
    assert!(o.status.success(), "podman {args:?} failed: {}", stderr(&o));
    stdout(&o)
}

/// One test pod as `scripts/testpod env` describes it.
#[derive(Clone, Debug)]
pub struct Pod {
    /// Every TESTPOD_* variable.
    pub env: HashMap<String, String>,
}

/// Which PID namespace the debug container joins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PidMode {
    /// The pod's shared PID namespace: catatonit (pause) is PID 1.
    Shared,
    /// The target container's own PID namespace: nginx is PID 1.
    Target,
}

fn testpod(extra_env: &[(&str, &str)], args: &[&str]) -> Output {
    let script = repo().join("scripts/testpod");
    let out = Command::new("timeout")
        .arg("--kill-after=10")
        .arg("400")
        .arg(&script)
        .args(args)
        .envs(extra_env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("run scripts/testpod");
    assert!(
        out.status.success(),
        "scripts/testpod {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

impl Pod {
    /// Bring up (idempotently) and describe the pod for `mode`, with extra testpod variables.
    pub fn up_with(mode: PidMode, extra_env: &[(&str, &str)]) -> Pod {
        let mut vars: Vec<(&str, &str)> = extra_env.to_vec();
        if mode == PidMode::Target {
            vars.push(("TESTPOD_SHARE_PID", "0"));
        }
        testpod(&vars, &["up"]);
        let out = testpod(&vars, &["env"]);
        let env = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| {
                let (k, v) = l.split_once('=')?;
                Some((k.to_string(), unquote(v)))
            })
            .collect();
        Pod { env }
    }

    /// The shared pod (pause is PID 1) or the unshared one (nginx is PID 1).
    pub fn up(mode: PidMode) -> Pod {
        static SHARED: OnceLock<Pod> = OnceLock::new();
        static TARGET: OnceLock<Pod> = OnceLock::new();
        let cell = if mode == PidMode::Shared {
            &SHARED
        } else {
            &TARGET
        };
        cell.get_or_init(|| Pod::up_with(mode, &[])).clone()
    }

    /// A TESTPOD_* variable.
    pub fn var(&self, key: &str) -> &str {
        self.env
            .get(key)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("testpod env has no {key}: {:?}", self.env))
    }

    /// Host PID of the nginx master.
    pub fn nginx_pid(&self) -> i32 {
        self.var("TESTPOD_NGINX_PID")
            .parse()
            .expect("TESTPOD_NGINX_PID is a number")
    }

    /// Host PID of the nginx worker.
    pub fn worker_pid(&self) -> i32 {
        self.var("TESTPOD_WORKER_PID")
            .parse()
            .expect("TESTPOD_WORKER_PID is a number")
    }

    /// The podman flags that put a debug container into this pod's namespaces.
    pub fn debug_args(&self) -> Vec<String> {
        self.var("TESTPOD_DEBUG_ARGS")
            .split_whitespace()
            .map(str::to_string)
            .collect()
    }

    /// Run toolbox in a fresh debug container of this pod: `podman run --rm <pod flags> <flags>
    /// -v toolbox:/toolbox:ro <extra mounts> localhost/toolbox-empty:test /toolbox <args>`.
    pub fn toolbox(&self, podman_flags: &[&str], args: &[&str]) -> Output {
        self.run_in_debug(podman_flags, &[], "/toolbox", args)
    }

    /// Run `program` (mounted from the host at `mounts`) in a debug container of this pod.
    pub fn run_in_debug(
        &self,
        podman_flags: &[&str],
        mounts: &[(&Path, &str)],
        program: &str,
        args: &[&str],
    ) -> Output {
        let mut argv: Vec<String> = vec!["run".into(), "--rm".into()];
        argv.extend(self.debug_args());
        argv.extend(podman_flags.iter().map(|s| s.to_string()));
        argv.push("-v".into());
        argv.push(format!("{}:/toolbox:ro", bin()));
        for (host, inside) in mounts {
            argv.push("-v".into());
            argv.push(format!("{}:{inside}:ro", host.display()));
        }
        argv.push(self.var("TESTPOD_EMPTY_IMAGE").to_string());
        argv.push(program.to_string());
        argv.extend(args.iter().map(|s| s.to_string()));
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        run_bounded(120, "podman", &argv)
    }

    /// `curl` a path on the pod's nginx from inside the pod's network namespace.
    pub fn curl(&self, path: &str) -> String {
        let pid = self.nginx_pid().to_string();
        let url = format!("http://127.0.0.1{path}");
        let out = run_bounded(
            20,
            "nsenter",
            &["-t", &pid, "-n", "curl", "-sS", "--max-time", "10", &url],
        );
        assert!(
            out.status.success(),
            "curl {url} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    // bash `printf %q` output: 'single quoted' or backslash-escaped.
    if v.len() >= 2 && v.starts_with('\'') && v.ends_with('\'') {
        return v[1..v.len() - 1].to_string();
    }
    let mut out = String::new();
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Compile a C test program from tests/probe with `musl-gcc -static` (once per test binary).
pub fn probe_binary(name: &str) -> PathBuf {
    let src = repo().join("tests/probe").join(format!("{name}.c"));
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("probe-{name}-{}", std::process::id()));
    if !out.exists() {
        let o = run_bounded(
            120,
            "musl-gcc",
            &[
                "-static",
                "-O2",
                "-o",
                out.to_str().expect("utf-8 path"),
                src.to_str().expect("utf-8 path"),
            ],
        );
        assert!(
            o.status.success(),
            "musl-gcc {name}.c failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    out
}

/// The PID inside the pod's PID namespace of a host PID: the last field of `NSpid:` in the
/// host's `/proc/PID/status`.
pub fn ns_pid(host_pid: i32) -> i64 {
    let status = std::fs::read_to_string(format!("/proc/{host_pid}/status")).expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("NSpid:"))
        .and_then(|l| l.split_whitespace().last()?.parse().ok())
        .expect("NSpid")
}

/// Exit status, stdout and stderr of a run, for assertion messages.
pub fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    )
}

/// stdout as a string.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as a string.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Assert success and parse stdout as JSON, printing everything on failure.
pub fn json(o: &Output) -> serde_json::Value {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    );
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("bad JSON ({e}):\n{}", stdout(o)))
}

/// Assert that a failed run did not panic and printed a `toolbox:` error.
pub fn assert_clean_error(o: &Output) {
    let err = stderr(o);
    assert!(
        !o.status.success(),
        "expected failure, got success: {}",
        stdout(o)
    );
    assert!(!err.contains("panicked"), "toolbox panicked:\n{err}");
    assert!(
        err.contains("toolbox: "),
        "no toolbox error message:\n{err}"
    );
}

/// What one bounded run of a command took: its output, wall time and peak resident memory.
#[derive(Debug)]
pub struct Measured {
    /// stdout, stderr and exit status.
    pub output: Output,
    /// Wall-clock time from spawn to exit.
    pub wall: std::time::Duration,
    /// Peak resident set size in KiB of the command (and of the children it waited for).
    pub max_rss_kib: i64,
}

/// Run `program args` under `timeout --kill-after=5 SECS` with stdin closed and report its output,
/// wall time and peak RSS, printing a `measured:` line for the test log.
///
/// The peak RSS comes from GNU time (`/usr/bin/time -f %M`, installed by scripts/setup) run
/// between timeout and the program: `wait4`'s rusage of our own child is no good here, because
/// the kernel carries the parent's high-water RSS into a forked child at exec (exec_mmap's
/// setmax_mm_hiwater_rss), so it reports at least the test process's own peak (tens of MB with
/// large test data, other test threads included). time's child is forked from the small `time`
/// process. Without /usr/bin/time (or if it was killed), wait4's figure is used, an upper bound.
/// Tests assert memory bounds and use the time bound only as a hang guard: performance is measured
/// by the scripts/bench-* scripts, not timed in tests.
pub fn run_measured(secs: u32, label: &str, program: &str, args: &[&str]) -> Measured {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    let start = std::time::Instant::now();
    let gnu_time = Path::new("/usr/bin/time").exists();
    let rss_file = tempfile::NamedTempFile::new().expect("temp file for the RSS figure");
    let mut cmd = Command::new("timeout");
    cmd.arg("--kill-after=5").arg(secs.to_string());
    if gnu_time {
        cmd.args(["/usr/bin/time", "-q", "-f", "%M", "-o"])
            .arg(rss_file.path());
    }
    let mut child = cmd
        .arg(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let mut out_pipe = child.stdout.take().expect("stdout pipe");
    let mut err_pipe = child.stderr.take().expect("stderr pipe");
    let out_thread = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out_pipe.read_to_end(&mut b);
        b
    });
    let err_thread = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err_pipe.read_to_end(&mut b);
        b
    });
    let mut status = 0;
    // SAFETY (test code): an all-zero rusage is a valid value; wait4 reaps our own child, which
    // std's Child then never waits for again (it is dropped below without wait()).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let rc = loop {
        // SAFETY (test code): valid pointers to locals for the duration of the call.
        let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if rc == -1 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        break rc;
    };
    assert_eq!(rc, pid, "wait4 failed: {}", std::io::Error::last_os_error());
    let wall = start.elapsed();
    drop(child);
    let output = Output {
        status: std::process::ExitStatus::from_raw(status),
        stdout: out_thread.join().expect("stdout reader"),
        stderr: err_thread.join().expect("stderr reader"),
    };
    let from_time = std::fs::read_to_string(rss_file.path())
        .ok()
        .and_then(|s| s.lines().last()?.trim().parse::<i64>().ok());
    let m = Measured {
        output,
        wall,
        max_rss_kib: from_time.unwrap_or(usage.ru_maxrss),
    };
    eprintln!(
        "measured: {label}: {:.3} s wall, {} KiB peak RSS, exit {:?}",
        m.wall.as_secs_f64(),
        m.max_rss_kib,
        m.output.status.code()
    );
    m
}
