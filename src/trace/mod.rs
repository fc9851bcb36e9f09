//! Syscall tracing with ptrace, strace-compatible: the engine (attach, launch, the stop loop and
//! clean detach), strace's `-e` filters, the line printer and the `-c` summary, over the syscall
//! tables and pure argument decoders.

pub mod decode;
pub mod engine;
pub mod filter;
pub mod flags;
pub mod output;
pub mod spin;
pub mod summary;
pub mod syscalls;
