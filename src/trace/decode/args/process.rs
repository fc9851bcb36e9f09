//! Process arguments: clone/clone3, prctl, execve arrays, wait status, limits, credentials,
//! CPU and NUMA sets, capabilities, sysinfo/uname/times.

use crate::trace::decode::signal::sig_text;
use crate::trace::decode::structs as st;
use crate::trace::decode::text::{self as strings, hex, if_ok, ptr, read_u32, read_u64_at, Ctx};
use crate::trace::flags::{self as fl, cap_name, flags, xenum, Xlat};
use crate::trace::syscalls::args::Arg::{self, *};

/// Argument `i` of kind `k`, one of this family's kinds (see [`super::arg_text`]).
pub(super) fn text(k: Arg, i: usize, c: &Ctx<'_>) -> String {
    let v = c.arg(i);
    match k {
        RlimIn => st::rlimit(c.mem, v),
        Argv => st::string_array(c.mem, v, c.opts, false),
        Envp => st::string_array(c.mem, v, c.opts, true),
        CloneEntry => {
            let flags_v = c.arg(0);
            let sig = flags_v & 0xff;
            let mut f = flags(flags_v & !0xff, fl::CLONE_FLAGS, "");
            if sig != 0 {
                if !f.is_empty() {
                    f.push('|');
                }
                f.push_str(&sig_text(sig as i64));
            }
            if f.is_empty() {
                f.push('0');
            }
            format!("child_stack={}, flags={f}", ptr(c.arg(1)))
        }
        Clone3Args => clone3_args(c, v),
        Clone3Result => clone3_result(c, c.arg(0)),
        Clone3Size => c.arg(1).to_string(),
        RlimOut => if_ok(c, v, st::rlimit),
        SysinfoOut => {
            if c.failed() || v == 0 {
                ptr(v)
            } else {
                st::sysinfo(c.mem, v, c.opts)
            }
        }
        GidsOut => match c.ret {
            Some(r) if r >= 0 => {
                let n = (r as u64).min(c.arg(0) & 0xffff_ffff);
                st::u32_array(c.mem, v, n, c.opts)
            }
            _ => ptr(v),
        },
        GidsIn => st::u32_array(c.mem, v, c.arg(0) & 0xffff_ffff, c.opts),
        CpuSetIn(n) => st::cpu_set(c.mem, v, c.arg(n)),
        MpolMode => fl::mpol_mode(v & 0xffff_ffff),
        MpolModeOut => match read_u32(c.mem, v) {
            Some(m) if !c.failed() => {
                format!("[{}]", xenum(u64::from(m), fl::MPOL_MODES, "MPOL_???"))
            }
            _ => ptr(v),
        },
        NodemaskIn(n) => st::nodemask(c.mem, v, c.arg(n), c.opts),
        NodemaskOut(n) => {
            if c.failed() {
                ptr(v)
            } else {
                st::nodemask(c.mem, v, c.arg(n), c.opts)
            }
        }
        CpuSetOut => match c.ret {
            Some(r) if r >= 0 => st::cpu_set(c.mem, v, r as u64),
            _ => ptr(v),
        },
        PrctlEntry => prctl_entry(c),
        CapHeader => st::cap_header(c.mem, v),
        CapDataIn => st::cap_data(c.mem, v, c.arg(0)),
        CapDataOut => {
            if c.failed() || v == 0 {
                ptr(v)
            } else {
                st::cap_data(c.mem, v, c.arg(0))
            }
        }
        RusageOut => if_ok(c, v, st::rusage),
        TmsOut => if_ok(c, v, st::tms),
        PrctlExit => match c.arg(0) {
            PR_GET_PDEATHSIG => {
                if c.failed() {
                    ptr(c.arg(1))
                } else {
                    match read_u32(c.mem, c.arg(1)) {
                        Some(sig) => {
                            format!("[{}]", sig_text(i64::from(sig as i32)))
                        }
                        None => ptr(c.arg(1)),
                    }
                }
            }
            _ => {
                if c.failed() {
                    ptr(c.arg(1))
                } else {
                    strings::cstr_max(c.mem, c.arg(1), c.opts.strsize.min(16))
                }
            }
        },
        UtsOut => if_ok(c, v, st::utsname),
        WaitStatus => match c.ret {
            Some(r) if r > 0 => st::wait_status(c.mem, v),
            _ => ptr(v),
        },
        CloneExit => {
            // strace 6.1 prints these at exit, each after its own separator.
            let f = c.arg(0);
            let mut out = String::new();
            if f & libc::CLONE_PARENT_SETTID as u64 != 0 {
                out.push_str(&format!(", parent_tid={}", st::int_ptr(c.mem, c.arg(2))));
            } else if f & libc::CLONE_PIDFD as u64 != 0 {
                let fd = read_u32(c.mem, c.arg(2)).map_or(-1, |v| v as i32);
                out.push_str(&format!(", parent_tid=[{}]", c.fd(fd)));
            }
            if f & libc::CLONE_SETTLS as u64 != 0 {
                out.push_str(&format!(", tls={}", ptr(c.arg(4))));
            }
            if f & (libc::CLONE_CHILD_SETTID | libc::CLONE_CHILD_CLEARTID) as u64 != 0 {
                out.push_str(&format!(", child_tidptr={}", ptr(c.arg(3))));
            }
            out
        }

        // arg_text dispatches only the kinds above here.
        _ => ptr(v),
    }
}

pub(crate) const PR_GET_PDEATHSIG: u64 = 2;
pub(crate) const PR_GET_NAME: u64 = 16;

/// prctl options. See: include/uapi/linux/prctl.h.
pub(crate) const PR_OPTIONS: Xlat = &[
    (1, "PR_SET_PDEATHSIG"),
    (2, "PR_GET_PDEATHSIG"),
    (3, "PR_GET_DUMPABLE"),
    (4, "PR_SET_DUMPABLE"),
    (5, "PR_GET_UNALIGN"),
    (6, "PR_SET_UNALIGN"),
    (7, "PR_GET_KEEPCAPS"),
    (8, "PR_SET_KEEPCAPS"),
    (9, "PR_GET_FPEMU"),
    (10, "PR_SET_FPEMU"),
    (11, "PR_GET_FPEXC"),
    (12, "PR_SET_FPEXC"),
    (13, "PR_GET_TIMING"),
    (14, "PR_SET_TIMING"),
    (15, "PR_SET_NAME"),
    (16, "PR_GET_NAME"),
    (19, "PR_GET_ENDIAN"),
    (20, "PR_SET_ENDIAN"),
    (21, "PR_GET_SECCOMP"),
    (22, "PR_SET_SECCOMP"),
    (23, "PR_CAPBSET_READ"),
    (24, "PR_CAPBSET_DROP"),
    (25, "PR_GET_TSC"),
    (26, "PR_SET_TSC"),
    (27, "PR_GET_SECUREBITS"),
    (28, "PR_SET_SECUREBITS"),
    (29, "PR_SET_TIMERSLACK"),
    (30, "PR_GET_TIMERSLACK"),
    (31, "PR_TASK_PERF_EVENTS_DISABLE"),
    (32, "PR_TASK_PERF_EVENTS_ENABLE"),
    (33, "PR_MCE_KILL"),
    (34, "PR_MCE_KILL_GET"),
    (35, "PR_SET_MM"),
    (36, "PR_SET_CHILD_SUBREAPER"),
    (37, "PR_GET_CHILD_SUBREAPER"),
    (38, "PR_SET_NO_NEW_PRIVS"),
    (39, "PR_GET_NO_NEW_PRIVS"),
    (40, "PR_GET_TID_ADDRESS"),
    (41, "PR_SET_THP_DISABLE"),
    (42, "PR_GET_THP_DISABLE"),
    (45, "PR_SET_FP_MODE"),
    (46, "PR_GET_FP_MODE"),
    (47, "PR_CAP_AMBIENT"),
    (52, "PR_GET_SPECULATION_CTRL"),
    (53, "PR_SET_SPECULATION_CTRL"),
    (57, "PR_SET_IO_FLUSHER"),
    (58, "PR_GET_IO_FLUSHER"),
    (59, "PR_SET_SYSCALL_USER_DISPATCH"),
    (0x5961_6d61, "PR_SET_PTRACER"),
    (0x5356_4d41, "PR_SET_VMA"),
];

/// PR_SET_DUMPABLE values.
pub(crate) const DUMPABLE: Xlat = &[
    (0, "SUID_DUMP_DISABLE"),
    (1, "SUID_DUMP_USER"),
    (2, "SUID_DUMP_ROOT"),
];

/// PR_CAP_AMBIENT operations.
pub(crate) const CAP_AMBIENT_OPS: Xlat = &[
    (1, "PR_CAP_AMBIENT_IS_SET"),
    (2, "PR_CAP_AMBIENT_RAISE"),
    (3, "PR_CAP_AMBIENT_LOWER"),
    (4, "PR_CAP_AMBIENT_CLEAR_ALL"),
];

pub(crate) fn prctl_entry(c: &Ctx<'_>) -> String {
    let op = c.arg(0) & 0xffff_ffff;
    let Some(name) = fl::lookup(op, PR_OPTIONS) else {
        return format!(
            "{op:#x} /* PR_??? */, {}, {}, {}, {}",
            hex(c.arg(1)),
            hex(c.arg(2)),
            hex(c.arg(3)),
            hex(c.arg(4))
        );
    };
    let a1 = c.arg(1);
    let rest = match op {
        2 | 16 => return name.to_string(),
        3 | 7 | 21 | 27 | 30 | 37 | 40 | 42 | 46 | 58 => return name.to_string(),
        1 => sig_text(i64::from(a1 as i32)),
        4 => fl::xenum(a1, DUMPABLE, "SUID_DUMP_???"),
        15 => strings::cstr_max(c.mem, a1, c.opts.strsize.min(15)),
        23 | 24 => cap_name(a1),
        8 | 36 | 29 | 41 => a1.to_string(),
        0x5961_6d61 => (a1 as i64).to_string(),
        38 | 39 => format!("{}, {}, {}, {}", a1, c.arg(2), c.arg(3), c.arg(4)),
        47 => {
            let sub = fl::xenum(a1, CAP_AMBIENT_OPS, "PR_CAP_AMBIENT_???");
            if a1 == 4 {
                format!("{sub}, {}, {}, {}", c.arg(2), c.arg(3), c.arg(4))
            } else {
                format!("{sub}, {}, {}, {}", cap_name(c.arg(2)), c.arg(3), c.arg(4))
            }
        }
        _ => format!(
            "{}, {}, {}, {}",
            hex(a1),
            hex(c.arg(2)),
            hex(c.arg(3)),
            hex(c.arg(4))
        ),
    };
    format!("{name}, {rest}")
}

/// The kernel's `struct clone_args` (include/uapi/linux/sched.h; not in libc for every
/// target). Only its layout is used: fields are read at their `offset_of!`.
#[repr(C)]
#[allow(dead_code)] // never built: a layout for offset_of! only
struct CloneArgs {
    flags: u64,
    pidfd: u64,
    child_tid: u64,
    parent_tid: u64,
    exit_signal: u64,
    stack: u64,
    stack_size: u64,
    tls: u64,
    set_tid: u64,
    set_tid_size: u64,
    cgroup: u64,
}

/// Byte offset of a `clone_args` field.
macro_rules! ca {
    ($f:ident) => {
        std::mem::offset_of!(CloneArgs, $f) as u64
    };
}
pub(crate) const CA_FLAGS: u64 = ca!(flags);
pub(crate) const CA_PIDFD: u64 = ca!(pidfd);
pub(crate) const CA_CHILD_TID: u64 = ca!(child_tid);
pub(crate) const CA_PARENT_TID: u64 = ca!(parent_tid);
pub(crate) const CA_EXIT_SIGNAL: u64 = ca!(exit_signal);
pub(crate) const CA_STACK: u64 = ca!(stack);
pub(crate) const CA_STACK_SIZE: u64 = ca!(stack_size);
pub(crate) const CA_TLS: u64 = ca!(tls);
pub(crate) const CA_SET_TID: u64 = ca!(set_tid);
pub(crate) const CA_SET_TID_SIZE: u64 = ca!(set_tid_size);
pub(crate) const CA_CGROUP: u64 = ca!(cgroup);
/// The size of the first published `struct clone_args` (up to `tls`).
pub(crate) const CA_MIN_SIZE: u64 = ca!(set_tid);

pub(crate) fn clone3_field(c: &Ctx<'_>, addr: u64, off: u64) -> u64 {
    read_u64_at(c.mem, addr.wrapping_add(off)).unwrap_or(0)
}

pub(crate) fn clone3_args(c: &Ctx<'_>, addr: u64) -> String {
    let size = c.arg(1);
    if size < CA_MIN_SIZE || c.mem.read(addr, CA_MIN_SIZE as usize).is_err() {
        return ptr(addr);
    }
    let f = |off| clone3_field(c, addr, off);
    let flags_v = f(CA_FLAGS);
    let mut parts = vec![format!("flags={}", flags(flags_v, fl::CLONE_FLAGS, "0"))];
    if flags_v & libc::CLONE_PIDFD as u64 != 0 {
        parts.push(format!("pidfd={}", ptr(f(CA_PIDFD))));
    }
    if flags_v & (libc::CLONE_CHILD_SETTID | libc::CLONE_CHILD_CLEARTID) as u64 != 0 {
        parts.push(format!("child_tid={}", ptr(f(CA_CHILD_TID))));
    }
    if flags_v & libc::CLONE_PARENT_SETTID as u64 != 0 {
        parts.push(format!("parent_tid={}", ptr(f(CA_PARENT_TID))));
    }
    let sig = f(CA_EXIT_SIGNAL);
    if sig < i32::MAX as u64 {
        parts.push(format!("exit_signal={}", sig_text(sig as i64)));
    } else {
        parts.push(format!("exit_signal={sig}"));
    }
    parts.push(format!("stack={}", ptr(f(CA_STACK))));
    parts.push(format!("stack_size={}", hex(f(CA_STACK_SIZE))));
    if flags_v & libc::CLONE_SETTLS as u64 != 0 {
        parts.push(format!("tls={}", ptr(f(CA_TLS))));
    }
    if size > CA_SET_TID_SIZE {
        let (set_tid, set_tid_size) = (f(CA_SET_TID), f(CA_SET_TID_SIZE));
        if set_tid != 0 || set_tid_size != 0 {
            parts.push(format!("set_tid={}", ptr(set_tid)));
            parts.push(format!("set_tid_size={set_tid_size}"));
        }
    }
    if size > CA_CGROUP {
        let cgroup = f(CA_CGROUP);
        if cgroup != 0 {
            parts.push(format!("cgroup={cgroup}"));
        }
    }
    format!("{{{}}}", parts.join(", "))
}

pub(crate) fn clone3_result(c: &Ctx<'_>, addr: u64) -> String {
    if c.failed() || c.arg(1) < CA_MIN_SIZE {
        return String::new();
    }
    let flags_v = clone3_field(c, addr, CA_FLAGS);
    let mut parts = Vec::new();
    if flags_v & libc::CLONE_PIDFD as u64 != 0 {
        let fd = read_u32(c.mem, clone3_field(c, addr, CA_PIDFD)).map_or(-1, |v| v as i32);
        parts.push(format!("pidfd=[{}]", c.fd(fd)));
    }
    if flags_v & libc::CLONE_PARENT_SETTID as u64 != 0 {
        parts.push(format!(
            "parent_tid={}",
            st::int_ptr(c.mem, clone3_field(c, addr, CA_PARENT_TID))
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" => {{{}}}", parts.join(", "))
    }
}
