//! `stack`: every thread's native stack, symbolized. The process is stopped only while its
//! registers and stack memory are copied ([`capture`]); unwinding (DWARF CFI from `.eh_frame` /
//! `.debug_frame`, frame pointers as the fallback, by framehop) and symbolization (`.symtab`,
//! `.dynsym`, demangled) run on the copies while the process goes on ([`unwind`], [`symbols`]).

pub mod capture;
pub mod gopclntab;
pub mod maps;
pub mod profile;
pub mod render;
pub mod symbols;
pub mod unwind;

use serde::Serialize;

use crate::sys::ptrace::Pid;

/// What can go wrong dumping stacks.
#[derive(Debug, thiserror::Error)]
pub enum StackError {
    /// Seizing the threads failed (no such process, EPERM, already traced, …).
    #[error(transparent)]
    Attach(#[from] crate::trace::engine::TraceError),
    /// Installing the signal handlers that guarantee a clean detach failed.
    #[error("cannot install signal handlers before attaching to PID {pid}: {source}")]
    Signals {
        /// The process.
        pid: Pid,
        /// Why.
        source: std::io::Error,
    },
    /// /proc/PID/maps could not be read.
    #[error("cannot read /proc/{pid}/maps: {source}")]
    Maps {
        /// The process.
        pid: Pid,
        /// Why.
        source: std::io::Error,
    },
    /// A signal (Ctrl-C, SIGTERM, SIGHUP) stopped the dump; every thread was released first.
    #[error("interrupted by signal {signal}; PID {pid} was released")]
    Interrupted {
        /// The process.
        pid: Pid,
        /// The signal.
        signal: i32,
    },
    /// `--tid` names no thread of the process.
    #[error("thread {tid} is not a thread of PID {pid}")]
    NoSuchThread {
        /// The process.
        pid: Pid,
        /// The thread asked for.
        tid: Pid,
    },
}

/// Every thread's stack of one process.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The process.
    pub pid: Pid,
    /// How long the process was stopped, in microseconds (seize to detach).
    pub stopped_us: u64,
    /// The threads, in tid order.
    pub threads: Vec<ThreadStack>,
    /// What could not be shown and why (with the fix).
    pub notes: Vec<String>,
}

/// One thread.
#[derive(Clone, Debug, Serialize)]
pub struct ThreadStack {
    /// Thread id.
    pub tid: Pid,
    /// `comm` of the thread.
    pub name: String,
    /// State letter and word from /proc/PID/task/TID/status (`S (sleeping)`).
    pub state: String,
    /// Where the kernel has it waiting (/proc/PID/task/TID/wchan), when it says.
    pub wchan: Option<String>,
    /// The kernel stack (/proc/PID/task/TID/stack), when readable (CAP_SYS_ADMIN).
    pub kernel_stack: Option<Vec<String>>,
    /// User-space frames, innermost first.
    pub frames: Vec<Frame>,
    /// Why the frames stop early or are missing (not stopped in time, registers unreadable).
    pub error: Option<String>,
}

/// One user-space frame.
#[derive(Clone, Debug, Serialize)]
pub struct Frame {
    /// The instruction pointer (frame 0) or return address.
    pub addr: u64,
    /// The function (demangled), when a symbol covers the address.
    pub function: Option<String>,
    /// Offset of the address from the function's start.
    pub offset: u64,
    /// The object file mapped there (its path in the target's root).
    pub object: Option<String>,
    /// Source file and line (`--lines`), when the object has DWARF line tables.
    pub line: Option<String>,
}

/// Dump the stacks of `pid` (only thread `tid` when given; source lines with `lines`).
pub fn dump(pid: Pid, tid: Option<Pid>, lines: bool) -> Result<Report, StackError> {
    // Attach first: its error names the capability and the fix, where /proc/PID/maps would
    // only say EACCES. The maps are read once the process runs again (a library loaded in
    // between is seen, one unloaded in between is missed: its frames show no function).
    let cap = capture::capture(pid, tid)?;
    let maps = maps::read(pid).map_err(|source| StackError::Maps { pid, source })?;
    let mut objects = symbols::Objects::load(pid, &maps);
    let unwinder = unwind::Unwinder::new(&objects);
    let mut threads = Vec::new();
    for copy in &cap.threads {
        let info = capture::thread_info(pid, copy.tid);
        let (frames, error) = match &copy.regs {
            Ok(regs) => {
                let addrs = unwinder.unwind(regs, copy);
                let frames = addrs
                    .iter()
                    .map(|a| objects.symbolize(a.addr, a.lookup, lines))
                    .collect();
                (frames, None)
            }
            Err(e) => (Vec::new(), Some(e.clone())),
        };
        threads.push(ThreadStack {
            tid: copy.tid,
            name: info.name,
            state: info.state,
            wchan: info.wchan,
            kernel_stack: info.kernel_stack,
            frames,
            error,
        });
    }
    let mut notes = Vec::new();
    if cap.missed > 0 {
        notes.push(format!(
            "{} thread(s) had not stopped {} ms after the first seize (uninterruptible sleep?) \
             and were released without their stacks",
            cap.missed,
            capture::STOP_PATIENCE.as_millis()
        ));
    }
    if threads.iter().any(|t| t.kernel_stack.is_none()) {
        // See: fs/proc/base.c, proc_pid_stack().
        notes.push(
            "kernel stacks not shown: /proc/PID/task/TID/stack needs CAP_SYS_ADMIN \
             (kubectl debug --profile=sysadmin)"
                .to_string(),
        );
    }
    Ok(Report {
        pid,
        stopped_us: cap.stopped.as_micros() as u64,
        threads,
        notes,
    })
}

/// Where an object's bytes come from: a file of the target's root, or a copy of its memory.
pub trait Source: std::io::Read + std::io::Seek {}
impl<T: std::io::Read + std::io::Seek> Source for T {}
