//! ICMPv6 neighbour discovery (RFC 4861) as print-icmp6.c shows it: the target of a neighbour
//! solicitation or advertisement and, with `-v`, the fields and options of these and of router
//! solicitations and advertisements, each option on its own line (`-vv`: also in hex).

use std::fmt::Write;

use super::hexdump::hex;
use super::{flag_names, ipv6, mac};
use crate::capture::model::{Cut, Nd, NdOptions, NdValue};

/// `nd` after `ICMP6, NAME`; how it was cut short, when it was.
pub(super) fn print(out: &mut String, nd: &Nd, verbose: u8) -> Result<(), Cut> {
    match nd {
        Nd::NeighbourSolicitation(target, _) | Nd::NeighbourAdvertisement(target, _, _) => {
            let target = target.ok_or(Cut::GaveUp)?;
            let what = if matches!(nd, Nd::NeighbourSolicitation(..)) {
                "who has"
            } else {
                "tgt is"
            };
            let _ = write!(out, ", {what} {}", ipv6(target));
        }
        _ => {}
    }
    if verbose == 0 {
        return Ok(());
    }
    let options = match nd {
        Nd::RouterSolicitation(options) | Nd::NeighbourSolicitation(_, options) => options,
        Nd::RouterAdvertisement(router, options) => {
            let r = router.ok_or(Cut::GaveUp)?;
            let flags = flag_names(
                r.flags,
                &[
                    (0x80, "managed"),
                    (0x40, "other stateful"),
                    (0x20, "home agent"),
                    (0x02, "ipv6 only"),
                ],
            );
            let _ = write!(
                out,
                "\n\thop limit {}, Flags [{}], pref {}, router lifetime {}s, reachable time {}ms, \
                 retrans timer {}ms",
                r.hop_limit,
                flags,
                router_preference(r.flags),
                r.lifetime,
                r.reachable,
                r.retrans,
            );
            options
        }
        Nd::NeighbourAdvertisement(_, flags, options) => {
            let names = flag_names(
                *flags,
                &[
                    (0x8000_0000, "router"),
                    (0x4000_0000, "solicited"),
                    (0x2000_0000, "override"),
                ],
            );
            let _ = write!(out, ", Flags [{names}]");
            options
        }
    };
    print_options(out, options, verbose)
}

/// Neighbour discovery options, each as `\n\t  NAME option (TYPE), length BYTES (UNITS): BODY`,
/// with `-vv` also in hex.
fn print_options(out: &mut String, list: &NdOptions, verbose: u8) -> Result<(), Cut> {
    for option in &list.options {
        let name = nd_option_name(option.kind);
        let _ = write!(
            out,
            "\n\t  {} option ({}), length {} ({}): ",
            name.unwrap_or("unknown"),
            option.kind,
            usize::from(option.units) * 8,
            option.units
        );
        value(out, &option.value, option.units)?;
        match (name, verbose) {
            // tcpdump's observable behaviour: an unknown option is dumped in hex even without
            // -vv, and nothing after it is printed.
            (None, 0 | 1) => {
                hex(out, "\n\t  ", &option.body);
                return Ok(());
            }
            (_, 2..) => hex(out, "\n\t    ", &option.body),
            (Some(_), _) => {}
        }
    }
    list.cut.map_or(Ok(()), Err)
}

/// The body of an option of `units` eight-byte units.
fn value(out: &mut String, value: &NdValue, units: u8) -> Result<(), Cut> {
    match value {
        NdValue::LinkAddress(addr) => out.push_str(&mac(addr)),
        NdValue::Prefix {
            prefix,
            prefix_len,
            flags,
            valid,
            preferred,
        } => {
            let _ = write!(
                out,
                "{}/{prefix_len}{}, Flags [{}], valid time {}, pref. time {}",
                ipv6(*prefix),
                if units == 4 { "" } else { "badlen" },
                flag_names(
                    *flags,
                    &[(0x80, "onlink"), (0x40, "auto"), (0x20, "router")]
                ),
                lifetime(*valid),
                lifetime(*preferred)
            );
        }
        NdValue::Redirected(bytes) => hex(out, "\n\t    ", bytes),
        NdValue::Mtu(mtu) => {
            let bad = if units == 1 { "" } else { "bad option length" };
            let _ = write!(out, " {mtu}{bad}");
        }
        NdValue::AdvInterval(ms) => {
            let _ = write!(out, " {ms}ms");
        }
        NdValue::HomeAgent {
            preference,
            lifetime,
        } => {
            let _ = write!(out, " preference {preference}, lifetime {lifetime}");
        }
        NdValue::RouteInfo {
            prefix,
            prefix_len,
            preference,
            lifetime: secs,
        } => {
            let _ = write!(
                out,
                " {}/{prefix_len}, pref={}, lifetime={}",
                ipv6(*prefix),
                router_preference(*preference),
                lifetime(*secs)
            );
        }
        NdValue::Rdnss {
            lifetime: secs,
            addrs,
        } => {
            let _ = write!(out, " lifetime {secs}s,");
            for a in addrs {
                let _ = write!(out, " addr: {}", ipv6(*a));
            }
        }
        NdValue::Dnssl {
            lifetime: secs,
            names,
        } => {
            let _ = write!(out, " lifetime {secs}s, domain(s):");
            for name in names {
                out.push(' ');
                super::dns::write_name(out, name)?;
            }
        }
        NdValue::None => {}
        NdValue::TooLong => return Err(Cut::Trunc),
        NdValue::NotCaptured => return Err(Cut::GaveUp),
    }
    Ok(())
}

/// The name tcpdump gives neighbour discovery option type `kind`.
fn nd_option_name(kind: u8) -> Option<&'static str> {
    Some(match kind {
        1 => "source link-address",
        2 => "destination link-address",
        3 => "prefix info",
        4 => "redirected header",
        5 => "mtu",
        7 => "advertisement interval",
        8 => "homeagent information",
        24 => "route info",
        25 => "rdnss",
        31 => "dnssl",
        _ => return None,
    })
}

/// A lifetime in seconds, all ones meaning forever (RFC 4861 4.6.2).
fn lifetime(secs: u32) -> String {
    if secs == u32::MAX {
        "infinity".to_string()
    } else {
        format!("{secs}s")
    }
}

/// A default-router or route preference (RFC 4191 2.1), from the byte that holds it.
fn router_preference(b: u8) -> &'static str {
    ["medium", "high", "rsv", "low"][usize::from((b >> 3) & 0x03)]
}
