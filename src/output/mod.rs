//! Output helpers shared by every command: table/JSON selection, terminal sanitising, writing.

use std::io::{self, Write};
use std::os::fd::AsFd;

use serde::Serialize;

/// How a command prints a table-shaped result.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, Serialize)]
pub enum Format {
    /// Aligned columns for people.
    #[default]
    Table,
    /// One JSON document for scripts.
    Json,
}

/// Whether standard output is a terminal.
pub fn stdout_is_terminal() -> bool {
    crate::sys::is_terminal(io::stdout().as_fd())
}

/// Make an untrusted string (file name, comm, cmdline, tracee data) safe to print on a terminal:
/// control characters and escape sequences become visible escapes, invalid UTF-8 is replaced.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                for unit in c.to_string().bytes() {
                    out.push_str(&format!("\\x{unit:02x}"));
                }
            }
            // Bidirectional overrides and isolates reorder what follows them on the screen (a
            // file name or comm could show as something else), zero-width characters hide.
            // See: Unicode TR9; CVE-2021-42574 ("Trojan Source").
            c if is_invisible_format(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Unicode format characters that change how the text around them is displayed.
fn is_invisible_format(c: char) -> bool {
    // ZWNJ and ZWJ (U+200C, U+200D) are left alone: scripts and emoji need them to render.
    matches!(
        c,
        '\u{200b}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}'
    )
}

/// [`sanitize`] for bytes that may not be UTF-8.
pub fn sanitize_bytes(b: &[u8]) -> String {
    sanitize(&String::from_utf8_lossy(b))
}

/// Days since 1970-01-01 to a (year, month, day) civil date in the proleptic Gregorian calendar
/// (400-year eras of 146,097 days). toolbox prints times in UTC: a scratch image has no zone data.
/// See: H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", civil_from_days.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Standard base64 (RFC 4648, section 4, with `=` padding): how JSON output carries bytes that
/// are not UTF-8, such as file names.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Print `value` as pretty JSON followed by a newline.
pub fn print_json<T: Serialize>(value: &T) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(json_pretty(value)?.as_bytes())?;
    writeln!(out)?;
    out.flush()
}

/// `value` as pretty JSON that is safe on a terminal (see [`terminal_safe_json`]).
pub fn json_pretty<T: Serialize + ?Sized>(value: &T) -> io::Result<String> {
    Ok(terminal_safe_json(
        serde_json::to_string_pretty(value).map_err(io::Error::from)?,
    ))
}

/// `value` as compact JSON that is safe on a terminal (see [`terminal_safe_json`]).
pub fn json_compact<T: Serialize + ?Sized>(value: &T) -> io::Result<String> {
    Ok(terminal_safe_json(
        serde_json::to_string(value).map_err(io::Error::from)?,
    ))
}

/// serde_json escapes only the C0 controls; DEL, the C1 controls (U+009B is a one-character
/// CSI) and the invisible format characters [`sanitize`] escapes would reach a terminal as they
/// are. They can only occur inside JSON strings, so writing them as `\uXXXX` keeps the document
/// and its values the same.
pub fn terminal_safe_json(json: String) -> String {
    let unsafe_char = |c: char| matches!(c, '\u{7f}'..='\u{9f}') || is_invisible_format(c);
    if !json.contains(unsafe_char) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Print rows as left-aligned, space-separated columns with a header, like ps/ls output.
///
/// The last column is not padded (it usually holds a command line).
pub fn print_columns(header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    write_columns(&mut out, header, rows)?;
    out.flush()
}

/// [`print_columns`] into any writer. Built on `tabled` with a blank style; trailing padding is
/// trimmed so that the last column (usually a command line) is never padded.
pub fn write_columns<W: Write>(
    out: &mut W,
    header: &[&str],
    rows: &[Vec<String>],
) -> io::Result<()> {
    use tabled::settings::{Padding, Style};
    let mut builder = tabled::builder::Builder::default();
    builder.push_record(header.iter().copied());
    for row in rows {
        builder.push_record(row.iter().map(String::as_str));
    }
    let mut table = builder.build();
    table.with(Style::blank()).with(Padding::new(0, 1, 0, 0));
    for line in table.to_string().lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_rfc4648_vectors() {
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), enc);
        }
        assert_eq!(base64(b"bad\xff"), "YmFk/w==");
    }

    #[test]
    fn sanitize_escapes_controls() {
        assert_eq!(sanitize("a\x1b[31mb\n"), "a\\x1b[31mb\\n");
        assert_eq!(sanitize("plain"), "plain");
        assert_eq!(sanitize("a\u{202e}txt.exe"), "a\\u{202e}txt.exe");
        assert_eq!(sanitize("日本\u{200b}"), "日本\\u{200b}");
        assert_eq!(sanitize_bytes(b"x\xffy"), "x\u{fffd}y");
    }

    #[test]
    fn json_carries_no_live_terminal_controls() {
        let hostile = "a\u{9b}31m\u{202e}b\x1b[2J\u{7f}";
        let text = json_pretty(&serde_json::json!({ "comm": hostile })).unwrap();
        assert!(
            !text.contains(|c: char| c.is_control() && c != '\n' || is_invisible_format(c)),
            "{text:?}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["comm"], hostile);
        assert_eq!(json_compact("plain").unwrap(), "\"plain\"");
    }

    #[test]
    fn columns_align() {
        let mut buf = Vec::new();
        write_columns(
            &mut buf,
            &["PID", "COMMAND"],
            &[
                vec!["1".into(), "catatonit -P".into()],
                vec!["1234".into(), "nginx".into()],
            ],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "PID   COMMAND\n1     catatonit -P\n1234  nginx\n"
        );
    }
}
