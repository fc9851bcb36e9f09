//! The golden harness: a deterministic workload runs once under the real strace and once under
//! the real `toolbox trace` (the engine and decoders as shipped, same flags, same filter); the two
//! outputs must agree line for line.
//!
//! Addresses, inode numbers, pids, ephemeral ports and clock readings differ between two runs of
//! the same program, so both sides are normalised the same way before comparing: exactly those
//! values are masked, nothing else (return values and byte counts are compared).
#![allow(dead_code)]

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The first workload: python3 waits for one byte on stdin (the sync point), then makes a fixed
/// sequence of file, socket, memory, signal, time and process calls in directory argv[1].
pub const WORKLOAD: &str = include_str!("golden/workload.py");
/// A second workload after the sync read, every syscall compared: less common calls that
/// production services still make (select, sendmmsg, sendfile, timerfd, inotify, locks…).
pub const WORKLOAD2: &str = include_str!("golden/workload2.py");
/// Calls through ctypes that python has no wrapper for (see the script).
pub const WORKLOAD3: &str = include_str!("golden/workload3.py");
/// More socket calls (see the script).
pub const WORKLOAD4: &str = include_str!("golden/workload4.py");
/// System V IPC: shared memory, semaphores, message queues.
pub const WORKLOAD_IPC: &str = include_str!("golden/workload_ipc.py");
/// mount-family calls that fail without privileges in a fresh namespace.
pub const WORKLOAD_MOUNT: &str = include_str!("golden/workload_mount.py");
/// A main thread that blocks while its child and a thread run, so that `strace -f` splits its
/// calls into `<unfinished ...>` and `<... resumed>` halves.
pub const INTERLEAVED: &str = include_str!("golden/interleaved.py");
/// prctl options and CPU affinity through ctypes (what runtimes and sandboxes call).
pub const PRCTL_CALLS: &str = include_str!("golden/prctl_calls.py");

/// How long one traced run may take before the test fails (a hang guard, not a timing check).
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// Syscalls whose lines must match strace's exactly (everything the workload makes after the
/// sync point that this module decodes).
pub const COMPARED: &str = "trace=openat,read,write,pread64,pwrite64,readv,writev,fsync,ftruncate,close,lseek,\
newfstatat,access,dup,dup2,dup3,fcntl,mkdir,rename,symlink,readlink,chmod,getdents64,unlink,rmdir,getcwd,\
chdir,umask,pipe2,socket,setsockopt,bind,listen,getsockname,connect,accept4,sendto,recvfrom,sendmsg,\
recvmsg,getpeername,getsockopt,poll,epoll_create1,epoll_ctl,epoll_wait,shutdown,socketpair,mmap,munmap,\
rt_sigaction,rt_sigprocmask,kill,getpid,clock_nanosleep,clone,clone3,wait4,uname,exit_group";

/// One traced run: the program, what to write to its stdin, the strace `-e` filter, and where
/// the comparison starts.
pub struct Scenario {
    pub argv: Vec<String>,
    pub stdin: &'static [u8],
    pub filter: &'static str,
    /// Compare from the execve of this program on (`None`: from after the sync read).
    pub from_exec: Option<&'static str>,
    /// Drives the traced program from outside once it runs (e.g. sends HTTP requests).
    pub driver: Option<fn(&Path)>,
    /// Directory handed to the driver.
    pub dir: std::path::PathBuf,
    /// Resets state the program leaves behind, before each of the two runs.
    pub prepare: Option<fn(&Path)>,
}

impl Scenario {
    /// The workload after its sync read, filtered to the decoded calls it makes.
    pub fn workload(dir: &Path) -> Self {
        Scenario {
            argv: vec![
                "/usr/bin/python3".into(),
                "-c".into(),
                WORKLOAD.into(),
                dir.join("work").display().to_string(),
            ],
            stdin: b"g",
            filter: COMPARED,
            from_exec: None,
            driver: None,
            dir: dir.to_path_buf(),
            prepare: None,
        }
    }

    /// The second workload, every syscall after the sync read.
    pub fn workload2(dir: &Path) -> Self {
        Self::python_after_sync(dir, WORKLOAD2)
    }

    /// A python script that reads the sync byte first; every syscall after it.
    pub fn python_after_sync(dir: &Path, script: &str) -> Self {
        Scenario {
            argv: vec![
                "/usr/bin/python3".into(),
                "-c".into(),
                script.into(),
                dir.join("work").display().to_string(),
            ],
            stdin: b"g",
            filter: "trace=all",
            from_exec: None,
            driver: None,
            dir: dir.to_path_buf(),
            prepare: None,
        }
    }

    /// Everything python3 does from execve on (dynamic loader, interpreter start-up, the
    /// workload), every syscall.
    pub fn startup(dir: &Path) -> Self {
        let script = format!(
            "read x; exec /usr/bin/python3 -c '{}' {}",
            WORKLOAD.replace('\'', "'\"'\"'"),
            dir.join("work").display()
        );
        Scenario {
            argv: vec!["/bin/sh".into(), "-c".into(), script],
            stdin: b"g\ng",
            filter: "trace=all",
            from_exec: Some("/usr/bin/python3"),
            driver: None,
            dir: dir.to_path_buf(),
            prepare: None,
        }
    }

    /// Every syscall of `argv` from its execve on (the shell waits for the sync line first).
    pub fn program(argv: &[&'static str]) -> Self {
        let quoted: Vec<String> = argv.iter().map(|a| format!("'{a}'")).collect();
        Scenario {
            argv: vec![
                "/bin/sh".into(),
                "-c".into(),
                format!("read x; exec {}", quoted.join(" ")),
            ],
            stdin: b"g\n",
            filter: "trace=all",
            from_exec: argv.first().copied(),
            driver: None,
            dir: std::path::PathBuf::new(),
            prepare: None,
        }
    }

    fn command(&self, prefix: &[&str]) -> Command {
        let mut all: Vec<String> = prefix.iter().map(|s| s.to_string()).collect();
        all.extend(self.argv.iter().cloned());
        let mut cmd = Command::new(&all[0]);
        cmd.args(&all[1..])
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("PYTHONHASHSEED", "0")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("LANG", "C")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    }
}

/// Fail with a clear message unless `tool -V` runs.
pub fn require(tool: &str) {
    let ok = Command::new(tool)
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "{tool} is required for the golden tests (install it: scripts/setup)"
    );
}

/// Run the scenario under the real strace (`strace -o FILE -e FILTER EXTRA… ARGV…`); every line.
pub fn run_strace_all(dir: &Path, sc: &Scenario, extra: &[&str]) -> Vec<String> {
    let out = dir.join("strace.out");
    let mut tracer: Vec<String> = vec!["strace".into(), "-o".into(), out.display().to_string()];
    tracer.extend(["-e".into(), sc.filter.to_string()]);
    tracer.extend(extra.iter().map(|s| s.to_string()));
    run_traced(sc, &tracer, &out, &dir.join("tracer.err"))
}

/// Run the scenario under the real `toolbox trace` with the same flags; every line.
pub fn run_toolbox_all(dir: &Path, sc: &Scenario, extra: &[&str]) -> Vec<String> {
    let out = dir.join("toolbox.out");
    let mut tracer: Vec<String> = vec![
        env!("CARGO_BIN_EXE_toolbox").into(),
        "trace".into(),
        "-o".into(),
        out.display().to_string(),
    ];
    tracer.extend(["-e".into(), sc.filter.to_string()]);
    tracer.extend(extra.iter().map(|s| s.to_string()));
    tracer.push("--".into());
    run_traced(sc, &tracer, &out, &dir.join("tracer.err"))
}

/// Start `tracer ARGV…`, send the sync bytes, run the driver, wait (bounded) and read `out`.
/// The tracer's stderr goes to `err`, which the traced program inherits: both tracers use the
/// same file name, since `-y` shows it.
fn run_traced(sc: &Scenario, tracer: &[String], out: &Path, err: &Path) -> Vec<String> {
    let _ = std::fs::remove_file(out);
    let prefix: Vec<&str> = tracer.iter().map(String::as_str).collect();
    let mut cmd = sc.command(&prefix);
    cmd.stderr(File::create(err).expect("create stderr file"));
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {}: {e}", tracer[0]));
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(sc.stdin).expect("write sync bytes");
    }
    let driver = sc.driver.map(|d| {
        let dir = sc.dir.clone();
        std::thread::spawn(move || d(&dir))
    });
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait tracer") {
            break s;
        }
        if started.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{} did not finish in {RUN_LIMIT:?}", tracer[0]);
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    if let Some(d) = driver {
        d.join().expect("driver thread");
    }
    let stderr = std::fs::read_to_string(err).unwrap_or_default();
    // The traced program's own exit code comes back through the tracer; only a signal is a failure.
    assert!(
        status.code().is_some(),
        "{} run failed: {status}\n{stderr}",
        tracer[0]
    );
    let text = std::fs::read_to_string(out).unwrap_or_else(|e| {
        panic!(
            "{}: no trace in {}: {e}\n{stderr}",
            tracer[0],
            out.display()
        )
    });
    text.lines().map(str::to_string).collect()
}

/// Cut a trace at the scenario's start point.
pub fn cut(sc: &Scenario, lines: Vec<String>) -> Vec<String> {
    // The first execve is the shell that waits for the sync line; the second is the program.
    let start = if sc.from_exec.is_some() {
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.starts_with("execve("))
            .nth(1)
            .map(|(i, _)| i)
    } else {
        lines.iter().position(|l| l.starts_with("read(0"))
    }
    .unwrap_or_else(|| panic!("no start point in the trace:\n{}", lines.join("\n")));
    let skip = if sc.from_exec.is_some() {
        start
    } else {
        start + 1
    };
    lines[skip..].to_vec()
}

/// Replace run-specific numbers with placeholders.
pub fn normalise(line: &str, pid: Option<&str>) -> String {
    let mut s = line.to_string();
    // Column padding before " = ".
    while let Some(i) = s.find(")  ") {
        let rest = s[i + 1..].trim_start();
        if rest.starts_with("= ") {
            s = format!("{}) {}", &s[..i], rest);
        } else {
            break;
        }
    }
    s = mask_hex(&s);
    for key in [
        "socket:[",
        "pipe:[",
        "htons(",
        "tv_sec=",
        "tv_nsec=",
        "wait4(",
        "kill(",
        "u64=",
        "u32=",
        "parent_tid=[",
        "/proc/",
        "f_bfree=",
        "f_bavail=",
        "f_ffree=",
        "tv_usec=",
        "si_pid=",
        "waitid(P_PID, ",
        "pidfd_open(",
        "{pid=",
        "TIOCGPTN, [",
        "/dev/pts/",
    ] {
        s = mask_after(&s, key);
    }
    if let Some(p) = pid {
        // The pid as data, e.g. what nginx writes to its pid file ("6544\n").
        s = s.replace(&format!("\"{p}"), "\"PID");
        // …whose length is the pid's digit count.
        if let Some(i) = s.find("\"PID\\n\"") {
            let (head, tail) = s.split_at(i);
            let tail: String = tail
                .chars()
                .map(|c| if c.is_ascii_digit() { 'N' } else { c })
                .collect();
            s = format!("{head}{tail}");
        }
        // With `-s 0` the data is elided (`""...`), but its length, the pid's digits and a
        // newline, still differs with the pid's digit count: mask it in writes to a pid file
        // (named by `-y`), and nowhere else.
        if s.contains(".pid>, \"\"...") {
            let n = p.len() + 1;
            s = s
                .replace(&format!("\"\"..., {n}, "), "\"\"..., N, ")
                .replace(&format!("\"\"..., {n})"), "\"\"..., N)")
                .replace(&format!(" = {n}"), " = N");
        }
    }
    // Pids and tids (any size: the pid counter wraps).
    let returns_pid = [
        "clone(",
        "clone3(",
        "fork(",
        "vfork(",
        "wait4(",
        "getpid(",
        "gettid(",
        "getppid(",
        "set_tid_address(",
        "setsid(",
        "getsid(",
        "getpgid(",
        "getpgrp(",
    ];
    if returns_pid.iter().any(|p| s.starts_with(p)) {
        if let Some(i) = s.rfind(") = ") {
            let digits = s[i + 4..].bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 {
                s.replace_range(i + 4..i + 4 + digits, "N");
            }
        }
    }
    // System V IPC ids are allocated afresh on every run.
    if ["shmget(", "semget(", "msgget("]
        .iter()
        .any(|p| s.starts_with(p))
    {
        if let Some(i) = s.rfind(") = ") {
            let digits = s[i + 4..].bytes().take_while(u8::is_ascii_digit).count();
            s.replace_range(i + 4..i + 4 + digits, "ID");
        }
    }
    let ipc_users = [
        "shmat(",
        "shmctl(",
        "semop(",
        "semtimedop(",
        "semctl(",
        "msgsnd(",
        "msgrcv(",
        "msgctl(",
    ];
    if let Some(p) = ipc_users.iter().find(|p| s.starts_with(*p)) {
        let digits = s[p.len()..].bytes().take_while(u8::is_ascii_digit).count();
        s.replace_range(p.len()..p.len() + digits, "ID");
    }
    // Timeouts that programs compute from the clock (curl's poll) differ between runs.
    if s.starts_with("poll(") {
        if let Some(end) = s.find(") = ") {
            if let Some(start) = s[..end].rfind(", ") {
                if s[start + 2..end]
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'-')
                {
                    s.replace_range(start + 2..end, "T");
                }
            }
        }
    }
    // Random bytes and live system counters differ on every run.
    if s.starts_with("getrandom(\"") {
        if let Some(end) = s[11..].find('"') {
            s = format!("getrandom(\"RANDOM{}", &s[11 + end..]);
        }
    }
    if s.starts_with("sysinfo(") || s.starts_with("times(") || s.starts_with("waitid(") {
        // CPU times (and waitid's uninitialised ones) differ; so does their seconds comment.
        while let (Some(a), Some(b)) = (s.find(" /* "), s.find(" */")) {
            if b < a {
                break;
            }
            s.replace_range(a..b + 3, "");
        }
        let mut masked = String::new();
        for c in s.chars() {
            if c.is_ascii_digit() {
                if !masked.ends_with('N') {
                    masked.push('N');
                }
            } else {
                masked.push(c);
            }
        }
        s = masked;
    }
    s
}

/// Hex numbers of 6+ digits (addresses) become `0xADDR`.
fn mask_hex(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'0' && b.get(i + 1) == Some(&b'x') {
            let mut j = i + 2;
            while j < b.len() && b[j].is_ascii_hexdigit() {
                j += 1;
            }
            if j - i - 2 >= 6 {
                out.push_str("0xADDR");
                i = j;
                continue;
            }
        }
        out.push(char::from(b[i]));
        i += 1;
    }
    out
}

/// Decimal digits right after `key` become `N` (only for values that vary between runs).
fn mask_after(s: &str, key: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(key) {
        out.push_str(&rest[..i + key.len()]);
        rest = &rest[i + key.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let varying = match key {
            "u64=" | "u32=" => digits >= 6,
            "/proc/" => rest[digits..].starts_with('/'),
            "htons(" => rest[..digits].parse::<u32>().is_ok_and(|p| p >= 1024),
            _ => true,
        };
        if digits > 0 && varying {
            out.push('N');
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

/// The lines to compare: syscalls only (signal and exit lines, `---` and `+++`, interleave
/// with a child's exit differently in two runs), normalised.
fn calls(lines: &[String], pid: Option<&str>) -> Vec<String> {
    lines
        .iter()
        .filter(|l| !l.starts_with("---") && !l.starts_with("+++"))
        .map(|l| normalise(l, pid.map(str::trim)))
        .collect()
}

/// Compare strace's and toolbox's lines (after the start point) as the golden tests require.
pub fn compare(theirs: &[String], their_pid: Option<&str>, ours: &[String], our_pid: Option<&str>) {
    let theirs = calls(theirs, their_pid);
    let ours = calls(ours, our_pid);
    // A sanity check that the workload ran, not a count to match: the shortest scenario makes
    // 10 compared calls when SIGINT is ignored (Python then neither installs nor restores its
    // handler), 11 otherwise.
    assert!(theirs.len() >= 6, "strace saw only {} calls", theirs.len());
    eprintln!("golden: {} strace lines, {} ours", theirs.len(), ours.len());
    if theirs == ours {
        return;
    }
    // Signal delivery and child exits may interleave differently between two runs (and
    // SIGCHLDs coalesce, so handler returns vary in number); the decoded text of each call
    // is what must agree, and the sequence check above already covered the stable runs.
    // Threads race for futexes the same way.
    // A call a signal interrupted (and the kernel restarted) is timing too.
    let timing = |l: &&String| {
        !l.starts_with("rt_sigreturn(")
            && !l.starts_with("futex(")
            && !l.starts_with("restart_syscall(")
            && !l.contains(" = ? ERESTART")
    };
    let mut a: Vec<&String> = theirs.iter().filter(timing).collect();
    let mut b: Vec<&String> = ours.iter().filter(timing).collect();
    a.sort();
    b.sort();
    if a != b {
        similar_asserts::assert_eq!(theirs.join("\n"), ours.join("\n"));
    }
}

/// Run the scenario under strace, then under toolbox (each after `prepare`), and compare.
pub fn golden_run(dir: &Path, sc: &Scenario, strsize: usize, fd_paths: bool) {
    require("strace");
    for tool in ["/usr/bin/python3", "/bin/sh"] {
        assert!(
            Path::new(tool).exists(),
            "{tool} is required for the golden tests (apt-get install python3)"
        );
    }
    let s = strsize.to_string();
    let mut extra = vec!["-s", s.as_str()];
    if fd_paths {
        extra.push("-y");
    }
    let lastpid = || std::fs::read_to_string(sc.dir.join("lastpid")).ok();
    if let Some(p) = sc.prepare {
        p(&sc.dir);
    }
    let theirs = cut(sc, run_strace_all(dir, sc, &extra));
    let their_pid = lastpid();
    if let Some(p) = sc.prepare {
        p(&sc.dir);
    }
    let ours = cut(sc, run_toolbox_all(dir, sc, &extra));
    let our_pid = lastpid();
    compare(&theirs, their_pid.as_deref(), &ours, our_pid.as_deref());
}

/// Syscall names in a trace, in order.
pub fn names_in(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| !l.starts_with("---") && !l.starts_with("+++"))
        .filter_map(|l| l.split_once('(').map(|(n, _)| n.to_string()))
        .collect()
}

/// The calls a `-f` trace split into `PID NAME(ENTRY <unfinished ...>` and later
/// `PID <... NAME resumed>TAIL`, after the sync read: `(NAME(ENTRY + TAIL, NAME(ENTRY)`.
pub fn split_calls(all: &[String]) -> Vec<(String, String)> {
    // With -f and -o, each line starts with the pid, padded to five columns.
    let strip_pid = |l: &str| -> (String, String) {
        match l.split_once(' ') {
            Some((p, rest)) if p.bytes().all(|b| b.is_ascii_digit()) => {
                (p.to_string(), rest.trim_start().to_string())
            }
            _ => (String::new(), l.to_string()),
        }
    };
    let start = all
        .iter()
        .position(|l| strip_pid(l).1.starts_with("read(0"))
        .unwrap_or_else(|| panic!("no sync read in the trace:\n{}", all.join("\n")));
    let mut open: Vec<(String, String)> = Vec::new();
    let mut pairs = Vec::new();
    for line in &all[start + 1..] {
        let (pid, text) = strip_pid(line);
        if let Some(head) = text.strip_suffix(" <unfinished ...>") {
            open.push((pid, head.to_string()));
        } else if let Some(rest) = text.strip_prefix("<... ") {
            if let Some((_, tail)) = rest.split_once(" resumed>") {
                if let Some(i) = open.iter().position(|(p, _)| *p == pid) {
                    let (_, head) = open.remove(i);
                    pairs.push((
                        normalise(&format!("{head}{tail}"), None),
                        normalise(&head, None),
                    ));
                }
            }
        }
    }
    pairs
}

/// Remove what a previous nginx run left behind.
pub fn reset_nginx(dir: &Path) {
    for sub in ["cb", "p", "f", "u", "s"] {
        let _ = std::fs::remove_dir(dir.join(sub));
    }
    for file in ["nginx.pid", "access.log", "error.log", "lastpid"] {
        let _ = std::fs::remove_file(dir.join(file));
    }
}

/// Send three HTTP requests to the nginx under test, then ask it to quit (SIGQUIT).
pub fn drive_nginx(dir: &Path) {
    use std::io::Read;
    let port: u16 = std::fs::read_to_string(dir.join("port"))
        .ok()
        .and_then(|p| p.trim().parse().ok())
        .expect("port file");
    // nginx writes its pid file after it listens; then give it time to block in epoll_wait.
    // Each request waits for the previous one to settle so both runs see the same events.
    let mut pid = None;
    for _ in 0..500 {
        if let Some(p) = std::fs::read_to_string(dir.join("nginx.pid"))
            .ok()
            .and_then(|p| p.trim().parse::<i32>().ok())
        {
            pid = Some(p);
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let pid = pid.expect("nginx never listened");
    std::fs::write(dir.join("lastpid"), pid.to_string()).expect("write lastpid");
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(100));
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect nginx");
        s.write_all(b"GET /index.html HTTP/1.0\r\nHost: t\r\n\r\n")
            .expect("send request");
        let mut reply = Vec::new();
        let _ = s.read_to_end(&mut reply);
        assert!(
            reply.starts_with(b"HTTP/1.1 200"),
            "nginx answered {reply:?}"
        );
    }
    // Let nginx finish the request and block in epoll_wait, so SIGQUIT interrupts the same
    // call in both runs.
    std::thread::sleep(Duration::from_millis(200));
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGQUIT,
    );
}

/// Byte counts and other return values are compared whatever their size; only the values that
/// differ between two runs (pids, addresses, ports, clocks) are masked.
#[test]
fn normalise_keeps_byte_counts_and_masks_run_values() {
    let keep = [
        "read(3, \"\\177ELF\\2\\1\\1\\0\"..., 832) = 832",
        "read(3, \"# /etc/ssl\"..., 4096) = 1234",
        "write(1, \"x\"..., 65536) = 65536",
        "getdents64(3, 0xADDR /* 12 entries */, 32768) = 1024",
        "lseek(3, 0, SEEK_END) = 123456",
    ];
    for line in keep {
        assert_eq!(normalise(line, None), line);
    }
    let masked = [
        ("getpid() = 123456", "getpid() = N"),
        ("setsid() = 4242", "setsid() = N"),
        ("mmap(NULL, 8192, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f12345678", "mmap(NULL, 8192, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0xADDR"),
        ("kill(98765, SIGUSR1) = 0", "kill(N, SIGUSR1) = 0"),
        ("bind(3, {sa_family=AF_INET, sin_port=htons(40000), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = 0", "bind(3, {sa_family=AF_INET, sin_port=htons(N), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = 0"),
    ];
    for (line, want) in masked {
        assert_eq!(normalise(line, None), want);
    }
    // nginx's pid file under `-s 0 -y`: the data is elided, its length is the pid's.
    for (pid, line) in [
        ("9999", "pwrite64(4</t/nginx.pid>, \"\"..., 5, 0) = 5"),
        ("10000", "pwrite64(4</t/nginx.pid>, \"\"..., 6, 0) = 6"),
    ] {
        assert_eq!(
            normalise(line, Some(pid)),
            "pwrite64(4</t/nginx.pid>, \"\"..., N, 0) = N"
        );
    }
    // Other elided writes keep their byte counts.
    let other = "write(5</t/access.log>, \"\"..., 5) = 5";
    assert_eq!(normalise(other, Some("1234")), other);
}
