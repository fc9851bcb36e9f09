//! How trace lines are written: strace's line layout (pid prefix, timestamps, `<unfinished ...>`
//! and `<... NAME resumed>` when threads interleave, `-T` durations) or one JSON object per event.

use std::io::{self, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::sys::ptrace::{Pid, SigInfo};
use crate::trace::decode::signal_name;

/// `-t`, `-tt`, `-ttt`: absolute timestamps at the start of each line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Clock {
    /// No timestamp.
    #[default]
    None,
    /// `-t`: `HH:MM:SS`.
    Seconds,
    /// `-tt`: `HH:MM:SS.uuuuuu`.
    Micros,
    /// `-ttt`: seconds since the epoch with microseconds.
    Epoch,
}

/// Line layout options.
#[derive(Clone, Copy, Debug, Default)]
pub struct Layout {
    /// Absolute timestamps.
    pub clock: Clock,
    /// `-r`: time since the previous line.
    pub relative: bool,
    /// `-T`: time spent in each syscall.
    pub durations: bool,
    /// `--json`: one JSON object per event instead of text.
    pub json: bool,
    /// strace's `-f -o FILE` layout: every line starts with the pid in a column, not `[pid N]`.
    pub pid_column: bool,
}

impl Layout {
    /// Whether wall-clock times are needed at all.
    pub fn needs_time(&self) -> bool {
        self.clock != Clock::None || self.relative || self.json
    }
}

/// strace's `acolumn`: return values are aligned to this column when the call is shorter.
const RETURN_COLUMN: usize = 40;

/// A buffered writer that knows the column the current line has reached.
struct Columns {
    out: io::BufWriter<Box<dyn Write>>,
    col: usize,
}

impl Write for Columns {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        let done = &buf[..n];
        match done.iter().rposition(|&b| b == b'\n') {
            Some(i) => self.col = n - i - 1,
            None => self.col += n,
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Writes trace lines and remembers which thread's line is left open.
pub struct Printer {
    out: Columns,
    layout: Layout,
    /// The thread whose syscall line is printed up to its entry arguments, not yet finished.
    open: Option<Pid>,
    last: Option<SystemTime>,
}

impl Printer {
    /// A printer writing to `out`.
    pub fn new(out: Box<dyn Write>, layout: Layout) -> Printer {
        Printer {
            out: Columns {
                out: io::BufWriter::with_capacity(64 * 1024, out),
                col: 0,
            },
            layout,
            open: None,
            last: None,
        }
    }

    /// The layout in use.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Flush buffered lines.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// End a line left open by another thread with ` <unfinished ...>`; returns that thread.
    pub fn cut_open(&mut self) -> io::Result<Option<Pid>> {
        match self.open.take() {
            Some(pid) => {
                self.out.write_all(b" <unfinished ...>\n")?;
                Ok(Some(pid))
            }
            None => Ok(None),
        }
    }

    /// End the open line of `pid` (only) with `note`, e.g. ` <pid changed to 7 ...>`.
    pub fn cut_open_if(&mut self, pid: Pid, note: &str) -> io::Result<Option<Pid>> {
        if self.open != Some(pid) {
            return Ok(None);
        }
        self.open = None;
        self.out.write_all(note.as_bytes())?;
        self.out.write_all(b"\n")?;
        Ok(Some(pid))
    }

    fn leader(&mut self, pid: Option<Pid>, when: Option<SystemTime>) -> io::Result<()> {
        if let Some(pid) = pid {
            if self.layout.pid_column {
                write!(self.out, "{pid:<5} ")?;
            } else {
                write!(self.out, "[pid {pid:>5}] ")?;
            }
        }
        if let Some(when) = when {
            if self.layout.relative {
                let d = self
                    .last
                    .and_then(|l| when.duration_since(l).ok())
                    .unwrap_or_default();
                write!(self.out, "{:>6}.{:06} ", d.as_secs(), d.subsec_micros())?;
                self.last = Some(when);
            }
            let t = when.duration_since(UNIX_EPOCH).unwrap_or_default();
            match self.layout.clock {
                Clock::None => {}
                Clock::Epoch => write!(self.out, "{}.{:06} ", t.as_secs(), t.subsec_micros())?,
                Clock::Seconds | Clock::Micros => {
                    let (h, m, s) = crate::sys::ptrace::local_time_of_day(t.as_secs() as i64);
                    write!(self.out, "{h:02}:{m:02}:{s:02}")?;
                    if self.layout.clock == Clock::Micros {
                        write!(self.out, ".{:06}", t.subsec_micros())?;
                    }
                    self.out.write_all(b" ")?;
                }
            }
        }
        Ok(())
    }

    /// ` = RET`, aligned like strace: `= ` at column 40 when the line is shorter.
    fn ret(&mut self, ret: &str) -> io::Result<()> {
        if self.out.col < RETURN_COLUMN {
            let pad = RETURN_COLUMN - self.out.col;
            write!(self.out, "{:pad$}= {ret}", "")
        } else {
            write!(self.out, " = {ret}")
        }
    }

    fn duration(&mut self, d: Option<Duration>) -> io::Result<()> {
        if let (true, Some(d)) = (self.layout.durations, d) {
            write!(self.out, " <{}.{:06}>", d.as_secs(), d.subsec_micros())?;
        }
        Ok(())
    }

    /// Print a syscall's entry (`name(args`) and leave the line open. Returns the thread whose
    /// open line had to be cut first, if any.
    pub fn enter(
        &mut self,
        tid: Pid,
        prefix: bool,
        when: Option<SystemTime>,
        name: &str,
        entry_text: &str,
    ) -> io::Result<Option<Pid>> {
        let cut = self.cut_open()?;
        self.leader(prefix.then_some(tid), when)?;
        write!(self.out, "{name}({entry_text}")?;
        self.open = Some(tid);
        Ok(cut)
    }

    /// Finish a syscall whose entry was printed with [`Printer::enter`]: on the same line when it
    /// is still open, else as a `<... NAME resumed>` line. `rest` is the argument text after what
    /// was printed at entry. Returns a cut thread as [`Printer::enter`] does.
    #[allow(clippy::too_many_arguments)]
    pub fn finish(
        &mut self,
        tid: Pid,
        prefix: bool,
        when: Option<SystemTime>,
        name: &str,
        rest: &str,
        ret: &str,
        took: Option<Duration>,
    ) -> io::Result<Option<Pid>> {
        let mut cut = None;
        if self.open == Some(tid) {
            self.open = None;
        } else {
            cut = self.cut_open()?;
            self.leader(prefix.then_some(tid), when)?;
            write!(self.out, "<... {name} resumed>")?;
        }
        write!(self.out, "{rest})")?;
        self.ret(ret)?;
        self.duration(took)?;
        self.out.write_all(b"\n")?;
        Ok(cut)
    }

    /// Print a whole syscall line at once (`name(args) = ret`).
    #[allow(clippy::too_many_arguments)]
    pub fn call(
        &mut self,
        tid: Pid,
        prefix: bool,
        when: Option<SystemTime>,
        name: &str,
        args: &str,
        ret: &str,
        took: Option<Duration>,
    ) -> io::Result<Option<Pid>> {
        let cut = self.cut_open()?;
        self.leader(prefix.then_some(tid), when)?;
        write!(self.out, "{name}({args})")?;
        self.ret(ret)?;
        self.duration(took)?;
        self.out.write_all(b"\n")?;
        Ok(cut)
    }

    /// Print a line that is not a syscall (`--- SIGCHLD {...} ---`, `+++ exited with 0 +++`).
    pub fn event(
        &mut self,
        tid: Pid,
        prefix: bool,
        when: Option<SystemTime>,
        text: &str,
    ) -> io::Result<Option<Pid>> {
        let cut = self.cut_open()?;
        self.leader(prefix.then_some(tid), when)?;
        self.out.write_all(text.as_bytes())?;
        self.out.write_all(b"\n")?;
        Ok(cut)
    }

    /// Print one JSON object on its own line.
    pub fn json(&mut self, value: &serde_json::Value) -> io::Result<()> {
        // Serialise first so that a write error (a closed pipe) stays an io::Error of its kind.
        let mut line = serde_json::to_vec(value).map_err(io::Error::other)?;
        line.push(b'\n');
        self.out.write_all(&line)
    }

    /// End a line left open when its thread is detached mid-syscall (strace's `<detached ...>`).
    pub fn detached(&mut self) -> io::Result<()> {
        if self.open.take().is_some() {
            self.out.write_all(b" <detached ...>\n")?;
        }
        Ok(())
    }

    /// Write raw text (the `-c` table).
    pub fn raw(&mut self, text: &str) -> io::Result<()> {
        self.cut_open()?;
        self.out.write_all(text.as_bytes())
    }
}

/// A signal's name, `SIGRT_N`, or its number.
pub fn signame(sig: i32) -> String {
    match signal_name(sig) {
        Some(n) => n.to_string(),
        None if sig > 32 && sig <= 64 => format!("SIGRT_{}", sig - 32),
        None => sig.to_string(),
    }
}

fn si_code_name(signo: i32, code: i32) -> String {
    let generic = match code {
        0 => Some("SI_USER"),
        0x80 => Some("SI_KERNEL"),
        -1 => Some("SI_QUEUE"),
        -2 => Some("SI_TIMER"),
        -3 => Some("SI_MESGQ"),
        -4 => Some("SI_ASYNCIO"),
        -5 => Some("SI_SIGIO"),
        -6 => Some("SI_TKILL"),
        _ => None,
    };
    if let Some(g) = generic {
        return g.to_string();
    }
    let specific: &[&str] = match signo {
        libc::SIGCHLD => &[
            "CLD_EXITED",
            "CLD_KILLED",
            "CLD_DUMPED",
            "CLD_TRAPPED",
            "CLD_STOPPED",
            "CLD_CONTINUED",
        ],
        libc::SIGSEGV => &["SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR"],
        libc::SIGBUS => &["BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR"],
        libc::SIGTRAP => &["TRAP_BRKPT", "TRAP_TRACE"],
        libc::SIGSYS => &["SYS_SECCOMP"],
        _ => &[],
    };
    usize::try_from(code - 1)
        .ok()
        .and_then(|i| specific.get(i))
        .map_or_else(|| code.to_string(), |s| s.to_string())
}

/// strace's `--- SIG {si_signo=…} ---` text for a signal-delivery-stop.
pub fn signal_line(si: &SigInfo) -> String {
    let name = signame(si.signo);
    let code = si_code_name(si.signo, si.code);
    let mut s = format!("--- {name} {{si_signo={name}, si_code={code}");
    let fault = matches!(
        si.signo,
        libc::SIGSEGV | libc::SIGBUS | libc::SIGILL | libc::SIGFPE
    );
    if si.code <= 0 || si.code == 0x80 && !fault {
        let value = || {
            let p = if si.value == 0 {
                "NULL".to_string()
            } else {
                format!("{:#x}", si.value)
            };
            format!(", si_int={}, si_ptr={p}", si.value as u32 as i32)
        };
        match si.code {
            0x80 => {}
            // SI_TIMER: the timer's id and overrun count share the union with si_pid/si_uid.
            -2 => {
                let id = si.pid as u32;
                let id = if id == 0 {
                    "0".to_string()
                } else {
                    format!("{id:#x}")
                };
                s.push_str(&format!(", si_timerid={id}, si_overrun={}", si.uid as i32));
                s.push_str(&value());
            }
            // SI_USER, SI_TKILL: the sender only; others (SI_QUEUE…) with the value sent.
            0 | -6 => s.push_str(&format!(", si_pid={}, si_uid={}", si.pid, si.uid)),
            -1 => {
                s.push_str(&format!(", si_pid={}, si_uid={}", si.pid, si.uid));
                s.push_str(&value());
            }
            _ => {
                s.push_str(&format!(", si_pid={}, si_uid={}", si.pid, si.uid));
                if si.value != 0 {
                    s.push_str(&value());
                }
            }
        }
    } else if si.signo == libc::SIGCHLD {
        let status = if si.code == 1 {
            si.status.to_string()
        } else {
            signame(si.status)
        };
        s.push_str(&format!(
            ", si_pid={}, si_uid={}, si_status={status}, si_utime={}, si_stime={}",
            si.pid,
            si.uid,
            crate::trace::decode::clock_t_text(si.utime as u64),
            crate::trace::decode::clock_t_text(si.stime as u64)
        ));
    } else if fault {
        if si.addr == 0 {
            s.push_str(", si_addr=NULL");
        } else {
            s.push_str(&format!(", si_addr={:#x}", si.addr));
        }
    }
    s.push_str("} ---");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn interleaved_threads_get_unfinished_and_resumed() {
        let buf = Shared::default();
        let mut p = Printer::new(Box::new(buf.clone()), Layout::default());
        p.enter(10, true, None, "read", "3, ").unwrap();
        let cut = p.enter(11, true, None, "write", "1, \"x\", 1").unwrap();
        assert_eq!(cut, Some(10));
        p.finish(11, true, None, "write", "", "1", None).unwrap();
        p.finish(10, true, None, "read", "\"ab\", 2", "2", None)
            .unwrap();
        p.flush().unwrap();
        let text = String::from_utf8(buf.0.borrow().clone()).unwrap();
        assert_eq!(
            text,
            "[pid    10] read(3,  <unfinished ...>\n\
             [pid    11] write(1, \"x\", 1)            = 1\n\
             [pid    10] <... read resumed>\"ab\", 2)  = 2\n"
        );
    }

    #[test]
    fn sigchld_line() {
        let si = SigInfo {
            signo: libc::SIGCHLD,
            code: 1,
            pid: 42,
            ..SigInfo::default()
        };
        assert_eq!(
            signal_line(&si),
            "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---"
        );
        let si = SigInfo {
            utime: 130,
            stime: 2,
            ..si
        };
        assert!(
            signal_line(&si).ends_with("si_utime=130 /* 1.30 s */, si_stime=2 /* 0.02 s */} ---")
        );
        let si = SigInfo {
            signo: libc::SIGSEGV,
            code: 1,
            ..SigInfo::default()
        };
        assert_eq!(
            signal_line(&si),
            "--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---"
        );
    }
}
