//! The fast path through `/proc` for `ps`: parse only the files the chosen columns need, with one
//! reused buffer, so that thousands of processes are listed in about the time `ps aux` takes.
//!
//! `target::scan::ProcInfo::read` reads seven files per process for discovery; here each file is
//! read only when a column (or the role marker) needs it. See: proc(5).

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::target::scan::ns_inode;

/// The fields of `/proc/PID/stat` (or `/proc/PID/task/TID/stat`) that `ps` shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stat {
    /// PID (or TID for a thread).
    pub pid: i32,
    /// `comm`, at most 15 bytes, untrusted.
    pub comm: String,
    /// State letter (`R`, `S`, `D`, `Z`, `T`, `t`, `I`, `X`).
    pub state: char,
    /// Parent PID; 0 when the parent is outside this PID namespace.
    pub ppid: i32,
    /// Process group.
    pub pgrp: i32,
    /// Session.
    pub session: i32,
    /// Controlling terminal device number.
    pub tty_nr: i32,
    /// Foreground process group of the controlling terminal.
    pub tpgid: i32,
    /// Kernel `PF_*` flags.
    pub flags: u32,
    /// User CPU time in clock ticks.
    pub utime: u64,
    /// System CPU time in clock ticks.
    pub stime: u64,
    /// Nice value (-20..19).
    pub nice: i64,
    /// Number of threads.
    pub num_threads: i64,
    /// Start time in clock ticks after boot.
    pub starttime: u64,
    /// Virtual memory size in bytes.
    pub vsize: u64,
    /// Resident set size in pages.
    pub rss_pages: i64,
}

impl Stat {
    /// Parse the text of a stat file. `comm` may hold spaces and parentheses, so it ends at the
    /// *last* `)`. Returns `None` on anything malformed.
    pub fn parse(text: &[u8]) -> Option<Stat> {
        let open = text.iter().position(|&b| b == b'(')?;
        let close = text.iter().rposition(|&b| b == b')')?;
        if close < open {
            return None;
        }
        let pid = std::str::from_utf8(text.get(..open)?)
            .ok()?
            .trim()
            .parse()
            .ok()?;
        let comm = String::from_utf8_lossy(text.get(open + 1..close)?).into_owned();
        let rest = std::str::from_utf8(text.get(close + 1..)?).ok()?;
        // Field 3 (state) is index 0 here; field N is index N-3.
        let f: Vec<&str> = rest.split_ascii_whitespace().collect();
        let num = |n: usize| f.get(n - 3).and_then(|s| s.parse::<i64>().ok());
        let unum = |n: usize| f.get(n - 3).and_then(|s| s.parse::<u64>().ok());
        Some(Stat {
            pid,
            comm,
            state: f.first()?.chars().next()?,
            ppid: num(4)? as i32,
            pgrp: num(5)? as i32,
            session: num(6)? as i32,
            tty_nr: num(7)? as i32,
            tpgid: num(8)? as i32,
            flags: unum(9)? as u32,
            utime: unum(14)?,
            stime: unum(15)?,
            nice: num(19)?,
            num_threads: num(20)?,
            starttime: unum(22)?,
            vsize: unum(23)?,
            rss_pages: num(24)?,
        })
    }

    /// A kernel thread: no user space. Same test as discovery's.
    pub fn is_kernel_thread(&self, has_cmdline: bool) -> bool {
        crate::target::scan::is_kernel_thread(self.flags, self.pid, self.ppid, has_cmdline)
    }
}

/// The UIDs of `/proc/PID/status`: real and effective.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Uids {
    /// Real UID.
    pub real: u32,
    /// Effective UID (what `ps` shows as USER).
    pub effective: u32,
}

impl Uids {
    /// Find the `Uid:` line of a status file.
    pub fn parse(status: &[u8]) -> Option<Uids> {
        let text = std::str::from_utf8(status).ok()?;
        let line = text.lines().find_map(|l| l.strip_prefix("Uid:"))?;
        let mut ids = line.split_ascii_whitespace().map(|s| s.parse::<u32>().ok());
        Some(Uids {
            real: ids.next()??,
            effective: ids.next()??,
        })
    }
}

/// `VmRSS:` of a status file, in KiB (absent for kernel threads and zombies).
///
/// The resident set size comes from here, not from field 24 of `/proc/PID/stat`: since Linux
/// 6.2 the kernel keeps RSS in per-CPU counters, and `stat` shows only their approximate global
/// part (`percpu_counter_read_positive`), which stays 0 for a small process whose pages were all
/// counted in per-CPU deltas (a static binary of a few pages: `stat` 0, `VmRSS` 56 kB), while
/// `status` and `statm` sum the counters. See: proc(5), /proc/pid/status; kernel
/// fs/proc/task_mmu.c, task_mem().
pub fn status_rss_kib(status: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(status).ok()?;
    let line = text.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    line.split_ascii_whitespace().next()?.parse().ok()
}

/// Split a NUL-separated `cmdline` into arguments (untrusted: lossy UTF-8).
pub fn parse_cmdline(raw: &[u8]) -> Vec<String> {
    let raw = raw.strip_suffix(&[0]).unwrap_or(raw);
    if raw.is_empty() {
        return Vec::new();
    }
    raw.split(|&b| b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect()
}

/// The most toolbox reads of one `/proc` file. `cmdline` and `environ` show whatever memory range
/// the process declares as its arguments or environment (prctl(2) PR_SET_MM_ARG_START/END, with
/// CAP_SYS_RESOURCE), which can be far larger than any real command line; the kernel's own
/// argument limit is a quarter of the stack limit, 2 MiB by default.
pub const MAX_PROC_FILE: usize = 4 << 20;

/// Read at most [`MAX_PROC_FILE`] bytes of a `/proc` file.
pub fn read_bounded(path: &str) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    File::open(path)?
        .take(MAX_PROC_FILE as u64)
        .read_to_end(&mut buf)?;
    Ok(buf)
}

/// Reads `/proc` files into one reused buffer.
#[derive(Debug, Default)]
pub struct Reader {
    buf: Vec<u8>,
    path: String,
    /// `/proc` itself, opened once: files are opened relative to it with one system call
    /// (musl's `open` adds an `fcntl(FD_CLOEXEC)` to each).
    proc_dir: Option<std::os::fd::OwnedFd>,
}

/// What to read per process.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// `/proc/PID/status` (USER, UID, RSS).
    pub status: bool,
    /// `/proc/PID/cmdline` (COMMAND).
    pub cmdline: bool,
    /// `/proc/PID/exe` (pause detection).
    pub exe: bool,
    /// `/proc/PID/ns/mnt` (which container: role marker and USER names).
    pub mnt_ns: bool,
}

impl Needs {
    /// Union of two sets of needs.
    pub fn or(self, o: Needs) -> Needs {
        Needs {
            status: self.status || o.status,
            cmdline: self.cmdline || o.cmdline,
            exe: self.exe || o.exe,
            mnt_ns: self.mnt_ns || o.mnt_ns,
        }
    }
}

/// One process as `ps` read it.
#[derive(Clone, Debug, Default)]
pub struct Raw {
    /// `/proc/PID/stat`.
    pub stat: Stat,
    /// From `/proc/PID/status`, when needed and readable.
    pub uids: Option<Uids>,
    /// `VmRSS` from `/proc/PID/status` in KiB, when needed and present.
    pub rss_kib: Option<u64>,
    /// From `/proc/PID/cmdline`, when needed (empty for kernel threads and zombies).
    pub cmdline: Vec<String>,
    /// `/proc/PID/exe`, when needed and readable.
    pub exe: Option<PathBuf>,
    /// Mount namespace inode, when needed and readable.
    pub mnt_ns: Option<u64>,
}

impl Reader {
    /// Read a whole small file into the buffer; returns the bytes.
    ///
    /// A plain `read` loop: `read_to_end` on a `File` first asks for its size (fstat, lseek),
    /// which /proc files do not have, and that triples the system calls per file.
    fn slurp(&mut self) -> io::Result<&[u8]> {
        if self.buf.len() < 4096 {
            self.buf.resize(4096, 0);
        }
        if self.proc_dir.is_none() {
            self.proc_dir = crate::target::root::open_root_dir(Path::new("/proc")).ok();
        }
        let mut f = match (&self.proc_dir, self.path.strip_prefix("/proc/")) {
            (Some(dir), Some(rel)) => {
                use std::os::fd::AsFd;
                File::from(crate::sys::openat2(
                    dir.as_fd(),
                    Path::new(rel),
                    libc::O_RDONLY | libc::O_NOCTTY,
                    0,
                )?)
            }
            _ => File::open(&self.path)?,
        };
        let mut n = 0;
        loop {
            if n == self.buf.len() {
                if n >= MAX_PROC_FILE {
                    break;
                }
                let grown = (self.buf.len() * 2).min(MAX_PROC_FILE);
                self.buf.resize(grown, 0);
            }
            match f.read(&mut self.buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(&self.buf[..n])
    }

    fn set_path(&mut self, dir: &str, file: &str) {
        self.path.clear();
        self.path.push_str(dir);
        self.path.push('/');
        self.path.push_str(file);
    }

    /// Read the stat file of `dir` (`/proc/PID` or `/proc/PID/task/TID`).
    pub fn stat(&mut self, dir: &str) -> Option<Stat> {
        self.set_path(dir, "stat");
        Stat::parse(self.slurp().ok()?)
    }

    /// Read process `pid`. `None` when it vanished (or its stat is unreadable/malformed).
    pub fn read(&mut self, pid: i32, needs: Needs) -> Option<Raw> {
        let dir = format!("/proc/{pid}");
        let stat = self.stat(&dir)?;
        let mut raw = Raw {
            stat,
            ..Raw::default()
        };
        if needs.status {
            self.set_path(&dir, "status");
            if let Ok(status) = self.slurp() {
                raw.uids = Uids::parse(status);
                raw.rss_kib = status_rss_kib(status);
            }
        }
        if needs.cmdline {
            self.set_path(&dir, "cmdline");
            raw.cmdline = self.slurp().map(parse_cmdline).unwrap_or_default();
        }
        if needs.exe {
            self.set_path(&dir, "exe");
            raw.exe = std::fs::read_link(&self.path).ok();
        }
        if needs.mnt_ns {
            self.set_path(&dir, "ns/mnt");
            raw.mnt_ns = ns_inode(&self.path);
        }
        Some(raw)
    }

    /// The threads of `pid` (their stat files); empty if the process vanished.
    pub fn threads(&mut self, pid: i32) -> Vec<Stat> {
        let dir = format!("/proc/{pid}/task");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut tids: Vec<i32> = entries
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .collect();
        tids.sort_unstable();
        tids.into_iter()
            .filter_map(|tid| self.stat(&format!("{dir}/{tid}")))
            .collect()
    }
}

/// Every PID in `/proc`, sorted.
pub fn pids() -> io::Result<Vec<i32>> {
    let mut pids: Vec<i32> = std::fs::read_dir("/proc")?
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    pids.sort_unstable();
    Ok(pids)
}

/// System facts that turn ticks and pages into seconds and KiB.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    /// Clock ticks per second (`sysconf(_SC_CLK_TCK)`).
    pub hz: u64,
    /// Page size in bytes.
    pub page_size: u64,
    /// Boot time, seconds since the epoch (`btime` of /proc/stat).
    pub boot_time: u64,
    /// Seconds since boot (/proc/uptime).
    pub uptime: f64,
    /// Now, seconds since the epoch.
    pub now: u64,
    /// Total memory in KiB (`MemTotal` of /proc/meminfo), for `%MEM`.
    pub mem_total_kib: u64,
}

impl Clock {
    /// Read the clock facts once per run.
    pub fn read() -> Clock {
        let hz = procfs::ticks_per_second().max(1);
        let uptime = std::fs::read_to_string("/proc/uptime")
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
            .unwrap_or(0.0);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let boot_time =
            procfs::boot_time_secs().unwrap_or_else(|_| now.saturating_sub(uptime as u64));
        let mem_total_kib = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("MemTotal:"))?
                    .split_whitespace()
                    .next()?
                    .parse()
                    .ok()
            })
            .unwrap_or(0);
        Clock {
            hz,
            page_size: procfs::page_size(),
            boot_time,
            uptime,
            now,
            mem_total_kib,
        }
    }

    /// Start time, seconds since the epoch.
    pub fn start_secs(&self, stat: &Stat) -> u64 {
        self.boot_time + stat.starttime / self.hz
    }

    /// CPU time used, in seconds.
    pub fn cpu_secs(&self, stat: &Stat) -> f64 {
        (stat.utime + stat.stime) as f64 / self.hz as f64
    }

    /// CPU use over the process's lifetime, in percent (as `ps` computes `%CPU`).
    pub fn cpu_percent(&self, stat: &Stat) -> f64 {
        let elapsed = self.uptime - stat.starttime as f64 / self.hz as f64;
        if elapsed <= 0.0 {
            return 0.0;
        }
        (self.cpu_secs(stat) / elapsed * 100.0).max(0.0)
    }

    /// Resident set size in KiB: `VmRSS` of the status file when it was read (exact), else
    /// the stat file's page count (approximate on Linux 6.2 and later; see [`status_rss_kib`]).
    pub fn rss_kib(&self, stat: &Stat, status_kib: Option<u64>) -> u64 {
        status_kib.unwrap_or_else(|| stat.rss_pages.max(0) as u64 * self.page_size / 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stat_with_odd_comm() {
        let line = b"42 (a) b (c)) S 7 42 42 0 -1 4194560 100 0 0 0 12 3 0 0 20 0 1 0 5000 10485760 250 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";
        let s = Stat::parse(line).unwrap();
        assert_eq!(s.pid, 42);
        assert_eq!(s.comm, "a) b (c)");
        assert_eq!(s.state, 'S');
        assert_eq!(s.ppid, 7);
        assert_eq!((s.utime, s.stime), (12, 3));
        assert_eq!(s.num_threads, 1);
        assert_eq!(s.starttime, 5000);
        assert_eq!(s.vsize, 10485760);
        assert_eq!(s.rss_pages, 250);
    }

    #[test]
    fn rejects_garbage() {
        assert!(Stat::parse(b"").is_none());
        assert!(Stat::parse(b"1 (x").is_none());
        assert!(Stat::parse(b"1 (x) S 0").is_none());
        assert!(Stat::parse(b") 1 (x").is_none());
    }

    #[test]
    fn reads_own_process() {
        let me = std::process::id() as i32;
        let mut r = Reader::default();
        let raw = r
            .read(
                me,
                Needs {
                    status: true,
                    cmdline: true,
                    exe: true,
                    mnt_ns: true,
                },
            )
            .unwrap();
        assert_eq!(raw.stat.pid, me);
        assert_eq!(raw.stat.ppid, nix::unistd::getppid().as_raw());
        assert_eq!(raw.uids.unwrap().effective, nix::unistd::geteuid().as_raw());
        assert!(!raw.cmdline.is_empty());
        assert_eq!(raw.exe, std::env::current_exe().ok());
        assert!(raw.mnt_ns.is_some());
    }

    #[test]
    fn uids_and_cmdline() {
        let u = Uids::parse(b"Name:\tx\nUid:\t101\t102\t101\t101\n").unwrap();
        assert_eq!((u.real, u.effective), (101, 102));
        assert!(Uids::parse(b"Uid:\tx\n").is_none());
        assert_eq!(status_rss_kib(b"Name:\tx\nVmRSS:\t      56 kB\n"), Some(56));
        assert_eq!(status_rss_kib(b"Name:\tkthreadd\n"), None);
        assert_eq!(parse_cmdline(b"a\0b c\0"), vec!["a", "b c"]);
        assert!(parse_cmdline(b"").is_empty());
    }
}
