//! The capability doctor behind `toolbox caps` and the summary screen: for each feature (ps, fs,
//! trace, stack, capture, exec, ping, net) a verdict from a real probe against the target and, when it
//! does not work, the reason and the `kubectl debug` fix, in the same words the commands
//! themselves use (they come from [`crate::caps::denied`]).

use std::fs;
use std::io;

use ::caps::Capability;
use serde::Serialize;

use crate::caps::{denied, fix, Context, Feature, Subject};
use crate::sys;

/// The capabilities toolbox lacks to give a program the credentials of `pid` (what `exec` does
/// before it runs anything), named and comma-separated; `None` when nothing is missing or the
/// credentials cannot be read (exec then says why itself).
fn exec_drop_missing(ctx: &Context, pid: i32) -> Option<String> {
    use crate::target::creds::{plan, Status};
    let own = Status::read("self").ok()?;
    let want = Status::read(&pid.to_string()).ok()?;
    let p = plan(&own, &want);
    let mut missing = Vec::new();
    if p.caps.bounding != own.caps.bounding && !ctx.has(Capability::CAP_SETPCAP) {
        missing.push("CAP_SETPCAP");
    }
    if (p.groups.is_some() || p.gid.is_some()) && !ctx.has(Capability::CAP_SETGID) {
        missing.push("CAP_SETGID");
    }
    if p.uid.is_some() && !ctx.has(Capability::CAP_SETUID) {
        missing.push("CAP_SETUID");
    }
    (!missing.is_empty()).then(|| missing.join(", "))
}

/// One line of the report: may toolbox do this here?
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    /// The feature.
    pub feature: Feature,
    /// Whether it works.
    pub works: bool,
    /// What was probed and what happened.
    pub detail: String,
    /// Why not.
    pub reason: Option<String>,
    /// What fixes it.
    pub fix: Option<String>,
}

/// The whole `toolbox caps` report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// toolbox's own context.
    pub toolbox: Context,
    /// The process probed (the target), if any was found.
    pub target: Option<Subject>,
    /// Per-feature verdicts.
    pub features: Vec<Verdict>,
}

fn verdict(
    ctx: &Context,
    feature: Feature,
    subject: Option<&Subject>,
    what: &str,
    detail: String,
    res: io::Result<()>,
) -> Verdict {
    match res {
        Ok(()) => Verdict {
            feature,
            works: true,
            detail,
            reason: None,
            fix: None,
        },
        Err(e) => match denied(ctx, feature, subject, what, &e) {
            Some(d) => Verdict {
                feature,
                works: false,
                detail,
                reason: Some(d.reason),
                fix: Some(d.fix),
            },
            None => Verdict {
                feature,
                works: false,
                detail,
                reason: Some(e.to_string()),
                fix: None,
            },
        },
    }
}

/// When toolbox cannot read the target's files without changing their access times: the
/// kernel allows `O_NOATIME` only to a file's owner or with CAP_FOWNER. See: open(2), O_NOATIME.
fn noatime_note(ctx: &Context, subject: Option<&Subject>) -> Option<String> {
    if ctx.has(Capability::CAP_FOWNER) {
        return None;
    }
    let whose = match subject.and_then(|s| s.uid) {
        Some(uid) if uid == ctx.euid => return None,
        Some(uid) => format!("UID {uid}'s and other users'"),
        None => "other users'".into(),
    };
    Some(format!(
        "without CAP_FOWNER, reading {whose} files and directories (not UID {}'s) updates their access times (O_NOATIME is refused; noatime/relatime mounts limit it)",
        ctx.euid
    ))
}

impl Report {
    /// Probe every feature against `target` (the PID features act on).
    pub fn probe(target: Option<i32>, visible: usize) -> Report {
        let ctx = Context::read();
        let subject = target.map(Subject::read);
        let s = subject.as_ref();
        let mut features = Vec::new();

        features.push(match target {
            Some(pid) => verdict(&ctx, Feature::Ps, s, &format!("cannot read PID {pid}"),
                format!("{visible} processes visible; probe: read /proc/{pid}/stat"),
                fs::read(format!("/proc/{pid}/stat")).map(drop)),
            None => Verdict {
                feature: Feature::Ps,
                works: true,
                detail: format!("{visible} processes visible"),
                reason: Some("only the debug container's own processes are visible: the PID namespace is not shared with an application".into()),
                fix: Some(fix::TARGET_FLAG.into()),
            },
        });

        let no_target = |feature| Verdict {
            feature,
            works: false,
            detail: "no target process".into(),
            reason: Some("there is no target process to act on".into()),
            fix: Some(fix::TARGET_FLAG.into()),
        };
        match target {
            Some(pid) => {
                let root = format!("/proc/{pid}/root");
                let mut v = verdict(
                    &ctx,
                    Feature::Fs,
                    s,
                    &format!("cannot read the root of PID {pid}"),
                    format!("probe: open {root} and list it"),
                    fs::read_dir(&root).map(drop),
                );
                if let Some(note) = noatime_note(&ctx, s) {
                    v.detail.push_str("; ");
                    v.detail.push_str(&note);
                }
                features.push(v);
                let mem = format!("/proc/{pid}/mem");
                let trace_probe =
                    sys::ptrace_syscall_probe().and_then(|()| fs::File::open(&mem).map(drop));
                // The same probe again (io::Error is not Clone).
                let stack_probe =
                    sys::ptrace_syscall_probe().and_then(|()| fs::File::open(&mem).map(drop));
                features.push(verdict(&ctx, Feature::Trace, s, &format!("cannot trace PID {pid}"),
                    format!("probe: ptrace(2) past seccomp, then open {mem} (the kernel's ptrace-attach check)"),
                    trace_probe));
                features.push(stack_verdict(&ctx, s, pid, stack_probe));
            }
            None => {
                features.push(no_target(Feature::Fs));
                features.push(no_target(Feature::Trace));
                features.push(no_target(Feature::Stack));
            }
        }

        let mut capture = verdict(
            &ctx,
            Feature::Capture,
            s,
            "cannot capture packets",
            "probe: open and close an AF_PACKET raw socket".into(),
            sys::packet_socket_probe(),
        );
        if let Some(pid) = target {
            capture_netns(&mut capture, pid);
        }
        features.push(capture);

        features.push(match target {
            Some(pid) => {
                let root = std::path::PathBuf::from(format!("/proc/{pid}/root"));
                let mut v = verdict(&ctx, Feature::Exec, s, &format!("cannot run commands in the root of PID {pid}"),
                    format!("probe: chroot({}) in a short-lived child", root.display()),
                    sys::chroot_probe(&root));
                if v.works {
                    if let Some(missing) = exec_drop_missing(&ctx, pid) {
                        v.works = false;
                        v.reason = Some(format!("giving the program the target's credentials needs {missing}, which toolbox does not have (exec refuses to run it with toolbox's own instead, unless --as-debugger)"));
                        v.fix = Some(fix::CUSTOM_SETID.into());
                    }
                }
                if v.works && !ctx.has(Capability::CAP_SYS_ADMIN) {
                    v.detail.push_str("; `exec --ns` (entering the target's namespaces) also needs CAP_SYS_ADMIN: --profile=sysadmin");
                }
                v
            }
            None => no_target(Feature::Exec),
        });

        features.push(net_verdict(target));
        features.push(ping_verdict(target));

        Report {
            toolbox: ctx,
            target: subject,
            features,
        }
    }
}

/// Whether `stack` can dump the threads of `pid`: the user-space frames need what `trace`
/// needs (ptrace attach: `probe`, the same probe); the kernel stacks need CAP_SYS_ADMIN as
/// well (probed by reading /proc/PID/stack), said in the detail: `stack` still works without
/// them.
fn stack_verdict(ctx: &Context, s: Option<&Subject>, pid: i32, probe: io::Result<()>) -> Verdict {
    let mut v = verdict(
        ctx,
        Feature::Stack,
        s,
        &format!("cannot dump the stacks of PID {pid}"),
        format!("user frames: probe: ptrace(2) past seccomp, then open /proc/{pid}/mem (as trace)"),
        probe,
    );
    let kstack = format!("/proc/{pid}/stack");
    match fs::read(&kstack) {
        Ok(_) => v
            .detail
            .push_str(&format!("; kernel stacks: readable (probe: read {kstack})")),
        Err(e) => {
            let d = crate::caps::kernel_stack_denied(ctx, &e);
            v.detail.push_str(&format!(
                "; kernel stacks not shown (probe: read {kstack}): {}; fix: {}",
                d.reason, d.fix
            ));
        }
    }
    v
}

/// Whether `net`, `connect`, `http` and `dns` can work in the target's network namespace:
/// shared already, joinable (setns(2), probed in a short-lived thread), or not.
fn net_verdict(target: Option<i32>) -> Verdict {
    use crate::target::netns::{self, NetNs, NetNsError};
    const CMDS: &str = "net, connect, http, dns";
    let v = |works, detail: String, reason: Option<String>, fix: Option<String>| Verdict {
        feature: Feature::Net,
        works,
        detail,
        reason,
        fix,
    };
    let Some(pid) = target else {
        return v(
            true,
            format!("{CMDS}: no target process, so they work in toolbox's own network namespace"),
            None,
            None,
        );
    };
    match netns::probe(pid) {
        Ok(NetNs::Shared) => v(true, format!("{CMDS}: toolbox shares the target's network namespace"), None, None),
        Ok(NetNs::Entered { .. }) => v(true, format!(
            "{CMDS}: the network namespace of PID {pid} is not toolbox's; toolbox joins it (probe: setns(2) in a short-lived thread)"
        ), None, None),
        Err(NetNsError::Denied(d)) if matches!(netns::shared(pid), Ok(false)) => v(
            false,
            format!("{CMDS}: the network namespace of PID {pid} is not toolbox's (probe: setns(2) in a short-lived thread)"),
            Some(d.reason),
            Some(d.fix),
        ),
        Err(e) => v(
            true,
            format!("{CMDS}: cannot tell whether the target's network namespace is toolbox's ({e}); without --pid/--target they work in toolbox's own"),
            None,
            None,
        ),
    }
}

/// Which ICMP socket `ping` can use in the target's network namespace (ping_group_range is a
/// per-namespace setting): the probe runs there when toolbox may join it, in its own otherwise.
fn ping_verdict(target: Option<i32>) -> Verdict {
    use crate::net::ping;
    let (probe, note) = match target.map(|pid| crate::target::netns::run_in(pid, ping::probe)) {
        Some(Ok(p)) => (p, ""),
        Some(Err(_)) => (
            ping::probe(),
            " (probed in toolbox's own network namespace, which may not be the target's: see net)",
        ),
        None => (ping::probe(), ""),
    };
    let detail = format!("{}{note}", probe.detail);
    Verdict {
        feature: Feature::Ping,
        works: probe.works.is_some(),
        detail,
        reason: probe.denied.as_ref().map(|d| d.reason.clone()),
        fix: probe.denied.map(|d| d.fix),
    }
}

/// Add to the capture verdict whether toolbox can capture in the target's network namespace:
/// shared already, or joinable (setns(2), probed in a short-lived thread), or not (then the
/// capability and the fix). See [`crate::target::netns`].
fn capture_netns(v: &mut Verdict, pid: i32) {
    use crate::target::netns::{self, NetNs, NetNsError};
    match netns::probe(pid) {
        Ok(NetNs::Shared) => v.detail.push_str("; shares the target's network namespace"),
        Ok(NetNs::Entered { .. }) => v.detail.push_str(&format!(
            "; the network namespace of PID {pid} is not toolbox's: toolbox joins it (probe: setns(2) in a short-lived thread)"
        )),
        Err(NetNsError::Denied(d)) if matches!(netns::shared(pid), Ok(false)) => {
            v.works = false;
            v.detail.push_str(&format!(
                "; the network namespace of PID {pid} is not toolbox's (probe: setns(2) in a short-lived thread)"
            ));
            v.reason = Some(d.reason);
            v.fix = Some(d.fix);
        }
        Err(e) => v.detail.push_str(&format!(
            "; cannot tell whether the target's network namespace is toolbox's ({e}); without --pid/--target toolbox captures in its own"
        )),
    }
}

// --- node mode ------------------------------------------------------------------------------

/// The fix for every node feature: a privileged debug container on the node.
pub const FIX_SYSADMIN: &str =
    "kubectl debug node/NODE -it --image=toolbox --profile=sysadmin  (privileged: CAP_SYS_ADMIN, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH, the host's PID namespace, the node's root at /host)";

/// One node feature's verdict, from a real probe.
#[derive(Clone, Debug, Serialize)]
pub struct NodeVerdict {
    /// `pods`, `pod-net` or `pod-root`.
    pub feature: &'static str,
    /// Whether it works.
    pub works: bool,
    /// What was probed and what happened.
    pub detail: String,
    /// Why not.
    pub reason: Option<String>,
    /// What fixes it.
    pub fix: Option<&'static str>,
}

/// What `caps` adds in node mode.
#[derive(Clone, Debug, Serialize)]
pub struct NodeReport {
    /// The node's root.
    pub root: std::path::PathBuf,
    /// Per-feature verdicts.
    pub features: Vec<NodeVerdict>,
}

fn node_verdict(feature: &'static str, res: Result<String, String>) -> NodeVerdict {
    match res {
        Ok(detail) => NodeVerdict {
            feature,
            works: true,
            detail,
            reason: None,
            fix: None,
        },
        Err(reason) => NodeVerdict {
            feature,
            works: false,
            detail: String::new(),
            reason: Some(reason),
            fix: Some(FIX_SYSADMIN),
        },
    }
}

/// Probe the node features: listing pods (`/proc/*/cgroup` and the node's `var/log/pods`),
/// joining a pod's network namespace (setns(2): CAP_SYS_ADMIN) and reading a pod's root
/// (`/proc/PID/root` of another user's or a more privileged process: CAP_SYS_PTRACE, and
/// CAP_DAC_READ_SEARCH for directories its owner alone may read).
pub fn node_probe(node: &crate::node::Node) -> NodeReport {
    let ctx = crate::caps::Context::read();
    let has = |c: &str| ctx.effective.contains(c);
    let listed = crate::node::containers(node);
    let pods = match &listed {
        Ok(all) => {
            let running = all
                .iter()
                .filter(|c| c.state == crate::node::State::Running)
                .count();
            let pods: std::collections::HashSet<&String> = all.iter().map(|c| &c.pod_uid).collect();
            Ok(format!(
                "read /proc/*/cgroup and {}: {} pods, {} running containers",
                node.root.join("var/log/pods").display(),
                pods.len(),
                running
            ))
        }
        Err(e) => Err(e.to_string()),
    };
    let first = listed.as_ref().ok().and_then(|all| {
        all.iter()
            .find(|c| c.state == crate::node::State::Running && c.pid.is_some())
            .cloned()
    });
    let net = match &first {
        None => Err("no running pod container to probe".to_string()),
        Some(c) => {
            let pid = c.pid.unwrap_or_default();
            match crate::target::netns::probe(pid) {
                Ok(_) => Ok(format!(
                    "joined the network namespace of {} (PID {pid}): capture, net and dns enter a pod's with setns(2){}",
                    crate::output::sanitize(&c.path()),
                    if has("CAP_SYS_ADMIN") { " (CAP_SYS_ADMIN)" } else { "" }
                )),
                Err(_) if !has("CAP_SYS_ADMIN") => Err(format!(
                    "entering a pod's network namespace (setns(2), probed on PID {pid}) needs CAP_SYS_ADMIN, which toolbox does not have"
                )),
                Err(e) => {
                    let text = e.to_string();
                    Err(format!(
                        "entering the network namespace of PID {pid} failed even with CAP_SYS_ADMIN: {}",
                        text.lines().next().unwrap_or_default()
                    ))
                }
            }
        }
    };
    let root = match &first {
        None => Err("no running pod container to probe".to_string()),
        Some(c) => {
            let pid = c.pid.unwrap_or_default();
            match std::fs::read_dir(format!("/proc/{pid}/root/")) {
                Ok(_) => Ok(format!(
                    "read the root of {} (/proc/{pid}/root): ls, cat, find, export work in any pod",
                    crate::output::sanitize(&c.path())
                )),
                Err(e) => {
                    let missing: Vec<&str> = ["CAP_SYS_PTRACE", "CAP_DAC_READ_SEARCH"]
                        .into_iter()
                        .filter(|c| !has(c))
                        .collect();
                    Err(format!(
                        "reading another pod's root (/proc/{pid}/root) needs CAP_SYS_PTRACE (and CAP_DAC_READ_SEARCH for directories only their owner may read){}: {e}",
                        if missing.is_empty() {
                            String::new()
                        } else {
                            format!("; toolbox lacks {}", missing.join(", "))
                        }
                    ))
                }
            }
        }
    };
    NodeReport {
        root: node.root.clone(),
        features: vec![
            node_verdict("pods", pods),
            node_verdict("pod-net", net),
            node_verdict("pod-root", root),
        ],
    }
}
