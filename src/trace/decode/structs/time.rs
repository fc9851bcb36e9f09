//! Times: timespec, timeval, itimerval, itimerspec, rusage times, clock_t and tms.

use std::mem::offset_of;

use crate::trace::decode::text::{field, ptr, Memory};

/// `{tv_sec=1, tv_nsec=500}`.
pub fn timespec(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    match mem.read(addr, size_of::<libc::timespec>()) {
        Ok(b) => timespec_bytes(&b, 0),
        Err(_) => ptr(addr),
    }
}

/// The `struct timespec` at byte `off` of `b`: `{tv_sec=1, tv_nsec=500}`.
fn timespec_bytes(b: &[u8], off: usize) -> String {
    format!(
        "{{tv_sec={}, tv_nsec={}}}",
        field!(b, off, libc::timespec, tv_sec).unwrap_or(0),
        field!(b, off, libc::timespec, tv_nsec).unwrap_or(0)
    )
}

/// `{tv_sec=1, tv_usec=500}`.
pub fn timeval(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    match mem.read(addr, size_of::<libc::timeval>()) {
        Ok(b) => format!(
            "{{tv_sec={}, tv_usec={}}}",
            field!(&b, libc::timeval, tv_sec).unwrap_or(0),
            field!(&b, libc::timeval, tv_usec).unwrap_or(0)
        ),
        Err(_) => ptr(addr),
    }
}

/// strace's time comment, `1970-01-01T00:00:00.000000001+0000`, or `None` for the epoch itself
/// and invalid nanoseconds. strace uses the tracer's local zone; toolbox prints UTC.
pub fn time_comment(sec: i64, nsec: i64) -> Option<String> {
    if (sec == 0 && nsec == 0) || !(0..=999_999_999).contains(&nsec) {
        return None;
    }
    let days = sec.div_euclid(86_400);
    let secs = sec.rem_euclid(86_400);
    let (year, month, day) = crate::output::civil_from_days(days);
    let mut s = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    );
    if nsec > 0 {
        s.push_str(&format!(".{nsec:09}"));
    }
    s.push_str("+0000");
    Some(s)
}

/// `{tv_sec=2, tv_usec=500}` from bytes.
pub fn timeval_bytes(b: &[u8]) -> Option<String> {
    Some(format!(
        "{{tv_sec={}, tv_usec={}}}",
        field!(b, libc::timeval, tv_sec)?,
        field!(b, libc::timeval, tv_usec)?
    ))
}

/// `{it_interval={…}, it_value={…}}` (struct itimerval).
pub fn itimerval(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let Ok(b) = mem.read(addr, size_of::<libc::itimerval>()) else {
        return ptr(addr);
    };
    let at = |off: usize| b.get(off..).and_then(timeval_bytes);
    match (
        at(offset_of!(libc::itimerval, it_interval)),
        at(offset_of!(libc::itimerval, it_value)),
    ) {
        (Some(i), Some(v)) => format!("{{it_interval={i}, it_value={v}}}"),
        _ => ptr(addr),
    }
}

/// `{ru_utime={…}, ru_stime={…}, ...}` (struct rusage, abbreviated).
pub fn rusage(mem: &dyn Memory, addr: u64) -> String {
    // Only the two times are printed: read up to the end of ru_stime.
    let stime = offset_of!(libc::rusage, ru_stime);
    let Ok(b) = mem.read(addr, stime + size_of::<libc::timeval>()) else {
        return ptr(addr);
    };
    let at = |off: usize| b.get(off..).and_then(timeval_bytes);
    match (at(offset_of!(libc::rusage, ru_utime)), at(stime)) {
        (Some(u), Some(s)) => format!("{{ru_utime={u}, ru_stime={s}, ...}}"),
        _ => ptr(addr),
    }
}

/// A clock_t in ticks with strace's seconds comment: `1 /* 0.01 s */` (USER_HZ = 100).
pub fn clock_t(v: u64) -> String {
    if v == 0 {
        "0".to_string()
    } else {
        format!("{v} /* {}.{:02} s */", v / 100, v % 100)
    }
}

/// `{tms_utime=1 /* 0.01 s */, …}` (struct tms).
pub fn tms(mem: &dyn Memory, addr: u64) -> String {
    let Ok(b) = mem.read(addr, size_of::<libc::tms>()) else {
        return ptr(addr);
    };
    let f = |v: Option<libc::clock_t>| clock_t(v.unwrap_or(0) as u64);
    format!(
        "{{tms_utime={}, tms_stime={}, tms_cutime={}, tms_cstime={}}}",
        f(field!(&b, libc::tms, tms_utime)),
        f(field!(&b, libc::tms, tms_stime)),
        f(field!(&b, libc::tms, tms_cutime)),
        f(field!(&b, libc::tms, tms_cstime))
    )
}

/// `struct itimerspec`: `{it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=5, tv_nsec=0}}`.
pub fn itimerspec(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let Ok(b) = mem.read(addr, size_of::<libc::itimerspec>()) else {
        return ptr(addr);
    };
    format!(
        "{{it_interval={}, it_value={}}}",
        timespec_bytes(&b, offset_of!(libc::itimerspec, it_interval)),
        timespec_bytes(&b, offset_of!(libc::itimerspec, it_value))
    )
}
