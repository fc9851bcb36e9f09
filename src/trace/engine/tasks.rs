//! Threads and tracers of a process as /proc and the kernel show them: seizing a thread that may
//! be exiting, who else traces it, its thread group, and the launch command's path.

use super::*;

/// PTRACE_SEIZE `tid`, treating a thread that is exiting as gone: the kernel answers EPERM for a
/// task with PF_EXITING set (and for a zombie thread-group leader whose other threads live on).
/// Returns `Ok(false)` when the thread is going away. See: kernel/ptrace.c, ptrace_attach().
pub(super) fn seize_unless_exiting(tid: Pid, options: libc::c_int) -> io::Result<bool> {
    match pt::seize(tid, options) {
        Ok(()) => Ok(true),
        Err(e) if e.raw_os_error() == Some(libc::EPERM) && task_exiting(tid) => Ok(false),
        Err(e) => Err(e),
    }
}

/// `PF_EXITING` in the flags of /proc/PID/stat. See: include/linux/sched.h.
pub(super) const PF_EXITING: u64 = 0x4;

/// Whether a task is gone, a zombie, or on its way out (`PF_EXITING`).
pub(super) fn task_exiting(tid: Pid) -> bool {
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
pub(super) fn other_tracer(pid: Pid) -> Option<Pid> {
    tracer_of(pid).filter(|&t| t != 0 && Some(t) != proc_self_pid())
}

pub(super) fn already_traced(pid: Pid, tracer: Pid) -> TraceError {
    let comm = std::fs::read_to_string(format!("/proc/{tracer}/comm"))
        .map(|c| c.trim_end_matches('\n').to_string())
        .unwrap_or_else(|_| "?".into());
    TraceError::AlreadyTraced { pid, tracer, comm }
}

pub(super) fn tracer_of(pid: Pid) -> Option<Pid> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("TracerPid:"))
        .and_then(|v| v.trim().parse().ok())
}

pub(super) fn tgid_of(tid: Pid) -> Pid {
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
pub(super) fn list_tasks(pid: Pid) -> Result<Vec<Pid>, TraceError> {
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
pub(super) fn resolve_command(cmd: &OsStr) -> Option<PathBuf> {
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
