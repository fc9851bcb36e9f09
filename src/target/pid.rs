//! What a `--pid` names: a live process, a kernel thread or a zombie, and the refusal of the
//! last two for every command that acts on a target.

use super::{scan, Scan, Selector, TargetError};

/// What `/proc/PID/stat` says about a process given with `--pid`, for [`check_pid`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PidKind {
    /// A live user-space process (or one whose stat could not be read: let the caller's own
    /// access decide).
    Process,
    /// A kernel thread (`PF_KTHREAD`).
    KernelThread {
        /// comm.
        comm: String,
    },
    /// A zombie (`Z`) or a task being reaped (`X`).
    Zombie {
        /// comm.
        comm: String,
        /// Parent PID.
        parent: i32,
    },
}

impl PidKind {
    /// Classify `pid` from its stat file. See: proc(5), /proc/pid/stat (state, flags).
    pub fn read(pid: i32) -> PidKind {
        std::fs::read(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|b| Self::parse(&b))
            .unwrap_or(PidKind::Process)
    }

    /// Classify from the text of a stat file; `None` when malformed.
    pub fn parse(stat: &[u8]) -> Option<PidKind> {
        let open = stat.iter().position(|&b| b == b'(')?;
        let close = stat.iter().rposition(|&b| b == b')')?;
        let comm = String::from_utf8_lossy(stat.get(open + 1..close)?).into_owned();
        let rest = std::str::from_utf8(stat.get(close + 1..)?).ok()?;
        let f: Vec<&str> = rest.split_ascii_whitespace().collect();
        let state = f.first()?.chars().next()?;
        let parent: i32 = f.get(1)?.parse().ok()?;
        let flags: u32 = f.get(6)?.parse().ok()?;
        Some(if flags & scan::PF_KTHREAD != 0 {
            PidKind::KernelThread { comm }
        } else if matches!(state, 'Z' | 'X' | 'x') {
            PidKind::Zombie { comm, parent }
        } else {
            PidKind::Process
        })
    }
}

/// Refuse a `--pid` that no command can act on (a kernel thread, a zombie), with the candidates
/// that could be chosen instead. Cheap when the PID is fine: one read of its stat file; the
/// `/proc` scan for the candidate list happens only on refusal.
pub fn check_pid(pid: i32) -> Result<(), TargetError> {
    if PidKind::read(pid) == PidKind::Process {
        return Ok(());
    }
    match Scan::new()?.choose(&Selector::Pid(pid)) {
        Ok(_) => Ok(()),
        Err(e) => Err(e),
    }
}
