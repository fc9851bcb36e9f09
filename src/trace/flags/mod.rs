//! Symbolic constants (xlat tables) and the printers that join flags with `|` as strace does.
//!
//! The tables are pure data in `tables.rs`; rows come from the `libc` crate's constants for the
//! target architecture (`c!`, `xlat!`) where libc has them, so each is checked by the compiler
//! against the C headers, and stay literal (with a comment) where libc lacks them. The order of
//! each table is strace's print order.

/// `(libc::NAME as u64, "NAME")` rows; values are taken as 32-bit unsigned like the C `int` flags.
macro_rules! xlat {
    ($($name:ident),* $(,)?) => { &[$((libc::$name as u32 as u64, stringify!($name))),*] };
}

/// One `(libc::NAME as u64, "NAME")` row: the value is libc's for the target architecture.
/// Rows that stay literal name constants libc lacks (or lacks on one of the architectures).
macro_rules! c {
    ($name:ident) => {
        (libc::$name as u64, stringify!($name))
    };
}

/// [`c!`] for a flag libc declares as a negative `int` (bit 31 set): its 32 bits.
macro_rules! c32 {
    ($name:ident) => {
        (libc::$name as u32 as u64, stringify!($name))
    };
}

mod tables;

pub use tables::*;

/// `value` as `A|B|0x40`, or `zero` when it is 0 (strace prints `0` for an empty flag set).
pub fn flags(value: u64, table: Xlat, zero: &str) -> String {
    if value == 0 {
        return table
            .iter()
            .find(|(v, _)| *v == 0)
            .map_or_else(|| zero.to_string(), |(_, n)| n.to_string());
    }
    let mut rest = value;
    let mut parts: Vec<String> = Vec::new();
    for &(v, name) in table {
        if v != 0 && rest & v == v {
            parts.push(name.to_string());
            rest &= !v;
        }
    }
    if rest != 0 {
        parts.push(format!("{rest:#x}"));
    }
    parts.join("|")
}

/// [`flags`], except that a value with no known flag at all prints as strace's `printflags`
/// prints it: in hex with `unknown` as a comment, `0x1 /* O_??? */` (no comment when
/// `unknown` is empty).
pub fn flags_or_unknown(value: u64, table: Xlat, zero: &str, unknown: &str) -> String {
    let none_known = table.iter().all(|&(v, _)| v == 0 || value & v != v);
    if value != 0 && none_known && !unknown.is_empty() {
        return format!("{value:#x} /* {unknown} */");
    }
    flags(value, table, zero)
}

/// The name of `value` in `table`, or `value` in hex followed by `/* PREFIX??? */`.
pub fn xenum(value: u64, table: Xlat, unknown: &str) -> String {
    match lookup(value, table) {
        Some(n) => n.to_string(),
        None => format!("{value:#x} /* {unknown} */"),
    }
}

/// Exact lookup.
pub fn lookup(value: u64, table: Xlat) -> Option<&'static str> {
    table.iter().find(|(v, _)| *v == value).map(|(_, n)| *n)
}

/// `open` flags: `O_RDONLY|O_CLOEXEC`.
pub fn open_flags(v: u64) -> String {
    let v = v & 0xffff_ffff;
    let mut out = lookup(v & 3, OPEN_ACCESS)
        .unwrap_or("O_ACCMODE")
        .to_string();
    let rest = v & !3;
    if rest != 0 {
        out.push('|');
        out.push_str(&flags(rest, OPEN_FLAGS, "0"));
    }
    out
}

/// statx flags: the sync type always first, `AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW`.
pub fn statx_flags(v: u64) -> String {
    let v = v & 0xffff_ffff;
    let mut out = lookup(v & 0x6000, STATX_SYNC).unwrap_or("0").to_string();
    let rest = v & !0x6000;
    if rest != 0 {
        out.push('|');
        out.push_str(&flags(rest, STATX_AT_FLAGS, "0"));
    }
    out
}
/// statx mask bits.
pub const STATX_MASK: Xlat = &[
    c!(STATX_ALL),
    c!(STATX_BASIC_STATS),
    c!(STATX_TYPE),
    c!(STATX_MODE),
    c!(STATX_NLINK),
    c!(STATX_UID),
    c!(STATX_GID),
    c!(STATX_ATIME),
    c!(STATX_MTIME),
    c!(STATX_CTIME),
    c!(STATX_INO),
    c!(STATX_SIZE),
    c!(STATX_BLOCKS),
    c!(STATX_BTIME),
    c!(STATX_MNT_ID),
    c!(STATX_DIOALIGN),
    c!(STATX_MNT_ID_UNIQUE),
    c!(STATX_SUBVOL),
    c!(STATX_WRITE_ATOMIC),
    c!(STATX_DIO_READ_ALIGN),
];
/// access(2) modes.
pub const ACCESS_MODES: Xlat = xlat![R_OK, W_OK, X_OK];
/// mmap/mprotect protection.
pub const PROT: Xlat = xlat![
    PROT_READ,
    PROT_WRITE,
    PROT_EXEC,
    PROT_GROWSDOWN,
    PROT_GROWSUP
];
/// mmap mapping type (the low 4 bits).
pub const MAP_TYPE: Xlat = &[
    c!(MAP_SHARED),
    c!(MAP_PRIVATE),
    c!(MAP_SHARED_VALIDATE),
    c!(MAP_DROPPABLE),
];
/// mmap flags beyond the type.
pub const MAP_FLAGS: Xlat = &[
    c!(MAP_FIXED),
    c!(MAP_ANONYMOUS),
    (0x40, "MAP_32BIT"),   // not in libc for aarch64
    (0x80, "MAP_ABOVE4G"), // libc lacks it
    c!(MAP_NORESERVE),
    c!(MAP_POPULATE),
    c!(MAP_NONBLOCK),
    c!(MAP_GROWSDOWN),
    c!(MAP_DENYWRITE),
    c!(MAP_EXECUTABLE),
    c!(MAP_LOCKED),
    c!(MAP_STACK),
    c!(MAP_HUGETLB),
    c!(MAP_SYNC),
    (0x4000000, "MAP_UNINITIALIZED"), // libc lacks it
    c!(MAP_FIXED_NOREPLACE),
];

/// mmap flags: `MAP_PRIVATE|MAP_ANONYMOUS`.
pub fn mmap_flags(v: u64) -> String {
    let v = v & 0xffff_ffff;
    let ty = v & 0xf;
    let mut out = match lookup(ty, MAP_TYPE) {
        Some(n) => n.to_string(),
        None => format!("{ty:#x} /* MAP_??? */"),
    };
    let mut rest = v & !0xf;
    let huge = rest >> 26;
    rest &= (1 << 26) - 1;
    if rest != 0 {
        out.push('|');
        out.push_str(&flags(rest, MAP_FLAGS, "0"));
    }
    if huge != 0 {
        out.push_str(&format!("|{huge}<<MAP_HUGE_SHIFT"));
    }
    out
}

/// socket(2) type argument: `SOCK_STREAM|SOCK_CLOEXEC`.
pub fn sock_type(v: u64) -> String {
    let v = v & 0xffff_ffff;
    let ty = v & 0xf;
    let mut out = match lookup(ty, SOCK_TYPES) {
        Some(n) => n.to_string(),
        None => format!("{ty:#x} /* SOCK_??? */"),
    };
    let rest = v & !0xf;
    if rest != 0 {
        out.push('|');
        out.push_str(&flags(rest, SOCK_FLAGS, "0"));
    }
    out
}

/// A memory policy mode as strace prints it: `MPOL_BIND|MPOL_F_STATIC_NODES`; when the mode
/// without its flags is unknown, the whole value as `0x9 /* MPOL_??? */`.
pub fn mpol_mode(value: u64) -> String {
    let flag_bits: u64 = MPOL_MODE_FLAGS.iter().map(|(v, _)| v).sum();
    let mode = value & !flag_bits;
    match lookup(mode, MPOL_MODES) {
        Some(name) if value & flag_bits != 0 => {
            format!("{name}|{}", flags(value & flag_bits, MPOL_MODE_FLAGS, "0"))
        }
        Some(name) => name.to_string(),
        None => xenum(value, MPOL_MODES, "MPOL_???"),
    }
}

/// A mode with its file type as strace's `print_symbolic_mode_t` prints it (stat's `st_mode`,
/// mknod): `S_IFDIR|S_ISVTX|0777`, `S_ISUID|S_ISGID|0644` without a type, and the whole mode
/// in octal when the type is unknown.
pub fn symbolic_mode(mode: u64) -> String {
    let m = mode & 0xffff_ffff;
    let ty = m & 0o170000;
    let type_name = if ty == 0 {
        ""
    } else {
        match lookup(ty, FILE_TYPES) {
            Some(n) => n,
            None => return octal(m),
        }
    };
    let mut s = String::new();
    if !type_name.is_empty() {
        s.push_str(type_name);
        s.push('|');
    }
    for (bit, name) in [c!(S_ISUID), c!(S_ISGID), c!(S_ISVTX)] {
        if m & bit != 0 {
            s.push_str(name);
            s.push('|');
        }
    }
    s.push_str(&octal(m & !0o177000));
    s
}

/// A mode argument (open, mkdir, chmod…), in octal as strace's `print_numeric_umode_t`
/// prints it: `0644`, `01777`, `0100644`, and `000` for zero.
pub fn mode(mode: u64) -> String {
    octal(mode & 0xffff_ffff)
}

/// C's `%#03o`: `0644`, `000`, `004`.
pub fn octal(v: u64) -> String {
    if v == 0 {
        return "000".to_string();
    }
    format!("{:0>3}", format!("0{v:o}"))
}

/// mount flags, with the legacy magic in the high half named as strace does.
pub fn mount_flags(v: u64) -> String {
    let v = v & 0xffff_ffff;
    if v & 0xffff_0000 == 0xc0ed_0000 {
        let rest = v & 0xffff;
        return if rest == 0 {
            "MS_MGC_VAL".to_string()
        } else {
            format!("MS_MGC_VAL|{}", flags(rest, MS_FLAGS, "0"))
        };
    }
    flags(v, MS_FLAGS, "0")
}

/// The name of capability `i`, if known.
pub(crate) fn cap_name_known(i: u64) -> Option<&'static str> {
    usize::try_from(i).ok().and_then(|i| CAPS.get(i)).copied()
}

pub(crate) fn cap_name(v: u64) -> String {
    match usize::try_from(v).ok().and_then(|i| CAPS.get(i)) {
        Some(n) => n.to_string(),
        None => format!("{v:#x} /* CAP_??? */"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_printing() {
        assert_eq!(
            open_flags((libc::O_RDONLY | libc::O_CLOEXEC) as u64),
            "O_RDONLY|O_CLOEXEC"
        );
        assert_eq!(
            open_flags((libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC) as u64),
            "O_WRONLY|O_CREAT|O_TRUNC"
        );
        assert_eq!(open_flags(libc::O_SYNC as u64 | 2), "O_RDWR|O_SYNC");
        assert_eq!(
            mmap_flags((libc::MAP_PRIVATE | libc::MAP_ANONYMOUS) as u64),
            "MAP_PRIVATE|MAP_ANONYMOUS"
        );
        assert_eq!(flags(0, PROT, "PROT_NONE"), "PROT_NONE");
        assert_eq!(
            flags(3 | 0x100, PROT, "PROT_NONE"),
            "PROT_READ|PROT_WRITE|0x100"
        );
        assert_eq!(
            sock_type((libc::SOCK_STREAM | libc::SOCK_CLOEXEC) as u64),
            "SOCK_STREAM|SOCK_CLOEXEC"
        );
        assert_eq!(mode(0o644), "0644");
        assert_eq!(mode(0), "000");
        assert_eq!(mode(0o100644), "0100644");
        assert_eq!(mpol_mode(0x8002), "MPOL_BIND|MPOL_F_STATIC_NODES");
        assert_eq!(mpol_mode(0x70007), "0x70007 /* MPOL_??? */");
        assert_eq!(symbolic_mode(0o100600), "S_IFREG|0600");
        assert_eq!(symbolic_mode(0o41777), "S_IFDIR|S_ISVTX|0777");
        assert_eq!(symbolic_mode(0o6644), "S_ISUID|S_ISGID|0644");
        assert_eq!(symbolic_mode(0o170644), "0170644");
        assert_eq!(
            flags(libc::EPOLLET as u32 as u64 | 1, EPOLL_EVENTS, "0"),
            "EPOLLIN|EPOLLET"
        );
    }

    #[test]
    fn tables_agree_with_libc() {
        for (v, n) in [
            (libc::MAP_FIXED, "MAP_FIXED"),
            (libc::MAP_ANONYMOUS, "MAP_ANONYMOUS"),
            (libc::MAP_STACK, "MAP_STACK"),
            (libc::MAP_NORESERVE, "MAP_NORESERVE"),
            (libc::MAP_POPULATE, "MAP_POPULATE"),
            (libc::MAP_DENYWRITE, "MAP_DENYWRITE"),
        ] {
            assert_eq!(lookup(v as u64, MAP_FLAGS), Some(n));
        }
        assert_eq!(
            lookup(libc::SA_RESTART as u32 as u64, SA_FLAGS),
            Some("SA_RESTART")
        );
        assert_eq!(
            lookup(libc::F_DUPFD_CLOEXEC as u64, FCNTL_CMDS),
            Some("F_DUPFD_CLOEXEC")
        );
        assert_eq!(
            lookup(libc::MSG_NOSIGNAL as u64, MSG_FLAGS),
            Some("MSG_NOSIGNAL")
        );
        assert_eq!(lookup(libc::SO_REUSEADDR as u64, SO), Some("SO_REUSEADDR"));
        assert_eq!(lookup(libc::WNOWAIT as u64, WAIT_OPTS), Some("WNOWAIT"));
        assert_eq!(lookup(libc::AF_NETLINK as u64, AF), Some("AF_NETLINK"));
    }
}
