//! The tracer's kernel interface: ptrace(2), waitpid(2), process_vm_readv(2), seccomp-bpf and the
//! fork/exec of a traced command.
//!
//! Every request goes through the raw `ptrace` system call rather than the libc wrapper: musl's
//! wrapper lacks `PTRACE_GET_SYSCALL_INFO` and treats the PEEK requests specially. See: ptrace(2).

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::{FromRawFd, OwnedFd};
use std::time::Duration;

/// A thread or process id as the kernel reports it.
pub type Pid = i32;

/// `PTRACE_GET_SYSCALL_INFO` (Linux 5.3); libc defines it only for glibc.
const PTRACE_GET_SYSCALL_INFO: libc::c_long = 0x420e;
const PTRACE_SYSCALL_INFO_ENTRY: u8 = 1;
const PTRACE_SYSCALL_INFO_EXIT: u8 = 2;
const PTRACE_SYSCALL_INFO_SECCOMP: u8 = 3;

/// `PTRACE_EVENT_STOP`: group-stop or PTRACE_INTERRUPT stop of a seized tracee.
pub const EVENT_STOP: i32 = 128;
/// `AUDIT_ARCH_X86_64` (`EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE`): the value a seccomp
/// filter sees in `seccomp_data.arch` for the native ABI. See: <linux/audit.h>.
#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xc000_003e;
/// `AUDIT_ARCH_AARCH64` (`EM_AARCH64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE`).
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xc000_00b7;

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
compile_error!(
    "src/sys/ptrace.rs knows the registers, audit arch and siginfo layout of x86_64 and aarch64 only"
);

fn ptrace_raw(req: libc::c_long, pid: Pid, addr: usize, data: usize) -> io::Result<libc::c_long> {
    // SAFETY: the raw ptrace system call; callers pass either plain integers or pointers to
    // buffers that are valid and large enough for the request (see each caller).
    let ret = unsafe { libc::syscall(libc::SYS_ptrace, req, pid as libc::c_long, addr, data) };
    if ret == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// `PTRACE_SEIZE` with `options` (`PTRACE_O_*`): attach without stopping the tracee.
pub fn seize(pid: Pid, options: i32) -> io::Result<()> {
    ptrace_raw(libc::PTRACE_SEIZE as _, pid, 0, options as usize).map(drop)
}

/// `PTRACE_INTERRUPT`: make a seized tracee stop with `PTRACE_EVENT_STOP`.
pub fn interrupt(pid: Pid) -> io::Result<()> {
    ptrace_raw(libc::PTRACE_INTERRUPT as _, pid, 0, 0).map(drop)
}

/// `PTRACE_SYSCALL`: resume until the next syscall stop, delivering `sig` (0 for none).
pub fn resume_syscall(pid: Pid, sig: i32) -> io::Result<()> {
    ptrace_raw(libc::PTRACE_SYSCALL as _, pid, 0, sig as usize).map(drop)
}

/// `PTRACE_CONT`: resume, delivering `sig` (0 for none).
pub fn resume_cont(pid: Pid, sig: i32) -> io::Result<()> {
    ptrace_raw(libc::PTRACE_CONT as _, pid, 0, sig as usize).map(drop)
}

/// `PTRACE_LISTEN`: leave a tracee in group-stop but let it report the SIGCONT that ends it.
/// See: ptrace(2), "PTRACE_LISTEN".
pub fn listen(pid: Pid) -> io::Result<()> {
    ptrace_raw(libc::PTRACE_LISTEN as _, pid, 0, 0).map(drop)
}

/// `PTRACE_DETACH`, delivering `sig` (0 for none).
pub fn detach(pid: Pid, sig: i32) -> io::Result<()> {
    ptrace_raw(libc::PTRACE_DETACH as _, pid, 0, sig as usize).map(drop)
}

/// `PTRACE_GETEVENTMSG`: the new pid of a fork event, the former tid of an exec event.
pub fn event_msg(pid: Pid) -> io::Result<u64> {
    let mut msg: libc::c_ulong = 0;
    ptrace_raw(
        libc::PTRACE_GETEVENTMSG as _,
        pid,
        0,
        &mut msg as *mut libc::c_ulong as usize,
    )?;
    Ok(msg as u64)
}

/// What a syscall stop is about, from `PTRACE_GET_SYSCALL_INFO`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyscallStop {
    /// Syscall-enter-stop.
    Entry {
        /// Syscall number.
        nr: u64,
        /// Arguments.
        args: [u64; 6],
    },
    /// Syscall-exit-stop.
    Exit {
        /// Return value (negative errno on error).
        rval: i64,
        /// Whether the kernel flags it as an error.
        is_error: bool,
    },
    /// `PTRACE_EVENT_SECCOMP` stop (before the syscall runs).
    Seccomp {
        /// Syscall number.
        nr: u64,
        /// Arguments.
        args: [u64; 6],
    },
    /// Not a syscall stop, or an architecture the kernel cannot describe.
    None,
}

/// `struct ptrace_syscall_info` from <linux/ptrace.h>.
#[repr(C)]
#[derive(Default)]
struct RawSyscallInfo {
    op: u8,
    reserved: u8,
    flags: u16,
    arch: u32,
    instruction_pointer: u64,
    stack_pointer: u64,
    // The union: entry {nr, args[6]}, exit {rval, is_error}, seccomp {nr, args[6], ret_data}.
    data: [u64; 8],
}

/// `PTRACE_GET_SYSCALL_INFO` on a tracee in a syscall or seccomp stop.
pub fn syscall_info(pid: Pid) -> io::Result<SyscallStop> {
    let mut info = RawSyscallInfo::default();
    ptrace_raw(
        PTRACE_GET_SYSCALL_INFO,
        pid,
        std::mem::size_of::<RawSyscallInfo>(),
        &mut info as *mut RawSyscallInfo as usize,
    )?;
    let d = &info.data;
    let args = [d[1], d[2], d[3], d[4], d[5], d[6]];
    Ok(match info.op {
        PTRACE_SYSCALL_INFO_ENTRY => SyscallStop::Entry { nr: d[0], args },
        PTRACE_SYSCALL_INFO_SECCOMP => SyscallStop::Seccomp { nr: d[0], args },
        PTRACE_SYSCALL_INFO_EXIT => SyscallStop::Exit {
            rval: d[0] as i64,
            is_error: d[1] & 0xff != 0,
        },
        _ => SyscallStop::None,
    })
}

/// The general registers of a stopped tracee (`PTRACE_GETREGS`).
#[cfg(target_arch = "x86_64")]
fn registers(pid: Pid) -> io::Result<libc::user_regs_struct> {
    // SAFETY: user_regs_struct is plain integers; all-zero is a valid value.
    let mut regs: libc::user_regs_struct = unsafe { std::mem::zeroed() };
    ptrace_raw(
        libc::PTRACE_GETREGS as _,
        pid,
        0,
        &mut regs as *mut libc::user_regs_struct as usize,
    )?;
    Ok(regs)
}

/// The general registers of a stopped tracee: arm64 has no `PTRACE_GETREGS`, only
/// `PTRACE_GETREGSET` with `NT_PRSTATUS` (`struct user_pt_regs`: x0..x30, sp, pc, pstate).
/// See: ptrace(2), "PTRACE_GETREGSET".
#[cfg(target_arch = "aarch64")]
fn registers(pid: Pid) -> io::Result<libc::user_regs_struct> {
    // SAFETY: user_regs_struct is plain integers; all-zero is a valid value.
    let mut regs: libc::user_regs_struct = unsafe { std::mem::zeroed() };
    let mut iov = libc::iovec {
        iov_base: (&mut regs as *mut libc::user_regs_struct).cast(),
        iov_len: std::mem::size_of::<libc::user_regs_struct>(),
    };
    // The kernel writes at most iov_len bytes into `regs` and stores the length it wrote.
    ptrace_raw(
        libc::PTRACE_GETREGSET as _,
        pid,
        libc::NT_PRSTATUS as usize,
        &mut iov as *mut libc::iovec as usize,
    )?;
    Ok(regs)
}

/// Registers for kernels without `PTRACE_GET_SYSCALL_INFO` (before 5.3): the syscall number
/// (`orig_rax`), its arguments (rdi, rsi, rdx, r10, r8, r9) and `rax` (the return value at a
/// syscall-exit-stop). The caller tells entry from exit by keeping per-thread state.
/// See: syscall(2), "Architecture calling conventions".
#[cfg(target_arch = "x86_64")]
pub fn syscall_regs(pid: Pid) -> io::Result<(u64, [u64; 6], i64)> {
    let regs = registers(pid)?;
    let args = [regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9];
    Ok((regs.orig_rax, args, regs.rax as i64))
}

/// [`syscall_regs`] on arm64: the number in x8, arguments in x0..x5, the return value in x0
/// (which overwrites the first argument at the exit stop).
#[cfg(target_arch = "aarch64")]
pub fn syscall_regs(pid: Pid) -> io::Result<(u64, [u64; 6], i64)> {
    let regs = registers(pid)?;
    let r = &regs.regs;
    let args = [r[0], r[1], r[2], r[3], r[4], r[5]];
    Ok((r[8], args, r[0] as i64))
}

/// The stack pointer of a stopped tracee (`rsp` on x86_64, `sp` on arm64).
pub fn stack_pointer(pid: Pid) -> io::Result<u64> {
    let regs = registers(pid)?;
    #[cfg(target_arch = "x86_64")]
    let sp = regs.rsp;
    #[cfg(target_arch = "aarch64")]
    let sp = regs.sp;
    Ok(sp)
}

/// The registers a stack unwinder starts from, read from a stopped tracee.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UnwindRegs {
    /// The instruction pointer (`rip`, `pc`).
    pub pc: u64,
    /// The stack pointer (`rsp`, `sp`).
    pub sp: u64,
    /// The frame pointer (`rbp`, `x29`).
    pub fp: u64,
    /// The link register (`x30` on arm64; 0 on x86_64, which has none).
    pub lr: u64,
}

/// [`UnwindRegs`] of a stopped tracee and, from the same read, whether it stopped on its way out
/// of a system call: the call's number and the value it returns (`orig_rax`, `rax`; x86_64).
/// arm64 overwrites the first argument with the return value and does not export its copy
/// (`orig_x0`), so a call there cannot be re-issued: always `None` there.
pub fn unwind_registers(pid: Pid) -> io::Result<(UnwindRegs, Option<(u64, i64)>)> {
    let regs = registers(pid)?;
    #[cfg(target_arch = "x86_64")]
    let out = UnwindRegs {
        pc: regs.rip,
        sp: regs.rsp,
        fp: regs.rbp,
        lr: 0,
    };
    // Only the native ABI: a 32-bit task (user code segment other than __USER_CS, 0x33) numbers
    // its calls differently. See: arch/x86/include/asm/segment.h.
    #[cfg(target_arch = "x86_64")]
    let returning =
        (regs.cs == 0x33 && regs.orig_rax as i64 >= 0).then_some((regs.orig_rax, regs.rax as i64));
    #[cfg(target_arch = "aarch64")]
    let out = UnwindRegs {
        pc: regs.pc,
        sp: regs.sp,
        fp: regs.regs[29],
        lr: regs.regs[30],
    };
    #[cfg(target_arch = "aarch64")]
    let returning = None;
    Ok((out, returning))
}

/// Make a thread stopped on its way out of a system call issue the same call again when it
/// resumes, as the kernel itself does for `-ERESTARTNOHAND`: the number back in `rax` and the
/// instruction pointer back over the 2-byte `syscall` instruction; the arguments are still in
/// their registers. See: arch/x86/kernel/signal.c, arch_do_signal_or_restart().
#[cfg(target_arch = "x86_64")]
pub fn reissue_syscall(pid: Pid) -> io::Result<()> {
    let mut regs = registers(pid)?;
    regs.rax = regs.orig_rax;
    regs.rip = regs.rip.wrapping_sub(2);
    ptrace_raw(
        libc::PTRACE_SETREGS as _,
        pid,
        0,
        &regs as *const libc::user_regs_struct as usize,
    )
    .map(drop)
}

/// See the x86_64 version: not possible on arm64 (`orig_x0` is not exported).
#[cfg(target_arch = "aarch64")]
pub fn reissue_syscall(_pid: Pid) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// The fields of a `siginfo_t` that strace prints.
#[derive(Clone, Copy, Debug, Default)]
pub struct SigInfo {
    /// `si_signo`.
    pub signo: i32,
    /// `si_errno`.
    pub errno: i32,
    /// `si_code`.
    pub code: i32,
    /// `si_pid` (kill, sigqueue, SIGCHLD).
    pub pid: i32,
    /// `si_uid`.
    pub uid: u32,
    /// `si_status` (SIGCHLD).
    pub status: i32,
    /// `si_utime` (SIGCHLD).
    pub utime: i64,
    /// `si_stime` (SIGCHLD).
    pub stime: i64,
    /// `si_addr` (SIGSEGV, SIGBUS, SIGILL, SIGFPE).
    pub addr: u64,
    /// `si_value` (sigqueue, POSIX timers): `si_int` is its low half, `si_ptr` all of it.
    pub value: u64,
}

/// `PTRACE_GETSIGINFO` in a signal-delivery-stop.
pub fn siginfo(pid: Pid) -> io::Result<SigInfo> {
    let mut raw = [0u8; 128];
    ptrace_raw(
        libc::PTRACE_GETSIGINFO as _,
        pid,
        0,
        raw.as_mut_ptr() as usize,
    )?;
    let i32_at = |o: usize| i32::from_ne_bytes([raw[o], raw[o + 1], raw[o + 2], raw[o + 3]]);
    let i64_at = |o: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&raw[o..o + 8]);
        i64::from_ne_bytes(b)
    };
    // The generic 64-bit layout, which x86_64 and arm64 share (the compile_error above stops
    // other arches): signo 0, errno 4, code 8, union at 16 (pid 16, uid 20, status 24,
    // utime 32, stime 40; or addr 16; or timer id 16, overrun 20; value 24).
    // See: include/uapi/asm-generic/siginfo.h.
    Ok(SigInfo {
        signo: i32_at(0),
        errno: i32_at(4),
        code: i32_at(8),
        pid: i32_at(16),
        uid: i32_at(20) as u32,
        status: i32_at(24),
        utime: i64_at(32),
        stime: i64_at(40),
        addr: i64_at(16) as u64,
        value: i64_at(24) as u64,
    })
}

/// `PTRACE_PEEKDATA`: one word of tracee memory.
pub fn peek(pid: Pid, addr: u64) -> io::Result<u64> {
    let mut word: u64 = 0;
    // The raw syscall stores the word at `data` (the libc wrapper would return it instead).
    ptrace_raw(
        libc::PTRACE_PEEKDATA as _,
        pid,
        addr as usize,
        &mut word as *mut u64 as usize,
    )?;
    Ok(word)
}

/// Read `len` bytes of tracee memory at `addr` with process_vm_readv(2), falling back to
/// `PTRACE_PEEKDATA` where that is refused or missing. May return fewer bytes than asked when
/// the range crosses into unmapped memory; fails when not even the first byte is readable.
pub fn read_memory(pid: Pid, addr: u64, len: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; len];
    let n = read_memory_into(pid, addr, &mut buf)?;
    buf.truncate(n);
    Ok(buf)
}

/// [`read_memory`] into `buf` (as many bytes as it holds); returns how many were read. Reading
/// into a buffer allocated and touched beforehand keeps allocation and page faults out of the
/// time a tracee is held stopped.
pub fn read_memory_into(pid: Pid, addr: u64, buf: &mut [u8]) -> io::Result<usize> {
    let len = buf.len();
    if len == 0 {
        return Ok(0);
    }
    let local = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: len,
    };
    let remote = libc::iovec {
        iov_base: addr as usize as *mut libc::c_void,
        iov_len: len,
    };
    // SAFETY: `local` describes `buf`, which is valid for `len` writable bytes; the remote range
    // is only read by the kernel, which checks it against the tracee's address space.
    let n = unsafe { libc::process_vm_readv(pid, &local, 1, &remote, 1, 0) };
    if n > 0 {
        return Ok(n as usize);
    }
    if n == 0 {
        return Err(io::Error::from_raw_os_error(libc::EFAULT));
    }
    let err = io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::ENOSYS) | Some(libc::EPERM) | Some(libc::EACCES) => {
            let words = peek_range(pid, addr, len)?;
            buf[..words.len()].copy_from_slice(&words);
            Ok(words.len())
        }
        _ => Err(err),
    }
}

/// Read tracee memory word by word with `PTRACE_PEEKDATA` (the fallback of [`read_memory`];
/// the tracee must be in a ptrace-stop). Same contract as [`read_memory`].
pub fn peek_range(pid: Pid, addr: u64, len: usize) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(len);
    let start = addr & !7;
    let mut at = start;
    while (out.len() as u64) < len as u64 {
        let word = match peek(pid, at) {
            Ok(w) => w.to_ne_bytes(),
            Err(e) if out.is_empty() => return Err(e),
            Err(_) => break,
        };
        let skip = if at == start {
            (addr - start) as usize
        } else {
            0
        };
        let take = (len - out.len()).min(8 - skip);
        out.extend_from_slice(&word[skip..skip + take]);
        at += 8;
    }
    Ok(out)
}

/// How a waited-for tracee changed state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// It exited with this code.
    Exited(Pid, i32),
    /// A signal killed it (`true`: core dumped).
    Signaled(Pid, i32, bool),
    /// It stopped: signal number (`SIGTRAP | 0x80` for syscall stops) and ptrace event (0 for
    /// none).
    Stopped(Pid, i32, i32),
    /// Something else (e.g. continued); ignore.
    Other(Pid),
}

fn decode_status(pid: Pid, status: i32) -> Wait {
    if libc::WIFEXITED(status) {
        Wait::Exited(pid, libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        Wait::Signaled(pid, libc::WTERMSIG(status), libc::WCOREDUMP(status))
    } else if libc::WIFSTOPPED(status) {
        Wait::Stopped(pid, libc::WSTOPSIG(status), (status >> 16) & 0xffff)
    } else {
        Wait::Other(pid)
    }
}

/// `waitpid(pid, __WALL | flags)`. `Ok(None)` for WNOHANG with nothing to report. EINTR is
/// returned as an error of kind `Interrupted` so that the caller can look at its signal flags.
pub fn wait(pid: Pid, nohang: bool) -> io::Result<Option<Wait>> {
    let mut status = 0;
    let flags = libc::__WALL | if nohang { libc::WNOHANG } else { 0 };
    // SAFETY: `status` is a valid out pointer for the duration of the call.
    let r = unsafe { libc::waitpid(pid, &mut status, flags) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    if r == 0 {
        return Ok(None);
    }
    Ok(Some(decode_status(r, status)))
}

/// Whether `sig` is ignored (`SIG_IGN`) in this process now, e.g. inherited from `nohup` or
/// from a shell that started toolbox in the background.
pub fn is_ignored(sig: i32) -> bool {
    // SAFETY: a zeroed sigaction is a valid buffer for the kernel to fill.
    let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: a null new action only reads the current one into `old`.
    let rc = unsafe { libc::sigaction(sig, std::ptr::null(), &mut old) };
    rc == 0 && old.sa_sigaction == libc::SIG_IGN
}

/// Install `handler` for `sig` without `SA_RESTART`, so that a blocking waitpid returns EINTR and
/// the tracer can act on the signal.
pub fn install_handler(sig: i32, handler: extern "C" fn(libc::c_int)) -> io::Result<()> {
    // SAFETY: a zeroed sigaction is a valid starting point; we fill in the handler (a plain
    // `extern "C" fn(c_int)`, as sa_handler expects) and an empty mask.
    let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
    sa.sa_sigaction = handler as usize;
    sa.sa_flags = 0;
    // SAFETY: `sa.sa_mask` is a valid sigset_t to initialise.
    unsafe { libc::sigemptyset(&mut sa.sa_mask) };
    // SAFETY: `sa` is fully initialised; the old action is not needed.
    let rc = unsafe { libc::sigaction(sig, &sa, std::ptr::null_mut()) };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Restore the default action for `sig`.
pub fn default_handler(sig: i32) {
    // SAFETY: setting SIG_DFL is always valid.
    unsafe { libc::signal(sig, libc::SIG_DFL) };
}

/// Arm (or, with a zero interval, disarm) a periodic `SIGALRM`: it bounds how long the tracer
/// can sit in waitpid before flushing its output and looking at its signal flags.
pub fn interval_timer(every: Duration) -> io::Result<()> {
    let tv = libc::timeval {
        tv_sec: every.as_secs() as _,
        tv_usec: every.subsec_micros() as _,
    };
    let it = libc::itimerval {
        it_interval: tv,
        it_value: tv,
    };
    // SAFETY: `it` is a valid itimerval; the old value is not needed.
    let rc = unsafe { libc::setitimer(libc::ITIMER_REAL, &it, std::ptr::null_mut()) };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Send `sig` to process `pid`.
pub fn kill(pid: Pid, sig: i32) -> io::Result<()> {
    // SAFETY: plain kill(2).
    if unsafe { libc::kill(pid, sig) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Send `sig` to thread `tid` of process `tgid`.
pub fn tgkill(tgid: Pid, tid: Pid, sig: i32) -> io::Result<()> {
    // SAFETY: plain tgkill(2) with integer arguments.
    if unsafe { libc::syscall(libc::SYS_tgkill, tgid, tid, sig) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// A classic-BPF seccomp program that returns `SECCOMP_RET_TRACE` for the syscall numbers in
/// `traced` and `SECCOMP_RET_ALLOW` for every other native syscall (other ABIs are traced, to be
/// safe). Each comparison has its own return so that no jump exceeds BPF's 8-bit offsets.
/// See: seccomp(2), strace's `--seccomp-bpf`.
pub fn seccomp_program(traced: &[u64]) -> Vec<libc::sock_filter> {
    const LD_W_ABS: u16 = (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16;
    const JEQ_K: u16 = (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16;
    const JGE_K: u16 = (libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K) as u16;
    const RET_K: u16 = (libc::BPF_RET | libc::BPF_K) as u16;
    let ins = |code, jt, jf, k| libc::sock_filter { code, jt, jf, k };
    let trace = ins(RET_K, 0, 0, libc::SECCOMP_RET_TRACE);
    // struct seccomp_data { int nr; __u32 arch; __u64 ip; __u64 args[6]; }
    let mut p = vec![
        ins(LD_W_ABS, 0, 0, 4),
        ins(JEQ_K, 1, 0, AUDIT_ARCH),
        trace,
        ins(LD_W_ABS, 0, 0, 0),
    ];
    // x32 syscalls carry bit 30 (x86_64 only; arm64's 32-bit ABI has its own audit arch).
    if cfg!(target_arch = "x86_64") {
        p.extend([ins(JGE_K, 0, 1, 0x4000_0000), trace]);
    }
    for &nr in traced {
        p.push(ins(JEQ_K, 0, 1, nr as u32));
        p.push(trace);
    }
    p.push(ins(RET_K, 0, 0, libc::SECCOMP_RET_ALLOW));
    p
}

/// A command forked stopped and seized, ready to be traced.
#[derive(Debug)]
pub struct Spawned {
    /// Its pid.
    pub pid: Pid,
    /// Read end of a close-on-exec pipe: empty at EOF when exec succeeded, else the child's
    /// 4-byte tag and errno (see [`exec_error`]).
    pub errors: OwnedFd,
}

const STAGE_SECCOMP: i32 = 1;
const STAGE_EXEC: i32 = 2;

/// What went wrong in the child before or at exec: (stage, errno). Call after the child exited.
pub fn exec_error(spawned: &Spawned) -> Option<(&'static str, io::Error)> {
    use std::io::Read;
    let mut f = std::fs::File::from(spawned.errors.try_clone().ok()?);
    let mut b = [0u8; 8];
    f.read_exact(&mut b).ok()?;
    let stage = i32::from_ne_bytes([b[0], b[1], b[2], b[3]]);
    let errno = i32::from_ne_bytes([b[4], b[5], b[6], b[7]]);
    let what = if stage == STAGE_SECCOMP {
        "installing the seccomp filter"
    } else {
        "exec"
    };
    Some((what, io::Error::from_raw_os_error(errno)))
}

/// Fork a child that stops itself, optionally installs `filter` (seccomp-bpf), then execs `path`
/// with `argv`; the parent seizes it with `options` while it is stopped and lets it continue.
///
/// Errors carry the step that failed (`fork`, `attach (PTRACE_SEIZE)`, `continue`).
///
/// The child only makes async-signal-safe calls (signal, kill, prctl, seccomp, execv, write, _exit) on
/// data prepared before fork, and `_exit(127)`s after reporting an error through the pipe.
pub fn spawn_traced(
    path: &CStr,
    argv: &[CString],
    filter: Option<&[libc::sock_filter]>,
    options: i32,
    ignored: &[i32],
) -> Result<Spawned, (&'static str, io::Error)> {
    let fork_err = |e: io::Error| ("fork", e);
    let mut argp: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    argp.push(std::ptr::null());
    let prog = filter.map(|f| libc::sock_fprog {
        len: f.len() as libc::c_ushort,
        filter: f.as_ptr() as *mut libc::sock_filter,
    });
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } < 0 {
        return Err(fork_err(io::Error::last_os_error()));
    }
    // SAFETY: the kernel returned two new descriptors that nothing else owns.
    let (rd, wr) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    // SAFETY: the child below only calls async-signal-safe functions on memory prepared before
    // the fork (argp, path, prog, the pipe) and never returns into Rust code.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(fork_err(io::Error::last_os_error()));
    }
    if pid == 0 {
        use std::os::fd::AsRawFd;
        let w = wr.as_raw_fd();
        // SAFETY: in the child; see above. Everything used is async-signal-safe.
        unsafe {
            // Rust ignores SIGPIPE and the tracer catches INT/TERM/HUP/ALRM: the command gets
            // what toolbox inherited, as under strace: the default actions, except a signal that
            // was ignored when toolbox started (`nohup`, a background job) stays ignored.
            for sig in [
                libc::SIGPIPE,
                libc::SIGINT,
                libc::SIGTERM,
                libc::SIGHUP,
                libc::SIGALRM,
            ] {
                let action = if ignored.contains(&sig) {
                    libc::SIG_IGN
                } else {
                    libc::SIG_DFL
                };
                libc::signal(sig, action);
            }
            // Wait, stopped, until the tracer has seized us.
            libc::kill(libc::getpid(), libc::SIGSTOP);
            if let Some(prog) = prog.as_ref() {
                let install = || {
                    libc::syscall(
                        libc::SYS_seccomp,
                        libc::SECCOMP_SET_MODE_FILTER,
                        0,
                        prog as *const libc::sock_fprog,
                    )
                };
                if install() != 0 {
                    // Without CAP_SYS_ADMIN a filter needs no_new_privs. See: seccomp(2).
                    if *libc::__errno_location() != libc::EACCES
                        || libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
                        || install() != 0
                    {
                        child_fail(w, STAGE_SECCOMP);
                    }
                }
            }
            libc::execv(path.as_ptr(), argp.as_ptr());
            child_fail(w, STAGE_EXEC);
        }
    }
    drop(wr);
    let spawned = Spawned { pid, errors: rd };
    // Wait for the child's SIGSTOP (it is not traced yet: an ordinary stop).
    loop {
        let mut status = 0;
        // SAFETY: waiting for our own child; `status` is a valid out pointer.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WUNTRACED) };
        if r == pid {
            if libc::WIFSTOPPED(status) {
                break;
            }
            return Err(fork_err(io::Error::other(
                "the child died before it could be traced",
            )));
        }
        let err = io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EINTR) {
            return Err(fork_err(err));
        }
    }
    if let Err(e) = seize(pid, options) {
        let _ = kill(pid, libc::SIGKILL);
        let mut status = 0;
        // SAFETY: reaping our own child; `status` is a valid out pointer.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        return Err(("attach (PTRACE_SEIZE)", e));
    }
    kill(pid, libc::SIGCONT).map_err(|e| ("continue", e))?;
    Ok(spawned)
}

/// In the forked child: report `stage` and errno through the pipe `w`, then `_exit(127)`.
fn child_fail(w: i32, stage: i32) -> ! {
    // SAFETY: errno location, write(2) and _exit(2) are async-signal-safe; `msg` is a local.
    unsafe {
        let errno = *libc::__errno_location();
        let mut msg = [0u8; 8];
        msg[..4].copy_from_slice(&stage.to_ne_bytes());
        msg[4..].copy_from_slice(&errno.to_ne_bytes());
        libc::write(w, msg.as_ptr().cast(), 8);
        libc::_exit(127)
    }
}

/// Hours, minutes and seconds of `secs` (since the epoch) in local time (UTC when the time zone
/// is unknown), for strace's `-t` timestamps.
pub fn local_time_of_day(secs: i64) -> (u32, u32, u32) {
    let t = secs as _;
    // SAFETY: a zeroed `tm` is a valid out value for localtime_r.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: `t` and `tm` are valid for the duration of the call.
    let r = unsafe { libc::localtime_r(&t, &mut tm) };
    if r.is_null() {
        let s = secs.rem_euclid(86_400) as u32;
        return (s / 3600, s / 60 % 60, s % 60);
    }
    (tm.tm_hour as u32, tm.tm_min as u32, tm.tm_sec as u32)
}

/// Whether `s` is a syscall-stop signal (`SIGTRAP | 0x80` with `PTRACE_O_TRACESYSGOOD`).
pub fn is_syscall_stop(sig: i32) -> bool {
    sig == libc::SIGTRAP | 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seccomp_program_shape() {
        let p = seccomp_program(&[0, 1, 43]);
        assert_eq!(p.len(), 6 + 2 * 3 + 1);
        assert_eq!(p.last().map(|i| i.k), Some(libc::SECCOMP_RET_ALLOW));
        assert_eq!(p[6].k, 0);
        assert_eq!(p[10].k, 43);
        assert_eq!(p[11].k, libc::SECCOMP_RET_TRACE);
    }

    #[test]
    fn read_own_memory() {
        let data = *b"hello, tracer";
        let got = read_memory(std::process::id() as i32, data.as_ptr() as u64, data.len())
            .expect("reading our own memory");
        assert_eq!(got, data);
    }
}
