//! `kubectl cp` through toolbox answering as `tar`, and `toolbox idle`, in the real test pod.
//!
//! A `toolbox idle` debug container joins the shared test pod with the image's layout
//! (`/toolbox`, and `/bin/tar` a link to it); kubectl cp's exact command lines are replayed
//! through `podman exec -i CTR tar …`, and the other side is packed/unpacked with GNU tar, as
//! kubectl's client does. The app (nginx) container has no tar.
//!
//! The tests run one at a time: a debug container without CAP_SYS_PTRACE cannot read another
//! container's `/proc/PID/exe`, so a `tar` that toolbox answers in a concurrent test's debug
//! container would be one more candidate for the target, and the copy would stop with exit 2.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{bin, podman_ok, run_bounded, stderr, PidMode, Pod};
use serial_test::serial;

/// A container removed (forcibly) when the test ends.
struct Ctr(String);

impl Drop for Ctr {
    fn drop(&mut self) {
        let _ = run_bounded(30, "podman", &["rm", "-f", "-t", "0", &self.0]);
    }
}

/// A directory of the host (or of the target's root seen from the host) removed at the end.
struct TempTree(PathBuf);

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A host directory holding `tar -> /toolbox` and `test -> /toolbox`, mounted at the debug
/// container's /bin: the image's layout (image/rootfs).
fn bin_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("kubectl-cp-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["tar", "test"] {
        let _ = std::os::unix::fs::symlink("/toolbox", dir.join(name));
    }
    dir
}

/// What `kubectl cp LOCAL POD:DEST [--no-preserve]` runs, replayed: `test -d DEST` first; when
/// DEST is a directory the copy goes into it under LOCAL's base name; the archive (GNU tar here,
/// kubectl's Go writer there) names members after the destination's base name and is unpacked
/// with `-C` the destination's parent. Returns the tar run's output.
fn kubectl_cp_in(ctr: &Ctr, local: &Path, dest: &str, no_preserve: bool, extra: &[&str]) -> Output {
    let is_dir = exec(ctr, &["test", "-d", dest], b"");
    let base = local.file_name().unwrap().to_str().unwrap();
    let dest = if is_dir.status.success() {
        format!("{}/{base}", dest.trim_end_matches('/'))
    } else {
        dest.to_string()
    };
    let (dir, name) = dest.rsplit_once('/').unwrap();
    let dir = if dir.is_empty() { "/" } else { dir };
    let transform = format!("--transform=s,^{base},{name},");
    let mut flags = extra.to_vec();
    flags.push(&transform);
    let archive = gnu_archive(local.parent().unwrap(), base, &flags);
    let mut argv = vec!["tar"];
    if no_preserve {
        argv.extend(["--no-same-permissions", "--no-same-owner"]);
    }
    argv.extend(["-xmf", "-", "-C", dir]);
    exec(ctr, &argv, &archive)
}

/// Start `toolbox idle` detached, in the test pod (`pod`) or in a PID namespace of its own
/// (None: toolbox is PID 1), and wait for its usage line.
fn start_idle(pod: Option<&Pod>, tag: &str) -> Ctr {
    start_idle_with(pod, tag, &[])
}

/// [`start_idle`] with extra podman flags.
fn start_idle_with(pod: Option<&Pod>, tag: &str, extra: &[&str]) -> Ctr {
    let name = format!("toolbox-cp-{tag}-{}", std::process::id());
    let _ = run_bounded(30, "podman", &["rm", "-f", "-t", "0", &name]);
    let mut argv: Vec<String> = vec!["run".into(), "-d".into(), "--name".into(), name.clone()];
    match pod {
        Some(p) => argv.extend(p.debug_args()),
        None => argv.extend(["--network".into(), "none".into()]),
    }
    argv.extend(extra.iter().map(|s| s.to_string()));
    argv.extend([
        "-v".into(),
        format!("{}:/toolbox:ro", bin()),
        "-v".into(),
        format!("{}:/bin:ro", bin_dir().display()),
        "-v".into(),
        format!(
            "{}:/probe:ro",
            common::probe_binary("orphan").parent().unwrap().display()
        ),
    ]);
    let image = Pod::up(PidMode::Shared)
        .var("TESTPOD_EMPTY_IMAGE")
        .to_string();
    argv.extend([image, "/toolbox".into(), "idle".into()]);
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    podman_ok(&argv);
    let ctr = Ctr(name.clone());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let logs = run_bounded(30, "podman", &["logs", &name]);
        let text = common::stdout(&logs);
        if text.contains("kubectl exec") {
            assert!(
                text.contains("-c DEBUGGER -- toolbox CMD"),
                "usage line: {text}"
            );
            break;
        }
        assert!(Instant::now() < deadline, "no usage line from toolbox idle");
        std::thread::sleep(Duration::from_millis(100));
    }
    ctr
}

/// `podman exec -i CTR ARGS` with `input` on stdin.
fn exec(ctr: &Ctr, args: &[&str], input: &[u8]) -> Output {
    exec_env(ctr, &[], args, input)
}

/// `podman exec -i -e K=V… CTR ARGS` with `input` on stdin.
fn exec_env(ctr: &Ctr, env: &[&str], args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new("timeout")
        .args(["--kill-after=10", "120", "podman", "exec", "-i"])
        .args(env.iter().flat_map(|e| ["-e", e]))
        .arg(&ctr.0)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("podman exec");
    let mut stdin = child.stdin.take().expect("stdin");
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().expect("podman exec output");
    let _ = writer.join();
    out
}

/// The host PID of a container's process.
fn host_pid(ctr: &Ctr) -> i32 {
    podman_ok(&["inspect", "-f", "{{.State.Pid}}", &ctr.0])
        .trim()
        .parse()
        .expect("a pid")
}

/// A work directory inside the target's root, `/tmp/toolbox-cp-<pid>-<tag>`: (its path inside
/// the target, its path from the host, the guard that removes it).
fn work_area(pod: &Pod, tag: &str) -> (String, PathBuf, TempTree) {
    let inside = format!("/tmp/toolbox-cp-{}-{tag}", std::process::id());
    let host = PathBuf::from(format!("/proc/{}/root{inside}", pod.nginx_pid()));
    let _ = std::fs::remove_dir_all(&host);
    std::fs::create_dir_all(&host).unwrap();
    (inside, host.clone(), TempTree(host))
}

/// What a tree holds, for comparison: relative path → (kind, mode, content or link target).
fn snapshot(root: &Path) -> BTreeMap<String, (char, u32, Vec<u8>)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let md = std::fs::symlink_metadata(&p).unwrap();
            let mode = md.permissions().mode() & 0o7777;
            let v = if md.file_type().is_symlink() {
                (
                    'l',
                    0,
                    std::fs::read_link(&p)
                        .unwrap()
                        .into_os_string()
                        .into_encoded_bytes(),
                )
            } else if md.is_dir() {
                stack.push(p.clone());
                ('d', mode, Vec::new())
            } else {
                ('f', mode, std::fs::read(&p).unwrap())
            };
            out.insert(rel, v);
        }
    }
    out
}

/// Build a small tree with the kinds kubectl cp must carry: modes, a symlink, a hard link, an
/// empty directory, a set-user-ID file.
fn make_tree(dir: &Path) {
    std::fs::create_dir_all(dir.join("sub/empty")).unwrap();
    std::fs::write(dir.join("a.conf"), "server {}\n").unwrap();
    std::fs::set_permissions(dir.join("a.conf"), std::fs::Permissions::from_mode(0o640)).unwrap();
    std::fs::write(dir.join("sub/run.sh"), "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(
        dir.join("sub/run.sh"),
        std::fs::Permissions::from_mode(0o4755),
    )
    .unwrap();
    std::fs::set_permissions(dir.join("sub"), std::fs::Permissions::from_mode(0o750)).unwrap();
    std::os::unix::fs::symlink("../a.conf", dir.join("sub/link")).unwrap();
    std::fs::hard_link(dir.join("a.conf"), dir.join("sub/hard")).unwrap();
}

fn assert_same_tree(want: &Path, got: &Path) {
    let (w, g) = (snapshot(want), snapshot(got));
    similar_asserts::assert_eq!(w, g, "{} vs {}", want.display(), got.display());
}

#[test]
#[serial]
fn copy_out_replays_kubectl_cp_and_unpacks_with_gnu_tar() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let ctr = start_idle(Some(&pod), "out");
    let (inside, host, _guard) = work_area(&pod, "out");
    make_tree(&host.join("tree"));
    let target_root = PathBuf::from(format!("/proc/{}/root", pod.nginx_pid()));

    for src in ["/etc/nginx".to_string(), format!("{inside}/tree")] {
        // kubectl cp POD:SRC DEST -c DEBUGGER runs `tar cf - SRC` (trailing `/` trimmed).
        let out = exec(&ctr, &["tar", "cf", "-", &src], b"");
        assert!(out.status.success(), "tar cf - {src}: {}", stderr(&out));
        let unpack = tempfile::tempdir().unwrap();
        let mut gnu = Command::new("tar")
            .args(["xf", "-", "-C"])
            .arg(unpack.path())
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        gnu.stdin.take().unwrap().write_all(&out.stdout).unwrap();
        assert!(gnu.wait().unwrap().success(), "GNU tar unpacks {src}");
        let rel = src.trim_start_matches('/');
        assert_same_tree(&target_root.join(rel), &unpack.path().join(rel));
        if src.ends_with("tree") {
            let a = std::fs::metadata(unpack.path().join(rel).join("a.conf")).unwrap();
            let h = std::fs::metadata(unpack.path().join(rel).join("sub/hard")).unwrap();
            assert_eq!(a.ino(), h.ino(), "the hard link is one inode again");
        }
    }
    // Not found: an error and a non-zero status, as tar's.
    let out = exec(&ctr, &["tar", "cf", "-", "/no/such/dir"], b"");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("/no/such/dir"), "{}", stderr(&out));
}

/// `tar cf - -C SRC_PARENT BASE`: what kubectl's client sends for `kubectl cp LOCAL POD:DIR/BASE`
/// (members named `BASE/…`, unpacked with `-C DIR`), made with GNU tar.
fn gnu_archive(parent: &Path, base: &str, extra: &[&str]) -> Vec<u8> {
    let out = Command::new("tar")
        .args(["-cf", "-"])
        .args(extra)
        .arg("-C")
        .arg(parent)
        .arg(base)
        .output()
        .unwrap();
    assert!(out.status.success(), "GNU tar: {}", stderr(&out));
    out.stdout
}

#[test]
#[serial]
fn copy_in_replays_kubectl_cp_with_and_without_no_preserve() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let ctr = start_idle(Some(&pod), "in");
    let (inside, host, _guard) = work_area(&pod, "in");
    let src = tempfile::tempdir().unwrap();
    make_tree(&src.path().join("up"));
    // An old time, to see that -m leaves it alone.
    let old = Command::new("touch")
        .args(["-h", "-d", "2001-01-01"])
        .arg(src.path().join("up/a.conf"))
        .status()
        .unwrap();
    assert!(old.success());
    let owner = ["--owner=1234", "--group=4321"];

    // kubectl cp LOCAL/up POD:DIR: DIR is a directory, so the copy lands in DIR/up (owner and
    // permissions kept: root's GNU tar default).
    let out = kubectl_cp_in(&ctr, &src.path().join("up"), &inside, false, &owner);
    assert!(out.status.success(), "tar -xmf: {}", stderr(&out));
    let got = host.join("up");
    assert_same_tree(&src.path().join("up"), &got);
    let a = std::fs::metadata(got.join("a.conf")).unwrap();
    assert_eq!((a.uid(), a.gid()), (1234, 4321), "owner from the archive");
    assert_eq!(
        a.ino(),
        std::fs::metadata(got.join("sub/hard")).unwrap().ino()
    );
    let age = std::time::SystemTime::now()
        .duration_since(a.modified().unwrap())
        .unwrap_or_default();
    assert!(age < Duration::from_secs(3600), "-m: mtime is not restored");
    let mode = std::fs::metadata(got.join("sub/run.sh")).unwrap().mode() & 0o7777;
    assert_eq!(mode, 0o4755);

    // --no-preserve: the debug container's umask applies and the owner is toolbox's.
    std::fs::set_permissions(
        src.path().join("up/a.conf"),
        std::fs::Permissions::from_mode(0o666),
    )
    .unwrap();
    // kubectl cp --no-preserve LOCAL/up POD:DIR/np: np does not exist, so it is the new name.
    let out = kubectl_cp_in(
        &ctr,
        &src.path().join("up"),
        &format!("{inside}/np"),
        true,
        &owner,
    );
    assert!(out.status.success(), "--no-preserve: {}", stderr(&out));
    let a = std::fs::metadata(host.join("np/a.conf")).unwrap();
    assert_eq!((a.uid(), a.gid()), (0, 0), "--no-same-owner");
    assert_eq!(a.mode() & 0o7777, 0o644, "--no-same-permissions: umask 022");
    assert_eq!(
        std::fs::read_link(host.join("np/sub/link")).unwrap(),
        Path::new("../a.conf")
    );
    // Nothing else appeared in the work area, and no temporary file was left behind.
    let names: Vec<String> = std::fs::read_dir(&host)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["np", "up"]);
    assert!(!snapshot(&host).keys().any(|k| k.contains(".toolbox-tar")));
}

#[test]
#[serial]
fn copy_in_without_cap_chown_keeps_the_files_and_says_so() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let ctr = start_idle_with(
        Some(&pod),
        "nochown",
        &["--cap-drop", "CHOWN", "--cap-add", "SYS_PTRACE"],
    );
    let (inside, host, _guard) = work_area(&pod, "nochown");
    let src = tempfile::tempdir().unwrap();
    make_tree(&src.path().join("up"));
    let archive = gnu_archive(src.path(), "up", &["--owner=1234", "--group=4321"]);
    let out = exec(&ctr, &["tar", "-xmf", "-", "-C", &inside], &archive);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("up/sub/run.sh: cannot change ownership (needs CAP_CHOWN")
            && err.contains("--no-preserve"),
        "{err}"
    );
    // As GNU tar: the files are there (toolbox's owner), with their modes.
    assert_same_tree(&src.path().join("up"), &host.join("up"));
    assert_eq!(
        std::fs::metadata(host.join("up/sub/run.sh")).unwrap().uid(),
        0
    );
    // --no-preserve is how to copy in without CAP_CHOWN.
    std::fs::remove_dir_all(host.join("up")).unwrap();
    let out = exec(
        &ctr,
        &[
            "tar",
            "--no-same-permissions",
            "--no-same-owner",
            "-xmf",
            "-",
            "-C",
            &inside,
        ],
        &archive,
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

/// One raw ustar header and its data, with any name (the `tar` crate's builder refuses `..`).
fn raw_entry(out: &mut Vec<u8>, name: &str, kind: tar::EntryType, link: &str, data: &[u8]) {
    let mut h = tar::Header::new_ustar();
    {
        let old = h.as_old_mut();
        old.name[..name.len()].copy_from_slice(name.as_bytes());
        old.linkname[..link.len()].copy_from_slice(link.as_bytes());
    }
    h.set_entry_type(kind);
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_mtime(1_000_000_000);
    h.set_cksum();
    out.extend_from_slice(h.as_bytes());
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
}

#[test]
#[serial]
fn copy_in_refuses_entries_that_escape_the_destination() {
    require_pod!();
    use tar::EntryType::{Directory, Link, Regular, Symlink};
    let pod = Pod::up(PidMode::Shared);
    let ctr = start_idle(Some(&pod), "trap");
    let (inside, host, _guard) = work_area(&pod, "trap");
    // DEST is work/dest; work/outside holds what must not change.
    std::fs::create_dir_all(host.join("dest")).unwrap();
    std::fs::create_dir_all(host.join("outside")).unwrap();
    std::fs::write(host.join("outside/secret"), "secret\n").unwrap();
    // The target's own symlinks in DEST that lead out (planted before the copy).
    std::os::unix::fs::symlink(format!("{inside}/outside"), host.join("dest/pre-abs")).unwrap();
    std::os::unix::fs::symlink("../outside", host.join("dest/pre-rel")).unwrap();
    std::os::unix::fs::symlink(format!("{inside}/outside/secret"), host.join("dest/victim"))
        .unwrap();
    let before_outside = snapshot(&host.join("outside"));

    let mut ar = Vec::new();
    raw_entry(&mut ar, "ok/", Directory, "", b"");
    raw_entry(&mut ar, "ok/fine.txt", Regular, "", b"fine\n");
    raw_entry(&mut ar, "../escape.txt", Regular, "", b"x");
    raw_entry(&mut ar, "ok/../../escape2.txt", Regular, "", b"x");
    raw_entry(&mut ar, &format!("{inside}/abs.txt"), Regular, "", b"x");
    // Symlink out, then a write through it (the classic tar trap).
    raw_entry(&mut ar, "evil", Symlink, "../outside", b"");
    raw_entry(&mut ar, "evil/secret", Regular, "", b"pwned\n");
    raw_entry(&mut ar, "evil2", Symlink, &format!("{inside}/outside"), b"");
    raw_entry(&mut ar, "evil2/secret", Regular, "", b"pwned\n");
    raw_entry(&mut ar, "ok/deep", Symlink, "../../outside/secret", b"");
    // Through the target's own symlinks that lead out.
    raw_entry(&mut ar, "pre-abs/secret", Regular, "", b"pwned\n");
    raw_entry(&mut ar, "pre-rel/secret", Regular, "", b"pwned\n");
    // A file over a symlink: replaces the link, never writes through it.
    raw_entry(&mut ar, "victim", Regular, "", b"replaced\n");
    // Hard links out.
    raw_entry(&mut ar, "hl", Link, "../outside/secret", b"");
    raw_entry(
        &mut ar,
        "hl2",
        Link,
        &format!("{inside}/outside/secret"),
        b"",
    );
    raw_entry(&mut ar, "hl3", Link, "pre-rel/secret", b"");
    // A symlink inside is fine, and so is writing through it.
    raw_entry(&mut ar, "in", Symlink, "ok", b"");
    raw_entry(&mut ar, "in/through.txt", Regular, "", b"inside\n");
    raw_entry(&mut ar, "ok/hard", Link, "ok/fine.txt", b"");
    ar.extend_from_slice(&[0u8; 1024]);

    let out = exec(
        &ctr,
        &["tar", "-xmf", "-", "-C", &format!("{inside}/dest")],
        &ar,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "refusals make exit 2: {err}");
    for name in [
        "../escape.txt",
        "ok/../../escape2.txt",
        "abs.txt",
        "evil:",
        "evil2:",
        "ok/deep",
        "pre-abs/secret",
        "pre-rel/secret",
        "hl:",
        "hl2",
        "hl3",
    ] {
        assert!(
            err.lines().any(|l| l.contains(name)),
            "{name} is refused:\n{err}"
        );
    }
    assert_eq!(
        snapshot(&host.join("outside")),
        before_outside,
        "nothing outside DEST changed"
    );
    let work: Vec<String> = std::fs::read_dir(&host)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(work.len(), 2, "nothing new next to DEST: {work:?}");
    let dest = host.join("dest");
    assert_eq!(std::fs::read(dest.join("ok/fine.txt")).unwrap(), b"fine\n");
    assert_eq!(
        std::fs::read(dest.join("ok/through.txt")).unwrap(),
        b"inside\n"
    );
    assert_eq!(std::fs::read(dest.join("victim")).unwrap(), b"replaced\n");
    assert!(!std::fs::symlink_metadata(dest.join("victim"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(
        !dest.join("evil").exists()
            || !std::fs::symlink_metadata(dest.join("evil"))
                .unwrap()
                .file_type()
                .is_symlink()
    );
    assert!(!snapshot(&dest).keys().any(|k| k.contains(".toolbox-tar")));
}

#[test]
#[serial]
fn other_tar_command_lines_are_refused_and_the_app_has_no_tar() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    // The point of it all: the app's image has no tar.
    let app = run_bounded(
        60,
        "podman",
        &[
            "exec",
            pod.var("TESTPOD_NGINX_CONTAINER"),
            "tar",
            "--version",
        ],
    );
    assert!(!app.status.success(), "the app container has no tar");
    let ctr = start_idle(Some(&pod), "usage");
    for bad in [
        &["tar", "-xvf", "-", "-C", "/tmp"][..],
        &["tar", "czf", "-", "/etc/nginx"],
        &["tar", "cf", "/tmp/x.tar", "/etc/nginx"],
        &["tar", "-tf", "-"],
    ] {
        let out = exec(&ctr, bad, b"");
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = stderr(&out);
        assert!(
            err.contains("kubectl cp") && err.contains("-xmf - -C DIR"),
            "{bad:?} names the supported forms: {err}"
        );
        assert!(out.stdout.is_empty());
    }
    // kubectl cp's `test -d DEST`, answered for the target's root.
    for (args, code) in [
        (&["test", "-d", "/etc/nginx"][..], 0),
        (&["test", "-d", "/etc/nginx/"], 0),
        (&["test", "-d", "/etc/nginx/nginx.conf"], 1),
        (&["test", "-f", "/etc/nginx/nginx.conf"], 0),
        (&["test", "-e", "/etc/nginx/no-such"], 1),
        (&["test", "-d", "/no/such"], 1),
        (&["test", "-x", "/etc"], 2),
        (&["test", "/etc"], 2),
    ] {
        let out = exec(&ctr, args, b"");
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
    }
    // kubectl cp cannot pass --target: the debug container's environment can.
    let out = exec_env(
        &ctr,
        &["TOOLBOX_TARGET=nosuch"],
        &["tar", "cf", "-", "/etc/nginx"],
        b"",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("nosuch"), "{}", stderr(&out));
    let out = exec_env(
        &ctr,
        &["TOOLBOX_TARGET=nginx"],
        &["tar", "cf", "-", "/etc/nginx/nginx.conf"],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!out.stdout.is_empty());
}

/// utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat).
fn cpu_ticks(pid: i32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("stat");
    let rest = &stat[stat.rfind(')').expect("comm") + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // rest starts at field 3 (state): utime is field 14, stime 15.
    f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
}

/// Whether a host PID is gone or a zombie (ended, not yet reaped by conmon).
fn ended(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(s) => s
            .rfind(')')
            .is_some_and(|i| s[i + 2..].starts_with('Z') || s[i + 2..].starts_with('X')),
    }
}

/// Send SIGTERM from the host and return how long the process took to end, then its exit code.
fn stop(ctr: &Ctr, pid: i32) -> (Duration, String) {
    let t = Instant::now();
    podman_ok(&["kill", "--signal", "TERM", &ctr.0]);
    while !ended(pid) && t.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let took = t.elapsed();
    let code = podman_ok(&["wait", &ctr.0]);
    (took, code.trim().to_string())
}

#[test]
#[serial]
fn idle_uses_no_cpu_and_stops_on_sigterm_in_the_shared_pod() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let ctr = start_idle(Some(&pod), "idle");
    let pid = host_pid(&ctr);
    assert_ne!(common::ns_pid(pid), 1, "the pause process is PID 1 here");
    let t0 = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(10));
    let t1 = cpu_ticks(pid);
    assert_eq!(t1 - t0, 0, "CPU ticks while idle for 10 s");
    // Commands run next to it with kubectl exec.
    let out = exec(&ctr, &["/toolbox", "target"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let (took, code) = stop(&ctr, pid);
    eprintln!("toolbox idle ended {took:?} after SIGTERM");
    assert!(took < Duration::from_secs(1), "ended within 1 s: {took:?}");
    assert_eq!(code, "0");
}

#[test]
#[serial]
fn idle_as_pid_1_reaps_orphans_and_stops_on_sigterm() {
    require_pod!();
    let ctr = start_idle(None, "init");
    let pid = host_pid(&ctr);
    assert_eq!(
        common::ns_pid(pid),
        1,
        "toolbox is PID 1 of its own namespace"
    );
    // kubectl exec sessions leave orphans behind; they become PID 1's children.
    let probe = format!("/probe/{}", orphan_name());
    let out = exec(&ctr, &[&probe], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let children =
        || std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !children().trim().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        children().trim(),
        "",
        "the orphan was reaped, no zombie is left"
    );
    let t0 = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(cpu_ticks(pid) - t0, 0);
    let (took, code) = stop(&ctr, pid);
    eprintln!("toolbox idle (PID 1) ended {took:?} after SIGTERM");
    assert!(took < Duration::from_secs(1), "ended within 1 s: {took:?}");
    assert_eq!(code, "0");
}

/// The orphan probe's file name inside /probe.
fn orphan_name() -> String {
    common::probe_binary("orphan")
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
#[serial]
fn copy_in_of_a_hostile_long_name_stays_bounded_in_memory() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let (inside, host, _guard) = work_area(&pod, "hostile");
    // toolbox as `tar` on the host, the target chosen as kubectl debug --env would.
    let links = tempfile::tempdir().unwrap();
    let tar_link = links.path().join("tar");
    std::os::unix::fs::symlink(bin(), &tar_link).unwrap();
    // A GNU long-name member claiming 600 MiB, streamed (never stored): the name would be held
    // in memory whole if it were read.
    let mut h = tar::Header::new_gnu();
    h.as_old_mut().name[..13].copy_from_slice(b"././@LongLink");
    h.set_entry_type(tar::EntryType::GNULongName);
    h.set_size(600 << 20);
    h.set_mode(0o644);
    h.set_cksum();
    let hdr = links.path().join("hdr");
    std::fs::write(&hdr, h.as_bytes()).unwrap();
    let script = format!(
        "{{ cat '{}'; head -c 629145600 /dev/zero; }} | TOOLBOX_PID={} exec '{}' -xmf - -C '{inside}'",
        hdr.display(),
        pod.nginx_pid(),
        tar_link.display()
    );
    let m = common::run_measured(120, "tar -x of a 600 MiB long name", "sh", &["-c", &script]);
    let err = stderr(&m.output);
    assert_eq!(m.output.status.code(), Some(1), "{err}");
    assert!(err.contains("exceed 4 MiB"), "{err}");
    assert!(m.max_rss_kib < 64 * 1024, "peak RSS {} KiB", m.max_rss_kib);
    assert_eq!(
        std::fs::read_dir(&host).unwrap().count(),
        0,
        "nothing written"
    );
}
