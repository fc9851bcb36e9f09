//! Holding every thread of a process stopped just long enough to copy its registers and stack:
//! `toolbox stack` seizes with [`Tracer::attach`], collects each interrupt stop here, then
//! releases them all with [`Tracer::detach_all`], the same clean detach as `trace`.

use super::*;

impl Tracer {
    /// Wait for the stop of every seized thread (the PTRACE_INTERRUPT that [`Tracer::attach`]
    /// sent, or a signal-delivery or group-stop that came first) and call `each(tid, signal, event)` while that
    /// thread is stopped. No thread is resumed here: [`Tracer::detach_all`] hands back any signal
    /// a thread was about to receive. A thread that has not stopped within `patience`
    /// (uninterruptible sleep) is left out. Returns the threads seen stopped, in tid order of
    /// their stops.
    pub fn hold_stops(
        &mut self,
        patience: Duration,
        mut each: impl FnMut(Pid, i32, i32),
    ) -> Vec<Pid> {
        let mut waiting: HashSet<Pid> = self.tracees.keys().copied().collect();
        let mut stopped = Vec::new();
        let deadline = Instant::now() + patience;
        let mut nap = DETACH_POLL_MIN;
        while !waiting.is_empty() && self.interrupted().is_none() {
            match pt::wait(-1, true) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
                Ok(None) => {
                    if Instant::now() >= deadline {
                        break;
                    }
                    std::thread::sleep(nap);
                    nap = (nap * 2).min(DETACH_POLL_MAX);
                }
                Ok(Some(Wait::Stopped(tid, sig, event))) => {
                    if waiting.remove(&tid) {
                        each(tid, sig, event);
                        stopped.push(tid);
                    }
                }
                Ok(Some(Wait::Exited(tid, _) | Wait::Signaled(tid, ..))) => {
                    waiting.remove(&tid);
                    self.tracees.remove(&tid);
                }
                Ok(Some(Wait::Other(_))) => {}
            }
        }
        stopped
    }
}
