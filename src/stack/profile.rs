//! `stack -n N`: a poor man's profiler. Each sample is one [`capture`](super::capture) (every
//! thread stopped, registers and stacks copied, every thread released) against a deadline;
//! unwinding and symbolization run on the copies while the process goes on, with one
//! symbolizer for the whole run (rebuilt only when the process maps other files) and every
//! address it named kept, so a stack seen again costs a hash lookup per frame.
//!
//! Counting: every captured thread adds one to the count of its stack in every sample. Stacks
//! of threads with the same name (`comm`: the threads of one pool) are merged, as pprof
//! merges across threads and `perf report --sort comm,sym` splits by name; `--per-thread`
//! keeps each thread apart. The folded output puts the thread name as the root frame, as
//! Brendan Gregg's `stackcollapse-perf.pl` does.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::capture::{self, ThreadCopy};
use super::maps::{self, Mapping};
use super::symbols::Objects;
use super::unwind::Unwinder;
use super::StackError;
use crate::sys::ptrace::Pid;
use crate::trace::engine::{Options as TraceOptions, Tracer};

/// Longest single sleep between samples, so that a signal ends the wait soon.
const NAP: Duration = Duration::from_millis(10);

/// What to sample.
#[derive(Clone, Debug)]
pub struct Options {
    /// How many samples.
    pub samples: usize,
    /// From the start of one sample to the start of the next.
    pub interval: Duration,
    /// How long a sample may keep the process stopped, from the first seize: threads not
    /// stopped by then are released without a copy and the sample counts as partial.
    pub max_stop: Duration,
    /// Only this thread's stacks are counted (every thread is still stopped for the copy).
    pub tid: Option<Pid>,
    /// One entry per thread instead of per thread name.
    pub per_thread: bool,
}

/// Min, median and max of the per-sample stop times, in microseconds.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct StopStats {
    /// Shortest.
    pub min: u64,
    /// Median (the upper one of an even count).
    pub median: u64,
    /// Longest.
    pub max: u64,
}

/// The merged samples of one process.
#[derive(Clone, Debug, Serialize)]
pub struct Profile {
    /// The process.
    pub pid: Pid,
    /// Samples asked for.
    pub requested: usize,
    /// Samples taken (partial ones included).
    pub samples: usize,
    /// Samples in which some thread had not stopped by the deadline.
    pub partial: usize,
    /// The interval asked for, in milliseconds.
    pub interval_ms: u64,
    /// The stop deadline per sample, in milliseconds.
    pub max_stop_ms: u64,
    /// How long the process was stopped per sample (seize to detach).
    pub stopped_us: StopStats,
    /// Every sample's stop time, in microseconds, in order.
    pub sample_stopped_us: Vec<u64>,
    /// Wall time from the first sample to the last, in milliseconds.
    pub elapsed_ms: u64,
    /// Whether stacks are per thread (else per thread name).
    pub per_thread: bool,
    /// The sum of all counts (threads captured, over all samples).
    pub total: u64,
    /// The merged stacks, most frequent first.
    pub stacks: Vec<Stack>,
    /// The signal that ended sampling early (every thread was released first).
    pub interrupted_by: Option<i32>,
    /// What ended sampling early or could not be shown.
    pub notes: Vec<String>,
}

/// One distinct stack and how often it was seen.
#[derive(Clone, Debug, Serialize)]
pub struct Stack {
    /// Thread-samples with this stack.
    pub count: u64,
    /// The thread name (`comm`).
    pub thread: String,
    /// The threads it was seen in.
    pub tids: Vec<Pid>,
    /// Innermost first.
    pub frames: Vec<Frame>,
}

/// One frame of a merged stack: the function and object, without the address (frames in the
/// same function merge).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Frame {
    /// The function (demangled), when a symbol covers the address.
    pub function: Option<String>,
    /// The object file mapped there.
    pub object: Option<String>,
}

/// The unwinder and symbolizer of the process's current mappings, with every frame it named.
struct Symbolizer {
    /// The file and vDSO mappings it was built from.
    files: Vec<Mapping>,
    objects: Objects,
    unwinder: Unwinder,
    /// (address, lookup address) to an index in `frames`.
    named: HashMap<(u64, u64), usize>,
}

/// The mappings of the files that have an executable mapping, and the vDSO: what
/// [`Objects::load`] reads. Anonymous mappings (heap, thread stacks) and data files come and go
/// without changing any object, so they do not make the symbolizer start over.
fn file_mappings(all: Vec<Mapping>) -> Vec<Mapping> {
    let code: std::collections::HashSet<Vec<u8>> = all
        .iter()
        .filter(|m| m.exec)
        .filter_map(|m| m.path.clone())
        .filter(|p| p.starts_with(b"/"))
        .collect();
    all.into_iter()
        .filter(|m| {
            m.path
                .as_deref()
                .is_some_and(|p| p == b"[vdso]" || code.contains(p))
        })
        .collect()
}

impl Symbolizer {
    fn new(pid: Pid, files: Vec<Mapping>) -> Symbolizer {
        let objects = Objects::load(pid, &files);
        let unwinder = Unwinder::new(&objects);
        Symbolizer {
            files,
            objects,
            unwinder,
            named: HashMap::new(),
        }
    }
}

/// A merged stack's identity: thread name, tid when per thread (else 0), interned frames
/// innermost first.
type StackKey = (String, Pid, Vec<usize>);

/// Interned frames and the counts of stacks of interned frames.
#[derive(Default)]
struct Tally {
    frames: Vec<Frame>,
    index: HashMap<Frame, usize>,
    /// Each stack's count and the threads it was seen in.
    counts: HashMap<StackKey, (u64, BTreeSet<Pid>)>,
}

impl Tally {
    fn intern(&mut self, f: Frame) -> usize {
        if let Some(&i) = self.index.get(&f) {
            return i;
        }
        self.frames.push(f.clone());
        self.index.insert(f, self.frames.len() - 1);
        self.frames.len() - 1
    }
}

/// Take `opts.samples` samples of `pid` and merge them. A signal (SIGINT, SIGTERM, SIGHUP)
/// ends sampling early with every thread released: what was gathered is returned, with
/// [`Profile::interrupted_by`] set. Errors only when the first sample cannot be taken.
pub fn profile(pid: Pid, opts: &Options) -> Result<Profile, StackError> {
    let mut tracer = Tracer::new(TraceOptions::default(), Box::new(std::io::sink()));
    tracer
        .catch_signals()
        .map_err(|source| StackError::Signals { pid, source })?;
    let mut sym: Option<Symbolizer> = None;
    let mut tally = Tally::default();
    let mut names: HashMap<Pid, String> = HashMap::new();
    let mut stops = Vec::new();
    let mut partial = 0;
    let mut notes = Vec::new();
    let start = Instant::now();
    for i in 0..opts.samples {
        let due = start
            + opts
                .interval
                .saturating_mul(u32::try_from(i).unwrap_or(u32::MAX));
        while tracer.interrupted().is_none() {
            let now = Instant::now();
            if now >= due {
                break;
            }
            std::thread::sleep((due - now).min(NAP));
        }
        if tracer.interrupted().is_some() {
            break;
        }
        // A thread that missed the deadline is awaited no longer than the deadline again:
        // one that cannot stop (uninterruptible sleep, a vfork parent) costs each sample
        // that much, not the engine's 3 s; still seized, it is taken back by the next sample.
        let cap = match capture::capture_with(
            &mut tracer,
            pid,
            opts.tid,
            opts.max_stop,
            Some(opts.max_stop),
        ) {
            Ok(cap) => cap,
            Err(e) if stops.is_empty() => return Err(e),
            Err(e) => {
                notes.push(format!("sampling ended after {} samples: {e}", stops.len()));
                break;
            }
        };
        if tracer.interrupted().is_some() {
            // The sample was cut short by the signal: not counted.
            break;
        }
        if let Some(tid) = opts.tid {
            if stops.is_empty() && !cap.threads.iter().any(|t| t.tid == tid) {
                return Err(StackError::NoSuchThread { pid, tid });
            }
        }
        stops.push(cap.stopped);
        if cap.missed > 0 {
            partial += 1;
        }
        // Read once the process runs again, as for a single dump.
        let files = match maps::read(pid) {
            Ok(m) => file_mappings(m),
            Err(source) if stops.len() == 1 => return Err(StackError::Maps { pid, source }),
            Err(e) => {
                notes.push(format!(
                    "sampling ended after {} samples: cannot read /proc/{pid}/maps: {e}",
                    stops.len()
                ));
                break;
            }
        };
        if sym.as_ref().is_none_or(|s| s.files != files) {
            sym = Some(Symbolizer::new(pid, files));
        }
        let Some(s) = sym.as_mut() else { continue };
        for copy in &cap.threads {
            count_thread(pid, copy, s, &mut tally, &mut names, opts.per_thread);
        }
    }
    let elapsed = start.elapsed();
    let interrupted_by = tracer.interrupted();
    // Dropping the tracer restores the signal handlers.
    drop(tracer);
    if let Some(sig) = interrupted_by {
        notes.push(format!(
            "interrupted by signal {sig} after {} of {} samples; PID {pid} was released",
            stops.len(),
            opts.samples
        ));
    }
    if partial > 0 {
        notes.push(format!(
            "{partial} sample(s) partial: some thread had not stopped {} ms after the first seize \
             (uninterruptible sleep, a vfork parent, or no CPU to run on): not counted; it runs \
             on and is released once it stops (at the latest when toolbox exits)",
            opts.max_stop.as_millis()
        ));
    }
    Ok(finish(
        pid,
        opts,
        tally,
        stops,
        partial,
        elapsed,
        interrupted_by,
        notes,
    ))
}

/// Unwind and name one thread's copy and count its stack.
fn count_thread(
    pid: Pid,
    copy: &ThreadCopy,
    s: &mut Symbolizer,
    tally: &mut Tally,
    names: &mut HashMap<Pid, String>,
    per_thread: bool,
) {
    let Ok(regs) = &copy.regs else { return };
    let mut stack = Vec::new();
    for a in s.unwinder.unwind(regs, copy) {
        let key = (a.addr, a.lookup);
        let idx = match s.named.get(&key) {
            Some(&i) => i,
            None => {
                let f = s.objects.symbolize(a.addr, a.lookup, false);
                let i = tally.intern(Frame {
                    function: f.function,
                    object: f.object,
                });
                s.named.insert(key, i);
                i
            }
        };
        stack.push(idx);
    }
    let name = names
        .entry(copy.tid)
        .or_insert_with(|| thread_name(pid, copy.tid))
        .clone();
    let entry = tally
        .counts
        .entry((name, if per_thread { copy.tid } else { 0 }, stack))
        .or_default();
    entry.0 += 1;
    entry.1.insert(copy.tid);
}

fn thread_name(pid: Pid, tid: Pid) -> String {
    std::fs::read(format!("/proc/{pid}/task/{tid}/comm"))
        .map(|c| crate::output::sanitize_bytes(c.strip_suffix(b"\n").unwrap_or(&c)))
        .unwrap_or_else(|_| "?".into())
}

#[allow(clippy::too_many_arguments)]
fn finish(
    pid: Pid,
    opts: &Options,
    tally: Tally,
    stops: Vec<Duration>,
    partial: usize,
    elapsed: Duration,
    interrupted_by: Option<i32>,
    notes: Vec<String>,
) -> Profile {
    let us: Vec<u64> = stops
        .iter()
        .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
        .collect();
    let mut sorted = us.clone();
    sorted.sort_unstable();
    let stopped_us = StopStats {
        min: sorted.first().copied().unwrap_or(0),
        median: sorted.get(sorted.len() / 2).copied().unwrap_or(0),
        max: sorted.last().copied().unwrap_or(0),
    };
    let mut stacks: Vec<Stack> = tally
        .counts
        .into_iter()
        .map(|((thread, _, frames), (count, tids))| Stack {
            count,
            thread,
            tids: tids.into_iter().collect(),
            frames: frames.iter().map(|&i| tally.frames[i].clone()).collect(),
        })
        .collect();
    // Most frequent first; ties in a stable order (by name, then the stack).
    stacks.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.thread.cmp(&b.thread))
            .then_with(|| a.tids.cmp(&b.tids))
            .then_with(|| folded_frames(a).cmp(&folded_frames(b)))
    });
    Profile {
        pid,
        requested: opts.samples,
        samples: stops.len(),
        partial,
        interval_ms: u64::try_from(opts.interval.as_millis()).unwrap_or(u64::MAX),
        max_stop_ms: u64::try_from(opts.max_stop.as_millis()).unwrap_or(u64::MAX),
        stopped_us,
        sample_stopped_us: us,
        elapsed_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        per_thread: opts.per_thread,
        total: stacks.iter().map(|s| s.count).sum(),
        stacks,
        interrupted_by,
        notes,
    }
}

/// A frame's name in the folded and text forms: the function, else `[object file name]`, else
/// `[unknown]` (as `perf script` names them).
/// Escape sequences in a symbol name (from the target's files) are shown escaped.
pub fn frame_name(f: &Frame) -> String {
    match (&f.function, &f.object) {
        (Some(name), _) => crate::output::sanitize(name),
        (None, Some(o)) => format!("[{}]", o.rsplit('/').next().unwrap_or(o)),
        (None, None) => "[unknown]".into(),
    }
}

/// The frames of `s` root first, joined by `;`, each with any `;` replaced (the folded
/// format's separator).
fn folded_frames(s: &Stack) -> String {
    s.frames
        .iter()
        .rev()
        .map(|f| folded_word(&frame_name(f)))
        .collect::<Vec<_>>()
        .join(";")
}

fn folded_word(w: &str) -> String {
    w.chars()
        .map(|c| if c == ';' || c.is_control() { '_' } else { c })
        .collect()
}

/// The collapsed-stack form read by flamegraph.pl, inferno and speedscope: one line per stack,
/// `thread;outermost;…;innermost count` (`thread-TID` per thread).
pub fn folded(p: &Profile) -> String {
    let mut out = String::new();
    for s in &p.stacks {
        let mut root = folded_word(&s.thread);
        if p.per_thread {
            if let Some(tid) = s.tids.first() {
                root = format!("{root}-{tid}");
            }
        }
        let frames = folded_frames(s);
        out.push_str(&root);
        if !frames.is_empty() {
            out.push(';');
            out.push_str(&frames);
        }
        out.push(' ');
        out.push_str(&s.count.to_string());
        out.push('\n');
    }
    out
}

fn ms(us: u64) -> String {
    format!("{}.{:03} ms", us / 1000, us % 1000)
}

/// One line: samples, partial ones and the stop times.
pub fn summary(p: &Profile) -> String {
    let mut s = format!(
        "PID {}: {} sample(s) every {} ms in {}.{:03} s",
        p.pid,
        p.samples,
        p.interval_ms,
        p.elapsed_ms / 1000,
        p.elapsed_ms % 1000
    );
    if p.samples < p.requested {
        s.push_str(&format!(" ({} asked for)", p.requested));
    }
    if p.partial > 0 {
        s.push_str(&format!(", {} partial", p.partial));
    }
    s.push_str(&format!(
        "; stopped per sample: min {}, median {}, max {} (deadline {} ms)",
        ms(p.stopped_us.min),
        ms(p.stopped_us.median),
        ms(p.stopped_us.max),
        p.max_stop_ms
    ));
    s
}

/// The text form: the summary, then every stack with its count and share, innermost frame
/// first.
pub fn text(p: &Profile) -> String {
    use std::fmt::Write as _;
    let mut out = summary(p);
    out.push('\n');
    let _ = writeln!(
        out,
        "{}; each captured thread counts once per sample; most frequent first",
        if p.per_thread {
            "one entry per thread"
        } else {
            "threads of the same name merged (--per-thread: one entry per thread)"
        }
    );
    for s in &p.stacks {
        let pct = if p.total > 0 {
            s.count as f64 * 100.0 / p.total as f64
        } else {
            0.0
        };
        let tids = s
            .tids
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let _ = writeln!(
            out,
            "\n{:>6} {:5.1}%  \"{}\" (TID {tids})",
            s.count, pct, s.thread
        );
        if s.frames.is_empty() {
            let _ = writeln!(out, "         (no frames)");
        }
        for f in &s.frames {
            let _ = write!(out, "         {}", frame_name(f));
            if let (Some(_), Some(o)) = (&f.function, &f.object) {
                let _ = write!(out, " ({})", o.rsplit('/').next().unwrap_or(o));
            }
            out.push('\n');
        }
    }
    for n in &p.notes {
        let _ = write!(out, "\nnote: {n}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(f: Option<&str>, o: Option<&str>) -> Frame {
        Frame {
            function: f.map(str::to_string),
            object: o.map(str::to_string),
        }
    }

    fn profile_of(per_thread: bool, stacks: Vec<Stack>) -> Profile {
        let opts = Options {
            samples: 3,
            interval: Duration::from_millis(10),
            max_stop: Duration::from_millis(100),
            tid: None,
            per_thread,
        };
        let mut tally = Tally::default();
        for s in stacks {
            let idx: Vec<usize> = s.frames.into_iter().map(|f| tally.intern(f)).collect();
            let tid = if per_thread { s.tids[0] } else { 0 };
            tally.counts.insert(
                (s.thread, tid, idx),
                (s.count, s.tids.into_iter().collect()),
            );
        }
        finish(
            7,
            &opts,
            tally,
            vec![
                Duration::from_micros(300),
                Duration::from_micros(100),
                Duration::from_micros(200),
            ],
            0,
            Duration::from_millis(25),
            None,
            Vec::new(),
        )
    }

    #[test]
    fn folded_is_root_first_with_the_thread_name_and_counts_most_frequent_first() {
        let p = profile_of(
            false,
            vec![
                Stack {
                    count: 1,
                    thread: "g;x".into(),
                    tids: vec![3],
                    frames: vec![frame(Some("g"), Some("/bin/a")), frame(None, None)],
                },
                Stack {
                    count: 2,
                    thread: "f".into(),
                    tids: vec![1, 2],
                    frames: vec![
                        frame(Some("spin_f"), Some("/bin/a")),
                        frame(None, Some("/lib/libc.so.6")),
                    ],
                },
            ],
        );
        assert_eq!(
            folded(&p),
            "f;[libc.so.6];spin_f 2\ng_x;[unknown];g 1\n",
            "{p:?}"
        );
        assert_eq!(p.total, 3);
        assert_eq!(
            (p.stopped_us.min, p.stopped_us.median, p.stopped_us.max),
            (100, 200, 300)
        );
        let t = text(&p);
        assert!(
            t.contains("min 0.100 ms, median 0.200 ms, max 0.300 ms"),
            "{t}"
        );
        assert!(t.contains("\"f\" (TID 1 2)\n         spin_f (a)\n"), "{t}");
    }

    #[test]
    fn escape_sequences_in_names_are_escaped() {
        let p = profile_of(
            false,
            vec![Stack {
                count: 1,
                thread: "t".into(),
                tids: vec![1],
                frames: vec![frame(Some("evil\x1b[2J"), Some("/bin/a"))],
            }],
        );
        assert!(!folded(&p).contains('\x1b'), "{:?}", folded(&p));
        assert!(!text(&p).contains('\x1b'), "{:?}", text(&p));
    }

    #[test]
    fn folded_per_thread_roots_carry_the_tid() {
        let p = profile_of(
            true,
            vec![Stack {
                count: 3,
                thread: "w".into(),
                tids: vec![9],
                frames: vec![frame(Some("f"), None)],
            }],
        );
        assert_eq!(folded(&p), "w-9;f 3\n");
    }

    #[test]
    fn only_code_files_and_the_vdso_count() {
        let raw = b"1000-2000 r--p 00000000 fd:01 1 /bin/app\n\
    2000-3000 r-xp 00001000 fd:01 1 /bin/app\n\
    4000-5000 r--p 00000000 fd:01 2 /data/file\n\
    6000-7000 rw-p 00000000 00:00 0\n\
    8000-9000 r-xp 00000000 00:00 0 [vdso]\n";
        let kept: Vec<u64> = file_mappings(maps::parse(raw))
            .iter()
            .map(|m| m.start)
            .collect();
        assert_eq!(kept, [0x1000, 0x2000, 0x8000]);
    }
}
