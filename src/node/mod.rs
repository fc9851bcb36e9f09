//! Node mode (`kubectl debug node/NODE`): the node's pods and containers without the CRI socket.
//!
//! Running containers are found from `/proc/*/cgroup` (kubelet's cgroup layout, see [`cgroup`]);
//! names come from the node's log tree, `<root>/var/log/pods/<ns>_<pod>_<uid>/<container>/N.log`.
//! A container ID is tied to its log directory by kubelet's links
//! `<root>/var/log/containers/<pod>_<ns>_<container>-<ID>.log`, or by the command line of the
//! container's conmon (`-c ID … -l k8s-file:PATH` under podman, `--log-path PATH` under CRI-O).
//! A log directory with no running container is a container that exited (logs only).

pub mod cgroup;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use cgroup::Qos;

/// Executable basenames of pod infrastructure processes (`pause` under containerd and CRI-O,
/// `catatonit` under podman); target discovery skips them too.
pub const PAUSE_NAMES: &[&str] = &["pause", "catatonit"];

/// Where `kubectl debug node/…` mounts the node's root.
pub const DEFAULT_ROOT: &str = "/host";

/// Errors of node mode.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// `/proc` could not be listed.
    #[error("cannot list /proc: {0}")]
    Proc(#[source] std::io::Error),
    /// The node's log tree could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Logs {
        /// The directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// toolbox in node mode: the host's PID namespace and the node's root at [`Node::root`].
#[derive(Clone, Debug, Serialize)]
pub struct Node {
    /// The node's root as toolbox reaches it (`/host`, or `--root DIR`).
    pub root: PathBuf,
}

impl Node {
    /// Node mode applies when toolbox sees the host's PID namespace and a node root (`--root DIR`,
    /// else `/host`) that holds `var/log/pods`.
    pub fn detect(explicit_root: Option<&Path>) -> Option<Node> {
        if !host_pid_namespace() {
            return None;
        }
        let root = explicit_root
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_ROOT));
        root.join("var/log/pods").is_dir().then_some(Node { root })
    }
}

/// Whether toolbox's PID namespace is the host's: only there are kernel threads visible
/// (kthreadd is PID 2 with parent 0). See: pid_namespaces(7).
pub fn host_pid_namespace() -> bool {
    std::fs::read_to_string("/proc/2/stat")
        .ok()
        .and_then(|s| {
            let (_, rest) = s.rsplit_once(") ")?;
            let ppid = rest.split_whitespace().nth(1)?;
            Some(s.contains("(kthreadd)") && ppid == "0")
        })
        .unwrap_or(false)
}

/// Whether a container is running or only its logs are left.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// A process of it is alive.
    Running,
    /// Only its log directory is left (it exited, or it is an init container that finished).
    Exited,
}

/// One container on the node.
#[derive(Clone, Debug, Serialize)]
pub struct Container {
    /// Namespace, from the log directory; `None` when the pod has none.
    pub namespace: Option<String>,
    /// Pod name, from the log directory.
    pub pod: Option<String>,
    /// Pod UID (from the cgroup or the log directory).
    pub pod_uid: String,
    /// Container name, from the log directory.
    pub container: Option<String>,
    /// Runtime container ID (64 hex digits), when running.
    pub id: Option<String>,
    /// Main process, when running.
    pub pid: Option<i32>,
    /// Running, or logs only.
    pub state: State,
    /// Restarts: the highest N of the log directory's `N.log`.
    pub restarts: Option<u32>,
    /// QoS class from the cgroup path.
    pub qos: Option<Qos>,
    /// Memory limit in bytes (None: unlimited or unknown).
    pub memory_limit: Option<u64>,
    /// CPU limit in CPUs (quota / period).
    pub cpu_limit: Option<f64>,
    /// The container's log directory, as toolbox reaches it.
    pub log_dir: Option<PathBuf>,
}

impl Container {
    /// `NAMESPACE/POD/CONTAINER` with `?` for what is unknown.
    pub fn path(&self) -> String {
        format!(
            "{}/{}/{}",
            self.namespace.as_deref().unwrap_or("?"),
            self.pod.as_deref().unwrap_or(&self.pod_uid),
            self.container.as_deref().unwrap_or("?")
        )
    }
}

/// A conmon's container ID and log path.
type ConmonLog = (String, String);

/// A process that sits in a container cgroup.
#[derive(Clone, Debug)]
struct Member {
    pid: i32,
    ppid: i32,
    start: u64,
    qos: Qos,
    pod_uid: String,
    id: String,
    pause: bool,
    /// `/proc/PID/cgroup`, kept to read the limits.
    cgroup: String,
}

/// A pod log directory `<ns>_<pod>_<uid>` split; namespaces and pod names cannot hold `_`.
pub fn parse_pod_dir(name: &str) -> Option<(String, String, String)> {
    let mut it = name.splitn(3, '_');
    let ns = it.next()?;
    let pod = it.next()?;
    let uid = it.next()?;
    (!ns.is_empty() && !pod.is_empty() && !uid.is_empty() && !uid.contains('_'))
        .then(|| (ns.into(), pod.into(), uid.into()))
}

/// From a log file path `…/<ns>_<pod>_<uid>/<container>/N.log`: the pod directory's name and the
/// container's.
fn log_owner(path: &str) -> Option<(String, String)> {
    let mut it = path.rsplit('/');
    let _file = it.next()?;
    let ctr = it.next()?;
    let pod = it.next()?;
    parse_pod_dir(pod)?;
    Some((pod.to_string(), ctr.to_string()))
}

/// kubelet's link name `<pod>_<ns>_<container>-<ID>.log`: the container ID.
fn link_id(name: &str) -> Option<String> {
    let stem = name.strip_suffix(".log")?;
    let (_, id) = stem.rsplit_once('-')?;
    (id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit())).then(|| id.to_string())
}

/// From a conmon command line: its container ID and log path.
pub fn conmon_log(args: &[String]) -> Option<(String, String)> {
    let mut id = None;
    let mut log = None;
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "-c" | "--cid" => id = it.next().cloned(),
            "-l" | "--log-path" => {
                log = it.next().map(|p| {
                    let p = p.strip_prefix("k8s-file:").unwrap_or(p);
                    p.to_string()
                })
            }
            _ => {
                if let Some(v) = a.strip_prefix("--log-path=") {
                    log = Some(v.strip_prefix("k8s-file:").unwrap_or(v).to_string());
                } else if let Some(v) = a.strip_prefix("--cid=") {
                    id = Some(v.to_string());
                }
            }
        }
    }
    Some((id?, log?))
}

/// The highest N among a log directory's `N.log` files.
fn restarts(dir: &Path) -> Option<u32> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name();
            let n = name.to_str()?.strip_suffix(".log")?;
            n.parse::<u32>().ok()
        })
        .max()
}

/// Every container of the node, pods sorted by namespace and name.
pub fn containers(node: &Node) -> Result<Vec<Container>, NodeError> {
    let (members, conmons) = scan_proc()?;
    // Running containers by ID: main PID is the member whose parent is outside the container.
    let mut by_id: BTreeMap<String, Vec<&Member>> = BTreeMap::new();
    for m in &members {
        by_id.entry(m.id.clone()).or_default().push(m);
    }
    // ID -> (pod dir, container) from kubelet's links, then from conmon.
    let mut names: HashMap<String, (String, String)> = HashMap::new();
    let links = node.root.join("var/log/containers");
    if let Ok(rd) = std::fs::read_dir(&links) {
        for e in rd.filter_map(Result::ok) {
            let Some(id) = e.file_name().to_str().and_then(link_id) else {
                continue;
            };
            let Ok(target) = std::fs::read_link(e.path()) else {
                continue;
            };
            if let Some(owner) = target.to_str().and_then(log_owner) {
                names.insert(id, owner);
            }
        }
    }
    for (id, log) in conmons {
        if let Some(owner) = log_owner(&log) {
            names.entry(id).or_insert(owner);
        }
    }
    let pods_dir = node.root.join("var/log/pods");
    let mut out = Vec::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for (id, ms) in &by_id {
        let ids: HashSet<i32> = ms.iter().map(|m| m.pid).collect();
        let Some(main) = ms
            .iter()
            .filter(|m| !ids.contains(&m.ppid))
            .min_by_key(|m| (m.start, m.pid))
            .or_else(|| ms.iter().min_by_key(|m| (m.start, m.pid)))
        else {
            continue;
        };
        // The pod's infra container (pause) is no container of the pod spec.
        if main.pause && !names.contains_key(id) {
            continue;
        }
        let owner = names.get(id);
        let (namespace, pod, container, log_dir) = match owner {
            Some((dir, ctr)) => {
                seen.insert((dir.clone(), ctr.clone()));
                let (ns, pod, _) = parse_pod_dir(dir).unwrap_or_default();
                (
                    Some(ns),
                    Some(pod),
                    Some(ctr.clone()),
                    Some(pods_dir.join(dir).join(ctr)),
                )
            }
            None => (None, None, None, None),
        };
        let (memory_limit, cpu_limit) = limits(&node.root, main);
        out.push(Container {
            namespace,
            pod,
            pod_uid: main.pod_uid.clone(),
            container,
            id: Some(id.clone()),
            pid: Some(main.pid),
            state: State::Running,
            restarts: log_dir.as_deref().and_then(restarts),
            qos: Some(main.qos),
            memory_limit,
            cpu_limit,
            log_dir,
        });
    }
    // A running container without a name still belongs to a pod whose log directory names it.
    let qos_of: HashMap<String, Qos> = members.iter().map(|m| (m.pod_uid.clone(), m.qos)).collect();
    let rd = match std::fs::read_dir(&pods_dir) {
        Ok(rd) => rd,
        Err(source) => {
            return Err(NodeError::Logs {
                path: pods_dir,
                source,
            })
        }
    };
    let mut pod_dirs: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    for e in rd.filter_map(Result::ok) {
        if let Some(name) = e.file_name().to_str() {
            if let Some(parts) = parse_pod_dir(name) {
                pod_dirs.insert(name.to_string(), parts);
            }
        }
    }
    for c in out.iter_mut().filter(|c| c.namespace.is_none()) {
        if let Some((ns, pod, _)) = pod_dirs.values().find(|(_, _, uid)| *uid == c.pod_uid) {
            c.namespace = Some(ns.clone());
            c.pod = Some(pod.clone());
        }
    }
    for (dir, (ns, pod, uid)) in &pod_dirs {
        let Ok(rd) = std::fs::read_dir(pods_dir.join(dir)) else {
            continue;
        };
        let mut ctrs: Vec<String> = rd
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .collect();
        ctrs.sort();
        for ctr in ctrs {
            if seen.contains(&(dir.clone(), ctr.clone())) {
                continue;
            }
            let log_dir = pods_dir.join(dir).join(&ctr);
            out.push(Container {
                namespace: Some(ns.clone()),
                pod: Some(pod.clone()),
                pod_uid: uid.clone(),
                container: Some(ctr),
                id: None,
                pid: None,
                state: State::Exited,
                restarts: restarts(&log_dir),
                qos: qos_of.get(uid).copied(),
                memory_limit: None,
                cpu_limit: None,
                log_dir: Some(log_dir),
            });
        }
    }
    out.sort_by(|a, b| {
        (&a.namespace, &a.pod, &a.container, a.pid).cmp(&(
            &b.namespace,
            &b.pod,
            &b.container,
            b.pid,
        ))
    });
    Ok(out)
}

/// Processes in container cgroups, and what conmon processes say about their containers.
fn scan_proc() -> Result<(Vec<Member>, Vec<ConmonLog>), NodeError> {
    let mut members = Vec::new();
    let mut conmons = Vec::new();
    let rd = std::fs::read_dir("/proc").map_err(NodeError::Proc)?;
    for e in rd.filter_map(Result::ok) {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/cgroup")) else {
            continue;
        };
        let Some(place) = text
            .lines()
            .filter_map(|l| l.splitn(3, ':').nth(2))
            .find_map(cgroup::parse)
        else {
            continue;
        };
        let Ok(stat) = procfs::process::Process::new(pid).and_then(|p| p.stat()) else {
            continue;
        };
        let Some(id) = place.container_id else {
            continue;
        };
        let exe = std::fs::read_link(format!("/proc/{pid}/exe"))
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| stat.comm.clone());
        members.push(Member {
            pid,
            ppid: stat.ppid,
            start: stat.starttime,
            qos: place.qos,
            pod_uid: place.pod_uid,
            id,
            pause: PAUSE_NAMES.contains(&exe.as_str()),
            cgroup: text,
        });
    }
    // conmon runs outside the container cgroups on some nodes: look at every conmon.
    if let Ok(rd) = std::fs::read_dir("/proc") {
        for e in rd.filter_map(Result::ok) {
            let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
                continue;
            };
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            if comm.trim_end() != "conmon" {
                continue;
            }
            let args = procfs::process::Process::new(pid)
                .and_then(|p| p.cmdline())
                .unwrap_or_default();
            if let Some(c) = conmon_log(&args) {
                if !conmons.contains(&c) {
                    conmons.push(c);
                }
            }
        }
    }
    Ok((members, conmons))
}

/// Memory and CPU limits of a container's cgroup, read from the node's cgroup mounts under its
/// root, else from toolbox's own `/sys/fs/cgroup` (the same tree on the host or with the host's
/// cgroup namespace): v1 `memory.limit_in_bytes`, `cpu.cfs_quota_us`/`cpu.cfs_period_us`; v2
/// `memory.max`, `cpu.max`. See: cgroups(7).
fn limits(root: &Path, m: &Member) -> (Option<u64>, Option<f64>) {
    let path_of = |want: &str| -> Option<String> {
        m.cgroup.lines().find_map(|l| {
            let mut it = l.splitn(3, ':');
            let _ = it.next()?;
            let ctrls = it.next()?;
            let path = it.next()?;
            let hit = if want.is_empty() {
                ctrls.is_empty()
            } else {
                ctrls.split(',').any(|c| c == want)
            };
            // Paths seen from a cgroup namespace start with `/..`: kubelet's tree starts at kubepods.
            let at = path.find("/kubepods")?;
            hit.then(|| path[at + 1..].to_string())
        })
    };
    let read = |p: PathBuf| -> Option<String> {
        std::fs::read_to_string(p)
            .ok()
            .map(|s| s.trim().to_string())
    };
    let mut bases = vec![root.join("sys/fs/cgroup")];
    if root != Path::new("/") {
        bases.push(PathBuf::from("/sys/fs/cgroup"));
    }
    let (v1_mem, v1_cpu, v2) = (path_of("memory"), path_of("cpu"), path_of(""));
    for cg in &bases {
        // cgroup v1 (also hybrid hosts: the controllers are v1 there).
        if let Some(p) = &v1_mem {
            if let Some(v) = read(cg.join("memory").join(p).join("memory.limit_in_bytes")) {
                let mem = v.parse::<u64>().ok().filter(|&l| l < V1_UNLIMITED);
                let cpu = v1_cpu.as_ref().and_then(|p| {
                    let d = cg.join("cpu").join(p);
                    let q: i64 = read(d.join("cpu.cfs_quota_us"))?.parse().ok()?;
                    let per: u64 = read(d.join("cpu.cfs_period_us"))?.parse().ok()?;
                    (q > 0 && per > 0).then(|| q as f64 / per as f64)
                });
                return (mem, cpu);
            }
        }
        // cgroup v2, mounted at /sys/fs/cgroup or (hybrid) /sys/fs/cgroup/unified.
        if let Some(p) = &v2 {
            for base in [cg.clone(), cg.join("unified")] {
                let d = base.join(p);
                if let Some(v) = read(d.join("memory.max")) {
                    let cpu = read(d.join("cpu.max")).and_then(|c| parse_cpu_max(&c));
                    return (v.parse().ok(), cpu);
                }
            }
        }
    }
    (None, None)
}

/// Above this a v1 memory limit means "no limit" (`PAGE_COUNTER_MAX` pages).
const V1_UNLIMITED: u64 = 1 << 62;

/// `cpu.max` (`QUOTA PERIOD`, QUOTA `max` when unlimited) as CPUs.
fn parse_cpu_max(s: &str) -> Option<f64> {
    let mut it = s.split_whitespace();
    let q: u64 = it.next()?.parse().ok()?;
    let per: u64 = it.next()?.parse().ok()?;
    (per > 0).then(|| q as f64 / per as f64)
}

/// `NAMESPACE/POD[/CONTAINER]` as `--target` takes it in node mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodRef {
    /// Namespace.
    pub namespace: String,
    /// Pod name.
    pub pod: String,
    /// Container name, when given.
    pub container: Option<String>,
}

impl PodRef {
    /// Parse `NS/POD` or `NS/POD/CONTAINER`; `None` for anything else.
    pub fn parse(s: &str) -> Option<PodRef> {
        let parts: Vec<&str> = s.split('/').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return None;
        }
        match parts.as_slice() {
            [ns, pod] => Some(PodRef {
                namespace: ns.to_string(),
                pod: pod.to_string(),
                container: None,
            }),
            [ns, pod, c] => Some(PodRef {
                namespace: ns.to_string(),
                pod: pod.to_string(),
                container: Some(c.to_string()),
            }),
            _ => None,
        }
    }
}

impl std::fmt::Display for PodRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.namespace, self.pod)?;
        if let Some(c) = &self.container {
            write!(f, "/{c}")?;
        }
        Ok(())
    }
}

/// Why `--target NS/POD[/CONTAINER]` chose nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pick {
    /// The running container's main PID.
    Found(i32),
    /// No such pod; the pods there are (`NS/POD`).
    NoPod(Vec<String>),
    /// The pod has no such running container; its containers (`NS/POD/CTR (state)`).
    NoContainer(Vec<String>),
    /// The pod has several running containers and none was named; they are listed.
    Several(Vec<String>),
}

/// Choose the container `r` names among `all`.
pub fn pick(all: &[Container], r: &PodRef) -> Pick {
    let in_pod: Vec<&Container> = all
        .iter()
        .filter(|c| {
            c.namespace.as_deref() == Some(r.namespace.as_str())
                && c.pod.as_deref() == Some(r.pod.as_str())
        })
        .collect();
    let listed = |cs: &[&Container]| -> Vec<String> {
        cs.iter()
            .map(|c| {
                format!(
                    "{} ({})",
                    c.path(),
                    match (c.state, c.pid) {
                        (State::Running, Some(p)) => format!("running, PID {p}"),
                        _ => "exited: logs only".into(),
                    }
                )
            })
            .collect()
    };
    if in_pod.is_empty() {
        let mut pods: Vec<String> = all
            .iter()
            .filter_map(|c| Some(format!("{}/{}", c.namespace.as_deref()?, c.pod.as_deref()?)))
            .collect();
        pods.dedup();
        return Pick::NoPod(pods);
    }
    let running: Vec<&Container> = in_pod
        .iter()
        .copied()
        .filter(|c| {
            c.state == State::Running
                && r.container
                    .as_deref()
                    .is_none_or(|want| c.container.as_deref() == Some(want))
        })
        .collect();
    match (running.as_slice(), &r.container) {
        ([one], _) => one
            .pid
            .map(Pick::Found)
            .unwrap_or_else(|| Pick::NoContainer(listed(&in_pod))),
        ([], _) => Pick::NoContainer(listed(&in_pod)),
        (_, Some(_)) | (_, None) => Pick::Several(listed(&running)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctr(ns: &str, pod: &str, name: &str, pid: Option<i32>) -> Container {
        Container {
            namespace: Some(ns.into()),
            pod: Some(pod.into()),
            pod_uid: "u".into(),
            container: Some(name.into()),
            id: None,
            pid,
            state: if pid.is_some() {
                State::Running
            } else {
                State::Exited
            },
            restarts: Some(0),
            qos: None,
            memory_limit: None,
            cpu_limit: None,
            log_dir: None,
        }
    }

    #[test]
    fn pod_dirs_and_links() {
        assert_eq!(
            parse_pod_dir("kube-system_agent_7e57e002-0000"),
            Some(("kube-system".into(), "agent".into(), "7e57e002-0000".into()))
        );
        assert_eq!(parse_pod_dir("nounderscore"), None);
        assert_eq!(
            log_owner("/var/log/pods/default_web_u1/nginx/0.log"),
            Some(("default_web_u1".into(), "nginx".into()))
        );
        let id = "a".repeat(64);
        assert_eq!(
            link_id(&format!("web_default_nginx-{id}.log")),
            Some(id.clone())
        );
        assert_eq!(link_id("web_default_nginx-123.log"), None);
        let args: Vec<String> = [
            "/usr/bin/conmon",
            "--api-version",
            "1",
            "-c",
            &id,
            "-l",
            "k8s-file:/var/log/pods/default_web_u1/nginx/1.log",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            conmon_log(&args),
            Some((
                id.clone(),
                "/var/log/pods/default_web_u1/nginx/1.log".into()
            ))
        );
        let crio: Vec<String> = [
            "conmon",
            "-c",
            &id,
            "--log-path",
            "/var/log/pods/a_b_c/d/0.log",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            conmon_log(&crio).map(|c| c.1),
            Some("/var/log/pods/a_b_c/d/0.log".into())
        );
    }

    #[test]
    fn log_dirs_without_processes_are_exited_containers() {
        let root = tempfile::tempdir().expect("tempdir");
        let pod = root.path().join("var/log/pods/team-a_api_0123-abcd");
        for (ctr, files) in [
            (
                "app",
                &["0.log", "1.log", "2.log", "2.log.20260214-152226.gz"][..],
            ),
            ("init", &["0.log"][..]),
        ] {
            std::fs::create_dir_all(pod.join(ctr)).expect("mkdir");
            for f in files {
                std::fs::write(pod.join(ctr).join(f), "x").expect("write");
            }
        }
        // Not a pod directory: ignored.
        std::fs::create_dir_all(root.path().join("var/log/pods/junk")).expect("mkdir");
        let node = Node {
            root: root.path().to_path_buf(),
        };
        let all = containers(&node).expect("containers");
        let mine: Vec<(String, State, Option<u32>)> = all
            .iter()
            .filter(|c| c.pod_uid == "0123-abcd")
            .map(|c| (c.path(), c.state, c.restarts))
            .collect();
        assert_eq!(
            mine,
            vec![
                ("team-a/api/app".to_string(), State::Exited, Some(2)),
                ("team-a/api/init".to_string(), State::Exited, Some(0)),
            ]
        );
    }

    #[test]
    fn cpu_max() {
        assert_eq!(parse_cpu_max("50000 100000"), Some(0.5));
        assert_eq!(parse_cpu_max("max 100000"), None);
    }

    #[test]
    fn pod_refs_and_picking() {
        assert_eq!(PodRef::parse("nginx"), None);
        assert_eq!(PodRef::parse("a//b"), None);
        assert_eq!(PodRef::parse("a/b/c/d"), None);
        let r = PodRef::parse("default/web/nginx").unwrap();
        assert_eq!(r.to_string(), "default/web/nginx");
        let all = vec![
            ctr("default", "web", "init", None),
            ctr("default", "web", "nginx", Some(7)),
            ctr("kube-system", "agent", "agent", Some(9)),
            ctr("kube-system", "agent", "sidecar", Some(11)),
        ];
        assert_eq!(pick(&all, &r), Pick::Found(7));
        // One running container: the pod alone is enough.
        assert_eq!(
            pick(&all, &PodRef::parse("default/web").unwrap()),
            Pick::Found(7)
        );
        match pick(&all, &PodRef::parse("kube-system/agent").unwrap()) {
            Pick::Several(l) => assert!(l.len() == 2 && l[1].contains("sidecar"), "{l:?}"),
            other => panic!("{other:?}"),
        }
        match pick(&all, &PodRef::parse("default/nosuch").unwrap()) {
            Pick::NoPod(l) => assert_eq!(l, vec!["default/web", "kube-system/agent"]),
            other => panic!("{other:?}"),
        }
        match pick(&all, &PodRef::parse("default/web/init").unwrap()) {
            Pick::NoContainer(l) => assert!(l.iter().any(|s| s.contains("init (exited")), "{l:?}"),
            other => panic!("{other:?}"),
        }
    }
}
