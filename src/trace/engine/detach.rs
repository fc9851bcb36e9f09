//! Detaching every tracee cleanly: signals handed back, group-stops kept, one deadline for
//! threads that cannot stop. See: ptrace(2), "Attaching and detaching".

use super::*;

impl Tracer {
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
        self.detach_all_within(None).0
    }

    /// [`Tracer::detach_all`] with its own deadline (`None`: `DETACH_PATIENCE`) for the
    /// tracees that were not in a ptrace-stop; also returns when the tracees that were had all
    /// been released (before the wait for the others). A tracee still awaited at the deadline
    /// stays seized with its stop pending: a later [`Tracer::attach`] of the same process by
    /// this tracer takes it back (and the detach after it releases it), else the kernel
    /// detaches it when toolbox exits.
    pub fn detach_all_within(&mut self, patience: Option<Duration>) -> (usize, Instant) {
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
        let released = Instant::now();
        // /proc tells about our tids only if it is our PID namespace's.
        let proc_ours = proc_self_pid() == Some(std::process::id() as Pid);
        let deadline = Instant::now() + patience.unwrap_or(DETACH_PATIENCE);
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
                        d.detached.push(tid);
                    }
                }
            }
        }
        // Thread groups are looked up only now: a /proc read per thread between two detaches
        // would keep the threads not yet detached stopped that much longer (a 50-thread
        // `stack` dump spent most of its stop there). A thread gone by now is not counted.
        let groups: HashSet<Pid> = d
            .detached
            .iter()
            .filter_map(|&t| tgid_if_alive(t))
            .collect();
        (groups.len(), released)
    }
}

/// The bookkeeping of `detach_all`.
#[derive(Default)]
pub(super) struct Detach {
    /// Tracees detached alive, in order.
    detached: Vec<Pid>,
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
                    self.detached.push(tid);
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
pub(super) fn delivery_signal(si: &pt::SigInfo) -> i32 {
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
pub(super) fn gone_for_us(tid: Pid, proc_ours: bool) -> bool {
    if pt::interrupt(tid).is_err_and(|e| esrch(&e)) {
        return true;
    }
    proc_ours && task_exiting(tid)
}

/// The thread group of `tid` (/proc/TID/status), unless it is gone.
fn tgid_if_alive(tid: Pid) -> Option<Pid> {
    std::fs::read_to_string(format!("/proc/{tid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("Tgid:"))?
        .trim()
        .parse()
        .ok()
}

/// Our pid as /proc sees it (`/proc/self`): differs from getpid() when /proc belongs to
/// another PID namespace, and then /proc/TID does not name our tracees.
pub(super) fn proc_self_pid() -> Option<Pid> {
    std::fs::read_link("/proc/self")
        .ok()?
        .to_str()?
        .parse()
        .ok()
}
