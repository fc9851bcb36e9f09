//! toolbox's memory allocator: dlmalloc instead of musl's.
//!
//! musl's allocator hands memory back to the kernel eagerly: a burst of small allocations such as
//! building the command-line parser maps and unmaps pages over a hundred times, which cost more
//! than the rest of a short command (`logs --tail 100` made 128 mmap/munmap calls before reading a
//! byte). dlmalloc takes memory from the kernel in large segments and keeps freed chunks for reuse.
//! One lock serialises it; toolbox's few threads (capture, trace output) allocate rarely.

/// The allocator of every toolbox binary and test.
#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

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
