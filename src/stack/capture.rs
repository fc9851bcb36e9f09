//! The only part of `stack` that stops the process: seize and interrupt every thread (the
//! `trace` engine's attach), copy each thread's registers and the top of its stack, and detach
//! (the `trace` engine's clean detach: signals handed back, group-stops kept).

use std::time::{Duration, Instant};

use super::StackError;
use crate::sys::ptrace::{self as pt, Pid, UnwindRegs};
use crate::trace::engine::{Options, Tracer};

/// Bytes of stack copied per thread, from the stack pointer up (less where the stack ends).
pub const STACK_COPY: usize = 256 << 10;
/// Below the stack pointer too: x86_64's red zone, where a leaf function may keep data.
/// See: the System V x86_64 ABI, "The Red Zone".
const RED_ZONE: u64 = 128;
/// How long (from the first seize) to wait for every thread to stop before giving up on the
/// rest.
pub const STOP_PATIENCE: Duration = Duration::from_millis(500);

/// What was copied from one thread while it was stopped.
#[derive(Clone, Debug)]
pub struct ThreadCopy {
    /// Thread id.
    pub tid: Pid,
    /// Its registers, or why they could not be read.
    pub regs: Result<UnwindRegs, String>,
    /// The address of `stack[0]`.
    pub stack_start: u64,
    /// Stack memory from `stack_start` up.
    pub stack: Vec<u8>,
}

impl ThreadCopy {
    /// The 8-byte word at `addr` in the copy, if it was copied.
    pub fn word(&self, addr: u64) -> Option<u64> {
        let off = usize::try_from(addr.checked_sub(self.stack_start)?).ok()?;
        let bytes = self.stack.get(off..off.checked_add(8)?)?;
        let mut w = [0u8; 8];
        w.copy_from_slice(bytes);
        Some(u64::from_ne_bytes(w))
    }
}

/// The copies of every thread and how long the process was stopped.
#[derive(Debug)]
pub struct Capture {
    /// One per thread, in tid order.
    pub threads: Vec<ThreadCopy>,
    /// From the first seize to the release of the last stopped thread.
    pub stopped: Duration,
    /// Threads seized that had not stopped by the deadline (uninterruptible sleep, or no CPU
    /// to run on): released without a copy.
    pub missed: usize,
}

/// Stop every thread of `pid`, copy registers and stacks (of `only` when given), release them.
pub fn capture(pid: Pid, only: Option<Pid>) -> Result<Capture, StackError> {
    let mut tracer = Tracer::new(Options::default(), Box::new(std::io::sink()));
    tracer
        .catch_signals()
        .map_err(|source| StackError::Signals { pid, source })?;
    let result = capture_with(&mut tracer, pid, only, STOP_PATIENCE, None);
    let interrupted = tracer.interrupted();
    // Dropping the tracer restores the signal handlers.
    drop(tracer);
    let cap = result?;
    if let Some(signal) = interrupted {
        return Err(StackError::Interrupted { pid, signal });
    }
    if let Some(tid) = only {
        if !cap.threads.iter().any(|t| t.tid == tid) {
            return Err(StackError::NoSuchThread { pid, tid });
        }
    }
    Ok(cap)
}

/// One capture with `tracer` (whose signal handlers the caller installed and whose
/// [`Tracer::interrupted`] it checks): every stopped thread is released before this returns,
/// also on error. Threads that have not stopped `deadline` after the first seize are not
/// copied ([`Capture::missed`]); they are awaited `detach_patience` more (`None`: the
/// engine's 3 s) to be released when they stop, and one still not stopped stays seized until
/// the tracer's next attach of the process or toolbox's exit (see
/// [`Tracer::detach_all_within`]).
pub fn capture_with(
    tracer: &mut Tracer,
    pid: Pid,
    only: Option<Pid>,
    deadline: Duration,
    detach_patience: Option<Duration>,
) -> Result<Capture, StackError> {
    // The stack copies go through one buffer allocated and touched before anything stops: its
    // allocation and first-touch page faults (a mapping and 64 faults a thread) were most of the
    // time the threads were held.
    let mut scratch = vec![0xffu8; STACK_COPY];
    let start = Instant::now();
    let result = tracer.attach(pid);
    let mut threads = Vec::new();
    let mut missed = 0;
    if let Ok(seized) = result {
        let patience = deadline.saturating_sub(start.elapsed());
        let held = Instant::now();
        let stopped = tracer.hold_stops(patience, |tid, sig, event| {
            // One register read for both the unwind and the EINTR check.
            let regs = pt::unwind_registers(tid);
            // Our PTRACE_INTERRUPT stop (SIGTRAP; a group-stop carries its stop signal).
            if event == pt::EVENT_STOP && sig == libc::SIGTRAP {
                if let Ok((_, Some(returning))) = regs {
                    undo_eintr(pid, tid, returning);
                }
            }
            if only.is_none_or(|t| t == tid) {
                threads.push(copy_thread(tid, regs.map(|r| r.0), &mut scratch));
            }
        });
        // hold_stops returns early only when every thread stopped or exited (or a signal
        // came): a thread still awaited at the deadline is a miss, one that exited is not.
        if tracer.interrupted().is_none() && held.elapsed() >= patience {
            missed = seized.saturating_sub(stopped.len());
        }
    }
    let (_, released) = tracer.detach_all_within(detach_patience);
    // Until every stopped thread was released (not the wait for ones that never stopped).
    let stopped = released.saturating_duration_since(start);
    result?;
    threads.sort_by_key(|t| t.tid);
    Ok(Capture {
        threads,
        stopped,
        missed,
    })
}

/// The system calls that fail with `EINTR` when the thread is stopped, even with no signal
/// handler, where others are restarted by the kernel unseen; a PTRACE_INTERRUPT is such a stop.
/// See: signal(7), "Interruption of system calls and library functions by stop signals".
const EINTR_ON_STOP: [&str; 6] = [
    "epoll_wait",
    "epoll_pwait",
    "epoll_pwait2",
    "semop",
    "semtimedop",
    "rt_sigtimedwait",
];

/// When our interrupt made one of [`EINTR_ON_STOP`] fail with `EINTR`, have the thread issue it
/// again on resume, as the kernel does for calls it restarts, so the app sees no `EINTR` (a
/// relative timeout starts over: the call may wait longer, never shorter). Left alone when a
/// signal is pending for the thread or its process: that signal may be the real cause.
/// (A signal arriving between this check and the detach is then handled with the call
/// restarted, as with `SA_RESTART`.) Not possible on arm64 (see [`pt::unwind_registers`]).
fn undo_eintr(pid: Pid, tid: Pid, (nr, ret): (u64, i64)) {
    let interruptible =
        crate::trace::syscalls::name(nr).is_some_and(|n| EINTR_ON_STOP.contains(&n));
    if ret == -i64::from(libc::EINTR) && interruptible && !signal_pending(pid, tid) {
        let _ = pt::reissue_syscall(tid);
    }
}

/// Whether /proc shows a signal pending for thread `tid` (`SigPnd`) or its process (`ShdPnd`);
/// unreadable counts as pending.
fn signal_pending(pid: Pid, tid: Pid) -> bool {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/status")) else {
        return true;
    };
    ["SigPnd:", "ShdPnd:"].iter().any(|field| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .is_none_or(|v| u64::from_str_radix(v.trim(), 16) != Ok(0))
    })
}

/// A stopped thread's registers (read by the caller) and the top of its stack.
fn copy_thread(tid: Pid, regs: std::io::Result<UnwindRegs>, scratch: &mut [u8]) -> ThreadCopy {
    let regs = regs.map_err(|e| format!("cannot read the registers: {e}"));
    let (stack_start, stack) = match &regs {
        Ok(r) => {
            let from = r.sp.saturating_sub(RED_ZONE);
            (
                from,
                pt::read_memory_into(tid, from, scratch)
                    .map_or_else(|_| Vec::new(), |n| scratch[..n].to_vec()),
            )
        }
        Err(_) => (0, Vec::new()),
    };
    ThreadCopy {
        tid,
        regs,
        stack_start,
        stack,
    }
}

/// What /proc says about a thread (read after the process runs again).
#[derive(Clone, Debug, Default)]
pub struct ThreadInfo {
    /// `comm`.
    pub name: String,
    /// `State:` of status (`S (sleeping)`).
    pub state: String,
    /// wchan, unless `0` or unreadable.
    pub wchan: Option<String>,
    /// The kernel stack's lines, when readable.
    pub kernel_stack: Option<Vec<String>>,
}

/// Read [`ThreadInfo`] of `tid` of `pid` from /proc.
pub fn thread_info(pid: Pid, tid: Pid) -> ThreadInfo {
    let dir = format!("/proc/{pid}/task/{tid}");
    let read = |f: &str| std::fs::read(format!("{dir}/{f}")).ok();
    let name = read("comm")
        .map(|c| crate::output::sanitize_bytes(c.strip_suffix(b"\n").unwrap_or(&c)))
        .unwrap_or_default();
    let state = read("status")
        .and_then(|s| {
            String::from_utf8_lossy(&s)
                .lines()
                .find_map(|l| l.strip_prefix("State:"))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default();
    let wchan = read("wchan")
        .map(|w| crate::output::sanitize_bytes(&w))
        .filter(|w| !w.is_empty() && w != "0");
    let kernel_stack = read("stack").map(|s| {
        String::from_utf8_lossy(&s)
            .lines()
            .map(crate::output::sanitize)
            .collect()
    });
    ThreadInfo {
        name,
        state,
        wchan,
        kernel_stack,
    }
}
