//! The kubectl plugin's client side (`kubectl toolbox`): it drives the user's own `kubectl`
//! (their kubeconfig, context and namespace) to run toolbox in a pod's ephemeral container.
//!
//! One debug container per pod and target: a running ephemeral container that runs
//! `toolbox idle` with the target and a profile that grants what the command needs is reused
//! with `kubectl exec`; otherwise one is added with `kubectl debug … -- toolbox idle` (every
//! `kubectl debug` adds an ephemeral container that stays in the pod for good,
//! kubernetes/kubernetes#84764) and then exec'd into. The profile comes from the table of
//! [`crate::caps`]. Nothing here depends on a particular cluster or on the test stand-in.

pub mod fanout;
pub mod pod;

use std::io;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::caps::{self, Profile};
use pod::{Pod, PodList};

/// The image `kubectl toolbox` starts when `--image` is not given: the name the README's
/// `kubectl debug --image=toolbox` uses.
pub const DEFAULT_IMAGE: &str = "toolbox";

/// How long a new debug container may take to start running.
pub const START_TIMEOUT: Duration = Duration::from_secs(120);

/// What went wrong driving kubectl.
#[derive(Debug, thiserror::Error)]
pub enum KubeError {
    /// No `kubectl` on PATH.
    #[error("kubectl not found on PATH: kubectl toolbox runs your own kubectl (its kubeconfig, context and namespace); install it (https://kubernetes.io/docs/tasks/tools/) or put it on PATH")]
    KubectlMissing,
    /// kubectl could not be started.
    #[error("cannot run kubectl: {0}")]
    Spawn(#[source] io::Error),
    /// The pod does not exist.
    #[error("pod {pod} not found{}", .namespace.as_ref().map_or(" in the namespace of your kubeconfig's current context (-n NAMESPACE chooses another)".to_string(), |n| format!(" in namespace {n}")))]
    PodNotFound {
        /// Pod name.
        pod: String,
        /// `-n`, when given.
        namespace: Option<String>,
    },
    /// The user may not add ephemeral containers.
    #[error("kubectl debug was refused: you may not add ephemeral containers to pod {pod}{} (RBAC: `patch` on `pods/ephemeralcontainers`; check with `kubectl auth can-i patch pods/ephemeralcontainers{}`). Ask for a Role with that rule, or reuse a debug container someone started with `-- toolbox idle`.\n  kubectl said: {stderr}", in_ns(.namespace), ns_flag(.namespace))]
    NoEphemeralRbac {
        /// Pod name.
        pod: String,
        /// `-n`, when given.
        namespace: Option<String>,
        /// kubectl's own message.
        stderr: String,
    },
    /// The user may not exec into pods.
    #[error("kubectl exec was refused: you may not exec into pod {pod}{} (RBAC: `create` on `pods/exec`; check with `kubectl auth can-i create pods/exec{}`).\n  kubectl said: {stderr}", in_ns(.namespace), ns_flag(.namespace))]
    NoExecRbac {
        /// Pod name.
        pod: String,
        /// `-n`, when given.
        namespace: Option<String>,
        /// kubectl's own message.
        stderr: String,
    },
    /// kubectl failed otherwise.
    #[error("`{command}` failed ({status}): {stderr}")]
    Failed {
        /// The command line, shell-quoted.
        command: String,
        /// Exit status.
        status: String,
        /// Its standard error.
        stderr: String,
    },
    /// kubectl's JSON was not a pod (list).
    #[error("`{command}` printed something that is not a pod (list): {source}")]
    Json {
        /// The command line.
        command: String,
        /// The parse error.
        #[source]
        source: serde_json::Error,
    },
    /// `-c` names no container of the pod.
    #[error("pod {pod} has no container {container}; its containers: {}", .containers.join(", "))]
    NoContainer {
        /// Pod name.
        pod: String,
        /// The `-c` value.
        container: String,
        /// The pod's app containers.
        containers: Vec<String>,
    },
    /// The pod has no app container (not a pod kubectl returns).
    #[error("pod {0} has no containers")]
    NoContainers(String),
    /// The command does not run in a pod's debug container.
    #[error("`toolbox {0}` is not for a pod's debug container: it reads a node (kubectl debug node/NODE -it --image=toolbox --profile=sysadmin) or runs on your machine")]
    NotForPod(String),
    /// The pod has ended: no container of it runs again, an ephemeral one neither.
    #[error("pod {pod} has ended (phase {phase}{}): no container can run in it, a debug container neither; `kubectl debug {pod} --copy-to=NEW-POD` debugs a copy", .reason.as_ref().map_or(String::new(), |r| format!(", {r}")))]
    PodEnded {
        /// Pod name.
        pod: String,
        /// `Succeeded` or `Failed`.
        phase: String,
        /// Why (`Evicted`…), when the API says.
        reason: Option<String>,
    },
    /// The debug container did not start.
    #[error("debug container {container} in pod {pod} did not start: {why}")]
    NotStarted {
        /// Pod name.
        pod: String,
        /// Container name.
        container: String,
        /// Its state (waiting or terminated reason and message).
        why: String,
    },
}

fn in_ns(ns: &Option<String>) -> String {
    ns.as_ref()
        .map(|n| format!(" in namespace {n}"))
        .unwrap_or_default()
}

fn ns_flag(ns: &Option<String>) -> String {
    ns.as_ref().map(|n| format!(" -n {n}")).unwrap_or_default()
}

/// `words` as one POSIX shell command line: a word of only safe characters as it is, others in
/// single quotes (a `'` as `'\''`). A leading `=` is quoted too: zsh (macOS's default shell)
/// expands `=word` to the path of the command `word`.
pub fn shell_quote<S: AsRef<str>>(words: &[S]) -> String {
    words
        .iter()
        .map(|w| {
            let w = w.as_ref();
            let safe = !w.is_empty()
                && !w.starts_with('=')
                && w.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_@%+=:,./-".contains(&b));
            if safe {
                w.to_string()
            } else {
                format!("'{}'", w.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The user's kubectl with the global flags every invocation carries.
#[derive(Clone, Debug)]
pub struct Kubectl {
    /// The program (`kubectl`, found on PATH).
    pub program: String,
    /// `--kubeconfig F`, `--context C`, `-n NS`, as given.
    pub globals: Vec<String>,
    /// `-n`, when given (for messages).
    pub namespace: Option<String>,
}

impl Kubectl {
    /// kubectl with the user's `--kubeconfig`, `--context` and `-n`.
    pub fn new(
        namespace: Option<&str>,
        context: Option<&str>,
        kubeconfig: Option<&str>,
    ) -> Kubectl {
        let mut globals = Vec::new();
        if let Some(k) = kubeconfig {
            globals.extend(["--kubeconfig".to_string(), k.to_string()]);
        }
        if let Some(c) = context {
            globals.extend(["--context".to_string(), c.to_string()]);
        }
        if let Some(n) = namespace {
            globals.extend(["-n".to_string(), n.to_string()]);
        }
        Kubectl {
            program: "kubectl".into(),
            globals,
            namespace: namespace.map(str::to_string),
        }
    }

    /// The full command line for `args` (a verb and its arguments).
    pub fn argv(&self, args: &[String]) -> Vec<String> {
        let mut v = vec![self.program.clone()];
        v.extend(self.globals.iter().cloned());
        v.extend(args.iter().cloned());
        v
    }

    /// A `Command` for `args`.
    pub fn command(&self, args: &[String]) -> Command {
        let argv = self.argv(args);
        let mut c = Command::new(&argv[0]);
        c.args(&argv[1..]);
        c
    }

    fn output(&self, args: &[String]) -> Result<Output, KubeError> {
        self.command(args)
            .stdin(Stdio::null())
            .output()
            .map_err(spawn_error)
    }

    fn failed(&self, args: &[String], pod: &str, out: &Output) -> KubeError {
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
        if stderr.contains("(NotFound)") && stderr.contains("pods") {
            return KubeError::PodNotFound {
                pod: pod.to_string(),
                namespace: self.namespace.clone(),
            };
        }
        if stderr.contains("(Forbidden)") && stderr.contains("pods/ephemeralcontainers") {
            return KubeError::NoEphemeralRbac {
                pod: pod.to_string(),
                namespace: self.namespace.clone(),
                stderr,
            };
        }
        if stderr.contains("(Forbidden)") && stderr.contains("pods/exec") {
            return KubeError::NoExecRbac {
                pod: pod.to_string(),
                namespace: self.namespace.clone(),
                stderr,
            };
        }
        KubeError::Failed {
            command: shell_quote(&self.argv(args)),
            status: out.status.to_string(),
            stderr,
        }
    }

    /// `kubectl get pod NAME -o json`.
    pub fn get_pod(&self, name: &str) -> Result<Pod, KubeError> {
        let args = words(&["get", "pod", name, "-o", "json"]);
        let out = self.output(&args)?;
        if !out.status.success() {
            return Err(self.failed(&args, name, &out));
        }
        serde_json::from_slice(&out.stdout).map_err(|source| KubeError::Json {
            command: shell_quote(&self.argv(&args)),
            source,
        })
    }

    /// `kubectl get pods -l SELECTOR -o json`.
    pub fn get_pods(&self, selector: &str) -> Result<Vec<Pod>, KubeError> {
        let args = words(&["get", "pods", "-l", selector, "-o", "json"]);
        let out = self.output(&args)?;
        if !out.status.success() {
            return Err(self.failed(&args, selector, &out));
        }
        let list: PodList =
            serde_json::from_slice(&out.stdout).map_err(|source| KubeError::Json {
                command: shell_quote(&self.argv(&args)),
                source,
            })?;
        Ok(list.items)
    }

    /// Run `args` (a `kubectl debug` that does not attach) and check it succeeded.
    pub fn run(&self, args: &[String], pod: &str) -> Result<(), KubeError> {
        let out = self.output(args)?;
        if !out.status.success() {
            return Err(self.failed(args, pod, &out));
        }
        Ok(())
    }

    /// Poll `kubectl get pod` until ephemeral container `name` runs; fail at once when it
    /// ended or cannot be pulled, or after `timeout`.
    pub fn wait_running(&self, pod: &str, name: &str, timeout: Duration) -> Result<(), KubeError> {
        let start = Instant::now();
        loop {
            let p = self.get_pod(pod)?;
            let not_started = |why: String| KubeError::NotStarted {
                pod: pod.to_string(),
                container: name.to_string(),
                why,
            };
            if let Some(state) = p.state_of(name) {
                if state.running.is_some() {
                    return Ok(());
                }
                if let Some(t) = &state.terminated {
                    return Err(not_started(format!(
                        "it ended ({}, exit code {})",
                        describe(t),
                        t.exit_code.unwrap_or(-1)
                    )));
                }
                if let Some(w) = &state.waiting {
                    let reason = w.reason.as_deref().unwrap_or("");
                    if matches!(
                        reason,
                        "ErrImagePull"
                            | "ImagePullBackOff"
                            | "InvalidImageName"
                            | "ErrImageNeverPull"
                    ) {
                        return Err(not_started(format!(
                            "its image cannot be pulled ({}); give one your nodes can pull with --image",
                            describe(w)
                        )));
                    }
                }
            }
            if start.elapsed() >= timeout {
                return Err(not_started(format!(
                    "not running after {} s",
                    timeout.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

fn describe(r: &pod::Reason) -> String {
    match (&r.reason, &r.message) {
        (Some(a), Some(b)) => format!("{a}: {b}"),
        (Some(a), None) => a.clone(),
        (None, Some(b)) => b.clone(),
        (None, None) => "no reason given".into(),
    }
}

/// The error for a kubectl that could not be started (not on PATH, or otherwise).
pub fn spawn_error(e: io::Error) -> KubeError {
    if e.kind() == io::ErrorKind::NotFound {
        KubeError::KubectlMissing
    } else {
        KubeError::Spawn(e)
    }
}

/// `&str`s as owned words.
pub fn words(w: &[&str]) -> Vec<String> {
    w.iter().map(|s| s.to_string()).collect()
}

/// What the user asked for one pod.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// `-c`: the target container; the pod's first container otherwise.
    pub container: Option<&'a str>,
    /// The image to start.
    pub image: &'a str,
    /// Whether `--image` was given (then only a container of that image is reused).
    pub image_explicit: bool,
    /// toolbox's arguments (empty: the interactive session).
    pub args: &'a [String],
    /// Whether to ask for a TTY (`-t`).
    pub tty: bool,
}

/// What to run for one pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The target container.
    pub target: String,
    /// The profile the command needs.
    pub profile: Profile,
    /// The debug container to exec into.
    pub container: String,
    /// The `kubectl debug` arguments that start it, when none can be reused.
    pub start: Option<Vec<String>>,
    /// The `kubectl exec` arguments.
    pub exec: Vec<String>,
}

/// Whether toolbox's output for `args` is binary (a pcap stream, a tar stream): then kubectl
/// must not allocate a TTY, which would mangle it.
pub fn binary_output(args: &[String]) -> bool {
    let Some(cmd) = args.first() else {
        return false;
    };
    match cmd.as_str() {
        "export" | "tar" => true,
        "capture" => {
            args.windows(2).any(|w| w[0] == "-w" && w[1] == "-") || args.iter().any(|a| a == "-w-")
        }
        _ => false,
    }
}

/// The first toolbox word of `args` that names a subcommand (skipping global options).
pub fn subcommand(args: &[String]) -> Option<&str> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--pid" | "--target" | "--root" | "--cwd" => {
                it.next();
            }
            s if s.starts_with('-') => {}
            s => return Some(s),
        }
    }
    None
}

/// Decide, from the pod as kubectl shows it, which container to run `req` in and how.
pub fn plan(pod: &Pod, req: &Request) -> Result<Plan, KubeError> {
    let name = &pod.metadata.name;
    // A debug container added to an ended pod would stay in its spec for good and never start.
    if matches!(pod.status.phase.as_str(), "Succeeded" | "Failed") {
        return Err(KubeError::PodEnded {
            pod: name.clone(),
            phase: pod.status.phase.clone(),
            reason: pod.status.reason.clone(),
        });
    }
    let apps: Vec<String> = pod.spec.containers.iter().map(|c| c.name.clone()).collect();
    let target = match req.container {
        Some(c) if apps.iter().any(|a| a == c) => c.to_string(),
        Some(c) => {
            return Err(KubeError::NoContainer {
                pod: name.clone(),
                container: c.to_string(),
                containers: apps,
            })
        }
        None => apps
            .first()
            .cloned()
            .ok_or_else(|| KubeError::NoContainers(name.clone()))?,
    };
    let command = subcommand(req.args);
    let profile = caps::kubectl_profile(command)
        .ok_or_else(|| KubeError::NotForPod(command.unwrap_or_default().to_string()))?;
    let reuse = pod.spec.ephemeral_containers.iter().find(|e| {
        e.runs_idle()
            && e.target_container_name.as_deref() == Some(target.as_str())
            && e.grants(profile)
            && (!req.image_explicit || e.image == req.image)
            && pod.is_running(&e.name)
    });
    let (container, start) = match reuse {
        Some(e) => (e.name.clone(), None),
        None => {
            let base = format!("toolbox-{}", profile.name());
            let taken: Vec<&str> = pod.container_names().collect();
            let container = std::iter::once(base.clone())
                .chain((2..).map(|n| format!("{base}-{n}")))
                .find(|n| !taken.contains(&n.as_str()))
                .unwrap_or(base);
            let start = vec![
                "debug".to_string(),
                name.clone(),
                format!("--image={}", req.image),
                format!("--target={target}"),
                format!("--profile={}", profile.name()),
                "-c".to_string(),
                container.clone(),
                "--".to_string(),
                "toolbox".to_string(),
                "idle".to_string(),
            ];
            (container, Some(start))
        }
    };
    let mut exec = words(&["exec", name, "-c", &container, "-i"]);
    if req.tty {
        exec.push("-t".into());
    }
    exec.push("--".into());
    exec.push("toolbox".into());
    exec.extend(req.args.iter().cloned());
    Ok(Plan {
        target,
        profile,
        container,
        start,
        exec,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(json: serde_json::Value) -> Pod {
        serde_json::from_value(json).unwrap()
    }

    fn web(ephemeral: serde_json::Value, statuses: serde_json::Value) -> Pod {
        pod(serde_json::json!({
            "metadata": {"name": "web-1", "namespace": "shop"},
            "spec": {"containers": [{"name": "nginx"}, {"name": "sidecar"}],
                     "ephemeralContainers": ephemeral, "nodeName": "node-a"},
            "status": {"phase": "Running", "ephemeralContainerStatuses": statuses}
        }))
    }

    fn req<'a>(args: &'a [String]) -> Request<'a> {
        Request {
            container: None,
            image: DEFAULT_IMAGE,
            image_explicit: false,
            args,
            tty: false,
        }
    }

    #[test]
    fn a_new_debug_container_gets_the_profile_of_the_caps_table_and_the_first_container() {
        let p = web(serde_json::json!([]), serde_json::json!([]));
        let args = words(&["capture", "-w", "-"]);
        let plan = plan(&p, &req(&args)).unwrap();
        assert_eq!(plan.target, "nginx");
        assert_eq!(plan.profile, Profile::Netadmin);
        assert_eq!(
            shell_quote(plan.start.as_deref().unwrap()),
            "debug web-1 --image=toolbox --target=nginx --profile=netadmin -c toolbox-netadmin -- toolbox idle"
        );
        assert_eq!(
            shell_quote(&plan.exec),
            "exec web-1 -c toolbox-netadmin -i -- toolbox capture -w -"
        );
    }

    #[test]
    fn a_running_idle_container_with_enough_capabilities_is_reused() {
        let eph = serde_json::json!([
            {"name": "toolbox-general", "image": "toolbox", "command": ["toolbox", "idle"],
             "targetContainerName": "nginx",
             "securityContext": {"capabilities": {"add": ["SYS_PTRACE"]}}},
            {"name": "dbg", "image": "busybox", "command": ["sh"], "targetContainerName": "nginx",
             "securityContext": {"privileged": true}}
        ]);
        let st = serde_json::json!([
            {"name": "toolbox-general", "state": {"running": {"startedAt": "x"}}},
            {"name": "dbg", "state": {"running": {}}}
        ]);
        let p = web(eph.clone(), st.clone());
        let trace = words(&["trace", "-p", "7"]);
        let plan_trace = plan(&p, &req(&trace)).unwrap();
        assert_eq!(plan_trace.container, "toolbox-general");
        assert_eq!(plan_trace.start, None);
        // capture needs NET_RAW: general does not grant it, and "dbg" does not run toolbox idle.
        let cap = words(&["capture"]);
        let plan_cap = plan(&p, &req(&cap)).unwrap();
        assert_eq!(plan_cap.container, "toolbox-netadmin");
        assert!(plan_cap.start.is_some());
        // Another target, or an ended container: a new one, with a name not yet taken.
        let mut r = req(&trace);
        r.container = Some("sidecar");
        assert!(plan(&p, &r).unwrap().start.is_some());
        let ended = web(
            eph,
            serde_json::json!([{"name": "toolbox-general", "state": {"terminated": {"exitCode": 0}}}]),
        );
        let again = plan(&ended, &req(&trace)).unwrap();
        assert_eq!(again.container, "toolbox-general-2");
        r.container = Some("nosuch");
        assert!(matches!(plan(&p, &r), Err(KubeError::NoContainer { .. })));
    }

    #[test]
    fn an_ended_pod_gets_no_debug_container() {
        let mut p = web(serde_json::json!([]), serde_json::json!([]));
        p.status.phase = "Failed".into();
        p.status.reason = Some("Evicted".into());
        let args = words(&["ps"]);
        let e = plan(&p, &req(&args)).unwrap_err();
        assert!(matches!(e, KubeError::PodEnded { .. }), "{e}");
        assert!(e.to_string().contains("Failed, Evicted"), "{e}");
        p.status.phase = "Pending".into();
        assert!(plan(&p, &req(&args)).is_ok());
    }

    #[test]
    fn binary_output_never_gets_a_tty_word() {
        assert!(binary_output(&words(&["capture", "-w", "-", "port", "80"])));
        assert!(binary_output(&words(&["export", "/etc"])));
        assert!(!binary_output(&words(&["capture", "-w", "/tmp/x.pcap"])));
        assert!(!binary_output(&words(&["ps"])));
        assert_eq!(subcommand(&words(&["--pid", "7", "trace"])), Some("trace"));
    }

    #[test]
    fn shell_quoting_quotes_what_sh_would_expand() {
        let w = words(&["a b", "it's", "", "-l", "app=web,tier!=db", "$HOME"]);
        assert_eq!(
            shell_quote(&w),
            r#"'a b' 'it'\''s' '' -l 'app=web,tier!=db' '$HOME'"#
        );
        // zsh's `=cmd` expansion; an `=` inside a word is left alone.
        let w = words(&["grep", "=ls", "--image=toolbox"]);
        assert_eq!(shell_quote(&w), "grep '=ls' --image=toolbox");
    }
}
