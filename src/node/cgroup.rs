//! Where kubelet puts a container's cgroup, read back from a `/proc/PID/cgroup` path.
//!
//! cgroupfs driver: `/kubepods/<qos>/pod<UID>/<container>` (Guaranteed pods have no QoS level:
//! `/kubepods/pod<UID>/…`). systemd driver: `/kubepods.slice/kubepods-<qos>.slice/
//! kubepods-<qos>-pod<UID with _ for ->.slice/<runtime>-<ID>.scope`, the runtime prefix being
//! `cri-containerd`, `crio` or `docker`. The container level is the runtime's ID, bare
//! (containerd, CRI-O and Docker under cgroupfs) or `libpod-<ID>` (podman/runc). Paths may start
//! with `/..` segments when toolbox runs in a cgroup namespace of its own, so the layout is looked
//! for anywhere in the path. See: kubelet's `pkg/kubelet/cm/cgroup_manager_linux.go` layout as
//! documented in "Configuring a cgroup driver" (kubernetes.io).

use serde::Serialize;

/// A pod's QoS class as kubelet names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Qos {
    /// Every container has requests equal to limits: no QoS level in the path.
    Guaranteed,
    /// Some request or limit set.
    Burstable,
    /// No requests or limits.
    BestEffort,
}

impl Qos {
    /// kubectl's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Qos::Guaranteed => "Guaranteed",
            Qos::Burstable => "Burstable",
            Qos::BestEffort => "BestEffort",
        }
    }
}

/// A container's place in kubelet's cgroup tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    /// QoS class of the pod.
    pub qos: Qos,
    /// The pod's UID, with dashes (`7e57e001-0000-…`).
    pub pod_uid: String,
    /// The container runtime's ID (lowercase hex), when the path reaches a container level;
    /// `None` for a process in the pod cgroup itself or in a helper cgroup (`conmon`).
    pub container_id: Option<String>,
}

/// Read kubelet's layout from one cgroup path; `None` when the path is not under `kubepods`.
pub fn parse(path: &str) -> Option<Placement> {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let start = segs
        .iter()
        .position(|s| *s == "kubepods" || *s == "kubepods.slice")?;
    let rest = &segs[start + 1..];
    if segs[start] == "kubepods" {
        parse_cgroupfs(rest)
    } else {
        parse_systemd(rest)
    }
}

fn parse_cgroupfs(rest: &[&str]) -> Option<Placement> {
    let (qos, rest) = match *rest.first()? {
        "besteffort" => (Qos::BestEffort, &rest[1..]),
        "burstable" => (Qos::Burstable, &rest[1..]),
        _ => (Qos::Guaranteed, rest),
    };
    let uid = rest.first()?.strip_prefix("pod")?;
    if !is_uid(uid) {
        return None;
    }
    let container_id = rest.get(1).and_then(|c| container_id(c));
    Some(Placement {
        qos,
        pod_uid: uid.to_string(),
        container_id,
    })
}

fn parse_systemd(rest: &[&str]) -> Option<Placement> {
    let (qos, rest) = match *rest.first()? {
        "kubepods-besteffort.slice" => (Qos::BestEffort, &rest[1..]),
        "kubepods-burstable.slice" => (Qos::Burstable, &rest[1..]),
        _ => (Qos::Guaranteed, rest),
    };
    let pod = rest.first()?.strip_suffix(".slice")?;
    let uid = pod.rsplit_once("-pod")?.1.replace('_', "-");
    if !is_uid(&uid) {
        return None;
    }
    let container_id = rest.get(1).and_then(|c| {
        let scope = c.strip_suffix(".scope")?;
        ["cri-containerd-", "crio-", "docker-", "libpod-"]
            .iter()
            .find_map(|p| scope.strip_prefix(p))
            .filter(|id| is_id(id))
            .map(str::to_string)
    });
    Some(Placement {
        qos,
        pod_uid: uid,
        container_id,
    })
}

/// The container level of the cgroupfs layout: `<ID>` or `libpod-<ID>` (podman), `crio-<ID>`,
/// `docker-<ID>`, `cri-containerd-<ID>` with or without `.scope`.
fn container_id(seg: &str) -> Option<String> {
    let s = seg.strip_suffix(".scope").unwrap_or(seg);
    let id = ["libpod-", "cri-containerd-", "crio-", "docker-"]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .unwrap_or(s);
    is_id(id).then(|| id.to_string())
}

/// A runtime container ID: 64 hex digits (every runtime here uses a SHA-256-sized ID).
fn is_id(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A pod UID: hex digits and dashes (an RFC 4122 UUID, or a static pod's config hash).
fn is_uid(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "2ebf7441b13ea756d27ee58128735930a168f3d43179f2877061785f568c9c70";
    const UID: &str = "7e57e001-0000-4000-8000-000000000001";

    fn placed(qos: Qos, id: Option<&str>) -> Option<Placement> {
        Some(Placement {
            qos,
            pod_uid: UID.into(),
            container_id: id.map(str::to_string),
        })
    }

    #[test]
    fn cgroupfs_layouts() {
        // What podman/runc make here with --cgroup-parent (observed on this machine).
        assert_eq!(
            parse(&format!("/kubepods/besteffort/pod{UID}/libpod-{ID}")),
            placed(Qos::BestEffort, Some(ID))
        );
        // containerd / CRI-O / Docker under cgroupfs: the bare ID.
        assert_eq!(
            parse(&format!("/kubepods/burstable/pod{UID}/{ID}")),
            placed(Qos::Burstable, Some(ID))
        );
        assert_eq!(
            parse(&format!("/kubepods/pod{UID}/{ID}")),
            placed(Qos::Guaranteed, Some(ID))
        );
        // conmon's helper cgroup and the pod level itself: a pod, no container.
        assert_eq!(
            parse(&format!("/kubepods/burstable/pod{UID}/conmon")),
            placed(Qos::Burstable, None)
        );
        assert_eq!(
            parse(&format!("/kubepods/besteffort/pod{UID}")),
            placed(Qos::BestEffort, None)
        );
        // Seen from a cgroup namespace of its own.
        assert_eq!(
            parse(&format!("/../../kubepods/besteffort/pod{UID}/{ID}")),
            placed(Qos::BestEffort, Some(ID))
        );
    }

    #[test]
    fn systemd_layouts() {
        let u = UID.replace('-', "_");
        for prefix in ["cri-containerd", "crio", "docker"] {
            assert_eq!(
                parse(&format!(
                    "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{u}.slice/{prefix}-{ID}.scope"
                )),
                placed(Qos::Burstable, Some(ID)),
                "{prefix}"
            );
        }
        assert_eq!(
            parse(&format!(
                "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{u}.slice/crio-{ID}.scope"
            )),
            placed(Qos::BestEffort, Some(ID))
        );
        assert_eq!(
            parse(&format!(
                "/kubepods.slice/kubepods-pod{u}.slice/cri-containerd-{ID}.scope"
            )),
            placed(Qos::Guaranteed, Some(ID))
        );
        // CRI-O's conmon scope is not a container.
        assert_eq!(
            parse(&format!(
                "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{u}.slice/crio-conmon-{ID}.scope"
            )),
            placed(Qos::Burstable, None)
        );
    }

    #[test]
    fn not_kubelet() {
        assert_eq!(parse("/"), None);
        assert_eq!(parse(&format!("/libpod_parent/x/libpod-{ID}")), None);
        assert_eq!(parse("/system.slice/kubelet.service"), None);
        assert_eq!(parse("/kubepods/besteffort"), None);
        assert_eq!(parse("/kubepods/besteffort/pod\x1b[2J/x"), None);
    }
}
