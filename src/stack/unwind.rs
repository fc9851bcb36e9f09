//! Unwinding a thread from the copy of its registers and stack: DWARF CFI (`.eh_frame` with
//! `.eh_frame_hdr`, `.debug_frame`) where the object has it, frame pointers otherwise, by
//! framehop, which also handles prologues and epilogues. framehop reads one CFI section per
//! object, `.eh_frame` when there is one, and a C program built with `-g` but without unwind
//! tables (`-fno-asynchronous-unwind-tables`) has its own functions only in `.debug_frame`
//! (the C runtime's in `.eh_frame`): on x86_64 a frame that a `.debug_frame` entry covers
//! (the object's own, or its separate debug file's) is unwound by a second framehop unwinder
//! over those sections.
//!
//! Go's functions (x86_64) are stepped with Go's own unwind table instead, the stack-pointer
//! delta of its `.gopclntab`: Go emits no `.eh_frame`, `-ldflags=-w` drops its `.debug_frame`,
//! and frame pointers alone lose a frame at every frameless assembly function
//! (`runtime.futex`, where idle threads sleep) and at the top of every system stack
//! (`runtime.mstart`, `runtime.clone`).

use std::ops::Range;
use std::rc::Rc;

use framehop::{ExplicitModuleSectionInfo, Module, Unwinder as _};
use object::{Object as _, ObjectSection as _, ReadCache};

use super::capture::ThreadCopy;
use super::gopclntab::GoTable;
use super::symbols::{Objects, Source};
use crate::sys::ptrace::UnwindRegs;

#[cfg(target_arch = "aarch64")]
use framehop::aarch64::{CacheAarch64 as Cache, UnwindRegsAarch64, UnwinderAarch64 as Arch};
#[cfg(target_arch = "x86_64")]
use framehop::x86_64::{CacheX86_64 as Cache, UnwindRegsX86_64, UnwinderX86_64 as Arch};
#[cfg(target_arch = "x86_64")]
use framehop::FrameAddress;

/// The largest `.text` copied for framehop's instruction analysis.
const MAX_TEXT: u64 = 16 << 20;

/// At most this many `.debug_frame` entries are indexed per object.
const MAX_FDES: usize = 1 << 20;

/// At most this many frames per thread (a corrupt stack could loop).
pub const MAX_FRAMES: usize = 256;

/// A frame's address and the address to look its symbol up at (one less for a return
/// address, so that a call at a function's end is not taken for the next function).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Addr {
    /// The address.
    pub addr: u64,
    /// Where to look it up.
    pub lookup: u64,
}

/// An unwinder over a process's objects.
pub struct Unwinder {
    inner: Arch<Vec<u8>>,
    /// The Go function tables: mapped range, load bias, table.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    go: Vec<(Range<u64>, u64, Rc<GoTable>)>,
    /// framehop over the `.debug_frame` sections of objects that also have an `.eh_frame`.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    debug_frame: Arch<Vec<u8>>,
    /// The addresses `.debug_frame` entries cover (mapped addresses, sorted).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    debug_frame_covers: Vec<Range<u64>>,
    /// The address ranges of every object: a return address elsewhere ends a Go stack.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    code: Vec<Range<u64>>,
}

impl Unwinder {
    /// Index the unwind sections of every object.
    pub fn new(objects: &Objects) -> Unwinder {
        let mut inner = Arch::new();
        let mut debug_frame_unwinder = Arch::new();
        let mut debug_frame_covers = Vec::new();
        let mut go = Vec::new();
        let code = objects.list.iter().map(|o| o.range.clone()).collect();
        for obj in &objects.list {
            if let Some(table) = &obj.go {
                go.push((obj.range.clone(), obj.bias, table.clone()));
            }
            let Ok(file) = object::File::parse(&obj.data) else {
                continue;
            };
            let section = |name: &str| {
                let s = file.section_by_name(name)?;
                let data = s.data().ok()?.to_vec();
                Some((s.address()..s.address().saturating_add(s.size()), data))
            };
            // .text lets framehop read the instructions of a prologue or epilogue; a huge one
            // (Go, JVM) is left out rather than copied: frame 0 there falls back to CFI only.
            let (text_svma, text) = file
                .section_by_name(".text")
                .filter(|s| s.size() <= MAX_TEXT)
                .and_then(|_| section(".text"))
                .unzip();
            let (eh_frame_svma, eh_frame) = section(".eh_frame").unzip();
            let (eh_frame_hdr_svma, eh_frame_hdr) = section(".eh_frame_hdr").unzip();
            let (got_svma, _) = section(".got").unzip();
            let debug_frame = uncompressed(&file, ".debug_frame").or_else(|| {
                let debug = object::File::parse(obj.debug.as_ref()?).ok()?;
                uncompressed(&debug, ".debug_frame")
            });
            let debug_frame = match (&eh_frame, debug_frame) {
                (Some(_), Some(data)) => {
                    let covers = fde_ranges(&data);
                    if !covers.is_empty() {
                        debug_frame_covers.extend(covers.into_iter().filter_map(|r| {
                            let start = r.start.checked_add(obj.bias)?;
                            Some(start..start.checked_add(r.end - r.start)?)
                        }));
                        let info = ExplicitModuleSectionInfo {
                            base_svma: 0,
                            debug_frame: Some(data),
                            ..Default::default()
                        };
                        debug_frame_unwinder.add_module(Module::new(
                            obj.name.clone(),
                            obj.range.clone(),
                            obj.bias,
                            info,
                        ));
                    }
                    None
                }
                (_, data) => data,
            };
            let info = ExplicitModuleSectionInfo {
                base_svma: 0,
                text_svma,
                text,
                got_svma,
                eh_frame_svma,
                eh_frame,
                eh_frame_hdr_svma,
                eh_frame_hdr,
                debug_frame,
                ..Default::default()
            };
            inner.add_module(Module::new(
                obj.name.clone(),
                obj.range.clone(),
                obj.bias,
                info,
            ));
        }
        debug_frame_covers.sort_by_key(|r| r.start);
        Unwinder {
            inner,
            debug_frame: debug_frame_unwinder,
            debug_frame_covers,
            go,
            code,
        }
    }

    /// The frames of one thread, innermost first.
    #[cfg(target_arch = "x86_64")]
    pub fn unwind(&self, regs: &UnwindRegs, copy: &ThreadCopy) -> Vec<Addr> {
        let mut cache = Cache::new();
        let mut read_stack = |addr: u64| copy.word(addr).ok_or(());
        let mut r = UnwindRegsX86_64::new(regs.pc, regs.sp, regs.fp);
        let mut address = FrameAddress::from_instruction_pointer(regs.pc);
        let mut out = Vec::new();
        loop {
            out.push(Addr {
                addr: address.address(),
                lookup: address.address_for_lookup(),
            });
            if out.len() >= MAX_FRAMES {
                break;
            }
            let next = match self.go_step(address.address_for_lookup(), &mut r, copy) {
                Some(step) => step,
                None => match self.cfi_for(address.address_for_lookup()).unwind_frame(
                    address,
                    &mut r,
                    &mut cache,
                    &mut read_stack,
                ) {
                    Ok(Some(ra)) => Some(ra),
                    _ => None,
                },
            };
            match next.and_then(FrameAddress::from_return_address) {
                Some(a) => address = a,
                None => break,
            }
        }
        out
    }

    /// The unwinder for `lookup`: the `.debug_frame` one where an entry there covers it.
    #[cfg(target_arch = "x86_64")]
    fn cfi_for(&self, lookup: u64) -> &Arch<Vec<u8>> {
        let covers = &self.debug_frame_covers;
        let i = covers.partition_point(|r| r.start <= lookup);
        match i.checked_sub(1).and_then(|i| covers.get(i)) {
            Some(r) if r.contains(&lookup) => &self.debug_frame,
            _ => &self.inner,
        }
    }

    /// One step out of a Go function by its stack-pointer delta `d` at `lookup`: the return
    /// address is at SP + d, the caller's SP is above it. The caller's frame pointer was saved
    /// just below the return address once the function set up its own (then BP = SP + d - 8);
    /// before that, and after the epilogue restored it, BP still is the caller's.
    /// `None` when no Go function holds `lookup`; `Some(None)` at the stack's end.
    #[cfg(target_arch = "x86_64")]
    fn go_step(
        &self,
        lookup: u64,
        r: &mut UnwindRegsX86_64,
        copy: &ThreadCopy,
    ) -> Option<Option<u64>> {
        let (_, bias, table) = self.go.iter().find(|(range, ..)| range.contains(&lookup))?;
        let svma = lookup.wrapping_sub(*bias);
        let f = table.func(svma)?;
        let d = table.sp_delta(&f, svma)?;
        let step = || -> Option<(u64, u64, u64)> {
            let ra_at = r.sp().checked_add(d)?;
            let ra = copy.word(ra_at)?;
            // Above the outermost frame of a thread (`runtime.clone`, `runtime.goexit`) is
            // whatever the new stack held: zero, or a value that is no code address.
            if !self.code.iter().any(|c| c.contains(&ra)) {
                return None;
            }
            let bp = if d >= 8 && r.bp() == ra_at - 8 {
                copy.word(r.bp())?
            } else {
                r.bp()
            };
            Some((ra, ra_at.checked_add(8)?, bp))
        };
        Some(step().map(|(ra, sp, bp)| {
            r.set_ip(ra);
            r.set_sp(sp);
            r.set_bp(bp);
            ra
        }))
    }

    /// The frames of one thread, innermost first.
    #[cfg(target_arch = "aarch64")]
    pub fn unwind(&self, regs: &UnwindRegs, copy: &ThreadCopy) -> Vec<Addr> {
        let mut cache = Cache::new();
        let start = UnwindRegsAarch64::new(regs.lr, regs.sp, regs.fp);
        let mut read_stack = |addr: u64| copy.word(addr).ok_or(());
        let mut iter = self
            .inner
            .iter_frames(regs.pc, start, &mut cache, &mut read_stack);
        let mut out = Vec::new();
        while let Ok(Some(frame)) = iter.next() {
            out.push(Addr {
                addr: frame.address(),
                lookup: frame.address_for_lookup(),
            });
            if out.len() >= MAX_FRAMES {
                break;
            }
        }
        out
    }
}

/// A section's bytes when stored uncompressed (a compressed one, as Go writes its DWARF, is
/// left out: object is built without decompression).
fn uncompressed<'a>(
    file: &object::File<'a, &'a ReadCache<Box<dyn Source>>>,
    name: &str,
) -> Option<Vec<u8>> {
    let s = file.section_by_name(name)?;
    if s.compressed_file_range().ok()?.format != object::CompressionFormat::None {
        return None;
    }
    Some(s.data().ok()?.to_vec())
}

/// The addresses (as the file states them) the entries of a `.debug_frame` cover, sorted.
fn fde_ranges(data: &[u8]) -> Vec<Range<u64>> {
    use gimli::UnwindSection as _;
    let mut section = gimli::DebugFrame::new(data, gimli::LittleEndian);
    section.set_address_size(8);
    let bases = gimli::BaseAddresses::default();
    let mut entries = section.entries(&bases);
    let mut out = Vec::new();
    for _ in 0..MAX_FDES {
        let Ok(Some(entry)) = entries.next() else {
            break;
        };
        if let gimli::CieOrFde::Fde(partial) = entry {
            let Ok(fde) = partial.parse(|s, b, o| s.cie_from_offset(b, o)) else {
                continue;
            };
            let start = fde.initial_address();
            // Entries of functions the linker discarded are left at address 0.
            if start != 0 {
                if let Some(end) = start.checked_add(fde.len()) {
                    out.push(start..end);
                }
            }
        }
    }
    out.sort_by_key(|r| r.start);
    out
}
