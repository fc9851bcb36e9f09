//! `toolbox ps`: every process in the PID namespace, with pause, target and toolbox marked.

use std::io::{self, BufWriter, Write};

use clap::Args;

use super::Global;
use crate::output::stdout_is_terminal;
use crate::ps::{self, column, Options, PsError, Snapshot, TableStyle};

/// Arguments of `toolbox ps`.
#[derive(Debug, Args)]
#[command(
    after_help = "Columns for -o: pid lwp ppid user uid ruid stat pcpu pmem rss vsz start time nlwp ni pgid sid role exe comm command (and ps aliases: %cpu, args, cmd, …); `name=HEADER` renames a header, `-o pid=` prints none; `-o help` lists them with their JSON names.\nps habits work: `toolbox ps aux`, `toolbox ps auxf`, `toolbox ps -ef`."
)]
pub struct PsArgs {
    /// Columns to show (`pid,user,comm`, as ps -o), or `json`. May be repeated.
    #[arg(short = 'o', long = "output", value_name = "COLUMNS|json")]
    pub output: Vec<String>,
    /// Columns to show (same as `-o LIST`).
    #[arg(long, value_name = "LIST")]
    pub columns: Vec<String>,
    /// Print JSON: one object per process, with stable field names.
    #[arg(long)]
    pub json: bool,
    /// Sort by these columns; `-` before a key sorts largest first (`--sort=-rss,pid`).
    #[arg(long, value_name = "[+|-]KEY,...", allow_hyphen_values = true)]
    pub sort: Option<String>,
    /// Show the parent/child forest, like `ps auxf`.
    #[arg(short = 'f', long = "tree", visible_alias = "forest")]
    pub tree: bool,
    /// One row per thread (adds the LWP column).
    #[arg(short = 'L', long = "threads")]
    pub threads: bool,
    /// Show only these processes (`-p 7,13`, as ps -p).
    #[arg(
        short = 'p',
        long = "pids",
        value_name = "PID,...",
        value_delimiter = ','
    )]
    pub pids: Vec<i32>,
    /// Do not cut lines to the terminal's width.
    #[arg(short = 'w', long = "wide", action = clap::ArgAction::Count)]
    pub wide: u8,
    /// Every process (always the case; accepted for ps habit).
    #[arg(short = 'e', short_alias = 'A', hide = true)]
    pub every: bool,
    /// BSD-style ps options (`aux`, `auxf`, `auxww`).
    #[arg(hide = true, value_name = "BSD")]
    pub bsd: Vec<String>,
}

/// The column and format choice of `-o`, `--columns` and `--json`.
#[derive(Debug)]
struct Shape {
    json: bool,
    columns: Vec<&'static column::Column>,
    headers: Vec<Option<String>>,
}

fn shape(args: &PsArgs) -> Result<Shape, PsError> {
    let mut json = args.json;
    let mut specs: Vec<&str> = Vec::new();
    for o in &args.output {
        match o.as_str() {
            "json" => json = true,
            "table" | "wide" => {}
            spec => specs.push(spec),
        }
    }
    specs.extend(args.columns.iter().map(String::as_str));
    let mut columns = Vec::new();
    let mut headers = Vec::new();
    for s in specs {
        for (c, h) in ps::parse_columns(s)? {
            columns.push(c);
            headers.push(h);
        }
    }
    if columns.is_empty() {
        let names = if json {
            column::DEFAULT_JSON
        } else {
            column::DEFAULT
        };
        for (i, n) in names.iter().enumerate() {
            columns.extend(column::find(n));
            if i == 0 && args.threads {
                columns.extend(column::find("lwp"));
            }
        }
    }
    Ok(Shape {
        json,
        columns,
        headers,
    })
}

/// Apply BSD-style letters: `f` is the forest, `w` is wide; `a`, `u`, `x`, `e` are what toolbox
/// always shows.
fn bsd(args: &mut PsArgs) -> anyhow::Result<()> {
    for word in &args.bsd {
        for c in word.trim_start_matches('-').chars() {
            match c {
                'a' | 'u' | 'x' | 'e' | 'A' => {}
                'f' => args.tree = true,
                'w' => args.wide = args.wide.saturating_add(1),
                'L' | 'H' | 'm' => args.threads = true,
                _ => anyhow::bail!(
                    "unknown ps option {word:?}: toolbox ps accepts aux, auxf, auxww and the flags in `toolbox ps --help`"
                ),
            }
        }
    }
    Ok(())
}

fn print_help_columns() -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{:<8} {:<8} {:<14} ALIASES", "NAME", "HEADER", "JSON")?;
    for c in column::COLUMNS {
        writeln!(
            out,
            "{:<8} {:<8} {:<14} {}",
            c.key,
            c.header,
            c.json,
            c.aliases.join(",")
        )?;
    }
    out.flush()
}

/// Run `toolbox ps`.
pub fn run(global: &Global, mut args: PsArgs) -> anyhow::Result<i32> {
    bsd(&mut args)?;
    if args.output.iter().any(|o| o == "help") {
        print_help_columns()?;
        return Ok(0);
    }
    let shape = shape(&args)?;
    let opts = Options {
        columns: shape.columns,
        sort: match &args.sort {
            Some(s) => ps::parse_sort(s)?,
            None => Vec::new(),
        },
        tree: args.tree,
        threads: args.threads,
        selector: global.selector(),
        only: args.pids.clone(),
    };
    let snap = Snapshot::take(&opts)?;
    let layout = snap.layout(&opts);
    let rows = snap.rows(&layout, &opts);
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    if shape.json {
        ps::write_json(&mut out, &rows, &opts.columns, &snap.clock)?;
    } else {
        let tty = stdout_is_terminal();
        let style = TableStyle {
            width: if tty && args.wide == 0 {
                crate::sys::terminal_width()
            } else {
                None
            },
            color: tty && std::env::var_os("NO_COLOR").is_none(),
            headers: shape.headers,
        };
        ps::write_table(&mut out, &rows, &opts.columns, &snap.clock, style)?;
    }
    out.flush()?;
    if let Some(why) = &snap.no_target {
        eprintln!("toolbox ps: no target chosen ({why}); no process is marked as the target");
    }
    // Like ps -p: the processes that exist are printed; a PID that does not is an error.
    if let Some(missing) = opts
        .only
        .iter()
        .find(|pid| !snap.procs.iter().any(|p| p.info.pid == **pid))
    {
        return Err(PsError::NoSuchPid(*missing).into());
    }
    Ok(0)
}
