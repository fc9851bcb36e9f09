//! Per-syscall argument specifications and the engine that prints them at entry and exit.
//!
//! Each decoded syscall is a list of argument kinds. Arguments before the first out-parameter
//! print at entry (what strace shows before `<unfinished ...>`); the rest print at exit, when
//! the kernel has filled them in. Syscalls without a spec print like strace's undecoded ones.

use super::calls::{
    self, clone3_args, clone3_result, futex_op, futex_rest, ioctl_arg_in, ioctl_arg_out,
    ioctl_name, ioctl_no_arg, ioctl_writes_arg, prctl_entry, select_result, DUMPABLE, IDTYPES,
    PRIO_WHICH, PR_GET_NAME, PR_GET_PDEATHSIG,
};
use super::errno;
use super::flags::{self as fl, flags, xenum, Xlat};
use super::structs as st;
use super::text::{
    self as strings, buf, dirfd_text, error_of, fd_text, hex, ptr, read_u32, read_u64, Ctx,
    DecodeOpts, Entry, Memory,
};
use crate::trace::syscalls;

/// How one argument is printed. `usize` fields name another argument by index.
#[derive(Clone, Copy)]
enum A {
    /// `int`, signed decimal.
    Int,
    /// `unsigned int`.
    UInt,
    /// `long`, signed decimal.
    Long,
    /// `unsigned long` / `size_t`.
    ULong,
    /// Hexadecimal (`0` stays `0`).
    Hex,
    /// Address: `NULL` or hex.
    Ptr,
    /// File descriptor (with `-y` path).
    Fd,
    /// Directory fd of `*at` calls (`AT_FDCWD`).
    DirFd,
    /// Path string (PATH_MAX).
    Path,
    /// NUL-terminated string cut at `-s`.
    Str,
    /// Input buffer whose length is argument N.
    InBuf(usize),
    /// Flags, printing the first name for 0 and, when no known flag is set, the value with the
    /// second as a comment (`0x1 /* O_??? */`; no comment for "").
    Flags(Xlat, &'static str, &'static str),
    /// One value of a table, `0x… /* PREFIX??? */` when unknown.
    Enum(Xlat, &'static str),
    /// open(2) flags.
    OpenFlags,
    /// open(2) mode, present only with O_CREAT/O_TMPFILE in argument N.
    OpenMode(usize),
    /// `0644`, `01777` (numeric, as strace's `print_numeric_umode_t`).
    Mode,
    /// `S_IFIFO|S_ISUID|0644` (symbolic with the file type, as strace's mknod).
    TypedMode,
    /// mmap flags.
    MmapFlags,
    /// statx flags.
    StatxFlags,
    /// mount flags.
    MountFlags,
    /// socket type.
    SockType,
    /// socket protocol, depends on the domain in argument N.
    Proto(usize),
    /// `struct sockaddr *` with length in argument N.
    Sockaddr(usize),
    /// iovec array with count in argument N (input data).
    IovIn(usize),
    /// msghdr for sendmsg.
    MsgIn,
    /// Signal number.
    Sig,
    /// Signal set with size in argument N.
    SigsetIn(usize),
    /// sigaction input.
    SigactIn,
    /// timespec input.
    TsIn,
    /// pollfd array with count in argument N.
    PollIn(usize),
    /// epoll_event input.
    EpollIn,
    /// rlimit input.
    RlimIn,
    /// execve argv.
    Argv,
    /// execve envp.
    Envp,
    /// fcntl's third argument, depending on the command in argument N.
    FcntlArg(usize),
    /// setsockopt/getsockopt level.
    SockLevel,
    /// setsockopt/getsockopt option name; level in argument N.
    SockOpt(usize),
    /// setsockopt value with length in argument N.
    OptIn(usize),
    /// futex operation.
    FutexOp,
    /// futex arguments after the operation (`val`, `timeout`…), depending on argument 1.
    FutexRest,
    /// clone flags and stack (entry part).
    CloneEntry,
    /// ioctl request code.
    IoctlReq,
    /// gid_t array of argument 0 entries (setgroups).
    GidsIn,
    /// CPU set with its size in bytes in argument N.
    CpuSetIn(usize),
    /// prctl option and the arguments it reads.
    PrctlEntry,
    /// utimensat's `struct timespec[2]`.
    UtimeTs,
    /// System V IPC key (`IPC_PRIVATE`).
    IpcKey,
    /// `IPC_CREAT|0600`.
    IpcGetFlags,
    /// shmctl/semctl/msgctl command (`'h'`, `'s'`, `'m'`).
    IpcCmd(char),
    /// semop's sembuf array, count in argument 2.
    Sembufs,
    /// msgsnd's message, text length in argument 2.
    MsgbufIn,
    /// `loff_t *` read at entry (`[0]`).
    OffIn,
    /// preadv2/pwritev2 flags, which sit in argument 5 (after the split offset).
    Rwf5,
    /// openat2's `struct open_how` with its size in argument N.
    OpenHow(usize),
    /// stack_t input.
    StackIn,
    /// itimerspec input.
    ItimerspecIn,
    /// `struct sigevent` (timer_create).
    SigeventIn,
    /// capget/capset header.
    CapHeader,
    /// capset data.
    CapDataIn,
    /// siginfo_t input (pidfd_send_signal, rt_sigqueueinfo).
    SiginfoIn,
    /// fd_set of select with nfds in argument N (read at entry).
    FdSet(usize),
    /// timeval input.
    TvIn,
    /// pselect6's `{sigmask, size}` pair.
    Pselect6Mask,
    /// itimerval input.
    ItimerIn,
    /// mknod's device, only for character and block devices (mode in argument N).
    Dev(usize),
    /// mremap's new address, only with MREMAP_FIXED.
    MremapAddr,
    /// ioctl's third argument when the kernel reads it (termios, winsize, `int *` requests).
    IoctlArg,
    /// clone3's `struct clone_args`.
    Clone3Args,
    /// clone3's size argument (argument 1, listed after the suffix).
    Clone3Size,
    // ---- exit-phase kinds: printed after the call ----
    /// Output buffer filled with `ret` bytes.
    OutBuf,
    /// Output buffer printed in hex (getrandom).
    OutBufHex,
    /// Output string of `ret` bytes (readlink), not cut by `-s`.
    OutPathRet,
    /// getcwd's output path.
    OutCwd,
    /// sockaddr output, its length pointer in argument N.
    SockaddrOut(usize),
    /// socklen_t in/out (`[112 => 16]`).
    SocklenInOut,
    /// iovec output with count in argument N, data limited to ret.
    IovOut(usize),
    /// msghdr for recvmsg.
    MsgOut,
    /// struct stat output.
    StatOut,
    /// struct statx output.
    StatxOut,
    /// timespec output.
    TsOut,
    /// timespec output only on failure (nanosleep's remaining time).
    TsRem,
    /// timeval output.
    TvOut,
    /// sigaction output.
    SigactOut,
    /// sigset output, size in argument N.
    SigsetOut(usize),
    /// rlimit output.
    RlimOut,
    /// utsname output.
    UtsOut,
    /// wait status output.
    WaitStatus,
    /// pipe/socketpair fd pair output.
    FdPair,
    /// getdents64 buffer.
    Dirents,
    /// epoll_wait events output.
    EpollOut,
    /// getsockopt value with length pointer in argument N.
    OptOut(usize),
    /// clone3's ` => {parent_tid=[N]}` appended to its argument (no separator).
    Clone3Result,
    /// gid_t array filled by getgroups (length = return value).
    GidsOut,
    /// msgrcv's message.
    MsgbufOut,
    /// sendmmsg's vector, with msg_len for the messages sent.
    MmsgSent,
    /// recvmmsg's vector: the messages received.
    MmsgReceived,
    /// stack_t output.
    StackOut,
    /// itimerspec output.
    ItimerspecOut,
    /// capget data output.
    CapDataOut,
    /// ioctl's third argument when the kernel writes it (TCGETS, TIOCGWINSZ, FIONREAD…).
    IoctlOut,
    /// loff_t in/out (sendfile's offset: `[5] => [15]`).
    OffInOut,
    /// itimerval output.
    ItimerOut,
    /// rusage output.
    RusageOut,
    /// tms output.
    TmsOut,
    /// `int *` output (`[0]`).
    IntOut,
    /// siginfo_t output.
    SiginfoOut,
    /// CPU set filled by sched_getaffinity (return value = bytes).
    CpuSetOut,
    /// A NUMA memory policy mode with its flags (`MPOL_BIND|MPOL_F_STATIC_NODES`).
    MpolMode,
    /// get_mempolicy's policy, written by the kernel: `[MPOL_DEFAULT]`.
    MpolModeOut,
    /// A node mask of as many bits as argument N says (maxnode).
    NodemaskIn(usize),
    /// A node mask the kernel fills (get_mempolicy).
    NodemaskOut(usize),
    /// What prctl's GET options wrote.
    PrctlExit,
    /// struct sysinfo output.
    SysinfoOut,
    /// struct statfs output.
    StatfsOut,
    /// clone's exit part (parent_tid, tls, child_tidptr), if the flags ask for them.
    CloneExit,
}

impl A {
    /// Whether this exit-phase argument continues the previous one instead of starting a new one.
    fn is_suffix(self) -> bool {
        matches!(self, A::Clone3Result | A::CloneExit)
    }

    /// Whether this argument is printed at exit.
    fn at_exit(self) -> bool {
        matches!(
            self,
            A::OutBuf
                | A::OutBufHex
                | A::OutPathRet
                | A::OutCwd
                | A::SockaddrOut(_)
                | A::SocklenInOut
                | A::IovOut(_)
                | A::MsgOut
                | A::StatOut
                | A::StatxOut
                | A::TsOut
                | A::TsRem
                | A::TvOut
                | A::SigactOut
                | A::SigsetOut(_)
                | A::RlimOut
                | A::UtsOut
                | A::WaitStatus
                | A::FdPair
                | A::Dirents
                | A::EpollOut
                | A::OptOut(_)
                | A::CloneExit
                | A::SysinfoOut
                | A::GidsOut
                | A::MsgbufOut
                | A::MmsgSent
                | A::MmsgReceived
                | A::StackOut
                | A::ItimerspecOut
                | A::CapDataOut
                | A::IoctlOut
                | A::OffInOut
                | A::ItimerOut
                | A::RusageOut
                | A::TmsOut
                | A::IntOut
                | A::SiginfoOut
                | A::CpuSetOut
                | A::MpolModeOut
                | A::NodemaskOut(_)
                | A::PrctlExit
                | A::Clone3Result
                | A::StatfsOut
        )
    }
}

/// How the return value prints.
#[derive(Clone, Copy)]
enum R {
    /// Signed decimal.
    Dec,
    /// A file descriptor (path with `-y`).
    Fd,
    /// Hexadecimal address.
    Hex,
    /// Octal mode (umask).
    Octal,
    /// The call does not return (`= ?`).
    None,
    /// poll: number of ready fds plus the revents list.
    Poll,
    /// fcntl: depends on the command.
    Fcntl,
    /// prctl: annotated for PR_GET_DUMPABLE.
    Prctl,
    /// select/pselect6 (`true`: timespec): ready sets and time left.
    Select(bool),
    /// A signal number: `10 (SIGUSR1)`.
    Signal,
}

use A::*;

/// The argument list and return kind of a decoded syscall.
fn spec(name: &str) -> Option<(&'static [A], R)> {
    const FD_ONLY: &[A] = &[Fd];
    let s: (&'static [A], R) = match name {
        "read" => (&[Fd, OutBuf, ULong], R::Dec),
        "write" => (&[Fd, InBuf(2), ULong], R::Dec),
        "pread64" => (&[Fd, OutBuf, ULong, Long], R::Dec),
        "pwrite64" => (&[Fd, InBuf(2), ULong, Long], R::Dec),
        "readv" => (&[Fd, IovOut(2), Int], R::Dec),
        "writev" => (&[Fd, IovIn(2), Int], R::Dec),
        "preadv" => (&[Fd, IovOut(2), Int, Long], R::Dec),
        "pwritev" => (&[Fd, IovIn(2), Int, Long], R::Dec),
        "open" => (&[Path, OpenFlags, OpenMode(1)], R::Fd),
        "openat" => (&[DirFd, Path, OpenFlags, OpenMode(2)], R::Fd),
        "creat" => (&[Path, Mode], R::Fd),
        "close" => (FD_ONLY, R::Dec),
        "close_range" => (
            &[
                UInt,
                UInt,
                Flags(
                    &[(2, "CLOSE_RANGE_UNSHARE"), (4, "CLOSE_RANGE_CLOEXEC")],
                    "0",
                    "CLOSE_RANGE_???",
                ),
            ],
            R::Dec,
        ),
        "stat" | "lstat" => (&[Path, StatOut], R::Dec),
        "fstat" => (&[Fd, StatOut], R::Dec),
        "newfstatat" => (
            &[DirFd, Path, StatOut, Flags(fl::AT_FLAGS, "0", "AT_???")],
            R::Dec,
        ),
        "statx" => (
            &[
                DirFd,
                Path,
                StatxFlags,
                Flags(fl::STATX_MASK, "0", "STATX_???"),
                StatxOut,
            ],
            R::Dec,
        ),
        "access" => (&[Path, Flags(fl::ACCESS_MODES, "F_OK", "?_OK")], R::Dec),
        "faccessat" => (
            &[DirFd, Path, Flags(fl::ACCESS_MODES, "F_OK", "?_OK")],
            R::Dec,
        ),
        "faccessat2" => (
            &[
                DirFd,
                Path,
                Flags(fl::ACCESS_MODES, "F_OK", "?_OK"),
                Flags(fl::ACCESS_AT_FLAGS, "0", "AT_???"),
            ],
            R::Dec,
        ),
        "lseek" => (&[Fd, Long, Enum(fl::WHENCE, "SEEK_???")], R::Dec),
        "readlink" => (&[Path, OutPathRet, ULong], R::Dec),
        "readlinkat" => (&[DirFd, Path, OutPathRet, ULong], R::Dec),
        "getcwd" => (&[OutCwd, ULong], R::Dec),
        "chdir" | "rmdir" | "unlink" | "chroot" | "acct" | "swapoff" => (&[Path], R::Dec),
        "fchdir" | "fsync" | "fdatasync" | "syncfs" => (FD_ONLY, R::Dec),
        "mkdir" | "chmod" => (&[Path, Mode], R::Dec),
        "mkdirat" | "fchmodat" => (&[DirFd, Path, Mode], R::Dec),
        "fchmod" => (&[Fd, Mode], R::Dec),
        "mknod" => (&[Path, TypedMode, Dev(1)], R::Dec),
        "mknodat" => (&[DirFd, Path, TypedMode, Dev(2)], R::Dec),
        "unlinkat" => (&[DirFd, Path, Flags(fl::AT_FLAGS, "0", "AT_???")], R::Dec),
        "rename" | "link" | "symlink" => (&[Path, Path], R::Dec),
        "renameat" => (&[DirFd, Path, DirFd, Path], R::Dec),
        "renameat2" => (
            &[
                DirFd,
                Path,
                DirFd,
                Path,
                Flags(fl::RENAME_FLAGS, "0", "RENAME_??"),
            ],
            R::Dec,
        ),
        "linkat" => (
            &[DirFd, Path, DirFd, Path, Flags(fl::AT_FLAGS, "0", "AT_???")],
            R::Dec,
        ),
        "symlinkat" => (&[Path, DirFd, Path], R::Dec),
        "chown" | "lchown" => (&[Path, Int, Int], R::Dec),
        "fchown" => (&[Fd, Int, Int], R::Dec),
        "fchownat" => (
            &[DirFd, Path, Int, Int, Flags(fl::AT_FLAGS, "0", "AT_???")],
            R::Dec,
        ),
        "truncate" => (&[Path, Long], R::Dec),
        "ftruncate" => (&[Fd, Long], R::Dec),
        "umask" => (&[Mode], R::Octal),
        "getdents64" | "getdents" => (&[Fd, Dirents, UInt], R::Dec),
        "dup" => (FD_ONLY, R::Fd),
        "dup2" => (&[Fd, Fd], R::Fd),
        "dup3" => (&[Fd, Fd, Flags(fl::PIPE_FLAGS, "0", "O_???")], R::Fd),
        "pipe" => (&[FdPair], R::Dec),
        "pipe2" => (&[FdPair, Flags(fl::PIPE_FLAGS, "0", "O_???")], R::Dec),
        "fcntl" => (&[Fd, Enum(fl::FCNTL_CMDS, "F_???"), FcntlArg(1)], R::Fcntl),
        "ioctl" => (&[Fd, IoctlReq, IoctlArg, IoctlOut], R::Dec),
        "flock" => (&[Fd, Flags(fl::FLOCK_OPS, "0", "LOCK_???")], R::Dec),
        "sendfile" => (&[Fd, Fd, OffInOut, ULong], R::Dec),
        "copy_file_range" => (&[Fd, OffIn, Fd, OffIn, ULong, UInt], R::Dec),
        "splice" => (
            &[
                Fd,
                OffIn,
                Fd,
                OffIn,
                ULong,
                Flags(SPLICE_FLAGS, "0", "SPLICE_F_???"),
            ],
            R::Dec,
        ),
        "fallocate" => (&[Fd, Int, Long, Long], R::Dec),
        "fadvise64" => (&[Fd, Long, Long, Enum(fl::FADV, "POSIX_FADV_???")], R::Dec),
        "preadv2" => (&[Fd, IovOut(2), Int, Long, Rwf5], R::Dec),
        "pwritev2" => (&[Fd, IovIn(2), Int, Long, Rwf5], R::Dec),
        "sync" | "getpid" | "getppid" | "gettid" | "getuid" | "geteuid" | "getgid" | "getegid"
        | "getpgrp" | "setsid" | "fork" | "vfork" | "sched_yield" | "pause" | "munlockall"
        | "vhangup" => (&[], R::Dec),
        "mmap" => (
            &[
                Ptr,
                ULong,
                Flags(fl::PROT, "PROT_NONE", "PROT_???"),
                MmapFlags,
                Fd,
                Hex,
            ],
            R::Hex,
        ),
        "mprotect" => (
            &[Ptr, ULong, Flags(fl::PROT, "PROT_NONE", "PROT_???")],
            R::Dec,
        ),
        "pkey_mprotect" => (
            &[Ptr, ULong, Flags(fl::PROT, "PROT_NONE", "PROT_???"), Int],
            R::Dec,
        ),
        "munmap" | "mlock" | "munlock" => (&[Ptr, ULong], R::Dec),
        "brk" => (&[Ptr], R::Hex),
        "mremap" => (
            &[
                Ptr,
                ULong,
                ULong,
                Flags(fl::MREMAP_FLAGS, "0", "MREMAP_???"),
                MremapAddr,
            ],
            R::Hex,
        ),
        "madvise" => (&[Ptr, ULong, Enum(fl::MADV, "MADV_???")], R::Dec),
        "msync" => (
            &[
                Ptr,
                ULong,
                Flags(
                    &[(1, "MS_ASYNC"), (2, "MS_INVALIDATE"), (4, "MS_SYNC")],
                    "0",
                    "MS_???",
                ),
            ],
            R::Dec,
        ),
        "mlockall" => (
            &[Flags(
                &[(1, "MCL_CURRENT"), (2, "MCL_FUTURE"), (4, "MCL_ONFAULT")],
                "0",
                "MCL_???",
            )],
            R::Dec,
        ),
        "socket" => (&[Enum(fl::AF, "AF_???"), SockType, Proto(0)], R::Fd),
        "socketpair" => (
            &[Enum(fl::AF, "AF_???"), SockType, Proto(0), FdPair],
            R::Dec,
        ),
        "connect" | "bind" => (&[Fd, Sockaddr(2), UInt], R::Dec),
        "listen" => (&[Fd, Int], R::Dec),
        "accept" => (&[Fd, SockaddrOut(2), SocklenInOut], R::Fd),
        "accept4" => (
            &[
                Fd,
                SockaddrOut(2),
                SocklenInOut,
                Flags(fl::SOCK_FLAGS, "0", "SOCK_???"),
            ],
            R::Fd,
        ),
        "getsockname" | "getpeername" => (&[Fd, SockaddrOut(2), SocklenInOut], R::Dec),
        "sendto" => (
            &[
                Fd,
                InBuf(2),
                ULong,
                Flags(fl::MSG_FLAGS, "0", "MSG_???"),
                Sockaddr(5),
                UInt,
            ],
            R::Dec,
        ),
        "recvfrom" => (
            &[
                Fd,
                OutBuf,
                ULong,
                Flags(fl::MSG_FLAGS, "0", "MSG_???"),
                SockaddrOut(5),
                SocklenInOut,
            ],
            R::Dec,
        ),
        "sendmsg" => (&[Fd, MsgIn, Flags(fl::MSG_FLAGS, "0", "MSG_???")], R::Dec),
        "sendmmsg" => (
            &[Fd, MmsgSent, UInt, Flags(fl::MSG_FLAGS, "0", "MSG_???")],
            R::Dec,
        ),
        "recvmmsg" => (
            &[
                Fd,
                MmsgReceived,
                UInt,
                Flags(fl::MSG_FLAGS, "0", "MSG_???"),
                TsIn,
            ],
            R::Dec,
        ),
        "recvmsg" => (&[Fd, MsgOut, Flags(fl::MSG_FLAGS, "0", "MSG_???")], R::Dec),
        "shutdown" => (&[Fd, Enum(fl::SHUTDOWN, "SHUT_???")], R::Dec),
        "setsockopt" => (&[Fd, SockLevel, SockOpt(1), OptIn(4), UInt], R::Dec),
        "getsockopt" => (
            &[Fd, SockLevel, SockOpt(1), OptOut(4), SocklenInOut],
            R::Dec,
        ),
        "poll" => (&[PollIn(1), UInt, Int], R::Poll),
        "ppoll" => (&[PollIn(1), UInt, TsIn, SigsetIn(4), ULong], R::Poll),
        "epoll_create" => (&[Int], R::Fd),
        "epoll_create1" => (&[Flags(fl::EPOLL_CREATE_FLAGS, "0", "EPOLL_???")], R::Fd),
        "epoll_ctl" => (
            &[Fd, Enum(fl::EPOLL_CTL, "EPOLL_CTL_???"), Fd, EpollIn],
            R::Dec,
        ),
        "epoll_wait" => (&[Fd, EpollOut, Int, Int], R::Dec),
        "epoll_pwait" => (&[Fd, EpollOut, Int, Int, SigsetIn(5), ULong], R::Dec),
        "epoll_pwait2" => (&[Fd, EpollOut, Int, TsIn, SigsetIn(5), ULong], R::Dec),
        "eventfd" => (&[UInt], R::Fd),
        "eventfd2" => (&[UInt, Flags(fl::EFD_FLAGS, "0", "EFD_???")], R::Fd),
        "timerfd_create" => (
            &[
                Enum(fl::CLOCKS, "CLOCK_???"),
                Flags(fl::TFD_FLAGS, "0", "TFD_???"),
            ],
            R::Fd,
        ),
        "signalfd4" => (
            &[Fd, SigsetIn(2), ULong, Flags(fl::SFD_FLAGS, "0", "SFD_???")],
            R::Fd,
        ),
        "inotify_init1" => (&[Flags(fl::IN_FLAGS, "0", "IN_???")], R::Fd),
        "inotify_rm_watch" => (&[Fd, Int], R::Dec),
        "memfd_create" => (
            &[
                Str,
                Flags(
                    &[
                        (1, "MFD_CLOEXEC"),
                        (2, "MFD_ALLOW_SEALING"),
                        (4, "MFD_HUGETLB"),
                        (8, "MFD_NOEXEC_SEAL"),
                        (16, "MFD_EXEC"),
                    ],
                    "0",
                    "MFD_???",
                ),
            ],
            R::Fd,
        ),
        "pidfd_open" => (
            &[
                Int,
                Flags(
                    &[(libc::O_NONBLOCK as u64, "PIDFD_NONBLOCK")],
                    "0",
                    "PIDFD_???",
                ),
            ],
            R::Fd,
        ),
        "clone" => (&[CloneEntry, CloneExit], R::Dec),
        "clone3" => (&[Clone3Args, Clone3Result, Clone3Size], R::Dec),
        "execve" => (&[Path, Argv, Envp], R::Dec),
        "execveat" => (
            &[DirFd, Path, Argv, Envp, Flags(fl::AT_FLAGS, "0", "AT_???")],
            R::Dec,
        ),
        "exit" | "exit_group" => (&[Int], R::None),
        "wait4" => (
            &[
                Int,
                WaitStatus,
                Flags(fl::WAIT_OPTS, "0", "W???"),
                RusageOut,
            ],
            R::Dec,
        ),
        "kill" => (&[Int, Sig], R::Dec),
        "tkill" => (&[Int, Sig], R::Dec),
        "tgkill" => (&[Int, Int, Sig], R::Dec),
        "setuid" | "setgid" | "setfsuid" | "setfsgid" => (&[Int], R::Dec),
        "setreuid" | "setregid" => (&[Int, Int], R::Dec),
        "setresuid" | "setresgid" => (&[Int, Int, Int], R::Dec),
        "getpgid" | "getsid" => (&[Int], R::Dec),
        "setpgid" => (&[Int, Int], R::Dec),
        "arch_prctl" => (&[Enum(fl::ARCH_PRCTL, "ARCH_???"), Hex], R::Dec),
        "set_tid_address" => (&[Ptr], R::Dec),
        "set_robust_list" => (&[Ptr, ULong], R::Dec),
        "rseq" => (&[Ptr, Hex, Hex, Hex], R::Dec),
        "prlimit64" => (
            &[Int, Enum(fl::RLIMITS, "RLIMIT_???"), RlimIn, RlimOut],
            R::Dec,
        ),
        "getrlimit" => (&[Enum(fl::RLIMITS, "RLIMIT_???"), RlimOut], R::Dec),
        "setrlimit" => (&[Enum(fl::RLIMITS, "RLIMIT_???"), RlimIn], R::Dec),
        "uname" => (&[UtsOut], R::Dec),
        "getrandom" => (
            &[OutBufHex, ULong, Flags(fl::GRND_FLAGS, "0", "GRND_???")],
            R::Dec,
        ),
        "rt_sigaction" => (&[Sig, SigactIn, SigactOut, ULong], R::Dec),
        "rt_sigprocmask" => (
            &[
                Enum(fl::SIG_HOW, "SIG_???"),
                SigsetIn(3),
                SigsetOut(3),
                ULong,
            ],
            R::Dec,
        ),
        "rt_sigpending" => (&[SigsetOut(1), ULong], R::Dec),
        "rt_sigsuspend" => (&[SigsetIn(1), ULong], R::Dec),
        "alarm" => (&[UInt], R::Dec),
        "nanosleep" => (&[TsIn, TsRem], R::Dec),
        "clock_nanosleep" => (
            &[
                Enum(fl::CLOCKS, "CLOCK_???"),
                Flags(fl::TIMER_FLAGS, "0", "TIMER_???"),
                TsIn,
                TsRem,
            ],
            R::Dec,
        ),
        "clock_gettime" | "clock_getres" => (&[Enum(fl::CLOCKS, "CLOCK_???"), TsOut], R::Dec),
        "clock_settime" => (&[Enum(fl::CLOCKS, "CLOCK_???"), TsIn], R::Dec),
        "gettimeofday" => (&[TvOut, Ptr], R::Dec),
        "time" => (&[Ptr], R::Dec),
        "futex" => (&[Ptr, FutexOp, FutexRest], R::Dec),
        "sched_getaffinity" => (&[Int, UInt, CpuSetOut], R::Dec),
        "set_mempolicy" => (&[MpolMode, NodemaskIn(2), ULong], R::Dec),
        "get_mempolicy" => (
            &[
                MpolModeOut,
                NodemaskOut(2),
                ULong,
                Ptr,
                Flags(fl::MPOL_GET_FLAGS, "0", "MPOL_???"),
            ],
            R::Dec,
        ),
        "mbind" => (
            &[
                Ptr,
                ULong,
                MpolMode,
                NodemaskIn(4),
                ULong,
                Flags(fl::MPOL_MF_FLAGS, "0", "MPOL_???"),
            ],
            R::Dec,
        ),
        "set_mempolicy_home_node" => (&[Ptr, ULong, ULong, ULong], R::Dec),
        "sched_setaffinity" => (&[Int, UInt, CpuSetIn(1)], R::Dec),
        "prctl" => (&[PrctlEntry, PrctlExit], R::Prctl),
        "mount" => (&[Str, Path, Str, MountFlags, Str], R::Dec),
        "umount2" => (&[Path, Flags(fl::UMOUNT_FLAGS, "0", "MNT_???")], R::Dec),
        "pivot_root" => (&[Path, Path], R::Dec),
        "sethostname" | "setdomainname" => (&[InBuf(1), ULong], R::Dec),
        "shmget" | "semget" => (&[IpcKey, ULong, IpcGetFlags], R::Dec),
        "msgget" => (&[IpcKey, IpcGetFlags], R::Dec),
        "shmat" => (
            &[Int, Ptr, Flags(calls::SHMAT_FLAGS, "0", "SHM_???")],
            R::Hex,
        ),
        "shmdt" => (&[Ptr], R::Dec),
        "shmctl" => (&[Int, IpcCmd('h'), Ptr], R::Dec),
        "semctl" => (&[Int, Int, IpcCmd('s'), Ptr], R::Dec),
        "msgctl" => (&[Int, IpcCmd('m'), Ptr], R::Dec),
        "semop" => (&[Int, Sembufs, UInt], R::Dec),
        "semtimedop" => (&[Int, Sembufs, UInt, TsIn], R::Dec),
        "msgsnd" => (
            &[
                Int,
                MsgbufIn,
                ULong,
                Flags(calls::MSG_IPC_FLAGS, "0", "MSG_???"),
            ],
            R::Dec,
        ),
        "msgrcv" => (
            &[
                Int,
                MsgbufOut,
                ULong,
                Long,
                Flags(calls::MSG_IPC_FLAGS, "0", "MSG_???"),
            ],
            R::Dec,
        ),
        "openat2" => (&[DirFd, Path, OpenHow(3), ULong], R::Fd),
        "sigaltstack" => (&[StackIn, StackOut], R::Dec),
        "rt_sigtimedwait" => (&[SigsetIn(3), SiginfoOut, TsIn, ULong], R::Signal),
        "timerfd_settime" => (
            &[
                Fd,
                Flags(fl::TFD_FLAGS, "0", "TFD_???"),
                ItimerspecIn,
                ItimerspecOut,
            ],
            R::Dec,
        ),
        "timerfd_gettime" => (&[Fd, ItimerspecOut], R::Dec),
        "timer_create" => (&[Enum(fl::CLOCKS, "CLOCK_???"), SigeventIn, IntOut], R::Dec),
        "timer_settime" => (
            &[
                Int,
                Flags(fl::TIMER_FLAGS, "0", "TIMER_???"),
                ItimerspecIn,
                ItimerspecOut,
            ],
            R::Dec,
        ),
        "timer_gettime" => (&[Int, ItimerspecOut], R::Dec),
        "timer_getoverrun" | "timer_delete" => (&[Int], R::Dec),
        "capget" => (&[CapHeader, CapDataOut], R::Dec),
        "capset" => (&[CapHeader, CapDataIn], R::Dec),
        "pidfd_send_signal" => (
            &[Fd, Sig, SiginfoIn, Flags(fl::PIDFD_SIGNAL_FLAGS, "0", "")],
            R::Dec,
        ),
        "select" => (&[Int, FdSet(0), FdSet(0), FdSet(0), TvIn], R::Select(false)),
        "pselect6" => (
            &[Int, FdSet(0), FdSet(0), FdSet(0), TsIn, Pselect6Mask],
            R::Select(true),
        ),
        "getpriority" => (&[Enum(PRIO_WHICH, "PRIO_???"), Int], R::Dec),
        "setpriority" => (&[Enum(PRIO_WHICH, "PRIO_???"), Int, Int], R::Dec),
        "setitimer" => (
            &[Enum(fl::ITIMERS, "ITIMER_???"), ItimerIn, ItimerOut],
            R::Dec,
        ),
        "getresuid" | "getresgid" => (&[IntOut, IntOut, IntOut], R::Dec),
        "waitid" => (
            &[
                Enum(IDTYPES, "P_???"),
                Int,
                SiginfoOut,
                Flags(fl::WAIT_OPTS, "0", "W???"),
                Ptr,
            ],
            R::Dec,
        ),
        "utimensat" => (
            &[DirFd, Path, UtimeTs, Flags(fl::AT_FLAGS, "0", "AT_???")],
            R::Dec,
        ),
        "getgroups" => (&[Int, GidsOut], R::Dec),
        "setgroups" => (&[Int, GidsIn], R::Dec),
        "setns" => (&[Fd, Flags(fl::CLONE_FLAGS, "0", "CLONE_NEW???")], R::Dec),
        "unshare" => (&[Flags(fl::CLONE_FLAGS, "0", "CLONE_???")], R::Dec),
        "getitimer" => (&[Enum(fl::ITIMERS, "ITIMER_???"), ItimerOut], R::Dec),
        "getrusage" => (&[Enum(fl::RUSAGE_WHO, "RUSAGE_???"), RusageOut], R::Dec),
        "sysinfo" => (&[SysinfoOut], R::Dec),
        "times" => (&[TmsOut], R::Dec),
        "getxattr" | "lgetxattr" => (&[Path, Str, OutBuf, ULong], R::Dec),
        "fgetxattr" => (&[Fd, Str, OutBuf, ULong], R::Dec),
        "setxattr" | "lsetxattr" => (
            &[
                Path,
                Str,
                InBuf(3),
                ULong,
                Flags(
                    &[(1, "XATTR_CREATE"), (2, "XATTR_REPLACE")],
                    "0",
                    "XATTR_???",
                ),
            ],
            R::Dec,
        ),
        "fsetxattr" => (
            &[
                Fd,
                Str,
                InBuf(3),
                ULong,
                Flags(
                    &[(1, "XATTR_CREATE"), (2, "XATTR_REPLACE")],
                    "0",
                    "XATTR_???",
                ),
            ],
            R::Dec,
        ),
        "listxattr" | "llistxattr" => (&[Path, Ptr, ULong], R::Dec),
        "flistxattr" => (&[Fd, Ptr, ULong], R::Dec),
        "removexattr" | "lremovexattr" => (&[Path, Str], R::Dec),
        "fremovexattr" => (&[Fd, Str], R::Dec),
        "statfs" => (&[Path, StatfsOut], R::Dec),
        "fstatfs" => (&[Fd, StatfsOut], R::Dec),
        "inotify_add_watch" => (&[Fd, Path, Flags(fl::IN_MASK, "0", "IN_???")], R::Dec),
        _ => return None,
    };
    Some(s)
}

/// Whether argument kind `k` prints anything for these raw arguments.
fn present(k: A, args: &[u64; 6]) -> bool {
    match k {
        OpenMode(i) => {
            let f = args.get(i).copied().unwrap_or(0);
            f & (libc::O_CREAT as u64) != 0 || f & 0o20000000 != 0
        }
        CloneExit => args[0] & (CLONE_EXIT_FLAGS) != 0,
        PrctlExit => matches!(args[0], PR_GET_PDEATHSIG | PR_GET_NAME),
        Dev(i) => matches!(
            args.get(i).copied().unwrap_or(0) & 0o170000,
            0o020000 | 0o060000
        ),
        MremapAddr => args[3] & 2 != 0,
        IoctlArg => !ioctl_writes_arg(args[1]) && !ioctl_no_arg(args[1]),
        IoctlOut => ioctl_writes_arg(args[1]),
        FcntlArg(i) => !matches!(
            args.get(i).copied().unwrap_or(0),
            1 | 3 | 9 | 11 | 1025 | 1032 | 1034
        ),
        _ => true,
    }
}

const CLONE_EXIT_FLAGS: u64 = (libc::CLONE_PARENT_SETTID
    | libc::CLONE_PIDFD
    | libc::CLONE_SETTLS
    | libc::CLONE_CHILD_SETTID
    | libc::CLONE_CHILD_CLEARTID) as u64;

/// Print argument `i` of kind `k`.
fn arg_text(k: A, i: usize, c: &Ctx<'_>) -> String {
    let v = c.arg(i);
    match k {
        Int => (v as i32).to_string(),
        UInt => (v as u32).to_string(),
        Long => (v as i64).to_string(),
        ULong => v.to_string(),
        Hex => hex(v),
        Ptr => ptr(v),
        Fd => c.fd(v as i32),
        DirFd => dirfd_text(v as i32, c.mem, c.opts),
        Path => strings::path(c.mem, v),
        Str => strings::cstr(c.mem, v, c.opts),
        InBuf(n) => buf(c.mem, v, c.arg(n), c.opts),
        Flags(t, zero, unknown) => fl::flags_or_unknown(v & 0xffff_ffff, t, zero, unknown),
        Enum(t, unk) => xenum(v & 0xffff_ffff, t, unk),
        OpenFlags => fl::open_flags(v),
        OpenMode(_) | Mode => fl::mode(v),
        TypedMode => fl::symbolic_mode(v),
        MmapFlags => fl::mmap_flags(v),
        StatxFlags => fl::statx_flags(v),
        MountFlags => fl::mount_flags(v),
        SockType => fl::sock_type(v),
        Proto(d) => {
            let p = v as i32;
            match c.arg(d) {
                2 | 10 => xenum(u64::from(p as u32), fl::IPPROTO, "IPPROTO_???"),
                16 => xenum(u64::from(p as u32), fl::NETLINK_PROTOS, "NETLINK_???"),
                _ => p.to_string(),
            }
        }
        Sockaddr(n) => st::sockaddr(c.mem, v, c.arg(n)),
        IovIn(n) => st::iovec(c.mem, v, c.arg(n), None, c.opts),
        MsgIn => st::msghdr(c.mem, v, None, None, c.opts, &|f| c.fd(f)),
        Sig => super::signal::sig_text(i64::from(v as i32)),
        SigsetIn(n) => st::sigset(c.mem, v, c.arg(n)),
        SigactIn => st::sigaction(c.mem, v),
        TsIn => st::timespec(c.mem, v),
        PollIn(n) => st::pollfds(c.mem, v, c.arg(n), c.opts, &|f| c.fd(f)),
        EpollIn => {
            if c.arg(1) == 2 {
                ptr(v)
            } else {
                st::epoll_event(c.mem, v)
            }
        }
        RlimIn => st::rlimit(c.mem, v),
        Argv => st::string_array(c.mem, v, c.opts, false),
        Envp => st::string_array(c.mem, v, c.opts, true),
        FcntlArg(n) => match c.arg(n) {
            5 | 6 | 7 | 36 | 37 | 38 => st::flock(c.mem, v, false),
            2 => flags(v & 0xffff_ffff, fl::FD_FLAGS, "0"),
            4 => fl::open_flags(v),
            0 | 1030 => (v as i32).to_string(),
            8 | 10 | 1024 | 1026 | 1031 | 1033 => (v as i32).to_string(),
            _ => ptr(v),
        },
        SockLevel => xenum(v & 0xffff_ffff, fl::SOL, "SOL_??"),
        SockOpt(l) => match c.arg(l) {
            1 => xenum(v & 0xffff_ffff, fl::SO, "SO_???"),
            6 => xenum(v & 0xffff_ffff, fl::TCP_OPTS, "TCP_???"),
            0 => xenum(v & 0xffff_ffff, fl::IP_OPTS, "IP_???"),
            41 => xenum(v & 0xffff_ffff, fl::IPV6_OPTS, "IPV6_???"),
            270 => xenum(v & 0xffff_ffff, fl::NETLINK_OPTS, "NETLINK_???"),
            _ => (v as i32).to_string(),
        },
        OptIn(n) => {
            let len = c.arg(n);
            let typed = match (c.arg(1), c.arg(2), len) {
                // SOL_SOCKET, SO_LINGER
                (1, 13, 8) => c.mem.read(v, 8).ok().and_then(|b| st::linger(&b)),
                _ => None,
            };
            match typed {
                Some(t) => t,
                None if len == 4 => st::int_ptr(c.mem, v),
                None => buf(c.mem, v, len, c.opts),
            }
        }
        FutexOp => futex_op(v),
        FutexRest => futex_rest(c),
        CloneEntry => {
            let flags_v = c.arg(0);
            let sig = flags_v & 0xff;
            let mut f = flags(flags_v & !0xff, fl::CLONE_FLAGS, "");
            if sig != 0 {
                if !f.is_empty() {
                    f.push('|');
                }
                f.push_str(&super::signal::sig_text(sig as i64));
            }
            if f.is_empty() {
                f.push('0');
            }
            format!("child_stack={}, flags={f}", ptr(c.arg(1)))
        }
        IoctlReq => ioctl_name(v),
        IoctlOut => ioctl_arg_out(c, c.arg(2)),
        IoctlArg => ioctl_arg_in(c, v),
        Clone3Args => clone3_args(c, v),
        Clone3Result => clone3_result(c, c.arg(0)),
        Clone3Size => c.arg(1).to_string(),
        // Exit-phase kinds.
        OutBuf => match c.ret {
            Some(r) if r >= 0 => buf(c.mem, v, r as u64, c.opts),
            _ => ptr(v),
        },
        OutBufHex => match c.ret {
            Some(r) if r >= 0 => hex_buf(c.mem, v, r as u64, c.opts),
            _ => ptr(v),
        },
        OutPathRet => match c.ret {
            Some(r) if r >= 0 => buf(c.mem, v, r as u64, c.opts),
            _ => ptr(v),
        },
        OutCwd => match c.ret {
            Some(r) if r > 0 => strings::path(c.mem, v),
            _ => ptr(v),
        },
        SockaddrOut(lenp) => {
            if c.failed() || v == 0 {
                return ptr(v);
            }
            let Some(len) = read_u32(c.mem, c.arg(lenp)).map(u64::from) else {
                return ptr(v);
            };
            let inlen = c.saved.first().copied().unwrap_or(len);
            st::sockaddr(c.mem, v, len.min(inlen))
        }
        SocklenInOut => {
            if v == 0 {
                return "NULL".to_string();
            }
            let before = c.saved.first().copied();
            if c.failed() {
                return before.map_or_else(|| ptr(v), |b| format!("[{b}]"));
            }
            match (before, read_u32(c.mem, v)) {
                (Some(b), Some(a)) if b != u64::from(a) => format!("[{b} => {a}]"),
                (_, Some(a)) => format!("[{a}]"),
                _ => ptr(v),
            }
        }
        IovOut(n) => match c.ret {
            Some(r) if r >= 0 => st::iovec(c.mem, v, c.arg(n), Some(r as u64), c.opts),
            _ => ptr(v),
        },
        MsgOut => match c.ret {
            Some(r) if r >= 0 => {
                let namelen = c.saved.first().map(|&n| n as u32);
                st::msghdr(c.mem, v, Some(r as u64), namelen, c.opts, &|f| c.fd(f))
            }
            // Failed (EAGAIN…): strace shows only the name length it read at entry.
            Some(_) => match c.saved.first() {
                Some(&n) => format!("{{msg_namelen={}}}", n as u32 as i32),
                None => ptr(v),
            },
            None => ptr(v),
        },
        StatOut => if_ok(c, v, st::stat),
        StatxOut => if_ok(c, v, st::statx),
        TsOut => if_ok(c, v, st::timespec),
        TvOut => if_ok(c, v, st::timeval),
        TsRem => {
            if v == 0 {
                "NULL".to_string()
            } else if c.failed() {
                st::timespec(c.mem, v)
            } else {
                ptr(v)
            }
        }
        SigactOut => if_ok(c, v, st::sigaction),
        SigsetOut(n) => {
            if c.failed() || v == 0 {
                ptr(v)
            } else {
                st::sigset(c.mem, v, c.arg(n))
            }
        }
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
        MmsgSent => {
            let sent = match c.ret {
                Some(r) if r > 0 => r as u64,
                _ => 0,
            };
            st::mmsgvec(
                c.mem,
                v,
                c.arg(2) & 0xffff_ffff,
                sent,
                false,
                &[],
                c.opts,
                &|f| c.fd(f),
            )
        }
        MmsgReceived => match c.ret {
            Some(r) if r >= 0 => {
                st::mmsgvec(c.mem, v, r as u64, r as u64, true, c.saved, c.opts, &|f| {
                    c.fd(f)
                })
            }
            _ => ptr(v),
        },
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
        UtimeTs => st::utime_timespecs(c.mem, v, c.opts),
        IpcKey => calls::ipc_key(v),
        IpcGetFlags => calls::ipc_get_flags(v),
        IpcCmd(kind) => calls::ipc_cmd(v, kind),
        Sembufs => calls::sembufs(c, v, c.arg(2)),
        MsgbufIn => calls::msgbuf(c, v, c.arg(2)),
        MsgbufOut => {
            if c.failed() {
                ptr(v)
            } else {
                calls::msgbuf(c, v, c.arg(2))
            }
        }
        OffIn => st::off_ptr(c.mem, v),
        Rwf5 => flags(c.arg(5) & 0xffff_ffff, fl::RWF_FLAGS, "0"),
        OpenHow(n) => st::open_how(c.mem, v, c.arg(n)),
        StackIn => st::stack_t(c.mem, v),
        StackOut => if_ok(c, v, st::stack_t),
        ItimerspecIn => st::itimerspec(c.mem, v),
        SigeventIn => st::sigevent(c.mem, v),
        ItimerspecOut => if_ok(c, v, st::itimerspec),
        CapHeader => st::cap_header(c.mem, v),
        CapDataIn => st::cap_data(c.mem, v, c.arg(0)),
        CapDataOut => {
            if c.failed() || v == 0 {
                ptr(v)
            } else {
                st::cap_data(c.mem, v, c.arg(0))
            }
        }
        SiginfoIn => {
            if v == 0 {
                "NULL".to_string()
            } else {
                st::siginfo(c.mem, v)
            }
        }
        FdSet(n) => st::fd_set(c.mem, v, c.arg(n) as i32, &|f| c.fd(f)),
        TvIn => st::timeval(c.mem, v),
        Pselect6Mask => {
            if v == 0 {
                "NULL".to_string()
            } else {
                match (read_u64(c.mem, v), read_u64(c.mem, v.wrapping_add(8))) {
                    (Some(set), Some(size)) => {
                        format!("{{{}, {size}}}", st::sigset(c.mem, set, size))
                    }
                    _ => ptr(v),
                }
            }
        }
        ItimerIn => st::itimerval(c.mem, v),
        Dev(_) => {
            let dev = v;
            format!(
                "makedev({:#x}, {:#x})",
                ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0xfff),
                ((dev >> 12) & 0xffff_ff00) | (dev & 0xff)
            )
        }
        MremapAddr => ptr(v),
        OffInOut => {
            if v == 0 {
                return "NULL".to_string();
            }
            let before = c.saved.first().copied();
            let after = read_u64(c.mem, v);
            match (before, after) {
                (Some(b), Some(a)) if !c.failed() && a != b => {
                    format!("[{}] => [{}]", b as i64, a as i64)
                }
                (Some(b), _) => format!("[{}]", b as i64),
                (None, _) => ptr(v),
            }
        }
        ItimerOut => if_ok(c, v, st::itimerval),
        RusageOut => if_ok(c, v, st::rusage),
        TmsOut => if_ok(c, v, st::tms),
        IntOut => if_ok(c, v, st::int_ptr),
        SiginfoOut => if_ok(c, v, st::siginfo),
        PrctlExit => match c.arg(0) {
            PR_GET_PDEATHSIG => {
                if c.failed() {
                    ptr(c.arg(1))
                } else {
                    match read_u32(c.mem, c.arg(1)) {
                        Some(sig) => {
                            format!("[{}]", super::signal::sig_text(i64::from(sig as i32)))
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
        StatfsOut => {
            if c.failed() || v == 0 {
                ptr(v)
            } else {
                st::statfs(c.mem, v, c.opts)
            }
        }
        UtsOut => if_ok(c, v, st::utsname),
        WaitStatus => match c.ret {
            Some(r) if r > 0 => st::wait_status(c.mem, v),
            _ => ptr(v),
        },
        FdPair => {
            if c.failed() {
                ptr(v)
            } else {
                st::fd_pair(c.mem, v, c.opts, &|f| c.fd(f))
            }
        }
        Dirents => match c.ret {
            Some(r) if r >= 0 => st::dirents(c.mem, v, r),
            _ => ptr(v),
        },
        EpollOut => match c.ret {
            Some(r) if r >= 0 => st::epoll_events(c.mem, v, r, c.opts),
            _ => ptr(v),
        },
        OptOut(lenp) => {
            if c.failed() || v == 0 {
                return ptr(v);
            }
            let len = read_u32(c.mem, c.arg(lenp)).unwrap_or(0);
            let so_error = c.arg(1) == 1 && c.arg(2) == 4;
            if len == 4 && so_error {
                // SO_ERROR holds an errno: `[ECONNREFUSED]`.
                match read_u32(c.mem, v).map(|e| e as i32) {
                    Some(e) if e != 0 => {
                        format!(
                            "[{}]",
                            errno::errno_name(e).map_or_else(|| e.to_string(), str::to_string)
                        )
                    }
                    Some(_) => "[0]".to_string(),
                    None => ptr(v),
                }
            } else if len == 4 {
                st::int_ptr(c.mem, v)
            } else {
                buf(c.mem, v, u64::from(len), c.opts)
            }
        }
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
    }
}

fn if_ok(c: &Ctx<'_>, v: u64, f: fn(&dyn Memory, u64) -> String) -> String {
    if c.failed() || v == 0 {
        ptr(v)
    } else {
        f(c.mem, v)
    }
}

fn hex_buf(mem: &dyn Memory, addr: u64, len: u64, opts: &DecodeOpts) -> String {
    let want = usize::try_from(len).unwrap_or(usize::MAX);
    let shown = want.min(opts.strsize);
    match mem.read(addr, shown) {
        Ok(b) => {
            let mut s = String::from("\"");
            for x in b {
                s.push_str(&format!("\\x{x:02x}"));
            }
            s.push('"');
            if want > shown {
                s.push_str("...");
            }
            s
        }
        Err(_) => ptr(addr),
    }
}

/// Arguments of a syscall without a spec: `nargs` values in hex, as strace prints them.
fn raw_args(nr: u64, args: &[u64; 6]) -> Vec<String> {
    let n = syscalls::entry(nr).map_or(6, |s| usize::from(s.nargs));
    args.iter().take(n.min(6)).map(|&v| hex(v)).collect()
}

/// Specs indexed by syscall number, built once: the per-call lookup is an index, not a string
/// match over two hundred names.
/// splice/tee/vmsplice flags.
const SPLICE_FLAGS: Xlat = &[
    (1, "SPLICE_F_MOVE"),
    (2, "SPLICE_F_NONBLOCK"),
    (4, "SPLICE_F_MORE"),
    (8, "SPLICE_F_GIFT"),
];

/// A decoded syscall's argument kinds and return kind.
type Spec = (&'static [A], R);

static SPEC_BY_NR: std::sync::LazyLock<Vec<Option<Spec>>> = std::sync::LazyLock::new(|| {
    (0..syscalls::MAX_NR as u64)
        .map(|nr| syscalls::name(nr).and_then(spec))
        .collect()
});

fn spec_of(nr: u64) -> Option<Spec> {
    usize::try_from(nr)
        .ok()
        .and_then(|i| SPEC_BY_NR.get(i))
        .copied()
        .flatten()
}

/// Entry: decode the arguments the kernel reads.
pub fn enter(nr: u64, args: &[u64; 6], mem: &dyn Memory, opts: &DecodeOpts) -> Entry {
    let Some((kinds, _)) = spec_of(nr) else {
        let list = raw_args(nr, args);
        return Entry {
            text: list.join(", "),
            args: list,
            saved: Vec::new(),
        };
    };
    let c = Ctx {
        args,
        mem,
        opts,
        ret: None,
        saved: &[],
    };
    let mut list = Vec::new();
    let mut next_exit = None;
    for (i, &k) in kinds.iter().enumerate() {
        if !present(k, args) {
            continue;
        }
        if k.at_exit() {
            next_exit = Some(k);
            break;
        }
        list.push(arg_text(k, i, &c));
    }
    let mut text = list.join(", ");
    if next_exit.is_some_and(|k| !k.is_suffix()) && !list.is_empty() {
        text.push_str(", ");
    }
    Entry {
        text,
        args: list,
        saved: save(kinds, args, mem),
    }
}

/// Values the kernel will overwrite that strace shows as `before => after`.
fn save(kinds: &[A], args: &[u64; 6], mem: &dyn Memory) -> Vec<u64> {
    let mut saved = Vec::new();
    for (i, &k) in kinds.iter().enumerate() {
        let v = args.get(i).copied().unwrap_or(0);
        match k {
            SocklenInOut => {
                if let Some(n) = read_u32(mem, v) {
                    saved.push(u64::from(n));
                }
            }
            MsgOut => {
                if let Some(n) = read_u32(mem, v.wrapping_add(8)) {
                    saved.push(u64::from(n));
                }
            }
            OffInOut => {
                if let Some(n) = read_u64(mem, v) {
                    saved.push(n);
                }
            }
            MmsgReceived => {
                // Each message's msg_namelen, for `16 => 0` at exit.
                let vlen = args.get(2).copied().unwrap_or(0).min(1024);
                for i in 0..vlen {
                    match read_u32(mem, v.wrapping_add(i * 64 + 8)) {
                        Some(n) => saved.push(u64::from(n)),
                        None => break,
                    }
                }
            }
            _ => {}
        }
    }
    saved
}

/// Exit: (full argument text, argument list, return text).
pub fn exit(
    nr: u64,
    args: &[u64; 6],
    ret: i64,
    mem: &dyn Memory,
    opts: &DecodeOpts,
    entry: &Entry,
) -> (String, Vec<String>, String) {
    let found = spec_of(nr);
    let Some((kinds, rkind)) = found else {
        return (
            entry.text.clone(),
            entry.args.clone(),
            ret_text(ret, R::Dec, args, mem, opts),
        );
    };
    let c = Ctx {
        args,
        mem,
        opts,
        ret: Some(ret),
        saved: &entry.saved,
    };
    let mut list = entry.args.clone();
    let mut text = entry.text.clone();
    let mut exit_phase = false;
    let mut first = true;
    for (i, &k) in kinds.iter().enumerate() {
        if !present(k, args) {
            continue;
        }
        if k.at_exit() {
            exit_phase = true;
        }
        if !exit_phase {
            continue;
        }
        let piece = arg_text(k, i, &c);
        if k.is_suffix() {
            text.push_str(&piece);
            if let Some(last) = list.last_mut() {
                last.push_str(&piece);
            }
        } else {
            if !first {
                text.push_str(", ");
            }
            text.push_str(&piece);
            list.push(piece);
        }
        first = false;
    }
    (text, list, ret_text(ret, rkind, args, mem, opts))
}

/// The text after ` = `.
fn ret_text(ret: i64, kind: R, args: &[u64; 6], mem: &dyn Memory, opts: &DecodeOpts) -> String {
    if let R::None = kind {
        return "?".to_string();
    }
    if let Some(e) = error_of(ret) {
        let name = errno::errno_name(e);
        let msg =
            errno::errno_message(e).map_or_else(|| format!("Unknown error {e}"), str::to_string);
        return match (e, name) {
            (512..=514 | 516, Some(n)) => format!("? {n} ({msg})"),
            (_, Some(n)) => format!("-1 {n} ({msg})"),
            (_, None) => format!("-1 E??? ({msg})"),
        };
    }
    match kind {
        R::Dec | R::None => ret.to_string(),
        R::Fd => {
            let fd = i32::try_from(ret).unwrap_or(-1);
            if fd >= 0 {
                fd_text(fd, mem, opts)
            } else {
                ret.to_string()
            }
        }
        R::Hex => hex(ret as u64),
        R::Octal => fl::octal(ret as u64),
        R::Poll => {
            // strace shows bare fds in the revents list, even with -y.
            let c = |f: i32| f.to_string();
            format!(
                "{ret}{}",
                st::poll_result(mem, args[0], args[1], ret, opts, &c)
            )
        }
        R::Prctl if args[0] == 3 => {
            let name = fl::lookup(ret as u64, DUMPABLE);
            name.map_or_else(|| ret.to_string(), |n| format!("{ret} ({n})"))
        }
        R::Prctl => ret.to_string(),
        R::Select(ts) => select_result(ret, args, mem, ts),
        R::Signal => match i32::try_from(ret).ok().and_then(super::signal_name) {
            Some(n) => format!("{ret} ({n})"),
            None => ret.to_string(),
        },
        R::Fcntl => match args[1] {
            0 | 1030 => fd_text(i32::try_from(ret).unwrap_or(-1), mem, opts),
            1 if ret != 0 => format!(
                "{} (flags {})",
                hex(ret as u64),
                flags(ret as u64, fl::FD_FLAGS, "0")
            ),
            3 => format!("{} (flags {})", hex(ret as u64), fl::open_flags(ret as u64)),
            1 => "0".to_string(),
            _ => ret.to_string(),
        },
    }
}

/// Whether `name` has a dedicated decoder (not the raw hex fallback).
pub fn is_decoded(name: &str) -> bool {
    spec(name).is_some()
}

// The arms name x86_64 calls (open, stat…) that aarch64's generic table lacks.
#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    #[test]
    fn every_spec_names_a_real_syscall() {
        let decoded: Vec<&str> = syscalls::all()
            .map(|(_, n)| n)
            .filter(|n| is_decoded(n))
            .collect();
        assert!(decoded.len() >= 200, "only {} decoded", decoded.len());
        // The names in spec()'s match arms, read from this file: a misspelt arm would never
        // match and silently fall back to raw hex.
        let src = include_str!("spec.rs");
        let start = src
            .find("let s: (&'static [A], R) = match name {")
            .expect("spec() body");
        let end = start + src[start..].find("_ => return None,").expect("spec() end");
        let mut names = Vec::new();
        for piece in src[start..end].split('"').skip(1).step_by(2) {
            let lower = piece
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if lower && piece.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') {
                names.push(piece);
            }
        }
        assert!(names.len() >= 200, "parsed only {} names", names.len());
        for name in names {
            if syscalls::number(name).is_some() {
                continue;
            }
            panic!("spec() arm {name:?} is not an x86_64 syscall");
        }
    }
}
