//! Sockets of a process decoded from *its* network namespace: `/proc/PID/net/{tcp,tcp6,udp,udp6,
//! unix}` list that namespace's sockets, matched to file descriptors by socket inode.

use std::collections::HashMap;

use procfs::net::{TcpState, UnixState};
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
    match proc.unix() {
        Ok(list) => {
            for e in list {
                map.insert(
                    e.inode,
                    Socket {
                        proto: "unix",
                        local: e
                            .path
                            .map(|p| p.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        remote: None,
                        state: unix_state(&e.state, e.socket_type),
                    },
                );
            }
        }
        Err(err) => note("unix", err),
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

/// Unix socket state. /proc/net/unix shows a listening stream socket as unconnected too (only its
/// flags, which procfs does not expose, say it accepts), so both read `UNCONN`.
fn unix_state(s: &UnixState, socket_type: u16) -> String {
    let kind = match i32::from(socket_type) {
        libc::SOCK_STREAM => "stream",
        libc::SOCK_DGRAM => "dgram",
        libc::SOCK_SEQPACKET => "seqpacket",
        _ => "other",
    };
    let state = match s {
        UnixState::UNCONNECTED => "UNCONN",
        UnixState::CONNECTING => "CONNECTING",
        UnixState::CONNECTED => "CONNECTED",
        UnixState::DISCONNECTING => "DISCONNECTING",
    };
    format!("{state} ({kind})")
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
}
