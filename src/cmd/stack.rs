//! `toolbox stack [PID] [--tid TID]`: every thread's native stack, symbolized, with how long
//! the process was stopped; `-n N`: N such samples merged into a profile (`--folded` for
//! flame-graph tools).

use std::io::Write;

use clap::Args;

use super::Global;
use crate::output::Format;
use crate::stack::StackError;
use crate::target::Scan;

/// Arguments of `toolbox stack`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  toolbox stack\n  toolbox stack 13 --tid 15\n  toolbox stack -o json\n  toolbox stack -n 200 --interval 20\n  toolbox stack -n 500 --folded > app.folded   (flamegraph.pl, inferno-flamegraph, speedscope)"
)]
pub struct StackArgs {
    /// The process (default: the target; see `toolbox target`).
    #[arg(id = "process", value_name = "PID")]
    pub pid: Option<i32>,
    /// Only this thread (every thread is still stopped for the copy).
    #[arg(long, value_name = "TID")]
    pub tid: Option<i32>,
    /// Also the source file and line of each frame, where the object has DWARF line tables
    /// (or is a Go binary: its `.gopclntab`).
    #[arg(long, conflicts_with = "samples")]
    pub lines: bool,
    /// Profile: take N samples (each stops every thread only to copy registers and stacks)
    /// and print the distinct stacks with counts, most frequent first.
    #[arg(short = 'n', long = "samples", value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub samples: Option<u32>,
    /// Milliseconds from one sample's start to the next's.
    #[arg(long, value_name = "MS", default_value_t = 10, requires = "samples")]
    pub interval: u64,
    /// Milliseconds a sample may keep the process stopped: threads not stopped by then
    /// (uninterruptible sleep) are not copied, the others are released, and the sample is
    /// counted as partial.
    #[arg(long, value_name = "MS", default_value_t = 100, requires = "samples", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_stop: u64,
    /// Profile: one entry per thread (default: threads of the same name merged).
    #[arg(long, requires = "samples")]
    pub per_thread: bool,
    /// Profile: write collapsed stacks (`thread;outer;...;inner COUNT`) to stdout for
    /// flamegraph.pl, inferno or speedscope; the summary goes to stderr.
    #[arg(long, requires = "samples", conflicts_with = "output")]
    pub folded: bool,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
    pub output: Format,
}

/// Run `toolbox stack`.
pub fn run(global: &Global, args: StackArgs) -> anyhow::Result<i32> {
    let pid = match args.pid {
        Some(pid) => pid,
        None => Scan::new()?.choose(&global.selector())?.pid,
    };
    if let Some(samples) = args.samples {
        return profile(pid, samples, &args);
    }
    let report = match crate::stack::dump(pid, args.tid, args.lines) {
        Ok(r) => r,
        Err(StackError::Attach(e)) => {
            return Err(super::trace::explain_attach(e, "dump the stacks of"))
        }
        Err(e) => return Err(e.into()),
    };
    let mut out = std::io::stdout().lock();
    if args.output == Format::Json {
        out.write_all(crate::output::json_pretty(&report)?.as_bytes())?;
        out.write_all(b"\n")?;
    } else {
        out.write_all(crate::stack::render::text(&report).as_bytes())?;
    }
    out.flush()?;
    Ok(0)
}

/// `stack -n N`: sample, then print the profile (text, JSON or folded).
fn profile(pid: i32, samples: u32, args: &StackArgs) -> anyhow::Result<i32> {
    use crate::stack::profile;
    let opts = profile::Options {
        samples: samples as usize,
        interval: std::time::Duration::from_millis(args.interval),
        max_stop: std::time::Duration::from_millis(args.max_stop),
        tid: args.tid,
        per_thread: args.per_thread,
    };
    let p = match profile::profile(pid, &opts) {
        Ok(p) => p,
        Err(StackError::Attach(e)) => {
            return Err(super::trace::explain_attach(e, "dump the stacks of"))
        }
        Err(e) => return Err(e.into()),
    };
    let mut out = std::io::stdout().lock();
    if args.folded {
        out.write_all(profile::folded(&p).as_bytes())?;
        let mut err = std::io::stderr().lock();
        writeln!(err, "{}", profile::summary(&p))?;
        for n in &p.notes {
            writeln!(err, "note: {n}")?;
        }
    } else if args.output == Format::Json {
        out.write_all(crate::output::json_pretty(&p)?.as_bytes())?;
        out.write_all(b"\n")?;
    } else {
        out.write_all(profile::text(&p).as_bytes())?;
    }
    out.flush()?;
    Ok(0)
}
