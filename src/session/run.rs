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

#[cfg(test)]
mod tests {
    use super::*;

    /// In a unit test `/proc/self/exe` is the test binary: these run it for one ignored test.
    fn child(test: &str) -> Vec<String> {
        [
            "--exact",
            &format!("session::run::tests::{test}"),
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ]
        .map(str::to_string)
        .to_vec()
    }

    #[test]
    #[ignore = "run as a child by command_output_goes_through_filters_into_a_file"]
    fn child_prints_lines() {
        for i in 0..100 {
            println!("line {i}");
        }
    }

    #[test]
    #[ignore = "run as a child by a_crashing_command_is_an_outcome_not_the_end"]
    fn child_aborts() {
        std::process::abort();
    }

    fn filters(line: &str) -> Vec<Filter> {
        super::super::words::parse(line).unwrap().filters
    }

    #[test]
    fn command_output_goes_through_filters_into_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        let trunc = Redirect {
            path: path.clone(),
            append: false,
        };
        let append = Redirect {
            path: path.clone(),
            append: true,
        };
        let args = child("child_prints_lines");
        // `head` closes the pipe once it has its lines (the test binary's `println!` then
        // panics on the broken pipe, where toolbox ends with 0).
        command(
            &args,
            filters("x | grep '^line 9' | head -n 3"),
            Some(&trunc),
            true,
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "line 9\nline 90\nline 91\n"
        );
        command(
            &args,
            filters("x | grep 'line [0-9]+$' | wc -l"),
            Some(&append),
            true,
        )
        .unwrap();
        command(
            &args,
            filters("x | grep ^line | tail -n 1"),
            Some(&append),
            true,
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "line 9\nline 90\nline 91\n100\nline 99\n"
        );
        // Without filters the child writes into the file itself.
        command(&args, Vec::new(), Some(&trunc), true).unwrap();
        let all = std::fs::read_to_string(&path).unwrap();
        assert!(
            all.contains("line 0\n") && all.contains("line 99\n"),
            "{all}"
        );
        emit(b"a\nb\n", filters("x | grep b"), Some(&trunc)).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "b\n");
    }

    #[test]
    fn a_crashing_command_is_an_outcome_not_the_end() {
        let o = command(&child("child_aborts"), Vec::new(), None, true).unwrap();
        assert_eq!(
            o,
            Outcome {
                code: 128 + libc::SIGABRT,
                signal: Some(libc::SIGABRT)
            }
        );
    }

    #[test]
    fn a_redirection_that_cannot_be_opened_is_named() {
        let r = Redirect {
            path: "/nonexistent-dir/x".into(),
            append: false,
        };
        let e = command(&child("child_prints_lines"), Vec::new(), Some(&r), true).unwrap_err();
        assert!(e.to_string().contains("/nonexistent-dir/x"), "{e}");
    }
}
