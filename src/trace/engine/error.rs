//! What can go wrong while tracing, each error naming the process it concerns.

use super::*;

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
