//! Browsing the target's root file system safely: every lookup is resolved by the kernel inside
//! the root (`openat2(RESOLVE_IN_ROOT)`, or the same semantics in user space), walks go from
//! directory descriptor to directory descriptor, and nothing is ever written into the target.

pub mod content;
pub mod export;
pub mod extract;
pub mod find;
pub mod glob;
pub mod meta;
pub mod program;
pub mod walk;

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::caps::{self, Feature};
use crate::sys::fsops;
use crate::target::root::{open_in_root, reopen};
use crate::target::{Accounts, Root, Scan, Selector, TargetError};

/// Errors of root browsing; each names the path (inside the root) it failed on.
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    /// No target could be chosen. Its own message, and the [`TargetError`] as the source so
    /// that the exit code rule (`TargetError::exit_code`) finds it in the error chain.
    #[error("{0}")]
    Target(#[from] TargetError),
    /// Permission denied, with the missing capability and the fix.
    #[error(transparent)]
    Denied(#[from] caps::Denied),
    /// The root itself could not be opened.
    #[error("cannot open the root {}: {}", .root.display(), describe(.err))]
    Root {
        /// The root as toolbox reaches it.
        root: PathBuf,
        /// Why (described in the message, so not a `source`: it would print twice).
        err: io::Error,
    },
    /// A path inside the root failed.
    #[error("{path}: {}", describe(.err))]
    Path {
        /// The path inside the root, sanitised for the terminal.
        path: String,
        /// Why (described in the message).
        err: io::Error,
    },
    /// A FIFO, socket or device that was not asked to be read.
    #[error("{path}: is a {kind}; not opened (pass --special to read it anyway)")]
    Special {
        /// The path, sanitised.
        path: String,
        /// "FIFO", "socket", "character device", "block device".
        kind: &'static str,
    },
    /// A directory nested deeper than [`walk::MAX_DEPTH`] below the start of a walk.
    #[error(
        "{path}: more than {} directory levels deep; not descending further",
        walk::MAX_DEPTH
    )]
    TooDeep {
        /// The path, sanitised.
        path: String,
    },
    /// A file without any read permission bit: no capability makes it readable.
    #[error("{path}: write-only file ({mode}); it cannot be read")]
    WriteOnly {
        /// The path, sanitised.
        path: String,
        /// Its mode string.
        mode: String,
    },
    /// A name with U+FFFD that several names that are not UTF-8 read as.
    #[error("{path}: No such file or directory, and {count} names that are not UTF-8 read like it, so toolbox cannot tell which is meant (ls -o json gives each one's bytes in path_base64; export of the directory archives them all)")]
    Ambiguous {
        /// The path, sanitised.
        path: String,
        /// How many names match.
        count: usize,
    },
    /// A directory where a file was expected.
    #[error("{path}: Is a directory")]
    IsDir {
        /// The path, sanitised.
        path: String,
    },
    /// Binary data would go to a terminal.
    #[error("{path}: binary file; not written to a terminal (redirect to a file or pipe, or pass --force)")]
    Binary {
        /// The path, sanitised.
        path: String,
    },
    /// A binary stream would go to a terminal.
    #[error(
        "refusing to write a tar stream to a terminal; redirect it: toolbox export PATH… > out.tar"
    )]
    TerminalTar,
}

/// How to get past file permissions inside the target's root.
const DAC_FIX: &str = "kubectl debug -it POD --image=toolbox --target=CONTAINER --profile=general --custom=dac.json  with dac.json: {\"securityContext\":{\"runAsUser\":0,\"capabilities\":{\"add\":[\"DAC_READ_SEARCH\"]}}}  (or --profile=sysadmin)";

/// Words for an errno, with the reason the trap-proof resolution gives some of them.
pub fn describe(err: &io::Error) -> String {
    match err.raw_os_error() {
        Some(libc::ELOOP) => {
            "too many levels of symbolic links, or a /proc magic link (refused: it would lead out of the target's root)".into()
        }
        Some(libc::EXDEV) => "the path would leave the target's root (refused)".into(),
        Some(libc::ENOENT) => "No such file or directory".into(),
        Some(libc::ENOTDIR) => "Not a directory".into(),
        Some(libc::EACCES) => "Permission denied".into(),
        _ => {
            let s = err.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_string()
        }
    }
}

/// A path for messages: inside the root, sanitised, and cut in the middle when very long.
pub fn shown(path: &[u8]) -> String {
    const MAX: usize = 256;
    if path.len() <= MAX {
        return crate::output::sanitize_bytes(path);
    }
    format!(
        "{}…{}",
        crate::output::sanitize_bytes(&path[..MAX / 2]),
        crate::output::sanitize_bytes(&path[path.len() - MAX / 2..])
    )
}

/// The root being browsed: an open directory descriptor, what it is, and its accounts.
pub struct FsRoot {
    /// Which root.
    pub root: Root,
    fd: OwnedFd,
    accounts: OnceLock<Accounts>,
    /// The directory relative paths start from (absolute, inside the root): `/` unless a
    /// session's `cd` chose another (`--cwd`).
    cwd: Vec<u8>,
}

/// A looked-up file: an `O_PATH` descriptor and its status.
pub struct Node {
    /// `O_PATH` descriptor (of the symlink itself when not followed).
    pub fd: OwnedFd,
    /// Its status.
    pub stat: libc::stat,
}

impl FsRoot {
    /// The root to work in: `explicit` (`--root`/`--host`) when given, else the root of the process
    /// `selector` chooses (a `--pid` is checked, otherwise the processes are scanned).
    pub fn select(explicit: Option<Root>, selector: &Selector) -> Result<FsRoot, FsError> {
        let root = match (explicit, selector) {
            (Some(r), _) => r,
            // `--pid` always wins: no need to scan every process to confirm it exists.
            (None, &Selector::Pid(pid)) => {
                if !Path::new(&format!("/proc/{pid}")).exists() {
                    return Err(TargetError::NoSuchPid(pid).into());
                }
                crate::target::check_pid(pid)?;
                Root::Process(pid)
            }
            (None, _) => {
                let scan = Scan::new()?;
                Root::Process(scan.choose(selector)?.pid)
            }
        };
        FsRoot::open(root)
    }

    /// Take relative paths from `cwd` (absolute, inside the root) from now on.
    pub fn set_cwd(&mut self, cwd: &[u8]) {
        self.cwd = cwd.to_vec();
    }

    /// `path` as the root's resolution sees it: a relative path is taken from the working
    /// directory (joined as text; the kernel still resolves the result inside the root).
    pub fn in_cwd<'a>(&self, path: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
        if path.starts_with(b"/") || self.cwd.is_empty() || self.cwd == b"/" {
            return std::borrow::Cow::Borrowed(path);
        }
        let mut out = self.cwd.clone();
        if !out.ends_with(b"/") {
            out.push(b'/');
        }
        out.extend_from_slice(path);
        std::borrow::Cow::Owned(out)
    }

    /// Open `root`. A permission error names the missing capability.
    pub fn open(root: Root) -> Result<FsRoot, FsError> {
        match root.open() {
            Ok(fd) => Ok(FsRoot {
                root,
                fd,
                accounts: OnceLock::new(),
                cwd: Vec::new(),
            }),
            Err(e) => {
                if let Root::Process(pid) = root {
                    let what = format!("cannot open the root of PID {pid}");
                    let subject = caps::Subject::read(pid);
                    if let Some(d) = caps::denied(
                        &caps::Context::read(),
                        Feature::Fs,
                        Some(&subject),
                        &what,
                        &e,
                    ) {
                        return Err(d.into());
                    }
                }
                Err(FsError::Root {
                    root: root.path(),
                    err: e,
                })
            }
        }
    }

    /// The root's directory descriptor.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// User and group names from this root's own /etc/passwd and /etc/group.
    pub fn accounts(&self) -> &Accounts {
        self.accounts.get_or_init(|| Accounts::load(self.fd()))
    }

    /// The error for `err` on `path`: a permission error becomes a [`caps::Denied`].
    pub fn error(&self, path: &[u8], err: io::Error) -> FsError {
        if err.raw_os_error() == Some(libc::EACCES) {
            if let Some(mode) = self.write_only(path) {
                return FsError::WriteOnly {
                    path: shown(path),
                    mode,
                };
            }
        }
        if matches!(err.raw_os_error(), Some(libc::EPERM | libc::EACCES)) {
            let what = format!("cannot read {}", shown(path));
            let ctx = caps::Context::read();
            if err.raw_os_error() == Some(libc::EACCES)
                && !ctx.has(::caps::Capability::CAP_DAC_READ_SEARCH)
                && !ctx.has(::caps::Capability::CAP_DAC_OVERRIDE)
            {
                return self.mode_denied(&ctx, path, what).into();
            }
            let subject = match self.root {
                Root::Process(pid) => Some(caps::Subject::read(pid)),
                _ => None,
            };
            if let Some(d) = caps::denied(
                &caps::Context::read(),
                Feature::Fs,
                subject.as_ref(),
                &what,
                &err,
            ) {
                return d.into();
            }
        }
        FsError::Path {
            path: shown(path),
            err,
        }
    }

    /// The mode string of `path` when it is a regular file that nobody may read (no read bit:
    /// a write-only `/proc/sys` knob such as `vm/drop_caches`, which even root cannot read).
    fn write_only(&self, path: &[u8]) -> Option<String> {
        let joined = self.in_cwd(path);
        let p = Path::new(std::ffi::OsStr::from_bytes(&joined));
        let fd = open_in_root(self.fd(), p, libc::O_PATH).ok()?;
        let st = fsops::fstat(fd.as_fd()).ok()?;
        (st.st_mode & libc::S_IFMT == libc::S_IFREG && st.st_mode & 0o444 == 0)
            .then(|| meta::mode_string(st.st_mode))
    }

    /// A file inside the root that its mode keeps toolbox out of (the root itself was opened,
    /// so this is not about ptrace access): say whose file it is and which capability helps.
    fn mode_denied(&self, ctx: &caps::Context, path: &[u8], what: String) -> caps::Denied {
        let joined = self.in_cwd(path);
        let p = Path::new(std::ffi::OsStr::from_bytes(&joined));
        let detail = open_in_root(self.fd(), p, libc::O_PATH | libc::O_NOFOLLOW)
            .and_then(|fd| fsops::fstat(fd.as_fd()))
            .map(|st| {
                format!(
                    " ({} owned by {} (UID {}))",
                    meta::mode_string(st.st_mode),
                    crate::output::sanitize(&self.accounts().users.display(st.st_uid)),
                    st.st_uid
                )
            })
            .unwrap_or_default();
        caps::Denied {
            what,
            reason: format!(
                "its permissions{detail} do not let UID {} in, and toolbox lacks CAP_DAC_READ_SEARCH and CAP_DAC_OVERRIDE, which bypass them",
                ctx.euid
            ),
            fix: DAC_FIX.into(),
        }
    }

    /// Open `path` inside the root with `flags` (symlinks followed unless `O_NOFOLLOW`).
    ///
    /// A path that does not exist but holds U+FFFD is tried once more with each such component
    /// replaced by the one entry of its directory whose lossy UTF-8 form it is: a name that is
    /// not UTF-8 cannot travel through `kubectl exec` or podman (their arguments are JSON
    /// strings), so `cat 'bad�'`, copied from `ls`, names `bad\xff` when no other name reads
    /// the same.
    pub fn open_path(&self, path: &[u8], flags: i32) -> Result<OwnedFd, FsError> {
        let joined = self.in_cwd(path);
        let p = Path::new(std::ffi::OsStr::from_bytes(&joined));
        match open_in_root(self.fd(), p, flags) {
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => match self.unlossy(path) {
                Some(Ok(raw)) => {
                    let raw = self.in_cwd(&raw).into_owned();
                    let p = Path::new(std::ffi::OsStr::from_bytes(&raw));
                    open_in_root(self.fd(), p, flags).map_err(|e| self.error(path, e))
                }
                Some(Err(n)) => Err(FsError::Ambiguous {
                    path: shown(path),
                    count: n,
                }),
                None => Err(self.error(path, e)),
            },
            r => r.map_err(|e| self.error(path, e)),
        }
    }

    /// The bytes `path` stands for: itself, or its lossy spelling resolved as
    /// [`FsRoot::open_path`] does (so a walk names what it finds by the real names).
    pub fn real_path<'a>(&self, path: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
        let joined = self.in_cwd(path);
        let p = Path::new(std::ffi::OsStr::from_bytes(&joined));
        match open_in_root(self.fd(), p, libc::O_PATH | libc::O_NOFOLLOW) {
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => match self.unlossy(path) {
                Some(Ok(raw)) => std::borrow::Cow::Owned(raw),
                _ => std::borrow::Cow::Borrowed(path),
            },
            _ => std::borrow::Cow::Borrowed(path),
        }
    }

    /// `path` with every component holding U+FFFD replaced by the single directory entry whose
    /// lossy form it is; None when there is nothing to replace or no entry matches, Err(n) when
    /// n entries match one component.
    fn unlossy(&self, path: &[u8]) -> Option<Result<Vec<u8>, usize>> {
        const FFFD: &[u8] = "\u{fffd}".as_bytes();
        if !path.windows(3).any(|w| w == FFFD) {
            return None;
        }
        let mut out: Vec<u8> = Vec::with_capacity(path.len());
        let mut scratch = Vec::new();
        for (i, comp) in path.split(|&b| b == b'/').enumerate() {
            if i > 0 {
                out.push(b'/');
            }
            if !comp.windows(3).any(|w| w == FFFD) {
                out.extend_from_slice(comp);
                continue;
            }
            let parent = if out.is_empty() {
                self.in_cwd(b".")
            } else {
                self.in_cwd(&out)
            };
            let dir = open_in_root(
                self.fd(),
                Path::new(std::ffi::OsStr::from_bytes(&parent)),
                libc::O_PATH | libc::O_DIRECTORY,
            )
            .ok()?;
            let dir = open_dir(dir.as_fd(), c".", 0).ok()?;
            let names = walk::DirNames::read(dir.as_fd(), &mut scratch).ok()?;
            let mut found: Option<Vec<u8>> = None;
            let mut count = 0;
            for j in 0..names.len() {
                let name = names.get(j).0.to_bytes();
                if String::from_utf8_lossy(name).as_bytes() == comp {
                    count += 1;
                    found = Some(name.to_vec());
                }
            }
            match (count, found) {
                (1, Some(name)) => out.extend_from_slice(&name),
                (0, _) | (_, None) => return None,
                (n, _) => return Some(Err(n)),
            }
        }
        Some(Ok(out))
    }

    /// Look `path` up: `follow` decides whether a final symlink is followed.
    pub fn lookup(&self, path: &[u8], follow: bool) -> Result<Node, FsError> {
        let flags = libc::O_PATH | if follow { 0 } else { libc::O_NOFOLLOW };
        let fd = self.open_path(path, flags)?;
        let stat = fsops::fstat(fd.as_fd()).map_err(|e| self.error(path, e))?;
        Ok(Node { fd, stat })
    }

    /// Open a file for reading: a FIFO, socket or device is refused unless `special`; a
    /// directory is refused. The file is checked through an `O_PATH` descriptor and then that
    /// same file is reopened for reading (see [`reopen`]): nothing is resolved twice.
    pub fn open_read(
        &self,
        path: &[u8],
        special: bool,
    ) -> Result<(std::fs::File, libc::stat), FsError> {
        let node = self.lookup(path, true)?;
        check_readable(path, &node.stat, special)?;
        let joined = self.in_cwd(path);
        let p = Path::new(std::ffi::OsStr::from_bytes(&joined));
        let fd = reopen(node.fd.as_fd(), &node.stat, |flags| {
            open_in_root(self.fd(), p, flags)
        })
        .map_err(|e| self.error(path, e))?;
        let st = fsops::fstat(fd.as_fd()).map_err(|e| self.error(path, e))?;
        Ok((clear_nonblock(fd), st))
    }
}

/// Whether a file of this status may be opened for reading.
pub fn check_readable(path: &[u8], st: &libc::stat, special: bool) -> Result<(), FsError> {
    match meta::Kind::of(st.st_mode) {
        meta::Kind::Dir => Err(FsError::IsDir { path: shown(path) }),
        meta::Kind::File | meta::Kind::Symlink => Ok(()),
        _ if special => Ok(()),
        k => Err(FsError::Special {
            path: shown(path),
            kind: k.describe(),
        }),
    }
}

pub use crate::target::root::clear_nonblock;

/// Open the child `name` of directory `dir` for reading: looked up without following a
/// symlink, checked to be a regular file, then reopened (see `reopen`), so a FIFO or device
/// swapped in is never opened.
pub fn open_child_file(
    dir: BorrowedFd<'_>,
    name: &CStr,
) -> io::Result<(std::fs::File, libc::stat)> {
    let path_fd = fsops::openat(dir, name, libc::O_PATH | libc::O_NOFOLLOW)?;
    let st = fsops::fstat(path_fd.as_fd())?;
    if st.st_mode & libc::S_IFMT != libc::S_IFREG {
        return Err(io::Error::other("is no longer a regular file"));
    }
    let fd = reopen(path_fd.as_fd(), &st, |flags| {
        fsops::openat(dir, name, flags | libc::O_NOFOLLOW)
    })?;
    Ok((clear_nonblock(fd), st))
}

/// Open the directory `name` in `dir` for reading its entries (`flags` are added to
/// `O_RDONLY | O_DIRECTORY`), with `O_NOATIME` where the kernel allows it (toolbox owns the
/// directory, or has CAP_FOWNER), so listing leaves the target's directory access times alone;
/// otherwise (EPERM) silently without it. `toolbox caps` says when that happens.
/// See: open(2), O_NOATIME.
pub fn open_dir(dir: BorrowedFd<'_>, name: &CStr, flags: i32) -> io::Result<OwnedFd> {
    let flags = flags | libc::O_RDONLY | libc::O_DIRECTORY;
    match fsops::openat(dir, name, flags | libc::O_NOATIME) {
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => fsops::openat(dir, name, flags),
        r => r,
    }
}

/// How names are written to stdout: raw bytes to a pipe or file (so scripts see the real
/// names), sanitised on a terminal (a file name can carry escape sequences).
#[derive(Clone, Copy, Debug)]
pub struct Names {
    /// Whether stdout is a terminal.
    pub terminal: bool,
}

impl Names {
    /// For the current stdout.
    pub fn for_stdout() -> Names {
        Names {
            terminal: crate::output::stdout_is_terminal(),
        }
    }

    /// The bytes to print for `name`.
    pub fn show<'a>(&self, name: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
        if self.terminal {
            std::borrow::Cow::Owned(crate::output::sanitize_bytes(name).into_bytes())
        } else {
            std::borrow::Cow::Borrowed(name)
        }
    }
}
