//! Time arguments: timespec, timeval, itimerval, itimerspec, utimensat's pair.

use crate::trace::decode::structs as st;
use crate::trace::decode::text::{if_ok, ptr, Ctx};
use crate::trace::syscalls::args::Arg::{self, *};

/// Argument `i` of kind `k`, one of this family's kinds (see [`super::arg_text`]).
pub(super) fn text(k: Arg, i: usize, c: &Ctx<'_>) -> String {
    let v = c.arg(i);
    match k {
        TsIn => st::timespec(c.mem, v),
        TsOut => if_ok(c, v, st::timespec),
        TvOut => if_ok(c, v, st::timeval),
        TsRem => {
            if v == 0 {
                "NULL".to_string()
            } else if c.failed() {
                st::timespec(c.mem, v)
            } else {
                ptr(v)
            }
        }
        UtimeTs => st::utime_timespecs(c.mem, v, c.opts),
        ItimerspecIn => st::itimerspec(c.mem, v),
        ItimerspecOut => if_ok(c, v, st::itimerspec),
        TvIn => st::timeval(c.mem, v),
        ItimerIn => st::itimerval(c.mem, v),
        ItimerOut => if_ok(c, v, st::itimerval),
        // arg_text dispatches only the kinds above here.
        _ => ptr(v),
    }
}
