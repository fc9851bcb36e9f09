//! Errors of target discovery: each says what the user needs to pick the right process, and
//! maps to the exit code every command shares (2 when no target could be chosen).

use super::Candidate;

/// Errors of target discovery. Each carries what the user needs to pick the right process.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// `/proc` could not be listed at all.
    #[error("cannot list /proc: {0}")]
    Proc(#[source] std::io::Error),
    /// `--pid` names no process.
    #[error("no process with PID {0} is visible here (toolbox sees PIDs of its own PID namespace; run `toolbox ps` to list them)")]
    NoSuchPid(i32),
    /// `--target NAME` matches nothing.
    #[error("no process matches --target {name:?}; candidates:\n{}", list_long(.candidates))]
    NoMatch {
        /// The name given.
        name: String,
        /// What could have been chosen.
        candidates: Vec<Candidate>,
    },
    /// Only toolbox's own and pause processes are visible.
    #[error("no target process is visible: only toolbox's own processes{} are in this PID namespace. Start the debug container with `kubectl debug -it POD --image=toolbox --target=CONTAINER` (or a pod with shareProcessNamespace: true), or pass --root DIR to browse a directory", if *.pause_seen { " and the pod's pause process" } else { "" })]
    NothingVisible {
        /// Whether a pause process was seen (shared PID namespace without an app?).
        pause_seen: bool,
    },
    /// `--pid` names a process the kernel hides from toolbox (hidepid, another user).
    #[error(transparent)]
    Denied(#[from] crate::caps::Denied),
    /// More than one container's main process qualifies.
    #[error("{} processes could be the target; choose one:\n{}", .0.len(), list_long(.0))]
    Ambiguous(Vec<Candidate>),
    /// `--pid` names a kernel thread: no user space, no root, no system calls of its own.
    #[error("PID {pid} ({}) is a kernel thread, not a process toolbox can debug: it has no user space, no root file system and makes no system calls (the kernel refuses to ptrace it); choose an application process:\n{}", crate::output::sanitize(.comm), list_long(.candidates))]
    KernelThread {
        /// The PID given.
        pid: i32,
        /// Its comm (e.g. `kthreadd`).
        comm: String,
        /// What could have been chosen.
        candidates: Vec<Candidate>,
    },
    /// `--target NS/POD[/CONTAINER]` outside node mode.
    #[error("--target {} names a pod, which needs node mode: toolbox in the host's PID namespace with the node's root at /host (`kubectl debug node/NODE -it --image=toolbox --profile=sysadmin`) or --root DIR; {}", crate::output::sanitize(.spec), .why)]
    NotNode {
        /// What was given.
        spec: String,
        /// What is missing.
        why: &'static str,
    },
    /// `--target` with a `/` that is not `NAMESPACE/POD[/CONTAINER]`.
    #[error("--target {}: a value with '/' names a pod as NAMESPACE/POD or NAMESPACE/POD/CONTAINER", crate::output::sanitize(.0))]
    BadPod(String),
    /// No pod of that name on the node.
    #[error("no pod {} on this node; pods (`toolbox pods` lists their containers):\n{}", crate::output::sanitize(.spec), list_lines(.pods))]
    NoPod {
        /// What was given.
        spec: String,
        /// `NS/POD` of every pod seen.
        pods: Vec<String>,
    },
    /// The pod has no running container of that name, or several and none was named.
    #[error("{}; choose one with --target NAMESPACE/POD/CONTAINER:\n{}", if *.several { format!("pod {} has several running containers", crate::output::sanitize(.spec)) } else { format!("no running container {} on this node", crate::output::sanitize(.spec)) }, list_lines(.containers))]
    PodContainer {
        /// What was given.
        spec: String,
        /// The pod's containers, with their states.
        containers: Vec<String>,
        /// Several running containers and none named (else: none running matches).
        several: bool,
    },
    /// The node's pods could not be read.
    #[error(transparent)]
    Node(#[from] crate::node::NodeError),
    /// `--pid` names a zombie: it has exited and only its exit status is left.
    #[error("PID {pid} ({}) is a zombie: it has exited and its parent (PID {parent}) has not reaped it, so nothing of it is left to debug (no memory, no root, no threads to trace); choose a live process:\n{}", crate::output::sanitize(.comm), list_long(.candidates))]
    Zombie {
        /// The PID given.
        pid: i32,
        /// Its comm.
        comm: String,
        /// Its parent, which has not called wait(2) for it.
        parent: i32,
        /// What could have been chosen.
        candidates: Vec<Candidate>,
    },
}

impl TargetError {
    /// The process exit code for this error. One rule for every command that needs a target:
    /// 2 when no target was chosen (none matches, several do, the PID does not exist or is not
    /// a process toolbox can debug), so the user must choose; 1 when toolbox itself failed
    /// (`/proc` unreadable, a permission error). See README, "Exit codes".
    pub fn exit_code(&self) -> i32 {
        match self {
            TargetError::Proc(_) | TargetError::Denied(_) | TargetError::Node(_) => 1,
            TargetError::Ambiguous(_)
            | TargetError::NoMatch { .. }
            | TargetError::NoSuchPid(_)
            | TargetError::NothingVisible { .. }
            | TargetError::KernelThread { .. }
            | TargetError::Zombie { .. }
            | TargetError::NotNode { .. }
            | TargetError::BadPod(_)
            | TargetError::NoPod { .. }
            | TargetError::PodContainer { .. } => 2,
        }
    }
}

impl TargetError {
    /// The reason in one line, for commands that do not need a target and only note that none
    /// was chosen (`ps`, `caps`): the full message lists every candidate.
    pub fn summary(&self) -> String {
        match self {
            TargetError::Ambiguous(c) => format!(
                "{} processes could be the target; `toolbox target` lists them with the flag that selects each",
                c.len()
            ),
            TargetError::NoMatch { name, .. } => format!(
                "no process matches --target {:?}; `toolbox target` lists the candidates",
                crate::output::sanitize(name)
            ),
            TargetError::NoSuchPid(pid) => format!("no process with PID {pid} is visible here"),
            TargetError::NothingVisible { .. } => {
                "only toolbox's own processes are visible in this PID namespace".into()
            }
            TargetError::KernelThread { pid, .. } => format!("PID {pid} is a kernel thread"),
            TargetError::Zombie { pid, .. } => format!("PID {pid} is a zombie"),
            TargetError::NoPod { spec, .. } => format!(
                "no pod {} on this node; `toolbox pods` lists them",
                crate::output::sanitize(spec)
            ),
            TargetError::PodContainer { spec, .. } => format!(
                "--target {} selects no single running container; `toolbox pods` lists them",
                crate::output::sanitize(spec)
            ),
            TargetError::Proc(_)
            | TargetError::Denied(_)
            | TargetError::Node(_)
            | TargetError::NotNode { .. }
            | TargetError::BadPod(_) => self.to_string(),
        }
    }
}

fn list_lines(l: &[String]) -> String {
    if l.is_empty() {
        return "  (none)".into();
    }
    l.iter()
        .map(|s| format!("  {}", crate::output::sanitize(s)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn list_long(c: &[Candidate]) -> String {
    if c.is_empty() {
        return "  (none: only toolbox's own and pause processes are visible)".into();
    }
    c.iter()
        .map(|c| {
            format!(
                "  {:>7}  {:<16} {}   select with: {}",
                c.pid,
                crate::output::sanitize(&c.comm),
                crate::output::sanitize(&c.command),
                c.flag
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
