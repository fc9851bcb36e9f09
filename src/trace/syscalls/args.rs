//! The argument vocabulary of the syscall tables: how each argument of a decoded syscall prints
//! ([`Arg`]) and how its return value prints ([`Ret`]). A row of `x86_64.rs`/`aarch64.rs` names
//! its [`Spec`]; `trace::decode` interprets it. Flag and enum tables come from
//! [`crate::trace::flags`].

use crate::trace::flags::Xlat;

/// The arguments and return value of a decoded syscall. Arguments before the first exit-phase
/// kind print at entry (what strace shows before `<unfinished ...>`); the rest print at exit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    /// How each argument prints, in order (`usize` fields name another argument by index).
    pub args: &'static [Arg],
    /// How the return value prints.
    pub ret: Ret,
}

/// How one argument is printed. `usize` fields name another argument by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
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

impl Arg {
    /// Whether this exit-phase argument continues the previous one instead of starting a new one.
    pub fn is_suffix(self) -> bool {
        matches!(self, Arg::Clone3Result | Arg::CloneExit)
    }

    /// Whether this argument is printed at exit.
    pub fn at_exit(self) -> bool {
        matches!(
            self,
            Arg::OutBuf
                | Arg::OutBufHex
                | Arg::OutPathRet
                | Arg::OutCwd
                | Arg::SockaddrOut(_)
                | Arg::SocklenInOut
                | Arg::IovOut(_)
                | Arg::MsgOut
                | Arg::StatOut
                | Arg::StatxOut
                | Arg::TsOut
                | Arg::TsRem
                | Arg::TvOut
                | Arg::SigactOut
                | Arg::SigsetOut(_)
                | Arg::RlimOut
                | Arg::UtsOut
                | Arg::WaitStatus
                | Arg::FdPair
                | Arg::Dirents
                | Arg::EpollOut
                | Arg::OptOut(_)
                | Arg::CloneExit
                | Arg::SysinfoOut
                | Arg::GidsOut
                | Arg::MsgbufOut
                | Arg::MmsgSent
                | Arg::MmsgReceived
                | Arg::StackOut
                | Arg::ItimerspecOut
                | Arg::CapDataOut
                | Arg::IoctlOut
                | Arg::OffInOut
                | Arg::ItimerOut
                | Arg::RusageOut
                | Arg::TmsOut
                | Arg::IntOut
                | Arg::SiginfoOut
                | Arg::CpuSetOut
                | Arg::MpolModeOut
                | Arg::NodemaskOut(_)
                | Arg::PrctlExit
                | Arg::Clone3Result
                | Arg::StatfsOut
        )
    }
}

/// How the return value prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ret {
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
