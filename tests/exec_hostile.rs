//! `toolbox exec` against a hostile target: the program it starts must get the target's
//! credentials (not the debugger's), stay inside the root it was started in, be found without
//! following /proc magic links, and a script with a missing interpreter must say which one.
//!
//! The tests use their own pod, `toolbox-test-hostile` (never the shared test pods): podman's
//! pause as infra, an app container running a static probe (tests/probe/hostile.c) as UID 101 with
//! every capability dropped, and a second one running the same probe as root with podman's default
//! capabilities. toolbox runs in a debug container joined to the pod with
//! `--cap-add SYS_PTRACE,NET_RAW`, as `kubectl debug --profile=general` gives. The pod is created
//! once per test process under a lock, reused when it already runs this very probe, and recreated
//! otherwise; `scripts/hostilepod down` removes it.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use common::{podman_ok, run_bounded, show, stderr, stdout, PidMode, Pod};

const POD: &str = "toolbox-test-hostile";
const APP: &str = "toolbox-test-hostile-app";
const ROOT_APP: &str = "toolbox-test-hostile-root";
const DIR: &str = "/var/tmp/toolbox-test-hostile";
/// A script whose interpreter exists in the target (the probe, printing its argv).
const OK_SCRIPT: &str = "#!/probe argv\necho never run by a shell\n";
/// A script whose interpreter does not exist in the target.
const BAD_SCRIPT: &str = "#!/no/such/interpreter -x\necho never run\n";

/// The hostile pod, up: host PIDs of its two app containers.
struct Hostile {
    app_pid: i32,
    root_app_pid: i32,
    empty_image: String,
}

/// Host PID of a running container of the hostile pod, when its probe is really alive.
fn pid_of(container: &str) -> Option<i32> {
    let o = run_bounded(
        30,
        "podman",
        &[
            "inspect",
            "-f",
            "{{.State.Running}} {{.State.Pid}}",
            container,
        ],
    );
    let out = stdout(&o);
    let mut it = out.split_whitespace();
    let pid: i32 = (it.next() == Some("true"))
        .then(|| it.next()?.parse().ok())
        .flatten()?;
    // podman's records can outlive the processes (a machine restarted with its storage kept):
    // "running" with a PID that is gone or now another program's. Only a live probe counts.
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    (pid > 0 && comm.trim_end() == "probe").then_some(pid)
}

/// Bring the hostile pod up (idempotently; safe for concurrent test threads and processes).
fn hostile() -> &'static Hostile {
    static POD_UP: OnceLock<Hostile> = OnceLock::new();
    POD_UP.get_or_init(|| {
        // The shared pod's script builds the images this pod uses (its own pod is left alone).
        let shared = Pod::up(PidMode::Shared);
        let empty = shared.var("TESTPOD_EMPTY_IMAGE").to_string();
        let pause = shared.var("TESTPOD_PAUSE_IMAGE").to_string();
        let probe = std::fs::read(common::probe_binary("hostile")).expect("probe built");
        std::fs::create_dir_all(DIR).expect("create the pod's directory");
        let lock = std::fs::File::create(format!("{DIR}.lock")).expect("lock file");
        // Other test processes wait here while one checks or creates the pod.
        let _guard = nix::fcntl::Flock::lock(lock, nix::fcntl::FlockArg::LockExclusive)
            .map_err(|(_, e)| e)
            .expect("flock the pod's lock file");

        let dir = Path::new(DIR);
        let same = |p: &str, want: &[u8]| std::fs::read(dir.join(p)).is_ok_and(|b| b == want);
        let current = same("probe", &probe)
            && same("data/ok.sh", OK_SCRIPT.as_bytes())
            && same("data/bad.sh", BAD_SCRIPT.as_bytes());
        if current {
            if let (Some(app_pid), Some(root_app_pid)) = (pid_of(APP), pid_of(ROOT_APP)) {
                return Hostile {
                    app_pid,
                    root_app_pid,
                    empty_image: empty,
                };
            }
        }
        let _ = run_bounded(60, "podman", &["pod", "rm", "-f", "-t", "0", POD]);
        std::fs::create_dir_all(dir.join("data")).expect("data dir");
        let write = |p: &str, bytes: &[u8], mode: u32| {
            let path = dir.join(p);
            let tmp = path.with_extension("new");
            std::fs::write(&tmp, bytes).expect("write");
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(mode)).expect("chmod");
            std::fs::rename(&tmp, &path).expect("rename");
        };
        write("probe", &probe, 0o755);
        write("data/ok.sh", OK_SCRIPT.as_bytes(), 0o755);
        write("data/bad.sh", BAD_SCRIPT.as_bytes(), 0o755);
        podman_ok(&[
            "pod",
            "create",
            "--name",
            POD,
            "--infra-image",
            &pause,
            "--network",
            "none",
            "--share",
            "pid,net,ipc,uts",
        ]);
        let probe_mount = format!("{DIR}/probe:/probe:ro");
        let data_mount = format!("{DIR}/data:/data:ro");
        podman_ok(&[
            "run",
            "-d",
            "--pod",
            POD,
            "--name",
            APP,
            "--user",
            "101:101",
            "--group-add",
            "102",
            "--cap-drop",
            "ALL",
            "-v",
            &probe_mount,
            "-v",
            &data_mount,
            &empty,
            "/probe",
            "idle",
        ]);
        podman_ok(&[
            "run",
            "-d",
            "--pod",
            POD,
            "--name",
            ROOT_APP,
            "-v",
            &probe_mount,
            &empty,
            "/probe",
            "idle",
        ]);
        Hostile {
            app_pid: pid_of(APP).expect("app container runs"),
            root_app_pid: pid_of(ROOT_APP).expect("root app container runs"),
            empty_image: empty,
        }
    })
}

/// Run toolbox in a debug container of the hostile pod (`--cap-add SYS_PTRACE,NET_RAW` plus
/// `extra` podman flags).
fn debug(h: &Hostile, extra: &[&str], args: &[&str]) -> Output {
    let mount = format!("{}:/toolbox:ro", common::bin());
    let mut argv = vec![
        "run",
        "--rm",
        "--pod",
        POD,
        "--cap-add",
        "SYS_PTRACE,NET_RAW",
    ];
    argv.extend_from_slice(extra);
    argv.extend(["-v", &mount, &h.empty_image, "/toolbox"]);
    argv.extend_from_slice(args);
    run_bounded(120, "podman", &argv)
}

/// `Key:\tvalue` lines of a report (or of /proc/PID/status), and `key=value` lines.
fn fields(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|l| {
            let at = l.find([':', '='])?;
            let (k, v) = (&l[..at], &l[at + 1..]);
            Some((k.to_string(), v.trim().to_string()))
        })
        .collect()
}

/// The first three IDs of a `Uid:`/`Gid:` value.
fn ids(v: &str) -> Vec<String> {
    v.split_whitespace().take(3).map(str::to_string).collect()
}

fn status(pid: i32) -> HashMap<String, String> {
    fields(&std::fs::read_to_string(format!("/proc/{pid}/status")).expect("target status"))
}

fn report(o: &Output) -> HashMap<String, String> {
    assert!(o.status.success(), "{}", show(o));
    fields(&stdout(o))
}

#[test]
fn exec_gives_the_program_the_targets_credentials_not_the_debuggers() {
    require_pod!();
    let h = hostile();
    let pid = common::ns_pid(h.app_pid).to_string();
    let o = debug(
        h,
        &[],
        &["--pid", &pid, "exec", "--", "/probe", "report", "/toolbox"],
    );
    let got = report(&o);
    let want = status(h.app_pid);
    assert_eq!(ids(&got["Uid"]), ids(&want["Uid"]), "{}", show(&o));
    assert_eq!(ids(&want["Uid"]), ["101", "101", "101"]);
    assert_eq!(ids(&got["Gid"]), ids(&want["Gid"]), "{}", show(&o));
    let sorted = |v: &str| {
        let mut g: Vec<&str> = v.split_whitespace().collect();
        g.sort_unstable();
        g.join(" ")
    };
    assert_eq!(
        sorted(&got["Groups"]),
        sorted(&want["Groups"]),
        "{}",
        show(&o)
    );
    assert!(sorted(&want["Groups"]).contains("102"), "{want:?}");
    for set in ["CapInh", "CapPrm", "CapEff", "CapAmb"] {
        assert_eq!(got[set], "0000000000000000", "{set}: {}", show(&o));
    }
    assert_eq!(got["CapBnd"], want["CapBnd"], "{}", show(&o));
    assert_eq!(got["NoNewPrivs"], "1", "{}", show(&o));
    assert_eq!(got["fds"], "", "toolbox's descriptors leaked: {}", show(&o));
    // The target itself cannot see toolbox's root; neither may the program, before or after
    // trying to climb out.
    assert_eq!(got["marker_before"], "absent", "{}", show(&o));
    assert_eq!(got["escape"], "blocked:EPERM", "{}", show(&o));
    assert!(
        !stderr(&o).contains("WARNING"),
        "no warning by default: {}",
        show(&o)
    );
}

#[test]
fn exec_as_debugger_keeps_toolboxs_privileges_and_says_so() {
    require_pod!();
    let h = hostile();
    let pid = common::ns_pid(h.app_pid).to_string();
    let o = debug(
        h,
        &[],
        &[
            "--pid",
            &pid,
            "exec",
            "--as-debugger",
            "--",
            "/probe",
            "report",
            "/toolbox",
        ],
    );
    let got = report(&o);
    assert_eq!(ids(&got["Uid"]), ["0", "0", "0"], "{}", show(&o));
    let own_eff = u64::from_str_radix(&got["CapEff"], 16).expect("hex");
    const CAP_SYS_PTRACE: u64 = 1 << 19;
    assert_ne!(own_eff & CAP_SYS_PTRACE, 0, "{}", show(&o));
    assert!(
        stderr(&o).contains("WARNING: --as-debugger"),
        "{}",
        show(&o)
    );
    // Still only stdin, stdout and stderr.
    assert_eq!(got["fds"], "", "{}", show(&o));
}

#[test]
fn exec_in_a_root_target_cannot_climb_into_the_debug_container() {
    require_pod!();
    let h = hostile();
    let pid = common::ns_pid(h.root_app_pid).to_string();
    let want = status(h.root_app_pid);
    const CAP_SYS_CHROOT: u64 = 1 << 18;
    let target_eff = u64::from_str_radix(&want["CapEff"], 16).expect("hex");
    assert_ne!(
        target_eff & CAP_SYS_CHROOT,
        0,
        "the root target holds CAP_SYS_CHROOT"
    );
    for extra in [&[][..], &["--cap-add", "SYS_ADMIN"][..]] {
        let o = debug(
            h,
            extra,
            &["--pid", &pid, "exec", "--", "/probe", "report", "/toolbox"],
        );
        let got = report(&o);
        assert_eq!(ids(&got["Uid"]), ["0", "0", "0"], "{extra:?} {}", show(&o));
        let eff = u64::from_str_radix(&got["CapEff"], 16).expect("hex");
        assert_eq!(
            eff & !CAP_SYS_CHROOT,
            target_eff & !CAP_SYS_CHROOT,
            "{extra:?}: the target's capabilities: {}",
            show(&o)
        );
        assert_eq!(got["marker_before"], "absent", "{extra:?} {}", show(&o));
        assert_ne!(got["escape"], "ESCAPED", "{extra:?} {}", show(&o));
    }
}

#[test]
fn exec_refuses_a_program_reached_through_a_proc_magic_link() {
    require_pod!();
    let h = hostile();
    let pid = common::ns_pid(h.app_pid).to_string();
    // PID 1 of the pod is podman's pause (catatonit); the target's /proc shows it.
    for path in ["/proc/1/root/catatonit", "/proc/1/exe"] {
        let o = debug(h, &[], &["--pid", &pid, "exec", "--", path, "--version"]);
        assert_eq!(o.status.code(), Some(126), "{path}: {}", show(&o));
        assert!(stderr(&o).contains("magic link"), "{path}: {}", show(&o));
        assert!(!stdout(&o).contains("catatonit"), "{path}: {}", show(&o));
    }
}

#[test]
fn exec_names_the_missing_interpreter_of_a_script() {
    require_pod!();
    let h = hostile();
    let pid = common::ns_pid(h.app_pid).to_string();
    let o = debug(h, &[], &["--pid", &pid, "exec", "--", "/data/bad.sh"]);
    assert_eq!(o.status.code(), Some(126), "{}", show(&o));
    assert!(
        stderr(&o).contains("bad interpreter /no/such/interpreter")
            && stderr(&o).contains("No such file or directory"),
        "{}",
        show(&o)
    );
    // A script whose interpreter exists gets the argv the kernel gives it: the reference is the
    // same script run by podman inside the target container.
    let o = debug(
        h,
        &[],
        &["--pid", &pid, "exec", "--", "/data/ok.sh", "a", "b c"],
    );
    assert!(o.status.success(), "{}", show(&o));
    let reference = run_bounded(30, "podman", &["exec", APP, "/data/ok.sh", "a", "b c"]);
    assert!(reference.status.success(), "{}", show(&reference));
    assert_eq!(stdout(&o), stdout(&reference));
}

/// A root directory (as `--root DIR` takes) holding the probe and a subdirectory.
fn root_dir(tag: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("exec-root-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("bin")).expect("mkdir");
    std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
    std::fs::copy(common::probe_binary("hostile"), dir.join("bin/hostile")).expect("copy");
    dir
}

#[test]
fn exec_in_a_root_dir_runs_as_nobody_and_cannot_climb_out() {
    require_root!();
    let dir = root_dir("host");
    // A file that exists only outside the root.
    let marker = dir.with_extension("marker");
    std::fs::File::create(&marker)
        .and_then(|mut f| f.write_all(b"outside"))
        .expect("marker");
    let marker = marker.to_str().expect("utf-8");
    let root = dir.to_str().expect("utf-8");
    // toolbox started with an extra descriptor (9) open, as a shell might leave one.
    let run = |extra: &str| {
        let script = format!(
            "exec 9</dev/null; exec {} --root {root} exec {extra} -- /bin/hostile report {marker}",
            common::bin()
        );
        Command::new("timeout")
            .args(["60", "bash", "-c", &script])
            .stdin(Stdio::null())
            .output()
            .expect("bash")
    };
    let o = run("");
    let got = report(&o);
    assert_eq!(
        ids(&got["Uid"]),
        ["65534", "65534", "65534"],
        "{}",
        show(&o)
    );
    assert_eq!(
        ids(&got["Gid"]),
        ["65534", "65534", "65534"],
        "{}",
        show(&o)
    );
    assert_eq!(got["Groups"], "", "{}", show(&o));
    assert_eq!(got["CapEff"], "0000000000000000", "{}", show(&o));
    assert_eq!(got["CapBnd"], "0000000000000000", "{}", show(&o));
    assert_eq!(got["NoNewPrivs"], "1", "{}", show(&o));
    assert_eq!(got["fds"], "", "descriptor 9 leaked: {}", show(&o));
    assert_eq!(got["escape"], "blocked:EPERM", "{}", show(&o));
    // With toolbox's own privileges (root, CAP_SYS_ADMIN here): the root is a pivot_root in a
    // private mount namespace, so even CAP_SYS_CHROOT finds nothing above it.
    let o = run("--as-debugger");
    let got = report(&o);
    assert_eq!(ids(&got["Uid"]), ["0", "0", "0"], "{}", show(&o));
    assert!(
        stderr(&o).contains("WARNING: --as-debugger"),
        "{}",
        show(&o)
    );
    assert_eq!(got["fds"], "", "descriptor 9 leaked: {}", show(&o));
    assert_eq!(got["escape"], "contained", "{}", show(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn exec_in_a_root_dir_of_a_debug_container_cannot_climb_out() {
    require_pod!();
    let h = hostile();
    let dir = root_dir("debug");
    let mount = format!("{}:/r:ro", dir.display());
    let o = debug(
        h,
        &["-v", &mount],
        &[
            "--root",
            "/r",
            "exec",
            "--",
            "/bin/hostile",
            "report",
            "/toolbox",
        ],
    );
    let got = report(&o);
    assert_eq!(
        ids(&got["Uid"]),
        ["65534", "65534", "65534"],
        "{}",
        show(&o)
    );
    assert_eq!(got["CapEff"], "0000000000000000", "{}", show(&o));
    assert_eq!(got["escape"], "blocked:EPERM", "{}", show(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn exec_does_not_run_the_program_when_it_cannot_drop_privileges() {
    require_pod!();
    let h = hostile();
    let pid = common::ns_pid(h.app_pid).to_string();
    for (dropped, needs) in [
        ("SETUID", "CAP_SETUID"),
        ("SETGID", "CAP_SETGID"),
        ("SETPCAP", "CAP_SETPCAP"),
    ] {
        let flags = ["--cap-drop", dropped];
        let o = debug(
            h,
            &flags,
            &["--pid", &pid, "exec", "--", "/probe", "report", "/toolbox"],
        );
        assert!(!o.status.success(), "{dropped}: {}", show(&o));
        assert!(
            !stdout(&o).contains("Uid:"),
            "{dropped}: the program ran: {}",
            show(&o)
        );
        let err = stderr(&o);
        assert!(
            err.contains(&format!("needs {needs}")) && err.contains("fix: kubectl debug"),
            "{dropped}: {}",
            show(&o)
        );
        // `caps` says the same before anything is tried.
        let c = debug(h, &flags, &["--pid", &pid, "caps", "-o", "json"]);
        let caps: serde_json::Value = serde_json::from_slice(&c.stdout).expect("caps json");
        let exec = caps["features"]
            .as_array()
            .and_then(|a| a.iter().find(|f| f["feature"] == "exec"))
            .expect("exec verdict");
        assert_eq!(exec["works"], false, "{dropped}: {exec:#}");
        assert!(
            exec["reason"].as_str().unwrap_or_default().contains(needs),
            "{dropped}: {exec:#}"
        );
    }
}

#[test]
fn exec_says_when_a_found_program_lacks_its_dynamic_loader() {
    require_root!();
    let dir = root_dir("loader");
    // A dynamically linked program (the host's) in a root without its loader.
    std::fs::copy("/bin/true", dir.join("bin/true")).expect("copy /bin/true");
    let root = dir.to_str().expect("utf-8");
    let o = run_bounded(
        60,
        common::bin(),
        &["--root", root, "exec", "--", "/bin/true"],
    );
    assert_eq!(o.status.code(), Some(127), "{}", show(&o));
    assert!(stderr(&o).contains("dynamic loader"), "{}", show(&o));
    let _ = std::fs::remove_dir_all(&dir);
}
