//! The trace output and stderr notes, guarded so that a blocked write (a paused pager, a full
//! pipe) cannot keep toolbox, and the tracees it holds, stuck after a fatal signal.

use super::*;

/// What the tracer and its [`Guarded`] output share.
#[derive(Debug, Default)]
pub(super) struct OutputState {
    /// A write was given up after a fatal signal: later writes fail at once.
    pub(super) stuck: AtomicBool,
    /// Until when a write interrupted after a fatal signal is retried (the last flush).
    pub(super) grace_until: Mutex<Option<Instant>>,
}

/// The trace output. A write blocked on a paused pager or a full pipe returns EINTR when a
/// signal arrives (our handlers have no SA_RESTART); `BufWriter` would retry it for ever, so
/// once a fatal signal has arrived this turns EINTR into an error instead (after the
/// `grace_until` of the last flush): the event loop then ends and detaches every tracee.
pub(super) struct Guarded {
    pub(super) inner: Box<dyn Write>,
    pub(super) state: Arc<OutputState>,
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

pub(super) fn output_stuck() -> io::Error {
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
