//! `toolbox trace`: strace for the target (or `-p PID…`, or `-- CMD ARGS…`), with strace's
//! flags and output, that never leaves a traced process stopped.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{ArgAction, Args};

use super::Global;
use crate::caps::{self, Feature};
use crate::target::Target;
use crate::trace::engine::{self, Options, TraceError, Tracer};
use crate::trace::filter::Filter;
use crate::trace::output::{Clock, Layout};

/// Arguments of `toolbox trace` (strace's meanings).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  toolbox trace -p 13 -f -e trace=accept4,read,write\n  toolbox trace -c -p 7\n  toolbox trace -f -e trace=%file -- /bin/ls /\n\nTrace lines go to stderr (as with strace) unless -o FILE; --json goes to stdout."
)]
pub struct TraceArgs {
    /// Attach to PID (every thread of it); repeatable or comma-separated. Default: the target.
    #[arg(short = 'p', value_name = "PID", action = ArgAction::Append, value_delimiter = ',')]
    pub pids: Vec<i32>,
    /// Follow forks, vforks and new threads.
    #[arg(short = 'f')]
    pub follow: bool,
    /// Filter expression: trace=NAME,…|%file|%network|%process|%signal|%memory|%desc|%ipc (`!`
    /// negates), status=failed|successful. Repeatable.
    #[arg(short = 'e', value_name = "EXPR", action = ArgAction::Append)]
    pub expr: Vec<String>,
    /// Print only syscalls that failed (status=failed).
    #[arg(short = 'Z', long = "failed-only")]
    pub failed_only: bool,
    /// Count time, calls and errors per syscall; print a table at the end (or on Ctrl-C) instead
    /// of calls. Time is wall-clock from entry to exit (strace's `-c -w`).
    #[arg(short = 'c', long = "summary-only")]
    pub summary: bool,
    /// Timestamps: -t seconds, -tt microseconds, -ttt epoch seconds.
    #[arg(short = 't', action = ArgAction::Count)]
    pub timestamps: u8,
    /// Time since the previous line.
    #[arg(short = 'r')]
    pub relative: bool,
    /// Time spent in each syscall.
    #[arg(short = 'T')]
    pub durations: bool,
    /// Write the trace to FILE instead of stderr.
    #[arg(short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print at most N bytes of each string.
    #[arg(short = 's', value_name = "N", default_value_t = 32)]
    pub strsize: usize,
    /// Print the path (or socket) behind each file descriptor.
    #[arg(short = 'y')]
    pub fd_paths: bool,
    /// One JSON object per syscall (name, args, retval, errno, pid, time, duration).
    #[arg(long)]
    pub json: bool,
    /// Launch mode: do not use the seccomp-bpf filter that, with -f and -e trace=, lets only the
    /// traced syscalls stop (strace's --seccomp-bpf, on by default here).
    #[arg(long)]
    pub no_seccomp: bool,
    /// Poll up to USECS microseconds for the tracee's next stop before sleeping, while
    /// measurements show that polling lets the tracee run faster (idle CPUs, where waking a
    /// sleeping tracer is the main cost). 0 never polls; where toolbox may use only one CPU
    /// (affinity or cgroup quota) it never polls either.
    #[arg(long, value_name = "USECS", default_value_t = 50, value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub spin: u32,
    /// Read syscalls from registers (PTRACE_GETREGS), as on kernels before 5.3.
    #[arg(long, hide = true)]
    pub registers: bool,
    /// Read tracee memory with PTRACE_PEEKDATA only (where process_vm_readv is refused).
    #[arg(long, hide = true)]
    pub peek: bool,
    /// Launch mode: the command to run traced (after `--`).
    #[arg(
        value_name = "CMD",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub command: Vec<OsString>,
}

/// The polling time for `--spin USECS`: none where toolbox may use less than two CPUs, since
/// the tracee it waits for could not run while toolbox polls (and a pod's CPU quota would pay
/// for it). `available_parallelism` counts the affinity mask and cgroup CPU quotas.
fn effective_spin(usecs: u32) -> Duration {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cpus < 2 {
        Duration::ZERO
    } else {
        Duration::from_micros(usecs.into())
    }
}

/// Run `toolbox trace`.
pub fn run(global: &Global, args: TraceArgs) -> anyhow::Result<i32> {
    let filter = Filter::parse(&args.expr, args.failed_only)?;
    let launch = !args.command.is_empty();
    if launch && !args.pids.is_empty() {
        anyhow::bail!("give either -p PID or a command to run, not both");
    }
    let clock = match args.timestamps {
        0 => Clock::None,
        1 => Clock::Seconds,
        2 => Clock::Micros,
        _ => Clock::Epoch,
    };
    // A seccomp filter is inherited by children; without -f they would have no tracer and
    // their traced syscalls would fail with ENOSYS, so (like strace) only with -f.
    let seccomp = launch && args.follow && !filter.is_everything() && !args.no_seccomp;
    let opts = Options {
        follow: args.follow,
        filter,
        strsize: args.strsize,
        fd_paths: args.fd_paths,
        summary: args.summary,
        layout: Layout {
            clock,
            relative: args.relative,
            durations: args.durations,
            json: args.json,
            pid_column: args.follow && args.output.is_some(),
        },
        seccomp,
        registers: args.registers,
        peek: args.peek,
        spin: effective_spin(args.spin),
    };
    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        ),
        // Not io::stdout(): its line buffer retries an interrupted write by itself, so a
        // stuck stdout could never be given up (see the engine's output guard).
        None if args.json => Box::new(File::from(
            io::stdout()
                .as_fd()
                .try_clone_to_owned()
                .context("cannot use standard output")?,
        )),
        None => Box::new(io::stderr()),
    };

    let pids = if launch {
        Vec::new()
    } else if !args.pids.is_empty() {
        args.pids.clone()
    } else {
        vec![Target::discover(&global.selector())?.pid]
    };

    let mut tracer = Tracer::new(opts, out);
    tracer
        .catch_signals()
        .context("cannot install signal handlers")?;
    if launch {
        tracer.launch(&args.command).map_err(explain)?;
    } else {
        for &pid in &pids {
            let threads = tracer.attach(pid).map_err(explain)?;
            let s = if threads == 1 { "" } else { "s" };
            engine::note(&format!(
                "toolbox trace: Process {pid} attached ({threads} thread{s})\n"
            ));
        }
    }
    let outcome = tracer.run().map_err(explain)?;
    if let Some(sig) = outcome.interrupted_by {
        if outcome.output_blocked {
            // The trace output nobody reads may be this very stderr: one more line could
            // block toolbox for good after the tracees are already free (the engine has said
            // what was lost, without blocking).
            return Ok(if launch { 128 + sig } else { 0 });
        }
        if !launch {
            for pid in &pids {
                engine::note(&format!("toolbox trace: Process {pid} detached\n"));
            }
        }
        let more = outcome.detached.saturating_sub(pids.len());
        if more > 0 {
            let also = if launch { "" } else { "also " };
            engine::note(&format!(
                "toolbox trace: {also}detached from {more} process(es) followed with -f\n"
            ));
        }
        return Ok(if launch { 128 + sig } else { 0 });
    }
    Ok(outcome.exit_code.unwrap_or(0))
}

/// Turn a permission error into the same explanation `toolbox caps` gives.
fn explain(err: TraceError) -> anyhow::Error {
    explain_attach(err, "trace")
}

/// [`explain`] for any command that attaches with the trace engine: `doing` is what was
/// refused (`cannot {doing} PID 6 (ptrace(PTRACE_SEIZE, 6): …)`).
pub(crate) fn explain_attach(err: TraceError, doing: &str) -> anyhow::Error {
    if let TraceError::Attach { pid, source } = &err {
        let ctx = caps::Context::read();
        let subject = caps::Subject::read(*pid);
        let text = source.raw_os_error().map_or_else(
            || source.to_string(),
            |e| nix::errno::Errno::from_raw(e).desc().to_string(),
        );
        let what = format!("cannot {doing} PID {pid} (ptrace(PTRACE_SEIZE, {pid}): {text})");
        if let Some(d) = caps::denied(&ctx, Feature::Trace, Some(&subject), &what, source) {
            return d.into();
        }
    }
    err.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        a: TraceArgs,
    }

    #[test]
    fn strace_flags_parse() {
        let t = T::parse_from([
            "t",
            "-p",
            "7",
            "-p",
            "8,9",
            "-f",
            "-e",
            "trace=read",
            "-tt",
            "-T",
            "-s",
            "64",
            "-y",
        ]);
        assert_eq!(t.a.pids, vec![7, 8, 9]);
        assert!(t.a.follow && t.a.durations && t.a.fd_paths);
        assert_eq!(t.a.timestamps, 2);
        assert_eq!(t.a.strsize, 64);
        let t = T::parse_from(["t", "-f", "--", "ls", "-l", "/"]);
        assert_eq!(t.a.command, vec!["ls", "-l", "/"]);
    }
}
