//! `toolbox logs NS/POD[/CONTAINER]`: a container's log from the node's `/var/log/pods`, the way
//! `kubectl logs` shows it, without the API server (node mode: the node's root is `/host`).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::bail;
use clap::{Args, ValueEnum};

use super::Global;
use crate::fs::FsRoot;
use crate::logs::{self, print, record::Stream, LogDir, LogsError, Show};
use crate::target::Root;

/// Arguments of `toolbox logs`.
#[derive(Debug, Args)]
pub struct LogsArgs {
    /// The pod: NAMESPACE/POD or NAMESPACE/POD/CONTAINER (the container may be left out when the
    /// pod has only one).
    #[arg(value_name = "NS/POD[/CONTAINER]", conflicts_with = "path")]
    pod: Option<String>,
    /// Read the log directory DIR (inside the root) instead of finding a pod's.
    #[arg(long, value_name = "DIR")]
    path: Option<PathBuf>,
    /// Keep printing new lines, across log rotation (stop with Ctrl-C).
    #[arg(short = 'f', long)]
    follow: bool,
    /// Only the last N lines (-1: all, as kubectl takes it).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    tail: Option<i64>,
    /// Only lines newer than a duration ago (10s, 5m, 1h, 1h30m) or since an RFC 3339 time.
    #[arg(long, value_name = "DURATION|TIME")]
    since: Option<String>,
    /// Prefix each line with its time stamp (RFC 3339, nanoseconds).
    #[arg(long)]
    timestamps: bool,
    /// The previous container's log (the restart before the current one).
    #[arg(short = 'p', long)]
    previous: bool,
    /// Only this stream.
    #[arg(long, value_enum, value_name = "STREAM")]
    stream: Option<StreamArg>,
    /// Output format: text, or json (one object per line: time, stream, text).
    #[arg(short = 'o', long, value_enum, default_value_t = Format::Text)]
    output: Format,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum StreamArg {
    Stdout,
    Stderr,
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// The node's root: `--root DIR`/`--host` when given, else `/host` when it exists (node mode
/// of `kubectl debug`), else `/`.
fn node_root(global: &Global) -> Result<FsRoot, crate::fs::FsError> {
    let root = global.explicit_root().unwrap_or_else(|| {
        if Path::new("/host").is_dir() {
            Root::Dir(PathBuf::from("/host"))
        } else {
            Root::Host
        }
    });
    FsRoot::open(root)
}

/// `10s`, `5m`, `1h30m`, `2h`, `1.5h`, `250ms` (Go's duration syntax, as kubectl takes it) in
/// nanoseconds.
fn parse_duration(s: &str) -> Option<i64> {
    let mut total = 0f64;
    let mut rest = s;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let value: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..u] {
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        total += value * unit;
        rest = &rest[u..];
    }
    (total < 9e18).then_some(total as i64)
}

fn since_nanos(s: &str) -> anyhow::Result<i64> {
    if let Some(t) = logs::record::parse_time(s.as_bytes()) {
        return Ok(t);
    }
    let Some(d) = parse_duration(s) else {
        bail!("--since {}: neither a duration (10s, 5m, 1h) nor an RFC 3339 time (2026-02-14T15:00:00Z)", crate::output::sanitize(s));
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0);
    Ok(now - d)
}

/// Run `toolbox logs`.
pub fn run(global: &Global, args: LogsArgs) -> anyhow::Result<i32> {
    // `--target NS/POD` names a pod too.
    let pod = args.pod.clone().or_else(|| {
        global
            .target_name
            .clone()
            .filter(|t| t.contains('/') && args.path.is_none())
    });
    let since = args.since.as_deref().map(since_nanos).transpose()?;
    let root = node_root(global)?;
    let dir = match (&pod, &args.path) {
        (_, Some(p)) => LogDir::open(&root, p.as_os_str().as_encoded_bytes()),
        (Some(p), None) => {
            let parts: Vec<&str> = p.split('/').collect();
            match parts.as_slice() {
                [ns, pod] if !ns.is_empty() && !pod.is_empty() => {
                    LogDir::find(&root, ns, pod, None)
                }
                [ns, pod, c] if !ns.is_empty() && !pod.is_empty() && !c.is_empty() => {
                    LogDir::find(&root, ns, pod, Some(c))
                }
                _ => bail!(
                    "{}: expected NAMESPACE/POD or NAMESPACE/POD/CONTAINER",
                    crate::output::sanitize(p)
                ),
            }
        }
        (None, None) => {
            eprintln!("toolbox logs: name a pod (NAMESPACE/POD[/CONTAINER]) or a log directory (--path DIR)");
            return Ok(2);
        }
    };
    let result = dir
        .and_then(|dir| dir.chosen_files(args.previous).map(|f| (dir, f)))
        .and_then(|(dir, files)| {
            let opts = Show {
                tail: args.tail.and_then(|n| u64::try_from(n).ok()),
                // A previous container has exited: its file is complete, nothing to follow.
                follow: args.follow && !args.previous,
                print: print::Options {
                    stream: match args.stream {
                        Some(StreamArg::Stdout) => Some(Stream::Stdout),
                        Some(StreamArg::Stderr) => Some(Stream::Stderr),
                        _ => None,
                    },
                    timestamps: args.timestamps,
                    json: args.output == Format::Json,
                    since,
                    skip: 0,
                },
            };
            let stop = Arc::new(AtomicBool::new(false));
            if opts.follow {
                for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
                    signal_hook::flag::register(sig, Arc::clone(&stop)).map_err(|e| {
                        LogsError::Io {
                            path: "signal handler".into(),
                            err: e,
                        }
                    })?;
                }
            }
            let stdout = io::stdout();
            logs::show(
                &dir,
                &files,
                &opts,
                stdout.lock(),
                crate::output::stdout_is_terminal(),
                &stop,
            )
        });
    match result {
        Ok(0) => Ok(0),
        Ok(n) => {
            eprintln!("toolbox logs: warning: {n} line(s) in neither CRI nor json-file format were shown as they are");
            Ok(0)
        }
        Err(LogsError::Io { path, err }) if err.kind() == io::ErrorKind::BrokenPipe => {
            let _ = path;
            Ok(0)
        }
        Err(e) => {
            let code = e.exit_code();
            if code == 2 {
                eprintln!("toolbox: {e}");
                return Ok(2);
            }
            Err(e.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s"), Some(10_000_000_000));
        assert_eq!(parse_duration("1h30m"), Some(5_400_000_000_000));
        assert_eq!(parse_duration("1.5h"), Some(5_400_000_000_000));
        assert_eq!(parse_duration("250ms"), Some(250_000_000));
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("x"), None);
        assert_eq!(parse_duration(""), None);
    }
}
