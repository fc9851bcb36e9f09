//! Pure decoders that turn a syscall's raw registers and the tracee's memory into strace's text.
//!
//! The ptrace engine calls [`format_args_enter`] at syscall entry (arguments the kernel reads) and
//! [`format_call_exit`] at exit (out-parameters and the return value). Nothing here touches the
//! tracee except through the [`Memory`] trait, so every decoder is unit-testable on a byte buffer.
//!
//! The text is strace 6.1's (Debian 12), checked line for line against the real strace on live
//! programs by `tests/trace_golden.rs` (through `toolbox trace`): where strace 6.1 splits a call
//! into `<unfinished ...>` and `<... resumed>` halves, [`Entry::text`] ends at the same place.
//! Output is printable ASCII only (C escapes), so tracee data cannot drive the terminal.
//!
//! # Module graph
//!
//! Edges point from user to used; there is no cycle (children never use this module).
//!
//! ```text
//! decode (this file) ─► spec ─► args::{scalar,file,net,process,signal,time,ipc} ─► structs::* ─► text
//!                        │            │                                              │
//!                        └────────────┴─► errno, signal, crate::trace::flags ◄───────┘
//!                        └─► crate::trace::syscalls (rows: name, nargs, classes, Spec)
//! crate::trace::syscalls ─► syscalls::args (Arg, Ret, Spec) ─► crate::trace::flags (leaf)
//! ```
//!
//! - `text`: the leaf — shared types ([`Memory`], [`DecodeOpts`], [`Entry`], the printers'
//!   `Ctx`), `hex`, pointers, fd text (`-y`), strings and buffers, checked tracee reads, and
//!   `field!` (a struct field read at `offset_of!` of its libc `#[repr(C)]` type).
//! - `errno`, `signal`, and `crate::trace::flags` (the xlat tables): leaves.
//! - `structs`: the structures syscalls pass by pointer, one file per family; `fs` and `sig`
//!   use `time`, all use `common`.
//! - `args`: how each argument kind prints (one file per family of kinds), with the decoders of
//!   calls whose arguments depend on each other (prctl, clone3, futex, ioctl, IPC, select).
//!   The families never use each other.
//! - `spec`: the engine that walks a row's [`Spec`](crate::trace::syscalls::args::Spec) at
//!   entry and exit and prints the return value.
//!
//! Each syscall's argument spec is in its row of `crate::trace::syscalls::{x86_64,aarch64}`:
//! adding a decoded syscall means editing that row (and, for a new kind, `syscalls::args::Arg`
//! and one `args` family file).

use serde::Serialize;

mod args;
mod errno;
#[cfg(test)]
mod fuzz;
mod signal;
mod spec;
mod structs;
#[cfg(test)]
mod tests;
mod text;

pub use errno::{errno_message, errno_name};
pub use signal::signal_name;
pub use text::{DecodeOpts, Entry, Memory};

/// Decode the arguments known at syscall entry.
pub fn format_args_enter(nr: u64, args: &[u64; 6], mem: &dyn Memory, opts: &DecodeOpts) -> Entry {
    spec::enter(nr, args, mem, opts)
}

/// Decode a finished call: returns (all argument text, return text).
///
/// The argument text begins with `entry.text` (so the engine can print the `<... NAME resumed>`
/// tail as the remainder) and adds out-parameters such as `read`'s buffer. The return text is
/// what follows ` = `: `6`, `3</etc/passwd>` with `-y`, `-1 ENOENT (No such file or directory)`.
pub fn format_call_exit(
    nr: u64,
    args: &[u64; 6],
    ret: i64,
    mem: &dyn Memory,
    opts: &DecodeOpts,
    entry: &Entry,
) -> (String, String) {
    let (args_text, _, ret_text) = spec::exit(nr, args, ret, mem, opts, entry);
    (args_text, ret_text)
}

/// A syscall decoded into parts, for `--json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decoded {
    /// Syscall name (`syscall_NNN` for an unassigned number).
    pub name: String,
    /// Each argument as strace prints it.
    pub args: Vec<String>,
    /// The raw return value (`-errno` on failure).
    pub retval: i64,
    /// The errno name on failure, e.g. `ENOENT`.
    pub errno: Option<&'static str>,
    /// The return value as strace prints it after ` = `.
    pub ret_text: String,
}

/// Decode a finished call into its parts (name, arguments, return value, errno).
pub fn decode(
    nr: u64,
    args: &[u64; 6],
    ret: i64,
    mem: &dyn Memory,
    opts: &DecodeOpts,
    entry: &Entry,
) -> Decoded {
    let (_, arg_list, ret_text) = spec::exit(nr, args, ret, mem, opts, entry);
    Decoded {
        name: syscall_name(nr),
        args: arg_list,
        retval: ret,
        errno: text::error_of(ret).and_then(errno_name),
        ret_text,
    }
}

/// [`decode`] as a JSON value.
pub fn decode_json(
    nr: u64,
    args: &[u64; 6],
    ret: i64,
    mem: &dyn Memory,
    opts: &DecodeOpts,
    entry: &Entry,
) -> serde_json::Value {
    serde_json::to_value(decode(nr, args, ret, mem, opts, entry)).unwrap_or(serde_json::Value::Null)
}

/// The argument text of `rt_sigreturn` (`{mask=[INT]}`), which strace reads from the signal
/// frame at the tracee's stack pointer (`rsp` at syscall entry). Use it as the entry text
/// for syscall 15 instead of [`format_args_enter`]'s empty one.
pub fn format_rt_sigreturn(rsp: u64, mem: &dyn Memory) -> String {
    structs::rt_sigreturn(mem, rsp)
}

/// A `clock_t` count of ticks as strace prints it: `0`, `3 /* 0.03 s */`.
pub fn clock_t_text(ticks: u64) -> String {
    structs::clock_t(ticks)
}

/// A raw `siginfo_t` (as PTRACE_GETSIGINFO returns it) in strace's braces:
/// `{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=12, si_uid=0, si_status=3, si_utime=0,
/// si_stime=0}` — the same printer waitid and rt_sigtimedwait use.
pub fn format_siginfo(raw: &[u8]) -> String {
    structs::siginfo_bytes(raw)
}

/// Whether syscall `name` has a dedicated argument decoder (others print raw hex arguments).
pub fn is_decoded(name: &str) -> bool {
    spec::is_decoded(name)
}

/// `FD` as strace prints it: `3`, or with `-y` (`opts.fd_paths`) `3</var/log/nginx/access.log>`.
pub fn fd_text(fd: i32, mem: &dyn Memory, opts: &DecodeOpts) -> String {
    text::fd_text(fd, mem, opts)
}

/// The name strace prints for syscall `nr`: the table's, or `syscall_0xNNN` when unassigned.
pub fn syscall_name(nr: u64) -> String {
    match crate::trace::syscalls::name(nr) {
        Some(n) => n.to_string(),
        None => format!("syscall_{nr:#x}"),
    }
}
