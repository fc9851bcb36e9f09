//! `toolbox tail`: the last lines of files of the target's root; `-f` follows a growing log,
//! `-F` follows its name across rotation (a new file renamed into place).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::ffi::OsStrExt;
use std::time::Duration;

use clap::Args;

use super::Global;
use crate::cmd::cat::FileArgs;
use crate::fs::content::{check_binary, header, last_lines_start, Sink};
use crate::fs::FsRoot;

/// How far back from the end `tail` reads looking for line starts.
const MAX_BACK: u64 = 64 << 20;

/// How often `-f` looks for new data.
const POLL: Duration = Duration::from_millis(200);

/// Arguments of `toolbox tail`.
#[derive(Debug, Args)]
pub struct TailArgs {
    /// Print the last N lines.
    #[arg(short = 'n', long = "lines", value_name = "N", default_value_t = 10)]
    lines: usize,
    /// Keep printing data appended to the files (stop with Ctrl-C).
    #[arg(short = 'f', long = "follow")]
    follow: bool,
    /// Like -f, but follow the name: when the file is replaced (log rotation) or appears again,
    /// continue with the new file.
    #[arg(short = 'F')]
    follow_name: bool,
    #[command(flatten)]
    files: FileArgs,
}

struct Followed {
    path: Vec<u8>,
    file: File,
    pos: u64,
    regular: bool,
    /// Device and inode of the open file, to notice a replacement under -F.
    id: (u64, u64),
}

/// The last `n` lines of `file`: reads backwards from the end in blocks for a regular file,
/// or everything for a stream.
fn last_lines(file: &mut File, n: usize, regular: bool) -> io::Result<(Vec<u8>, u64)> {
    if !regular {
        // A FIFO or device (--special) has no end to seek to: read it through, keeping only
        // what may still be among the last lines and never more than MAX_BACK bytes (a device
        // such as /dev/zero would otherwise fill memory).
        let mut tail = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let got = match file.read(&mut chunk) {
                Ok(0) => break,
                Ok(got) => got,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            tail.extend_from_slice(&chunk[..got]);
            // Trimmed in steps of 16 MiB, not per read: each trim moves up to MAX_BACK bytes.
            if tail.len() as u64 > MAX_BACK + (16 << 20) {
                let cut = tail.len() - MAX_BACK as usize;
                tail.drain(..cut);
            }
        }
        let start = last_lines_start(&tail, n);
        return Ok((tail[start..].to_vec(), 0));
    }
    let end = file.seek(SeekFrom::End(0))?;
    // Blocks from the end backwards, joined once at the end; newlines counted per block. (Both
    // prepending each block to the buffer and recounting it every round made a file of one long
    // line cost quadratic time: gigabytes copied and scanned for MAX_BACK.)
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    let mut have = 0u64;
    let mut newlines = 0usize;
    let mut from = end;
    const BLOCK: u64 = 64 * 1024;
    // Bounded: a file of one enormous line is shown from at most MAX_BACK before its end.
    while from > 0 && newlines <= n && have < MAX_BACK {
        let start = from.saturating_sub(BLOCK);
        let mut chunk = vec![0u8; (from - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut chunk)?;
        newlines += chunk.iter().filter(|&&b| b == b'\n').count();
        have += chunk.len() as u64;
        blocks.push(chunk);
        from = start;
    }
    blocks.reverse();
    let buf = blocks.concat();
    let start = last_lines_start(&buf, n);
    file.seek(SeekFrom::Start(end))?;
    Ok((buf[start..].to_vec(), end))
}

/// Run `toolbox tail`.
pub fn run(global: &Global, args: TailArgs) -> anyhow::Result<i32> {
    let root = super::fs_root(global)?;
    let mut sink = Sink::new(io::stdout().lock(), crate::output::stdout_is_terminal());
    let mut status = 0;
    let many = args.files.paths.len() > 1;
    let mut followed = Vec::new();
    for (i, p) in args.files.paths.iter().enumerate() {
        let real = root.real_path(p.as_bytes());
        let path = &*real;
        let (mut file, st) = match root.open_read(path, args.files.special) {
            Ok(f) => f,
            Err(e) => {
                sink.flush()?;
                eprintln!("toolbox tail: {e}");
                status = 1;
                continue;
            }
        };
        let regular = st.st_mode & libc::S_IFMT == libc::S_IFREG;
        let (text, pos) = match last_lines(&mut file, args.lines, regular) {
            Ok(t) => t,
            Err(e) => {
                sink.flush()?;
                eprintln!("toolbox tail: {}", root.error(path, e));
                status = 1;
                continue;
            }
        };
        if let Err(e) = check_binary(path, &text, sink.terminal(), args.files.force) {
            sink.flush()?;
            eprintln!("toolbox tail: {e}");
            status = 1;
            continue;
        }
        if many {
            sink.write(&header(path, i == 0))?;
        }
        sink.write(&text)?;
        followed.push(Followed {
            path: path.to_vec(),
            file,
            pos,
            regular,
            id: (st.st_dev, st.st_ino),
        });
    }
    sink.flush()?;
    if !(args.follow || args.follow_name) || followed.is_empty() {
        return Ok(status);
    }
    follow(&root, &mut followed, &mut sink, many, args.follow_name)?;
    Ok(status)
}

/// Poll the files for appended data until killed (Ctrl-C) or stdout closes; under -F also
/// switch to a file renamed into place.
fn follow<W: io::Write>(
    root: &FsRoot,
    files: &mut [Followed],
    sink: &mut Sink<W>,
    many: bool,
    by_name: bool,
) -> io::Result<()> {
    let mut last_shown: Option<usize> = Some(files.len() - 1);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let mut any = false;
        for (i, f) in files.iter_mut().enumerate() {
            let data = read_new(root, f, &mut buf)?;
            if !data.is_empty() {
                if many && last_shown != Some(i) {
                    let header = format!("\n==> {} <==\n", crate::fs::shown(&f.path));
                    sink.write(header.as_bytes())?;
                    last_shown = Some(i);
                }
                sink.write(&data)?;
                any = true;
            }
            if by_name && f.regular {
                reopen_if_replaced(root, f);
            }
        }
        if any {
            sink.flush()?;
        }
        std::thread::sleep(POLL);
    }
}

/// Under -F: when the name now leads to another file (rotation renamed a new one into place),
/// switch to it and read it from its start. A missing name is tried again at the next poll.
fn reopen_if_replaced(root: &FsRoot, f: &mut Followed) {
    let Ok(node) = root.lookup(&f.path, true) else {
        return;
    };
    if (node.stat.st_dev, node.stat.st_ino) == f.id {
        return;
    }
    if let Ok((file, st)) = root.open_read(&f.path, false) {
        eprintln!(
            "toolbox tail: {} has been replaced; following new file",
            crate::fs::shown(&f.path)
        );
        f.file = file;
        f.pos = 0;
        f.regular = st.st_mode & libc::S_IFMT == libc::S_IFREG;
        f.id = (st.st_dev, st.st_ino);
    }
}

/// What was appended to `f` since the last poll (everything available for a stream). A file
/// that shrank was truncated (copytruncate rotation): reading restarts at its beginning.
fn read_new(root: &FsRoot, f: &mut Followed, buf: &mut [u8]) -> io::Result<Vec<u8>> {
    let mut data = Vec::new();
    if f.regular {
        let Ok(size) = f.file.metadata().map(|m| m.len()) else {
            return Ok(data);
        };
        if size < f.pos {
            eprintln!(
                "toolbox tail: {}: file truncated",
                crate::fs::shown(&f.path)
            );
            f.pos = 0;
            f.file.seek(SeekFrom::Start(0))?;
        }
        if size == f.pos {
            return Ok(data);
        }
    }
    loop {
        match f.file.read(buf) {
            Ok(0) => break,
            Ok(n) => {
                f.pos += n as u64;
                data.extend_from_slice(&buf[..n]);
                if !f.regular {
                    break;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                eprintln!("toolbox tail: {}", root.error(&f.path, e));
                break;
            }
        }
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn last_lines_across_blocks() {
        let mut f = tempfile::tempfile().unwrap();
        let mut all = Vec::new();
        for i in 0..40_000 {
            writeln!(all, "line {i}").unwrap();
        }
        f.write_all(&all).unwrap();
        let want = |n: usize| all[last_lines_start(&all, n)..].to_vec();
        for n in [0, 1, 10, 9_000, 39_999, 40_000, 50_000] {
            let (got, end) = last_lines(&mut f, n, true).unwrap();
            assert_eq!(end, all.len() as u64);
            assert!(got == want(n), "n={n}");
        }
    }

    #[test]
    fn one_long_line_is_bounded_and_quick() {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(&vec![b'x'; (MAX_BACK + (1 << 20)) as usize])
            .unwrap();
        let t = std::time::Instant::now();
        let (got, _) = last_lines(&mut f, 10, true).unwrap();
        assert_eq!(got.len() as u64, MAX_BACK);
        assert!(
            t.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            t.elapsed()
        );
    }
}
