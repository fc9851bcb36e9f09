//! Names tcpdump prints for numbers: IP protocols in a packet's line and ICMP/ICMPv6 message
//! types. A leaf the protocol printers share.

/// The word for an IP protocol number in a packet line (`tcp`, `udp`, `ICMP6`, `ip-proto-N`).
pub(super) fn proto_name(p: u8) -> String {
    match p {
        1 => "ICMP".into(),
        2 => "IGMP".into(),
        6 => "tcp".into(),
        17 => "udp".into(),
        47 => "GREv0".into(),
        50 => "ESP".into(),
        58 => "ICMP6".into(),
        112 => "VRRP".into(),
        132 => "sctp".into(),
        other => format!("ip-proto-{other}"),
    }
}

/// The name of an ICMP (`v6` false) or ICMPv6 message type, or `type N, code M` for one tcpdump
/// does not name.
pub(super) fn icmp_name(v6: bool, kind: u8, code: u8) -> String {
    let known = if v6 {
        match kind {
            1 => Some("destination unreachable"),
            2 => Some("packet too big"),
            3 => Some("time exceeded in-transit"),
            128 => Some("echo request"),
            129 => Some("echo reply"),
            130 => Some("multicast listener query"),
            131 => Some("multicast listener report"),
            132 => Some("multicast listener done"),
            143 => Some("multicast listener report v2"),
            133 => Some("router solicitation"),
            134 => Some("router advertisement"),
            135 => Some("neighbor solicitation"),
            136 => Some("neighbor advertisement"),
            _ => None,
        }
    } else {
        match kind {
            0 => Some("echo reply"),
            3 => Some("unreachable"),
            5 => Some("redirect"),
            8 => Some("echo request"),
            11 => Some("time exceeded in-transit"),
            _ => None,
        }
    };
    known.map_or_else(|| format!("type {kind}, code {code}"), str::to_string)
}
