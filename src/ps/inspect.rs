//! `toolbox inspect`: one process in depth, each section read on its own so that one unreadable
//! file (a permission the debug container lacks) costs that section, not the report.

use std::collections::HashMap;
use std::io;

use serde::Serialize;

use super::cgroup;
use super::column::{rfc3339, role_json};
use super::proc::Clock;
use super::sockets::{self, Socket};
use super::PsError;
use crate::caps::{self, Context, Feature, Subject};
use crate::target::{shared_namespaces, Accounts, NsShare, Root};

/// An id with the name the process's own container gives it.
#[derive(Clone, Debug, Serialize)]
pub struct Named {
    /// The number.
    pub id: u32,
    /// The name from the process's /etc/passwd or /etc/group, when it has one.
    pub name: Option<String>,
}

/// A thread.
#[derive(Clone, Debug, Serialize)]
pub struct Thread {
    /// Thread ID.
    pub tid: i32,
    /// Its name.
    pub comm: String,
    /// State letter.
    pub state: char,
}

/// One resource limit of `/proc/PID/limits`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Limit {
    /// `Max open files`, …
    pub name: String,
    /// Soft limit (`unlimited` or a number).
    pub soft: String,
    /// Hard limit.
    pub hard: String,
    /// Units, when the kernel gives them.
    pub units: String,
}

/// Capability sets, decoded to names.
#[derive(Clone, Debug, Serialize)]
pub struct Capabilities {
    /// Effective.
    pub effective: Vec<String>,
    /// Permitted.
    pub permitted: Vec<String>,
    /// Inheritable.
    pub inheritable: Vec<String>,
    /// Bounding set.
    pub bounding: Vec<String>,
    /// Ambient.
    pub ambient: Vec<String>,
}

/// An open file descriptor.
#[derive(Clone, Debug, Serialize)]
pub struct Fd {
    /// The number.
    pub fd: i32,
    /// `file`, `socket`, `pipe`, `anon`, `memfd`, `other`.
    pub kind: &'static str,
    /// What it points to (path, `pipe:[inode]`, …).
    pub target: String,
    /// The decoded socket, for sockets found in the process's network namespace.
    pub socket: Option<Socket>,
}

/// A mount of the process's mount namespace.
#[derive(Clone, Debug, Serialize)]
pub struct Mount {
    /// Where it is mounted (inside the process's root).
    pub mount_point: String,
    /// File system type.
    pub fs_type: String,
    /// Source.
    pub source: String,
    /// Mount options.
    pub options: String,
}

/// A section that could not be read.
#[derive(Clone, Debug, Serialize)]
pub struct Unreadable {
    /// Which section.
    pub section: &'static str,
    /// Why, and the fix when it is a permission.
    pub reason: String,
}

/// Everything `inspect` reports about one process.
#[derive(Clone, Debug, Serialize)]
pub struct Inspection {
    /// PID.
    pub pid: i32,
    /// Its role (`target`, `pause`, `toolbox`, …).
    pub role: Option<&'static str>,
    /// comm.
    pub comm: String,
    /// Command line.
    pub cmdline: Vec<String>,
    /// Executable, inside the process's root.
    pub exe: Option<String>,
    /// Working directory, inside the process's root.
    pub cwd: Option<String>,
    /// Root directory as the process sees it.
    pub root: Option<String>,
    /// State (`S (sleeping)`).
    pub state: String,
    /// Parent PID.
    pub ppid: i32,
    /// Start time (UTC).
    pub start_time: Option<String>,
    /// Seconds since it started.
    pub running_secs: Option<u64>,
    /// Real UID.
    pub uid: Option<Named>,
    /// Effective UID.
    pub euid: Option<Named>,
    /// Real GID.
    pub gid: Option<Named>,
    /// Effective GID.
    pub egid: Option<Named>,
    /// Supplementary groups.
    pub groups: Vec<Named>,
    /// The process whose /etc/passwd, /etc/group and cgroup mounts were used: this one, or its
    /// nearest ancestor in the same cgroup when this one's root is unreadable.
    pub names_from: i32,
    /// Threads.
    pub threads: Vec<Thread>,
    /// Environment (`--env` only).
    pub environment: Option<Vec<String>>,
    /// Resource limits.
    pub limits: Vec<Limit>,
    /// Capabilities.
    pub capabilities: Option<Capabilities>,
    /// Seccomp mode.
    pub seccomp: Option<String>,
    /// Number of seccomp filters.
    pub seccomp_filters: Option<u32>,
    /// NoNewPrivs.
    pub no_new_privs: Option<bool>,
    /// OOM score.
    pub oom_score: Option<i64>,
    /// OOM score adjustment.
    pub oom_score_adj: Option<i64>,
    /// Namespaces and whether toolbox shares them.
    pub namespaces: Vec<NsShare>,
    /// Cgroup, limits and usage.
    pub cgroup: cgroup::Report,
    /// Open file descriptors.
    pub fds: Vec<Fd>,
    /// Mounts.
    pub mounts: Vec<Mount>,
    /// Sections that could not be read, and why.
    pub unreadable: Vec<Unreadable>,
}

/// Parse `/proc/PID/limits`: the kernel prints `%-25s %-20s %-20s %-10s` columns.
/// See: fs/proc/base.c, proc_pid_limits.
pub fn parse_limits(text: &str) -> Vec<Limit> {
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let name = l.get(..26)?.trim().to_string();
            let mut rest = l.get(26..)?.split_whitespace();
            Some(Limit {
                name,
                soft: rest.next()?.to_string(),
                hard: rest.next()?.to_string(),
                units: rest.next().unwrap_or("").to_string(),
            })
        })
        .collect()
}

/// Names of the capabilities set in `mask` (without `CAP_`), unknown bits as `cap_N`.
pub fn cap_names(mask: u64) -> Vec<String> {
    let known: HashMap<u8, String> = ::caps::all()
        .into_iter()
        .map(|c| {
            (
                c.index(),
                c.to_string().trim_start_matches("CAP_").to_string(),
            )
        })
        .collect();
    let mut out: Vec<(u8, String)> = (0..64u8)
        .filter(|b| mask & (1u64 << b) != 0)
        .map(|b| {
            (
                b,
                known.get(&b).cloned().unwrap_or_else(|| format!("cap_{b}")),
            )
        })
        .collect();
    out.sort();
    out.into_iter().map(|(_, n)| n).collect()
}

/// Turns a failed read into an [`Unreadable`] entry, with the permission fix when it is one.
struct Problems {
    ctx: Context,
    subject: Subject,
    list: Vec<Unreadable>,
}

impl Problems {
    fn io(&mut self, section: &'static str, err: &io::Error) {
        let what = format!("cannot read the {section} of PID {}", self.subject.pid);
        let reason = match caps::denied(&self.ctx, Feature::Ps, Some(&self.subject), &what, err) {
            Some(d) => d.to_string(),
            None => format!("{what}: {err}"),
        };
        self.list.push(Unreadable { section, reason });
    }

    fn proc(&mut self, section: &'static str, err: procfs::ProcError) {
        let io = match err {
            procfs::ProcError::PermissionDenied(_) => io::Error::from_raw_os_error(libc::EACCES),
            procfs::ProcError::NotFound(_) => io::Error::from_raw_os_error(libc::ENOENT),
            procfs::ProcError::Io(e, _) => e,
            other => io::Error::other(other.to_string()),
        };
        self.io(section, &io);
    }

    fn get<T>(&mut self, section: &'static str, r: procfs::ProcResult<T>) -> Option<T> {
        r.map_err(|e| self.proc(section, e)).ok()
    }
}

/// Why `pid` cannot be inspected at all: it does not exist, or (EACCES) the kernel hides it, which
/// is a permission with a fix, not a missing process.
fn not_readable(pid: i32, e: procfs::ProcError) -> PsError {
    let procfs::ProcError::PermissionDenied(_) = e else {
        return PsError::NoSuchPid(pid);
    };
    let err = io::Error::from_raw_os_error(libc::EACCES);
    let what = format!("cannot inspect PID {pid}");
    match caps::denied(
        &Context::read(),
        Feature::Ps,
        Some(&Subject::read(pid)),
        &what,
        &err,
    ) {
        Some(d) => PsError::Denied(d),
        None => PsError::NoSuchPid(pid),
    }
}

/// Inspect `pid`. `env` includes the environment.
pub fn inspect(
    pid: i32,
    env: bool,
    role: Option<crate::target::Role>,
) -> Result<Inspection, PsError> {
    let proc = procfs::process::Process::new(pid).map_err(|e| not_readable(pid, e))?;
    let stat = proc.stat().map_err(|e| not_readable(pid, e))?;
    let clock = Clock::read();
    let mut p = Problems {
        ctx: Context::read(),
        subject: Subject::read(pid),
        list: Vec::new(),
    };
    let via = super::stand_in(pid);
    let accounts = match Root::Process(via).open() {
        Ok(fd) => {
            use std::os::fd::AsFd;
            Accounts::load(fd.as_fd())
        }
        Err(_) => Accounts::default(),
    };
    let user = |id: u32| Named {
        id,
        name: accounts.users.name(id).map(str::to_string),
    };
    let group = |id: u32| Named {
        id,
        name: accounts.groups.name(id).map(str::to_string),
    };

    let cmdline = match super::proc::read_bounded(&format!("/proc/{pid}/cmdline")) {
        Ok(raw) => super::proc::parse_cmdline(&raw),
        Err(e) => {
            p.io("command line", &e);
            Vec::new()
        }
    };
    let exe = p
        .get("executable", proc.exe())
        .map(|e| e.to_string_lossy().into_owned());
    let cwd = p
        .get("working directory", proc.cwd())
        .map(|e| e.to_string_lossy().into_owned());
    let root = p
        .get("root directory", proc.root())
        .map(|e| e.to_string_lossy().into_owned());
    let status = p.get("status", proc.status());
    let status_text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let start = clock.boot_time + stat.starttime / clock.hz;

    let threads = match proc.tasks() {
        Ok(tasks) => tasks
            .flatten()
            .filter_map(|t| {
                let s = t.stat().ok()?;
                Some(Thread {
                    tid: t.tid,
                    comm: s.comm,
                    state: s.state,
                })
            })
            .collect(),
        Err(e) => {
            p.proc("threads", e);
            Vec::new()
        }
    };
    let environment = if env {
        match super::proc::read_bounded(&format!("/proc/{pid}/environ")) {
            // Programs that rewrite their title (nginx) overwrite environ with it and NULs:
            // empty entries carry nothing.
            Ok(raw) => Some(
                super::proc::parse_cmdline(&raw)
                    .into_iter()
                    .filter(|e| !e.is_empty())
                    .collect(),
            ),
            Err(e) => {
                p.io("environment", &e);
                None
            }
        }
    } else {
        None
    };
    let limits = match std::fs::read_to_string(format!("/proc/{pid}/limits")) {
        Ok(t) => parse_limits(&t),
        Err(e) => {
            p.io("limits", &e);
            Vec::new()
        }
    };

    let (sockets, socket_errors) = sockets::table(pid);
    let fds = read_fds(pid, &sockets).unwrap_or_else(|e| {
        p.io("file descriptors", &e);
        Vec::new()
    });
    if fds.iter().any(|f| f.kind == "socket" && f.socket.is_none()) {
        for e in socket_errors {
            p.list.push(Unreadable {
                section: "sockets",
                reason: e,
            });
        }
    }
    let mounts = match proc.mountinfo() {
        // Without ptrace access the kernel shows an empty mount table (every process has a root).
        Ok(m) if m.0.is_empty() => {
            p.io("mounts", &io::Error::from_raw_os_error(libc::EACCES));
            Vec::new()
        }
        Ok(m) => m
            .into_iter()
            .map(|m| {
                let mut opts: Vec<String> = m
                    .mount_options
                    .iter()
                    .map(|(k, v)| v.as_ref().map_or(k.clone(), |v| format!("{k}={v}")))
                    .collect();
                opts.sort();
                Mount {
                    mount_point: m.mount_point.to_string_lossy().into_owned(),
                    fs_type: m.fs_type,
                    source: m.mount_source.unwrap_or_default(),
                    options: opts.join(","),
                }
            })
            .collect(),
        Err(e) => {
            p.proc("mounts", e);
            Vec::new()
        }
    };
    let num = |file: &str| -> Option<i64> {
        std::fs::read_to_string(format!("/proc/{pid}/{file}"))
            .ok()?
            .trim()
            .parse()
            .ok()
    };

    Ok(Inspection {
        pid,
        role: role.map(role_json),
        comm: stat.comm,
        cmdline,
        exe,
        cwd,
        root,
        state: status
            .as_ref()
            .map_or_else(|| stat.state.to_string(), |s| s.state.clone()),
        ppid: stat.ppid,
        start_time: Some(rfc3339(start)),
        running_secs: Some(clock.now.saturating_sub(start)),
        uid: status.as_ref().map(|s| user(s.ruid)),
        euid: status.as_ref().map(|s| user(s.euid)),
        gid: status.as_ref().map(|s| group(s.rgid)),
        egid: status.as_ref().map(|s| group(s.egid)),
        groups: status
            .as_ref()
            .map(|s| s.groups.iter().map(|&g| group(g)).collect())
            .unwrap_or_default(),
        threads,
        environment,
        limits,
        capabilities: status.as_ref().map(|s| Capabilities {
            effective: cap_names(s.capeff),
            permitted: cap_names(s.capprm),
            inheritable: cap_names(s.capinh),
            bounding: s.capbnd.map(cap_names).unwrap_or_default(),
            ambient: s.capamb.map(cap_names).unwrap_or_default(),
        }),
        seccomp: status.as_ref().and_then(|s| s.seccomp).map(|m| {
            match m {
                0 => "disabled",
                1 => "strict",
                2 => "filter",
                _ => "unknown",
            }
            .to_string()
        }),
        seccomp_filters: caps::status_field(&status_text, "Seccomp_filters")
            .and_then(|v| v.parse().ok()),
        no_new_privs: status.as_ref().and_then(|s| s.nonewprivs).map(|n| n != 0),
        oom_score: num("oom_score"),
        oom_score_adj: num("oom_score_adj"),
        namespaces: shared_namespaces(pid),
        cgroup: cgroup::report(pid, via),
        names_from: via,
        fds,
        mounts,
        unreadable: p.list,
    })
}

/// Every descriptor of `pid`, sorted. Listing `/proc/PID/fd` may succeed where reading the links
/// needs ptrace access: a descriptor table with no readable link is an error.
fn read_fds(pid: i32, sockets: &HashMap<u64, Socket>) -> io::Result<Vec<Fd>> {
    use std::str::FromStr;
    let dir = format!("/proc/{pid}/fd");
    let mut fds = Vec::new();
    let mut first_err = None;
    for entry in std::fs::read_dir(&dir)? {
        let Some(fd) = entry?
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        match std::fs::read_link(format!("{dir}/{fd}")) {
            Ok(link) => {
                let text = link.to_string_lossy();
                let target = procfs::process::FDTarget::from_str(&text)
                    .unwrap_or_else(|_| procfs::process::FDTarget::Path(link.clone()));
                fds.push(describe_fd(fd, &target, sockets));
            }
            // Closed since the listing: skip it.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first_err.filter(|_| fds.is_empty()) {
        return Err(e);
    }
    fds.sort_by_key(|f| f.fd);
    Ok(fds)
}

fn describe_fd(fd: i32, target: &procfs::process::FDTarget, sockets: &HashMap<u64, Socket>) -> Fd {
    use procfs::process::FDTarget;
    let (kind, text, socket) = match target {
        FDTarget::Path(p) => ("file", p.to_string_lossy().into_owned(), None),
        FDTarget::Socket(i) => ("socket", format!("socket:[{i}]"), sockets.get(i).cloned()),
        FDTarget::Net(i) => ("socket", format!("net:[{i}]"), None),
        FDTarget::Pipe(i) => ("pipe", format!("pipe:[{i}]"), None),
        FDTarget::AnonInode(s) => ("anon", format!("anon_inode:{s}"), None),
        FDTarget::MemFD(s) => ("memfd", format!("memfd:{s}"), None),
        FDTarget::Other(s, i) => ("other", format!("{s}:[{i}]"), None),
        FDTarget::Unknown(s, x) => ("other", format!("{s}:{x}"), None),
    };
    Fd {
        fd,
        kind,
        target: text,
        socket,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_limits() {
        let text = "Limit                     Soft Limit           Hard Limit           Units     \n\
                    Max cpu time              unlimited            unlimited            seconds   \n\
                    Max open files            1024                 524288               files     \n\
                    Max nice priority         0                    0                    \n";
        let l = parse_limits(text);
        assert_eq!(l.len(), 3);
        assert_eq!(l[1].name, "Max open files");
        assert_eq!((l[1].soft.as_str(), l[1].hard.as_str()), ("1024", "524288"));
        assert_eq!(l[2].units, "");
        assert!(parse_limits("x\nshort\n").is_empty());
    }

    #[test]
    fn decodes_capabilities() {
        // CAP_CHOWN = 0, CAP_NET_BIND_SERVICE = 10, CAP_SYS_PTRACE = 19.
        let names = cap_names((1 << 0) | (1 << 10) | (1 << 19) | (1 << 63));
        assert_eq!(names, ["CHOWN", "NET_BIND_SERVICE", "SYS_PTRACE", "cap_63"]);
        assert!(cap_names(0).is_empty());
    }

    #[test]
    fn inspects_itself_and_refuses_missing_pid() {
        let me = std::process::id() as i32;
        let i = inspect(me, true, None).unwrap();
        assert_eq!(i.pid, me);
        assert!(i.environment.is_some());
        assert!(!i.fds.is_empty());
        assert!(!i.limits.is_empty());
        assert!(!crate::ps::inspect_text::render(&i).is_empty());
        // PIDs above pid_max never exist.
        assert!(matches!(
            inspect(i32::MAX, false, None),
            Err(PsError::NoSuchPid(_))
        ));
    }
}
