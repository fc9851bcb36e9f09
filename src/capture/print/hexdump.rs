//! The `-x`, `-X` and `-A` dumps of packet bytes (print-ascii.c layouts), and the hex dumps of
//! message bodies tcpdump prints inline.

use std::fmt::Write;

/// print-ascii.c `hex_print_with_offset`: lines of 8 16-bit groups, each line opened by `ident`
/// and the offset.
pub(crate) fn hex(out: &mut String, ident: &str, data: &[u8]) {
    for (i, pair) in data.chunks(2).enumerate() {
        if i % 8 == 0 {
            let _ = write!(out, "{ident}0x{:04x}: ", i * 2);
        }
        let _ = match pair {
            [a, b] => write!(out, " {a:02x}{b:02x}"),
            [a] => write!(out, " {a:02x}"),
            _ => Ok(()),
        };
    }
}

/// print-ascii.c `hex_and_ascii_print`: 16 bytes a line, hex in 16-bit groups, then the
/// printable characters (others as `.`).
pub(super) fn hex_ascii(out: &mut String, data: &[u8]) {
    for (n, line) in data.chunks(16).enumerate() {
        let mut hexes = String::with_capacity(40);
        for pair in line.chunks(2) {
            hexes.push(' ');
            for b in pair {
                let _ = write!(hexes, "{b:02x}");
            }
        }
        let text: String = line
            .iter()
            .map(|&b| if graph(b) { char::from(b) } else { '.' })
            .collect();
        let _ = write!(out, "\n\t0x{:04x}: {hexes:<40}  {text}", n * 16);
    }
}

/// print-ascii.c `ascii_print`: printable characters, spaces, tabs and newlines as they are,
/// others as `.`; a CR is dropped before a newline or at the end.
pub(super) fn ascii(out: &mut String, data: &[u8]) {
    out.push('\n');
    for (i, &b) in data.iter().enumerate() {
        let left = data.len() - i - 1;
        if b == b'\r' {
            if left > 1 && data.get(i + 1) != Some(&b'\n') {
                out.push('.');
            }
        } else if graph(b) || b == b'\t' || b == b' ' || b == b'\n' {
            out.push(char::from(b));
        } else {
            out.push('.');
        }
    }
}

/// netdissect-ctype.h `ND_ASCII_ISGRAPH`.
fn graph(b: u8) -> bool {
    (0x21..=0x7e).contains(&b)
}
