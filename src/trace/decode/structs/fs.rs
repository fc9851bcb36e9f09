//! File system structures: stat, statx, statfs, dirents, flock, open_how, utimensat times.

use std::mem::offset_of;

use super::common::array;
use super::time::time_comment;
use crate::trace::decode::text::{field, le_u32, ptr, DecodeOpts, Memory};
use crate::trace::flags::{self, lookup};

/// `struct stat` (abbreviated as strace does without `-v`).
pub fn stat(mem: &dyn Memory, addr: u64) -> String {
    let Ok(b) = mem.read(addr, size_of::<libc::stat>()) else {
        return ptr(addr);
    };
    let mode = u64::from(field!(&b, libc::stat, st_mode).unwrap_or(0));
    let rdev = field!(&b, libc::stat, st_rdev).unwrap_or(0);
    let size = field!(&b, libc::stat, st_size).unwrap_or(0);
    let ty = mode & 0o170000;
    if ty == 0o020000 || ty == 0o060000 {
        format!(
            "{{st_mode={}, st_rdev=makedev({:#x}, {:#x}), ...}}",
            flags::symbolic_mode(mode),
            dev_major(rdev),
            dev_minor(rdev)
        )
    } else {
        format!(
            "{{st_mode={}, st_size={size}, ...}}",
            flags::symbolic_mode(mode)
        )
    }
}

fn dev_major(dev: u64) -> u64 {
    ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0xfff)
}

fn dev_minor(dev: u64) -> u64 {
    ((dev >> 12) & 0xffff_ff00) | (dev & 0xff)
}

/// `struct statx` (abbreviated).
pub fn statx(mem: &dyn Memory, addr: u64) -> String {
    let Ok(b) = mem.read(addr, size_of::<libc::statx>()) else {
        return ptr(addr);
    };
    let mask = u64::from(field!(&b, libc::statx, stx_mask).unwrap_or(0));
    let attrs = field!(&b, libc::statx, stx_attributes).unwrap_or(0);
    let mode = u64::from(field!(&b, libc::statx, stx_mode).unwrap_or(0));
    let size = field!(&b, libc::statx, stx_size).unwrap_or(0);
    format!(
        "{{stx_mask={}, stx_attributes={}, stx_mode={}, stx_size={size}, ...}}",
        flags::flags(mask, flags::STATX_MASK, "0"),
        flags::flags(attrs, flags::STATX_ATTRS, "0"),
        flags::symbolic_mode(mode)
    )
}

/// `0x55… /* 5 entries */` for getdents64's buffer of `len` bytes.
pub fn dirents(mem: &dyn Memory, addr: u64, len: i64) -> String {
    let Ok(n) = usize::try_from(len) else {
        return ptr(addr);
    };
    let Ok(b) = mem.read(addr, n) else {
        return ptr(addr);
    };
    let mut count = 0;
    let mut off = 0;
    while off < b.len() {
        let Some(reclen) = field!(&b, off, libc::dirent64, d_reclen) else {
            break;
        };
        if reclen == 0 {
            break;
        }
        count += 1;
        off += usize::from(reclen);
    }
    format!("{} /* {count} entries */", ptr(addr))
}

/// Known file system magic numbers (`f_type`).
const FS_MAGIC: flags::Xlat = &[
    (0xef53, "EXT2_SUPER_MAGIC"),
    (0x01021994, "TMPFS_MAGIC"),
    (0x9fa0, "PROC_SUPER_MAGIC"),
    (0x62656572, "SYSFS_MAGIC"),
    (0x794c7630, "OVERLAYFS_SUPER_MAGIC"),
    (0x58465342, "XFS_SUPER_MAGIC"),
    (0x9123683e, "BTRFS_SUPER_MAGIC"),
    (0x63677270, "CGROUP2_SUPER_MAGIC"),
    (0x27e0eb, "CGROUP_SUPER_MAGIC"),
    (0x1cd1, "DEVPTS_SUPER_MAGIC"),
    (0x6e736673, "NSFS_MAGIC"),
    (0x73717368, "SQUASHFS_MAGIC"),
    (0x65735546, "FUSE_SUPER_MAGIC"),
    (0x6969, "NFS_SUPER_MAGIC"),
    (0x858458f6, "RAMFS_MAGIC"),
    (0x64626720, "DEBUGFS_MAGIC"),
    (0xcafe4a11, "BPF_FS_MAGIC"),
    (0x73636673, "SECURITYFS_MAGIC"),
];

/// Mount flags in `f_flags`.
const ST_FLAGS: flags::Xlat = &[
    (0x20, "ST_VALID"),
    (1, "ST_RDONLY"),
    (2, "ST_NOSUID"),
    (4, "ST_NODEV"),
    (8, "ST_NOEXEC"),
    (16, "ST_SYNCHRONOUS"),
    (64, "ST_MANDLOCK"),
    (128, "ST_WRITE"),
    (256, "ST_APPEND"),
    (512, "ST_IMMUTABLE"),
    (1024, "ST_NOATIME"),
    (2048, "ST_NODIRATIME"),
    (4096, "ST_RELATIME"),
    (0x2000000, "ST_NOSYMFOLLOW"),
];

/// `struct statfs` (strace prints every field).
pub fn statfs(mem: &dyn Memory, addr: u64, opts: &DecodeOpts) -> String {
    let Ok(b) = mem.read(addr, size_of::<libc::statfs>()) else {
        return ptr(addr);
    };
    let fsid = offset_of!(libc::statfs, f_fsid);
    let ftype = field!(&b, libc::statfs, f_type).unwrap_or(0);
    let ftype_text = lookup(ftype, FS_MAGIC).map_or_else(|| format!("{ftype:#x}"), str::to_string);
    format!(
        "{{f_type={ftype_text}, f_bsize={}, f_blocks={}, f_bfree={}, f_bavail={}, f_files={}, \
         f_ffree={}, f_fsid={{val={}}}, f_namelen={}, f_frsize={}, f_flags={}}}",
        field!(&b, libc::statfs, f_bsize).unwrap_or(0) as i64,
        field!(&b, libc::statfs, f_blocks).unwrap_or(0),
        field!(&b, libc::statfs, f_bfree).unwrap_or(0),
        field!(&b, libc::statfs, f_bavail).unwrap_or(0),
        field!(&b, libc::statfs, f_files).unwrap_or(0),
        field!(&b, libc::statfs, f_ffree).unwrap_or(0),
        array(
            [le_u32(&b, fsid), le_u32(&b, fsid + 4)]
                .into_iter()
                .map(|v| match v.unwrap_or(0) {
                    0 => "0".to_string(),
                    x => format!("{x:#x}"),
                }),
            opts
        ),
        field!(&b, libc::statfs, f_namelen).unwrap_or(0) as i64,
        field!(&b, libc::statfs, f_frsize).unwrap_or(0) as i64,
        flags::flags(
            field!(&b, libc::statfs, f_flags).unwrap_or(0),
            ST_FLAGS,
            "0"
        )
    )
}

/// utimensat's two timestamps: `[{tv_sec=0, tv_nsec=0}, {tv_sec=0, tv_nsec=UTIME_NOW}]`.
pub fn utime_timespecs(mem: &dyn Memory, addr: u64, opts: &DecodeOpts) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    const SIZE: usize = size_of::<libc::timespec>();
    let Ok(b) = mem.read(addr, 2 * SIZE) else {
        return ptr(addr);
    };
    let one = |off: usize| {
        let sec = field!(&b, off, libc::timespec, tv_sec).unwrap_or(0);
        let nsec = field!(&b, off, libc::timespec, tv_nsec).unwrap_or(0);
        match nsec {
            libc::UTIME_NOW => format!("{{tv_sec={sec}, tv_nsec=UTIME_NOW}}"),
            libc::UTIME_OMIT => format!("{{tv_sec={sec}, tv_nsec=UTIME_OMIT}}"),
            n => match time_comment(sec, n) {
                Some(c) => format!("{{tv_sec={sec}, tv_nsec={n}}} /* {c} */"),
                None => format!("{{tv_sec={sec}, tv_nsec={n}}}"),
            },
        }
    };
    array([one(0), one(SIZE)].into_iter(), opts)
}

/// `{l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=0}` (struct flock).
pub fn flock(mem: &dyn Memory, addr: u64, with_pid: bool) -> String {
    let Ok(b) = mem.read(addr, size_of::<libc::flock>()) else {
        return ptr(addr);
    };
    const TYPES: flags::Xlat = &[(0, "F_RDLCK"), (1, "F_WRLCK"), (2, "F_UNLCK")];
    let ty = u64::from(field!(&b, libc::flock, l_type).unwrap_or(0) as u16);
    let whence = u64::from(field!(&b, libc::flock, l_whence).unwrap_or(0) as u16);
    let mut s = format!(
        "{{l_type={}, l_whence={}, l_start={}, l_len={}",
        flags::xenum(ty, TYPES, "F_???"),
        flags::xenum(whence, flags::WHENCE, "SEEK_???"),
        field!(&b, libc::flock, l_start).unwrap_or(0),
        field!(&b, libc::flock, l_len).unwrap_or(0)
    );
    if with_pid {
        s.push_str(&format!(
            ", l_pid={}",
            field!(&b, libc::flock, l_pid).unwrap_or(0)
        ));
    }
    s.push('}');
    s
}

/// `struct open_how`: `{flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_IN_ROOT}` (mode only when
/// creating or set).
pub fn open_how(mem: &dyn Memory, addr: u64, size: u64) -> String {
    if size < 24 {
        return ptr(addr);
    }
    let Ok(b) = mem.read(addr, size_of::<libc::open_how>()) else {
        return ptr(addr);
    };
    let fl = field!(&b, libc::open_how, flags).unwrap_or(0);
    let mode = field!(&b, libc::open_how, mode).unwrap_or(0);
    let resolve = field!(&b, libc::open_how, resolve).unwrap_or(0);
    let mut s = format!("{{flags={}", flags::open_flags(fl));
    if fl & (libc::O_CREAT as u64 | 0o20000000) != 0 || mode != 0 {
        s.push_str(&format!(", mode={}", flags::mode(mode)));
    }
    s.push_str(&format!(
        ", resolve={}}}",
        flags::flags(resolve, flags::RESOLVE_FLAGS, "0")
    ));
    s
}
