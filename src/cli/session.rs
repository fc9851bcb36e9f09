//! `toolbox` with no subcommand: the summary, then a session. On a terminal a prompt with line
//! editing, history and completion; otherwise a script read line by line from stdin
//! (`kubectl debug -i … < checks.txt`). Each command runs with the same syntax and output as
//! one-shot, in a child toolbox (see [`crate::session::run`]); the session adds `cd`, `pwd`,
//! `use`, `help`, `exit`, `|` filters and `>`/`>>`.

use std::io::{BufRead, IsTerminal, Write};
use std::os::unix::ffi::OsStrExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::{CommandFactory, Parser};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{CompletionType, Config, Editor};

use super::Cli;
use crate::cmd::{self, Global};
use crate::fs::{meta::Kind, FsRoot};
use crate::output::sanitize;
use crate::session::complete::Helper;
use crate::session::run::{self, IN_SESSION};
use crate::session::words::{self, Line};
use crate::target::{Root, Scan};

/// Where the history is kept when toolbox's own root is writable.
const HISTORY: &str = "/.toolbox_history";

/// Run `toolbox` with no subcommand.
pub fn run(global: &Global, keep_going: bool) -> anyhow::Result<i32> {
    if std::env::var_os(IN_SESSION).is_some() {
        // A session's own `--pid 7`-only line: the summary, not a session in a session.
        return cmd::summary::run(global);
    }
    // Ctrl-C is for the running command (same foreground process group): the session only
    // notes it. A handler, not SIG_IGN, so that children start with the default again.
    let interrupted = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::clone(&interrupted))?;
    let mut session = Session::new(global);
    if std::io::stdin().is_terminal() {
        interactive(global, &mut session, &interrupted)
    } else {
        scripted(global, &mut session, keep_going, &interrupted)
    }
}

/// What a session line asks for next.
enum Flow {
    Continue(i32),
    Exit(i32),
}

struct Session {
    /// The global options that choose the target or root, given (as words) to every command
    /// that does not choose its own.
    global: Global,
    /// The root they resolve to, for `cd` and completion (None: no target chosen).
    root: Option<Root>,
    /// The prompt's name for it (`nginx:6`).
    label: String,
    /// The working directory inside that root.
    cwd: String,
    /// Commands get no stdin (it holds the script).
    stdin_null: bool,
}

fn select_words(g: &Global) -> Vec<String> {
    let mut v = Vec::new();
    if let Some(pid) = g.pid {
        v.extend(["--pid".to_string(), pid.to_string()]);
    }
    if let Some(name) = &g.target_name {
        v.extend(["--target".to_string(), name.clone()]);
    }
    if let Some(dir) = &g.root {
        v.extend(["--root".to_string(), dir.display().to_string()]);
    }
    if g.host {
        v.push("--host".into());
    }
    v
}

fn chooses(g: &Global) -> bool {
    g.pid.is_some() || g.target_name.is_some() || g.root.is_some() || g.host
}

/// Resolve the root and prompt label that `g` selects, or why none.
fn resolve(g: &Global) -> Result<(Root, String), String> {
    if let Some(root) = g.explicit_root() {
        let label = match &root {
            Root::Host => "host".to_string(),
            other => other.path().display().to_string(),
        };
        return Ok((root, label));
    }
    let scan = Scan::new().map_err(|e| e.to_string())?;
    let choice = scan.choose(&g.selector()).map_err(|e| e.to_string())?;
    let comm = std::fs::read_to_string(format!("/proc/{}/comm", choice.pid)).unwrap_or_default();
    Ok((
        Root::Process(choice.pid),
        format!("{}:{}", sanitize(comm.trim_end()), choice.pid),
    ))
}

/// `cwd` joined with `dir` and normalised as text (`..` at `/` stays at `/`, as in a shell).
fn join(cwd: &str, dir: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let full = if dir.starts_with('/') {
        dir.to_string()
    } else {
        format!("{cwd}/{dir}")
    };
    for p in full.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

const SESSION_HELP: &str = "\
toolbox session: every subcommand runs here with its usual flags and output (`COMMAND --help`).
  cd [DIR]              change directory inside the target's root (relative paths start there)
  pwd                   print it
  use PID | use --target NAME | use --root DIR | use --host | use
                        switch target (`use` alone: discovery, as at the start)
  CMD > FILE, >> FILE   write the output to FILE in toolbox's own file system
  CMD | grep [-i] [-v] RE | head [-n N] | tail [-n N] | wc -l
                        built-in filters
  help [COMMAND], exit [N] (or Ctrl-D); Ctrl-C stops the running command
A leading `toolbox` is optional (`toolbox ps` is `ps`).
Words are quoted as in sh ('…', \"…\", \\); variables, globs and command substitution are not
supported.

commands:
";

impl Session {
    fn new(global: &Global) -> Session {
        let mut s = Session {
            global: global.clone(),
            root: None,
            label: "no target".into(),
            cwd: "/".into(),
            stdin_null: false,
        };
        s.refresh();
        s
    }

    /// Resolve the target again (an auto-discovered one may have restarted with a new PID).
    fn refresh(&mut self) {
        match resolve(&self.global) {
            Ok((root, label)) => {
                self.root = Some(root);
                self.label = label;
            }
            Err(_) => {
                self.root = None;
                self.label = "no target".into();
            }
        }
    }

    fn help(&self) -> String {
        let mut text = SESSION_HELP.to_string();
        let cli = Cli::command();
        for sub in cli.get_subcommands().filter(|s| !s.is_hide_set()) {
            let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
            text.push_str(&format!("  {:<9} {about}\n", sub.get_name()));
        }
        text
    }

    fn cd(&mut self, args: &[String]) -> Result<(), String> {
        let dir = match args {
            [] => "/",
            [d] => d.as_str(),
            _ => return Err("cd: one directory".into()),
        };
        let new = join(&self.cwd, dir);
        let Some(root) = &self.root else {
            return Err("cd: no target chosen (`use PID` or `use --target NAME`)".into());
        };
        let fs = FsRoot::open(root.clone()).map_err(|e| format!("cd: {e}"))?;
        let node = fs
            .lookup(new.as_bytes(), true)
            .map_err(|e| format!("cd: {e}"))?;
        if Kind::of(node.stat.st_mode) != Kind::Dir {
            return Err(format!("cd: not a directory: {}", sanitize(dir)));
        }
        self.cwd = new;
        Ok(())
    }

    fn use_target(&mut self, args: &[String]) -> Result<String, String> {
        let mut argv = vec!["toolbox".to_string()];
        match args {
            [pid] if pid.parse::<i32>().is_ok() => argv.extend(["--pid".into(), pid.clone()]),
            _ => argv.extend(args.iter().cloned()),
        }
        let cli = Cli::try_parse_from(&argv).map_err(|e| format!("use: {}", e.kind()))?;
        if cli.command.is_some() {
            return Err("use: PID, --pid PID, --target NAME, --root DIR, --host or nothing".into());
        }
        let (root, label) = resolve(&cli.global).map_err(|e| format!("use: {e}"))?;
        self.global = cli.global;
        self.root = Some(root);
        self.label = label.clone();
        self.cwd = "/".into();
        Ok(label)
    }

    /// Run one line.
    fn execute(&mut self, text: &str) -> Flow {
        let line = match words::parse(text) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("toolbox: {e}");
                return Flow::Continue(2);
            }
        };
        let Line {
            mut words,
            filters,
            redirect,
        } = line;
        if words.is_empty() {
            return Flow::Continue(0);
        }
        // `toolbox ps`, as the summary's hints and the README spell it, is `ps` here (and
        // `toolbox` alone the summary).
        if words[0] == "toolbox" {
            words.remove(0);
        }
        let first = words.first().cloned().unwrap_or_default();
        let builtin_out =
            |text: String, filters, redirect: Option<&words::Redirect>| match run::emit(
                text.as_bytes(),
                filters,
                redirect,
            ) {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("toolbox: {e}");
                    1
                }
            };
        match first.as_str() {
            "exit" => {
                return match words.get(1).map(|c| c.parse::<i32>()) {
                    None => Flow::Exit(0),
                    Some(Ok(c)) => Flow::Exit(c),
                    Some(Err(_)) => {
                        eprintln!("toolbox: exit: not a number: {}", sanitize(&words[1]));
                        Flow::Continue(2)
                    }
                }
            }
            "help"
                if words.len() == 1
                    || crate::session::complete::BUILTINS.contains(&words[1].as_str()) =>
            {
                return Flow::Continue(builtin_out(self.help(), filters, redirect.as_ref()))
            }
            "pwd" => {
                return Flow::Continue(builtin_out(
                    format!("{}\n", self.cwd),
                    filters,
                    redirect.as_ref(),
                ))
            }
            "cd" => {
                return Flow::Continue(match self.cd(&words[1..]) {
                    Ok(()) => 0,
                    Err(e) => {
                        eprintln!("toolbox: {e}");
                        1
                    }
                })
            }
            "use" => {
                return Flow::Continue(match self.use_target(&words[1..]) {
                    Ok(label) => {
                        builtin_out(format!("target: {label}\n"), filters, redirect.as_ref())
                    }
                    Err(e) => {
                        eprintln!("toolbox: {e}");
                        2
                    }
                })
            }
            _ => {}
        }
        let mut args: Vec<String> = Vec::new();
        let words: Vec<String> = if first == "help" {
            // `help ps` is `ps --help`.
            words[1..]
                .iter()
                .cloned()
                .chain(["--help".into()])
                .collect()
        } else {
            words
        };
        let argv: Vec<&str> = std::iter::once("toolbox")
            .chain(words.iter().map(String::as_str))
            .collect();
        // Parsed here with the same `Cli` only to see whether the line chooses its own target;
        // a line that does not parse goes to the child as it is, which prints clap's message.
        if let Ok(cli) = Cli::try_parse_from(&argv) {
            if !chooses(&cli.global) {
                args.extend(select_words(&self.global));
                if self.cwd != "/" && cli.global.cwd.is_none() {
                    args.extend(["--cwd".to_string(), self.cwd.clone()]);
                }
            }
        }
        args.extend(words);
        match run::command(&args, filters, redirect.as_ref(), self.stdin_null) {
            Ok(outcome) => {
                match outcome.signal {
                    Some(libc::SIGINT) | None => {}
                    Some(sig) => eprintln!(
                        "toolbox: the command ended by signal {sig}{}; the session goes on",
                        if sig == libc::SIGABRT {
                            " (a crash: please report it)"
                        } else {
                            ""
                        }
                    ),
                }
                Flow::Continue(outcome.code)
            }
            Err(e) => {
                eprintln!("toolbox: {e}");
                Flow::Continue(1)
            }
        }
    }
}

/// The interactive session: summary, then a prompt until `exit` or Ctrl-D.
fn interactive(
    global: &Global,
    session: &mut Session,
    interrupted: &AtomicBool,
) -> anyhow::Result<i32> {
    // The summary, like every command, in a child: nothing it does stays in the session.
    if let Err(e) = run::command(&select_words(global), Vec::new(), None, false) {
        eprintln!("toolbox: {e}");
    }
    println!("\nThis is a toolbox session: `help` lists what runs here, `exit` or Ctrl-D leaves.");
    let config = Config::builder()
        .auto_add_history(false)
        .history_ignore_dups(true)?
        .max_history_size(1000)?
        .completion_type(CompletionType::List)
        .build();
    let mut rl: Editor<Helper, DefaultHistory> = Editor::with_config(config)?;
    rl.set_helper(Some(Helper {
        // Built whole: completion reads every subcommand's options (added lazily otherwise).
        cli: {
            let mut cli = Cli::command();
            cli.build();
            cli
        },
        root: session.root.clone(),
        cwd: session.cwd.clone(),
    }));
    // History on disk only where toolbox's own root is writable (a read-only root keeps it in
    // memory); the file is created here, so a failure means exactly that.
    let history = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(HISTORY)
        .is_ok();
    if history {
        let _ = rl.load_history(HISTORY);
    }
    loop {
        session.refresh();
        if let Some(h) = rl.helper_mut() {
            h.root = session.root.clone();
            h.cwd = session.cwd.clone();
        }
        interrupted.store(false, Ordering::Relaxed);
        let prompt = format!("toolbox {}> ", session.label);
        match rl.readline(&prompt) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = rl.add_history_entry(line.as_str());
                    if history {
                        let _ = rl.append_history(HISTORY);
                    }
                }
                if let Flow::Exit(code) = session.execute(&line) {
                    return Ok(code);
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => {
                println!();
                return Ok(0);
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// The scripted session: each line of stdin echoed as `toolbox> LINE`, then run. The exit
/// status is the first failure's (all lines run with `--keep-going`, otherwise the first
/// failure ends the script). Input with no command prints the summary, as `toolbox` always
/// did with stdin not a terminal (`podman run` without `-i`).
fn scripted(
    global: &Global,
    session: &mut Session,
    keep_going: bool,
    interrupted: &AtomicBool,
) -> anyhow::Result<i32> {
    session.stdin_null = true;
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut buf = Vec::new();
    let mut first_failure = 0;
    let mut any = false;
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        let text = String::from_utf8_lossy(&buf);
        let text = text.trim_end_matches(['\n', '\r']);
        if text.trim().is_empty() || text.trim_start().starts_with('#') {
            continue;
        }
        any = true;
        {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(b"toolbox> ");
            let _ = out.write_all(std::ffi::OsStr::new(text.trim()).as_bytes());
            let _ = out.write_all(b"\n");
            let _ = out.flush();
        }
        let code = match session.execute(text) {
            Flow::Exit(code) => {
                return Ok(if first_failure != 0 {
                    first_failure
                } else {
                    code
                })
            }
            Flow::Continue(code) => code,
        };
        if code != 0 && first_failure == 0 {
            first_failure = code;
        }
        if interrupted.load(Ordering::Relaxed) {
            return Ok(if first_failure != 0 {
                first_failure
            } else {
                130
            });
        }
        if code != 0 && !keep_going {
            return Ok(code);
        }
    }
    if !any {
        return cmd::summary::run(global);
    }
    Ok(first_failure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cd_joins_and_normalises_as_text() {
        assert_eq!(join("/", "etc"), "/etc");
        assert_eq!(join("/etc", "nginx/"), "/etc/nginx");
        assert_eq!(join("/etc/nginx", ".."), "/etc");
        assert_eq!(join("/etc", "../../.."), "/");
        assert_eq!(join("/etc", "/usr//lib/./x"), "/usr/lib/x");
    }

    #[test]
    fn a_session_line_keeps_its_own_target_choice() {
        let g = Cli::try_parse_from(["toolbox", "ls", "--pid", "7"])
            .unwrap()
            .global;
        assert!(chooses(&g));
        let g = Cli::try_parse_from(["toolbox", "ls", "-l"]).unwrap().global;
        assert!(!chooses(&g));
        let g = Cli::try_parse_from(["toolbox", "--target", "nginx"])
            .unwrap()
            .global;
        assert_eq!(select_words(&g), ["--target", "nginx"]);
    }
}
