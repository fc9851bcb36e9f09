//! The text form of a [`Report`]: one block per thread, frames as
//! `#N 0xADDR function+0xOFF (object)`.

use std::fmt::Write as _;

use super::Report;

/// Render `report` for people.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "PID {}: {} thread(s), stopped {}.{:03} ms",
        report.pid,
        report.threads.len(),
        report.stopped_us / 1000,
        report.stopped_us % 1000
    );
    for t in &report.threads {
        let _ = write!(out, "\nTID {} \"{}\" {}", t.tid, t.name, t.state);
        if let Some(w) = &t.wchan {
            let _ = write!(out, " wchan {w}");
        }
        out.push('\n');
        if let Some(k) = &t.kernel_stack {
            for line in k {
                let _ = writeln!(out, "  kernel: {line}");
            }
        }
        for (i, f) in t.frames.iter().enumerate() {
            let _ = write!(out, "  #{i:<2} 0x{:016x}", f.addr);
            match &f.function {
                Some(name) => {
                    // A symbol name comes from the target's files: escape sequences escaped.
                    let _ = write!(out, " {}+0x{:x}", crate::output::sanitize(name), f.offset);
                }
                None => out.push_str(" ??"),
            }
            if let Some(o) = &f.object {
                let _ = write!(out, " ({o})");
            }
            if let Some(l) = &f.line {
                let _ = write!(out, " at {l}");
            }
            out.push('\n');
        }
        if let Some(e) = &t.error {
            let _ = writeln!(out, "  ({e})");
        }
    }
    for n in &report.notes {
        let _ = write!(out, "\nnote: {n}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stack::{Frame, ThreadStack};

    #[test]
    fn escape_sequences_in_symbol_names_are_escaped() {
        let report = Report {
            pid: 1,
            stopped_us: 1500,
            threads: vec![ThreadStack {
                tid: 1,
                name: "t".into(),
                state: "S (sleeping)".into(),
                wchan: None,
                kernel_stack: None,
                frames: vec![Frame {
                    addr: 0x1000,
                    function: Some("evil\x1b[2J".into()),
                    offset: 4,
                    object: Some("/bin/a".into()),
                    line: None,
                }],
                error: None,
            }],
            notes: Vec::new(),
        };
        let t = text(&report);
        assert!(!t.contains('\x1b'), "{t:?}");
        assert!(t.contains("stopped 1.500 ms"), "{t}");
    }
}
