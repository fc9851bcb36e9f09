//! The aarch64 syscall table (the kernel's generic numbering), for tracing arm64 nodes.
//!
//! Numbers and names follow `include/uapi/asm-generic/unistd.h` as arm64 configures it;
//! argument counts and class flags follow strace's classification, as for x86_64.

use super::args::Arg::*;
use super::row::{
    Syscall, CLOCK, CREDS, DESC, FILE, FSTAT, FSTATFS, IPC, MEMORY, NETWORK, PROCESS, PURE, SIGNAL,
    STATFS, STATFS_LIKE, STAT_LIKE,
};
use crate::trace::flags as fl;

syscall_table! {
    /// One past the highest assigned aarch64 syscall number.
    max = 472;
    0 io_setup 2 [MEMORY];
    1 io_destroy 1 [MEMORY];
    2 io_submit 3 [];
    3 io_cancel 3 [];
    4 io_getevents 5 [];
    5 setxattr 5 [FILE] (
        Path,
        Str,
        InBuf(3),
        ULong,
        Flags(fl::XATTR_FLAGS, "0", "XATTR_???"),
    ) -> Dec;
    6 lsetxattr 5 [FILE] (
        Path,
        Str,
        InBuf(3),
        ULong,
        Flags(fl::XATTR_FLAGS, "0", "XATTR_???"),
    ) -> Dec;
    7 fsetxattr 5 [DESC] (
        Fd,
        Str,
        InBuf(3),
        ULong,
        Flags(fl::XATTR_FLAGS, "0", "XATTR_???"),
    ) -> Dec;
    8 getxattr 4 [FILE] (Path, Str, OutBuf, ULong) -> Dec;
    9 lgetxattr 4 [FILE] (Path, Str, OutBuf, ULong) -> Dec;
    10 fgetxattr 4 [DESC] (Fd, Str, OutBuf, ULong) -> Dec;
    11 listxattr 3 [FILE] (Path, Ptr, ULong) -> Dec;
    12 llistxattr 3 [FILE] (Path, Ptr, ULong) -> Dec;
    13 flistxattr 3 [DESC] (Fd, Ptr, ULong) -> Dec;
    14 removexattr 2 [FILE] (Path, Str) -> Dec;
    15 lremovexattr 2 [FILE] (Path, Str) -> Dec;
    16 fremovexattr 2 [DESC] (Fd, Str) -> Dec;
    17 getcwd 2 [FILE] (OutCwd, ULong) -> Dec;
    18 lookup_dcookie 3 [];
    19 eventfd2 2 [DESC] (UInt, Flags(fl::EFD_FLAGS, "0", "EFD_???")) -> Fd;
    20 epoll_create1 1 [DESC] (Flags(fl::EPOLL_CREATE_FLAGS, "0", "EPOLL_???")) -> Fd;
    21 epoll_ctl 4 [DESC] (Fd, Enum(fl::EPOLL_CTL, "EPOLL_CTL_???"), Fd, EpollIn) -> Dec;
    22 epoll_pwait 6 [DESC] (Fd, EpollOut, Int, Int, SigsetIn(5), ULong) -> Dec;
    23 dup 1 [DESC] (Fd) -> Fd;
    24 dup3 3 [DESC] (Fd, Fd, Flags(fl::PIPE_FLAGS, "0", "O_???")) -> Fd;
    25 fcntl 3 [DESC] (Fd, Enum(fl::FCNTL_CMDS, "F_???"), FcntlArg(1)) -> Fcntl;
    26 inotify_init1 1 [DESC] (Flags(fl::IN_FLAGS, "0", "IN_???")) -> Fd;
    27 inotify_add_watch 3 [DESC FILE] (Fd, Path, Flags(fl::IN_MASK, "0", "IN_???")) -> Dec;
    28 inotify_rm_watch 2 [DESC] (Fd, Int) -> Dec;
    29 ioctl 3 [DESC] (Fd, IoctlReq, IoctlArg, IoctlOut) -> Dec;
    30 ioprio_set 3 [];
    31 ioprio_get 2 [];
    32 flock 2 [DESC] (Fd, Flags(fl::FLOCK_OPS, "0", "LOCK_???")) -> Dec;
    33 mknodat 4 [DESC FILE] (DirFd, Path, TypedMode, Dev(2)) -> Dec;
    34 mkdirat 3 [DESC FILE] (DirFd, Path, Mode) -> Dec;
    35 unlinkat 3 [DESC FILE] (DirFd, Path, Flags(fl::AT_FLAGS, "0", "AT_???")) -> Dec;
    36 symlinkat 3 [DESC FILE] (Path, DirFd, Path) -> Dec;
    37 linkat 5 [DESC FILE] (DirFd, Path, DirFd, Path, Flags(fl::AT_FLAGS, "0", "AT_???")) -> Dec;
    38 renameat 4 [DESC FILE] (DirFd, Path, DirFd, Path) -> Dec;
    39 umount2 2 [FILE] (Path, Flags(fl::UMOUNT_FLAGS, "0", "MNT_???")) -> Dec;
    40 mount 5 [FILE] (Str, Path, Str, MountFlags, Str) -> Dec;
    41 pivot_root 2 [FILE] (Path, Path) -> Dec;
    42 nfsservctl 3 [];
    43 statfs 2 [FILE STATFS STATFS_LIKE] (Path, StatfsOut) -> Dec;
    44 fstatfs 2 [DESC FSTATFS STATFS_LIKE] (Fd, StatfsOut) -> Dec;
    45 truncate 2 [FILE] (Path, Long) -> Dec;
    46 ftruncate 2 [DESC] (Fd, Long) -> Dec;
    47 fallocate 4 [DESC] (Fd, Int, Long, Long) -> Dec;
    48 faccessat 3 [DESC FILE] (DirFd, Path, Flags(fl::ACCESS_MODES, "F_OK", "?_OK")) -> Dec;
    49 chdir 1 [FILE] (Path) -> Dec;
    50 fchdir 1 [DESC] (Fd) -> Dec;
    51 chroot 1 [FILE] (Path) -> Dec;
    52 fchmod 2 [DESC] (Fd, Mode) -> Dec;
    53 fchmodat 3 [DESC FILE] (DirFd, Path, Mode) -> Dec;
    54 fchownat 5 [DESC FILE] (DirFd, Path, Int, Int, Flags(fl::AT_FLAGS, "0", "AT_???")) -> Dec;
    55 fchown 3 [DESC] (Fd, Int, Int) -> Dec;
    56 openat 4 [DESC FILE] (DirFd, Path, OpenFlags, OpenMode(2)) -> Fd;
    57 close 1 [DESC] (Fd) -> Dec;
    58 vhangup 0 [] () -> Dec;
    59 pipe2 2 [DESC] (FdPair, Flags(fl::PIPE_FLAGS, "0", "O_???")) -> Dec;
    60 quotactl 4 [FILE];
    61 getdents64 3 [DESC] (Fd, Dirents, UInt) -> Dec;
    62 lseek 3 [DESC] (Fd, Long, Enum(fl::WHENCE, "SEEK_???")) -> Dec;
    63 read 3 [DESC] (Fd, OutBuf, ULong) -> Dec;
    64 write 3 [DESC] (Fd, InBuf(2), ULong) -> Dec;
    65 readv 3 [DESC] (Fd, IovOut(2), Int) -> Dec;
    66 writev 3 [DESC] (Fd, IovIn(2), Int) -> Dec;
    67 pread64 4 [DESC] (Fd, OutBuf, ULong, Long) -> Dec;
    68 pwrite64 4 [DESC] (Fd, InBuf(2), ULong, Long) -> Dec;
    69 preadv 4 [DESC] (Fd, IovOut(2), Int, Long) -> Dec;
    70 pwritev 4 [DESC] (Fd, IovIn(2), Int, Long) -> Dec;
    71 sendfile 4 [DESC NETWORK] (Fd, Fd, OffInOut, ULong) -> Dec;
    72 pselect6 6 [DESC] (Int, FdSet(0), FdSet(0), FdSet(0), TsIn, Pselect6Mask) -> Select(true);
    73 ppoll 5 [DESC] (PollIn(1), UInt, TsIn, SigsetIn(4), ULong) -> Poll;
    74 signalfd4 4 [DESC SIGNAL] (
        Fd,
        SigsetIn(2),
        ULong,
        Flags(fl::SFD_FLAGS, "0", "SFD_???"),
    ) -> Fd;
    75 vmsplice 4 [DESC];
    76 splice 6 [DESC] (
        Fd,
        OffIn,
        Fd,
        OffIn,
        ULong,
        Flags(fl::SPLICE_FLAGS, "0", "SPLICE_F_???"),
    ) -> Dec;
    77 tee 4 [DESC];
    78 readlinkat 4 [DESC FILE] (DirFd, Path, OutPathRet, ULong) -> Dec;
    79 newfstatat 4 [DESC FILE FSTAT STAT_LIKE] (
        DirFd,
        Path,
        StatOut,
        Flags(fl::AT_FLAGS, "0", "AT_???"),
    ) -> Dec;
    80 fstat 2 [DESC FSTAT STAT_LIKE] (Fd, StatOut) -> Dec;
    81 sync 0 [] () -> Dec;
    82 fsync 1 [DESC] (Fd) -> Dec;
    83 fdatasync 1 [DESC] (Fd) -> Dec;
    84 sync_file_range 4 [DESC];
    85 timerfd_create 2 [DESC] (
        Enum(fl::CLOCKS, "CLOCK_???"),
        Flags(fl::TFD_FLAGS, "0", "TFD_???"),
    ) -> Fd;
    86 timerfd_settime 4 [DESC] (
        Fd,
        Flags(fl::TFD_FLAGS, "0", "TFD_???"),
        ItimerspecIn,
        ItimerspecOut,
    ) -> Dec;
    87 timerfd_gettime 2 [DESC] (Fd, ItimerspecOut) -> Dec;
    88 utimensat 4 [DESC FILE] (DirFd, Path, UtimeTs, Flags(fl::AT_FLAGS, "0", "AT_???")) -> Dec;
    89 acct 1 [FILE] (Path) -> Dec;
    90 capget 2 [CREDS] (CapHeader, CapDataOut) -> Dec;
    91 capset 2 [CREDS] (CapHeader, CapDataIn) -> Dec;
    92 personality 1 [];
    93 exit 1 [PROCESS] (Int) -> None;
    94 exit_group 1 [PROCESS] (Int) -> None;
    95 waitid 5 [PROCESS] (
        Enum(fl::IDTYPES, "P_???"),
        Int,
        SiginfoOut,
        Flags(fl::WAIT_OPTS, "0", "W???"),
        Ptr,
    ) -> Dec;
    96 set_tid_address 1 [] (Ptr) -> Dec;
    97 unshare 1 [] (Flags(fl::CLONE_FLAGS, "0", "CLONE_???")) -> Dec;
    98 futex 6 [] (Ptr, FutexOp, FutexRest) -> Dec;
    99 set_robust_list 2 [] (Ptr, ULong) -> Dec;
    100 get_robust_list 3 [];
    101 nanosleep 2 [] (TsIn, TsRem) -> Dec;
    102 getitimer 2 [] (Enum(fl::ITIMERS, "ITIMER_???"), ItimerOut) -> Dec;
    103 setitimer 3 [] (Enum(fl::ITIMERS, "ITIMER_???"), ItimerIn, ItimerOut) -> Dec;
    104 kexec_load 4 [];
    105 init_module 3 [];
    106 delete_module 2 [];
    107 timer_create 3 [] (Enum(fl::CLOCKS, "CLOCK_???"), SigeventIn, IntOut) -> Dec;
    108 timer_gettime 2 [] (Int, ItimerspecOut) -> Dec;
    109 timer_getoverrun 1 [] (Int) -> Dec;
    110 timer_settime 4 [] (
        Int,
        Flags(fl::TIMER_FLAGS, "0", "TIMER_???"),
        ItimerspecIn,
        ItimerspecOut,
    ) -> Dec;
    111 timer_delete 1 [] (Int) -> Dec;
    112 clock_settime 2 [CLOCK] (Enum(fl::CLOCKS, "CLOCK_???"), TsIn) -> Dec;
    113 clock_gettime 2 [CLOCK] (Enum(fl::CLOCKS, "CLOCK_???"), TsOut) -> Dec;
    114 clock_getres 2 [CLOCK] (Enum(fl::CLOCKS, "CLOCK_???"), TsOut) -> Dec;
    115 clock_nanosleep 4 [] (
        Enum(fl::CLOCKS, "CLOCK_???"),
        Flags(fl::TIMER_FLAGS, "0", "TIMER_???"),
        TsIn,
        TsRem,
    ) -> Dec;
    116 syslog 3 [];
    117 ptrace 4 [];
    118 sched_setparam 2 [];
    119 sched_setscheduler 3 [];
    120 sched_getscheduler 1 [];
    121 sched_getparam 2 [];
    122 sched_setaffinity 3 [] (Int, UInt, CpuSetIn(1)) -> Dec;
    123 sched_getaffinity 3 [] (Int, UInt, CpuSetOut) -> Dec;
    124 sched_yield 0 [] () -> Dec;
    125 sched_get_priority_max 1 [];
    126 sched_get_priority_min 1 [];
    127 sched_rr_get_interval 2 [];
    128 restart_syscall 0 [];
    129 kill 2 [SIGNAL PROCESS] (Int, Sig) -> Dec;
    130 tkill 2 [SIGNAL PROCESS] (Int, Sig) -> Dec;
    131 tgkill 3 [SIGNAL PROCESS] (Int, Int, Sig) -> Dec;
    132 sigaltstack 2 [SIGNAL] (StackIn, StackOut) -> Dec;
    133 rt_sigsuspend 2 [SIGNAL] (SigsetIn(1), ULong) -> Dec;
    134 rt_sigaction 4 [SIGNAL] (Sig, SigactIn, SigactOut, ULong) -> Dec;
    135 rt_sigprocmask 4 [SIGNAL] (
        Enum(fl::SIG_HOW, "SIG_???"),
        SigsetIn(3),
        SigsetOut(3),
        ULong,
    ) -> Dec;
    136 rt_sigpending 2 [SIGNAL] (SigsetOut(1), ULong) -> Dec;
    137 rt_sigtimedwait 4 [SIGNAL] (SigsetIn(3), SiginfoOut, TsIn, ULong) -> Signal;
    138 rt_sigqueueinfo 3 [SIGNAL PROCESS];
    139 rt_sigreturn 0 [SIGNAL];
    140 setpriority 3 [] (Enum(fl::PRIO_WHICH, "PRIO_???"), Int, Int) -> Dec;
    141 getpriority 2 [] (Enum(fl::PRIO_WHICH, "PRIO_???"), Int) -> Dec;
    142 reboot 4 [];
    143 setregid 2 [CREDS] (Int, Int) -> Dec;
    144 setgid 1 [CREDS] (Int) -> Dec;
    145 setreuid 2 [CREDS] (Int, Int) -> Dec;
    146 setuid 1 [CREDS] (Int) -> Dec;
    147 setresuid 3 [CREDS] (Int, Int, Int) -> Dec;
    148 getresuid 3 [CREDS] (IntOut, IntOut, IntOut) -> Dec;
    149 setresgid 3 [CREDS] (Int, Int, Int) -> Dec;
    150 getresgid 3 [CREDS] (IntOut, IntOut, IntOut) -> Dec;
    151 setfsuid 1 [CREDS] (Int) -> Dec;
    152 setfsgid 1 [CREDS] (Int) -> Dec;
    153 times 1 [] (TmsOut) -> Dec;
    154 setpgid 2 [] (Int, Int) -> Dec;
    155 getpgid 1 [] (Int) -> Dec;
    156 getsid 1 [] (Int) -> Dec;
    157 setsid 0 [] () -> Dec;
    158 getgroups 2 [CREDS] (Int, GidsOut) -> Dec;
    159 setgroups 2 [CREDS] (Int, GidsIn) -> Dec;
    160 uname 1 [] (UtsOut) -> Dec;
    161 sethostname 2 [] (InBuf(1), ULong) -> Dec;
    162 setdomainname 2 [] (InBuf(1), ULong) -> Dec;
    163 getrlimit 2 [] (Enum(fl::RLIMITS, "RLIMIT_???"), RlimOut) -> Dec;
    164 setrlimit 2 [] (Enum(fl::RLIMITS, "RLIMIT_???"), RlimIn) -> Dec;
    165 getrusage 2 [] (Enum(fl::RUSAGE_WHO, "RUSAGE_???"), RusageOut) -> Dec;
    166 umask 1 [] (Mode) -> Octal;
    167 prctl 5 [CREDS] (PrctlEntry, PrctlExit) -> Prctl;
    168 getcpu 3 [];
    169 gettimeofday 2 [CLOCK] (TvOut, Ptr) -> Dec;
    170 settimeofday 2 [CLOCK];
    171 adjtimex 1 [CLOCK];
    172 getpid 0 [PURE] () -> Dec;
    173 getppid 0 [PURE] () -> Dec;
    174 getuid 0 [CREDS PURE] () -> Dec;
    175 geteuid 0 [CREDS PURE] () -> Dec;
    176 getgid 0 [CREDS PURE] () -> Dec;
    177 getegid 0 [CREDS PURE] () -> Dec;
    178 gettid 0 [PURE] () -> Dec;
    179 sysinfo 1 [] (SysinfoOut) -> Dec;
    180 mq_open 4 [DESC];
    181 mq_unlink 1 [];
    182 mq_timedsend 5 [DESC];
    183 mq_timedreceive 5 [DESC];
    184 mq_notify 2 [DESC];
    185 mq_getsetattr 3 [DESC];
    186 msgget 2 [IPC] (IpcKey, IpcGetFlags) -> Dec;
    187 msgctl 3 [IPC] (Int, IpcCmd('m'), Ptr) -> Dec;
    188 msgrcv 5 [IPC] (
        Int,
        MsgbufOut,
        ULong,
        Long,
        Flags(fl::MSG_IPC_FLAGS, "0", "MSG_???"),
    ) -> Dec;
    189 msgsnd 4 [IPC] (Int, MsgbufIn, ULong, Flags(fl::MSG_IPC_FLAGS, "0", "MSG_???")) -> Dec;
    190 semget 3 [IPC] (IpcKey, ULong, IpcGetFlags) -> Dec;
    191 semctl 4 [IPC] (Int, Int, IpcCmd('s'), Ptr) -> Dec;
    192 semtimedop 4 [IPC] (Int, Sembufs, UInt, TsIn) -> Dec;
    193 semop 3 [IPC] (Int, Sembufs, UInt) -> Dec;
    194 shmget 3 [IPC] (IpcKey, ULong, IpcGetFlags) -> Dec;
    195 shmctl 3 [IPC] (Int, IpcCmd('h'), Ptr) -> Dec;
    196 shmat 3 [IPC MEMORY] (Int, Ptr, Flags(fl::SHMAT_FLAGS, "0", "SHM_???")) -> Hex;
    197 shmdt 1 [IPC MEMORY] (Ptr) -> Dec;
    198 socket 3 [NETWORK] (Enum(fl::AF, "AF_???"), SockType, Proto(0)) -> Fd;
    199 socketpair 4 [NETWORK] (Enum(fl::AF, "AF_???"), SockType, Proto(0), FdPair) -> Dec;
    200 bind 3 [NETWORK] (Fd, Sockaddr(2), UInt) -> Dec;
    201 listen 2 [NETWORK] (Fd, Int) -> Dec;
    202 accept 3 [NETWORK] (Fd, SockaddrOut(2), SocklenInOut) -> Fd;
    203 connect 3 [NETWORK] (Fd, Sockaddr(2), UInt) -> Dec;
    204 getsockname 3 [NETWORK] (Fd, SockaddrOut(2), SocklenInOut) -> Dec;
    205 getpeername 3 [NETWORK] (Fd, SockaddrOut(2), SocklenInOut) -> Dec;
    206 sendto 6 [NETWORK] (
        Fd,
        InBuf(2),
        ULong,
        Flags(fl::MSG_FLAGS, "0", "MSG_???"),
        Sockaddr(5),
        UInt,
    ) -> Dec;
    207 recvfrom 6 [NETWORK] (
        Fd,
        OutBuf,
        ULong,
        Flags(fl::MSG_FLAGS, "0", "MSG_???"),
        SockaddrOut(5),
        SocklenInOut,
    ) -> Dec;
    208 setsockopt 5 [NETWORK] (Fd, SockLevel, SockOpt(1), OptIn(4), UInt) -> Dec;
    209 getsockopt 5 [NETWORK] (Fd, SockLevel, SockOpt(1), OptOut(4), SocklenInOut) -> Dec;
    210 shutdown 2 [NETWORK] (Fd, Enum(fl::SHUTDOWN, "SHUT_???")) -> Dec;
    211 sendmsg 3 [NETWORK] (Fd, MsgIn, Flags(fl::MSG_FLAGS, "0", "MSG_???")) -> Dec;
    212 recvmsg 3 [NETWORK] (Fd, MsgOut, Flags(fl::MSG_FLAGS, "0", "MSG_???")) -> Dec;
    213 readahead 3 [DESC];
    214 brk 1 [MEMORY] (Ptr) -> Hex;
    215 munmap 2 [MEMORY] (Ptr, ULong) -> Dec;
    216 mremap 5 [MEMORY] (
        Ptr,
        ULong,
        ULong,
        Flags(fl::MREMAP_FLAGS, "0", "MREMAP_???"),
        MremapAddr,
    ) -> Hex;
    217 add_key 5 [];
    218 request_key 4 [];
    219 keyctl 5 [];
    220 clone 5 [PROCESS] (CloneEntry, CloneExit) -> Dec;
    221 execve 3 [FILE PROCESS] (Path, Argv, Envp) -> Dec;
    222 mmap 6 [DESC MEMORY] (
        Ptr,
        ULong,
        Flags(fl::PROT, "PROT_NONE", "PROT_???"),
        MmapFlags,
        Fd,
        Hex,
    ) -> Hex;
    223 fadvise64 4 [DESC] (Fd, Long, Long, Enum(fl::FADV, "POSIX_FADV_???")) -> Dec;
    224 swapon 2 [FILE];
    225 swapoff 1 [FILE] (Path) -> Dec;
    226 mprotect 3 [MEMORY] (Ptr, ULong, Flags(fl::PROT, "PROT_NONE", "PROT_???")) -> Dec;
    227 msync 3 [MEMORY] (Ptr, ULong, Flags(fl::MSYNC_FLAGS, "0", "MS_???")) -> Dec;
    228 mlock 2 [MEMORY] (Ptr, ULong) -> Dec;
    229 munlock 2 [MEMORY] (Ptr, ULong) -> Dec;
    230 mlockall 1 [MEMORY] (Flags(fl::MCL_FLAGS, "0", "MCL_???")) -> Dec;
    231 munlockall 0 [MEMORY] () -> Dec;
    232 mincore 3 [MEMORY];
    233 madvise 3 [MEMORY] (Ptr, ULong, Enum(fl::MADV, "MADV_???")) -> Dec;
    234 remap_file_pages 5 [MEMORY];
    235 mbind 6 [MEMORY] (
        Ptr,
        ULong,
        MpolMode,
        NodemaskIn(4),
        ULong,
        Flags(fl::MPOL_MF_FLAGS, "0", "MPOL_???"),
    ) -> Dec;
    236 get_mempolicy 5 [MEMORY] (
        MpolModeOut,
        NodemaskOut(2),
        ULong,
        Ptr,
        Flags(fl::MPOL_GET_FLAGS, "0", "MPOL_???"),
    ) -> Dec;
    237 set_mempolicy 3 [MEMORY] (MpolMode, NodemaskIn(2), ULong) -> Dec;
    238 migrate_pages 4 [MEMORY];
    239 move_pages 6 [MEMORY];
    240 rt_tgsigqueueinfo 4 [PROCESS SIGNAL];
    241 perf_event_open 5 [DESC];
    242 accept4 4 [NETWORK] (
        Fd,
        SockaddrOut(2),
        SocklenInOut,
        Flags(fl::SOCK_FLAGS, "0", "SOCK_???"),
    ) -> Fd;
    243 recvmmsg 5 [NETWORK] (
        Fd,
        MmsgReceived,
        UInt,
        Flags(fl::MSG_FLAGS, "0", "MSG_???"),
        TsIn,
    ) -> Dec;
    260 wait4 4 [PROCESS] (Int, WaitStatus, Flags(fl::WAIT_OPTS, "0", "W???"), RusageOut) -> Dec;
    261 prlimit64 4 [] (Int, Enum(fl::RLIMITS, "RLIMIT_???"), RlimIn, RlimOut) -> Dec;
    262 fanotify_init 2 [DESC];
    263 fanotify_mark 5 [DESC FILE];
    264 name_to_handle_at 5 [DESC FILE];
    265 open_by_handle_at 3 [DESC];
    266 clock_adjtime 2 [CLOCK];
    267 syncfs 1 [DESC] (Fd) -> Dec;
    268 setns 2 [DESC] (Fd, Flags(fl::CLONE_FLAGS, "0", "CLONE_NEW???")) -> Dec;
    269 sendmmsg 4 [NETWORK] (Fd, MmsgSent, UInt, Flags(fl::MSG_FLAGS, "0", "MSG_???")) -> Dec;
    270 process_vm_readv 6 [];
    271 process_vm_writev 6 [];
    272 kcmp 5 [];
    273 finit_module 3 [DESC];
    274 sched_setattr 3 [];
    275 sched_getattr 4 [];
    276 renameat2 5 [DESC FILE] (
        DirFd,
        Path,
        DirFd,
        Path,
        Flags(fl::RENAME_FLAGS, "0", "RENAME_??"),
    ) -> Dec;
    277 seccomp 3 [];
    278 getrandom 3 [] (OutBufHex, ULong, Flags(fl::GRND_FLAGS, "0", "GRND_???")) -> Dec;
    279 memfd_create 2 [DESC] (Str, Flags(fl::MFD_FLAGS, "0", "MFD_???")) -> Fd;
    280 bpf 3 [DESC];
    281 execveat 5 [DESC FILE PROCESS] (
        DirFd,
        Path,
        Argv,
        Envp,
        Flags(fl::AT_FLAGS, "0", "AT_???"),
    ) -> Dec;
    282 userfaultfd 1 [DESC];
    283 membarrier 3 [];
    284 mlock2 3 [MEMORY];
    285 copy_file_range 6 [DESC] (Fd, OffIn, Fd, OffIn, ULong, UInt) -> Dec;
    286 preadv2 6 [DESC] (Fd, IovOut(2), Int, Long, Rwf5) -> Dec;
    287 pwritev2 6 [DESC] (Fd, IovIn(2), Int, Long, Rwf5) -> Dec;
    288 pkey_mprotect 4 [MEMORY] (Ptr, ULong, Flags(fl::PROT, "PROT_NONE", "PROT_???"), Int) -> Dec;
    289 pkey_alloc 2 [];
    290 pkey_free 1 [];
    291 statx 5 [DESC FILE FSTAT STAT_LIKE] (
        DirFd,
        Path,
        StatxFlags,
        Flags(fl::STATX_MASK, "0", "STATX_???"),
        StatxOut,
    ) -> Dec;
    292 io_pgetevents 6 [];
    293 rseq 4 [] (Ptr, Hex, Hex, Hex) -> Dec;
    294 kexec_file_load 5 [DESC];
    424 pidfd_send_signal 4 [DESC SIGNAL PROCESS] (
        Fd,
        Sig,
        SiginfoIn,
        Flags(fl::PIDFD_SIGNAL_FLAGS, "0", ""),
    ) -> Dec;
    425 io_uring_setup 2 [DESC];
    426 io_uring_enter 6 [DESC SIGNAL];
    427 io_uring_register 4 [DESC MEMORY];
    428 open_tree 3 [DESC FILE];
    429 move_mount 5 [DESC FILE];
    430 fsopen 2 [DESC];
    431 fsconfig 5 [DESC FILE];
    432 fsmount 3 [DESC];
    433 fspick 3 [DESC FILE];
    434 pidfd_open 2 [DESC] (Int, Flags(fl::PIDFD_OPEN_FLAGS, "0", "PIDFD_???")) -> Fd;
    435 clone3 2 [PROCESS] (Clone3Args, Clone3Result, Clone3Size) -> Dec;
    436 close_range 3 [] (UInt, UInt, Flags(fl::CLOSE_RANGE_FLAGS, "0", "CLOSE_RANGE_???")) -> Dec;
    437 openat2 4 [DESC FILE] (DirFd, Path, OpenHow(3), ULong) -> Fd;
    438 pidfd_getfd 3 [DESC];
    439 faccessat2 4 [DESC FILE] (
        DirFd,
        Path,
        Flags(fl::ACCESS_MODES, "F_OK", "?_OK"),
        Flags(fl::ACCESS_AT_FLAGS, "0", "AT_???"),
    ) -> Dec;
    440 process_madvise 5 [DESC];
    441 epoll_pwait2 6 [DESC] (Fd, EpollOut, Int, TsIn, SigsetIn(5), ULong) -> Dec;
    442 mount_setattr 5 [DESC FILE];
    443 quotactl_fd 4 [DESC];
    444 landlock_create_ruleset 3 [DESC];
    445 landlock_add_rule 4 [DESC];
    446 landlock_restrict_self 2 [DESC];
    447 memfd_secret 1 [DESC];
    448 process_mrelease 2 [DESC];
    449 futex_waitv 5 [];
    450 set_mempolicy_home_node 4 [MEMORY] (Ptr, ULong, ULong, ULong) -> Dec;
    451 cachestat 4 [DESC];
    452 fchmodat2 4 [DESC FILE];
    453 map_shadow_stack 3 [MEMORY];
    454 futex_wake 4 [];
    455 futex_wait 6 [];
    456 futex_requeue 4 [];
    457 statmount 4 [];
    458 listmount 4 [];
    459 lsm_get_self_attr 4 [];
    460 lsm_set_self_attr 4 [];
    461 lsm_list_modules 3 [];
    462 mseal 3 [MEMORY];
    463 setxattrat 6 [DESC FILE];
    464 getxattrat 6 [DESC FILE];
    465 listxattrat 5 [DESC FILE];
    466 removexattrat 4 [DESC FILE];
    467 open_tree_attr 5 [DESC FILE];
    468 file_getattr 5 [DESC FILE];
    469 file_setattr 5 [DESC FILE];
    470 listns 4 [];
    471 rseq_slice_yield 0 [];
}

/// The name of aarch64 syscall `nr`.
pub fn name(nr: u64) -> Option<&'static str> {
    usize::try_from(nr)
        .ok()
        .and_then(|i| TABLE.get(i))
        .and_then(Option::as_ref)
        .map(|s| s.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// `__NR_name` → number from the generic kernel header, with the 64-bit `__NR3264_*`
    /// aliases resolved as arm64 (`__BITS_PER_LONG == 64`) resolves them.
    fn generic_header() -> BTreeMap<String, u64> {
        let path = "/usr/include/asm-generic/unistd.h";
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{path}: {e} (install linux-libc-dev)"));
        let mut n3264 = BTreeMap::new();
        let mut out = BTreeMap::new();
        for line in text.lines() {
            let Some(rest) = line.strip_prefix("#define __NR") else {
                continue;
            };
            let mut parts = rest.split_whitespace();
            let (Some(key), Some(val)) = (parts.next(), parts.next()) else {
                continue;
            };
            if let Some(name) = key.strip_prefix("3264_") {
                if let Ok(v) = val.parse::<u64>() {
                    n3264.insert(name.to_string(), v);
                }
            } else if let Some(name) = key.strip_prefix('_') {
                if let Ok(v) = val.parse::<u64>() {
                    out.insert(name.to_string(), v);
                } else if let Some(alias) = val.strip_prefix("__NR3264_") {
                    if let Some(&v) = n3264.get(alias) {
                        out.entry(name.to_string()).or_insert(v);
                    }
                }
            }
        }
        // Defined only for 32-bit ABIs, or spelled differently on 64-bit ones.
        for gone in [
            "syscalls",
            "fcntl64",
            "statfs64",
            "fstatfs64",
            "truncate64",
            "ftruncate64",
            "llseek",
            "sendfile64",
            "fstatat64",
            "fstat64",
            "mmap2",
            "fadvise64_64",
            "sync_file_range2",
            "arch_specific_syscall",
        ] {
            out.remove(gone);
        }
        // 403..=423 are the 32-bit ABIs' 64-bit-time calls (`#if __BITS_PER_LONG == 32`).
        out.retain(|_, nr| !(403..=423).contains(nr));
        out
    }

    #[test]
    fn index_equals_number() {
        for (i, slot) in TABLE.iter().enumerate() {
            if let Some(s) = slot {
                assert_eq!(s.nr as usize, i, "{} is at index {i}", s.name);
            }
        }
        assert!(LIST.windows(2).all(|w| w[0].nr < w[1].nr));
    }

    #[test]
    fn numbers_match_generic_header() {
        let header = generic_header();
        assert!(header.len() > 280, "parsed only {} entries", header.len());
        for (name, &nr) in &header {
            let entry = TABLE
                .get(nr as usize)
                .copied()
                .flatten()
                .unwrap_or_else(|| panic!("{name} ({nr}) missing"));
            assert_eq!(entry.name, name, "number {nr}");
        }
        // And the other way: every entry the header is new enough to know is in it.
        let newest = header.values().max().copied().unwrap_or(0);
        for s in LIST.iter().filter(|s| s.nr <= newest) {
            assert_eq!(
                header.get(s.name),
                Some(&s.nr),
                "{} not in the header",
                s.name
            );
        }
        assert_eq!(name(63), Some("read"));
        assert_eq!(name(242), Some("accept4"));
        assert_eq!(name(435), Some("clone3"));
    }
}
