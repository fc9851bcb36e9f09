//! System V IPC and futex arguments.

use crate::trace::decode::structs as st;
use crate::trace::decode::text::{self as strings, field, hex, ptr, read_u64, Ctx};
use crate::trace::flags::{self as fl, flags, Xlat};
use crate::trace::syscalls::args::Arg::{self, *};

/// Argument `i` of kind `k`, one of this family's kinds (see [`super::arg_text`]).
pub(super) fn text(k: Arg, i: usize, c: &Ctx<'_>) -> String {
    let v = c.arg(i);
    match k {
        FutexOp => futex_op(v),
        FutexRest => futex_rest(c),
        IpcKey => ipc_key(v),
        IpcGetFlags => ipc_get_flags(v),
        IpcCmd(kind) => ipc_cmd(v, kind),
        Sembufs => sembufs(c, v, c.arg(2)),
        MsgbufIn => msgbuf(c, v, c.arg(2)),
        MsgbufOut => {
            if c.failed() {
                ptr(v)
            } else {
                msgbuf(c, v, c.arg(2))
            }
        }
        // arg_text dispatches only the kinds above here.
        _ => ptr(v),
    }
}

pub(crate) const FUTEX_PRIVATE: u64 = 128;
pub(crate) const FUTEX_CLOCK_REALTIME: u64 = 256;

pub(crate) fn futex_op(v: u64) -> String {
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

pub(crate) fn futex_rest(c: &Ctx<'_>) -> String {
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

/// IPC_* flag bits of shmget/semget/msgget (the low nine bits are the mode).
const IPC_GET_FLAGS: Xlat = &[
    (0o1000, "IPC_CREAT"),
    (0o2000, "IPC_EXCL"),
    (0o4000, "SHM_HUGETLB"),
    (0o10000, "SHM_NORESERVE"),
];

/// `IPC_PRIVATE` or the key in hex.
pub(crate) fn ipc_key(v: u64) -> String {
    match v as i32 {
        0 => "IPC_PRIVATE".to_string(),
        k => format!("{:#x}", k as u32),
    }
}

/// `IPC_CREAT|0600`: flag names, then the permission bits.
pub(crate) fn ipc_get_flags(v: u64) -> String {
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
pub(crate) fn ipc_cmd(v: u64, kind: char) -> String {
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
pub(crate) fn sembufs(c: &Ctx<'_>, addr: u64, n: u64) -> String {
    const SEM_FLAGS: Xlat = &[
        (libc::IPC_NOWAIT as u64, "IPC_NOWAIT"),
        (libc::SEM_UNDO as u64, "SEM_UNDO"),
    ];
    const SIZE: usize = size_of::<libc::sembuf>();
    let n = usize::try_from(n.min(1024)).unwrap_or(0);
    let Ok(b) = c.mem.read(addr, n * SIZE) else {
        return ptr(addr);
    };
    let items = (0..n).map(|i| {
        let at = i * SIZE;
        let flg = field!(&b, at, libc::sembuf, sem_flg).unwrap_or(0) as u16;
        format!(
            "{{sem_num={}, sem_op={}, sem_flg={}}}",
            field!(&b, at, libc::sembuf, sem_num).unwrap_or(0),
            field!(&b, at, libc::sembuf, sem_op).unwrap_or(0),
            flags(u64::from(flg), SEM_FLAGS, "0")
        )
    });
    st::array(items, c.opts)
}

/// msgsnd/msgrcv's `{mtype=1, mtext="hi"}` with `len` bytes of text.
pub(crate) fn msgbuf(c: &Ctx<'_>, addr: u64, len: u64) -> String {
    match read_u64(c.mem, addr) {
        Some(mtype) => format!(
            "{{mtype={}, mtext={}}}",
            mtype as i64,
            // mtext follows the `long mtype`.
            strings::buf(
                c.mem,
                addr.wrapping_add(size_of::<libc::c_long>() as u64),
                len,
                c.opts
            )
        ),
        None => ptr(addr),
    }
}
