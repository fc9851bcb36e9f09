//! `export`: a POSIX pax tar stream of files from the root (ustar headers, with pax extended
//! headers only where ustar cannot hold a value: long names, large sizes or ids).
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
    /// A pseudo-file-system file, read in advance (its size is known only after reading).
    Bytes(Vec<u8>),
}

impl Data {
    fn size(&self) -> u64 {
        match self {
            Data::File(_, size) => *size,
            Data::Bytes(b) => b.len() as u64,
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
                            Data::File(file, size)
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
        if header.set_path(std::ffi::OsStr::from_bytes(&name)).is_err() {
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
