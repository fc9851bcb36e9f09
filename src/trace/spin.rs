//! When to poll for the next ptrace stop instead of sleeping in waitpid.
//!
//! Polling spares a wake-up per stop, which is most of a stop's cost where waking an idle CPU is
//! expensive (virtual machines halt idle vCPUs): there a syscall-heavy tracee runs ~3x faster.
//! Where the CPUs are busy with other work the opposite holds: a polling tracer is one more
//! runnable task, and the tracee waits for a CPU. Which case applies changes with the machine's
//! load, so the governor measures it: it alternates a short period of polling with one of
//! sleeping, keeps whichever let the tracee stop more often (stops per second are the tracee's
//! progress), uses it for a while, and measures again.

use std::time::{Duration, Instant};

/// Length of each measuring period.
const PERIOD: Duration = Duration::from_millis(50);
/// How many periods the winner is used before the next measurement.
const USE_PERIODS: u32 = 20;
/// Polling must beat sleeping by this factor to be chosen (it costs CPU).
const MARGIN: f64 = 1.1;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    /// Measuring with polling on.
    TryPoll,
    /// Measuring with polling off; the rate measured while polling.
    TrySleep { poll_rate: f64 },
    /// Using the choice for this many more periods.
    Use { left: u32 },
}

/// Decides per wait whether to poll, from the stop rates it measured (see the module docs).
#[derive(Debug)]
pub struct Governor {
    max: Duration,
    polling: bool,
    phase: Phase,
    since: Instant,
    stops: u64,
}

impl Governor {
    /// A governor polling for at most `max` per wait (zero: never).
    pub fn new(max: Duration, now: Instant) -> Governor {
        Governor {
            max,
            polling: !max.is_zero(),
            phase: Phase::TryPoll,
            since: now,
            stops: 0,
        }
    }

    /// How long the next wait should poll before it sleeps.
    pub fn poll_for(&self) -> Duration {
        if self.polling {
            self.max
        } else {
            Duration::ZERO
        }
    }

    /// Count one event (a stop or exit) seen at `now`.
    pub fn event(&mut self, now: Instant) {
        if self.max.is_zero() {
            return;
        }
        self.stops += 1;
        let elapsed = now.saturating_duration_since(self.since);
        if elapsed < PERIOD {
            return;
        }
        let rate = self.stops as f64 / elapsed.as_secs_f64();
        (self.phase, self.polling) = match self.phase {
            Phase::TryPoll => (Phase::TrySleep { poll_rate: rate }, false),
            Phase::TrySleep { poll_rate } => {
                (Phase::Use { left: USE_PERIODS }, poll_rate > rate * MARGIN)
            }
            Phase::Use { left } if left > 1 => (Phase::Use { left: left - 1 }, self.polling),
            Phase::Use { .. } => (Phase::TryPoll, true),
        };
        self.since = now;
        self.stops = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: Duration = Duration::from_micros(50);

    /// Feed `n` events evenly over one period starting at `*t`, the last one at its end.
    fn period(g: &mut Governor, t: &mut Instant, n: u32) {
        let start = *t;
        for i in 1..=n {
            *t = start + PERIOD * i / n;
            g.event(*t);
        }
    }

    fn run(poll_events: u32, sleep_events: u32) -> bool {
        let mut t = Instant::now();
        let mut g = Governor::new(MAX, t);
        assert_eq!(g.poll_for(), MAX, "starts by measuring with polling");
        period(&mut g, &mut t, poll_events);
        assert_eq!(g.poll_for(), Duration::ZERO, "then measures sleeping");
        period(&mut g, &mut t, sleep_events);
        g.poll_for() == MAX
    }

    #[test]
    fn keeps_polling_only_when_it_pays() {
        assert!(run(3000, 1000), "3x the stops while polling");
        assert!(!run(1000, 3000), "polling slowed the tracee");
        assert!(!run(1040, 1000), "within the margin: sleeping saves CPU");
    }

    #[test]
    fn measures_again_after_using_the_choice() {
        let mut t = Instant::now();
        let mut g = Governor::new(MAX, t);
        period(&mut g, &mut t, 100);
        period(&mut g, &mut t, 300);
        assert_eq!(g.poll_for(), Duration::ZERO);
        for _ in 0..USE_PERIODS {
            assert_eq!(g.poll_for(), Duration::ZERO);
            period(&mut g, &mut t, 100);
        }
        assert_eq!(g.poll_for(), MAX, "a new measurement starts with polling");
    }

    #[test]
    fn zero_never_polls() {
        let mut t = Instant::now();
        let mut g = Governor::new(Duration::ZERO, t);
        for _ in 0..5 {
            period(&mut g, &mut t, 1000);
            assert_eq!(g.poll_for(), Duration::ZERO);
        }
    }
}
