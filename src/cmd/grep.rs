//! `toolbox grep`: search files of the target's root for a regular expression, with GNU grep's
//! habits (`-r`, `-i`, `-n`, `-l`, `-c`, `-v`; `path:line` prefixes; exit 0/1/2).
//! `-r` never follows symlinks met in the tree, never opens FIFOs or devices, and skips procfs
//! and sysfs mounts unless `--pseudo-fs`.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::os::unix::ffi::OsStrExt;

use clap::Args;
use regex::bytes::{Regex, RegexBuilder};

use crate::cli::Global;
use crate::fs::content::{looks_binary, read_line_capped, Sink, SNIFF};
use crate::fs::meta::Kind;
use crate::fs::walk::{self, Entry, Visit, Visitor};
use crate::fs::{FsError, FsRoot, Names};

/// Arguments of `toolbox grep`.
#[derive(Debug, Args)]
#[command(disable_help_flag = true)]
pub struct GrepArgs {
    /// Print help.
    #[arg(long, action = clap::ArgAction::Help)]
    help: Option<bool>,
    /// Search directories recursively.
    #[arg(short = 'r', long = "recursive", visible_short_alias = 'R')]
    recursive: bool,
    /// Ignore case.
    #[arg(short = 'i', long = "ignore-case")]
    ignore_case: bool,
    /// Prefix lines with their line number.
    #[arg(short = 'n', long = "line-number")]
    line_number: bool,
    /// Print only the names of files with a match.
    #[arg(short = 'l', long = "files-with-matches")]
    files_with_matches: bool,
    /// Print only a count of matching lines per file.
    #[arg(short = 'c', long = "count")]
    count: bool,
    /// Select lines that do not match.
    #[arg(short = 'v', long = "invert-match")]
    invert: bool,
    /// PATTERN is a fixed string, not a regular expression.
    #[arg(short = 'F', long = "fixed-strings")]
    fixed: bool,
    /// Match only whole words.
    #[arg(short = 'w', long = "word-regexp")]
    word: bool,
    /// Extended regular expressions (the default syntax already is; accepted for habit).
    #[arg(short = 'E', long = "extended-regexp")]
    _extended: bool,
    /// Always prefix lines with the file name.
    #[arg(short = 'H', long = "with-filename", overrides_with = "no_filename")]
    with_filename: bool,
    /// Never prefix lines with the file name.
    #[arg(short = 'h', long = "no-filename")]
    no_filename: bool,
    /// Also read FIFOs, sockets and devices named on the command line.
    #[arg(long)]
    special: bool,
    /// With -r, also search procfs and sysfs mounts.
    #[arg(long)]
    pseudo_fs: bool,
    /// The regular expression (Rust regex syntax, close to grep -E).
    #[arg(value_name = "PATTERN")]
    pattern: String,
    /// Files or (with -r) directories inside the target's root.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<OsString>,
}

/// The longest line held in memory: a longer one (a binary file, a minified blob) is searched
/// in pieces of this size, so a debug container with a small memory limit survives it.
const MAX_LINE: usize = 1 << 20;

struct Grep<'a, W: Write> {
    args: &'a GrepArgs,
    root: &'a FsRoot,
    re: Regex,
    out: Sink<W>,
    names: Names,
    with_name: bool,
    matched: bool,
    errors: usize,
}

impl<W: Write> Grep<'_, W> {
    fn report(&mut self, e: FsError) {
        let _ = self.out.flush();
        eprintln!("toolbox grep: {e}");
        self.errors += 1;
    }

    fn search(&mut self, path: &[u8], file: File) -> io::Result<()> {
        let mut reader = BufReader::with_capacity(64 * 1024, file);
        let binary = match reader.fill_buf() {
            Ok(buf) => looks_binary(&buf[..buf.len().min(SNIFF)]),
            Err(e) => {
                self.report(self.root.error(path, e));
                return Ok(());
            }
        };
        let shown = self.names.show(path).into_owned();
        let mut line = Vec::new();
        let mut n = 0u64;
        let mut count = 0u64;
        loop {
            line.clear();
            match read_line_capped(&mut reader, &mut line, MAX_LINE) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    self.report(self.root.error(path, e));
                    break;
                }
            }
            n += 1;
            let body = line.strip_suffix(b"\n").unwrap_or(&line);
            if self.re.is_match(body) == self.args.invert {
                continue;
            }
            count += 1;
            self.matched = true;
            if self.args.files_with_matches {
                break;
            }
            if self.args.count {
                continue;
            }
            if binary {
                self.out.write(b"Binary file ")?;
                self.out.write(&shown)?;
                self.out.write(b" matches\n")?;
                break;
            }
            if self.with_name {
                self.out.write(&shown)?;
                self.out.write(b":")?;
            }
            if self.args.line_number {
                self.out.write(format!("{n}:").as_bytes())?;
            }
            self.out.write(body)?;
            self.out.write(b"\n")?;
        }
        if self.args.files_with_matches && count > 0 {
            self.out.write(&shown)?;
            self.out.write(b"\n")?;
        } else if self.args.count {
            if self.with_name {
                self.out.write(&shown)?;
                self.out.write(b":")?;
            }
            self.out.write(format!("{count}\n").as_bytes())?;
        }
        Ok(())
    }
}

impl<W: Write> Visitor for Grep<'_, W> {
    fn visit(&mut self, e: &Entry<'_>) -> io::Result<Visit> {
        if e.kind != Kind::File {
            return Ok(Visit::Continue);
        }
        match e.open_file(self.root) {
            Ok((file, _)) => self.search(e.path, file)?,
            Err(err) => self.report(err),
        }
        Ok(Visit::Continue)
    }

    fn error(&mut self, err: FsError) {
        self.report(err);
    }
}

/// Run `toolbox grep`.
pub fn run(global: &Global, args: GrepArgs) -> anyhow::Result<i32> {
    let mut pattern = if args.fixed {
        regex::escape(&args.pattern)
    } else {
        args.pattern.clone()
    };
    if args.word {
        // GNU grep -w: the match must not touch a word character on either side.
        pattern = format!(r"(?:^|[^\w])(?:{pattern})(?:[^\w]|$)");
    }
    let re = match RegexBuilder::new(&pattern)
        .case_insensitive(args.ignore_case)
        .unicode(false)
        .build()
    {
        Ok(re) => re,
        Err(e) => {
            eprintln!("toolbox grep: invalid pattern: {e}");
            return Ok(2);
        }
    };
    let root = FsRoot::for_global(global)?;
    let mut g = Grep {
        args: &args,
        root: &root,
        re,
        out: Sink::new(
            io::BufWriter::new(io::stdout().lock()),
            crate::output::stdout_is_terminal(),
        ),
        names: Names::for_stdout(),
        with_name: (args.paths.len() > 1 || args.with_filename) && !args.no_filename,
        matched: false,
        errors: 0,
    };
    let opts = walk::Options {
        max_depth: None,
        pseudo: args.pseudo_fs,
        sorted: false,
        stat_all: false,
        hide_dot: false,
        follow_start: true,
    };
    for p in &args.paths {
        let path = p.as_bytes();
        if args.recursive {
            match root.lookup(path, true) {
                Ok(node) if Kind::of(node.stat.st_mode) == Kind::Dir => {
                    // Names are shown for files found in a directory, as GNU grep does.
                    let single = g.with_name;
                    g.with_name = !args.no_filename;
                    walk::walk(&root, path, &opts, &mut g)?;
                    g.with_name = single;
                    continue;
                }
                Ok(_) => {}
                Err(e) => {
                    g.report(e);
                    continue;
                }
            }
        }
        match root.open_read(path, args.special) {
            Ok((file, _)) => g.search(path, file)?,
            Err(e) => g.report(e),
        }
    }
    g.out.flush()?;
    Ok(if g.errors > 0 {
        2
    } else if g.matched {
        0
    } else {
        1
    })
}
