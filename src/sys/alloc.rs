//! toolbox's memory allocator: dlmalloc for small blocks, musl's for large ones.
//!
//! musl's allocator hands memory back to the kernel eagerly: a burst of small allocations such as
//! building the command-line parser maps and unmaps pages over a hundred times, which cost more
//! than the rest of a short command (`logs --tail 100` made 128 mmap/munmap calls before reading a
//! byte; `--version` took 1.8 ms instead of 0.7). dlmalloc takes memory from the kernel in large
//! segments and keeps freed chunks for reuse; one lock serialises it.
//!
//! Large blocks (from [`LARGE`] bytes) stay with musl, which maps each on its own and grows it with
//! `mremap(2)`: dlmalloc would grow a buffer of tens of megabytes by copying it into a new one,
//! holding both at once (`tail` of a 200 MB FIFO peaked at 144 MB instead of under 100).

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks of this size and more are musl's.
const LARGE: usize = 256 * 1024;

/// The allocator of every toolbox binary and test.
#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

static SMALL: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

/// Routes each block by its size: a block's current layout, which Rust passes to every call,
/// always names the allocator that holds it (a reallocation across [`LARGE`] moves the block).
struct Allocator;

// SAFETY: every call is forwarded to an allocator that upholds GlobalAlloc's contract, and a
// block is always freed or resized by the allocator that made it: both are chosen by the size of
// the block's layout, which a reallocation across LARGE changes only by moving the block.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract (a non-zero size) is passed on unchanged.
        unsafe {
            if layout.size() >= LARGE {
                System.alloc(layout)
            } else {
                SMALL.alloc(layout)
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as in alloc.
        unsafe {
            if layout.size() >= LARGE {
                System.alloc_zeroed(layout)
            } else {
                SMALL.alloc_zeroed(layout)
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated with `layout` by this allocator, hence (see the impl's
        // comment) by the one its size names.
        unsafe {
            if layout.size() >= LARGE {
                System.dealloc(ptr, layout)
            } else {
                SMALL.dealloc(ptr, layout)
            }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let (was, will) = (layout.size() >= LARGE, new_size >= LARGE);
        // SAFETY: same-allocator cases forward the caller's guarantees. Across LARGE: the new
        // layout is valid (the caller guarantees `new_size` rounded up to `layout.align()` does
        // not overflow isize), the copy covers the smaller of the two blocks, which do not
        // overlap, and the old block is freed only once its bytes are in the new one.
        unsafe {
            match (was, will) {
                (true, true) => System.realloc(ptr, layout, new_size),
                (false, false) => SMALL.realloc(ptr, layout, new_size),
                _ => {
                    let new = Layout::from_size_align_unchecked(new_size, layout.align());
                    let moved = self.alloc(new);
                    if !moved.is_null() {
                        std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                    moved
                }
            }
        }
    }
}

/// Make the allocator usable in a child made by `fork(2)` while another thread held its lock:
/// registers `pthread_atfork` handlers that take the lock around the fork. Call once, first
/// thing in `main`.
pub fn fork_safe() {
    // SAFETY: the function updates a static of dlmalloc's without synchronisation besides the
    // allocator's own lock; `main` calls it once, before starting any thread, so no call races
    // with it. (dlmalloc's documentation asks for it before any allocation: its code registers
    // the handlers under the lock, which allocations made earlier do not hold.)
    unsafe { dlmalloc::enable_alloc_after_fork() }
}

#[cfg(test)]
mod tests {
    use super::LARGE;
    use std::alloc::{alloc, dealloc, realloc, Layout};

    /// Blocks move across LARGE both ways with their bytes and their alignment (musl's
    /// allocator for over-aligned large blocks, dlmalloc's for small ones).
    #[test]
    fn realloc_across_the_bound_keeps_bytes_and_alignment() {
        for align in [1, 8, 16, 64, 4096, 1 << 20] {
            for (from, to) in [
                (100, LARGE),
                (LARGE - 1, LARGE + 1),
                (LARGE, LARGE - 1),
                (3 * LARGE, 10),
            ] {
                let layout = Layout::from_size_align(from, align).unwrap();
                // SAFETY: a non-zero size; the block is written within its size, resized with
                // its layout, and freed with the layout of its last size.
                unsafe {
                    let p = alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "alloc {from} align {align}");
                    for i in 0..from {
                        *p.add(i) = (i % 251) as u8;
                    }
                    let q = realloc(p, layout, to);
                    assert!(!q.is_null());
                    assert_eq!(q as usize % align, 0, "realloc {from}->{to} align {align}");
                    for i in 0..from.min(to) {
                        assert_eq!(*q.add(i), (i % 251) as u8, "byte {i} {from}->{to}");
                    }
                    dealloc(q, Layout::from_size_align(to, align).unwrap());
                }
            }
        }
    }
}
