//! The memory mappings of a process (/proc/PID/maps), parsed. See: proc_pid_maps(5).

use crate::sys::ptrace::Pid;

/// One line of /proc/PID/maps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    /// First address.
    pub start: u64,
    /// One past the last address.
    pub end: u64,
    /// Executable (`x` in the permissions).
    pub exec: bool,
    /// Offset in the file.
    pub offset: u64,
    /// The file (absolute, as the process sees it), a pseudo name (`[stack]`, `[vdso]`) or none.
    pub path: Option<Vec<u8>>,
    /// The file was deleted or replaced since it was mapped (` (deleted)`).
    pub deleted: bool,
}

/// Read and parse /proc/PID/maps.
pub fn read(pid: Pid) -> std::io::Result<Vec<Mapping>> {
    let raw = std::fs::read(format!("/proc/{pid}/maps"))?;
    Ok(parse(&raw))
}

/// Parse the text of /proc/PID/maps; malformed lines are skipped.
pub fn parse(raw: &[u8]) -> Vec<Mapping> {
    raw.split(|&b| b == b'\n').filter_map(parse_line).collect()
}

fn parse_line(line: &[u8]) -> Option<Mapping> {
    // start-end perms offset dev inode   path (the path may contain spaces)
    let mut rest = line;
    let mut field = || -> Option<&[u8]> {
        let trimmed = rest.iter().position(|&b| b != b' ').map(|i| &rest[i..])?;
        let end = trimmed
            .iter()
            .position(|&b| b == b' ')
            .unwrap_or(trimmed.len());
        let (f, r) = trimmed.split_at(end);
        rest = r;
        Some(f)
    };
    let range = field()?;
    let perms = field()?;
    let offset = field()?;
    let _dev = field()?;
    let _inode = field()?;
    let (start, end) = std::str::from_utf8(range).ok()?.split_once('-')?;
    let start = u64::from_str_radix(start, 16).ok()?;
    let end = u64::from_str_radix(end, 16).ok()?;
    let offset = u64::from_str_radix(std::str::from_utf8(offset).ok()?, 16).ok()?;
    let path = rest
        .iter()
        .position(|&b| b != b' ')
        .map(|i| rest[i..].to_vec());
    let (path, deleted) = match path {
        Some(p) if p.ends_with(b" (deleted)") => (Some(p[..p.len() - 10].to_vec()), true),
        p => (p, false),
    };
    Some(Mapping {
        start,
        end,
        exec: perms.get(2) == Some(&b'x'),
        offset,
        path,
        deleted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lines_with_spaces_and_deleted() {
        let raw = b"55d0c0000000-55d0c0002000 r-xp 00001000 fd:01 1234   /usr/bin/my prog\n\
7ffd1000-7ffd2000 rw-p 00000000 00:00 0                          [stack]\n\
7f0000000000-7f0000001000 r-xp 00000000 fd:01 99 /tmp/x (deleted)\n\
7f0000002000-7f0000003000 rw-p 00000000 00:00 0\ngarbage\n";
        let m = parse(raw);
        assert_eq!(m.len(), 4);
        assert_eq!(m[0].path.as_deref(), Some(&b"/usr/bin/my prog"[..]));
        assert!(m[0].exec);
        assert_eq!(m[0].offset, 0x1000);
        assert_eq!(m[1].path.as_deref(), Some(&b"[stack]"[..]));
        assert!(!m[1].exec);
        assert!(m[2].deleted);
        assert_eq!(m[2].path.as_deref(), Some(&b"/tmp/x"[..]));
        assert_eq!(m[3].path, None);
    }
}
