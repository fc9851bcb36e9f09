//! `toolbox merge`: mergecap's job (pcap and pcapng in, one pcapng out, by timestamp).

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, ValueEnum};

use super::Global;
use crate::capture::merge::{self, Format, Input, Options, Order, Outcome};
use crate::capture::{self, CaptureError};

/// Output file format (`-F`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FileType {
    /// pcapng: one interface block per input interface (identical ones shared, as mergecap), descriptions kept.
    Pcapng,
    /// Classic pcap, microsecond timestamps; every input must have the same link type.
    Pcap,
}

/// Arguments of `toolbox merge` (mergecap's meanings).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  toolbox merge a.pcap b.pcapng -w all.pcapng\n  toolbox merge -a part1.pcap part2.pcap -w - | wireshark -k -i -"
)]
pub struct MergeArgs {
    /// Capture files (pcap or pcapng; `-` for standard input).
    #[arg(required = true, value_name = "IN")]
    pub inputs: Vec<PathBuf>,
    /// The merged file (`-` for standard output, refused on a terminal).
    #[arg(short = 'w', value_name = "OUT", required = true)]
    pub write: PathBuf,
    /// Concatenate the inputs instead of merging by timestamp.
    #[arg(short = 'a')]
    pub concatenate: bool,
    /// Output file format.
    #[arg(short = 'F', value_name = "TYPE", value_enum, default_value = "pcapng")]
    pub format: FileType,
}

/// Refuse an output that is one of the inputs (the same file, by device and inode): creating it
/// truncates that input while its reader thread may not have read it yet, which lost its packets
/// without a word.
fn refuse_output_among_inputs(args: &MergeArgs) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    if args.write == std::path::Path::new("-") {
        return Ok(());
    }
    let Ok(out) = std::fs::metadata(&args.write) else {
        return Ok(());
    };
    if !out.is_file() {
        return Ok(());
    }
    for path in &args.inputs {
        if path == std::path::Path::new("-") {
            continue;
        }
        if let Ok(m) = std::fs::metadata(path) {
            if m.dev() == out.dev() && m.ino() == out.ino() {
                anyhow::bail!(
                    "the output {} is also the input {}: writing it would destroy that input; give -w another file",
                    crate::output::sanitize(&args.write.display().to_string()),
                    crate::output::sanitize(&path.display().to_string())
                );
            }
        }
    }
    Ok(())
}

/// Run `toolbox merge`. An input that cannot be read to its end is reported and the rest is
/// merged; the exit code is then 1 (the output is still a valid file).
pub fn run(_global: &Global, args: MergeArgs) -> anyhow::Result<i32> {
    if args.write == std::path::Path::new("-") && crate::output::stdout_is_terminal() {
        return Err(CaptureError::Terminal.into());
    }
    refuse_output_among_inputs(&args)?;
    let stop = capture::stop_on_signals().map_err(CaptureError::Signals)?;
    let mut inputs = Vec::with_capacity(args.inputs.len());
    for path in &args.inputs {
        let input = Input::open(path).map_err(|e| {
            anyhow::anyhow!(
                "cannot open {}: {e}",
                crate::output::sanitize(&path.display().to_string())
            )
        })?;
        inputs.push(input);
    }
    let opts = Options {
        order: if args.concatenate {
            Order::Concatenate
        } else {
            Order::Files
        },
        format: match args.format {
            FileType::Pcapng => Format::Pcapng,
            FileType::Pcap => Format::Pcap,
        },
        stop: Some(Arc::clone(&stop)),
    };
    let summary = merge::merge(inputs, &args.write, &opts, &mut |r| {
        if let Outcome::Failed(e) = &r.outcome {
            let kept = match r.packets {
                0 => String::new(),
                n => format!(" (its {n} packets before that were merged)"),
            };
            eprintln!(
                "toolbox merge: {}: {e}{kept}",
                crate::output::sanitize(&r.label)
            );
        }
    })?;
    if let Some(n) = summary.abandoned {
        eprintln!("toolbox merge: stopped while the output was not being read: its last {n} packets were not written");
    }
    Ok(if summary.any_failed() { 1 } else { 0 })
}
