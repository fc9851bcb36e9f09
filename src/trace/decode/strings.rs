//! Strings and buffers from tracee memory, quoted with C escapes and cut after `-s` bytes.
//!
//! The escaping is strace's: `\t \n \v \f \r \" \\` by name, other bytes outside printable ASCII
//! in octal (three digits when an octal digit follows). The result is pure printable ASCII, so
//! tracee data can never inject terminal escape sequences.

use super::{DecodeOpts, Memory};

/// Longest path strace reads (PATH_MAX).
pub const PATH_MAX: usize = 4096;

/// Quote `bytes` as a C string literal, strace style (no truncation marker).
pub fn quote(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x0c => out.push_str("\\f"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x0b => out.push_str("\\v"),
            0x20..=0x7e => out.push(char::from(c)),
            _ => {
                let next_is_octal = bytes.get(i + 1).is_some_and(|n| (b'0'..=b'7').contains(n));
                if next_is_octal {
                    out.push_str(&format!("\\{c:03o}"));
                } else {
                    out.push_str(&format!("\\{c:o}"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// A pointer as strace prints it: `NULL` or `0x7ffc…`.
pub fn ptr(addr: u64) -> String {
    if addr == 0 {
        "NULL".to_string()
    } else {
        format!("{addr:#x}")
    }
}

/// A NUL-terminated string argument, cut after `-s` bytes with `...`.
pub fn cstr(mem: &dyn Memory, addr: u64, opts: &DecodeOpts) -> String {
    cstr_max(mem, addr, opts.strsize)
}

/// A NUL-terminated string of at most `max` bytes before `...`.
pub fn cstr_max(mem: &dyn Memory, addr: u64, max: usize) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    match mem.read_cstr(addr, max.saturating_add(1)) {
        // Cut short by unreadable memory before a NUL: strace prints the address then.
        Ok((bytes, true)) if bytes.len() < max => ptr(addr),
        Ok((bytes, truncated)) => {
            if bytes.len() > max || (truncated && bytes.len() >= max) {
                let cut = bytes.get(..max).unwrap_or(&bytes);
                format!("{}...", quote(cut))
            } else {
                quote(&bytes)
            }
        }
        Err(_) => ptr(addr),
    }
}

/// A path argument: read up to PATH_MAX, not limited by `-s`.
pub fn path(mem: &dyn Memory, addr: u64) -> String {
    cstr_max(mem, addr, PATH_MAX)
}

/// A buffer of `len` bytes (write data, read data at exit), cut after `-s` bytes with `...`.
pub fn buf(mem: &dyn Memory, addr: u64, len: u64, opts: &DecodeOpts) -> String {
    // strace prints NULL for a NULL buffer whatever its length (`write(1, NULL, 0)`).
    if addr == 0 {
        return "NULL".to_string();
    }
    let want = usize::try_from(len).unwrap_or(usize::MAX);
    let shown = want.min(opts.strsize);
    if shown == 0 {
        return if want == 0 {
            "\"\"".to_string()
        } else {
            "\"\"...".to_string()
        };
    }
    match mem.read(addr, shown) {
        Ok(bytes) => {
            let mut s = quote(&bytes);
            if want > shown {
                s.push_str("...");
            }
            s
        }
        Err(_) => ptr(addr),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(quote(b"hi\n\t\"\\"), r#""hi\n\t\"\\""#);
        assert_eq!(quote(b"\x00\x01a"), r#""\0\1a""#);
        assert_eq!(quote(b"\x001"), r#""\0001""#);
        assert_eq!(quote(b"\x1b[31m"), r#""\33[31m""#);
        assert_eq!(quote(&[0xc3, 0xa9]), r#""\303\251""#);
    }
}
