//! `toolbox logs` on CRI logs written by the real writer: podman containers with
//! `--log-driver k8s-file`, whose conmon writes `/var/log/pods/<ns>_<pod>_<uid>/<ctr>/N.log`
//! under a private directory in /var/tmp that toolbox is given as `--root` (the real
//! /var/log/pods is never touched). The references are `podman logs` of the same container and
//! what the test computes from the raw files.

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{assert_clean_error, podman_ok, run_bounded, show, stderr, stdout, PidMode, Pod};

static SEQ: AtomicUsize = AtomicUsize::new(0);

/// A private node root in /var/tmp and the containers writing into it; removed on drop.
struct Node {
    root: PathBuf,
    containers: Vec<String>,
    image: String,
    writer: PathBuf,
}

impl Drop for Node {
    fn drop(&mut self) {
        for c in &self.containers {
            let _ = run_bounded(60, "podman", &["rm", "-f", "-t", "0", c]);
        }
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

impl Node {
    fn new() -> Node {
        let pod = Pod::up(PidMode::Shared);
        let n = SEQ.fetch_add(1, Ordering::SeqCst);
        let root = PathBuf::from(format!(
            "/var/tmp/toolbox-logs-test-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        Node {
            root,
            containers: Vec::new(),
            image: pod.var("TESTPOD_EMPTY_IMAGE").to_string(),
            writer: common::probe_binary("logs_writer"),
        }
    }

    /// The log directory of container `ctr` of pod default/web.
    fn dir(&self, ctr: &str) -> PathBuf {
        self.root
            .join("var/log/pods/default_web_0f1e2d3c-aaaa-bbbb-cccc-000000000001")
            .join(ctr)
    }

    /// Start a container of pod default/web named `ctr` whose log is `<restart>.log`, running
    /// the writer with `args`; `detach` leaves it running. Returns its name.
    fn start(&mut self, ctr: &str, restart: u32, args: &[&str], detach: bool) -> String {
        let dir = self.dir(ctr);
        std::fs::create_dir_all(&dir).unwrap();
        let name = format!(
            "toolbox-logs-test-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::SeqCst)
        );
        self.containers.push(name.clone());
        let log = dir.join(format!("{restart}.log"));
        let mount = format!("{}:/w:ro", self.writer.display());
        let sync = format!("{}:/sync", self.root.display());
        let path_opt = format!("path={}", log.display());
        let mut a = vec![
            "run",
            "--name",
            &name,
            "--log-driver",
            "k8s-file",
            "--log-opt",
            &path_opt,
            "-v",
            &mount,
            "-v",
            &sync,
            "--entrypoint",
            "/w",
        ];
        if detach {
            a.push("-d");
        }
        a.push(&self.image);
        a.extend_from_slice(args);
        let o = run_bounded(120, "podman", &a);
        assert!(o.status.success(), "podman run: {}", show(&o));
        name
    }

    fn logs(&self, args: &[&str]) -> Output {
        let root = self.root.to_str().unwrap();
        let mut a = vec!["--root", root, "logs"];
        a.extend_from_slice(args);
        run_bounded(60, common::bin(), &a)
    }

    fn logs_ok(&self, args: &[&str]) -> String {
        let o = self.logs(args);
        assert!(o.status.success(), "toolbox logs {args:?}: {}", show(&o));
        stdout(&o)
    }
}

/// A line as the test reads it from the raw CRI file.
#[derive(Clone, Debug)]
struct RefLine {
    stamp: String,
    stream: String,
    text: String,
}

/// The logical lines of raw CRI data: P records joined per stream up to their F; a malformed
/// line is its own line with an empty stamp and stream.
fn reference(raw: &str) -> Vec<RefLine> {
    let mut out = Vec::new();
    let mut pending: Vec<(String, RefLine)> = Vec::new();
    for line in raw.lines() {
        let f: Vec<&str> = line.splitn(4, ' ').collect();
        if f.len() < 3 || !matches!(f[1], "stdout" | "stderr") || !matches!(f[2], "P" | "F") {
            out.push(RefLine {
                stamp: String::new(),
                stream: String::new(),
                text: line.to_string(),
            });
            continue;
        }
        let text = f.get(3).copied().unwrap_or("");
        let i = pending.iter().position(|(s, _)| s == f[1]);
        let mut cur = match i {
            Some(i) => pending.remove(i).1,
            None => RefLine {
                stamp: f[0].to_string(),
                stream: f[1].to_string(),
                text: String::new(),
            },
        };
        cur.text.push_str(text);
        if f[2] == "P" {
            pending.push((f[1].to_string(), cur));
        } else {
            out.push(cur);
        }
    }
    out
}

/// Lines as `toolbox logs` prints them: `--timestamps` gives kubelet's stamp form.
fn render(lines: &[RefLine], timestamps: bool) -> String {
    let mut s = String::new();
    for l in lines {
        if timestamps && !l.stamp.is_empty() {
            s.push_str(&l.stamp.replace("+00:00", "Z"));
            s.push(' ');
        }
        s.push_str(&l.text);
        s.push('\n');
    }
    s
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn logs_equal_podman_logs_and_partials_are_joined() {
    require_pod!();
    let mut node = Node::new();
    let long = format!("L:{}:a", 40_000);
    let name = node.start(
        "app",
        0,
        &[
            "o:hello",
            "e:err one",
            "r:200:line",
            &long,
            "o:after the long line",
            "e:err two",
            "o:",
            "o:tab\there",
        ],
        false,
    );
    let raw = read(&node.dir("app").join("0.log"));
    assert!(
        raw.lines().any(|l| l.contains(" stdout P ")),
        "conmon wrote no partial record:\n{raw:.300}"
    );
    let p = run_bounded(60, "podman", &["logs", &name]);
    assert!(p.status.success(), "{}", show(&p));
    let out = node.logs_ok(&["default/web/app", "--stream", "stdout"]);
    similar_asserts::assert_eq!(out, stdout(&p));
    let err = node.logs_ok(&["default/web", "--stream", "stderr"]);
    similar_asserts::assert_eq!(err, stderr(&p));
    // Both streams, in the file's order, as the test reads it.
    let all = node.logs_ok(&["default/web"]);
    similar_asserts::assert_eq!(all, render(&reference(&raw), false));
    let joined: Vec<&str> = all.lines().filter(|l| l.starts_with("aaa")).collect();
    assert_eq!(joined.len(), 1);
    assert_eq!(joined[0].len(), 40_000);
    // The same through --path and as JSON.
    let dir = "/var/log/pods/default_web_0f1e2d3c-aaaa-bbbb-cccc-000000000001/app";
    assert_eq!(node.logs_ok(&["--path", dir]), all);
    let json = node.logs_ok(&["default/web", "-o", "json"]);
    let objs: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objs.len(), all.lines().count());
    let big = objs
        .iter()
        .find(|o| o["text"].as_str().is_some_and(|t| t.starts_with("aaa")))
        .unwrap();
    assert_eq!(big["text"].as_str().unwrap().len(), 40_000);
    assert_eq!(big["stream"], "stdout");
    assert!(objs.iter().any(|o| o["stream"] == "stderr"));
}

#[test]
fn tail_since_timestamps_previous_agree_with_the_raw_files() {
    require_pod!();
    let mut node = Node::new();
    node.start("app", 0, &["r:30:first run", "e:first run failed"], false);
    let long = format!("L:{}:b", 20_000);
    node.start(
        "app",
        1,
        &[
            "r:100:second run",
            "s:1100",
            "e:warning one",
            &long,
            "r:100:second again",
            "e:warning two",
        ],
        false,
    );
    let raw0 = read(&node.dir("app").join("0.log"));
    let raw1 = read(&node.dir("app").join("1.log"));
    let cur = reference(&raw1);
    let prev = reference(&raw0);
    similar_asserts::assert_eq!(node.logs_ok(&["default/web"]), render(&cur, false));
    similar_asserts::assert_eq!(
        node.logs_ok(&["default/web", "--previous"]),
        render(&prev, false)
    );
    similar_asserts::assert_eq!(
        node.logs_ok(&["default/web", "--timestamps"]),
        render(&cur, true)
    );
    for n in [1usize, 7, 101, 102, 150, 500] {
        let want = &cur[cur.len().saturating_sub(n)..];
        similar_asserts::assert_eq!(
            node.logs_ok(&["default/web", "--tail", &n.to_string()]),
            render(want, false),
            "--tail {n}"
        );
        let err: Vec<RefLine> = cur
            .iter()
            .filter(|l| l.stream == "stderr")
            .cloned()
            .collect();
        let want = &err[err.len().saturating_sub(n)..];
        similar_asserts::assert_eq!(
            node.logs_ok(&[
                "default/web",
                "--tail",
                &n.to_string(),
                "--stream",
                "stderr"
            ]),
            render(want, false),
            "--tail {n} --stream stderr"
        );
    }
    similar_asserts::assert_eq!(
        node.logs_ok(&["default/web", "--tail", "3", "--timestamps", "--previous"]),
        render(&prev[prev.len() - 3..], true)
    );
    // --since the stamp of "warning one" (1.1 s after the first lines): it and what follows.
    let i = cur.iter().position(|l| l.text == "warning one").unwrap();
    let since = cur[i].stamp.clone();
    let want: Vec<RefLine> = cur.iter().filter(|l| l.stamp >= since).cloned().collect();
    assert!(want.len() < cur.len() && want.len() > 100);
    similar_asserts::assert_eq!(
        node.logs_ok(&["default/web", "--since", &since]),
        render(&want, false)
    );
    // A duration that reaches back before both runs: everything.
    similar_asserts::assert_eq!(
        node.logs_ok(&["default/web", "--since", "1h"]),
        render(&cur, false)
    );
    assert_eq!(node.logs_ok(&["default/web", "--since", "1ms"]), "");
}

#[test]
fn corrupt_line_is_shown_and_rotated_gz_files_come_in_order() {
    require_pod!();
    let mut node = Node::new();
    node.start("app", 0, &["r:12:line"], false);
    let dir = node.dir("app");
    let raw = read(&dir.join("0.log"));
    let lines: Vec<&str> = raw.lines().collect();
    assert_eq!(lines.len(), 12, "{raw}");
    // The oldest four gzipped, the next four rotated plainly, the rest (with a corrupted line)
    // as the live file.
    let oldest = dir.join("0.log.20260214-090000");
    std::fs::write(&oldest, format!("{}\n", lines[..4].join("\n"))).unwrap();
    let o = run_bounded(60, "gzip", &[oldest.to_str().unwrap()]);
    assert!(o.status.success(), "{}", show(&o));
    std::fs::write(
        dir.join("0.log.20260214-100000"),
        format!("{}\n", lines[4..8].join("\n")),
    )
    .unwrap();
    let corrupt = "2026-02-14T10:1 garbage \u{1} without the CRI fields";
    std::fs::write(
        dir.join("0.log"),
        format!(
            "{}\n{corrupt}\n{}\n",
            lines[8..10].join("\n"),
            lines[10..].join("\n")
        ),
    )
    .unwrap();
    let mut want: Vec<String> = (0..12).map(|i| format!("line {i}")).collect();
    want.insert(10, corrupt.to_string());
    let want = format!("{}\n", want.join("\n"));
    let o = node.logs(&["default/web/app"]);
    assert!(o.status.success(), "{}", show(&o));
    similar_asserts::assert_eq!(stdout(&o), want);
    assert!(
        stderr(&o).contains("0.log:3: not a CRI or json-file log line"),
        "{}",
        stderr(&o)
    );
    // --tail reaching back into the gzipped file.
    let tail: Vec<&str> = want.lines().collect();
    for n in [2usize, 6, 10, 13, 20] {
        let w: String = tail[tail.len().saturating_sub(n)..]
            .iter()
            .map(|l| format!("{l}\n"))
            .collect();
        similar_asserts::assert_eq!(
            node.logs_ok(&["default/web/app", "--tail", &n.to_string()]),
            w,
            "--tail {n}"
        );
    }
    // Docker's json-file lines are read too.
    std::fs::write(
        dir.join("0.log"),
        concat!(
            r#"{"log":"json one\n","stream":"stdout","time":"2026-02-14T10:00:00.000000001Z"}"#,
            "\n",
            r#"{"log":"json ","stream":"stderr","time":"2026-02-14T10:00:00.000000002Z"}"#,
            "\n",
            r#"{"log":"two\n","stream":"stderr","time":"2026-02-14T10:00:00.000000003Z"}"#,
            "\n"
        ),
    )
    .unwrap();
    similar_asserts::assert_eq!(
        node.logs_ok(&["default/web/app", "--tail", "2", "--timestamps"]),
        "2026-02-14T10:00:00.000000001Z json one\n2026-02-14T10:00:00.000000002Z json two\n"
    );
}

/// Collects a child's stdout in the background.
fn collect(mut r: impl Read + Send + 'static) -> Arc<Mutex<Vec<u8>>> {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let b = Arc::clone(&buf);
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = r.read(&mut chunk) {
            if n == 0 {
                break;
            }
            b.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    buf
}

fn wait_for(buf: &Arc<Mutex<Vec<u8>>>, what: &str) {
    let start = Instant::now();
    while !String::from_utf8_lossy(&buf.lock().unwrap()).contains(what) {
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "hang guard: {what:?} never came; got:\n{}",
            String::from_utf8_lossy(&buf.lock().unwrap())
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn follow_goes_on_across_a_rotation_and_ctrl_c_exits_0() {
    require_pod!();
    let mut node = Node::new();
    // The container writes three lines, waits for the test to rotate its log, writes one more
    // (conmon still holds the renamed file), and exits.
    let name = node.start(
        "app",
        0,
        &[
            "r:3:early",
            "w:/sync/rotated",
            "o:late, into the renamed file",
        ],
        true,
    );
    let dir = node.dir("app");
    let log = dir.join("0.log");
    let start = Instant::now();
    while !std::fs::read_to_string(&log).is_ok_and(|s| s.contains("early 2")) {
        assert!(start.elapsed() < Duration::from_secs(90), "hang guard");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut child = Command::new(common::bin())
        .args([
            "--root",
            node.root.to_str().unwrap(),
            "logs",
            "-f",
            "default/web",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = collect(child.stdout.take().unwrap());
    let err = collect(child.stderr.take().unwrap());
    wait_for(&out, "early 2\n");
    // Rotate as kubelet does: rename, the writer goes on in the renamed file, a new 0.log.
    let rotated = dir.join("0.log.20260214-101010");
    std::fs::rename(&log, &rotated).unwrap();
    std::fs::write(node.root.join("rotated"), "").unwrap();
    podman_ok(&["wait", &name]);
    assert!(read(&rotated).contains("late, into the renamed file"));
    let mut f = std::fs::File::create(&log).unwrap();
    for i in 0..3 {
        writeln!(
            f,
            "2026-12-04T10:10:1{i}.000000001+00:00 stdout F new file {i}"
        )
        .unwrap();
    }
    writeln!(f, "2026-12-04T10:10:19.000000001+00:00 stdout P joined ").unwrap();
    f.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    writeln!(
        f,
        "2026-12-04T10:10:19.000000002+00:00 stdout F across polls"
    )
    .unwrap();
    drop(f);
    wait_for(&out, "joined across polls\n");
    nix_kill(child.id() as i32, libc::SIGINT);
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "hang guard: -f did not stop on SIGINT"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    std::thread::sleep(Duration::from_millis(100));
    let text = String::from_utf8_lossy(&out.lock().unwrap()).into_owned();
    let errs = String::from_utf8_lossy(&err.lock().unwrap()).into_owned();
    assert_eq!(status.code(), Some(0), "stdout:\n{text}\nstderr:\n{errs}");
    similar_asserts::assert_eq!(
        text,
        "early 0\nearly 1\nearly 2\nlate, into the renamed file\nnew file 0\nnew file 1\nnew file 2\njoined across polls\n"
    );
}

fn nix_kill(pid: i32, sig: i32) {
    let o = run_bounded(10, "kill", &[&format!("-{sig}"), &pid.to_string()]);
    assert!(o.status.success(), "{}", show(&o));
}

#[test]
fn missing_pod_container_and_ambiguous_container_are_clear_errors() {
    require_pod!();
    let mut node = Node::new();
    node.start("app", 0, &["o:one"], false);
    let o = node.logs(&["default/nosuch"]);
    assert_clean_error(&o);
    assert!(
        stderr(&o).contains("no logs of pod default/nosuch"),
        "{}",
        show(&o)
    );
    assert!(stderr(&o).contains("web"), "{}", show(&o));
    let o = node.logs(&["default/web/nosuch"]);
    assert_clean_error(&o);
    assert!(
        stderr(&o).contains("container nosuch not found in pod default/web (containers: app)"),
        "{}",
        show(&o)
    );
    let o = node.logs(&["default/web", "--previous"]);
    assert_clean_error(&o);
    assert!(
        stderr(&o).contains("no previous container's log"),
        "{}",
        show(&o)
    );
    let o = node.logs(&["--path", "/var/log/nosuch"]);
    assert_clean_error(&o);
    node.start("sidecar", 0, &["o:two"], false);
    let o = node.logs(&["default/web"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(
        stderr(&o).contains(
            "a container name must be specified for pod default/web, choose one of: [app sidecar]"
        ),
        "{}",
        show(&o)
    );
    // A hostile node root cannot send toolbox outside it: a log file that is a symlink is not
    // followed, a container directory linking to an absolute path is resolved inside the root.
    let secret = tempfile::NamedTempFile::new_in("/var/tmp").unwrap();
    std::fs::write(secret.path(), "2026-02-14T10:00:00Z stdout F SECRET\n").unwrap();
    let dir = node.dir("sidecar");
    std::fs::remove_file(dir.join("0.log")).unwrap();
    std::os::unix::fs::symlink(secret.path(), dir.join("0.log")).unwrap();
    let o = node.logs(&["default/web/sidecar"]);
    assert_clean_error(&o);
    assert!(!stdout(&o).contains("SECRET"), "{}", show(&o));
    let outside = tempfile::tempdir_in("/var/tmp").unwrap();
    std::fs::copy(secret.path(), outside.path().join("0.log")).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(outside.path(), &dir).unwrap();
    let o = node.logs(&["default/web/sidecar"]);
    assert_clean_error(&o);
    assert!(!stdout(&o).contains("SECRET"), "{}", show(&o));
    let empty = tempfile::tempdir().unwrap();
    let o = run_bounded(
        30,
        common::bin(),
        &[
            "--root",
            empty.path().to_str().unwrap(),
            "logs",
            "default/web",
        ],
    );
    assert_clean_error(&o);
    assert!(
        stderr(&o).contains("is this a node's root?"),
        "{}",
        show(&o)
    );
}

#[test]
fn memory_stays_bounded_on_a_large_log_with_a_huge_joined_line() {
    require_root!();
    let node_root = tempfile::tempdir_in("/var/tmp").unwrap();
    let dir = node_root
        .path()
        .join("var/log/pods/default_big_0f1e2d3c-aaaa-bbbb-cccc-000000000002/app");
    std::fs::create_dir_all(&dir).unwrap();
    let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("0.log")).unwrap());
    let t = "2026-02-14T15:22:26.515224136+00:00";
    let chunk = "x".repeat(8192);
    // 10 MiB of one line in P records (more than the 2 MiB a joined line may hold), then
    // 60 MB of ordinary lines.
    for _ in 0..1280 {
        writeln!(f, "{t} stdout P {chunk}").unwrap();
    }
    writeln!(f, "{t} stdout F end of the huge line").unwrap();
    let line = "y".repeat(100);
    for i in 0..500_000 {
        writeln!(f, "{t} stdout F {i} {line}").unwrap();
    }
    drop(f);
    let root = node_root.path().to_str().unwrap();
    let full = common::run_measured(
        300,
        "logs full",
        common::bin(),
        &["--root", root, "logs", "default/big"],
    );
    assert!(full.output.status.success(), "{}", show(&full.output));
    assert_eq!(
        full.output.stdout.iter().filter(|&&b| b == b'\n').count(),
        500_001
    );
    assert_eq!(
        full.output.stdout.len(),
        1280 * 8192
            + "end of the huge line\n".len()
            + (0..500_000)
                .map(|i: usize| i.to_string().len() + 102)
                .sum::<usize>()
    );
    assert!(full.max_rss_kib < 20 * 1024, "{} KiB", full.max_rss_kib);
    let tail = common::run_measured(
        120,
        "logs --tail",
        common::bin(),
        &["--root", root, "logs", "default/big", "--tail", "500001"],
    );
    assert!(tail.output.status.success(), "{}", show(&tail.output));
    assert_eq!(tail.output.stdout, full.output.stdout);
    assert!(tail.max_rss_kib < 20 * 1024, "{} KiB", tail.max_rss_kib);
}
