//! The aarch64 syscall table (the kernel's generic numbering), for tracing arm64 nodes.
//!
//! Numbers and names follow `include/uapi/asm-generic/unistd.h` as arm64 configures it;
//! argument counts and class flags follow strace's classification, as for x86_64.

use super::Syscall;
use super::{
    CLOCK, CREDS, DESC, FILE, FSTAT, FSTATFS, IPC, MEMORY, NETWORK, PROCESS, PURE, SIGNAL, STATFS,
    STATFS_LIKE, STAT_LIKE,
};

syscall_table! {
    /// One past the highest assigned aarch64 syscall number.
    max = 472;
    0 io_setup 2 [MEMORY];
    1 io_destroy 1 [MEMORY];
    2 io_submit 3 [];
    3 io_cancel 3 [];
    4 io_getevents 5 [];
    5 setxattr 5 [FILE];
    6 lsetxattr 5 [FILE];
    7 fsetxattr 5 [DESC];
    8 getxattr 4 [FILE];
    9 lgetxattr 4 [FILE];
    10 fgetxattr 4 [DESC];
    11 listxattr 3 [FILE];
    12 llistxattr 3 [FILE];
    13 flistxattr 3 [DESC];
    14 removexattr 2 [FILE];
    15 lremovexattr 2 [FILE];
    16 fremovexattr 2 [DESC];
    17 getcwd 2 [FILE];
    18 lookup_dcookie 3 [];
    19 eventfd2 2 [DESC];
    20 epoll_create1 1 [DESC];
    21 epoll_ctl 4 [DESC];
    22 epoll_pwait 6 [DESC];
    23 dup 1 [DESC];
    24 dup3 3 [DESC];
    25 fcntl 3 [DESC];
    26 inotify_init1 1 [DESC];
    27 inotify_add_watch 3 [DESC FILE];
    28 inotify_rm_watch 2 [DESC];
    29 ioctl 3 [DESC];
    30 ioprio_set 3 [];
    31 ioprio_get 2 [];
    32 flock 2 [DESC];
    33 mknodat 4 [DESC FILE];
    34 mkdirat 3 [DESC FILE];
    35 unlinkat 3 [DESC FILE];
    36 symlinkat 3 [DESC FILE];
    37 linkat 5 [DESC FILE];
    38 renameat 4 [DESC FILE];
    39 umount2 2 [FILE];
    40 mount 5 [FILE];
    41 pivot_root 2 [FILE];
    42 nfsservctl 3 [];
    43 statfs 2 [FILE STATFS STATFS_LIKE];
    44 fstatfs 2 [DESC FSTATFS STATFS_LIKE];
    45 truncate 2 [FILE];
    46 ftruncate 2 [DESC];
    47 fallocate 4 [DESC];
    48 faccessat 3 [DESC FILE];
    49 chdir 1 [FILE];
    50 fchdir 1 [DESC];
    51 chroot 1 [FILE];
    52 fchmod 2 [DESC];
    53 fchmodat 3 [DESC FILE];
    54 fchownat 5 [DESC FILE];
    55 fchown 3 [DESC];
    56 openat 4 [DESC FILE];
    57 close 1 [DESC];
    58 vhangup 0 [];
    59 pipe2 2 [DESC];
    60 quotactl 4 [FILE];
    61 getdents64 3 [DESC];
    62 lseek 3 [DESC];
    63 read 3 [DESC];
    64 write 3 [DESC];
    65 readv 3 [DESC];
    66 writev 3 [DESC];
    67 pread64 4 [DESC];
    68 pwrite64 4 [DESC];
    69 preadv 4 [DESC];
    70 pwritev 4 [DESC];
    71 sendfile 4 [DESC NETWORK];
    72 pselect6 6 [DESC];
    73 ppoll 5 [DESC];
    74 signalfd4 4 [DESC SIGNAL];
    75 vmsplice 4 [DESC];
    76 splice 6 [DESC];
    77 tee 4 [DESC];
    78 readlinkat 4 [DESC FILE];
    79 newfstatat 4 [DESC FILE FSTAT STAT_LIKE];
    80 fstat 2 [DESC FSTAT STAT_LIKE];
    81 sync 0 [];
    82 fsync 1 [DESC];
    83 fdatasync 1 [DESC];
    84 sync_file_range 4 [DESC];
    85 timerfd_create 2 [DESC];
    86 timerfd_settime 4 [DESC];
    87 timerfd_gettime 2 [DESC];
    88 utimensat 4 [DESC FILE];
    89 acct 1 [FILE];
    90 capget 2 [CREDS];
    91 capset 2 [CREDS];
    92 personality 1 [];
    93 exit 1 [PROCESS];
    94 exit_group 1 [PROCESS];
    95 waitid 5 [PROCESS];
    96 set_tid_address 1 [];
    97 unshare 1 [];
    98 futex 6 [];
    99 set_robust_list 2 [];
    100 get_robust_list 3 [];
    101 nanosleep 2 [];
    102 getitimer 2 [];
    103 setitimer 3 [];
    104 kexec_load 4 [];
    105 init_module 3 [];
    106 delete_module 2 [];
    107 timer_create 3 [];
    108 timer_gettime 2 [];
    109 timer_getoverrun 1 [];
    110 timer_settime 4 [];
    111 timer_delete 1 [];
    112 clock_settime 2 [CLOCK];
    113 clock_gettime 2 [CLOCK];
    114 clock_getres 2 [CLOCK];
    115 clock_nanosleep 4 [];
    116 syslog 3 [];
    117 ptrace 4 [];
    118 sched_setparam 2 [];
    119 sched_setscheduler 3 [];
    120 sched_getscheduler 1 [];
    121 sched_getparam 2 [];
    122 sched_setaffinity 3 [];
    123 sched_getaffinity 3 [];
    124 sched_yield 0 [];
    125 sched_get_priority_max 1 [];
    126 sched_get_priority_min 1 [];
    127 sched_rr_get_interval 2 [];
    128 restart_syscall 0 [];
    129 kill 2 [SIGNAL PROCESS];
    130 tkill 2 [SIGNAL PROCESS];
    131 tgkill 3 [SIGNAL PROCESS];
    132 sigaltstack 2 [SIGNAL];
    133 rt_sigsuspend 2 [SIGNAL];
    134 rt_sigaction 4 [SIGNAL];
    135 rt_sigprocmask 4 [SIGNAL];
    136 rt_sigpending 2 [SIGNAL];
    137 rt_sigtimedwait 4 [SIGNAL];
    138 rt_sigqueueinfo 3 [SIGNAL PROCESS];
    139 rt_sigreturn 0 [SIGNAL];
    140 setpriority 3 [];
    141 getpriority 2 [];
    142 reboot 4 [];
    143 setregid 2 [CREDS];
    144 setgid 1 [CREDS];
    145 setreuid 2 [CREDS];
    146 setuid 1 [CREDS];
    147 setresuid 3 [CREDS];
    148 getresuid 3 [CREDS];
    149 setresgid 3 [CREDS];
    150 getresgid 3 [CREDS];
    151 setfsuid 1 [CREDS];
    152 setfsgid 1 [CREDS];
    153 times 1 [];
    154 setpgid 2 [];
    155 getpgid 1 [];
    156 getsid 1 [];
    157 setsid 0 [];
    158 getgroups 2 [CREDS];
    159 setgroups 2 [CREDS];
    160 uname 1 [];
    161 sethostname 2 [];
    162 setdomainname 2 [];
    163 getrlimit 2 [];
    164 setrlimit 2 [];
    165 getrusage 2 [];
    166 umask 1 [];
    167 prctl 5 [CREDS];
    168 getcpu 3 [];
    169 gettimeofday 2 [CLOCK];
    170 settimeofday 2 [CLOCK];
    171 adjtimex 1 [CLOCK];
    172 getpid 0 [PURE];
    173 getppid 0 [PURE];
    174 getuid 0 [CREDS PURE];
    175 geteuid 0 [CREDS PURE];
    176 getgid 0 [CREDS PURE];
    177 getegid 0 [CREDS PURE];
    178 gettid 0 [PURE];
    179 sysinfo 1 [];
    180 mq_open 4 [DESC];
    181 mq_unlink 1 [];
    182 mq_timedsend 5 [DESC];
    183 mq_timedreceive 5 [DESC];
    184 mq_notify 2 [DESC];
    185 mq_getsetattr 3 [DESC];
    186 msgget 2 [IPC];
    187 msgctl 3 [IPC];
    188 msgrcv 5 [IPC];
    189 msgsnd 4 [IPC];
    190 semget 3 [IPC];
    191 semctl 4 [IPC];
    192 semtimedop 4 [IPC];
    193 semop 3 [IPC];
    194 shmget 3 [IPC];
    195 shmctl 3 [IPC];
    196 shmat 3 [IPC MEMORY];
    197 shmdt 1 [IPC MEMORY];
    198 socket 3 [NETWORK];
    199 socketpair 4 [NETWORK];
    200 bind 3 [NETWORK];
    201 listen 2 [NETWORK];
    202 accept 3 [NETWORK];
    203 connect 3 [NETWORK];
    204 getsockname 3 [NETWORK];
    205 getpeername 3 [NETWORK];
    206 sendto 6 [NETWORK];
    207 recvfrom 6 [NETWORK];
    208 setsockopt 5 [NETWORK];
    209 getsockopt 5 [NETWORK];
    210 shutdown 2 [NETWORK];
    211 sendmsg 3 [NETWORK];
    212 recvmsg 3 [NETWORK];
    213 readahead 3 [DESC];
    214 brk 1 [MEMORY];
    215 munmap 2 [MEMORY];
    216 mremap 5 [MEMORY];
    217 add_key 5 [];
    218 request_key 4 [];
    219 keyctl 5 [];
    220 clone 5 [PROCESS];
    221 execve 3 [FILE PROCESS];
    222 mmap 6 [DESC MEMORY];
    223 fadvise64 4 [DESC];
    224 swapon 2 [FILE];
    225 swapoff 1 [FILE];
    226 mprotect 3 [MEMORY];
    227 msync 3 [MEMORY];
    228 mlock 2 [MEMORY];
    229 munlock 2 [MEMORY];
    230 mlockall 1 [MEMORY];
    231 munlockall 0 [MEMORY];
    232 mincore 3 [MEMORY];
    233 madvise 3 [MEMORY];
    234 remap_file_pages 5 [MEMORY];
    235 mbind 6 [MEMORY];
    236 get_mempolicy 5 [MEMORY];
    237 set_mempolicy 3 [MEMORY];
    238 migrate_pages 4 [MEMORY];
    239 move_pages 6 [MEMORY];
    240 rt_tgsigqueueinfo 4 [PROCESS SIGNAL];
    241 perf_event_open 5 [DESC];
    242 accept4 4 [NETWORK];
    243 recvmmsg 5 [NETWORK];
    260 wait4 4 [PROCESS];
    261 prlimit64 4 [];
    262 fanotify_init 2 [DESC];
    263 fanotify_mark 5 [DESC FILE];
    264 name_to_handle_at 5 [DESC FILE];
    265 open_by_handle_at 3 [DESC];
    266 clock_adjtime 2 [CLOCK];
    267 syncfs 1 [DESC];
    268 setns 2 [DESC];
    269 sendmmsg 4 [NETWORK];
    270 process_vm_readv 6 [];
    271 process_vm_writev 6 [];
    272 kcmp 5 [];
    273 finit_module 3 [DESC];
    274 sched_setattr 3 [];
    275 sched_getattr 4 [];
    276 renameat2 5 [DESC FILE];
    277 seccomp 3 [];
    278 getrandom 3 [];
    279 memfd_create 2 [DESC];
    280 bpf 3 [DESC];
    281 execveat 5 [DESC FILE PROCESS];
    282 userfaultfd 1 [DESC];
    283 membarrier 3 [];
    284 mlock2 3 [MEMORY];
    285 copy_file_range 6 [DESC];
    286 preadv2 6 [DESC];
    287 pwritev2 6 [DESC];
    288 pkey_mprotect 4 [MEMORY];
    289 pkey_alloc 2 [];
    290 pkey_free 1 [];
    291 statx 5 [DESC FILE FSTAT STAT_LIKE];
    292 io_pgetevents 6 [];
    293 rseq 4 [];
    294 kexec_file_load 5 [DESC];
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
