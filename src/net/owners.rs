//! Who holds each socket: socket inodes joined to `/proc/PID/fd/N -> socket:[INODE]` of the
//! processes that share toolbox's (by then the target's) network namespace, as `ss -p` does.

use std::collections::HashMap;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::MetadataExt;

use serde::Serialize;

/// One process holding a socket (`users:(("nginx",pid=7,fd=6))` in ss).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Owner {
    /// PID in toolbox's PID namespace.
    pub pid: i32,
    /// File descriptor number.
    pub fd: i32,
    /// comm, sanitised.
    pub comm: String,
    /// The container (its init's comm), when toolbox could tell.
    pub container: Option<String>,
}

/// Socket inode → holders, and how many processes' descriptors could not be read (and the
/// first such error, for `caps::denied`).
#[derive(Debug, Default)]
pub struct OwnerMap {
    /// Inode → owners, in PID then fd order.
    pub by_inode: HashMap<u64, Vec<Owner>>,
    /// Processes in the namespace whose fds could not be listed.
    pub unreadable: Vec<i32>,
    /// The first such error.
    pub first_error: Option<io::Error>,
}

/// The socket inode a `/proc/PID/fd/N` link names, if it is a socket.
pub fn socket_inode(link: &[u8]) -> Option<u64> {
    let rest = link.strip_prefix(b"socket:[")?.strip_suffix(b"]")?;
    std::str::from_utf8(rest).ok()?.parse().ok()
}

/// Read the fd tables of every process in the current network namespace. `container` names
/// a process's container.
pub fn read(container: &dyn Fn(i32) -> Option<String>) -> OwnerMap {
    let mut map = OwnerMap::default();
    let Ok(mine) = std::fs::metadata("/proc/self/ns/net") else {
        return map;
    };
    let Ok(pids) = crate::ps::proc::pids() else {
        return map;
    };
    for pid in pids {
        // Only the processes whose sockets live here; others' inodes cannot match anyway.
        match std::fs::metadata(format!("/proc/{pid}/ns/net")) {
            Ok(m) if (m.dev(), m.ino()) == (mine.dev(), mine.ino()) => {}
            Ok(_) => continue,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            // Unknown namespace: read its fds anyway (socket inodes are unique system-wide).
            Err(_) => {}
        }
        // One open of the fd directory, then readlinkat(2) relative to it: the kernel walks
        // only the last component per descriptor, not /proc, the PID and `fd` again each time.
        let mut dir = match nix::dir::Dir::open(
            format!("/proc/{pid}/fd").as_str(),
            nix::fcntl::OFlag::O_RDONLY
                | nix::fcntl::OFlag::O_DIRECTORY
                | nix::fcntl::OFlag::O_CLOEXEC,
            nix::sys::stat::Mode::empty(),
        ) {
            Ok(d) => d,
            Err(nix::errno::Errno::ENOENT) => continue,
            Err(e) => {
                map.unreadable.push(pid);
                map.first_error.get_or_insert(io::Error::from(e));
                continue;
            }
        };
        let dirfd = dir.as_raw_fd();
        let mut comm: Option<String> = None;
        let mut cont: Option<Option<String>> = None;
        for ent in dir.iter().flatten() {
            let name = ent.file_name();
            let Some(fd) = std::str::from_utf8(name.to_bytes())
                .ok()
                .and_then(|n| n.parse::<i32>().ok())
            else {
                continue;
            };
            let Ok(link) = nix::fcntl::readlinkat(Some(dirfd), name) else {
                continue;
            };
            let Some(inode) = socket_inode(link.as_encoded_bytes()) else {
                continue;
            };
            let comm = comm
                .get_or_insert_with(|| {
                    std::fs::read(format!("/proc/{pid}/comm"))
                        .map(|b| crate::output::sanitize_bytes(b.trim_ascii_end()))
                        .unwrap_or_default()
                })
                .clone();
            let container = cont.get_or_insert_with(|| container(pid)).clone();
            map.by_inode.entry(inode).or_default().push(Owner {
                pid,
                fd,
                comm,
                container,
            });
        }
    }
    for v in map.by_inode.values_mut() {
        v.sort_by_key(|o| (o.pid, o.fd));
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_links_parse() {
        assert_eq!(socket_inode(b"socket:[12345]"), Some(12345));
        assert_eq!(socket_inode(b"pipe:[12345]"), None);
        assert_eq!(socket_inode(b"socket:[x]"), None);
    }

    #[test]
    fn finds_own_socket() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let fd = std::os::fd::AsRawFd::as_raw_fd(&l);
        let inode = std::fs::metadata(format!("/proc/self/fd/{fd}"))
            .unwrap()
            .ino();
        let map = read(&|_| None);
        let owners = map.by_inode.get(&inode).expect("own socket owned");
        assert!(owners
            .iter()
            .any(|o| o.pid == std::process::id() as i32 && o.fd == fd));
    }
}
