//! One pass over `/proc`: what discovery and `ps` need to know about each process.

use std::fs;
use std::path::PathBuf;

use serde::Serialize;

/// `PF_KTHREAD` in `/proc/PID/stat` flags. See: include/linux/sched.h.
pub const PF_KTHREAD: u32 = 0x0020_0000;

/// What one process looks like to discovery.
#[derive(Clone, Debug, Serialize)]
pub struct ProcInfo {
    /// PID in toolbox's PID namespace.
    pub pid: i32,
    /// Parent PID (0 when the parent is outside this PID namespace).
    pub ppid: i32,
    /// `comm`, as the kernel keeps it (at most 15 bytes).
    pub comm: String,
    /// Command line; empty for kernel threads and zombies.
    pub cmdline: Vec<String>,
    /// Executable path as seen inside the process's own root, when readable.
    pub exe: Option<PathBuf>,
    /// Real UID.
    pub uid: u32,
    /// Start time in clock ticks after boot (orders processes by age).
    pub start_ticks: u64,
    /// Kernel thread (no user space).
    pub kernel_thread: bool,
    /// Mount namespace inode, when readable.
    pub mnt_ns: Option<u64>,
    /// Device and inode of `/proc/PID/root`, when readable.
    pub root_id: Option<(u64, u64)>,
    /// First line of `/proc/PID/cgroup` (always readable), the last fallback for grouping.
    pub cgroup: Option<String>,
}

impl ProcInfo {
    /// Read one process; `None` if it vanished or is unreadable at the most basic level.
    pub fn read(pid: i32) -> Option<ProcInfo> {
        let proc = procfs::process::Process::new(pid).ok()?;
        let stat = proc.stat().ok()?;
        let uid = proc.uid().unwrap_or(u32::MAX);
        let cmdline = proc.cmdline().unwrap_or_default();
        let exe = fs::read_link(format!("/proc/{pid}/exe")).ok();
        let mnt_ns = ns_inode(&format!("/proc/{pid}/ns/mnt"));
        let root_id = {
            use std::os::unix::fs::MetadataExt;
            fs::metadata(format!("/proc/{pid}/root"))
                .ok()
                .map(|m| (m.dev(), m.ino()))
        };
        let cgroup = cgroup_paths(pid);
        Some(ProcInfo {
            pid,
            ppid: stat.ppid,
            kernel_thread: is_kernel_thread(stat.flags, pid, stat.ppid, !cmdline.is_empty()),
            comm: stat.comm,
            cmdline,
            exe,
            uid,
            start_ticks: stat.starttime,
            mnt_ns,
            root_id,
            cgroup,
        })
    }

    /// The basename of the executable: from `exe`, else `argv[0]`, else `comm`.
    pub fn exe_name(&self) -> String {
        if let Some(name) = self.exe.as_ref().and_then(|e| e.file_name()) {
            // A deleted executable reads as "name (deleted)".
            let name = name.to_string_lossy();
            return name.trim_end_matches(" (deleted)").to_string();
        }
        if let Some(arg0) = self.cmdline.first() {
            if let Some(base) = arg0.rsplit('/').next().filter(|b| !b.is_empty()) {
                return base.to_string();
            }
        }
        self.comm.clone()
    }

    /// The command line joined with spaces, or `[comm]` like ps for processes without one.
    pub fn command(&self) -> String {
        if self.cmdline.is_empty() {
            format!("[{}]", self.comm)
        } else {
            self.cmdline.join(" ")
        }
    }
}

/// A kernel thread: `PF_KTHREAD` set, or kthreadd (PID 2, parent 0, no command line) and its
/// children without a command line (older kernels). The one test discovery and `ps` share. PID 2
/// alone proves nothing: in a container's PID namespace it is an ordinary process.
pub fn is_kernel_thread(flags: u32, pid: i32, ppid: i32, has_cmdline: bool) -> bool {
    flags & PF_KTHREAD != 0 || (!has_cmdline && ((pid == 2 && ppid == 0) || ppid == 2))
}

/// `/proc/PID/cgroup` as discovery compares it: every line's path, comma-joined.
pub fn cgroup_paths(pid: i32) -> Option<String> {
    let text = fs::read_to_string(format!("/proc/{pid}/cgroup")).ok()?;
    Some(
        text.lines()
            .map(|l| l.splitn(3, ':').nth(2).unwrap_or(""))
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// The inode of a namespace link such as `/proc/PID/ns/mnt` (`mnt:[4026531841]`).
pub fn ns_inode(link: &str) -> Option<u64> {
    let target = fs::read_link(link).ok()?;
    let s = target.to_str()?;
    let inner = s.split_once(":[")?.1.strip_suffix(']')?;
    inner.parse().ok()
}

/// Every process in `/proc` that could be read, sorted by PID. Processes that exit mid-scan are
/// silently left out.
pub fn all_processes() -> std::io::Result<Vec<ProcInfo>> {
    let mut out: Vec<ProcInfo> = fs::read_dir("/proc")?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(ProcInfo::read)
        .collect();
    out.sort_by_key(|p| p.pid);
    Ok(out)
}
