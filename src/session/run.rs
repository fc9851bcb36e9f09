//! One session command, run as a child toolbox (`/proc/self/exe`) with the line's words.
//!
//! A child process, not a call into `cli::run`: the release profile aborts on panic
//! (`panic = "abort"`), trace and capture install process-wide signal handlers that are never
//! removed (capture's second Ctrl-C ends the process), and a command may leave threads or
//! descriptors behind. In a child none of that can end or poison the session; Ctrl-C reaches
//! the child as it does a one-shot run (same foreground process group), and its output is
//! byte for byte the one-shot output, because it is the one-shot program.

use std::fs::{File, OpenOptions};
use std::io::{self, BufReader, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};

use super::filter::{Chain, Filter};
use super::words::Redirect;
use super::SessionError;

/// The environment variable that tells a child toolbox it runs a session's command: with no
/// subcommand it prints the summary instead of starting another session.
pub const IN_SESSION: &str = "TOOLBOX_IN_SESSION";

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Its exit status as a shell reports it (128+N when signal N ended it).
    pub code: i32,
    /// The signal that ended it, if one did.
    pub signal: Option<i32>,
}

/// Open the redirection's file in toolbox's own file system.
pub fn open_redirect(r: &Redirect) -> Result<File, SessionError> {
    OpenOptions::new()
        .write(true)
        .create(true)
        .append(r.append)
        .truncate(!r.append)
        .mode(0o644)
        .open(&r.path)
        .map_err(|err| SessionError::Redirect {
            path: r.path.clone(),
            err,
        })
}

/// Write `text` (a builtin's output) through `filters` into the redirection or stdout.
pub fn emit(
    text: &[u8],
    filters: Vec<Filter>,
    redirect: Option<&Redirect>,
) -> Result<(), SessionError> {
    let mut out: Box<dyn Write> = match redirect {
        Some(r) => Box::new(open_redirect(r)?),
        None => Box::new(io::stdout().lock()),
    };
    Chain::new(filters)
        .run(&mut &text[..], &mut out)
        .map_err(SessionError::Output)
}

/// Run toolbox with `args` (without argv\[0\]) as a child; its output goes through `filters`
/// into `redirect` or stdout. `stdin_null`: the session reads a script from stdin, which the
/// command must not consume.
pub fn command(
    args: &[String],
    filters: Vec<Filter>,
    redirect: Option<&Redirect>,
    stdin_null: bool,
) -> Result<Outcome, SessionError> {
    // What the session printed so far comes before the command's output.
    let _ = io::stdout().flush();
    let file = redirect.map(open_redirect).transpose()?;
    let mut cmd = Command::new("/proc/self/exe");
    cmd.arg0("toolbox").args(args).env(IN_SESSION, "1");
    if stdin_null {
        cmd.stdin(Stdio::null());
    }
    let piped = !filters.is_empty();
    match (&file, piped) {
        (_, true) => {
            cmd.stdout(Stdio::piped());
        }
        (Some(f), false) => {
            cmd.stdout(f.try_clone().map_err(|err| SessionError::Redirect {
                path: redirect.map(|r| r.path.clone()).unwrap_or_default(),
                err,
            })?);
        }
        (None, false) => {}
    }
    let mut child = cmd.spawn().map_err(SessionError::Spawn)?;
    let mut result = Ok(());
    if let Some(pipe) = child.stdout.take() {
        let mut out: Box<dyn Write> = match file {
            Some(f) => Box::new(f),
            None => Box::new(io::stdout().lock()),
        };
        result = Chain::new(filters).run(&mut BufReader::new(pipe), &mut out);
        // The pipe is closed here: a command still writing gets a broken pipe, its normal end.
    }
    let status = child.wait().map_err(SessionError::Spawn)?;
    match result {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(SessionError::Output(e)),
        _ => {}
    }
    Ok(match (status.code(), status.signal()) {
        (Some(code), _) => Outcome { code, signal: None },
        (None, Some(sig)) => Outcome {
            code: 128 + sig,
            signal: Some(sig),
        },
        (None, None) => Outcome {
            code: 1,
            signal: None,
        },
    })
}
