//! Syscall tracing: the syscall tables and the pure argument decoders the ptrace engine calls.

pub mod decode;
pub mod syscalls;
