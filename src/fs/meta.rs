//! File metadata as GNU ls and stat show it: type letters, mode strings, sizes, times.

/// The type of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Regular file.
    File,
    /// Directory.
    Dir,
    /// Symbolic link.
    Symlink,
    /// Named pipe.
    Fifo,
    /// Unix socket.
    Socket,
    /// Character device.
    Char,
    /// Block device.
    Block,
    /// Anything else.
    Unknown,
}

impl Kind {
    /// From `st_mode`.
    pub fn of(mode: u32) -> Kind {
        match mode & libc::S_IFMT {
            libc::S_IFREG => Kind::File,
            libc::S_IFDIR => Kind::Dir,
            libc::S_IFLNK => Kind::Symlink,
            libc::S_IFIFO => Kind::Fifo,
            libc::S_IFSOCK => Kind::Socket,
            libc::S_IFCHR => Kind::Char,
            libc::S_IFBLK => Kind::Block,
            _ => Kind::Unknown,
        }
    }

    /// From a `d_type`, when the file system reports one (`DT_UNKNOWN` gives None).
    pub fn of_dtype(t: u8) -> Option<Kind> {
        Some(match t {
            libc::DT_REG => Kind::File,
            libc::DT_DIR => Kind::Dir,
            libc::DT_LNK => Kind::Symlink,
            libc::DT_FIFO => Kind::Fifo,
            libc::DT_SOCK => Kind::Socket,
            libc::DT_CHR => Kind::Char,
            libc::DT_BLK => Kind::Block,
            _ => return None,
        })
    }

    /// The letter of `ls -l` and `find -type`.
    pub fn letter(self) -> char {
        match self {
            Kind::File => '-',
            Kind::Dir => 'd',
            Kind::Symlink => 'l',
            Kind::Fifo => 'p',
            Kind::Socket => 's',
            Kind::Char => 'c',
            Kind::Block => 'b',
            Kind::Unknown => '?',
        }
    }

    /// Words, as GNU stat prints them.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::File => "regular file",
            Kind::Dir => "directory",
            Kind::Symlink => "symbolic link",
            Kind::Fifo => "FIFO",
            Kind::Socket => "socket",
            Kind::Char => "character special file",
            Kind::Block => "block special file",
            Kind::Unknown => "weird file",
        }
    }
}

/// `drwxr-xr-x`-style mode string, with setuid/setgid/sticky letters as ls prints them.
pub fn mode_string(mode: u32) -> String {
    let mut s = String::with_capacity(10);
    s.push(Kind::of(mode).letter());
    let bit = |b: u32, c: char| if mode & b != 0 { c } else { '-' };
    let special = |x: u32, sp: u32, on: char, off: char| match (mode & x != 0, mode & sp != 0) {
        (true, true) => on,
        (false, true) => off,
        (true, false) => 'x',
        (false, false) => '-',
    };
    s.push(bit(0o400, 'r'));
    s.push(bit(0o200, 'w'));
    s.push(special(0o100, 0o4000, 's', 'S'));
    s.push(bit(0o040, 'r'));
    s.push(bit(0o020, 'w'));
    s.push(special(0o010, 0o2000, 's', 'S'));
    s.push(bit(0o004, 'r'));
    s.push(bit(0o002, 'w'));
    s.push(special(0o001, 0o1000, 't', 'T'));
    s
}

/// `ls -h` size: powers of 1024, rounded up, one decimal below 10 (`4.0K`, `12K`, `1.5M`).
pub fn human(size: u64) -> String {
    const UNITS: [&str; 7] = ["", "K", "M", "G", "T", "P", "E"];
    if size < 1024 {
        return size.to_string();
    }
    let mut value = size as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value < 10.0 {
        let v = (value * 10.0).ceil() / 10.0;
        if v >= 10.0 {
            format!("{}{}", v as u64, UNITS[unit])
        } else {
            format!("{v:.1}{}", UNITS[unit])
        }
    } else {
        let v = value.ceil();
        if v >= 1024.0 && unit < UNITS.len() - 1 {
            format!("1.0{}", UNITS[unit + 1])
        } else {
            format!("{}{}", v as u64, UNITS[unit])
        }
    }
}

/// A civil date and time in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    /// Year.
    pub year: i64,
    /// Month, 1–12.
    pub month: u32,
    /// Day of month, 1–31.
    pub day: u32,
    /// Hour.
    pub hour: u32,
    /// Minute.
    pub minute: u32,
    /// Second.
    pub second: u32,
}

impl Civil {
    /// From seconds since the epoch (UTC). Days to a date by the proleptic Gregorian calendar
    /// (400-year eras of 146,097 days).
    pub fn from_epoch(secs: i64) -> Civil {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (year, month, day) = crate::output::civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
        }
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `ls -l` time (UTC): `Nov 26 05:49` within the last six months, else `Nov 26  2025`.
pub fn ls_time(mtime: i64, now: i64) -> String {
    let c = Civil::from_epoch(mtime);
    let mon = MONTHS[(c.month as usize).saturating_sub(1) % 12];
    const SIX_MONTHS: i64 = 31_556_952 / 2;
    if mtime > now - SIX_MONTHS && mtime <= now + 60 {
        format!("{mon} {:>2} {:02}:{:02}", c.day, c.hour, c.minute)
    } else {
        format!("{mon} {:>2}  {}", c.day, c.year)
    }
}

/// `stat` time: `2026-11-26 05:49:55.123456789 +0000`.
pub fn full_time(secs: i64, nsec: i64) -> String {
    let c = Civil::from_epoch(secs);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:09} +0000",
        c.year, c.month, c.day, c.hour, c.minute, c.second, nsec
    )
}

/// The current time in seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Major and minor numbers of a device number. See: makedev(3).
pub fn dev_split(dev: u64) -> (u64, u64) {
    let major = ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0xfff);
    let minor = ((dev >> 12) & 0xffff_ff00) | (dev & 0xff);
    (major, minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        assert_eq!(mode_string(0o040755), "drwxr-xr-x");
        assert_eq!(mode_string(0o100644), "-rw-r--r--");
        assert_eq!(mode_string(0o104755), "-rwsr-xr-x");
        assert_eq!(mode_string(0o041777), "drwxrwxrwt");
        assert_eq!(mode_string(0o120777), "lrwxrwxrwx");
        assert_eq!(mode_string(0o010600), "prw-------");
        assert_eq!(mode_string(0o102644), "-rw-r-Sr--");
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human(0), "0");
        assert_eq!(human(1023), "1023");
        assert_eq!(human(1024), "1.0K");
        assert_eq!(human(1025), "1.1K");
        assert_eq!(human(4096), "4.0K");
        assert_eq!(human(12 * 1024), "12K");
        assert_eq!(human(1536 * 1024), "1.5M");
    }

    #[test]
    fn civil_dates() {
        assert_eq!(
            Civil::from_epoch(0),
            Civil {
                year: 1970,
                month: 1,
                day: 1,
                hour: 0,
                minute: 0,
                second: 0
            }
        );
        // 2000-02-29 12:34:56 UTC
        assert_eq!(
            Civil::from_epoch(951_827_696),
            Civil {
                year: 2000,
                month: 2,
                day: 29,
                hour: 12,
                minute: 34,
                second: 56
            }
        );
        assert_eq!(ls_time(951_827_696, 951_827_696 + 10), "Feb 29 12:34");
        assert_eq!(
            ls_time(951_827_696, 951_827_696 + 400 * 86_400),
            "Feb 29  2000"
        );
    }

    #[test]
    fn devices() {
        // makedev(136, 3) as glibc builds it.
        let dev = (136u64 << 8) | 3;
        assert_eq!(dev_split(dev), (136, 3));
    }
}

/// One file's metadata for `-o json` (ls, stat).
///
/// File names are bytes: `path` and `link` are the names as UTF-8 text, exact whenever the name
/// is valid UTF-8 (JSON escapes control characters such as ESC and newline, losslessly). A name
/// that is not valid UTF-8 has its invalid bytes shown as U+FFFD there, and then, and only then,
/// `path_base64` / `link_base64` carry the exact bytes (standard base64, RFC 4648 with padding).
#[derive(Clone, Debug, serde::Serialize)]
pub struct FileInfo {
    /// Path inside the root (UTF-8; lossy only when `path_base64` is present).
    pub path: String,
    /// The exact bytes of a path that is not valid UTF-8, base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_base64: Option<String>,
    /// `file`, `directory`, `symlink`, `fifo`, `socket`, `char-device`, `block-device`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `-rw-r--r--`.
    pub mode: String,
    /// Permission bits in octal, e.g. `0644`.
    pub perm: String,
    /// Hard links.
    pub links: u64,
    /// Owner UID.
    pub uid: u32,
    /// Owner name from the root's /etc/passwd, if it names the UID.
    pub user: Option<String>,
    /// Group GID.
    pub gid: u32,
    /// Group name from the root's /etc/group, if it names the GID.
    pub group: Option<String>,
    /// Size in bytes.
    pub size: i64,
    /// Modification time, seconds since the epoch.
    pub mtime: i64,
    /// Inode number.
    pub inode: u64,
    /// Target of a symlink (UTF-8; lossy only when `link_base64` is present).
    pub link: Option<String>,
    /// The exact bytes of a symlink target that is not valid UTF-8, base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_base64: Option<String>,
    /// `major,minor` of a device file.
    pub device: Option<String>,
}

impl FileInfo {
    /// From a status and what the root's accounts say.
    pub fn new(
        path: &[u8],
        st: &libc::stat,
        link: Option<&[u8]>,
        accounts: &crate::target::Accounts,
    ) -> FileInfo {
        let kind = Kind::of(st.st_mode);
        FileInfo {
            path: String::from_utf8_lossy(path).into_owned(),
            path_base64: base64_if_not_utf8(path),
            kind: match kind {
                Kind::File => "file",
                Kind::Dir => "directory",
                Kind::Symlink => "symlink",
                Kind::Fifo => "fifo",
                Kind::Socket => "socket",
                Kind::Char => "char-device",
                Kind::Block => "block-device",
                Kind::Unknown => "unknown",
            },
            mode: mode_string(st.st_mode),
            perm: format!("{:04o}", st.st_mode & 0o7777),
            // nlink_t is u64 on x86_64, u32 on aarch64.
            #[allow(clippy::useless_conversion)]
            links: u64::from(st.st_nlink),
            uid: st.st_uid,
            user: accounts.users.name(st.st_uid).map(str::to_string),
            gid: st.st_gid,
            group: accounts.groups.name(st.st_gid).map(str::to_string),
            size: st.st_size,
            mtime: st.st_mtime,
            inode: st.st_ino,
            link: link.map(|l| String::from_utf8_lossy(l).into_owned()),
            link_base64: link.and_then(base64_if_not_utf8),
            device: matches!(kind, Kind::Char | Kind::Block).then(|| {
                let (ma, mi) = dev_split(st.st_rdev);
                format!("{ma},{mi}")
            }),
        }
    }
}

/// The base64 of `name` when it is not valid UTF-8 (its lossy text form would lose bytes).
pub fn base64_if_not_utf8(name: &[u8]) -> Option<String> {
    std::str::from_utf8(name)
        .is_err()
        .then(|| crate::output::base64(name))
}
