//! The names tcpdump gives DNS opcodes, response codes, types, classes, EDNS options and
//! DNSSEC algorithms, and its ways of writing TTLs and name bytes.

/// Bytes as printable ASCII the way tcpdump shows them: the high bit as `M-`, a control
/// character as `^` and the character 64 places away (`^@`, `^?`).
pub(super) fn push_escaped(out: &mut String, bytes: &[u8]) {
    for &b in bytes {
        let mut c = b;
        if c >= 0x80 {
            out.push_str("M-");
            c -= 0x80;
        }
        if c < 0x20 || c == 0x7f {
            out.push('^');
            c ^= 0x40;
        }
        out.push(char::from(c));
    }
}

/// The opcode as printed after the id (empty for a standard query).
pub(super) fn opcode_text(op: u16) -> &'static str {
    match op {
        0 => "",
        1 => " inv_q",
        2 => " stat",
        3 => " op3",
        4 => " notify",
        5 => " update",
        6 => " op6",
        7 => " op7",
        8 => " op8",
        9 => " updateA",
        10 => " updateD",
        11 => " updateDA",
        12 => " updateM",
        13 => " updateMA",
        14 => " zoneInit",
        _ => " zoneRef",
    }
}

/// The response code as printed after the id (empty for NoError).
pub(super) fn rcode_text(rcode: u16) -> String {
    let name = match rcode {
        0 => "",
        1 => " FormErr",
        2 => " ServFail",
        3 => " NXDomain",
        4 => " NotImp",
        5 => " Refused",
        6 => " YXDomain",
        7 => " YXRRSet",
        8 => " NXRRSet",
        9 => " NotAuth",
        10 => " NotZone",
        15 => " NoChange",
        16 => " BadVers",
        // tcpdump's observable behaviour: these two come without the leading space.
        17 | 21 => return format!("Resp{rcode}"),
        23 => " BadCookie",
        other => return format!(" Resp{}", other & 0xfff),
    };
    name.to_string()
}

/// A record type's mnemonic, `TypeN` for those tcpdump does not name.
pub(super) fn type_name(t: u16) -> String {
    const LOW: [&str; 49] = [
        "", "A", "NS", "MD", "MF", "CNAME", "SOA", "MB", "MG", "MR", "NULL", "WKS", "PTR", "HINFO",
        "MINFO", "MX", "TXT", "RP", "AFSDB", "X25", "ISDN", "RT", "NSAP", "NSAP_PTR", "SIG", "KEY",
        "PX", "GPOS", "AAAA", "LOC", "NXT", "EID", "NIMLOC", "SRV", "ATMA", "NAPTR", "KX", "CERT",
        "A6", "DNAME", "SINK", "OPT", "APL", "DS", "SSHFP", "IPSECKEY", "RRSIG", "NSEC", "DNSKEY",
    ];
    let name = match t {
        1..=48 => LOW[usize::from(t)],
        99 => "SPF",
        100 => "UINFO",
        101 => "UID",
        102 => "GID",
        103 => "UNSPEC",
        104 => "UNSPECA",
        249 => "TKEY",
        250 => "TSIG",
        251 => "IXFR",
        252 => "AXFR",
        253 => "MAILB",
        254 => "MAILA",
        255 => "ANY",
        256 => "URI",
        other => return format!("Type{other}"),
    };
    name.to_string()
}

/// A class's mnemonic, `(Class N)` for others.
pub(super) fn class_name(c: u16) -> String {
    match c {
        1 => "IN".into(),
        3 => "CHAOS".into(),
        4 => "HS".into(),
        255 => "ANY".into(),
        other => format!("(Class {other})"),
    }
}

/// The name of EDNS option `code`, when tcpdump names it.
pub(super) fn edns_option_name(code: u16) -> Option<&'static str> {
    Some(match code {
        1 => "LLQ",
        2 => "UL",
        3 => "NSID",
        5 => "DAU",
        6 => "DHU",
        7 => "N3U",
        8 => "ECS",
        9 => "EXPIRE",
        10 => "COOKIE",
        11 => "KEEPALIVE",
        12 => "PADDING",
        13 => "CHAIN",
        14 => "KEY-TAG",
        16 => "CLIENT-TAG",
        17 => "SERVER-TAG",
        _ => return None,
    })
}

/// A DNSSEC algorithm number in the DAU (5), DHU (6) and N3U (7) options (RFC 6975).
pub(super) fn algorithm(option: u16, a: u8) -> String {
    let signing = match a {
        0 => Some("DELETE"),
        1 => Some("RSAMD5"),
        2 => Some("DH"),
        // tcpdump's observable behaviour: algorithm 3 (DSA) is shown as "DS".
        3 => Some("DS"),
        5 => Some("RSASHA1"),
        6 => Some("DSA-NSEC3-SHA1"),
        7 => Some("RSASHA1-NSEC3-SHA1"),
        8 => Some("RSASHA256"),
        10 => Some("RSASHA512"),
        12 => Some("ECC-GOST"),
        13 => Some("ECDSAP256SHA256"),
        14 => Some("ECDSAP384SHA384"),
        15 => Some("ED25519"),
        16 => Some("ED448"),
        252 => Some("INDIRECT"),
        253 => Some("PRIVATEDNS"),
        254 => Some("PRIVATEOID"),
        _ => None,
    };
    let hash = match a {
        1 => Some("SHA-1"),
        2 => Some("SHA-256"),
        3 => Some("GOST_R_34.11-94"),
        4 => Some("SHA-384"),
        _ => None,
    };
    let name = match option {
        5 => signing,
        6 => hash,
        // N3U: only SHA-1 is defined for NSEC3.
        _ => hash.filter(|_| a == 1),
    };
    name.map_or_else(|| format!("Alg_{a}"), str::to_string)
}

/// A TTL the way tcpdump shows it with `-vvv`: `1h2m3s`, `0s`.
pub(super) struct Duration(pub(super) u32);

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const UNITS: [(u32, char); 6] = [
            (365 * 86_400, 'y'),
            (7 * 86_400, 'w'),
            (86_400, 'd'),
            (3_600, 'h'),
            (60, 'm'),
            (1, 's'),
        ];
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut left = self.0;
        for (unit, suffix) in UNITS {
            if left >= unit {
                write!(f, "{}{suffix}", left / unit)?;
                left %= unit;
            }
        }
        Ok(())
    }
}
