//! The typed model of a captured packet that [`super::decode`] produces and [`super::print`]
//! formats: link, network and transport headers, ICMP messages with neighbour discovery options
//! and multicast listener records as values. Nothing here holds raw header bytes for a printer
//! to parse; the only byte vectors are what tcpdump prints as bytes (hex dumps of unnamed ICMPv6
//! types and of neighbour discovery options, link-layer addresses). DNS messages are modelled
//! in [`super::dns`].

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub use crate::capture::reader::Cut;

/// Direction of a packet on a Linux cooked capture (`sll_pkttype`). See: packet(7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Addressed to this host (`In`).
    Host,
    /// Broadcast (`B`).
    Broadcast,
    /// Multicast (`M`).
    Multicast,
    /// To another host, seen in promiscuous mode (`P`).
    OtherHost,
    /// Sent by this host (`Out`).
    Outgoing,
    /// Any other value.
    Unknown(u16),
}

impl Direction {
    pub(crate) fn from_raw(v: u16) -> Direction {
        match v {
            0 => Direction::Host,
            1 => Direction::Broadcast,
            2 => Direction::Multicast,
            3 => Direction::OtherHost,
            4 => Direction::Outgoing,
            other => Direction::Unknown(other),
        }
    }

    /// tcpdump's short name for the direction.
    pub fn label(self) -> &'static str {
        match self {
            Direction::Host => "In",
            Direction::Broadcast => "B",
            Direction::Multicast => "M",
            Direction::OtherHost => "P",
            Direction::Outgoing => "Out",
            Direction::Unknown(_) => "?",
        }
    }
}

/// The link-layer header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// Ethernet II.
    Ethernet {
        /// Source MAC.
        src: [u8; 6],
        /// Destination MAC.
        dst: [u8; 6],
        /// EtherType (or 802.3 length).
        ether_type: u16,
    },
    /// Linux cooked capture (v1 or v2).
    Sll {
        /// Interface index (v2 only).
        ifindex: Option<u32>,
        /// Direction.
        direction: Direction,
        /// ARPHRD_ type of the interface.
        hatype: u16,
        /// Link-layer source address (at most 8 bytes).
        addr: Vec<u8>,
        /// Protocol (EtherType).
        protocol: u16,
    },
    /// BSD loopback with an address family.
    Null {
        /// Address family (2 = IPv4, 10/24/28/30 = IPv6).
        family: u32,
    },
    /// No link header (raw IP).
    Raw,
    /// A link type toolbox does not decode.
    Unsupported(i32),
    /// The link header is shorter than its type requires.
    Truncated {
        /// Bytes needed.
        need: usize,
        /// Bytes captured.
        have: usize,
    },
}

/// The network-layer packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Net {
    /// IPv4 or IPv6.
    Ip(IpInfo),
    /// ARP for IPv4 over Ethernet.
    Arp {
        /// Request (1), reply (2) or other.
        operation: u16,
        /// Sender protocol address.
        sender_ip: Option<Ipv4Addr>,
        /// Sender hardware address.
        sender_mac: Option<[u8; 6]>,
        /// Target protocol address.
        target_ip: Option<Ipv4Addr>,
    },
    /// A protocol toolbox does not decode (EtherType).
    Other(u16),
    /// The header does not parse.
    Malformed(String),
    /// Nothing after the link header was decoded (unsupported or truncated link).
    None,
}

/// What the IP header says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpInfo {
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// TTL or hop limit.
    pub ttl: u8,
    /// IPv4 identification (0 for IPv6).
    pub id: u16,
    /// Total length claimed by the header (IPv4 total length; IPv6 40 + payload length).
    pub total_len: u32,
    /// Payload protocol number.
    pub protocol: u8,
    /// Whether the payload is a fragment (not the first, or more follow).
    pub fragmented: bool,
    /// Payload length according to the IP header(s), excluding extension headers.
    pub payload_len: u32,
    /// IPv4 type of service / IPv6 traffic class.
    pub tos: u8,
    /// IPv4 flags and fragment offset field as on the wire (0 for IPv6).
    pub frag_field: u16,
    /// IPv6 flow label (0 for IPv4).
    pub flow: u32,
    /// IPv4 header checksum as sent and as computed (equal when correct).
    pub header_cksum: Option<(u16, u16)>,
    /// The IPv6 extension headers before the upper layer, in order (RFC 8200 section 4); empty
    /// when there are none or one of them is of a type toolbox does not read (routing).
    pub ext: Vec<Extension>,
}

/// An IPv6 extension header (RFC 8200 section 4) and how many of its bytes were captured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    /// The header.
    pub header: ExtHeader,
    /// Captured bytes of it (its whole length unless the capture ends inside it).
    pub captured: u32,
}

/// The IPv6 extension headers toolbox reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExtHeader {
    /// Hop-by-hop options (next-header value 0) and those of its options tcpdump shows.
    HopByHop(Vec<HeaderOption>),
    /// Destination options (60).
    DestinationOptions(Vec<HeaderOption>),
    /// Fragment (44): the offset-and-flags word and identification, when captured.
    Fragment {
        /// Fragment offset (in 8-byte units, shifted left by 3) and the M flag.
        offset: Option<u16>,
        /// Identification.
        id: Option<u32>,
    },
}

impl ExtHeader {
    /// The header's next-header value.
    pub fn number(&self) -> u8 {
        match self {
            ExtHeader::HopByHop(_) => 0,
            ExtHeader::DestinationOptions(_) => 60,
            ExtHeader::Fragment { .. } => 44,
        }
    }
}

/// An option of a hop-by-hop or destination options header that tcpdump shows with `-v`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderOption {
    /// Pad1.
    Pad1,
    /// PadN.
    PadN,
    /// Router alert (RFC 2711) and its value.
    RouterAlert(u16),
}

/// A TCP option in the order it appeared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TcpOpt {
    /// No-op.
    Nop,
    /// End of option list.
    Eol,
    /// Maximum segment size.
    Mss(u16),
    /// Window scale shift.
    WScale(u8),
    /// SACK permitted.
    SackOk,
    /// SACK blocks.
    Sack(Vec<(u32, u32)>),
    /// Timestamps.
    Ts(u32, u32),
    /// An option etherparse could not read.
    Bad,
    /// The snap length cut the header here; what of the cut option was captured.
    Cut(CutOpt),
}

/// The captured part of a TCP option the snap length cut (always the last in the list).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CutOpt {
    /// Its kind or length byte is missing.
    Before,
    /// Its name is known, its value is missing.
    Named(&'static str),
    /// A SACK option: the block count its length announces and the blocks captured.
    Sack(u32, Vec<(u32, u32)>),
}

/// The TCP header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcpInfo {
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgement number.
    pub ack: u32,
    /// Flag bits (FIN 0x01 … CWR 0x80).
    pub flags: u8,
    /// Window.
    pub win: u16,
    /// Urgent pointer.
    pub urg: u16,
    /// Options.
    pub options: Vec<TcpOpt>,
    /// Payload length according to the IP header (not the captured part).
    pub payload_len: u32,
    /// What the payload looks like, when cheap to say.
    pub hint: Option<Http>,
    /// Captured bytes and header length, when the options ended (end of list) before the
    /// capture cut the header's padding.
    pub short: Option<(usize, usize)>,
    /// Checksum as sent, and the right one when the whole segment was captured.
    pub cksum: (u16, Option<u16>),
}

/// The start of an HTTP/1 message in a TCP payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Http {
    /// Its first line (request or status line).
    Line(String),
    /// A port-80 message whose first line the snap length cut (tcpdump prints `[|http]` and
    /// dumps the whole frame).
    Cut,
}

/// TCP flag bits.
pub mod tcp_flags {
    /// FIN.
    pub const FIN: u8 = 0x01;
    /// SYN.
    pub const SYN: u8 = 0x02;
    /// RST.
    pub const RST: u8 = 0x04;
    /// PSH.
    pub const PSH: u8 = 0x08;
    /// ACK.
    pub const ACK: u8 = 0x10;
    /// URG.
    pub const URG: u8 = 0x20;
    /// ECE.
    pub const ECE: u8 = 0x40;
    /// CWR.
    pub const CWR: u8 = 0x80;
}

/// The transport-layer header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transport {
    /// TCP.
    Tcp(TcpInfo),
    /// UDP.
    Udp {
        /// Source port.
        sport: u16,
        /// Destination port.
        dport: u16,
        /// Payload length per the UDP header.
        payload_len: u32,
        /// The DNS message, for port 53 or 5353.
        dns: Option<crate::capture::dns::Dns>,
        /// Checksum as sent and as it should be, when the whole datagram was captured and
        /// checksums were asked for.
        cksum: Option<(u16, u16)>,
    },
    /// ICMP or ICMPv6.
    Icmp(Icmp),
    /// A TCP header cut by the snap length before its fixed part ends: the ports, when captured.
    TcpShort(Option<(u16, u16)>),
    /// A UDP, ICMP or ICMPv6 header cut by the snap length.
    Short(ShortHeader),
    /// A fragment after the first, or a protocol toolbox does not decode.
    Other,
    /// The header does not parse.
    Malformed(String),
    /// No transport layer.
    None,
}

/// A UDP, ICMP or ICMPv6 header cut by the snap length, with what of it was captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShortHeader {
    /// UDP: the ports, when captured.
    Udp(Option<(u16, u16)>),
    /// ICMP.
    Icmp,
    /// ICMPv6 (echo, or nothing captured): the type, when captured.
    Icmp6(Option<u8>),
}

/// An ICMP or ICMPv6 message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Icmp {
    /// Whether this is ICMPv6.
    pub v6: bool,
    /// Type.
    pub kind: u8,
    /// Code.
    pub code: u8,
    /// Message length (from the IP header).
    pub len: u32,
    /// Checksum as sent and as it should be, when the whole message was captured and checksums
    /// were asked for.
    pub cksum: Option<(u16, u16)>,
    /// What the type says the body is.
    pub message: IcmpMessage,
}

/// The body of an ICMP or ICMPv6 message, by type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IcmpMessage {
    /// Echo request or reply (ICMP 8/0, ICMPv6 128/129).
    Echo {
        /// Identifier.
        id: u16,
        /// Sequence number.
        seq: u16,
    },
    /// An ICMPv4 error (unreachable, source quench, redirect, time exceeded, parameter
    /// problem) and the packet it quotes (RFC 792).
    Error {
        /// For port unreachable: what the quoted packet was sent to.
        port: Option<QuotedPort>,
        /// The quoted packet, decoded (not further than its own transport header).
        quoted: Option<Box<Summary>>,
    },
    /// ICMPv6 port unreachable (RFC 4443 3.1) and what the quoted packet was sent to.
    PortUnreachable(QuotedPort),
    /// ICMPv6 neighbour discovery (RFC 4861).
    NeighbourDiscovery(Nd),
    /// A multicast listener query, report or done (RFC 2710, RFC 3810).
    MulticastListener(Mld),
    /// An ICMPv6 type tcpdump does not name: it prints the captured message in hex.
    Unnamed(Vec<u8>),
    /// Any other type: only its name is printed.
    Plain,
}

/// The destination of the packet an ICMP port-unreachable error quotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotedPort {
    /// Destination address.
    pub dst: IpAddr,
    /// Protocol number.
    pub proto: u8,
    /// Destination port.
    pub port: u16,
}

/// An ICMPv6 neighbour discovery message (RFC 4861 section 4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Nd {
    /// Router solicitation (133).
    RouterSolicitation(NdOptions),
    /// Router advertisement (134): its fields, `None` when not captured.
    RouterAdvertisement(Option<RouterAdvert>, NdOptions),
    /// Neighbour solicitation (135): the target, `None` when not captured.
    NeighbourSolicitation(Option<Ipv6Addr>, NdOptions),
    /// Neighbour advertisement (136): the target (`None` when not captured) and flags word.
    NeighbourAdvertisement(Option<Ipv6Addr>, u32, NdOptions),
}

/// The fields of a router advertisement after its checksum (RFC 4861 4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouterAdvert {
    /// Current hop limit.
    pub hop_limit: u8,
    /// Flags byte (managed, other, home agent, preference, …).
    pub flags: u8,
    /// Router lifetime, seconds.
    pub lifetime: u16,
    /// Reachable time, milliseconds.
    pub reachable: u32,
    /// Retransmission timer, milliseconds.
    pub retrans: u32,
}

/// The options of a neighbour discovery message as tcpdump reads them, and where reading stopped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NdOptions {
    /// The options read, in order.
    pub options: Vec<NdOption>,
    /// How the list ended early, if it did (after the last option in `options`).
    pub cut: Option<Cut>,
}

/// One neighbour discovery option (RFC 4861 4.6 and later).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NdOption {
    /// Type.
    pub kind: u8,
    /// Length in eight-byte units.
    pub units: u8,
    /// The captured bytes after the type and length bytes (tcpdump dumps them with `-vv`).
    pub body: Vec<u8>,
    /// The value, as far as it was read.
    pub value: NdValue,
}

/// A neighbour discovery option's value.
///
/// tcpdump's observable behaviour: fields are read at their fixed offsets whatever the option's
/// length says, so a short option's fields come from the next one; only reading past the
/// captured bytes stops it (and then it abandons the packet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NdValue {
    /// Source or target link-layer address (RFC 4861 4.6.1).
    LinkAddress(Vec<u8>),
    /// Prefix information (RFC 4861 4.6.2).
    Prefix {
        /// Prefix.
        prefix: Ipv6Addr,
        /// Prefix length.
        prefix_len: u8,
        /// Flags byte (on-link, autonomous, router).
        flags: u8,
        /// Valid lifetime.
        valid: u32,
        /// Preferred lifetime.
        preferred: u32,
    },
    /// Redirected header (RFC 4861 4.6.3): tcpdump's observable behaviour is to dump the
    /// option's length in bytes from the start of the options, which are these.
    Redirected(Vec<u8>),
    /// MTU (RFC 4861 4.6.4).
    Mtu(u32),
    /// Advertisement interval in milliseconds (RFC 6275 7.3).
    AdvInterval(u32),
    /// Home agent information (RFC 6275 7.4).
    HomeAgent {
        /// Preference.
        preference: u16,
        /// Lifetime.
        lifetime: u16,
    },
    /// Route information (RFC 4191 2.3).
    RouteInfo {
        /// Prefix (only the bytes the option holds; the rest zero).
        prefix: Ipv6Addr,
        /// Prefix length.
        prefix_len: u8,
        /// Byte holding the route preference.
        preference: u8,
        /// Route lifetime.
        lifetime: u32,
    },
    /// Recursive DNS servers (RFC 8106 5.1).
    Rdnss {
        /// Lifetime.
        lifetime: u32,
        /// Addresses.
        addrs: Vec<Ipv6Addr>,
    },
    /// DNS search list (RFC 8106 5.2): the names read until the zero padding or the end.
    Dnssl {
        /// Lifetime.
        lifetime: u32,
        /// The names, each as far as it was read.
        names: Vec<crate::capture::dns::Name>,
    },
    /// A type without a value tcpdump prints (or one it does not name).
    None,
    /// Route information longer than the longest prefix: tcpdump ends the line as truncated.
    TooLong,
    /// The value's fixed fields were not captured: tcpdump abandons the packet.
    NotCaptured,
}

/// A multicast listener message (MLDv1, RFC 2710; MLDv2, RFC 3810 5.1 and 5.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mld {
    /// MLDv1 query (short), report or done: its type, delay and address when captured.
    V1 {
        /// Type (130, 131, 132).
        kind: u8,
        /// Maximum response delay and multicast address; `None` when not captured.
        fields: Option<(u16, Ipv6Addr)>,
    },
    /// MLDv2 query.
    QueryV2 {
        /// Maximum response code.
        max_resp_code: u16,
        /// Multicast address.
        group: Ipv6Addr,
        /// Byte with S flag and QRV.
        qrv: u8,
        /// Querier's query interval code.
        qqic: u8,
        /// Number of sources announced.
        nsrc: u16,
        /// The sources captured.
        sources: Vec<Ipv6Addr>,
    },
    /// MLDv2 report.
    ReportV2 {
        /// Number of group records announced.
        count: u16,
        /// The records captured (their header and group at least).
        records: Vec<GroupRecord>,
    },
}

/// One MLDv2 multicast address record (RFC 3810 5.2.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRecord {
    /// Record type.
    pub kind: u8,
    /// Multicast address.
    pub group: Ipv6Addr,
    /// Number of sources announced.
    pub nsrc: u16,
    /// The sources captured.
    pub sources: Vec<Ipv6Addr>,
}

/// Everything toolbox prints about one packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Length on the wire.
    pub wire_len: u32,
    /// Bytes captured.
    pub cap_len: u32,
    /// The link layer.
    pub link: Link,
    /// The network layer.
    pub net: Net,
    /// The transport layer.
    pub transport: Transport,
}
