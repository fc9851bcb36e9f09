//! Unit tests over a fake address space: each decoder family, unreadable and hostile memory,
//! and the entry/exit split the engine relies on for `<unfinished ...>` / `<... resumed>`.
//!
//! Expected strings are lines real strace 6.1 printed for the same values (the golden tests
//! in `tests/trace_golden.rs` check the same decoders, through `toolbox trace`, against strace on
//! live programs).

use std::collections::BTreeMap;
use std::io;

use super::*;
use crate::trace::syscalls;

/// A sparse address space: reads inside a region succeed, anything else is EFAULT.
#[derive(Default)]
struct FakeMem {
    regions: BTreeMap<u64, Vec<u8>>,
    fds: BTreeMap<i32, Vec<u8>>,
}

impl FakeMem {
    fn put(&mut self, addr: u64, bytes: &[u8]) -> u64 {
        self.regions.insert(addr, bytes.to_vec());
        addr
    }

    fn region(&self, addr: u64) -> Option<(&u64, &Vec<u8>)> {
        self.regions
            .range(..=addr)
            .next_back()
            .filter(|(start, b)| addr < **start + b.len() as u64)
    }
}

impl Memory for FakeMem {
    fn read(&self, addr: u64, len: usize) -> io::Result<Vec<u8>> {
        let efault = || io::Error::from_raw_os_error(libc::EFAULT);
        let (start, b) = self.region(addr).ok_or_else(efault)?;
        let off = (addr - start) as usize;
        b.get(off..off + len).map(<[u8]>::to_vec).ok_or_else(efault)
    }

    fn read_cstr(&self, addr: u64, max: usize) -> io::Result<(Vec<u8>, bool)> {
        let (start, b) = self
            .region(addr)
            .ok_or_else(|| io::Error::from_raw_os_error(libc::EFAULT))?;
        let tail = &b[(addr - start) as usize..];
        let window = &tail[..tail.len().min(max)];
        match window.iter().position(|&c| c == 0) {
            Some(z) => Ok((window[..z].to_vec(), false)),
            None if window.len() == max => Ok((window.to_vec(), true)),
            None => Err(io::Error::from_raw_os_error(libc::EFAULT)),
        }
    }

    fn fd_path(&self, fd: i32) -> Option<Vec<u8>> {
        self.fds.get(&fd).cloned()
    }
}

fn nr(name: &str) -> u64 {
    syscalls::number(name).unwrap_or_else(|| panic!("no syscall {name}"))
}

/// Format one call as a full strace line.
fn line(mem: &FakeMem, opts: &DecodeOpts, name: &str, args: [u64; 6], ret: i64) -> String {
    let n = nr(name);
    let entry = format_args_enter(n, &args, mem, opts);
    let (a, r) = format_call_exit(n, &args, ret, mem, opts, &entry);
    format!("{name}({a}) = {r}")
}

fn sockaddr_in(port: u16, ip: [u8; 4]) -> Vec<u8> {
    let mut b = vec![2, 0];
    b.extend_from_slice(&port.to_be_bytes());
    b.extend_from_slice(&ip);
    b.extend_from_slice(&[0; 8]);
    b
}

#[test]
fn accept4_prints_peer_and_addrlen_change() {
    // strace: accept4(9, {sa_family=AF_INET, sin_port=htons(33154),
    //         sin_addr=inet_addr("127.0.0.1")}, [112 => 16], SOCK_NONBLOCK) = 6
    let mut mem = FakeMem::default();
    let addr = mem.put(0x1000, &[0; 112]);
    let lenp = mem.put(0x2000, &112u32.to_le_bytes());
    let opts = DecodeOpts::default();
    let args = [9, addr, lenp, libc::SOCK_NONBLOCK as u64, 0, 0];
    let entry = format_args_enter(nr("accept4"), &args, &mem, &opts);
    assert_eq!(entry.text, "9, ");
    // The kernel fills in the peer and shrinks *addrlen.
    mem.put(0x1000, &sockaddr_in(33154, [127, 0, 0, 1]));
    mem.put(0x2000, &16u32.to_le_bytes());
    let (a, r) = format_call_exit(nr("accept4"), &args, 6, &mem, &opts, &entry);
    assert_eq!(
        a,
        "9, {sa_family=AF_INET, sin_port=htons(33154), sin_addr=inet_addr(\"127.0.0.1\")}, \
         [112 => 16], SOCK_NONBLOCK"
    );
    assert_eq!(r, "6");
    // Failed accept: the address stays a pointer, the length shows its old value.
    let (a, r) = format_call_exit(nr("accept4"), &args, -11, &mem, &opts, &entry);
    assert_eq!(a, "9, 0x1000, [112], SOCK_NONBLOCK");
    assert_eq!(r, "-1 EAGAIN (Resource temporarily unavailable)");
}

#[test]
fn sockaddr_families() {
    let mut mem = FakeMem::default();
    let opts = DecodeOpts::default();
    // connect(4, {sa_family=AF_INET6, sin6_port=htons(1), sin6_flowinfo=htonl(0),
    //   inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = -1 ECONNREFUSED
    let mut v6 = vec![10, 0, 0, 1, 0, 0, 0, 0];
    v6.extend_from_slice(&std::net::Ipv6Addr::LOCALHOST.octets());
    v6.extend_from_slice(&[0; 4]);
    let a = mem.put(0x1000, &v6);
    assert_eq!(
        line(&mem, &opts, "connect", [4, a, 28, 0, 0, 0], -111),
        "connect(4, {sa_family=AF_INET6, sin6_port=htons(1), sin6_flowinfo=htonl(0), \
         inet_pton(AF_INET6, \"::1\", &sin6_addr), sin6_scope_id=0}, 28) = \
         -1 ECONNREFUSED (Connection refused)"
    );
    // connect(6, {sa_family=AF_UNIX, sun_path="/nonexist"}, 12) = -1 ENOENT
    let a = mem.put(0x3000, b"\x01\x00/nonexist\0");
    assert_eq!(
        line(&mem, &opts, "connect", [6, a, 12, 0, 0, 0], -2),
        "connect(6, {sa_family=AF_UNIX, sun_path=\"/nonexist\"}, 12) = \
         -1 ENOENT (No such file or directory)"
    );
    // getsockname(6, {sa_family=AF_UNIX}, [110 => 2]) = 0 (unnamed socket)
    let a = mem.put(0x4000, &[1, 0, 0, 0]);
    let lenp = mem.put(0x5000, &110u32.to_le_bytes());
    let args = [6, a, lenp, 0, 0, 0];
    let entry = format_args_enter(nr("getsockname"), &args, &mem, &opts);
    mem.put(0x5000, &2u32.to_le_bytes());
    let (text, _) = format_call_exit(nr("getsockname"), &args, 0, &mem, &opts, &entry);
    assert_eq!(text, "6, {sa_family=AF_UNIX}, [110 => 2]");
    // bind(3, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 0
    let a = mem.put(0x6000, &[16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(
        line(&mem, &opts, "bind", [3, a, 12, 0, 0, 0], 0),
        "bind(3, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 0"
    );
}

#[test]
fn strings_are_cut_escaped_and_fall_back_to_addresses() {
    let mut mem = FakeMem::default();
    let opts = DecodeOpts::default();
    let long = mem.put(0x1000, &[b'a'; 64]);
    assert_eq!(
        line(&mem, &opts, "write", [1, long, 64, 0, 0, 0], 64),
        format!("write(1, \"{}\"..., 64) = 64", "a".repeat(32))
    );
    // Exactly -s bytes: no ellipsis.
    assert_eq!(
        line(&mem, &opts, "write", [1, long, 32, 0, 0, 0], 32),
        format!("write(1, \"{}\", 32) = 32", "a".repeat(32))
    );
    // A terminal escape sequence in tracee data stays inert.
    let esc = mem.put(0x2000, b"\x1b]0;pwned\x07\n");
    assert_eq!(
        line(&mem, &opts, "write", [1, esc, 11, 0, 0, 0], 11),
        "write(1, \"\\33]0;pwned\\7\\n\", 11) = 11"
    );
    // Unreadable buffers and paths print as addresses.
    assert_eq!(
        line(&mem, &opts, "write", [1, 0xdead0000, 5, 0, 0, 0], -14),
        "write(1, 0xdead0000, 5) = -1 EFAULT (Bad address)"
    );
    assert_eq!(
        line(
            &mem,
            &opts,
            "openat",
            [libc::AT_FDCWD as u64, 0xdead0000, 0, 0, 0, 0],
            -14
        ),
        "openat(AT_FDCWD, 0xdead0000, O_RDONLY) = -1 EFAULT (Bad address)"
    );
    // A read that failed shows the buffer address, a successful one the data read.
    let buf = mem.put(0x3000, b"hello world");
    assert_eq!(
        line(&mem, &opts, "read", [3, buf, 100, 0, 0, 0], -11),
        "read(3, 0x3000, 100) = -1 EAGAIN (Resource temporarily unavailable)"
    );
    assert_eq!(
        line(&mem, &opts, "read", [3, buf, 100, 0, 0, 0], 5),
        "read(3, \"hello\", 100) = 5"
    );
}

#[test]
fn iovecs_show_only_what_was_transferred() {
    // readv(8, [{iov_base="ab", iov_len=2}, {iov_base="c", iov_len=2}], 2) = 3
    let mut mem = FakeMem::default();
    let opts = DecodeOpts::default();
    mem.put(0x1000, b"ab");
    mem.put(0x2000, b"cd");
    let mut iov = Vec::new();
    for (base, len) in [(0x1000u64, 2u64), (0x2000, 2)] {
        iov.extend_from_slice(&base.to_le_bytes());
        iov.extend_from_slice(&len.to_le_bytes());
    }
    let v = mem.put(0x3000, &iov);
    assert_eq!(
        line(&mem, &opts, "readv", [8, v, 2, 0, 0, 0], 3),
        "readv(8, [{iov_base=\"ab\", iov_len=2}, {iov_base=\"c\", iov_len=2}], 2) = 3"
    );
    assert_eq!(
        line(&mem, &opts, "writev", [1, v, 2, 0, 0, 0], 4),
        "writev(1, [{iov_base=\"ab\", iov_len=2}, {iov_base=\"cd\", iov_len=2}], 2) = 4"
    );
}

#[test]
fn fd_paths_with_y() {
    let mut mem = FakeMem::default();
    mem.fds.insert(3, b"/var/log/nginx/access.log".to_vec());
    mem.fds.insert(6, b"socket:[123]".to_vec());
    let opts = DecodeOpts {
        fd_paths: true,
        ..DecodeOpts::default()
    };
    let data = mem.put(0x1000, b"x");
    assert_eq!(
        line(&mem, &opts, "write", [3, data, 1, 0, 0, 0], 1),
        "write(3</var/log/nginx/access.log>, \"x\", 1) = 1"
    );
    assert_eq!(
        line(&mem, &opts, "close", [6, 0, 0, 0, 0, 0], 0),
        "close(6<socket:[123]>) = 0"
    );
    let path = mem.put(0x2000, b"/var/log/nginx/access.log\0");
    let flags = (libc::O_WRONLY | libc::O_APPEND | libc::O_CLOEXEC) as u64;
    // pid 0: no /proc look-up for AT_FDCWD's directory.
    assert_eq!(
        line(
            &mem,
            &opts,
            "openat",
            [libc::AT_FDCWD as u64, path, flags, 0, 0, 0],
            3
        ),
        "openat(AT_FDCWD, \"/var/log/nginx/access.log\", O_WRONLY|O_APPEND|O_CLOEXEC) = \
         3</var/log/nginx/access.log>"
    );
}

#[test]
fn signals_and_masks() {
    // rt_sigprocmask(SIG_BLOCK, [CHLD], [], 8) = 0
    let mut mem = FakeMem::default();
    let opts = DecodeOpts::default();
    let set = mem.put(0x1000, &(1u64 << (libc::SIGCHLD - 1)).to_le_bytes());
    let old = mem.put(0x2000, &0u64.to_le_bytes());
    assert_eq!(
        line(&mem, &opts, "rt_sigprocmask", [0, set, old, 8, 0, 0], 0),
        "rt_sigprocmask(SIG_BLOCK, [CHLD], [], 8) = 0"
    );
    assert_eq!(
        line(&mem, &opts, "kill", [42, 15, 0, 0, 0, 0], 0),
        "kill(42, SIGTERM) = 0"
    );
    assert_eq!(
        line(&mem, &opts, "exit_group", [0, 0, 0, 0, 0, 0], 0),
        "exit_group(0) = ?"
    );
    assert_eq!(
        line(&mem, &opts, "pause", [0; 6], -514),
        "pause() = ? ERESTARTNOHAND (To be restarted if no handler)"
    );
}

#[test]
fn unknown_numbers_print_raw() {
    let mem = FakeMem::default();
    let opts = DecodeOpts::default();
    let args = [1, 0x20, 0, 0, 0, 0];
    let entry = format_args_enter(1000, &args, &mem, &opts);
    let (a, r) = format_call_exit(1000, &args, -38, &mem, &opts, &entry);
    assert_eq!(syscall_name(1000), "syscall_0x3e8");
    assert_eq!(a, "0x1, 0x20, 0, 0, 0, 0");
    assert_eq!(r, "-1 ENOSYS (Function not implemented)");
}

#[test]
fn json_form() {
    let mut mem = FakeMem::default();
    let opts = DecodeOpts::default();
    let path = mem.put(0x1000, b"/nope\0");
    let args = [libc::AT_FDCWD as u64, path, 0, 0, 0, 0];
    let entry = format_args_enter(nr("openat"), &args, &mem, &opts);
    let v = decode_json(nr("openat"), &args, -2, &mem, &opts, &entry);
    assert_eq!(v["name"], "openat");
    assert_eq!(v["args"][1], "\"/nope\"");
    assert_eq!(v["retval"], -2);
    assert_eq!(v["errno"], "ENOENT");
}

/// xorshift64*: deterministic noise without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Every syscall number, hostile memory and arguments: no panic, and the exit text always
/// extends the entry text (the engine prints the difference after `<... NAME resumed>`).
#[test]
fn hostile_input_never_panics_and_exit_extends_entry() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut mem = FakeMem::default();
    for i in 0..8u64 {
        let len = 16 + (rng.next() % 600) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        mem.put(0x10_0000 * (i + 1), &bytes);
    }
    mem.fds.insert(3, b"/a\x1b[2J<b>".to_vec());
    let specials = [
        0u64,
        1,
        u64::MAX,
        0x10_0000,
        0x20_0008,
        0x30_0100,
        0xdead_0000,
        4096,
        112,
    ];
    for opts in [
        DecodeOpts::default(),
        DecodeOpts {
            strsize: 0,
            fd_paths: true,
            pid: 0,
        },
    ] {
        for nr in (0..super::super::syscalls::MAX_NR as u64 + 3).chain([u64::MAX]) {
            for round in 0..6 {
                let mut args = [0u64; 6];
                for a in &mut args {
                    let r = rng.next();
                    *a = if round % 2 == 0 {
                        specials[(r % specials.len() as u64) as usize]
                    } else {
                        r
                    };
                }
                let entry = format_args_enter(nr, &args, &mem, &opts);
                for ret in [0i64, 3, -1, -4095, -512, i64::MAX, rng.next() as i64] {
                    let (a, r) = format_call_exit(nr, &args, ret, &mem, &opts, &entry);
                    assert!(
                        a.starts_with(&entry.text),
                        "{}: exit {a:?} does not extend entry {:?}",
                        syscall_name(nr),
                        entry.text
                    );
                    assert!(!r.is_empty());
                    for c in a.chars().chain(r.chars()) {
                        assert!(!c.is_control(), "control character in {a:?} = {r:?}");
                    }
                }
            }
        }
    }
}

fn siginfo_raw(signo: i32, code: i32, fields: &[(usize, u64)]) -> Vec<u8> {
    let mut b = vec![0u8; 128];
    b[0..4].copy_from_slice(&signo.to_le_bytes());
    b[8..12].copy_from_slice(&code.to_le_bytes());
    for &(off, v) in fields {
        b[off..off + 8].copy_from_slice(&v.to_le_bytes());
    }
    b
}

#[test]
fn siginfo_as_strace_prints_it() {
    // --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x7fb2000000a9} ---
    let segv = siginfo_raw(libc::SIGSEGV, 1, &[(16, 0x7fb2_0000_00a9)]);
    assert_eq!(
        format_siginfo(&segv),
        "{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x7fb2000000a9}"
    );
    // rt_sigtimedwait([USR1], {si_signo=SIGUSR1, si_code=SI_USER, si_pid=24322, si_uid=0}, …)
    let user = siginfo_raw(libc::SIGUSR1, 0, &[(16, 24322)]);
    assert_eq!(
        format_siginfo(&user),
        "{si_signo=SIGUSR1, si_code=SI_USER, si_pid=24322, si_uid=0}"
    );
    // --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=24363, si_uid=0,
    //     si_status=SIGKILL, si_utime=0, si_stime=0} ---
    let chld = siginfo_raw(libc::SIGCHLD, 2, &[(16, 24363), (24, 9)]);
    assert_eq!(
        format_siginfo(&chld),
        "{si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=24363, si_uid=0, si_status=SIGKILL, \
         si_utime=0, si_stime=0}"
    );
    // Short or garbage input does not panic.
    let _ = format_siginfo(&[]);
    let _ = format_siginfo(&[0xff; 7]);
}

#[test]
fn unfinished_split_points_follow_strace_6_1() {
    let mut mem = FakeMem::default();
    let opts = DecodeOpts::default();
    // clone: strace 6.1 prints child_stack and flags at entry, the separator and tid pointer
    // at exit: `clone(child_stack=NULL, flags=…|SIGCHLD <unfinished ...>` then
    // `<... clone resumed>, child_tidptr=0x7f34da02ce50) = 10866`.
    let flags = (libc::CLONE_CHILD_CLEARTID | libc::CLONE_CHILD_SETTID | libc::SIGCHLD) as u64;
    let args = [flags, 0, 0, 0x7f34_da02_ce50, 0, 0];
    let entry = format_args_enter(nr("clone"), &args, &mem, &opts);
    assert_eq!(
        entry.text,
        "child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD"
    );
    let (a, r) = format_call_exit(nr("clone"), &args, 10866, &mem, &opts, &entry);
    assert_eq!(
        a.strip_prefix(&entry.text),
        Some(", child_tidptr=0x7f34da02ce50")
    );
    assert_eq!(r, "10866");
    // wait4: `wait4(10866,  <unfinished ...>` then
    // `<... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 10866`.
    let status = mem.put(0x1000, &(3u32 << 8).to_le_bytes());
    let args = [10866, status, 0, 0, 0, 0];
    let entry = format_args_enter(nr("wait4"), &args, &mem, &opts);
    assert_eq!(entry.text, "10866, ");
    let (a, _) = format_call_exit(nr("wait4"), &args, 10866, &mem, &opts, &entry);
    assert_eq!(
        a.strip_prefix(&entry.text),
        Some("[{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL")
    );
}

#[test]
fn time_comments_match_gnu_date() {
    // Expected values from `date -u -d @N +%FT%T`.
    use super::structs::time_comment;
    assert_eq!(
        time_comment(1_700_000_000, 5).as_deref(),
        Some("2023-11-14T22:13:20.000000005+0000")
    );
    assert_eq!(
        time_comment(-86_401, 0).as_deref(),
        Some("1969-12-30T23:59:59+0000")
    );
    assert_eq!(
        time_comment(951_782_400, 0).as_deref(),
        Some("2000-02-29T00:00:00+0000")
    );
    assert_eq!(time_comment(0, 0), None);
    assert_eq!(time_comment(1, 1_000_000_000), None);
    let _ = time_comment(i64::MAX, 0);
    let _ = time_comment(i64::MIN, 0);
}

#[test]
fn control_message_lengths_that_overflow_end_the_list() {
    // A tracee can claim any cmsg_len; lengths that would wrap the offset must end the walk,
    // not panic or loop (the second header claims 2^64-16 bytes, the third 2^64-1).
    let mut ctrl = Vec::new();
    for (len, ty) in [(16u64, 1u32), (u64::MAX - 15, 1), (u64::MAX, 2)] {
        ctrl.extend_from_slice(&len.to_le_bytes());
        ctrl.extend_from_slice(&1u32.to_le_bytes());
        ctrl.extend_from_slice(&ty.to_le_bytes());
    }
    for skip in [0, 16] {
        let mut mem = FakeMem::default();
        let control = mem.put(0x5000, &ctrl[skip..]);
        let mut hdr = Vec::new();
        for v in [0u64, 0, 0, 0, control, (ctrl.len() - skip) as u64, 0] {
            hdr.extend_from_slice(&v.to_le_bytes());
        }
        let msg = mem.put(0x4000, &hdr);
        let got = line(
            &mem,
            &DecodeOpts::default(),
            "sendmsg",
            [3, msg, 0, 0, 0, 0],
            0,
        );
        assert!(got.contains("cmsg_type=SCM_RIGHTS"), "{got}");
        assert!(
            got.contains(&format!("cmsg_len={}", u64::MAX - 15)),
            "{got}"
        );
        assert!(!got.contains(&format!("cmsg_len={}", u64::MAX)), "{got}");
    }
}

/// The structures are read with libc's `#[repr(C)]` layouts: on x86_64 each must be as long as
/// the kernel's (a longer libc type would read past the tracee's struct, e.g. at a page end).
#[cfg(target_arch = "x86_64")]
#[test]
fn libc_layouts_match_the_x86_64_kernel_sizes() {
    use std::mem::{offset_of, size_of};
    assert_eq!(size_of::<libc::stat>(), 144);
    assert_eq!(offset_of!(libc::stat, st_size), 48);
    assert_eq!(size_of::<libc::statx>(), 256);
    assert_eq!(size_of::<libc::statfs>(), 120);
    assert_eq!(size_of::<libc::epoll_event>(), 12);
    assert_eq!(offset_of!(libc::epoll_event, u64), 4);
    assert_eq!(size_of::<libc::flock>(), 32);
    assert_eq!(offset_of!(libc::sysinfo, mem_unit), 104);
    assert_eq!(size_of::<libc::open_how>(), 24);
    assert_eq!(size_of::<libc::stack_t>(), 24);
    assert_eq!(size_of::<libc::msghdr>(), 56);
    assert_eq!(size_of::<libc::mmsghdr>(), 64);
    assert_eq!(size_of::<libc::tms>(), 32);
    assert_eq!(size_of::<libc::iovec>(), 16);
    assert_eq!(size_of::<libc::pollfd>(), 8);
    assert_eq!(size_of::<libc::itimerspec>(), 32);
    assert_eq!(size_of::<libc::rlimit>(), 16);
    assert_eq!(offset_of!(libc::dirent64, d_reclen), 16);
}
