//! `toolbox ls`: list directories of the target's root like GNU ls, owners named from the
//! target's own /etc/passwd and /etc/group.

use std::ffi::{CStr, CString, OsString};
use std::io::{self, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;

use clap::{ArgAction, Args};

use super::Global;
use crate::fs::meta::{self, Kind};
use crate::fs::{walk, FsError, FsRoot, Names};
use crate::output::Format;
use crate::sys::fsops;

/// Arguments of `toolbox ls`.
#[derive(Debug, Args)]
#[command(disable_help_flag = true)]
pub struct LsArgs {
    /// Long listing: mode, links, owner, group, size, time, name (-> target).
    #[arg(short = 'l')]
    long: bool,
    /// Show entries starting with `.`, and `.` and `..`.
    #[arg(short = 'a', long = "all")]
    all: bool,
    /// Show entries starting with `.`, but not `.` and `..`.
    #[arg(short = 'A', long = "almost-all")]
    almost_all: bool,
    /// List subdirectories recursively (procfs and sysfs mounts are skipped unless --pseudo-fs).
    #[arg(short = 'R', long = "recursive")]
    recursive: bool,
    /// Sizes in powers of 1024 (4.0K, 12M).
    #[arg(short = 'h', long = "human-readable")]
    human: bool,
    /// List directories themselves, not their contents.
    #[arg(short = 'd', long = "directory")]
    directory: bool,
    /// One name per line.
    #[arg(short = '1')]
    one: bool,
    /// Sort by modification time, newest first.
    #[arg(short = 't')]
    time: bool,
    /// Sort by size, largest first.
    #[arg(short = 'S')]
    size: bool,
    /// Reverse the order.
    #[arg(short = 'r', long = "reverse")]
    reverse: bool,
    /// With -R, also descend into procfs and sysfs mounts.
    #[arg(long)]
    pseudo_fs: bool,
    /// Output format (`-o json`: one array of every listed file's metadata).
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
    output: Format,
    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    help: Option<bool>,
    /// Paths inside the target's root (default: its `/`).
    #[arg(value_name = "PATH")]
    paths: Vec<OsString>,
}

/// One line of a listing.
struct Item {
    name: Vec<u8>,
    st: libc::stat,
    link: Option<Vec<u8>>,
}

struct Ls<'a> {
    args: &'a LsArgs,
    root: &'a FsRoot,
    names: Names,
    now: i64,
    out: io::BufWriter<io::StdoutLock<'static>>,
    status: i32,
    /// How many directories deep `-R` is (bounded by [`walk::MAX_DEPTH`]).
    depth: usize,
    /// Collected entries for `-o json`.
    json: Option<Vec<meta::FileInfo>>,
}

/// Run `toolbox ls`.
pub fn run(global: &Global, args: LsArgs) -> anyhow::Result<i32> {
    let root = super::fs_root(global)?;
    let paths: Vec<Vec<u8>> = if args.paths.is_empty() {
        vec![b"/".to_vec()]
    } else {
        args.paths
            .iter()
            .map(|p| root.real_path(p.as_bytes()).into_owned())
            .collect()
    };
    let mut ls = Ls {
        args: &args,
        root: &root,
        names: Names::for_stdout(),
        now: meta::now(),
        out: io::BufWriter::new(io::stdout().lock()),
        status: 0,
        depth: 0,
        json: (args.output == Format::Json).then(Vec::new),
    };
    let follow_args = !(args.long || args.directory);
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for p in &paths {
        let trailing = p.ends_with(b"/");
        match root.lookup(p, follow_args || trailing) {
            Ok(node) => {
                if Kind::of(node.stat.st_mode) == Kind::Dir && !args.directory {
                    dirs.push((p.clone(), node));
                } else {
                    let link = (Kind::of(node.stat.st_mode) == Kind::Symlink)
                        .then(|| fsops::readlink_fd(node.fd.as_fd()).ok())
                        .flatten();
                    files.push(Item {
                        name: p.clone(),
                        st: node.stat,
                        link,
                    });
                }
            }
            Err(e) => {
                ls.out.flush()?;
                eprintln!("toolbox ls: cannot access {e}");
                ls.status = 2;
            }
        }
    }
    ls.order(&mut files);
    dirs.sort_by(|a, b| a.0.cmp(&b.0));
    let headers = paths.len() > 1 || args.recursive;
    if !files.is_empty() {
        ls.print_items(&files, None)?;
    }
    let mut first = files.is_empty();
    for (path, node) in dirs {
        match crate::fs::open_dir(node.fd.as_fd(), c".", 0) {
            Ok(fd) => ls.list_dir(fd, &path, headers, &mut first)?,
            Err(e) => ls.fail(root.error(&path, e), 2)?,
        }
    }
    ls.out.flush()?;
    if let Some(json) = &ls.json {
        crate::output::print_json(json)?;
    }
    Ok(ls.status)
}

impl Ls<'_> {
    fn fail(&mut self, e: FsError, code: i32) -> io::Result<()> {
        self.out.flush()?;
        eprintln!("toolbox ls: {e}");
        self.status = self.status.max(code);
        Ok(())
    }

    fn list_dir(
        &mut self,
        fd: OwnedFd,
        path: &[u8],
        header: bool,
        first: &mut bool,
    ) -> io::Result<()> {
        let entries = match walk::DirNames::read(fd.as_fd(), &mut Vec::new()) {
            Ok(mut e) => {
                e.sort();
                e
            }
            Err(e) => return self.fail(self.root.error(path, e), 1),
        };
        let dfd = fd.as_fd();
        let mut items = Vec::new();
        if self.args.all {
            for dot in [&b"."[..], b".."] {
                let mut p = path.to_vec();
                p.extend_from_slice(b"/");
                p.extend_from_slice(dot);
                // `..` is resolved inside the root, never above it.
                if let Ok(node) = self.root.lookup(&p, true) {
                    items.push(Item {
                        name: dot.to_vec(),
                        st: node.stat,
                        link: None,
                    });
                }
            }
        }
        for i in 0..entries.len() {
            let (name, _) = entries.get(i);
            let b = name.to_bytes();
            if b.starts_with(b".") && !(self.args.all || self.args.almost_all) {
                continue;
            }
            match fsops::lstatat(dfd, name) {
                Ok(st) => {
                    let link = ((self.args.long || self.json.is_some())
                        && Kind::of(st.st_mode) == Kind::Symlink)
                        .then(|| read_link_at(dfd, name).ok())
                        .flatten();
                    items.push(Item {
                        name: b.to_vec(),
                        st,
                        link,
                    });
                }
                Err(e) => self.fail(self.root.error(&join(path, b), e), 1)?,
            }
        }
        if header && self.json.is_none() {
            if !*first {
                self.out.write_all(b"\n")?;
            }
            self.out.write_all(&self.names.show(path))?;
            self.out.write_all(b":\n")?;
        }
        *first = false;
        self.order(&mut items);
        self.print_items(&items, Some(path))?;
        if self.args.recursive {
            for item in &items {
                if Kind::of(item.st.st_mode) != Kind::Dir || item.name == b"." || item.name == b".."
                {
                    continue;
                }
                let child_path = join(path, &item.name);
                let Ok(cname) = CString::new(item.name.clone()) else {
                    continue;
                };
                match crate::fs::open_dir(dfd, &cname, libc::O_NOFOLLOW) {
                    Ok(child) => {
                        if let Some(fs) =
                            walk::pseudo_fs(child.as_fd()).filter(|_| !self.args.pseudo_fs)
                        {
                            self.out.flush()?;
                            eprintln!(
                                "toolbox ls: {}: {fs} mount skipped (pass --pseudo-fs to list it)",
                                crate::fs::shown(&child_path)
                            );
                            continue;
                        }
                        if self.depth >= walk::MAX_DEPTH {
                            let path = crate::fs::shown(&child_path);
                            self.fail(crate::fs::FsError::TooDeep { path }, 1)?;
                            continue;
                        }
                        self.depth += 1;
                        let r = self.list_dir(child, &child_path, true, first);
                        self.depth -= 1;
                        r?;
                    }
                    Err(e) => self.fail(self.root.error(&child_path, e), 1)?,
                }
            }
        }
        Ok(())
    }

    /// Order items as asked: by name (bytewise, as `LC_ALL=C ls`), -t time, -S size, -r.
    fn order(&self, items: &mut [Item]) {
        let by_name = |a: &Item, b: &Item| a.name.cmp(&b.name);
        if self.args.size {
            items.sort_by(|a, b| b.st.st_size.cmp(&a.st.st_size).then_with(|| by_name(a, b)));
        } else if self.args.time {
            items.sort_by(|a, b| {
                (b.st.st_mtime, b.st.st_mtime_nsec)
                    .cmp(&(a.st.st_mtime, a.st.st_mtime_nsec))
                    .then_with(|| by_name(a, b))
            });
        } else {
            items.sort_by(by_name);
        }
        if self.args.reverse {
            items.reverse();
        }
    }

    /// Print (or collect for JSON) items; `dir` is the directory they were listed from, if any.
    fn print_items(&mut self, items: &[Item], dir: Option<&[u8]>) -> io::Result<()> {
        let total = dir.is_some();
        if let Some(json) = &mut self.json {
            let accounts = self.root.accounts();
            for i in items {
                let path = dir.map_or_else(|| i.name.clone(), |d| join(d, &i.name));
                json.push(meta::FileInfo::new(
                    &path,
                    &i.st,
                    i.link.as_deref(),
                    accounts,
                ));
            }
            return Ok(());
        }
        if self.args.long {
            return self.print_long(items, total);
        }
        let names: Vec<Vec<u8>> = items
            .iter()
            .map(|i| self.names.show(&i.name).into_owned())
            .collect();
        if self.names.terminal && !self.args.one {
            let width = crate::sys::terminal_width().unwrap_or(80);
            for line in columns(&names, width) {
                self.out.write_all(&line)?;
                self.out.write_all(b"\n")?;
            }
        } else {
            for n in names {
                self.out.write_all(&n)?;
                self.out.write_all(b"\n")?;
            }
        }
        Ok(())
    }

    fn print_long(&mut self, items: &[Item], total: bool) -> io::Result<()> {
        let accounts = self.root.accounts();
        let rows: Vec<[String; 6]> = items
            .iter()
            .map(|i| {
                let kind = Kind::of(i.st.st_mode);
                let size = if matches!(kind, Kind::Char | Kind::Block) {
                    let (ma, mi) = meta::dev_split(i.st.st_rdev);
                    format!("{ma}, {mi}")
                } else if self.args.human {
                    meta::human(i.st.st_size as u64)
                } else {
                    i.st.st_size.to_string()
                };
                [
                    meta::mode_string(i.st.st_mode),
                    i.st.st_nlink.to_string(),
                    crate::output::sanitize(&accounts.users.display(i.st.st_uid)),
                    crate::output::sanitize(&accounts.groups.display(i.st.st_gid)),
                    size,
                    meta::ls_time(i.st.st_mtime, self.now),
                ]
            })
            .collect();
        if total {
            let blocks: i64 = items.iter().map(|i| i.st.st_blocks).sum();
            let t = if self.args.human {
                meta::human(blocks as u64 * 512)
            } else {
                (blocks / 2).to_string()
            };
            writeln!(self.out, "total {t}")?;
        }
        let w = |c: usize| rows.iter().map(|r| r[c].len()).max().unwrap_or(0);
        let (wl, wu, wg, ws) = (w(1), w(2), w(3), w(4));
        for (row, item) in rows.iter().zip(items) {
            write!(
                self.out,
                "{} {:>wl$} {:<wu$} {:<wg$} {:>ws$} {} ",
                row[0], row[1], row[2], row[3], row[4], row[5]
            )?;
            self.out.write_all(&self.names.show(&item.name))?;
            if let Some(link) = &item.link {
                self.out.write_all(b" -> ")?;
                self.out.write_all(&self.names.show(link))?;
            }
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }
}

fn join(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut p = dir.to_vec();
    if !p.ends_with(b"/") {
        p.push(b'/');
    }
    p.extend_from_slice(name);
    p
}

fn read_link_at(dir: BorrowedFd<'_>, name: &CStr) -> io::Result<Vec<u8>> {
    let fd = fsops::openat(dir, name, libc::O_PATH | libc::O_NOFOLLOW)?;
    fsops::readlink_fd(fd.as_fd())
}

/// Names in columns filled top to bottom, as `ls -C`, within `width` characters.
fn columns(names: &[Vec<u8>], width: usize) -> Vec<Vec<u8>> {
    if names.is_empty() {
        return Vec::new();
    }
    let len = |n: &Vec<u8>| String::from_utf8_lossy(n).chars().count();
    let mut cols = names.len();
    let (rows, widths) = loop {
        let rows = names.len().div_ceil(cols);
        let widths: Vec<usize> = (0..cols)
            .map(|c| {
                names
                    .iter()
                    .skip(c * rows)
                    .take(rows)
                    .map(len)
                    .max()
                    .unwrap_or(0)
                    + 2
            })
            .collect();
        if cols == 1 || widths.iter().sum::<usize>() <= width + 2 {
            break (rows, widths);
        }
        cols -= 1;
    };
    let mut lines = Vec::new();
    for r in 0..rows {
        let mut line = Vec::new();
        for (c, w) in widths.iter().enumerate() {
            let Some(n) = names.get(c * rows + r) else {
                continue;
            };
            line.extend_from_slice(n);
            if names.get((c + 1) * rows + r).is_some() {
                line.extend(std::iter::repeat_n(b' ', w - len(n)));
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fill_down() {
        let names: Vec<Vec<u8>> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect();
        assert_eq!(columns(&names, 80), vec![b"a  b  c  d  e".to_vec()]);
        let lines = columns(&names, 6);
        assert_eq!(lines[0], b"a  d".to_vec());
    }
}
