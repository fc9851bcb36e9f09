//! The few rtnetlink messages `net` sends and reads: dump requests for links, addresses and routes
//! (see: rtnetlink(7), "RTM_GETLINK", "RTM_GETADDR", "RTM_GETROUTE"), and the `RTM_NEW*` answers.
//!
//! netlink-packet-route decodes each answer; its catch-all message type is not used because
//! reading through it links the decoders and encoders of every rtnetlink family (traffic
//! control, neighbours, rules...) into the binary, about a tenth of the image's budget.

use netlink_packet_core::{DecodeError, NetlinkDeserializable, NetlinkHeader, NetlinkSerializable};
use netlink_packet_route::address::AddressMessage;
use netlink_packet_route::link::LinkMessage;
use netlink_packet_route::route::RouteMessage;
use netlink_packet_route::AddressFamily;

// Message types, from <linux/rtnetlink.h>.
const RTM_NEWLINK: u16 = 16;
const RTM_GETLINK: u16 = 18;
const RTM_NEWADDR: u16 = 20;
const RTM_GETADDR: u16 = 22;
const RTM_NEWROUTE: u16 = 24;
const RTM_GETROUTE: u16 = 26;

/// A request toolbox sends, or an answer it reads.
#[derive(Debug)]
pub enum Rtnl {
    /// Dump every link (an all-zero `struct ifinfomsg`, 16 bytes).
    GetLinks,
    /// Dump every address (an all-zero `struct ifaddrmsg`, 8 bytes).
    GetAddresses,
    /// Dump every route of a family (`struct rtmsg`, 12 bytes, with only `rtm_family` set).
    GetRoutes(AddressFamily),
    /// A link.
    Link(LinkMessage),
    /// An address.
    Address(AddressMessage),
    /// A route.
    Route(RouteMessage),
    /// Any other message type.
    Other(u16),
}

impl NetlinkSerializable for Rtnl {
    fn message_type(&self) -> u16 {
        match self {
            Rtnl::GetLinks => RTM_GETLINK,
            Rtnl::GetAddresses => RTM_GETADDR,
            Rtnl::GetRoutes(_) => RTM_GETROUTE,
            Rtnl::Link(_) => RTM_NEWLINK,
            Rtnl::Address(_) => RTM_NEWADDR,
            Rtnl::Route(_) => RTM_NEWROUTE,
            Rtnl::Other(t) => *t,
        }
    }

    fn buffer_len(&self) -> usize {
        match self {
            Rtnl::GetLinks => 16,
            Rtnl::GetAddresses => 8,
            Rtnl::GetRoutes(_) => 12,
            // Answers are never sent.
            _ => 0,
        }
    }

    fn serialize(&self, buffer: &mut [u8]) {
        buffer.fill(0);
        if let (Rtnl::GetRoutes(family), Some(first)) = (self, buffer.first_mut()) {
            *first = u8::from(*family);
        }
    }
}

impl NetlinkDeserializable for Rtnl {
    type Error = DecodeError;

    fn deserialize(header: &NetlinkHeader, payload: &[u8]) -> Result<Self, Self::Error> {
        use netlink_packet_core::Parseable;
        Ok(match header.message_type {
            RTM_NEWLINK => Rtnl::Link(LinkMessage::parse(payload)?),
            RTM_NEWADDR => Rtnl::Address(AddressMessage::parse(payload)?),
            RTM_NEWROUTE => Rtnl::Route(RouteMessage::parse(payload)?),
            t => Rtnl::Other(t),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use netlink_packet_core::Emitable;
    use netlink_packet_route::route::RouteHeader;

    /// The requests are the bytes netlink-packet-route's own messages make.
    #[test]
    fn requests_match_the_crates_encoding() {
        let mut b = [0xffu8; 16];
        Rtnl::GetLinks.serialize(&mut b);
        let mut want = vec![0xffu8; LinkMessage::default().buffer_len()];
        LinkMessage::default().emit(&mut want);
        assert_eq!(&b[..], &want[..]);
        let mut b = [0xffu8; 8];
        Rtnl::GetAddresses.serialize(&mut b);
        let mut want = vec![0u8; 8];
        AddressMessage::default().emit(&mut want);
        assert_eq!(&b[..], &want[..]);
        let mut r = RouteMessage::default();
        r.header = RouteHeader {
            address_family: AddressFamily::Inet6,
            ..Default::default()
        };
        let mut want = vec![0u8; r.buffer_len()];
        r.emit(&mut want);
        let mut b = [0xffu8; 12];
        Rtnl::GetRoutes(AddressFamily::Inet6).serialize(&mut b);
        assert_eq!(&b[..], &want[..]);
    }
}
