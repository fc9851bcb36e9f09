//! Time helpers for packet capture: the local UTC offset (tcpdump prints local time) and
//! strftime(3) for `-G` file names.

use std::ffi::CString;

// `time_t` is deprecated in the libc crate only because of 32-bit musl targets; on x86_64 it is
// 64 bits in every musl version.
#[allow(deprecated)]
fn local_tm(secs: i64) -> Option<libc::tm> {
    let t: libc::time_t = secs;
    // SAFETY: an all-zero `tm` is a valid value of this plain C struct.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are valid for the duration of the call; localtime_r is reentrant.
    let r = unsafe { libc::localtime_r(&t, &mut tm) };
    (!r.is_null()).then_some(tm)
}

/// Seconds east of UTC of local time now (0 when unknown). Honours `TZ` and `/etc/localtime`.
pub fn utc_offset() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    local_tm(now).map_or(0, |tm| tm.tm_gmtoff)
}

/// `strftime(format, localtime(secs))`; `None` when the format has a NUL byte or the result
/// would exceed 4096 bytes.
pub fn strftime_local(format: &str, secs: i64) -> Option<String> {
    let fmt = CString::new(format).ok()?;
    let tm = local_tm(secs)?;
    let mut buf = vec![0u8; 4097];
    // SAFETY: `buf` is writable for `buf.len()` bytes, `fmt` is NUL-terminated, `tm` is valid.
    let n = unsafe { libc::strftime(buf.as_mut_ptr().cast(), buf.len(), fmt.as_ptr(), &tm) };
    if n == 0 && !format.is_empty() {
        return None;
    }
    buf.truncate(n);
    String::from_utf8(buf).ok()
}
