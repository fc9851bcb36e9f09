//! Go's function table, the "pclntab": function names, source lines and each function's
//! stack-pointer delta, read from a Go binary's `.gopclntab`. Go binaries carry no `.eh_frame`,
//! and built with `-ldflags='-s -w'` (as most Kubernetes images ship them) no `.symtab` or DWARF
//! either: this table, which Go's own runtime uses for tracebacks, is all there is.
//!
//! Formats read (by the header's magic): Go 1.2–1.15 (`0xfffffffb`), 1.16–1.17 (`0xfffffffa`),
//! 1.18–1.19 (`0xfffffff0`) and 1.20 and later (`0xfffffff1`). See: "Go 1.2 Runtime Symbol
//! Information" (golang.org/s/go12symtab) and the debug/gosym documentation.
//!
//! The table is read from the file in the ranges a lookup needs, never whole, and every offset
//! in it is checked against the table's bounds: a hostile file gives no names, never a panic
//! or a large allocation.

use std::ops::Range;

use object::{Object as _, ObjectSection as _, ObjectSegment as _};
use object::{ReadCache, ReadRef};

use super::Source;

/// At most this many functions (a large Kubernetes binary has about 100 000).
const MAX_FUNCS: u64 = 1 << 20;
/// Bytes of a segment searched for the table when the section headers are gone.
const MAX_SCAN: u64 = 512 << 20;
/// Bytes read at a time when scanning (not kept).
const CHUNK: u64 = 1 << 20;
/// At most this many places that look like a header are tried.
const MAX_CANDIDATES: usize = 16;
/// The granule pc-value tables are read (and cached) in.
const PCVALUE_CHUNK: u64 = 4096;
/// A pc-value table longer than this is taken as corrupt.
const MAX_PCVALUE_STEPS: usize = 1 << 16;

/// The table's layout generation, from its magic number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// Go 1.2 to 1.15: offsets from the table's start, absolute entry addresses.
    V12,
    /// Go 1.16 and 1.17: sub-tables (names, compilation units, files, pc-values) by offset.
    V116,
    /// Go 1.18 and 1.19: entries as 32-bit offsets from the text start.
    V118,
    /// Go 1.20 and later: as 1.18 (one more field in each function record).
    V120,
}

impl Version {
    fn from_magic(magic: u32) -> Option<Version> {
        match magic {
            0xffff_fffb => Some(Version::V12),
            0xffff_fffa => Some(Version::V116),
            0xffff_fff0 => Some(Version::V118),
            0xffff_fff1 => Some(Version::V120),
            _ => None,
        }
    }
}

/// One function of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoFunc {
    /// Its entry address (as the file states it).
    pub entry: u64,
    /// The address after its last instruction.
    pub end: u64,
    /// Offset of its record from the table's start.
    record: u64,
}

/// A Go binary's function table.
pub struct GoTable {
    data: ReadCache<Box<dyn Source>>,
    version: Version,
    ptr: u64,
    quantum: u64,
    /// File offset of the header; every offset below is relative to it.
    base: u64,
    /// Bytes of the file from `base` that belong to the table.
    len: u64,
    funcnames: u64,
    cutab: u64,
    filetab: u64,
    pctab: u64,
    /// Where function records' offsets count from.
    funcdata: u64,
    /// (entry address, record offset), sorted by address.
    funcs: Vec<(u64, u64)>,
    /// End of the last function.
    end: u64,
}

impl GoTable {
    /// The function table of the ELF file `source`, if it is a Go binary with a readable one:
    /// the `.gopclntab` section (`.data.rel.ro.gopclntab` in a PIE), or, when the section
    /// headers are gone, the first valid table header in a loadable non-executable segment.
    pub fn open(source: Box<dyn Source>) -> Option<GoTable> {
        let mut data = ReadCache::new(source);
        let (candidates, text) = locate(&mut data)?;
        GoTable::at(data, &candidates, text)
    }

    /// The first valid table of `candidates` (file offset, length) in `data`.
    fn at(
        data: ReadCache<Box<dyn Source>>,
        candidates: &[(u64, u64)],
        text: Option<u64>,
    ) -> Option<GoTable> {
        let mut table = GoTable {
            data,
            version: Version::V12,
            ptr: 8,
            quantum: 1,
            base: 0,
            len: 0,
            funcnames: 0,
            cutab: 0,
            filetab: 0,
            pctab: 0,
            funcdata: 0,
            funcs: Vec::new(),
            end: 0,
        };
        for &(base, len) in candidates {
            table.base = base;
            table.len = len;
            if table.read_header(text).is_some() {
                return Some(table);
            }
            table.data.clear();
        }
        None
    }

    /// Parse and check the header, then read the function index.
    fn read_header(&mut self, text_section: Option<u64>) -> Option<()> {
        let head: [u8; 8] = self.bytes(0, 8)?.try_into().ok()?;
        let magic = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        self.version = Version::from_magic(magic)?;
        let (quantum, ptr) = (head[6], head[7]);
        if head[4..6] != [0, 0] || !matches!(quantum, 1 | 2 | 4) || !matches!(ptr, 4 | 8) {
            return None;
        }
        self.quantum = u64::from(quantum);
        self.ptr = u64::from(ptr);
        let word = |i: u64| self.word(8 + i * self.ptr);
        let nfunc = word(0)?;
        if nfunc == 0 || nfunc > MAX_FUNCS {
            return None;
        }
        // (text start, names, compilation units, files, pc-values, function index)
        let (text_start, funcnames, cutab, filetab, pctab, functab) = match self.version {
            Version::V12 => {
                let functab = 8 + self.ptr;
                // The file table's offset follows the function index.
                let files = self.u32(functab + (2 * nfunc + 1) * self.ptr)?;
                (0, 0, 0, u64::from(files), 0, functab)
            }
            Version::V116 => (0, word(2)?, word(3)?, word(4)?, word(5)?, word(6)?),
            Version::V118 | Version::V120 => {
                // A PIE's is 0 in the file (the loader relocates it): the text section's.
                let text_start = match word(2)? {
                    0 => text_section?,
                    t => t,
                };
                let w = (word(3)?, word(4)?, word(5)?, word(6)?, word(7)?);
                (text_start, w.0, w.1, w.2, w.3, w.4)
            }
        };
        self.funcnames = funcnames;
        self.cutab = cutab;
        self.filetab = filetab;
        self.pctab = pctab;
        self.funcdata = match self.version {
            Version::V12 => 0,
            _ => functab,
        };
        for off in [
            self.funcnames,
            self.cutab,
            self.filetab,
            self.pctab,
            functab,
        ] {
            if off >= self.len {
                return None;
            }
        }
        let (entry_size, field) = match self.version {
            Version::V118 | Version::V120 => (8, 4),
            _ => (2 * self.ptr, self.ptr),
        };
        let index_len = nfunc.checked_mul(entry_size)?.checked_add(field)?;
        let index = self.bytes(functab, index_len)?.to_vec();
        let read = |at: u64| -> Option<u64> {
            let at = usize::try_from(at).ok()?;
            let b = index.get(at..at.checked_add(usize::try_from(field).ok()?)?)?;
            Some(match b.len() {
                4 => u64::from(u32::from_le_bytes(b.try_into().ok()?)),
                _ => u64::from_le_bytes(b.try_into().ok()?),
            })
        };
        let mut funcs = Vec::with_capacity(usize::try_from(nfunc).ok()?);
        for i in 0..nfunc {
            let entry = read(i * entry_size)?.checked_add(text_start)?;
            let record = read(i * entry_size + field)?;
            if funcs.last().is_some_and(|&(prev, _)| prev > entry) {
                return None;
            }
            funcs.push((entry, record));
        }
        self.end = read(nfunc * entry_size)?.checked_add(text_start)?;
        self.funcs = funcs;
        Some(())
    }

    /// The addresses the table's functions cover (as the file states them).
    pub fn range(&self) -> Range<u64> {
        self.funcs.first().map_or(0, |f| f.0)..self.end
    }

    /// The Go function holding stated address `svma`.
    pub fn func(&self, svma: u64) -> Option<GoFunc> {
        if !self.range().contains(&svma) {
            return None;
        }
        let i = self.funcs.partition_point(|f| f.0 <= svma).checked_sub(1)?;
        let (entry, rel) = *self.funcs.get(i)?;
        let end = self.funcs.get(i + 1).map_or(self.end, |f| f.0);
        let f = GoFunc {
            entry,
            end,
            record: self.funcdata.checked_add(rel)?,
        };
        // Every Go function's stack-pointer table covers its code. Code that is not Go's can
        // lie inside the table's range (a cgo binary's C functions follow the `runtime.etext`
        // marker): that is left to the symbol table.
        self.sp_delta(&f, svma)?;
        Some(f)
    }

    /// The function's name (`main.main`, `runtime.futex`, `net/http.(*Server).Serve`).
    pub fn name(&self, f: &GoFunc) -> Option<String> {
        let off = u64::from(self.field(f, 0)?);
        let start = match self.version {
            Version::V12 => off,
            _ => self.funcnames.checked_add(off)?,
        };
        self.string(start)
    }

    /// How far the stack pointer at `svma` is below its value at the function's entry (where
    /// it points at the return address): the unwind rule of a Go frame.
    pub fn sp_delta(&self, f: &GoFunc, svma: u64) -> Option<u64> {
        let v = self.pcvalue(f, 12, svma)?;
        u64::try_from(v).ok()
    }

    /// `file:line` of `svma`.
    pub fn line(&self, f: &GoFunc, svma: u64) -> Option<String> {
        let file = u32::try_from(self.pcvalue(f, 16, svma)?).ok()?;
        let line = self.pcvalue(f, 20, svma)?;
        let name_off = match self.version {
            Version::V12 => {
                let at = self.filetab.checked_add(u64::from(file).checked_mul(4)?)?;
                u64::from(self.u32(at)?)
            }
            _ => {
                let cu = self.field(f, 28)?;
                let at = u64::from(cu)
                    .checked_add(u64::from(file))?
                    .checked_mul(4)?
                    .checked_add(self.cutab)?;
                let off = self.u32(at)?;
                if off == u32::MAX {
                    return None;
                }
                self.filetab.checked_add(u64::from(off))?
            }
        };
        Some(format!("{}:{line}", self.string(name_off)?))
    }

    /// Offset of a record's name field; the pc-value table offsets follow it (+12: sp, +16:
    /// file, +20: line; +28: compilation unit).
    fn field_base(&self) -> u64 {
        match self.version {
            Version::V118 | Version::V120 => 4,
            _ => self.ptr,
        }
    }

    /// The 32-bit field at `offset` from a record's name field.
    fn field(&self, f: &GoFunc, offset: u64) -> Option<u32> {
        self.u32(
            f.record
                .checked_add(self.field_base())?
                .checked_add(offset)?,
        )
    }

    /// The value a function's pc-value table (at record field `field`) gives `svma`: pairs of
    /// (value delta: zig-zag varint, pc delta: varint × quantum) from value -1 at the entry.
    fn pcvalue(&self, f: &GoFunc, field: u64, svma: u64) -> Option<i32> {
        if !(f.entry..f.end).contains(&svma) {
            return None;
        }
        let off = self.field(f, field)?;
        if off == 0 {
            return None;
        }
        let start = match self.version {
            Version::V12 => u64::from(off),
            _ => self.pctab.checked_add(u64::from(off))?,
        };
        let mut pos = start;
        let mut value: i32 = -1;
        let mut pc = f.entry;
        for step in 0..MAX_PCVALUE_STEPS {
            let uv = self.uvarint(&mut pos)?;
            if uv == 0 && step > 0 {
                return None;
            }
            let delta = if uv & 1 != 0 {
                !((uv >> 1) as i32)
            } else {
                (uv >> 1) as i32
            };
            value = value.wrapping_add(delta);
            pc = pc.checked_add(self.uvarint(&mut pos)?.checked_mul(self.quantum)?)?;
            if svma < pc {
                return Some(value);
            }
        }
        None
    }

    fn uvarint(&self, pos: &mut u64) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte(*pos)?;
            *pos = pos.checked_add(1)?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    /// One byte, read with its aligned neighbours (pc-value tables are read byte by byte).
    fn byte(&self, off: u64) -> Option<u8> {
        let chunk = off - off % PCVALUE_CHUNK;
        let len = PCVALUE_CHUNK.min(self.len.checked_sub(chunk)?);
        let bytes = self.bytes(chunk, len)?;
        bytes.get(usize::try_from(off - chunk).ok()?).copied()
    }

    fn string(&self, off: u64) -> Option<String> {
        if off >= self.len {
            return None;
        }
        let at = self.base.checked_add(off)?;
        let end = self.base.checked_add(self.len)?;
        let b = (&self.data).read_bytes_at_until(at..end, 0).ok()?;
        Some(String::from_utf8_lossy(b).into_owned())
    }

    fn u32(&self, off: u64) -> Option<u32> {
        Some(u32::from_le_bytes(self.bytes(off, 4)?.try_into().ok()?))
    }

    fn word(&self, off: u64) -> Option<u64> {
        let b = self.bytes(off, self.ptr)?;
        Some(match b.len() {
            4 => u64::from(u32::from_le_bytes(b.try_into().ok()?)),
            _ => u64::from_le_bytes(b.try_into().ok()?),
        })
    }

    /// `len` bytes at `off` of the table, if the table holds them.
    fn bytes(&self, off: u64, len: u64) -> Option<&[u8]> {
        if off.checked_add(len)? > self.len {
            return None;
        }
        (&self.data)
            .read_bytes_at(self.base.checked_add(off)?, len)
            .ok()
    }
}

/// Where the table may start (file offset, length), and the address of `.text` (a PIE's
/// text start).
type Candidates = (Vec<(u64, u64)>, Option<u64>);

/// The `.gopclntab` section; or, when the section headers are gone, the offsets in the
/// read-only segments that start like a table header, at pointer-aligned offsets.
fn locate(data: &mut ReadCache<Box<dyn Source>>) -> Option<Candidates> {
    let file_len = data.len().ok()?;
    let in_file = |(off, len): (u64, u64)| off.checked_add(len).is_some_and(|e| e <= file_len);
    let (section, text, segments) = {
        let file = object::File::parse(&*data).ok()?;
        if !file.is_little_endian() {
            return None;
        }
        let text = file.section_by_name(".text").map(|s| s.address());
        let section = if file.sections().next().is_some() {
            let s = file
                .sections()
                .find(|s| s.name().is_ok_and(|n| n.ends_with(".gopclntab")))?;
            Some(s.file_range()?)
        } else {
            None
        };
        let segments: Vec<(u64, u64)> = file
            .segments()
            .filter(|s| !s.permissions().executable())
            .map(|s| s.file_range())
            .filter(|&r| in_file(r))
            .collect();
        (section, text, segments)
    };
    if let Some(range) = section {
        return in_file(range).then(|| (vec![range], text));
    }
    let mut found = Vec::new();
    let mut scanned = 0u64;
    for (off, len) in segments {
        let end = off + len;
        let mut at = off;
        while at < end && scanned < MAX_SCAN {
            let n = CHUNK.min(end - at);
            let chunk = data.read_bytes_at(at, n).ok()?;
            for (i, w) in chunk.chunks_exact(8).enumerate() {
                if w[1..4] == [0xff, 0xff, 0xff]
                    && matches!(w[0], 0xfb | 0xfa | 0xf0 | 0xf1)
                    && w[4..6] == [0, 0]
                    && found.len() < MAX_CANDIDATES
                {
                    let base = at + 8 * i as u64;
                    found.push((base, end - base));
                }
            }
            // The scanned bytes are not kept.
            data.clear();
            at += n;
            scanned += n;
        }
    }
    Some((found, text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// A Go 1.18 table (pointer size 8, quantum 1) of two functions at 0x1000 and 0x1010,
    /// both 16 bytes: stack-pointer delta 0 for 4 bytes then 8; file `a.go`; line 10.
    fn table() -> Vec<u8> {
        let mut t = vec![0u8; 220];
        t[0..8].copy_from_slice(&[0xf0, 0xff, 0xff, 0xff, 0, 0, 1, 8]);
        // nfunc, nfiles, text start, names, compilation units, files, pc-values, index
        for (i, w) in [2u64, 1, 0x1000, 72, 88, 92, 100, 112].iter().enumerate() {
            t[8 + 8 * i..16 + 8 * i].copy_from_slice(&w.to_le_bytes());
        }
        t[72..86].copy_from_slice(b"main.a\0main.b\0");
        t[92..97].copy_from_slice(b"a.go\0");
        // sp: +1 (to 0) for 4, +8 for 12; file: +1 for 16; line: +11 for 16.
        t[101..112].copy_from_slice(&[2, 4, 16, 12, 0, 2, 16, 0, 22, 16, 0]);
        let put = |t: &mut Vec<u8>, at: usize, v: u32| {
            t[at..at + 4].copy_from_slice(&v.to_le_bytes());
        };
        for (i, (entry, record)) in [(0u32, 24u32), (0x10, 68)].into_iter().enumerate() {
            put(&mut t, 112 + 8 * i, entry);
            put(&mut t, 116 + 8 * i, record);
            let r = 112 + record as usize;
            put(&mut t, r, entry);
            put(&mut t, r + 4, 7 * i as u32);
            put(&mut t, r + 16, 1);
            put(&mut t, r + 20, 6);
            put(&mut t, r + 24, 9);
        }
        put(&mut t, 128, 0x20);
        t
    }

    fn open(bytes: Vec<u8>) -> Option<GoTable> {
        let len = bytes.len() as u64;
        let data = ReadCache::new(Box::new(Cursor::new(bytes)) as Box<dyn Source>);
        GoTable::at(data, &[(0, len)], None)
    }

    #[test]
    fn names_lines_and_sp_deltas() {
        let t = open(table()).expect("valid table");
        assert_eq!(t.range(), 0x1000..0x1020);
        let a = t.func(0x1003).expect("a");
        assert_eq!((a.entry, a.end), (0x1000, 0x1010));
        assert_eq!(t.name(&a).as_deref(), Some("main.a"));
        assert_eq!(t.sp_delta(&a, 0x1000), Some(0));
        assert_eq!(t.sp_delta(&a, 0x1003), Some(0));
        assert_eq!(t.sp_delta(&a, 0x1004), Some(8));
        assert_eq!(t.sp_delta(&a, 0x100f), Some(8));
        assert_eq!(t.line(&a, 0x1005).as_deref(), Some("a.go:10"));
        let b = t.func(0x1010).expect("b");
        assert_eq!(t.name(&b).as_deref(), Some("main.b"));
        assert_eq!(t.func(0x0fff), None);
        assert_eq!(t.func(0x1020), None);
    }

    /// Every byte of the table changed (to 0x00, 0x7f, 0x80, 0xff) and every truncation:
    /// lookups give a value or nothing, never a panic, and the function index never holds
    /// more entries than the table has room for.
    #[test]
    fn corrupt_tables_give_no_panic() {
        let mut variants = Vec::new();
        for good in [table(), old_table(false), old_table(true)] {
            for i in 0..good.len() {
                for v in [0x00, 0x7f, 0x80, 0xff] {
                    let mut t = good.clone();
                    t[i] = v;
                    variants.push(t);
                }
                variants.push(good[..i].to_vec());
            }
        }
        for t in variants {
            let Some(table) = open(t) else {
                continue;
            };
            assert!(table.funcs.len() as u64 <= table.len / 8);
            for pc in (0..0x40).map(|o| 0x1000 - 8 + o) {
                if let Some(f) = table.func(pc) {
                    let _ = table.name(&f);
                    let _ = table.sp_delta(&f, pc);
                    let _ = table.line(&f, pc);
                }
            }
        }
    }

    /// The same two functions in the Go 1.16 layout (no text start; 8-byte entries and
    /// function offsets; records start with an 8-byte entry) or, with `v12`, Go 1.2's (one
    /// header word; names, files and pc-value tables by offset from the table's start; file
    /// numbers index a file table whose slot 0 is its count).
    fn old_table(v12: bool) -> Vec<u8> {
        let mut t = vec![0u8; 256];
        let put4 = |t: &mut Vec<u8>, at: usize, v: u32| {
            t[at..at + 4].copy_from_slice(&v.to_le_bytes());
        };
        let put8 = |t: &mut Vec<u8>, at: usize, v: u64| {
            t[at..at + 8].copy_from_slice(&v.to_le_bytes());
        };
        let magic = if v12 { 0xfb } else { 0xfa };
        t[0..8].copy_from_slice(&[magic, 0xff, 0xff, 0xff, 0, 0, 1, 8]);
        // Sub-tables: names 80, files 96 (Go 1.2: its file table at 104), pc-values 112,
        // function index 16 (Go 1.2) or 128, records at 176 and 224.
        let (functab, records_from) = if v12 { (16u64, 0u64) } else { (128, 128) };
        if v12 {
            put8(&mut t, 8, 2);
            put4(&mut t, 16 + 40, 104);
            put4(&mut t, 104, 2);
            put4(&mut t, 108, 96);
        } else {
            // nfunc, nfiles, names, compilation units, files, pc-values, index
            for (i, w) in [2u64, 1, 80, 100, 96, 112, 128].iter().enumerate() {
                put8(&mut t, 8 + 8 * i, *w);
            }
            put4(&mut t, 100, 0);
        }
        t[80..94].copy_from_slice(b"main.a\0main.b\0");
        t[96..101].copy_from_slice(b"a.go\0");
        // sp: 0 for 4 bytes then 8; file: 0 (Go 1.2: 1); line 10.
        let file = if v12 { 4 } else { 2 };
        t[241..252].copy_from_slice(&[2, 4, 16, 12, 0, file, 16, 0, 22, 16, 0]);
        let pc_base = if v12 { 240 } else { 240 - 112 };
        for (i, (entry, record)) in [(0x1000u64, 176u64), (0x1010, 208)].into_iter().enumerate() {
            let at = functab as usize + 16 * i;
            put8(&mut t, at, entry);
            put8(&mut t, at + 8, record - records_from);
            let r = record as usize;
            put8(&mut t, r, entry);
            let name = if v12 { 80 } else { 0 } + 7 * i as u32;
            put4(&mut t, r + 8, name);
            put4(&mut t, r + 20, pc_base + 1);
            put4(&mut t, r + 24, pc_base + 6);
            put4(&mut t, r + 28, pc_base + 9);
        }
        put8(&mut t, functab as usize + 32, 0x1020);
        t
    }

    #[test]
    fn go_1_16_and_1_2_layouts() {
        for v12 in [false, true] {
            let t = open(old_table(v12)).expect("valid table");
            let version = if v12 { Version::V12 } else { Version::V116 };
            assert_eq!(t.version, version);
            assert_eq!(t.range(), 0x1000..0x1020);
            let a = t.func(0x1005).expect("a");
            assert_eq!(t.name(&a).as_deref(), Some("main.a"), "{version:?}");
            assert_eq!(t.sp_delta(&a, 0x1002), Some(0));
            assert_eq!(t.sp_delta(&a, 0x1004), Some(8));
            assert_eq!(
                t.line(&a, 0x1005).as_deref(),
                Some("a.go:10"),
                "{version:?}"
            );
            let b = t.func(0x1011).expect("b");
            assert_eq!(t.name(&b).as_deref(), Some("main.b"));
        }
    }

    #[test]
    fn a_huge_function_count_is_refused() {
        let mut t = table();
        t[8..16].copy_from_slice(&(MAX_FUNCS + 1).to_le_bytes());
        assert!(open(t).is_none());
        let mut t = table();
        t[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(open(t).is_none());
    }
}
