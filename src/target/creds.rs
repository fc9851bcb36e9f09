//! Whose privileges a program started by `toolbox exec` gets: the target process's user and group
//! IDs, supplementary groups and capability sets, read from `/proc/PID/status`, limited to what
//! toolbox itself holds; or, where there is no target process (`--root`, `--host`), nobody
//! (UID/GID 65534) without capabilities. See: proc(5) (`Uid`, `Gid`, `Groups`, `Cap*`),
//! capabilities(7).

use std::io;

use crate::sys::exec::{CapSets, Credentials};

/// UID and GID of the unprivileged default ("nobody", "nogroup"/"nobody").
pub const NOBODY: u32 = 65534;
/// CAP_SYS_CHROOT's number. See: linux/capability.h.
pub const CAP_SYS_CHROOT: u32 = 18;

/// Errors reading credentials.
#[derive(Debug, thiserror::Error)]
pub enum CredsError {
    /// `/proc/PID/status` could not be read.
    #[error("cannot read /proc/{pid}/status: {err}")]
    Read {
        /// The process.
        pid: String,
        /// Why.
        err: io::Error,
    },
    /// A field is missing or malformed.
    #[error("/proc/{pid}/status: no readable {field} line")]
    Field {
        /// The process.
        pid: String,
        /// The field.
        field: &'static str,
    },
}

/// The credentials of a process, as `/proc/PID/status` shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// Real, effective, saved UID.
    pub uid: [u32; 3],
    /// Real, effective, saved GID.
    pub gid: [u32; 3],
    /// Supplementary groups.
    pub groups: Vec<u32>,
    /// Capability sets.
    pub caps: CapSets,
}

impl Status {
    /// Nobody, in no supplementary group, with no capabilities at all.
    pub fn nobody() -> Status {
        Status {
            uid: [NOBODY; 3],
            gid: [NOBODY; 3],
            groups: Vec::new(),
            caps: CapSets::default(),
        }
    }

    /// Parse the text of a `/proc/PID/status` file (`pid` only names it in errors).
    pub fn parse(pid: &str, text: &str) -> Result<Status, CredsError> {
        let field = |key: &'static str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
                .ok_or_else(|| CredsError::Field {
                    pid: pid.to_string(),
                    field: key,
                })
        };
        let ids = |key: &'static str| -> Result<[u32; 3], CredsError> {
            let v: Vec<u32> = field(key)?
                .split_whitespace()
                .map(str::parse)
                .collect::<Result<_, _>>()
                .map_err(|_| CredsError::Field {
                    pid: pid.to_string(),
                    field: key,
                })?;
            match v.as_slice() {
                [r, e, s, ..] => Ok([*r, *e, *s]),
                _ => Err(CredsError::Field {
                    pid: pid.to_string(),
                    field: key,
                }),
            }
        };
        let mask = |key: &'static str| -> Result<u64, CredsError> {
            u64::from_str_radix(field(key)?.trim(), 16).map_err(|_| CredsError::Field {
                pid: pid.to_string(),
                field: key,
            })
        };
        let groups = field("Groups")?
            .split_whitespace()
            .map(str::parse)
            .collect::<Result<Vec<u32>, _>>()
            .map_err(|_| CredsError::Field {
                pid: pid.to_string(),
                field: "Groups",
            })?;
        Ok(Status {
            uid: ids("Uid")?,
            gid: ids("Gid")?,
            groups,
            caps: CapSets {
                inheritable: mask("CapInh")?,
                permitted: mask("CapPrm")?,
                effective: mask("CapEff")?,
                bounding: mask("CapBnd")?,
                // Linux 4.3+; older kernels have no ambient set.
                ambient: mask("CapAmb").unwrap_or(0),
            },
        })
    }

    /// Read `/proc/<pid>/status` (`pid` may be `self`).
    pub fn read(pid: &str) -> Result<Status, CredsError> {
        let text = std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|err| {
            CredsError::Read {
                pid: pid.to_string(),
                err,
            }
        })?;
        Status::parse(pid, &text)
    }
}

/// The credentials that take a process holding `own` to `want`: each set is what `want` holds and
/// `own` can give (a process can only shed privileges), unchanged IDs and groups are left alone
/// (so a toolbox without CAP_SETUID can still run a program as its own user). `caps_chrooted`
/// is the same without CAP_SYS_CHROOT, for a root entered by chroot from toolbox's own mount
/// namespace, where that capability would let the program climb out of the root.
/// See: capabilities(7), "Transformation of capabilities during execve()" and capset(2) rules.
pub fn plan(own: &Status, want: &Status) -> Credentials {
    let caps = limit(&own.caps, &want.caps);
    let no_chroot = !(1u64 << CAP_SYS_CHROOT);
    let caps_chrooted = CapSets {
        inheritable: caps.inheritable & no_chroot,
        permitted: caps.permitted & no_chroot,
        effective: caps.effective & no_chroot,
        bounding: caps.bounding & no_chroot,
        ambient: caps.ambient & no_chroot,
    };
    let mut own_groups = own.groups.clone();
    own_groups.sort_unstable();
    let mut want_groups = want.groups.clone();
    want_groups.sort_unstable();
    Credentials {
        groups: (own_groups != want_groups).then(|| want.groups.clone()),
        gid: (own.gid != want.gid).then_some(want.gid),
        uid: (own.uid != want.uid).then_some(want.uid),
        caps,
        caps_chrooted,
    }
}

fn limit(own: &CapSets, want: &CapSets) -> CapSets {
    let bounding = want.bounding & own.bounding;
    let permitted = want.permitted & own.permitted;
    let effective = want.effective & permitted;
    // capset(2): the new inheritable set must lie within the old inheritable set joined with the
    // permitted set (without CAP_SETPCAP effective) and with the bounding set.
    let inheritable =
        want.inheritable & (own.inheritable | own.permitted) & (own.inheritable | bounding);
    // PR_CAP_AMBIENT_RAISE needs the capability both permitted and inheritable.
    let ambient = want.ambient & permitted & inheritable;
    CapSets {
        inheritable,
        permitted,
        effective,
        bounding,
        ambient,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TARGET: &str = "Name:\tprobe\nUid:\t101\t101\t101\t101\nGid:\t101\t101\t101\t101\n\
Groups:\t101 102 \nCapInh:\t0000000000000000\nCapPrm:\t0000000000000000\n\
CapEff:\t0000000000000000\nCapBnd:\t0000000000000000\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\n";

    const TOOLBOX: &str = "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t\nCapInh:\t0000000000000000\n\
CapPrm:\t00000000800c25fb\nCapEff:\t00000000800c25fb\nCapBnd:\t00000000800c25fb\nCapAmb:\t0000000000000000\n";

    #[test]
    fn status_parses_ids_groups_and_masks() {
        let t = Status::parse("7", TARGET).unwrap();
        assert_eq!(t.uid, [101; 3]);
        assert_eq!(t.groups, vec![101, 102]);
        let own = Status::parse("self", TOOLBOX).unwrap();
        assert_eq!(own.caps.effective, 0x800c_25fb);
        assert!(own.groups.is_empty());
        assert!(Status::parse("1", "Uid:\t0\n").is_err());
    }

    #[test]
    fn plan_sheds_what_the_target_lacks_and_keeps_nothing_toolbox_lacks() {
        let own = Status::parse("self", TOOLBOX).unwrap();
        let target = Status::parse("7", TARGET).unwrap();
        let p = plan(&own, &target);
        assert_eq!(p.uid, Some([101; 3]));
        assert_eq!(p.gid, Some([101; 3]));
        assert_eq!(p.groups, Some(vec![101, 102]));
        assert_eq!(p.caps, CapSets::default());
        // A root target with more than toolbox holds gets only the overlap; chroot is removed
        // when the root is entered by chroot.
        let mut rich = own.clone();
        rich.caps.permitted = u64::MAX >> 23;
        rich.caps.effective = rich.caps.permitted;
        rich.caps.bounding = rich.caps.permitted;
        let p = plan(&own, &rich);
        assert_eq!((p.uid, p.gid, p.groups.clone()), (None, None, None));
        assert_eq!(p.caps.permitted, own.caps.permitted);
        assert_eq!(p.caps.bounding, own.caps.bounding);
        assert_eq!(p.caps_chrooted.effective & (1 << CAP_SYS_CHROOT), 0);
        assert_ne!(p.caps.effective & (1 << CAP_SYS_CHROOT), 0);
    }
}
