//! The object files a process has mapped, read from its own root as it maps them, and the
//! symbols in them: `.symtab` and `.dynsym`, demangled (Rust, C++), and Go's function table
//! (`.gopclntab`, [`super::gopclntab`]), which a stripped Go binary keeps.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Cursor;
use std::ops::Range;
use std::rc::Rc;

use object::{Object as _, ObjectSection as _, ObjectSegment as _, ObjectSymbol as _};
use object::{ReadCache, ReadRef};

use super::gopclntab::GoTable;
use super::maps::Mapping;
use super::Frame;
pub use super::Source;
use crate::fs::FsRoot;
use crate::sys::ptrace::Pid;
use crate::target::Root;

/// The largest `[vdso]` copied from the process (it is one or two pages).
const MAX_VDSO: u64 = 1 << 20;

/// One mapped ELF file.
pub struct Object {
    /// Its path in the target's root, for printing.
    pub name: String,
    /// The file, read in the ranges parsing asks for (never read whole: a Go or JVM binary
    /// can be hundreds of MB).
    pub data: ReadCache<Box<dyn Source>>,
    /// Load bias: mapped address minus the address the file states.
    pub bias: u64,
    /// The addresses its mappings cover.
    pub range: Range<u64>,
    /// Its separate debug file (by build ID), when the target's root has one.
    pub debug: Option<ReadCache<Box<dyn Source>>>,
    /// Go's function table, when the object is a Go binary: it names Go's functions (as Go's
    /// own tracebacks do, `runtime.futex` where `.symtab` says `runtime.futex.abi0`), and
    /// gives the unwinder each function's stack-pointer delta.
    pub go: Option<Rc<GoTable>>,
    /// Function symbols by stated address, built on first use: (address, size, name).
    symbols: Option<Vec<(u64, u64, String)>>,
}

/// Every object file of a process that has an executable mapping.
#[derive(Default)]
pub struct Objects {
    /// Ordered by address.
    pub list: Vec<Object>,
}

impl Objects {
    /// Read the objects of `pid`'s executable file mappings: through its root (the same
    /// resolution as `fs`), else /proc/PID/map_files (a file deleted or replaced since).
    /// Files that cannot be read or parsed are left out: their frames show no function.
    pub fn load(pid: Pid, maps: &[Mapping]) -> Objects {
        let root = FsRoot::open(Root::Process(pid)).ok();
        let mut by_path: BTreeMap<&[u8], Vec<&Mapping>> = BTreeMap::new();
        for m in maps {
            if let Some(p) = m.path.as_deref().filter(|p| p.starts_with(b"/")) {
                by_path.entry(p).or_default().push(m);
            }
        }
        let mut list = Vec::new();
        for (path, ms) in by_path {
            if !ms.iter().any(|m| m.exec) {
                continue;
            }
            let Some(first) = ms.iter().min_by_key(|m| m.start) else {
                continue;
            };
            let file = root
                .as_ref()
                .filter(|_| !first.deleted)
                .and_then(|r| open_in_root(r, path))
                .or_else(|| open_map_file(pid, first));
            let Some(file) = file else {
                continue;
            };
            // A second handle on the file (each read seeks first, so they can share it).
            let go = file
                .try_clone()
                .ok()
                .and_then(|f| GoTable::open(Box::new(f)))
                .map(Rc::new);
            let data = ReadCache::new(Box::new(file) as Box<dyn Source>);
            let Some(bias) = load_bias(&data, first) else {
                continue;
            };
            let debug = root
                .as_ref()
                .and_then(|r| debug_file(r, &data))
                .map(|f| ReadCache::new(Box::new(f) as Box<dyn Source>));
            let start = ms.iter().map(|m| m.start).min().unwrap_or(first.start);
            let end = ms.iter().map(|m| m.end).max().unwrap_or(first.end);
            list.push(Object {
                name: crate::output::sanitize_bytes(path),
                data,
                bias,
                range: start..end,
                debug,
                go,
                symbols: None,
            });
        }
        if let Some(vdso) = vdso(pid, maps) {
            list.push(vdso);
        }
        list.sort_by_key(|o| o.range.start);
        Objects { list }
    }

    /// The frame for `addr`; `lookup` is the address to look up (a return address minus one).
    /// With `lines`, also the source line from DWARF (slow: the line tables are read per frame).
    pub fn symbolize(&mut self, addr: u64, lookup: u64, lines: bool) -> Frame {
        let Some(obj) = self.list.iter_mut().find(|o| o.range.contains(&lookup)) else {
            return Frame {
                addr,
                function: None,
                offset: 0,
                object: None,
                line: None,
            };
        };
        let svma = lookup.wrapping_sub(obj.bias);
        if let Some(go) = &obj.go {
            if let Some(f) = go.func(svma) {
                return Frame {
                    addr,
                    function: go.name(&f),
                    offset: addr.wrapping_sub(obj.bias).wrapping_sub(f.entry),
                    object: Some(obj.name.clone()),
                    line: if lines { go.line(&f, svma) } else { None },
                };
            }
        }
        let syms = obj.symbols.get_or_insert_with(|| {
            let mut sources = vec![&obj.data];
            sources.extend(obj.debug.as_ref());
            function_symbols(&sources)
        });
        let hit = lookup_symbol(syms, svma);
        Frame {
            addr,
            function: hit.map(|s| s.2.clone()),
            offset: hit.map_or(0, |s| addr.wrapping_sub(obj.bias).wrapping_sub(s.0)),
            object: Some(obj.name.clone()),
            line: if lines {
                source_line(obj.debug.as_ref().unwrap_or(&obj.data), svma)
            } else {
                None
            },
        }
    }
}

/// The kernel's `[vdso]` (clock_gettime and friends), copied from the process's memory: its
/// own ELF image, with symbols and `.eh_frame`. See: vdso(7).
fn vdso(pid: Pid, maps: &[Mapping]) -> Option<Object> {
    let m = maps
        .iter()
        .find(|m| m.path.as_deref() == Some(&b"[vdso]"[..]))?;
    let len = usize::try_from(m.end.saturating_sub(m.start).min(MAX_VDSO)).ok()?;
    let bytes = crate::sys::ptrace::read_memory(pid, m.start, len).ok()?;
    let data = ReadCache::new(Box::new(Cursor::new(bytes)) as Box<dyn Source>);
    let bias = load_bias(&data, m)?;
    Some(Object {
        name: "[vdso]".into(),
        data,
        bias,
        range: m.start..m.end,
        debug: None,
        go: None,
        symbols: None,
    })
}

fn open_in_root(root: &FsRoot, path: &[u8]) -> Option<File> {
    root.open_read(path, false).ok().map(|(file, _)| file)
}

fn open_map_file(pid: Pid, m: &Mapping) -> Option<File> {
    File::open(format!("/proc/{pid}/map_files/{:x}-{:x}", m.start, m.end)).ok()
}

/// Mapped address minus stated address, from the loadable segment that holds the file offset
/// of the object's first mapping. See: elf(5), PT_LOAD.
fn load_bias<'a, R: ReadRef<'a>>(data: R, first: &Mapping) -> Option<u64> {
    let file = object::File::parse(data).ok()?;
    let seg = file.segments().find(|s| {
        let (off, size) = s.file_range();
        // A mapping starts at the page that holds the segment's first byte.
        off & !0xfff <= first.offset && first.offset < off.saturating_add(size.max(1))
    })?;
    let (seg_off, _) = seg.file_range();
    let stated = seg
        .address()
        .wrapping_add(first.offset.wrapping_sub(seg_off));
    Some(first.start.wrapping_sub(stated))
}

/// The symbol for `svma` in `syms` (sorted by address): the nearest sized symbol at or below
/// it that contains it; else the nearest one below, if it has no size (an assembly label
/// such as cgo's `crosscall_amd64`, which extends to the next symbol).
fn lookup_symbol(syms: &[(u64, u64, String)], svma: u64) -> Option<&(u64, u64, String)> {
    let below = &syms[..syms.partition_point(|s| s.0 <= svma)];
    match below.iter().rev().find(|s| s.1 != 0) {
        Some(s) if svma < s.0.saturating_add(s.1) => Some(s),
        _ => below.last().filter(|s| s.1 == 0),
    }
}

/// The defined function symbols of `.symtab` and `.dynsym`, sorted by address, demangled:
/// functions, and untyped symbols in executable sections (labels of assembly code, which
/// eu-stack names frames by too).
fn function_symbols(sources: &[&ReadCache<Box<dyn Source>>]) -> Vec<(u64, u64, String)> {
    let mut all: Vec<(u64, u8, u64, String)> = Vec::new();
    for data in sources {
        let Ok(file) = object::File::parse(*data) else {
            continue;
        };
        let code = |s: &object::Symbol<'_, '_, &ReadCache<Box<dyn Source>>>| match s.kind() {
            object::SymbolKind::Text => true,
            object::SymbolKind::Unknown => s
                .section_index()
                .and_then(|i| file.section_by_index(i).ok())
                .is_some_and(|sec| sec.kind() == object::SectionKind::Text),
            _ => false,
        };
        all.extend(
            file.symbols()
                .chain(file.dynamic_symbols())
                .filter(|s| code(s) && s.is_definition() && s.address() != 0)
                .filter_map(|s| {
                    // Where several names share an address, a global one is preferred to a
                    // weak alias (`__nanosleep` over `nanosleep`), and either to a local one,
                    // as eu-stack does.
                    let rank = if s.kind() != object::SymbolKind::Text {
                        3
                    } else if s.is_weak() {
                        1
                    } else if s.is_global() {
                        0
                    } else {
                        2
                    };
                    Some((s.address(), rank, s.size(), s.name().ok()?.to_string()))
                }),
        );
    }
    // At one address a sized symbol goes before a sizeless marker (cgo's C code starts at
    // `runtime.etext`, size 0).
    all.sort_by_key(|s| (s.0, s.2 == 0, s.1));
    all.dedup_by_key(|s| s.0);
    all.into_iter()
        .map(|(addr, _, size, name)| (addr, size, demangle(&name)))
        .collect()
}

/// The separate debug file of an object by its build ID, in the target's root where
/// Debian's `*-dbg`/`*-dbgsym` packages put it: `/usr/lib/debug/.build-id/ab/cdef….debug`.
/// Its `.symtab` names the local functions a stripped library lacks (`start_thread`).
fn debug_file(root: &FsRoot, data: &ReadCache<Box<dyn Source>>) -> Option<File> {
    let file = object::File::parse(data).ok()?;
    let id = file.build_id().ok()??;
    let (first, rest) = id.split_first()?;
    if rest.is_empty() {
        return None;
    }
    let hex: String = rest.iter().map(|b| format!("{b:02x}")).collect();
    let path = format!("/usr/lib/debug/.build-id/{first:02x}/{hex}.debug");
    open_in_root(root, path.as_bytes())
}

/// The source file and line of stated address `svma` from the object's DWARF line tables
/// (`.debug_info`, `.debug_line`; uncompressed sections only), by addr2line.
pub fn source_line<'a, R: ReadRef<'a>>(data: R, svma: u64) -> Option<String> {
    let file = object::File::parse(data).ok()?;
    let endian = if file.is_little_endian() {
        gimli::RunTimeEndian::Little
    } else {
        gimli::RunTimeEndian::Big
    };
    let load = |id: gimli::SectionId| -> Result<_, ()> {
        let d = file
            .section_by_name(id.name())
            .and_then(|s| s.data().ok())
            .unwrap_or(&[]);
        Ok(gimli::EndianSlice::new(d, endian))
    };
    let dwarf = gimli::Dwarf::load(load).ok()?;
    let ctx = addr2line::Context::from_dwarf(dwarf).ok()?;
    let loc = ctx.find_location(svma).ok()??;
    Some(format!("{}:{}", loc.file?, loc.line?))
}

/// `name` demangled when it is a Rust (legacy or v0) or C++ (Itanium) mangled name.
pub fn demangle(name: &str) -> String {
    if let Ok(d) = rustc_demangle::try_demangle(name) {
        // `{:#}` leaves out the hash suffix, as backtraces print Rust names.
        return format!("{d:#}");
    }
    if name.starts_with("_Z") {
        if let Ok(sym) = cpp_demangle::Symbol::new(name) {
            if let Ok(d) = sym.demangle() {
                return d;
            }
        }
    }
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sized_symbols_before_labels() {
        let syms = vec![
            (0x100, 0x20, "f".to_string()),
            (0x110, 0, "label_in_f".to_string()),
            (0x200, 0, "asm_label".to_string()),
            (0x300, 0x10, "g".to_string()),
        ];
        let name = |a| lookup_symbol(&syms, a).map(|s| s.2.as_str());
        assert_eq!(name(0x0ff), None);
        assert_eq!(name(0x100), Some("f"));
        assert_eq!(name(0x118), Some("f"));
        // Past f, the label inside it is the nearest symbol below, and has no size.
        assert_eq!(name(0x120), Some("label_in_f"));
        assert_eq!(name(0x208), Some("asm_label"));
        assert_eq!(name(0x2ff), Some("asm_label"));
        assert_eq!(name(0x30f), Some("g"));
        assert_eq!(name(0x310), None);
    }

    #[test]
    fn demangles_rust_and_cpp() {
        assert_eq!(
            demangle("_ZN4core9panicking5panic17h0123456789abcdefE"),
            "core::panicking::panic"
        );
        assert_eq!(demangle("_ZN3foo3barEv"), "foo::bar()");
        assert_eq!(demangle("nanosleep"), "nanosleep");
    }
}
