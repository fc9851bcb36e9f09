//! toolbox started as `tar` (the image's `/bin/tar` links to `/toolbox`): exactly the command
//! lines `kubectl cp` sends, so that `kubectl cp` works with the debug container as `-c` even
//! though the app's image has no tar. Paths are in the *target's* root, as for every fs command.
//!
//! kubectl's cp (pkg/cmd/cp) runs, in the container it is given:
//! - copy out: `tar cf - SRC` (SRC without a trailing `/`); written by the same tar writer as
//!   `toolbox export`;
//! - copy in: `tar -xmf - -C DIR`, or `tar --no-same-permissions --no-same-owner -xmf - -C DIR`
//!   with `--no-preserve`; unpacked by [`crate::fs::extract`], below DIR only.
//!
//! Old-style (`cf`), short (`-c -f -`, `-xmf`) and long spellings of those options are
//! accepted in any order, as GNU tar accepts them; anything else is a usage error that names
//! what is supported.

use std::ffi::OsString;
use std::io;
use std::os::unix::ffi::OsStrExt;

use super::Global;
use crate::fs::extract::{self, Options};

/// What `tar` supports here, for usage errors.
pub const SUPPORTED: &str = "toolbox as tar supports only what kubectl cp runs: `tar cf - PATH...` (copy out of the target's root) and `tar -xmf - -C DIR` with optional --no-same-permissions --no-same-owner (copy into DIR of the target's root); the archive is always stdin/stdout (-f -)";

/// Errors of the command line.
#[derive(Debug, thiserror::Error)]
pub enum TarArgsError {
    /// An option or form that is not supported.
    #[error("{0}\n{SUPPORTED}")]
    Usage(String),
}

/// A parsed `tar` command line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TarArgs {
    /// `c` or `x`.
    pub mode: Option<char>,
    /// The archive (`-f`); only `-` is supported.
    pub file: Option<Vec<u8>>,
    /// `-C DIR`.
    pub directory: Option<Vec<u8>>,
    /// `-m`.
    pub touch: bool,
    /// `--no-same-owner`.
    pub no_same_owner: bool,
    /// `--no-same-permissions`.
    pub no_same_permissions: bool,
    /// Operands.
    pub paths: Vec<Vec<u8>>,
}

fn usage(msg: impl Into<String>) -> TarArgsError {
    TarArgsError::Usage(msg.into())
}

impl TarArgs {
    /// Parse a `tar` command line (without argv\[0\]).
    pub fn parse(args: &[OsString]) -> Result<TarArgs, TarArgsError> {
        let mut out = TarArgs::default();
        let mut it = args.iter().map(|a| a.as_bytes().to_vec()).peekable();
        let mut first = true;
        let mut only_operands = false;
        // Letters that take an argument, in the order they were given (old-style bundles take
        // theirs from the following words).
        while let Some(arg) = it.next() {
            let was_first = std::mem::replace(&mut first, false);
            if only_operands || (arg.first() != Some(&b'-') && !was_first) || arg == b"-" {
                out.paths.push(arg);
                continue;
            }
            if arg == b"--" {
                only_operands = true;
                continue;
            }
            if let Some(long) = arg.strip_prefix(b"--") {
                let (key, value) = match long.iter().position(|&b| b == b'=') {
                    Some(i) => (&long[..i], Some(long[i + 1..].to_vec())),
                    None => (long, None),
                };
                let mut value_or_next = |name: &str| -> Result<Vec<u8>, TarArgsError> {
                    value
                        .clone()
                        .or_else(|| it.next())
                        .ok_or_else(|| usage(format!("option --{name} needs an argument")))
                };
                match key {
                    b"no-same-owner" => out.no_same_owner = true,
                    b"no-same-permissions" => out.no_same_permissions = true,
                    b"touch" => out.touch = true,
                    b"extract" | b"get" => out.set_mode('x')?,
                    b"create" => out.set_mode('c')?,
                    b"file" => out.file = Some(value_or_next("file")?),
                    b"directory" => out.directory = Some(value_or_next("directory")?),
                    _ => {
                        return Err(usage(format!(
                            "unsupported option --{}",
                            crate::output::sanitize_bytes(key)
                        )))
                    }
                }
                continue;
            }
            // A bundle of short options: `-xmf -`, `-xmf-`, or old-style `cf -` as the first word.
            let old_style = arg.first() != Some(&b'-');
            let letters = if old_style { &arg[..] } else { &arg[1..] };
            let mut i = 0;
            while i < letters.len() {
                let l = letters[i];
                i += 1;
                match l {
                    b'c' => out.set_mode('c')?,
                    b'x' => out.set_mode('x')?,
                    b'm' => out.touch = true,
                    b'f' | b'C' => {
                        let value = if !old_style && i < letters.len() {
                            let v = letters[i..].to_vec();
                            i = letters.len();
                            v
                        } else {
                            it.next().ok_or_else(|| {
                                usage(format!("option -{} needs an argument", l as char))
                            })?
                        };
                        if l == b'f' {
                            out.file = Some(value);
                        } else {
                            out.directory = Some(value);
                        }
                    }
                    other => {
                        return Err(usage(format!(
                            "unsupported option -{}",
                            crate::output::sanitize(&(other as char).to_string())
                        )))
                    }
                }
            }
        }
        out.check()?;
        Ok(out)
    }

    fn set_mode(&mut self, m: char) -> Result<(), TarArgsError> {
        match self.mode {
            Some(old) if old != m => Err(usage("-c and -x cannot be combined")),
            _ => {
                self.mode = Some(m);
                Ok(())
            }
        }
    }

    fn check(&self) -> Result<(), TarArgsError> {
        match self.file.as_deref() {
            Some(b"-") => {}
            Some(f) => {
                return Err(usage(format!(
                    "archive {} is not supported: only -f - (stdin or stdout)",
                    crate::output::sanitize_bytes(f)
                )))
            }
            None => return Err(usage("no archive given: use -f -")),
        }
        match self.mode {
            Some('c') => {
                if self.paths.is_empty() {
                    return Err(usage("nothing to archive: give PATH"));
                }
                if self.directory.is_some()
                    || self.touch
                    || self.no_same_owner
                    || self.no_same_permissions
                {
                    return Err(usage(
                        "-C, -m, --no-same-owner and --no-same-permissions apply only to -x",
                    ));
                }
            }
            Some(_) => {
                if !self.paths.is_empty() {
                    return Err(usage("extracting only some members is not supported"));
                }
                if self.directory.is_none() {
                    return Err(usage(
                        "extracting needs -C DIR (a directory of the target's root)",
                    ));
                }
            }
            None => return Err(usage("one of -c or -x is needed")),
        }
        Ok(())
    }
}

/// The process umask, from /proc/self/status (reading it with umask(2) would change it).
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// The target selection for `tar`: `kubectl cp` cannot pass toolbox's options, so the target
/// is discovered, or chosen by `TOOLBOX_TARGET=NAME` / `TOOLBOX_PID=PID` in the debug
/// container's environment (`kubectl debug --env TOOLBOX_TARGET=NAME`).
pub fn global_from_env() -> anyhow::Result<Global> {
    let mut global = Global::default();
    if let Some(pid) = std::env::var_os("TOOLBOX_PID") {
        let text = pid.to_string_lossy();
        let pid = text.trim().parse::<i32>().map_err(|_| {
            anyhow::anyhow!(
                "TOOLBOX_PID={} is not a process id",
                crate::output::sanitize(&text)
            )
        })?;
        global.pid = Some(pid);
    } else if let Some(name) = std::env::var_os("TOOLBOX_TARGET") {
        global.target_name = Some(name.to_string_lossy().into_owned());
    }
    Ok(global)
}

/// Run as `tar` with `args` (argv without argv\[0\]); returns the exit code (2 when entries
/// failed, as GNU tar).
pub fn run(args: &[OsString]) -> anyhow::Result<i32> {
    let parsed = match TarArgs::parse(args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("tar (toolbox): {e}");
            return Ok(2);
        }
    };
    let global = global_from_env()?;
    if parsed.mode == Some('c') {
        let paths: Vec<&[u8]> = parsed.paths.iter().map(Vec::as_slice).collect();
        return crate::cmd::export::export_paths(&global, &paths, false);
    }
    if crate::sys::is_terminal(std::os::fd::AsFd::as_fd(&io::stdin())) {
        eprintln!("tar (toolbox): refusing to read an archive from a terminal");
        return Ok(2);
    }
    let root = super::fs_root(&global)?;
    let dir = parsed.directory.as_deref().unwrap_or(b"/");
    let dest = root.open_path(dir, libc::O_PATH | libc::O_DIRECTORY)?;
    let euid = nix::unistd::geteuid().is_root();
    let opts = Options {
        mtime: !parsed.touch,
        same_owner: euid && !parsed.no_same_owner,
        same_permissions: euid && !parsed.no_same_permissions,
        umask: umask(),
    };
    let stdin = io::BufReader::with_capacity(128 * 1024, io::stdin().lock());
    let summary = extract::extract(std::os::fd::AsFd::as_fd(&dest), stdin, &opts, |e| {
        eprintln!("tar (toolbox): {e}")
    })?;
    Ok(if summary.failed > 0 { 2 } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(words: &[&str]) -> Result<TarArgs, TarArgsError> {
        let v: Vec<OsString> = words.iter().map(OsString::from).collect();
        TarArgs::parse(&v)
    }

    #[test]
    fn kubectl_command_lines() {
        let out = parse(&["cf", "-", "/etc/nginx"]).unwrap();
        assert_eq!(out.mode, Some('c'));
        assert_eq!(out.paths, vec![b"/etc/nginx".to_vec()]);
        let x = parse(&["-xmf", "-", "-C", "/tmp"]).unwrap();
        assert_eq!(
            (x.mode, x.touch, x.directory.as_deref()),
            (Some('x'), true, Some(&b"/tmp"[..]))
        );
        let np = parse(&[
            "--no-same-permissions",
            "--no-same-owner",
            "-xmf",
            "-",
            "-C",
            "/tmp",
        ])
        .unwrap();
        assert!(np.no_same_owner && np.no_same_permissions && np.touch);
        // Older kubectl and other spellings of the same.
        assert!(parse(&["xf", "-", "-C", "/tmp"]).is_ok());
        assert!(parse(&["-c", "-f", "-", "a", "b"]).is_ok());
        assert!(parse(&["-cf-", "a"]).is_ok());
        assert!(parse(&["--extract", "--file=-", "--directory=/tmp"]).is_ok());
    }

    #[test]
    fn other_command_lines_are_refused_with_the_supported_forms() {
        for bad in [
            &["czf", "-", "/etc"][..],
            &["cf", "/tmp/x.tar", "/etc"],
            &["-xvf", "-", "-C", "/tmp"],
            &["-xf", "-"],
            &["-tf", "-"],
            &["cf", "-"],
            &["-cxf", "-", "a"],
            &["--exclude=x", "cf", "-", "a"],
        ] {
            let e = parse(bad).expect_err(&format!("{bad:?}"));
            assert!(e.to_string().contains("kubectl cp"), "{bad:?}: {e}");
        }
    }
}
