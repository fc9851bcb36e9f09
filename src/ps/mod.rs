//! The process view: `toolbox ps` (table, tree, JSON) and `toolbox inspect` (one process in depth).
//!
//! `ps` reads only what the chosen columns need (see [`proc`]), marks each process with the role
//! discovery gives it (pause, target, toolbox) and names users from the passwd file of the
//! process's *own* container: the target's users are unknown to the debug image.

pub mod cgroup;
pub mod column;
pub mod inspect;
pub mod inspect_text;
pub mod proc;
pub mod sockets;

use std::collections::HashMap;
use std::io::{self, Write};

use crate::output::sanitize;
use crate::target::scan::{cgroup_paths, ns_inode, ProcInfo};
use crate::target::{Accounts, Role, Root, Scan, Selector, SkipReason, TargetError};

use column::{Column, Row, Value};
use proc::{Clock, Needs, Reader, Stat, Uids};

/// Errors of `ps` and `inspect`, each naming what it failed on.
#[derive(Debug, thiserror::Error)]
pub enum PsError {
    /// `/proc` could not be listed.
    #[error("cannot list /proc: {0}")]
    Proc(#[source] io::Error),
    /// `-o` names a column that does not exist.
    #[error("unknown column {name:?} for -o; columns: {known} (or -o json)")]
    UnknownColumn {
        /// What was typed.
        name: String,
        /// What exists.
        known: String,
    },
    /// `--sort` names a column that does not exist.
    #[error("unknown sort key {name:?} for --sort; keys: {known} (prefix - for descending)")]
    UnknownSort {
        /// What was typed.
        name: String,
        /// What exists.
        known: String,
    },
    /// The process does not exist (or vanished).
    #[error("no process with PID {0} is visible here (run `toolbox ps` to list them)")]
    NoSuchPid(i32),
    /// Target discovery failed for an explicit `--pid`/`--target` (the [`TargetError`] is the
    /// source, so the exit code rule finds it in the error chain).
    #[error("{0}")]
    Target(#[from] TargetError),
    /// The process exists but the kernel hides it (hidepid, another user without
    /// CAP_SYS_PTRACE).
    #[error(transparent)]
    Denied(#[from] crate::caps::Denied),
}

/// One sort key of `--sort`.
#[derive(Clone, Copy, Debug)]
pub struct SortKey {
    /// The column sorted on.
    pub column: &'static Column,
    /// Largest first.
    pub descending: bool,
}

/// Parse a column list (`pid,user,comm`; spaces also separate, as in ps). `name=HEADER` renames
/// a column's header and `name=` leaves it blank (a table whose headers are all blank has no
/// header line, as `ps -o pid=` prints).
pub fn parse_columns(spec: &str) -> Result<Vec<(&'static Column, Option<String>)>, PsError> {
    spec.split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(|item| {
            let (name, header) = match item.split_once('=') {
                Some((n, h)) => (n, Some(h.to_string())),
                None => (item, None),
            };
            column::find(name)
                .map(|c| (c, header))
                .ok_or_else(|| PsError::UnknownColumn {
                    name: name.to_string(),
                    known: column::names(),
                })
        })
        .collect()
}

/// Parse `--sort` keys (`-pcpu,+pid`).
pub fn parse_sort(spec: &str) -> Result<Vec<SortKey>, PsError> {
    spec.split(',')
        .filter(|s| !s.is_empty())
        .map(|k| {
            let (descending, name) = match k.as_bytes().first() {
                Some(b'-') => (true, &k[1..]),
                Some(b'+') => (false, &k[1..]),
                _ => (false, k),
            };
            column::find(name)
                .map(|column| SortKey { column, descending })
                .ok_or_else(|| PsError::UnknownSort {
                    name: k.to_string(),
                    known: column::names(),
                })
        })
        .collect()
}

/// What to list and how.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Columns to show (table) or fields to emit (JSON).
    pub columns: Vec<&'static Column>,
    /// Sort keys; PID order when empty.
    pub sort: Vec<SortKey>,
    /// Parent/child forest.
    pub tree: bool,
    /// One row per thread.
    pub threads: bool,
    /// How the target (for the role marker) is chosen.
    pub selector: Selector,
    /// Show only these PIDs (`-p`); all when empty.
    pub only: Vec<i32>,
}

impl Options {
    fn needs(&self) -> Needs {
        let mut n = self
            .columns
            .iter()
            .chain(self.sort.iter().map(|k| &k.column))
            .fold(Needs::default(), |n, c| n.or(c.needs));
        if matches!(self.selector, Selector::Name(_)) && n.mnt_ns && n.exe {
            n.cmdline = true;
        }
        n
    }

    fn wants(&self, key: &str) -> bool {
        self.columns
            .iter()
            .chain(self.sort.iter().map(|k| &k.column))
            .any(|c| c.key == key)
    }
}

/// One process as `ps` shows it.
#[derive(Clone, Debug)]
pub struct Proc {
    /// What discovery knows (pid, ppid, comm, cmdline, exe, namespaces).
    pub info: ProcInfo,
    /// `/proc/PID/stat` (its `comm` moved into `info`).
    pub stat: Stat,
    /// Real and effective UID, when read.
    pub uids: Option<Uids>,
    /// `VmRSS` in KiB, when the status file was read.
    pub rss_kib: Option<u64>,
    /// Role marker, when asked for.
    pub role: Option<Role>,
    /// User name from the process's own container, or the number; when asked for.
    pub user: Option<String>,
    /// Threads, with `-L`.
    pub threads: Vec<Stat>,
}

/// Every process at one moment, read for one set of options.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// Processes in PID order.
    pub procs: Vec<Proc>,
    /// Clock facts for times and sizes.
    pub clock: Clock,
    /// The target, when roles were computed and one was found.
    pub target: Option<i32>,
    /// Why no target was chosen, when roles were computed and none was: `ps` does not need a
    /// target, so this is a note for the user, not an error.
    pub no_target: Option<String>,
}

impl Snapshot {
    /// Read `/proc` for `opts`. Processes that exit mid-scan are skipped silently.
    pub fn take(opts: &Options) -> Result<Snapshot, PsError> {
        let needs = opts.needs();
        let want_role = opts.wants("role");
        let clock = Clock::read();
        let me = std::process::id() as i32;
        let pids = proc::pids().map_err(PsError::Proc)?;
        let read = |reader: &mut Reader, pid: i32| read_one(reader, pid, needs, want_role, me);
        // Reading /proc is system-call bound and per process independent: split the PIDs over
        // the CPUs toolbox may use (std honours the cgroup's CPU quota), at most four.
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        let mut procs: Vec<Proc> = if workers == 1 || pids.len() < 512 {
            let mut reader = Reader::default();
            pids.iter()
                .filter_map(|&pid| read(&mut reader, pid))
                .collect()
        } else {
            let chunk = pids.len().div_ceil(workers);
            std::thread::scope(|scope| {
                let handles: Vec<_> = pids
                    .chunks(chunk)
                    .map(|part| {
                        scope.spawn(move || {
                            let mut reader = Reader::default();
                            part.iter()
                                .filter_map(|&pid| read(&mut reader, pid))
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            })
        };
        let mut reader = Reader::default();
        let mut target = None;
        let mut no_target = None;
        if want_role {
            let (infos, rest): (Vec<ProcInfo>, Vec<_>) = procs
                .into_iter()
                .map(|p| (p.info, (p.stat, p.uids, p.rss_kib)))
                .unzip();
            let scan = Scan::classify(infos);
            target = match scan.choose(&opts.selector) {
                Ok(c) => Some(c.pid),
                Err(e) => {
                    no_target = Some(e.summary());
                    None
                }
            };
            let roles = roles(&scan, target);
            procs = scan
                .procs
                .into_iter()
                .zip(rest)
                .map(|(info, (stat, uids, rss_kib))| Proc {
                    role: roles.get(&info.pid).copied(),
                    info,
                    stat,
                    uids,
                    rss_kib,
                    user: None,
                    threads: Vec::new(),
                })
                .collect();
        }
        if opts.wants("user") {
            resolve_users(&mut procs);
        }
        if opts.threads {
            for p in &mut procs {
                p.threads = reader.threads(p.info.pid);
            }
        }
        Ok(Snapshot {
            procs,
            clock,
            target,
            no_target,
        })
    }

    /// Display order: process indexes, sorted (PID order by default), as a forest with `tree`,
    /// each with its tree drawing.
    pub fn layout(&self, opts: &Options) -> Vec<(usize, String)> {
        let mut order: Vec<usize> = (0..self.procs.len())
            .filter(|&i| opts.only.is_empty() || opts.only.contains(&self.procs[i].info.pid))
            .collect();
        if opts.tree && opts.sort.is_empty() {
            // Siblings oldest first, as `ps f` lists them (PIDs wrap, start times do not).
            order.sort_by_key(|&i| (self.procs[i].info.start_ticks, self.procs[i].info.pid));
        }
        if !opts.sort.is_empty() {
            let keys: Vec<Vec<Value>> = self
                .procs
                .iter()
                .map(|p| {
                    let row = Row {
                        p,
                        thread: None,
                        prefix: "",
                    };
                    opts.sort
                        .iter()
                        .map(|k| (k.column.value)(&row, &self.clock))
                        .collect()
                })
                .collect();
            order.sort_by(|&a, &b| {
                opts.sort
                    .iter()
                    .zip(keys[a].iter().zip(&keys[b]))
                    .map(|(k, (va, vb))| {
                        let o = va.compare(vb);
                        if k.descending {
                            o.reverse()
                        } else {
                            o
                        }
                    })
                    .find(|o| o.is_ne())
                    .unwrap_or_else(|| self.procs[a].info.pid.cmp(&self.procs[b].info.pid))
            });
        }
        if opts.tree {
            let ppids: Vec<(i32, i32)> = self
                .procs
                .iter()
                .map(|p| (p.info.pid, p.info.ppid))
                .collect();
            forest(&ppids, &order)
        } else {
            order.into_iter().map(|i| (i, String::new())).collect()
        }
    }

    /// The rows of a [`layout`](Self::layout): threads after their process with `threads`.
    pub fn rows<'a>(&'a self, layout: &'a [(usize, String)], opts: &Options) -> Vec<Row<'a>> {
        let mut rows = Vec::with_capacity(layout.len());
        for (i, prefix) in layout {
            let p = &self.procs[*i];
            if opts.threads && !p.threads.is_empty() {
                rows.extend(p.threads.iter().map(|t| Row {
                    p,
                    thread: Some(t),
                    prefix,
                }));
            } else {
                rows.push(Row {
                    p,
                    thread: None,
                    prefix,
                });
            }
        }
        rows
    }
}

/// Read one process for `ps`: `None` when it exited mid-scan.
fn read_one(reader: &mut Reader, pid: i32, needs: Needs, want_role: bool, me: i32) -> Option<Proc> {
    let mut raw = reader.read(pid, needs)?;
    let comm = std::mem::take(&mut raw.stat.comm);
    let mut info = ProcInfo {
        pid,
        ppid: raw.stat.ppid,
        kernel_thread: raw
            .stat
            .is_kernel_thread(!needs.cmdline || !raw.cmdline.is_empty()),
        comm,
        cmdline: raw.cmdline,
        exe: raw.exe,
        uid: raw.uids.map_or(u32::MAX, |u| u.real),
        start_ticks: raw.stat.starttime,
        mnt_ns: raw.mnt_ns,
        root_id: None,
        cgroup: None,
    };
    // Discovery falls back to the root's identity and the cgroup when the mount namespace is
    // unreadable (and needs toolbox's own cgroup to compare with): the slow path, for the few
    // processes it concerns.
    if want_role && (info.mnt_ns.is_none() || pid == me) {
        if let Some(full) = ProcInfo::read(pid) {
            info.root_id = full.root_id;
            info.cgroup = full.cgroup;
        }
    }
    Some(Proc {
        info,
        stat: raw.stat,
        uids: raw.uids,
        rss_kib: raw.rss_kib,
        role: None,
        user: None,
        threads: Vec::new(),
    })
}

/// The role of every process, by the same rules as [`Scan::role`] but in one pass (`Scan::role`
/// searches lists per call, which is quadratic over thousands of processes).
pub fn roles(scan: &Scan, target: Option<i32>) -> HashMap<i32, Role> {
    let mut roles: HashMap<i32, Role> = scan.procs.iter().map(|p| (p.pid, Role::Other)).collect();
    if let Some(group) = target.and_then(|t| scan.group_of(t)) {
        for pid in group {
            roles.insert(*pid, Role::TargetContainer);
        }
    }
    if let Some(t) = target {
        roles.insert(t, Role::Target);
    }
    // A skipped process's role depends only on its reason: ask `Scan::role` once per reason, so
    // that the mapping stays discovery's own.
    let mut by_reason: Vec<(SkipReason, Role)> = Vec::new();
    for s in &scan.skipped {
        let role = match by_reason.iter().find(|(r, _)| *r == s.reason) {
            Some((_, role)) => *role,
            None => {
                let role = scan.role(s.pid, target);
                by_reason.push((s.reason, role));
                role
            }
        };
        roles.insert(s.pid, role);
    }
    roles
}

/// The process whose root (and mounts) stand for `pid`'s: `pid` itself when its root opens, else
/// its nearest ancestor in the same cgroup whose root opens. A non-dumpable nginx worker, without
/// CAP_SYS_PTRACE, hides its root, but its master in the same container does not.
pub fn stand_in(pid: i32) -> i32 {
    if Root::Process(pid).open().is_ok() {
        return pid;
    }
    let Some(cg) = cgroup_paths(pid) else {
        return pid;
    };
    let mut reader = Reader::default();
    let mut cur = pid;
    for _ in 0..8 {
        let Some(ppid) = reader.stat(&format!("/proc/{cur}")).map(|s| s.ppid) else {
            break;
        };
        if ppid <= 0 || ppid == cur || cgroup_paths(ppid).as_deref() != Some(cg.as_str()) {
            break;
        }
        if Root::Process(ppid).open().is_ok() {
            return ppid;
        }
        cur = ppid;
    }
    pid
}

/// Name every process's effective UID from the passwd file of its own container (by mount
/// namespace): toolbox's own root for the debug container, `/proc/PID/root` for the others.
///
/// When a process's mount namespace is unreadable (a non-dumpable nginx worker without
/// CAP_SYS_PTRACE), its nearest ancestor in the same cgroup stands in for it; failing that, the
/// number is shown.
fn resolve_users(procs: &mut [Proc]) {
    let my_mnt = ns_inode("/proc/self/ns/mnt");
    let index: HashMap<i32, usize> = procs
        .iter()
        .enumerate()
        .map(|(i, p)| (p.info.pid, i))
        .collect();
    let mut members: HashMap<u64, Vec<i32>> = HashMap::new();
    for p in procs.iter() {
        if let Some(m) = p.info.mnt_ns {
            members.entry(m).or_default().push(p.info.pid);
        }
    }
    let load = |mnt: u64| -> Accounts {
        if Some(mnt) == my_mnt {
            return Accounts::load_path(std::path::Path::new("/"));
        }
        for pid in members.get(&mnt).into_iter().flatten().take(4) {
            if let Ok(fd) = Root::Process(*pid).open() {
                use std::os::fd::AsFd;
                return Accounts::load(fd.as_fd());
            }
        }
        Accounts::default()
    };
    let mut cache: HashMap<u64, Accounts> = HashMap::new();
    for i in 0..procs.len() {
        let Some(uids) = procs[i].uids else {
            continue;
        };
        let mnt = procs[i]
            .info
            .mnt_ns
            .or_else(|| stand_in_mnt(procs, &index, i));
        let name = mnt.and_then(|m| {
            cache
                .entry(m)
                .or_insert_with(|| load(m))
                .users
                .name(uids.effective)
                .map(str::to_string)
        });
        procs[i].user = Some(name.unwrap_or_else(|| uids.effective.to_string()));
    }
}

/// The mount namespace of the nearest ancestor of `procs[i]` in the same cgroup.
fn stand_in_mnt(procs: &[Proc], index: &HashMap<i32, usize>, i: usize) -> Option<u64> {
    let pid = procs[i].info.pid;
    let cg = procs[i].info.cgroup.clone().or_else(|| cgroup_paths(pid))?;
    let mut cur = i;
    for _ in 0..8 {
        let parent = *index.get(&procs[cur].info.ppid)?;
        if parent == cur {
            return None;
        }
        let p = &procs[parent];
        if p.info
            .cgroup
            .clone()
            .or_else(|| cgroup_paths(p.info.pid))
            .as_deref()
            != Some(&cg)
        {
            return None;
        }
        if p.info.mnt_ns.is_some() {
            return p.info.mnt_ns;
        }
        cur = parent;
    }
    None
}

/// Lay processes out as a forest like `ps f`: each process under its parent, siblings in
/// `order` (roots in reverse, as procps does), with ` \_ ` drawing. Unlike procps, the children
/// of PID 1 are indented under it: with `--target`, PID 1 is the app and its workers belong under it. `ppids[i]` is `(pid, ppid)` of process `i`. Processes whose parent
/// is not listed are roots; a PID cycle (PID reuse mid-scan) cannot loop.
pub fn forest(ppids: &[(i32, i32)], order: &[usize]) -> Vec<(usize, String)> {
    let index: HashMap<i32, usize> = ppids
        .iter()
        .enumerate()
        .map(|(i, (pid, _))| (*pid, i))
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); ppids.len()];
    let mut roots = Vec::new();
    for &i in order {
        let (pid, ppid) = ppids[i];
        match index.get(&ppid) {
            Some(&parent) if ppid != pid && ppid != 0 => children[parent].push(i),
            _ => roots.push(i),
        }
    }
    let mut out = Vec::with_capacity(ppids.len());
    let mut seen = vec![false; ppids.len()];
    let walk = |root: usize, out: &mut Vec<(usize, String)>, seen: &mut Vec<bool>| {
        // (process, its own prefix, the prefix its children continue from)
        let mut stack: Vec<(usize, String, String)> = vec![(root, String::new(), String::new())];
        while let Some((i, prefix, cont)) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            out.push((i, prefix));
            let kids = &children[i];
            for (n, &c) in kids.iter().enumerate().rev() {
                let last = n + 1 == kids.len();
                stack.push((
                    c,
                    format!("{cont} \\_ "),
                    format!("{cont}{}", if last { "    " } else { " |  " }),
                ));
            }
        }
    };
    // procps prints the trees themselves last-first (`ps axf` shows kthreadd's before init's, and
    // the newest root first) and each tree's children in order; do the same so habits carry over.
    for r in roots.into_iter().rev() {
        walk(r, &mut out, &mut seen);
    }
    // Only a cycle leaves processes unvisited; show them as roots.
    for &i in order {
        if !seen[i] {
            walk(i, &mut out, &mut seen);
        }
    }
    out
}

/// How a table is printed.
#[derive(Clone, Debug, Default)]
pub struct TableStyle {
    /// Cut lines to this many columns (a terminal's width).
    pub width: Option<usize>,
    /// Colour the role marker.
    pub color: bool,
    /// Header overrides, one per column (`None`: the column's own header).
    pub headers: Vec<Option<String>>,
}

/// Print rows as an aligned table: numbers right-aligned, the last column unpadded, every cell
/// sanitised.
pub fn write_table<W: Write>(
    out: &mut W,
    rows: &[Row<'_>],
    cols: &[&'static Column],
    clock: &Clock,
    style: TableStyle,
) -> io::Result<()> {
    use unicode_width::UnicodeWidthStr;
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| cols.iter().map(|c| sanitize(&c.cell(r, clock))).collect())
        .collect();
    let header: Vec<String> = cols
        .iter()
        .enumerate()
        .map(|(k, c)| match style.headers.get(k) {
            Some(Some(h)) => sanitize(h),
            _ => c.header.to_string(),
        })
        .collect();
    let show_header = header.iter().any(|h| !h.is_empty());
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let role_col = cols.iter().position(|c| c.key == "role");
    let mut line = String::new();
    for (n, row) in std::iter::once(&header).chain(&cells).enumerate() {
        if n == 0 && !show_header {
            continue;
        }
        line.clear();
        let mut colour_span = None;
        for (k, (cell, c)) in row.iter().zip(cols).enumerate() {
            if k > 0 {
                line.push(' ');
            }
            let pad = widths[k].saturating_sub(cell.width());
            let last = k + 1 == cols.len();
            if c.right {
                line.extend(std::iter::repeat_n(' ', pad));
            }
            if n > 0 && Some(k) == role_col {
                colour_span = Some((line.len(), line.len() + cell.len(), cell.clone()));
            }
            line.push_str(cell);
            if !c.right && !last {
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        let mut text = line.trim_end().to_string();
        if let Some(w) = style.width {
            text = truncate(&text, w);
        }
        if style.color {
            if let Some((start, end, cell)) = colour_span {
                if let Some(code) = role_colour(&cell) {
                    if end <= text.len() {
                        text = format!(
                            "{}\x1b[{code}m{}\x1b[0m{}",
                            &text[..start],
                            &text[start..end],
                            &text[end..]
                        );
                    }
                }
            }
        }
        out.write_all(text.as_bytes())?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn role_colour(label: &str) -> Option<&'static str> {
    match label {
        "target" => Some("1;32"),
        "target-ctr" => Some("32"),
        "pause" => Some("2"),
        "toolbox" => Some("36"),
        _ => None,
    }
}

/// Cut `s` to at most `width` terminal columns.
pub fn truncate(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut used = 0;
    let mut out = String::with_capacity(s.len().min(width * 4));
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out
}

/// Print rows as a JSON array, one object per line, with the columns' stable field names.
pub fn write_json<W: Write>(
    out: &mut W,
    rows: &[Row<'_>],
    cols: &[&'static Column],
    clock: &Clock,
) -> io::Result<()> {
    out.write_all(b"[")?;
    for (n, r) in rows.iter().enumerate() {
        out.write_all(if n == 0 { b"\n{" } else { b",\n{" })?;
        // Written field by field so that fields keep the columns' order.
        for (k, c) in cols.iter().enumerate() {
            if k > 0 {
                out.write_all(b",")?;
            }
            out.write_all(crate::output::json_compact(c.json)?.as_bytes())?;
            out.write_all(b":")?;
            let value = crate::output::json_compact(&(c.value)(r, clock).to_json())?;
            out.write_all(value.as_bytes())?;
        }
        out.write_all(b"}")?;
    }
    out.write_all(b"\n]\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forest_nests_and_draws() {
        // 1 ─ 7 ─ 13
        //   │   └ 14
        //   └ 20
        let ppids = [(1, 0), (7, 1), (13, 7), (14, 7), (20, 1), (30, 0)];
        let order: Vec<usize> = (0..ppids.len()).collect();
        let f = forest(&ppids, &order);
        let lines: Vec<(i32, &str)> = f.iter().map(|(i, p)| (ppids[*i].0, p.as_str())).collect();
        assert_eq!(
            lines,
            vec![
                (30, ""),
                (1, ""),
                (7, " \\_ "),
                (13, " |   \\_ "),
                (14, " |   \\_ "),
                (20, " \\_ "),
            ]
        );
    }

    #[test]
    fn forest_survives_cycles_and_orphans() {
        let ppids = [(5, 6), (6, 5), (9, 42)];
        let order: Vec<usize> = (0..ppids.len()).collect();
        let f = forest(&ppids, &order);
        let mut got: Vec<usize> = f.iter().map(|(i, _)| *i).collect();
        got.sort_unstable();
        assert_eq!(got, vec![0, 1, 2]);
    }

    #[test]
    fn parses_specs() {
        let cols = parse_columns("pid,%cpu args,user=WHO,comm=").unwrap();
        assert_eq!(
            cols.iter().map(|(c, _)| c.key).collect::<Vec<_>>(),
            ["pid", "pcpu", "command", "user", "comm"]
        );
        assert_eq!(cols[3].1.as_deref(), Some("WHO"));
        assert_eq!(cols[4].1.as_deref(), Some(""));
        assert_eq!(cols[0].1, None);
        assert!(matches!(
            parse_columns("pid,bogus"),
            Err(PsError::UnknownColumn { .. })
        ));
        let s = parse_sort("-rss,+pid").unwrap();
        assert!(s[0].descending && s[0].column.key == "rss" && !s[1].descending);
        assert!(parse_sort("-nope").is_err());
    }

    #[test]
    fn truncates_by_width() {
        assert_eq!(truncate("abcdef", 3), "abc");
        assert_eq!(truncate("日本語", 5), "日本");
        assert_eq!(truncate("ab", 10), "ab");
    }

    #[test]
    fn one_pass_roles_match_scan_role() {
        let scan = Scan::new().unwrap();
        let target = scan.choose(&Selector::Auto).ok().map(|c| c.pid);
        let fast = roles(&scan, target);
        for p in &scan.procs {
            assert_eq!(
                fast.get(&p.pid).copied(),
                Some(scan.role(p.pid, target)),
                "PID {}",
                p.pid
            );
        }
    }
}
