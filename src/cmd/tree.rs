//! `toolbox tree`: a directory tree of the target's root, drawn like tree(1).

use std::ffi::OsString;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;

use clap::Args;

use super::Global;
use crate::fs::meta::Kind;
use crate::fs::walk::{self, Entry, Visit, Visitor};
use crate::fs::{FsError, FsRoot, Names};

/// Arguments of `toolbox tree`.
#[derive(Debug, Args)]
pub struct TreeArgs {
    /// Descend at most N levels.
    #[arg(short = 'L', value_name = "N")]
    level: Option<usize>,
    /// Show entries starting with `.`.
    #[arg(short = 'a')]
    all: bool,
    /// Also descend into procfs and sysfs mounts.
    #[arg(long)]
    pseudo_fs: bool,
    /// Directories inside the target's root (default: its `/`).
    #[arg(value_name = "PATH")]
    paths: Vec<OsString>,
}

struct Tree<'a, W: Write> {
    root: &'a FsRoot,
    out: W,
    names: Names,
    /// For each open level: whether the entry at that level was its directory's last.
    last: Vec<bool>,
    dirs: usize,
    files: usize,
    errors: usize,
}

impl<W: Write> Visitor for Tree<'_, W> {
    fn visit(&mut self, e: &Entry<'_>) -> io::Result<Visit> {
        if e.depth == 0 {
            // tree(1) 2.x counts its starting points too.
            if e.kind == Kind::Dir {
                self.dirs += 1;
            } else {
                self.files += 1;
            }
            self.out.write_all(&self.names.show(e.path))?;
            self.out.write_all(b"\n")?;
            return Ok(Visit::Continue);
        }
        let is_last = e.last;
        self.last.truncate(e.depth - 1);
        let mut prefix = String::new();
        for &l in &self.last {
            prefix.push_str(if l { "    " } else { "│   " });
        }
        prefix.push_str(if is_last { "└── " } else { "├── " });
        self.last.push(is_last);
        self.out.write_all(prefix.as_bytes())?;
        self.out.write_all(&self.names.show(e.name()))?;
        if e.kind == Kind::Symlink {
            if let Ok(t) = e.readlink() {
                self.out.write_all(b" -> ")?;
                self.out.write_all(&self.names.show(&t))?;
            }
        }
        self.out.write_all(b"\n")?;
        // Like tree(1), a symlink to a directory counts as a directory (resolved in the root).
        let dir = e.kind == Kind::Dir
            || (e.kind == Kind::Symlink
                && self
                    .root
                    .lookup(e.path, true)
                    .is_ok_and(|n| Kind::of(n.stat.st_mode) == Kind::Dir));
        if dir {
            self.dirs += 1;
        } else {
            self.files += 1;
        }
        Ok(Visit::Continue)
    }

    fn error(&mut self, err: FsError) {
        let _ = self.out.flush();
        eprintln!("toolbox tree: {err}");
        self.errors += 1;
    }

    fn skipped(&mut self, path: &[u8], fs: &str) {
        let _ = self.out.flush();
        eprintln!(
            "toolbox tree: {}: {fs} mount skipped (pass --pseudo-fs)",
            crate::fs::shown(path)
        );
    }
}

/// Run `toolbox tree`.
pub fn run(global: &Global, args: TreeArgs) -> anyhow::Result<i32> {
    let root = super::fs_root(global)?;
    let paths: Vec<Vec<u8>> = if args.paths.is_empty() {
        vec![b"/".to_vec()]
    } else {
        args.paths.iter().map(|p| p.as_bytes().to_vec()).collect()
    };
    let opts = walk::Options {
        max_depth: args.level,
        pseudo: args.pseudo_fs,
        sorted: true,
        stat_all: false,
        follow_start: true,
        hide_dot: !args.all,
    };
    let mut t = Tree {
        root: &root,
        out: io::BufWriter::new(io::stdout().lock()),
        names: Names::for_stdout(),
        last: Vec::new(),
        dirs: 0,
        files: 0,
        errors: 0,
    };
    for p in &paths {
        walk::walk(&root, p, &opts, &mut t)?;
    }
    let d = if t.dirs == 1 {
        "directory"
    } else {
        "directories"
    };
    let f = if t.files == 1 { "file" } else { "files" };
    writeln!(t.out, "\n{} {d}, {} {f}", t.dirs, t.files)?;
    t.out.flush()?;
    Ok(if t.errors > 0 { 1 } else { 0 })
}
