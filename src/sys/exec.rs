//! Start a program inside another root (and optionally its namespaces) with the credentials it is
//! given, wait for it, and forward SIGINT/SIGTERM to it.
//!
//! The child is made by `std::process::Command` (fork, with its CLOEXEC error pipe); the only code
//! that runs between fork and exec is the `pre_exec` hook below, which makes raw, async-signal-safe
//! system calls only and allocates nothing: it enters the namespaces and the root, marks every
//! inherited descriptor above 2 close-on-exec, drops to the credentials it was given and ends with
//! `execveat` on the directory descriptor and name that were resolved before fork. Any failure
//! before that `execveat` ends the child: the program never runs with more than it was given.

use std::ffi::{CString, OsString};
use std::io::{self, Read};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::Command;

use nix::sys::signal::{kill, SigSet, Signal};
use nix::unistd::Pid;

/// Where the child was when it failed, reported through a pipe before each step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Entering one of the target's namespaces (setns).
    Setns,
    /// Entering the root (pivot_root in a new mount namespace, or chroot).
    Root,
    /// Unmounting the old root after pivot_root.
    DetachOldRoot,
    /// Marking inherited descriptors close-on-exec.
    Fds,
    /// Dropping capabilities from the bounding set (needs CAP_SETPCAP).
    Bounding,
    /// Setting the supplementary groups (needs CAP_SETGID).
    Groups,
    /// Setting the group IDs (needs CAP_SETGID).
    Gid,
    /// Setting the user IDs (needs CAP_SETUID).
    Uid,
    /// Setting the capability sets.
    Caps,
    /// Raising ambient capabilities.
    Ambient,
    /// Setting no_new_privs.
    NoNewPrivs,
    /// execveat itself (the program is not executable, or its loader is missing).
    Exec,
}

impl Stage {
    fn code(self) -> u8 {
        match self {
            Stage::Setns => b's',
            Stage::Root => b'r',
            Stage::DetachOldRoot => b'o',
            Stage::Fds => b'f',
            Stage::Bounding => b'b',
            Stage::Groups => b'G',
            Stage::Gid => b'g',
            Stage::Uid => b'u',
            Stage::Caps => b'c',
            Stage::Ambient => b'a',
            Stage::NoNewPrivs => b'n',
            Stage::Exec => b'x',
        }
    }

    fn from_code(b: Option<&u8>) -> Stage {
        const ALL: [Stage; 12] = [
            Stage::Setns,
            Stage::Root,
            Stage::DetachOldRoot,
            Stage::Fds,
            Stage::Bounding,
            Stage::Groups,
            Stage::Gid,
            Stage::Uid,
            Stage::Caps,
            Stage::Ambient,
            Stage::NoNewPrivs,
            Stage::Exec,
        ];
        b.and_then(|&b| ALL.into_iter().find(|s| s.code() == b))
            .unwrap_or(Stage::Exec)
    }
}

/// A failure to start the program, with the step that failed.
#[derive(Debug)]
pub struct SpawnError {
    /// The step that failed.
    pub stage: Stage,
    /// The error the kernel returned.
    pub error: io::Error,
}

/// Capability sets as bit masks (bit N is capability N). See: capabilities(7).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CapSets {
    /// Inheritable.
    pub inheritable: u64,
    /// Permitted.
    pub permitted: u64,
    /// Effective.
    pub effective: u64,
    /// Bounding set.
    pub bounding: u64,
    /// Ambient.
    pub ambient: u64,
}

/// The credentials to give the program; `None` fields are left as toolbox has them (because they
/// already are what is wanted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// Supplementary groups.
    pub groups: Option<Vec<u32>>,
    /// Real, effective and saved GID.
    pub gid: Option<[u32; 3]>,
    /// Real, effective and saved UID.
    pub uid: Option<[u32; 3]>,
    /// Capability sets when the root was entered by pivot_root, or inside the target's own
    /// mount namespace.
    pub caps: CapSets,
    /// Capability sets when the root could only be entered by chroot from toolbox's own mount
    /// namespace (where CAP_SYS_CHROOT would let the program climb out).
    pub caps_chrooted: CapSets,
}

/// Whose privileges the program runs with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Privileges {
    /// Drop to these credentials and set no_new_privs.
    Drop(Credentials),
    /// Keep toolbox's own (`--as-debugger`).
    Keep,
}

/// What the child enters before exec.
pub struct Enter {
    /// An `O_PATH` directory descriptor of the new root (e.g. of `/proc/PID/root`).
    pub root: OwnedFd,
    /// Namespace descriptors (`/proc/PID/ns/…`) to join first, with their `CLONE_NEW*` type.
    /// The mount namespace should come last: joining it resets the root and working directory.
    pub namespaces: Vec<(OwnedFd, i32)>,
    /// Credentials.
    pub privileges: Privileges,
}

/// The program, resolved before fork: the file `name` in the directory `dir` (not a symbolic
/// link: `execveat` refuses one with ELOOP), started with `argv` (argv[0] included).
pub struct Program {
    /// `O_PATH` descriptor of the directory holding the file.
    pub dir: OwnedFd,
    /// The file's name in `dir`.
    pub name: CString,
    /// The whole argument vector.
    pub argv: Vec<OsString>,
}

/// How the root was entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootEntry {
    /// A private mount namespace whose root is a copy of the target root's mount tree.
    PivotRoot,
    /// chroot.
    Chroot,
}

/// `struct __user_cap_header_struct`. See: capget(2).
#[repr(C)]
struct CapHeader {
    version: u32,
    pid: i32,
}

/// `struct __user_cap_data_struct`. See: capget(2).
#[repr(C)]
#[derive(Clone, Copy)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

/// `_LINUX_CAPABILITY_VERSION_3`: two `CapData`, 64 capabilities. See: capget(2).
const CAP_VERSION_3: u32 = 0x2008_0522;
/// See: open_tree(2) (linux/mount.h).
const OPEN_TREE_CLONE: libc::c_uint = 1;
/// See: move_mount(2) (linux/mount.h).
const MOVE_MOUNT_F_EMPTY_PATH: libc::c_uint = 4;
/// See: close_range(2).
const CLOSE_RANGE_CLOEXEC: libc::c_uint = 1 << 2;

/// Pointers into argument and environment strings owned by the same value: built before fork,
/// read by the child.
struct Vectors {
    _strings: Vec<CString>,
    argv: Vec<*const libc::c_char>,
    envp: Vec<*const libc::c_char>,
}

// SAFETY: the pointers point into `_strings`, which the struct owns and never changes; the child
// only reads them (after fork it is a single thread anyway).
unsafe impl Send for Vectors {}
// SAFETY: as above, nothing mutates the strings or the pointer arrays after construction.
unsafe impl Sync for Vectors {}

fn cstring(bytes: &[u8]) -> io::Result<CString> {
    CString::new(bytes).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
}

impl Vectors {
    /// argv and envp for execve, NULL-terminated.
    fn pointers(&self) -> (*const *const libc::c_char, *const *const libc::c_char) {
        (self.argv.as_ptr(), self.envp.as_ptr())
    }

    fn new(argv: &[OsString], env: &[(OsString, OsString)]) -> io::Result<Vectors> {
        let mut strings = Vec::with_capacity(argv.len() + env.len());
        for a in argv {
            strings.push(cstring(a.as_bytes())?);
        }
        for (k, v) in env {
            let mut kv = k.as_bytes().to_vec();
            kv.push(b'=');
            kv.extend_from_slice(v.as_bytes());
            strings.push(cstring(&kv)?);
        }
        let mut ptrs = strings.iter().map(|s| s.as_ptr());
        let mut argv_p: Vec<_> = ptrs.by_ref().take(argv.len()).collect();
        argv_p.push(std::ptr::null());
        let mut envp: Vec<_> = ptrs.collect();
        envp.push(std::ptr::null());
        Ok(Vectors {
            _strings: strings,
            argv: argv_p,
            envp,
        })
    }
}

/// Enter the root `root` (an `O_PATH` directory descriptor): in a new private mount namespace,
/// pivot_root into a copy of its mount tree and detach the old root, so that nothing outside it is
/// reachable any more; where that is not allowed (no CAP_SYS_ADMIN, or the root is a mount of
/// another mount namespace), chroot. Runs in the forked child: raw system calls only.
/// See: pivot_root(2) ("pivot_root(".", ".")"), open_tree(2), move_mount(2), mount_namespaces(7).
///
/// # Safety
/// Only to be called in a single-threaded child between fork and exec.
unsafe fn enter_root(root: i32, step: &dyn Fn(Stage)) -> io::Result<RootEntry> {
    let last = io::Error::last_os_error;
    // SAFETY (whole body): every pointer passed is a static NUL-terminated string; descriptors are
    // plain integers the kernel checks.
    unsafe {
        step(Stage::Root);
        let tree = libc::syscall(
            libc::SYS_open_tree,
            root,
            c"".as_ptr(),
            OPEN_TREE_CLONE
                | libc::O_CLOEXEC as libc::c_uint
                | libc::AT_RECURSIVE as libc::c_uint
                | libc::AT_EMPTY_PATH as libc::c_uint,
        );
        let pivoted = tree >= 0
            && libc::unshare(libc::CLONE_NEWNS) == 0
            // Nothing done here may propagate back to toolbox's (or the node's) mounts.
            && libc::mount(
                std::ptr::null(),
                c"/".as_ptr(),
                std::ptr::null(),
                libc::MS_REC | libc::MS_PRIVATE,
                std::ptr::null(),
            ) == 0
            && libc::syscall(
                libc::SYS_move_mount,
                tree as i32,
                c"".as_ptr(),
                libc::AT_FDCWD,
                c"/".as_ptr(),
                MOVE_MOUNT_F_EMPTY_PATH,
            ) == 0
            && libc::fchdir(tree as i32) == 0
            // The copy is a peer of the original where that was shared: make it private too.
            && libc::mount(
                std::ptr::null(),
                c".".as_ptr(),
                std::ptr::null(),
                libc::MS_REC | libc::MS_PRIVATE,
                std::ptr::null(),
            ) == 0
            && libc::syscall(libc::SYS_pivot_root, c".".as_ptr(), c".".as_ptr()) == 0;
        if pivoted {
            // The old root is now stacked on top of the new one: until it is gone, "/" is still
            // toolbox's root. Failing here must stop the program.
            step(Stage::DetachOldRoot);
            if libc::umount2(c".".as_ptr(), libc::MNT_DETACH) != 0
                || libc::chdir(c"/".as_ptr()) != 0
            {
                return Err(last());
            }
            return Ok(RootEntry::PivotRoot);
        }
        step(Stage::Root);
        if libc::fchdir(root) != 0 || libc::chroot(c".".as_ptr()) != 0 {
            return Err(last());
        }
        if libc::chdir(c"/".as_ptr()) != 0 {
            return Err(last());
        }
        Ok(RootEntry::Chroot)
    }
}

/// Give the calling process the credentials `creds` with capability sets `caps`, then set
/// no_new_privs. Runs in the forked child: raw system calls only (the raw setres*id calls change
/// only the calling thread, which is all the child has). See: capabilities(7) ("Effect of user ID
/// changes on capabilities"), prctl(2), setresuid(2), setgroups(2), capset(2).
///
/// # Safety
/// Only to be called in a single-threaded child between fork and exec.
unsafe fn drop_privileges(
    creds: &Credentials,
    caps: &CapSets,
    step: &dyn Fn(Stage),
) -> io::Result<()> {
    let last = io::Error::last_os_error;
    // SAFETY (whole body): prctl/syscall arguments are integers or pointers to live locals and to
    // `creds.groups`, which was allocated before fork and is only read.
    unsafe {
        // While CAP_SETPCAP is still effective: shrink the bounding set.
        step(Stage::Bounding);
        for cap in 0..64 {
            let held = libc::prctl(libc::PR_CAPBSET_READ, cap as libc::c_ulong, 0, 0, 0);
            if held < 0 {
                break; // EINVAL: past the kernel's last capability
            }
            if held == 1
                && caps.bounding & (1u64 << cap) == 0
                && libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong, 0, 0, 0) != 0
            {
                return Err(last());
            }
        }
        // Keep the permitted set across the UID change, so capset can pick from it below.
        if libc::prctl(libc::PR_SET_KEEPCAPS, 1 as libc::c_ulong, 0, 0, 0) != 0 {
            return Err(last());
        }
        if let Some(groups) = &creds.groups {
            step(Stage::Groups);
            if libc::syscall(libc::SYS_setgroups, groups.len(), groups.as_ptr()) != 0 {
                return Err(last());
            }
        }
        if let Some([r, e, s]) = creds.gid {
            step(Stage::Gid);
            if libc::syscall(libc::SYS_setresgid, r, e, s) != 0 {
                return Err(last());
            }
        }
        if let Some([r, e, s]) = creds.uid {
            step(Stage::Uid);
            if libc::syscall(libc::SYS_setresuid, r, e, s) != 0 {
                return Err(last());
            }
        }
        step(Stage::Caps);
        let header = CapHeader {
            version: CAP_VERSION_3,
            pid: 0,
        };
        let data = [
            CapData {
                effective: caps.effective as u32,
                permitted: caps.permitted as u32,
                inheritable: caps.inheritable as u32,
            },
            CapData {
                effective: (caps.effective >> 32) as u32,
                permitted: (caps.permitted >> 32) as u32,
                inheritable: (caps.inheritable >> 32) as u32,
            },
        ];
        if libc::syscall(libc::SYS_capset, &header as *const CapHeader, data.as_ptr()) != 0 {
            return Err(last());
        }
        step(Stage::Ambient);
        for cap in 0..64u64 {
            if caps.ambient & (1 << cap) != 0
                && libc::prctl(
                    libc::PR_CAP_AMBIENT,
                    libc::PR_CAP_AMBIENT_RAISE as libc::c_ulong,
                    cap as libc::c_ulong,
                    0,
                    0,
                ) != 0
            {
                return Err(last());
            }
        }
        step(Stage::NoNewPrivs);
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1 as libc::c_ulong, 0, 0, 0) != 0 {
            return Err(last());
        }
        Ok(())
    }
}

/// Mark every descriptor above 2 close-on-exec (close_range, Linux 5.11; else one by one up to
/// `max_fd`), so the program gets only stdin, stdout and stderr. Marking rather than closing keeps
/// std's own error pipe working until exec. See: close_range(2).
///
/// # Safety
/// Only to be called in a child between fork and exec.
unsafe fn cloexec_from_3(max_fd: i32) -> io::Result<()> {
    // SAFETY: integer arguments only.
    unsafe {
        if libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, CLOSE_RANGE_CLOEXEC) == 0 {
            return Ok(());
        }
        for fd in 3..max_fd {
            let flags = libc::fcntl(fd, libc::F_GETFD);
            if flags >= 0 && libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC) != 0 {
                return Err(io::Error::last_os_error());
            }
        }
        Ok(())
    }
}

/// Run `program` with exactly the environment `env`, inside `enter`. Returns the exit code
/// (128+N for death by signal N).
///
/// SIGINT and SIGTERM received meanwhile are forwarded to the child; toolbox keeps waiting.
pub fn run_in_root(
    program: Program,
    env: &[(OsString, OsString)],
    enter: Enter,
) -> Result<i32, SpawnError> {
    let spawn_err = |stage, error| SpawnError { stage, error };
    let vectors = Vectors::new(&program.argv, env).map_err(|e| spawn_err(Stage::Exec, e))?;
    // The pipe's write end must not leak into the program: it is CLOEXEC.
    let (stage_r, stage_w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
        .map_err(|e| spawn_err(Stage::Exec, e.into()))?;
    let mut stage_r = std::fs::File::from(stage_r);
    let w = stage_w.as_raw_fd();
    let root = enter.root.as_raw_fd();
    let ns: Vec<(i32, i32)> = enter
        .namespaces
        .iter()
        .map(|(fd, t)| (fd.as_raw_fd(), *t))
        .collect();
    let in_target_mnt = ns.iter().any(|&(_, t)| t == libc::CLONE_NEWNS);
    let privileges = enter.privileges.clone();
    let dir = program.dir.as_raw_fd();
    let name: CString = program.name.clone();
    let max_fd = nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE)
        .map(|(soft, _)| soft.min(1 << 20) as i32)
        .unwrap_or(1024);

    let shown = program
        .argv
        .first()
        .cloned()
        .unwrap_or_else(|| OsString::from(name.to_string_lossy().into_owned()));
    let mut cmd = Command::new(shown);
    // SAFETY: the hook runs in the forked child before exec. It only makes raw system calls
    // (write, setns, open_tree, unshare, mount, move_mount, fchdir, pivot_root, umount2, chroot,
    // chdir, close_range, fcntl, prctl, setgroups, setresgid, setresuid, capset, execveat) on
    // descriptors, integers and strings that were all created before fork, reads vectors
    // allocated before fork, and allocates nothing.
    unsafe {
        cmd.pre_exec(move || {
            let step = |s: Stage| {
                libc::write(w, [s.code()].as_ptr().cast(), 1);
            };
            for &(fd, nstype) in &ns {
                step(Stage::Setns);
                if libc::setns(fd, nstype) != 0 {
                    return Err(io::Error::last_os_error());
                }
            }
            let entry = enter_root(root, &step)?;
            step(Stage::Fds);
            cloexec_from_3(max_fd)?;
            if let Privileges::Drop(creds) = &privileges {
                let caps = if entry == RootEntry::Chroot && !in_target_mnt {
                    &creds.caps_chrooted
                } else {
                    &creds.caps
                };
                drop_privileges(creds, caps, &step)?;
            }
            step(Stage::Exec);
            let (argv, envp) = vectors.pointers();
            libc::syscall(
                libc::SYS_execveat,
                dir,
                name.as_ptr(),
                argv,
                envp,
                libc::AT_SYMLINK_NOFOLLOW,
            );
            Err(io::Error::last_os_error())
        });
    }

    // Block the signals we forward (and SIGCHLD, to learn of the exit) before the child exists;
    // std resets the child's signal mask before exec.
    let mut set = SigSet::empty();
    set.add(Signal::SIGINT);
    set.add(Signal::SIGTERM);
    set.add(Signal::SIGCHLD);
    let old = set
        .thread_swap_mask(nix::sys::signal::SigmaskHow::SIG_BLOCK)
        .map_err(|e| spawn_err(Stage::Exec, e.into()))?;
    let result = spawn_and_wait(&mut cmd, &set);
    let _ = old.thread_set_mask();
    drop(stage_w);
    drop(cmd);
    match result {
        Ok(code) => Ok(code),
        Err(error) => {
            let mut steps = Vec::new();
            let _ = stage_r.read_to_end(&mut steps);
            Err(SpawnError {
                stage: Stage::from_code(steps.last()),
                error,
            })
        }
    }
}

fn spawn_and_wait(cmd: &mut Command, set: &SigSet) -> io::Result<i32> {
    let mut child = cmd.spawn()?;
    let pid = Pid::from_raw(child.id() as i32);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status
                .code()
                .or_else(|| status.signal().map(|s| 128 + s))
                .unwrap_or(1));
        }
        match set.wait() {
            Ok(sig @ (Signal::SIGINT | Signal::SIGTERM)) => {
                let _ = kill(pid, sig);
            }
            Ok(_) => {}
            Err(nix::errno::Errno::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
}
