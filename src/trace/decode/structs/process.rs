//! Process structures: rlimit, utsname, execve arrays, sysinfo, NUMA node masks, CPU sets and
//! capability sets.

use std::mem::offset_of;

use super::common::array;
use crate::trace::decode::text::{
    field, le_u32, le_u64, ptr, quote, read_u32, read_u64_at, DecodeOpts, Memory,
};
use crate::trace::flags;

fn rlim_value(v: u64) -> String {
    if v == u64::MAX {
        "RLIM64_INFINITY".to_string()
    } else if v > 0 && v.is_multiple_of(1024) {
        format!("{}*1024", v / 1024)
    } else {
        v.to_string()
    }
}

/// `{rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}`.
pub fn rlimit(mem: &dyn Memory, addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    match mem.read(addr, size_of::<libc::rlimit>()) {
        Ok(b) => format!(
            "{{rlim_cur={}, rlim_max={}}}",
            rlim_value(field!(&b, libc::rlimit, rlim_cur).unwrap_or(0)),
            rlim_value(field!(&b, libc::rlimit, rlim_max).unwrap_or(0))
        ),
        Err(_) => ptr(addr),
    }
}

/// `{sysname="Linux", nodename="vm", ...}`.
pub fn utsname(mem: &dyn Memory, addr: u64) -> String {
    // The first two of the six 65-byte fields.
    const LEN: usize = 65;
    let Ok(b) = mem.read(addr, offset_of!(libc::utsname, nodename) + LEN) else {
        return ptr(addr);
    };
    let text = |off: usize| {
        let f = b.get(off..off + LEN).unwrap_or(&[]);
        let end = f.iter().position(|&c| c == 0).unwrap_or(f.len());
        quote(&f[..end])
    };
    format!(
        "{{sysname={}, nodename={}, ...}}",
        text(offset_of!(libc::utsname, sysname)),
        text(offset_of!(libc::utsname, nodename))
    )
}

/// The argv/envp array of execve: `["ls", "-l"]` (strings cut at `-s`), or for the
/// environment `0x7ffc… /* 20 vars */`.
pub fn string_array(mem: &dyn Memory, addr: u64, opts: &DecodeOpts, env: bool) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    // Read the pointer array a page's worth at a time (one process_vm_readv instead of one per
    // entry), falling back to single pointers where a chunk crosses into unmapped memory.
    const CHUNK: usize = 64;
    let mut items = Vec::new();
    let mut count = 0usize;
    'outer: while count <= 65536 {
        let at = addr.wrapping_add((count as u64).wrapping_mul(8));
        let ptrs: Vec<u64> = match mem.read(at, CHUNK * 8) {
            Ok(b) => (0..CHUNK).filter_map(|i| le_u64(&b, i * 8)).collect(),
            Err(_) => match read_u64_at(mem, at) {
                Some(p) => vec![p],
                None if count == 0 => return ptr(addr),
                None => break,
            },
        };
        for p in ptrs {
            if p == 0 {
                break 'outer;
            }
            if !env && count < opts.strsize {
                items.push(crate::trace::decode::text::cstr(mem, p, opts));
            }
            count += 1;
        }
    }
    if env {
        return format!(
            "{} /* {count} var{} */",
            ptr(addr),
            if count == 1 { "" } else { "s" }
        );
    }
    if count > opts.strsize {
        items.push("...".to_string());
    }
    format!("[{}]", items.join(", "))
}

/// `struct sysinfo`, every field (strace prints them all).
pub fn sysinfo(mem: &dyn Memory, addr: u64, opts: &DecodeOpts) -> String {
    // The kernel's struct ends after mem_unit (libc's adds reserved space), padded to 8.
    const LEN: usize = (offset_of!(libc::sysinfo, mem_unit) + 4).next_multiple_of(8);
    let Ok(b) = mem.read(addr, LEN) else {
        return ptr(addr);
    };
    let load = |i: usize| {
        let at = offset_of!(libc::sysinfo, loads) + i * size_of::<libc::c_ulong>();
        u64::from_le_bytes(
            b.get(at..at + 8)
                .and_then(|x| x.try_into().ok())
                .unwrap_or([0; 8]),
        )
    };
    let u = |v: Option<libc::c_ulong>| v.unwrap_or(0);
    format!(
        "{{uptime={}, loads={}, totalram={}, freeram={}, sharedram={}, bufferram={}, \
         totalswap={}, freeswap={}, procs={}, totalhigh={}, freehigh={}, mem_unit={}}}",
        field!(&b, libc::sysinfo, uptime).unwrap_or(0),
        array([load(0), load(1), load(2)].iter().map(u64::to_string), opts),
        u(field!(&b, libc::sysinfo, totalram)),
        u(field!(&b, libc::sysinfo, freeram)),
        u(field!(&b, libc::sysinfo, sharedram)),
        u(field!(&b, libc::sysinfo, bufferram)),
        u(field!(&b, libc::sysinfo, totalswap)),
        u(field!(&b, libc::sysinfo, freeswap)),
        field!(&b, libc::sysinfo, procs).unwrap_or(0),
        u(field!(&b, libc::sysinfo, totalhigh)),
        u(field!(&b, libc::sysinfo, freehigh)),
        field!(&b, libc::sysinfo, mem_unit).unwrap_or(0)
    )
}

/// A NUMA node mask of `maxnode` bits as strace prints it: the kernel reads `maxnode - 1`
/// bits, shown as that many `unsigned long`s in `%#016lx` (`0x00000000000001`; zero has no
/// `0x`: `0000000000000000`), at most `-s` of them. See: strace mem.c, get_nodes().
pub fn nodemask(mem: &dyn Memory, addr: u64, maxnode: u64, opts: &DecodeOpts) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let words = maxnode.saturating_add(62) / 64;
    let shown = usize::try_from(words)
        .unwrap_or(usize::MAX)
        .min(opts.strsize);
    let Ok(b) = mem.read(addr, shown * 8) else {
        return ptr(addr);
    };
    let mut items: Vec<String> = (0..shown)
        .map(|i| match le_u64(&b, i * 8).unwrap_or(0) {
            0 => "0000000000000000".to_string(),
            w => format!("{w:#016x}"),
        })
        .collect();
    if (shown as u64) < words {
        items.push("...".to_string());
    }
    format!("[{}]", items.join(", "))
}

/// A CPU set of `size` bytes: `[0 1]`.
pub fn cpu_set(mem: &dyn Memory, addr: u64, size: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let size = usize::try_from(size.min(8192)).unwrap_or(0);
    let Ok(b) = mem.read(addr, size) else {
        return ptr(addr);
    };
    let mut cpus = Vec::new();
    for (i, byte) in b.iter().enumerate() {
        for bit in 0..8 {
            if byte & (1 << bit) != 0 {
                cpus.push((i * 8 + bit).to_string());
            }
        }
    }
    format!("[{}]", cpus.join(" "))
}

/// Capability versions of capget/capset headers.
const CAP_VERSIONS: flags::Xlat = &[
    (0x1998_0330, "_LINUX_CAPABILITY_VERSION_1"),
    (0x2007_1026, "_LINUX_CAPABILITY_VERSION_2"),
    (0x2008_0522, "_LINUX_CAPABILITY_VERSION_3"),
];

/// `{version=_LINUX_CAPABILITY_VERSION_3, pid=0}`.
pub fn cap_header(mem: &dyn Memory, addr: u64) -> String {
    let Ok(b) = mem.read(addr, size_of::<CapHeader>()) else {
        return ptr(addr);
    };
    format!(
        "{{version={}, pid={}}}",
        flags::xenum(
            u64::from(field!(&b, CapHeader, version).unwrap_or(0)),
            CAP_VERSIONS,
            "_LINUX_CAPABILITY_VERSION_???"
        ),
        field!(&b, CapHeader, pid).unwrap_or(0)
    )
}

/// `struct __user_cap_header_struct` (libc lacks it). See: include/uapi/linux/capability.h.
#[repr(C)]
#[allow(dead_code)] // never built: layouts for offset_of! only
struct CapHeader {
    version: u32,
    pid: i32,
}

/// `struct __user_cap_data_struct`, one per 32 capabilities (libc lacks it).
#[repr(C)]
#[allow(dead_code)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

/// A capability set as strace prints it: `1<<CAP_CHOWN|1<<CAP_KILL`, or `0`.
pub fn cap_set(bits: u64) -> String {
    if bits == 0 {
        return "0".to_string();
    }
    let mut parts = Vec::new();
    for i in 0..64 {
        if bits & (1u64 << i) != 0 {
            match flags::cap_name_known(i) {
                Some(n) => parts.push(format!("1<<{n}")),
                None => parts.push(format!("1<<{i}")),
            }
        }
    }
    parts.join("|")
}

/// The `struct __user_cap_data_struct[2]` of capget/capset (version 2/3 headers).
pub fn cap_data(mem: &dyn Memory, addr: u64, header: u64) -> String {
    let version = read_u32(mem, header).unwrap_or(0);
    let words = if version == 0x1998_0330 { 1 } else { 2 };
    const SIZE: usize = size_of::<CapData>();
    let Ok(b) = mem.read(addr, SIZE * words) else {
        return ptr(addr);
    };
    // Set `off` of the first and (version 2 and 3) second 32-capability word.
    let set = |off: usize| {
        let lo = u64::from(le_u32(&b, off).unwrap_or(0));
        let hi = if words == 2 {
            u64::from(le_u32(&b, SIZE + off).unwrap_or(0))
        } else {
            0
        };
        cap_set(lo | (hi << 32))
    };
    format!(
        "{{effective={}, permitted={}, inheritable={}}}",
        set(offset_of!(CapData, effective)),
        set(offset_of!(CapData, permitted)),
        set(offset_of!(CapData, inheritable))
    )
}
