//! Signal names and signal sets as strace prints them (`SIGINT`, `[INT TERM]`, `~[RTMIN RT_1]`).

/// Names of signals 0..=32 on x86_64 (index = signal number).
const NAMES: [&str; 33] = [
    "0",
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGILL",
    "SIGTRAP",
    "SIGABRT",
    "SIGBUS",
    "SIGFPE",
    "SIGKILL",
    "SIGUSR1",
    "SIGSEGV",
    "SIGUSR2",
    "SIGPIPE",
    "SIGALRM",
    "SIGTERM",
    "SIGSTKFLT",
    "SIGCHLD",
    "SIGCONT",
    "SIGSTOP",
    "SIGTSTP",
    "SIGTTIN",
    "SIGTTOU",
    "SIGURG",
    "SIGXCPU",
    "SIGXFSZ",
    "SIGVTALRM",
    "SIGPROF",
    "SIGWINCH",
    "SIGIO",
    "SIGPWR",
    "SIGSYS",
    "SIGRTMIN",
];

/// The kernel's first real-time signal (glibc reserves a few above it).
const RTMIN: i32 = 32;
/// The kernel's last real-time signal.
const RTMAX: i32 = 64;

/// The name of signal `sig` (`SIGINT`), `None` for 0 or out-of-range numbers.
///
/// Real-time signals above `SIGRTMIN` print as `SIGRT_N`, as strace does.
pub fn signal_name(sig: i32) -> Option<&'static str> {
    match sig {
        1..=32 => usize::try_from(sig)
            .ok()
            .and_then(|i| NAMES.get(i))
            .copied(),
        _ => None,
    }
}

/// A signal number as strace prints it: a name, `SIGRT_N`, or the decimal number.
pub fn sig_text(sig: i64) -> String {
    match i32::try_from(sig) {
        Ok(s) if (1..=32).contains(&s) => signal_name(s).unwrap_or_default().to_string(),
        Ok(s) if s > RTMIN && s <= RTMAX => format!("SIGRT_{}", s - RTMIN),
        _ => sig.to_string(),
    }
}

/// A signal mask of `bytes` bytes (little-endian words), strace style: `[INT TERM]`, or
/// `~[…]` listing the signals *not* in the set when at least 2/3 of the bits are set.
pub fn sigset_text(mask: &[u8]) -> String {
    // strace works in 32-bit words, capped at the kernel's 64 signals.
    let bytes = mask.len().min(8);
    let words = bytes.div_ceil(4);
    let mut bits = 0u64;
    for (i, b) in mask.iter().take(bytes).enumerate() {
        bits |= u64::from(*b) << (8 * i);
    }
    let nbits = words * 32;
    let mut out = String::new();
    if bits.count_ones() as usize >= nbits * 2 / 3 {
        bits = !bits;
        if nbits < 64 {
            bits &= (1u64 << nbits) - 1;
        }
        out.push('~');
    }
    out.push('[');
    let mut first = true;
    for i in 0..nbits {
        if bits & (1u64 << i) == 0 {
            continue;
        }
        let sig = i as i32 + 1;
        if !first {
            out.push(' ');
        }
        first = false;
        match signal_name(sig) {
            Some(n) => out.push_str(n.trim_start_matches("SIG")),
            None if sig > RTMIN && sig <= RTMAX => out.push_str(&format!("RT_{}", sig - RTMIN)),
            None => out.push_str(&sig.to_string()),
        }
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_libc() {
        assert_eq!(signal_name(libc::SIGINT), Some("SIGINT"));
        assert_eq!(signal_name(libc::SIGCHLD), Some("SIGCHLD"));
        assert_eq!(signal_name(libc::SIGSYS), Some("SIGSYS"));
        assert_eq!(signal_name(0), None);
        assert_eq!(sig_text(34), "SIGRT_2");
    }

    #[test]
    fn sets() {
        let m = ((1u64 << (libc::SIGINT - 1)) | (1u64 << (libc::SIGTERM - 1))).to_le_bytes();
        assert_eq!(sigset_text(&m), "[INT TERM]");
        assert_eq!(sigset_text(&0u64.to_le_bytes()), "[]");
        let all_but = (!(1u64 << 31) & !(1u64 << 32)).to_le_bytes();
        assert_eq!(sigset_text(&all_but), "~[RTMIN RT_1]");
    }
}
