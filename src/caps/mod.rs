//! What toolbox may do here, what it may not, why, and the `kubectl debug` flag that fixes it.
//!
//! Everything is read from `/proc/self/status` and real, harmless probes (opening `/proc/PID/mem`
//! passes the same check as ptrace attach; an `AF_PACKET` socket is opened and closed), never
//! guessed. Every command uses [`denied`] so its permission errors say what the report of
//! [`crate::doctor`] says. This module depends on no other part of toolbox but `sys`, so that
//! target discovery can use it.

use std::collections::BTreeSet;
use std::fs;
use std::io;

use caps::{CapSet, Capability};
use serde::Serialize;

use crate::sys;

/// A toolbox feature whose permission is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Feature {
    /// Listing processes.
    Ps,
    /// Browsing the target's root.
    Fs,
    /// Syscall tracing with ptrace.
    Trace,
    /// Stack dumps and profiles (`stack`): ptrace to copy registers and stacks; the kernel
    /// stacks need more (see [`kernel_stack_denied`]).
    Stack,
    /// Packet capture.
    Capture,
    /// Running commands in the target's root with its credentials.
    Exec,
    /// ICMP echo (`ping`): a datagram ICMP socket, or a raw one with CAP_NET_RAW.
    Ping,
    /// Working in the target's network namespace (`net`, `connect`, `http`, `dns`).
    Net,
}

impl Feature {
    /// All features, in report order.
    pub const ALL: [Feature; 8] = [
        Feature::Ps,
        Feature::Fs,
        Feature::Trace,
        Feature::Stack,
        Feature::Capture,
        Feature::Exec,
        Feature::Ping,
        Feature::Net,
    ];

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Feature::Ps => "ps",
            Feature::Fs => "fs",
            Feature::Trace => "trace",
            Feature::Stack => "stack",
            Feature::Capture => "capture",
            Feature::Exec => "exec",
            Feature::Ping => "ping",
            Feature::Net => "net",
        }
    }
}

/// A `kubectl debug --profile` for an ephemeral container, as kubectl defines it: what it adds
/// to the container's `securityContext`. See: `kubectl debug --help`, "--profile".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// Adds CAP_SYS_PTRACE.
    General,
    /// Adds CAP_NET_ADMIN and CAP_NET_RAW.
    Netadmin,
    /// Privileged: every capability.
    Sysadmin,
}

impl Profile {
    /// The `--profile` value.
    pub fn name(self) -> &'static str {
        match self {
            Profile::General => "general",
            Profile::Netadmin => "netadmin",
            Profile::Sysadmin => "sysadmin",
        }
    }

    /// The capabilities the profile adds (`securityContext.capabilities.add`), without `CAP_`;
    /// sysadmin adds none, it makes the container privileged.
    pub fn adds(self) -> &'static [&'static str] {
        match self {
            Profile::General => &["SYS_PTRACE"],
            Profile::Netadmin => &["NET_ADMIN", "NET_RAW"],
            Profile::Sysadmin => &[],
        }
    }

    /// Whether the profile makes the container privileged.
    pub fn privileged(self) -> bool {
        self == Profile::Sysadmin
    }

    /// The fix sentence that names this profile.
    pub fn fix(self) -> &'static str {
        match self {
            Profile::General => fix::PROFILE_GENERAL,
            Profile::Netadmin => fix::PROFILE_NETADMIN,
            Profile::Sysadmin => fix::PROFILE_SYSADMIN,
        }
    }

    /// The one profile that grants what both grant (only sysadmin grants both others).
    pub fn join(self, other: Profile) -> Profile {
        if self == other {
            self
        } else {
            Profile::Sysadmin
        }
    }
}

impl Feature {
    /// The profile that fixes a refusal of this feature: what [`denied`] names.
    pub fn profile(self) -> Profile {
        match self {
            // Stack: user frames; its kernel stacks need sysadmin, but a dump works without.
            Feature::Ps | Feature::Fs | Feature::Trace | Feature::Stack | Feature::Exec => {
                Profile::General
            }
            Feature::Capture | Feature::Ping => Profile::Netadmin,
            Feature::Net => Profile::Sysadmin,
        }
    }
}

/// The features toolbox subcommand `command` uses in a debug container started with
/// `kubectl debug --target` (which shares the target's network namespace, so `net` and its
/// kin need no `setns`); `None` for commands that do not run in a pod's debug container
/// (node mode's `pods` and `logs`; `merge` and `kubectl` run on the laptop).
pub fn command_features(command: &str) -> Option<&'static [Feature]> {
    Some(match command {
        "target" | "ps" | "inspect" | "net" => &[Feature::Ps],
        "ls" | "cat" | "head" | "tail" | "tree" | "find" | "stat" | "grep" | "export" | "tar"
        | "test" | "dns" | "http" | "connect" => &[Feature::Fs],
        "trace" => &[Feature::Trace],
        "stack" => &[Feature::Stack],
        "capture" => &[Feature::Capture],
        "exec" => &[Feature::Exec],
        "ping" => &[Feature::Ping],
        "caps" | "idle" | "help" => &[],
        _ => return None,
    })
}

/// The `kubectl debug --profile` toolbox needs for `command` (`None`: the interactive session),
/// from the same table as the fixes of [`denied`]: the join of its features' profiles, general
/// for a command that needs none (and for the session, where anything may follow). `None` when
/// the command does not run in a pod (see [`command_features`]).
pub fn kubectl_profile(command: Option<&str>) -> Option<Profile> {
    let Some(command) = command else {
        return Some(Profile::General);
    };
    let features = command_features(command)?;
    Some(
        features
            .iter()
            .map(|f| f.profile())
            .reduce(Profile::join)
            .unwrap_or(Profile::General),
    )
}

/// The kubectl fixes, stated once.
pub mod fix {
    /// Grants CAP_SYS_PTRACE.
    pub const PROFILE_GENERAL: &str =
        "kubectl debug -it POD --image=toolbox --target=CONTAINER --profile=general  (adds CAP_SYS_PTRACE)";
    /// Grants CAP_NET_RAW and CAP_NET_ADMIN.
    pub const PROFILE_NETADMIN: &str =
        "kubectl debug -it POD --image=toolbox --target=CONTAINER --profile=netadmin  (adds CAP_NET_ADMIN, CAP_NET_RAW)";
    /// Privileged.
    pub const PROFILE_SYSADMIN: &str =
        "kubectl debug -it POD --image=toolbox --target=CONTAINER --profile=sysadmin  (privileged)";
    /// Run as root with ptrace.
    pub const CUSTOM_ROOT: &str = "kubectl debug -it POD --image=toolbox --target=CONTAINER --profile=general --custom=root.json  with root.json: {\"securityContext\":{\"runAsUser\":0,\"runAsNonRoot\":false,\"capabilities\":{\"add\":[\"SYS_PTRACE\"]}}}";
    /// Run as root with chroot.
    pub const CUSTOM_CHROOT: &str = "kubectl debug -it POD --image=toolbox --target=CONTAINER --custom=chroot.json  with chroot.json: {\"securityContext\":{\"capabilities\":{\"add\":[\"SYS_CHROOT\"]}}}";
    /// Change user and capabilities (what `exec` needs to give a program the target's credentials).
    pub const CUSTOM_SETID: &str = "kubectl debug -it POD --image=toolbox --target=CONTAINER --profile=general --custom=setid.json  with setid.json: {\"securityContext\":{\"runAsUser\":0,\"capabilities\":{\"add\":[\"SETUID\",\"SETGID\",\"SETPCAP\"]}}}  (or toolbox exec --as-debugger, giving the program toolbox's own privileges)";
    /// No seccomp filter.
    pub const CUSTOM_UNCONFINED: &str = "kubectl debug -it POD --image=toolbox --target=CONTAINER --profile=general --custom=unconfined.json  with unconfined.json: {\"securityContext\":{\"seccompProfile\":{\"type\":\"Unconfined\"}}}";
    /// Share the PID namespace.
    pub const TARGET_FLAG: &str = "kubectl debug -it POD --image=toolbox --target=CONTAINER  (or a pod with shareProcessNamespace: true)";
}

/// toolbox's own credentials and restrictions, read from `/proc/self/status` and procfs.
#[derive(Clone, Debug, Serialize)]
pub struct Context {
    /// Real UID.
    pub uid: u32,
    /// Effective UID.
    pub euid: u32,
    /// Effective capabilities.
    pub effective: BTreeSet<String>,
    /// Permitted capabilities.
    pub permitted: BTreeSet<String>,
    /// Bounding set.
    pub bounding: BTreeSet<String>,
    /// `NoNewPrivs` flag.
    pub no_new_privs: bool,
    /// Seccomp mode: `disabled`, `strict` or `filter`.
    pub seccomp: String,
    /// Number of seccomp filters attached, where the kernel says.
    pub seccomp_filters: Option<u32>,
    /// Yama `ptrace_scope` (absent when Yama is not built in).
    pub yama_ptrace_scope: Option<u8>,
}

fn names(set: CapSet) -> BTreeSet<String> {
    caps::read(None, set)
        .map(|s| s.iter().map(|c| c.to_string()).collect())
        .unwrap_or_default()
}

/// The value of `Key:` in a `/proc/PID/status` text, trimmed.
pub fn status_field(status: &str, key: &str) -> Option<String> {
    status.lines().find_map(|l| {
        l.strip_prefix(key)?
            .strip_prefix(':')
            .map(|v| v.trim().to_string())
    })
}

impl Context {
    /// Read toolbox's own context.
    pub fn read() -> Context {
        let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
        let uid_line = status_field(&status, "Uid").unwrap_or_default();
        let mut uids = uid_line
            .split_whitespace()
            .filter_map(|u| u.parse::<u32>().ok());
        let uid = uids
            .next()
            .unwrap_or_else(|| nix::unistd::getuid().as_raw());
        let euid = uids.next().unwrap_or(uid);
        let seccomp = match status_field(&status, "Seccomp").as_deref() {
            Some("0") => "disabled",
            Some("1") => "strict",
            Some("2") => "filter",
            _ => "unknown",
        }
        .to_string();
        Context {
            uid,
            euid,
            effective: names(CapSet::Effective),
            permitted: names(CapSet::Permitted),
            bounding: names(CapSet::Bounding),
            no_new_privs: status_field(&status, "NoNewPrivs").as_deref() == Some("1"),
            seccomp,
            seccomp_filters: status_field(&status, "Seccomp_filters").and_then(|v| v.parse().ok()),
            yama_ptrace_scope: fs::read_to_string("/proc/sys/kernel/yama/ptrace_scope")
                .ok()
                .and_then(|s| s.trim().parse().ok()),
        }
    }

    /// Whether `cap` is in the effective set.
    pub fn has(&self, cap: Capability) -> bool {
        self.effective.contains(&cap.to_string())
    }
}

/// What is known about the process a feature acts on.
#[derive(Clone, Debug, Serialize)]
pub struct Subject {
    /// PID.
    pub pid: i32,
    /// Real UID of the process.
    pub uid: Option<u32>,
    /// Whether the process is dumpable (a process that changed UID, like an nginx worker, is not:
    /// then only CAP_SYS_PTRACE gives access, even to root).
    pub dumpable: Option<bool>,
}

impl Subject {
    /// Read what is readable about `pid`.
    pub fn read(pid: i32) -> Subject {
        let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let uid =
            status_field(&status, "Uid").and_then(|l| l.split_whitespace().next()?.parse().ok());
        // /proc/PID is owned by root instead of the process's UID when it is not dumpable.
        let dumpable = {
            use std::os::unix::fs::MetadataExt;
            match (fs::metadata(format!("/proc/{pid}")), uid) {
                (Ok(m), Some(u)) => Some(m.uid() == u),
                _ => None,
            }
        };
        Subject { pid, uid, dumpable }
    }
}

/// Why an operation was refused, and what fixes it. Displays as one actionable sentence.
#[derive(Clone, Debug, Serialize, thiserror::Error)]
#[error("{what}: {reason}.\n  fix: {fix}")]
pub struct Denied {
    /// What was attempted, e.g. `cannot trace PID 7`.
    pub what: String,
    /// Why the kernel said no.
    pub reason: String,
    /// The kubectl flag or spec that fixes it.
    pub fix: String,
}

/// Explain a failed operation of `feature` on `subject` that returned `err`.
///
/// `what` names the attempt (`cannot trace PID 7`). Returns `None` when `err` is not a permission
/// problem (the caller then reports it as it is).
pub fn denied(
    ctx: &Context,
    feature: Feature,
    subject: Option<&Subject>,
    what: &str,
    err: &io::Error,
) -> Option<Denied> {
    let errno = err.raw_os_error()?;
    if errno != libc::EPERM && errno != libc::EACCES {
        return None;
    }
    let d = |reason: String, fix: &str| Denied {
        what: what.to_string(),
        reason,
        fix: fix.to_string(),
    };
    match feature {
        Feature::Capture => Some(d(
            "opening a packet socket needs CAP_NET_RAW, which toolbox does not have".into(),
            feature.profile().fix(),
        )),
        Feature::Ping => Some(d(
            "a raw ICMP socket needs CAP_NET_RAW, which toolbox does not have (and net.ipv4.ping_group_range does not admit its group to a datagram ICMP socket)".into(),
            feature.profile().fix(),
        )),
        Feature::Net => Some(d(
            "the target's network namespace is not toolbox's, and joining it (setns(2)) needs CAP_SYS_ADMIN, which toolbox does not have".into(),
            feature.profile().fix(),
        )),
        Feature::Exec if errno == libc::EPERM && !ctx.has(Capability::CAP_SYS_CHROOT) => Some(d(
            "chroot into the target's root needs CAP_SYS_CHROOT, which toolbox does not have"
                .into(),
            fix::CUSTOM_CHROOT,
        )),
        Feature::Ps | Feature::Trace | Feature::Stack | Feature::Fs | Feature::Exec => {
            Some(ptrace_denied(ctx, feature, subject, what, errno))
        }
    }
}

/// Why the kernel stacks (`/proc/PID/task/TID/stack`) are not readable, and the fix, when
/// reading one failed with `err`. The kernel shows them only to an opener with CAP_SYS_ADMIN
/// in the initial user namespace that also passes the ptrace-attach check (and the file's mode
/// 0400 lets it open). See: fs/proc/base.c, proc_pid_stack() and lock_trace().
pub fn kernel_stack_denied(ctx: &Context, err: &io::Error) -> Denied {
    let what = "kernel stacks not shown".to_string();
    let reason = if ctx.has(Capability::CAP_SYS_ADMIN) {
        format!("/proc/PID/task/TID/stack needs CAP_SYS_ADMIN in the node's initial user namespace and ptrace-attach access; reading it failed ({err}) even though toolbox has CAP_SYS_ADMIN (a user namespace, or a security module)")
    } else {
        "/proc/PID/task/TID/stack needs CAP_SYS_ADMIN (and ptrace-attach access), which toolbox does not have".to_string()
    };
    Denied {
        what,
        reason,
        fix: fix::PROFILE_SYSADMIN.to_string(),
    }
}

fn ptrace_denied(
    ctx: &Context,
    feature: Feature,
    subject: Option<&Subject>,
    what: &str,
    errno: i32,
) -> Denied {
    let d = |reason: String, fix: &str| Denied {
        what: what.to_string(),
        reason,
        fix: fix.to_string(),
    };
    let has_ptrace = ctx.has(Capability::CAP_SYS_PTRACE);
    // Reading /proc/PID/{exe,cwd,fd,environ,...} (and, with hidepid, /proc/PID at all) passes
    // the same ptrace-access check as browsing the root. See: ptrace(2), PTRACE_MODE_READ.
    let attach = matches!(feature, Feature::Trace | Feature::Stack);
    let access = match feature {
        Feature::Trace | Feature::Stack => "attach to",
        Feature::Ps => "read the details of",
        _ => "read the root of",
    };
    if attach && sys::ptrace_syscall_probe().is_err() {
        return d(
            format!("the ptrace(2) system call itself is blocked by this container's seccomp profile (Seccomp: {})", ctx.seccomp),
            fix::CUSTOM_UNCONFINED,
        );
    }
    let target_uid = subject.and_then(|s| s.uid);
    if ctx.euid != 0 && !has_ptrace {
        let their = target_uid.map_or("another user".to_string(), |u| format!("UID {u}"));
        if target_uid != Some(ctx.euid) {
            return d(
                format!("toolbox runs as UID {} and the process runs as {their}; only the same user or CAP_SYS_PTRACE may {access} it, and a non-root debug container gets no effective capabilities", ctx.euid),
                fix::CUSTOM_ROOT,
            );
        }
    }
    if !has_ptrace {
        if let Some(scope) = ctx.yama_ptrace_scope.filter(|&s| s >= 1) {
            if attach && scope < 3 {
                return d(
                    format!("Yama ptrace_scope is {scope}: only {} may attach without CAP_SYS_PTRACE, which toolbox does not have", if scope == 1 { "a parent process" } else { "CAP_SYS_PTRACE holders" }),
                    feature.profile().fix(),
                );
            }
        }
        let nondump = subject.and_then(|s| s.dumpable) == Some(false);
        let reason = if nondump {
            format!("the process changed its user (not dumpable), so the kernel requires CAP_SYS_PTRACE to {access} it, and toolbox does not have CAP_SYS_PTRACE")
        } else {
            format!("the kernel requires CAP_SYS_PTRACE to {access} a process that holds capabilities toolbox lacks or runs as another user, and toolbox does not have CAP_SYS_PTRACE")
        };
        return d(reason, feature.profile().fix());
    }
    if ctx.yama_ptrace_scope == Some(3) && attach {
        return d(
            "Yama ptrace_scope is 3: no process may be traced until the node reboots".into(),
            "none inside the pod; set kernel.yama.ptrace_scope below 3 at the node's next boot",
        );
    }
    d(
        format!("the kernel refused ({}) even though toolbox has CAP_SYS_PTRACE (a security module such as AppArmor or SELinux, or a user namespace boundary)", io::Error::from_raw_os_error(errno)),
        fix::PROFILE_SYSADMIN,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unprivileged() -> Context {
        Context {
            uid: 0,
            euid: 0,
            effective: BTreeSet::new(),
            permitted: BTreeSet::new(),
            bounding: BTreeSet::new(),
            no_new_privs: false,
            seccomp: "disabled".into(),
            seccomp_filters: None,
            yama_ptrace_scope: None,
        }
    }

    #[test]
    fn every_refusal_names_a_capability_and_the_kubectl_fix() {
        let ctx = unprivileged();
        let subject = Subject {
            pid: 7,
            uid: Some(101),
            dumpable: Some(false),
        };
        for feature in Feature::ALL {
            for errno in [libc::EPERM, libc::EACCES] {
                let err = io::Error::from_raw_os_error(errno);
                let d = denied(&ctx, feature, Some(&subject), "cannot", &err)
                    .unwrap_or_else(|| panic!("{feature:?} {errno}: not a permission error"));
                let text = d.to_string();
                assert!(text.contains("CAP_"), "{feature:?}: {text}");
                assert!(text.contains("kubectl debug"), "{feature:?}: {text}");
            }
        }
        let other = io::Error::from_raw_os_error(libc::ENOENT);
        assert!(denied(&ctx, Feature::Ps, None, "cannot", &other).is_none());
    }

    #[test]
    fn the_kubectl_profile_of_a_command_is_the_fix_caps_names_for_its_features() {
        let ctx = unprivileged();
        let eperm = io::Error::from_raw_os_error(libc::EPERM);
        for (command, want) in [
            ("capture", Profile::Netadmin),
            ("ping", Profile::Netadmin),
            ("trace", Profile::General),
            ("stack", Profile::General),
            ("ls", Profile::General),
            ("ps", Profile::General),
            ("caps", Profile::General),
        ] {
            let got = kubectl_profile(Some(command)).expect(command);
            assert_eq!(got, want, "{command}");
            for &feature in command_features(command).unwrap_or_default() {
                if feature == Feature::Exec {
                    continue; // a chroot refusal names a --custom fix, not a profile
                }
                let d = denied(&ctx, feature, None, "cannot", &eperm).expect("a refusal");
                assert!(
                    d.fix.contains(&format!("--profile={}", got.name())),
                    "{command}: {}",
                    d.fix
                );
            }
        }
        assert_eq!(kubectl_profile(None), Some(Profile::General));
        assert_eq!(kubectl_profile(Some("logs")), None);
        assert_eq!(Profile::General.join(Profile::Netadmin), Profile::Sysadmin);
    }
}
