//! `-c`: calls, errors and time per syscall, printed as strace's summary table.

use std::collections::HashMap;
use std::fmt::Write;
use std::time::Duration;

use crate::trace::decode::syscall_name;

#[derive(Clone, Copy, Debug, Default)]
struct Row {
    calls: u64,
    errors: u64,
    time: Duration,
}

/// Per-syscall counters.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    rows: HashMap<u64, Row>,
}

impl Summary {
    /// Count one finished call of `nr` that took `took`.
    pub fn add(&mut self, nr: u64, took: Duration, is_error: bool) {
        let r = self.rows.entry(nr).or_default();
        r.calls += 1;
        r.errors += u64::from(is_error);
        r.time += took;
    }

    /// The table, sorted by time (then calls, then name), with a total line.
    ///
    /// Times are wall-clock time between syscall entry and exit as the tracer saw them (strace's
    /// `-c -w`).
    pub fn render(&self) -> String {
        let mut rows: Vec<(String, Row)> = self
            .rows
            .iter()
            .map(|(&nr, &r)| (syscall_name(nr), r))
            .collect();
        rows.sort_by(|a, b| {
            b.1.time
                .cmp(&a.1.time)
                .then(b.1.calls.cmp(&a.1.calls))
                .then(a.0.cmp(&b.0))
        });
        let total = rows.iter().fold(Row::default(), |acc, (_, r)| Row {
            calls: acc.calls + r.calls,
            errors: acc.errors + r.errors,
            time: acc.time + r.time,
        });
        let total_secs = total.time.as_secs_f64();
        let mut s = String::new();
        let rule = "------ ----------- ----------- --------- --------- ----------------";
        let _ = writeln!(
            s,
            "% time     seconds  usecs/call     calls    errors syscall"
        );
        let _ = writeln!(s, "{rule}");
        let line = |s: &mut String, name: &str, r: &Row| {
            let secs = r.time.as_secs_f64();
            let pct = if total_secs > 0.0 {
                100.0 * secs / total_secs
            } else {
                0.0
            };
            let per = if r.calls > 0 {
                (r.time.as_micros() / u128::from(r.calls)) as u64
            } else {
                0
            };
            let errors = if r.errors > 0 {
                r.errors.to_string()
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "{pct:6.2} {secs:11.6} {per:11} {:9} {errors:>9} {name}",
                r.calls
            );
        };
        for (name, r) in &rows {
            line(&mut s, name, r);
        }
        let _ = writeln!(s, "{rule}");
        let t = total;
        let pct_total = if total_secs > 0.0 { 100.0 } else { 0.0 };
        let secs = t.time.as_secs_f64();
        let per = if t.calls > 0 {
            (t.time.as_micros() / u128::from(t.calls)) as u64
        } else {
            0
        };
        let errors = if t.errors > 0 {
            t.errors.to_string()
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "{pct_total:6.2} {secs:11.6} {per:11} {:9} {errors:>9} total",
            t.calls
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_sorted_by_time_with_total() {
        let mut s = Summary::default();
        s.add(0, Duration::from_micros(30), false);
        s.add(0, Duration::from_micros(10), true);
        s.add(1, Duration::from_micros(60), false);
        let t = s.render();
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 6, "{t}");
        assert!(
            lines[2].ends_with(" write") && lines[2].starts_with(" 60.00"),
            "{t}"
        );
        assert!(
            lines[3].ends_with(" read") && lines[3].contains("        1 read"),
            "{t}"
        );
        assert!(
            lines[5].starts_with("100.00    0.000100") && lines[5].ends_with(" total"),
            "{t}"
        );
        assert!(lines[5].contains("         3         1 total"), "{t}");
    }
}
