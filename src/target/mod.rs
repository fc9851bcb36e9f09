//! Which process is the app: the target-discovery rules of DESIGN.md, and the target's root.
//!
//! Candidates are all processes except toolbox itself, everything in toolbox's own mount namespace
//! (the debug container), pause/infra processes and kernel threads. The rest are grouped by
//! container; each group's init (parent outside the group) is that container's main process.

pub mod creds;
mod error;
pub mod netns;
pub mod passwd;
mod pid;
pub mod resolve;
pub mod root;
pub mod scan;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use serde::Serialize;

pub use error::TargetError;
pub use passwd::Accounts;
pub use pid::{check_pid, PidKind};
pub use root::Root;
pub use scan::ProcInfo;

/// Executable basenames of pod infrastructure processes.
pub const PAUSE_NAMES: &[&str] = crate::node::PAUSE_NAMES;

/// Container runtime helpers that appear briefly in a pod's PID namespace while a container starts
/// (`runc init`, which renames itself `runc:[2:INIT]`).
pub const RUNTIME_NAMES: &[&str] = &["runc", "crun", "youki", "runsc"];

/// How the user asked for the target.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Selector {
    /// Apply the discovery rules.
    #[default]
    Auto,
    /// `--pid PID`: always wins.
    Pid(i32),
    /// `--target NAME`: match comm, executable name or argv\[0\].
    Name(String),
    /// `--target NAMESPACE/POD[/CONTAINER]` in node mode: that container's main process.
    Pod {
        /// As given.
        spec: String,
        /// `--root DIR`, where the node's root is (default `/host`).
        root: Option<PathBuf>,
    },
}

/// Why a process is not a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// toolbox's own process.
    Toolbox,
    /// In toolbox's mount namespace: the debug container's processes (or the host's, when toolbox runs on the host).
    DebugContainer,
    /// A pod infrastructure process (`pause`, `catatonit`).
    Pause,
    /// A kernel thread.
    KernelThread,
    /// A container runtime helper starting a container.
    Runtime,
    /// toolbox running in another debug container.
    OtherToolbox,
}

impl SkipReason {
    /// A short human explanation.
    pub fn explain(self) -> &'static str {
        match self {
            SkipReason::Toolbox => "toolbox itself",
            SkipReason::DebugContainer => "in toolbox's own mount namespace (the debug container)",
            SkipReason::Pause => "pod infrastructure (pause) process",
            SkipReason::KernelThread => "kernel thread",
            SkipReason::Runtime => "container runtime starting a container",
            SkipReason::OtherToolbox => {
                "toolbox in another debug container, or a process it started"
            }
        }
    }
}

/// The role of a process, as `ps` marks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The chosen target.
    Target,
    /// In the target's container.
    TargetContainer,
    /// Pause/infra.
    Pause,
    /// toolbox or the debug container.
    Toolbox,
    /// Kernel thread.
    KernelThread,
    /// Another container's process.
    Other,
}

/// A process that could be the target, and the flag that selects it.
#[derive(Clone, Debug, Serialize)]
pub struct Candidate {
    /// PID.
    pub pid: i32,
    /// comm.
    pub comm: String,
    /// Full command line.
    pub command: String,
    /// `--target NAME` when that is unambiguous, else `--pid PID`.
    pub flag: String,
}

/// A skipped process and why.
#[derive(Clone, Debug, Serialize)]
pub struct Skipped {
    /// PID.
    pub pid: i32,
    /// comm.
    pub comm: String,
    /// Full command line.
    pub command: String,
    /// Why it is not a candidate.
    pub reason: SkipReason,
    /// The reason in words.
    pub why: &'static str,
}

/// The outcome of scanning `/proc`: every process classified.
#[derive(Clone, Debug)]
pub struct Scan {
    /// Every readable process, by PID.
    pub procs: Vec<ProcInfo>,
    /// Skipped processes with reasons.
    pub skipped: Vec<Skipped>,
    /// Candidate groups (containers), each a list of PIDs with the group's init first.
    pub groups: Vec<Vec<i32>>,
}

/// Group key: the best identity of "the same container" that could be read.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum GroupKey {
    Mnt(u64),
    Root(u64, u64),
    Cgroup(String),
    Alone(i32),
}

/// The group key of every candidate. A process whose mount namespace cannot be read (a
/// non-dumpable nginx worker, without CAP_SYS_PTRACE) joins its parent's group when the parent is
/// a candidate: a child shares its parent's container unless it is known to differ.
fn group_keys(candidates: &[&ProcInfo]) -> HashMap<i32, GroupKey> {
    let by_pid: HashMap<i32, &ProcInfo> = candidates.iter().map(|p| (p.pid, *p)).collect();
    let mut keys = HashMap::new();
    for p in candidates {
        // Walk up through parents with unreadable namespaces (bounded: PID reuse cannot loop us).
        let mut cur = *p;
        for _ in 0..64 {
            match by_pid.get(&cur.ppid) {
                Some(parent) if cur.mnt_ns.is_none() && cur.ppid != cur.pid => cur = parent,
                _ => break,
            }
        }
        keys.insert(p.pid, own_key(cur));
    }
    keys
}

fn own_key(p: &ProcInfo) -> GroupKey {
    if let Some(m) = p.mnt_ns {
        GroupKey::Mnt(m)
    } else if let Some((d, i)) = p.root_id {
        GroupKey::Root(d, i)
    } else if let Some(c) = &p.cgroup {
        GroupKey::Cgroup(c.clone())
    } else {
        GroupKey::Alone(p.pid)
    }
}

impl Scan {
    /// Scan `/proc` and classify every process.
    pub fn new() -> Result<Scan, TargetError> {
        let procs = scan::all_processes().map_err(TargetError::Proc)?;
        Ok(Self::classify(procs))
    }

    /// Classify an already-read process list (exposed for tests and `ps`).
    pub fn classify(procs: Vec<ProcInfo>) -> Scan {
        let me = std::process::id() as i32;
        let my_mnt = scan::ns_inode("/proc/self/ns/mnt");
        let my_root = {
            use std::os::unix::fs::MetadataExt;
            std::fs::metadata("/proc/self/root")
                .ok()
                .map(|m| (m.dev(), m.ino()))
        };
        let my_exe = std::env::current_exe()
            .ok()
            .and_then(|e| e.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "toolbox".into());
        let my_cgroup = procs
            .iter()
            .find(|p| p.pid == me)
            .and_then(|p| p.cgroup.clone());
        let is_toolbox = |p: &ProcInfo| p.exe_name() == my_exe || p.exe_name() == "toolbox";
        // Processes a toolbox started (`toolbox trace -- CMD`, `toolbox exec`) are not the app.
        let parent: HashMap<i32, i32> = procs.iter().map(|p| (p.pid, p.ppid)).collect();
        let toolboxes: HashSet<i32> = procs
            .iter()
            .filter(|p| is_toolbox(p))
            .map(|p| p.pid)
            .collect();
        let started_by_toolbox = |p: &ProcInfo| {
            let mut cur = p.ppid;
            for _ in 0..64 {
                if toolboxes.contains(&cur) {
                    return true;
                }
                match parent.get(&cur) {
                    Some(&pp) if pp != cur && cur > 1 => cur = pp,
                    _ => return false,
                }
            }
            false
        };
        let mut skipped = Vec::new();
        let mut candidates: Vec<&ProcInfo> = Vec::new();
        for p in &procs {
            let reason = if p.pid == me {
                Some(SkipReason::Toolbox)
            } else if p.kernel_thread {
                Some(SkipReason::KernelThread)
            } else if PAUSE_NAMES.contains(&p.exe_name().as_str()) {
                Some(SkipReason::Pause)
            } else if in_own_container(p, my_mnt, my_root, my_cgroup.as_deref()) {
                Some(SkipReason::DebugContainer)
            } else if RUNTIME_NAMES.contains(&p.exe_name().as_str()) || p.comm.starts_with("runc:[")
            {
                Some(SkipReason::Runtime)
            } else if is_toolbox(p) || started_by_toolbox(p) {
                Some(SkipReason::OtherToolbox)
            } else {
                None
            };
            match reason {
                Some(reason) => skipped.push(Skipped {
                    pid: p.pid,
                    comm: p.comm.clone(),
                    command: p.command(),
                    reason,
                    why: reason.explain(),
                }),
                None => candidates.push(p),
            }
        }
        let keys = group_keys(&candidates);
        let mut by_key: BTreeMap<GroupKey, Vec<&ProcInfo>> = BTreeMap::new();
        for p in candidates {
            by_key.entry(keys[&p.pid].clone()).or_default().push(p);
        }
        let mut groups: Vec<Vec<i32>> = by_key
            .into_values()
            .map(|members| {
                let pids: HashSet<i32> = members.iter().map(|p| p.pid).collect();
                let init = members
                    .iter()
                    .filter(|p| !pids.contains(&p.ppid) || p.ppid <= 1)
                    .min_by_key(|p| (p.start_ticks, p.pid))
                    .or_else(|| members.iter().min_by_key(|p| (p.start_ticks, p.pid)))
                    .map(|p| p.pid)
                    .unwrap_or_default();
                let mut list = vec![init];
                list.extend(members.iter().map(|p| p.pid).filter(|&pid| pid != init));
                list
            })
            .collect();
        groups.sort_by_key(|g| g[0]);
        Scan {
            procs,
            skipped,
            groups,
        }
    }

    /// Look a process up by PID.
    pub fn get(&self, pid: i32) -> Option<&ProcInfo> {
        self.procs
            .binary_search_by_key(&pid, |p| p.pid)
            .ok()
            .map(|i| &self.procs[i])
    }

    /// The group (container) a PID belongs to, init first; `None` for skipped processes.
    pub fn group_of(&self, pid: i32) -> Option<&[i32]> {
        self.groups
            .iter()
            .find(|g| g.contains(&pid))
            .map(Vec::as_slice)
    }

    /// The role of `pid` given the chosen target.
    pub fn role(&self, pid: i32, target: Option<i32>) -> Role {
        if let Some(s) = self.skipped.iter().find(|s| s.pid == pid) {
            return match s.reason {
                SkipReason::Toolbox | SkipReason::DebugContainer | SkipReason::OtherToolbox => {
                    Role::Toolbox
                }
                SkipReason::Runtime => Role::Other,
                SkipReason::Pause => Role::Pause,
                SkipReason::KernelThread => Role::KernelThread,
            };
        }
        match target {
            Some(t) if t == pid => Role::Target,
            Some(t) if self.group_of(t).is_some_and(|g| g.contains(&pid)) => Role::TargetContainer,
            _ => Role::Other,
        }
    }

    fn candidates(&self, inits: &[i32]) -> Vec<Candidate> {
        let infos: Vec<&ProcInfo> = inits.iter().filter_map(|&p| self.get(p)).collect();
        infos
            .iter()
            .map(|p| {
                let unique = infos.iter().filter(|q| q.comm == p.comm).count() == 1;
                Candidate {
                    pid: p.pid,
                    comm: p.comm.clone(),
                    command: p.command(),
                    // Only a comm that can be typed as it prints: no spaces, no control
                    // characters (an escape sequence in comm would reach the terminal here).
                    flag: if unique
                        && !p.comm.is_empty()
                        && !p
                            .comm
                            .contains(|c: char| c.is_whitespace() || c.is_control())
                    {
                        format!("--target {}", p.comm)
                    } else {
                        format!("--pid {}", p.pid)
                    },
                }
            })
            .collect()
    }

    /// Choose the target according to `sel`.
    pub fn choose(&self, sel: &Selector) -> Result<Choice, TargetError> {
        match sel {
            Selector::Pid(pid) => {
                if self.get(*pid).is_none() {
                    return Err(hidden_or_missing(*pid));
                }
                let all = || self.candidates(&self.groups.iter().map(|g| g[0]).collect::<Vec<_>>());
                match PidKind::read(*pid) {
                    PidKind::Process => {}
                    PidKind::KernelThread { comm } => {
                        return Err(TargetError::KernelThread { pid: *pid, comm, candidates: all() })
                    }
                    PidKind::Zombie { comm, parent } => {
                        return Err(TargetError::Zombie {
                            pid: *pid,
                            comm,
                            parent,
                            candidates: all(),
                        })
                    }
                }
                Ok(Choice { pid: *pid, how: format!("selected with --pid {pid}") })
            }
            Selector::Name(name) => {
                let mut inits: Vec<i32> = Vec::new();
                for g in &self.groups {
                    let hit = g.iter().filter_map(|&p| self.get(p)).any(|p| matches_name(p, name));
                    if hit {
                        inits.push(g[0]);
                    }
                }
                match inits.len() {
                    0 => Err(TargetError::NoMatch {
                        name: name.clone(),
                        candidates: self.candidates(&self.groups.iter().map(|g| g[0]).collect::<Vec<_>>()),
                    }),
                    1 => Ok(Choice {
                        pid: inits[0],
                        how: format!("--target {name} matches this container; this is its main process (its parent is outside the container)"),
                    }),
                    _ => Err(TargetError::Ambiguous(self.candidates(&inits))),
                }
            }
            Selector::Pod { spec, root } => {
                let r = crate::node::PodRef::parse(spec)
                    .ok_or_else(|| TargetError::BadPod(spec.clone()))?;
                let node = match crate::node::Node::detect(root.as_deref()) {
                    Some(n) => n,
                    None => {
                        return Err(TargetError::NotNode {
                            spec: spec.clone(),
                            why: if crate::node::host_pid_namespace() {
                                "no var/log/pods under the node root"
                            } else {
                                "toolbox does not see the host's PID namespace"
                            },
                        })
                    }
                };
                let all = crate::node::containers(&node)?;
                match crate::node::pick(&all, &r) {
                    crate::node::Pick::Found(pid) => Ok(Choice {
                        pid,
                        how: format!(
                            "--target {}: the main process of the container (its cgroup is the container's, its parent is outside it)",
                            crate::output::sanitize(spec)
                        ),
                    }),
                    crate::node::Pick::NoPod(pods) => Err(TargetError::NoPod {
                        spec: spec.clone(),
                        pods,
                    }),
                    crate::node::Pick::NoContainer(containers) => Err(TargetError::PodContainer {
                        spec: spec.clone(),
                        containers,
                        several: false,
                    }),
                    crate::node::Pick::Several(containers) => Err(TargetError::PodContainer {
                        spec: spec.clone(),
                        containers,
                        several: true,
                    }),
                }
            }
            Selector::Auto => match self.groups.len() {
                0 => Err(TargetError::NothingVisible {
                    pause_seen: self.skipped.iter().any(|s| s.reason == SkipReason::Pause),
                }),
                1 => Ok(Choice {
                    pid: self.groups[0][0],
                    how: "the only application container visible; this is its main process (its parent is outside the container)".into(),
                }),
                _ => Err(TargetError::Ambiguous(
                    self.candidates(&self.groups.iter().map(|g| g[0]).collect::<Vec<_>>()),
                )),
            },
        }
    }
}

/// Why `pid` is not in the scan: it does not exist, or the kernel refuses to show it (then the
/// error names the capability and the fix).
fn hidden_or_missing(pid: i32) -> TargetError {
    let Err(err) = std::fs::read(format!("/proc/{pid}/stat")) else {
        return TargetError::NoSuchPid(pid);
    };
    let ctx = crate::caps::Context::read();
    let subject = crate::caps::Subject::read(pid);
    let what = format!("cannot read PID {pid}");
    match crate::caps::denied(&ctx, crate::caps::Feature::Ps, Some(&subject), &what, &err) {
        Some(d) => TargetError::Denied(d),
        None => TargetError::NoSuchPid(pid),
    }
}

fn in_own_container(
    p: &ProcInfo,
    mnt: Option<u64>,
    root: Option<(u64, u64)>,
    cgroup: Option<&str>,
) -> bool {
    if let (Some(a), Some(b)) = (p.mnt_ns, mnt) {
        return a == b;
    }
    if let (Some(a), Some(b)) = (p.root_id, root) {
        return a == b;
    }
    matches!((p.cgroup.as_deref(), cgroup), (Some(a), Some(b)) if a == b)
}

/// `--target NAME` matches comm, the executable's basename or argv\[0\]'s basename.
fn matches_name(p: &ProcInfo, name: &str) -> bool {
    p.comm == name
        || p.exe_name() == name
        || p.cmdline
            .first()
            .and_then(|a| a.rsplit('/').next())
            .is_some_and(|b| b == name)
}

/// The chosen target PID and the reason in words.
#[derive(Clone, Debug, Serialize)]
pub struct Choice {
    /// PID of the target.
    pub pid: i32,
    /// Why this process.
    pub how: String,
}

/// A namespace and whether toolbox shares it with the target.
#[derive(Clone, Debug, Serialize)]
pub struct NsShare {
    /// Namespace type (`pid`, `net`, …).
    pub ns: &'static str,
    /// `Some(true)` shared, `Some(false)` separate, `None` unreadable.
    pub shared: Option<bool>,
}

/// Namespace types reported.
pub const NAMESPACES: &[&str] = &["pid", "net", "ipc", "uts", "mnt", "cgroup", "user", "time"];

/// Which namespaces `pid` shares with toolbox.
pub fn shared_namespaces(pid: i32) -> Vec<NsShare> {
    NAMESPACES
        .iter()
        .map(|&ns| {
            let mine = scan::ns_inode(&format!("/proc/self/ns/{ns}"));
            let theirs = scan::ns_inode(&format!("/proc/{pid}/ns/{ns}"));
            NsShare {
                ns,
                shared: match (mine, theirs) {
                    (Some(a), Some(b)) => Some(a == b),
                    _ => None,
                },
            }
        })
        .collect()
}

/// A member of the target's container, with its user resolved from the target's passwd.
#[derive(Clone, Debug, Serialize)]
pub struct Member {
    /// PID.
    pub pid: i32,
    /// Parent PID.
    pub ppid: i32,
    /// Real UID.
    pub uid: u32,
    /// User name from the target's /etc/passwd, else the number.
    pub user: String,
    /// Command line.
    pub command: String,
}

/// Everything `toolbox target` reports.
#[derive(Clone, Debug, Serialize)]
pub struct Target {
    /// PID of the target.
    pub pid: i32,
    /// comm.
    pub comm: String,
    /// Command line.
    pub command: String,
    /// Executable path (inside the target's root), when readable.
    pub exe: Option<PathBuf>,
    /// Real UID.
    pub uid: u32,
    /// User name from the target's own /etc/passwd, else the number.
    pub user: String,
    /// The target's root as toolbox reaches it.
    pub root: PathBuf,
    /// Whether that root could be opened (needs the same access as reading /proc/PID/root).
    pub root_readable: bool,
    /// Why this process was chosen.
    pub how: String,
    /// Namespaces shared with toolbox.
    pub namespaces: Vec<NsShare>,
    /// Processes of the target's container, the target first.
    pub members: Vec<Member>,
    /// Every process that was not a candidate, and why.
    pub skipped: Vec<Skipped>,
}

impl Target {
    /// Discover the target: scan `/proc`, apply the rules, gather the report.
    pub fn discover(sel: &Selector) -> Result<Target, TargetError> {
        let scan = Scan::new()?;
        let choice = scan.choose(sel)?;
        Ok(Self::from_scan(&scan, choice))
    }

    /// Build the report for an already made choice.
    pub fn from_scan(scan: &Scan, choice: Choice) -> Target {
        let pid = choice.pid;
        let info = scan.get(pid).cloned().unwrap_or_else(|| ProcInfo {
            pid,
            ppid: 0,
            comm: String::new(),
            cmdline: Vec::new(),
            exe: None,
            uid: u32::MAX,
            start_ticks: 0,
            kernel_thread: false,
            mnt_ns: None,
            root_id: None,
            cgroup: None,
        });
        let root = Root::Process(pid);
        let root_fd = root.open();
        let accounts = match &root_fd {
            Ok(fd) => {
                use std::os::fd::AsFd;
                Accounts::load(fd.as_fd())
            }
            Err(_) => Accounts::default(),
        };
        let group: Vec<i32> = scan
            .group_of(pid)
            .map(<[i32]>::to_vec)
            .unwrap_or_else(|| vec![pid]);
        let mut members: Vec<Member> = group
            .iter()
            .filter_map(|&p| scan.get(p))
            .map(|p| Member {
                pid: p.pid,
                ppid: p.ppid,
                uid: p.uid,
                user: accounts.users.display(p.uid),
                command: p.command(),
            })
            .collect();
        members.sort_by_key(|m| (m.pid != pid, m.pid));
        Target {
            pid,
            comm: info.comm.clone(),
            command: info.command(),
            exe: info.exe.clone(),
            uid: info.uid,
            user: accounts.users.display(info.uid),
            root: root.path(),
            root_readable: root_fd.is_ok(),
            how: choice.how,
            namespaces: shared_namespaces(pid),
            members,
            skipped: scan.skipped.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pid: i32, ppid: i32, comm: &str, mnt: u64) -> ProcInfo {
        ProcInfo {
            pid,
            ppid,
            comm: comm.into(),
            cmdline: vec![format!("/usr/sbin/{comm}")],
            exe: Some(format!("/usr/sbin/{comm}").into()),
            uid: 0,
            start_ticks: pid as u64,
            kernel_thread: false,
            mnt_ns: Some(mnt),
            root_id: None,
            cgroup: None,
        }
    }

    #[test]
    fn pause_is_skipped_and_init_is_target() {
        let mut pause = p(1, 0, "catatonit", 10);
        pause.exe = Some("/usr/libexec/podman/catatonit".into());
        let scan = Scan::classify(vec![pause, p(7, 0, "nginx", 20), p(13, 7, "nginx", 20)]);
        assert!(scan
            .skipped
            .iter()
            .any(|s| s.pid == 1 && s.reason == SkipReason::Pause));
        assert_eq!(scan.choose(&Selector::Auto).unwrap().pid, 7);
        assert_eq!(scan.choose(&Selector::Name("nginx".into())).unwrap().pid, 7);
        assert_eq!(scan.role(13, Some(7)), Role::TargetContainer);
        assert_eq!(scan.role(1, Some(7)), Role::Pause);
    }

    #[test]
    fn runtime_helpers_and_other_toolboxes_are_skipped() {
        let mut init = p(30, 0, "runc:[2:INIT]", 40);
        init.exe = Some("/usr/bin/runc".into());
        let other = p(31, 0, "toolbox", 50);
        let traced = p(32, 31, "dd", 50);
        let scan = Scan::classify(vec![p(7, 0, "nginx", 20), init, other, traced]);
        assert_eq!(scan.choose(&Selector::Auto).unwrap().pid, 7);
        let reason = |pid| scan.skipped.iter().find(|s| s.pid == pid).map(|s| s.reason);
        assert_eq!(reason(30), Some(SkipReason::Runtime));
        assert_eq!(reason(31), Some(SkipReason::OtherToolbox));
        assert_eq!(reason(32), Some(SkipReason::OtherToolbox));
    }

    #[test]
    fn unreadable_child_joins_its_parents_container() {
        let mut worker = p(13, 7, "nginx", 0);
        worker.mnt_ns = None;
        worker.cgroup = Some("/other".into());
        let scan = Scan::classify(vec![p(7, 0, "nginx", 20), worker]);
        assert_eq!(scan.groups, vec![vec![7, 13]]);
        assert_eq!(scan.choose(&Selector::Auto).unwrap().pid, 7);
    }

    #[test]
    fn hostile_comm_is_never_printed_raw_in_the_candidate_list() {
        let scan = Scan::classify(vec![p(7, 0, "nginx", 20), p(9, 0, "x\x1b[2Jy", 30)]);
        let msg = scan.choose(&Selector::Auto).unwrap_err().to_string();
        assert!(!msg.contains('\x1b'), "{msg:?}");
        assert!(msg.contains("select with: --pid 9"), "{msg}");
        assert!(msg.contains("select with: --target nginx"), "{msg}");
    }

    #[test]
    fn two_containers_are_ambiguous() {
        let scan = Scan::classify(vec![p(7, 0, "nginx", 20), p(9, 0, "redis", 30)]);
        let err = scan.choose(&Selector::Auto).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let msg = err.to_string();
        assert!(
            msg.contains("--target nginx") && msg.contains("--target redis"),
            "{msg}"
        );
        assert_eq!(scan.choose(&Selector::Name("redis".into())).unwrap().pid, 9);
        assert!(matches!(
            scan.choose(&Selector::Pid(424242)),
            Err(TargetError::NoSuchPid(424242))
        ));
    }
}
