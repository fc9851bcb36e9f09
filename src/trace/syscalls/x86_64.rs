//! The x86_64 syscall table: every number the kernel assigns, its name, argument count and classes.
//!
//! Numbers and names follow the kernel's `arch/x86/entry/syscalls/syscall_64.tbl`; argument
//! counts and class flags follow strace's classification so `-e trace=%file` selects the same set.

use super::Syscall;
use super::{
    CLOCK, CREDS, DESC, FILE, FSTAT, FSTATFS, IPC, LSTAT, MEMORY, NETWORK, PROCESS, PURE, SIGNAL,
    STAT, STATFS, STATFS_LIKE, STAT_LIKE,
};

syscall_table! {
    /// One past the highest assigned x86_64 syscall number.
    max = 472;
    0 read 3 [DESC];
    1 write 3 [DESC];
    2 open 3 [DESC FILE];
    3 close 1 [DESC];
    4 stat 2 [FILE STAT STAT_LIKE];
    5 fstat 2 [DESC FSTAT STAT_LIKE];
    6 lstat 2 [FILE LSTAT STAT_LIKE];
    7 poll 3 [DESC];
    8 lseek 3 [DESC];
    9 mmap 6 [DESC MEMORY];
    10 mprotect 3 [MEMORY];
    11 munmap 2 [MEMORY];
    12 brk 1 [MEMORY];
    13 rt_sigaction 4 [SIGNAL];
    14 rt_sigprocmask 4 [SIGNAL];
    15 rt_sigreturn 0 [SIGNAL];
    16 ioctl 3 [DESC];
    17 pread64 4 [DESC];
    18 pwrite64 4 [DESC];
    19 readv 3 [DESC];
    20 writev 3 [DESC];
    21 access 2 [FILE];
    22 pipe 1 [DESC];
    23 select 5 [DESC];
    24 sched_yield 0 [];
    25 mremap 5 [MEMORY];
    26 msync 3 [MEMORY];
    27 mincore 3 [MEMORY];
    28 madvise 3 [MEMORY];
    29 shmget 3 [IPC];
    30 shmat 3 [IPC MEMORY];
    31 shmctl 3 [IPC];
    32 dup 1 [DESC];
    33 dup2 2 [DESC];
    34 pause 0 [SIGNAL];
    35 nanosleep 2 [];
    36 getitimer 2 [];
    37 alarm 1 [];
    38 setitimer 3 [];
    39 getpid 0 [PURE];
    40 sendfile 4 [DESC NETWORK];
    41 socket 3 [NETWORK];
    42 connect 3 [NETWORK];
    43 accept 3 [NETWORK];
    44 sendto 6 [NETWORK];
    45 recvfrom 6 [NETWORK];
    46 sendmsg 3 [NETWORK];
    47 recvmsg 3 [NETWORK];
    48 shutdown 2 [NETWORK];
    49 bind 3 [NETWORK];
    50 listen 2 [NETWORK];
    51 getsockname 3 [NETWORK];
    52 getpeername 3 [NETWORK];
    53 socketpair 4 [NETWORK];
    54 setsockopt 5 [NETWORK];
    55 getsockopt 5 [NETWORK];
    56 clone 5 [PROCESS];
    57 fork 0 [PROCESS];
    58 vfork 0 [PROCESS];
    59 execve 3 [FILE PROCESS];
    60 exit 1 [PROCESS];
    61 wait4 4 [PROCESS];
    62 kill 2 [SIGNAL PROCESS];
    63 uname 1 [];
    64 semget 3 [IPC];
    65 semop 3 [IPC];
    66 semctl 4 [IPC];
    67 shmdt 1 [IPC MEMORY];
    68 msgget 2 [IPC];
    69 msgsnd 4 [IPC];
    70 msgrcv 5 [IPC];
    71 msgctl 3 [IPC];
    72 fcntl 3 [DESC];
    73 flock 2 [DESC];
    74 fsync 1 [DESC];
    75 fdatasync 1 [DESC];
    76 truncate 2 [FILE];
    77 ftruncate 2 [DESC];
    78 getdents 3 [DESC];
    79 getcwd 2 [FILE];
    80 chdir 1 [FILE];
    81 fchdir 1 [DESC];
    82 rename 2 [FILE];
    83 mkdir 2 [FILE];
    84 rmdir 1 [FILE];
    85 creat 2 [DESC FILE];
    86 link 2 [FILE];
    87 unlink 1 [FILE];
    88 symlink 2 [FILE];
    89 readlink 3 [FILE];
    90 chmod 2 [FILE];
    91 fchmod 2 [DESC];
    92 chown 3 [FILE];
    93 fchown 3 [DESC];
    94 lchown 3 [FILE];
    95 umask 1 [];
    96 gettimeofday 2 [CLOCK];
    97 getrlimit 2 [];
    98 getrusage 2 [];
    99 sysinfo 1 [];
    100 times 1 [];
    101 ptrace 4 [];
    102 getuid 0 [CREDS PURE];
    103 syslog 3 [];
    104 getgid 0 [CREDS PURE];
    105 setuid 1 [CREDS];
    106 setgid 1 [CREDS];
    107 geteuid 0 [CREDS PURE];
    108 getegid 0 [CREDS PURE];
    109 setpgid 2 [];
    110 getppid 0 [PURE];
    111 getpgrp 0 [PURE];
    112 setsid 0 [];
    113 setreuid 2 [CREDS];
    114 setregid 2 [CREDS];
    115 getgroups 2 [CREDS];
    116 setgroups 2 [CREDS];
    117 setresuid 3 [CREDS];
    118 getresuid 3 [CREDS];
    119 setresgid 3 [CREDS];
    120 getresgid 3 [CREDS];
    121 getpgid 1 [];
    122 setfsuid 1 [CREDS];
    123 setfsgid 1 [CREDS];
    124 getsid 1 [];
    125 capget 2 [CREDS];
    126 capset 2 [CREDS];
    127 rt_sigpending 2 [SIGNAL];
    128 rt_sigtimedwait 4 [SIGNAL];
    129 rt_sigqueueinfo 3 [SIGNAL PROCESS];
    130 rt_sigsuspend 2 [SIGNAL];
    131 sigaltstack 2 [SIGNAL];
    132 utime 2 [FILE];
    133 mknod 3 [FILE];
    134 uselib 1 [FILE];
    135 personality 1 [];
    136 ustat 2 [STATFS_LIKE];
    137 statfs 2 [FILE STATFS STATFS_LIKE];
    138 fstatfs 2 [DESC FSTATFS STATFS_LIKE];
    139 sysfs 3 [];
    140 getpriority 2 [];
    141 setpriority 3 [];
    142 sched_setparam 2 [];
    143 sched_getparam 2 [];
    144 sched_setscheduler 3 [];
    145 sched_getscheduler 1 [];
    146 sched_get_priority_max 1 [];
    147 sched_get_priority_min 1 [];
    148 sched_rr_get_interval 2 [];
    149 mlock 2 [MEMORY];
    150 munlock 2 [MEMORY];
    151 mlockall 1 [MEMORY];
    152 munlockall 0 [MEMORY];
    153 vhangup 0 [];
    154 modify_ldt 3 [];
    155 pivot_root 2 [FILE];
    156 _sysctl 1 [];
    157 prctl 5 [CREDS];
    158 arch_prctl 2 [];
    159 adjtimex 1 [CLOCK];
    160 setrlimit 2 [];
    161 chroot 1 [FILE];
    162 sync 0 [];
    163 acct 1 [FILE];
    164 settimeofday 2 [CLOCK];
    165 mount 5 [FILE];
    166 umount2 2 [FILE];
    167 swapon 2 [FILE];
    168 swapoff 1 [FILE];
    169 reboot 4 [];
    170 sethostname 2 [];
    171 setdomainname 2 [];
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
    186 gettid 0 [PURE];
    187 readahead 3 [DESC];
    188 setxattr 5 [FILE];
    189 lsetxattr 5 [FILE];
    190 fsetxattr 5 [DESC];
    191 getxattr 4 [FILE];
    192 lgetxattr 4 [FILE];
    193 fgetxattr 4 [DESC];
    194 listxattr 3 [FILE];
    195 llistxattr 3 [FILE];
    196 flistxattr 3 [DESC];
    197 removexattr 2 [FILE];
    198 lremovexattr 2 [FILE];
    199 fremovexattr 2 [DESC];
    200 tkill 2 [SIGNAL PROCESS];
    201 time 1 [CLOCK];
    202 futex 6 [];
    203 sched_setaffinity 3 [];
    204 sched_getaffinity 3 [];
    205 set_thread_area 1 [];
    206 io_setup 2 [MEMORY];
    207 io_destroy 1 [MEMORY];
    208 io_getevents 5 [];
    209 io_submit 3 [];
    210 io_cancel 3 [];
    211 get_thread_area 1 [];
    212 lookup_dcookie 3 [];
    213 epoll_create 1 [DESC];
    214 epoll_ctl_old 4 [];
    215 epoll_wait_old 4 [];
    216 remap_file_pages 5 [MEMORY];
    217 getdents64 3 [DESC];
    218 set_tid_address 1 [];
    219 restart_syscall 0 [];
    220 semtimedop 4 [IPC];
    221 fadvise64 4 [DESC];
    222 timer_create 3 [];
    223 timer_settime 4 [];
    224 timer_gettime 2 [];
    225 timer_getoverrun 1 [];
    226 timer_delete 1 [];
    227 clock_settime 2 [CLOCK];
    228 clock_gettime 2 [CLOCK];
    229 clock_getres 2 [CLOCK];
    230 clock_nanosleep 4 [];
    231 exit_group 1 [PROCESS];
    232 epoll_wait 4 [DESC];
    233 epoll_ctl 4 [DESC];
    234 tgkill 3 [SIGNAL PROCESS];
    235 utimes 2 [FILE];
    236 vserver 5 [];
    237 mbind 6 [MEMORY];
    238 set_mempolicy 3 [MEMORY];
    239 get_mempolicy 5 [MEMORY];
    240 mq_open 4 [DESC];
    241 mq_unlink 1 [];
    242 mq_timedsend 5 [DESC];
    243 mq_timedreceive 5 [DESC];
    244 mq_notify 2 [DESC];
    245 mq_getsetattr 3 [DESC];
    246 kexec_load 4 [];
    247 waitid 5 [PROCESS];
    248 add_key 5 [];
    249 request_key 4 [];
    250 keyctl 5 [];
    251 ioprio_set 3 [];
    252 ioprio_get 2 [];
    253 inotify_init 0 [DESC];
    254 inotify_add_watch 3 [DESC FILE];
    255 inotify_rm_watch 2 [DESC];
    256 migrate_pages 4 [MEMORY];
    257 openat 4 [DESC FILE];
    258 mkdirat 3 [DESC FILE];
    259 mknodat 4 [DESC FILE];
    260 fchownat 5 [DESC FILE];
    261 futimesat 3 [DESC FILE];
    262 newfstatat 4 [DESC FILE FSTAT STAT_LIKE];
    263 unlinkat 3 [DESC FILE];
    264 renameat 4 [DESC FILE];
    265 linkat 5 [DESC FILE];
    266 symlinkat 3 [DESC FILE];
    267 readlinkat 4 [DESC FILE];
    268 fchmodat 3 [DESC FILE];
    269 faccessat 3 [DESC FILE];
    270 pselect6 6 [DESC];
    271 ppoll 5 [DESC];
    272 unshare 1 [];
    273 set_robust_list 2 [];
    274 get_robust_list 3 [];
    275 splice 6 [DESC];
    276 tee 4 [DESC];
    277 sync_file_range 4 [DESC];
    278 vmsplice 4 [DESC];
    279 move_pages 6 [MEMORY];
    280 utimensat 4 [DESC FILE];
    281 epoll_pwait 6 [DESC];
    282 signalfd 3 [DESC SIGNAL];
    283 timerfd_create 2 [DESC];
    284 eventfd 1 [DESC];
    285 fallocate 4 [DESC];
    286 timerfd_settime 4 [DESC];
    287 timerfd_gettime 2 [DESC];
    288 accept4 4 [NETWORK];
    289 signalfd4 4 [DESC SIGNAL];
    290 eventfd2 2 [DESC];
    291 epoll_create1 1 [DESC];
    292 dup3 3 [DESC];
    293 pipe2 2 [DESC];
    294 inotify_init1 1 [DESC];
    295 preadv 4 [DESC];
    296 pwritev 4 [DESC];
    297 rt_tgsigqueueinfo 4 [PROCESS SIGNAL];
    298 perf_event_open 5 [DESC];
    299 recvmmsg 5 [NETWORK];
    300 fanotify_init 2 [DESC];
    301 fanotify_mark 5 [DESC FILE];
    302 prlimit64 4 [];
    303 name_to_handle_at 5 [DESC FILE];
    304 open_by_handle_at 3 [DESC];
    305 clock_adjtime 2 [CLOCK];
    306 syncfs 1 [DESC];
    307 sendmmsg 4 [NETWORK];
    308 setns 2 [DESC];
    309 getcpu 3 [];
    310 process_vm_readv 6 [];
    311 process_vm_writev 6 [];
    312 kcmp 5 [];
    313 finit_module 3 [DESC];
    314 sched_setattr 3 [];
    315 sched_getattr 4 [];
    316 renameat2 5 [DESC FILE];
    317 seccomp 3 [];
    318 getrandom 3 [];
    319 memfd_create 2 [DESC];
    320 kexec_file_load 5 [DESC];
    321 bpf 3 [DESC];
    322 execveat 5 [DESC FILE PROCESS];
    323 userfaultfd 1 [DESC];
    324 membarrier 3 [];
    325 mlock2 3 [MEMORY];
    326 copy_file_range 6 [DESC];
    327 preadv2 6 [DESC];
    328 pwritev2 6 [DESC];
    329 pkey_mprotect 4 [MEMORY];
    330 pkey_alloc 2 [];
    331 pkey_free 1 [];
    332 statx 5 [DESC FILE FSTAT STAT_LIKE];
    333 io_pgetevents 6 [];
    334 rseq 4 [];
    335 uretprobe 0 [];
    424 pidfd_send_signal 4 [DESC SIGNAL PROCESS];
    425 io_uring_setup 2 [DESC];
    426 io_uring_enter 6 [DESC SIGNAL];
    427 io_uring_register 4 [DESC MEMORY];
    428 open_tree 3 [DESC FILE];
    429 move_mount 5 [DESC FILE];
    430 fsopen 2 [DESC];
    431 fsconfig 5 [DESC FILE];
    432 fsmount 3 [DESC];
    433 fspick 3 [DESC FILE];
    434 pidfd_open 2 [DESC];
    435 clone3 2 [PROCESS];
    436 close_range 3 [];
    437 openat2 4 [DESC FILE];
    438 pidfd_getfd 3 [DESC];
    439 faccessat2 4 [DESC FILE];
    440 process_madvise 5 [DESC];
    441 epoll_pwait2 6 [DESC];
    442 mount_setattr 5 [DESC FILE];
    443 quotactl_fd 4 [DESC];
    444 landlock_create_ruleset 3 [DESC];
    445 landlock_add_rule 4 [DESC];
    446 landlock_restrict_self 2 [DESC];
    447 memfd_secret 1 [DESC];
    448 process_mrelease 2 [DESC];
    449 futex_waitv 5 [];
    450 set_mempolicy_home_node 4 [MEMORY];
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
