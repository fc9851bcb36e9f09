//! The xlat tables: (value, name) rows in strace's print order. Pure data; see the module docs
//! of [`crate::trace::flags`] for where the values come from.

/// A table of (value, name) pairs.
pub type Xlat = &'static [(u64, &'static str)];

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
    c!(O_SYNC),
    (0o4000000, "__O_SYNC"),
    (libc::O_DSYNC as u64, "O_DSYNC"),
    (libc::O_DIRECT as u64, "O_DIRECT"),
    c!(O_LARGEFILE),
    (libc::O_NOFOLLOW as u64, "O_NOFOLLOW"),
    (libc::O_NOATIME as u64, "O_NOATIME"),
    (libc::O_CLOEXEC as u64, "O_CLOEXEC"),
    (libc::O_PATH as u64, "O_PATH"),
    c!(O_TMPFILE),
    (0o20000000, "__O_TMPFILE"),
    (libc::O_DIRECTORY as u64, "O_DIRECTORY"),
    (libc::O_ASYNC as u64, "FASYNC"),
];

/// `*at` flags.
pub const AT_FLAGS: Xlat = &[
    (libc::AT_SYMLINK_NOFOLLOW as u64, "AT_SYMLINK_NOFOLLOW"),
    (libc::AT_REMOVEDIR as u64, "AT_REMOVEDIR"),
    (libc::AT_SYMLINK_FOLLOW as u64, "AT_SYMLINK_FOLLOW"),
    (libc::AT_NO_AUTOMOUNT as u64, "AT_NO_AUTOMOUNT"),
    (libc::AT_EMPTY_PATH as u64, "AT_EMPTY_PATH"),
    c!(AT_RECURSIVE),
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
    c!(AT_RECURSIVE),
];
/// statx sync types (`flags & AT_STATX_SYNC_TYPE`).
pub const STATX_SYNC: Xlat = &[
    c!(AT_STATX_SYNC_AS_STAT),
    (libc::AT_STATX_FORCE_SYNC as u64, "AT_STATX_FORCE_SYNC"),
    (libc::AT_STATX_DONT_SYNC as u64, "AT_STATX_DONT_SYNC"),
    c!(AT_STATX_SYNC_TYPE),
];

/// mremap flags.
pub const MREMAP_FLAGS: Xlat = &[c!(MREMAP_MAYMOVE), c!(MREMAP_FIXED), c!(MREMAP_DONTUNMAP)];
/// madvise advice.
pub const MADV: Xlat = &[
    c!(MADV_NORMAL),
    c!(MADV_RANDOM),
    c!(MADV_SEQUENTIAL),
    c!(MADV_WILLNEED),
    c!(MADV_DONTNEED),
    c!(MADV_FREE),
    c!(MADV_REMOVE),
    c!(MADV_DONTFORK),
    c!(MADV_DOFORK),
    c!(MADV_MERGEABLE),
    c!(MADV_UNMERGEABLE),
    c!(MADV_HUGEPAGE),
    c!(MADV_NOHUGEPAGE),
    c!(MADV_DONTDUMP),
    c!(MADV_DODUMP),
    c!(MADV_WIPEONFORK),
    c!(MADV_KEEPONFORK),
    c!(MADV_COLD),
    c!(MADV_PAGEOUT),
    c!(MADV_POPULATE_READ),
    c!(MADV_POPULATE_WRITE),
    c!(MADV_DONTNEED_LOCKED),
    (25, "MADV_COLLAPSE"), // libc lacks it
    c!(MADV_HWPOISON),
    c!(MADV_SOFT_OFFLINE),
    (102, "MADV_GUARD_INSTALL"), // libc lacks it
    (103, "MADV_GUARD_REMOVE"),  // libc lacks it
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
    c!(AF_UNSPEC),
    c!(AF_UNIX),
    c!(AF_INET),
    c!(AF_AX25),
    c!(AF_IPX),
    c!(AF_APPLETALK),
    c!(AF_NETROM),
    c!(AF_BRIDGE),
    c!(AF_ATMPVC),
    c!(AF_X25),
    c!(AF_INET6),
    c!(AF_ROSE),
    (12, "AF_DECnet"),
    c!(AF_NETBEUI),
    c!(AF_SECURITY),
    c!(AF_KEY),
    c!(AF_NETLINK),
    c!(AF_PACKET),
    c!(AF_ASH),
    c!(AF_ECONET),
    c!(AF_ATMSVC),
    c!(AF_RDS),
    c!(AF_SNA),
    c!(AF_IRDA),
    c!(AF_PPPOX),
    c!(AF_WANPIPE),
    c!(AF_LLC),
    c!(AF_IB),
    c!(AF_MPLS),
    c!(AF_CAN),
    c!(AF_TIPC),
    c!(AF_BLUETOOTH),
    c!(AF_IUCV),
    c!(AF_RXRPC),
    c!(AF_ISDN),
    c!(AF_PHONET),
    c!(AF_IEEE802154),
    c!(AF_CAIF),
    c!(AF_ALG),
    c!(AF_NFC),
    c!(AF_VSOCK),
    (41, "AF_KCM"),     // libc lacks it
    (42, "AF_QIPCRTR"), // libc lacks it
    (43, "AF_SMC"),     // libc lacks it
    c!(AF_XDP),
    (45, "AF_MCTP"), // libc lacks it
];
/// Socket types.
pub const SOCK_TYPES: Xlat = &[
    c!(SOCK_STREAM),
    c!(SOCK_DGRAM),
    c!(SOCK_RAW),
    c!(SOCK_RDM),
    c!(SOCK_SEQPACKET),
    c!(SOCK_DCCP),
    (10, "SOCK_PACKET"), // deprecated in libc
];
/// Socket type flags.
pub const SOCK_FLAGS: Xlat = xlat![SOCK_CLOEXEC, SOCK_NONBLOCK];

/// Protocols for AF_INET/AF_INET6 sockets.
pub const IPPROTO: Xlat = &[
    c!(IPPROTO_IP),
    c!(IPPROTO_ICMP),
    c!(IPPROTO_IGMP),
    c!(IPPROTO_IPIP),
    c!(IPPROTO_TCP),
    c!(IPPROTO_EGP),
    c!(IPPROTO_PUP),
    c!(IPPROTO_UDP),
    c!(IPPROTO_IDP),
    c!(IPPROTO_TP),
    c!(IPPROTO_DCCP),
    c!(IPPROTO_IPV6),
    c!(IPPROTO_RSVP),
    c!(IPPROTO_GRE),
    c!(IPPROTO_ESP),
    c!(IPPROTO_AH),
    c!(IPPROTO_ICMPV6),
    c!(IPPROTO_MTP),
    c!(IPPROTO_BEETPH),
    c!(IPPROTO_ENCAP),
    c!(IPPROTO_PIM),
    c!(IPPROTO_COMP),
    (115, "IPPROTO_L2TP"), // libc lacks it
    c!(IPPROTO_SCTP),
    c!(IPPROTO_UDPLITE),
    c!(IPPROTO_MPLS),
    c!(IPPROTO_ETHERNET),
    c!(IPPROTO_RAW),
    c!(IPPROTO_MPTCP),
];
/// Netlink protocols.
pub const NETLINK_PROTOS: Xlat = &[
    c!(NETLINK_ROUTE),
    c!(NETLINK_UNUSED),
    c!(NETLINK_USERSOCK),
    c!(NETLINK_FIREWALL),
    c!(NETLINK_SOCK_DIAG),
    c!(NETLINK_NFLOG),
    c!(NETLINK_XFRM),
    c!(NETLINK_SELINUX),
    c!(NETLINK_ISCSI),
    c!(NETLINK_AUDIT),
    c!(NETLINK_FIB_LOOKUP),
    c!(NETLINK_CONNECTOR),
    c!(NETLINK_NETFILTER),
    c!(NETLINK_IP6_FW),
    c!(NETLINK_DNRTMSG),
    c!(NETLINK_KOBJECT_UEVENT),
    c!(NETLINK_GENERIC),
    c!(NETLINK_SCSITRANSPORT),
    c!(NETLINK_ECRYPTFS),
    c!(NETLINK_RDMA),
    c!(NETLINK_CRYPTO),
    (22, "NETLINK_SMC"), // libc lacks it
];
/// send/recv flags.
pub const MSG_FLAGS: Xlat = &[
    c!(MSG_OOB),
    c!(MSG_PEEK),
    c!(MSG_DONTROUTE),
    c!(MSG_CTRUNC),
    (0x10, "MSG_PROBE"), // libc lacks it
    c!(MSG_TRUNC),
    c!(MSG_DONTWAIT),
    c!(MSG_EOR),
    c!(MSG_WAITALL),
    c!(MSG_FIN),
    c!(MSG_SYN),
    c!(MSG_CONFIRM),
    c!(MSG_RST),
    c!(MSG_ERRQUEUE),
    c!(MSG_NOSIGNAL),
    c!(MSG_MORE),
    c!(MSG_WAITFORONE),
    (0x20000, "MSG_SENDPAGE_NOTLAST"), // libc lacks it
    (0x40000, "MSG_BATCH"),            // libc lacks it
    (0x80000, "MSG_NO_SHARED_FRAGS"),  // libc lacks it
    (0x2000000, "MSG_SOCK_DEVMEM"),    // libc lacks it
    c!(MSG_ZEROCOPY),
    c!(MSG_FASTOPEN),
    c!(MSG_CMSG_CLOEXEC),
    (0x80000000, "MSG_CMSG_COMPAT"), // libc lacks it
];
/// shutdown(2) how.
pub const SHUTDOWN: Xlat = &[(0, "SHUT_RD"), (1, "SHUT_WR"), (2, "SHUT_RDWR")];
/// Socket option levels.
pub const SOL: Xlat = &[
    c!(SOL_IP),
    c!(SOL_SOCKET),
    c!(SOL_TCP),
    c!(SOL_UDP),
    c!(SOL_IPV6),
    c!(SOL_ICMPV6),
    c!(SOL_RAW),
    c!(SOL_PACKET),
    c!(SOL_NETLINK),
    c!(SOL_TLS),
];
/// SOL_NETLINK option names.
pub const NETLINK_OPTS: Xlat = &[
    c!(NETLINK_ADD_MEMBERSHIP),
    c!(NETLINK_DROP_MEMBERSHIP),
    c!(NETLINK_PKTINFO),
    c!(NETLINK_BROADCAST_ERROR),
    c!(NETLINK_NO_ENOBUFS),
    c!(NETLINK_RX_RING),
    c!(NETLINK_TX_RING),
    c!(NETLINK_LISTEN_ALL_NSID),
    c!(NETLINK_LIST_MEMBERSHIPS),
    c!(NETLINK_CAP_ACK),
    c!(NETLINK_EXT_ACK),
    c!(NETLINK_GET_STRICT_CHK),
];
/// SOL_SOCKET option names.
pub const SO: Xlat = &[
    c!(SO_DEBUG),
    c!(SO_REUSEADDR),
    c!(SO_TYPE),
    c!(SO_ERROR),
    c!(SO_DONTROUTE),
    c!(SO_BROADCAST),
    c!(SO_SNDBUF),
    c!(SO_RCVBUF),
    c!(SO_KEEPALIVE),
    c!(SO_OOBINLINE),
    c!(SO_NO_CHECK),
    c!(SO_PRIORITY),
    c!(SO_LINGER),
    c!(SO_BSDCOMPAT),
    c!(SO_REUSEPORT),
    c!(SO_PASSCRED),
    c!(SO_PEERCRED),
    c!(SO_RCVLOWAT),
    c!(SO_SNDLOWAT),
    (20, "SO_RCVTIMEO_OLD"), // libc lacks it
    (21, "SO_SNDTIMEO_OLD"), // libc lacks it
    c!(SO_BINDTODEVICE),
    (29, "SO_TIMESTAMP_OLD"), // libc lacks it
    c!(SO_ACCEPTCONN),
    c!(SO_PEERSEC),
    c!(SO_SNDBUFFORCE),
    c!(SO_RCVBUFFORCE),
    c!(SO_PASSSEC),
    c!(SO_MARK),
    c!(SO_PROTOCOL),
    c!(SO_DOMAIN),
    c!(SO_RXQ_OVFL),
    c!(SO_BUSY_POLL),
    c!(SO_MAX_PACING_RATE),
    c!(SO_INCOMING_CPU),
    c!(SO_ATTACH_BPF),
    c!(SO_PEERGROUPS),
    c!(SO_ZEROCOPY),
];
/// SOL_IP option names.
pub const IP_OPTS: Xlat = &[
    c!(IP_TOS),
    c!(IP_TTL),
    c!(IP_HDRINCL),
    c!(IP_OPTIONS),
    c!(IP_RECVOPTS),
    c!(IP_RETOPTS),
    c!(IP_PKTINFO),
    c!(IP_MTU_DISCOVER),
    c!(IP_RECVERR),
    c!(IP_RECVTTL),
    c!(IP_RECVTOS),
    c!(IP_MTU),
    c!(IP_FREEBIND),
    c!(IP_TRANSPARENT),
    c!(IP_BIND_ADDRESS_NO_PORT),
    c!(IP_MULTICAST_IF),
    c!(IP_MULTICAST_TTL),
    c!(IP_MULTICAST_LOOP),
    c!(IP_ADD_MEMBERSHIP),
    c!(IP_DROP_MEMBERSHIP),
];
/// SOL_IPV6 option names.
pub const IPV6_OPTS: Xlat = &[
    c!(IPV6_UNICAST_HOPS),
    c!(IPV6_MULTICAST_IF),
    c!(IPV6_MULTICAST_HOPS),
    c!(IPV6_MULTICAST_LOOP),
    c!(IPV6_RECVERR),
    c!(IPV6_V6ONLY),
    c!(IPV6_RECVPKTINFO),
    c!(IPV6_PKTINFO),
    c!(IPV6_TCLASS),
];
/// IPPROTO_TCP option names.
pub const TCP_OPTS: Xlat = &[
    c!(TCP_NODELAY),
    c!(TCP_MAXSEG),
    c!(TCP_CORK),
    c!(TCP_KEEPIDLE),
    c!(TCP_KEEPINTVL),
    c!(TCP_KEEPCNT),
    c!(TCP_SYNCNT),
    c!(TCP_LINGER2),
    c!(TCP_DEFER_ACCEPT),
    c!(TCP_WINDOW_CLAMP),
    c!(TCP_INFO),
    c!(TCP_QUICKACK),
    c!(TCP_CONGESTION),
    c!(TCP_USER_TIMEOUT),
    c!(TCP_FASTOPEN),
];
/// fcntl commands.
pub const FCNTL_CMDS: Xlat = &[
    c!(F_DUPFD),
    c!(F_GETFD),
    c!(F_SETFD),
    c!(F_GETFL),
    c!(F_SETFL),
    c!(F_GETLK),
    c!(F_SETLK),
    c!(F_SETLKW),
    c!(F_SETOWN),
    c!(F_GETOWN),
    (10, "F_SETSIG"),        // libc lacks it
    (11, "F_GETSIG"),        // libc lacks it
    (15, "F_SETOWN_EX"),     // libc lacks it
    (16, "F_GETOWN_EX"),     // libc lacks it
    (17, "F_GETOWNER_UIDS"), // libc lacks it
    c!(F_OFD_GETLK),
    c!(F_OFD_SETLK),
    c!(F_OFD_SETLKW),
    c!(F_SETLEASE),
    c!(F_GETLEASE),
    c!(F_NOTIFY),
    (1027, "F_DUPFD_QUERY"),   // libc lacks it
    (1028, "F_CREATED_QUERY"), // libc lacks it
    c!(F_CANCELLK),
    c!(F_DUPFD_CLOEXEC),
    c!(F_SETPIPE_SZ),
    c!(F_GETPIPE_SZ),
    c!(F_ADD_SEALS),
    c!(F_GET_SEALS),
    (1035, "F_GET_RW_HINT"),      // libc lacks it
    (1036, "F_SET_RW_HINT"),      // libc lacks it
    (1037, "F_GET_FILE_RW_HINT"), // libc lacks it
    (1038, "F_SET_FILE_RW_HINT"), // libc lacks it
];
/// FD_* flags.
pub const FD_FLAGS: Xlat = &[(1, "FD_CLOEXEC")];
/// lseek whence.
pub const WHENCE: Xlat = &[
    c!(SEEK_SET),
    c!(SEEK_CUR),
    c!(SEEK_END),
    c!(SEEK_DATA),
    c!(SEEK_HOLE),
];
/// epoll_ctl ops.
pub const EPOLL_CTL: Xlat = &[c!(EPOLL_CTL_ADD), c!(EPOLL_CTL_DEL), c!(EPOLL_CTL_MOD)];
/// epoll event bits.
pub const EPOLL_EVENTS: Xlat = &[
    c!(EPOLLIN),
    c!(EPOLLPRI),
    c!(EPOLLOUT),
    c!(EPOLLERR),
    c!(EPOLLHUP),
    (0x20, "EPOLLNVAL"), // libc lacks it
    c!(EPOLLRDNORM),
    c!(EPOLLRDBAND),
    c!(EPOLLWRNORM),
    c!(EPOLLWRBAND),
    c!(EPOLLMSG),
    c!(EPOLLRDHUP),
    c!(EPOLLEXCLUSIVE),
    c!(EPOLLWAKEUP),
    c!(EPOLLONESHOT),
    c32!(EPOLLET),
];
/// poll event bits.
pub const POLL_EVENTS: Xlat = &[
    c!(POLLIN),
    c!(POLLPRI),
    c!(POLLOUT),
    c!(POLLERR),
    c!(POLLHUP),
    c!(POLLNVAL),
    c!(POLLRDNORM),
    c!(POLLRDBAND),
    c!(POLLWRNORM),
    c!(POLLWRBAND),
    (0x400, "POLLMSG"),     // libc lacks it
    (0x1000, "POLLREMOVE"), // libc lacks it
    c!(POLLRDHUP),
];
/// sigaction sa_flags.
pub const SA_FLAGS: Xlat = &[
    (0x04000000, "SA_RESTORER"), // libc lacks it
    c!(SA_ONSTACK),
    c!(SA_RESTART),
    (0x20000000, "SA_INTERRUPT"), // libc lacks it
    c!(SA_NODEFER),
    c32!(SA_RESETHAND),
    c!(SA_SIGINFO),
    c!(SA_NOCLDSTOP),
    c!(SA_NOCLDWAIT),
];
/// rt_sigprocmask how.
pub const SIG_HOW: Xlat = &[(0, "SIG_BLOCK"), (1, "SIG_UNBLOCK"), (2, "SIG_SETMASK")];
/// wait4/waitid options.
pub const WAIT_OPTS: Xlat = &[
    c!(WNOHANG),
    c!(WSTOPPED),
    c!(WEXITED),
    c!(WCONTINUED),
    c!(WNOWAIT),
    (0x80000000, "__WCLONE"),
    (0x40000000, "__WALL"),
    (0x20000000, "__WNOTHREAD"),
];
/// Clock ids.
pub const CLOCKS: Xlat = &[
    c!(CLOCK_REALTIME),
    c!(CLOCK_MONOTONIC),
    c!(CLOCK_PROCESS_CPUTIME_ID),
    c!(CLOCK_THREAD_CPUTIME_ID),
    c!(CLOCK_MONOTONIC_RAW),
    c!(CLOCK_REALTIME_COARSE),
    c!(CLOCK_MONOTONIC_COARSE),
    c!(CLOCK_BOOTTIME),
    c!(CLOCK_REALTIME_ALARM),
    c!(CLOCK_BOOTTIME_ALARM),
    c!(CLOCK_TAI),
];
/// futex commands (without FUTEX_PRIVATE_FLAG / FUTEX_CLOCK_REALTIME).
pub const FUTEX_CMDS: Xlat = &[
    c!(FUTEX_WAIT),
    c!(FUTEX_WAKE),
    c!(FUTEX_FD),
    c!(FUTEX_REQUEUE),
    c!(FUTEX_CMP_REQUEUE),
    c!(FUTEX_WAKE_OP),
    c!(FUTEX_LOCK_PI),
    c!(FUTEX_UNLOCK_PI),
    c!(FUTEX_TRYLOCK_PI),
    c!(FUTEX_WAIT_BITSET),
    c!(FUTEX_WAKE_BITSET),
    c!(FUTEX_WAIT_REQUEUE_PI),
    c!(FUTEX_CMP_REQUEUE_PI),
    c!(FUTEX_LOCK_PI2),
];
/// pipe2/dup3/eventfd/… O_* flags.
pub const PIPE_FLAGS: Xlat = &[
    (libc::O_NONBLOCK as u64, "O_NONBLOCK"),
    (libc::O_CLOEXEC as u64, "O_CLOEXEC"),
    (libc::O_DIRECT as u64, "O_DIRECT"),
    (0x80, "O_NOTIFICATION_PIPE"), // libc lacks it
];
/// epoll_create1 flags.
pub const EPOLL_CREATE_FLAGS: Xlat = &[(libc::O_CLOEXEC as u64, "EPOLL_CLOEXEC")];
/// eventfd2 flags.
pub const EFD_FLAGS: Xlat = &[
    c!(EFD_SEMAPHORE),
    (libc::O_CLOEXEC as u64, "EFD_CLOEXEC"),
    (libc::O_NONBLOCK as u64, "EFD_NONBLOCK"),
];
/// timerfd/signalfd flags.
pub const TFD_FLAGS: Xlat = &[
    c!(TFD_TIMER_ABSTIME),
    c!(TFD_TIMER_CANCEL_ON_SET),
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
    c!(IN_ACCESS),
    c!(IN_MODIFY),
    c!(IN_ATTRIB),
    c!(IN_CLOSE_WRITE),
    c!(IN_CLOSE_NOWRITE),
    c!(IN_OPEN),
    c!(IN_MOVED_FROM),
    c!(IN_MOVED_TO),
    c!(IN_CREATE),
    c!(IN_DELETE),
    c!(IN_DELETE_SELF),
    c!(IN_MOVE_SELF),
    c!(IN_UNMOUNT),
    c!(IN_Q_OVERFLOW),
    c!(IN_IGNORED),
    c!(IN_ONLYDIR),
    c!(IN_DONT_FOLLOW),
    c!(IN_EXCL_UNLINK),
    c!(IN_MASK_CREATE),
    c!(IN_MASK_ADD),
    c!(IN_ISDIR),
    c!(IN_ONESHOT),
];
/// openat2 resolve flags.
pub const RESOLVE_FLAGS: Xlat = &[
    c!(RESOLVE_NO_XDEV),
    c!(RESOLVE_NO_MAGICLINKS),
    c!(RESOLVE_NO_SYMLINKS),
    c!(RESOLVE_BENEATH),
    c!(RESOLVE_IN_ROOT),
    c!(RESOLVE_CACHED),
];
/// sigaltstack flags.
pub const SS_FLAGS: Xlat = &[
    c!(SS_ONSTACK),
    c!(SS_DISABLE),
    (0x8000_0000, "SS_AUTODISARM"), // libc lacks it
];
/// pidfd_send_signal flags.
pub const PIDFD_SIGNAL_FLAGS: Xlat = &[
    c!(PIDFD_SIGNAL_THREAD),
    c!(PIDFD_SIGNAL_THREAD_GROUP),
    c!(PIDFD_SIGNAL_PROCESS_GROUP),
];
/// getrandom flags.
pub const GRND_FLAGS: Xlat = &[c!(GRND_NONBLOCK), c!(GRND_RANDOM), c!(GRND_INSECURE)];
/// flock operations.
pub const FLOCK_OPS: Xlat = &[
    c!(LOCK_SH),
    c!(LOCK_EX),
    c!(LOCK_NB),
    c!(LOCK_UN),
    (32, "LOCK_MAND"),   // libc lacks it
    (192, "LOCK_RW"),    // libc lacks it
    (64, "LOCK_READ"),   // libc lacks it
    (128, "LOCK_WRITE"), // libc lacks it
];
/// prlimit/getrlimit resources.
pub const RLIMITS: Xlat = &[
    c!(RLIMIT_CPU),
    c!(RLIMIT_FSIZE),
    c!(RLIMIT_DATA),
    c!(RLIMIT_STACK),
    c!(RLIMIT_CORE),
    c!(RLIMIT_RSS),
    c!(RLIMIT_NPROC),
    c!(RLIMIT_NOFILE),
    c!(RLIMIT_MEMLOCK),
    c!(RLIMIT_AS),
    c!(RLIMIT_LOCKS),
    c!(RLIMIT_SIGPENDING),
    c!(RLIMIT_MSGQUEUE),
    c!(RLIMIT_NICE),
    c!(RLIMIT_RTPRIO),
    c!(RLIMIT_RTTIME),
];
/// arch_prctl codes.
pub const ARCH_PRCTL: Xlat = &[
    (0x1001, "ARCH_SET_GS"),       // libc lacks it
    (0x1002, "ARCH_SET_FS"),       // libc lacks it
    (0x1003, "ARCH_GET_FS"),       // libc lacks it
    (0x1004, "ARCH_GET_GS"),       // libc lacks it
    (0x1011, "ARCH_GET_CPUID"),    // libc lacks it
    (0x1012, "ARCH_SET_CPUID"),    // libc lacks it
    (0x3001, "ARCH_CET_STATUS"),   // libc lacks it
    (0x5001, "ARCH_SHSTK_ENABLE"), // libc lacks it
];
/// unlinkat/renameat2 flags.
pub const RENAME_FLAGS: Xlat = &[
    c!(RENAME_NOREPLACE),
    c!(RENAME_EXCHANGE),
    c!(RENAME_WHITEOUT),
];
/// timer flags (clock_nanosleep, timerfd_settime).
pub const TIMER_FLAGS: Xlat = &[(1, "TIMER_ABSTIME")];
/// itimer which.
pub const ITIMERS: Xlat = &[c!(ITIMER_REAL), c!(ITIMER_VIRTUAL), c!(ITIMER_PROF)];
/// getrusage who.
pub const RUSAGE_WHO: Xlat = &[
    c!(RUSAGE_SELF),
    (u64::MAX, "RUSAGE_CHILDREN"),
    c!(RUSAGE_THREAD),
];
/// NUMA memory policy modes (set_mempolicy, mbind, get_mempolicy).
pub const MPOL_MODES: Xlat = &[
    c!(MPOL_DEFAULT),
    c!(MPOL_PREFERRED),
    c!(MPOL_BIND),
    c!(MPOL_INTERLEAVE),
    c!(MPOL_LOCAL),
    (5, "MPOL_PREFERRED_MANY"), // libc lacks it
];
/// Flags or-ed into a memory policy mode.
pub const MPOL_MODE_FLAGS: Xlat = &[
    (1 << 15, "MPOL_F_STATIC_NODES"),
    (1 << 14, "MPOL_F_RELATIVE_NODES"),
    (1 << 13, "MPOL_F_NUMA_BALANCING"),
];
/// get_mempolicy flags.
pub const MPOL_GET_FLAGS: Xlat = &[
    (1, "MPOL_F_NODE"),         // libc lacks it
    (2, "MPOL_F_ADDR"),         // libc lacks it
    (4, "MPOL_F_MEMS_ALLOWED"), // libc lacks it
];
/// mbind flags.
pub const MPOL_MF_FLAGS: Xlat = &[
    (1, "MPOL_MF_STRICT"),   // libc lacks it
    (2, "MPOL_MF_MOVE"),     // libc lacks it
    (4, "MPOL_MF_MOVE_ALL"), // libc lacks it
];

/// statx `stx_attributes` (the ones strace 6.1 names).
pub const STATX_ATTRS: Xlat = &[
    c!(STATX_ATTR_COMPRESSED),
    c!(STATX_ATTR_IMMUTABLE),
    c!(STATX_ATTR_APPEND),
    c!(STATX_ATTR_NODUMP),
    c!(STATX_ATTR_ENCRYPTED),
    c!(STATX_ATTR_AUTOMOUNT),
    c!(STATX_ATTR_MOUNT_ROOT),
    c!(STATX_ATTR_VERITY),
    c!(STATX_ATTR_DAX),
];
/// File type bits of st_mode.
pub const FILE_TYPES: Xlat = &[
    c!(S_IFSOCK),
    c!(S_IFLNK),
    c!(S_IFREG),
    c!(S_IFBLK),
    c!(S_IFDIR),
    c!(S_IFCHR),
    c!(S_IFIFO),
];

/// posix_fadvise advice.
pub const FADV: Xlat = &[
    c!(POSIX_FADV_NORMAL),
    c!(POSIX_FADV_RANDOM),
    c!(POSIX_FADV_SEQUENTIAL),
    c!(POSIX_FADV_WILLNEED),
    c!(POSIX_FADV_DONTNEED),
    c!(POSIX_FADV_NOREUSE),
];
/// preadv2/pwritev2 flags.
pub const RWF_FLAGS: Xlat = &[
    c!(RWF_HIPRI),
    c!(RWF_DSYNC),
    c!(RWF_SYNC),
    c!(RWF_NOWAIT),
    c!(RWF_APPEND),
    c!(RWF_NOAPPEND),
    c!(RWF_ATOMIC),
    c!(RWF_DONTCACHE),
];

/// mount(2) flags.
pub const MS_FLAGS: Xlat = &[
    c!(MS_RDONLY),
    c!(MS_NOSUID),
    c!(MS_NODEV),
    c!(MS_NOEXEC),
    c!(MS_SYNCHRONOUS),
    c!(MS_REMOUNT),
    c!(MS_MANDLOCK),
    c!(MS_DIRSYNC),
    c!(MS_NOSYMFOLLOW),
    c!(MS_NOATIME),
    c!(MS_NODIRATIME),
    c!(MS_BIND),
    c!(MS_MOVE),
    c!(MS_REC),
    c!(MS_SILENT),
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

/// umount2 flags.
pub const UMOUNT_FLAGS: Xlat = &[
    c!(MNT_FORCE),
    c!(MNT_DETACH),
    c!(MNT_EXPIRE),
    c!(UMOUNT_NOFOLLOW),
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
pub const SHMAT_FLAGS: Xlat = &[c!(SHM_RDONLY), c!(SHM_RND), c!(SHM_REMAP), c!(SHM_EXEC)];

/// msgsnd/msgrcv flags (MSG_COPY is not in libc: include/uapi/linux/msg.h).
pub const MSG_IPC_FLAGS: Xlat = &[
    (libc::IPC_NOWAIT as u64, "IPC_NOWAIT"),
    (libc::MSG_NOERROR as u64, "MSG_NOERROR"),
    (libc::MSG_EXCEPT as u64, "MSG_EXCEPT"),
    c!(MSG_COPY),
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
    c!(MFD_NOEXEC_SEAL),
    c!(MFD_EXEC),
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
