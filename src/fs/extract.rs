//! Unpacking a tar stream into one directory of the root: what `kubectl cp LOCAL POD:DIR` asks
//! of `tar -xmf - -C DIR` in the debug container, done without letting the archive write
//! anywhere but below DIR.
//!
//! Every file system call is relative to a descriptor of the destination: parent directories
//! are resolved with `openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)` from it (so a symlink,
//! whether the target's own or one planted earlier in the same archive, may lead only to
//! another place below the destination), and the last component is created with `O_NOFOLLOW` /
//! `O_EXCL` under a temporary name and renamed into place, which replaces a symlink of that
//! name instead of writing through it and makes each file appear whole or not at all.
//! Names that are absolute or contain `..`, symlinks whose target is absolute or climbs out,
//! hard links to names outside, and device nodes are refused. See: openat2(2), rename(2).

use std::ffi::{CStr, CString};
use std::fs::File;
use std::io::{self, Read};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use nix::fcntl::AtFlags;
use nix::sys::stat::{Mode, UtimensatFlags};
use nix::sys::time::TimeSpec;
use nix::unistd::{Gid, Uid};
use tar::EntryType;

use crate::sys;

/// What to restore from the archive: GNU tar's defaults and the flags `kubectl cp` passes.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Set modification times from the archive (false with `-m`).
    pub mtime: bool,
    /// Give files the archive's owner (GNU tar's default as root; `--no-same-owner` turns it off).
    pub same_owner: bool,
    /// Keep the archive's mode bits as they are (GNU tar's default as root;
    /// `--no-same-permissions` applies the umask instead).
    pub same_permissions: bool,
    /// The umask applied without `same_permissions`.
    pub umask: u32,
}

/// Errors of one entry, or of the archive itself.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The entry would escape the destination, or is of a kind that is never extracted.
    #[error("{name}: refused: {why}")]
    Refused {
        /// The member name (sanitised).
        name: String,
        /// Why.
        why: String,
    },
    /// A file system call failed for this entry.
    #[error("{name}: {what}: {}", super::describe(err))]
    Io {
        /// The member name (sanitised).
        name: String,
        /// What was being done.
        what: &'static str,
        /// The error.
        #[source]
        err: io::Error,
    },
    /// The archive could not be read (truncated, not a tar stream, stdin failed).
    #[error("cannot read the archive: {0}")]
    Archive(#[source] io::Error),
}

/// How an extraction went: entries written and per-entry errors (already reported).
#[derive(Debug, Default)]
pub struct Summary {
    /// Entries written.
    pub written: usize,
    /// Entries refused or failed.
    pub failed: usize,
}

/// A member name split into its components: no `.` or empty ones. Absolute names and names
/// with a `..` component are refused (GNU tar strips the leading `/` and refuses `..`; here
/// both are refused, as the destination is a directory of a production container).
pub fn components(name: &[u8]) -> Result<Vec<&[u8]>, &'static str> {
    if name.starts_with(b"/") {
        return Err("absolute member name");
    }
    let mut out = Vec::new();
    for c in name.split(|&b| b == b'/') {
        match c {
            b"" | b"." => {}
            b".." => return Err("member name contains `..`"),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Whether a symlink at `parent/…` with this target stays below the destination, judged from
/// its text: not absolute, and its `..` never climbs above the destination.
pub fn link_stays_inside(parent: &[&[u8]], target: &[u8]) -> bool {
    if target.starts_with(b"/") || target.is_empty() {
        return false;
    }
    let mut depth = parent.len();
    for c in target.split(|&b| b == b'/') {
        match c {
            b"" | b"." => {}
            b".." => {
                if depth == 0 {
                    return false;
                }
                depth -= 1;
            }
            _ => depth += 1,
        }
    }
    true
}

fn cstring(bytes: &[u8]) -> io::Result<CString> {
    CString::new(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "name contains a NUL byte"))
}

/// Open `comps` (a relative path) below `dest` with `flags`: symlinks are followed only while
/// they stay below `dest`. Without `openat2`, one component at a time with `O_NOFOLLOW`, which
/// refuses every symlink.
fn beneath(dest: BorrowedFd<'_>, comps: &[&[u8]], flags: i32) -> io::Result<OwnedFd> {
    if comps.is_empty() {
        return dest.try_clone_to_owned();
    }
    if crate::target::resolve::userspace() {
        let mut cur = dest.try_clone_to_owned()?;
        for (i, c) in comps.iter().enumerate() {
            let last = i + 1 == comps.len();
            let f = if last {
                flags | libc::O_NOFOLLOW
            } else {
                libc::O_PATH | libc::O_DIRECTORY | libc::O_NOFOLLOW
            };
            cur = sys::fsops::openat(cur.as_fd(), &cstring(c)?, f)?;
        }
        return Ok(cur);
    }
    let path = comps.join(&b'/');
    sys::openat2(
        dest,
        Path::new(std::ffi::OsStr::from_bytes(&path)),
        flags,
        libc::RESOLVE_BENEATH | libc::RESOLVE_NO_MAGICLINKS,
    )
}

/// The directory `comps` below `dest`, created (mode 0777 less the umask, as GNU tar creates
/// missing parents) where missing.
fn ensure_dir(dest: BorrowedFd<'_>, comps: &[&[u8]]) -> io::Result<OwnedFd> {
    let dir_flags = libc::O_PATH | libc::O_DIRECTORY;
    match beneath(dest, comps, dir_flags) {
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {}
        r => return r,
    }
    let mut cur = dest.try_clone_to_owned()?;
    for i in 0..comps.len() {
        match beneath(dest, &comps[..=i], dir_flags) {
            Ok(fd) => cur = fd,
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {
                let name = cstring(comps[i])?;
                match nix::sys::stat::mkdirat(
                    Some(cur.as_raw_fd()),
                    name.as_c_str(),
                    Mode::from_bits_truncate(0o777),
                ) {
                    Ok(()) | Err(nix::errno::Errno::EEXIST) => {}
                    Err(e) => return Err(e.into()),
                }
                cur = beneath(dest, &comps[..=i], dir_flags | libc::O_NOFOLLOW)?;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(cur)
}

/// A temporary name in a directory, removed on drop unless it was renamed into place.
struct Temp<'a> {
    dir: BorrowedFd<'a>,
    name: CString,
    armed: bool,
}

impl<'a> Temp<'a> {
    fn new(dir: BorrowedFd<'a>) -> Temp<'a> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name =
            CString::new(format!(".toolbox-tar.{}.{n}", std::process::id())).unwrap_or_default();
        Temp {
            dir,
            name,
            armed: true,
        }
    }

    /// Rename onto `name` in the same directory (replacing a file or symlink of that name, never
    /// following it).
    fn install(mut self, name: &CStr) -> io::Result<()> {
        let fd = Some(self.dir.as_raw_fd());
        nix::fcntl::renameat(fd, self.name.as_c_str(), fd, name)?;
        self.armed = false;
        Ok(())
    }
}

impl Drop for Temp<'_> {
    fn drop(&mut self) {
        if self.armed {
            let _ = nix::unistd::unlinkat(
                Some(self.dir.as_raw_fd()),
                self.name.as_c_str(),
                nix::unistd::UnlinkatFlags::NoRemoveDir,
            );
        }
    }
}

/// Ownership, mode and time of one entry, from its header.
#[derive(Debug, Clone, Copy)]
struct Meta {
    uid: u32,
    gid: u32,
    mode: u32,
    mtime: i64,
}

impl Meta {
    fn of(h: &tar::Header, opts: &Options) -> Meta {
        let mode = h.mode().unwrap_or(0o644) & 0o7777;
        Meta {
            uid: h
                .uid()
                .ok()
                .and_then(|u| u32::try_from(u).ok())
                .unwrap_or(0),
            gid: h
                .gid()
                .ok()
                .and_then(|g| u32::try_from(g).ok())
                .unwrap_or(0),
            mode: if opts.same_permissions {
                mode
            } else {
                mode & !opts.umask & 0o777
            },
            mtime: h
                .mtime()
                .ok()
                .and_then(|t| i64::try_from(t).ok())
                .unwrap_or(0),
        }
    }

    fn owner(&self) -> (Option<Uid>, Option<Gid>) {
        (Some(Uid::from_raw(self.uid)), Some(Gid::from_raw(self.gid)))
    }

    fn times(&self) -> (TimeSpec, TimeSpec) {
        (TimeSpec::UTIME_NOW, TimeSpec::new(self.mtime, 0))
    }

    /// Apply owner, mode and time to an open (not `O_PATH`) descriptor. Owner first: chown(2)
    /// clears set-user-ID bits. Each is tried even when one before failed (GNU tar keeps a
    /// file whose owner it could not set, and says so); the first failure is returned.
    fn apply_fd(
        &self,
        fd: BorrowedFd<'_>,
        opts: &Options,
    ) -> Result<(), (&'static str, io::Error)> {
        let raw = fd.as_raw_fd();
        let mut first: Result<(), (&'static str, io::Error)> = Ok(());
        let mut note = |what: &'static str, r: nix::Result<()>| {
            if let (Err(e), true) = (r, first.is_ok()) {
                first = Err((what, e.into()));
            }
        };
        if opts.same_owner {
            let (u, g) = self.owner();
            note(CHOWN_FAILED, nix::unistd::fchown(raw, u, g));
        }
        note(
            "cannot change mode",
            nix::sys::stat::fchmod(raw, Mode::from_bits_truncate(self.mode)),
        );
        if opts.mtime {
            let (a, m) = self.times();
            note(
                "cannot set modification time",
                nix::sys::stat::futimens(raw, &a, &m),
            );
        }
        first
    }

    /// Apply owner and time to the symlink `name` in `dir` (a symlink has no mode of its own).
    fn apply_link(
        &self,
        dir: BorrowedFd<'_>,
        name: &CStr,
        opts: &Options,
    ) -> Result<(), (&'static str, io::Error)> {
        let mut first: Result<(), (&'static str, io::Error)> = Ok(());
        if opts.same_owner {
            let (u, g) = self.owner();
            if let Err(e) = nix::unistd::fchownat(
                Some(dir.as_raw_fd()),
                name,
                u,
                g,
                AtFlags::AT_SYMLINK_NOFOLLOW,
            ) {
                first = Err((CHOWN_FAILED, e.into()));
            }
        }
        if opts.mtime {
            let (a, m) = self.times();
            if let Err(e) = nix::sys::stat::utimensat(
                Some(dir.as_raw_fd()),
                name,
                &a,
                &m,
                UtimensatFlags::NoFollowSymlink,
            ) {
                if first.is_ok() {
                    first = Err(("cannot set modification time", e.into()));
                }
            }
        }
        first
    }
}

/// What failed when an owner could not be set, and the way around it.
const CHOWN_FAILED: &str = "cannot change ownership (needs CAP_CHOWN, which the debug container lacks; `kubectl cp --no-preserve` keeps toolbox's owner)";

/// At most this many directories get their owner, mode and time after their contents.
const MAX_DEFERRED: usize = 100_000;

/// A directory whose owner, mode and time are set after its contents were extracted (so that a
/// read-only directory can still be filled, and its time is not changed by the filling).
struct DirMeta {
    path: Vec<u8>,
    meta: Meta,
}

/// At most this many bytes of headers and metadata members (GNU long names, pax records) are
/// read for one member: the tar crate holds them in memory, and a hostile archive could claim
/// gigabytes for a "long name" (in the pod's memory budget, next to the app).
pub const MAX_MEMBER_METADATA: u64 = 4 << 20;

/// Counts what is read while [`Metered`] is active.
#[derive(Default)]
struct Meter {
    active: std::cell::Cell<bool>,
    used: std::cell::Cell<u64>,
}

/// The archive's reader, refusing to read past [`MAX_MEMBER_METADATA`] while the meter is on.
struct Metered<'a, R> {
    inner: R,
    meter: &'a Meter,
}

impl<R: Read> Read for Metered<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.meter.active.get() {
            return self.inner.read(buf);
        }
        let left = MAX_MEMBER_METADATA.saturating_sub(self.meter.used.get());
        if left == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a member's headers (GNU long names, pax records) exceed {} MiB",
                    MAX_MEMBER_METADATA >> 20
                ),
            ));
        }
        let n = buf.len().min(left.min(usize::MAX as u64) as usize);
        let got = self.inner.read(&mut buf[..n])?;
        self.meter.used.set(self.meter.used.get() + got as u64);
        Ok(got)
    }
}

/// Unpack the tar stream `input` below the directory `dest` (a descriptor, `O_PATH` will do).
/// Each failed or refused entry is passed to `report` and counted; the rest still happen.
/// Err only when the archive itself cannot be read.
pub fn extract<R: Read>(
    dest: BorrowedFd<'_>,
    input: R,
    opts: &Options,
    mut report: impl FnMut(&ExtractError),
) -> Result<Summary, ExtractError> {
    let meter = Meter::default();
    let mut archive = tar::Archive::new(Metered {
        inner: input,
        meter: &meter,
    });
    let mut summary = Summary::default();
    let mut dirs: Vec<DirMeta> = Vec::new();
    let mut entries = archive.entries().map_err(ExtractError::Archive)?;
    loop {
        // Only headers and the metadata members before a member (GNU long names, pax records,
        // which the tar crate reads into memory) are read here: each member's data was read
        // or drained below.
        meter.used.set(0);
        meter.active.set(true);
        let next = entries.next();
        meter.active.set(false);
        let Some(entry) = next else { break };
        let mut entry = entry.map_err(ExtractError::Archive)?;
        let done = one(dest, &mut entry, opts, &mut dirs);
        io::copy(&mut entry, &mut io::sink()).map_err(ExtractError::Archive)?;
        match done {
            Ok(true) => summary.written += 1,
            Ok(false) => {}
            Err(e) => {
                // A failure to read the entry's data is the archive's, and ends the extraction.
                if let ExtractError::Io {
                    what: "cannot read the archive",
                    err,
                    ..
                } = e
                {
                    return Err(ExtractError::Archive(err));
                }
                report(&e);
                summary.failed += 1;
            }
        }
    }
    // Innermost first, so that setting a parent's time comes after its children were touched.
    for d in dirs.iter().rev() {
        let comps = components(&d.path).unwrap_or_default();
        let name = super::shown(&d.path);
        let res = beneath(
            dest,
            &comps,
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW,
        )
        .map_err(|err| ExtractError::Io {
            name: name.clone(),
            what: "cannot open the directory",
            err,
        })
        .and_then(|fd| {
            d.meta
                .apply_fd(fd.as_fd(), opts)
                .map_err(|(what, err)| ExtractError::Io { name, what, err })
        });
        if let Err(e) = res {
            report(&e);
            summary.failed += 1;
        }
    }
    Ok(summary)
}

/// Extract one entry: Ok(true) when something was written, Ok(false) for entries that only
/// carry metadata (pax global headers) or name the destination itself.
fn one<R: Read>(
    dest: BorrowedFd<'_>,
    entry: &mut tar::Entry<'_, R>,
    opts: &Options,
    dirs: &mut Vec<DirMeta>,
) -> Result<bool, ExtractError> {
    let raw_name = entry.path_bytes().into_owned();
    let name = super::shown(&raw_name);
    let refused = |why: &str| ExtractError::Refused {
        name: name.clone(),
        why: why.to_string(),
    };
    let io_err = |what: &'static str| {
        let name = name.clone();
        move |err: io::Error| ExtractError::Io { name, what, err }
    };
    let kind = entry.header().entry_type();
    if matches!(kind, EntryType::XGlobalHeader) {
        return Ok(false);
    }
    let comps = components(&raw_name).map_err(refused)?;
    let meta = Meta::of(entry.header(), opts);
    let Some((last, parents)) = comps.split_last() else {
        // The destination itself (`./`): its mode and owner stay as they are.
        return if kind == EntryType::Directory {
            Ok(false)
        } else {
            Err(refused(
                "a non-directory entry names the destination itself",
            ))
        };
    };
    let last = cstring(last).map_err(io_err("bad name"))?;
    let parent =
        ensure_dir(dest, parents).map_err(io_err("cannot open or create its directory"))?;
    let parent = parent.as_fd();
    match kind {
        EntryType::Directory => {
            match nix::sys::stat::mkdirat(
                Some(parent.as_raw_fd()),
                last.as_c_str(),
                Mode::from_bits_truncate(0o700),
            ) {
                Ok(()) | Err(nix::errno::Errno::EEXIST) => {}
                Err(e) => return Err(io_err("cannot create the directory")(e.into())),
            }
            // What is there now must be a directory, not a symlink to one.
            sys::fsops::openat(
                parent,
                &last,
                libc::O_PATH | libc::O_DIRECTORY | libc::O_NOFOLLOW,
            )
            .map_err(io_err("exists and is not a directory"))?;
            if dirs.len() < MAX_DEFERRED {
                dirs.push(DirMeta {
                    path: comps.join(&b'/'),
                    meta,
                });
            } else {
                // Past the bound, a directory gets its attributes at once (memory stays bounded
                // on an archive of millions of directories).
                let fd = sys::fsops::openat(
                    parent,
                    &last,
                    libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW,
                )
                .map_err(io_err("cannot open the directory"))?;
                meta.apply_fd(fd.as_fd(), opts)
                    .map_err(|(what, err)| ExtractError::Io {
                        name: name.clone(),
                        what,
                        err,
                    })?;
            }
        }
        EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => {
            let tmp = Temp::new(parent);
            let fd = sys::fsops::create_new(parent, &tmp.name, 0o600)
                .map_err(io_err("cannot create the file"))?;
            let mut file = File::from(fd);
            io::copy(entry, &mut file).map_err(|err| {
                if err.kind() == io::ErrorKind::UnexpectedEof
                    || err.kind() == io::ErrorKind::InvalidData
                {
                    ExtractError::Io {
                        name: name.clone(),
                        what: "cannot read the archive",
                        err,
                    }
                } else {
                    ExtractError::Io {
                        name: name.clone(),
                        what: "cannot write the file",
                        err,
                    }
                }
            })?;
            // The file is installed even when its owner or mode could not be set; that is
            // reported after (exit status 2), as GNU tar does.
            let applied = meta.apply_fd(file.as_fd(), opts);
            drop(file);
            tmp.install(&last)
                .map_err(io_err("cannot rename the file into place"))?;
            applied.map_err(|(what, err)| ExtractError::Io {
                name: name.clone(),
                what,
                err,
            })?;
        }
        EntryType::Symlink => {
            let target = entry
                .link_name_bytes()
                .ok_or_else(|| refused("symbolic link without a target"))?
                .into_owned();
            if !link_stays_inside(parents, &target) {
                return Err(refused(&format!(
                    "symbolic link to {} leads out of the destination",
                    super::shown(&target)
                )));
            }
            let tmp = Temp::new(parent);
            let target_c = cstring(&target).map_err(io_err("bad link target"))?;
            nix::unistd::symlinkat(
                target_c.as_c_str(),
                Some(parent.as_raw_fd()),
                tmp.name.as_c_str(),
            )
            .map_err(|e| io_err("cannot create the symbolic link")(e.into()))?;
            let applied = meta.apply_link(parent, &tmp.name, opts);
            tmp.install(&last)
                .map_err(io_err("cannot rename the link into place"))?;
            applied.map_err(|(what, err)| ExtractError::Io {
                name: name.clone(),
                what,
                err,
            })?;
        }
        EntryType::Link => {
            let target = entry
                .link_name_bytes()
                .ok_or_else(|| refused("hard link without a target"))?
                .into_owned();
            let tcomps = components(&target).map_err(|why| {
                refused(&format!("hard link to {}: {why}", super::shown(&target)))
            })?;
            if tcomps.is_empty() {
                return Err(refused("hard link to the destination itself"));
            }
            let src = beneath(dest, &tcomps, libc::O_PATH | libc::O_NOFOLLOW).map_err(|err| {
                ExtractError::Io {
                    name: name.clone(),
                    what: "cannot open the hard link's target",
                    err,
                }
            })?;
            let st = sys::fsops::fstat(src.as_fd())
                .map_err(io_err("cannot open the hard link's target"))?;
            if st.st_mode & libc::S_IFMT == libc::S_IFDIR {
                return Err(refused("hard link to a directory"));
            }
            // Link the very inode resolved above, through toolbox's own /proc/self/fd: no name
            // inside the target is resolved again. See: linkat(2), AT_SYMLINK_FOLLOW.
            let tmp = Temp::new(parent);
            let proc_path = cstring(format!("/proc/self/fd/{}", src.as_raw_fd()).as_bytes())
                .map_err(io_err("bad name"))?;
            nix::unistd::linkat(
                None,
                proc_path.as_c_str(),
                Some(parent.as_raw_fd()),
                tmp.name.as_c_str(),
                AtFlags::AT_SYMLINK_FOLLOW,
            )
            .map_err(|e| io_err("cannot create the hard link")(e.into()))?;
            tmp.install(&last)
                .map_err(io_err("cannot rename the link into place"))?;
        }
        EntryType::Char | EntryType::Block | EntryType::Fifo => {
            return Err(refused("device and FIFO entries are not extracted"));
        }
        other => {
            return Err(refused(&format!("entry type {other:?} is not supported")));
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(components(b"./a//b/").unwrap(), vec![&b"a"[..], b"b"]);
        assert!(components(b"/etc/passwd").is_err());
        assert!(components(b"a/../../x").is_err());
        assert!(components(b"./").unwrap().is_empty());
    }

    fn dest() -> (tempfile::TempDir, OwnedFd) {
        let dir = tempfile::tempdir().unwrap();
        let fd = crate::target::root::open_root_dir(dir.path()).unwrap();
        (dir, fd)
    }

    const OPTS: Options = Options {
        mtime: false,
        same_owner: false,
        same_permissions: false,
        umask: 0o022,
    };

    fn header(name: &[u8], kind: EntryType, size: u64) -> tar::Header {
        let mut h = tar::Header::new_gnu();
        h.as_old_mut().name[..name.len()].copy_from_slice(name);
        h.set_entry_type(kind);
        h.set_size(size);
        h.set_mode(0o644);
        h.set_cksum();
        h
    }

    fn member(out: &mut Vec<u8>, name: &[u8], kind: EntryType, data: &[u8]) {
        out.extend_from_slice(header(name, kind, data.len() as u64).as_bytes());
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }

    #[test]
    fn a_huge_long_name_is_refused_before_it_is_held_in_memory() {
        let (_dir, fd) = dest();
        let mut ar = Vec::new();
        member(
            &mut ar,
            b"././@LongLink",
            EntryType::GNULongName,
            &vec![b'a'; 64 << 20],
        );
        member(&mut ar, b"x", EntryType::Regular, b"x");
        ar.extend_from_slice(&[0; 1024]);
        let err = extract(fd.as_fd(), ar.as_slice(), &OPTS, |_| {}).unwrap_err();
        assert!(err.to_string().contains("exceed 4 MiB"), "{err}");
    }

    #[test]
    fn large_data_of_refused_members_does_not_count_as_metadata() {
        let (dir, fd) = dest();
        let big = vec![7u8; 16 << 20];
        let mut ar = Vec::new();
        member(&mut ar, b"../out", EntryType::Regular, &big);
        member(&mut ar, b"dev", EntryType::Char, b"");
        member(&mut ar, b"big", EntryType::Regular, &big);
        member(&mut ar, b"x", EntryType::Regular, b"x");
        ar.extend_from_slice(&[0; 1024]);
        let mut refused = Vec::new();
        let s = extract(fd.as_fd(), ar.as_slice(), &OPTS, |e| {
            refused.push(e.to_string())
        })
        .unwrap();
        assert_eq!((s.written, s.failed), (2, 2), "{refused:?}");
        assert_eq!(std::fs::read(dir.path().join("x")).unwrap(), b"x");
        assert_eq!(
            std::fs::metadata(dir.path().join("big")).unwrap().len(),
            16 << 20
        );
    }

    #[test]
    fn symlink_targets() {
        assert!(link_stays_inside(&[b"a"], b"../b"));
        assert!(link_stays_inside(&[], b"sub/x"));
        assert!(!link_stays_inside(&[], b"../x"));
        assert!(!link_stays_inside(&[b"a"], b"../../x"));
        assert!(!link_stays_inside(&[b"a"], b"/etc"));
        assert!(!link_stays_inside(&[b"a"], b"x/../../.."));
    }
}
