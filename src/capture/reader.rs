//! The one checked byte reader every capture decoder uses (link headers, TCP options, ICMP,
//! neighbour discovery, multicast listener messages, DNS).
//!
//! A [`Reader`] is a cursor over captured bytes with big-endian reads that return
//! [`Short`] instead of panicking when the capture ends first. Decoders that follow offsets
//! (DNS compression pointers, option fields at fixed offsets) use the `_at` reads, which do not
//! move the cursor.

use std::net::{Ipv4Addr, Ipv6Addr};

/// How a message cut short ends in tcpdump's printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// A length check failed: `[|proto]` and the line ends.
    Trunc,
    /// A field read failed: the same, and tcpdump abandons the packet, so its `-x`/`-X`/`-A`
    /// dump starts at the link header.
    GaveUp,
}

/// A read past the captured bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("read of {len} bytes at offset {at} runs past the captured bytes")]
pub struct Short {
    /// Where the read started.
    pub at: usize,
    /// How many bytes it wanted.
    pub len: usize,
}

/// A cursor over captured bytes with checked big-endian reads.
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `data`.
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { data, pos: 0 }
    }

    /// A reader over `data` positioned at `pos` (which may lie past the end: reads then fail).
    pub fn at(data: &'a [u8], pos: usize) -> Reader<'a> {
        Reader { data, pos }
    }

    /// The current offset from the start of the data.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// All captured bytes, whatever the position.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// How many bytes were captured in all.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether nothing was captured.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The bytes from the position on (empty past the end).
    pub fn rest(&self) -> &'a [u8] {
        self.data.get(self.pos..).unwrap_or_default()
    }

    /// Moves the position by `n` bytes, checking nothing (a later read fails if it is past the end).
    pub fn skip(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n);
    }

    /// `n` bytes at the position; the cursor moves past them.
    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], Short> {
        let b = self.bytes_at(self.pos, n)?;
        self.pos += n;
        Ok(b)
    }

    /// One byte; the cursor moves past it.
    pub fn u8(&mut self) -> Result<u8, Short> {
        Ok(self.bytes(1)?[0])
    }

    /// A big-endian 16-bit value; the cursor moves past it.
    pub fn u16(&mut self) -> Result<u16, Short> {
        let b = self.bytes(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    /// A big-endian 32-bit value; the cursor moves past it.
    pub fn u32(&mut self) -> Result<u32, Short> {
        let b = self.bytes(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// `N` bytes as an array; the cursor moves past them.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], Short> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.bytes(N)?);
        Ok(a)
    }

    /// An IPv4 address; the cursor moves past it.
    pub fn ipv4(&mut self) -> Result<Ipv4Addr, Short> {
        self.array::<4>().map(Ipv4Addr::from)
    }

    /// An IPv6 address; the cursor moves past it.
    pub fn ipv6(&mut self) -> Result<Ipv6Addr, Short> {
        self.array::<16>().map(Ipv6Addr::from)
    }

    /// `n` bytes at offset `at`, whatever the position.
    pub fn bytes_at(&self, at: usize, n: usize) -> Result<&'a [u8], Short> {
        let short = Short { at, len: n };
        let end = at.checked_add(n).ok_or(short)?;
        self.data.get(at..end).ok_or(short)
    }

    /// The byte at offset `at`.
    pub fn u8_at(&self, at: usize) -> Result<u8, Short> {
        Ok(self.bytes_at(at, 1)?[0])
    }

    /// The big-endian 16-bit value at offset `at`.
    pub fn u16_at(&self, at: usize) -> Result<u16, Short> {
        Reader::at(self.data, at).u16()
    }

    /// The big-endian 32-bit value at offset `at`.
    pub fn u32_at(&self, at: usize) -> Result<u32, Short> {
        Reader::at(self.data, at).u32()
    }

    /// The IPv6 address at offset `at`.
    pub fn ipv6_at(&self, at: usize) -> Result<Ipv6Addr, Short> {
        Reader::at(self.data, at).ipv6()
    }

    /// Up to `n` bytes at offset `at`: fewer when the capture ends first.
    pub fn available_at(&self, at: usize, n: usize) -> &'a [u8] {
        let rest = self.data.get(at..).unwrap_or_default();
        &rest[..n.min(rest.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_checked_and_big_endian() {
        let mut r = Reader::new(&[1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(r.u8(), Ok(1));
        assert_eq!(r.u16(), Ok(0x0203));
        assert_eq!(r.u32(), Ok(0x0405_0607));
        assert_eq!(r.u8(), Err(Short { at: 7, len: 1 }));
        assert_eq!(r.pos(), 7);
        assert_eq!(r.u16_at(5), Ok(0x0607));
        assert_eq!(r.u16_at(6), Err(Short { at: 6, len: 2 }));
        assert_eq!(
            r.bytes_at(usize::MAX, 2),
            Err(Short {
                at: usize::MAX,
                len: 2
            })
        );
        assert_eq!(r.available_at(5, 10), &[6, 7]);
        r.skip(usize::MAX);
        assert_eq!(r.rest(), &[] as &[u8]);
        assert!(r.u8().is_err());
    }
}
