//! Signal structures: sigaction, sigset, wait status, sigevent, the rt_sigreturn frame, siginfo
//! and stack_t.

use std::mem::offset_of;

use super::time::clock_t;
use crate::trace::decode::signal::{sig_text, sigset_text};
use crate::trace::decode::text::{field, hex, le_u32, le_u64, ptr, read_u32, Memory};
use crate::trace::flags::{self, lookup};

/// The kernel's `struct sigaction` as rt_sigaction passes it, which is not libc's: handler,
/// flags, restorer, then a 64-bit mask, on x86_64 and arm64 alike.
/// See: include/uapi/asm-generic/signal.h, arch/x86/include/uapi/asm/signal.h.
#[repr(C)]
#[allow(dead_code)] // never built: a layout for offset_of! only
struct KernelSigaction {
    handler: u64,
    flags: u64,
    restorer: u64,
    mask: u64,
}

/// `struct sigaction` as rt_sigaction passes it.
pub fn sigaction(mem: &dyn Memory, addr: u64) -> String {
    type K = KernelSigaction;
    if addr == 0 {
        return "NULL".to_string();
    }
    let Ok(b) = mem.read(addr, size_of::<K>()) else {
        return ptr(addr);
    };
    let handler = field!(&b, K, handler).unwrap_or(0);
    let fl = field!(&b, K, flags).unwrap_or(0);
    let restorer = field!(&b, K, restorer).unwrap_or(0);
    let mask = b.get(offset_of!(K, mask)..).unwrap_or(&[]);
    let handler_text = match handler {
        0 => "SIG_DFL".to_string(),
        1 => "SIG_IGN".to_string(),
        h => format!("{h:#x}"),
    };
    let mut s = format!(
        "{{sa_handler={handler_text}, sa_mask={}, sa_flags={}",
        sigset_text(mask),
        flags::flags(fl, flags::SA_FLAGS, "0")
    );
    // SA_RESTORER (libc lacks it).
    if fl & 0x0400_0000 != 0 {
        s.push_str(&format!(", sa_restorer={}", ptr(restorer)));
    }
    s.push('}');
    s
}

/// A sigset of `size` bytes at `addr`.
pub fn sigset(mem: &dyn Memory, addr: u64, size: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let size = usize::try_from(size.min(8)).unwrap_or(8);
    match mem.read(addr, size) {
        Ok(b) => sigset_text(&b),
        Err(_) => ptr(addr),
    }
}

/// A wait status as strace prints it: `[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]`.
pub fn wait_status(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let Some(st) = read_u32(mem, addr) else {
        return ptr(addr);
    };
    let sig = st & 0x7f;
    let inner = if sig == 0 {
        format!("WIFEXITED(s) && WEXITSTATUS(s) == {}", (st >> 8) & 0xff)
    } else if sig == 0x7f {
        let stop = (st >> 8) & 0xff;
        let mut s = format!(
            "WIFSTOPPED(s) && WSTOPSIG(s) == {}",
            sig_text(i64::from(stop))
        );
        if st >> 16 != 0 {
            s.push_str(&format!(" && s>>16 == {}", st >> 16));
        }
        s
    } else if st == 0xffff {
        "WIFCONTINUED(s)".to_string()
    } else {
        let mut s = format!(
            "WIFSIGNALED(s) && WTERMSIG(s) == {}",
            sig_text(i64::from(sig))
        );
        if st & 0x80 != 0 {
            s.push_str(" && WCOREDUMP(s)");
        }
        s
    };
    format!("[{{{inner}}}]")
}

/// `sigev_notify` values.
const SIGEV_NOTIFY: flags::Xlat = &[
    (0, "SIGEV_SIGNAL"),
    (1, "SIGEV_NONE"),
    (2, "SIGEV_THREAD"),
    (4, "SIGEV_THREAD_ID"),
];

/// The kernel's `struct sigevent`, up to the notify union's thread id or function and
/// attributes (musl's differs in its padding). See: include/uapi/asm-generic/siginfo.h.
#[repr(C)]
#[allow(dead_code)] // never built: a layout for offset_of! only
struct KernelSigevent {
    value: u64,
    signo: i32,
    notify: i32,
    /// `_tid` (an int) or `_sigev_thread._function`.
    thread: u64,
    attributes: u64,
}

/// `struct sigevent` as strace prints it: `{sigev_signo=SIGALRM, sigev_notify=SIGEV_SIGNAL}`,
/// with `sigev_value` only when its pointer is set and the fields of the notify method.
/// See: strace print_sigevent.c; include/uapi/asm-generic/siginfo.h for the layout.
pub fn sigevent(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    type K = KernelSigevent;
    let Ok(b) = mem.read(addr, size_of::<K>()) else {
        return ptr(addr);
    };
    let value = field!(&b, K, value).unwrap_or(0);
    let signo = field!(&b, K, signo).unwrap_or(0) as u32;
    let notify = field!(&b, K, notify).unwrap_or(0) as u32;
    let mut s = String::from("{");
    if value != 0 {
        s.push_str(&format!(
            "sigev_value={{sival_int={}, sival_ptr={}}}, ",
            value as u32 as i32,
            ptr(value)
        ));
    }
    if matches!(notify, 0 | 2 | 4) {
        s.push_str(&format!(
            "sigev_signo={}",
            sig_text(i64::from(signo as i32))
        ));
    } else {
        s.push_str(&format!("sigev_signo={signo}"));
    }
    s.push_str(&format!(
        ", sigev_notify={}",
        flags::xenum(u64::from(notify), SIGEV_NOTIFY, "SIGEV_???")
    ));
    match notify {
        4 => s.push_str(&format!(
            ", sigev_notify_thread_id={}",
            le_u32(&b, offset_of!(K, thread)).unwrap_or(0) as i32
        )),
        2 => s.push_str(&format!(
            ", sigev_notify_function={}, sigev_notify_attributes={}",
            ptr(field!(&b, K, thread).unwrap_or(0)),
            ptr(field!(&b, K, attributes).unwrap_or(0))
        )),
        _ => {}
    }
    s.push('}');
    s
}

/// The argument of rt_sigreturn, `{mask=[…]}`: the signal mask saved in the signal frame.
///
/// On x86_64 the handler's `ret` popped `pretcode`, so the `rt_sigframe` starts 8 bytes below
/// the stack pointer and `uc.uc_sigmask` lies 296 bytes above it.
/// See: arch/x86/include/asm/sigframe.h (struct rt_sigframe), include/uapi/asm-generic/ucontext.h.
#[cfg(target_arch = "x86_64")]
const SIGFRAME_MASK_OFFSET: u64 = 296;
/// On arm64 `sp` points at the `rt_sigframe` itself: `siginfo` (128 bytes), then the
/// `ucontext`, whose `uc_sigmask` follows `uc_flags`, `uc_link` and `uc_stack` (40 bytes).
/// See: arch/arm64/kernel/signal.c (struct rt_sigframe), arch/arm64/include/uapi/asm/ucontext.h.
#[cfg(target_arch = "aarch64")]
const SIGFRAME_MASK_OFFSET: u64 = 128 + 40;

/// See [`SIGFRAME_MASK_OFFSET`].
pub fn rt_sigreturn(mem: &dyn Memory, rsp: u64) -> String {
    match mem.read(rsp.wrapping_add(SIGFRAME_MASK_OFFSET), 8) {
        Ok(b) => format!("{{mask={}}}", sigset_text(&b)),
        Err(_) => String::new(),
    }
}

/// si_code names for signals without their own table.
const SI_CODES: flags::Xlat = &[
    (0, "SI_USER"),
    (0x80, "SI_KERNEL"),
    (u64::MAX, "SI_QUEUE"),
    (u64::MAX - 1, "SI_TIMER"),
    (u64::MAX - 2, "SI_MESGQ"),
    (u64::MAX - 3, "SI_ASYNCIO"),
    (u64::MAX - 4, "SI_SIGIO"),
    (u64::MAX - 5, "SI_TKILL"),
    (u64::MAX - 6, "SI_DETHREAD"),
    (u64::MAX - 59, "SI_ASYNCNL"),
];
const CLD_CODES: flags::Xlat = &[
    (1, "CLD_EXITED"),
    (2, "CLD_KILLED"),
    (3, "CLD_DUMPED"),
    (4, "CLD_TRAPPED"),
    (5, "CLD_STOPPED"),
    (6, "CLD_CONTINUED"),
];
const SEGV_CODES: flags::Xlat = &[
    (1, "SEGV_MAPERR"),
    (2, "SEGV_ACCERR"),
    (3, "SEGV_BNDERR"),
    (4, "SEGV_PKUERR"),
    (5, "SEGV_ACCADI"),
    (6, "SEGV_ADIDERR"),
    (7, "SEGV_ADIPERR"),
    (8, "SEGV_MTEAERR"),
    (9, "SEGV_MTESERR"),
    (10, "SEGV_CPERR"),
];
const BUS_CODES: flags::Xlat = &[
    (1, "BUS_ADRALN"),
    (2, "BUS_ADRERR"),
    (3, "BUS_OBJERR"),
    (4, "BUS_MCEERR_AR"),
    (5, "BUS_MCEERR_AO"),
];

/// A `siginfo_t` (128 bytes) as strace prints it: in `--- SIGCHLD {…} ---` lines and waitid.
///
/// `{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=12, si_uid=0, si_status=3, si_utime=0,
/// si_stime=0}`, `{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL}`,
/// `{si_signo=SIGTERM, si_code=SI_USER, si_pid=1, si_uid=0}`.
pub fn siginfo_bytes(b: &[u8]) -> String {
    let signo = field!(b, SiHead, signo).unwrap_or(0);
    let code = field!(b, SiHead, code).unwrap_or(0);
    let code_u = code as i64 as u64;
    let sig = sig_text(i64::from(signo));
    let code_text = |table: flags::Xlat| {
        lookup(code_u, table)
            .or_else(|| lookup(code_u, SI_CODES))
            .map_or_else(|| code.to_string(), str::to_string)
    };
    let user = |s: &str| {
        format!(
            "{s}, si_pid={}, si_uid={}",
            field!(b, SiKill, pid).unwrap_or(0),
            field!(b, SiKill, uid).unwrap_or(0)
        )
    };
    // sival_int is the low half of the sigval union.
    let sival = field!(b, SiKill, value).unwrap_or(0);
    let mut out = format!("{{si_signo={sig}, si_code=");
    if code <= 0 || code == 0x80 {
        let ct = code_text(&[]);
        match code {
            0 | -6 => out.push_str(&user(&ct)),
            -1 => {
                out.push_str(&user(&ct));
                out.push_str(&format!(
                    ", si_int={}, si_ptr={}",
                    sival as u32 as i32,
                    ptr(sival)
                ));
            }
            // SI_TIMER: timer id and overrun count where si_pid/si_uid would be.
            -2 => out.push_str(&format!(
                "{ct}, si_timerid={}, si_overrun={}, si_int={}, si_ptr={}",
                hex(u64::from(field!(b, SiTimer, tid).unwrap_or(0) as u32)),
                field!(b, SiTimer, overrun).unwrap_or(0),
                sival as u32 as i32,
                ptr(sival)
            )),
            _ => out.push_str(&ct),
        }
    } else if signo == libc::SIGCHLD {
        let status = field!(b, SiChld, status).unwrap_or(0);
        let status_text = if code == 1 {
            status.to_string()
        } else {
            sig_text(i64::from(status))
        };
        out.push_str(&format!(
            "{}, si_pid={}, si_uid={}, si_status={status_text}, si_utime={}, si_stime={}",
            code_text(CLD_CODES),
            field!(b, SiChld, pid).unwrap_or(0),
            field!(b, SiChld, uid).unwrap_or(0),
            clock_t(field!(b, SiChld, utime).unwrap_or(0) as u64),
            clock_t(field!(b, SiChld, stime).unwrap_or(0) as u64)
        ));
    } else if matches!(
        signo,
        libc::SIGSEGV | libc::SIGBUS | libc::SIGILL | libc::SIGFPE | libc::SIGTRAP
    ) {
        let table = match signo {
            libc::SIGSEGV => SEGV_CODES,
            libc::SIGBUS => BUS_CODES,
            _ => &[],
        };
        out.push_str(&format!(
            "{}, si_addr={}",
            code_text(table),
            ptr(field!(b, SiFault, addr).unwrap_or(0))
        ));
    } else {
        out.push_str(&code_text(&[]));
    }
    out.push('}');
    out
}

/// The kernel's 64-bit `siginfo_t` as the union arms strace prints (libc's hides the union):
/// three ints, then the union at byte 16. Layouts only, for `field!`.
/// See: include/uapi/asm-generic/siginfo.h.
#[repr(C)]
#[allow(dead_code)] // never built: layouts for offset_of! only
struct SiHead {
    signo: i32,
    errno: i32,
    code: i32,
    pad: i32,
}

/// `_kill` with `_rt`'s value (SI_USER, SI_QUEUE, SI_TKILL).
#[repr(C)]
#[allow(dead_code)]
struct SiKill {
    head: SiHead,
    pid: i32,
    uid: u32,
    value: u64,
}

/// `_timer` (SI_TIMER).
#[repr(C)]
#[allow(dead_code)]
struct SiTimer {
    head: SiHead,
    tid: i32,
    overrun: i32,
    value: u64,
}

/// `_sigchld`.
#[repr(C)]
#[allow(dead_code)]
struct SiChld {
    head: SiHead,
    pid: i32,
    uid: u32,
    status: i32,
    utime: libc::c_long,
    stime: libc::c_long,
}

/// `_sigfault`.
#[repr(C)]
#[allow(dead_code)]
struct SiFault {
    head: SiHead,
    addr: u64,
}

/// The bytes of a `siginfo_t` (SI_MAX_SIZE).
const SIGINFO_SIZE: usize = 128;

/// A siginfo_t in tracee memory.
pub fn siginfo(mem: &dyn Memory, addr: u64) -> String {
    match mem.read(addr, SIGINFO_SIZE) {
        Ok(b) => siginfo_bytes(&b),
        Err(_) => ptr(addr),
    }
}

/// `stack_t`: `{ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0}`.
pub fn stack_t(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let Ok(b) = mem.read(addr, size_of::<libc::stack_t>()) else {
        return ptr(addr);
    };
    let ss_flags = field!(&b, libc::stack_t, ss_flags).unwrap_or(0) as u32;
    format!(
        "{{ss_sp={}, ss_flags={}, ss_size={}}}",
        ptr(le_u64(&b, offset_of!(libc::stack_t, ss_sp)).unwrap_or(0)),
        flags::flags(u64::from(ss_flags), flags::SS_FLAGS, "0"),
        field!(&b, libc::stack_t, ss_size).unwrap_or(0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The local kernel layouts match the uapi headers' 64-bit offsets.
    #[test]
    fn kernel_layouts_match_uapi_offsets() {
        assert_eq!(offset_of!(SiKill, pid), 16);
        assert_eq!(offset_of!(SiKill, uid), 20);
        assert_eq!(offset_of!(SiKill, value), 24);
        assert_eq!(offset_of!(SiTimer, overrun), 20);
        assert_eq!(offset_of!(SiChld, status), 24);
        assert_eq!(offset_of!(SiChld, utime), 32);
        assert_eq!(offset_of!(SiChld, stime), 40);
        assert_eq!(offset_of!(SiFault, addr), 16);
        assert_eq!(offset_of!(KernelSigaction, mask), 24);
        assert_eq!(size_of::<KernelSigaction>(), 32);
        assert_eq!(offset_of!(KernelSigevent, thread), 16);
        assert_eq!(size_of::<KernelSigevent>(), 32);
    }
}
