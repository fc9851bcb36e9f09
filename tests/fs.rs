//! Root browsing in the real test pod: a trap set built inside a target container's root, run
//! through every command with both resolvers (openat2 and the user-space walk), each command
//! bounded; and comparisons with the real tools (ls, GNU find, grep, tar, nginx itself).

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{run_bounded, show, stderr, stdout, PidMode, Pod};

/// Both path resolvers: the kernel's openat2 and the user-space walk for old kernels.
const RESOLVERS: [&[&str]; 2] = [&[], &["-e", "TOOLBOX_RESOLVE=userspace"]];

/// A pod of our own whose nginx root holds the traps; removed on drop (also on failure).
struct TrapPod {
    name: String,
    pod: Pod,
}

impl TrapPod {
    fn new(tag: &str) -> TrapPod {
        let name = format!("toolbox-fs-{tag}-{}", std::process::id());
        // Remove leftovers of an aborted run with the same name first.
        let _ = down(&name);
        let pod = Pod::up_with(PidMode::Shared, &[("TESTPOD_NAME", &name)]);
        let t = TrapPod { name, pod };
        t.build_traps();
        t
    }

    /// The target's root as the host reaches it (the host test may write there; toolbox never).
    fn host_root(&self) -> PathBuf {
        PathBuf::from(format!("/proc/{}/root", self.pod.nginx_pid()))
    }

    fn build_traps(&self) {
        let r = self.host_root();
        let t = r.join("trap");
        std::fs::create_dir_all(t.join("sub")).expect("mkdir /trap");
        // An absolute link to a file that both roots have, with different contents: toolbox's
        // image names UID 101 "tbdebug", the target's "nginx".
        symlink("/etc/passwd", t.join("abs")).unwrap();
        symlink("../../../../../../../../etc/passwd", t.join("up")).unwrap();
        symlink("chain2", t.join("chain1")).unwrap();
        symlink("/trap/sub/chain3", t.join("chain2")).unwrap();
        symlink("../../etc/passwd", t.join("sub/chain3")).unwrap();
        symlink("/proc/self/root", t.join("procroot")).unwrap();
        symlink("/proc/self/root/etc/passwd", t.join("procpasswd")).unwrap();
        symlink("/", t.join("rootlink")).unwrap();
        symlink("loop2", t.join("loop1")).unwrap();
        symlink("../../../usr/sbin/../sbin/nginx", t.join("sub/nginx")).unwrap();
        symlink("loop1", t.join("loop2")).unwrap();
        std::fs::write(t.join("sub/data.txt"), "first\nnginx trap data\nlast\n").unwrap();
        std::fs::write(t.join("log"), "line 1\nline 2\nline 3\n").unwrap();
        // Names and a link target longer than ustar holds: the export needs pax records.
        let long = t.join("long").join("d".repeat(120)).join("e".repeat(120));
        std::fs::create_dir_all(&long).unwrap();
        std::fs::write(long.join("f".repeat(150)), "deep\n").unwrap();
        symlink(format!("/{}", "t".repeat(150)), t.join("long/link")).unwrap();
        nix::unistd::mkfifo(
            &t.join("fifo"),
            nix::sys::stat::Mode::from_bits_truncate(0o644),
        )
        .expect("mkfifo");
    }

    /// Run toolbox in a debug container of this pod (bounded by the harness).
    fn toolbox(&self, resolver: &[&str], args: &[&str]) -> (Output, Duration) {
        let start = Instant::now();
        let o = self.pod.toolbox(resolver, args);
        (o, start.elapsed())
    }
}

fn down(name: &str) -> Output {
    Command::new("timeout")
        .args(["--kill-after=10", "120"])
        .arg(common::repo().join("scripts/testpod"))
        .arg("down")
        .env("TESTPOD_NAME", name)
        .stdin(Stdio::null())
        .output()
        .expect("scripts/testpod down")
}

impl Drop for TrapPod {
    fn drop(&mut self) {
        let o = down(&self.name);
        if !o.status.success() {
            eprintln!("cannot remove pod {}: {}", self.name, stderr(&o));
        }
    }
}

fn ok(o: &Output) -> Vec<u8> {
    assert!(o.status.success(), "toolbox failed:\n{}", show(o));
    assert!(!stderr(o).contains("panicked"), "{}", show(o));
    o.stdout.clone()
}

fn refused(o: &Output, why: &str) {
    assert!(
        !o.status.success(),
        "expected a refusal ({why}):\n{}",
        show(o)
    );
    assert!(!stderr(o).contains("panicked"), "{}", show(o));
    assert!(
        stderr(o).to_lowercase().contains(why),
        "expected {why:?} in:\n{}",
        show(o)
    );
}

fn lines(b: &[u8]) -> BTreeSet<String> {
    String::from_utf8_lossy(b)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// GNU find's output for `dir` under the host path `host_root`, with that prefix removed.
fn gnu_find(host_root: &Path, dir: &str, expr: &[&str]) -> BTreeSet<String> {
    let start = format!("{}{dir}", host_root.display());
    let mut args = vec![start.as_str()];
    args.extend_from_slice(expr);
    let o = run_bounded(120, "find", &args);
    let prefix = host_root.display().to_string();
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| l.strip_prefix(&prefix).unwrap_or(l).to_string())
        .collect()
}

#[test]
fn traps_resolve_inside_the_target_and_nothing_hangs() {
    require_pod!();
    let t = TrapPod::new("traps");
    let host = t.host_root();
    let target_passwd = std::fs::read(host.join("etc/passwd")).expect("target passwd");
    // The trap is real: toolbox's own root has a different /etc/passwd at the same path.
    let own = t
        .pod
        .run_in_debug(&[], &[], "/toolbox", &["--host", "cat", "/etc/passwd"]);
    let own = ok(&own);
    assert_ne!(
        own, target_passwd,
        "toolbox's root and the target's must differ for this test"
    );
    let first = String::from_utf8_lossy(&target_passwd)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    let last = String::from_utf8_lossy(&target_passwd)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    let passwd_ino = std::fs::metadata(host.join("etc/passwd")).map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.ino()
    });

    for res in RESOLVERS {
        let mode = if res.is_empty() {
            "openat2"
        } else {
            "user space"
        };
        let run = |args: &[&str]| {
            let (o, took) = t.toolbox(res, args);
            assert!(
                took < Duration::from_secs(60),
                "[{mode}] {args:?} took {took:?}"
            );
            o
        };
        // Every spelling of the target's /etc/passwd gives the target's bytes.
        for p in [
            "/trap/abs",
            "/trap/up",
            "/trap/chain1",
            "/trap/../../../trap/sub/../../etc/./passwd",
            "trap/rootlink/trap/rootlink/etc/passwd",
        ] {
            assert_eq!(ok(&run(&["cat", p])), target_passwd, "[{mode}] cat {p}");
        }
        assert_eq!(
            String::from_utf8_lossy(&ok(&run(&["head", "-n", "1", "/trap/abs"]))).trim_end(),
            first,
            "[{mode}]"
        );
        assert_eq!(
            String::from_utf8_lossy(&ok(&run(&["tail", "-n", "1", "/trap/up"]))).trim_end(),
            last,
            "[{mode}]"
        );

        // Magic links into /proc/self/root are refused, not followed into toolbox's root.
        for p in ["/trap/procroot/etc/passwd", "/trap/procpasswd"] {
            let o = run(&["cat", p]);
            refused(&o, "magic link");
            assert!(
                !o.stdout.windows(7).any(|w| w == b"tbdebug"),
                "[{mode}] {p} leaked toolbox's root"
            );
        }
        refused(&run(&["cat", "/trap/loop1"]), "symbolic links");
        // A FIFO is listed and stat'ed, never opened: nothing hangs.
        refused(&run(&["cat", "/trap/fifo"]), "fifo");
        refused(&run(&["head", "/trap/fifo"]), "fifo");
        let st = String::from_utf8_lossy(&ok(&run(&["stat", "/trap/fifo"]))).into_owned();
        assert!(
            st.contains("FIFO") && st.contains("prw-r--r--"),
            "[{mode}] {st}"
        );

        // stat: the link itself, or (-L) the target's file, by inode.
        let st = String::from_utf8_lossy(&ok(&run(&["stat", "/trap/abs"]))).into_owned();
        assert!(
            st.contains("-> /etc/passwd") && st.contains("symbolic link"),
            "[{mode}] {st}"
        );
        let st = String::from_utf8_lossy(&ok(&run(&["stat", "-L", "/trap/chain1"]))).into_owned();
        let ino = passwd_ino.as_ref().expect("ino");
        assert!(
            st.contains(&format!("Inode: {ino} ")),
            "[{mode}] inode {ino} in {st}"
        );

        // ls: the same names the host's ls sees in the target's directories.
        for (dir, host_dir) in [
            ("/trap", host.join("trap")),
            ("/trap/rootlink/etc/", host.join("etc")),
        ] {
            let o = run_bounded(30, "ls", &["-1", "-A", host_dir.to_str().unwrap()]);
            assert_eq!(
                lines(&ok(&run(&["ls", "-A", dir]))),
                lines(&o.stdout),
                "[{mode}] ls {dir}"
            );
        }
        let long = String::from_utf8_lossy(&ok(&run(&["ls", "-l", "/trap"]))).into_owned();
        assert!(
            long.lines()
                .any(|l| l.starts_with('p') && l.ends_with(" fifo")),
            "[{mode}] {long}"
        );
        assert!(long.contains("abs -> /etc/passwd"), "[{mode}] {long}");

        // find, tree, grep -r walk the traps without following links or opening the FIFO.
        assert_eq!(
            lines(&ok(&run(&["find", "/trap"]))),
            gnu_find(&host, "/trap", &[]),
            "[{mode}] find"
        );
        assert_eq!(
            lines(&ok(&run(&["find", "/trap/rootlink/", "-maxdepth", "1"]))),
            gnu_find(&host, "/", &["-maxdepth", "1"])
                .into_iter()
                .map(|l| l.replacen('/', "/trap/rootlink/", 1))
                .collect(),
            "[{mode}] find through a link to /"
        );
        let tree = String::from_utf8_lossy(&ok(&run(&["tree", "/trap"]))).into_owned();
        assert!(
            tree.contains("fifo") && tree.contains("abs -> /etc/passwd"),
            "[{mode}] {tree}"
        );
        let g = run(&["grep", "-rn", "nginx", "/trap"]);
        let gnu = run_bounded(
            30,
            "grep",
            &["-rn", "nginx", host.join("trap").to_str().unwrap()],
        );
        let prefix = host.display().to_string();
        let gnu: BTreeSet<String> = lines(&gnu.stdout)
            .into_iter()
            .map(|l| l.strip_prefix(&prefix).unwrap_or(&l).to_string())
            .collect();
        assert_eq!(lines(&ok(&g)), gnu, "[{mode}] grep -rn");

        // exec: a program reached through a climbing link runs from the target's root; a FIFO
        // or a magic link as the program fails at once.
        let o = run(&["exec", "--", "/trap/sub/nginx", "-t"]);
        assert!(o.status.success(), "[{mode}] {}", show(&o));
        assert!(
            !run(&["exec", "--", "/trap/fifo"]).status.success(),
            "[{mode}]"
        );
        assert!(
            !run(&["exec", "--", "/trap/procroot/toolbox"])
                .status
                .success(),
            "[{mode}]"
        );

        // export: the FIFO is archived as a FIFO, links as links, nothing followed.
        let tar = ok(&run(&["export", "/trap"]));
        let listing = tar_list(&tar);
        assert!(
            listing
                .iter()
                .any(|l| l.starts_with('p') && l.ends_with("trap/fifo")),
            "[{mode}] {listing:?}"
        );
        assert!(
            listing
                .iter()
                .any(|l| l.ends_with("trap/abs -> /etc/passwd")),
            "[{mode}] {listing:?}"
        );
        let deep = format!(
            "trap/long/{}/{}/{}",
            "d".repeat(120),
            "e".repeat(120),
            "f".repeat(150)
        );
        assert!(
            listing.iter().any(|l| l.ends_with(&deep)),
            "[{mode}] pax path: {listing:?}"
        );
        let link = format!("trap/long/link -> /{}", "t".repeat(150));
        assert!(
            listing.iter().any(|l| l.ends_with(&link)),
            "[{mode}] pax linkpath: {listing:?}"
        );
    }
}

#[test]
fn reading_leaves_access_times_alone() {
    require_pod!();
    let t = TrapPod::new("atime");
    let file = t.host_root().join("trap/sub/data.txt");
    let atime = |p: &Path| {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(p).map(|m| m.atime()).expect("stat")
    };
    let age = |p: &Path| {
        let o = run_bounded(
            30,
            "touch",
            &["-a", "-d", "2001-02-03 04:05:06", p.to_str().unwrap()],
        );
        assert!(o.status.success(), "{}", show(&o));
        atime(p)
    };
    let before = age(&file);
    for args in [
        &["cat", "/trap/sub/data.txt"][..],
        &["grep", "-r", "nginx", "/trap"],
        &["export", "/trap/sub"],
        &["tail", "-n", "1", "/trap/sub/data.txt"],
    ] {
        ok(&t.pod.toolbox(&[], args));
        assert_eq!(
            atime(&file),
            before,
            "toolbox {args:?} changed the target's atime"
        );
    }
    // The check can fail: a plain read by the host does update it (relatime, atime < mtime).
    std::fs::read(&file).unwrap();
    assert_ne!(
        atime(&file),
        before,
        "this kernel does not update atime; the check proves nothing"
    );
}

/// `tar -tvf -` of an archive.
fn tar_list(archive: &[u8]) -> Vec<String> {
    let mut child = Command::new("tar")
        .args(["-tvf", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tar");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(archive)
        .expect("write tar");
    let o = child.wait_with_output().expect("tar -t");
    assert!(o.status.success(), "tar -tvf failed: {}", stderr(&o));
    stdout(&o).lines().map(str::to_string).collect()
}

#[test]
fn tail_follows_a_growing_log() {
    require_pod!();
    let t = TrapPod::new("tail");
    // -f follows the descriptor: after a rename it still reads the old file.
    tail_session(&t, "-f", "log-f", |log| {
        let old = log.with_extension("1");
        std::fs::rename(log, &old).unwrap();
        std::fs::write(log, "not followed by -f\n").unwrap();
        old
    });
    // -F follows the name: after rotation it reads the new file from its start.
    tail_session(&t, "-F", "log-F", |log| {
        std::fs::rename(log, log.with_extension("1")).unwrap();
        std::fs::write(log, "").unwrap();
        log.to_path_buf()
    });
}

/// Run `tail -n 2 FLAG /trap/NAME` in a debug container, append lines and see them arrive,
/// rotate with `rotate` (which returns the file that should still be followed), append again,
/// then stop it with SIGINT (forwarded by podman) and expect it to end.
fn tail_session(t: &TrapPod, flag: &str, file: &str, rotate: impl Fn(&Path) -> PathBuf) {
    let log = t.host_root().join("trap").join(file);
    std::fs::write(&log, "line 1\nline 2\nline 3\n").unwrap();
    let name = format!("toolbox-fs-tailer-{file}-{}", std::process::id());
    let mut argv: Vec<String> = vec!["run".into(), "--rm".into(), "--name".into(), name.clone()];
    argv.extend(t.pod.debug_args());
    argv.extend(["-v".into(), format!("{}:/toolbox:ro", common::bin())]);
    argv.push(t.pod.var("TESTPOD_EMPTY_IMAGE").to_string());
    argv.extend([
        "/toolbox".into(),
        "tail".into(),
        "-n".into(),
        "2".into(),
        flag.into(),
    ]);
    argv.push(format!("/trap/{file}"));
    struct Rm(String);
    impl Drop for Rm {
        fn drop(&mut self) {
            let _ = run_bounded(30, "podman", &["rm", "-f", "-t", "1", &self.0]);
        }
    }
    let _rm = Rm(name);
    let mut child = Command::new("podman")
        .args(&argv)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("podman run");
    let (tx, rx) = std::sync::mpsc::channel();
    let out = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let next = || {
        rx.recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("a line from tail {flag} within 30 s"))
    };
    assert_eq!(next(), "line 2");
    assert_eq!(next(), "line 3");
    let append = |path: &Path, line: &str| {
        let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
        writeln!(f, "{line}").unwrap();
    };
    for i in 0..2 {
        let line = format!("appended {i} at {:?}", Instant::now());
        append(&log, &line);
        assert_eq!(next(), line, "tail {flag}");
    }
    let followed = rotate(&log);
    std::thread::sleep(Duration::from_millis(500));
    let line = format!("after rotation at {:?}", Instant::now());
    append(&followed, &line);
    assert_eq!(next(), line, "tail {flag} after rotation");
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().ok().flatten().is_none() {
        assert!(
            Instant::now() < deadline,
            "tail {flag} did not stop on SIGINT"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn ls_l_etc_matches_host_ls_with_the_targets_owner_names() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let host = PathBuf::from(format!("/proc/{}/root", pod.nginx_pid()));
    let o = pod.toolbox(&[], &["ls", "-l", "/etc"]);
    let mine = String::from_utf8_lossy(&ok(&o)).into_owned();
    let theirs = run_bounded(
        30,
        "env",
        &["LC_ALL=C", "ls", "-l", host.join("etc").to_str().unwrap()],
    );
    let names = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| !l.starts_with("total"))
            .map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                let i = f.iter().position(|w| *w == "->").unwrap_or(f.len());
                f[8..i].join(" ")
            })
            .collect()
    };
    assert_eq!(
        names(&mine),
        names(&stdout(&theirs)),
        "toolbox:\n{mine}\nhost ls:\n{}",
        stdout(&theirs)
    );

    // Owners of UID 101's directories are named from the target's passwd, not toolbox's.
    let passwd = std::fs::read_to_string(host.join("etc/passwd")).unwrap();
    let group = std::fs::read_to_string(host.join("etc/group")).unwrap();
    let name_of = |table: &str, id: &str| {
        table
            .lines()
            .find(|l| l.split(':').nth(2) == Some(id))
            .and_then(|l| l.split(':').next())
            .map(str::to_string)
            .unwrap_or_else(|| id.to_string())
    };
    let numeric = run_bounded(
        30,
        "env",
        &[
            "LC_ALL=C",
            "ls",
            "-ln",
            host.join("var/lib/nginx").to_str().unwrap(),
        ],
    );
    let mine = String::from_utf8_lossy(&ok(&pod.toolbox(&[], &["ls", "-l", "/var/lib/nginx"])))
        .into_owned();
    let mut checked = 0;
    for (a, b) in stdout(&numeric)
        .lines()
        .zip(mine.lines())
        .filter(|(a, _)| !a.starts_with("total"))
    {
        let n: Vec<&str> = a.split_whitespace().collect();
        let m: Vec<&str> = b.split_whitespace().collect();
        assert_eq!(m[2], name_of(&passwd, n[2]), "{b} vs {a}");
        assert_eq!(m[3], name_of(&group, n[3]), "{b} vs {a}");
        assert_eq!(m[8], n[8]);
        checked += 1;
    }
    assert!(checked > 0, "no entries compared:\n{mine}");
    // Where every owner is root (a name both passwd files share), whole lines are identical:
    // modes, links, sizes, device numbers, times, -h sizes, `total`, `.` and `..`.
    for (flags, dir) in [
        ("-la", "/etc"),
        ("-la", "/dev"),
        ("-la", "/lib64"),
        ("-lh", "/lib/x86_64-linux-gnu"),
    ] {
        let mine = pod.toolbox(&[], &["ls", flags, dir]);
        let host_dir = host.join(dir.trim_start_matches('/'));
        let theirs = run_bounded(
            30,
            "env",
            &[
                "TZ=UTC",
                "LC_ALL=C",
                "ls",
                flags,
                host_dir.to_str().unwrap(),
            ],
        );
        assert_eq!(stdout(&mine), stdout(&theirs), "ls {flags} {dir}");
    }
    // Several operands and -R: headers, blank lines and order as GNU ls prints them, with
    // relative paths (toolbox resolves them from the target's root, ls from its cwd).
    for args in [
        &["-R", "etc", "var", "usr"][..],
        &["-lR", "etc", "usr"],
        &["-d", "etc", "usr/sbin/nginx", "etc/mtab"],
    ] {
        let mut mine = vec!["ls"];
        mine.extend_from_slice(args);
        let o = pod.toolbox(&[], &mine);
        let theirs = Command::new("ls")
            .args(args)
            .current_dir(&host)
            .env("LC_ALL", "C")
            .env("TZ", "UTC")
            .output()
            .expect("ls");
        assert_eq!(stdout(&o), stdout(&theirs), "ls {args:?}");
    }
    // Orderings: the same order as the host's ls, flag for flag.
    for flags in ["-t", "-S", "-r", "-Sr", "-tr", "-A"] {
        for dir in ["/etc", "/lib/x86_64-linux-gnu", "/var/lib/nginx"] {
            let mine = pod.toolbox(&[], &["ls", flags, dir]);
            let host_dir = host.join(dir.trim_start_matches('/'));
            let theirs = run_bounded(
                30,
                "env",
                &["LC_ALL=C", "ls", flags, host_dir.to_str().unwrap()],
            );
            assert_eq!(stdout(&mine), stdout(&theirs), "ls {flags} {dir}");
        }
    }
    // -o json: the same facts, for scripts, checked against the host's own stat.
    let v = common::json(&pod.toolbox(&[], &["ls", "-o", "json", "/var/lib/nginx"]));
    let arr = v.as_array().expect("array");
    assert!(!arr.is_empty());
    for e in arr {
        use std::os::unix::fs::MetadataExt;
        let path = e["path"].as_str().expect("path");
        let m = std::fs::symlink_metadata(host.join(path.trim_start_matches('/'))).unwrap();
        assert_eq!(e["inode"].as_u64(), Some(m.ino()), "{e}");
        assert_eq!(e["uid"].as_u64(), Some(u64::from(m.uid())), "{e}");
        assert_eq!(e["size"].as_u64(), Some(m.size()), "{e}");
        assert_eq!(
            e["user"].as_str(),
            Some(name_of(&passwd, &m.uid().to_string()).as_str()),
            "{e}"
        );
    }
    assert!(
        mine.contains(" nginx "),
        "UID 101 must print as the target's \"nginx\":\n{mine}"
    );
}

#[test]
fn export_etc_lists_like_tar_and_extracts_the_original_bytes() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let host = PathBuf::from(format!("/proc/{}/root", pod.nginx_pid()));
    let archive = ok(&pod.toolbox(&[], &["export", "/etc"]));
    let listing = tar_list(&archive);
    let names: BTreeSet<String> = listing
        .iter()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let i = f.iter().position(|w| *w == "->").unwrap_or(f.len());
            format!("/{}", f[5..i].join(" ").trim_end_matches('/'))
        })
        .collect();
    assert_eq!(
        names,
        gnu_find(&host, "/etc", &[]),
        "tar -tvf:\n{}",
        listing.join("\n")
    );
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new("tar")
        .args(["-xf", "-", "-C", dir.path().to_str().unwrap()])
        .stdin(Stdio::piped())
        .spawn()
        .expect("tar -x");
    child.stdin.take().unwrap().write_all(&archive).unwrap();
    assert!(child.wait().unwrap().success());
    let mut compared = 0;
    for name in &names {
        let orig = host.join(name.trim_start_matches('/'));
        let got = dir.path().join(name.trim_start_matches('/'));
        let meta = std::fs::symlink_metadata(&orig).unwrap();
        if meta.file_type().is_file() {
            assert_eq!(
                std::fs::read(&got).unwrap(),
                std::fs::read(&orig).unwrap(),
                "{name}"
            );
            compared += 1;
        } else if meta.file_type().is_symlink() {
            assert_eq!(
                std::fs::read_link(&got).unwrap(),
                std::fs::read_link(&orig).unwrap(),
                "{name}"
            );
        }
    }
    assert!(compared >= 3, "too few files compared");
    // The same listing GNU tar makes of the same files (names sorted, pax format): types,
    // modes, owners (root in both roots here), sizes, times, link targets, device numbers.
    let mine = tar_list(&ok(
        &pod.toolbox(&[], &["export", "/etc", "/usr/sbin", "/dev"])
    ));
    let gnu = run_bounded(
        60,
        "tar",
        &[
            "-C",
            host.to_str().unwrap(),
            "--sort=name",
            "--format=pax",
            "-cf",
            "-",
            "etc",
            "usr/sbin",
            "dev",
        ],
    );
    assert!(gnu.status.success(), "{}", show(&gnu));
    assert_eq!(mine, tar_list(&gnu.stdout));
    // A terminal is refused: run under `script` to give toolbox a pty as stdout.
    let o = run_bounded(
        60,
        "script",
        &[
            "-qec",
            &format!("{} --pid {} export /etc", common::bin(), pod.nginx_pid()),
            "/dev/null",
        ],
    );
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        all.contains("refusing to write a tar stream to a terminal"),
        "{all}"
    );
}

#[test]
fn exec_nginx_t_checks_the_config_with_nginx_itself() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let o = pod.toolbox(&[], &["exec", "--", "/usr/sbin/nginx", "-t"]);
    assert!(o.status.success(), "{}", show(&o));
    // The reference: nginx -t run by podman inside the target container itself.
    let reference = run_bounded(
        60,
        "podman",
        &[
            "exec",
            pod.var("TESTPOD_NGINX_CONTAINER"),
            "/usr/sbin/nginx",
            "-t",
        ],
    );
    assert_eq!(o.status.code(), reference.status.code());
    assert_eq!(stderr(&o), stderr(&reference));
    // By name through PATH, in the target's namespaces: needs CAP_SYS_ADMIN for setns, and
    // says so when it is missing; chroot needs CAP_SYS_CHROOT, and says so.
    let ns = ["exec", "--ns", "-e", "PATH=/usr/sbin", "--", "nginx", "-t"];
    let o = pod.toolbox(&["--cap-add", "SYS_ADMIN"], &ns);
    assert!(o.status.success(), "{}", show(&o));
    assert_eq!(stderr(&o), stderr(&reference));
    let o = pod.toolbox(&[], &ns);
    assert!(
        !o.status.success() && stderr(&o).contains("needs CAP_SYS_ADMIN"),
        "{}",
        show(&o)
    );
    assert!(stderr(&o).contains("fix: kubectl debug"), "{}", show(&o));
    let o = pod.toolbox(
        &["--cap-add", "SYS_PTRACE", "--cap-drop", "SYS_CHROOT"],
        &["exec", "--", "/usr/sbin/nginx", "-t"],
    );
    assert!(
        !o.status.success() && stderr(&o).contains("needs CAP_SYS_CHROOT"),
        "{}",
        show(&o)
    );
    // A missing program: a clean error and exit 127, as a shell would give.
    let o = pod.toolbox(&[], &["exec", "--", "/no/such/program"]);
    assert_eq!(o.status.code(), Some(127), "{}", show(&o));
    assert!(stderr(&o).contains("No such file"), "{}", show(&o));
}

#[test]
fn find_matches_gnu_find_on_the_target() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let host = PathBuf::from(format!("/proc/{}/root", pod.nginx_pid()));
    for expr in [
        &[][..],
        &["-name", "*.so*"],
        &["-type", "l"],
        &["-type", "d", "-maxdepth", "2"],
        &["-size", "+100k"],
        &["-size", "-2"],
        &["-mtime", "-1"],
        &["!", "-type", "f", "-mindepth", "2"],
        &["-iname", "LIBC*"],
        &["-path", "*/x86_64-linux-gnu/*", "-type", "f"],
        &["-name", "*.conf", "-o", "-name", "*.types"],
        &[
            "(", "-name", "nginx", "-o", "-name", "lib*", ")", "-type", "d",
        ],
        &[
            "-path",
            "*/usr/share",
            "-prune",
            "-o",
            "-type",
            "f",
            "-print",
        ],
        &["-name", "x86_64-linux-gnu", "-prune", "-o", "-print"],
        &["-type", "l", "-print", "-o", "-name", "*.so.6", "-print"],
        &[
            "-not",
            "-name",
            "*.so*",
            "-a",
            "-type",
            "f",
            "-mindepth",
            "2",
        ],
        &["-false", "-o", "-true", "-maxdepth", "1"],
    ] {
        let starts = ["/usr", "/etc", "/var", "/lib", "/lib64"];
        let mut args = vec!["find"];
        args.extend_from_slice(&starts);
        args.extend_from_slice(expr);
        let mine = lines(&ok(&pod.toolbox(&[], &args)));
        let theirs: BTreeSet<String> = starts
            .iter()
            .flat_map(|s| gnu_find(&host, s, expr))
            .collect();
        assert!(
            !theirs.is_empty() || expr.contains(&"-size"),
            "GNU find found nothing for {expr:?}"
        );
        assert_eq!(mine, theirs, "find {expr:?}");
    }
}

#[test]
fn binary_content_is_refused_on_a_terminal_and_flows_through_a_pipe() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let pid = pod.nginx_pid().to_string();
    let host = PathBuf::from(format!("/proc/{pid}/root"));
    // Through a pipe: the exact bytes of the target's nginx binary.
    let o = run_bounded(
        60,
        common::bin(),
        &["--pid", &pid, "cat", "/usr/sbin/nginx"],
    );
    assert_eq!(ok(&o), std::fs::read(host.join("usr/sbin/nginx")).unwrap());
    // On a terminal (`script` gives toolbox a pty): refused with the hint, nothing written.
    let cmd = format!("{} --pid {pid} cat /usr/sbin/nginx", common::bin());
    let o = run_bounded(60, "script", &["-qec", &cmd, "/dev/null"]);
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        all.contains("binary file") && all.contains("--force"),
        "{all}"
    );
    assert!(
        all.len() < 1000,
        "binary data reached the terminal: {} bytes",
        all.len()
    );
    // Text on a terminal still prints.
    let cmd = format!("{} --pid {pid} head -n 1 /etc/passwd", common::bin());
    let o = run_bounded(60, "script", &["-qec", &cmd, "/dev/null"]);
    let first = std::fs::read_to_string(host.join("etc/passwd")).unwrap();
    assert!(
        stdout(&o).contains(first.lines().next().unwrap()),
        "{}",
        show(&o)
    );
}

#[test]
fn find_skips_proc_and_sys_unless_asked() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let host = PathBuf::from(format!("/proc/{}/root", pod.nginx_pid()));
    let o = pod.toolbox(&[], &["find", "/"]);
    let mine = lines(&ok(&o));
    assert!(
        stderr(&o).contains("/proc: procfs mount not searched"),
        "{}",
        show(&o)
    );
    // GNU find with /proc and /sys pruned (but printed) is the reference.
    let r = host.display().to_string();
    let (p, s) = (format!("{r}/proc"), format!("{r}/sys"));
    let gnu = run_bounded(
        120,
        "find",
        &[
            &format!("{r}/"),
            "(",
            "-path",
            &p,
            "-o",
            "-path",
            &s,
            ")",
            "-prune",
            "-print",
            "-o",
            "-print",
        ],
    );
    let theirs: BTreeSet<String> = lines(&gnu.stdout)
        .into_iter()
        .map(|l| l.replacen(&format!("{r}/"), "/", 1))
        .collect();
    // Other tests share this pod: entries that come and go (ptys, temporary files) are left out.
    let stable = |set: BTreeSet<String>| -> BTreeSet<String> {
        set.into_iter()
            .filter(|p| !p.starts_with("/dev/pts/") && !p.starts_with("/tmp/"))
            .collect()
    };
    assert_eq!(stable(mine), stable(theirs));
    // Asked explicitly, /proc is searched.
    let o = pod.toolbox(&[], &["find", "/proc", "-maxdepth", "1", "-name", "self"]);
    assert_eq!(lines(&ok(&o)), BTreeSet::from(["/proc/self".to_string()]));
}

#[test]
fn unreadable_entries_are_reported_and_skipped() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let host = PathBuf::from(format!("/proc/{}/root", pod.nginx_pid()));
    // Root without DAC override cannot enter nginx's 0700 temp directories (owned by UID 101).
    let flags = [
        "--cap-add",
        "SYS_PTRACE",
        "--cap-drop",
        "DAC_OVERRIDE,DAC_READ_SEARCH",
    ];
    let o = pod.toolbox(&flags, &["find", "/var/lib/nginx"]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", show(&o));
    let listed = lines(&o.stdout);
    for entry in std::fs::read_dir(host.join("var/lib/nginx")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let path = format!("/var/lib/nginx/{name}");
        assert!(listed.contains(&path), "{path} not listed:\n{}", show(&o));
        assert!(
            stderr(&o).contains(&path),
            "{path} not reported:\n{}",
            show(&o)
        );
    }
    // ls -l still lists them, with the target's owner names.
    let o = pod.toolbox(&flags, &["ls", "-l", "/var/lib/nginx"]);
    assert!(
        stdout(&o).contains("drwx------") && stdout(&o).contains(" nginx "),
        "{}",
        show(&o)
    );
}

#[test]
fn grep_and_stat_agree_with_gnu_grep_and_stat() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let host = PathBuf::from(format!("/proc/{}/root", pod.nginx_pid()));
    let r = host.display().to_string();
    let strip = |b: &[u8]| -> BTreeSet<String> {
        lines(b)
            .into_iter()
            .map(|l| l.strip_prefix(&r).unwrap_or(&l).to_string())
            .collect()
    };
    let operand_sets: [&[&str]; 3] = [
        &["/etc", "/usr/share"],
        &["/etc/nginx/nginx.conf"],
        &["/etc"],
    ];
    for operands in operand_sets {
        for flags in [
            &["-rn"][..],
            &["-rni"],
            &["-rl"],
            &["-rc"],
            &["-rv", "-i"],
            &["-n"],
            &["-rniw"],
            &["-rhi"],
            &["-rHiF"],
            &["-rEic"],
        ] {
            let mut mine = vec!["grep"];
            mine.extend_from_slice(flags);
            mine.push("NGINX");
            mine.extend_from_slice(operands);
            let o = pod.toolbox(&[], &mine);
            let mut gnu: Vec<String> = flags.iter().map(|s| s.to_string()).collect();
            gnu.push("NGINX".into());
            gnu.extend(operands.iter().map(|p| format!("{r}{p}")));
            let g: Vec<&str> = gnu.iter().map(String::as_str).collect();
            let theirs = run_bounded(60, "grep", &g);
            let what = format!("grep {flags:?} {operands:?}");
            assert_eq!(
                o.status.code(),
                theirs.status.code(),
                "{what}\n{}",
                show(&o)
            );
            assert_eq!(lines(&o.stdout), strip(&theirs.stdout), "{what}");
        }
    }
    // -F takes metacharacters literally; without it they are a regex.
    for flags in [&["-rcF"][..], &["-rc"]] {
        for pattern in ["$uri;", "a.b", "["] {
            let mut mine = vec!["grep"];
            mine.extend_from_slice(flags);
            mine.extend([pattern, "/etc/nginx"]);
            let o = pod.toolbox(&[], &mine);
            let dir = format!("{r}/etc/nginx");
            let mut gnu = flags.to_vec();
            gnu.extend([pattern, dir.as_str()]);
            let theirs = run_bounded(60, "grep", &gnu);
            assert_eq!(
                o.status.code(),
                theirs.status.code(),
                "grep {flags:?} {pattern}\n{}",
                show(&o)
            );
            assert_eq!(
                lines(&o.stdout),
                strip(&theirs.stdout),
                "grep {flags:?} {pattern}"
            );
        }
    }
    // stat: GNU stat's own output, line for line; owner names come from the target's passwd
    // (the host may name UID 101 differently), so that line is checked against it instead.
    let passwd = std::fs::read_to_string(host.join("etc/passwd")).unwrap();
    for p in [
        "/etc/passwd",
        "/etc/mtab",
        "/dev/null",
        "/var/lib/nginx/body",
        "/usr/sbin/nginx",
        "/tmp",
    ] {
        let mine = stdout(&pod.toolbox(&[], &["stat", p]));
        let gnu = Command::new("stat")
            .arg(format!(".{p}"))
            .current_dir(&host)
            .env("TZ", "UTC")
            .env("LC_ALL", "C")
            .output()
            .expect("stat");
        let gnu = stdout(&gnu).replacen("File: .", "File: ", 1);
        assert_eq!(
            mine.lines().count(),
            gnu.lines().count(),
            "{p}:\n{mine}\n{gnu}"
        );
        for (m, g) in mine.lines().zip(gnu.lines()) {
            if m.starts_with("Access: (") {
                let uid: String = g
                    .split("Uid: (")
                    .nth(1)
                    .unwrap_or("")
                    .chars()
                    .take_while(|c| *c != '/')
                    .collect();
                let uid = uid.trim();
                let name = passwd
                    .lines()
                    .find(|l| l.split(':').nth(2) == Some(uid))
                    .and_then(|l| l.split(':').next())
                    .unwrap_or(uid);
                assert!(
                    m.contains(&format!("{uid}/")) && m.contains(name),
                    "{p}: {m} (uid {uid} is {name} in the target)"
                );
                assert_eq!(m.split("Uid").next(), g.split("Uid").next(), "{p}");
            } else {
                assert_eq!(m, g, "{p}");
            }
        }
    }
}

#[test]
fn exec_passes_the_targets_environment_unless_told_otherwise() {
    require_pod!();
    // A target that keeps its environment (nginx overwrites its own with its process title):
    // toolbox itself, mounted into a container of its own, running tail -f.
    let name = format!("toolbox-fs-env-{}", std::process::id());
    let mark = format!("TOOLBOX_FS_MARK=env-{}", std::process::id());
    struct Rm(String);
    impl Drop for Rm {
        fn drop(&mut self) {
            let _ = run_bounded(30, "podman", &["rm", "-f", "-t", "1", &self.0]);
        }
    }
    let _rm = Rm(name.clone());
    let o = run_bounded(
        60,
        "podman",
        &[
            "run",
            "-d",
            "--name",
            &name,
            "--network",
            "none",
            "-e",
            &mark,
            "-v",
            &format!("{}:/toolbox:ro", common::bin()),
            "localhost/toolbox-empty:test",
            "/toolbox",
            "--host",
            "tail",
            "-f",
            "/etc/passwd",
        ],
    );
    assert!(o.status.success(), "{}", show(&o));
    let pid = stdout(&run_bounded(
        30,
        "podman",
        &["inspect", "-f", "{{.State.Pid}}", &name],
    ))
    .trim()
    .to_string();
    let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
    let want: BTreeSet<String> = environ
        .split(|&b| b == 0)
        .filter(|kv| kv.contains(&b'='))
        .map(|kv| String::from_utf8_lossy(kv).into_owned())
        .collect();
    assert!(want.contains(&mark));
    // toolbox runs in a debug container in the target's PID namespace (as kubectl debug
    // --target does), so the target's /proc shows the exec'd program as /proc/self.
    let env_of = |extra: &[&str]| -> BTreeSet<String> {
        let pid_ns = format!("container:{name}");
        let mount = format!("{}:/toolbox:ro", common::bin());
        let mut args = vec!["run", "--rm", "--pid", &pid_ns, "-v", &mount];
        args.extend([
            "localhost/toolbox-empty:test",
            "/toolbox",
            "--pid",
            "1",
            "exec",
        ]);
        args.extend_from_slice(extra);
        args.extend(["--", "/toolbox", "--host", "cat", "/proc/self/environ"]);
        let o = run_bounded(60, "podman", &args);
        ok(&o)
            .split(|&b| b == 0)
            .filter(|kv| !kv.is_empty())
            .map(|kv| String::from_utf8_lossy(kv).into_owned())
            .collect()
    };
    assert_eq!(env_of(&[]), want, "the target's environment, exactly");
    let mut plus = want.clone();
    plus.insert("EXTRA=1".into());
    assert_eq!(env_of(&["-e", "EXTRA=1"]), plus);
    let own = env_of(&["--keep-env"]);
    assert!(
        !own.contains(&mark),
        "--keep-env must use toolbox's own environment: {own:?}"
    );
}

#[test]
fn both_pid_modes_browse_the_nginx_root() {
    require_pod!();
    for mode in [PidMode::Shared, PidMode::Target] {
        let pod = Pod::up(mode);
        let host = PathBuf::from(format!("/proc/{}/root", pod.nginx_pid()));
        // Discovery picks nginx, not pause (shared) or toolbox itself (either mode).
        let o = pod.toolbox(&[], &["cat", "/etc/nginx/nginx.conf"]);
        assert_eq!(
            ok(&o),
            std::fs::read(host.join("etc/nginx/nginx.conf")).unwrap(),
            "{mode:?}"
        );
        let o = pod.toolbox(&[], &["find", "/var/log/nginx", "-type", "f"]);
        assert_eq!(
            lines(&ok(&o)),
            gnu_find(&host, "/var/log/nginx", &["-type", "f"]),
            "{mode:?}"
        );
    }
}

#[test]
fn tree_draws_what_tree_draws() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let host = PathBuf::from(format!("/proc/{}/root", pod.nginx_pid()));
    for args in [
        &["etc", "var", "usr"][..],
        &["-L", "2", "usr", "var"],
        &["-a", "dev"],
    ] {
        let mut mine = vec!["tree"];
        mine.extend_from_slice(args);
        let o = pod.toolbox(&[], &mine);
        // tree(1) run by the host from inside the target's root, so both print the same paths.
        let theirs = Command::new("tree")
            .arg("--charset=utf-8")
            .args(args)
            .current_dir(&host)
            .env("LC_ALL", "C")
            .output()
            .expect("tree (apt-get install tree; scripts/setup does)");
        // tree pads its "│" continuation with no-break spaces; toolbox uses plain spaces.
        let theirs = stdout(&theirs).replace('\u{a0}', " ");
        assert_eq!(String::from_utf8_lossy(&ok(&o)), theirs, "tree {args:?}");
    }
}

#[test]
fn cat_head_tail_agree_with_coreutils() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let host = PathBuf::from(format!("/proc/{}/root", pod.nginx_pid()));
    // Relative paths: toolbox resolves them from the target's root, coreutils from its cwd,
    // which is set to the target's root, so even the `==> name <==` headers must match.
    let files = [
        "etc/nginx/mime.types",
        "etc/passwd",
        "etc/hostname",
        "etc/resolv.conf",
    ];
    for (tool, flags) in [
        ("cat", &[][..]),
        ("head", &[][..]),
        ("head", &["-n", "3"]),
        ("head", &["-n", "0"]),
        ("tail", &[][..]),
        ("tail", &["-n", "2"]),
        ("tail", &["-n", "500"]),
    ] {
        for operands in [&files[..1], &files[..]] {
            let mut mine = vec![tool];
            mine.extend_from_slice(flags);
            mine.extend_from_slice(operands);
            let o = pod.toolbox(&[], &mine);
            let theirs = Command::new(tool)
                .args(flags)
                .args(operands)
                .current_dir(&host)
                .output()
                .expect("coreutils");
            assert_eq!(
                String::from_utf8_lossy(&ok(&o)),
                String::from_utf8_lossy(&theirs.stdout),
                "{tool} {flags:?} {operands:?}"
            );
        }
    }
}

#[test]
fn devices_are_opened_only_when_asked() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let o = pod.toolbox(&[], &["cat", "/dev/zero"]);
    refused(&o, "character special file");
    assert!(o.stdout.is_empty());
    let o = pod.toolbox(&[], &["grep", "-r", "x", "/dev"]);
    assert!(!stderr(&o).contains("panicked"), "{}", show(&o));
    assert!(o.stdout.is_empty(), "grep -r read a device: {}", show(&o));
    // Asked explicitly: /dev/null reads as empty, /dev/urandom up to its first newline.
    assert!(ok(&pod.toolbox(&[], &["cat", "--special", "/dev/null"])).is_empty());
    let z = ok(&pod.toolbox(
        &[],
        &["head", "--special", "-n", "1", "--force", "/dev/urandom"],
    ));
    assert!(!z.is_empty());
}

/// A target can nest directories as deep as it likes: every walker stops at a bound with an
/// error (no stack overflow), and what it did list is what GNU find lists down to that depth.
#[test]
fn very_deep_trees_are_walked_to_a_bound_without_crashing() {
    let dir = tempfile::tempdir().expect("tempdir");
    // One level at a time (the full path is longer than PATH_MAX).
    let made = Command::new("sh")
        .current_dir(dir.path())
        .args([
            "-c",
            "i=0; while [ $i -lt 1500 ]; do mkdir d && cd d || exit 1; i=$((i+1)); done",
        ])
        .status()
        .expect("sh");
    assert!(made.success(), "building the deep tree");
    let root = dir.path().to_str().expect("utf-8 temp path");
    let gnu = Command::new("find")
        .current_dir(dir.path())
        .args([".", "-maxdepth", "1000"])
        .output()
        .expect("GNU find");
    let want = gnu
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    for cmd in [
        &["find", "/"][..],
        &["ls", "-R", "/"],
        &["tree", "/"],
        &["grep", "-r", "x", "/"],
    ] {
        let mut args = vec!["--root", root];
        args.extend_from_slice(cmd);
        let o = run_bounded(120, common::bin(), &args);
        assert!(
            o.status.code().is_some(),
            "{cmd:?} died by a signal: {:?}",
            o.status
        );
        assert_ne!(o.status.code(), Some(0), "{cmd:?} must report the cut");
        assert!(
            stderr(&o).contains("levels deep"),
            "{cmd:?}: {}",
            stderr(&o)
        );
        if cmd[0] == "find" {
            assert_eq!(
                stdout(&o).lines().count(),
                want,
                "find vs GNU find -maxdepth 1000"
            );
        }
    }
    // remove_dir_all would also need paths longer than PATH_MAX; let rm do it.
    let _ = Command::new("rm").args(["-rf", root]).status();
}
