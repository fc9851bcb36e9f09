//! Golden tests: each workload runs once under the real strace and once under the real
//! `toolbox trace` with the same flags, and the two traces must agree line for line, but for the
//! values that differ between any two runs (see `trace_support/golden.rs`).
//!
//! The traces are x86_64's (syscall set, struct layouts), compared with strace on this machine.
#![cfg(target_arch = "x86_64")]

#[path = "trace_support/golden.rs"]
mod golden;

use golden::*;

fn golden(startup: bool, strsize: usize, fd_paths: bool) {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(tmp.path().join("work")).expect("mkdir");
    let sc = if startup {
        Scenario::startup(tmp.path())
    } else {
        Scenario::workload(tmp.path())
    };
    golden_run(tmp.path(), &sc, strsize, fd_paths);
}

#[test]
#[serial_test::serial(ptrace)]
fn matches_strace_default() {
    golden(false, 32, false);
}

#[test]
#[serial_test::serial(ptrace)]
fn matches_strace_y_and_short_strings() {
    golden(false, 8, true);
}

#[test]
#[serial_test::serial(ptrace)]
fn matches_strace_with_no_and_long_strings() {
    golden(false, 0, false);
    golden(false, 300, false);
}

#[test]
#[serial_test::serial(ptrace)]
fn matches_strace_less_common_calls() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(tmp.path().join("work")).expect("mkdir");
    let sc = Scenario::workload2(tmp.path());
    golden_run(tmp.path(), &sc, 32, false);
    golden_run(tmp.path(), &sc, 24, true);
    let sc = Scenario::python_after_sync(tmp.path(), WORKLOAD3);
    golden_run(tmp.path(), &sc, 32, false);
    golden_run(tmp.path(), &sc, 24, true);
    let sc = Scenario::python_after_sync(tmp.path(), WORKLOAD4);
    golden_run(tmp.path(), &sc, 32, false);
    golden_run(tmp.path(), &sc, 24, true);
    let sc = Scenario::python_after_sync(tmp.path(), WORKLOAD_IPC);
    golden_run(tmp.path(), &sc, 32, false);
    let sc = Scenario::python_after_sync(tmp.path(), WORKLOAD_MOUNT);
    golden_run(tmp.path(), &sc, 32, false);
}

#[test]
#[serial_test::serial(ptrace)]
fn matches_strace_every_call_from_exec() {
    golden(true, 32, false);
}

/// The file the touch run creates (removed at the end of the test).
const TOUCHED: &str = "/tmp/toolbox-golden-touch";

/// Common programs, every syscall from their execve on.
#[test]
#[serial_test::serial(ptrace)]
fn matches_strace_on_coreutils_and_shell() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let programs: &[&[&str]] = &[
        &["/bin/ls", "-la", "--color=never", "/etc/ssl"],
        &["/usr/bin/stat", "/etc/hostname"],
        &[
            "/bin/dd",
            "if=/dev/zero",
            "of=/dev/null",
            "bs=1",
            "count=5",
            "status=none",
        ],
        &[
            "/bin/sh",
            "-c",
            "cat /etc/hostname | wc -c; sleep 0.01; exit 3",
        ],
        &[
            "/usr/bin/python3",
            "-c",
            "import threading; t = threading.Thread(target=lambda: None); t.start(); t.join()",
        ],
        &[
            "/usr/bin/find",
            "/etc/ssl",
            "-maxdepth",
            "1",
            "-newer",
            "/etc/hostname",
        ],
        &["/usr/bin/id"],
        &["/bin/tar", "cf", "/dev/null", "/etc/ssl/openssl.cnf"],
        &["/bin/date", "-u", "-d", "@0"],
        &["/usr/bin/touch", "-d", "@0", TOUCHED],
        &["/usr/bin/python3", "-c", PRCTL_CALLS],
        &["/usr/bin/stat", "-f", "/"],
        &[
            "/usr/bin/curl",
            "-s",
            "-o",
            "/dev/null",
            "http://127.0.0.1:1/",
        ],
    ];
    for argv in programs {
        golden_run(tmp.path(), &Scenario::program(argv), 32, false);
        golden_run(tmp.path(), &Scenario::program(argv), 16, true);
        golden_run(tmp.path(), &Scenario::program(argv), 0, false);
    }
    let _ = std::fs::remove_file(TOUCHED);
}

/// The seed scenario: nginx (single process) accepts connections on loopback and writes its
/// access log; `accept4` with `[112 => 16]`, `recvfrom`, `writev`, `sendfile`, `epoll_*`…
#[test]
#[serial_test::serial(ptrace)]
fn matches_strace_on_nginx() {
    require("nginx");
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    std::fs::create_dir(dir.join("html")).expect("mkdir html");
    std::fs::write(dir.join("html/index.html"), "hello from nginx\n").expect("write index");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind probe");
        l.local_addr().expect("addr").port()
    };
    std::fs::write(dir.join("port"), port.to_string()).expect("write port");
    let d = dir.display();
    let conf = format!(
        "daemon off; master_process off; worker_processes 1; pid {d}/nginx.pid;\n\
         error_log {d}/error.log;\n\
         events {{ worker_connections 16; }}\n\
         http {{ log_format plain '$remote_addr \"$request\" $status $body_bytes_sent';\n\
           access_log {d}/access.log plain; client_body_temp_path {d}/cb; proxy_temp_path {d}/p;\n\
           fastcgi_temp_path {d}/f; uwsgi_temp_path {d}/u; scgi_temp_path {d}/s;\n\
           server {{ listen 127.0.0.1:{port}; root {d}/html; }} }}\n"
    );
    std::fs::write(dir.join("nginx.conf"), conf).expect("write nginx.conf");
    let conf_path = dir.join("nginx.conf").display().to_string();
    let mut sc = Scenario::program(&["/usr/sbin/nginx"]);
    sc.argv = vec![
        "/bin/sh".into(),
        "-c".into(),
        format!("read x; exec /usr/sbin/nginx -e {d}/error.log -c '{conf_path}'"),
    ];
    sc.dir = dir.to_path_buf();
    sc.driver = Some(drive_nginx);
    sc.prepare = Some(reset_nginx);
    golden_run(dir, &sc, 32, false);
    golden_run(dir, &sc, 32, true);
    golden_run(dir, &sc, 0, true);
}

/// `-e trace=%CLASS` selects exactly the calls our class tables say: for each class, strace's
/// filtered run shows the same names as the full run restricted to our members.
#[test]
#[serial_test::serial(ptrace)]
fn classes_select_what_strace_selects() {
    require("strace");
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(tmp.path().join("work")).expect("mkdir");
    let mut sc = Scenario::workload2(tmp.path());
    let all = names_in(&run_strace_all(tmp.path(), &sc, &[]));
    assert!(all.len() > 50, "strace saw only {} calls", all.len());
    for class in [
        "%file", "%network", "%process", "%signal", "%memory", "%desc", "%ipc", "%creds", "%clock",
        "%stat", "%lstat", "%fstat", "%%stat", "%statfs", "%pure",
    ] {
        let members = toolbox::trace::syscalls::class_members(class).expect("known class");
        let filter = format!("trace={class}");
        sc.filter = Box::leak(filter.into_boxed_str());
        // Names, not sequences: the filtered run is another run of the workload, and how many
        // times it calls mmap or brk varies from run to run (one more mmap failed a soak run).
        let theirs: std::collections::BTreeSet<String> =
            names_in(&run_strace_all(tmp.path(), &sc, &[]))
                .into_iter()
                .collect();
        let ours: std::collections::BTreeSet<String> = all
            .iter()
            .filter(|n| members.contains(&n.as_str()))
            .cloned()
            .collect();
        let show = |s: &std::collections::BTreeSet<String>| {
            s.iter().cloned().collect::<Vec<_>>().join("\n")
        };
        similar_asserts::assert_eq!(show(&theirs), show(&ours), "class {class}");
    }
}

/// Where strace 6.1 splits a call into `<unfinished ...>` and `<... resumed>`, toolbox splits it
/// at the same place: for each call both split in a `-f` run, the entry halves are equal.
#[test]
#[serial_test::serial(ptrace)]
fn entry_text_ends_where_strace_splits() {
    require("strace");
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(tmp.path().join("work")).expect("mkdir");
    let sc = Scenario::python_after_sync(tmp.path(), INTERLEAVED);
    let theirs = split_calls(&run_strace_all(tmp.path(), &sc, &["-f"]));
    let ours = split_calls(&run_toolbox_all(tmp.path(), &sc, &["-f"]));
    let mut checked = 0;
    for (full, head) in &theirs {
        if let Some((_, our_head)) = ours.iter().find(|(f, _)| f == full) {
            assert_eq!(our_head, head, "entry text of {full}");
            eprintln!("split ok: {head} <unfinished ...>");
            checked += 1;
        }
    }
    assert!(
        checked >= 3,
        "only {checked} split calls matched; strace: {theirs:#?}\ntoolbox: {ours:#?}"
    );
}
