//! Terminal structures: termios and winsize.

use std::mem::offset_of;

use crate::trace::decode::text::{field, ptr, Memory};
use crate::trace::flags::{self, lookup};

const TERM_IFLAGS: flags::Xlat = &[
    (0o1, "IGNBRK"),
    (0o2, "BRKINT"),
    (0o4, "IGNPAR"),
    (0o10, "PARMRK"),
    (0o20, "INPCK"),
    (0o40, "ISTRIP"),
    (0o100, "INLCR"),
    (0o200, "IGNCR"),
    (0o400, "ICRNL"),
    (0o1000, "IUCLC"),
    (0o2000, "IXON"),
    (0o4000, "IXANY"),
    (0o10000, "IXOFF"),
    (0o20000, "IMAXBEL"),
    (0o40000, "IUTF8"),
];
const TERM_OFLAGS: flags::Xlat = &[
    (0o1, "OPOST"),
    (0o2, "OLCUC"),
    (0o4, "ONLCR"),
    (0o10, "OCRNL"),
    (0o20, "ONOCR"),
    (0o40, "ONLRET"),
    (0o100, "OFILL"),
    (0o200, "OFDEL"),
];
/// c_oflag delay fields: (mask, values, unknown marker), in strace's print order.
const TERM_ODELAYS: [(u64, flags::Xlat, &str); 6] = [
    (0o400, &[(0, "NL0"), (0o400, "NL1")], "NL?"),
    (
        0o3000,
        &[
            (0, "CR0"),
            (0o1000, "CR1"),
            (0o2000, "CR2"),
            (0o3000, "CR3"),
        ],
        "CR?",
    ),
    (
        0o14000,
        &[
            (0, "TAB0"),
            (0o4000, "TAB1"),
            (0o10000, "TAB2"),
            (0o14000, "TAB3"),
        ],
        "TAB?",
    ),
    (0o20000, &[(0, "BS0"), (0o20000, "BS1")], "BS?"),
    (0o40000, &[(0, "VT0"), (0o40000, "VT1")], "VT?"),
    (0o100000, &[(0, "FF0"), (0o100000, "FF1")], "FF?"),
];
const TERM_CFLAGS: flags::Xlat = &[
    (0o100, "CSTOPB"),
    (0o200, "CREAD"),
    (0o400, "PARENB"),
    (0o1000, "PARODD"),
    (0o2000, "HUPCL"),
    (0o4000, "CLOCAL"),
    (0o10000000000, "CMSPAR"),
    (0o20000000000, "CRTSCTS"),
];
const TERM_CSIZE: flags::Xlat = &[(0, "CS5"), (0o20, "CS6"), (0o40, "CS7"), (0o60, "CS8")];
const TERM_LFLAGS: flags::Xlat = &[
    (0o1, "ISIG"),
    (0o2, "ICANON"),
    (0o4, "XCASE"),
    (0o10, "ECHO"),
    (0o20, "ECHOE"),
    (0o40, "ECHOK"),
    (0o100, "ECHONL"),
    (0o200, "NOFLSH"),
    (0o100000, "IEXTEN"),
    (0o1000, "ECHOCTL"),
    (0o2000, "ECHOPRT"),
    (0o4000, "ECHOKE"),
    (0o10000, "FLUSHO"),
    (0o40000, "PENDIN"),
    (0o400, "TOSTOP"),
    (0o200000, "EXTPROC"),
];
const BAUDS: flags::Xlat = &[
    (0, "B0"),
    (1, "B50"),
    (2, "B75"),
    (3, "B110"),
    (4, "B134"),
    (5, "B150"),
    (6, "B200"),
    (7, "B300"),
    (0o10, "B600"),
    (0o11, "B1200"),
    (0o12, "B1800"),
    (0o13, "B2400"),
    (0o14, "B4800"),
    (0o15, "B9600"),
    (0o16, "B19200"),
    (0o17, "B38400"),
    (0o10001, "B57600"),
    (0o10002, "B115200"),
    (0o10003, "B230400"),
    (0o10004, "B460800"),
    (0o10005, "B500000"),
    (0o10006, "B576000"),
    (0o10007, "B921600"),
    (0o10010, "B1000000"),
    (0o10011, "B1152000"),
    (0o10012, "B1500000"),
    (0o10013, "B2000000"),
    (0o10014, "B2500000"),
    (0o10015, "B3000000"),
    (0o10016, "B3500000"),
    (0o10017, "B4000000"),
    (0o10000, "BOTHER"),
];

fn xval(v: u64, table: flags::Xlat, unknown: &str) -> String {
    lookup(v, table).map_or_else(|| format!("{v:#x} /* {unknown} */"), str::to_string)
}

/// `struct termios` (abbreviated): `{c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|…|OPOST|ONLCR,
/// c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|…, ...}`.
pub fn termios(mem: &dyn Memory, addr: u64) -> String {
    // The four flag words (the kernel's struct termios is shorter than libc's after them).
    let Ok(b) = mem.read(addr, offset_of!(libc::termios, c_lflag) + 4) else {
        return ptr(addr);
    };
    let f = |v: Option<libc::tcflag_t>| u64::from(v.unwrap_or(0));
    let (iflag, mut oflag, mut cflag, lflag) = (
        f(field!(&b, libc::termios, c_iflag)),
        f(field!(&b, libc::termios, c_oflag)),
        f(field!(&b, libc::termios, c_cflag)),
        f(field!(&b, libc::termios, c_lflag)),
    );
    let mut o = Vec::new();
    for (mask, table, unknown) in TERM_ODELAYS {
        o.push(xval(oflag & mask, table, unknown));
        oflag &= !mask;
    }
    o.push(flags::flags(oflag, TERM_OFLAGS, "0"));
    let mut c = vec![xval(cflag & 0o10017, BAUDS, "B???")];
    let ibaud = (cflag & 0o2003600000) >> 16;
    if ibaud != 0 {
        c.push(format!("{}<<IBSHIFT", xval(ibaud, BAUDS, "B???")));
    }
    c.push(xval(cflag & 0o60, TERM_CSIZE, "CS?"));
    cflag &= !(0o10017 | 0o2003600000 | 0o60);
    c.push(flags::flags(cflag, TERM_CFLAGS, "0"));
    format!(
        "{{c_iflag={}, c_oflag={}, c_cflag={}, c_lflag={}, ...}}",
        flags::flags(iflag, TERM_IFLAGS, "0"),
        o.join("|"),
        c.join("|"),
        flags::flags(lflag, TERM_LFLAGS, "0")
    )
}

/// `struct winsize`: `{ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}`.
pub fn winsize(mem: &dyn Memory, addr: u64) -> String {
    let Ok(b) = mem.read(addr, size_of::<libc::winsize>()) else {
        return ptr(addr);
    };
    format!(
        "{{ws_row={}, ws_col={}, ws_xpixel={}, ws_ypixel={}}}",
        field!(&b, libc::winsize, ws_row).unwrap_or(0),
        field!(&b, libc::winsize, ws_col).unwrap_or(0),
        field!(&b, libc::winsize, ws_xpixel).unwrap_or(0),
        field!(&b, libc::winsize, ws_ypixel).unwrap_or(0)
    )
}
