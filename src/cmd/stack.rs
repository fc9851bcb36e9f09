//! `toolbox stack [PID] [--tid TID]`: every thread's native stack, symbolized, with how long
//! the process was stopped.

use std::io::Write;

use clap::Args;

use super::Global;
use crate::output::Format;
use crate::stack::StackError;
use crate::target::Scan;

/// Arguments of `toolbox stack`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  toolbox stack\n  toolbox stack 13 --tid 15\n  toolbox stack -o json"
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
    #[arg(long)]
    pub lines: bool,
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
