//! `toolbox head`: the first lines of files of the target's root.

use std::io::{self, BufReader};
use std::os::unix::ffi::OsStrExt;

use clap::Args;

use super::Global;
use crate::cmd::cat::FileArgs;
use crate::fs::content::{check_binary, header, read_line_capped, Sink};

/// Arguments of `toolbox head`.
#[derive(Debug, Args)]
pub struct HeadArgs {
    /// Print the first N lines.
    #[arg(short = 'n', long = "lines", value_name = "N", default_value_t = 10)]
    lines: u64,
    #[command(flatten)]
    files: FileArgs,
}

/// Run `toolbox head`.
pub fn run(global: &Global, args: HeadArgs) -> anyhow::Result<i32> {
    let root = super::fs_root(global)?;
    let mut sink = Sink::new(io::stdout().lock(), crate::output::stdout_is_terminal());
    let mut status = 0;
    let many = args.files.paths.len() > 1;
    for (i, p) in args.files.paths.iter().enumerate() {
        let real = root.real_path(p.as_bytes());
        let path = &*real;
        let file = match root.open_read(path, args.files.special) {
            Ok((f, _)) => f,
            Err(e) => {
                sink.flush()?;
                eprintln!("toolbox head: {e}");
                status = 1;
                continue;
            }
        };
        if many {
            sink.write(&header(path, i == 0))?;
        }
        let mut reader = BufReader::with_capacity(64 * 1024, file);
        let mut line = Vec::new();
        let mut first = true;
        // Lines are read in pieces of at most 1 MiB, so one enormous line never has to fit
        // in memory; only a piece that ends a line counts towards -n.
        let mut left = args.lines;
        while left > 0 {
            line.clear();
            match read_line_capped(&mut reader, &mut line, 1 << 20) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    sink.flush()?;
                    eprintln!("toolbox head: {}", root.error(path, e));
                    status = 1;
                    break;
                }
            }
            if first {
                first = false;
                if let Err(e) = check_binary(path, &line, sink.terminal(), args.files.force) {
                    sink.flush()?;
                    eprintln!("toolbox head: {e}");
                    status = 1;
                    break;
                }
            }
            sink.write(&line)?;
            if line.ends_with(b"\n") {
                left -= 1;
            }
        }
    }
    sink.flush()?;
    Ok(status)
}
