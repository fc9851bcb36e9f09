//! Finding the program `toolbox exec` runs, the way the fs commands find files: every directory
//! on the way is resolved by the kernel inside the root (`openat2(RESOLVE_IN_ROOT |
//! RESOLVE_NO_MAGICLINKS)`), symbolic links in the last component are read and followed here
//! (inside the root, magic links refused), and the result is a directory descriptor and a name
//! that is not a link, which the child executes with `execveat(dir, name, AT_SYMLINK_NOFOLLOW)`:
//! nothing is resolved again by path string in the root.
//!
//! A script (`#!` line) is handled as execve(2) describes, with its interpreter found the same
//! way: the interpreter is what gets executed, with argv `[interpreter, optional argument, script
//! path, arguments…]`, and it opens the script by that path inside the root. Executing the script
//! by descriptor instead would hand the interpreter `/dev/fd/N` as its script name (wrong `$0`,
//! and a descriptor kept open for it), so it is not done. A missing interpreter is named.

use std::ffi::{CString, OsString};
use std::io::{self, Read};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;

use crate::fs::{describe, shown};
use crate::sys::fsops;
use crate::target::resolve::is_magic;
use crate::target::root::{clear_nonblock, open_in_root, reopen};

/// Symbolic links followed in the last component before ELOOP, as the kernel's MAXSYMLINKS.
const MAX_SYMLINKS: usize = 40;
/// The bytes of a file the kernel reads for the `#!` line. See: execve(2), BINPRM_BUF_SIZE.
const SHEBANG_MAX: usize = 256;
/// Interpreters of interpreters followed, as the kernel's limit on binfmt rewrites.
const MAX_INTERPRETERS: usize = 4;

/// Why the program cannot be run. Shell-like exit codes: [`ProgramError::exit_code`].
#[derive(Debug, thiserror::Error)]
pub enum ProgramError {
    /// A bare name not found in any PATH directory.
    #[error("{program}: not found in the target's root (searched PATH={path})")]
    NotFound {
        /// As given, sanitised.
        program: String,
        /// The PATH searched, sanitised.
        path: String,
    },
    /// The path could not be resolved inside the root.
    #[error("{path}: {}", describe(.err))]
    Path {
        /// The path inside the root, sanitised.
        path: String,
        /// Why.
        err: io::Error,
    },
    /// Found, but not an executable regular file.
    #[error("{path}: cannot execute: {why}")]
    NotExecutable {
        /// The path, sanitised.
        path: String,
        /// Why.
        why: &'static str,
    },
    /// A script whose `#!` interpreter is missing or unusable in the root.
    #[error("{script}: bad interpreter {interpreter} (its #! line) in the target's root: {}", describe(.err))]
    Interpreter {
        /// The script, sanitised.
        script: String,
        /// The interpreter as written, sanitised.
        interpreter: String,
        /// Why.
        err: io::Error,
    },
    /// A malformed `#!` line.
    #[error("{script}: cannot execute: {why}")]
    Shebang {
        /// The script, sanitised.
        script: String,
        /// What is wrong.
        why: &'static str,
    },
}

impl ProgramError {
    /// 127 when something is not there, 126 when it is there but cannot be executed (as shells).
    pub fn exit_code(&self) -> i32 {
        let missing = |e: &io::Error| e.raw_os_error() == Some(libc::ENOENT);
        match self {
            ProgramError::NotFound { .. } => 127,
            ProgramError::Path { err, .. } if missing(err) => 127,
            _ => 126,
        }
    }
}

/// The program to execute: the file `name` in directory `dir`, with its whole argv.
pub struct Resolved {
    /// `O_PATH` descriptor of the directory holding the file.
    pub dir: OwnedFd,
    /// Its name in `dir` (not a symbolic link).
    pub name: CString,
    /// argv, argv[0] included.
    pub argv: Vec<OsString>,
}

/// Split `path` into its directory and last component.
fn split_last(path: &[u8]) -> (&[u8], &[u8]) {
    match path.iter().rposition(|&b| b == b'/') {
        Some(i) => (&path[..i.max(1)], &path[i + 1..]),
        None => (b"/", path),
    }
}

fn errno(e: i32) -> io::Error {
    io::Error::from_raw_os_error(e)
}

/// Find `path` inside the root: the directory descriptor and name of the file it leads to,
/// following symbolic links in the last component inside the root and refusing magic links.
fn locate(root: BorrowedFd<'_>, path: &[u8]) -> io::Result<(OwnedFd, CString, libc::stat)> {
    let mut path = path.to_vec();
    for _ in 0..=MAX_SYMLINKS {
        if path.ends_with(b"/") {
            return Err(errno(libc::EISDIR));
        }
        let (dir, name) = split_last(&path);
        if name.is_empty() || name == b"." || name == b".." {
            return Err(errno(libc::EISDIR));
        }
        let dir_fd = open_in_root(
            root,
            Path::new(std::ffi::OsStr::from_bytes(dir)),
            libc::O_PATH | libc::O_DIRECTORY,
        )?;
        let cname = CString::new(name).map_err(|_| errno(libc::EINVAL))?;
        let link = fsops::openat(dir_fd.as_fd(), &cname, libc::O_PATH | libc::O_NOFOLLOW)?;
        let st = fsops::fstat(link.as_fd())?;
        if st.st_mode & libc::S_IFMT != libc::S_IFLNK {
            return Ok((dir_fd, cname, st));
        }
        let target = fsops::readlink_fd(link.as_fd())?;
        if is_magic(link.as_fd(), dir_fd.as_fd())? {
            return Err(errno(libc::ELOOP));
        }
        if target.is_empty() {
            return Err(errno(libc::ENOENT));
        }
        path = if target.starts_with(b"/") {
            target
        } else {
            let mut p = dir.to_vec();
            p.push(b'/');
            p.extend_from_slice(&target);
            p
        };
    }
    Err(errno(libc::ELOOP))
}

/// The first bytes of the file `name` in `dir` (of status `st`), reopened by descriptor; `None`
/// when toolbox may not read it (the kernel then decides what it is).
fn head(dir: BorrowedFd<'_>, name: &CString, st: &libc::stat) -> Option<Vec<u8>> {
    let probe = fsops::openat(dir, name, libc::O_PATH | libc::O_NOFOLLOW).ok()?;
    let fd = reopen(probe.as_fd(), st, |_| Err(errno(libc::ENOENT))).ok()?;
    let mut buf = Vec::with_capacity(SHEBANG_MAX);
    clear_nonblock(fd)
        .take(SHEBANG_MAX as u64)
        .read_to_end(&mut buf)
        .ok()?;
    Some(buf)
}

/// The interpreter and optional argument of a `#!` line (`head` starts with `#!`), split as
/// execve(2) describes: blanks after `#!` skipped, the interpreter ends at a blank, the rest of
/// the line (trimmed) is one argument.
fn parse_shebang(head: &[u8]) -> Result<(Vec<u8>, Option<Vec<u8>>), &'static str> {
    let line = &head[2..];
    let Some(end) = line.iter().position(|&b| b == b'\n') else {
        if head.len() >= SHEBANG_MAX {
            return Err("its #! line is longer than the kernel reads (256 bytes)");
        }
        return parse_line(line);
    };
    parse_line(&line[..end])
}

fn parse_line(line: &[u8]) -> Result<(Vec<u8>, Option<Vec<u8>>), &'static str> {
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let line = match line.iter().position(|&b| b == 0) {
        Some(i) => &line[..i],
        None => line,
    };
    let start = line.iter().position(|b| !blank(b)).unwrap_or(line.len());
    let line = &line[start..];
    let stop = line.iter().position(blank).unwrap_or(line.len());
    let interp = &line[..stop];
    if interp.is_empty() {
        return Err("its #! line names no interpreter");
    }
    let rest = &line[stop..];
    let a = rest.iter().position(|b| !blank(b));
    let b = rest.iter().rposition(|b| !blank(b));
    let arg = match (a, b) {
        (Some(a), Some(b)) => Some(rest[a..=b].to_vec()),
        _ => None,
    };
    Ok((interp.to_vec(), arg))
}

fn check_executable(path: &[u8], st: &libc::stat) -> Result<(), ProgramError> {
    let why = match st.st_mode & libc::S_IFMT {
        libc::S_IFREG if st.st_mode & 0o111 != 0 => return Ok(()),
        libc::S_IFREG => "not executable (no x permission bit)",
        libc::S_IFDIR => "is a directory",
        _ => "not a regular file",
    };
    Err(ProgramError::NotExecutable {
        path: shown(path),
        why,
    })
}

/// Find `program` in the root `root` and build its argv with `args` (argv[1..]). A name with a
/// slash is a path inside the root (relative ones from `/`); a bare name is looked up in the
/// colon-separated `search` (the target's PATH).
pub fn resolve(
    root: BorrowedFd<'_>,
    program: &[u8],
    args: &[OsString],
    search: &[u8],
) -> Result<Resolved, ProgramError> {
    let (path, (dir, name, st)) = if program.contains(&b'/') {
        let mut abs = Vec::new();
        if !program.starts_with(b"/") {
            abs.push(b'/');
        }
        abs.extend_from_slice(program);
        let found = locate(root, &abs).map_err(|err| ProgramError::Path {
            path: shown(&abs),
            err,
        })?;
        (abs, found)
    } else {
        search
            .split(|&b| b == b':')
            .filter(|d| !d.is_empty())
            .find_map(|dir| {
                let mut cand = dir.to_vec();
                cand.push(b'/');
                cand.extend_from_slice(program);
                let found = locate(root, &cand).ok()?;
                check_executable(&cand, &found.2).ok()?;
                Some((cand, found))
            })
            .ok_or_else(|| ProgramError::NotFound {
                program: shown(program),
                path: shown(search),
            })?
    };
    check_executable(&path, &st)?;
    let mut argv: Vec<OsString> = Vec::with_capacity(args.len() + 3);
    argv.push(OsString::from_vec(program.to_vec()));
    argv.extend_from_slice(args);
    let (mut dir, mut name, mut st, mut path) = (dir, name, st, path);
    for _ in 0..=MAX_INTERPRETERS {
        let Some(head) = head(dir.as_fd(), &name, &st) else {
            break;
        };
        if !head.starts_with(b"#!") {
            break;
        }
        let (interp, arg) = parse_shebang(&head).map_err(|why| ProgramError::Shebang {
            script: shown(&path),
            why,
        })?;
        let bad = |err: io::Error| ProgramError::Interpreter {
            script: shown(&path),
            interpreter: shown(&interp),
            err,
        };
        // The kernel resolves the interpreter from the root (a relative one from the working
        // directory, which is the root's top here).
        let mut abs = interp.clone();
        if !abs.starts_with(b"/") {
            abs.insert(0, b'/');
        }
        let (idir, iname, ist) = locate(root, &abs).map_err(bad)?;
        let kind = ist.st_mode & libc::S_IFMT;
        if kind == libc::S_IFDIR {
            return Err(bad(errno(libc::EISDIR)));
        }
        if kind != libc::S_IFREG || ist.st_mode & 0o111 == 0 {
            return Err(bad(errno(libc::EACCES)));
        }
        // argv becomes [interpreter, arg?, script path, argv[1..]]. See: execve(2).
        let mut next = vec![OsString::from_vec(interp.clone())];
        next.extend(arg.map(OsString::from_vec));
        next.push(OsString::from_vec(path.clone()));
        next.extend(argv.drain(1..));
        argv = next;
        (dir, name, st, path) = (idir, iname, ist, interp);
    }
    Ok(Resolved { dir, name, argv })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shebang_lines_split_as_the_kernel_does() {
        let p = parse_shebang;
        assert_eq!(p(b"#!/bin/sh\necho"), Ok((b"/bin/sh".to_vec(), None)));
        assert_eq!(
            p(b"#! /usr/bin/env  python3 -u \n"),
            Ok((b"/usr/bin/env".to_vec(), Some(b"python3 -u".to_vec())))
        );
        assert_eq!(p(b"#!/bin/sh"), Ok((b"/bin/sh".to_vec(), None)));
        assert!(p(b"#!   \n").is_err());
        let mut long = b"#!/".to_vec();
        long.extend(std::iter::repeat_n(b'a', 300));
        assert!(p(&long[..SHEBANG_MAX]).is_err());
    }

    #[test]
    fn split_last_keeps_the_root() {
        assert_eq!(split_last(b"/probe"), (&b"/"[..], &b"probe"[..]));
        assert_eq!(split_last(b"/a/b"), (&b"/a"[..], &b"b"[..]));
    }
}
