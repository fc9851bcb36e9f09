//! Reading tracee memory for the decoders: process_vm_readv, or PTRACE_PEEKDATA where that is
//! refused, bounded per read.

use super::*;

/// Tracee memory through process_vm_readv (PTRACE_PEEKDATA fallback).
pub(super) struct TraceeMemory {
    pub(super) pid: Pid,
    /// Use PTRACE_PEEKDATA only (as where process_vm_readv is refused).
    pub(super) peek: bool,
}

impl TraceeMemory {
    fn fetch(&self, addr: u64, len: usize) -> io::Result<Vec<u8>> {
        if self.peek {
            pt::peek_range(self.pid, addr, len)
        } else {
            pt::read_memory(self.pid, addr, len)
        }
    }
}

impl Memory for TraceeMemory {
    fn read(&self, addr: u64, len: usize) -> io::Result<Vec<u8>> {
        if len > MAX_READ {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "read too large",
            ));
        }
        let v = self.fetch(addr, len)?;
        if v.len() < len {
            return Err(io::Error::from_raw_os_error(libc::EFAULT));
        }
        Ok(v)
    }

    fn read_cstr(&self, addr: u64, max: usize) -> io::Result<(Vec<u8>, bool)> {
        let limit = max.min(MAX_READ);
        let mut out = Vec::new();
        let mut at = addr;
        while out.len() < limit {
            let page_left = 4096 - (at % 4096) as usize;
            let want = page_left.min(limit - out.len());
            let chunk = match self.fetch(at, want) {
                Ok(c) => c,
                Err(e) if out.is_empty() => return Err(e),
                Err(_) => break,
            };
            if let Some(i) = chunk.iter().position(|&b| b == 0) {
                out.extend_from_slice(&chunk[..i]);
                return Ok((out, false));
            }
            out.extend_from_slice(&chunk);
            if chunk.len() < want {
                break;
            }
            at = at.wrapping_add(chunk.len() as u64);
        }
        out.truncate(max);
        Ok((out, true))
    }
}
