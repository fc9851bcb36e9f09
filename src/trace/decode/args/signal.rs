//! Signal arguments: sets, actions, siginfo, alternate stacks, sigevent.

use crate::trace::decode::structs as st;
use crate::trace::decode::text::{if_ok, ptr, Ctx};
use crate::trace::syscalls::args::Arg::{self, *};

/// Argument `i` of kind `k`, one of this family's kinds (see [`super::arg_text`]).
pub(super) fn text(k: Arg, i: usize, c: &Ctx<'_>) -> String {
    let v = c.arg(i);
    match k {
        SigsetIn(n) => st::sigset(c.mem, v, c.arg(n)),
        SigactIn => st::sigaction(c.mem, v),
        SigactOut => if_ok(c, v, st::sigaction),
        SigsetOut(n) => {
            if c.failed() || v == 0 {
                ptr(v)
            } else {
                st::sigset(c.mem, v, c.arg(n))
            }
        }
        StackIn => st::stack_t(c.mem, v),
        StackOut => if_ok(c, v, st::stack_t),
        SigeventIn => st::sigevent(c.mem, v),
        SiginfoIn => {
            if v == 0 {
                "NULL".to_string()
            } else {
                st::siginfo(c.mem, v)
            }
        }
        SiginfoOut => if_ok(c, v, st::siginfo),
        // arg_text dispatches only the kinds above here.
        _ => ptr(v),
    }
}
