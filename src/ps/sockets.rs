//! Sockets of a process decoded from *its* network namespace: `/proc/PID/net/{tcp,tcp6,udp,udp6,
//! unix}` list that namespace's sockets, matched to file descriptors by socket inode.

use std::collections::HashMap;

use procfs::net::TcpState;
use serde::Serialize;

/// One socket as `inspect` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Socket {
    /// `tcp`, `tcp6`, `udp`, `udp6`, `unix`.
    pub proto: &'static str,
    /// Local address (`0.0.0.0:80`), or the unix path (`@name` when abstract).
    pub local: String,
    /// Remote address, when connected.
    pub remote: Option<String>,
    /// State (`LISTEN`, `ESTABLISHED`, …).
    pub state: String,
}

/// Socket inode → socket, for every socket of the network namespace of `pid` that could be read.
/// Returns the table and the files that could not be read, with why.
pub fn table(pid: i32) -> (HashMap<u64, Socket>, Vec<String>) {
    let mut map = HashMap::new();
    let mut errors = Vec::new();
    let Ok(proc) = procfs::process::Process::new(pid) else {
        return (map, vec![format!("PID {pid} vanished")]);
    };
    let mut note = |what: &str, e: procfs::ProcError| {
        errors.push(format!("/proc/{pid}/net/{what}: {e}"));
    };
    for (proto, res) in [("tcp", proc.tcp()), ("tcp6", proc.tcp6())] {
        match res {
            Ok(list) => {
                for e in list {
                    let listening = e.state == TcpState::Listen;
                    map.insert(
                        e.inode,
                        Socket {
                            proto,
                            local: e.local_address.to_string(),
                            remote: (!listening).then(|| e.remote_address.to_string()),
                            state: tcp_state(&e.state).into(),
                        },
                    );
                }
            }
            Err(err) => note(proto, err),
        }
    }
    for (proto, res) in [("udp", proc.udp()), ("udp6", proc.udp6())] {
        match res {
            Ok(list) => {
                for e in list {
                    let connected = !e.remote_address.ip().is_unspecified();
                    map.insert(
                        e.inode,
                        Socket {
                            proto,
                            local: e.local_address.to_string(),
                            remote: connected.then(|| e.remote_address.to_string()),
                            state: if connected { "CONNECTED" } else { "UNCONN" }.into(),
                        },
                    );
                }
            }
            Err(err) => note(proto, err),
        }
    }
    match std::fs::read_to_string(format!("/proc/{pid}/net/unix")) {
        Ok(text) => {
            for (inode, sock) in parse_unix(&text) {
                map.insert(inode, sock);
            }
        }
        Err(e) => errors.push(format!("/proc/{pid}/net/unix: {e}")),
    }
    (map, errors)
}

/// The names `ss` prints.
fn tcp_state(s: &TcpState) -> &'static str {
    match s {
        TcpState::Established => "ESTABLISHED",
        TcpState::SynSent => "SYN-SENT",
        TcpState::SynRecv => "SYN-RECV",
        TcpState::FinWait1 => "FIN-WAIT-1",
        TcpState::FinWait2 => "FIN-WAIT-2",
        TcpState::TimeWait => "TIME-WAIT",
        TcpState::Close => "CLOSE",
        TcpState::CloseWait => "CLOSE-WAIT",
        TcpState::LastAck => "LAST-ACK",
        TcpState::Listen => "LISTEN",
        TcpState::Closing => "CLOSING",
        TcpState::NewSynRecv => "NEW-SYN-RECV",
    }
}

/// `__SO_ACCEPTCON` in the Flags column: a listening socket. See: net/unix/af_unix.c,
/// unix_seq_show.
const SO_ACCEPTCON: u64 = 0x0001_0000;

/// Parse `/proc/PID/net/unix` (`Num RefCount Protocol Flags Type St Inode Path`), keeping the
/// flags that tell a listening socket from an unconnected one (procfs drops them).
pub fn parse_unix(text: &str) -> Vec<(u64, Socket)> {
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let _num = f.next()?;
            let _refs = f.next()?;
            let _proto = f.next()?;
            let flags = u64::from_str_radix(f.next()?, 16).ok()?;
            let kind = u16::from_str_radix(f.next()?, 16).ok()?;
            let st = u8::from_str_radix(f.next()?, 16).ok()?;
            let inode: u64 = f.next()?.parse().ok()?;
            let path = f.collect::<Vec<_>>().join(" ");
            let kind = match i32::from(kind) {
                libc::SOCK_STREAM => "stream",
                libc::SOCK_DGRAM => "dgram",
                libc::SOCK_SEQPACKET => "seqpacket",
                _ => "other",
            };
            // SS_UNCONNECTED 1, SS_CONNECTING 2, SS_CONNECTED 3, SS_DISCONNECTING 4.
            let state = match st {
                _ if flags & SO_ACCEPTCON != 0 => "LISTEN",
                1 => "UNCONN",
                2 => "CONNECTING",
                3 => "CONNECTED",
                4 => "DISCONNECTING",
                _ => "UNKNOWN",
            };
            Some((
                inode,
                Socket {
                    proto: "unix",
                    local: path,
                    remote: None,
                    state: format!("{state} ({kind})"),
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn finds_own_listening_socket() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let fd = {
            use std::os::fd::AsRawFd;
            l.as_raw_fd()
        };
        let inode = std::fs::metadata(format!("/proc/self/fd/{fd}"))
            .unwrap()
            .ino();
        let (map, _) = table(std::process::id() as i32);
        let s = map.get(&inode).expect("own socket listed");
        assert_eq!(s.proto, "tcp");
        assert_eq!(s.local, format!("127.0.0.1:{port}"));
        assert_eq!(s.state, "LISTEN");
        assert_eq!(s.remote, None);
    }

    #[test]
    fn finds_own_unix_listener() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sock");
        let l = std::os::unix::net::UnixListener::bind(&path).unwrap();
        let fd = {
            use std::os::fd::AsRawFd;
            l.as_raw_fd()
        };
        let inode = std::fs::metadata(format!("/proc/self/fd/{fd}"))
            .unwrap()
            .ino();
        let (map, _) = table(std::process::id() as i32);
        let s = map.get(&inode).expect("own unix socket listed");
        assert_eq!(s.state, "LISTEN (stream)");
        assert_eq!(s.local, path.to_string_lossy());
    }

    #[test]
    fn unix_listening_and_connected() {
        let text = "Num       RefCount Protocol Flags    Type St Inode Path\n\
                    000000007e9b3a1f: 00000002 00000000 00010000 0001 01 82460 /run/x.sock\n\
                    000000009c075993: 00000003 00000000 00000000 0001 03 998534\n\
                    00000000cf6cbb9d: 00000002 00000000 00000000 0002 01 1505 @abstract name\n\
                    garbage\n";
        let v = parse_unix(text);
        assert_eq!(v.len(), 3);
        assert_eq!((v[0].0, v[0].1.state.as_str()), (82460, "LISTEN (stream)"));
        assert_eq!(v[0].1.local, "/run/x.sock");
        assert_eq!(v[1].1.state, "CONNECTED (stream)");
        assert_eq!(v[1].1.local, "");
        assert_eq!(v[2].1.state, "UNCONN (dgram)");
        assert_eq!(v[2].1.local, "@abstract name");
    }
}
