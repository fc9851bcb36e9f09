//! `toolbox stat`: the status of files of the target's root, laid out like GNU stat.

use std::ffi::OsString;
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;

use clap::Args;

use super::Global;
use crate::fs::meta::{self, Kind};
use crate::fs::Names;
use crate::output::Format;
use crate::sys::fsops;

/// Arguments of `toolbox stat`.
#[derive(Debug, Args)]
pub struct StatArgs {
    /// Follow a final symlink (inside the target's root).
    #[arg(short = 'L', long = "dereference")]
    dereference: bool,
    /// Output format (`-o json`: an array with each file's metadata).
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
    output: Format,
    /// Paths inside the target's root.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<OsString>,
}

/// Run `toolbox stat`.
pub fn run(global: &Global, args: StatArgs) -> anyhow::Result<i32> {
    let root = super::fs_root(global)?;
    let names = Names::for_stdout();
    let mut out = io::stdout().lock();
    let mut status = 0;
    let mut json = Vec::new();
    for p in &args.paths {
        let real = root.real_path(p.as_bytes());
        let path = &*real;
        let node = match root.lookup(path, args.dereference) {
            Ok(n) => n,
            Err(e) => {
                out.flush()?;
                // A permission error already says what could not be done ("cannot read …").
                match e {
                    crate::fs::FsError::Path { .. } => eprintln!("toolbox stat: cannot stat {e}"),
                    e => eprintln!("toolbox stat: {e}"),
                }
                status = 1;
                continue;
            }
        };
        let st = node.stat;
        let kind = Kind::of(st.st_mode);
        if args.output == Format::Json {
            let link = (kind == Kind::Symlink)
                .then(|| fsops::readlink_fd(node.fd.as_fd()).ok())
                .flatten();
            json.push(meta::FileInfo::new(
                path,
                &st,
                link.as_deref(),
                root.accounts(),
            ));
            continue;
        }
        out.write_all(b"  File: ")?;
        out.write_all(&names.show(path))?;
        if kind == Kind::Symlink {
            if let Ok(t) = fsops::readlink_fd(node.fd.as_fd()) {
                out.write_all(b" -> ")?;
                out.write_all(&names.show(&t))?;
            }
        }
        out.write_all(b"\n")?;
        writeln!(
            out,
            "  Size: {:<10}\tBlocks: {:<10} IO Block: {:<6} {}",
            st.st_size,
            st.st_blocks,
            st.st_blksize,
            kind.describe()
        )?;
        let (dma, dmi) = meta::dev_split(st.st_dev);
        write!(out, "Device: {dma},{dmi}\tInode: {:<11} Links: ", st.st_ino)?;
        if matches!(kind, Kind::Char | Kind::Block) {
            let (ma, mi) = meta::dev_split(st.st_rdev);
            writeln!(out, "{:<5} Device type: {ma},{mi}", st.st_nlink)?;
        } else {
            writeln!(out, "{}", st.st_nlink)?;
        }
        let acc = root.accounts();
        writeln!(
            out,
            "Access: ({:04o}/{})  Uid: ({:>5}/{:>8})   Gid: ({:>5}/{:>8})",
            st.st_mode & 0o7777,
            meta::mode_string(st.st_mode),
            st.st_uid,
            crate::output::sanitize(&acc.users.display(st.st_uid)),
            st.st_gid,
            crate::output::sanitize(&acc.groups.display(st.st_gid)),
        )?;
        writeln!(
            out,
            "Access: {}",
            meta::full_time(st.st_atime, st.st_atime_nsec)
        )?;
        writeln!(
            out,
            "Modify: {}",
            meta::full_time(st.st_mtime, st.st_mtime_nsec)
        )?;
        writeln!(
            out,
            "Change: {}",
            meta::full_time(st.st_ctime, st.st_ctime_nsec)
        )?;
        match fsops::birth_time(node.fd.as_fd()) {
            Some((sec, nsec)) => {
                writeln!(out, " Birth: {}", meta::full_time(sec, i64::from(nsec)))?
            }
            None => writeln!(out, " Birth: -")?,
        }
    }
    out.flush()?;
    if args.output == Format::Json {
        crate::output::print_json(&json)?;
    }
    Ok(status)
}
