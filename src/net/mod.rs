//! The pod's network as the kernel describes it: sockets through sock_diag(7), interfaces,
//! addresses and routes through rtnetlink(7), each parsed into a typed model
//! ([`sockets::Socket`], [`links::Iface`], [`links::Route`]) that the printers in `cmd/net` format.
//!
//! Everything here reads the network namespace toolbox is in: callers enter the target's first
//! (`target::netns::enter`), before any netlink socket is opened.

pub mod connect;
pub mod dns;
pub mod links;
pub mod lookup;
pub mod owners;
pub mod ping;
pub mod resolv;
pub mod rtnl;
pub mod sockets;

use std::io;

use netlink_packet_core::{
    ErrorBuffer, NetlinkBuffer, NetlinkDeserializable, NetlinkHeader, NetlinkMessage,
    NetlinkPayload, NetlinkSerializable, NLMSG_DONE, NLMSG_ERROR, NLM_F_DUMP, NLM_F_REQUEST,
};
use netlink_sys::{Socket as NlSocket, SocketAddr};

/// Errors of reading the network state; each names what was asked.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// A permission error, with the missing capability and the kubectl fix.
    #[error(transparent)]
    Denied(#[from] crate::caps::Denied),
    /// The netlink socket could not be opened or used.
    #[error("{what}: {err}")]
    Io {
        /// Which dump.
        what: &'static str,
        /// Why.
        err: io::Error,
    },
    /// The kernel answered with an error message.
    #[error("{what}: the kernel answered: {err}")]
    Kernel {
        /// Which dump.
        what: &'static str,
        /// The errno it sent.
        err: io::Error,
    },
    /// A message could not be decoded.
    #[error("{what}: undecodable netlink message: {msg}")]
    Decode {
        /// Which dump.
        what: &'static str,
        /// The decoder's words.
        msg: String,
    },
}

impl NetError {
    /// Netlink dumps of sockets, links and routes need no capability (sock_diag(7): any user
    /// may list sockets); a failure here is the kernel's or a seccomp profile's.
    fn io(what: &'static str, err: io::Error) -> NetError {
        NetError::Io { what, err }
    }
}

/// Send one dump request on a new socket of `protocol` and collect every answer until
/// NLMSG_DONE. See: netlink(7), NLM_F_DUMP.
pub(crate) fn dump<M>(protocol: isize, what: &'static str, request: M) -> Result<Vec<M>, NetError>
where
    M: NetlinkSerializable + NetlinkDeserializable + std::fmt::Debug,
{
    let mut out = Vec::new();
    dump_each(protocol, what, request, |m| out.push(m))?;
    Ok(out)
}

/// Send one dump request and hand the payload of each answer of type `msg_type` to `each`
/// undecoded, for callers that decode only what they print.
pub(crate) fn dump_payloads<M>(
    protocol: isize,
    what: &'static str,
    request: M,
    msg_type: u16,
    mut each: impl FnMut(&[u8]) -> Result<(), NetError>,
) -> Result<(), NetError>
where
    M: NetlinkSerializable + std::fmt::Debug,
{
    let sock = request_socket(protocol, what, request)?;
    read_dump(&sock, what, |buf, _| {
        if buf.message_type() == msg_type {
            each(buf.payload())?;
        }
        Ok(())
    })
}

/// Read a dump's answers until NLMSG_DONE, handing every message that is neither that nor an
/// error to `each`, framed and as bytes (framing, NLMSG_DONE and NLMSG_ERROR through
/// netlink-packet-core's buffers).
fn read_dump(
    sock: &NlSocket,
    what: &'static str,
    mut each: impl FnMut(&NetlinkBuffer<&[u8]>, &[u8]) -> Result<(), NetError>,
) -> Result<(), NetError> {
    let decode = |e: netlink_packet_core::DecodeError| NetError::Decode {
        what,
        msg: e.to_string(),
    };
    // A dump arrives in datagrams of up to ~32 KiB; a larger buffer never truncates one.
    let mut rx = vec![0u8; 1 << 16];
    loop {
        let n = sock
            .recv(&mut &mut rx[..], 0)
            .map_err(|e| NetError::io(what, e))?;
        if n == 0 {
            return Ok(());
        }
        let mut at = 0;
        while at < n {
            let buf = NetlinkBuffer::new_checked(&rx[at..n]).map_err(decode)?;
            let len = buf.length() as usize;
            match buf.message_type() {
                NLMSG_DONE => return Ok(()),
                NLMSG_ERROR => {
                    let err = ErrorBuffer::new_checked(buf.payload()).map_err(decode)?;
                    if let Some(code) = err.code() {
                        return Err(NetError::Kernel {
                            what,
                            err: io::Error::from_raw_os_error(-code.get()),
                        });
                    }
                }
                // new_checked made sure the length fits in what was received.
                _ => each(&buf, &rx[at..at + len])?,
            }
            // Messages are 4-byte aligned (NLMSG_ALIGN).
            let step = (len + 3) & !3;
            if step == 0 {
                break;
            }
            at += step;
        }
    }
}

/// A netlink socket of `protocol` that has sent `request` as a dump.
fn request_socket<M>(protocol: isize, what: &'static str, request: M) -> Result<NlSocket, NetError>
where
    M: NetlinkSerializable + std::fmt::Debug,
{
    let mut sock = NlSocket::new(protocol).map_err(|e| NetError::io(what, e))?;
    sock.bind_auto().map_err(|e| NetError::io(what, e))?;
    sock.connect(&SocketAddr::new(0, 0))
        .map_err(|e| NetError::io(what, e))?;
    let mut header = NetlinkHeader::default();
    header.flags = NLM_F_REQUEST | NLM_F_DUMP;
    header.sequence_number = 1;
    let mut packet = NetlinkMessage::new(header, NetlinkPayload::InnerMessage(request));
    packet.finalize();
    let mut buf = vec![0; packet.buffer_len()];
    packet.serialize(&mut buf);
    sock.send(&buf, 0).map_err(|e| NetError::io(what, e))?;
    Ok(sock)
}

/// [`dump`], handing each answer to `each` as it is decoded: tens of thousands of sockets are
/// converted one at a time instead of all being kept in netlink form first.
pub(crate) fn dump_each<M>(
    protocol: isize,
    what: &'static str,
    request: M,
    mut each: impl FnMut(M),
) -> Result<(), NetError>
where
    M: NetlinkSerializable + NetlinkDeserializable + std::fmt::Debug,
{
    let sock = request_socket(protocol, what, request)?;
    read_dump(&sock, what, |_, bytes| {
        let msg = NetlinkMessage::<M>::deserialize(bytes).map_err(|e| NetError::Decode {
            what,
            msg: e.to_string(),
        })?;
        if let NetlinkPayload::InnerMessage(m) = msg.payload {
            each(m);
        }
        Ok(())
    })
}
