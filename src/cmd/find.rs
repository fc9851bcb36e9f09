//! `toolbox find`: search the target's root with GNU find's habits: tests `-name`, `-iname`,
//! `-path`, `-type`, `-size`, `-mtime`, `-mmin`, `-true`, `-false`; operators `!`, `-a`, `-o`,
//! `( )`; actions `-print`, `-print0`, `-prune`; options `-maxdepth`, `-mindepth`. Without an
//! action the whole expression is followed by `-print`, as find does. Symlinks are never followed
//! (`find -P`); procfs and sysfs mounts below the starting points are skipped unless
//! `-pseudo-fs` is given.

use std::ffi::OsString;
use std::io::{self, Write};

use clap::{ArgAction, Args};

use super::Global;
use crate::fs::find::{parse, Expr, Node};
use crate::fs::meta;
use crate::fs::walk::{self, Entry, Visit, Visitor};
use crate::fs::{FsError, Names};

/// Arguments of `toolbox find`.
#[derive(Debug, Args)]
#[command(disable_help_flag = true)]
pub struct FindArgs {
    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    help: Option<bool>,
    /// Starting points inside the target's root (default `/`), then the expression:
    /// tests -name GLOB, -iname GLOB, -path GLOB, -type f|d|l|p|s|c|b[,…], -size [+-]N[cbkMG],
    /// -mtime [+-]N, -mmin [+-]N, -true, -false; operators ! -not -a -and -o -or ( );
    /// actions -print, -print0, -prune; options -maxdepth N, -mindepth N, -pseudo-fs (also
    /// search /proc and /sys mounts).
    #[arg(
        value_name = "PATH… EXPR",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    args: Vec<OsString>,
}

struct Finder<'a, W: Write> {
    expr: &'a Expr,
    out: W,
    names: Names,
    now: i64,
    errors: usize,
}

impl<W: Write> Finder<'_, W> {
    /// Evaluate `n` on `e` with find's short-circuit rules; `prune` is set by `-prune`.
    fn eval(&mut self, n: &Node, e: &Entry<'_>, prune: &mut bool) -> io::Result<bool> {
        Ok(match n {
            Node::Test(t) => t.matches(e, self.now),
            Node::Const(b) => *b,
            Node::Not(x) => !self.eval(x, e, prune)?,
            Node::And(a, b) => self.eval(a, e, prune)? && self.eval(b, e, prune)?,
            Node::Or(a, b) => self.eval(a, e, prune)? || self.eval(b, e, prune)?,
            Node::Print(nul) => {
                self.out.write_all(&self.names.show(e.path))?;
                self.out.write_all(if *nul { b"\0" } else { b"\n" })?;
                true
            }
            Node::Prune => {
                *prune = true;
                true
            }
        })
    }
}

impl<W: Write> Visitor for Finder<'_, W> {
    fn visit(&mut self, e: &Entry<'_>) -> io::Result<Visit> {
        let mut prune = false;
        if e.depth >= self.expr.min_depth {
            let root = &self.expr.root;
            self.eval(root, e, &mut prune)?;
        }
        Ok(if prune { Visit::Skip } else { Visit::Continue })
    }

    fn error(&mut self, err: FsError) {
        let _ = self.out.flush();
        eprintln!("toolbox find: {err}");
        self.errors += 1;
    }

    fn skipped(&mut self, path: &[u8], fs: &str) {
        let _ = self.out.flush();
        eprintln!(
            "toolbox find: {}: {fs} mount not searched (add -pseudo-fs to search it)",
            crate::fs::shown(path)
        );
    }
}

/// Run `toolbox find`.
pub fn run(global: &Global, args: FindArgs) -> anyhow::Result<i32> {
    let expr = match parse(&args.args) {
        Ok(e) => e,
        Err(msg) => {
            eprintln!("toolbox find: {msg}");
            return Ok(1);
        }
    };
    let root = super::fs_root(global)?;
    let opts = walk::Options {
        max_depth: expr.max_depth,
        pseudo: expr.pseudo,
        sorted: false,
        stat_all: false,
        follow_start: false,
        hide_dot: false,
    };
    let mut f = Finder {
        expr: &expr,
        out: io::BufWriter::with_capacity(64 * 1024, io::stdout().lock()),
        names: Names::for_stdout(),
        now: meta::now(),
        errors: 0,
    };
    for p in &expr.paths {
        walk::walk(&root, p, &opts, &mut f)?;
    }
    f.out.flush()?;
    Ok(if f.errors > 0 { 1 } else { 0 })
}
