//! `kubectl toolbox` (the binary started as `kubectl-toolbox`) against the stand-in kubectl of
//! tests/kubectl_standin over the podman pods of scripts/kubepods (tbxk-web-1..3, app=web):
//! no Kubernetes runs here. The stand-in logs every argv it receives; the plugin must not
//! depend on anything only the stand-in does.
//!
//! The tests share the pods' ephemeral containers, so they run one at a time.

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{bin, podman_ok, repo, run_bounded, show, stderr, stdout};
use serial_test::serial;

/// scripts/kubepods up (idempotent: recreates a pod a test removed, or a stale one).
fn kubepods() {
    let o = run_bounded(
        400,
        repo().join("scripts/kubepods").to_str().unwrap(),
        &["up"],
    );
    assert!(o.status.success(), "scripts/kubepods up: {}", show(&o));
}

/// Remove the pods' ephemeral containers (scripts/kubepods reset).
fn reset() {
    let o = run_bounded(
        200,
        repo().join("scripts/kubepods").to_str().unwrap(),
        &["reset"],
    );
    assert!(o.status.success(), "scripts/kubepods reset: {}", show(&o));
}

/// A directory with `kubectl-toolbox` (a link to the toolbox binary, as the README installs
/// it) and the stand-in's log.
struct Env {
    dir: PathBuf,
}

impl Env {
    fn new(name: &str) -> Env {
        kubepods();
        reset();
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("kubectl-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink(bin(), dir.join("kubectl-toolbox")).unwrap();
        Env { dir }
    }

    fn log(&self) -> PathBuf {
        self.dir.join("kubectl.log")
    }

    fn path(&self) -> String {
        let standin = repo().join("tests/kubectl_standin");
        format!(
            "{}:{}:{}",
            standin.display(),
            self.dir.display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }

    /// `kubectl-toolbox ARGS` with the stand-in first on PATH.
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new("/usr/bin/timeout");
        c.args(["--kill-after=10", "180"])
            .arg(self.dir.join("kubectl-toolbox"))
            .args(args)
            .env("PATH", self.path())
            .env("KUBECTL_STANDIN_LOG", self.log())
            .env("KUBECTL_STANDIN_IMAGE", "localhost/toolbox-empty:test")
            .env("KUBECTL_STANDIN_TOOLBOX", bin())
            .env_remove("KUBECTL_STANDIN_FORBID")
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run kubectl-toolbox")
    }

    /// Every argv the stand-in received since the last call, as words.
    fn take_log(&self) -> Vec<Vec<String>> {
        let text = std::fs::read_to_string(self.log()).unwrap_or_default();
        let _ = std::fs::remove_file(self.log());
        text.lines()
            .map(|l| serde_json::from_str(l).expect("a JSON argv line"))
            .collect()
    }

    /// The stand-in's view of a pod.
    fn pod(&self, name: &str) -> serde_json::Value {
        let o = Command::new(repo().join("tests/kubectl_standin/kubectl"))
            .args(["get", "pod", name, "-o", "json"])
            .env("PATH", self.path())
            .env_remove("KUBECTL_STANDIN_LOG")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", show(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    }

    fn ephemeral_count(&self, pod: &str) -> usize {
        self.pod(pod)["spec"]["ephemeralContainers"]
            .as_array()
            .map_or(0, Vec::len)
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        // No debug container is left running in the pods (the pods stay, like scripts/testpod's;
        // `scripts/kubepods down` removes them).
        let _ = run_bounded(
            200,
            repo().join("scripts/kubepods").to_str().unwrap_or_default(),
            &["reset"],
        );
    }
}

/// A shell command line split into words by sh itself (so the plugin's quoting is checked by
/// a real shell, not by its own code).
fn sh_words(line: &str) -> Vec<String> {
    let o = Command::new("sh")
        .args([
            "-c",
            "eval \"set -- $1\"; printf '%s\\0' \"$@\"",
            "sh",
            line,
        ])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "sh could not parse {line:?}: {}",
        show(&o)
    );
    let out = o.stdout.strip_suffix(b"\0").unwrap_or(&o.stdout);
    out.split(|&b| b == 0)
        .map(|w| String::from_utf8(w.to_vec()).unwrap())
        .collect()
}

/// The non-`get` invocations (what changes the cluster or runs in it).
fn changing(log: &[Vec<String>]) -> Vec<Vec<String>> {
    log.iter()
        .filter(|argv| !argv.iter().any(|w| w == "get"))
        .cloned()
        .collect()
}

#[test]
#[serial]
fn dry_run_prints_exactly_the_commands_kubectl_then_receives() {
    require_pod!();
    let env = Env::new("dryrun");
    // Global flags, a word with a space and a quote: all must reach kubectl as they were.
    let args = [
        "-n",
        "default",
        "--context",
        "kind-test",
        "--kubeconfig",
        "/dev/null",
        "tbxk-web-1",
        "-c",
        "nginx",
    ];
    let tail = ["--", "grep", "-c", "it's a worker", "/etc/nginx/nginx.conf"];
    let dry = env.run(&[&args[..], &["--dry-run"], &tail[..]].concat());
    assert!(dry.status.success(), "{}", show(&dry));
    let dry_log = env.take_log();
    assert!(
        dry_log.iter().all(|a| a.iter().any(|w| w == "get")),
        "--dry-run ran more than `get`: {dry_log:?}"
    );
    assert_eq!(
        env.ephemeral_count("tbxk-web-1"),
        0,
        "--dry-run added a container"
    );
    let planned: Vec<Vec<String>> = stdout(&dry)
        .lines()
        .map(|l| {
            let w = sh_words(l);
            assert_eq!(w[0], "kubectl", "{l}");
            w[1..].to_vec()
        })
        .collect();
    assert_eq!(planned.len(), 2, "debug and exec: {}", stdout(&dry));

    let real = env.run(&[&args[..], &tail[..]].concat());
    let received = changing(&env.take_log());
    similar_asserts::assert_eq!(planned, received, "real run: {}", show(&real));
    // grep ran in the debug container and counted no such line.
    assert_eq!(stdout(&real).trim(), "0", "{}", show(&real));
    assert!(received[0].contains(&"--context".to_string()));
    assert!(received[1].contains(&"it's a worker".to_string()));
}

#[test]
#[serial]
fn three_invocations_leave_one_ephemeral_container() {
    require_pod!();
    let env = Env::new("reuse");
    let mut counts = Vec::new();
    for args in [&["ps"][..], &["ls", "/etc/nginx"], &["target"]] {
        let o = env.run(&[&["tbxk-web-2", "--"][..], args].concat());
        assert!(o.status.success(), "{args:?}: {}", show(&o));
        counts.push(env.ephemeral_count("tbxk-web-2"));
    }
    let first = stdout(&env.run(&["tbxk-web-2", "--", "ps"]));
    assert!(first.contains("nginx: master process"), "{first}");
    assert_eq!(counts, [1, 1, 1], "ephemeral containers after each call");
    let log = changing(&env.take_log());
    let debugs = log.iter().filter(|a| a[0] == "debug").count();
    let execs = log.iter().filter(|a| a[0] == "exec").count();
    assert_eq!((debugs, execs), (1, 4), "{log:?}");
    // A command that needs more (capture: NET_RAW) adds the one container that grants it.
    let dry = env.run(&["tbxk-web-2", "--dry-run", "--", "capture", "-c", "1"]);
    assert!(
        stdout(&dry).contains("--profile=netadmin -c toolbox-netadmin"),
        "{}",
        show(&dry)
    );
}

#[test]
#[serial]
fn the_profile_is_what_the_caps_table_names_for_the_command() {
    require_pod!();
    let env = Env::new("profile");
    for (args, profile) in [
        (&["capture", "-w", "-"][..], "netadmin"),
        (&["ping", "-c", "1", "127.0.0.1"], "netadmin"),
        (&["trace", "-p", "1"], "general"),
        (&["stack", "1"], "general"),
        (&["ls", "/"], "general"),
        (&["ps"], "general"),
        (&[], "general"),
    ] {
        let o = env.run(&[&["tbxk-web-3", "--dry-run", "--"][..], args].concat());
        assert!(o.status.success(), "{args:?}: {}", show(&o));
        let debug = stdout(&o).lines().next().unwrap_or_default().to_string();
        assert!(
            debug.contains(&format!("--profile={profile} ")),
            "{args:?}: want {profile}: {debug}"
        );
    }
    let logs = env.run(&["tbxk-web-3", "--dry-run", "--", "logs", "default/x"]);
    assert!(!logs.status.success());
    assert!(stderr(&logs).contains("node/NODE"), "{}", show(&logs));
}

/// Run `kubectl-toolbox ARGS` with a terminal as stdin and stdout (script(1)).
fn on_a_terminal(env: &Env, args: &[&str]) -> String {
    let line = std::iter::once(env.dir.join("kubectl-toolbox").display().to_string())
        .chain(args.iter().map(|a| a.to_string()))
        .map(|w| format!("'{}'", w.replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ");
    let o = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("PATH", env.path())
        .env("KUBECTL_STANDIN_LOG", env.log())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", show(&o));
    stdout(&o).replace("\r\n", "\n")
}

#[test]
#[serial]
fn binary_output_and_pipes_get_stdin_without_a_tty() {
    require_pod!();
    let env = Env::new("tty");
    let exec_line = |out: &str| out.lines().last().unwrap_or_default().to_string();
    let tty_ps = exec_line(&on_a_terminal(
        &env,
        &["tbxk-web-3", "--dry-run", "--", "ps"],
    ));
    assert!(tty_ps.contains(" -i -t -- toolbox ps"), "{tty_ps}");
    let tty_pcap = exec_line(&on_a_terminal(
        &env,
        &["tbxk-web-3", "--dry-run", "--", "capture", "-w", "-"],
    ));
    assert!(
        // (Without a TTY a capture also stops when kubectl ends: see one_pod_capture_without_a_tty…)
        tty_pcap.contains(" -i -- toolbox capture --stop-on-stdin-eof -w -"),
        "{tty_pcap}"
    );
    let tty_tar = exec_line(&on_a_terminal(
        &env,
        &["tbxk-web-3", "--dry-run", "--", "export", "/etc"],
    ));
    assert!(tty_tar.contains(" -i -- toolbox export"), "{tty_tar}");
    let piped = env.run(&["tbxk-web-3", "--dry-run", "--", "ps"]);
    assert!(
        exec_line(&stdout(&piped)).contains(" -i -- toolbox ps"),
        "{}",
        show(&piped)
    );
}

#[test]
#[serial]
fn kubectl_missing_pod_missing_and_no_rbac_are_clear_errors() {
    require_pod!();
    let env = Env::new("errors");
    let o = env
        .cmd(&["tbxk-web-1", "--", "ps"])
        .env("PATH", env.dir.display().to_string())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(
        stderr(&o).contains("kubectl not found on PATH"),
        "{}",
        show(&o)
    );

    let o = env.run(&["nosuch-pod", "--", "ps"]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(
        stderr(&o).contains("pod nosuch-pod not found"),
        "{}",
        show(&o)
    );

    let o = env
        .cmd(&["-n", "default", "tbxk-web-1", "--", "ps"])
        .env("KUBECTL_STANDIN_FORBID", "ephemeralcontainers")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let err = stderr(&o);
    assert!(
        err.contains("pods/ephemeralcontainers")
            && err.contains("kubectl auth can-i patch pods/ephemeralcontainers -n default"),
        "{err}"
    );
    assert_eq!(env.ephemeral_count("tbxk-web-1"), 0);
}

/// A running fan-out capture: its stderr lines arrive on a channel; killed if the test fails.
struct Fanout {
    child: std::process::Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Fanout {
    fn start(env: &Env, args: &[&str], stdout: Option<std::fs::File>) -> Fanout {
        let mut c = Command::new(env.dir.join("kubectl-toolbox"));
        c.args(args)
            .env("PATH", env.path())
            .env("KUBECTL_STANDIN_LOG", env.log())
            .env("KUBECTL_STANDIN_IMAGE", "localhost/toolbox-empty:test")
            .env("KUBECTL_STANDIN_TOOLBOX", bin())
            .stdin(Stdio::null())
            .stdout(stdout.map_or_else(Stdio::null, Stdio::from))
            .stderr(Stdio::piped());
        let mut child = c.spawn().expect("start kubectl-toolbox capture");
        let err = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                eprintln!("[fan-out] {line}");
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Fanout {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Wait (at most `secs`) until `n` stderr lines contain `what`.
    fn wait_for(&mut self, what: &str, n: usize, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while self.seen.iter().filter(|l| l.contains(what)).count() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => self.seen.push(l),
                Err(_) => panic!(
                    "no {n} lines with {what:?} after {secs} s: {:#?}",
                    self.seen
                ),
            }
        }
    }

    /// SIGINT, as Ctrl-C; returns the exit status and every stderr line.
    fn interrupt(mut self) -> (std::process::ExitStatus, Vec<String>) {
        let pid = self.child.id().to_string();
        let o = run_bounded(10, "kill", &["-INT", &pid]);
        assert!(o.status.success(), "{}", show(&o));
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                break st;
            }
            assert!(Instant::now() < deadline, "no exit 60 s after SIGINT");
            std::thread::sleep(Duration::from_millis(100));
        };
        while let Ok(l) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.seen.push(l);
        }
        (status, std::mem::take(&mut self.seen))
    }
}

impl Drop for Fanout {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// No fan-out capture is left running in the pods (a few seconds' grace).
fn no_capture_left() {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let o = run_bounded(
            10,
            "pgrep",
            &[
                "-f",
                "[t]oolbox capture -i any --pcapng --stop-on-stdin-eof",
            ],
        );
        if !o.status.success() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "captures still running in the pods: {}",
            stdout(&o)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// GET `path` from the nginx of pod `pod` inside its network namespace.
fn hit(pod: &str, path: &str) {
    let pid = podman_ok(&["inspect", "-f", "{{.State.Pid}}", &format!("{pod}-nginx")]);
    let url = format!("http://127.0.0.1{path}");
    let o = run_bounded(
        20,
        "nsenter",
        &[
            "-t",
            pid.trim(),
            "-n",
            "curl",
            "-sS",
            "-o",
            "/dev/null",
            "--max-time",
            "10",
            &url,
        ],
    );
    assert!(o.status.success(), "curl {url} in {pod}: {}", show(&o));
}

/// (epoch time, interface description, HTTP request URI) of every packet of a capture file.
fn packets(file: &std::path::Path) -> Vec<(f64, String, String)> {
    let o = run_bounded(
        60,
        "tshark",
        &[
            "-r",
            file.to_str().unwrap(),
            "-T",
            "fields",
            "-E",
            "separator=|",
            "-e",
            "frame.time_epoch",
            "-e",
            "frame.interface_description",
            "-e",
            "http.request.uri",
        ],
    );
    assert!(
        o.status.success(),
        "tshark -r {}: {}",
        file.display(),
        show(&o)
    );
    stdout(&o)
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('|').collect();
            (
                f[0].parse().expect("a timestamp"),
                f.get(1).unwrap_or(&"").to_string(),
                f.get(2).unwrap_or(&"").to_string(),
            )
        })
        .collect()
}

fn assert_non_decreasing(p: &[(f64, String, String)]) {
    for w in p.windows(2) {
        assert!(
            w[0].0 <= w[1].0,
            "timestamps go back: {:?} then {:?}",
            w[0],
            w[1]
        );
    }
}

#[test]
#[serial]
fn fanout_capture_merges_every_pods_requests_each_labelled_with_its_pod() {
    require_pod!();
    let env = Env::new("fanout");
    // -w -: the stream a `| wireshark -k -i -` would read, kept in a file here.
    let file = env.dir.join("web.pcapng");
    let args = ["capture", "-l", "app=web", "-w", "-", "--", "port", "80"];
    let dry = env.run(&[&["--dry-run"][..], &args].concat());
    assert!(dry.status.success(), "{}", show(&dry));
    let mut planned: Vec<Vec<String>> = stdout(&dry)
        .lines()
        .map(|l| sh_words(l)[1..].to_vec())
        .collect();
    env.take_log();

    let out = std::fs::File::create(&file).unwrap();
    let mut run = Fanout::start(&env, &args, Some(out));
    run.wait_for("listening on any", 3, 180);
    let mut want = Vec::new();
    for round in 0..2 {
        for i in 1..=3 {
            let pod = format!("tbxk-web-{i}");
            let path = format!("/fanout-{pod}-{round}");
            hit(&pod, &path);
            want.push((pod, path));
        }
    }
    std::thread::sleep(Duration::from_millis(1500));
    let (status, lines) = run.interrupt();
    assert!(status.success(), "exit {status}: {lines:#?}");

    let mut received = changing(&env.take_log());
    planned.sort();
    received.sort();
    similar_asserts::assert_eq!(planned, received, "dry run vs kubectl's argv");

    let p = packets(&file);
    assert_non_decreasing(&p);
    for (pod, path) in &want {
        let hits: Vec<_> = p.iter().filter(|(_, _, uri)| uri == path).collect();
        assert_eq!(hits.len(), 1, "{path}: {p:#?}");
        assert!(
            hits[0].1.contains(&format!("k8s.podName={pod};"))
                && hits[0].1.contains("k8s.namespace=default")
                && hits[0].1.contains("k8s.containerName=nginx")
                && hits[0].1.contains("k8s.node="),
            "{path}: {}",
            hits[0].1
        );
    }
    // Every packet is from one of the three pods, each named.
    assert!(
        p.iter()
            .all(|(_, d, _)| d.contains("k8s.podName=tbxk-web-")),
        "{p:#?}"
    );
    // Ctrl-C ended every pod's capture too (closing kubectl exec's input), not only kubectl.
    no_capture_left();
    // One debug container per pod.
    for i in 1..=3 {
        assert_eq!(env.ephemeral_count(&format!("tbxk-web-{i}")), 1);
    }
}

#[test]
#[serial]
fn fanout_capture_goes_on_when_one_pod_is_deleted_and_says_so() {
    require_pod!();
    let env = Env::new("fanout-kill");
    let file = env.dir.join("web.pcapng");
    let f = file.to_str().unwrap();
    let mut run = Fanout::start(
        &env,
        &[
            "capture",
            "--link",
            "sll",
            "tbxk-web-1",
            "tbxk-web-2",
            "tbxk-web-3",
            "-w",
            f,
            "--",
            "port",
            "80",
        ],
        None,
    );
    run.wait_for("listening on any", 3, 180);
    hit("tbxk-web-1", "/before-1");
    hit("tbxk-web-3", "/before-3");
    std::thread::sleep(Duration::from_millis(1500));
    podman_ok(&["pod", "rm", "-f", "-t", "0", "tbxk-web-3"]);
    run.wait_for("capture stopped", 1, 60);
    hit("tbxk-web-1", "/after-1");
    hit("tbxk-web-2", "/after-2");
    std::thread::sleep(Duration::from_millis(1500));
    let (status, lines) = run.interrupt();
    kubepods(); // bring tbxk-web-3 back for the other tests
    assert_eq!(status.code(), Some(1), "{lines:#?}");
    let msg = lines
        .iter()
        .find(|l| l.contains("capture stopped"))
        .expect("a message for the deleted pod");
    assert!(
        msg.contains("default/tbxk-web-3")
            && msg.contains("gone")
            && msg.contains("other pods go on"),
        "{msg}"
    );
    let p = packets(&file);
    assert_non_decreasing(&p);
    // --link sll: Linux cooked v1 from every pod.
    let enc = run_bounded(
        60,
        "tshark",
        &["-r", f, "-T", "fields", "-e", "frame.protocols"],
    );
    assert!(
        stdout(&enc).lines().all(|l| l.starts_with("sll:")),
        "{}",
        show(&enc)
    );
    for path in ["/before-1", "/before-3", "/after-1", "/after-2"] {
        assert!(
            p.iter().any(|(_, _, uri)| uri == path),
            "{path} missing: {p:#?}"
        );
    }
}

#[test]
#[serial]
fn fanout_capture_without_net_raw_names_the_fix_and_the_link_flag_reaches_each_capture() {
    require_pod!();
    let env = Env::new("fanout-noraw");
    let dry = env.run(&[
        "--dry-run",
        "capture",
        "-l",
        "app=web",
        "--link",
        "sll",
        "-w",
        "-",
    ]);
    assert!(dry.status.success(), "{}", show(&dry));
    let dry_out = stdout(&dry);
    let execs: Vec<&str> = dry_out.lines().filter(|l| l.contains(" exec ")).collect();
    assert_eq!(execs.len(), 3, "{}", show(&dry));
    assert!(
        execs.iter().all(|l| l
            .contains(" -- toolbox capture -i any --pcapng --stop-on-stdin-eof --link sll -w -")),
        "{execs:#?}"
    );
    // A cluster that strips NET_RAW from debug containers: every capture fails, each says why.
    let file = env.dir.join("none.pcapng");
    let o = env
        .cmd(&["capture", "tbxk-web-1", "-w", file.to_str().unwrap()])
        .env("KUBECTL_STANDIN_STRIP_CAPS", "NET_RAW")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let err = stderr(&o);
    assert!(
        err.contains("default/tbxk-web-1: capture stopped")
            && err.contains("has no CAP_NET_RAW although it was started with --profile=netadmin")
            && err.contains("fix: allow NET_RAW"),
        "{err}"
    );
    // The file is still a valid (empty) pcapng.
    let p = packets(&file);
    assert!(p.is_empty(), "{p:?}");
}

/// A pod of its own that the stand-in shows as not Running (an app container created, never
/// started; no infra container), removed on drop.
struct StoppedPod {
    name: String,
}

impl StoppedPod {
    fn new() -> StoppedPod {
        let name = format!("tbxk-stopped-{}", std::process::id());
        let _ = run_bounded(120, "podman", &["pod", "rm", "-f", "-t", "0", &name]);
        podman_ok(&[
            "pod",
            "create",
            "--infra=false",
            "--name",
            &name,
            "--label",
            "toolbox.kubepods=1",
            "--label",
            &format!("app={name}"),
            "--label",
            "io.kubernetes.pod.namespace=default",
        ]);
        podman_ok(&[
            "create",
            "--pod",
            &name,
            "--name",
            &format!("{name}-app"),
            "--label",
            "toolbox.kubepods=1",
            "--label",
            "io.kubernetes.container.name=app",
            "localhost/toolbox-empty:test",
            "/toolbox",
            "idle",
        ]);
        StoppedPod { name }
    }
}

impl Drop for StoppedPod {
    fn drop(&mut self) {
        let _ = run_bounded(120, "podman", &["pod", "rm", "-f", "-t", "0", &self.name]);
    }
}

#[test]
#[serial]
fn fanout_capture_skips_pods_that_are_not_running_without_adding_a_debug_container() {
    require_pod!();
    let env = Env::new("fanout-stopped");
    let stopped = StoppedPod::new();
    assert_ne!(env.pod(&stopped.name)["status"]["phase"], "Running");
    let file = env.dir.join("x.pcapng");
    let f = file.to_str().unwrap();
    // By name, next to a running pod: only the running one is planned.
    let dry = env.run(&["capture", "tbxk-web-1", &stopped.name, "-w", f, "--dry-run"]);
    let planned = stdout(&dry);
    assert!(planned.contains("tbxk-web-1"), "{}", show(&dry));
    assert!(!planned.contains(&stopped.name), "{}", show(&dry));
    assert!(
        stderr(&dry).contains(&format!("default/{}", stopped.name))
            && stderr(&dry).contains("not Running"),
        "{}",
        show(&dry)
    );
    // By selector, alone: no debug container is added to it, and the run ends at once.
    env.take_log();
    let real = env.run(&["capture", "-l", &format!("app={}", stopped.name), "-w", f]);
    assert!(!real.status.success(), "{}", show(&real));
    assert!(stderr(&real).contains("not Running"), "{}", show(&real));
    let log = env.take_log();
    assert!(
        log.iter().all(|a| !a.contains(&"debug".to_string())),
        "a debug container was added to a pod that is not running: {log:?}"
    );
}

#[test]
#[serial]
fn fanout_capture_of_a_pod_named_twice_captures_it_once() {
    require_pod!();
    let env = Env::new("fanout-twice");
    let file = env.dir.join("x.pcapng");
    let dry = env.run(&[
        "capture",
        "tbxk-web-1",
        "tbxk-web-2",
        "tbxk-web-1",
        "-w",
        file.to_str().unwrap(),
        "--dry-run",
    ]);
    assert!(dry.status.success(), "{}", show(&dry));
    let execs: Vec<&str> = stdout(&dry)
        .lines()
        .filter(|l| l.contains(" exec "))
        .map(|l| if l.contains("tbxk-web-1") { "1" } else { "2" })
        .collect();
    assert_eq!(execs, ["1", "2"], "{}", show(&dry));
}

/// `kubectl toolbox POD -- capture -w - …` into a pipe, then Ctrl-C (SIGINT to the process group,
/// as a terminal sends it): the capture in the pod ends too, instead of running on until its
/// next packet fails to write (a quiet filter: for good).
#[test]
#[serial]
fn one_pod_capture_without_a_tty_ends_with_a_ctrl_c() {
    use std::os::unix::process::CommandExt;
    require_pod!();
    let env = Env::new("one-pod-ctrl-c");
    let filter = ["port", "9", "and", "host", "192.0.2.16"];
    let pattern = "[t]oolbox capture .*-w - port 9 and host 192.0.2.16";
    let err = env.dir.join("stderr");
    let mut child = Command::new(env.dir.join("kubectl-toolbox"))
        .args([&["tbxk-web-1", "--", "capture", "-w", "-"][..], &filter].concat())
        .env("PATH", env.path())
        .env("KUBECTL_STANDIN_LOG", env.log())
        .env("KUBECTL_STANDIN_IMAGE", "localhost/toolbox-empty:test")
        .env("KUBECTL_STANDIN_TOOLBOX", bin())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(env.dir.join("out.pcap")).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .process_group(0)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(180);
    while !std::fs::read_to_string(&err)
        .unwrap_or_default()
        .contains("listening on")
    {
        assert!(
            Instant::now() < deadline,
            "no capture started: {}",
            std::fs::read_to_string(&err).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let group = format!("-{}", child.id());
    let o = run_bounded(10, "kill", &["-INT", "--", &group]);
    assert!(o.status.success(), "{}", show(&o));
    let _ = child.wait();
    let deadline = Instant::now() + Duration::from_secs(10);
    let left = loop {
        let o = run_bounded(10, "pgrep", &["-f", pattern]);
        if !o.status.success() || Instant::now() >= deadline {
            break stdout(&o);
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    // (Env's drop removes the debug container, and with it a capture left behind.)
    assert!(
        left.trim().is_empty(),
        "the capture in the pod outlived Ctrl-C: {left}"
    );
}
