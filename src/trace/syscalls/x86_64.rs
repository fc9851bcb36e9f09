//! The x86_64 syscall table: every number the kernel assigns, its name, argument count and classes.
//!
//! Numbers and names follow the kernel's `arch/x86/entry/syscalls/syscall_64.tbl`; argument
//! counts and class flags follow strace's classification so `-e trace=%file` selects the same set.

use super::args::Arg::*;
use super::row::{
    Syscall, CLOCK, CREDS, DESC, FILE, FSTAT, FSTATFS, IPC, LSTAT, MEMORY, NETWORK, PROCESS, PURE,
    SIGNAL, STAT, STATFS, STATFS_LIKE, STAT_LIKE,
};
use crate::trace::flags as fl;

syscall_table! {
    /// One past the highest assigned x86_64 syscall number.
    max = 472;
    0 read 3 [DESC] (Fd, OutBuf, ULong) -> Dec;
    1 write 3 [DESC] (Fd, InBuf(2), ULong) -> Dec;
    2 open 3 [DESC FILE] (Path, OpenFlags, OpenMode(1)) -> Fd;
    3 close 1 [DESC] (Fd) -> Dec;
    4 stat 2 [FILE STAT STAT_LIKE] (Path, StatOut) -> Dec;
    5 fstat 2 [DESC FSTAT STAT_LIKE] (Fd, StatOut) -> Dec;
    6 lstat 2 [FILE LSTAT STAT_LIKE] (Path, StatOut) -> Dec;
    7 poll 3 [DESC] (PollIn(1), UInt, Int) -> Poll;
    8 lseek 3 [DESC] (Fd, Long, Enum(fl::WHENCE, "SEEK_???")) -> Dec;
    9 mmap 6 [DESC MEMORY] (
        Ptr,
        ULong,
        Flags(fl::PROT, "PROT_NONE", "PROT_???"),
        MmapFlags,
        Fd,
        Hex,
    ) -> Hex;
    10 mprotect 3 [MEMORY] (Ptr, ULong, Flags(fl::PROT, "PROT_NONE", "PROT_???")) -> Dec;
    11 munmap 2 [MEMORY] (Ptr, ULong) -> Dec;
    12 brk 1 [MEMORY] (Ptr) -> Hex;
    13 rt_sigaction 4 [SIGNAL] (Sig, SigactIn, SigactOut, ULong) -> Dec;
    14 rt_sigprocmask 4 [SIGNAL] (
        Enum(fl::SIG_HOW, "SIG_???"),
        SigsetIn(3),
        SigsetOut(3),
        ULong,
    ) -> Dec;
    15 rt_sigreturn 0 [SIGNAL];
    16 ioctl 3 [DESC] (Fd, IoctlReq, IoctlArg, IoctlOut) -> Dec;
    17 pread64 4 [DESC] (Fd, OutBuf, ULong, Long) -> Dec;
    18 pwrite64 4 [DESC] (Fd, InBuf(2), ULong, Long) -> Dec;
    19 readv 3 [DESC] (Fd, IovOut(2), Int) -> Dec;
    20 writev 3 [DESC] (Fd, IovIn(2), Int) -> Dec;
    21 access 2 [FILE] (Path, Flags(fl::ACCESS_MODES, "F_OK", "?_OK")) -> Dec;
    22 pipe 1 [DESC] (FdPair) -> Dec;
    23 select 5 [DESC] (Int, FdSet(0), FdSet(0), FdSet(0), TvIn) -> Select(false);
    24 sched_yield 0 [] () -> Dec;
    25 mremap 5 [MEMORY] (
        Ptr,
        ULong,
        ULong,
        Flags(fl::MREMAP_FLAGS, "0", "MREMAP_???"),
        MremapAddr,
    ) -> Hex;
    26 msync 3 [MEMORY] (Ptr, ULong, Flags(fl::MSYNC_FLAGS, "0", "MS_???")) -> Dec;
    27 mincore 3 [MEMORY];
    28 madvise 3 [MEMORY] (Ptr, ULong, Enum(fl::MADV, "MADV_???")) -> Dec;
    29 shmget 3 [IPC] (IpcKey, ULong, IpcGetFlags) -> Dec;
    30 shmat 3 [IPC MEMORY] (Int, Ptr, Flags(fl::SHMAT_FLAGS, "0", "SHM_???")) -> Hex;
    31 shmctl 3 [IPC] (Int, IpcCmd('h'), Ptr) -> Dec;
    32 dup 1 [DESC] (Fd) -> Fd;
    33 dup2 2 [DESC] (Fd, Fd) -> Fd;
    34 pause 0 [SIGNAL] () -> Dec;
    35 nanosleep 2 [] (TsIn, TsRem) -> Dec;
    36 getitimer 2 [] (Enum(fl::ITIMERS, "ITIMER_???"), ItimerOut) -> Dec;
    37 alarm 1 [] (UInt) -> Dec;
    38 setitimer 3 [] (Enum(fl::ITIMERS, "ITIMER_???"), ItimerIn, ItimerOut) -> Dec;
    39 getpid 0 [PURE] () -> Dec;
    40 sendfile 4 [DESC NETWORK] (Fd, Fd, OffInOut, ULong) -> Dec;
    41 socket 3 [NETWORK] (Enum(fl::AF, "AF_???"), SockType, Proto(0)) -> Fd;
    42 connect 3 [NETWORK] (Fd, Sockaddr(2), UInt) -> Dec;
    43 accept 3 [NETWORK] (Fd, SockaddrOut(2), SocklenInOut) -> Fd;
    44 sendto 6 [NETWORK] (
        Fd,
        InBuf(2),
        ULong,
        Flags(fl::MSG_FLAGS, "0", "MSG_???"),
        Sockaddr(5),
        UInt,
    ) -> Dec;
    45 recvfrom 6 [NETWORK] (
        Fd,
        OutBuf,
        ULong,
        Flags(fl::MSG_FLAGS, "0", "MSG_???"),
        SockaddrOut(5),
        SocklenInOut,
    ) -> Dec;
    46 sendmsg 3 [NETWORK] (Fd, MsgIn, Flags(fl::MSG_FLAGS, "0", "MSG_???")) -> Dec;
    47 recvmsg 3 [NETWORK] (Fd, MsgOut, Flags(fl::MSG_FLAGS, "0", "MSG_???")) -> Dec;
    48 shutdown 2 [NETWORK] (Fd, Enum(fl::SHUTDOWN, "SHUT_???")) -> Dec;
    49 bind 3 [NETWORK] (Fd, Sockaddr(2), UInt) -> Dec;
    50 listen 2 [NETWORK] (Fd, Int) -> Dec;
    51 getsockname 3 [NETWORK] (Fd, SockaddrOut(2), SocklenInOut) -> Dec;
    52 getpeername 3 [NETWORK] (Fd, SockaddrOut(2), SocklenInOut) -> Dec;
    53 socketpair 4 [NETWORK] (Enum(fl::AF, "AF_???"), SockType, Proto(0), FdPair) -> Dec;
    54 setsockopt 5 [NETWORK] (Fd, SockLevel, SockOpt(1), OptIn(4), UInt) -> Dec;
    55 getsockopt 5 [NETWORK] (Fd, SockLevel, SockOpt(1), OptOut(4), SocklenInOut) -> Dec;
    56 clone 5 [PROCESS] (CloneEntry, CloneExit) -> Dec;
    57 fork 0 [PROCESS] () -> Dec;
    58 vfork 0 [PROCESS] () -> Dec;
    59 execve 3 [FILE PROCESS] (Path, Argv, Envp) -> Dec;
    60 exit 1 [PROCESS] (Int) -> None;
    61 wait4 4 [PROCESS] (Int, WaitStatus, Flags(fl::WAIT_OPTS, "0", "W???"), RusageOut) -> Dec;
    62 kill 2 [SIGNAL PROCESS] (Int, Sig) -> Dec;
    63 uname 1 [] (UtsOut) -> Dec;
    64 semget 3 [IPC] (IpcKey, ULong, IpcGetFlags) -> Dec;
    65 semop 3 [IPC] (Int, Sembufs, UInt) -> Dec;
    66 semctl 4 [IPC] (Int, Int, IpcCmd('s'), Ptr) -> Dec;
    67 shmdt 1 [IPC MEMORY] (Ptr) -> Dec;
    68 msgget 2 [IPC] (IpcKey, IpcGetFlags) -> Dec;
    69 msgsnd 4 [IPC] (Int, MsgbufIn, ULong, Flags(fl::MSG_IPC_FLAGS, "0", "MSG_???")) -> Dec;
    70 msgrcv 5 [IPC] (
        Int,
        MsgbufOut,
        ULong,
        Long,
        Flags(fl::MSG_IPC_FLAGS, "0", "MSG_???"),
    ) -> Dec;
    71 msgctl 3 [IPC] (Int, IpcCmd('m'), Ptr) -> Dec;
    72 fcntl 3 [DESC] (Fd, Enum(fl::FCNTL_CMDS, "F_???"), FcntlArg(1)) -> Fcntl;
    73 flock 2 [DESC] (Fd, Flags(fl::FLOCK_OPS, "0", "LOCK_???")) -> Dec;
    74 fsync 1 [DESC] (Fd) -> Dec;
    75 fdatasync 1 [DESC] (Fd) -> Dec;
    76 truncate 2 [FILE] (Path, Long) -> Dec;
    77 ftruncate 2 [DESC] (Fd, Long) -> Dec;
    78 getdents 3 [DESC] (Fd, Dirents, UInt) -> Dec;
    79 getcwd 2 [FILE] (OutCwd, ULong) -> Dec;
    80 chdir 1 [FILE] (Path) -> Dec;
    81 fchdir 1 [DESC] (Fd) -> Dec;
    82 rename 2 [FILE] (Path, Path) -> Dec;
    83 mkdir 2 [FILE] (Path, Mode) -> Dec;
    84 rmdir 1 [FILE] (Path) -> Dec;
    85 creat 2 [DESC FILE] (Path, Mode) -> Fd;
    86 link 2 [FILE] (Path, Path) -> Dec;
    87 unlink 1 [FILE] (Path) -> Dec;
    88 symlink 2 [FILE] (Path, Path) -> Dec;
    89 readlink 3 [FILE] (Path, OutPathRet, ULong) -> Dec;
    90 chmod 2 [FILE] (Path, Mode) -> Dec;
    91 fchmod 2 [DESC] (Fd, Mode) -> Dec;
    92 chown 3 [FILE] (Path, Int, Int) -> Dec;
    93 fchown 3 [DESC] (Fd, Int, Int) -> Dec;
    94 lchown 3 [FILE] (Path, Int, Int) -> Dec;
    95 umask 1 [] (Mode) -> Octal;
    96 gettimeofday 2 [CLOCK] (TvOut, Ptr) -> Dec;
    97 getrlimit 2 [] (Enum(fl::RLIMITS, "RLIMIT_???"), RlimOut) -> Dec;
    98 getrusage 2 [] (Enum(fl::RUSAGE_WHO, "RUSAGE_???"), RusageOut) -> Dec;
    99 sysinfo 1 [] (SysinfoOut) -> Dec;
    100 times 1 [] (TmsOut) -> Dec;
    101 ptrace 4 [];
    102 getuid 0 [CREDS PURE] () -> Dec;
    103 syslog 3 [];
    104 getgid 0 [CREDS PURE] () -> Dec;
    105 setuid 1 [CREDS] (Int) -> Dec;
    106 setgid 1 [CREDS] (Int) -> Dec;
    107 geteuid 0 [CREDS PURE] () -> Dec;
    108 getegid 0 [CREDS PURE] () -> Dec;
    109 setpgid 2 [] (Int, Int) -> Dec;
    110 getppid 0 [PURE] () -> Dec;
    111 getpgrp 0 [PURE] () -> Dec;
    112 setsid 0 [] () -> Dec;
    113 setreuid 2 [CREDS] (Int, Int) -> Dec;
    114 setregid 2 [CREDS] (Int, Int) -> Dec;
    115 getgroups 2 [CREDS] (Int, GidsOut) -> Dec;
    116 setgroups 2 [CREDS] (Int, GidsIn) -> Dec;
    117 setresuid 3 [CREDS] (Int, Int, Int) -> Dec;
    118 getresuid 3 [CREDS] (IntOut, IntOut, IntOut) -> Dec;
    119 setresgid 3 [CREDS] (Int, Int, Int) -> Dec;
    120 getresgid 3 [CREDS] (IntOut, IntOut, IntOut) -> Dec;
    121 getpgid 1 [] (Int) -> Dec;
    122 setfsuid 1 [CREDS] (Int) -> Dec;
    123 setfsgid 1 [CREDS] (Int) -> Dec;
    124 getsid 1 [] (Int) -> Dec;
    125 capget 2 [CREDS] (CapHeader, CapDataOut) -> Dec;
    126 capset 2 [CREDS] (CapHeader, CapDataIn) -> Dec;
    127 rt_sigpending 2 [SIGNAL] (SigsetOut(1), ULong) -> Dec;
    128 rt_sigtimedwait 4 [SIGNAL] (SigsetIn(3), SiginfoOut, TsIn, ULong) -> Signal;
    129 rt_sigqueueinfo 3 [SIGNAL PROCESS];
    130 rt_sigsuspend 2 [SIGNAL] (SigsetIn(1), ULong) -> Dec;
    131 sigaltstack 2 [SIGNAL] (StackIn, StackOut) -> Dec;
    132 utime 2 [FILE];
    133 mknod 3 [FILE] (Path, TypedMode, Dev(1)) -> Dec;
    134 uselib 1 [FILE];
    135 personality 1 [];
    136 ustat 2 [STATFS_LIKE];
    137 statfs 2 [FILE STATFS STATFS_LIKE] (Path, StatfsOut) -> Dec;
    138 fstatfs 2 [DESC FSTATFS STATFS_LIKE] (Fd, StatfsOut) -> Dec;
    139 sysfs 3 [];
    140 getpriority 2 [] (Enum(fl::PRIO_WHICH, "PRIO_???"), Int) -> Dec;
    141 setpriority 3 [] (Enum(fl::PRIO_WHICH, "PRIO_???"), Int, Int) -> Dec;
    142 sched_setparam 2 [];
    143 sched_getparam 2 [];
    144 sched_setscheduler 3 [];
    145 sched_getscheduler 1 [];
    146 sched_get_priority_max 1 [];
    147 sched_get_priority_min 1 [];
    148 sched_rr_get_interval 2 [];
    149 mlock 2 [MEMORY] (Ptr, ULong) -> Dec;
    150 munlock 2 [MEMORY] (Ptr, ULong) -> Dec;
    151 mlockall 1 [MEMORY] (Flags(fl::MCL_FLAGS, "0", "MCL_???")) -> Dec;
    152 munlockall 0 [MEMORY] () -> Dec;
    153 vhangup 0 [] () -> Dec;
    154 modify_ldt 3 [];
    155 pivot_root 2 [FILE] (Path, Path) -> Dec;
    156 _sysctl 1 [];
    157 prctl 5 [CREDS] (PrctlEntry, PrctlExit) -> Prctl;
    158 arch_prctl 2 [] (Enum(fl::ARCH_PRCTL, "ARCH_???"), Hex) -> Dec;
    159 adjtimex 1 [CLOCK];
    160 setrlimit 2 [] (Enum(fl::RLIMITS, "RLIMIT_???"), RlimIn) -> Dec;
    161 chroot 1 [FILE] (Path) -> Dec;
    162 sync 0 [] () -> Dec;
    163 acct 1 [FILE] (Path) -> Dec;
    164 settimeofday 2 [CLOCK];
    165 mount 5 [FILE] (Str, Path, Str, MountFlags, Str) -> Dec;
    166 umount2 2 [FILE] (Path, Flags(fl::UMOUNT_FLAGS, "0", "MNT_???")) -> Dec;
    167 swapon 2 [FILE];
    168 swapoff 1 [FILE] (Path) -> Dec;
    169 reboot 4 [];
    170 sethostname 2 [] (InBuf(1), ULong) -> Dec;
    171 setdomainname 2 [] (InBuf(1), ULong) -> Dec;
    172 iopl 1 [];
    173 ioperm 3 [];
    174 create_module 2 [];
    175 init_module 3 [];
    176 delete_module 2 [];
    177 get_kernel_syms 1 [];
    178 query_module 5 [];
    179 quotactl 4 [FILE];
    180 nfsservctl 3 [];
    181 getpmsg 5 [NETWORK];
    182 putpmsg 5 [NETWORK];
    183 afs_syscall 5 [];
    184 tuxcall 3 [];
    185 security 3 [];
    186 gettid 0 [PURE] () -> Dec;
    187 readahead 3 [DESC];
    188 setxattr 5 [FILE] (
        Path,
        Str,
        InBuf(3),
        ULong,
        Flags(fl::XATTR_FLAGS, "0", "XATTR_???"),
    ) -> Dec;
    189 lsetxattr 5 [FILE] (
        Path,
        Str,
        InBuf(3),
        ULong,
        Flags(fl::XATTR_FLAGS, "0", "XATTR_???"),
    ) -> Dec;
    190 fsetxattr 5 [DESC] (
        Fd,
        Str,
        InBuf(3),
        ULong,
        Flags(fl::XATTR_FLAGS, "0", "XATTR_???"),
    ) -> Dec;
    191 getxattr 4 [FILE] (Path, Str, OutBuf, ULong) -> Dec;
    192 lgetxattr 4 [FILE] (Path, Str, OutBuf, ULong) -> Dec;
    193 fgetxattr 4 [DESC] (Fd, Str, OutBuf, ULong) -> Dec;
    194 listxattr 3 [FILE] (Path, Ptr, ULong) -> Dec;
    195 llistxattr 3 [FILE] (Path, Ptr, ULong) -> Dec;
    196 flistxattr 3 [DESC] (Fd, Ptr, ULong) -> Dec;
    197 removexattr 2 [FILE] (Path, Str) -> Dec;
    198 lremovexattr 2 [FILE] (Path, Str) -> Dec;
    199 fremovexattr 2 [DESC] (Fd, Str) -> Dec;
    200 tkill 2 [SIGNAL PROCESS] (Int, Sig) -> Dec;
    201 time 1 [CLOCK] (Ptr) -> Dec;
    202 futex 6 [] (Ptr, FutexOp, FutexRest) -> Dec;
    203 sched_setaffinity 3 [] (Int, UInt, CpuSetIn(1)) -> Dec;
    204 sched_getaffinity 3 [] (Int, UInt, CpuSetOut) -> Dec;
    205 set_thread_area 1 [];
    206 io_setup 2 [MEMORY];
    207 io_destroy 1 [MEMORY];
    208 io_getevents 5 [];
    209 io_submit 3 [];
    210 io_cancel 3 [];
    211 get_thread_area 1 [];
    212 lookup_dcookie 3 [];
    213 epoll_create 1 [DESC] (Int) -> Fd;
    214 epoll_ctl_old 4 [];
    215 epoll_wait_old 4 [];
    216 remap_file_pages 5 [MEMORY];
    217 getdents64 3 [DESC] (Fd, Dirents, UInt) -> Dec;
    218 set_tid_address 1 [] (Ptr) -> Dec;
    219 restart_syscall 0 [];
    220 semtimedop 4 [IPC] (Int, Sembufs, UInt, TsIn) -> Dec;
    221 fadvise64 4 [DESC] (Fd, Long, Long, Enum(fl::FADV, "POSIX_FADV_???")) -> Dec;
    222 timer_create 3 [] (Enum(fl::CLOCKS, "CLOCK_???"), SigeventIn, IntOut) -> Dec;
    223 timer_settime 4 [] (
        Int,
        Flags(fl::TIMER_FLAGS, "0", "TIMER_???"),
        ItimerspecIn,
        ItimerspecOut,
    ) -> Dec;
    224 timer_gettime 2 [] (Int, ItimerspecOut) -> Dec;
    225 timer_getoverrun 1 [] (Int) -> Dec;
    226 timer_delete 1 [] (Int) -> Dec;
    227 clock_settime 2 [CLOCK] (Enum(fl::CLOCKS, "CLOCK_???"), TsIn) -> Dec;
    228 clock_gettime 2 [CLOCK] (Enum(fl::CLOCKS, "CLOCK_???"), TsOut) -> Dec;
    229 clock_getres 2 [CLOCK] (Enum(fl::CLOCKS, "CLOCK_???"), TsOut) -> Dec;
    230 clock_nanosleep 4 [] (
        Enum(fl::CLOCKS, "CLOCK_???"),
        Flags(fl::TIMER_FLAGS, "0", "TIMER_???"),
        TsIn,
        TsRem,
    ) -> Dec;
    231 exit_group 1 [PROCESS] (Int) -> None;
    232 epoll_wait 4 [DESC] (Fd, EpollOut, Int, Int) -> Dec;
    233 epoll_ctl 4 [DESC] (Fd, Enum(fl::EPOLL_CTL, "EPOLL_CTL_???"), Fd, EpollIn) -> Dec;
    234 tgkill 3 [SIGNAL PROCESS] (Int, Int, Sig) -> Dec;
    235 utimes 2 [FILE];
    236 vserver 5 [];
    237 mbind 6 [MEMORY] (
        Ptr,
        ULong,
        MpolMode,
        NodemaskIn(4),
        ULong,
        Flags(fl::MPOL_MF_FLAGS, "0", "MPOL_???"),
    ) -> Dec;
    238 set_mempolicy 3 [MEMORY] (MpolMode, NodemaskIn(2), ULong) -> Dec;
    239 get_mempolicy 5 [MEMORY] (
        MpolModeOut,
        NodemaskOut(2),
        ULong,
        Ptr,
        Flags(fl::MPOL_GET_FLAGS, "0", "MPOL_???"),
    ) -> Dec;
    240 mq_open 4 [DESC];
    241 mq_unlink 1 [];
    242 mq_timedsend 5 [DESC];
    243 mq_timedreceive 5 [DESC];
    244 mq_notify 2 [DESC];
    245 mq_getsetattr 3 [DESC];
    246 kexec_load 4 [];
    247 waitid 5 [PROCESS] (
        Enum(fl::IDTYPES, "P_???"),
        Int,
        SiginfoOut,
        Flags(fl::WAIT_OPTS, "0", "W???"),
        Ptr,
    ) -> Dec;
    248 add_key 5 [];
    249 request_key 4 [];
    250 keyctl 5 [];
    251 ioprio_set 3 [];
    252 ioprio_get 2 [];
    253 inotify_init 0 [DESC];
    254 inotify_add_watch 3 [DESC FILE] (Fd, Path, Flags(fl::IN_MASK, "0", "IN_???")) -> Dec;
    255 inotify_rm_watch 2 [DESC] (Fd, Int) -> Dec;
    256 migrate_pages 4 [MEMORY];
    257 openat 4 [DESC FILE] (DirFd, Path, OpenFlags, OpenMode(2)) -> Fd;
    258 mkdirat 3 [DESC FILE] (DirFd, Path, Mode) -> Dec;
    259 mknodat 4 [DESC FILE] (DirFd, Path, TypedMode, Dev(2)) -> Dec;
    260 fchownat 5 [DESC FILE] (DirFd, Path, Int, Int, Flags(fl::AT_FLAGS, "0", "AT_???")) -> Dec;
    261 futimesat 3 [DESC FILE];
    262 newfstatat 4 [DESC FILE FSTAT STAT_LIKE] (
        DirFd,
        Path,
        StatOut,
        Flags(fl::AT_FLAGS, "0", "AT_???"),
    ) -> Dec;
    263 unlinkat 3 [DESC FILE] (DirFd, Path, Flags(fl::AT_FLAGS, "0", "AT_???")) -> Dec;
    264 renameat 4 [DESC FILE] (DirFd, Path, DirFd, Path) -> Dec;
    265 linkat 5 [DESC FILE] (DirFd, Path, DirFd, Path, Flags(fl::AT_FLAGS, "0", "AT_???")) -> Dec;
    266 symlinkat 3 [DESC FILE] (Path, DirFd, Path) -> Dec;
    267 readlinkat 4 [DESC FILE] (DirFd, Path, OutPathRet, ULong) -> Dec;
    268 fchmodat 3 [DESC FILE] (DirFd, Path, Mode) -> Dec;
    269 faccessat 3 [DESC FILE] (DirFd, Path, Flags(fl::ACCESS_MODES, "F_OK", "?_OK")) -> Dec;
    270 pselect6 6 [DESC] (Int, FdSet(0), FdSet(0), FdSet(0), TsIn, Pselect6Mask) -> Select(true);
    271 ppoll 5 [DESC] (PollIn(1), UInt, TsIn, SigsetIn(4), ULong) -> Poll;
    272 unshare 1 [] (Flags(fl::CLONE_FLAGS, "0", "CLONE_???")) -> Dec;
    273 set_robust_list 2 [] (Ptr, ULong) -> Dec;
    274 get_robust_list 3 [];
    275 splice 6 [DESC] (
        Fd,
        OffIn,
        Fd,
        OffIn,
        ULong,
        Flags(fl::SPLICE_FLAGS, "0", "SPLICE_F_???"),
    ) -> Dec;
    276 tee 4 [DESC];
    277 sync_file_range 4 [DESC];
    278 vmsplice 4 [DESC];
    279 move_pages 6 [MEMORY];
    280 utimensat 4 [DESC FILE] (DirFd, Path, UtimeTs, Flags(fl::AT_FLAGS, "0", "AT_???")) -> Dec;
    281 epoll_pwait 6 [DESC] (Fd, EpollOut, Int, Int, SigsetIn(5), ULong) -> Dec;
    282 signalfd 3 [DESC SIGNAL];
    283 timerfd_create 2 [DESC] (
        Enum(fl::CLOCKS, "CLOCK_???"),
        Flags(fl::TFD_FLAGS, "0", "TFD_???"),
    ) -> Fd;
    284 eventfd 1 [DESC] (UInt) -> Fd;
    285 fallocate 4 [DESC] (Fd, Int, Long, Long) -> Dec;
    286 timerfd_settime 4 [DESC] (
        Fd,
        Flags(fl::TFD_FLAGS, "0", "TFD_???"),
        ItimerspecIn,
        ItimerspecOut,
    ) -> Dec;
    287 timerfd_gettime 2 [DESC] (Fd, ItimerspecOut) -> Dec;
    288 accept4 4 [NETWORK] (
        Fd,
        SockaddrOut(2),
        SocklenInOut,
        Flags(fl::SOCK_FLAGS, "0", "SOCK_???"),
    ) -> Fd;
    289 signalfd4 4 [DESC SIGNAL] (
        Fd,
        SigsetIn(2),
        ULong,
        Flags(fl::SFD_FLAGS, "0", "SFD_???"),
    ) -> Fd;
    290 eventfd2 2 [DESC] (UInt, Flags(fl::EFD_FLAGS, "0", "EFD_???")) -> Fd;
    291 epoll_create1 1 [DESC] (Flags(fl::EPOLL_CREATE_FLAGS, "0", "EPOLL_???")) -> Fd;
    292 dup3 3 [DESC] (Fd, Fd, Flags(fl::PIPE_FLAGS, "0", "O_???")) -> Fd;
    293 pipe2 2 [DESC] (FdPair, Flags(fl::PIPE_FLAGS, "0", "O_???")) -> Dec;
    294 inotify_init1 1 [DESC] (Flags(fl::IN_FLAGS, "0", "IN_???")) -> Fd;
    295 preadv 4 [DESC] (Fd, IovOut(2), Int, Long) -> Dec;
    296 pwritev 4 [DESC] (Fd, IovIn(2), Int, Long) -> Dec;
    297 rt_tgsigqueueinfo 4 [PROCESS SIGNAL];
    298 perf_event_open 5 [DESC];
    299 recvmmsg 5 [NETWORK] (
        Fd,
        MmsgReceived,
        UInt,
        Flags(fl::MSG_FLAGS, "0", "MSG_???"),
        TsIn,
    ) -> Dec;
    300 fanotify_init 2 [DESC];
    301 fanotify_mark 5 [DESC FILE];
    302 prlimit64 4 [] (Int, Enum(fl::RLIMITS, "RLIMIT_???"), RlimIn, RlimOut) -> Dec;
    303 name_to_handle_at 5 [DESC FILE];
    304 open_by_handle_at 3 [DESC];
    305 clock_adjtime 2 [CLOCK];
    306 syncfs 1 [DESC] (Fd) -> Dec;
    307 sendmmsg 4 [NETWORK] (Fd, MmsgSent, UInt, Flags(fl::MSG_FLAGS, "0", "MSG_???")) -> Dec;
    308 setns 2 [DESC] (Fd, Flags(fl::CLONE_FLAGS, "0", "CLONE_NEW???")) -> Dec;
    309 getcpu 3 [];
    310 process_vm_readv 6 [];
    311 process_vm_writev 6 [];
    312 kcmp 5 [];
    313 finit_module 3 [DESC];
    314 sched_setattr 3 [];
    315 sched_getattr 4 [];
    316 renameat2 5 [DESC FILE] (
        DirFd,
        Path,
        DirFd,
        Path,
        Flags(fl::RENAME_FLAGS, "0", "RENAME_??"),
    ) -> Dec;
    317 seccomp 3 [];
    318 getrandom 3 [] (OutBufHex, ULong, Flags(fl::GRND_FLAGS, "0", "GRND_???")) -> Dec;
    319 memfd_create 2 [DESC] (Str, Flags(fl::MFD_FLAGS, "0", "MFD_???")) -> Fd;
    320 kexec_file_load 5 [DESC];
    321 bpf 3 [DESC];
    322 execveat 5 [DESC FILE PROCESS] (
        DirFd,
        Path,
        Argv,
        Envp,
        Flags(fl::AT_FLAGS, "0", "AT_???"),
    ) -> Dec;
    323 userfaultfd 1 [DESC];
    324 membarrier 3 [];
    325 mlock2 3 [MEMORY];
    326 copy_file_range 6 [DESC] (Fd, OffIn, Fd, OffIn, ULong, UInt) -> Dec;
    327 preadv2 6 [DESC] (Fd, IovOut(2), Int, Long, Rwf5) -> Dec;
    328 pwritev2 6 [DESC] (Fd, IovIn(2), Int, Long, Rwf5) -> Dec;
    329 pkey_mprotect 4 [MEMORY] (Ptr, ULong, Flags(fl::PROT, "PROT_NONE", "PROT_???"), Int) -> Dec;
    330 pkey_alloc 2 [];
    331 pkey_free 1 [];
    332 statx 5 [DESC FILE FSTAT STAT_LIKE] (
        DirFd,
        Path,
        StatxFlags,
        Flags(fl::STATX_MASK, "0", "STATX_???"),
        StatxOut,
    ) -> Dec;
    333 io_pgetevents 6 [];
    334 rseq 4 [] (Ptr, Hex, Hex, Hex) -> Dec;
    335 uretprobe 0 [];
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// `__NR_name` → number from the installed kernel headers (Debian: linux-libc-dev).
    fn kernel_header() -> BTreeMap<String, u64> {
        let path = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h";
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{path}: {e} (install linux-libc-dev)"));
        text.lines()
            .filter_map(|l| {
                let rest = l.strip_prefix("#define __NR_")?;
                let (name, nr) = rest.split_once(' ')?;
                Some((name.to_string(), nr.trim().parse().ok()?))
            })
            .collect()
    }

    #[test]
    fn index_equals_number() {
        for (i, slot) in TABLE.iter().enumerate() {
            if let Some(s) = slot {
                assert_eq!(s.nr as usize, i, "{} is at index {i}", s.name);
            }
        }
        let mut prev = None;
        for s in LIST {
            assert!(prev < Some(s.nr), "{} out of order", s.name);
            prev = Some(s.nr);
        }
    }

    #[test]
    fn numbers_match_kernel_headers() {
        let header = kernel_header();
        assert!(header.len() > 350, "parsed only {} entries", header.len());
        for (name, &nr) in &header {
            let entry = TABLE[nr as usize].unwrap_or_else(|| panic!("{name} ({nr}) missing"));
            assert_eq!(entry.name, name, "number {nr}");
        }
        // And the other way: every entry the header is new enough to know is in it.
        let newest = header.values().max().copied().unwrap_or(0);
        // uretprobe (Linux 6.11) took a number below older headers' newest.
        for s in LIST
            .iter()
            .filter(|s| s.nr <= newest && s.name != "uretprobe")
        {
            assert_eq!(
                header.get(s.name),
                Some(&s.nr),
                "{} not in the header",
                s.name
            );
        }
    }

    #[test]
    fn numbers_match_libc() {
        let pairs: &[(&str, i64)] = &[
            ("read", libc::SYS_read),
            ("write", libc::SYS_write),
            ("openat", libc::SYS_openat),
            ("accept4", libc::SYS_accept4),
            ("clone3", libc::SYS_clone3),
            ("execveat", libc::SYS_execveat),
            ("newfstatat", libc::SYS_newfstatat),
            ("pread64", libc::SYS_pread64),
            ("rt_sigaction", libc::SYS_rt_sigaction),
            ("statx", libc::SYS_statx),
            ("epoll_pwait2", libc::SYS_epoll_pwait2),
            ("futex_waitv", libc::SYS_futex_waitv),
            ("_sysctl", libc::SYS__sysctl),
        ];
        for &(name, nr) in pairs {
            assert_eq!(TABLE[nr as usize].map(|s| s.name), Some(name));
        }
    }
}
