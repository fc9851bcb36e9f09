//! Symbolic constants (xlat tables) and the printers that join flags with `|` as strace does.
//!
//! Values come from the `libc` crate's x86_64 definitions where it has them, so each table is
//! checked by the compiler against the C headers; the order of each table is strace's print order.

/// A table of (value, name) pairs.
pub type Xlat = &'static [(u64, &'static str)];

/// `(libc::NAME as u64, "NAME")` rows; values are taken as 32-bit unsigned like the C `int` flags.
macro_rules! xlat {
    ($($name:ident),* $(,)?) => { &[$((libc::$name as u32 as u64, stringify!($name))),*] };
}

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

/// Access mode of open(2) flags (the low two bits).
pub const OPEN_ACCESS: Xlat = xlat![O_RDONLY, O_WRONLY, O_RDWR];
/// The other open(2) flags.
pub const OPEN_FLAGS: Xlat = &[
    (libc::O_CREAT as u64, "O_CREAT"),
    (libc::O_EXCL as u64, "O_EXCL"),
    (libc::O_NOCTTY as u64, "O_NOCTTY"),
    (libc::O_TRUNC as u64, "O_TRUNC"),
    (libc::O_APPEND as u64, "O_APPEND"),
    (libc::O_NONBLOCK as u64, "O_NONBLOCK"),
    (0o4010000, "O_SYNC"),
    (0o4000000, "__O_SYNC"),
    (libc::O_DSYNC as u64, "O_DSYNC"),
    (libc::O_DIRECT as u64, "O_DIRECT"),
    (0o100000, "O_LARGEFILE"),
    (libc::O_NOFOLLOW as u64, "O_NOFOLLOW"),
    (libc::O_NOATIME as u64, "O_NOATIME"),
    (libc::O_CLOEXEC as u64, "O_CLOEXEC"),
    (libc::O_PATH as u64, "O_PATH"),
    (0o20200000, "O_TMPFILE"),
    (0o20000000, "__O_TMPFILE"),
    (libc::O_DIRECTORY as u64, "O_DIRECTORY"),
    (libc::O_ASYNC as u64, "FASYNC"),
];

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

/// `*at` flags.
pub const AT_FLAGS: Xlat = &[
    (libc::AT_SYMLINK_NOFOLLOW as u64, "AT_SYMLINK_NOFOLLOW"),
    (libc::AT_REMOVEDIR as u64, "AT_REMOVEDIR"),
    (libc::AT_SYMLINK_FOLLOW as u64, "AT_SYMLINK_FOLLOW"),
    (libc::AT_NO_AUTOMOUNT as u64, "AT_NO_AUTOMOUNT"),
    (libc::AT_EMPTY_PATH as u64, "AT_EMPTY_PATH"),
    (0x8000, "AT_RECURSIVE"),
];
/// faccessat2 flags.
pub const ACCESS_AT_FLAGS: Xlat = &[
    (libc::AT_SYMLINK_NOFOLLOW as u64, "AT_SYMLINK_NOFOLLOW"),
    (libc::AT_EACCESS as u64, "AT_EACCESS"),
    (libc::AT_EMPTY_PATH as u64, "AT_EMPTY_PATH"),
];
/// statx flags besides the sync type.
pub const STATX_AT_FLAGS: Xlat = &[
    (libc::AT_SYMLINK_NOFOLLOW as u64, "AT_SYMLINK_NOFOLLOW"),
    (libc::AT_REMOVEDIR as u64, "AT_REMOVEDIR"),
    (libc::AT_SYMLINK_FOLLOW as u64, "AT_SYMLINK_FOLLOW"),
    (libc::AT_NO_AUTOMOUNT as u64, "AT_NO_AUTOMOUNT"),
    (libc::AT_EMPTY_PATH as u64, "AT_EMPTY_PATH"),
    (0x8000, "AT_RECURSIVE"),
];
/// statx sync types (`flags & AT_STATX_SYNC_TYPE`).
pub const STATX_SYNC: Xlat = &[
    (0, "AT_STATX_SYNC_AS_STAT"),
    (libc::AT_STATX_FORCE_SYNC as u64, "AT_STATX_FORCE_SYNC"),
    (libc::AT_STATX_DONT_SYNC as u64, "AT_STATX_DONT_SYNC"),
    (0x6000, "AT_STATX_SYNC_TYPE"),
];

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
    (0xfff, "STATX_ALL"),
    (0x7ff, "STATX_BASIC_STATS"),
    (0x1, "STATX_TYPE"),
    (0x2, "STATX_MODE"),
    (0x4, "STATX_NLINK"),
    (0x8, "STATX_UID"),
    (0x10, "STATX_GID"),
    (0x20, "STATX_ATIME"),
    (0x40, "STATX_MTIME"),
    (0x80, "STATX_CTIME"),
    (0x100, "STATX_INO"),
    (0x200, "STATX_SIZE"),
    (0x400, "STATX_BLOCKS"),
    (0x800, "STATX_BTIME"),
    (0x1000, "STATX_MNT_ID"),
    (0x2000, "STATX_DIOALIGN"),
    (0x4000, "STATX_MNT_ID_UNIQUE"),
    (0x8000, "STATX_SUBVOL"),
    (0x10000, "STATX_WRITE_ATOMIC"),
    (0x20000, "STATX_DIO_READ_ALIGN"),
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
    (1, "MAP_SHARED"),
    (2, "MAP_PRIVATE"),
    (3, "MAP_SHARED_VALIDATE"),
    (8, "MAP_DROPPABLE"),
];
/// mmap flags beyond the type.
pub const MAP_FLAGS: Xlat = &[
    (0x10, "MAP_FIXED"),
    (0x20, "MAP_ANONYMOUS"),
    (0x40, "MAP_32BIT"),
    (0x80, "MAP_ABOVE4G"),
    (0x4000, "MAP_NORESERVE"),
    (0x8000, "MAP_POPULATE"),
    (0x10000, "MAP_NONBLOCK"),
    (0x100, "MAP_GROWSDOWN"),
    (0x800, "MAP_DENYWRITE"),
    (0x1000, "MAP_EXECUTABLE"),
    (0x2000, "MAP_LOCKED"),
    (0x20000, "MAP_STACK"),
    (0x40000, "MAP_HUGETLB"),
    (0x80000, "MAP_SYNC"),
    (0x4000000, "MAP_UNINITIALIZED"),
    (0x100000, "MAP_FIXED_NOREPLACE"),
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

/// mremap flags.
pub const MREMAP_FLAGS: Xlat = &[
    (1, "MREMAP_MAYMOVE"),
    (2, "MREMAP_FIXED"),
    (4, "MREMAP_DONTUNMAP"),
];
/// madvise advice.
pub const MADV: Xlat = &[
    (0, "MADV_NORMAL"),
    (1, "MADV_RANDOM"),
    (2, "MADV_SEQUENTIAL"),
    (3, "MADV_WILLNEED"),
    (4, "MADV_DONTNEED"),
    (8, "MADV_FREE"),
    (9, "MADV_REMOVE"),
    (10, "MADV_DONTFORK"),
    (11, "MADV_DOFORK"),
    (12, "MADV_MERGEABLE"),
    (13, "MADV_UNMERGEABLE"),
    (14, "MADV_HUGEPAGE"),
    (15, "MADV_NOHUGEPAGE"),
    (16, "MADV_DONTDUMP"),
    (17, "MADV_DODUMP"),
    (18, "MADV_WIPEONFORK"),
    (19, "MADV_KEEPONFORK"),
    (20, "MADV_COLD"),
    (21, "MADV_PAGEOUT"),
    (22, "MADV_POPULATE_READ"),
    (23, "MADV_POPULATE_WRITE"),
    (24, "MADV_DONTNEED_LOCKED"),
    (25, "MADV_COLLAPSE"),
    (100, "MADV_HWPOISON"),
    (101, "MADV_SOFT_OFFLINE"),
    (102, "MADV_GUARD_INSTALL"),
    (103, "MADV_GUARD_REMOVE"),
];
/// clone flags (without the exit signal in the low byte).
pub const CLONE_FLAGS: Xlat = xlat![
    CLONE_VM,
    CLONE_FS,
    CLONE_FILES,
    CLONE_SIGHAND,
    CLONE_PIDFD,
    CLONE_PTRACE,
    CLONE_VFORK,
    CLONE_PARENT,
    CLONE_THREAD,
    CLONE_NEWNS,
    CLONE_SYSVSEM,
    CLONE_SETTLS,
    CLONE_PARENT_SETTID,
    CLONE_CHILD_CLEARTID,
    CLONE_UNTRACED,
    CLONE_CHILD_SETTID,
    CLONE_NEWCGROUP,
    CLONE_NEWUTS,
    CLONE_NEWIPC,
    CLONE_NEWUSER,
    CLONE_NEWPID,
    CLONE_NEWNET,
    CLONE_IO,
];
/// Address families.
pub const AF: Xlat = &[
    (0, "AF_UNSPEC"),
    (1, "AF_UNIX"),
    (2, "AF_INET"),
    (3, "AF_AX25"),
    (4, "AF_IPX"),
    (5, "AF_APPLETALK"),
    (6, "AF_NETROM"),
    (7, "AF_BRIDGE"),
    (8, "AF_ATMPVC"),
    (9, "AF_X25"),
    (10, "AF_INET6"),
    (11, "AF_ROSE"),
    (12, "AF_DECnet"),
    (13, "AF_NETBEUI"),
    (14, "AF_SECURITY"),
    (15, "AF_KEY"),
    (16, "AF_NETLINK"),
    (17, "AF_PACKET"),
    (18, "AF_ASH"),
    (19, "AF_ECONET"),
    (20, "AF_ATMSVC"),
    (21, "AF_RDS"),
    (22, "AF_SNA"),
    (23, "AF_IRDA"),
    (24, "AF_PPPOX"),
    (25, "AF_WANPIPE"),
    (26, "AF_LLC"),
    (27, "AF_IB"),
    (28, "AF_MPLS"),
    (29, "AF_CAN"),
    (30, "AF_TIPC"),
    (31, "AF_BLUETOOTH"),
    (32, "AF_IUCV"),
    (33, "AF_RXRPC"),
    (34, "AF_ISDN"),
    (35, "AF_PHONET"),
    (36, "AF_IEEE802154"),
    (37, "AF_CAIF"),
    (38, "AF_ALG"),
    (39, "AF_NFC"),
    (40, "AF_VSOCK"),
    (41, "AF_KCM"),
    (42, "AF_QIPCRTR"),
    (43, "AF_SMC"),
    (44, "AF_XDP"),
    (45, "AF_MCTP"),
];
/// Socket types.
pub const SOCK_TYPES: Xlat = &[
    (1, "SOCK_STREAM"),
    (2, "SOCK_DGRAM"),
    (3, "SOCK_RAW"),
    (4, "SOCK_RDM"),
    (5, "SOCK_SEQPACKET"),
    (6, "SOCK_DCCP"),
    (10, "SOCK_PACKET"),
];
/// Socket type flags.
pub const SOCK_FLAGS: Xlat = xlat![SOCK_CLOEXEC, SOCK_NONBLOCK];

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

/// Protocols for AF_INET/AF_INET6 sockets.
pub const IPPROTO: Xlat = &[
    (0, "IPPROTO_IP"),
    (1, "IPPROTO_ICMP"),
    (2, "IPPROTO_IGMP"),
    (4, "IPPROTO_IPIP"),
    (6, "IPPROTO_TCP"),
    (8, "IPPROTO_EGP"),
    (12, "IPPROTO_PUP"),
    (17, "IPPROTO_UDP"),
    (22, "IPPROTO_IDP"),
    (29, "IPPROTO_TP"),
    (33, "IPPROTO_DCCP"),
    (41, "IPPROTO_IPV6"),
    (46, "IPPROTO_RSVP"),
    (47, "IPPROTO_GRE"),
    (50, "IPPROTO_ESP"),
    (51, "IPPROTO_AH"),
    (58, "IPPROTO_ICMPV6"),
    (92, "IPPROTO_MTP"),
    (94, "IPPROTO_BEETPH"),
    (98, "IPPROTO_ENCAP"),
    (103, "IPPROTO_PIM"),
    (108, "IPPROTO_COMP"),
    (115, "IPPROTO_L2TP"),
    (132, "IPPROTO_SCTP"),
    (136, "IPPROTO_UDPLITE"),
    (137, "IPPROTO_MPLS"),
    (143, "IPPROTO_ETHERNET"),
    (255, "IPPROTO_RAW"),
    (262, "IPPROTO_MPTCP"),
];
/// Netlink protocols.
pub const NETLINK_PROTOS: Xlat = &[
    (0, "NETLINK_ROUTE"),
    (1, "NETLINK_UNUSED"),
    (2, "NETLINK_USERSOCK"),
    (3, "NETLINK_FIREWALL"),
    (4, "NETLINK_SOCK_DIAG"),
    (5, "NETLINK_NFLOG"),
    (6, "NETLINK_XFRM"),
    (7, "NETLINK_SELINUX"),
    (8, "NETLINK_ISCSI"),
    (9, "NETLINK_AUDIT"),
    (10, "NETLINK_FIB_LOOKUP"),
    (11, "NETLINK_CONNECTOR"),
    (12, "NETLINK_NETFILTER"),
    (13, "NETLINK_IP6_FW"),
    (14, "NETLINK_DNRTMSG"),
    (15, "NETLINK_KOBJECT_UEVENT"),
    (16, "NETLINK_GENERIC"),
    (18, "NETLINK_SCSITRANSPORT"),
    (19, "NETLINK_ECRYPTFS"),
    (20, "NETLINK_RDMA"),
    (21, "NETLINK_CRYPTO"),
    (22, "NETLINK_SMC"),
];
/// send/recv flags.
pub const MSG_FLAGS: Xlat = &[
    (0x1, "MSG_OOB"),
    (0x2, "MSG_PEEK"),
    (0x4, "MSG_DONTROUTE"),
    (0x8, "MSG_CTRUNC"),
    (0x10, "MSG_PROBE"),
    (0x20, "MSG_TRUNC"),
    (0x40, "MSG_DONTWAIT"),
    (0x80, "MSG_EOR"),
    (0x100, "MSG_WAITALL"),
    (0x200, "MSG_FIN"),
    (0x400, "MSG_SYN"),
    (0x800, "MSG_CONFIRM"),
    (0x1000, "MSG_RST"),
    (0x2000, "MSG_ERRQUEUE"),
    (0x4000, "MSG_NOSIGNAL"),
    (0x8000, "MSG_MORE"),
    (0x10000, "MSG_WAITFORONE"),
    (0x20000, "MSG_SENDPAGE_NOTLAST"),
    (0x40000, "MSG_BATCH"),
    (0x80000, "MSG_NO_SHARED_FRAGS"),
    (0x2000000, "MSG_SOCK_DEVMEM"),
    (0x4000000, "MSG_ZEROCOPY"),
    (0x20000000, "MSG_FASTOPEN"),
    (0x40000000, "MSG_CMSG_CLOEXEC"),
    (0x80000000, "MSG_CMSG_COMPAT"),
];
/// shutdown(2) how.
pub const SHUTDOWN: Xlat = &[(0, "SHUT_RD"), (1, "SHUT_WR"), (2, "SHUT_RDWR")];
/// Socket option levels.
pub const SOL: Xlat = &[
    (0, "SOL_IP"),
    (1, "SOL_SOCKET"),
    (6, "SOL_TCP"),
    (17, "SOL_UDP"),
    (41, "SOL_IPV6"),
    (58, "SOL_ICMPV6"),
    (255, "SOL_RAW"),
    (263, "SOL_PACKET"),
    (270, "SOL_NETLINK"),
    (282, "SOL_TLS"),
];
/// SOL_NETLINK option names.
pub const NETLINK_OPTS: Xlat = &[
    (1, "NETLINK_ADD_MEMBERSHIP"),
    (2, "NETLINK_DROP_MEMBERSHIP"),
    (3, "NETLINK_PKTINFO"),
    (4, "NETLINK_BROADCAST_ERROR"),
    (5, "NETLINK_NO_ENOBUFS"),
    (6, "NETLINK_RX_RING"),
    (7, "NETLINK_TX_RING"),
    (8, "NETLINK_LISTEN_ALL_NSID"),
    (9, "NETLINK_LIST_MEMBERSHIPS"),
    (10, "NETLINK_CAP_ACK"),
    (11, "NETLINK_EXT_ACK"),
    (12, "NETLINK_GET_STRICT_CHK"),
];
/// SOL_SOCKET option names.
pub const SO: Xlat = &[
    (1, "SO_DEBUG"),
    (2, "SO_REUSEADDR"),
    (3, "SO_TYPE"),
    (4, "SO_ERROR"),
    (5, "SO_DONTROUTE"),
    (6, "SO_BROADCAST"),
    (7, "SO_SNDBUF"),
    (8, "SO_RCVBUF"),
    (9, "SO_KEEPALIVE"),
    (10, "SO_OOBINLINE"),
    (11, "SO_NO_CHECK"),
    (12, "SO_PRIORITY"),
    (13, "SO_LINGER"),
    (14, "SO_BSDCOMPAT"),
    (15, "SO_REUSEPORT"),
    (16, "SO_PASSCRED"),
    (17, "SO_PEERCRED"),
    (18, "SO_RCVLOWAT"),
    (19, "SO_SNDLOWAT"),
    (20, "SO_RCVTIMEO_OLD"),
    (21, "SO_SNDTIMEO_OLD"),
    (25, "SO_BINDTODEVICE"),
    (29, "SO_TIMESTAMP_OLD"),
    (30, "SO_ACCEPTCONN"),
    (31, "SO_PEERSEC"),
    (32, "SO_SNDBUFFORCE"),
    (33, "SO_RCVBUFFORCE"),
    (34, "SO_PASSSEC"),
    (36, "SO_MARK"),
    (38, "SO_PROTOCOL"),
    (39, "SO_DOMAIN"),
    (40, "SO_RXQ_OVFL"),
    (46, "SO_BUSY_POLL"),
    (47, "SO_MAX_PACING_RATE"),
    (49, "SO_INCOMING_CPU"),
    (50, "SO_ATTACH_BPF"),
    (59, "SO_PEERGROUPS"),
    (60, "SO_ZEROCOPY"),
];
/// SOL_IP option names.
pub const IP_OPTS: Xlat = &[
    (1, "IP_TOS"),
    (2, "IP_TTL"),
    (3, "IP_HDRINCL"),
    (4, "IP_OPTIONS"),
    (6, "IP_RECVOPTS"),
    (7, "IP_RETOPTS"),
    (8, "IP_PKTINFO"),
    (10, "IP_MTU_DISCOVER"),
    (11, "IP_RECVERR"),
    (12, "IP_RECVTTL"),
    (13, "IP_RECVTOS"),
    (14, "IP_MTU"),
    (15, "IP_FREEBIND"),
    (19, "IP_TRANSPARENT"),
    (24, "IP_BIND_ADDRESS_NO_PORT"),
    (32, "IP_MULTICAST_IF"),
    (33, "IP_MULTICAST_TTL"),
    (34, "IP_MULTICAST_LOOP"),
    (35, "IP_ADD_MEMBERSHIP"),
    (36, "IP_DROP_MEMBERSHIP"),
];
/// SOL_IPV6 option names.
pub const IPV6_OPTS: Xlat = &[
    (16, "IPV6_UNICAST_HOPS"),
    (17, "IPV6_MULTICAST_IF"),
    (18, "IPV6_MULTICAST_HOPS"),
    (19, "IPV6_MULTICAST_LOOP"),
    (25, "IPV6_RECVERR"),
    (26, "IPV6_V6ONLY"),
    (49, "IPV6_RECVPKTINFO"),
    (50, "IPV6_PKTINFO"),
    (67, "IPV6_TCLASS"),
];
/// IPPROTO_TCP option names.
pub const TCP_OPTS: Xlat = &[
    (1, "TCP_NODELAY"),
    (2, "TCP_MAXSEG"),
    (3, "TCP_CORK"),
    (4, "TCP_KEEPIDLE"),
    (5, "TCP_KEEPINTVL"),
    (6, "TCP_KEEPCNT"),
    (7, "TCP_SYNCNT"),
    (8, "TCP_LINGER2"),
    (9, "TCP_DEFER_ACCEPT"),
    (10, "TCP_WINDOW_CLAMP"),
    (11, "TCP_INFO"),
    (12, "TCP_QUICKACK"),
    (13, "TCP_CONGESTION"),
    (18, "TCP_USER_TIMEOUT"),
    (23, "TCP_FASTOPEN"),
];
/// fcntl commands.
pub const FCNTL_CMDS: Xlat = &[
    (0, "F_DUPFD"),
    (1, "F_GETFD"),
    (2, "F_SETFD"),
    (3, "F_GETFL"),
    (4, "F_SETFL"),
    (5, "F_GETLK"),
    (6, "F_SETLK"),
    (7, "F_SETLKW"),
    (8, "F_SETOWN"),
    (9, "F_GETOWN"),
    (10, "F_SETSIG"),
    (11, "F_GETSIG"),
    (15, "F_SETOWN_EX"),
    (16, "F_GETOWN_EX"),
    (17, "F_GETOWNER_UIDS"),
    (36, "F_OFD_GETLK"),
    (37, "F_OFD_SETLK"),
    (38, "F_OFD_SETLKW"),
    (1024, "F_SETLEASE"),
    (1025, "F_GETLEASE"),
    (1026, "F_NOTIFY"),
    (1027, "F_DUPFD_QUERY"),
    (1028, "F_CREATED_QUERY"),
    (1029, "F_CANCELLK"),
    (1030, "F_DUPFD_CLOEXEC"),
    (1031, "F_SETPIPE_SZ"),
    (1032, "F_GETPIPE_SZ"),
    (1033, "F_ADD_SEALS"),
    (1034, "F_GET_SEALS"),
    (1035, "F_GET_RW_HINT"),
    (1036, "F_SET_RW_HINT"),
    (1037, "F_GET_FILE_RW_HINT"),
    (1038, "F_SET_FILE_RW_HINT"),
];
/// FD_* flags.
pub const FD_FLAGS: Xlat = &[(1, "FD_CLOEXEC")];
/// lseek whence.
pub const WHENCE: Xlat = &[
    (0, "SEEK_SET"),
    (1, "SEEK_CUR"),
    (2, "SEEK_END"),
    (3, "SEEK_DATA"),
    (4, "SEEK_HOLE"),
];
/// epoll_ctl ops.
pub const EPOLL_CTL: Xlat = &[
    (1, "EPOLL_CTL_ADD"),
    (2, "EPOLL_CTL_DEL"),
    (3, "EPOLL_CTL_MOD"),
];
/// epoll event bits.
pub const EPOLL_EVENTS: Xlat = &[
    (0x1, "EPOLLIN"),
    (0x2, "EPOLLPRI"),
    (0x4, "EPOLLOUT"),
    (0x8, "EPOLLERR"),
    (0x10, "EPOLLHUP"),
    (0x20, "EPOLLNVAL"),
    (0x40, "EPOLLRDNORM"),
    (0x80, "EPOLLRDBAND"),
    (0x100, "EPOLLWRNORM"),
    (0x200, "EPOLLWRBAND"),
    (0x400, "EPOLLMSG"),
    (0x2000, "EPOLLRDHUP"),
    (0x10000000, "EPOLLEXCLUSIVE"),
    (0x20000000, "EPOLLWAKEUP"),
    (0x40000000, "EPOLLONESHOT"),
    (0x80000000, "EPOLLET"),
];
/// poll event bits.
pub const POLL_EVENTS: Xlat = &[
    (0x1, "POLLIN"),
    (0x2, "POLLPRI"),
    (0x4, "POLLOUT"),
    (0x8, "POLLERR"),
    (0x10, "POLLHUP"),
    (0x20, "POLLNVAL"),
    (0x40, "POLLRDNORM"),
    (0x80, "POLLRDBAND"),
    (0x100, "POLLWRNORM"),
    (0x200, "POLLWRBAND"),
    (0x400, "POLLMSG"),
    (0x1000, "POLLREMOVE"),
    (0x2000, "POLLRDHUP"),
];
/// sigaction sa_flags.
pub const SA_FLAGS: Xlat = &[
    (0x04000000, "SA_RESTORER"),
    (0x08000000, "SA_ONSTACK"),
    (0x10000000, "SA_RESTART"),
    (0x20000000, "SA_INTERRUPT"),
    (0x40000000, "SA_NODEFER"),
    (0x80000000, "SA_RESETHAND"),
    (0x4, "SA_SIGINFO"),
    (0x1, "SA_NOCLDSTOP"),
    (0x2, "SA_NOCLDWAIT"),
];
/// rt_sigprocmask how.
pub const SIG_HOW: Xlat = &[(0, "SIG_BLOCK"), (1, "SIG_UNBLOCK"), (2, "SIG_SETMASK")];
/// wait4/waitid options.
pub const WAIT_OPTS: Xlat = &[
    (1, "WNOHANG"),
    (2, "WSTOPPED"),
    (4, "WEXITED"),
    (8, "WCONTINUED"),
    (0x01000000, "WNOWAIT"),
    (0x80000000, "__WCLONE"),
    (0x40000000, "__WALL"),
    (0x20000000, "__WNOTHREAD"),
];
/// Clock ids.
pub const CLOCKS: Xlat = &[
    (0, "CLOCK_REALTIME"),
    (1, "CLOCK_MONOTONIC"),
    (2, "CLOCK_PROCESS_CPUTIME_ID"),
    (3, "CLOCK_THREAD_CPUTIME_ID"),
    (4, "CLOCK_MONOTONIC_RAW"),
    (5, "CLOCK_REALTIME_COARSE"),
    (6, "CLOCK_MONOTONIC_COARSE"),
    (7, "CLOCK_BOOTTIME"),
    (8, "CLOCK_REALTIME_ALARM"),
    (9, "CLOCK_BOOTTIME_ALARM"),
    (11, "CLOCK_TAI"),
];
/// futex commands (without FUTEX_PRIVATE_FLAG / FUTEX_CLOCK_REALTIME).
pub const FUTEX_CMDS: Xlat = &[
    (0, "FUTEX_WAIT"),
    (1, "FUTEX_WAKE"),
    (2, "FUTEX_FD"),
    (3, "FUTEX_REQUEUE"),
    (4, "FUTEX_CMP_REQUEUE"),
    (5, "FUTEX_WAKE_OP"),
    (6, "FUTEX_LOCK_PI"),
    (7, "FUTEX_UNLOCK_PI"),
    (8, "FUTEX_TRYLOCK_PI"),
    (9, "FUTEX_WAIT_BITSET"),
    (10, "FUTEX_WAKE_BITSET"),
    (11, "FUTEX_WAIT_REQUEUE_PI"),
    (12, "FUTEX_CMP_REQUEUE_PI"),
    (13, "FUTEX_LOCK_PI2"),
];
/// pipe2/dup3/eventfd/… O_* flags.
pub const PIPE_FLAGS: Xlat = &[
    (libc::O_NONBLOCK as u64, "O_NONBLOCK"),
    (libc::O_CLOEXEC as u64, "O_CLOEXEC"),
    (libc::O_DIRECT as u64, "O_DIRECT"),
    (0x80, "O_NOTIFICATION_PIPE"),
];
/// epoll_create1 flags.
pub const EPOLL_CREATE_FLAGS: Xlat = &[(libc::O_CLOEXEC as u64, "EPOLL_CLOEXEC")];
/// eventfd2 flags.
pub const EFD_FLAGS: Xlat = &[
    (1, "EFD_SEMAPHORE"),
    (libc::O_CLOEXEC as u64, "EFD_CLOEXEC"),
    (libc::O_NONBLOCK as u64, "EFD_NONBLOCK"),
];
/// timerfd/signalfd flags.
pub const TFD_FLAGS: Xlat = &[
    (1, "TFD_TIMER_ABSTIME"),
    (2, "TFD_TIMER_CANCEL_ON_SET"),
    (libc::O_CLOEXEC as u64, "TFD_CLOEXEC"),
    (libc::O_NONBLOCK as u64, "TFD_NONBLOCK"),
];
/// signalfd flags.
pub const SFD_FLAGS: Xlat = &[
    (libc::O_CLOEXEC as u64, "SFD_CLOEXEC"),
    (libc::O_NONBLOCK as u64, "SFD_NONBLOCK"),
];
/// inotify_init1 flags.
pub const IN_FLAGS: Xlat = &[
    (libc::O_NONBLOCK as u64, "IN_NONBLOCK"),
    (libc::O_CLOEXEC as u64, "IN_CLOEXEC"),
];
/// inotify event mask bits.
pub const IN_MASK: Xlat = &[
    (0x1, "IN_ACCESS"),
    (0x2, "IN_MODIFY"),
    (0x4, "IN_ATTRIB"),
    (0x8, "IN_CLOSE_WRITE"),
    (0x10, "IN_CLOSE_NOWRITE"),
    (0x20, "IN_OPEN"),
    (0x40, "IN_MOVED_FROM"),
    (0x80, "IN_MOVED_TO"),
    (0x100, "IN_CREATE"),
    (0x200, "IN_DELETE"),
    (0x400, "IN_DELETE_SELF"),
    (0x800, "IN_MOVE_SELF"),
    (0x2000, "IN_UNMOUNT"),
    (0x4000, "IN_Q_OVERFLOW"),
    (0x8000, "IN_IGNORED"),
    (0x0100_0000, "IN_ONLYDIR"),
    (0x0200_0000, "IN_DONT_FOLLOW"),
    (0x0400_0000, "IN_EXCL_UNLINK"),
    (0x1000_0000, "IN_MASK_CREATE"),
    (0x2000_0000, "IN_MASK_ADD"),
    (0x4000_0000, "IN_ISDIR"),
    (0x8000_0000, "IN_ONESHOT"),
];
/// openat2 resolve flags.
pub const RESOLVE_FLAGS: Xlat = &[
    (0x01, "RESOLVE_NO_XDEV"),
    (0x02, "RESOLVE_NO_MAGICLINKS"),
    (0x04, "RESOLVE_NO_SYMLINKS"),
    (0x08, "RESOLVE_BENEATH"),
    (0x10, "RESOLVE_IN_ROOT"),
    (0x20, "RESOLVE_CACHED"),
];
/// sigaltstack flags.
pub const SS_FLAGS: Xlat = &[
    (1, "SS_ONSTACK"),
    (2, "SS_DISABLE"),
    (0x8000_0000, "SS_AUTODISARM"),
];
/// pidfd_send_signal flags.
pub const PIDFD_SIGNAL_FLAGS: Xlat = &[
    (1, "PIDFD_SIGNAL_THREAD"),
    (2, "PIDFD_SIGNAL_THREAD_GROUP"),
    (4, "PIDFD_SIGNAL_PROCESS_GROUP"),
];
/// getrandom flags.
pub const GRND_FLAGS: Xlat = &[
    (1, "GRND_NONBLOCK"),
    (2, "GRND_RANDOM"),
    (4, "GRND_INSECURE"),
];
/// flock operations.
pub const FLOCK_OPS: Xlat = &[
    (1, "LOCK_SH"),
    (2, "LOCK_EX"),
    (4, "LOCK_NB"),
    (8, "LOCK_UN"),
    (32, "LOCK_MAND"),
    (192, "LOCK_RW"),
    (64, "LOCK_READ"),
    (128, "LOCK_WRITE"),
];
/// prlimit/getrlimit resources.
pub const RLIMITS: Xlat = &[
    (0, "RLIMIT_CPU"),
    (1, "RLIMIT_FSIZE"),
    (2, "RLIMIT_DATA"),
    (3, "RLIMIT_STACK"),
    (4, "RLIMIT_CORE"),
    (5, "RLIMIT_RSS"),
    (6, "RLIMIT_NPROC"),
    (7, "RLIMIT_NOFILE"),
    (8, "RLIMIT_MEMLOCK"),
    (9, "RLIMIT_AS"),
    (10, "RLIMIT_LOCKS"),
    (11, "RLIMIT_SIGPENDING"),
    (12, "RLIMIT_MSGQUEUE"),
    (13, "RLIMIT_NICE"),
    (14, "RLIMIT_RTPRIO"),
    (15, "RLIMIT_RTTIME"),
];
/// arch_prctl codes.
pub const ARCH_PRCTL: Xlat = &[
    (0x1001, "ARCH_SET_GS"),
    (0x1002, "ARCH_SET_FS"),
    (0x1003, "ARCH_GET_FS"),
    (0x1004, "ARCH_GET_GS"),
    (0x1011, "ARCH_GET_CPUID"),
    (0x1012, "ARCH_SET_CPUID"),
    (0x3001, "ARCH_CET_STATUS"),
    (0x5001, "ARCH_SHSTK_ENABLE"),
];
/// unlinkat/renameat2 flags.
pub const RENAME_FLAGS: Xlat = &[
    (1, "RENAME_NOREPLACE"),
    (2, "RENAME_EXCHANGE"),
    (4, "RENAME_WHITEOUT"),
];
/// timer flags (clock_nanosleep, timerfd_settime).
pub const TIMER_FLAGS: Xlat = &[(1, "TIMER_ABSTIME")];
/// itimer which.
pub const ITIMERS: Xlat = &[
    (0, "ITIMER_REAL"),
    (1, "ITIMER_VIRTUAL"),
    (2, "ITIMER_PROF"),
];
/// getrusage who.
pub const RUSAGE_WHO: Xlat = &[
    (0, "RUSAGE_SELF"),
    (u64::MAX, "RUSAGE_CHILDREN"),
    (1, "RUSAGE_THREAD"),
];
/// NUMA memory policy modes (set_mempolicy, mbind, get_mempolicy).
pub const MPOL_MODES: Xlat = &[
    (0, "MPOL_DEFAULT"),
    (1, "MPOL_PREFERRED"),
    (2, "MPOL_BIND"),
    (3, "MPOL_INTERLEAVE"),
    (4, "MPOL_LOCAL"),
    (5, "MPOL_PREFERRED_MANY"),
];
/// Flags or-ed into a memory policy mode.
pub const MPOL_MODE_FLAGS: Xlat = &[
    (1 << 15, "MPOL_F_STATIC_NODES"),
    (1 << 14, "MPOL_F_RELATIVE_NODES"),
    (1 << 13, "MPOL_F_NUMA_BALANCING"),
];
/// get_mempolicy flags.
pub const MPOL_GET_FLAGS: Xlat = &[
    (1, "MPOL_F_NODE"),
    (2, "MPOL_F_ADDR"),
    (4, "MPOL_F_MEMS_ALLOWED"),
];
/// mbind flags.
pub const MPOL_MF_FLAGS: Xlat = &[
    (1, "MPOL_MF_STRICT"),
    (2, "MPOL_MF_MOVE"),
    (4, "MPOL_MF_MOVE_ALL"),
];

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

/// statx `stx_attributes` (the ones strace 6.1 names).
pub const STATX_ATTRS: Xlat = &[
    (0x4, "STATX_ATTR_COMPRESSED"),
    (0x10, "STATX_ATTR_IMMUTABLE"),
    (0x20, "STATX_ATTR_APPEND"),
    (0x40, "STATX_ATTR_NODUMP"),
    (0x800, "STATX_ATTR_ENCRYPTED"),
    (0x1000, "STATX_ATTR_AUTOMOUNT"),
    (0x2000, "STATX_ATTR_MOUNT_ROOT"),
    (0x10_0000, "STATX_ATTR_VERITY"),
    (0x20_0000, "STATX_ATTR_DAX"),
];
/// File type bits of st_mode.
pub const FILE_TYPES: Xlat = &[
    (0o140000, "S_IFSOCK"),
    (0o120000, "S_IFLNK"),
    (0o100000, "S_IFREG"),
    (0o060000, "S_IFBLK"),
    (0o040000, "S_IFDIR"),
    (0o020000, "S_IFCHR"),
    (0o010000, "S_IFIFO"),
];

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
    for (bit, name) in [
        (0o4000, "S_ISUID"),
        (0o2000, "S_ISGID"),
        (0o1000, "S_ISVTX"),
    ] {
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

/// posix_fadvise advice.
pub const FADV: Xlat = &[
    (0, "POSIX_FADV_NORMAL"),
    (1, "POSIX_FADV_RANDOM"),
    (2, "POSIX_FADV_SEQUENTIAL"),
    (3, "POSIX_FADV_WILLNEED"),
    (4, "POSIX_FADV_DONTNEED"),
    (5, "POSIX_FADV_NOREUSE"),
];
/// preadv2/pwritev2 flags.
pub const RWF_FLAGS: Xlat = &[
    (0x01, "RWF_HIPRI"),
    (0x02, "RWF_DSYNC"),
    (0x04, "RWF_SYNC"),
    (0x08, "RWF_NOWAIT"),
    (0x10, "RWF_APPEND"),
    (0x20, "RWF_NOAPPEND"),
    (0x40, "RWF_ATOMIC"),
    (0x80, "RWF_DONTCACHE"),
];

/// mount(2) flags.
pub const MS_FLAGS: Xlat = &[
    (1, "MS_RDONLY"),
    (2, "MS_NOSUID"),
    (4, "MS_NODEV"),
    (8, "MS_NOEXEC"),
    (16, "MS_SYNCHRONOUS"),
    (32, "MS_REMOUNT"),
    (64, "MS_MANDLOCK"),
    (128, "MS_DIRSYNC"),
    (256, "MS_NOSYMFOLLOW"),
    (1024, "MS_NOATIME"),
    (2048, "MS_NODIRATIME"),
    (4096, "MS_BIND"),
    (8192, "MS_MOVE"),
    (16384, "MS_REC"),
    (32768, "MS_SILENT"),
    (1 << 16, "MS_POSIXACL"),
    (1 << 17, "MS_UNBINDABLE"),
    (1 << 18, "MS_PRIVATE"),
    (1 << 19, "MS_SLAVE"),
    (1 << 20, "MS_SHARED"),
    (1 << 21, "MS_RELATIME"),
    (1 << 22, "MS_KERNMOUNT"),
    (1 << 23, "MS_I_VERSION"),
    (1 << 24, "MS_STRICTATIME"),
    (1 << 25, "MS_LAZYTIME"),
    (1 << 30, "MS_ACTIVE"),
    (1 << 31, "MS_NOUSER"),
];

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

/// umount2 flags.
pub const UMOUNT_FLAGS: Xlat = &[
    (1, "MNT_FORCE"),
    (2, "MNT_DETACH"),
    (4, "MNT_EXPIRE"),
    (8, "UMOUNT_NOFOLLOW"),
];

/// getpriority/setpriority `which`.
pub const PRIO_WHICH: Xlat = xlat![PRIO_PROCESS, PRIO_PGRP, PRIO_USER];

/// waitid id types.
pub const IDTYPES: Xlat = xlat![P_ALL, P_PID, P_PGID, P_PIDFD];

/// splice/tee/vmsplice flags.
pub const SPLICE_FLAGS: Xlat = xlat![
    SPLICE_F_MOVE,
    SPLICE_F_NONBLOCK,
    SPLICE_F_MORE,
    SPLICE_F_GIFT
];

/// shmat flags (libc has none of them: values from include/uapi/linux/shm.h).
pub const SHMAT_FLAGS: Xlat = &[
    (0o10000, "SHM_RDONLY"),
    (0o20000, "SHM_RND"),
    (0o40000, "SHM_REMAP"),
    (0o100000, "SHM_EXEC"),
];

/// msgsnd/msgrcv flags (MSG_COPY is not in libc: include/uapi/linux/msg.h).
pub const MSG_IPC_FLAGS: Xlat = &[
    (libc::IPC_NOWAIT as u64, "IPC_NOWAIT"),
    (libc::MSG_NOERROR as u64, "MSG_NOERROR"),
    (libc::MSG_EXCEPT as u64, "MSG_EXCEPT"),
    (0o40000, "MSG_COPY"),
];

/// close_range flags.
pub const CLOSE_RANGE_FLAGS: Xlat = xlat![CLOSE_RANGE_UNSHARE, CLOSE_RANGE_CLOEXEC];

/// msync flags.
pub const MSYNC_FLAGS: Xlat = xlat![MS_ASYNC, MS_INVALIDATE, MS_SYNC];

/// mlockall flags.
pub const MCL_FLAGS: Xlat = xlat![MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT];

/// memfd_create flags (MFD_NOEXEC_SEAL and MFD_EXEC are not in libc: include/uapi/linux/memfd.h).
pub const MFD_FLAGS: Xlat = &[
    (libc::MFD_CLOEXEC as u64, "MFD_CLOEXEC"),
    (libc::MFD_ALLOW_SEALING as u64, "MFD_ALLOW_SEALING"),
    (libc::MFD_HUGETLB as u64, "MFD_HUGETLB"),
    (8, "MFD_NOEXEC_SEAL"),
    (16, "MFD_EXEC"),
];

/// pidfd_open flags (PIDFD_NONBLOCK is O_NONBLOCK).
pub const PIDFD_OPEN_FLAGS: Xlat = &[(libc::O_NONBLOCK as u64, "PIDFD_NONBLOCK")];

/// setxattr flags.
pub const XATTR_FLAGS: Xlat = xlat![XATTR_CREATE, XATTR_REPLACE];

/// Capability names, index = number. See: include/uapi/linux/capability.h.
pub(crate) const CAPS: [&str; 41] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
];

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
