//! Container logs as kubelet keeps them on a node: `/var/log/pods/<ns>_<pod>_<uid>/<container>/`
//! holds `<restart>.log` (CRI or Docker json-file lines) and its rotated files
//! (`<restart>.log.YYYYMMDD-HHMMSS`, optionally `.gz`). This module finds that directory inside a
//! root (every lookup resolved by the kernel inside it, files opened from the directory's
//! descriptor without following symlinks), orders its files, and prints them the way
//! `kubectl logs` does: whole, from `--tail` lines before the end, and following new lines across
//! a rotation. Memory stays bounded whatever the files' size.

pub mod lines;
pub mod print;
pub mod record;
pub mod tail;

use std::ffi::{CStr, CString};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::fs::meta::Kind;
use crate::fs::{shown, FsError, FsRoot};
use crate::sys::fsops;
use lines::LineBuf;
use print::Printer;
use record::parse;
use tail::{Backward, TailScan};

/// Where kubelet keeps pod logs, inside the node's root.
pub const PODS_DIR: &[u8] = b"/var/log/pods";

/// How often `-f` looks for new lines and for a rotation.
const POLL: Duration = Duration::from_millis(200);

/// At most this many records of a gzipped file are remembered when `--tail` reaches into it.
const GZ_TAIL_RECORDS: usize = 256 * 1024;

/// Errors of finding and reading container logs.
#[derive(Debug, thiserror::Error)]
pub enum LogsError {
    /// A path inside the root failed (not found, permission…).
    #[error(transparent)]
    Fs(#[from] FsError),
    /// No pod log directory at all: not a node's root.
    #[error("{root}: no {} here ({err}); is this a node's root? In `kubectl debug node/NODE` it is /host (--root /host)", shown(PODS_DIR))]
    NoPodsDir {
        /// The root as toolbox reaches it.
        root: String,
        /// Why.
        err: FsError,
    },
    /// No directory of that pod.
    #[error("no logs of pod {ns}/{pod} in {}{}", shown(PODS_DIR), list_hint("pods in namespace", .others))]
    NoPod {
        /// Namespace.
        ns: String,
        /// Pod name.
        pod: String,
        /// The pods of that namespace that have logs.
        others: Vec<String>,
    },
    /// The pod has no container of that name.
    #[error("container {container} not found in pod {pod}{}", list_hint("containers", .have))]
    NoContainer {
        /// `ns/pod`.
        pod: String,
        /// The name asked for.
        container: String,
        /// The containers that have logs.
        have: Vec<String>,
    },
    /// The pod has several containers and none was named.
    #[error("a container name must be specified for pod {pod}, choose one of: [{}]", .have.join(" "))]
    ChooseContainer {
        /// `ns/pod`.
        pod: String,
        /// Its containers.
        have: Vec<String>,
    },
    /// The pod's directory holds no container directory.
    #[error("pod {pod} has no container log directory")]
    NoContainers {
        /// `ns/pod`.
        pod: String,
    },
    /// A log directory without `N.log` files.
    #[error("{dir}: no container log files (N.log) here")]
    NoLogs {
        /// The directory.
        dir: String,
    },
    /// `--previous` with only one restart's files.
    #[error("{dir}: no previous container's log: only restart {current} has files")]
    NoPrevious {
        /// The directory.
        dir: String,
        /// The current restart number.
        current: u64,
    },
    /// Reading a file failed.
    #[error("{path}: {}", crate::fs::describe(.err))]
    Io {
        /// The file.
        path: String,
        /// Why.
        err: io::Error,
    },
}

impl LogsError {
    /// The exit code: 2 when the user must choose (as `kubectl logs` asks for a container).
    pub fn exit_code(&self) -> i32 {
        match self {
            LogsError::ChooseContainer { .. } => 2,
            _ => 1,
        }
    }
}

fn list_hint(what: &str, items: &[String]) -> String {
    if items.is_empty() {
        String::new()
    } else {
        format!(" ({what}: {})", items.join(", "))
    }
}

/// An open container log directory.
pub struct LogDir {
    fd: OwnedFd,
    /// Its path inside the root, for messages.
    pub path: Vec<u8>,
}

/// The names of the entries of an open directory (`.` and `..` left out), with their types.
fn entries(dir: &OwnedFd) -> io::Result<Vec<(Vec<u8>, Option<Kind>)>> {
    let d = crate::fs::open_dir(dir.as_fd(), c".", 0)?;
    let mut scratch = Vec::new();
    let names = crate::fs::walk::DirNames::read(d.as_fd(), &mut scratch)?;
    let mut out = Vec::new();
    for i in 0..names.len() {
        let (name, kind) = names.get(i);
        let name = name.to_bytes();
        if name != b"." && name != b".." {
            out.push((name.to_vec(), kind));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

fn is_dir(dir: &OwnedFd, name: &[u8], kind: Option<Kind>) -> bool {
    if let Some(k) = kind {
        return k == Kind::Dir;
    }
    CString::new(name)
        .ok()
        .and_then(|c| fsops::lstatat(dir.as_fd(), &c).ok())
        .is_some_and(|st| st.st_mode & libc::S_IFMT == libc::S_IFDIR)
}

impl LogDir {
    /// Open the directory `path` inside `root` (`--path`).
    pub fn open(root: &FsRoot, path: &[u8]) -> Result<LogDir, LogsError> {
        let fd = root.open_path(path, libc::O_RDONLY | libc::O_DIRECTORY)?;
        Ok(LogDir {
            fd,
            path: path.to_vec(),
        })
    }

    /// The log directory of `container` (None: the pod's only one) of pod `ns/pod` under
    /// [`PODS_DIR`] in `root`.
    pub fn find(
        root: &FsRoot,
        ns: &str,
        pod: &str,
        container: Option<&str>,
    ) -> Result<LogDir, LogsError> {
        let pods = root
            .open_path(PODS_DIR, libc::O_RDONLY | libc::O_DIRECTORY)
            .map_err(|err| LogsError::NoPodsDir {
                root: root.root.path().display().to_string(),
                err,
            })?;
        let names = entries(&pods).map_err(|e| root.error(PODS_DIR, e))?;
        let prefix = format!("{ns}_{pod}_");
        // Several directories for one name (a pod deleted and created again while kubelet has
        // not cleaned up yet): the last by name order; names are <ns>_<pod>_<uid>.
        let pod_dir = names
            .iter()
            .filter(|(n, k)| n.starts_with(prefix.as_bytes()) && is_dir(&pods, n, *k))
            .filter(|(n, _)| !n[prefix.len()..].contains(&b'_'))
            .max_by_key(|(n, _)| {
                let c = CString::new(n.as_slice()).ok();
                c.and_then(|c| fsops::lstatat(pods.as_fd(), &c).ok())
                    .map_or(0, |st| st.st_mtime)
            });
        let Some((pod_name, _)) = pod_dir else {
            let others = names
                .iter()
                .filter_map(|(n, _)| {
                    let s = String::from_utf8_lossy(n);
                    let mut parts = s.splitn(3, '_');
                    (parts.next() == Some(ns)).then(|| parts.next().map(crate::output::sanitize))?
                })
                .collect();
            return Err(LogsError::NoPod {
                ns: crate::output::sanitize(ns),
                pod: crate::output::sanitize(pod),
                others,
            });
        };
        let mut pod_path = PODS_DIR.to_vec();
        pod_path.push(b'/');
        pod_path.extend_from_slice(pod_name);
        let pod_fd = root.open_path(&pod_path, libc::O_RDONLY | libc::O_DIRECTORY)?;
        let have: Vec<Vec<u8>> = entries(&pod_fd)
            .map_err(|e| root.error(&pod_path, e))?
            .into_iter()
            .filter(|(n, k)| is_dir(&pod_fd, n, *k))
            .map(|(n, _)| n)
            .collect();
        let shown_have = || have.iter().map(|n| shown(n)).collect::<Vec<_>>();
        let who = crate::output::sanitize(&format!("{ns}/{pod}"));
        let chosen = match container {
            Some(c) => {
                if !have.iter().any(|n| n == c.as_bytes()) {
                    return Err(LogsError::NoContainer {
                        pod: who,
                        container: crate::output::sanitize(c),
                        have: shown_have(),
                    });
                }
                c.as_bytes().to_vec()
            }
            None => match have.len() {
                0 => return Err(LogsError::NoContainers { pod: who }),
                1 => have[0].clone(),
                _ => {
                    return Err(LogsError::ChooseContainer {
                        pod: who,
                        have: shown_have(),
                    })
                }
            },
        };
        let mut path = pod_path;
        path.push(b'/');
        path.extend_from_slice(&chosen);
        LogDir::open(root, &path)
    }

    fn file_path(&self, name: &[u8]) -> String {
        let mut p = self.path.clone();
        p.push(b'/');
        p.extend_from_slice(name);
        shown(&p)
    }

    fn io_error(&self, name: &[u8], err: io::Error) -> LogsError {
        LogsError::Io {
            path: self.file_path(name),
            err,
        }
    }

    /// The log files, by restart number.
    pub fn files(&self) -> Result<Vec<LogFile>, LogsError> {
        let names = entries(&self.fd).map_err(|e| LogsError::Io {
            path: shown(&self.path),
            err: e,
        })?;
        Ok(names
            .into_iter()
            .filter_map(|(n, _)| LogFile::from_name(&n))
            .collect())
    }

    /// The files of the current restart (`previous`: of the one before it), oldest first.
    pub fn chosen_files(&self, previous: bool) -> Result<Vec<LogFile>, LogsError> {
        let mut files = self.files()?;
        let mut restarts: Vec<u64> = files.iter().map(|f| f.restart).collect();
        restarts.sort_unstable();
        restarts.dedup();
        let Some(&current) = restarts.last() else {
            return Err(LogsError::NoLogs {
                dir: shown(&self.path),
            });
        };
        let want = if previous {
            match restarts.len().checked_sub(2).map(|i| restarts[i]) {
                Some(r) => r,
                None => {
                    return Err(LogsError::NoPrevious {
                        dir: shown(&self.path),
                        current,
                    })
                }
            }
        } else {
            current
        };
        files.retain(|f| f.restart == want);
        // Rotated files by their time stamp, the live file last.
        files.sort_by(|a, b| {
            (a.rotated.is_none(), &a.rotated, a.gz).cmp(&(b.rotated.is_none(), &b.rotated, b.gz))
        });
        Ok(files)
    }

    fn open_file(&self, f: &LogFile) -> Result<(File, libc::stat), LogsError> {
        crate::fs::open_child_file(self.fd.as_fd(), &f.cname).map_err(|e| self.io_error(&f.name, e))
    }
}

/// One log file of a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogFile {
    /// Its name.
    pub name: Vec<u8>,
    cname: CString,
    /// The restart number N of `N.log`.
    pub restart: u64,
    /// The rotation stamp (`YYYYMMDD-HHMMSS`) of a rotated file.
    pub rotated: Option<Vec<u8>>,
    /// Whether it is gzipped.
    pub gz: bool,
}

impl LogFile {
    /// Recognise `N.log`, `N.log.YYYYMMDD-HHMMSS` and `N.log.YYYYMMDD-HHMMSS.gz`.
    pub fn from_name(name: &[u8]) -> Option<LogFile> {
        let dot = name.iter().position(|&b| b == b'.')?;
        let num = &name[..dot];
        if num.is_empty() || num.len() > 18 || !num.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let restart = std::str::from_utf8(num).ok()?.parse().ok()?;
        let rest = name[dot..].strip_prefix(b".log")?;
        let (rotated, gz) = if rest.is_empty() {
            (None, false)
        } else {
            let rest = rest.strip_prefix(b".")?;
            let (stamp, gz) = match rest.strip_suffix(b".gz") {
                Some(s) => (s, true),
                None => (rest, false),
            };
            let ok = stamp.len() == 15
                && stamp[8] == b'-'
                && stamp
                    .iter()
                    .enumerate()
                    .all(|(i, b)| i == 8 || b.is_ascii_digit());
            if !ok {
                return None;
            }
            (Some(stamp.to_vec()), gz)
        };
        Some(LogFile {
            name: name.to_vec(),
            cname: CString::new(name).ok()?,
            restart,
            rotated,
            gz,
        })
    }

    fn cstr(&self) -> &CStr {
        &self.cname
    }
}

/// How to show a container's log.
#[derive(Clone, Debug, Default)]
pub struct Show {
    /// Only the last N lines.
    pub tail: Option<u64>,
    /// Keep printing new lines.
    pub follow: bool,
    /// Printing options.
    pub print: print::Options,
}

/// Print the log of `dir` (files `files`, oldest first) to `out`; returns the count of
/// malformed lines. `stop` ends `-f` (Ctrl-C).
pub fn show<W: Write>(
    dir: &LogDir,
    files: &[LogFile],
    opts: &Show,
    out: W,
    terminal: bool,
    stop: &AtomicBool,
) -> Result<u64, LogsError> {
    let mut popts = opts.print.clone();
    let (mut start_file, mut start_off) = (0usize, 0u64);
    let mut nothing = false;
    if let Some(n) = opts.tail {
        if n == 0 {
            nothing = true;
        } else {
            let (pos, skip) = tail_start(dir, files, n, popts.stream)?;
            if let Some((f, off)) = pos {
                start_file = f;
                start_off = off;
            }
            popts.skip = skip;
        }
    }
    let mut printer = Printer::new(out, terminal, popts);
    let mut lb = LineBuf::default();
    let last = files.len().saturating_sub(1);
    let mut live: Option<(File, (u64, u64))> = None;
    for (i, f) in files.iter().enumerate() {
        let (file, st) = dir.open_file(f)?;
        let is_live = i == last && f.rotated.is_none();
        let skip_to = if i == start_file { start_off } else { 0 };
        if nothing || i < start_file {
            if is_live && opts.follow {
                let mut file = file;
                file.seek(SeekFrom::End(0))
                    .map_err(|e| dir.io_error(&f.name, e))?;
                live = Some((file, (st.st_dev, st.st_ino)));
            }
            continue;
        }
        lb.reset();
        let err = |e| dir.io_error(&f.name, e);
        if f.gz {
            let mut src = flate2::read::MultiGzDecoder::new(file);
            io::copy(&mut (&mut src).take(skip_to), &mut io::sink()).map_err(err)?;
            read_lines(
                &mut printer,
                &mut lb,
                &mut src,
                &dir.file_path(&f.name),
                true,
            )
            .map_err(err)?;
        } else {
            let mut file = file;
            file.seek(SeekFrom::Start(skip_to)).map_err(err)?;
            let at_end = !(is_live && opts.follow);
            read_lines(
                &mut printer,
                &mut lb,
                &mut file,
                &dir.file_path(&f.name),
                at_end,
            )
            .map_err(err)?;
            if is_live && opts.follow {
                live = Some((file, (st.st_dev, st.st_ino)));
            }
        }
    }
    if let (Some((file, id)), Some(f)) = (live, files.last()) {
        printer.flush().map_err(|e| dir.io_error(&f.name, e))?;
        follow(dir, f, file, id, &mut printer, &mut lb, stop)?;
    }
    printer.finish().map_err(|e| LogsError::Io {
        path: "stdout".into(),
        err: e,
    })?;
    Ok(printer.malformed)
}

/// Hand every line of `src` to the printer.
fn read_lines<W: Write, R: Read>(
    printer: &mut Printer<W>,
    lb: &mut LineBuf,
    src: &mut R,
    name: &str,
    at_end: bool,
) -> io::Result<()> {
    let mut stamps = logscan::StampCache::default();
    loop {
        if printer.plain() {
            plain_run(printer, lb, &mut stamps)?;
            // Stopped at an unfinished line at the end of the buffer: read on and go on at full
            // speed (the printer would flush its buffer for that one line).
            if !lb.has_line() && lb.buffered().len() < lines::MAX_LINE && lb.fill(src)? > 0 {
                continue;
            }
        }
        let no = lb.line_no;
        let Some(line) = lb.next(src, at_end)? else {
            return Ok(());
        };
        // The common case, a whole CRI line with nothing to filter or add: its text and newline
        // are the end of the raw line, written as one slice (no entry built).
        if line.newline && printer.plain() {
            if let Some((_, false, _, text)) = record::cri_head(line.bytes) {
                printer.write_raw(&line.with_newline[text..])?;
                continue;
            }
        }
        let entry = parse(line.bytes);
        printer.entry(entry, line.newline, name, no)?;
    }
}

/// The common case at full speed: the buffered lines that are CRI records printed as they are,
/// their texts written straight from the read buffer, many lines a system call
/// ([`logscan::plain_lines`], which also joins a `P` record's line when its end is buffered).
/// Returns at the first line that needs the printer; the caller hands it that line.
fn plain_run<W: Write>(
    printer: &mut Printer<W>,
    lb: &mut LineBuf,
    stamps: &mut logscan::StampCache,
) -> io::Result<()> {
    let (consumed, lines) = logscan::plain_lines(
        lb.buffered(),
        stamps,
        record::valid_time,
        &mut |texts, bytes| printer.write_lines(texts, bytes),
    )?;
    lb.consume(consumed, lines);
    Ok(())
}

/// Follow the live file: new lines as they come; when its name leads to another file (kubelet
/// renamed it away and the runtime opened a new one), the rest of the old file, then the new
/// one from its start. A file that shrank was truncated: read again from its start.
fn follow<W: Write>(
    dir: &LogDir,
    f: &LogFile,
    mut file: File,
    mut id: (u64, u64),
    printer: &mut Printer<W>,
    lb: &mut LineBuf,
    stop: &AtomicBool,
) -> Result<(), LogsError> {
    let name = dir.file_path(&f.name);
    let err = |e| dir.io_error(&f.name, e);
    while !stop.load(Ordering::Relaxed) {
        read_lines(printer, lb, &mut file, &name, false).map_err(err)?;
        printer.flush().map_err(err)?;
        match fsops::lstatat(dir.fd.as_fd(), f.cstr()) {
            Ok(st) if (st.st_dev, st.st_ino) != id => {
                // Rotated: what was written before the rename, then the new file.
                read_lines(printer, lb, &mut file, &name, true).map_err(err)?;
                // Not there yet or replaced again: the next poll tries again.
                if let Ok((new, st)) = dir.open_file(f) {
                    file = new;
                    id = (st.st_dev, st.st_ino);
                    lb.reset();
                    continue;
                }
            }
            Ok(_) => {
                let pos = file.stream_position().map_err(err)?;
                let len = file.metadata().map_err(err)?.len();
                if len < pos {
                    eprintln!("toolbox logs: {name}: file truncated");
                    file.seek(SeekFrom::Start(0)).map_err(err)?;
                    lb.reset();
                }
            }
            Err(_) => {}
        }
        std::thread::sleep(POLL);
    }
    Ok(())
}

/// Where `--tail n` starts in `files`, and how many lines from there come before the last n.
fn tail_start(
    dir: &LogDir,
    files: &[LogFile],
    n: u64,
    stream: Option<record::Stream>,
) -> Result<(Option<tail::Pos>, u64), LogsError> {
    let mut scan = TailScan::new(n, stream);
    for (i, f) in files.iter().enumerate().rev() {
        let (file, st) = dir.open_file(f)?;
        let err = |e| dir.io_error(&f.name, e);
        if f.gz {
            // No way to read a gzip stream backwards: remember the last records' kinds.
            let mut src = flate2::read::MultiGzDecoder::new(file);
            let mut lb = LineBuf::default();
            let mut kinds = std::collections::VecDeque::new();
            let mut off = 0u64;
            while let Some(line) = lb.next(&mut src, true).map_err(err)? {
                let len = line.bytes.len() as u64 + u64::from(line.newline);
                if kinds.len() == GZ_TAIL_RECORDS {
                    kinds.pop_front();
                }
                kinds.push_back((off, record::classify(line.bytes)));
                off += len;
            }
            for (off, kind) in kinds.into_iter().rev() {
                if scan.feed((i, off), kind) {
                    return Ok(scan.result(true));
                }
            }
        } else {
            let mut back = Backward::new(&file, st.st_size.max(0) as u64);
            while let Some((off, kind)) = back.prev().map_err(err)? {
                if scan.feed((i, off), kind) {
                    return Ok(scan.result(true));
                }
            }
        }
    }
    Ok(scan.result(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        let f = LogFile::from_name(b"3.log.20260214-101010.gz").unwrap();
        assert_eq!((f.restart, f.gz), (3, true));
        assert_eq!(f.rotated.as_deref(), Some(&b"20260214-101010"[..]));
        assert!(LogFile::from_name(b"0.log").is_some_and(|f| f.rotated.is_none()));
        for bad in [
            &b"x.log"[..],
            b"0.log.tmp",
            b"0.log.20260214-101010.tmp",
            b"0.logx",
            b".log",
        ] {
            assert!(LogFile::from_name(bad).is_none(), "{bad:?}");
        }
    }

    /// What the printer makes of `data` line by line, without the batched path.
    fn one_by_one(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut p = Printer::new(&mut out, false, print::Options::default());
        let mut lb = LineBuf::default();
        let mut src = data;
        while let Some(line) = lb.next(&mut src, true).unwrap() {
            p.entry(parse(line.bytes), line.newline, "f", 0).unwrap();
        }
        p.finish().unwrap();
        drop(p);
        out
    }

    #[test]
    fn batched_lines_print_as_one_by_one() {
        let t = "2026-02-14T15:22:26.515224136+00:00";
        let c = "2026-02-14T15:22:27.000000001Z";
        let mut log = String::new();
        for i in 0..3000 {
            let (stamp, stream) = if i % 7 == 0 {
                (c, "stderr")
            } else {
                (t, "stdout")
            };
            log += &format!("{stamp} {stream} F line {i}\n");
            match i % 50 {
                // A partial line finished on its stream.
                1 => log += &format!("{t} stdout P a{i}\n{t} stdout P b\n{t} stdout F c\n"),
                // The other stream between its records.
                2 => log += &format!("{t} stdout P a{i}\n{t} stderr F x\n{t} stdout F c\n"),
                3 => log += &format!("junk {i}\n{t} stdout F:x tagged\n{t} stdout F\n"),
                4 => {
                    log += &format!("2026-13-14T15:22:26.515224136+00:00 stdout F bad month {i}\n")
                }
                _ => {}
            }
        }
        // A line of more records than one system call writes, and one never finished.
        for _ in 0..2500 {
            log += &format!("{t} stdout P x\n");
        }
        log += &format!("{t} stdout F end\n{t} stderr P unfinished\n");
        let mut out = Vec::new();
        let mut printer = Printer::new(&mut out, false, print::Options::default());
        let mut lb = LineBuf::default();
        read_lines(&mut printer, &mut lb, &mut log.as_bytes(), "f", true).unwrap();
        printer.finish().unwrap();
        assert_eq!(printer.malformed, 60 + 60);
        drop(printer);
        let want = one_by_one(log.as_bytes());
        assert!(
            out == want,
            "{}",
            String::from_utf8_lossy(&out[..200.min(out.len())])
        );
        assert!(out.ends_with(b"xxend\nunfinished"));
    }
}
