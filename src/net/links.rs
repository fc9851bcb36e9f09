//! Interfaces with their addresses and counters, and the main routing table, from rtnetlink(7)
//! dumps (RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE), as `ip -j addr` and `ip -j route` show them.

use std::collections::HashMap;
use std::net::IpAddr;

use netlink_packet_route::address::AddressAttribute;
use netlink_packet_route::link::{LinkAttribute, LinkFlags, LinkMessage};
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteType,
};
use netlink_packet_route::AddressFamily;
use netlink_sys::protocols::NETLINK_ROUTE;
use serde::Serialize;

use super::rtnl::Rtnl;

use super::{dump, NetError};

/// One address of an interface.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IfAddr {
    /// `inet` or `inet6`.
    pub family: &'static str,
    /// The address (IFA_LOCAL when there is one, as `ip` shows it, else IFA_ADDRESS).
    pub local: IpAddr,
    /// Prefix length.
    pub prefixlen: u8,
    /// `global`, `link`, `host`…
    pub scope: String,
}

/// Packet counters of an interface (IFLA_STATS64).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Bytes received.
    pub rx_bytes: u64,
    /// Packets received.
    pub rx_packets: u64,
    /// Receive errors.
    pub rx_errors: u64,
    /// Received packets dropped.
    pub rx_dropped: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Packets sent.
    pub tx_packets: u64,
    /// Send errors.
    pub tx_errors: u64,
    /// Packets dropped on sending.
    pub tx_dropped: u64,
}

/// One interface.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Iface {
    /// ifindex.
    pub index: u32,
    /// Name (`eth0`).
    pub name: String,
    /// Operational state as `ip` prints it (`UP`, `DOWN`, `UNKNOWN`…).
    pub state: String,
    /// Administratively up (IFF_UP).
    pub up: bool,
    /// MTU.
    pub mtu: Option<u32>,
    /// Link-layer address, `aa:bb:…`, when it has one.
    pub address: Option<String>,
    /// Addresses, in the kernel's order.
    pub addrs: Vec<IfAddr>,
    /// Counters, when the kernel sent them.
    pub stats: Option<Counters>,
}

/// One route of the main table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Route {
    /// `inet` or `inet6`.
    pub family: &'static str,
    /// `default` or `PREFIX/LEN` (a host route without `/LEN`, as `ip` prints it).
    pub dst: String,
    /// Next hop, when any.
    pub gateway: Option<IpAddr>,
    /// Output interface name.
    pub dev: Option<String>,
    /// Who installed it (`kernel`, `boot`, `static`, `ra`, `dhcp`…).
    pub protocol: String,
    /// `link`, `host`, or `global`.
    pub scope: String,
    /// Preferred source address.
    pub prefsrc: Option<IpAddr>,
    /// Metric (priority).
    pub metric: Option<u32>,
    /// Route type when not `unicast` (`blackhole`, `unreachable`…).
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

const RT_TABLE_MAIN: u32 = 254;

fn family_name(f: AddressFamily) -> Option<&'static str> {
    match f {
        AddressFamily::Inet => Some("inet"),
        AddressFamily::Inet6 => Some("inet6"),
        _ => None,
    }
}

fn mac(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn scope_name(s: u8) -> String {
    // rt_scope_t; see: /etc/iproute2/rt_scopes.
    match s {
        0 => "global".into(),
        200 => "site".into(),
        253 => "link".into(),
        254 => "host".into(),
        255 => "nowhere".into(),
        n => n.to_string(),
    }
}

/// Every interface with its addresses, in ifindex order.
pub fn ifaces() -> Result<Vec<Iface>, NetError> {
    let links = dump(
        NETLINK_ROUTE,
        "listing interfaces (RTM_GETLINK)",
        Rtnl::GetLinks,
    )?;
    let addrs = dump(
        NETLINK_ROUTE,
        "listing addresses (RTM_GETADDR)",
        Rtnl::GetAddresses,
    )?;
    let mut out: Vec<Iface> = links
        .into_iter()
        .filter_map(|m| match m {
            Rtnl::Link(l) => Some(iface(l)),
            _ => None,
        })
        .collect();
    for m in addrs {
        let Rtnl::Address(a) = m else {
            continue;
        };
        let Some(family) = family_name(a.header.family) else {
            continue;
        };
        let mut local = None;
        let mut address = None;
        for attr in &a.attributes {
            match attr {
                AddressAttribute::Local(ip) => local = Some(*ip),
                AddressAttribute::Address(ip) => address = Some(*ip),
                _ => {}
            }
        }
        let Some(ip) = local.or(address) else {
            continue;
        };
        if let Some(i) = out.iter_mut().find(|i| i.index == a.header.index) {
            i.addrs.push(IfAddr {
                family,
                local: ip,
                prefixlen: a.header.prefix_len,
                scope: scope_name(u8::from(a.header.scope)),
            });
        }
    }
    out.sort_by_key(|i| i.index);
    Ok(out)
}

fn iface(l: LinkMessage) -> Iface {
    let mut i = Iface {
        index: l.header.index,
        name: String::new(),
        state: "UNKNOWN".into(),
        up: l.header.flags.contains(LinkFlags::Up),
        mtu: None,
        address: None,
        addrs: Vec::new(),
        stats: None,
    };
    for attr in l.attributes {
        match attr {
            LinkAttribute::IfName(n) => i.name = n,
            LinkAttribute::Mtu(m) => i.mtu = Some(m),
            LinkAttribute::Address(a) if !a.is_empty() => i.address = Some(mac(&a)),
            LinkAttribute::OperState(s) => i.state = s.to_string().to_uppercase(),
            LinkAttribute::Stats64(s) => {
                i.stats = Some(Counters {
                    rx_bytes: s.rx_bytes,
                    rx_packets: s.rx_packets,
                    rx_errors: s.rx_errors,
                    rx_dropped: s.rx_dropped,
                    tx_bytes: s.tx_bytes,
                    tx_packets: s.tx_packets,
                    tx_errors: s.tx_errors,
                    tx_dropped: s.tx_dropped,
                })
            }
            _ => {}
        }
    }
    i
}

fn route_ip(a: &RouteAddress) -> Option<IpAddr> {
    match a {
        RouteAddress::Inet(v4) => Some(IpAddr::V4(*v4)),
        RouteAddress::Inet6(v6) => Some(IpAddr::V6(*v6)),
        _ => None,
    }
}

/// The main table's routes, IPv4 then IPv6, as `ip route` and `ip -6 route` list them.
pub fn routes(names: &HashMap<u32, String>) -> Result<Vec<Route>, NetError> {
    let mut out = Vec::new();
    for family in [AddressFamily::Inet, AddressFamily::Inet6] {
        let msgs = dump(
            NETLINK_ROUTE,
            "listing routes (RTM_GETROUTE)",
            Rtnl::GetRoutes(family),
        )?;
        for m in msgs {
            if let Rtnl::Route(r) = m {
                if let Some(route) = route(&r, names) {
                    out.push(route);
                }
            }
        }
    }
    Ok(out)
}

fn route(r: &RouteMessage, names: &HashMap<u32, String>) -> Option<Route> {
    let h: &RouteHeader = &r.header;
    let family = family_name(h.address_family)?;
    let mut table = u32::from(h.table);
    let mut dst = None;
    let mut gateway = None;
    let mut dev = None;
    let mut prefsrc = None;
    let mut metric = None;
    for attr in &r.attributes {
        match attr {
            RouteAttribute::Table(t) => table = *t,
            RouteAttribute::Destination(a) => dst = route_ip(a),
            RouteAttribute::Gateway(a) => gateway = route_ip(a),
            RouteAttribute::PrefSource(a) => prefsrc = route_ip(a),
            RouteAttribute::Oif(i) => dev = Some(names.get(i).cloned().unwrap_or(i.to_string())),
            RouteAttribute::Priority(p) => metric = Some(*p),
            _ => {}
        }
    }
    if table != RT_TABLE_MAIN {
        return None;
    }
    let dst = match dst {
        None if h.destination_prefix_length == 0 => "default".to_string(),
        None => format!("?/{}", h.destination_prefix_length),
        Some(ip)
            if (ip.is_ipv4() && h.destination_prefix_length == 32)
                || (ip.is_ipv6() && h.destination_prefix_length == 128) =>
        {
            ip.to_string()
        }
        Some(ip) => format!("{ip}/{}", h.destination_prefix_length),
    };
    let kind = match h.kind {
        RouteType::Unicast => None,
        k => Some(format!("{k:?}").to_lowercase()),
    };
    Some(Route {
        family,
        dst,
        gateway,
        dev,
        protocol: h.protocol.to_string().to_lowercase(),
        scope: scope_name(u8::from(h.scope)),
        prefsrc,
        metric,
        kind,
    })
}

/// ifindex → name, for routes and sockets bound to an interface.
pub fn names(ifaces: &[Iface]) -> HashMap<u32, String> {
    ifaces.iter().map(|i| (i.index, i.name.clone())).collect()
}
