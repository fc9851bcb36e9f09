//! A process's cgroup and its memory and CPU limits and usage, on cgroup v1, v2 and hybrid hosts.
//!
//! `/proc/PID/cgroup` gives the cgroup's path; the directory holding its files is found through a
//! cgroup mount whose root is a prefix of that path: first among toolbox's own mounts (on the
//! host, or with a host cgroup namespace), then among the *target's* mounts, read through
//! `/proc/PID/root` (inside a container, podman and Kubernetes mount the container's own cgroup at
//! `/sys/fs/cgroup`). A candidate counts only if its `cgroup.procs` lists the process.
//! See: cgroups(7), `/proc/[pid]/cgroup`; proc(5), mountinfo.

use std::io::Read;
use std::os::fd::{AsFd, OwnedFd};
use std::path::PathBuf;

use serde::Serialize;

use crate::target::root::open_regular_in_root;
use crate::target::Root;

/// Above this a v1 limit means "no limit" (the kernel reports `PAGE_COUNTER_MAX` pages).
const V1_UNLIMITED: u64 = 1 << 62;

/// One line of `/proc/PID/cgroup`.
#[derive(Clone, Debug, Serialize)]
pub struct Line {
    /// Hierarchy ID (0 for v2).
    pub hierarchy: u32,
    /// v1 controllers of the hierarchy (empty for v2).
    pub controllers: String,
    /// Path of the cgroup (relative to toolbox's cgroup namespace).
    pub path: String,
}

/// Memory limit and usage.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Memory {
    /// `v1` or `v2`.
    pub version: &'static str,
    /// Where the files were read, as toolbox reached them.
    pub dir: String,
    /// Limit in bytes; `None` when unlimited or unreadable.
    pub limit_bytes: Option<u64>,
    /// Whether the limit file said "no limit".
    pub unlimited: bool,
    /// Current usage in bytes.
    pub usage_bytes: Option<u64>,
    /// Peak usage in bytes, where the kernel reports it.
    pub peak_bytes: Option<u64>,
    /// OOM kills in this cgroup, where the kernel reports them.
    pub oom_kills: Option<u64>,
}

/// CPU limit and usage.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Cpu {
    /// `v1` or `v2`.
    pub version: &'static str,
    /// Where the files were read.
    pub dir: String,
    /// CFS quota per period in µs; `None` when unlimited or unreadable.
    pub quota_us: Option<u64>,
    /// CFS period in µs.
    pub period_us: Option<u64>,
    /// The limit in CPUs (quota / period).
    pub limit_cpus: Option<f64>,
    /// `cpu.shares` (v1) or `cpu.weight` (v2).
    pub shares: Option<u64>,
    /// CPU time used by the cgroup, in seconds.
    pub usage_secs: Option<f64>,
}

/// Everything `inspect` reports about the cgroup.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// `/proc/PID/cgroup`.
    pub lines: Vec<Line>,
    /// Memory, when its directory was found.
    pub memory: Option<Memory>,
    /// CPU, when its directory was found.
    pub cpu: Option<Cpu>,
    /// What could not be found or read, and why.
    pub notes: Vec<String>,
}

/// The most toolbox reads of one cgroup file (`cgroup.procs` of a large cgroup is the biggest).
const MAX_FILE: u64 = 16 << 20;

/// A cgroup directory and how to read it.
struct Dir {
    /// `None`: toolbox's own root; `Some`: the target's root.
    root: Option<std::rc::Rc<OwnedFd>>,
    path: PathBuf,
}

impl Dir {
    /// Read a cgroup file. Inside the target's root the path is the target's to control (a
    /// tmpfs over its cgroup mount, a symlink to /dev/zero): only regular files are read, and at
    /// most [`MAX_FILE`] bytes of them, so that no file can block or exhaust toolbox.
    fn read(&self, file: &str) -> Option<String> {
        let path = self.path.join(file);
        let f = match &self.root {
            None => std::fs::File::open(&path).ok()?,
            Some(fd) => open_regular_in_root(fd.as_fd(), &path).ok()?,
        };
        if !f.metadata().ok()?.is_file() {
            return None;
        }
        let mut s = String::new();
        f.take(MAX_FILE).read_to_string(&mut s).ok()?;
        Some(s)
    }

    fn num(&self, file: &str) -> Option<u64> {
        self.read(file)?.trim().parse().ok()
    }

    fn shown(&self, pid: i32) -> String {
        match self.root {
            None => self.path.display().to_string(),
            Some(_) => format!("/proc/{pid}/root{}", self.path.display()),
        }
    }
}

/// A cgroup mount: which hierarchy, its root within the hierarchy, where it is mounted.
struct Mount {
    v2: bool,
    controllers: Vec<String>,
    root: String,
    mount_point: PathBuf,
}

fn mounts(pid: Option<i32>) -> Vec<Mount> {
    let proc = match pid {
        Some(p) => procfs::process::Process::new(p),
        None => procfs::process::Process::myself(),
    };
    let Ok(infos) = proc.and_then(|p| p.mountinfo()) else {
        return Vec::new();
    };
    infos
        .into_iter()
        .filter(|m| m.fs_type == "cgroup" || m.fs_type == "cgroup2")
        .map(|m| Mount {
            v2: m.fs_type == "cgroup2",
            controllers: m.super_options.keys().cloned().collect(),
            root: m.root,
            mount_point: m.mount_point,
        })
        .collect()
}

/// The part of `path` below the mount's `root`, if the mount shows it.
pub fn below(root: &str, path: &str) -> Option<String> {
    if root == "/" {
        return Some(path.trim_start_matches('/').to_string());
    }
    let rest = path.strip_prefix(root.trim_end_matches('/'))?;
    if rest.is_empty() || rest.starts_with('/') {
        Some(rest.trim_start_matches('/').to_string())
    } else {
        None
    }
}

struct Finder {
    pid: i32,
    own: Vec<Mount>,
    theirs: Vec<Mount>,
    root: Option<std::rc::Rc<OwnedFd>>,
}

impl Finder {
    /// The directory of the cgroup at `path` in the v1 hierarchy with `controller`, or in v2.
    fn find(&self, controller: Option<&str>, path: &str) -> Option<Dir> {
        let fits = |m: &&Mount| match controller {
            Some(c) => !m.v2 && m.controllers.iter().any(|k| k == c),
            None => m.v2,
        };
        let own = self.own.iter().filter(fits).map(|m| (m, None));
        let theirs = self
            .theirs
            .iter()
            .filter(fits)
            .filter_map(|m| Some((m, Some(self.root.clone()?))));
        for (m, root) in own.chain(theirs) {
            let Some(rel) = below(&m.root, path) else {
                continue;
            };
            let dir = Dir {
                root,
                path: m.mount_point.join(rel),
            };
            let listed = dir.read("cgroup.procs").is_some_and(|procs| {
                procs
                    .lines()
                    .any(|l| l.trim().parse::<i32>().ok() == Some(self.pid))
            });
            if listed {
                return Some(dir);
            }
        }
        None
    }
}

/// Read the cgroup report of `pid`; `via` is the process whose mounts and root are used inside
/// the container (`pid` itself, or a stand-in in the same cgroup when `pid`'s are unreadable).
pub fn report(pid: i32, via: i32) -> Report {
    let mut r = Report::default();
    let lines = procfs::process::Process::new(pid).and_then(|p| p.cgroups());
    match lines {
        Ok(l) => {
            r.lines =
                l.0.into_iter()
                    .map(|c| Line {
                        hierarchy: c.hierarchy,
                        controllers: c.controllers.join(","),
                        path: c.pathname,
                    })
                    .collect()
        }
        Err(e) => {
            r.notes.push(format!("/proc/{pid}/cgroup: {e}"));
            return r;
        }
    }
    let finder = Finder {
        pid,
        own: mounts(None),
        theirs: mounts(Some(via)),
        root: Root::Process(via).open().ok().map(std::rc::Rc::new),
    };
    let v1 = |c: &str| {
        r.lines
            .iter()
            .find(|l| l.hierarchy != 0 && l.controllers.split(',').any(|k| k == c))
    };
    let v2 = r.lines.iter().find(|l| l.hierarchy == 0);

    r.memory = match (v1("memory"), v2) {
        (Some(l), _) => finder
            .find(Some("memory"), &l.path)
            .map(|d| memory_v1(&d, via)),
        (None, Some(l)) => finder.find(None, &l.path).map(|d| memory_v2(&d, via)),
        _ => None,
    };
    if r.memory.is_none() {
        r.notes.push(
            "memory cgroup directory not found in toolbox's or the target's cgroup mounts".into(),
        );
    }
    r.cpu = match (v1("cpu"), v2) {
        (Some(l), _) => finder.find(Some("cpu"), &l.path).map(|d| {
            let acct = v1("cpuacct").and_then(|a| finder.find(Some("cpuacct"), &a.path));
            cpu_v1(&d, acct.as_ref(), via)
        }),
        (None, Some(l)) => finder.find(None, &l.path).map(|d| cpu_v2(&d, via)),
        _ => None,
    };
    if r.cpu.is_none() {
        r.notes.push(
            "cpu cgroup directory not found in toolbox's or the target's cgroup mounts".into(),
        );
    }
    r
}

/// A `key value` line of a flat-keyed file (`memory.events`, `memory.oom_control`, `cpu.stat`).
pub fn keyed(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(' ')?;
        (k == key).then(|| v.trim().parse().ok())?
    })
}

fn memory_v1(d: &Dir, pid: i32) -> Memory {
    let limit = d.num("memory.limit_in_bytes");
    Memory {
        version: "v1",
        dir: d.shown(pid),
        limit_bytes: limit.filter(|&l| l < V1_UNLIMITED),
        unlimited: limit.is_some_and(|l| l >= V1_UNLIMITED),
        usage_bytes: d.num("memory.usage_in_bytes"),
        peak_bytes: d.num("memory.max_usage_in_bytes"),
        // "oom_kill" is in memory.oom_control since Linux 4.13.
        oom_kills: d
            .read("memory.oom_control")
            .and_then(|t| keyed(&t, "oom_kill")),
    }
}

fn memory_v2(d: &Dir, pid: i32) -> Memory {
    let max = d.read("memory.max").map(|s| s.trim().to_string());
    Memory {
        version: "v2",
        dir: d.shown(pid),
        limit_bytes: max.as_deref().and_then(|m| m.parse().ok()),
        unlimited: max.as_deref() == Some("max"),
        usage_bytes: d.num("memory.current"),
        peak_bytes: d.num("memory.peak"),
        oom_kills: d.read("memory.events").and_then(|t| keyed(&t, "oom_kill")),
    }
}

fn cpu_v1(d: &Dir, acct: Option<&Dir>, pid: i32) -> Cpu {
    let quota = d
        .read("cpu.cfs_quota_us")
        .and_then(|s| s.trim().parse::<i64>().ok());
    let period = d.num("cpu.cfs_period_us");
    let quota = quota.and_then(|q| u64::try_from(q).ok());
    Cpu {
        version: "v1",
        dir: d.shown(pid),
        quota_us: quota,
        period_us: period,
        limit_cpus: cpus(quota, period),
        shares: d.num("cpu.shares"),
        usage_secs: acct
            .and_then(|a| a.num("cpuacct.usage"))
            .map(|ns| ns as f64 / 1e9),
    }
}

fn cpu_v2(d: &Dir, pid: i32) -> Cpu {
    let (quota, period) = d
        .read("cpu.max")
        .map(|s| parse_cpu_max(&s))
        .unwrap_or((None, None));
    Cpu {
        version: "v2",
        dir: d.shown(pid),
        quota_us: quota,
        period_us: period,
        limit_cpus: cpus(quota, period),
        shares: d.num("cpu.weight"),
        usage_secs: d
            .read("cpu.stat")
            .and_then(|t| keyed(&t, "usage_usec"))
            .map(|us| us as f64 / 1e6),
    }
}

/// `cpu.max`: `max 100000` or `50000 100000`.
pub fn parse_cpu_max(s: &str) -> (Option<u64>, Option<u64>) {
    let mut it = s.split_whitespace();
    let quota = it.next().and_then(|q| q.parse().ok());
    let period = it.next().and_then(|p| p.parse().ok());
    (quota, period)
}

fn cpus(quota: Option<u64>, period: Option<u64>) -> Option<f64> {
    match (quota, period) {
        (Some(q), Some(p)) if p > 0 => Some(q as f64 / p as f64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_mount_roots() {
        assert_eq!(below("/", "/a/b").as_deref(), Some("a/b"));
        assert_eq!(below("/a", "/a/b").as_deref(), Some("b"));
        assert_eq!(below("/a", "/a").as_deref(), Some(""));
        assert_eq!(below("/a", "/ab"), None);
        assert_eq!(below("/x", "/a"), None);
    }

    #[test]
    fn keyed_files() {
        let oc = "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n";
        assert_eq!(keyed(oc, "oom_kill"), Some(3));
        assert_eq!(keyed(oc, "nope"), None);
        assert_eq!(parse_cpu_max("max 100000\n"), (None, Some(100000)));
        assert_eq!(parse_cpu_max("50000 100000"), (Some(50000), Some(100000)));
        assert_eq!(cpus(Some(50000), Some(100000)), Some(0.5));
    }

    #[test]
    fn finds_own_memory_cgroup() {
        // Every process is in some cgroup; on a v1 or v2 host toolbox's own one must be found.
        let me = std::process::id() as i32;
        let r = report(me, me);
        assert!(!r.lines.is_empty());
        assert!(r.memory.is_some(), "{:?}", r.notes);
    }
}
