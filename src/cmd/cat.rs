//! `toolbox cat`: print files of the target's root.

use std::ffi::OsString;
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;

use clap::Args;

use super::Global;
use crate::fs::content::{check_binary, ReadOpts, Sink, SNIFF};
use crate::fs::{FsError, FsRoot};

/// Arguments of `toolbox cat`.
#[derive(Debug, Args)]
pub struct CatArgs {
    #[command(flatten)]
    files: FileArgs,
}

/// The files and reading options `cat`, `head` and `tail` share.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// Write binary content to a terminal anyway.
    #[arg(long)]
    pub force: bool,
    /// Also read FIFOs, sockets and devices (never opened otherwise).
    #[arg(long)]
    pub special: bool,
    /// Files inside the target's root.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<OsString>,
}

/// Run `toolbox cat`.
pub fn run(global: &Global, args: CatArgs) -> anyhow::Result<i32> {
    let root = super::fs_root(global)?;
    let opts = ReadOpts {
        force: args.files.force,
        special: args.files.special,
    };
    let mut sink = Sink::new(io::stdout().lock(), crate::output::stdout_is_terminal());
    let mut status = 0;
    for p in &args.files.paths {
        match cat_one(&root, p.as_bytes(), opts, &mut sink) {
            Ok(()) => {}
            Err(CatError::Fs(e)) => {
                sink.flush()?;
                eprintln!("toolbox cat: {e}");
                status = 1;
            }
            Err(CatError::Out(e)) => return Err(e.into()),
        }
    }
    sink.flush()?;
    Ok(status)
}

/// A failure on the input (reported, next file) or on stdout (stop).
pub enum CatError {
    /// The file.
    Fs(FsError),
    /// stdout.
    Out(io::Error),
}

impl From<FsError> for CatError {
    fn from(e: FsError) -> Self {
        CatError::Fs(e)
    }
}

fn cat_one<W: io::Write>(
    root: &FsRoot,
    path: &[u8],
    opts: ReadOpts,
    sink: &mut Sink<W>,
) -> Result<(), CatError> {
    let (mut file, _) = root.open_read(path, opts.special)?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut first = true;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CatError::Fs(root.error(path, e))),
        };
        if first {
            check_binary(path, &buf[..n.min(SNIFF)], sink.terminal(), opts.force)?;
            first = false;
        }
        sink.write(&buf[..n]).map_err(CatError::Out)?;
    }
}
