//! `toolbox find`: search the target's root with GNU find's habits: `-name`, `-iname`, `-path`,
//! `-type`, `-size`, `-mtime`, `-mmin`, `-maxdepth`, `-mindepth`, `!`, `-print0`; terms are
//! ANDed. Symlinks are never followed (`find -P`); procfs and sysfs mounts below the starting
//! points are skipped unless `-pseudo-fs` is given.

use std::ffi::OsString;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;

use clap::{ArgAction, Args};

use crate::cli::Global;
use crate::fs::glob::Glob;
use crate::fs::meta;
use crate::fs::walk::{self, Entry, Visit, Visitor};
use crate::fs::{FsError, FsRoot, Names};

/// Arguments of `toolbox find`.
#[derive(Debug, Args)]
#[command(disable_help_flag = true)]
pub struct FindArgs {
    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    help: Option<bool>,
    /// Starting points inside the target's root (default `/`), then the expression:
    /// -name GLOB, -iname GLOB, -path GLOB, -type f|d|l|p|s|c|b[,…], -size [+-]N[cbkMG],
    /// -mtime [+-]N, -mmin [+-]N, -maxdepth N, -mindepth N, ! or -not before a test,
    /// -print, -print0, -pseudo-fs (also search /proc and /sys mounts).
    #[arg(
        value_name = "PATH… EXPR",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    args: Vec<OsString>,
}

/// Comparison of a number, as find writes it: `+N` more, `-N` less, `N` exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    /// More than.
    More(i64),
    /// Less than.
    Less(i64),
    /// Exactly.
    Exactly(i64),
}

impl Cmp {
    fn parse(s: &str) -> Option<(Cmp, &str)> {
        let (ctor, rest): (fn(i64) -> Cmp, &str) = match s.as_bytes().first()? {
            b'+' => (Cmp::More, &s[1..]),
            b'-' => (Cmp::Less, &s[1..]),
            _ => (Cmp::Exactly, s),
        };
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let n: i64 = rest[..digits].parse().ok()?;
        Some((ctor(n), &rest[digits..]))
    }

    fn test(self, v: i64) -> bool {
        match self {
            Cmp::More(n) => v > n,
            Cmp::Less(n) => v < n,
            Cmp::Exactly(n) => v == n,
        }
    }
}

/// One test of the expression.
#[derive(Clone, Debug)]
pub enum Test {
    /// `-name`/`-iname`: the base name.
    Name(Glob),
    /// `-path`/`-ipath`: the whole path as printed.
    Path(Glob),
    /// `-type`: one of these letters.
    Type(Vec<char>),
    /// `-size`: in units of this many bytes, rounded up.
    Size(Cmp, u64),
    /// `-mtime` (unit 86400 s, rounded down) or `-mmin` (unit 60 s).
    Mtime(Cmp, i64),
}

/// A parsed command line.
#[derive(Clone, Debug, Default)]
pub struct Expr {
    /// Starting points.
    pub paths: Vec<Vec<u8>>,
    /// ANDed tests, each possibly negated.
    pub tests: Vec<(bool, Test)>,
    /// -maxdepth.
    pub max_depth: Option<usize>,
    /// -mindepth.
    pub min_depth: usize,
    /// -print0.
    pub nul: bool,
    /// -pseudo-fs.
    pub pseudo: bool,
}

/// Parse `PATH… EXPR` the way find does: paths until the first word starting with `-` or `!`.
pub fn parse(args: &[OsString]) -> Result<Expr, String> {
    let mut e = Expr::default();
    let mut it = args.iter().map(|a| a.as_bytes()).peekable();
    while let Some(a) = it.peek() {
        if a.starts_with(b"-") || *a == b"!" || *a == b"(" {
            break;
        }
        e.paths.push(a.to_vec());
        it.next();
    }
    if e.paths.is_empty() {
        e.paths.push(b"/".to_vec());
    }
    let mut negate = false;
    while let Some(word) = it.next() {
        let w = String::from_utf8_lossy(word).into_owned();
        let mut value = |what: &str| -> Result<Vec<u8>, String> {
            it.next()
                .map(<[u8]>::to_vec)
                .ok_or_else(|| format!("missing argument to `{what}'"))
        };
        let test = match w.as_str() {
            "!" | "-not" => {
                negate = !negate;
                continue;
            }
            "-a" | "-and" | "-print" => continue,
            "-print0" => {
                e.nul = true;
                continue;
            }
            "-pseudo-fs" | "--pseudo-fs" => {
                e.pseudo = true;
                continue;
            }
            "-maxdepth" | "-mindepth" => {
                let v = String::from_utf8_lossy(&value(&w)?).into_owned();
                let n: usize = v
                    .parse()
                    .map_err(|_| format!("expected a non-negative decimal integer as argument to {w}, but got `{v}'"))?;
                if w == "-maxdepth" {
                    e.max_depth = Some(n);
                } else {
                    e.min_depth = n;
                }
                continue;
            }
            "-name" | "-iname" => Test::Name(Glob::new(&value(&w)?, w == "-iname")),
            "-path" | "-ipath" | "-wholename" => Test::Path(Glob::new(&value(&w)?, w == "-ipath")),
            "-type" => {
                let v = String::from_utf8_lossy(&value(&w)?).into_owned();
                let mut kinds = Vec::new();
                for part in v.split(',') {
                    match part {
                        "f" | "d" | "l" | "p" | "s" | "c" | "b" => {
                            kinds.push(if part == "f" { '-' } else { part.chars().next().unwrap_or('?') })
                        }
                        _ => return Err(format!("unknown argument to -type: {part}")),
                    }
                }
                Test::Type(kinds)
            }
            "-size" => {
                let v = String::from_utf8_lossy(&value(&w)?).into_owned();
                let (cmp, unit) = Cmp::parse(&v).ok_or_else(|| format!("invalid argument `{v}' to `-size'"))?;
                let unit = match unit {
                    "" | "b" => 512,
                    "c" => 1,
                    "w" => 2,
                    "k" => 1024,
                    "M" => 1 << 20,
                    "G" => 1 << 30,
                    _ => return Err(format!("invalid -size unit in `{v}'")),
                };
                Test::Size(cmp, unit)
            }
            "-mtime" | "-mmin" => {
                let v = String::from_utf8_lossy(&value(&w)?).into_owned();
                match Cmp::parse(&v) {
                    Some((cmp, "")) => Test::Mtime(cmp, if w == "-mtime" { 86_400 } else { 60 }),
                    _ => return Err(format!("invalid argument `{v}' to `{w}'")),
                }
            }
            other => {
                return Err(format!(
                    "unknown predicate `{other}' (toolbox find knows -name -iname -path -type -size -mtime -mmin -maxdepth -mindepth ! -print -print0 -pseudo-fs; global options go before the command)"
                ))
            }
        };
        e.tests.push((negate, test));
        negate = false;
    }
    if negate {
        return Err("expected an expression after `!'".into());
    }
    Ok(e)
}

/// `-mtime` counts whole days, fractions dropped; `-mmin +N`/`-N` compare the exact age with N
/// minutes and `-mmin N` rounds the age up to whole minutes (GNU find's habits).
fn age_test(cmp: Cmp, age: i64, unit: i64) -> bool {
    if unit == 86_400 {
        return cmp.test(age.div_euclid(unit));
    }
    match cmp {
        Cmp::More(n) => age > n * unit,
        Cmp::Less(n) => age < n * unit,
        Cmp::Exactly(n) => (age + unit - 1).div_euclid(unit) == n,
    }
}

struct Finder<'a, W: Write> {
    expr: &'a Expr,
    out: W,
    names: Names,
    now: i64,
    errors: usize,
}

impl<W: Write> Finder<'_, W> {
    fn matches(&self, e: &Entry<'_>) -> bool {
        for (neg, t) in &self.expr.tests {
            let ok = match t {
                Test::Name(g) => g.matches(e.name()),
                Test::Path(g) => g.matches(e.path),
                Test::Type(k) => k.contains(&e.kind.letter()),
                Test::Size(cmp, unit) => match e.stat() {
                    Ok(st) => cmp.test((st.st_size.max(0) as u64).div_ceil(*unit) as i64),
                    Err(_) => false,
                },
                Test::Mtime(cmp, unit) => match e.stat() {
                    Ok(st) => age_test(*cmp, self.now - st.st_mtime, *unit),
                    Err(_) => false,
                },
            };
            if ok == *neg {
                return false;
            }
        }
        true
    }
}

impl<W: Write> Visitor for Finder<'_, W> {
    fn visit(&mut self, e: &Entry<'_>) -> io::Result<Visit> {
        if e.depth >= self.expr.min_depth && self.matches(e) {
            self.out.write_all(&self.names.show(e.path))?;
            self.out
                .write_all(if self.expr.nul { b"\0" } else { b"\n" })?;
        }
        Ok(Visit::Continue)
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
    let root = FsRoot::for_global(global)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Expr, String> {
        parse(&s.split_whitespace().map(OsString::from).collect::<Vec<_>>())
    }

    #[test]
    fn parses_like_find() {
        let e = p("/etc /var -name *.conf ! -type d -size +2k -maxdepth 3").unwrap();
        assert_eq!(e.paths, vec![b"/etc".to_vec(), b"/var".to_vec()]);
        assert_eq!(e.tests.len(), 3);
        assert!(e.tests[1].0);
        assert_eq!(e.max_depth, Some(3));
        assert!(matches!(e.tests[2].1, Test::Size(Cmp::More(2), 1024)));
        assert_eq!(p("-type f").unwrap().paths, vec![b"/".to_vec()]);
        assert!(p("/ -bogus").is_err());
        assert!(p("/ -name").is_err());
        assert!(p("/ -size 3q").is_err());
        assert!(p("/ !").is_err());
    }
}
