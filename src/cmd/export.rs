//! `toolbox export`: a POSIX pax tar stream of files and directories of the target's root on
//! stdout, so `kubectl exec POD -c DEBUG -- toolbox export /var/log/nginx > logs.tar` needs no
//! tar in either container. Refuses a terminal as stdout.

use std::ffi::OsString;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;

use clap::Args;

use super::Global;
use crate::fs::export::{Added, TarWriter};
use crate::fs::walk::{self, Entry, Visit, Visitor};
use crate::fs::{FsError, FsRoot};

/// Arguments of `toolbox export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Also archive procfs and sysfs mounts below the given paths. Files on procfs, sysfs and
    /// similar pseudo file systems (unknown size) are archived up to 16 MiB each, with a note
    /// when cut; kmsg and trace_pipe (reading consumes their data) are not read.
    #[arg(long)]
    pseudo_fs: bool,
    /// Files and directories inside the target's root.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<OsString>,
}

struct Exporter<'a, W: Write> {
    root: &'a FsRoot,
    tar: TarWriter<W>,
    errors: usize,
    /// A failed stdout, which ends the export.
    out_err: Option<io::Error>,
}

impl<W: Write> Visitor for Exporter<'_, W> {
    fn visit(&mut self, e: &Entry<'_>) -> io::Result<Visit> {
        match self.tar.add(self.root, e) {
            Ok(Added::Yes) => {}
            Ok(Added::Ignored(why)) => {
                eprintln!("toolbox export: {}: {why}", crate::fs::shown(e.path))
            }
            Err(Ok(fs)) => {
                eprintln!("toolbox export: {fs} (skipped)");
                self.errors += 1;
            }
            Err(Err(io)) => return Err(io),
        }
        Ok(Visit::Continue)
    }

    fn error(&mut self, err: FsError) {
        eprintln!("toolbox export: {err} (skipped)");
        self.errors += 1;
    }

    fn skipped(&mut self, path: &[u8], fs: &str) {
        eprintln!(
            "toolbox export: {}: {fs} mount not archived (pass --pseudo-fs)",
            crate::fs::shown(path)
        );
    }
}

/// Run `toolbox export`.
pub fn run(global: &Global, args: ExportArgs) -> anyhow::Result<i32> {
    let paths: Vec<&[u8]> = args.paths.iter().map(|p| p.as_bytes()).collect();
    export_paths(global, &paths, args.pseudo_fs)
}

/// Write a tar stream of `paths` of the root `global` selects to stdout (also what `tar cf -
/// PATH`, run by `kubectl cp`, does); exit code 1 when some entries were skipped.
pub fn export_paths(global: &Global, paths: &[&[u8]], pseudo_fs: bool) -> anyhow::Result<i32> {
    if crate::output::stdout_is_terminal() {
        return Err(FsError::TerminalTar.into());
    }
    let root = super::fs_root(global)?;
    let out = io::BufWriter::with_capacity(128 * 1024, io::stdout().lock());
    let mut ex = Exporter {
        root: &root,
        tar: TarWriter::new(out),
        errors: 0,
        out_err: None,
    };
    let opts = walk::Options {
        max_depth: None,
        pseudo: pseudo_fs,
        sorted: true,
        stat_all: true,
        hide_dot: false,
        follow_start: false,
    };
    for p in paths {
        if let Err(e) = walk::walk(&root, p, &opts, &mut ex) {
            ex.out_err = Some(e);
            break;
        }
    }
    if let Some(e) = ex.out_err {
        return Err(e.into());
    }
    for (path, want, got) in &ex.tar.changed {
        eprintln!("toolbox export: {path}: file changed as we read it (archived {want} bytes, read {got})");
    }
    for path in &ex.tar.cut {
        eprintln!(
            "toolbox export: {path}: archived only the first {} MiB (a pseudo-file-system file of unknown size)",
            crate::fs::content::PSEUDO_CAP >> 20
        );
    }
    ex.tar.finish()?;
    Ok(if ex.errors > 0 { 1 } else { 0 })
}
