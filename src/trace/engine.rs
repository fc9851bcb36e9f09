//! The ptrace engine: attach to (or launch) tracees, run the stop/resume loop, pair syscall entry
//! and exit per thread, report signals, exec and exits as strace does, and always detach cleanly.
//!
//! Safety rules this file keeps: never `PTRACE_O_EXITKILL`; every signal a tracee receives is
//! delivered unchanged; on SIGINT/SIGTERM/SIGHUP or any tracer error every tracee is interrupted
//! and detached with its pending signal re-injected, and tracees in group-stop stay stopped.
//! See: ptrace(2) "Attaching and detaching", "Group-stop", "PTRACE_LISTEN".

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ffi::{CString, OsStr, OsString};
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::sys::ptrace::{self as pt, Pid, SyscallStop, Wait};
use crate::target::PidKind;
use crate::trace::decode::{self, DecodeOpts, Entry, Memory};
use crate::trace::filter::{Filter, Status};
use crate::trace::output::{self, Layout, Printer};
use crate::trace::spin::Governor;
use crate::trace::summary::Summary;
use crate::trace::syscalls;

/// What can go wrong while tracing. Each variant names the process it concerns.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// PTRACE_SEIZE was refused.
    #[error("cannot attach to PID {pid}")]
    Attach {
        /// The process.
        pid: Pid,
        /// What the kernel said.
        #[source]
        source: io::Error,
    },
    /// The process does not exist (any more).
    #[error("PID {pid}: no such process")]
    NoProcess {
        /// The process.
        pid: Pid,
    },
    /// Another tracer (strace, gdb, another toolbox) holds the process: a process has at most
    /// one tracer, and the kernel answers EPERM to the second (as strace reports it).
    #[error("cannot trace PID {pid} (ptrace(PTRACE_SEIZE, {pid}): Operation not permitted): it is already traced by PID {tracer} ({}) (TracerPid in /proc/{pid}/status), and a process can have only one tracer; stop that tracer first", crate::output::sanitize(.comm))]
    AlreadyTraced {
        /// The process.
        pid: Pid,
        /// Its tracer.
        tracer: Pid,
        /// The tracer's comm (`?` when unreadable).
        comm: String,
    },
    /// A kernel thread: the kernel never lets one be traced (EPERM).
    #[error("cannot trace PID {pid} (ptrace(PTRACE_SEIZE, {pid}): Operation not permitted): it is a kernel thread ({}), which has no user space and cannot be traced", crate::output::sanitize(.comm))]
    KernelThread {
        /// The process.
        pid: Pid,
        /// Its comm (e.g. `kthreadd`).
        comm: String,
    },
    /// A zombie: it has exited; the kernel refuses to attach (EPERM), as strace reports.
    #[error("cannot trace PID {pid} (ptrace(PTRACE_SEIZE, {pid}): Operation not permitted): it is a zombie ({}): it has exited and its parent (PID {parent}) has not reaped it, so there is nothing left to trace", crate::output::sanitize(.comm))]
    Zombie {
        /// The process.
        pid: Pid,
        /// Its comm.
        comm: String,
        /// The parent that has not called wait(2) for it.
        parent: Pid,
    },
    /// Tracing toolbox itself would deadlock.
    #[error("PID {pid} is toolbox itself; choose another process")]
    SelfTrace {
        /// toolbox's pid.
        pid: Pid,
    },
    /// The command to launch was not found in PATH.
    #[error("{command}: command not found")]
    NotFound {
        /// The command as given.
        command: String,
    },
    /// The command could not be started.
    #[error("cannot run {command}: {stage} failed")]
    Spawn {
        /// The command as given.
        command: String,
        /// Which step failed.
        stage: &'static str,
        /// The error.
        #[source]
        source: io::Error,
    },
    /// waitpid failed.
    #[error("waiting for tracees")]
    Wait(#[source] io::Error),
    /// Writing the trace failed.
    #[error("writing the trace")]
    Output(#[source] io::Error),
    /// A ptrace request failed unexpectedly.
    #[error("ptrace({op}) on PID {pid}")]
    Ptrace {
        /// The request.
        op: &'static str,
        /// The tracee.
        pid: Pid,
        /// What the kernel said.
        #[source]
        source: io::Error,
    },
}

/// How to trace.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `-f`: follow forks, vforks and clones.
    pub follow: bool,
    /// Which syscalls and results to show.
    pub filter: Filter,
    /// `-s`: string size.
    pub strsize: usize,
    /// `-y`: paths next to file descriptors.
    pub fd_paths: bool,
    /// `-c`: count instead of printing calls.
    pub summary: bool,
    /// Line layout.
    pub layout: Layout,
    /// Launch mode only: install a seccomp-bpf filter so untraced syscalls never stop.
    pub seccomp: bool,
    /// Read syscalls from the registers as on kernels before 5.3, even where
    /// `PTRACE_GET_SYSCALL_INFO` exists (lets the tests cover that path).
    pub registers: bool,
    /// Read tracee memory with `PTRACE_PEEKDATA` only, as where process_vm_readv is refused
    /// (lets the tests cover that path).
    pub peek: bool,
    /// How long to poll for the next stop before sleeping in waitpid (zero: never poll).
    pub spin: Duration,
}

/// How a trace ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The signal (SIGINT, SIGTERM, SIGHUP) that ended tracing early, if any.
    pub interrupted_by: Option<i32>,
    /// The launched command's exit status as a shell reports it (128+N when killed by N).
    pub exit_code: Option<i32>,
    /// Processes (thread group ids) that were detached while still alive.
    pub detached: usize,
    /// The trace output was blocked (a paused pager, a full pipe) when the fatal signal came,
    /// and the rest of the trace was dropped: stderr may be that output, so further messages
    /// there can block.
    pub output_blocked: bool,
}

static FATAL: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_fatal(sig: libc::c_int) {
    FATAL.store(sig, Ordering::Relaxed);
}

static TICKED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_alarm(_sig: libc::c_int) {
    TICKED.store(true, Ordering::Relaxed);
}

/// The signals that make toolbox detach and stop.
const FATAL_SIGNALS: [i32; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];
/// How often waitpid is interrupted to flush output and look at the signal flag.
const TICK: Duration = Duration::from_millis(100);
/// How long detaching waits, in all, for tracees to stop before leaving the rest to the kernel's
/// exit-time detach.
const DETACH_PATIENCE: Duration = Duration::from_secs(3);
/// The first sleep between two looks for tracee stops while detaching (doubling from there).
const DETACH_POLL_MIN: Duration = Duration::from_micros(50);
/// The longest sleep between two looks for tracee stops while detaching.
const DETACH_POLL_MAX: Duration = Duration::from_millis(5);
/// How often detaching stops waiting for tracees that exited or changed tid meanwhile.
const DETACH_PRUNE: Duration = Duration::from_millis(50);
/// How long the last flush (and the `-c` summary) after a fatal signal may block on the output
/// before it is given up.
const FLUSH_GRACE: Duration = Duration::from_secs(1);
/// Largest single read of tracee memory a decoder may ask for.
const MAX_READ: usize = 4 << 20;

/// What the tracer and its [`Guarded`] output share.
#[derive(Debug, Default)]
struct OutputState {
    /// A write was given up after a fatal signal: later writes fail at once.
    stuck: AtomicBool,
    /// Until when a write interrupted after a fatal signal is retried (the last flush).
    grace_until: Mutex<Option<Instant>>,
}

/// The trace output. A write blocked on a paused pager or a full pipe returns EINTR when a
/// signal arrives (our handlers have no SA_RESTART); `BufWriter` would retry it for ever, so
/// once a fatal signal has arrived this turns EINTR into an error instead (after the
/// `grace_until` of the last flush): the event loop then ends and detaches every tracee.
struct Guarded {
    inner: Box<dyn Write>,
    state: Arc<OutputState>,
}

impl Guarded {
    fn retry<T>(&mut self, mut op: impl FnMut(&mut dyn Write) -> io::Result<T>) -> io::Result<T> {
        if self.state.stuck.load(Ordering::Relaxed) {
            return Err(output_stuck());
        }
        loop {
            match op(&mut *self.inner) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                    if FATAL.load(Ordering::Relaxed) == 0 {
                        continue;
                    }
                    let grace = self.state.grace_until.lock().ok().and_then(|g| *g);
                    if grace.is_some_and(|until| Instant::now() < until) {
                        continue;
                    }
                    self.state.stuck.store(true, Ordering::Relaxed);
                    return Err(output_stuck());
                }
                other => return other,
            }
        }
    }
}

fn output_stuck() -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        "the trace output is blocked (a paused pager or a full pipe)",
    )
}

impl Write for Guarded {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.retry(|w| w.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.retry(|w| w.flush())
    }
}

/// Write `text` to stderr unless that blocks: the flush tick (armed by
/// [`Tracer::catch_signals`]) interrupts a blocked write (a terminal paused with ^S, a full
/// pipe) and the rest of the note is dropped, since toolbox may hold tracees stopped meanwhile.
pub fn note(text: &str) {
    let mut err = io::stderr();
    let mut rest = text.as_bytes();
    while !rest.is_empty() {
        match err.write(rest) {
            Ok(0) | Err(_) => return,
            Ok(n) => rest = rest.get(n..).unwrap_or_default(),
        }
    }
}

/// Tracee memory through process_vm_readv (PTRACE_PEEKDATA fallback).
struct TraceeMemory {
    pid: Pid,
    /// Use PTRACE_PEEKDATA only (as where process_vm_readv is refused).
    peek: bool,
}

impl TraceeMemory {
    fn fetch(&self, addr: u64, len: usize) -> io::Result<Vec<u8>> {
        if self.peek {
            pt::peek_range(self.pid, addr, len)
        } else {
            pt::read_memory(self.pid, addr, len)
        }
    }
}

impl Memory for TraceeMemory {
    fn read(&self, addr: u64, len: usize) -> io::Result<Vec<u8>> {
        if len > MAX_READ {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "read too large",
            ));
        }
        let v = self.fetch(addr, len)?;
        if v.len() < len {
            return Err(io::Error::from_raw_os_error(libc::EFAULT));
        }
        Ok(v)
    }

    fn read_cstr(&self, addr: u64, max: usize) -> io::Result<(Vec<u8>, bool)> {
        let limit = max.min(MAX_READ);
        let mut out = Vec::new();
        let mut at = addr;
        while out.len() < limit {
            let page_left = 4096 - (at % 4096) as usize;
            let want = page_left.min(limit - out.len());
            let chunk = match self.fetch(at, want) {
                Ok(c) => c,
                Err(e) if out.is_empty() => return Err(e),
                Err(_) => break,
            };
            if let Some(i) = chunk.iter().position(|&b| b == 0) {
                out.extend_from_slice(&chunk[..i]);
                return Ok((out, false));
            }
            out.extend_from_slice(&chunk);
            if chunk.len() < want {
                break;
            }
            at = at.wrapping_add(chunk.len() as u64);
        }
        out.truncate(max);
        Ok((out, true))
    }
}

/// How a syscall's line stands on the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Line {
    /// Nothing printed yet (deferred: `-Z`, `--json`, `-c`).
    Hidden,
    /// `name(args` printed and the line still open.
    Open,
    /// Printed, then cut with `<unfinished ...>` by another thread's output.
    Cut,
}

/// A syscall a thread has entered and not yet left.
#[derive(Debug)]
struct Pending {
    nr: u64,
    args: [u64; 6],
    visible: bool,
    entry: Entry,
    start: Option<Instant>,
    wall: Option<SystemTime>,
    line: Line,
}

/// Per-thread state, keyed by tid.
#[derive(Debug, Default)]
struct Tracee {
    pending: Option<Pending>,
    /// The launched child before its exec: its own setup syscalls are not shown.
    startup: bool,
}

/// The tracer. Dropping it detaches every tracee that is still attached.
pub struct Tracer {
    opts: Options,
    ptrace_options: i32,
    tracees: HashMap<Pid, Tracee>,
    printer: Printer,
    summary: Summary,
    launched: Option<(Pid, pt::Spawned, String)>,
    exit_code: Option<i32>,
    spawn_error: Option<TraceError>,
    handlers: bool,
    done: bool,
    /// The tracee whose stop was reaped and not yet resumed, with the signal to re-inject if it
    /// must be detached now (error paths).
    held: Option<(Pid, i32)>,
    /// Whether the kernel has `PTRACE_GET_SYSCALL_INFO` (Linux 5.3+).
    syscall_info: bool,
    /// Shared with the [`Guarded`] output.
    output: Arc<OutputState>,
    /// Whether to poll for the next stop before sleeping.
    governor: Governor,
}

fn is_exec(nr: u64) -> bool {
    matches!(syscalls::name(nr), Some("execve" | "execveat"))
}

/// The printed name of syscall `nr`, without allocating for the known ones.
fn name_of(nr: u64) -> Cow<'static, str> {
    match syscalls::name(nr) {
        Some(n) => Cow::Borrowed(n),
        None => Cow::Owned(decode::syscall_name(nr)),
    }
}

fn esrch(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ESRCH)
}

impl Tracer {
    /// A tracer writing to `out` (strace's stderr, `-o FILE` or stdout for `--json`).
    pub fn new(opts: Options, out: Box<dyn Write>) -> Tracer {
        let mut ptrace_options = libc::PTRACE_O_TRACESYSGOOD | libc::PTRACE_O_TRACEEXEC;
        if opts.follow {
            ptrace_options |=
                libc::PTRACE_O_TRACEFORK | libc::PTRACE_O_TRACEVFORK | libc::PTRACE_O_TRACECLONE;
        }
        if opts.seccomp {
            // A process carrying our SECCOMP_RET_TRACE filter gets ENOSYS for every traced
            // syscall once no tracer is attached, so the commands we launched with it must not
            // outlive toolbox (not even a SIGKILLed one). Launch mode only: attach mode never
            // sets EXITKILL. See: seccomp(2), SECCOMP_RET_TRACE.
            ptrace_options |= libc::PTRACE_O_TRACESECCOMP | libc::PTRACE_O_EXITKILL;
        }
        let output = Arc::new(OutputState::default());
        let guarded = Guarded {
            inner: out,
            state: Arc::clone(&output),
        };
        let printer = Printer::new(Box::new(guarded), opts.layout);
        let opts_registers = opts.registers;
        let governor = Governor::new(opts.spin, Instant::now());
        Tracer {
            opts,
            ptrace_options,
            tracees: HashMap::new(),
            printer,
            summary: Summary::default(),
            launched: None,
            exit_code: None,
            spawn_error: None,
            handlers: false,
            done: false,
            held: None,
            syscall_info: !opts_registers,
            output,
            governor,
        }
    }

    /// Catch SIGINT, SIGTERM and SIGHUP (to detach before leaving) and arm the flush tick.
    /// Call before attaching so that no signal can leave a tracee stopped.
    pub fn catch_signals(&mut self) -> io::Result<()> {
        FATAL.store(0, Ordering::Relaxed);
        for sig in FATAL_SIGNALS {
            pt::install_handler(sig, on_fatal)?;
        }
        pt::install_handler(libc::SIGALRM, on_alarm)?;
        pt::interval_timer(TICK)?;
        self.handlers = true;
        Ok(())
    }

    fn release_signals(&mut self) {
        if self.handlers {
            let _ = pt::interval_timer(Duration::ZERO);
            for sig in FATAL_SIGNALS {
                pt::default_handler(sig);
            }
            pt::default_handler(libc::SIGALRM);
            self.handlers = false;
        }
    }

    /// Whether a fatal signal has arrived.
    pub fn interrupted(&self) -> Option<i32> {
        Some(FATAL.load(Ordering::Relaxed)).filter(|&s| s != 0)
    }

    /// Seize every thread of process `pid` (re-reading /proc/PID/task until no new thread
    /// appears) and interrupt each so that syscall tracing can start. Returns the thread count.
    pub fn attach(&mut self, pid: Pid) -> Result<usize, TraceError> {
        if pid == std::process::id() as Pid {
            return Err(TraceError::SelfTrace { pid });
        }
        if let PidKind::KernelThread { comm } = PidKind::read(pid) {
            return Err(TraceError::KernelThread { pid, comm });
        }
        if let Some(tracer) = other_tracer(pid) {
            return Err(already_traced(pid, tracer));
        }
        let mut seen = HashSet::new();
        // Threads seized now or already ours: none means every thread is exiting or a zombie.
        let mut held = 0usize;
        loop {
            let tids = list_tasks(pid)?;
            let new: Vec<Pid> = tids.into_iter().filter(|t| !seen.contains(t)).collect();
            if new.is_empty() {
                break;
            }
            for tid in new {
                seen.insert(tid);
                if self.tracees.contains_key(&tid) {
                    held += 1;
                    continue;
                }
                match seize_unless_exiting(tid, self.ptrace_options) {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(e) if esrch(&e) => continue,
                    // A thread started by one we already seized is ours already (-f): it
                    // reports its own first stop. (Our pid as /proc sees it: TracerPid is in
                    // /proc's PID namespace.)
                    Err(_) if tracer_of(tid).is_some_and(|t| Some(t) == proc_self_pid()) => {
                        self.tracees.entry(tid).or_default();
                        held += 1;
                        continue;
                    }
                    // Lost a race with another tracer that seized it after our check above
                    // (two tracers at once): say who holds it, not a security module. Threads
                    // already seized are released when this tracer is dropped.
                    Err(source) => {
                        if source.raw_os_error() == Some(libc::EPERM) {
                            if let Some(tracer) = other_tracer(tid) {
                                return Err(already_traced(pid, tracer));
                            }
                        }
                        return Err(TraceError::Attach { pid, source });
                    }
                }
                held += 1;
                self.tracees.insert(tid, Tracee::default());
                match pt::interrupt(tid) {
                    Ok(()) => {}
                    Err(e) if esrch(&e) => {}
                    Err(source) => {
                        return Err(TraceError::Ptrace {
                            op: "PTRACE_INTERRUPT",
                            pid: tid,
                            source,
                        })
                    }
                }
            }
            if self.interrupted().is_some() {
                break;
            }
        }
        if seen.is_empty() {
            return Err(TraceError::NoProcess { pid });
        }
        if held == 0 && self.interrupted().is_none() {
            // Every thread refused as exiting: a zombie (strace: EPERM, exit 1), or gone.
            return Err(match PidKind::read(pid) {
                PidKind::Zombie { comm, parent } => TraceError::Zombie { pid, comm, parent },
                _ => TraceError::NoProcess { pid },
            });
        }
        Ok(seen.len())
    }

    /// Start `argv` traced (launch mode). With [`Options::seccomp`] the child installs a
    /// seccomp-bpf filter before exec so that only traced syscalls stop.
    pub fn launch(&mut self, argv: &[OsString]) -> Result<Pid, TraceError> {
        // Shown in error messages: a command name can carry escape sequences.
        let command = argv
            .first()
            .map(|c| crate::output::sanitize(&c.to_string_lossy()))
            .unwrap_or_default();
        let path = resolve_command(argv.first().map(OsString::as_os_str).unwrap_or_default())
            .ok_or_else(|| TraceError::NotFound {
                command: command.clone(),
            })?;
        let spawn_err = |source| TraceError::Spawn {
            command: command.clone(),
            stage: "preparing the command line",
            source,
        };
        let cpath = CString::new(path.as_os_str().as_bytes()).map_err(|_| {
            spawn_err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "NUL byte in the command",
            ))
        })?;
        let cargs = argv
            .iter()
            .map(|a| CString::new(a.as_bytes()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| {
                spawn_err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "NUL byte in an argument",
                ))
            })?;
        let program = self
            .opts
            .seccomp
            .then(|| pt::seccomp_program(&self.opts.filter.numbers()));
        let spawned = pt::spawn_traced(&cpath, &cargs, program.as_deref(), self.ptrace_options)
            .map_err(|(stage, source)| TraceError::Spawn {
                command: command.clone(),
                stage,
                source,
            })?;
        let pid = spawned.pid;
        self.tracees.insert(
            pid,
            Tracee {
                pending: None,
                startup: true,
            },
        );
        self.launched = Some((pid, spawned, command));
        Ok(pid)
    }

    /// Run the event loop until every tracee is gone or a fatal signal arrives; then detach
    /// whatever is left and print the `-c` summary.
    pub fn run(&mut self) -> Result<Outcome, TraceError> {
        let result = self.event_loop();
        let fatal = self.interrupted();
        let mut detached = 0;
        if result.is_err() || fatal.is_some() {
            if let (Some(sig), Some((pid, _, _))) = (fatal, &self.launched) {
                // As strace does: the command we started gets the signal that stopped us. With
                // the seccomp filter, so do its descendants (see `new`): they cannot run
                // correctly without a tracer.
                let _ = pt::kill(*pid, sig);
                if self.opts.seccomp {
                    let groups: HashSet<Pid> = self.tracees.keys().map(|&t| tgid_of(t)).collect();
                    for g in groups {
                        let _ = pt::kill(g, sig);
                    }
                }
            }
            detached = self.detach_all();
        }
        self.done = true;
        let mut result = result;
        let mut finish = if fatal.is_some() {
            // The handlers and the tick stay on: a flush blocked on the output is interrupted
            // and given up after FLUSH_GRACE instead of blocking toolbox for ever.
            if let Ok(mut g) = self.output.grace_until.lock() {
                *g = Some(Instant::now() + FLUSH_GRACE);
            }
            self.finish_output()
        } else {
            self.release_signals();
            self.finish_output()
        };
        let output_blocked = self.output.stuck.load(Ordering::Relaxed);
        if output_blocked {
            // Only after a fatal signal: that signal, not the output, ends the trace.
            let what = if self.opts.summary {
                "the summary"
            } else {
                "the rest of the trace"
            };
            let note = format!(
                "toolbox trace: the trace output is blocked (a paused pager or a full pipe?); \
                 {what} was not written\n"
            );
            // The trace output may be stderr itself.
            self::note(&note);
            if matches!(result, Err(TraceError::Output(_))) {
                result = Ok(());
            }
            finish = Ok(());
        }
        self.release_signals();
        result?;
        finish?;
        if let Some(e) = self.spawn_error.take() {
            return Err(e);
        }
        Ok(Outcome {
            interrupted_by: fatal,
            exit_code: self.exit_code,
            detached,
            output_blocked,
        })
    }

    fn finish_output(&mut self) -> Result<(), TraceError> {
        self.printer.detached().map_err(TraceError::Output)?;
        if self.opts.summary {
            let table = self.summary.render();
            self.printer.raw(&table).map_err(TraceError::Output)?;
        }
        self.printer.flush().map_err(TraceError::Output)
    }

    /// The next wait status. A tracee that was just resumed usually stops again within
    /// microseconds (its syscall returns, or it makes the next one); polling for that stop for
    /// up to `poll` before sleeping spares both sides a wake-up, when the governor finds that
    /// it pays (see [`crate::trace::spin`]). A tracee that stays quiet longer costs at most
    /// `poll` of polling per resume.
    fn next_wait(&self, poll: Duration) -> io::Result<Option<Wait>> {
        if !poll.is_zero() {
            let start = Instant::now();
            loop {
                match pt::wait(-1, true) {
                    Ok(None) => {}
                    other => return other,
                }
                if self.interrupted().is_some() || start.elapsed() >= poll {
                    break;
                }
                std::hint::spin_loop();
            }
            if self.interrupted().is_some() {
                return Ok(None);
            }
        }
        pt::wait(-1, false)
    }

    fn event_loop(&mut self) -> Result<(), TraceError> {
        loop {
            if self.interrupted().is_some() || self.tracees.is_empty() {
                return Ok(());
            }
            // The tick interrupts a sleeping waitpid (EINTR below); a polling one only sees
            // the flag.
            if TICKED.swap(false, Ordering::Relaxed) {
                self.printer.flush().map_err(TraceError::Output)?;
            }
            let got = self.next_wait(self.governor.poll_for());
            if matches!(got, Ok(Some(_))) {
                self.governor.event(Instant::now());
            }
            match got {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                    self.printer.flush().map_err(TraceError::Output)?;
                }
                Err(e) if e.raw_os_error() == Some(libc::ECHILD) => {
                    self.tracees.clear();
                    return Ok(());
                }
                Err(e) => return Err(TraceError::Wait(e)),
                Ok(None) | Ok(Some(Wait::Other(_))) => {}
                Ok(Some(Wait::Exited(pid, code))) => self.on_gone(pid, Ok(code))?,
                Ok(Some(Wait::Signaled(pid, sig, core))) => self.on_gone(pid, Err((sig, core)))?,
                Ok(Some(Wait::Stopped(pid, sig, event))) => self.on_stop(pid, sig, event)?,
            }
        }
    }

    fn prefix(&self) -> bool {
        self.opts.layout.pid_column || self.tracees.len() > 1
    }

    fn now(&self) -> Option<SystemTime> {
        self.printer.layout().needs_time().then(SystemTime::now)
    }

    fn quiet(&self) -> bool {
        self.opts.summary
    }

    fn mark_cut(&mut self, cut: Option<Pid>) {
        if let Some(p) = cut
            .and_then(|c| self.tracees.get_mut(&c))
            .and_then(|t| t.pending.as_mut())
        {
            p.line = Line::Cut;
        }
    }

    fn event_line(&mut self, tid: Pid, text: &str) -> Result<(), TraceError> {
        let prefix = self.prefix();
        let now = self.now();
        let cut = self
            .printer
            .event(tid, prefix, now, text)
            .map_err(TraceError::Output)?;
        self.mark_cut(cut);
        Ok(())
    }

    fn resume(&mut self, tid: Pid, sig: i32) -> Result<(), TraceError> {
        let in_syscall = self.tracees.get(&tid).is_some_and(|t| t.pending.is_some());
        let (op, r) = if self.opts.seccomp && !in_syscall {
            ("PTRACE_CONT", pt::resume_cont(tid, sig))
        } else {
            ("PTRACE_SYSCALL", pt::resume_syscall(tid, sig))
        };
        self.released(op, tid, r)
    }

    /// The outcome of the ptrace call `op` that let the held `tid` go on. ESRCH: killed
    /// meanwhile (SIGKILL, exit_group by another thread), its exit is reported. Any other error
    /// leaves it held, for `detach_all` to detach.
    fn released(
        &mut self,
        op: &'static str,
        tid: Pid,
        r: io::Result<()>,
    ) -> Result<(), TraceError> {
        match r {
            Ok(()) => {
                self.held = None;
                Ok(())
            }
            Err(e) if esrch(&e) => {
                self.held = None;
                Ok(())
            }
            Err(source) => Err(TraceError::Ptrace {
                op,
                pid: tid,
                source,
            }),
        }
    }

    fn on_stop(&mut self, tid: Pid, sig: i32, event: i32) -> Result<(), TraceError> {
        // A new thread or child can report before its parent's fork/clone event.
        self.tracees.entry(tid).or_default();
        let inject = if event == 0 && !pt::is_syscall_stop(sig) {
            sig
        } else {
            0
        };
        self.held = Some((tid, inject));
        if pt::is_syscall_stop(sig) || event == libc::PTRACE_EVENT_SECCOMP {
            return self.on_syscall(tid, event == libc::PTRACE_EVENT_SECCOMP);
        }
        match event {
            0 => self.on_signal(tid, sig),
            pt::EVENT_STOP => {
                let group_stop = matches!(
                    sig,
                    libc::SIGSTOP | libc::SIGTSTP | libc::SIGTTIN | libc::SIGTTOU
                );
                let startup = self.tracees.get(&tid).is_some_and(|t| t.startup);
                if group_stop && !startup {
                    if !self.quiet() && !self.opts.layout.json {
                        self.event_line(
                            tid,
                            &format!("--- stopped by {} ---", output::signame(sig)),
                        )?;
                    }
                    // Stay stopped, but let the kernel tell us about the SIGCONT that ends it.
                    self.released("PTRACE_LISTEN", tid, pt::listen(tid))
                } else {
                    self.resume(tid, 0)
                }
            }
            libc::PTRACE_EVENT_FORK | libc::PTRACE_EVENT_VFORK | libc::PTRACE_EVENT_CLONE => {
                if let Ok(new) = pt::event_msg(tid) {
                    self.tracees.entry(new as Pid).or_default();
                }
                self.resume(tid, 0)
            }
            libc::PTRACE_EVENT_EXEC => {
                // A non-leader thread that execs takes over the leader's pid. See: ptrace(2),
                // "execve(2) under ptrace".
                if let Ok(former) = pt::event_msg(tid) {
                    let former = former as Pid;
                    if former != tid {
                        // The execing thread's open line ends as strace ends it.
                        let note = format!(" <pid changed to {tid} ...>");
                        let cut = self
                            .printer
                            .cut_open_if(former, &note)
                            .map_err(TraceError::Output)?;
                        self.mark_cut(cut);
                        if let Some(t) = self.tracees.remove(&former) {
                            self.tracees.insert(tid, t);
                        }
                        if !self.quiet() && !self.opts.layout.json {
                            let text = format!("+++ superseded by execve in pid {former} +++");
                            self.event_line(tid, &text)?;
                        }
                    }
                }
                if let Some(t) = self.tracees.get_mut(&tid) {
                    t.startup = false;
                }
                self.resume(tid, 0)
            }
            _ => self.resume(tid, 0),
        }
    }

    fn on_signal(&mut self, tid: Pid, sig: i32) -> Result<(), TraceError> {
        let startup = self.tracees.get(&tid).is_some_and(|t| t.startup);
        if !startup && !self.quiet() {
            match pt::siginfo(tid) {
                Ok(si) => {
                    if self.opts.layout.json {
                        let v = serde_json::json!({
                            "pid": tid,
                            "time": self.now().map(epoch),
                            "signal": output::signame(si.signo),
                            "si_code": si.code,
                            "si_pid": si.pid,
                        });
                        self.printer.json(&v).map_err(TraceError::Output)?;
                    } else {
                        self.event_line(tid, &output::signal_line(&si))?;
                    }
                }
                Err(e) if esrch(&e) => return Ok(()),
                Err(_) => {}
            }
        }
        // Delivered unchanged.
        self.resume(tid, sig)
    }

    /// What the syscall or seccomp stop of `tid` is about: from `PTRACE_GET_SYSCALL_INFO`, or on
    /// kernels before 5.3 (EIO) from the registers and whether the thread is inside a syscall.
    fn stop_info(&mut self, tid: Pid, seccomp: bool) -> io::Result<SyscallStop> {
        if self.syscall_info {
            match pt::syscall_info(tid) {
                Err(e) if e.raw_os_error() == Some(libc::EIO) => self.syscall_info = false,
                other => return other,
            }
        }
        let (nr, args, rax) = pt::syscall_regs(tid)?;
        let inside = self.tracees.get(&tid).is_some_and(|t| t.pending.is_some());
        Ok(if seccomp || !inside {
            SyscallStop::Entry { nr, args }
        } else {
            SyscallStop::Exit {
                rval: rax,
                is_error: (-4095..0).contains(&rax),
            }
        })
    }

    fn on_syscall(&mut self, tid: Pid, seccomp: bool) -> Result<(), TraceError> {
        // The stop after the entry of an untraced syscall is its exit (syscall stops alternate
        // per thread): nothing to read or print, so skip the ptrace round trip for its details.
        if !seccomp {
            if let Some(t) = self.tracees.get_mut(&tid) {
                if t.pending.as_ref().is_some_and(|p| !p.visible) {
                    t.pending = None;
                    return self.resume(tid, 0);
                }
            }
        }
        let info = match self.stop_info(tid, seccomp) {
            Ok(i) => i,
            Err(e) if esrch(&e) => return Ok(()),
            Err(source) => {
                return Err(TraceError::Ptrace {
                    op: "PTRACE_GET_SYSCALL_INFO",
                    pid: tid,
                    source,
                })
            }
        };
        match info {
            SyscallStop::Entry { nr, args } | SyscallStop::Seccomp { nr, args } => {
                self.on_entry(tid, nr, args)?;
                // Always stop at the exit of a syscall we entered.
                self.released("PTRACE_SYSCALL", tid, pt::resume_syscall(tid, 0))
            }
            SyscallStop::Exit { rval, is_error } => {
                self.on_exit(tid, rval, is_error)?;
                self.resume(tid, 0)
            }
            SyscallStop::None => self.resume(tid, 0),
        }
    }

    fn memory(&self, tid: Pid) -> TraceeMemory {
        TraceeMemory {
            pid: tid,
            peek: self.opts.peek,
        }
    }

    fn decode_opts(&self, tid: Pid) -> DecodeOpts {
        DecodeOpts {
            strsize: self.opts.strsize,
            fd_paths: self.opts.fd_paths,
            pid: tid,
        }
    }

    fn on_entry(&mut self, tid: Pid, nr: u64, args: [u64; 6]) -> Result<(), TraceError> {
        let startup = self.tracees.get(&tid).is_some_and(|t| t.startup);
        let visible = self.opts.filter.traces(nr) && (!startup || is_exec(nr));
        let mut p = Pending {
            nr,
            args,
            visible,
            entry: Entry::default(),
            start: None,
            wall: None,
            line: Line::Hidden,
        };
        if visible {
            if self.opts.summary || self.opts.layout.durations || self.opts.layout.json {
                p.start = Some(Instant::now());
            }
            p.wall = self.now();
            if !self.quiet() {
                let mem = self.memory(tid);
                p.entry = decode::format_args_enter(nr, &args, &mem, &self.decode_opts(tid));
                if syscalls::name(nr) == Some("rt_sigreturn") {
                    // strace shows the mask the signal frame restores: `{mask=[]}`.
                    if let Ok(sp) = pt::stack_pointer(tid) {
                        p.entry.text = decode::format_rt_sigreturn(sp, &mem);
                    }
                }
                if !self.opts.layout.json && self.opts.filter.status == Status::All {
                    let prefix = self.prefix();
                    let name = name_of(nr);
                    let cut = self
                        .printer
                        .enter(tid, prefix, p.wall, &name, &p.entry.text)
                        .map_err(TraceError::Output)?;
                    self.mark_cut(cut);
                    p.line = Line::Open;
                }
            }
        }
        if let Some(t) = self.tracees.get_mut(&tid) {
            t.pending = Some(p);
        }
        Ok(())
    }

    fn on_exit(&mut self, tid: Pid, rval: i64, is_error: bool) -> Result<(), TraceError> {
        let Some(t) = self.tracees.get_mut(&tid) else {
            return Ok(());
        };
        let Some(p) = t.pending.take() else {
            // An exit without its entry (attached mid-syscall): nothing to pair it with.
            return Ok(());
        };
        if t.startup && is_exec(p.nr) && !is_error {
            t.startup = false;
        }
        if !p.visible {
            return Ok(());
        }
        let took = p.start.map(|s| s.elapsed());
        if self.opts.summary {
            self.summary.add(p.nr, took.unwrap_or_default(), is_error);
            return Ok(());
        }
        if !self.opts.filter.shows(is_error) && p.line == Line::Hidden {
            return Ok(());
        }
        let mem = self.memory(tid);
        let dopts = self.decode_opts(tid);
        if self.opts.layout.json {
            let mut v = decode::decode_json(p.nr, &p.args, rval, &mem, &dopts, &p.entry);
            if let Some(o) = v.as_object_mut() {
                o.insert("pid".into(), tid.into());
                o.insert("time".into(), p.wall.map(epoch).into());
                o.insert("duration".into(), took.map(|d| d.as_secs_f64()).into());
            }
            return self.printer.json(&v).map_err(TraceError::Output);
        }
        let (args_text, ret_text) =
            decode::format_call_exit(p.nr, &p.args, rval, &mem, &dopts, &p.entry);
        let name = name_of(p.nr);
        let prefix = self.prefix();
        let durations = self.opts.layout.durations.then_some(took).flatten();
        let cut = match p.line {
            Line::Hidden => self
                .printer
                .call(tid, prefix, p.wall, &name, &args_text, &ret_text, durations),
            Line::Open | Line::Cut => {
                let rest = args_text
                    .strip_prefix(p.entry.text.as_str())
                    .unwrap_or(&args_text);
                let now = if p.line == Line::Cut {
                    self.now()
                } else {
                    p.wall
                };
                self.printer
                    .finish(tid, prefix, now, &name, rest, &ret_text, durations)
            }
        }
        .map_err(TraceError::Output)?;
        self.mark_cut(cut);
        Ok(())
    }

    fn on_gone(&mut self, tid: Pid, how: Result<i32, (i32, bool)>) -> Result<(), TraceError> {
        let prefix = self.prefix();
        let Some(t) = self.tracees.remove(&tid) else {
            return Ok(());
        };
        let launched = self.launched.as_ref().map(|(p, _, _)| *p) == Some(tid);
        if launched {
            self.exit_code = Some(match how {
                Ok(code) => code,
                Err((sig, _)) => 128 + sig,
            });
            if let Some((_, spawned, command)) = &self.launched {
                if let Some((stage, source)) = pt::exec_error(spawned) {
                    self.spawn_error = Some(TraceError::Spawn {
                        command: command.clone(),
                        stage,
                        source,
                    });
                }
            }
        }
        if self.quiet() || self.opts.layout.json {
            if self.opts.layout.json && !self.quiet() {
                let v = match how {
                    Ok(code) => serde_json::json!({"pid": tid, "exited": code}),
                    Err((sig, core)) => {
                        serde_json::json!({"pid": tid, "killed_by": output::signame(sig), "core_dumped": core})
                    }
                };
                self.printer.json(&v).map_err(TraceError::Output)?;
            }
            return Ok(());
        }
        let now = self.now();
        if let Some(p) = t.pending.filter(|p| p.visible) {
            // Died inside a syscall (exit_group, or killed): strace's `= ?`.
            let name = name_of(p.nr);
            let r = match p.line {
                Line::Hidden if self.opts.filter.status == Status::All => self
                    .printer
                    .call(tid, prefix, p.wall, &name, &p.entry.text, "?", None)
                    .map(Some),
                Line::Hidden => Ok(None),
                Line::Open | Line::Cut => self
                    .printer
                    .finish(tid, prefix, now, &name, "", "?", None)
                    .map(Some),
            };
            let cut = r.map_err(TraceError::Output)?.flatten();
            self.mark_cut(cut);
        }
        let text = match how {
            Ok(code) => format!("+++ exited with {code} +++"),
            Err((sig, true)) => format!("+++ killed by {} (core dumped) +++", output::signame(sig)),
            Err((sig, false)) => format!("+++ killed by {} +++", output::signame(sig)),
        };
        let cut = self
            .printer
            .event(tid, prefix, now, &text)
            .map_err(TraceError::Output)?;
        self.mark_cut(cut);
        Ok(())
    }

    /// Detach every tracee, re-injecting a signal it was about to receive; a tracee in
    /// group-stop stays stopped (the kernel re-stops it on detach). Returns how many processes
    /// (thread groups) were left running or stopped as they were.
    ///
    /// As strace does, each tracee is first detached directly: that works at once for any
    /// tracee in a ptrace-stop (the one the event loop holds, one whose stop is not reaped yet),
    /// with the signal of a signal-delivery-stop (read with PTRACE_GETSIGINFO) handed back. Only
    /// the tracees that answer ESRCH (running) are interrupted, and their stops are collected in
    /// whatever order they come, each tracee detached as soon as it stops, all against one
    /// deadline: a thread that cannot stop (uninterruptible sleep, a vfork parent waiting for
    /// its child) costs `DETACH_PATIENCE` (3 s) once in all, not once per thread. Whatever has
    /// not stopped by then is detached by the kernel when toolbox exits.
    /// See: ptrace(2), "Attaching and detaching"; strace's detach().
    pub fn detach_all(&mut self) -> usize {
        let mut d = Detach::default();
        let held = self.held.take();
        let mut tids: Vec<Pid> = self.tracees.drain().map(|(t, _)| t).collect();
        if let Some((tid, _)) = held {
            if !tids.contains(&tid) {
                tids.push(tid);
            }
        }
        tids.sort_unstable();
        for tid in tids {
            let known = held.filter(|&(t, _)| t == tid).map(|(_, sig)| sig);
            d.detach_or_interrupt(tid, known);
        }
        // /proc tells about our tids only if it is our PID namespace's.
        let proc_ours = proc_self_pid() == Some(std::process::id() as Pid);
        let deadline = Instant::now() + DETACH_PATIENCE;
        let mut nap = DETACH_POLL_MIN;
        let mut pruned = Instant::now();
        // With nothing left to await, the loop still takes the stops already reported (by a
        // child whose fork event we did not see) before it ends.
        loop {
            match pt::wait(-1, true) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // ECHILD: no tracee (nor child) left at all.
                Err(_) => break,
                Ok(None) => {
                    if d.waiting.is_empty() || Instant::now() >= deadline {
                        break;
                    }
                    if pruned.elapsed() >= DETACH_PRUNE {
                        // A thread that is gone, exiting, or has become another (a non-leader
                        // thread's exec takes over the leader's tid) will never report a stop
                        // under the tid we wait for.
                        d.waiting.retain(|&t| !gone_for_us(t, proc_ours));
                        pruned = Instant::now();
                        continue;
                    }
                    std::thread::sleep(nap);
                    nap = (nap * 2).min(DETACH_POLL_MAX);
                }
                Ok(Some(Wait::Other(_))) => {}
                Ok(Some(Wait::Exited(tid, _) | Wait::Signaled(tid, ..))) => {
                    d.waiting.remove(&tid);
                    d.done.insert(tid);
                }
                Ok(Some(Wait::Stopped(tid, sig, event))) => {
                    d.waiting.remove(&tid);
                    d.done.insert(tid);
                    let inject = if event == 0 && !pt::is_syscall_stop(sig) {
                        sig // signal-delivery-stop: hand the signal back
                    } else {
                        0
                    };
                    if matches!(
                        event,
                        libc::PTRACE_EVENT_FORK
                            | libc::PTRACE_EVENT_VFORK
                            | libc::PTRACE_EVENT_CLONE
                    ) {
                        // The new child or thread is traced already: detach it too.
                        if let Ok(new) = pt::event_msg(tid) {
                            d.detach_or_interrupt(new as Pid, None);
                        }
                    }
                    if pt::detach(tid, inject).is_ok() {
                        d.groups.insert(tgid_of(tid));
                    }
                }
            }
        }
        d.groups.len()
    }
}

/// The bookkeeping of `detach_all`.
#[derive(Default)]
struct Detach {
    /// Thread groups detached alive.
    groups: HashSet<Pid>,
    /// Tracees detached, gone or given up on: never waited for again.
    done: HashSet<Pid>,
    /// Tracees interrupted and not yet seen to stop.
    waiting: HashSet<Pid>,
}

impl Detach {
    /// Detach `tid` at once if it is in a ptrace-stop (`known`: the signal to re-inject when the
    /// event loop holds its stop), else interrupt it and await its stop (ESRCH from the
    /// interrupt: gone, nothing to detach).
    fn detach_or_interrupt(&mut self, tid: Pid, known: Option<i32>) {
        if self.done.contains(&tid) || self.waiting.contains(&tid) {
            return;
        }
        // A fork, vfork or clone event stop we have not reaped: its new task starts traced
        // and stopped, and only this stop's event message names it.
        let mut born = None;
        let inject = match known {
            Some(sig) => Some(sig),
            None => match pt::siginfo(tid) {
                Ok(si) => {
                    if si.signo == libc::SIGTRAP
                        && matches!(
                            si.code >> 8,
                            libc::PTRACE_EVENT_FORK
                                | libc::PTRACE_EVENT_VFORK
                                | libc::PTRACE_EVENT_CLONE
                        )
                    {
                        born = pt::event_msg(tid).ok().and_then(|m| Pid::try_from(m).ok());
                    }
                    Some(delivery_signal(&si))
                }
                // Stopped without a siginfo: no signal to hand back.
                Err(e) if e.raw_os_error() == Some(libc::EINVAL) => Some(0),
                // ESRCH: running (or PTRACE_LISTENed in group-stop), or gone.
                Err(_) => None,
            },
        };
        if let Some(sig) = inject {
            match pt::detach(tid, sig) {
                Ok(()) => {
                    self.done.insert(tid);
                    self.groups.insert(tgid_of(tid));
                    if let Some(child) = born.filter(|&c| c > 0) {
                        self.detach_or_interrupt(child, None);
                    }
                    return;
                }
                Err(e) if esrch(&e) => {}
                // Should not happen; the kernel detaches it when toolbox exits.
                Err(_) => {
                    self.done.insert(tid);
                    return;
                }
            }
        }
        if pt::interrupt(tid).is_ok() {
            self.waiting.insert(tid);
        } else {
            self.done.insert(tid);
        }
    }
}

/// The signal a tracee in a ptrace-stop receives when resumed, from its PTRACE_GETSIGINFO: the
/// signal of a signal-delivery-stop; none for a syscall-stop (`si_code` SIGTRAP|0x80) or an
/// event stop, group-stop included (`si_code` = signal | event << 8). A real signal's `si_code`
/// is never either (SI_KERNEL is 0x80, the others are small or negative).
/// See: kernel/signal.c, ptrace_do_notify().
fn delivery_signal(si: &pt::SigInfo) -> i32 {
    let syscall_stop = si.signo == libc::SIGTRAP && si.code == (libc::SIGTRAP | 0x80);
    let event_stop = si.code > 0 && si.code >> 8 != 0 && si.code & 0xff == si.signo;
    if syscall_stop || event_stop {
        0
    } else {
        si.signo
    }
}

/// Whether `tid` will never report a stop to us under that tid: a ptrace request that needs
/// no stop (a repeated PTRACE_INTERRUPT, harmless) answers ESRCH when it is gone or no longer
/// our tracee (its tid taken over by an exec); with our namespace's /proc, also when it is a
/// zombie or exiting.
fn gone_for_us(tid: Pid, proc_ours: bool) -> bool {
    if pt::interrupt(tid).is_err_and(|e| esrch(&e)) {
        return true;
    }
    proc_ours && task_exiting(tid)
}

/// Our pid as /proc sees it (`/proc/self`): differs from getpid() when /proc belongs to
/// another PID namespace, and then /proc/TID does not name our tracees.
fn proc_self_pid() -> Option<Pid> {
    std::fs::read_link("/proc/self")
        .ok()?
        .to_str()?
        .parse()
        .ok()
}

impl Drop for Tracer {
    fn drop(&mut self) {
        if !self.done && !self.tracees.is_empty() {
            self.detach_all();
        }
        self.release_signals();
    }
}

fn epoch(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

/// PTRACE_SEIZE `tid`, treating a thread that is exiting as gone: the kernel answers EPERM for a
/// task with PF_EXITING set (and for a zombie thread-group leader whose other threads live on).
/// Returns `Ok(false)` when the thread is going away. See: kernel/ptrace.c, ptrace_attach().
fn seize_unless_exiting(tid: Pid, options: libc::c_int) -> io::Result<bool> {
    match pt::seize(tid, options) {
        Ok(()) => Ok(true),
        Err(e) if e.raw_os_error() == Some(libc::EPERM) && task_exiting(tid) => Ok(false),
        Err(e) => Err(e),
    }
}

/// `PF_EXITING` in the flags of /proc/PID/stat. See: include/linux/sched.h.
const PF_EXITING: u64 = 0x4;

/// Whether a task is gone, a zombie, or on its way out (`PF_EXITING`).
fn task_exiting(tid: Pid) -> bool {
    let stat = match std::fs::read_to_string(format!("/proc/{tid}/stat")) {
        Ok(s) => s,
        // Gone (ESRCH: a task being reaped); another error says nothing about the task.
        Err(e) => return e.kind() == io::ErrorKind::NotFound || esrch(&e),
    };
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return false;
    };
    // After the comm: state ppid pgrp session tty_nr tpgid flags ...
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let state = fields.first().and_then(|s| s.chars().next());
    let flags: u64 = fields.get(6).and_then(|f| f.parse().ok()).unwrap_or(0);
    matches!(state, Some('Z' | 'X' | 'x')) || flags & PF_EXITING != 0
}

/// The tracer of `pid` when it is someone else (TracerPid, in /proc's PID namespace; 0 when
/// untraced or when the tracer is not visible here).
fn other_tracer(pid: Pid) -> Option<Pid> {
    tracer_of(pid).filter(|&t| t != 0 && Some(t) != proc_self_pid())
}

fn already_traced(pid: Pid, tracer: Pid) -> TraceError {
    let comm = std::fs::read_to_string(format!("/proc/{tracer}/comm"))
        .map(|c| c.trim_end_matches('\n').to_string())
        .unwrap_or_else(|_| "?".into());
    TraceError::AlreadyTraced { pid, tracer, comm }
}

fn tracer_of(pid: Pid) -> Option<Pid> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("TracerPid:"))
        .and_then(|v| v.trim().parse().ok())
}

fn tgid_of(tid: Pid) -> Pid {
    std::fs::read_to_string(format!("/proc/{tid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Tgid:"))
                .and_then(|v| v.trim().parse().ok())
        })
        .unwrap_or(tid)
}

/// The thread ids of process `pid`.
fn list_tasks(pid: Pid) -> Result<Vec<Pid>, TraceError> {
    let dir = std::fs::read_dir(format!("/proc/{pid}/task")).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            TraceError::NoProcess { pid }
        } else {
            TraceError::Attach { pid, source: e }
        }
    })?;
    let mut tids: Vec<Pid> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    tids.sort_unstable();
    Ok(tids)
}

/// `execvp`'s search, done before fork: a name with a `/` is used as is, else the first
/// executable regular file in `$PATH`.
fn resolve_command(cmd: &OsStr) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    if cmd.is_empty() {
        return None;
    }
    if cmd.as_bytes().contains(&b'/') {
        return Some(PathBuf::from(cmd));
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    std::env::split_paths(&path).map(|d| d.join(cmd)).find(|p| {
        std::fs::metadata(p)
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_finds_sh() {
        assert!(resolve_command(OsStr::new("sh")).is_some());
        assert!(resolve_command(OsStr::new("no-such-command-here")).is_none());
        assert_eq!(
            resolve_command(OsStr::new("./x")),
            Some(PathBuf::from("./x"))
        );
    }

    #[test]
    fn only_signal_delivery_stops_hand_a_signal_back() {
        let si = |signo, code| pt::SigInfo {
            signo,
            code,
            ..Default::default()
        };
        // Syscall-stop, exec event, group-stop and PTRACE_INTERRUPT stop: nothing to deliver.
        assert_eq!(delivery_signal(&si(libc::SIGTRAP, libc::SIGTRAP | 0x80)), 0);
        let exec = libc::SIGTRAP | (libc::PTRACE_EVENT_EXEC << 8);
        assert_eq!(delivery_signal(&si(libc::SIGTRAP, exec)), 0);
        let group = libc::SIGSTOP | (pt::EVENT_STOP << 8);
        assert_eq!(delivery_signal(&si(libc::SIGSTOP, group)), 0);
        let interrupt = libc::SIGTRAP | (pt::EVENT_STOP << 8);
        assert_eq!(delivery_signal(&si(libc::SIGTRAP, interrupt)), 0);
        // Signals from kill, tgkill, sigqueue, the kernel (SI_KERNEL) and faults.
        assert_eq!(delivery_signal(&si(libc::SIGUSR1, 0)), libc::SIGUSR1);
        assert_eq!(delivery_signal(&si(libc::SIGUSR1, -6)), libc::SIGUSR1);
        assert_eq!(delivery_signal(&si(libc::SIGALRM, -1)), libc::SIGALRM);
        assert_eq!(delivery_signal(&si(libc::SIGTRAP, 0x80)), libc::SIGTRAP);
        assert_eq!(delivery_signal(&si(libc::SIGSEGV, 1)), libc::SIGSEGV);
        assert_eq!(delivery_signal(&si(libc::SIGSTOP, 0)), libc::SIGSTOP);
    }

    #[test]
    fn tracee_memory_reads_strings() {
        let s = b"hello\0world";
        let m = TraceeMemory {
            pid: std::process::id() as Pid,
            peek: false,
        };
        let (got, trunc) = m.read_cstr(s.as_ptr() as u64, 32).unwrap();
        assert_eq!((got.as_slice(), trunc), (&b"hello"[..], false));
        let (got, trunc) = m.read_cstr(s.as_ptr() as u64, 3).unwrap();
        assert_eq!((got.as_slice(), trunc), (&b"hel"[..], true));
    }
}
