//! User and group names as a container sees them: parsed from *its* /etc/passwd and /etc/group.
//!
//! A distroless image names UIDs the host or the debug container does not know (nginx as 101),
//! so names are always looked up in the root of the process they belong to.

use std::collections::HashMap;
use std::io::Read;
use std::os::fd::BorrowedFd;
use std::path::Path;

/// An id → name table from one passwd- or group-format file.
#[derive(Clone, Debug, Default)]
pub struct NameTable {
    names: HashMap<u32, String>,
}

impl NameTable {
    /// Parse passwd(5) or group(5) text: `name:x:ID:...`. Malformed lines are ignored.
    pub fn parse(text: &str) -> Self {
        let mut names = HashMap::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split(':');
            let (Some(name), Some(_), Some(id)) = (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            if let Ok(id) = id.parse::<u32>() {
                // The first entry for an id wins, as getpwuid(3) does.
                names.entry(id).or_insert_with(|| name.to_string());
            }
        }
        NameTable { names }
    }

    /// The name for `id`, if the file names it.
    pub fn name(&self, id: u32) -> Option<&str> {
        self.names.get(&id).map(String::as_str)
    }

    /// The name for `id`, or the number itself.
    pub fn display(&self, id: u32) -> String {
        self.name(id).map_or_else(|| id.to_string(), str::to_string)
    }
}

/// The user and group tables of one root file system.
#[derive(Clone, Debug, Default)]
pub struct Accounts {
    /// UID → user name, from `/etc/passwd`.
    pub users: NameTable,
    /// GID → group name, from `/etc/group`.
    pub groups: NameTable,
}

impl Accounts {
    /// Read `/etc/passwd` and `/etc/group` inside the root `dir` (resolved in that root, safely).
    /// Missing or unreadable files give empty tables: ids then print as numbers.
    pub fn load(dir: BorrowedFd<'_>) -> Self {
        let read = |p: &str| read_small(dir, Path::new(p)).unwrap_or_default();
        Accounts {
            users: NameTable::parse(&read("/etc/passwd")),
            groups: NameTable::parse(&read("/etc/group")),
        }
    }

    /// The accounts of the root at `path` (e.g. `/proc/PID/root` or `/`).
    pub fn load_path(path: &Path) -> Self {
        match super::root::open_root_dir(path) {
            Ok(fd) => {
                use std::os::fd::AsFd;
                Self::load(fd.as_fd())
            }
            Err(_) => Accounts::default(),
        }
    }
}

/// Read at most 4 MiB of a regular file inside a root.
fn read_small(dir: BorrowedFd<'_>, path: &Path) -> std::io::Result<String> {
    let file = super::root::open_regular_in_root(dir, path)?;
    let mut buf = Vec::new();
    file.take(4 << 20).read_to_end(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_passwd() {
        let t = NameTable::parse("root:x:0:0:root:/root:/sbin/nologin\nnginx:x:101:101::/:/x\nbad\n# c\nroot2:x:0:0::/:\n");
        assert_eq!(t.name(0), Some("root"));
        assert_eq!(t.name(101), Some("nginx"));
        assert_eq!(t.display(5), "5");
    }
}
