//! TCP headers (RFC 9293) whole or cut by the snap length, their options (RFC 7323, RFC 2018),
//! and the first line of an HTTP/1 message in the payload.

use etherparse::TcpSlice;

use super::{be16, be32};
use crate::capture::model::{tcp_flags, CutOpt, Http, TcpInfo, TcpOpt};

pub(super) fn tcp(t: &TcpSlice<'_>, ip_payload_len: u32) -> TcpInfo {
    let hlen = u32::from(t.data_offset()) * 4;
    let mut flags = 0u8;
    for (set, bit) in [
        (t.fin(), tcp_flags::FIN),
        (t.syn(), tcp_flags::SYN),
        (t.rst(), tcp_flags::RST),
        (t.psh(), tcp_flags::PSH),
        (t.ack(), tcp_flags::ACK),
        (t.urg(), tcp_flags::URG),
        (t.ece(), tcp_flags::ECE),
        (t.cwr(), tcp_flags::CWR),
    ] {
        if set {
            flags |= bit;
        }
    }
    let options = tcp_options(t.options(), t.options().len());
    let payload_len = ip_payload_len.saturating_sub(hlen);
    let (sport, dport) = (t.source_port(), t.destination_port());
    let hint = if payload_len > 0 {
        // Cut by the snap length: tcpdump gives up on a first line without its end.
        let cut = (t.payload().len() as u64) < u64::from(payload_len);
        http_hint(t.payload(), cut && (sport == 80 || dport == 80))
    } else {
        None
    };
    TcpInfo {
        sport,
        dport,
        seq: t.sequence_number(),
        ack: t.acknowledgment_number(),
        flags,
        win: t.window_size(),
        urg: t.urgent_pointer(),
        options,
        payload_len,
        hint,
        short: None,
        cksum: (t.checksum(), None),
    }
}

/// Whether captured TCP bytes `b` end before the header does (fixed part or options).
pub(super) fn tcp_cut_short(b: &[u8]) -> bool {
    match b.get(12) {
        Some(off) => {
            let hlen = usize::from(off >> 4) * 4;
            b.len() < 20 || (hlen >= 20 && b.len() < hlen)
        }
        None => true,
    }
}

/// A TCP header whose fixed part was captured but whose options the snap length cut (RFC 9293
/// section 3.1; options of RFC 7323 and RFC 2018); `None` when the fixed part is incomplete.
pub(super) fn cut_tcp(b: &[u8], ip_payload_len: u32) -> Option<TcpInfo> {
    let hlen = usize::from(b.get(12)? >> 4) * 4;
    if b.len() < 20 {
        return None;
    }
    let options = tcp_options(&b[20..b.len().min(hlen.max(20))], hlen.saturating_sub(20));
    let short = matches!(options.last(), Some(TcpOpt::Eol)).then_some((b.len(), hlen));
    Some(TcpInfo {
        sport: be16(b, 0)?,
        dport: be16(b, 2)?,
        seq: be32(b, 4)?,
        ack: be32(b, 8)?,
        flags: *b.get(13)?,
        win: be16(b, 14)?,
        urg: be16(b, 18)?,
        options,
        payload_len: ip_payload_len.saturating_sub(u32::try_from(hlen).unwrap_or(0)),
        hint: None,
        short,
        cksum: (be16(b, 16)?, None),
    })
}

/// The TCP options in the captured option bytes `opts` of a header with `need` option bytes
/// (RFC 9293 section 3.2, RFC 7323, RFC 2018); ends with [`TcpOpt::Cut`] where the capture
/// does, and at the first option toolbox does not read ([`TcpOpt::Bad`]).
fn tcp_options(opts: &[u8], need: usize) -> Vec<TcpOpt> {
    let mut options = Vec::new();
    let mut at = 0;
    while at < need {
        let Some(&kind) = opts.get(at) else {
            options.push(TcpOpt::Cut(CutOpt::Before));
            break;
        };
        if kind == 0 {
            // End of option list: what follows is padding.
            options.push(TcpOpt::Eol);
            break;
        }
        if kind == 1 {
            options.push(TcpOpt::Nop);
            at += 1;
            continue;
        }
        let Some(&len) = opts.get(at + 1) else {
            options.push(TcpOpt::Cut(CutOpt::Before));
            break;
        };
        let len = usize::from(len);
        let body = opts.get(at + 2..(at + len).min(opts.len())).unwrap_or(&[]);
        let whole = len >= 2 && at + len <= opts.len();
        let opt = match (kind, len, whole) {
            (2, 4, true) => TcpOpt::Mss(be16(body, 0).unwrap_or(0)),
            (3, 3, true) => TcpOpt::WScale(body.first().copied().unwrap_or(0)),
            (4, 2, true) => TcpOpt::SackOk,
            (8, 10, true) => TcpOpt::Ts(be32(body, 0).unwrap_or(0), be32(body, 4).unwrap_or(0)),
            (5, _, _) if len >= 2 && (len - 2) % 8 == 0 => {
                let blocks: Vec<(u32, u32)> = body
                    .chunks_exact(8)
                    .map(|c| (be32(c, 0).unwrap_or(0), be32(c, 4).unwrap_or(0)))
                    .collect();
                if whole {
                    TcpOpt::Sack(blocks)
                } else {
                    TcpOpt::Cut(CutOpt::Sack(
                        u32::try_from((len - 2) / 8).unwrap_or(0),
                        blocks,
                    ))
                }
            }
            (2, 4, false) => TcpOpt::Cut(CutOpt::Named("mss")),
            (3, 3, false) => TcpOpt::Cut(CutOpt::Named("wscale")),
            (8, 10, false) => TcpOpt::Cut(CutOpt::Named("TS")),
            _ => TcpOpt::Bad,
        };
        let stop = matches!(opt, TcpOpt::Cut(_) | TcpOpt::Bad);
        options.push(opt);
        if stop {
            break;
        }
        at += len;
    }
    options
}

/// The first line of an HTTP/1 request or response, as tcpdump prints it (`HTTP: GET / HTTP/1.1`).
fn http_hint(payload: &[u8], cut_port80: bool) -> Option<Http> {
    const STARTS: [&[u8]; 10] = [
        b"GET ",
        b"POST ",
        b"PUT ",
        b"HEAD ",
        b"DELETE ",
        b"OPTIONS ",
        b"PATCH ",
        b"CONNECT ",
        b"TRACE ",
        b"HTTP/1.",
    ];
    if !STARTS.iter().any(|s| payload.starts_with(s)) {
        return None;
    }
    let line = |end: usize| {
        let line = &payload[..end.min(200)];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        Http::Line(String::from_utf8_lossy(line).into_owned())
    };
    match payload.iter().position(|&b| b == b'\n') {
        Some(end) => Some(line(end)),
        // Observed with tcpdump 4.99 on port 80: a first line without its end is cut.
        // A status line counts from the space after its code on (`HTTP/1.1 200 `); before
        // that tcpdump prints no more than `HTTP`.
        None if cut_port80
            && (!payload.starts_with(b"HTTP/") || payload.get(12) == Some(&b' ')) =>
        {
            Some(Http::Cut)
        }
        None => Some(line(payload.len())),
    }
}
