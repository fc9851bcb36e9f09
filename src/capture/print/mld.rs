//! Multicast listener messages (MLDv1, RFC 2710; MLDv2 queries and reports, RFC 3810 5.1 and
//! 5.2) after `ICMP6, `, as print-icmp6.c shows them.

use std::fmt::Write;
use std::net::Ipv6Addr;

use crate::capture::model::{Cut, Mld};

/// `m` at verbosity `verbose`; an error where the capture ended (the caller marks the cut).
pub(super) fn print(out: &mut String, m: &Mld, verbose: u8) -> Result<(), Cut> {
    // The sources of a record or query: listed with -vv, counted otherwise.
    let sources = |out: &mut String, nsrc: u16, got: &[Ipv6Addr]| {
        if verbose > 1 {
            out.push_str(" {");
            for a in got {
                let _ = write!(out, " {a}");
            }
            if got.len() < usize::from(nsrc) {
                return Err(Cut::Trunc);
            }
            out.push_str(" }");
        } else {
            let _ = write!(out, ", {nsrc} source(s)");
        }
        Ok(())
    };
    match m {
        Mld::ReportV2 { count, records } => {
            let _ = write!(out, "multicast listener report v2, {count} group record(s)");
            if verbose == 0 {
                return Ok(());
            }
            for r in records {
                let name = match r.kind {
                    1 => "is_in",
                    2 => "is_ex",
                    3 => "to_in",
                    4 => "to_ex",
                    5 => "allow",
                    6 => "block",
                    _ => "unknown",
                };
                let _ = write!(out, " [gaddr {} {name}", r.group);
                sources(out, r.nsrc, &r.sources)?;
                out.push(']');
            }
            if records.len() < usize::from(*count) {
                return Err(Cut::Trunc);
            }
        }
        Mld::QueryV2 {
            max_resp_code,
            group,
            qrv,
            qqic,
            nsrc,
            sources: got,
        } => {
            out.push_str("multicast listener query v2");
            if verbose > 0 {
                let code = u32::from(*max_resp_code);
                // RFC 3810 section 5.1.3: codes from 32768 on are a floating-point value.
                let delay = if code < 0x8000 {
                    code
                } else {
                    ((code & 0x0fff) | 0x1000) << (((code >> 12) & 7) + 3)
                };
                let _ = write!(out, " [max resp delay={delay}]");
            }
            let _ = write!(out, " [gaddr {group}");
            if verbose > 0 {
                let qqic = u32::from(*qqic);
                let qqi = if qqic < 128 {
                    qqic
                } else {
                    ((qqic & 0x0f) | 0x10) << (((qqic >> 4) & 7) + 3)
                };
                let _ = write!(out, " robustness={} qqi={qqi}", qrv & 7);
            }
            if *nsrc > 0 {
                sources(out, *nsrc, got)?;
            }
            out.push(']');
        }
        Mld::V1 { kind, fields } => {
            let (delay, addr) = fields.ok_or(Cut::Trunc)?;
            let name = super::names::icmp_name(true, *kind, 0);
            let _ = write!(out, "{name}max resp delay: {delay} addr: {addr}");
        }
    }
    Ok(())
}
