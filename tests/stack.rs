//! `toolbox stack` against real processes: C programs built here (gcc -O2 with and without frame
//! pointers, and a stripped one that keeps only `.eh_frame` and `.dynsym`), a Rust release
//! binary and a Go binary (as built, and with `-ldflags='-s -w'`) park threads in known
//! functions; toolbox names the same functions at the same addresses in the same order as
//! `eu-stack` (elfutils) and gdb's `thread apply all bt` on the same process (gdb's output
//! normalized as [`gdb_bt`] says), and the process is never left stopped nor sees a sleeping
//! syscall return early.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serial_test::serial;

/// One frame: address, function name (without a symbol version), object path.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Frame {
    addr: u64,
    function: Option<String>,
    object: Option<String>,
}

/// Frames by thread id.
type Stacks = BTreeMap<i32, Vec<Frame>>;

/// A program built by the test in its own temporary directory.
struct Program {
    _dir: tempfile::TempDir,
    exe: PathBuf,
}

/// Build `tests/stack_support/{source}` with gcc -O2 and `flags`; strip it to `.eh_frame` and
/// `.dynsym` when `strip` (the functions are then named only through `-rdynamic`).
fn build(source: &str, flags: &[&str], strip: bool) -> Program {
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = dir.path().join(source.trim_end_matches(".c"));
    let src = common::repo().join("tests/stack_support").join(source);
    let mut cmd = Command::new("gcc");
    cmd.args(["-O2", "-pthread"])
        .args(flags)
        .arg("-o")
        .arg(&exe)
        .arg(&src);
    if strip {
        cmd.arg("-rdynamic");
    }
    let out = cmd.output().expect("run gcc (scripts/setup installs it)");
    assert!(out.status.success(), "gcc failed: {}", common::show(&out));
    if strip {
        let out = Command::new("strip")
            .arg("--strip-all")
            .arg(&exe)
            .output()
            .expect("run strip");
        assert!(out.status.success(), "strip failed: {}", common::show(&out));
    }
    Program { _dir: dir, exe }
}

/// A running program, killed when dropped.
struct Running {
    child: Child,
    stdout: BufReader<ChildStdout>,
}

impl Running {
    fn start(exe: &Path, args: &[&str]) -> Running {
        let mut child = Command::new(exe)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start test program");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("read ready");
        assert_eq!(line, "ready\n");
        let running = Running { child, stdout };
        running.wait_main_thread_parked();
        running
    }

    /// The programs print "ready" and only then park their main thread (pause, a Go runtime
    /// sleep): until it sleeps in a system call other than that write, a dump may catch it still
    /// returning from the write (frames in fflush), which the references, run later, would not.
    fn wait_main_thread_parked(&self) {
        let pid = self.pid();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let state = stat.rsplit_once(") ").and_then(|(_, r)| r.chars().next());
            let syscall =
                std::fs::read_to_string(format!("/proc/{pid}/syscall")).unwrap_or_default();
            let nr = syscall
                .split_whitespace()
                .next()
                .and_then(|n| n.parse::<i64>().ok());
            if state == Some('S') && nr.is_some_and(|n| n >= 0 && n != libc::SYS_write) {
                return;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        panic!("the main thread of {pid} did not park within 10 s");
    }

    fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Kill it and return what it printed after "ready".
    fn finish(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut rest = String::new();
        let _ = self.stdout.read_to_string(&mut rest);
        rest
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// No thread of `pid` is stopped (`T`) or in a tracing stop (`t`), and none is traced.
fn assert_running(pid: i32) {
    for entry in std::fs::read_dir(format!("/proc/{pid}/task")).expect("task dir") {
        let status = std::fs::read_to_string(entry.expect("task").path().join("status"))
            .expect("task status");
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        let state = field("State:");
        assert!(
            !state.starts_with('t') && !state.starts_with('T'),
            "a thread of {pid} was left stopped: {state}"
        );
        assert_eq!(
            field("TracerPid:"),
            "0",
            "a thread of {pid} is still traced"
        );
    }
}

/// `toolbox stack PID -o json`, as frames by thread.
fn toolbox_stack(pid: i32) -> Stacks {
    let out = common::run_bounded(
        60,
        common::bin(),
        &["stack", &pid.to_string(), "-o", "json"],
    );
    parse_json(&out)
}

/// Frames by thread from `stack -o json` output (tids as that toolbox saw them).
fn parse_json(out: &std::process::Output) -> Stacks {
    let v = common::json(out);
    let mut stacks = Stacks::new();
    for t in v["threads"].as_array().expect("threads") {
        let tid = t["tid"].as_i64().expect("tid") as i32;
        let frames = t["frames"]
            .as_array()
            .expect("frames")
            .iter()
            .map(|f| Frame {
                addr: f["addr"].as_u64().expect("addr"),
                function: f["function"].as_str().map(str::to_string),
                object: f["object"].as_str().map(str::to_string),
            })
            .collect();
        stacks.insert(tid, frames);
    }
    stacks
}

/// The executable mappings of `pid`.
fn code_ranges(pid: i32) -> Vec<std::ops::Range<u64>> {
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).expect("maps");
    maps.lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let (range, perms) = (words.next()?, words.next()?);
            let (a, b) = range.split_once('-')?;
            perms.contains('x').then(|| {
                u64::from_str_radix(a, 16).unwrap_or(0)..u64::from_str_radix(b, 16).unwrap_or(0)
            })
        })
        .collect()
}

/// After a thread's outermost function eu-stack and gdb print the word above its frame as one
/// more return address when it is not zero: the top of a Go system stack holds whatever was
/// there before. An unnamed address outside every executable mapping is no frame; toolbox
/// stops before it. Such trailing frames are dropped from a reference's stacks.
fn drop_non_code_tail<T>(pid: i32, frames: &mut Vec<T>, addr: impl Fn(&T) -> Option<u64>) {
    let code = code_ranges(pid);
    while frames
        .last()
        .and_then(&addr)
        .is_some_and(|a| !code.iter().any(|c| c.contains(&a)))
    {
        frames.pop();
    }
}

/// `eu-stack -r -p PID`, as frames by thread (no object: eu-stack prints none by default). The
/// raw names are demangled here as toolbox prints them (Rust without the hash): eu-stack's own
/// demangler knows neither Rust's v0 scheme nor its `$u7b$` escapes.
fn eu_stack(pid: i32) -> Stacks {
    let out = common::run_bounded(60, "eu-stack", &["-r", "-p", &pid.to_string()]);
    let text = common::stdout(&out);
    assert!(
        text.contains("TID "),
        "eu-stack printed no thread (scripts/setup installs elfutils): {}",
        common::show(&out)
    );
    let mut stacks = Stacks::new();
    let mut tid = None;
    for line in text.lines() {
        if let Some(t) = line.strip_prefix("TID ") {
            let t: i32 = t.trim_end_matches(':').parse().expect("tid");
            stacks.insert(t, Vec::new());
            tid = Some(t);
        } else if let (Some(t), Some(rest)) = (tid, line.strip_prefix('#')) {
            // "#0  0x00007f3a2c8e5df2 pause"
            let mut words = rest.split_whitespace().skip(1);
            let addr = words
                .next()
                .and_then(|a| a.strip_prefix("0x"))
                .expect("addr");
            let addr = u64::from_str_radix(addr, 16).expect("hex addr");
            let function = words.next().map(|f| {
                let f = f.split('@').next().unwrap_or(f);
                // Go's .symtab marks its assembly functions' ABI (`runtime.futex.abi0`); toolbox
                // names Go functions from .gopclntab, as Go's own tracebacks and gdb do.
                let f = f.strip_suffix(".abi0").unwrap_or(f);
                match rustc_demangle::try_demangle(f) {
                    Ok(d) => format!("{d:#}"),
                    Err(_) => f.to_string(),
                }
            });
            stacks.get_mut(&t).expect("thread").push(Frame {
                addr,
                function,
                object: None,
            });
        }
    }
    for frames in stacks.values_mut() {
        drop_non_code_tail(pid, frames, |f| f.function.is_none().then_some(f.addr));
    }
    stacks
}

fn names(frames: &[Frame]) -> Vec<String> {
    frames
        .iter()
        .map(|f| f.function.clone().unwrap_or_else(|| "??".into()))
        .collect()
}

/// Every thread has the same frames in both: the same return addresses and the same function
/// names (from the same files: a library's separate debug file by build ID included). Frame 0
/// of a spinning thread moves between the two dumps: there only its function is compared.
/// `own_root_only`: eu-stack found debug files in the host's /usr/lib/debug for a container's
/// libraries, where toolbox looks in the target's root only: a name toolbox lacks is allowed.
fn assert_same_stacks(ours: &Stacks, theirs: &Stacks, own_root_only: bool) {
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>(),
        "threads differ"
    );
    for (tid, mine) in ours {
        let other = &theirs[tid];
        let show = || {
            format!(
                "TID {tid}\ntoolbox:  {:?}\neu-stack: {:?}",
                names(mine),
                names(other)
            )
        };
        assert_eq!(mine.len(), other.len(), "frame counts differ\n{}", show());
        for (i, (a, b)) in mine.iter().zip(other).enumerate() {
            let spinning = i == 0 && a.function.as_deref() == Some("spin_leaf");
            if !spinning {
                assert_eq!(a.addr, b.addr, "frame #{i} address differs\n{}", show());
            }
            if !(own_root_only && a.function.is_none()) {
                assert_eq!(
                    a.function,
                    b.function,
                    "frame #{i} function differs\n{}",
                    show()
                );
            }
        }
    }
}

/// One physical frame as gdb printed it: its address (gdb leaves it out for frame 0 at the
/// start of a source line) and its function.
#[derive(Clone, Debug)]
struct GdbFrame {
    addr: Option<u64>,
    function: Option<String>,
}

/// gdb's frames by thread id.
type GdbStacks = BTreeMap<i32, Vec<GdbFrame>>;

/// `gdb -nx -batch -p PID -ex 'thread apply all bt'` (past main, as eu-stack goes), as physical
/// frames by thread. gdb differs from eu-stack and toolbox in two ways, normalized here:
/// - From DWARF it also shows inlined calls as frames of their own: `#3 0x… in runtime.mPark ()`
///   then `#4 runtime.stopm ()`, the function it is inlined in, with no address. A frame line
///   without an address (other than #0) is folded into the frame above it, which takes its
///   name: the function that holds the code, the one a symbol table names.
/// - After a thread's outermost function it may print the return address it found above it,
///   null or not (`#8 0x0000000000000000 in ?? ()`, Go's threads): see [`drop_non_code_tail`].
fn gdb_bt(pid: i32) -> GdbStacks {
    let out = common::run_bounded(
        120,
        "gdb",
        &[
            "-nx",
            "-batch",
            "-p",
            &pid.to_string(),
            "-ex",
            "set width 0",
            "-ex",
            "set print frame-arguments none",
            "-ex",
            "set backtrace past-main on",
            "-ex",
            "thread apply all bt",
        ],
    );
    let text = common::stdout(&out);
    assert!(
        text.contains("\nThread ") || text.starts_with("Thread "),
        "gdb printed no thread (scripts/setup installs gdb): {}",
        common::show(&out)
    );
    let mut stacks = GdbStacks::new();
    let mut tid = None;
    for line in text.lines() {
        if line.starts_with("Thread ") {
            // `Thread 2 (Thread 0x7f… (LWP 123) "name"):` or `Thread 2 (LWP 123 "name"):`
            let lwp = line
                .split("LWP ")
                .nth(1)
                .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("no LWP in gdb's {line:?}"));
            stacks.insert(lwp, Vec::new());
            tid = Some(lwp);
        } else if let (Some(t), Some(rest)) = (tid, line.strip_prefix('#')) {
            let Some((num, rest)) = rest.split_once(' ') else {
                continue;
            };
            let rest = rest.trim_start();
            let (addr, call) = match rest.strip_prefix("0x") {
                Some(r) => {
                    let (a, call) = r.split_once(" in ").expect("gdb frame: addr in func");
                    (Some(u64::from_str_radix(a, 16).expect("hex addr")), call)
                }
                None => (None, rest),
            };
            let name = call.split(" (").next().unwrap_or(call);
            // gdb keeps the hash of a Rust legacy name, which toolbox (as rustc's own
            // backtraces) leaves out: `park::main_wait::h97fe531da77036c4`.
            let name = match name.rsplit_once("::h") {
                Some((path, hash))
                    if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
                {
                    path
                }
                _ => name,
            };
            let function = (name != "??").then(|| name.to_string());
            let frames = stacks.get_mut(&t).expect("thread");
            match frames.last_mut() {
                Some(last) if addr.is_none() && num != "0" => last.function = function,
                _ => frames.push(GdbFrame { addr, function }),
            }
        }
    }
    for frames in stacks.values_mut() {
        drop_non_code_tail(pid, frames, |f| f.addr.filter(|_| f.function.is_none()));
    }
    stacks
}

/// The defined symbols of an object and of its separate debug file (by build ID, in the host's
/// /usr/lib/debug as gdb finds it): name (without a symbol version) to address.
fn symbol_addresses(path: &Path) -> BTreeMap<String, u64> {
    use object::{Object as _, ObjectSymbol as _};
    let mut map = BTreeMap::new();
    let mut files = vec![path.to_path_buf()];
    let mut i = 0;
    while let Some(file) = files.get(i).cloned() {
        i += 1;
        let Ok(data) = std::fs::read(&file) else {
            continue;
        };
        let Ok(obj) = object::File::parse(&*data) else {
            continue;
        };
        if i == 1 {
            if let Ok(Some(id)) = obj.build_id() {
                let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
                files.push(PathBuf::from(format!(
                    "/usr/lib/debug/.build-id/{}/{}.debug",
                    &hex[..2],
                    &hex[2..]
                )));
            }
        }
        for sym in obj.symbols().chain(obj.dynamic_symbols()) {
            if let Ok(name) = sym.name() {
                if sym.is_definition() {
                    let name = name.split('@').next().unwrap_or(name).to_string();
                    map.entry(name).or_insert(sym.address());
                }
            }
        }
    }
    map
}

/// A method of an inherent Rust impl, as rustc-demangle writes its v0 symbol
/// (`<std::sys::thread::unix::Thread>::new::thread_start`) and as gdb writes it from DWARF
/// (`std::sys::thread::unix::{impl#2}::new::thread_start`): the same module path and the same
/// path below the impl once the type (toolbox) and the impl's index (gdb) are left out.
fn same_rust_impl(ours: Option<&str>, gdb: Option<&str>) -> bool {
    let (Some(ours), Some(gdb)) = (ours, gdb) else {
        return false;
    };
    let Some((ty, rest)) = ours
        .strip_prefix('<')
        .and_then(|o| o.split_once(">::"))
        .filter(|(ty, _)| !ty.contains(" as "))
    else {
        return false;
    };
    let Some((module, _)) = ty.rsplit_once("::") else {
        return false;
    };
    let gdb: Vec<&str> = gdb
        .split("::")
        .filter(|seg| !(seg.starts_with("{impl#") && seg.ends_with('}')))
        .collect();
    gdb.join("::") == format!("{module}::{rest}")
}

/// Every thread has the same physical frames in toolbox's dump and gdb's (see [`gdb_bt`]): the
/// same count, the same addresses where gdb prints one, the same functions. Where the names
/// differ, gdb took its name from DWARF, which names a function as its source does while the
/// symbol table (eu-stack's and toolbox's source) has aliases at the same address (glibc's
/// `__GI___nanosleep` for `__nanosleep`, `__libc_pause` for `pause`): there both names must
/// be symbols of the frame's object at the same address. Frame 0 of a spinning thread moves
/// between the dumps: only its function is compared. `own_root_only` as in
/// [`assert_same_stacks`].
fn assert_same_as_gdb(ours: &Stacks, gdb: &GdbStacks, pid: i32, own_root_only: bool) {
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        gdb.keys().collect::<Vec<_>>(),
        "threads differ (toolbox, gdb)"
    );
    let mut symbols: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for (tid, mine) in ours {
        let other = &gdb[tid];
        let show = || {
            format!(
                "TID {tid}\ntoolbox: {:?}\ngdb:     {:?}",
                names(mine),
                other
                    .iter()
                    .map(|f| f.function.clone().unwrap_or_else(|| "??".into()))
                    .collect::<Vec<_>>()
            )
        };
        assert_eq!(mine.len(), other.len(), "frame counts differ\n{}", show());
        for (i, (a, b)) in mine.iter().zip(other).enumerate() {
            let spinning = i == 0 && a.function.as_deref() == Some("spin_leaf");
            if let (Some(addr), false) = (b.addr, spinning) {
                assert_eq!(a.addr, addr, "frame #{i} address differs\n{}", show());
            }
            if a.function == b.function
                || (own_root_only && a.function.is_none())
                || same_rust_impl(a.function.as_deref(), b.function.as_deref())
            {
                continue;
            }
            let (Some(mine_name), Some(gdb_name), Some(object)) =
                (&a.function, &b.function, &a.object)
            else {
                panic!("frame #{i} function differs\n{}", show());
            };
            let table = symbols.entry(object.clone()).or_insert_with(|| {
                symbol_addresses(&PathBuf::from(format!("/proc/{pid}/root{object}")))
            });
            let (x, y) = (table.get(mine_name), table.get(gdb_name));
            assert!(
                x.is_some() && x == y,
                "frame #{i}: {mine_name} and gdb's {gdb_name} are not one function of \
                 {object} ({x:?}, {y:?})\n{}",
                show()
            );
        }
    }
}

/// The functions of the test program each parked thread must show, innermost first.
fn assert_known_functions(ours: &Stacks, pid: i32, spin: bool) {
    let mut parked = 0;
    let mut spinning = 0;
    for (tid, frames) in ours {
        let names = names(frames);
        let has = |want: &[&str]| {
            names
                .windows(want.len())
                .any(|w| w.iter().zip(want).all(|(a, b)| a == b))
        };
        if *tid == pid {
            assert!(has(&["main_wait", "main"]), "main thread: {names:?}");
        } else if has(&["park_leaf", "park_middle", "park_thread"]) {
            parked += 1;
        } else if has(&["spin_leaf", "spin_thread"]) {
            spinning += 1;
        } else {
            panic!("TID {tid} is in none of the known functions: {names:?}");
        }
    }
    assert_eq!((parked, spinning), (3, usize::from(spin)));
}

/// toolbox's, eu-stack's and gdb's stacks of `pid`, one after the other (the target left running
/// by each): the same functions in the same order for every thread. Returns toolbox's.
fn same_as_eu_stack_and_gdb(pid: i32) -> Stacks {
    let ours = toolbox_stack(pid);
    assert_running(pid);
    let theirs = eu_stack(pid);
    assert_running(pid);
    let gdb = gdb_bt(pid);
    assert_running(pid);
    assert_same_stacks(&ours, &theirs, false);
    assert_same_as_gdb(&ours, &gdb, pid, false);
    ours
}

fn compare_with_eu_stack(flags: &[&str], strip: bool) {
    let prog = build("park.c", flags, strip);
    let target = Running::start(&prog.exe, &["spin"]);
    let pid = target.pid();
    let ours = same_as_eu_stack_and_gdb(pid);
    assert_known_functions(&ours, pid, true);
}

#[test]
#[serial(ptrace)]
fn same_as_eu_stack_o2_without_frame_pointers() {
    require_root!();
    compare_with_eu_stack(&["-fomit-frame-pointer"], false);
}

#[test]
#[serial(ptrace)]
fn same_as_eu_stack_o2_with_frame_pointers() {
    require_root!();
    compare_with_eu_stack(&["-fno-omit-frame-pointer"], false);
}

#[test]
#[serial(ptrace)]
fn same_as_eu_stack_stripped_to_eh_frame_and_dynsym() {
    require_root!();
    compare_with_eu_stack(&["-fomit-frame-pointer"], true);
}

/// Built with `-g` but without unwind tables and without frame pointers: the program's own
/// functions are described only in `.debug_frame` (the C runtime's start files still bring an
/// `.eh_frame`), which must be used to unwind them.
#[test]
#[serial(ptrace)]
fn same_as_eu_stack_o2_debug_frame_only() {
    require_root!();
    let flags = [
        "-fomit-frame-pointer",
        "-fno-asynchronous-unwind-tables",
        "-fno-unwind-tables",
        "-g",
    ];
    let prog = build("park.c", &flags, false);
    let out = Command::new("readelf")
        .arg("-SW")
        .arg(&prog.exe)
        .output()
        .expect("run readelf");
    let sections = common::stdout(&out);
    assert!(
        sections.contains(".debug_frame") && sections.contains(".eh_frame"),
        "{sections}"
    );
    compare_with_eu_stack(&flags, false);
}

/// A Rust program built with `rustc -O` (std's v0 names, the program's legacy ones): the same
/// frames and demangled names as eu-stack.
#[test]
#[serial(ptrace)]
fn same_as_eu_stack_rust_release() {
    require_root!();
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = dir.path().join("park");
    let src = common::repo().join("tests/stack_support/park.rs");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(rustc)
        .args(["-O", "--edition", "2021", "-o"])
        .arg(&exe)
        .arg(&src)
        .output()
        .expect("run rustc");
    assert!(out.status.success(), "rustc failed: {}", common::show(&out));
    let target = Running::start(&exe, &[]);
    let pid = target.pid();
    let ours = same_as_eu_stack_and_gdb(pid);
    let mut parked = 0;
    for (tid, frames) in &ours {
        let names = names(frames);
        let has = |want: &[&str]| names.windows(want.len()).any(|w| w == want);
        if *tid == pid {
            assert!(has(&["park::main_wait", "park::main"]), "{names:?}");
        } else if has(&[
            "std::thread::functions::sleep",
            "park::park_leaf",
            "park::park_middle",
        ]) {
            parked += 1;
        }
    }
    assert_eq!(parked, 3, "{ours:?}");
}

/// Build `tests/stack_support/park.go` with Debian's golang (offline: no module, a private
/// cache; CGO_ENABLED=0 as most Kubernetes images' Go binaries), twice: as is (`.symtab`,
/// DWARF with `.debug_frame`) and with `-ldflags='-s -w'` (neither: only `.gopclntab`). The
/// stripped one gets a `.gnu_debuglink` to the full one, which eu-stack and gdb follow and
/// toolbox does not: the references name the stripped process's frames from the full build's
/// symbols and CFI, toolbox from `.gopclntab` alone. Returns (full, stripped).
fn build_go(dir: &Path) -> (PathBuf, PathBuf) {
    let src = common::repo().join("tests/stack_support/park.go");
    let full = dir.join("park-full");
    let stripped = dir.join("park");
    for (exe, ldflags) in [(&full, ""), (&stripped, "-s -w")] {
        go_build(dir, &src, exe, ldflags, false);
    }
    let out = Command::new("readelf")
        .args(["-SW"])
        .arg(&stripped)
        .output()
        .expect("run readelf");
    let sections = common::stdout(&out);
    assert!(
        sections.contains(".gopclntab") && !sections.contains(".symtab"),
        "{sections}"
    );
    assert!(!sections.contains(".debug_"), "{sections}");
    let out = Command::new("objcopy")
        .arg(format!("--add-gnu-debuglink={}", full.display()))
        .arg(&stripped)
        .output()
        .expect("run objcopy");
    assert!(
        out.status.success(),
        "objcopy failed: {}",
        common::show(&out)
    );
    (full, stripped)
}

/// Let the Go runtime's own threads settle: sysmon polls in `runtime.usleep` for as long as a
/// processor is busy or in a syscall not yet handed off (up to 10 ms after "ready"), then
/// sleeps in `runtime.futex` for a minute. toolbox, eu-stack and gdb run one after the other
/// and must see the same state.
fn settle_go() {
    std::thread::sleep(Duration::from_millis(500));
}

/// `go build` offline: no module, a private cache; cgo only when asked (most Kubernetes
/// images' Go binaries are built with CGO_ENABLED=0).
fn go_build(dir: &Path, src: &Path, exe: &Path, ldflags: &str, cgo: bool) {
    let out = Command::new("go")
        .arg("build")
        .arg(format!("-ldflags={ldflags}"))
        .arg("-o")
        .arg(exe)
        .arg(src)
        .env("HOME", dir)
        .env("GOCACHE", dir.join("cache"))
        .env("GOPATH", dir.join("gopath"))
        .env("GO111MODULE", "off")
        .env("GOFLAGS", "")
        .env("GOTOOLCHAIN", "local")
        .env("CGO_ENABLED", if cgo { "1" } else { "0" })
        .output()
        .expect("run go (scripts/setup installs golang-go)");
    assert!(
        out.status.success(),
        "go build failed: {}",
        common::show(&out)
    );
}

/// The Go program's threads: the main thread and three parked goroutines (each locked to its
/// thread) below the known functions, one thread of the idle scheduler in the network poller
/// (epoll_wait), the runtime's own threads (sysmon, idle Ms) sleeping in a runtime function
/// down from their stack's start, and every frame named.
fn assert_known_go_functions(ours: &Stacks, pid: i32) {
    let mut parked = 0;
    let mut polling = 0;
    for (tid, frames) in ours {
        let names = names(frames);
        assert!(!names.iter().any(|n| n == "??"), "TID {tid}: {names:?}");
        if names.starts_with(&[
            "runtime.epollwait".to_string(),
            "runtime.netpoll".to_string(),
        ]) {
            polling += 1;
        }
        let has = |want: &[&str]| names.windows(want.len()).any(|w| w == want);
        if *tid == pid {
            assert!(
                has(&["main.mainWait", "main.main", "runtime.main"]),
                "main thread: {names:?}"
            );
        } else if has(&[
            "syscall.Nanosleep",
            "main.parkLeaf",
            "main.parkMiddle",
            "main.parkThread",
            "runtime.goexit",
        ]) {
            parked += 1;
        } else {
            // An M's system stack ends at the thread's start (runtime.clone), or, where the
            // goroutine it ran parked, at the switch to it (runtime.mcall), as eu-stack and gdb
            // end it too.
            assert!(
                names[0].starts_with("runtime.")
                    && names
                        .last()
                        .is_some_and(|n| n == "runtime.clone" || n == "runtime.mcall"),
                "TID {tid}: {names:?}"
            );
        }
    }
    assert_eq!((parked, polling), (3, 1), "{ours:?}");
}

/// A Go binary as built (`.symtab`, DWARF): the same frames as eu-stack and gdb, through the
/// runtime's frameless assembly (`runtime.futex`) and system-stack tops (`runtime.mstart`,
/// `runtime.clone`), which Go's own unwind table steps over.
#[test]
#[serial(ptrace)]
fn go_same_as_eu_stack_and_gdb() {
    require_root!();
    let dir = tempfile::tempdir().expect("tempdir");
    let (full, _) = build_go(dir.path());
    let target = Running::start(&full, &[]);
    let pid = target.pid();
    settle_go();
    let ours = same_as_eu_stack_and_gdb(pid);
    assert_known_go_functions(&ours, pid);
}

/// A Go binary built with `-ldflags='-s -w'`, as Kubernetes images ship them (no `.symtab`,
/// no DWARF, no CFI): every frame named from `.gopclntab` and unwound by its stack-pointer
/// table, the same frames as eu-stack and gdb on the same process with the full build's
/// symbols (see [`build_go`]).
#[test]
#[serial(ptrace)]
fn go_stripped_same_as_eu_stack_and_gdb() {
    require_root!();
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, stripped) = build_go(dir.path());
    let target = Running::start(&stripped, &[]);
    let pid = target.pid();
    settle_go();
    let ours = same_as_eu_stack_and_gdb(pid);
    assert_known_go_functions(&ours, pid);
    // Source lines come from .gopclntab too.
    let out = common::run_bounded(
        60,
        common::bin(),
        &[
            "stack",
            &pid.to_string(),
            "--tid",
            &pid.to_string(),
            "--lines",
        ],
    );
    assert!(
        common::stdout(&out).contains("park.go:"),
        "{}",
        common::show(&out)
    );
}

/// A Go program with cgo: a goroutine's C call (gcc's code, unwound by its `.eh_frame`, named
/// from `.symtab`) below Go (unwound by Go's table), and runtime threads that start in cgo's
/// assembly (`crosscall_amd64`, an untyped symbol eu-stack names too): the same frames as
/// eu-stack and gdb.
#[test]
#[serial(ptrace)]
fn go_cgo_same_as_eu_stack_and_gdb() {
    require_root!();
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = dir.path().join("park_cgo");
    let src = common::repo().join("tests/stack_support/park_cgo.go");
    go_build(dir.path(), &src, &exe, "", true);
    let target = Running::start(&exe, &[]);
    let pid = target.pid();
    settle_go();
    let ours = toolbox_stack(pid);
    assert_running(pid);
    let theirs = eu_stack(pid);
    assert_running(pid);
    let mut gdb = gdb_bt(pid);
    assert_running(pid);
    // Where a stack crosses between Go and cgo's assembly, no CFI describes the frame:
    // runtime.asmcgocall switches from the goroutine's stack to the system stack, and
    // crosscall_amd64 (a thread's start) saves six registers before it calls Go. eu-stack and
    // toolbox stop there; gdb goes on by heuristics, reading stale words and saved registers
    // as frames (`runtime.park_m`, `runtime[scavenger]`, a variable; six `??` before
    // threadentry). The comparable part ends at those two functions.
    for frames in gdb.values_mut() {
        let end = frames.iter().position(|f| {
            matches!(
                f.function.as_deref(),
                Some("runtime.asmcgocall" | "crosscall_amd64")
            )
        });
        if let Some(i) = end {
            frames.truncate(i + 1);
        }
    }
    assert_same_stacks(&ours, &theirs, false);
    assert_same_as_gdb(&ours, &gdb, pid, false);
    let all: Vec<Vec<String>> = ours.values().map(|f| names(f)).collect();
    assert!(
        all.iter().any(|n| n
            .windows(3)
            .any(|w| w == ["c_park", "c_middle", "runtime.asmcgocall"])),
        "{all:?}"
    );
    assert!(
        all.iter()
            .any(|n| n.last().is_some_and(|l| l == "crosscall_amd64")),
        "{all:?}"
    );
}

/// The stripped Go binary with its section headers removed too (as some packers and
/// `sstrip` leave a binary; the Go runtime does not need them): the function table is found
/// by its header in the read-only segment, and every frame is still named.
#[test]
#[serial(ptrace)]
fn go_without_section_headers_still_named() {
    require_root!();
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, stripped) = build_go(dir.path());
    let mut elf = std::fs::read(&stripped).expect("read the Go binary");
    // ELF64 header: e_shoff (0x28, 8 bytes), e_shnum (0x3c, 2), e_shstrndx (0x3e, 2). See: elf(5).
    elf[0x28..0x30].fill(0);
    elf[0x3c..0x40].fill(0);
    let bare = dir.path().join("park-bare");
    std::fs::write(&bare, &elf).expect("write");
    std::fs::set_permissions(&bare, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let out = Command::new("readelf")
        .arg("-SW")
        .arg(&bare)
        .output()
        .expect("run readelf");
    assert!(
        common::stdout(&out).contains("no sections"),
        "{}",
        common::show(&out)
    );
    let target = Running::start(&bare, &[]);
    let pid = target.pid();
    settle_go();
    let ours = toolbox_stack(pid);
    assert_running(pid);
    assert_known_go_functions(&ours, pid);
}

/// A thread calling clock_gettime in a loop is mostly inside the kernel's vDSO: that frame is
/// named from the `[vdso]` image copied from the process, and unwound through its `.eh_frame`
/// to the program's own functions.
#[test]
#[serial(ptrace)]
fn vdso_frames_are_named_and_unwound() {
    require_root!();
    let prog = build("park.c", &[], false);
    let target = Running::start(&prog.exe, &["vdso"]);
    let pid = target.pid();
    let mut seen = Vec::new();
    for _ in 0..30 {
        let ours = toolbox_stack(pid);
        assert_running(pid);
        for frames in ours.values() {
            let names = names(frames);
            if let Some(i) = names.iter().position(|n| n == "vdso_spin") {
                seen.push(names.clone());
                if i > 0 && frames[0].object.as_deref() == Some("[vdso]") {
                    assert!(names[0].contains("clock_gettime"), "{names:?}");
                    assert_eq!(names.get(i + 1).map(String::as_str), Some("vdso_thread"));
                    return;
                }
            }
        }
    }
    panic!("no dump caught the thread inside the vDSO: {seen:?}");
}

/// 100 dumps of a process sleeping in nanosleep and epoll_wait: no sleep ends early or with
/// EINTR, and the process is never left stopped.
#[test]
#[serial(ptrace)]
fn sleeping_syscalls_see_no_early_return() {
    require_root!();
    let prog = build("sleeper.c", &[], false);
    let target = Running::start(&prog.exe, &[]);
    let pid = target.pid();
    let started = Instant::now();
    let mut stopped_us = Vec::new();
    for _ in 0..100 {
        let out = common::run_bounded(
            60,
            common::bin(),
            &["stack", &pid.to_string(), "-o", "json"],
        );
        let v = common::json(&out);
        stopped_us.push(v["stopped_us"].as_u64().expect("stopped_us"));
        assert_running(pid);
    }
    // Let the sleeps that were interrupted last finish.
    std::thread::sleep(Duration::from_millis(100));
    stopped_us.sort_unstable();
    eprintln!(
        "100 dumps in {:?}; stopped median {} us, max {} us",
        started.elapsed(),
        stopped_us[50],
        stopped_us[99]
    );
    let printed = target.finish();
    assert!(
        printed.is_empty(),
        "the target saw early returns:\n{printed}"
    );
}

/// The stack of one thread only, and the error for a tid that is not the process's.
#[test]
#[serial(ptrace)]
fn one_thread_and_unknown_thread() {
    require_root!();
    let prog = build("park.c", &[], false);
    let target = Running::start(&prog.exe, &[]);
    let pid = target.pid();
    let out = common::run_bounded(
        60,
        common::bin(),
        &["stack", &pid.to_string(), "--tid", &pid.to_string()],
    );
    let text = common::stdout(&out);
    assert!(out.status.success(), "{}", common::show(&out));
    assert_eq!(text.matches("\nTID ").count(), 1, "{text}");
    assert!(text.contains(" main_wait+0x"), "{text}");
    // As root with every capability, the kernel stack is there and no note says otherwise.
    assert!(text.contains("  kernel: "), "{text}");
    assert!(!text.contains("note: kernel stacks"), "{text}");
    assert_running(pid);
    let out = common::run_bounded(
        60,
        common::bin(),
        &["stack", &pid.to_string(), "--tid", "1"],
    );
    common::assert_clean_error(&out);
    assert!(
        common::stderr(&out).contains("not a thread of PID"),
        "{}",
        common::show(&out)
    );
    assert_running(pid);
}

/// The test pod's nginx master and worker, from a debug container of the pod with
/// CAP_SYS_PTRACE as `kubectl debug --profile=general` gives (the worker by its pod PID; the
/// master as the default target): the same frames as eu-stack on the host; the objects are
/// the target's own files (read through its root).
#[test]
#[serial(ptrace)]
fn nginx_in_the_test_pod_same_as_eu_stack() {
    require_pod!();
    let pod = common::Pod::up(common::PidMode::Shared);
    for (host_pid, args) in [
        (
            pod.nginx_pid(),
            vec!["stack".to_string(), "-o".into(), "json".into()],
        ),
        (
            pod.worker_pid(),
            vec![
                "stack".to_string(),
                common::ns_pid(pod.worker_pid()).to_string(),
                "-o".into(),
                "json".into(),
            ],
        ),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = pod.toolbox(&["--cap-add", "SYS_PTRACE"], &args);
        let ours = parse_json(&out);
        assert_running(host_pid);
        // podman's default capabilities, like a pod's, have no CAP_SYS_ADMIN.
        assert!(
            common::stdout(&out).contains("needs CAP_SYS_ADMIN (kubectl debug --profile=sysadmin)"),
            "{}",
            common::show(&out)
        );
        let theirs = eu_stack(host_pid);
        let gdb = gdb_bt(host_pid);
        assert_running(host_pid);
        // One thread each: compare it under the host's tid.
        assert_eq!(ours.len(), 1, "{}", common::show(&out));
        let ours: Stacks = ours.into_values().map(|f| (host_pid, f)).collect();
        assert_same_stacks(&ours, &theirs, true);
        assert_same_as_gdb(&ours, &gdb, host_pid, true);
        let names = names(&ours[&host_pid]);
        assert!(
            names.iter().any(|n| n == "main")
                && names
                    .iter()
                    .any(|n| n.contains("epoll_wait") || n.contains("sigsuspend")),
            "{names:?}"
        );
    }
}

/// Without the right to ptrace the target (a non-root debug container, the app running as
/// root), `stack` fails with the same sentence and `kubectl debug` fix as `trace`, not a raw
/// EACCES from /proc.
#[test]
#[serial(ptrace)]
fn permission_error_names_the_fix() {
    require_pod!();
    let pod = common::Pod::up(common::PidMode::Shared);
    let out = pod.toolbox(&["--user", "1000"], &["stack"]);
    common::assert_clean_error(&out);
    let err = common::stderr(&out);
    assert!(
        err.contains("CAP_SYS_PTRACE") && err.contains("fix: kubectl debug"),
        "{}",
        common::show(&out)
    );
}

/// toolbox killed (SIGKILL) or stopped (SIGINT, SIGTERM) at every moment of a dump of a
/// 300-thread process (seizing, copying, detaching): no thread is ever left stopped or traced.
#[test]
#[serial(ptrace)]
fn killed_or_interrupted_toolbox_leaves_nothing_stopped() {
    require_root!();
    let prog = build("park.c", &[], false);
    let target = Running::start(&prog.exe, &["park", "300"]);
    let pid = target.pid();
    let mut outcomes = BTreeMap::new();
    for delay_us in (0..100_000).step_by(4_000) {
        for sig in [libc::SIGKILL, libc::SIGINT, libc::SIGTERM] {
            let mut child = Command::new(common::bin())
                .args(["stack", &pid.to_string()])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start toolbox");
            std::thread::sleep(Duration::from_micros(delay_us));
            let sig = nix::sys::signal::Signal::try_from(sig).expect("signal");
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), sig);
            let status = child.wait().expect("wait toolbox");
            *outcomes.entry(format!("{sig:?} {status}")).or_insert(0) += 1;
            assert_running(pid);
        }
    }
    eprintln!("outcomes: {outcomes:?}");
}

/// A process running a big binary (toolbox's own test build, over 100 MB with its debug
/// info): `stack` reads the object files in the ranges it parses, never whole, so its peak RSS
/// stays well below the file's size.
#[test]
#[serial(ptrace)]
fn big_binary_is_not_read_whole() {
    require_root!();
    let size = std::fs::metadata(common::bin())
        .expect("toolbox binary")
        .len();
    let mut idle = Command::new(common::bin())
        .arg("idle")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start toolbox idle");
    std::thread::sleep(Duration::from_millis(300));
    let pid = idle.id().to_string();
    let m = common::run_measured(
        120,
        "stack of a big binary",
        common::bin(),
        &["stack", &pid],
    );
    let _ = idle.kill();
    let _ = idle.wait();
    assert!(m.output.status.success(), "{}", common::show(&m.output));
    assert!(
        common::stdout(&m.output).contains("main+0x"),
        "{}",
        common::show(&m.output)
    );
    let bound = (size / 1024 / 2).max(64 * 1024) as i64;
    assert!(
        m.max_rss_kib < bound,
        "peak RSS {} KiB for a {} KiB binary (bound {bound} KiB)",
        m.max_rss_kib,
        size / 1024
    );
}

/// The thread names (`comm`) of `pid` by tid.
fn thread_names(pid: i32) -> BTreeMap<i32, String> {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .expect("task dir")
        .map(|e| {
            let e = e.expect("task");
            let tid: i32 = e.file_name().to_str().expect("tid").parse().expect("tid");
            let comm = std::fs::read_to_string(e.path().join("comm")).expect("comm");
            (tid, comm.trim_end().to_string())
        })
        .collect()
}

/// The innermost frames each thread of `busy.c` must show, by its name.
fn busy_frames(thread: &str) -> &'static [&'static str] {
    match thread {
        "f-worker" => &["spin_f", "f_thread"],
        "g-worker" => &["spin_g", "g_thread"],
        "busy" => &["main_wait", "main"],
        other => panic!("unexpected thread name {other}"),
    }
}

/// Whether `names` (innermost first) shows `want` in a row, innermost first; a spinning thread
/// is always in its spin function (frame 0), the main thread is below pause.
fn shows(names: &[String], want: &[&str]) -> bool {
    names
        .windows(want.len())
        .any(|w| w.iter().zip(want).all(|(a, b)| a == b))
}

/// `stack -n 20`: two threads spin in spin_f, one in spin_g, the main thread waits in
/// main_wait. Every sample counts every thread once, in the function it is pinned to: f-worker
/// 40, g-worker 20, main 20, the f stack first (50 %); per thread, each tid 20. 20 samples are
/// taken (a 5 s deadline: none partial), every stop time is reported, and the target is never
/// left stopped. Structural checks only: no timing bound.
#[test]
#[serial(ptrace)]
fn profile_counts_every_thread_in_its_function() {
    require_root!();
    let prog = build("busy.c", &[], false);
    let target = Running::start(&prog.exe, &[]);
    let pid = target.pid();
    let names = thread_names(pid);
    assert_eq!(names.len(), 4, "{names:?}");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "stack".to_string(),
            pid.to_string(),
            "-n".into(),
            "20".into(),
            "--interval".into(),
            "5".into(),
            "--max-stop".into(),
            "5000".into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = common::run_bounded(120, common::bin(), &args);
        assert!(out.status.success(), "{}", common::show(&out));
        assert_running(pid);
        out
    };
    for per_thread in [false, true] {
        let out = run(if per_thread {
            &["-o", "json", "--per-thread"]
        } else {
            &["-o", "json"]
        });
        let v = common::json(&out);
        assert_eq!(v["samples"], 20, "{v:#}");
        assert_eq!(v["partial"], 0, "{v:#}");
        assert_eq!(v["interrupted_by"], serde_json::Value::Null, "{v:#}");
        let stops = v["sample_stopped_us"].as_array().expect("stops");
        assert_eq!(stops.len(), 20, "{v:#}");
        let (min, median, max) = (
            v["stopped_us"]["min"].as_u64().expect("min"),
            v["stopped_us"]["median"].as_u64().expect("median"),
            v["stopped_us"]["max"].as_u64().expect("max"),
        );
        assert!(min <= median && median <= max && max > 0, "{v:#}");
        let mut by_name: BTreeMap<String, u64> = BTreeMap::new();
        let mut by_tid: BTreeMap<i32, u64> = BTreeMap::new();
        for s in v["stacks"].as_array().expect("stacks") {
            let thread = s["thread"].as_str().expect("thread");
            let count = s["count"].as_u64().expect("count");
            let frames: Vec<String> = s["frames"]
                .as_array()
                .expect("frames")
                .iter()
                .map(|f| f["function"].as_str().unwrap_or("??").to_string())
                .collect();
            assert!(
                shows(&frames, busy_frames(thread)),
                "a {thread} stack is not in {:?}: {frames:?}",
                busy_frames(thread)
            );
            if thread != "busy" {
                assert_eq!(frames[0], busy_frames(thread)[0], "{frames:?}");
            }
            let tids: Vec<i32> = s["tids"]
                .as_array()
                .expect("tids")
                .iter()
                .map(|t| t.as_i64().expect("tid") as i32)
                .collect();
            for tid in &tids {
                assert_eq!(names.get(tid).map(String::as_str), Some(thread), "{tids:?}");
            }
            if per_thread {
                assert_eq!(tids.len(), 1, "{s:#}");
                *by_tid.entry(tids[0]).or_default() += count;
            }
            *by_name.entry(thread.to_string()).or_default() += count;
        }
        let expect: BTreeMap<String, u64> = [("busy", 20), ("f-worker", 40), ("g-worker", 20)]
            .into_iter()
            .map(|(n, c)| (n.to_string(), c))
            .collect();
        assert_eq!(by_name, expect, "{v:#}");
        assert_eq!(v["total"], 80, "{v:#}");
        if per_thread {
            let expect: BTreeMap<i32, u64> = names.keys().map(|&t| (t, 20)).collect();
            assert_eq!(by_tid, expect, "{v:#}");
        } else {
            assert_eq!(v["stacks"][0]["thread"], "f-worker", "{v:#}");
        }
    }
    // The text form: the summary with the stop times, the merged f-worker stack first at 50 %.
    let text = common::stdout(&run(&[]));
    assert!(
        text.starts_with(&format!("PID {pid}: 20 sample(s) every 5 ms")),
        "{text}"
    );
    assert!(text.contains("stopped per sample: min "), "{text}");
    let first = text.split("\n\n").nth(1).expect("a stack");
    assert!(
        first.trim_start().starts_with("40  50.0%  \"f-worker\"") && first.contains("spin_f"),
        "{text}"
    );
}

/// `stack -n 10 --folded`: every line is `thread;outermost;...;innermost COUNT` (what
/// flamegraph.pl, inferno and speedscope read), the root the thread name, the leaf the
/// function the thread spins in; the counts add up to 4 threads x 10 samples; the summary
/// with the stop times goes to stderr.
#[test]
#[serial(ptrace)]
fn profile_folded_is_collapsed_stacks() {
    require_root!();
    let prog = build("busy.c", &[], false);
    let target = Running::start(&prog.exe, &[]);
    let pid = target.pid();
    let out = common::run_bounded(
        120,
        common::bin(),
        &[
            "stack",
            &pid.to_string(),
            "-n",
            "10",
            "--interval",
            "2",
            "--max-stop",
            "5000",
            "--folded",
        ],
    );
    assert!(out.status.success(), "{}", common::show(&out));
    assert_running(pid);
    let text = common::stdout(&out);
    let mut total = 0;
    let mut by_name: BTreeMap<String, u64> = BTreeMap::new();
    for line in text.lines() {
        let (stack, count) = line.rsplit_once(' ').expect("STACK COUNT");
        let count: u64 = count.parse().expect("a count");
        let frames: Vec<&str> = stack.split(';').collect();
        assert!(frames.len() >= 3, "{line}");
        assert!(frames.iter().all(|f| !f.is_empty()), "{line}");
        let thread = frames[0];
        // Root first: the leaf is last.
        let inner: Vec<String> = frames[1..].iter().rev().map(|f| f.to_string()).collect();
        if thread != "busy" {
            assert_eq!(inner[0], busy_frames(thread)[0], "{line}");
        }
        assert!(shows(&inner, busy_frames(thread)), "{line}");
        total += count;
        *by_name.entry(thread.to_string()).or_default() += count;
    }
    assert_eq!(total, 40, "{text}");
    assert_eq!(by_name.get("f-worker"), Some(&20), "{text}");
    assert_eq!(by_name.get("g-worker"), Some(&10), "{text}");
    let err = common::stderr(&out);
    assert!(
        err.contains("10 sample(s)") && err.contains("stopped per sample: min "),
        "{err}"
    );
}

/// SIGINT or SIGTERM while `stack -n` samples a 100-thread process: every thread is released
/// and what was gathered is printed (exit 0, `interrupted_by` the signal); a signal that comes
/// before toolbox installed its handlers kills it before it attached. The target is never left
/// stopped nor traced.
#[test]
#[serial(ptrace)]
fn profile_interrupted_releases_every_thread_and_prints_what_it_has() {
    require_root!();
    let prog = build("park.c", &[], false);
    let target = Running::start(&prog.exe, &["park", "100"]);
    let pid = target.pid();
    let mut printed = BTreeMap::new();
    for delay_ms in (20..400).step_by(40) {
        for sig in [libc::SIGINT, libc::SIGTERM] {
            let child = Command::new(common::bin())
                .args([
                    "stack",
                    &pid.to_string(),
                    "-n",
                    "100000",
                    "--interval",
                    "1",
                    "-o",
                    "json",
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start toolbox");
            std::thread::sleep(Duration::from_millis(delay_ms));
            let signal = nix::sys::signal::Signal::try_from(sig).expect("signal");
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), signal);
            let out = child.wait_with_output().expect("wait toolbox");
            assert_running(pid);
            use std::os::unix::process::ExitStatusExt;
            if out.status.signal() == Some(sig) {
                continue;
            }
            assert!(out.status.success(), "{}", common::show(&out));
            let v = common::json(&out);
            assert_eq!(v["interrupted_by"], sig, "{v:#}");
            let samples = v["samples"].as_u64().expect("samples");
            assert!(samples < 100000, "{v:#}");
            if samples > 0 {
                assert!(v["total"].as_u64().expect("total") >= samples, "{v:#}");
                *printed.entry(sig).or_insert(0) += 1;
            }
        }
    }
    eprintln!("runs that printed samples, by signal: {printed:?}");
    assert_eq!(
        printed.len(),
        2,
        "no run printed what it gathered: {printed:?}"
    );
}

/// Between the first and the last PTRACE_DETACH of a dump, toolbox makes no other system call
/// than ptrace and wait4 (and the allocator's; strace -f shows): the threads not yet released
/// wait for nothing else (a /proc read per detached thread there once made up most of a
/// 50-thread dump's stop).
#[test]
#[serial(ptrace)]
fn threads_are_released_back_to_back() {
    require_root!();
    let prog = build("park.c", &[], false);
    let target = Running::start(&prog.exe, &["park", "20"]);
    let pid = target.pid();
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("strace.txt");
    let log_arg = log.to_str().expect("utf-8 path");
    let out = common::run_bounded(
        60,
        "strace",
        &[
            "-f",
            "-o",
            log_arg,
            common::bin(),
            "stack",
            &pid.to_string(),
        ],
    );
    assert!(out.status.success(), "{}", common::show(&out));
    assert_running(pid);
    let text = std::fs::read_to_string(&log).expect("strace log");
    let lines: Vec<&str> = text.lines().collect();
    let detaches: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].contains("PTRACE_DETACH"))
        .collect();
    assert_eq!(detaches.len(), 21, "{text}");
    let window = &lines[detaches[0]..=detaches[20]];
    for line in window {
        let call = line
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .split('(')
            .next()
            .unwrap_or_default();
        assert!(
            matches!(
                call,
                "ptrace" | "wait4" | "---" | "rt_sigreturn" | "brk" | "mmap" | "munmap" | "mremap"
            ),
            "a system call between two detaches: {line}\n{}",
            window.join("\n")
        );
    }
}

/// A process with a thread that cannot stop (a vfork parent waiting for its child, from
/// tests/probe/trace_stuck.c): every sample of `stack -n` is partial and says so, the other
/// threads are counted in every sample, and the deadline (300 ms) bounds each sample: the wait
/// for the stuck thread is not the engine's 3 s per sample. After toolbox exits no thread is
/// stopped or traced, and the stuck thread is still in its vfork.
#[test]
#[serial(ptrace)]
fn profile_with_a_thread_that_cannot_stop_is_partial_and_bounded() {
    require_root!();
    let mut child = Command::new(common::probe_binary("trace_stuck"))
        .args(["2", "1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start trace_stuck");
    struct Guard(Child);
    impl Drop for Guard {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read ready");
    let probe = Guard(child);
    assert_eq!(line.trim(), "ready");
    let pid = probe.0.id() as i32;
    let state = |tid: &i32| {
        std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/stat"))
            .ok()
            .and_then(|s| {
                s.rsplit_once(')')
                    .map(|(_, r)| r.trim_start().chars().next())
            })
            .flatten()
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    let stuck = loop {
        let d: Vec<i32> = thread_names(pid)
            .keys()
            .filter(|t| state(t) == Some('D'))
            .copied()
            .collect();
        if d.len() == 1 || Instant::now() > deadline {
            break d;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(stuck.len(), 1, "one vfork parent in D state");
    let threads = thread_names(pid).len() as u64;
    let out = common::run_bounded(
        60,
        common::bin(),
        &[
            "stack",
            &pid.to_string(),
            "-n",
            "3",
            "--interval",
            "1",
            "--max-stop",
            "300",
            "-o",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", common::show(&out));
    let v = common::json(&out);
    assert_eq!(v["samples"], 3, "{v:#}");
    assert_eq!(v["partial"], 3, "{v:#}");
    assert!(
        v["notes"].to_string().contains("3 sample(s) partial"),
        "{v:#}"
    );
    // Every thread but the stuck one, once per sample.
    assert_eq!(v["total"].as_u64(), Some(3 * (threads - 1)), "{v:#}");
    for s in v["stacks"].as_array().expect("stacks") {
        assert!(
            !s["tids"].to_string().contains(&stuck[0].to_string()),
            "{s:#}"
        );
    }
    // Hang guards far from the 3 s the engine waits by default (3 samples: 9 s).
    let elapsed = v["elapsed_ms"].as_u64().expect("elapsed");
    assert!(elapsed < 6000, "3 samples took {elapsed} ms: {v:#}");
    for s in v["sample_stopped_us"].as_array().expect("stops") {
        assert!(
            s.as_u64().expect("us") < 3_000_000,
            "a sample's stop counted the wait for the stuck thread: {v:#}"
        );
    }
    assert_running_but(pid, &stuck);
    assert_eq!(
        state(&stuck[0]),
        Some('D'),
        "the stuck thread left its vfork"
    );
}

/// As [`assert_running`], except that the threads `skip` may be in any state (not traced).
fn assert_running_but(pid: i32, skip: &[i32]) {
    for (tid, _) in thread_names(pid) {
        let status =
            std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/status")).expect("task status");
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        if !skip.contains(&tid) {
            let state = field("State:");
            assert!(
                !state.starts_with('t') && !state.starts_with('T'),
                "thread {tid} of {pid} was left stopped: {state}"
            );
        }
        assert_eq!(
            field("TracerPid:"),
            "0",
            "thread {tid} of {pid} is still traced"
        );
    }
}
