//! Depth-first walks of a directory tree by descriptors: each directory is opened with
//! `openat(parent, name, O_DIRECTORY | O_NOFOLLOW)`, entries are examined with
//! `fstatat(dir, name, AT_SYMLINK_NOFOLLOW)`, symlinks are never followed, and procfs/sysfs
//! mounts met on the way are skipped unless asked for.

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use super::meta::Kind;
use super::{FsError, FsRoot};
use crate::sys::fsops;

/// procfs and sysfs `f_type`s. See: statfs(2).
const PSEUDO_FS: [(i64, &str); 2] = [(0x9fa0, "procfs"), (0x6265_6572, "sysfs")];

/// What a walk does.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Deepest level visited (the start is depth 0).
    pub max_depth: Option<usize>,
    /// Descend into procfs and sysfs mounts met on the way (the start is always visited).
    pub pseudo: bool,
    /// Visit a directory's entries in byte order of their names (else in readdir order).
    pub sorted: bool,
    /// Stat every entry even when `d_type` would do.
    pub stat_all: bool,
    /// Leave out entries whose names start with `.` (as ls and tree do by default).
    pub hide_dot: bool,
    /// Follow a starting point that is a symlink (as `grep -r` and `find -H` do).
    pub follow_start: bool,
}

/// Where an entry lives.
pub enum Loc<'a> {
    /// The starting point, looked up by path.
    Start(&'a super::Node),
    /// A directory entry.
    Child {
        /// The directory.
        dir: BorrowedFd<'a>,
        /// Its name there.
        name: &'a CStr,
    },
}

/// One visited file.
pub struct Entry<'a> {
    /// Its path inside the root, as the user's start path spelled plus names below.
    pub path: &'a [u8],
    /// Depth below the start.
    pub depth: usize,
    /// Its type.
    pub kind: Kind,
    /// Its status, when it was needed or cheap.
    pub stat: Option<libc::stat>,
    /// Where it is.
    pub loc: Loc<'a>,
    /// Whether it is the last entry visited in its directory.
    pub last: bool,
}

impl Entry<'_> {
    /// The last component of the path.
    pub fn name(&self) -> &[u8] {
        match &self.loc {
            Loc::Child { name, .. } => name.to_bytes(),
            Loc::Start(_) => base_name(self.path),
        }
    }

    /// Its status (lstat), fetched now if the walk did not need it.
    pub fn stat(&self) -> io::Result<libc::stat> {
        if let Some(st) = self.stat {
            return Ok(st);
        }
        match &self.loc {
            Loc::Start(node) => Ok(node.stat),
            Loc::Child { dir, name } => fsops::lstatat(*dir, name),
        }
    }

    /// The target of a symlink.
    pub fn readlink(&self) -> io::Result<Vec<u8>> {
        match &self.loc {
            Loc::Start(node) => fsops::readlink_fd(node.fd.as_fd()),
            Loc::Child { dir, name } => {
                let fd = fsops::openat(*dir, name, libc::O_PATH | libc::O_NOFOLLOW)?;
                fsops::readlink_fd(fd.as_fd())
            }
        }
    }

    /// Open a regular file for reading (never a FIFO or device; a symlink is not followed).
    pub fn open_file(&self, root: &FsRoot) -> Result<(std::fs::File, libc::stat), FsError> {
        match &self.loc {
            Loc::Start(_) => root.open_read(self.path, false),
            Loc::Child { dir, name } => {
                super::open_child_file(*dir, name).map_err(|e| root.error(self.path, e))
            }
        }
    }
}

/// The last component of a path (`/` for the root).
pub fn base_name(path: &[u8]) -> &[u8] {
    let trimmed = {
        let mut p = path;
        while p.len() > 1 && p.ends_with(b"/") {
            p = &p[..p.len() - 1];
        }
        p
    };
    match trimmed.iter().rposition(|&b| b == b'/') {
        Some(i) if trimmed.len() > 1 => &trimmed[i + 1..],
        _ => trimmed,
    }
}

/// What the visitor wants next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visit {
    /// Go on (into the entry, if it is a directory).
    Continue,
    /// Do not descend into this directory.
    Skip,
}

/// Receives the walk.
pub trait Visitor {
    /// One entry; an error stops the walk (e.g. a closed stdout).
    fn visit(&mut self, entry: &Entry<'_>) -> io::Result<Visit>;
    /// An entry could not be read: reported, then the walk goes on.
    fn error(&mut self, err: FsError);
    /// A procfs/sysfs mount was skipped.
    fn skipped(&mut self, _path: &[u8], _fs: &str) {}
}

/// The entries of one directory (without `.` and `..`): names stored back to back in one
/// buffer, NUL-terminated, so reading a directory costs two allocations, not one per name.
#[derive(Debug, Default)]
pub struct DirNames {
    bytes: Vec<u8>,
    /// (start of name in `bytes`, length without the NUL, `d_type`).
    items: Vec<(usize, usize, u8)>,
}

impl DirNames {
    /// Read every entry of the directory `dir` with `getdents64` into `scratch` (reused from
    /// call to call: one or two system calls for most directories).
    pub fn read(dir: BorrowedFd<'_>, scratch: &mut Vec<u8>) -> io::Result<DirNames> {
        let mut names = DirNames::default();
        names.read_into(dir, scratch)?;
        Ok(names)
    }

    /// [`DirNames::read`] into this value, reusing its buffers (musl's allocator otherwise maps
    /// and unmaps memory for nearly every directory of a walk).
    pub fn read_into(&mut self, dir: BorrowedFd<'_>, scratch: &mut Vec<u8>) -> io::Result<()> {
        self.bytes.clear();
        self.items.clear();
        if scratch.len() < 32 * 1024 {
            scratch.resize(32 * 1024, 0);
        }
        loop {
            let n = fsops::getdents(dir, scratch)?;
            if n == 0 {
                return Ok(());
            }
            self.parse(&scratch[..n])?;
        }
    }

    /// Parse `struct linux_dirent64` records (u64 ino, i64 off, u16 reclen, u8 type, name\0),
    /// every length checked against the buffer.
    fn parse(&mut self, mut buf: &[u8]) -> io::Result<()> {
        let bad = || io::Error::new(io::ErrorKind::InvalidData, "malformed getdents64 record");
        while !buf.is_empty() {
            let reclen = buf
                .get(16..18)
                .map(|b| u16::from_ne_bytes([b[0], b[1]]) as usize)
                .ok_or_else(bad)?;
            if reclen < 20 || reclen > buf.len() {
                return Err(bad());
            }
            let d_type = buf[18];
            let name_bytes = &buf[19..reclen];
            let end = name_bytes.iter().position(|&b| b == 0).ok_or_else(bad)?;
            let name = &name_bytes[..end];
            if name != b"." && name != b".." && !name.is_empty() {
                self.items.push((self.bytes.len(), name.len(), d_type));
                self.bytes.extend_from_slice(name);
                self.bytes.push(0);
            }
            buf = &buf[reclen..];
        }
        Ok(())
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Entry `i`: its name and its type when the file system reported one.
    pub fn get(&self, i: usize) -> (&CStr, Option<Kind>) {
        let (start, len, t) = self.items[i];
        // The name was stored with its NUL and contains no other NUL (getdents64 names end at
        // the first one); an impossible failure maps to the empty name.
        let name =
            CStr::from_bytes_with_nul(&self.bytes[start..start + len + 1]).unwrap_or_default();
        (name, Kind::of_dtype(t))
    }

    /// Sort by name, bytewise (as `LC_ALL=C ls`).
    pub fn sort(&mut self) {
        let bytes = &self.bytes;
        self.items
            .sort_unstable_by(|a, b| bytes[a.0..a.0 + a.1].cmp(&bytes[b.0..b.0 + b.1]));
    }

    /// Leave out names starting with `.`.
    pub fn hide_dot(&mut self) {
        let bytes = &self.bytes;
        self.items.retain(|&(s, _, _)| bytes[s] != b'.');
    }
}

/// Which pseudo file system `fd` is on, if any.
pub fn pseudo_fs(fd: BorrowedFd<'_>) -> Option<&'static str> {
    let t = nix::sys::statfs::fstatfs(fd).ok()?.filesystem_type().0 as i64;
    PSEUDO_FS.iter().find(|(m, _)| *m == t).map(|(_, n)| *n)
}

/// How many directory levels a walk (or `ls -R`) descends at most. Each level holds a
/// descriptor and a stack frame; the target controls its tree and could otherwise nest
/// directories until toolbox's stack overflows.
pub const MAX_DEPTH: usize = 1000;

/// Walk from `start` (a path inside the root; a final symlink is not followed, as `find -P`).
/// Returns Err only when the visitor stops the walk; unreadable entries go to `Visitor::error`.
pub fn walk(root: &FsRoot, start: &[u8], opts: &Options, v: &mut dyn Visitor) -> io::Result<()> {
    let start = &*root.real_path(start);
    let node = match root.lookup(start, opts.follow_start) {
        Ok(n) => n,
        Err(e) => {
            v.error(e);
            return Ok(());
        }
    };
    let kind = Kind::of(node.stat.st_mode);
    let entry = Entry {
        path: start,
        depth: 0,
        kind,
        stat: Some(node.stat),
        loc: Loc::Start(&node),
        last: true,
    };
    if v.visit(&entry)? == Visit::Skip || kind != Kind::Dir || opts.max_depth == Some(0) {
        return Ok(());
    }
    let dir = match super::open_dir(node.fd.as_fd(), c".", 0) {
        Ok(d) => d,
        Err(e) => {
            v.error(root.error(start, e));
            return Ok(());
        }
    };
    let mut w = Walk {
        root,
        opts,
        v,
        path: start.to_vec(),
        buf: Vec::new(),
        pool: Vec::new(),
    };
    w.descend(dir, 1)
}

/// One walk in progress: the path being built and memory reused from directory to directory.
struct Walk<'a> {
    root: &'a FsRoot,
    opts: &'a Options,
    v: &'a mut dyn Visitor,
    path: Vec<u8>,
    /// The getdents64 buffer.
    buf: Vec<u8>,
    /// Entry lists, taken per directory and given back, so a walk allocates per depth, not per
    /// directory (musl's allocator otherwise maps and unmaps memory for nearly every one).
    pool: Vec<DirNames>,
}

impl Walk<'_> {
    fn descend(&mut self, dir: OwnedFd, depth: usize) -> io::Result<()> {
        let mut entries = self.pool.pop().unwrap_or_default();
        if let Err(e) = entries.read_into(dir.as_fd(), &mut self.buf) {
            self.pool.push(entries);
            self.v.error(self.root.error(&self.path, e));
            return Ok(());
        }
        if self.opts.hide_dot {
            entries.hide_dot();
        }
        if self.opts.sorted {
            entries.sort();
        }
        let result = self.visit_entries(dir.as_fd(), &entries, depth);
        self.pool.push(entries);
        result
    }

    fn visit_entries(
        &mut self,
        dfd: BorrowedFd<'_>,
        entries: &DirNames,
        depth: usize,
    ) -> io::Result<()> {
        let base = self.path.len();
        let count = entries.len();
        for i in 0..count {
            let (name, dtype) = entries.get(i);
            if !self.path.ends_with(b"/") {
                self.path.push(b'/');
            }
            self.path.extend_from_slice(name.to_bytes());
            let (kind, stat) = match dtype {
                Some(k) if !self.opts.stat_all => (k, None),
                _ => match fsops::lstatat(dfd, name) {
                    Ok(st) => (Kind::of(st.st_mode), Some(st)),
                    Err(e) => {
                        self.v.error(self.root.error(&self.path, e));
                        self.path.truncate(base);
                        continue;
                    }
                },
            };
            let entry = Entry {
                path: &self.path,
                depth,
                kind,
                stat,
                loc: Loc::Child { dir: dfd, name },
                last: i + 1 == count,
            };
            let next = self.v.visit(&entry)?;
            let deeper = self.opts.max_depth.is_none_or(|m| depth < m);
            if kind == Kind::Dir && next == Visit::Continue && deeper && depth >= MAX_DEPTH {
                self.v.error(super::FsError::TooDeep {
                    path: super::shown(&self.path),
                });
            } else if kind == Kind::Dir && next == Visit::Continue && deeper {
                match super::open_dir(dfd, name, libc::O_NOFOLLOW) {
                    Ok(child) => match pseudo_fs(child.as_fd()).filter(|_| !self.opts.pseudo) {
                        Some(fs) => self.v.skipped(&self.path, fs),
                        None => self.descend(child, depth + 1)?,
                    },
                    Err(e) => self.v.error(self.root.error(&self.path, e)),
                }
            }
            self.path.truncate(base);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_names() {
        assert_eq!(base_name(b"/etc/passwd"), b"passwd");
        assert_eq!(base_name(b"/etc/"), b"etc");
        assert_eq!(base_name(b"/"), b"/");
        assert_eq!(base_name(b"x"), b"x");
    }
}

#[cfg(test)]
mod dirent_tests {
    use super::*;

    fn record(name: &[u8], d_type: u8) -> Vec<u8> {
        let reclen = (19 + name.len() + 1).div_ceil(8) * 8;
        let mut r = vec![0u8; reclen];
        r[16..18].copy_from_slice(&(reclen as u16).to_ne_bytes());
        r[18] = d_type;
        r[19..19 + name.len()].copy_from_slice(name);
        r
    }

    #[test]
    fn dirent_parsing() {
        let mut buf = record(b".", 4);
        buf.extend(record(b"..", 4));
        buf.extend(record(b"passwd", 8));
        buf.extend(record(b".hidden", 8));
        buf.extend(record(b"group", 4));
        let mut n = DirNames::default();
        n.parse(&buf).unwrap();
        assert_eq!(n.len(), 3);
        n.sort();
        assert_eq!(n.get(0).0.to_bytes(), b".hidden");
        assert_eq!(n.get(1), (c"group", Some(Kind::Dir)));
        n.hide_dot();
        assert_eq!(n.get(1), (c"passwd", Some(Kind::File)));
        let mut bad = record(b"x", 8);
        bad[16] = 200;
        assert!(DirNames::default().parse(&bad).is_err());
    }
}
