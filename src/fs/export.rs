//! `export`: a POSIX pax tar stream of files from the root (ustar headers, with pax extended
//! headers only where ustar cannot hold a value: long names, large sizes or ids). Sparse files
//! are written in GNU tar's sparse format 1.0 (pax `GNU.sparse.*` records and a data map), so
//! an export is the size of the data, not of the holes.
//!
//! Headers and checksums come from the `tar` crate; its `Builder` has no pax support, so pax
//! records (`"%d %s=%s\n"`, see: pax(1), "pax Extended Header") are written here.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;

use tar::{EntryType, Header};

use super::content::{consumed_by_reading, pseudo_fs_of, set_nonblock, PSEUDO_CAP};
use super::meta::Kind;
use super::walk::Entry;
use super::{FsError, FsRoot};

/// What happened to one entry.
pub enum Added {
    /// Written.
    Yes,
    /// Not archivable (a socket), with the reason.
    Ignored(&'static str),
}

/// Writes entries of a walk as a tar stream.
pub struct TarWriter<W: Write> {
    builder: tar::Builder<W>,
    /// First archived name of every multiply-linked file, for hard-link entries.
    links: HashMap<(u64, u64), Vec<u8>>,
    /// Files whose size changed while they were read: (name, expected, read).
    pub changed: Vec<(String, u64, u64)>,
    /// Pseudo-file-system files archived only up to [`PSEUDO_CAP`] bytes (names, sanitised).
    pub cut: Vec<String>,
}

/// The data of one archived file.
enum Data {
    /// A regular file and its size when it was opened.
    File(std::fs::File, u64),
    /// A sparse regular file, its size, and where its data is: (offset, length) regions.
    Sparse(std::fs::File, u64, Vec<(u64, u64)>),
    /// A pseudo-file-system file, read in advance (its size is known only after reading).
    Bytes(Vec<u8>),
}

impl Data {
    fn size(&self) -> u64 {
        match self {
            Data::File(_, size) => *size,
            Data::Sparse(_, _, regions) => {
                sparse_map_text(regions).len() as u64 + regions.iter().map(|r| r.1).sum::<u64>()
            }
            Data::Bytes(b) => b.len() as u64,
        }
    }
}

/// At most this many data regions are described in a sparse map; after them the rest of the
/// file is one region (holes included), so a file of a million tiny regions costs bounded
/// memory and a map of bounded size.
const MAX_REGIONS: usize = 10_000;

/// Where the data of a sparse regular file is, from `SEEK_DATA`/`SEEK_HOLE`: None when the file
/// is not sparse (it uses as many blocks as its size needs) or the file system cannot tell.
/// A file that ends in a hole gets a final empty region at its size, as GNU tar writes it.
/// See: lseek(2), SEEK_DATA.
fn sparse_map(file: &std::fs::File, st: &libc::stat) -> Option<Vec<(u64, u64)>> {
    use nix::unistd::{lseek, Whence};
    use std::os::fd::AsRawFd;
    let size = st.st_size as u64;
    if size == 0 || (st.st_blocks as u64) * 512 >= size {
        return None;
    }
    let fd = file.as_raw_fd();
    let mut regions = Vec::new();
    let mut pos = 0u64;
    while pos < size {
        let data = match lseek(fd, pos as i64, Whence::SeekData) {
            Ok(d) => d as u64,
            Err(nix::errno::Errno::ENXIO) => break, // only a hole up to the end
            Err(_) => return None,
        };
        if data >= size {
            break;
        }
        let hole = match lseek(fd, data as i64, Whence::SeekHole) {
            Ok(h) => (h as u64).min(size),
            Err(_) => return None,
        };
        if regions.len() + 1 >= MAX_REGIONS {
            regions.push((data, size - data));
            break;
        }
        regions.push((data, hole.saturating_sub(data)));
        pos = hole.max(data + 1);
    }
    if regions.len() == 1 && regions[0] == (0, size) {
        return None; // no hole after all
    }
    if regions.last().is_none_or(|&(o, l)| o + l < size) {
        regions.push((size, 0));
    }
    Some(regions)
}

/// The sparse map of GNU tar's sparse format 1.0 (see: GNU tar manual, "Storing Sparse Files",
/// format 1.0): decimal numbers, each ending in a newline: the number of regions, then each
/// region's offset and length; padded with NULs to a whole 512-byte block. It precedes the data.
fn sparse_map_text(regions: &[(u64, u64)]) -> Vec<u8> {
    let mut out = format!("{}\n", regions.len()).into_bytes();
    for (off, len) in regions {
        out.extend_from_slice(format!("{off}\n{len}\n").as_bytes());
    }
    out.resize(out.len().div_ceil(512) * 512, 0);
    out
}

/// Reads the data regions of a sparse file one after the other (pread: the map decided what is
/// read). A file that shrank meanwhile reads as zeros, like [`Exact`].
struct Regions<'a> {
    file: &'a std::fs::File,
    regions: &'a [(u64, u64)],
    /// Current region and how far into it.
    idx: usize,
    done: u64,
    /// Bytes that were really read (not zero-filled).
    got: u64,
}

impl Read for Regions<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::os::unix::fs::FileExt;
        loop {
            let Some(&(off, len)) = self.regions.get(self.idx) else {
                return Ok(0);
            };
            if self.done >= len {
                self.idx += 1;
                self.done = 0;
                continue;
            }
            let n = buf
                .len()
                .min((len - self.done).min(usize::MAX as u64) as usize);
            let got = self.file.read_at(&mut buf[..n], off + self.done)?;
            let got = if got == 0 {
                buf[..n].fill(0);
                n
            } else {
                self.got += got as u64;
                got
            };
            self.done += got as u64;
            return Ok(got);
        }
    }
}

/// Read a procfs/sysfs-like file up to [`PSEUDO_CAP`] bytes without waiting for more data.
fn read_pseudo(file: std::fs::File) -> io::Result<Vec<u8>> {
    set_nonblock(&file);
    let mut out = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut r = file.take(PSEUDO_CAP);
    loop {
        match r.read(&mut buf) {
            Ok(0) => return Ok(out),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(out),
            Err(e) => return Err(e),
        }
    }
}

/// The member name for a path inside the root: lexically normalised, without a leading `/`
/// (`/etc/../var/log` → `var/log`, `/` → `.`), as GNU tar strips it.
pub fn member_name(path: &[u8]) -> Vec<u8> {
    let mut parts: Vec<&[u8]> = Vec::new();
    for c in path.split(|&b| b == b'/') {
        match c {
            b"" | b"." => {}
            b".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    if parts.is_empty() {
        return b".".to_vec();
    }
    parts.join(&b'/')
}

/// One pax record: `"<len> <key>=<value>\n"` where `<len>` counts the whole record.
pub fn pax_record(key: &str, value: &[u8]) -> Vec<u8> {
    let rest = key.len() + value.len() + 3; // ' ', '=', '\n'
    let mut len = rest + 1;
    while len != rest + len.to_string().len() {
        len = rest + len.to_string().len();
    }
    let mut out = format!("{len} {key}=").into_bytes();
    out.extend_from_slice(value);
    out.push(b'\n');
    out
}

/// Reads exactly `want` bytes from a file that may shrink or grow meanwhile: missing bytes are
/// zeros (as GNU tar pads), extra bytes are left out.
struct Exact<R> {
    inner: R,
    left: u64,
    got: u64,
    eof: bool,
}

impl<R: Read> Read for Exact<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Ok(0);
        }
        let n = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let got = if self.eof {
            0
        } else {
            self.inner.read(&mut buf[..n])?
        };
        let got = if got == 0 {
            self.eof = true;
            buf[..n].fill(0);
            n
        } else {
            self.got += got as u64;
            got
        };
        self.left -= got as u64;
        Ok(got)
    }
}

impl<W: Write> TarWriter<W> {
    /// A writer onto `out`.
    pub fn new(out: W) -> Self {
        TarWriter {
            builder: tar::Builder::new(out),
            links: HashMap::new(),
            changed: Vec::new(),
            cut: Vec::new(),
        }
    }

    /// Archive one walk entry. `Err(Ok(fs))` means this entry was skipped (reported by the
    /// caller); `Err(Err(io))` means the output failed and the export must stop.
    pub fn add(
        &mut self,
        root: &FsRoot,
        e: &Entry<'_>,
    ) -> Result<Added, Result<FsError, io::Error>> {
        let st = e.stat().map_err(|err| Ok(root.error(e.path, err)))?;
        let mut name = member_name(e.path);
        let mut header = Header::new_ustar();
        let mut pax: Vec<u8> = Vec::new();
        let mut data: Option<Data> = None;
        let kind = Kind::of(st.st_mode);
        let mut st = st;
        match kind {
            Kind::File => {
                let key = (st.st_dev, st.st_ino);
                if st.st_nlink > 1 {
                    if let Some(first) = self.links.get(&key) {
                        header.set_entry_type(EntryType::Link);
                        set_link(&mut header, &mut pax, first);
                    }
                }
                if header.entry_type() != EntryType::Link {
                    let (file, fst) = e.open_file(root).map_err(Ok)?;
                    st = fst;
                    header.set_entry_type(EntryType::Regular);
                    data = Some(match pseudo_fs_of(&file) {
                        Some(fs) => {
                            if consumed_by_reading(fs, e.name()) {
                                return Ok(Added::Ignored(
                                    "not read: reading this file consumes its data",
                                ));
                            }
                            let bytes =
                                read_pseudo(file).map_err(|err| Ok(root.error(e.path, err)))?;
                            if bytes.len() as u64 >= PSEUDO_CAP {
                                self.cut.push(super::shown(e.path));
                            }
                            Data::Bytes(bytes)
                        }
                        None => {
                            let size = st.st_size as u64;
                            match sparse_map(&file, &st) {
                                Some(regions) => Data::Sparse(file, size, regions),
                                None => Data::File(file, size),
                            }
                        }
                    });
                    if st.st_nlink > 1 {
                        self.links.insert(key, name.clone());
                    }
                }
            }
            Kind::Dir => {
                header.set_entry_type(EntryType::Directory);
                if name != b"." {
                    name.push(b'/');
                } else {
                    name = b"./".to_vec();
                }
            }
            Kind::Symlink => {
                let target = e.readlink().map_err(|err| Ok(root.error(e.path, err)))?;
                header.set_entry_type(EntryType::Symlink);
                set_link(&mut header, &mut pax, &target);
            }
            Kind::Fifo => header.set_entry_type(EntryType::Fifo),
            Kind::Char | Kind::Block => {
                header.set_entry_type(if kind == Kind::Char {
                    EntryType::Char
                } else {
                    EntryType::Block
                });
                let (maj, min) = super::meta::dev_split(st.st_rdev);
                let _ = header.set_device_major(maj as u32);
                let _ = header.set_device_minor(min as u32);
            }
            Kind::Socket => return Ok(Added::Ignored("socket ignored")),
            Kind::Unknown => return Ok(Added::Ignored("unknown file type ignored")),
        }
        header.set_mode(st.st_mode & 0o7777);
        let size = data.as_ref().map_or(0, Data::size);
        header.set_size(size);
        if size >= 0o77777777777 {
            pax.extend(pax_record("size", size.to_string().as_bytes()));
        }
        for (key, id) in [("uid", st.st_uid), ("gid", st.st_gid)] {
            if u64::from(id) > 0o7777777 {
                pax.extend(pax_record(key, id.to_string().as_bytes()));
            }
        }
        header.set_uid(u64::from(st.st_uid));
        header.set_gid(u64::from(st.st_gid));
        header.set_mtime(st.st_mtime.max(0) as u64);
        let accounts = root.accounts();
        for (key, value, user) in [
            ("uname", accounts.users.name(st.st_uid), true),
            ("gname", accounts.groups.name(st.st_gid), false),
        ] {
            if let Some(v) = value {
                let fits = if user {
                    header.set_username(v)
                } else {
                    header.set_groupname(v)
                };
                if fits.is_err() {
                    pax.extend(pax_record(key, v.as_bytes()));
                }
            }
        }
        if let Some(Data::Sparse(_, real, _)) = &data {
            // GNU sparse 1.0 in pax records: the real name and size are in GNU.sparse.*; the
            // ustar name is a stand-in that tar readers without sparse support extract to.
            for (key, value) in [
                ("GNU.sparse.major", b"1".to_vec()),
                ("GNU.sparse.minor", b"0".to_vec()),
                ("GNU.sparse.name", name.clone()),
                ("GNU.sparse.realsize", real.to_string().into_bytes()),
            ] {
                pax.extend(pax_record(key, &value));
            }
            let base = super::walk::base_name(&name);
            let mut stand_in = b"GNUSparseFile.0/".to_vec();
            stand_in.extend_from_slice(&base[..base.len().min(80)]);
            let _ = header.set_path(std::ffi::OsStr::from_bytes(&stand_in));
        } else if header.set_path(std::ffi::OsStr::from_bytes(&name)).is_err() {
            pax.extend(pax_record("path", &name));
            // The ustar fields keep a truncated name for readers without pax support.
            let old = header.as_old_mut();
            old.name = [0; 100];
            let n = name.len().min(99);
            old.name[..n].copy_from_slice(&name[..n]);
            if let Some(u) = header.as_ustar_mut() {
                u.prefix = [0; 155];
            }
        }
        header.set_cksum();
        if !pax.is_empty() {
            let mut ph = Header::new_ustar();
            ph.set_entry_type(EntryType::XHeader);
            ph.set_mode(0o644);
            ph.set_size(pax.len() as u64);
            let label: Vec<u8> = b"PaxHeaders/"
                .iter()
                .chain(super::walk::base_name(&name).iter())
                .copied()
                .take(99)
                .collect();
            let _ = ph.set_path(std::ffi::OsStr::from_bytes(&label));
            ph.set_cksum();
            self.builder.append(&ph, pax.as_slice()).map_err(Err)?;
        }
        match data {
            Some(Data::Sparse(file, _, regions)) => {
                let map = sparse_map_text(&regions);
                let want: u64 = regions.iter().map(|r| r.1).sum();
                let mut r = io::Read::chain(
                    map.as_slice(),
                    Regions {
                        file: &file,
                        regions: &regions,
                        idx: 0,
                        done: 0,
                        got: 0,
                    },
                );
                self.builder.append(&header, &mut r).map_err(Err)?;
                let got = r.into_inner().1.got;
                if got != want {
                    self.changed.push((super::shown(e.path), want, got));
                }
            }
            Some(Data::Bytes(bytes)) => self
                .builder
                .append(&header, bytes.as_slice())
                .map_err(Err)?,
            Some(Data::File(file, size)) => {
                let mut r = Exact {
                    inner: file,
                    left: size,
                    got: 0,
                    eof: false,
                };
                self.builder.append(&header, &mut r).map_err(Err)?;
                // Grown files: more bytes than the header says are left out, like GNU tar.
                let grew = !r.eof && r.inner.read(&mut [0u8; 1]).map(|n| n > 0).unwrap_or(false);
                if r.got != size || grew {
                    let now = if grew { size + 1 } else { r.got };
                    self.changed.push((super::shown(e.path), size, now));
                }
            }
            None => self.builder.append(&header, io::empty()).map_err(Err)?,
        }
        Ok(Added::Yes)
    }

    /// Write the end-of-archive blocks and flush.
    pub fn finish(self) -> io::Result<W> {
        let mut out = self.builder.into_inner()?;
        out.flush()?;
        Ok(out)
    }
}

fn set_link(header: &mut Header, pax: &mut Vec<u8>, target: &[u8]) {
    if target.len() > 100 || header.set_link_name_literal(target).is_err() {
        pax.extend(pax_record("linkpath", target));
        let _ = header.set_link_name_literal(&target[..target.len().min(100)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(member_name(b"/etc/nginx"), b"etc/nginx");
        assert_eq!(member_name(b"/etc/../var//log/"), b"var/log");
        assert_eq!(member_name(b"/"), b".");
        assert_eq!(member_name(b"../../x"), b"x");
    }

    #[test]
    fn pax_lengths() {
        assert_eq!(pax_record("path", b"a"), b"9 path=a\n");
        let r = pax_record("path", &[b'x'; 95]);
        let len: usize = std::str::from_utf8(&r[..r.iter().position(|&b| b == b' ').unwrap()])
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(len, r.len());
    }

    #[test]
    fn sparse_map_is_block_padded_decimal() {
        let m = sparse_map_text(&[(0, 5), (4096, 3), (8192, 0)]);
        assert_eq!(m.len(), 512);
        assert!(m.starts_with(b"3\n0\n5\n4096\n3\n8192\n0\n\0"));
        assert!(m[20..].iter().all(|&b| b == 0));
    }

    #[test]
    fn exact_pads_short_files() {
        let mut r = Exact {
            inner: &b"abc"[..],
            left: 5,
            got: 0,
            eof: false,
        };
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"abc\0\0");
        assert_eq!(r.got, 3);
    }
}
