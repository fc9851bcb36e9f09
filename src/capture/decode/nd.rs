//! ICMPv6 neighbour discovery messages (RFC 4861 section 4) and their options (RFC 4861 4.6,
//! RFC 4191, RFC 6275, RFC 8106) into [`Nd`], read the way tcpdump reads them: where reading
//! stops is part of the model ([`NdOptions::cut`], [`NdValue::NotCaptured`]).

use crate::capture::dns;
use crate::capture::model::{Cut, Nd, NdOption, NdOptions, NdValue, RouterAdvert};
use crate::capture::reader::Reader;

/// The neighbour discovery message of type `kind` (133 to 136) whose captured bytes are
/// `slice`, of `len` bytes according to the IP header.
pub(super) fn parse(kind: u8, slice: &[u8], len: u32) -> Nd {
    let r = Reader::new(slice);
    // RFC 4861 section 4: the fixed part before the options.
    let fixed = match kind {
        135 | 136 => 24,
        134 => 16,
        _ => 8,
    };
    let options = options(
        slice.get(fixed..).unwrap_or_default(),
        i64::from(len) - fixed as i64,
    );
    let target = r.ipv6_at(8).ok();
    match kind {
        133 => Nd::RouterSolicitation(options),
        134 => {
            let router = (|| {
                Some(RouterAdvert {
                    hop_limit: r.u8_at(4).ok()?,
                    flags: r.u8_at(5).ok()?,
                    lifetime: r.u16_at(6).ok()?,
                    reachable: r.u32_at(8).ok()?,
                    retrans: r.u32_at(12).ok()?,
                })
            })();
            Nd::RouterAdvertisement(router, options)
        }
        135 => Nd::NeighbourSolicitation(target, options),
        _ => Nd::NeighbourAdvertisement(target, r.u32_at(4).unwrap_or(0), options),
    }
}

/// The options in the captured option bytes `opts`, of which the ICMPv6 length announces
/// `announced`. An option begins only within the announced bytes; the list ends with
/// [`Cut::Trunc`] at a lone type byte, a zero length or an option longer than what was
/// captured (a lone type byte is reported even past the announced length: tcpdump's observable
/// behaviour), and after an option whose value could not be read.
fn options(opts: &[u8], announced: i64) -> NdOptions {
    let mut list = NdOptions::default();
    let mut at = 0;
    while let Some(rest) = opts.get(at..).filter(|rest| !rest.is_empty()) {
        let &[kind, units, ..] = rest else {
            list.cut = Some(Cut::Trunc);
            break;
        };
        if i64::try_from(at).map_or(true, |at| at >= announced) {
            break;
        }
        let size = usize::from(units) * 8;
        if units == 0 || size > rest.len() {
            list.cut = Some(Cut::Trunc);
            break;
        }
        let value = value(opts, at, kind, units);
        let stop = matches!(value, NdValue::TooLong | NdValue::NotCaptured)
            || matches!(&value, NdValue::Dnssl { names, .. }
                if names.last().is_some_and(|n| n.outcome().is_err()));
        list.options.push(NdOption {
            kind,
            units,
            body: opts[at + 2..at + size].to_vec(),
            value,
        });
        if stop {
            break;
        }
        at += size;
    }
    list
}

/// The value of the option of type `kind` and `units` eight-byte units at `start` in `opts`
/// (the option itself is captured; fields read past it may not be).
fn value(opts: &[u8], start: usize, kind: u8, units: u8) -> NdValue {
    let f = Reader::at(opts, start);
    let size = usize::from(units) * 8;
    let u32_at = |offset: usize| f.u32_at(start + offset).unwrap_or(0);
    let u8_at = |offset: usize| f.u8_at(start + offset).unwrap_or(0);
    // An IPv6 address of which only the first `len` bytes are in the option (the rest zero).
    let ipv6 = |offset: usize, len: usize| {
        let mut a = [0u8; 16];
        a[..len].copy_from_slice(f.bytes_at(start + offset, len).ok()?);
        Some(std::net::Ipv6Addr::from(a))
    };
    match kind {
        1 | 2 => NdValue::LinkAddress(opts[start + 2..start + size].to_vec()),
        3 => match ipv6(16, 16) {
            // The prefix is read first and ends past every other field.
            Some(prefix) => NdValue::Prefix {
                prefix,
                prefix_len: u8_at(2),
                flags: u8_at(3),
                valid: u32_at(4),
                preferred: u32_at(8),
            },
            None => NdValue::NotCaptured,
        },
        4 => NdValue::Redirected(opts.get(..size).unwrap_or(opts).to_vec()),
        // The rest read within the option's first eight bytes, which are captured.
        5 => NdValue::Mtu(u32_at(4)),
        7 => NdValue::AdvInterval(u32_at(4)),
        8 => NdValue::HomeAgent {
            preference: f.u16_at(start + 4).unwrap_or(0),
            lifetime: f.u16_at(start + 6).unwrap_or(0),
        },
        24 => {
            let prefix_bytes = match units {
                1 => 0,
                2 => 8,
                3 => 16,
                _ => return NdValue::TooLong,
            };
            NdValue::RouteInfo {
                prefix: ipv6(8, prefix_bytes).unwrap_or(std::net::Ipv6Addr::UNSPECIFIED),
                prefix_len: u8_at(2),
                preference: u8_at(3),
                lifetime: u32_at(4),
            }
        }
        25 => NdValue::Rdnss {
            lifetime: u32_at(4),
            addrs: (0..(usize::from(units) - 1) / 2)
                .filter_map(|i| ipv6(8 + 16 * i, 16))
                .collect(),
        },
        31 => {
            // Names run until the zero padding or the end of the option, whichever is first;
            // a name may itself read on past the option.
            let option = &opts[..start + size];
            let mut names = Vec::new();
            let mut at = start + 8;
            while option.get(at).is_some_and(|&len| len != 0) {
                let name = dns::parse_name(opts, at, 0);
                let next = name.outcome();
                names.push(name);
                match next {
                    Ok(next) => at = next,
                    Err(_) => break,
                }
            }
            NdValue::Dnssl {
                lifetime: u32_at(4),
                names,
            }
        }
        _ => NdValue::None,
    }
}
