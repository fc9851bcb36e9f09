//! One system call of one thread: reading the stop (PTRACE_GET_SYSCALL_INFO or the registers),
//! decoding and printing the entry, pairing it with its exit (strace's `<unfinished ...>` and
//! `resumed>` when threads interleave), and a thread's or process's end.

use super::*;

impl Tracer {
    /// What the syscall or seccomp stop of `tid` is about: from `PTRACE_GET_SYSCALL_INFO`, or on
    /// kernels before 5.3 (EIO) from the registers and whether the thread is inside a syscall.
    pub(super) fn stop_info(&mut self, tid: Pid, seccomp: bool) -> io::Result<SyscallStop> {
        if self.syscall_info {
            match pt::syscall_info(tid) {
                Err(e) if e.raw_os_error() == Some(libc::EIO) => self.syscall_info = false,
                other => return other,
            }
        }
        let (nr, args, rax) = pt::syscall_regs(tid)?;
        let inside = self.tracees.get(&tid).is_some_and(|t| t.pending.is_some());
        Ok(if seccomp || !inside {
            SyscallStop::Entry { nr, args }
        } else {
            SyscallStop::Exit {
                rval: rax,
                is_error: (-4095..0).contains(&rax),
            }
        })
    }

    pub(super) fn on_syscall(&mut self, tid: Pid, seccomp: bool) -> Result<(), TraceError> {
        // The stop after the entry of an untraced syscall is its exit (syscall stops alternate
        // per thread): nothing to read or print, so skip the ptrace round trip for its details.
        if !seccomp {
            if let Some(t) = self.tracees.get_mut(&tid) {
                if t.pending.as_ref().is_some_and(|p| !p.visible) {
                    t.pending = None;
                    return self.resume(tid, 0);
                }
            }
        }
        let info = match self.stop_info(tid, seccomp) {
            Ok(i) => i,
            Err(e) if esrch(&e) => return Ok(()),
            Err(source) => {
                return Err(TraceError::Ptrace {
                    op: "PTRACE_GET_SYSCALL_INFO",
                    pid: tid,
                    source,
                })
            }
        };
        match info {
            SyscallStop::Entry { nr, args } | SyscallStop::Seccomp { nr, args } => {
                self.on_entry(tid, nr, args)?;
                // Always stop at the exit of a syscall we entered.
                self.released("PTRACE_SYSCALL", tid, pt::resume_syscall(tid, 0))
            }
            SyscallStop::Exit { rval, is_error } => {
                self.on_exit(tid, rval, is_error)?;
                self.resume(tid, 0)
            }
            SyscallStop::None => self.resume(tid, 0),
        }
    }

    pub(super) fn memory(&self, tid: Pid) -> TraceeMemory {
        TraceeMemory {
            pid: tid,
            peek: self.opts.peek,
        }
    }

    pub(super) fn decode_opts(&self, tid: Pid) -> DecodeOpts {
        DecodeOpts {
            strsize: self.opts.strsize,
            fd_paths: self.opts.fd_paths,
            pid: tid,
        }
    }

    pub(super) fn on_entry(&mut self, tid: Pid, nr: u64, args: [u64; 6]) -> Result<(), TraceError> {
        let startup = self.tracees.get(&tid).is_some_and(|t| t.startup);
        let visible = self.opts.filter.traces(nr) && (!startup || is_exec(nr));
        let mut p = Pending {
            nr,
            args,
            visible,
            entry: Entry::default(),
            start: None,
            wall: None,
            line: Line::Hidden,
        };
        if visible {
            if self.opts.summary || self.opts.layout.durations || self.opts.layout.json {
                p.start = Some(Instant::now());
            }
            p.wall = self.now();
            if !self.quiet() {
                let mem = self.memory(tid);
                p.entry = decode::format_args_enter(nr, &args, &mem, &self.decode_opts(tid));
                if syscalls::name(nr) == Some("rt_sigreturn") {
                    // strace shows the mask the signal frame restores: `{mask=[]}`.
                    if let Ok(sp) = pt::stack_pointer(tid) {
                        p.entry.text = decode::format_rt_sigreturn(sp, &mem);
                    }
                }
                if !self.opts.layout.json && self.opts.filter.status == Status::All {
                    let prefix = self.prefix();
                    let name = name_of(nr);
                    let cut = self
                        .printer
                        .enter(tid, prefix, p.wall, &name, &p.entry.text)
                        .map_err(TraceError::Output)?;
                    self.mark_cut(cut);
                    p.line = Line::Open;
                }
            }
        }
        if let Some(t) = self.tracees.get_mut(&tid) {
            t.pending = Some(p);
        }
        Ok(())
    }

    pub(super) fn on_exit(
        &mut self,
        tid: Pid,
        rval: i64,
        is_error: bool,
    ) -> Result<(), TraceError> {
        let Some(t) = self.tracees.get_mut(&tid) else {
            return Ok(());
        };
        let Some(p) = t.pending.take() else {
            // An exit without its entry (attached mid-syscall): nothing to pair it with.
            return Ok(());
        };
        if t.startup && is_exec(p.nr) && !is_error {
            t.startup = false;
        }
        if !p.visible {
            return Ok(());
        }
        let took = p.start.map(|s| s.elapsed());
        if self.opts.summary {
            self.summary.add(p.nr, took.unwrap_or_default(), is_error);
            return Ok(());
        }
        if !self.opts.filter.shows(is_error) && p.line == Line::Hidden {
            return Ok(());
        }
        let mem = self.memory(tid);
        let dopts = self.decode_opts(tid);
        if self.opts.layout.json {
            let mut v = decode::decode_json(p.nr, &p.args, rval, &mem, &dopts, &p.entry);
            if let Some(o) = v.as_object_mut() {
                o.insert("pid".into(), tid.into());
                o.insert("time".into(), p.wall.map(epoch).into());
                o.insert("duration".into(), took.map(|d| d.as_secs_f64()).into());
            }
            return self.printer.json(&v).map_err(TraceError::Output);
        }
        let (args_text, ret_text) =
            decode::format_call_exit(p.nr, &p.args, rval, &mem, &dopts, &p.entry);
        let name = name_of(p.nr);
        let prefix = self.prefix();
        let durations = self.opts.layout.durations.then_some(took).flatten();
        let cut = match p.line {
            Line::Hidden => self
                .printer
                .call(tid, prefix, p.wall, &name, &args_text, &ret_text, durations),
            Line::Open | Line::Cut => {
                let rest = args_text
                    .strip_prefix(p.entry.text.as_str())
                    .unwrap_or(&args_text);
                let now = if p.line == Line::Cut {
                    self.now()
                } else {
                    p.wall
                };
                self.printer
                    .finish(tid, prefix, now, &name, rest, &ret_text, durations)
            }
        }
        .map_err(TraceError::Output)?;
        self.mark_cut(cut);
        Ok(())
    }

    pub(super) fn on_gone(
        &mut self,
        tid: Pid,
        how: Result<i32, (i32, bool)>,
    ) -> Result<(), TraceError> {
        let prefix = self.prefix();
        let Some(t) = self.tracees.remove(&tid) else {
            return Ok(());
        };
        let launched = self.launched.as_ref().map(|(p, _, _)| *p) == Some(tid);
        if launched {
            self.exit_code = Some(match how {
                Ok(code) => code,
                Err((sig, _)) => 128 + sig,
            });
            if let Some((_, spawned, command)) = &self.launched {
                if let Some((stage, source)) = pt::exec_error(spawned) {
                    self.spawn_error = Some(TraceError::Spawn {
                        command: command.clone(),
                        stage,
                        source,
                    });
                }
            }
        }
        if self.quiet() || self.opts.layout.json {
            if self.opts.layout.json && !self.quiet() {
                let v = match how {
                    Ok(code) => serde_json::json!({"pid": tid, "exited": code}),
                    Err((sig, core)) => {
                        serde_json::json!({"pid": tid, "killed_by": output::signame(sig), "core_dumped": core})
                    }
                };
                self.printer.json(&v).map_err(TraceError::Output)?;
            }
            return Ok(());
        }
        let now = self.now();
        if let Some(p) = t.pending.filter(|p| p.visible) {
            // Died inside a syscall (exit_group, or killed): strace's `= ?`.
            let name = name_of(p.nr);
            let r = match p.line {
                Line::Hidden if self.opts.filter.status == Status::All => self
                    .printer
                    .call(tid, prefix, p.wall, &name, &p.entry.text, "?", None)
                    .map(Some),
                Line::Hidden => Ok(None),
                Line::Open | Line::Cut => self
                    .printer
                    .finish(tid, prefix, now, &name, "", "?", None)
                    .map(Some),
            };
            let cut = r.map_err(TraceError::Output)?.flatten();
            self.mark_cut(cut);
        }
        let text = match how {
            Ok(code) => format!("+++ exited with {code} +++"),
            Err((sig, true)) => format!("+++ killed by {} (core dumped) +++", output::signame(sig)),
            Err((sig, false)) => format!("+++ killed by {} +++", output::signame(sig)),
        };
        let cut = self
            .printer
            .event(tid, prefix, now, &text)
            .map_err(TraceError::Output)?;
        self.mark_cut(cut);
        Ok(())
    }
}
