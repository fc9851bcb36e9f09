//! toolbox as the shell of its debug container: one `kubectl debug -it` serves a whole debugging
//! session (every ephemeral container stays in the pod for good, kubernetes/kubernetes#84764).
//!
//! [`words`] splits a line as a POSIX shell does, [`filter`] holds the built-in filters after
//! `|`, [`run`] runs one command as a child toolbox, [`complete`] completes subcommands, flags,
//! PIDs and paths inside the target's root. The loop itself (prompt, builtins, scripted input)
//! is `cmd::session`, the one place that knows the command line.

pub mod complete;
pub mod filter;
pub mod run;
pub mod words;

use std::path::PathBuf;

/// What can go wrong in a session line or in running it.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// Shell syntax a session does not offer.
    #[error("{what} are not supported in a toolbox session: {hint}")]
    Unsupported {
        /// What was used.
        what: &'static str,
        /// What to do instead.
        hint: &'static str,
    },
    /// A quote was opened and never closed.
    #[error("unterminated {0} quote")]
    Unterminated(char),
    /// The line ended with a lone `\`.
    #[error("the line ends with a lone `\\`")]
    TrailingBackslash,
    /// A pipe or redirection in the wrong place.
    #[error("{0}")]
    Syntax(String),
    /// A filter after `|` that does not exist or has bad arguments.
    #[error("{0}")]
    Filter(String),
    /// The redirection's file could not be opened.
    #[error("cannot open {} for writing: {err}", path.display())]
    Redirect {
        /// The file.
        path: PathBuf,
        /// Why.
        err: std::io::Error,
    },
    /// The command could not be started.
    #[error("cannot start the command: {0}")]
    Spawn(std::io::Error),
    /// Reading the command's output or writing the filtered output failed.
    #[error("output: {0}")]
    Output(std::io::Error),
}
