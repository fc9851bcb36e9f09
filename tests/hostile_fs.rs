//! Hostile inputs for the fs commands, run on temporary roots (`--root DIR`) and measured
//! (`common::run_measured`: wall time printed, peak RSS asserted): lines of any length, files
//! whose size procfs does not know, sparse files, non-UTF-8 and control-character names,
//! device files, a 1 GB file, directory access times, and a symlink/rename race.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{run_measured, stderr, stdout, Measured};

/// Peak RSS allowed for one fs command on any input (KiB): the largest buffer is grep's line
/// limit (16 MiB), held at most twice.
const RSS_BOUND_KIB: i64 = 64 * 1024;

/// A temporary directory standing for a target's root.
fn temp_root() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("toolbox-hostile-")
        .tempdir_in(std::env::temp_dir())
        .expect("temp dir")
}

/// Run toolbox with `--root ROOT ARGS`, measured, bounded by `secs`; the RSS bound is checked.
fn toolbox(secs: u32, label: &str, root: &Path, args: &[&str]) -> Measured {
    let mut all = vec!["--root", root.to_str().expect("utf-8 temp path")];
    all.extend_from_slice(args);
    let m = run_measured(secs, label, common::bin(), &all);
    assert!(
        m.max_rss_kib < RSS_BOUND_KIB,
        "{label}: peak RSS {} KiB exceeds {RSS_BOUND_KIB} KiB",
        m.max_rss_kib
    );
    m
}

/// Like [`toolbox`] with byte arguments (names that are not UTF-8, or hold newlines):
/// `run_measured` takes `&str`, so each argument goes through sh as printf(1) octal escapes and
/// reaches toolbox unchanged (`exec`: the measured process is toolbox itself).
fn toolbox_os(secs: u32, label: &str, root: &Path, args: &[&OsStr]) -> Measured {
    let mut sh = String::from("set --; ");
    let mut all: Vec<&OsStr> = vec![
        OsStr::new(common::bin()),
        OsStr::new("--root"),
        root.as_os_str(),
    ];
    all.extend_from_slice(args);
    for a in &all {
        // The trailing x keeps a final newline from being eaten by $(…).
        sh.push_str(&format!(
            "a=$(printf '{}x'); set -- \"$@\" \"${{a%x}}\"; ",
            octal(a)
        ));
    }
    sh.push_str("exec \"$@\"");
    let m = run_measured(secs, label, "sh", &["-c", &sh]);
    assert!(
        m.max_rss_kib < RSS_BOUND_KIB,
        "{label}: peak RSS {} KiB exceeds {RSS_BOUND_KIB} KiB",
        m.max_rss_kib
    );
    m
}

/// `\ooo` octal escapes of every byte, for printf(1).
fn octal(s: &OsStr) -> String {
    s.as_bytes().iter().map(|b| format!("\\{b:03o}")).collect()
}

fn ok(m: &Measured) -> &Output {
    assert!(
        m.output.status.success(),
        "exit {:?}: {}",
        m.output.status.code(),
        stderr(&m.output)
    );
    &m.output
}

// ---------------------------------------------------------------------------------------------
// grep: lines of any length (issue 10, item 5)

#[test]
fn grep_long_lines_whole() {
    let root = temp_root();
    let mut data = Vec::new();
    // A match straddling byte 1,048,576 of one line.
    let mut long = vec![b'a'; 1_048_570];
    long.extend_from_slice(b"NEEDLE_ACROSS");
    long.extend(std::iter::repeat_n(b'b', 100));
    data.extend_from_slice(&long);
    data.push(b'\n');
    data.extend_from_slice(b"short MATCHME line\n");
    // A 3,000,000-byte matching line.
    let mut big = b"BIGLINE".to_vec();
    big.extend(std::iter::repeat_n(b'c', 3_000_000 - 7));
    data.extend_from_slice(&big);
    data.push(b'\n');
    data.extend_from_slice(b"MATCHME again\n");
    std::fs::write(root.path().join("f"), &data).unwrap();

    let m = toolbox(
        60,
        "grep across 1 MiB",
        root.path(),
        &["grep", "NEEDLE_ACROSS", "/f"],
    );
    assert_eq!(ok(&m).stdout.len(), long.len() + 1, "{}", stderr(&m.output));

    let m = toolbox(
        60,
        "grep -n after long line",
        root.path(),
        &["grep", "-n", "MATCHME", "/f"],
    );
    assert_eq!(stdout(ok(&m)), "2:short MATCHME line\n4:MATCHME again\n");

    let m = toolbox(60, "grep -c", root.path(), &["grep", "-c", "c", "/f"]);
    assert_eq!(stdout(ok(&m)), "1\n");

    let m = toolbox(
        60,
        "grep 3 MB line",
        root.path(),
        &["grep", "BIGLINE", "/f"],
    );
    let out = ok(&m);
    assert_eq!(out.stdout.len(), big.len() + 1);
    assert!(out.stdout.starts_with(b"BIGLINE") && out.stdout.ends_with(b"c\n"));
    assert_eq!(stderr(out), "", "no warning for lines under the limit");
}

#[test]
fn grep_over_limit_line_is_reported_not_cut() {
    let root = temp_root();
    // 40 MiB in one line: over the 16 MiB limit; a match straddles the first piece boundary.
    let mut line = vec![b'x'; 40 << 20];
    let at = (16 << 20) - 3;
    line[at..at + 6].copy_from_slice(b"STRADL");
    let mut data = line.clone();
    data.extend_from_slice(b"\nnext STRADL\n");
    std::fs::write(root.path().join("big"), &data).unwrap();
    let m = toolbox(
        60,
        "grep 40 MiB line",
        root.path(),
        &["grep", "-n", "STRADL", "/big"],
    );
    let out = ok(&m);
    let mut want = b"1:".to_vec();
    want.extend_from_slice(&line);
    want.extend_from_slice(b"\n2:next STRADL\n");
    assert!(
        out.stdout == want,
        "the long line printed whole, numbers right ({} bytes)",
        out.stdout.len()
    );
    let err = stderr(out);
    assert!(err.contains("/big: line 1 is longer than 16 MiB"), "{err}");
    let m = toolbox(
        60,
        "grep -c 40 MiB line",
        root.path(),
        &["grep", "-c", "xxxx", "/big"],
    );
    assert_eq!(stdout(ok(&m)), "1\n");
}

// ---------------------------------------------------------------------------------------------
// Odd names through every fs command and every `-o json` (issue 10, item 6)

/// Names a target can give its files: not UTF-8, an escape sequence, a newline, a leading dash.
const ODD: [&[u8]; 4] = [b"bad\xff", b"esc\x1b[31mred", b"new\nline", b"-dash"];

fn os(b: &[u8]) -> &OsStr {
    OsStr::from_bytes(b)
}

fn join(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut p = dir.to_vec();
    p.push(b'/');
    p.extend_from_slice(name);
    p
}

/// Standard base64 decoding (test side of the JSON scheme).
fn unbase64(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = A.iter().position(|&a| a == c).expect("base64 digit") as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

/// The exact bytes of a JSON name field: `<key>_base64` when present, else the text.
fn json_name(v: &serde_json::Value, key: &str) -> Vec<u8> {
    match v.get(format!("{key}_base64")).and_then(|b| b.as_str()) {
        Some(b) => unbase64(b),
        None => v[key].as_str().expect("name field").as_bytes().to_vec(),
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn odd_names_through_every_fs_command() {
    let root = temp_root();
    let d = root.path().join("d");
    std::fs::create_dir(&d).unwrap();
    for name in ODD {
        let mut body = b"needle in ".to_vec();
        body.extend_from_slice(name);
        body.push(b'\n');
        std::fs::write(d.join(os(name)), body).unwrap();
    }
    std::os::unix::fs::symlink(os(b"bad\xff"), d.join("link")).unwrap();
    let r = root.path();

    // ls: raw names to a pipe; -o json lossless.
    let m = toolbox(30, "ls odd names", r, &["ls", "/d"]);
    for name in ODD {
        assert!(contains(&ok(&m).stdout, name), "ls lost {:?}", os(name));
    }
    let m = toolbox(30, "ls -o json odd names", r, &["ls", "-o", "json", "/d"]);
    let v = common::json(ok(&m));
    let got: Vec<Vec<u8>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| json_name(e, "path"))
        .collect();
    for name in ODD {
        assert!(
            got.contains(&join(b"/d", name)),
            "ls -o json lost {:?}: {v}",
            os(name)
        );
    }
    let link = v
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "/d/link")
        .unwrap();
    assert_eq!(json_name(link, "link"), b"bad\xff");
    assert!(
        link.get("path_base64").is_none(),
        "base64 only for names that are not UTF-8"
    );

    for name in ODD {
        let p = join(b"/d", name);
        let label = format!("{:?}", os(name));
        let mut want = b"needle in ".to_vec();
        want.extend_from_slice(name);
        want.push(b'\n');
        for cmd in ["cat", "head", "tail"] {
            let m = toolbox_os(
                30,
                &format!("{cmd} {label}"),
                r,
                &[os(cmd.as_bytes()), os(b"--"), os(&p)],
            );
            assert_eq!(ok(&m).stdout, want, "{cmd} {label}");
        }
        let m = toolbox_os(
            30,
            &format!("stat {label}"),
            r,
            &[os(b"stat"), os(b"--"), os(&p)],
        );
        assert!(contains(&ok(&m).stdout, &p), "stat {label}");
        let m = toolbox_os(
            30,
            &format!("stat -o json {label}"),
            r,
            &[os(b"stat"), os(b"-o"), os(b"json"), os(b"--"), os(&p)],
        );
        let v = common::json(ok(&m));
        assert_eq!(json_name(&v[0], "path"), p, "stat -o json {label}");
        let m = toolbox_os(
            30,
            &format!("grep {label}"),
            r,
            &[os(b"grep"), os(b"-H"), os(b"needle"), os(b"--"), os(&p)],
        );
        let mut line = p.clone();
        line.extend_from_slice(b":");
        // Only the first line holds the needle (a name with a newline splits the content).
        let first = want.iter().position(|&b| b == b'\n').unwrap();
        line.extend_from_slice(&want[..=first]);
        assert_eq!(ok(&m).stdout, line, "grep {label}");
        let m = toolbox_os(
            30,
            &format!("ls {label}"),
            r,
            &[os(b"ls"), os(b"-l"), os(b"--"), os(&p)],
        );
        assert!(contains(&ok(&m).stdout, &p), "ls -l {label}");
    }

    let m = toolbox(30, "find -print0 odd names", r, &["find", "/d", "-print0"]);
    let found: Vec<&[u8]> = ok(&m).stdout.split(|&b| b == 0).collect();
    for name in ODD {
        assert!(
            found.contains(&join(b"/d", name).as_slice()),
            "find lost {:?}",
            os(name)
        );
    }
    let m = toolbox(30, "tree odd names", r, &["tree", "/d"]);
    for name in ODD {
        assert!(contains(&ok(&m).stdout, name), "tree lost {:?}", os(name));
    }
    let m = toolbox(30, "grep -r odd names", r, &["grep", "-r", "needle", "/d"]);
    for name in ODD {
        assert!(
            contains(&ok(&m).stdout, &join(b"/d", name)),
            "grep -r lost {:?}",
            os(name)
        );
    }

    // export: real GNU tar extracts every name exactly.
    let m = toolbox(30, "export odd names", r, &["export", "/d"]);
    let out = temp_root();
    let tarball = out.path().join("x.tar");
    std::fs::write(&tarball, &ok(&m).stdout).unwrap();
    let x = common::run_bounded(
        30,
        "tar",
        &[
            "-xf",
            tarball.to_str().unwrap(),
            "-C",
            out.path().to_str().unwrap(),
        ],
    );
    assert!(x.status.success(), "tar: {}", stderr(&x));
    for name in ODD {
        let a = std::fs::read(d.join(os(name))).unwrap();
        let b = std::fs::read(out.path().join("d").join(os(name))).unwrap();
        assert_eq!(a, b, "export of {:?}", os(name));
    }
    assert_eq!(
        std::fs::read_link(out.path().join("d/link"))
            .unwrap()
            .as_os_str()
            .as_bytes(),
        b"bad\xff"
    );

    // Through kubectl exec or podman a name that is not UTF-8 arrives with U+FFFD (arguments
    // are JSON strings): the lossy spelling, as ls shows it, names the one file that reads so.
    for args in [
        &["cat", "/d/bad\u{fffd}"][..],
        &["stat", "/d/bad\u{fffd}"],
        &["export", "/d/bad\u{fffd}"],
    ] {
        let m = toolbox(30, &format!("{args:?} lossy name"), r, args);
        assert!(ok(&m).stdout.len() > 10, "{args:?}");
        if args[0] == "export" {
            assert!(
                contains(&m.output.stdout, b"d/bad\xff\0"),
                "member named by its real bytes"
            );
        }
    }
    std::fs::write(d.join(os(b"bad\xfe")), "other").unwrap();
    let m = toolbox(
        30,
        "cat ambiguous lossy name",
        r,
        &["cat", "/d/bad\u{fffd}"],
    );
    assert_eq!(m.output.status.code(), Some(1));
    assert!(
        stderr(&m.output).contains("2 names that are not UTF-8 read like it"),
        "{}",
        stderr(&m.output)
    );
    std::fs::remove_file(d.join(os(b"bad\xfe"))).unwrap();

    // On a terminal (script gives a pty): no raw escape sequence reaches it.
    for args in [
        "ls /d",
        "ls -l /d",
        "tree /d",
        "find /d",
        "grep -r needle /d",
        "ls -o json /d",
    ] {
        let cmd = format!("{} --root {} {args}", common::bin(), r.display());
        let o = common::run_bounded(30, "script", &["-qec", &cmd, "/dev/null"]);
        assert!(o.status.success(), "{args}: {}", stderr(&o));
        assert!(
            !contains(&o.stdout, b"\x1b[31m"),
            "{args}: escape sequence reached the terminal: {}",
            stdout(&o)
        );
        assert!(contains(&o.stdout, b"esc"), "{args}: {}", stdout(&o));
    }
}

// ---------------------------------------------------------------------------------------------
// Messages (issue 10, item 12)

#[test]
fn stat_permission_error_says_it_once() {
    require_root!();
    let root = temp_root();
    let r = root.path();
    std::fs::set_permissions(r, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    std::fs::create_dir(r.join("secret")).unwrap();
    std::fs::write(r.join("secret/f"), "x").unwrap();
    std::fs::set_permissions(
        r.join("secret"),
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    // As nobody, without capabilities: the mode keeps toolbox out.
    let m = run_measured(
        30,
        "stat as nobody",
        "setpriv",
        &[
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
            common::bin(),
            "--root",
            r.to_str().unwrap(),
            "stat",
            "/secret/f",
        ],
    );
    let err = stderr(&m.output);
    assert_eq!(m.output.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot read /secret/f"), "{err}");
    assert!(
        !err.contains("cannot stat cannot"),
        "doubled wording: {err}"
    );
}

#[test]
fn grep_of_a_write_only_proc_sys_file_says_so() {
    require_root!();
    let m = toolbox(
        30,
        "grep write-only sysctl",
        Path::new("/"),
        &["grep", "x", "/proc/sys/vm/drop_caches"],
    );
    let err = stderr(&m.output);
    assert_eq!(m.output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("/proc/sys/vm/drop_caches") && err.contains("write-only"),
        "{err}"
    );
    for advice in ["--profile", "AppArmor", "CAP_"] {
        assert!(
            !err.contains(advice),
            "capability advice for a write-only file: {err}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Files of unknown or unbounded size (issue 10, item 7)

/// A child process to point at, killed on drop.
struct Sleeper(std::process::Child);

impl Sleeper {
    fn new() -> Sleeper {
        Sleeper(
            std::process::Command::new("sleep")
                .arg("600")
                .spawn()
                .expect("sleep"),
        )
    }
}

impl Drop for Sleeper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn grep_r_and_export_of_proc_end() {
    require_root!();
    let s = Sleeper::new();
    let dir = format!("/proc/{}", s.0.id());
    // pagemap alone yields 8 bytes per page of the address space: hours without a cap.
    let m = toolbox(
        120,
        "grep -r --pseudo-fs /proc/PID",
        Path::new("/"),
        &["grep", "-r", "--pseudo-fs", "zzz-not-there-zzz", &dir],
    );
    let err = stderr(&m.output);
    assert_ne!(
        m.output.status.code(),
        Some(124),
        "grep -r /proc/PID hung: {err}"
    );
    assert!(
        err.contains(&format!("{dir}/pagemap: searched only the first 16 MiB")),
        "{err}"
    );
    let m = toolbox(
        120,
        "grep /proc/kmsg",
        Path::new("/"),
        &["grep", "x", "/proc/kmsg"],
    );
    assert!(
        stderr(&m.output).contains("consumes its data"),
        "{}",
        stderr(&m.output)
    );
    let m = toolbox(
        120,
        "export --pseudo-fs /proc/PID",
        Path::new("/"),
        &["export", "--pseudo-fs", &dir],
    );
    let err = stderr(&m.output);
    assert_ne!(
        m.output.status.code(),
        Some(124),
        "export /proc/PID hung: {err}"
    );
    assert!(
        err.contains(&format!("{dir}/pagemap: archived only the first 16 MiB")),
        "{err}"
    );
    assert!(
        m.output.stdout.len() < 200 << 20,
        "{} bytes",
        m.output.stdout.len()
    );
}

// ---------------------------------------------------------------------------------------------
// Sparse files (issue 10, item 8)

/// The (offset, length) data regions of a file, from SEEK_DATA/SEEK_HOLE.
fn data_map(path: &Path) -> Vec<(u64, u64)> {
    use std::io::{Seek, SeekFrom};
    let mut f = std::fs::File::open(path).unwrap();
    let size = f.metadata().unwrap().len();
    let fd = std::os::fd::AsRawFd::as_raw_fd(&f);
    let mut out = Vec::new();
    let mut pos = 0i64;
    loop {
        // SAFETY (test code): lseek on an open descriptor.
        let data = unsafe { libc::lseek(fd, pos, libc::SEEK_DATA) };
        if data < 0 || data as u64 >= size {
            break;
        }
        // SAFETY (test code): as above.
        let hole = unsafe { libc::lseek(fd, data, libc::SEEK_HOLE) };
        out.push((data as u64, (hole - data) as u64));
        pos = hole;
    }
    let _ = f.seek(SeekFrom::Start(0));
    out
}

#[test]
fn export_of_a_sparse_file_stays_the_size_of_its_data() {
    use std::os::unix::fs::{FileExt, MetadataExt};
    let root = temp_root();
    let d = root.path().join("sparse");
    std::fs::create_dir(&d).unwrap();
    // 10 GiB with three 4 KiB-aligned data regions, and 1 GiB that ends in a hole.
    let big = std::fs::File::create(d.join("ten-gib")).unwrap();
    big.set_len(10 << 30).unwrap();
    big.write_all_at(&[b's'; 8192], 0).unwrap();
    big.write_all_at(&[b'm'; 4096], 5 << 30).unwrap();
    big.write_all_at(b"end", (10 << 30) - 3).unwrap();
    let tail = std::fs::File::create(d.join("hole-at-end")).unwrap();
    tail.set_len(1 << 30).unwrap();
    tail.write_all_at(b"data", 4096 * 1000).unwrap();
    drop((big, tail));

    // Bounded by head -c: a regression streams gigabytes, which head cuts (and the test fails).
    let out = temp_root();
    let tarball = out.path().join("sparse.tar");
    let cmd = format!(
        "{} --root {} export /sparse | head -c 100000000 > {}",
        common::bin(),
        root.path().display(),
        tarball.display()
    );
    let m = run_measured(120, "export 10 GiB sparse", "sh", &["-c", &cmd]);
    assert!(m.max_rss_kib < RSS_BOUND_KIB, "{} KiB", m.max_rss_kib);
    assert!(m.output.status.success(), "{}", stderr(&m.output));
    let len = std::fs::metadata(&tarball).unwrap().len();
    eprintln!("export of 11 GiB of sparse files: {len} bytes of tar");
    assert!(len < 1 << 20, "the tar stream holds the holes: {len} bytes");

    let x = common::run_bounded(
        120,
        "tar",
        &[
            "-xf",
            tarball.to_str().unwrap(),
            "-C",
            out.path().to_str().unwrap(),
        ],
    );
    assert!(x.status.success(), "GNU tar: {}", stderr(&x));
    for name in ["ten-gib", "hole-at-end"] {
        let a = d.join(name);
        let b = out.path().join("sparse").join(name);
        let (ma, mb) = (a.metadata().unwrap(), b.metadata().unwrap());
        assert_eq!(ma.len(), mb.len(), "{name}: size");
        assert!(
            mb.blocks() <= ma.blocks() + 64,
            "{name}: extracted with holes ({} blocks vs {})",
            mb.blocks(),
            ma.blocks()
        );
        let map = data_map(&a);
        assert_eq!(map, data_map(&b), "{name}: data regions");
        let (fa, fb) = (
            std::fs::File::open(&a).unwrap(),
            std::fs::File::open(&b).unwrap(),
        );
        for (off, len) in map {
            let mut ba = vec![0u8; len as usize];
            let mut bb = vec![0u8; len as usize];
            fa.read_exact_at(&mut ba, off).unwrap();
            fb.read_exact_at(&mut bb, off).unwrap();
            assert!(ba == bb, "{name}: bytes at {off}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Access times (issue 10, item 11)

/// A tmpfs mounted with `strictatime` (every read updates atime), unmounted on drop; also the
/// place for a large file (memory, not the disk the other builds use).
struct StrictAtime {
    dir: tempfile::TempDir,
}

impl StrictAtime {
    fn new() -> StrictAtime {
        StrictAtime::new_sized("16m")
    }

    fn new_sized(size: &str) -> StrictAtime {
        let dir = temp_root();
        let p = dir.path().to_str().unwrap();
        let opts = format!("strictatime,size={size}");
        let o = common::run_bounded(
            30,
            "mount",
            &["-t", "tmpfs", "-o", &opts, "toolbox-hostile", p],
        );
        assert!(o.status.success(), "mount: {}", stderr(&o));
        StrictAtime { dir }
    }
}

impl Drop for StrictAtime {
    fn drop(&mut self) {
        let _ = common::run_bounded(30, "umount", &[self.dir.path().to_str().unwrap()]);
    }
}

/// (path, atime seconds, atime nanoseconds) of everything below `dir`.
fn atimes(dir: &Path) -> Vec<(PathBuf, i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let m = std::fs::symlink_metadata(&d).unwrap();
        out.push((d.clone(), m.atime(), m.atime_nsec()));
        if m.is_dir() {
            // Its atime was taken before read_dir touches it; callers age the tree again.
            for e in std::fs::read_dir(&d).unwrap() {
                stack.push(e.unwrap().path());
            }
        }
    }
    out.sort();
    out
}

/// Set every atime below `dir` far into the past.
fn age(dir: &Path) {
    let o = common::run_bounded(
        30,
        "find",
        &[
            dir.to_str().unwrap(),
            "-exec",
            "touch",
            "-h",
            "-a",
            "-d",
            "2001-01-01",
            "{}",
            "+",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn directory_atimes_are_kept() {
    require_root!();
    let mnt = StrictAtime::new();
    let r = mnt.dir.path();
    std::fs::create_dir_all(r.join("t/a/b")).unwrap();
    std::fs::create_dir_all(r.join("t/c")).unwrap();
    std::fs::write(r.join("t/a/f"), "needle\n").unwrap();
    std::fs::write(r.join("t/a/b/g"), "needle\n").unwrap();
    // Owned by someone else: toolbox (root) needs CAP_FOWNER for O_NOATIME, which it has.
    let o = common::run_bounded(
        30,
        "chown",
        &["-R", "1234:1234", r.join("t/c").to_str().unwrap()],
    );
    assert!(o.status.success());
    for args in [
        &["ls", "/t", "/t/a"][..],
        &["ls", "-R", "/t"],
        &["ls", "-l", "-o", "json", "/t/a"],
        &["find", "/t"],
        &["tree", "/t"],
        &["grep", "-r", "needle", "/t"],
        &["export", "/t"],
    ] {
        age(r);
        // Listing for the snapshot touches directories: age again before toolbox runs.
        let before = atimes(r);
        age(r);
        let m = toolbox(30, &format!("{args:?} on strictatime"), r, args);
        ok(&m);
        for (p, sec, nsec) in &before {
            use std::os::unix::fs::MetadataExt;
            let m = std::fs::symlink_metadata(p).unwrap();
            assert_eq!(
                (m.atime(), m.atime_nsec()),
                (*sec, *nsec),
                "{args:?} changed the atime of {}",
                p.display()
            );
        }
    }
}

#[test]
fn without_cap_fowner_reading_still_works_and_caps_says_atimes_change() {
    require_root!();
    let mnt = StrictAtime::new();
    let r = mnt.dir.path();
    std::fs::create_dir_all(r.join("t/d")).unwrap();
    let o = common::run_bounded(
        30,
        "chown",
        &["-R", "1234:1234", r.join("t").to_str().unwrap()],
    );
    assert!(o.status.success());
    let no_fowner = ["--bounding-set=-fowner", "--inh-caps=-fowner"];
    let mut args: Vec<&str> = no_fowner.to_vec();
    let rs = r.to_str().unwrap();
    args.extend_from_slice(&[common::bin(), "--root", rs, "ls", "-R", "/t"]);
    let m = run_measured(30, "ls without CAP_FOWNER", "setpriv", &args);
    assert!(
        m.output.status.success(),
        "O_NOATIME refused must fall back silently: {}",
        stderr(&m.output)
    );
    assert_eq!(stderr(&m.output), "");
    // A target owned by another user: caps says reading changes its access times.
    let target = std::process::Command::new("setpriv")
        .args([
            "--reuid=1234",
            "--regid=1234",
            "--clear-groups",
            "sleep",
            "600",
        ])
        .spawn()
        .unwrap();
    let target = Sleeper(target);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let pid = target.0.id().to_string();
    let mut args: Vec<&str> = no_fowner.to_vec();
    args.extend_from_slice(&[common::bin(), "--pid", &pid, "caps"]);
    let m = run_measured(30, "caps without CAP_FOWNER", "setpriv", &args);
    let out = stdout(&m.output);
    assert!(
        out.contains("without CAP_FOWNER") && out.contains("access times"),
        "{out}"
    );
    let m = run_measured(
        30,
        "caps with CAP_FOWNER",
        common::bin(),
        &["--pid", &pid, "caps"],
    );
    assert!(
        !stdout(&m.output).contains("without CAP_FOWNER"),
        "{}",
        stdout(&m.output)
    );
}

// ---------------------------------------------------------------------------------------------
// Device files and FIFOs

#[test]
fn device_files_are_not_read_unless_asked_and_then_bounded() {
    require_root!();
    let root = temp_root();
    let r = root.path();
    std::fs::create_dir(r.join("dev")).unwrap();
    for (name, minor) in [("zero", "5"), ("urandom", "9")] {
        let o = common::run_bounded(
            10,
            "mknod",
            &[r.join("dev").join(name).to_str().unwrap(), "c", "1", minor],
        );
        assert!(o.status.success(), "mknod: {}", stderr(&o));
    }
    // Named on the command line: refused with the flag that allows it.
    for cmd in ["cat", "head", "tail", "grep"] {
        let mut args = vec![cmd];
        if cmd == "grep" {
            args.push("x");
        }
        args.push("/dev/zero");
        let m = toolbox(30, &format!("{cmd} /dev/zero"), r, &args);
        assert_ne!(m.output.status.code(), Some(0));
        assert!(m.output.stdout.is_empty());
        assert!(
            stderr(&m.output).contains("character special file; not opened (pass --special"),
            "{cmd}: {}",
            stderr(&m.output)
        );
    }
    // Met in a walk: never opened; listed, archived as a device entry without data.
    let m = toolbox(30, "grep -r over /dev", r, &["grep", "-r", "x", "/dev"]);
    assert_eq!(m.output.status.code(), Some(1), "{}", stderr(&m.output));
    let m = toolbox(30, "export /dev", r, &["export", "/dev"]);
    assert!(
        ok(&m).stdout.len() < 8192,
        "device data archived: {} bytes",
        m.output.stdout.len()
    );
    let m = toolbox(30, "ls -l /dev", r, &["ls", "-l", "/dev"]);
    assert!(stdout(ok(&m)).contains("1, 5"), "{}", stdout(&m.output));
    // Asked for (--special): memory stays bounded on an endless device; a reader that stops
    // (head -c) ends it.
    let cmd = format!(
        "{} --root {} cat --special /dev/zero | head -c 100000000 | wc -c",
        common::bin(),
        r.display()
    );
    let m = run_measured(
        60,
        "cat --special /dev/zero | head -c 100 MB",
        "sh",
        &["-c", &cmd],
    );
    assert_eq!(stdout(&m.output).trim(), "100000000");
    assert!(m.max_rss_kib < RSS_BOUND_KIB, "{} KiB", m.max_rss_kib);
    let cmd = format!(
        "{} --root {} head --special -n 3 /dev/urandom | wc -l",
        common::bin(),
        r.display()
    );
    let m = run_measured(60, "head --special -n 3 /dev/urandom", "sh", &["-c", &cmd]);
    assert_eq!(stdout(&m.output).trim(), "3");
    assert!(m.max_rss_kib < RSS_BOUND_KIB, "{} KiB", m.max_rss_kib);
}

#[test]
fn tail_of_a_fifo_keeps_bounded_memory() {
    require_root!();
    let root = temp_root();
    let fifo = root.path().join("fifo");
    let o = common::run_bounded(10, "mkfifo", &[fifo.to_str().unwrap()]);
    assert!(o.status.success());
    // A writer of 200 MB in one line, then two short lines.
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        let block = vec![b'z'; 1 << 20];
        for _ in 0..200 {
            if f.write_all(&block).is_err() {
                return;
            }
        }
        let _ = f.write_all(b"\nlast but one\nlast\n");
    });
    let m = run_measured(
        120,
        "tail --special -n 1 FIFO of 200 MB",
        common::bin(),
        &[
            "--root",
            root.path().to_str().unwrap(),
            "tail",
            "--special",
            "-n",
            "1",
            "/fifo",
        ],
    );
    writer.join().unwrap();
    assert_eq!(stdout(ok(&m)), "last\n");
    // tail keeps at most 64 MiB (+16 MiB before trimming) of a stream.
    assert!(m.max_rss_kib < 100 * 1024, "{} KiB", m.max_rss_kib);
}

// ---------------------------------------------------------------------------------------------
// A 1 GB file

#[test]
fn one_gigabyte_file_in_bounded_memory() {
    require_root!();
    let mnt = StrictAtime::new_sized("1100m");
    let r = mnt.dir.path();
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(r.join("big")).unwrap());
        let line = [b"0123456789abcdef".repeat(6).as_slice(), b"\n"].concat();
        let mut left: u64 = 1_000_000_000;
        while left > 200 {
            f.write_all(&line).unwrap();
            left -= line.len() as u64;
        }
        f.write_all(b"NEEDLE at the end\n").unwrap();
    }
    let size = std::fs::metadata(r.join("big")).unwrap().len();
    let bin = common::bin();
    let rs = r.display();
    let cmd = format!("{bin} --root {rs} cat /big | wc -c");
    let m = run_measured(300, "cat 1 GB | wc -c", "sh", &["-c", &cmd]);
    assert_eq!(stdout(&m.output).trim(), size.to_string());
    assert!(m.max_rss_kib < RSS_BOUND_KIB, "{} KiB", m.max_rss_kib);
    let m = toolbox(300, "tail -n 1 of 1 GB", r, &["tail", "-n", "1", "/big"]);
    assert_eq!(stdout(ok(&m)), "NEEDLE at the end\n");
    let m = toolbox(300, "grep -n of 1 GB", r, &["grep", "-n", "NEEDLE", "/big"]);
    let lines = (size - 18) / 97 + 1;
    assert_eq!(stdout(ok(&m)), format!("{lines}:NEEDLE at the end\n"));
}

// ---------------------------------------------------------------------------------------------
// The symlink/rename race

/// `renameat2(a, b, RENAME_EXCHANGE)`: swap two names atomically. See: rename(2).
fn exchange(a: &std::ffi::CStr, b: &std::ffi::CStr) -> bool {
    const RENAME_EXCHANGE: libc::c_uint = 2;
    // SAFETY (test code): valid NUL-terminated paths for the duration of the call.
    unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            RENAME_EXCHANGE,
        ) == 0
    }
}

#[test]
fn symlink_swap_race_never_leaves_the_root() {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::Arc;
    require_root!();
    let root = temp_root();
    let outside = temp_root();
    let marker = format!("outside-marker-{}", std::process::id());
    let secret = format!("SECRET-{}", std::process::id());
    std::fs::create_dir(outside.path().join(&secret)).unwrap();
    std::fs::write(outside.path().join(&secret).join("f"), &marker).unwrap();
    std::fs::write(outside.path().join(format!("{secret}.txt")), &marker).unwrap();
    let r = root.path();
    // Swapped pairs, one level down and at the top: a directory and a symlink out of the root
    // (absolute, and relative with many ..), exchanged as fast as the kernel allows.
    let mut pairs = Vec::new();
    for (i, link) in [
        outside.path().to_path_buf(),
        PathBuf::from(format!("../../../../../../..{}", outside.path().display())),
    ]
    .iter()
    .enumerate()
    {
        let dir = r.join(format!("level{i}/dir"));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        for j in 0..20 {
            std::fs::write(dir.join(format!("f{j}")), "inside\n").unwrap();
            std::fs::write(dir.join("sub").join(format!("g{j}")), "inside\n").unwrap();
        }
        let l = r.join(format!("level{i}/link"));
        std::os::unix::fs::symlink(link, &l).unwrap();
        let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
        pairs.push((c(&dir), c(&l)));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let swaps = Arc::new(AtomicU64::new(0));
    let swapper = {
        let (stop, swaps) = (stop.clone(), swaps.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                for (a, b) in &pairs {
                    if exchange(a, b) {
                        swaps.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        })
    };
    let rounds = 5;
    for _ in 0..rounds {
        for args in [
            &["find", "/"][..],
            &["tree", "/"],
            &["ls", "-R", "/"],
            &["grep", "-r", "outside", "/"],
            &["export", "/"],
            &["cat", "/level0/dir/f0", "/level1/dir/sub/g0"],
            &["stat", "/level0/dir/sub"],
        ] {
            let m = toolbox(60, &format!("{args:?} during swaps"), r, args);
            let out = &m.output.stdout;
            assert!(
                !contains(out, secret.as_bytes()) && !contains(out, marker.as_bytes()),
                "{args:?} reached outside the root: {}",
                String::from_utf8_lossy(out)
            );
            assert!(
                !contains(&m.output.stderr, marker.as_bytes()),
                "{args:?}: {}",
                stderr(&m.output)
            );
            let err = stderr(&m.output);
            assert!(
                !err.contains("panicked") && !err.contains("Usage:"),
                "{args:?}: {err}"
            );
            // The walk saw the root (the swaps only cost it the entries they hid).
            if args[0] != "cat" && args[0] != "stat" {
                assert!(
                    contains(out, b"level1") || args[0] == "grep",
                    "{args:?}: {err}"
                );
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    swapper.join().unwrap();
    let n = swaps.load(Ordering::Relaxed);
    eprintln!("symlink race: {n} swaps during {rounds} rounds of 7 commands");
    assert!(n > 1000, "the swapper barely ran ({n} swaps)");
}

// ---------------------------------------------------------------------------------------------
// In a real pod: names that are not UTF-8 in the target's root, reached through podman's
// arguments (JSON strings, like kubectl exec's)

/// A pod of our own (the shared ones are not written to), removed on drop.
struct OwnPod {
    name: String,
    pod: common::Pod,
}

impl OwnPod {
    fn new(tag: &str) -> OwnPod {
        let name = format!("toolbox-hostile-{tag}-{}", std::process::id());
        let pod = common::Pod::up_with(common::PidMode::Shared, &[("TESTPOD_NAME", &name)]);
        OwnPod { name, pod }
    }
}

impl Drop for OwnPod {
    fn drop(&mut self) {
        let o = std::process::Command::new("timeout")
            .args(["--kill-after=10", "120"])
            .arg(common::repo().join("scripts/testpod"))
            .arg("down")
            .env("TESTPOD_NAME", &self.name)
            .stdin(std::process::Stdio::null())
            .output();
        if !o.is_ok_and(|o| o.status.success()) {
            eprintln!("cannot remove pod {}", self.name);
        }
    }
}

#[test]
fn pod_target_names_that_are_not_utf8_through_podman_arguments() {
    require_pod!();
    let p = OwnPod::new("names");
    let host = PathBuf::from(format!("/proc/{}/root/odd", p.pod.nginx_pid()));
    std::fs::create_dir_all(&host).unwrap();
    std::fs::write(host.join(os(b"bad\xff")), "not utf-8\n").unwrap();
    std::fs::write(host.join(os(b"esc\x1b[31mred")), "escape\n").unwrap();
    // podman turns the argument's bytes into U+FFFD, as kubectl exec would.
    let lossy = "/odd/bad\u{fffd}";
    let o = p.pod.toolbox(&[], &["cat", lossy]);
    assert_eq!(stdout(&o), "not utf-8\n", "{}", stderr(&o));
    let o = p.pod.toolbox(&[], &["stat", "-o", "json", lossy]);
    assert_eq!(
        json_name(&common::json(&o)[0], "path"),
        b"/odd/bad\xff",
        "{}",
        stderr(&o)
    );
    let o = p.pod.toolbox(&[], &["ls", "-o", "json", "/odd"]);
    let v = common::json(&o);
    let names: Vec<Vec<u8>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| json_name(e, "path"))
        .collect();
    assert!(names.contains(&b"/odd/bad\xff".to_vec()), "{v}");
    assert!(names.contains(&b"/odd/esc\x1b[31mred".to_vec()), "{v}");
    let o = p.pod.toolbox(&[], &["export", "/odd"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        contains(&o.stdout, b"odd/bad\xff\0"),
        "tar member with the real bytes"
    );
}
