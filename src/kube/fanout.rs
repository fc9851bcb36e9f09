//! The fan-out capture of `kubectl toolbox capture (-l SELECTOR | POD…) -w FILE|-`: one
//! `toolbox capture -i any --pcapng -w -` per pod, each through the same debug-container path
//! as one pod's commands ([`super::plan`]), streamed back by `kubectl exec` and merged live by
//! timestamp ([`crate::capture::merge`], [`Order::Live`] with a bounded reordering window) into
//! one pcapng in which every pod's interfaces carry an Inspektor-Gadget-style description
//! (`k8s.node=…;k8s.namespace=…;k8s.podName=…;k8s.containerName=…`).
//!
//! A pod that cannot be started or whose stream ends early (deleted, evicted, no CAP_NET_RAW)
//! is reported with kubectl's and toolbox's own messages (which carry the fix) and the others
//! go on. SIGINT, SIGTERM or SIGHUP sets the merge's stop flag: the file is finished (always a
//! valid pcapng), then every `kubectl exec` child is ended (they run in process groups of their
//! own, so the terminal's Ctrl-C reaches only this process and the order is kept). A second
//! signal ends at once, as `toolbox capture` does.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, IsTerminal};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;

use super::pod::Pod;
use super::{plan, shell_quote, KubeError, Kubectl, Request as PodRequest};
use crate::capture::merge::{self, Description, Input, InputReport, Order, Outcome};

/// The reordering window of the live merge: a packet that reaches the merge more than this
/// after a newer one was written comes out of order (and is counted as late).
pub const WINDOW: Duration = Duration::from_secs(1);

/// Which pods.
#[derive(Clone, Copy, Debug)]
pub enum Pods<'a> {
    /// `-l SELECTOR`.
    Selector(&'a str),
    /// Pod names.
    Names(&'a [String]),
}

/// A fan-out capture request.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// Which pods.
    pub pods: Pods<'a>,
    /// `-c`: the target container in each pod (default: each pod's first).
    pub container: Option<&'a str>,
    /// The image to start.
    pub image: &'a str,
    /// Whether `--image` was given.
    pub image_explicit: bool,
    /// The capture filter words.
    pub filter: &'a [String],
    /// `--link TYPE`, passed on to each capture.
    pub link: Option<&'a str>,
    /// Output file (`-`: standard output).
    pub out: &'a Path,
    /// Print the kubectl commands instead of running them.
    pub dry_run: bool,
}

/// Why the fan-out could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum FanoutError {
    /// kubectl failed for the pod list.
    #[error(transparent)]
    Kube(#[from] KubeError),
    /// The selector matched nothing.
    #[error("no pod matches -l {selector}{}", super::in_ns(.namespace))]
    NoPods {
        /// The selector.
        selector: String,
        /// `-n`, when given.
        namespace: Option<String>,
    },
    /// Every pod failed to start.
    #[error("no pod could be captured (each one's reason is above)")]
    AllFailed,
    /// `-w -` on a terminal.
    #[error("refusing to write pcapng to a terminal: redirect it (-w - > FILE, or | wireshark -k -i -) or give -w FILE")]
    Terminal,
    /// The merge failed (the output could not be written).
    #[error(transparent)]
    Merge(#[from] merge::MergeError),
    /// Signal handlers could not be installed.
    #[error("cannot install signal handlers: {0}")]
    Signals(#[source] std::io::Error),
}

/// The arguments of each pod's capture.
pub fn capture_args(filter: &[String], link: Option<&str>) -> Vec<String> {
    let mut a = super::words(&["capture", "-i", "any", "--pcapng", "--stop-on-stdin-eof"]);
    if let Some(l) = link {
        a.extend(["--link".to_string(), l.to_string()]);
    }
    a.extend(["-w".to_string(), "-".to_string()]);
    if !filter.is_empty() {
        a.push("--".into());
        a.extend(filter.iter().cloned());
    }
    a
}

/// `NAMESPACE/POD`.
fn label(pod: &Pod) -> String {
    format!("{}/{}", pod.metadata.namespace, pod.metadata.name)
}

/// One pod's running capture.
struct Stream {
    pod: Pod,
    label: String,
    /// The debug container the capture runs in.
    container: String,
    child: Child,
    /// `kubectl exec -i`'s input, closed to stop the pod's capture.
    stdin: Option<std::process::ChildStdin>,
    tail: Arc<Mutex<VecDeque<String>>>,
    stderr: Option<std::thread::JoinHandle<()>>,
}

/// Run the fan-out; returns the exit code (0, or 1 when some pod failed).
pub fn run(kubectl: &Kubectl, req: &Request) -> Result<i32, FanoutError> {
    let mut failed = 0usize;
    let pods: Vec<Pod> = match req.pods {
        Pods::Selector(sel) => {
            let pods = kubectl.get_pods(sel)?;
            if pods.is_empty() {
                return Err(FanoutError::NoPods {
                    selector: sel.to_string(),
                    namespace: kubectl.namespace.clone(),
                });
            }
            pods
        }
        Pods::Names(names) => {
            let mut pods = Vec::new();
            // A pod named twice is captured once (twice would duplicate its every packet, or
            // fail on a second debug container of the same name).
            let mut seen = std::collections::HashSet::new();
            for n in names.iter().filter(|n| seen.insert(n.as_str())) {
                match kubectl.get_pod(n) {
                    Ok(p) => pods.push(p),
                    Err(e @ KubeError::PodNotFound { .. }) => {
                        eprintln!("kubectl toolbox: {e}; the other pods go on");
                        failed += 1;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            pods
        }
    };
    // A pod that is not running (completed, evicted, pending: `kubectl get pods -l` lists them
    // all) has nothing to capture, and a debug container added to it would stay in its spec
    // for good without ever starting.
    let pods: Vec<Pod> = pods
        .into_iter()
        .filter(|pod| {
            if pod.status.phase == "Running" {
                return true;
            }
            let why = pod
                .status
                .reason
                .as_deref()
                .map_or(String::new(), |r| format!(" ({r})"));
            eprintln!(
                "kubectl toolbox: {}: the pod is {}{why}, not Running: nothing to capture; the other pods go on",
                label(pod),
                if pod.status.phase.is_empty() { "in no phase" } else { &pod.status.phase },
            );
            failed += 1;
            false
        })
        .collect();
    if !req.dry_run && req.out == Path::new("-") && std::io::stdout().is_terminal() {
        return Err(FanoutError::Terminal);
    }
    let args = capture_args(req.filter, req.link);
    let mut plans = Vec::new();
    for pod in pods {
        let r = PodRequest {
            container: req.container,
            image: req.image,
            image_explicit: req.image_explicit,
            args: &args,
            tty: false,
        };
        match plan(&pod, &r) {
            Ok(p) => plans.push((pod, p)),
            Err(e) => {
                eprintln!(
                    "kubectl toolbox: {}: {e}; the other pods go on",
                    label(&pod)
                );
                failed += 1;
            }
        }
    }
    if req.dry_run {
        for (_, p) in &plans {
            if let Some(start) = &p.start {
                println!("{}", shell_quote(&kubectl.argv(start)));
            }
            println!("{}", shell_quote(&kubectl.argv(&p.exec)));
        }
        return Ok(0);
    }
    // Start the debug containers that are missing, then wait for all of them.
    let mut ready = Vec::new();
    for (pod, p) in plans {
        if let Some(start) = &p.start {
            eprintln!(
                "kubectl toolbox: adding debug container {} to pod {} (--target={} --profile={})",
                p.container,
                label(&pod),
                p.target,
                p.profile.name()
            );
            if let Err(e) = kubectl.run(start, &pod.metadata.name) {
                eprintln!(
                    "kubectl toolbox: {}: {e}; the other pods go on",
                    label(&pod)
                );
                failed += 1;
                continue;
            }
        }
        ready.push((pod, p));
    }
    let mut started = Vec::new();
    for (pod, p) in ready {
        if p.start.is_some() {
            if let Err(e) =
                kubectl.wait_running(&pod.metadata.name, &p.container, super::START_TIMEOUT)
            {
                eprintln!(
                    "kubectl toolbox: {}: {e}; the other pods go on",
                    label(&pod)
                );
                failed += 1;
                continue;
            }
        }
        started.push((pod, p));
    }

    let stop = crate::capture::stop_on_signals().map_err(FanoutError::Signals)?;

    let mut streams = Vec::new();
    let mut inputs = Vec::new();
    for (pod, p) in started {
        let label = label(&pod);
        let mut cmd = kubectl.command(&p.exec);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => return Err(super::spawn_error(e).into()),
        };
        let (Some(out), Some(err)) = (child.stdout.take(), child.stderr.take()) else {
            continue;
        };
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let stderr = {
            let tail = Arc::clone(&tail);
            let label = label.clone();
            std::thread::Builder::new()
                .name(format!("stderr-{label}"))
                .spawn(move || {
                    for line in BufReader::new(err).lines() {
                        let Ok(line) = line else { break };
                        eprintln!("{label}: {line}");
                        if let Ok(mut t) = tail.lock() {
                            if t.len() == 20 {
                                t.pop_front();
                            }
                            t.push_back(line);
                        }
                    }
                })
                .ok()
        };
        let node = pod.spec.node_name.clone().unwrap_or_default();
        inputs.push(Input {
            label: label.clone(),
            reader: Box::new(out),
            description: Description::Replace(merge::k8s_description(
                &pod.metadata.namespace,
                &pod.metadata.name,
                &p.target,
                &node,
            )),
        });
        let stdin = child.stdin.take();
        streams.push(Stream {
            pod,
            label,
            container: p.container.clone(),
            child,
            stdin,
            tail,
            stderr,
        });
    }
    if inputs.is_empty() {
        return Err(FanoutError::AllFailed);
    }
    eprintln!(
        "kubectl toolbox: capturing in {} pod(s), merged by time (reordering window {} ms); Ctrl-C stops",
        inputs.len(),
        WINDOW.as_millis()
    );

    let mut report = |r: &InputReport| {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Some(s) = streams.get_mut(r.index) else {
            return;
        };
        let why = match &r.outcome {
            Outcome::Failed(e) => format!("its stream failed ({e})"),
            Outcome::Ended => "its stream ended".to_string(),
            Outcome::Open => return,
        };
        failed += 1;
        let no_net_raw = s
            .tail
            .lock()
            .map(|t| t.iter().any(|l| l.contains("CAP_NET_RAW")))
            .unwrap_or(false);
        let fate = if no_net_raw {
            format!(
                "its debug container {} has no CAP_NET_RAW although it was started with --profile={}: a policy of the cluster (Pod Security admission, an admission webhook) removes it; fix: allow NET_RAW for debug containers in namespace {}, or start it with --profile=sysadmin where that is allowed",
                s.container,
                crate::caps::Feature::Capture.profile().name(),
                s.pod.metadata.namespace
            )
        } else {
            pod_fate(kubectl, &s.pod)
        };
        eprintln!(
            "kubectl toolbox: {}: capture stopped after {} packet(s): {why}; {fate}; its packets so far are in the file and the other pods go on",
            s.label,
            r.packets,
        );
        if s.tail.lock().map(|t| t.is_empty()).unwrap_or(false) {
            eprintln!("  (kubectl printed nothing on its standard error)");
        }
    };
    let opts = merge::Options {
        order: Order::Live { window: WINDOW },
        format: merge::Format::Pcapng,
        stop: Some(Arc::clone(&stop)),
    };
    let result = merge::merge(inputs, req.out, &opts, &mut report);
    end_children(&mut streams);
    let summary = result?;
    let late = if summary.late > 0 {
        format!(
            ", {} of them more than {} ms late (out of order)",
            summary.late,
            WINDOW.as_millis()
        )
    } else {
        String::new()
    };
    eprintln!(
        "kubectl toolbox: {} packet(s) from {} pod(s) written to {}{late}",
        summary.packets,
        streams.len(),
        if req.out == Path::new("-") {
            "standard output".to_string()
        } else {
            req.out.display().to_string()
        }
    );
    Ok(if failed > 0 { 1 } else { 0 })
}

/// What became of a pod whose stream ended: gone, evicted, or still there.
fn pod_fate(kubectl: &Kubectl, pod: &Pod) -> String {
    let name = &pod.metadata.name;
    match kubectl.get_pod(name) {
        Err(KubeError::PodNotFound { .. }) => format!("pod {name} is gone (deleted)"),
        Err(e) => format!("pod {name} could not be read ({e})"),
        Ok(p) if p.status.reason.as_deref() == Some("Evicted") => {
            format!("pod {name} was evicted")
        }
        Ok(p) if p.status.phase != "Running" => {
            format!("pod {name} is {}", p.status.phase)
        }
        Ok(_) => format!("pod {name} is still running: see the messages above"),
    }
}

/// End every pod's capture: close its `kubectl exec` input (the capture stops, its stream
/// ends, kubectl exits by itself), then SIGTERM to the process group of a kubectl still running
/// after 5 s, SIGKILL after 3 s more.
fn end_children(streams: &mut [Stream]) {
    for s in streams.iter_mut() {
        drop(s.stdin.take());
    }
    wait_all(streams, Duration::from_secs(5), |s| {
        if let Ok(pid) = i32::try_from(s.child.id()) {
            let _ = killpg(Pid::from_raw(pid), Signal::SIGTERM);
        }
    });
    wait_all(streams, Duration::from_secs(3), |s| {
        let _ = s.child.kill();
    });
    for s in streams.iter_mut() {
        let _ = s.child.wait();
        if let Some(h) = s.stderr.take() {
            let _ = h.join();
        }
    }
}

/// Wait up to `limit` for every child to end; `then` is done to each one still running.
fn wait_all(streams: &mut [Stream], limit: Duration, then: impl Fn(&mut Stream)) {
    let deadline = Instant::now() + limit;
    for s in streams.iter_mut() {
        loop {
            match s.child.try_wait() {
                Ok(Some(_)) | Err(_) => break,
                Ok(None) if Instant::now() >= deadline => {
                    then(s);
                    break;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }
}
