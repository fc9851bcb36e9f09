//! System helpers for packet capture: the local UTC offset (tcpdump prints local time),
//! strftime(3) for `-G` file names, clearing O_NONBLOCK, and libpcap's snapshot length and version.

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

/// Clear `O_NONBLOCK` on a file we opened non-blocking (so that a FIFO's open did not wait).
pub fn set_blocking(fd: std::os::fd::BorrowedFd<'_>) -> std::io::Result<()> {
    use nix::fcntl::{fcntl, FcntlArg, OFlag};
    let flags = fcntl(std::os::fd::AsRawFd::as_raw_fd(&fd), FcntlArg::F_GETFL)?;
    let flags = OFlag::from_bits_truncate(flags) & !OFlag::O_NONBLOCK;
    fcntl(
        std::os::fd::AsRawFd::as_raw_fd(&fd),
        FcntlArg::F_SETFL(flags),
    )?;
    Ok(())
}

extern "C" {
    // libpcap (linked statically by the pcap crate, which does not wrap this call).
    fn pcap_snapshot(p: *mut libc::c_void) -> libc::c_int;
}

/// The snapshot length of an open capture: for a file (`-r`), the one its header records.
pub fn snapshot_len<T: pcap::State + ?Sized>(cap: &pcap::Capture<T>) -> Option<u32> {
    // SAFETY: `as_ptr` is the live `pcap_t` that `cap` owns for the duration of the borrow;
    // pcap_snapshot only reads a field of it.
    let n = unsafe { pcap_snapshot(cap.as_ptr().cast()) };
    u32::try_from(n).ok().filter(|&n| n > 0)
}

extern "C" {
    /// From the statically linked libpcap. See: pcap_lib_version(3PCAP).
    fn pcap_lib_version() -> *const libc::c_char;
}

/// libpcap's own version string, e.g. `libpcap version 1.10.3 (with TPACKET_V3)`.
pub fn pcap_version() -> String {
    // SAFETY: pcap_lib_version takes no arguments and returns a pointer to a static string.
    let p = unsafe { pcap_lib_version() };
    if p.is_null() {
        return String::from("libpcap (version unknown)");
    }
    // SAFETY: `p` is non-null and points to libpcap's static NUL-terminated version string.
    unsafe { std::ffi::CStr::from_ptr(p) }
        .to_string_lossy()
        .into_owned()
}
