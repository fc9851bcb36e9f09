//! TCP segments as print-tcp.c shows them: flags, sequence numbers relative to each
//! conversation's first (unless `-S`), window, options, length, the HTTP hint, and the marks of
//! a header cut by the snap length.

use std::fmt::Write;

use super::{ConvKey, Formatter, MAX_CONVERSATIONS};
use crate::capture::model::{tcp_flags, CutOpt, Http, IpInfo, TcpInfo, TcpOpt};
use crate::output::sanitize;

impl Formatter {
    pub(super) fn tcp(&mut self, out: &mut String, ip: &IpInfo, t: &TcpInfo) {
        let (mut seq, mut ack) = (t.seq, t.ack);
        if !self.style.absolute_seq && t.flags & tcp_flags::ACK != 0 {
            // tcpdump's print-tcp.c: one entry per conversation in an arbitrary collating order;
            // a SYN or an unseen conversation records the initial numbers.
            let (key, rev) = conversation(ip, t);
            match self.seqs.get(&key) {
                Some(&(base_seq, base_ack)) if t.flags & tcp_flags::SYN == 0 => {
                    if rev {
                        seq = seq.wrapping_sub(base_ack);
                        ack = ack.wrapping_sub(base_seq);
                    } else {
                        seq = seq.wrapping_sub(base_seq);
                        ack = ack.wrapping_sub(base_ack);
                    }
                }
                _ => {
                    if self.seqs.len() >= MAX_CONVERSATIONS {
                        self.seqs.clear();
                    }
                    let entry = if rev {
                        (t.ack.wrapping_sub(1), t.seq)
                    } else {
                        (t.seq, t.ack.wrapping_sub(1))
                    };
                    self.seqs.insert(key, entry);
                }
            }
        }
        let _ = write!(out, "Flags [{}]", flags(t.flags));
        if self.style.verbose > 0 {
            if let (sent, Some(right)) = t.cksum {
                let _ = write!(out, ", cksum 0x{sent:04x}");
                if sent == right {
                    out.push_str(" (correct)");
                } else {
                    let _ = write!(out, " (incorrect -> 0x{right:04x})");
                }
            }
        }
        let len = t.payload_len;
        if self.style.verbose > 1
            || len > 0
            || t.flags & (tcp_flags::SYN | tcp_flags::FIN | tcp_flags::RST) != 0
        {
            let _ = write!(out, ", seq {seq}");
            if len > 0 {
                let _ = write!(out, ":{}", seq.wrapping_add(len));
            }
        }
        if t.flags & tcp_flags::ACK != 0 {
            let _ = write!(out, ", ack {ack}");
        }
        let _ = write!(out, ", win {}", t.win);
        if t.flags & tcp_flags::URG != 0 {
            let _ = write!(out, ", urg {}", t.urg);
        }
        // SACK blocks are shown relative to the acknowledged direction's initial number.
        let sack_base = if self.style.absolute_seq {
            0
        } else {
            self.sack_base(ip, t)
        };
        if !t.options.is_empty() {
            out.push_str(", options [");
            for (i, o) in t.options.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let blocks = |out: &mut String, blocks: &[(u32, u32)]| {
                    for (a, b) in blocks {
                        let _ = write!(
                            out,
                            "{{{}:{}}}",
                            a.wrapping_sub(sack_base),
                            b.wrapping_sub(sack_base)
                        );
                    }
                };
                let _ = match o {
                    TcpOpt::Nop => write!(out, "nop"),
                    TcpOpt::Eol => write!(out, "eol"),
                    TcpOpt::Mss(m) => write!(out, "mss {m}"),
                    TcpOpt::WScale(w) => write!(out, "wscale {w}"),
                    TcpOpt::SackOk => write!(out, "sackOK"),
                    TcpOpt::Sack(b) => {
                        let _ = write!(out, "sack {} ", b.len());
                        blocks(out, b);
                        Ok(())
                    }
                    TcpOpt::Ts(a, b) => write!(out, "TS val {a} ecr {b}"),
                    TcpOpt::Bad => write!(out, "[bad opt]"),
                    TcpOpt::Cut(cut) => {
                        // tcpdump ends the line at the cut; a value cut inside an option after
                        // the first gets a stray '>' (observed with tcpdump 4.99).
                        let inside = match cut {
                            // Observed: here tcpdump dumps the whole frame with -x/-X/-A.
                            CutOpt::Before => {
                                self.gave_up = true;
                                false
                            }
                            CutOpt::Named(name) => {
                                out.push_str(name);
                                true
                            }
                            CutOpt::Sack(n, b) => {
                                let _ = write!(out, "sack {n} ");
                                blocks(out, b);
                                true
                            }
                        };
                        out.push_str(" [|tcp]");
                        if inside && i > 0 {
                            out.push('>');
                        }
                        return;
                    }
                };
            }
            out.push(']');
        }
        let _ = write!(out, ", length {len}");
        if let (Some((have, need)), true) = (t.short, len > 0) {
            // Observed with tcpdump 4.99: the padding after an end-of-list option is missing
            // and a payload should follow.
            let _ = write!(
                out,
                " [remaining caplen({have}) < header length({need})] [|tcp]"
            );
            self.gave_up = true;
            return;
        }
        match &t.hint {
            Some(Http::Line(h)) => {
                let _ = write!(out, ": HTTP: {}", sanitize(h));
            }
            Some(Http::Cut) => {
                // tcpdump then dumps the whole frame with -x/-X/-A.
                out.push_str(": HTTP [|http]");
                self.gave_up = true;
            }
            None => {}
        }
    }
}

/// The key of `t`'s conversation in the table of initial sequence numbers (one entry per
/// conversation, addresses and ports in a fixed order), and whether `t` runs against that order.
fn conversation(ip: &IpInfo, t: &TcpInfo) -> (ConvKey, bool) {
    let rev = t.sport > t.dport || (t.sport == t.dport && ip.src > ip.dst);
    let ports = |a: u16, b: u16| (u32::from(a) << 16) | u32::from(b);
    if rev {
        ((ip.dst, ip.src, ports(t.dport, t.sport)), true)
    } else {
        ((ip.src, ip.dst, ports(t.sport, t.dport)), false)
    }
}

impl Formatter {
    /// The initial number of the direction `t` acknowledges, as recorded for its conversation
    /// (0 when none is).
    fn sack_base(&self, ip: &IpInfo, t: &TcpInfo) -> u32 {
        let (key, rev) = conversation(ip, t);
        match self.seqs.get(&key) {
            Some(&(base_seq, _)) if rev => base_seq,
            Some(&(_, base_ack)) => base_ack,
            None => 0,
        }
    }
}

/// tcpdump's TCP flag letters, in its order (print-tcp.c `tcp_flag_values`).
pub fn flags(f: u8) -> String {
    const LETTERS: [(u8, char); 8] = [
        (tcp_flags::FIN, 'F'),
        (tcp_flags::SYN, 'S'),
        (tcp_flags::RST, 'R'),
        (tcp_flags::PSH, 'P'),
        (tcp_flags::ACK, '.'),
        (tcp_flags::URG, 'U'),
        (tcp_flags::ECE, 'E'),
        (tcp_flags::CWR, 'W'),
    ];
    let s: String = LETTERS
        .iter()
        .filter(|(bit, _)| f & bit != 0)
        .map(|(_, c)| c)
        .collect();
    if s.is_empty() {
        "none".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_letters_follow_tcpdump_order() {
        assert_eq!(flags(tcp_flags::SYN | tcp_flags::ACK), "S.");
        assert_eq!(flags(tcp_flags::PSH | tcp_flags::ACK), "P.");
        assert_eq!(
            flags(tcp_flags::FIN | tcp_flags::PSH | tcp_flags::ACK),
            "FP."
        );
        assert_eq!(flags(0), "none");
    }
}
