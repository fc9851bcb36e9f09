//! Unwinding a thread from the copy of its registers and stack: DWARF CFI (`.eh_frame` with
//! `.eh_frame_hdr`, `.debug_frame`) where the object has it, frame pointers otherwise, by
//! framehop, which also handles prologues and epilogues.

use framehop::{ExplicitModuleSectionInfo, Module, Unwinder as _};
use object::{Object as _, ObjectSection as _};

use super::capture::ThreadCopy;
use super::symbols::Objects;
use crate::sys::ptrace::UnwindRegs;

#[cfg(target_arch = "aarch64")]
use framehop::aarch64::{CacheAarch64 as Cache, UnwindRegsAarch64, UnwinderAarch64 as Arch};
#[cfg(target_arch = "x86_64")]
use framehop::x86_64::{CacheX86_64 as Cache, UnwindRegsX86_64, UnwinderX86_64 as Arch};

/// The largest `.text` copied for framehop's instruction analysis.
const MAX_TEXT: u64 = 16 << 20;

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
}

impl Unwinder {
    /// Index the unwind sections of every object.
    pub fn new(objects: &Objects) -> Unwinder {
        let mut inner = Arch::new();
        for obj in &objects.list {
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
            let debug_frame = section(".debug_frame").map(|s| s.1);
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
        Unwinder { inner }
    }

    /// The frames of one thread, innermost first.
    pub fn unwind(&self, regs: &UnwindRegs, copy: &ThreadCopy) -> Vec<Addr> {
        let mut cache = Cache::new();
        #[cfg(target_arch = "x86_64")]
        let start = UnwindRegsX86_64::new(regs.pc, regs.sp, regs.fp);
        #[cfg(target_arch = "aarch64")]
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
