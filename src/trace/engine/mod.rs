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

mod detach;
mod error;
mod guard;
mod memory;
mod snapshot;
mod syscall;
mod tasks;

use detach::*;
pub use error::TraceError;
pub use guard::note;
use guard::*;
use memory::*;
use tasks::*;

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

/// Which of the signals the tracer catches (and SIGPIPE, which Rust ignores for itself, so its
/// inherited state is unknown and it is left out) are ignored now.
fn inherited_ignored() -> Vec<i32> {
    FATAL_SIGNALS
        .iter()
        .copied()
        .chain([libc::SIGALRM])
        .filter(|&sig| pt::is_ignored(sig))
        .collect()
}
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
    /// The caught signals that were ignored before toolbox caught them: a launched command
    /// inherits them ignored, as under strace.
    inherited_ignored: Vec<i32>,
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
            inherited_ignored: Vec::new(),
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
        if !self.handlers {
            self.inherited_ignored = inherited_ignored();
        }
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
        let ignored = if self.handlers {
            self.inherited_ignored.clone()
        } else {
            inherited_ignored()
        };
        let spawned = pt::spawn_traced(
            &cpath,
            &cargs,
            program.as_deref(),
            self.ptrace_options,
            &ignored,
        )
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
