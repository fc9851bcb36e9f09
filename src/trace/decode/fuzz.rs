//! Hostile-input check: every syscall number's decoder, on random registers and an address space
//! of random bytes, must neither panic nor print anything but printable ASCII (a tracee controls
//! all of that data). Deterministic (a fixed xorshift seed) so a failure reproduces.

use std::cell::Cell;
use std::io;

use super::*;

/// xorshift64*: small, deterministic, good enough to shake out edge cases.
struct Rng(Cell<u64>);

impl Rng {
    fn next(&self) -> u64 {
        let mut x = self.0.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0.set(x);
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A register value: small numbers, negatives, flags, pointers, extremes.
    fn value(&self) -> u64 {
        match self.next() % 8 {
            0 => 0,
            1 => self.next() % 16,
            2 => (-(self.next() as i64 % 4096)) as u64,
            3 => u64::MAX,
            4 => 1 << (self.next() % 64),
            5 => 0x1000 + self.next() % 0x10000,
            6 => i32::MIN as u32 as u64,
            _ => self.next(),
        }
    }
}

/// Every address is readable and holds random bytes (NULs rarer, so strings run long).
struct NoiseMem(Rng);

impl NoiseMem {
    fn bytes(&self, len: usize) -> Vec<u8> {
        (0..len)
            .map(|_| {
                let b = self.0.next() as u8;
                if b == 0 && !self.0.next().is_multiple_of(4) {
                    1
                } else {
                    b
                }
            })
            .collect()
    }
}

/// Like a real address space, not everything is mapped: every fifth page faults, so a decoder
/// walking an array of a tracee-given length stops as it would on a live process.
fn unmapped(addr: u64, len: usize) -> bool {
    let last = addr.saturating_add(len as u64);
    addr % 7 == 3 || (addr / 4096..=last / 4096).any(|p| p % 5 == 0)
}

impl Memory for NoiseMem {
    fn read(&self, addr: u64, len: usize) -> io::Result<Vec<u8>> {
        if len > 1 << 16 || unmapped(addr, len) {
            return Err(io::Error::from_raw_os_error(libc::EFAULT));
        }
        Ok(self.bytes(len))
    }

    fn read_cstr(&self, addr: u64, max: usize) -> io::Result<(Vec<u8>, bool)> {
        if unmapped(addr, 1) {
            return Err(io::Error::from_raw_os_error(libc::EFAULT));
        }
        let b = self.bytes(max.min(300));
        match b.iter().position(|&c| c == 0) {
            Some(z) => Ok((b[..z].to_vec(), false)),
            None => Ok((b, max <= 300)),
        }
    }

    fn fd_path(&self, fd: i32) -> Option<Vec<u8>> {
        (fd % 2 == 0).then(|| self.bytes(20))
    }
}

#[test]
fn random_registers_and_memory_never_panic_and_print_only_ascii() {
    let rng = Rng(Cell::new(0x9e37_79b9_7f4a_7c15));
    let mem = NoiseMem(Rng(Cell::new(0xdead_beef_cafe_f00d)));
    for nr in 0..480u64 {
        for round in 0..40 {
            let args: [u64; 6] = std::array::from_fn(|_| rng.value());
            let opts = DecodeOpts {
                strsize: [0, 1, 32, 4096, usize::MAX][round % 5],
                fd_paths: round % 2 == 0,
                pid: 0,
            };
            let ret = rng.value() as i64;
            let entry = format_args_enter(nr, &args, &mem, &opts);
            let (text, ret_text) = format_call_exit(nr, &args, ret, &mem, &opts, &entry);
            let d = decode(nr, &args, ret, &mem, &opts, &entry);
            for s in [&entry.text, &text, &ret_text, &d.ret_text]
                .into_iter()
                .chain(&d.args)
            {
                assert!(
                    s.bytes().all(|b| (0x20..0x7f).contains(&b)),
                    "syscall {nr} {args:x?} ret {ret}: {s:?}"
                );
            }
        }
    }
}
