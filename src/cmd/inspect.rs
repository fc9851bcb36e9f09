//! `toolbox inspect [PID]`: one process in depth (default: the target).

use clap::Args;

use super::Global;
use std::io::Write;

use crate::output::Format;
use crate::ps::{inspect, inspect_text};
use crate::target::Scan;

/// Arguments of `toolbox inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The process to inspect (default: the target; see `toolbox target`).
    #[arg(id = "process", value_name = "PID")]
    pub pid: Option<i32>,
    /// Include the environment (it may hold secrets).
    #[arg(long)]
    pub env: bool,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
    pub output: Format,
    /// Same as `-o json`.
    #[arg(long)]
    pub json: bool,
}

/// Run `toolbox inspect`.
pub fn run(global: &Global, args: InspectArgs) -> anyhow::Result<i32> {
    let scan = Scan::new()?;
    let (pid, target) = match args.pid {
        Some(pid) => (pid, scan.choose(&global.selector()).ok().map(|c| c.pid)),
        None => {
            let c = scan.choose(&global.selector())?;
            (c.pid, Some(c.pid))
        }
    };
    let role = crate::ps::roles(&scan, target).get(&pid).copied();
    let report = inspect::inspect(pid, args.env, role)?;
    let mut out = std::io::stdout().lock();
    if args.json || args.output == Format::Json {
        out.write_all(crate::output::json_pretty(&report)?.as_bytes())?;
        out.write_all(b"\n")?;
    } else {
        out.write_all(inspect_text::render(&report).as_bytes())?;
    }
    out.flush()?;
    Ok(0)
}
