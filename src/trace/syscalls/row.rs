//! One row of a syscall table ([`Syscall`]) and the class flags a row names. A leaf: the
//! architecture tables (`x86_64.rs`, `aarch64.rs`) and `syscalls/mod.rs` use it.

use super::args::Spec;

/// Class flag: takes or returns a file descriptor (`%desc`).
pub const DESC: u32 = 1 << 0;
/// Class flag: takes a file name (`%file`).
pub const FILE: u32 = 1 << 1;
/// Class flag: System V IPC (`%ipc`).
pub const IPC: u32 = 1 << 2;
/// Class flag: network related (`%network`, `%net`).
pub const NETWORK: u32 = 1 << 3;
/// Class flag: process management (`%process`).
pub const PROCESS: u32 = 1 << 4;
/// Class flag: signal related (`%signal`).
pub const SIGNAL: u32 = 1 << 5;
/// Class flag: memory mapping (`%memory`).
pub const MEMORY: u32 = 1 << 6;
/// Class flag: `stat` variants (`%stat`).
pub const STAT: u32 = 1 << 7;
/// Class flag: `lstat` variants (`%lstat`).
pub const LSTAT: u32 = 1 << 8;
/// Class flag: `fstat` and `fstatat` variants (`%fstat`).
pub const FSTAT: u32 = 1 << 9;
/// Class flag: any stat-like call (`%%stat`).
pub const STAT_LIKE: u32 = 1 << 10;
/// Class flag: `statfs` variants (`%statfs`).
pub const STATFS: u32 = 1 << 11;
/// Class flag: `fstatfs` variants (`%fstatfs`).
pub const FSTATFS: u32 = 1 << 12;
/// Class flag: any statfs-like call (`%%statfs`).
pub const STATFS_LIKE: u32 = 1 << 13;
/// Class flag: no arguments, always succeeds, no side effects (`%pure`).
pub const PURE: u32 = 1 << 14;
/// Class flag: reads or changes user/group ids or capabilities (`%creds`).
pub const CREDS: u32 = 1 << 15;
/// Class flag: reads or changes system clocks (`%clock`).
pub const CLOCK: u32 = 1 << 16;

/// One row of a syscall table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Syscall {
    /// The syscall number on this architecture.
    pub nr: u64,
    /// The name strace prints.
    pub name: &'static str,
    /// How many arguments strace prints for an undecoded call.
    pub nargs: u8,
    /// Class flags ([`DESC`], [`FILE`], …).
    pub flags: u32,
    /// How the arguments and return value print (`None`: raw hex, as strace's undecoded calls).
    pub spec: Option<Spec>,
}
