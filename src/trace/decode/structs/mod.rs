//! Decoders for the structures syscalls pass by pointer, one file per family.
//!
//! Each reads through [`Memory`](super::Memory) and falls back to the bare address, as strace
//! does, when the tracee memory is unreadable. Fields are read at the offsets of libc's
//! `#[repr(C)]` definitions (`field!`), so layouts are the target architecture's; the kernel
//! structures libc lacks (siginfo, sigevent, the kernel's sigaction, capability data) keep the
//! offsets of their uapi headers.
//!
//! `common` is the leaf; `fs` and `sig` use `time`; nothing uses this module's re-exports.

mod common;
mod fs;
mod net;
mod process;
mod sig;
mod time;
mod tty;

pub use common::*;
pub use fs::*;
pub use net::*;
pub use process::*;
pub use sig::*;
pub use time::*;
pub use tty::*;
