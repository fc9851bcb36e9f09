//! `toolbox grep`: search files of the target's root for a regular expression, with GNU grep's
//! habits (`-r`, `-i`, `-n`, `-l`, `-c`, `-v`; `path:line` prefixes; exit 0/1/2).
//! `-r` never follows symlinks met in the tree, never opens FIFOs or devices, and skips procfs
//! and sysfs mounts unless `--pseudo-fs`.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::ffi::OsStrExt;

use clap::Args;
use regex::bytes::{Regex, RegexBuilder};

use super::Global;
use crate::fs::content::{
    consumed_by_reading, looks_binary, pseudo_fs_of, read_line_capped, set_nonblock, Sink,
    PSEUDO_CAP, SNIFF,
};
use crate::fs::meta::Kind;
use crate::fs::walk::{self, Entry, Visit, Visitor};
use crate::fs::{FsError, FsRoot, Names};

/// Arguments of `toolbox grep`.
#[derive(Debug, Args)]
#[command(
    disable_help_flag = true,
    after_help = "Lines of any length are matched whole up to 16 MiB; a longer line is searched in pieces overlapping by 64 KiB, with a warning naming the file and line number, and printed whole if it matches. With -r, files on procfs, sysfs and similar pseudo file systems are read up to 16 MiB each (their size is unknown), with a note when cut; files whose reading consumes data (kmsg, trace_pipe) are skipped."
)]
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

/// The longest line held in memory whole (16 MiB). A longer line (a minified blob, a binary
/// file without newlines) is searched in pieces of this size that overlap by [`OVERLAP`] bytes,
/// with a warning naming the file and line, so a debug container with a small memory limit
/// survives it; it still counts as one line, and a matching one is printed whole (read again).
pub const MAX_LINE: usize = 16 << 20;

/// How much of the previous piece of an over-long line is searched again with the next one: a
/// match shorter than this is found even across a piece boundary.
const OVERLAP: usize = 64 * 1024;

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

    /// A note on stderr about one file (not an error: the exit status stays).
    fn note(&mut self, path: &[u8], what: &str) {
        let _ = self.out.flush();
        eprintln!("toolbox grep: {}: {what}", crate::fs::shown(path));
    }

    fn search(&mut self, path: &[u8], file: File) -> io::Result<()> {
        // A file on procfs, sysfs and the like has no meaningful size and may never end
        // (pagemap) or wait for data (kmsg): read with a cap and without waiting, or skipped
        // when reading it would take data away from others.
        let pseudo = pseudo_fs_of(&file);
        if let Some(fs) = pseudo {
            if consumed_by_reading(fs, crate::fs::walk::base_name(path)) {
                self.note(
                    path,
                    &format!("not read: reading this {fs} file consumes its data"),
                );
                return Ok(());
            }
            set_nonblock(&file);
        }
        let cap = if pseudo.is_some() {
            PSEUDO_CAP
        } else {
            u64::MAX
        };
        // A second handle for printing an over-long matching line again (pread: no shared
        // offset); None when the descriptor cannot be duplicated.
        let again = file.try_clone().ok();
        let mut reader = BufReader::with_capacity(64 * 1024, file.take(cap));
        let binary = match reader.fill_buf() {
            Ok(buf) => looks_binary(&buf[..buf.len().min(SNIFF)]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(e) => {
                self.report(self.root.error(path, e));
                return Ok(());
            }
        };
        let shown = self.names.show(path).into_owned();
        let mut line = Vec::new();
        let mut n = 0u64;
        let mut count = 0u64;
        // Offset of the current line's first byte in the file.
        let mut offset = 0u64;
        loop {
            line.clear();
            let got = match read_line_capped(&mut reader, &mut line, MAX_LINE) {
                Ok(0) => break,
                Ok(got) => got,
                // A pseudo file with no more data for now: its end, as far as grep goes.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => {
                    self.report(self.root.error(path, e));
                    break;
                }
            };
            n += 1;
            let start = offset;
            offset += got as u64;
            let complete = line.ends_with(b"\n") || line.len() < MAX_LINE;
            let (hit, len) = if complete {
                let body = line.strip_suffix(b"\n").unwrap_or(&line);
                (self.re.is_match(body), body.len() as u64)
            } else {
                match self.long_line(&mut reader, &mut line, path, n, binary) {
                    Ok((hit, len, consumed)) => {
                        offset += consumed;
                        (hit, len)
                    }
                    Err(e) => {
                        self.report(self.root.error(path, e));
                        break;
                    }
                }
            };
            if hit == self.args.invert {
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
            if complete {
                let body = line.strip_suffix(b"\n").unwrap_or(&line);
                self.out.write(body)?;
            } else {
                self.print_again(again.as_ref(), path, start, len)?;
            }
            self.out.write(b"\n")?;
        }
        if let Some(fs) = pseudo {
            // Cut unless the file ends right at the cap (a probe that fails, as pagemap's does
            // for reads not a multiple of 8 bytes, counts as more data).
            let stopped = reader.get_ref().limit() == 0
                && !matches!(reader.get_mut().get_mut().read(&mut [0u8; 4096]), Ok(0));
            if stopped && !(self.args.files_with_matches && count > 0) {
                self.note(
                    path,
                    &format!(
                        "searched only the first {} MiB ({fs} file of unknown size)",
                        PSEUDO_CAP >> 20
                    ),
                );
            }
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

    /// The rest of a line longer than [`MAX_LINE`] whose first piece is in `line`: searched
    /// piece by piece (each with the last [`OVERLAP`] bytes of the one before), memory bounded.
    /// Returns whether it matched, its length without the newline, and the bytes consumed
    /// after the first piece.
    fn long_line<R: BufRead>(
        &mut self,
        reader: &mut R,
        line: &mut Vec<u8>,
        path: &[u8],
        n: u64,
        binary: bool,
    ) -> io::Result<(bool, u64, u64)> {
        if !binary {
            let _ = self.out.flush();
            eprintln!(
                "toolbox grep: {}: line {n} is longer than {} MiB: searched in overlapping pieces, so a match longer than {} KiB across a piece boundary could be missed",
                crate::fs::shown(path),
                MAX_LINE >> 20,
                OVERLAP >> 10
            );
        }
        let mut hit = self.re.is_match(line);
        let mut len = line.len() as u64;
        let mut consumed = 0u64;
        loop {
            let keep = line.len().min(OVERLAP);
            line.drain(..line.len() - keep);
            let got = read_line_capped(reader, line, MAX_LINE)?;
            if got == 0 {
                return Ok((hit, len, consumed));
            }
            consumed += got as u64;
            let end = line.ends_with(b"\n");
            let body = if end {
                &line[..line.len() - 1]
            } else {
                &line[..]
            };
            len += (got - usize::from(end)) as u64;
            // With -l, -c or -q-like use one hit is enough; the rest is still consumed.
            hit = hit || self.re.is_match(body);
            if end {
                return Ok((hit, len, consumed));
            }
        }
    }

    /// Print `len` bytes of `file` from `start` (an over-long matching line), in pieces.
    fn print_again(
        &mut self,
        file: Option<&File>,
        path: &[u8],
        start: u64,
        len: u64,
    ) -> io::Result<()> {
        use std::os::unix::fs::FileExt;
        let mut buf = vec![0u8; 64 * 1024];
        let mut done = 0u64;
        while done < len {
            let want = buf.len().min((len - done) as usize);
            let got = match file.map(|f| f.read_at(&mut buf[..want], start + done)) {
                Some(Ok(0)) => break,
                Some(Ok(got)) => got,
                Some(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                _ => break,
            };
            self.out.write(&buf[..got])?;
            done += got as u64;
        }
        if done < len {
            let _ = self.out.flush();
            eprintln!(
                "toolbox grep: {}: the matching line at byte {start} could not be read again (not a regular file, or it changed); printed {done} of {len} bytes",
                crate::fs::shown(path)
            );
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
    let root = super::fs_root(global)?;
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
        let real = root.real_path(p.as_bytes());
        let path = &*real;
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
