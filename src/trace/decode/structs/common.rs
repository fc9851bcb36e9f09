//! Helpers the structure printers share: `[N]` pointers and `[a, b, ...]` arrays cut at `-s`.

use crate::trace::decode::text::{le_u32, ptr, read_u32, read_u64_at, DecodeOpts, Memory};

/// `[5]` for a `loff_t *` read at entry, `NULL`, or the address when unreadable.
pub fn off_ptr(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    match read_u64_at(mem, addr) {
        Some(v) => format!("[{}]", v as i64),
        None => ptr(addr),
    }
}

/// `[VALUE]` for an `int *`, or the address when unreadable.
pub fn int_ptr(mem: &dyn Memory, addr: u64) -> String {
    match read_u32(mem, addr) {
        Some(v) => format!("[{}]", v as i32),
        None => ptr(addr),
    }
}

/// `[a, b, …]` with strace's cut after `-s` elements (`[...]` for `-s 0`).
pub fn array(items: impl Iterator<Item = String>, opts: &DecodeOpts) -> String {
    let mut out = Vec::new();
    for (i, item) in items.enumerate() {
        if i >= opts.strsize {
            out.push("...".to_string());
            break;
        }
        out.push(item);
    }
    format!("[{}]", out.join(", "))
}

/// `[0, 4, 27]`: `n` unsigned ints (uid_t/gid_t) at `addr`, `...` after `-s` items.
pub fn u32_array(mem: &dyn Memory, addr: u64, n: u64, opts: &DecodeOpts) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    if n == 0 {
        return "[]".to_string();
    }
    let shown = usize::try_from(n).unwrap_or(usize::MAX).min(opts.strsize);
    let Ok(b) = mem.read(addr, shown * 4) else {
        return ptr(addr);
    };
    let mut items: Vec<String> = (0..shown)
        .map(|i| le_u32(&b, i * 4).unwrap_or(0).to_string())
        .collect();
    if n > shown as u64 {
        items.push("...".to_string());
    }
    format!("[{}]", items.join(", "))
}
