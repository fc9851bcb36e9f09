//! A toolbox session in the real test pod: under a real terminal (tmux running `podman run -it`,
//! the way `kubectl debug -it` attaches), and scripted (`podman run -i … < checks.txt`) against
//! the same commands run one-shot.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{PidMode, Pod};
use serial_test::serial;

fn status_field(pid: i32, key: &str) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// A tmux session running a debug container with toolbox as its shell; removed on drop.
struct Terminal {
    session: String,
    container: String,
}

impl Terminal {
    fn start(pod: &Pod) -> Terminal {
        let id = std::process::id();
        let t = Terminal {
            session: format!("toolbox-session-test-{id}"),
            container: format!("toolbox-session-test-c-{id}"),
        };
        let mut podman = vec![
            "podman".to_string(),
            "run".into(),
            "-it".into(),
            "--rm".into(),
            "--name".into(),
            t.container.clone(),
        ];
        podman.extend(pod.debug_args());
        podman
            .extend(["--cap-add", "SYS_PTRACE", "--cap-add", "NET_RAW", "-v"].map(str::to_string));
        podman.push(format!("{}:/toolbox:ro", common::bin()));
        podman.push(pod.var("TESTPOD_EMPTY_IMAGE").to_string());
        podman.push("/toolbox".into());
        // The pane stays after toolbox ends, showing its exit status.
        let shell = format!("{}; echo TOOLBOX_EXIT=$?; sleep 600", podman.join(" "));
        let ok = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &t.session,
                "-x",
                "200",
                "-y",
                "50",
            ])
            .arg(shell)
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok,
            "tmux new-session (is tmux installed? scripts/setup installs it)"
        );
        t
    }

    fn keys(&self, keys: &[&str]) {
        let ok = Command::new("tmux")
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "tmux send-keys {keys:?}");
    }

    /// Type `text` literally (no key names).
    fn type_text(&self, text: &str) {
        let ok = Command::new("tmux")
            .args(["send-keys", "-l", "-t", &self.session, text])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "tmux send-keys -l {text:?}");
    }

    fn screen(&self) -> String {
        let o = Command::new("tmux")
            .args(["capture-pane", "-p", "-J", "-S", "-", "-t", &self.session])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Poll the screen until `pred` holds (generous deadline; no fixed sleeps).
    fn wait(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The last non-empty line of the screen.
    fn last_line(screen: &str) -> String {
        screen
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim_end()
            .to_string()
    }

    /// Wait until the prompt is the last line and has been shown `count` times in all.
    fn wait_prompt(&self, count: usize) -> String {
        self.wait(&format!("prompt #{count}"), |s| {
            let last = Self::last_line(s);
            s.matches("toolbox nginx:").count() >= count
                && last.starts_with("toolbox nginx:")
                && last.ends_with('>')
        })
    }

    fn prompts(screen: &str) -> usize {
        screen.matches("toolbox nginx:").count()
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .stderr(Stdio::null())
            .status();
        let _ = Command::new("podman")
            .args(["rm", "-f", "-t", "0", &self.container])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

#[test]
#[serial]
fn an_interactive_session_under_a_real_terminal() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let worker_host = pod.worker_pid();
    let worker = common::ns_pid(worker_host).to_string();
    let term = Terminal::start(&pod);

    // The summary, then the prompt naming the target.
    let s = term.wait_prompt(1);
    assert!(s.contains("what works here:"), "no summary:\n{s}");

    // Completion of a path inside the target's root (toolbox's own root has no /etc/nginx).
    term.type_text("cat /etc/ng");
    term.keys(&["Tab"]);
    term.wait("completion of /etc/ng", |s| {
        Terminal::last_line(s).ends_with("cat /etc/nginx/")
    });
    term.keys(&["C-u"]);

    // Ctrl-C at the prompt clears the line and keeps the session.
    let n = Terminal::prompts(&term.screen());
    term.type_text("ps --half-typed");
    term.keys(&["C-c"]);
    term.wait_prompt(n + 1);
    term.type_text("pwd");
    term.keys(&["Enter"]);
    let s = term.wait_prompt(n + 2);
    assert!(
        s.lines().any(|l| l.trim_end().ends_with("> pwd")),
        "the interrupted line was not cleared:\n{s}"
    );

    // An error does not end the session.
    let n = Terminal::prompts(&term.screen());
    term.type_text("cat /nonexistent");
    term.keys(&["Enter"]);
    let s = term.wait_prompt(n + 1);
    assert!(s.contains("/nonexistent"), "{s}");

    // Ctrl-C stops a trace, which detaches, and the prompt comes back.
    let n = Terminal::prompts(&term.screen());
    term.type_text(&format!("trace -p {worker} -e trace=accept4"));
    term.keys(&["Enter"]);
    term.wait("trace attached", |s| s.contains("attached"));
    pod.curl("/");
    term.wait("an accept4 line", |s| s.contains("accept4("));
    term.keys(&["C-c"]);
    let s = term.wait_prompt(n + 1);
    assert!(s.contains("detached"), "{s}");
    let tracer = status_field(worker_host, "TracerPid:");
    let state = status_field(worker_host, "State:");
    assert_eq!(tracer, "0", "the worker is still traced");
    assert!(
        !state.starts_with('t') && !state.starts_with('T'),
        "the worker is stopped: {state}"
    );
    // nginx still answers.
    assert!(!pod.curl("/").is_empty());

    // A capture to a file, then ps with a filter, in the same session.
    let n = Terminal::prompts(&term.screen());
    term.type_text("capture -w /c.pcap -c 5 port 80");
    term.keys(&["Enter"]);
    let deadline = Instant::now() + Duration::from_secs(90);
    while !term.screen().contains("5 packets captured") {
        assert!(
            Instant::now() < deadline,
            "capture never saw 5 packets:\n{}",
            term.screen()
        );
        pod.curl("/");
    }
    term.wait_prompt(n + 1);
    let n = n + 1;
    term.type_text("ps | grep nginx");
    term.keys(&["Enter"]);
    let s = term.wait_prompt(n + 1);
    let after = s.rsplit("ps | grep nginx").next().unwrap_or("");
    assert!(after.contains("nginx: worker process"), "{s}");
    assert!(
        !after.contains("catatonit"),
        "the filter let other lines through:\n{s}"
    );

    // The pcap file is complete: tcpdump reads its 5 packets.
    let dir = tempfile::tempdir().expect("tempdir");
    let local = dir.path().join("c.pcap");
    let cp = Command::new("podman")
        .args(["cp", &format!("{}:/c.pcap", term.container)])
        .arg(&local)
        .status()
        .is_ok_and(|s| s.success());
    assert!(cp, "podman cp /c.pcap");
    let o = Command::new("tcpdump")
        .args(["-nn", "-r"])
        .arg(&local)
        .output()
        .expect("tcpdump");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 5);

    // Ctrl-C ends a capture to a file with a file tcpdump reads, and returns to the prompt.
    let n = Terminal::prompts(&term.screen());
    term.type_text("capture -w /d.pcap port 80");
    term.keys(&["Enter"]);
    // The file exists once capture is under way (its signal handlers come first).
    let session_pid = common::podman_ok(&["inspect", "-f", "{{.State.Pid}}", &term.container]);
    let in_container = format!("/proc/{}/root/d.pcap", session_pid.trim());
    let deadline = Instant::now() + Duration::from_secs(90);
    while !std::path::Path::new(&in_container).exists() {
        assert!(
            Instant::now() < deadline,
            "capture never created /d.pcap:\n{}",
            term.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    for _ in 0..3 {
        pod.curl("/");
    }
    term.keys(&["C-c"]);
    term.wait_prompt(n + 1);
    let local = dir.path().join("d.pcap");
    let cp = Command::new("podman")
        .args(["cp", &format!("{}:/d.pcap", term.container)])
        .arg(&local)
        .status()
        .is_ok_and(|s| s.success());
    assert!(cp, "podman cp /d.pcap");
    let o = Command::new("tcpdump")
        .args(["-nn", "-r"])
        .arg(&local)
        .output()
        .expect("tcpdump");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    term.type_text("ps | grep nginx");
    term.keys(&["Enter"]);
    term.wait_prompt(n + 2);

    // Up-arrow recalls the previous command.
    term.keys(&["Up"]);
    term.wait("the previous command recalled", |s| {
        Terminal::last_line(s).ends_with("> ps | grep nginx")
    });
    term.keys(&["C-u"]);

    // Ctrl-D ends the session with status 0.
    term.keys(&["C-d"]);
    term.wait("toolbox to exit", |s| s.contains("TOOLBOX_EXIT="));
    let s = term.screen();
    assert!(s.contains("TOOLBOX_EXIT=0"), "{s}");
}

/// Ten commands: files, a failure, a program from the target's image, capabilities.
const SCRIPT: &[&str] = &[
    "ls -l /etc/nginx",
    "cat /etc/nginx/nginx.conf",
    "head -n 3 /etc/passwd",
    "tail -n 2 /etc/passwd",
    "find /etc/nginx -name '*.conf'",
    "tree /etc/nginx",
    "grep -rn worker_processes /etc/nginx",
    "ls /nonexistent",
    "exec -- /usr/sbin/nginx -v",
    "caps",
];

fn script_words(line: &str) -> Vec<String> {
    // The script's only quoting is '…' around a whole word.
    line.split_whitespace()
        .map(|w| w.trim_matches('\'').to_string())
        .collect()
}

/// What legitimately differs between runs: how many processes `caps` sees (the session's own
/// toolbox, other tests' debug containers).
fn mask(out: &str) -> String {
    out.lines()
        .map(|l| match l.find(" processes visible") {
            Some(i) => {
                let start = l[..i].rfind(' ').map_or(0, |j| j + 1);
                format!("{}N{}", &l[..start], &l[i..])
            }
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// toolbox in a debug container with `input` on its stdin.
fn scripted(pod: &Pod, args: &[&str], input: &str) -> Output {
    let mut cmd = Command::new("timeout");
    cmd.args(["--kill-after=10", "120", "podman", "run", "-i", "--rm"]);
    cmd.args(pod.debug_args());
    cmd.arg("-v").arg(format!("{}:/toolbox:ro", common::bin()));
    cmd.arg(pod.var("TESTPOD_EMPTY_IMAGE"));
    cmd.arg("/toolbox").args(args);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("podman run -i");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).expect("write the script");
    drop(stdin);
    child.wait_with_output().expect("podman run -i")
}

#[test]
#[serial]
fn a_scripted_session_prints_what_the_one_shot_runs_print() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let input = SCRIPT.join("\n") + "\n";
    let session = scripted(&pod, &["--keep-going"], &input);
    let mut want_out = String::new();
    let mut want_err = String::new();
    let mut first_failure = 0;
    for line in SCRIPT {
        let words = script_words(line);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let o = pod.toolbox(&[], &words);
        want_out.push_str(&format!("toolbox> {line}\n"));
        want_out.push_str(&common::stdout(&o));
        want_err.push_str(&common::stderr(&o));
        let code = o.status.code().unwrap_or(-1);
        if code != 0 && first_failure == 0 {
            first_failure = code;
        }
    }
    assert_ne!(first_failure, 0, "the script has a failing command");
    similar_asserts::assert_eq!(mask(&common::stdout(&session)), mask(&want_out));
    similar_asserts::assert_eq!(common::stderr(&session), want_err);
    assert_eq!(session.status.code(), Some(first_failure));

    // Without --keep-going the script stops at the first failure, with its status.
    let stopped = scripted(&pod, &[], &input);
    assert_eq!(stopped.status.code(), Some(first_failure));
    let out = common::stdout(&stopped);
    assert!(out.contains("toolbox> ls /nonexistent\n"), "{out}");
    assert!(
        !out.contains("toolbox> exec"),
        "ran past the failure:\n{out}"
    );

    // No commands at all (`podman run` without -i): the summary, as before sessions.
    let empty = scripted(&pod, &[], "");
    assert!(empty.status.success());
    assert!(common::stdout(&empty).contains("what works here:"));
}

#[test]
#[serial]
fn a_scripted_session_offers_cd_filters_and_redirection() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let input = "cd /etc/nginx\ntoolbox pwd\ncat nginx.conf | grep -c x\ncat nginx.conf | grep -i WORKER_PROCESSES | wc -l\nls -d ../nginx\ncat nginx.conf > /out.txt\ncat nginx.conf >> /out.txt\ncat --host /out.txt | wc -l\ncat nginx.conf | wc -l\nls *.conf\nuse --target nosuch\npwd\n";
    let o = scripted(&pod, &["--keep-going"], input);
    let out = common::stdout(&o);
    let err = common::stderr(&o);
    let conf = pod.toolbox(&[], &["cat", "/etc/nginx/nginx.conf"]);
    let conf_lines = common::stdout(&conf).lines().count();
    let want = format!(
        "toolbox> cd /etc/nginx\ntoolbox> toolbox pwd\n/etc/nginx\ntoolbox> cat nginx.conf | grep -c x\n\
         toolbox> cat nginx.conf | grep -i WORKER_PROCESSES | wc -l\n1\ntoolbox> ls -d ../nginx\n../nginx\n\
         toolbox> cat nginx.conf > /out.txt\ntoolbox> cat nginx.conf >> /out.txt\n\
         toolbox> cat --host /out.txt | wc -l\n{}\ntoolbox> cat nginx.conf | wc -l\n{conf_lines}\n\
         toolbox> ls *.conf\ntoolbox> use --target nosuch\ntoolbox> pwd\n/etc/nginx\n",
        2 * conf_lines
    );
    similar_asserts::assert_eq!(out, want);
    assert!(err.contains("grep: unknown option -c"), "{err}");
    assert!(err.contains("globs are not supported"), "{err}");
    assert!(err.contains("use: no process matches"), "{err}");
    assert_eq!(o.status.code(), Some(2));
}
