//! The user-space resolver (for kernels without openat2) against the kernel's own
//! `openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)` on the same trap set: every path, with
//! every flag combination, must give the same file (device and inode) or the same errno.
//! Needs no pod: the traps live in a temporary directory that stands for a container's root.

use std::fs;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::{symlink, MetadataExt};
use std::path::Path;

use toolbox::target::resolve::open_in_root_userspace;

const RESOLVE: u64 = libc::RESOLVE_IN_ROOT | libc::RESOLVE_NO_MAGICLINKS;

fn id(fd: &OwnedFd) -> (u64, u64) {
    let f = fs::File::from(fd.try_clone().expect("dup"));
    let m = f.metadata().expect("fstat");
    (m.dev(), m.ino())
}

type Outcome = Result<(u64, u64), i32>;

fn kernel(root: &OwnedFd, path: &str, flags: i32) -> Outcome {
    toolbox::sys::openat2(
        root.as_fd(),
        Path::new(path),
        flags | libc::O_CLOEXEC,
        RESOLVE,
    )
    .map(|fd| id(&fd))
    .map_err(|e| e.raw_os_error().unwrap_or(-1))
}

fn userspace(root: &OwnedFd, path: &str, flags: i32) -> Outcome {
    open_in_root_userspace(root.as_fd(), Path::new(path), flags | libc::O_CLOEXEC)
        .map(|fd| id(&fd))
        .map_err(|e| e.raw_os_error().unwrap_or(-1))
}

const FLAGS: [(i32, &str); 5] = [
    (libc::O_PATH, "O_PATH"),
    (libc::O_PATH | libc::O_NOFOLLOW, "O_PATH|O_NOFOLLOW"),
    (libc::O_RDONLY | libc::O_NONBLOCK, "O_RDONLY|O_NONBLOCK"),
    (
        libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK,
        "O_RDONLY|O_NOFOLLOW",
    ),
    (libc::O_RDONLY | libc::O_DIRECTORY, "O_RDONLY|O_DIRECTORY"),
];

fn compare(root: &OwnedFd, paths: &[&str]) {
    let mut diffs = Vec::new();
    for p in paths {
        for (flags, name) in FLAGS {
            let k = kernel(root, p, flags);
            let u = userspace(root, p, flags);
            if k != u {
                diffs.push(format!("{p:?} {name}: kernel {k:?}, user space {u:?}"));
            }
        }
    }
    assert!(
        diffs.is_empty(),
        "resolvers disagree:\n{}",
        diffs.join("\n")
    );
}

fn open_dir(p: &Path) -> OwnedFd {
    toolbox::target::root::open_root_dir(p).expect("open root dir")
}

#[test]
fn userspace_walk_matches_openat2_on_traps() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let r = tmp.path();
    fs::create_dir_all(r.join("etc")).unwrap();
    fs::create_dir_all(r.join("a/b/c")).unwrap();
    fs::write(
        r.join("etc/passwd"),
        "root:x:0:0::/:/x\ninside:x:1:1::/:/x\n",
    )
    .unwrap();
    fs::write(r.join("a/b/file"), "f").unwrap();
    symlink("/etc/passwd", r.join("abs")).unwrap();
    symlink("../../../../../../../etc/passwd", r.join("a/b/up")).unwrap();
    symlink("chain2", r.join("a/chain1")).unwrap();
    symlink("/a/b/chain3", r.join("a/chain2")).unwrap();
    symlink("../../etc/passwd", r.join("a/b/chain3")).unwrap();
    symlink("loop2", r.join("loop1")).unwrap();
    symlink("loop1", r.join("loop2")).unwrap();
    symlink("/", r.join("rootlink")).unwrap();
    symlink("/a/b/", r.join("dirlink")).unwrap();
    symlink("", r.join("empty")).unwrap_or(());
    symlink("/proc/self/root", r.join("procroot")).unwrap();
    symlink("nowhere", r.join("dangling")).unwrap();
    nix::unistd::mkfifo(
        &r.join("fifo"),
        nix::sys::stat::Mode::from_bits_truncate(0o644),
    )
    .expect("mkfifo");
    let root = open_dir(r);
    compare(
        &root,
        &[
            "/",
            ".",
            "..",
            "/..",
            "etc/passwd",
            "/abs",
            "abs",
            "a/b/up",
            "/a/chain1",
            "/a/../../../../etc/../etc/passwd",
            "a/b/c/../../../etc/passwd",
            "/loop1",
            "/rootlink",
            "/rootlink/",
            "/rootlink/etc/passwd",
            "/rootlink/../../abs",
            "/dirlink",
            "/dirlink/",
            "/dirlink/file",
            "/dirlink/file/",
            "/dirlink/../b/up",
            "/procroot",
            "/procroot/etc",
            "/dangling",
            "/dangling/",
            "/fifo",
            "/a/b/file/x",
            "/nonexistent",
            "a//b///c/",
            "/abs/",
            "",
        ],
    );
    // The traps resolve inside the root: to the temporary root's own /etc/passwd.
    let inside = {
        let m = fs::metadata(r.join("etc/passwd")).unwrap();
        (m.dev(), m.ino())
    };
    for p in [
        "/abs",
        "a/b/up",
        "/a/chain1",
        "/rootlink/etc/passwd",
        "/a/../../../../etc/../etc/passwd",
    ] {
        assert_eq!(userspace(&root, p, libc::O_RDONLY), Ok(inside), "{p}");
    }
}

#[test]
fn userspace_walk_refuses_magic_links_like_openat2() {
    // toolbox's own root, whose /proc is a real procfs: magic links must be refused (ELOOP)
    // while procfs's ordinary top-level links (self, mounts) still work.
    let root = open_dir(Path::new("/"));
    let paths = [
        "/proc/self/root",
        "/proc/self/root/etc/passwd",
        "/proc/self/cwd",
        "/proc/self/exe",
        "/proc/self/fd/0",
        "/proc/thread-self/root",
        "/proc/self/status",
        "/proc/mounts",
        "/proc/self",
        "/proc/1/root",
    ];
    compare(&root, &paths);
    assert_eq!(
        userspace(&root, "/proc/self/root/etc/passwd", libc::O_RDONLY),
        Err(libc::ELOOP)
    );
    assert!(userspace(&root, "/proc/self/status", libc::O_RDONLY).is_ok());
}

/// `TOOLBOX_RESOLVE=userspace` really takes the user-space path (no openat2 at all, as on a
/// kernel without it), and the binary gives the same answers both ways. Checked with strace.
#[test]
fn forced_userspace_mode_makes_no_openat2_calls() {
    let have_strace = std::process::Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_strace {
        assert!(
            std::env::var("CI").is_err(),
            "CI=true and strace is missing (scripts/setup installs it)"
        );
        eprintln!("*** SKIPPED: strace not installed ***");
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let r = tmp.path();
    fs::create_dir_all(r.join("etc")).unwrap();
    fs::write(r.join("etc/passwd"), "inside:x:1:1::/:/x\n").unwrap();
    symlink("../../../../etc/passwd", r.join("up")).unwrap();
    let trace = r.join("strace.out");
    let run = |force: bool| {
        let mut c = std::process::Command::new("timeout");
        c.args(["30", "strace", "-f", "-qq", "-e", "trace=openat2", "-o"])
            .arg(&trace)
            .arg(env!("CARGO_BIN_EXE_toolbox"))
            .arg("--root")
            .arg(r)
            .args(["cat", "/up"])
            .env_remove("TOOLBOX_RESOLVE");
        if force {
            c.env("TOOLBOX_RESOLVE", "userspace");
        }
        let o = c.output().expect("strace toolbox");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let calls = fs::read_to_string(&trace).unwrap_or_default();
        (
            o.stdout,
            calls.lines().filter(|l| l.contains("openat2(")).count(),
        )
    };
    let (kernel_out, kernel_calls) = run(false);
    let (user_out, user_calls) = run(true);
    assert_eq!(kernel_out, fs::read(r.join("etc/passwd")).unwrap());
    assert_eq!(user_out, kernel_out);
    assert!(kernel_calls > 0, "the default mode should use openat2");
    assert_eq!(
        user_calls, 0,
        "the forced user-space mode must not call openat2"
    );
}
