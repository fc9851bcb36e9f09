//! Decoders for the structures syscalls pass by pointer, one file per family.
//!
//! Each reads through [`Memory`](super::Memory) and falls back to the bare address, as strace
//! does, when the tracee memory is unreadable. Fields are read at the offsets of `#[repr(C)]`
//! definitions (`field!`, `offset_of!`): libc's where libc has the type, so layouts are the
//! target architecture's, and local ones for the kernel structures libc lacks or lays out
//! differently (the kernel's sigaction, sigevent and siginfo arms, clone_args, capability
//! header and data). Only the rt_sigreturn frame's mask offset stays a per-architecture
//! constant.
//!
//! `common` and `time` are leaves; `fs` uses `common` and `time`, `sig` uses `time`, `net` and
//! `process` use `common`. The families never use this module.

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
