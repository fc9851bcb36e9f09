//! Decoders for the calls whose arguments depend on each other: prctl's option, futex's
//! operation, clone3's `struct clone_args`, ioctl's request, select's result sets.

use super::structs as st;
use super::text::{self as strings, hex, ptr, read_u32, read_u64, read_u64_at, Ctx, Memory};
use crate::trace::flags::{self as fl, cap_name, flags, Xlat};

/// ` (in [3], out [4], left {tv_sec=0, tv_nsec=99})` or ` (Timeout)` after select/pselect6.
pub(super) fn select_result(ret: i64, args: &[u64; 6], mem: &dyn Memory, ts: bool) -> String {
    if ret == 0 {
        return "0 (Timeout)".to_string();
    }
    let nfds = args[0] as i32;
    // strace lists bare fds in the result sets, even with -y.
    let fd = |f: i32| f.to_string();
    let mut parts = Vec::new();
    for (i, label) in [(1, "in"), (2, "out"), (3, "except")] {
        if args[i] == 0 {
            continue;
        }
        let set = st::fd_set(mem, args[i], nfds, &fd);
        if set != "[]" && set.starts_with('[') {
            parts.push(format!("{label} {set}"));
        }
    }
    if args[4] != 0 {
        let left = if ts {
            st::timespec(mem, args[4])
        } else {
            st::timeval(mem, args[4])
        };
        parts.push(format!("left {left}"));
    }
    format!("{ret} ({})", parts.join(", "))
}

pub(super) const PR_GET_PDEATHSIG: u64 = 2;
pub(super) const PR_GET_NAME: u64 = 16;

/// prctl options. See: include/uapi/linux/prctl.h.
pub(super) const PR_OPTIONS: Xlat = &[
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
pub(super) const DUMPABLE: Xlat = &[
    (0, "SUID_DUMP_DISABLE"),
    (1, "SUID_DUMP_USER"),
    (2, "SUID_DUMP_ROOT"),
];

/// PR_CAP_AMBIENT operations.
pub(super) const CAP_AMBIENT_OPS: Xlat = &[
    (1, "PR_CAP_AMBIENT_IS_SET"),
    (2, "PR_CAP_AMBIENT_RAISE"),
    (3, "PR_CAP_AMBIENT_LOWER"),
    (4, "PR_CAP_AMBIENT_CLEAR_ALL"),
];

pub(super) fn prctl_entry(c: &Ctx<'_>) -> String {
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
        1 => super::signal::sig_text(i64::from(a1 as i32)),
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

pub(super) const FUTEX_PRIVATE: u64 = 128;
pub(super) const FUTEX_CLOCK_REALTIME: u64 = 256;

/// Offsets in `struct clone_args`. See: include/uapi/linux/sched.h.
pub(super) const CA_FLAGS: u64 = 0;
pub(super) const CA_PIDFD: u64 = 8;
pub(super) const CA_CHILD_TID: u64 = 16;
pub(super) const CA_PARENT_TID: u64 = 24;
pub(super) const CA_EXIT_SIGNAL: u64 = 32;
pub(super) const CA_STACK: u64 = 40;
pub(super) const CA_STACK_SIZE: u64 = 48;
pub(super) const CA_TLS: u64 = 56;
pub(super) const CA_SET_TID: u64 = 64;
pub(super) const CA_SET_TID_SIZE: u64 = 72;
pub(super) const CA_CGROUP: u64 = 80;
/// The size of the first published `struct clone_args` (up to `tls`).
pub(super) const CA_MIN_SIZE: u64 = 64;

pub(super) fn clone3_field(c: &Ctx<'_>, addr: u64, off: u64) -> u64 {
    read_u64_at(c.mem, addr.wrapping_add(off)).unwrap_or(0)
}

pub(super) fn clone3_args(c: &Ctx<'_>, addr: u64) -> String {
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
        parts.push(format!(
            "exit_signal={}",
            super::signal::sig_text(sig as i64)
        ));
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

pub(super) fn clone3_result(c: &Ctx<'_>, addr: u64) -> String {
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

pub(super) fn futex_op(v: u64) -> String {
    let v = v & 0xffff_ffff;
    let cmd = v & 0x7f;
    let mut s = match fl::lookup(cmd, fl::FUTEX_CMDS) {
        Some(n) => n.to_string(),
        None => format!("{cmd:#x} /* FUTEX_??? */"),
    };
    if v & FUTEX_PRIVATE != 0 {
        s.push_str("_PRIVATE");
    }
    if v & FUTEX_CLOCK_REALTIME != 0 {
        s.push_str("|FUTEX_CLOCK_REALTIME");
    }
    let rest = v & !(0x7f | FUTEX_PRIVATE | FUTEX_CLOCK_REALTIME);
    if rest != 0 {
        s.push_str(&format!("|{rest:#x}"));
    }
    s
}

pub(super) fn futex_rest(c: &Ctx<'_>) -> String {
    let val = (c.arg(2) as i32).to_string();
    let bitset = |b: u64| {
        if b as u32 == u32::MAX {
            "FUTEX_BITSET_MATCH_ANY".to_string()
        } else {
            hex(b & 0xffff_ffff)
        }
    };
    match c.arg(1) & 0x7f {
        0 => format!("{val}, {}", st::timespec(c.mem, c.arg(3))),
        6 | 13 => st::timespec(c.mem, c.arg(3)),
        9 => format!(
            "{val}, {}, {}",
            st::timespec(c.mem, c.arg(3)),
            bitset(c.arg(5))
        ),
        10 => format!("{val}, {}", bitset(c.arg(5))),
        3 => format!("{val}, {}, {}", c.arg(3) as i32, ptr(c.arg(4))),
        4 | 12 => format!(
            "{val}, {}, {}, {}",
            c.arg(3) as i32,
            ptr(c.arg(4)),
            c.arg(5) as i32
        ),
        1 | 7 | 8 => val,
        _ => format!(
            "{val}, {}, {}, {}",
            hex(c.arg(3)),
            hex(c.arg(4)),
            hex(c.arg(5))
        ),
    }
}

/// Whether ioctl request `req` has its third argument filled in by the kernel (printed at exit).
pub(super) fn ioctl_writes_arg(req: u64) -> bool {
    // TCGETS, TIOCGPGRP, TIOCOUTQ, TIOCGWINSZ, FIONREAD, TIOCGSID, TIOCGPTN
    matches!(
        req & 0xffff_ffff,
        0x5401 | 0x540f | 0x5411 | 0x5413 | 0x541b | 0x5429 | 0x8004_5430
    )
}

/// Whether ioctl request `req` takes no third argument (strace then prints none).
pub(super) fn ioctl_no_arg(req: u64) -> bool {
    // FIONCLEX, FIOCLEX, TIOCEXCL, TIOCNXCL, TIOCNOTTY
    matches!(
        req & 0xffff_ffff,
        0x5450 | 0x5451 | 0x540c | 0x540d | 0x5422
    )
}

/// ioctl's third argument at entry (requests the kernel reads from).
pub(super) fn ioctl_arg_in(c: &Ctx<'_>, v: u64) -> String {
    match c.arg(1) & 0xffff_ffff {
        // TCSETS, TCSETSW, TCSETSF
        0x5402..=0x5404 => st::termios(c.mem, v),
        // TIOCSWINSZ
        0x5414 => st::winsize(c.mem, v),
        // TIOCSPGRP, FIONBIO, FIOASYNC, TIOCSPTLCK: `int *`.
        0x5410 | 0x5421 | 0x5452 | 0x4004_5431 => st::int_ptr(c.mem, v),
        // FICLONE: the source file descriptor.
        0x4004_9409 => c.fd(v as i32),
        _ => hex(v),
    }
}

/// ioctl's third argument at exit (requests the kernel writes to).
pub(super) fn ioctl_arg_out(c: &Ctx<'_>, v: u64) -> String {
    if c.failed() || v == 0 {
        return ptr(v);
    }
    match c.arg(1) & 0xffff_ffff {
        0x5401 => st::termios(c.mem, v),
        0x5413 => st::winsize(c.mem, v),
        _ => st::int_ptr(c.mem, v),
    }
}

pub(super) fn ioctl_name(v: u64) -> String {
    const IOCTLS: fl::Xlat = &[
        (0x5401, "TCGETS"),
        // The OSS sequencer's _IO('T', 2..4) share these numbers; strace names both.
        (0x5402, "SNDCTL_TMR_START or TCSETS"),
        (0x5403, "SNDCTL_TMR_STOP or TCSETSW"),
        (0x5404, "SNDCTL_TMR_CONTINUE or TCSETSF"),
        (0x540a, "TCXONC"),
        (0x540b, "TCFLSH"),
        (0x540c, "TIOCEXCL"),
        (0x540d, "TIOCNXCL"),
        (0x540e, "TIOCSCTTY"),
        (0x540f, "TIOCGPGRP"),
        (0x5412, "TIOCSTI"),
        (0x5422, "TIOCNOTTY"),
        (0x5429, "TIOCGSID"),
        (0x5441, "TIOCGPTPEER"),
        (0x8004_5430, "TIOCGPTN"),
        (0x4004_5431, "TIOCSPTLCK"),
        (0x5411, "TIOCOUTQ"),
        (0x5410, "TIOCSPGRP"),
        (0x5413, "TIOCGWINSZ"),
        (0x5414, "TIOCSWINSZ"),
        (0x541b, "FIONREAD"),
        (0x5421, "FIONBIO"),
        (0x5450, "FIONCLEX"),
        (0x5451, "FIOCLEX"),
        (0x5452, "FIOASYNC"),
        // cp tries a reflink first; btrfs had the number before it became generic.
        (0x4004_9409, "BTRFS_IOC_CLONE or FICLONE"),
    ];
    let v = v & 0xffff_ffff;
    match fl::lookup(v, IOCTLS) {
        Some(n) => n.to_string(),
        None => ioc_text(v),
    }
}

/// An unknown ioctl request taken apart as strace does:
/// `_IOC(_IOC_READ|_IOC_WRITE, 0x55, 0x99, 0x10)` (direction, type, number, size).
/// See: include/uapi/asm-generic/ioctl.h.
fn ioc_text(v: u64) -> String {
    let dir = match (v >> 30) & 3 {
        0 => "_IOC_NONE",
        1 => "_IOC_WRITE",
        2 => "_IOC_READ",
        _ => "_IOC_READ|_IOC_WRITE",
    };
    format!(
        "_IOC({dir}, {}, {}, {})",
        hex((v >> 8) & 0xff),
        hex(v & 0xff),
        hex((v >> 16) & 0x3fff)
    )
}

/// IPC_* flag bits of shmget/semget/msgget (the low nine bits are the mode).
const IPC_GET_FLAGS: Xlat = &[
    (0o1000, "IPC_CREAT"),
    (0o2000, "IPC_EXCL"),
    (0o4000, "SHM_HUGETLB"),
    (0o10000, "SHM_NORESERVE"),
];

/// `IPC_PRIVATE` or the key in hex.
pub(super) fn ipc_key(v: u64) -> String {
    match v as i32 {
        0 => "IPC_PRIVATE".to_string(),
        k => format!("{:#x}", k as u32),
    }
}

/// `IPC_CREAT|0600`: flag names, then the permission bits.
pub(super) fn ipc_get_flags(v: u64) -> String {
    let v = v & 0xffff_ffff;
    let mode = v & 0o777;
    let rest = v & !0o777;
    if rest == 0 {
        return fl::octal(mode);
    }
    format!("{}|{}", flags(rest, IPC_GET_FLAGS, "0"), fl::octal(mode))
}

/// shmctl/semctl/msgctl commands, common part.
const IPC_CMDS: [(u64, &str); 4] = [
    (0, "IPC_RMID"),
    (1, "IPC_SET"),
    (2, "IPC_STAT"),
    (3, "IPC_INFO"),
];

/// An IPC control command for `kind` ('h' shm, 's' sem, 'm' msg).
pub(super) fn ipc_cmd(v: u64, kind: char) -> String {
    let v = v & 0xffff_ffff;
    let cmd = v & !0x100;
    let extra: &[(u64, &str)] = match kind {
        'h' => &[
            (11, "SHM_LOCK"),
            (12, "SHM_UNLOCK"),
            (13, "SHM_STAT"),
            (14, "SHM_INFO"),
            (15, "SHM_STAT_ANY"),
        ],
        's' => &[
            (11, "GETPID"),
            (12, "GETVAL"),
            (13, "GETALL"),
            (14, "GETNCNT"),
            (15, "GETZCNT"),
            (16, "SETVAL"),
            (17, "SETALL"),
            (18, "SEM_STAT"),
            (19, "SEM_INFO"),
            (20, "SEM_STAT_ANY"),
        ],
        _ => &[(11, "MSG_STAT"), (12, "MSG_INFO"), (13, "MSG_STAT_ANY")],
    };
    let name = IPC_CMDS
        .iter()
        .chain(extra)
        .find(|(c, _)| *c == cmd)
        .map_or_else(|| format!("{cmd:#x} /* IPC_??? */"), |(_, n)| n.to_string());
    if v & 0x100 != 0 {
        format!("IPC_64|{name}")
    } else {
        name
    }
}

/// semop's `struct sembuf` array: `[{sem_num=0, sem_op=1, sem_flg=IPC_NOWAIT}]`.
pub(super) fn sembufs(c: &Ctx<'_>, addr: u64, n: u64) -> String {
    const SEM_FLAGS: Xlat = &[(0o4000, "IPC_NOWAIT"), (0x1000, "SEM_UNDO")];
    let n = usize::try_from(n.min(1024)).unwrap_or(0);
    let Ok(b) = c.mem.read(addr, n * 6) else {
        return ptr(addr);
    };
    let items = (0..n).map(|i| {
        let f = |off: usize| {
            b.get(i * 6 + off..i * 6 + off + 2)
                .map_or(0, |x| u16::from_le_bytes([x[0], x[1]]))
        };
        format!(
            "{{sem_num={}, sem_op={}, sem_flg={}}}",
            f(0),
            f(2) as i16,
            flags(u64::from(f(4)), SEM_FLAGS, "0")
        )
    });
    st::array(items, c.opts)
}

/// msgsnd/msgrcv's `{mtype=1, mtext="hi"}` with `len` bytes of text.
pub(super) fn msgbuf(c: &Ctx<'_>, addr: u64, len: u64) -> String {
    match read_u64(c.mem, addr) {
        Some(mtype) => format!(
            "{{mtype={}, mtext={}}}",
            mtype as i64,
            strings::buf(c.mem, addr.wrapping_add(8), len, c.opts)
        ),
        None => ptr(addr),
    }
}
