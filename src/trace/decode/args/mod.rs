//! How each argument kind prints, one file per family of kinds; `arg_text` dispatches.
//!
//! The families also hold the decoders of the calls whose arguments depend on each other
//! (prctl and clone3 in `process`, futex and IPC in `ipc`, ioctl in `file`, select in `net`).
//! They use `structs`, `text`, `signal`, `errno` and `crate::trace::flags`, never each other.

mod file;
mod ipc;
mod net;
mod process;
mod scalar;
mod signal;
mod time;

pub(super) use file::{ioctl_no_arg, ioctl_writes_arg};
pub(super) use net::select_result;
pub(super) use process::{DUMPABLE, PR_GET_NAME, PR_GET_PDEATHSIG};

use super::text::Ctx;
use crate::trace::syscalls::args::Arg::{self, *};

/// Print argument `i` of kind `k`.
pub(super) fn arg_text(k: Arg, i: usize, c: &Ctx<'_>) -> String {
    match k {
        Int | UInt | Long | ULong | Hex | Ptr | Fd | DirFd | Path | Str | InBuf(..) | Flags(..)
        | Enum(..) | OpenFlags | OpenMode(..) | Mode | TypedMode | MmapFlags | StatxFlags
        | MountFlags | Sig | OutBuf | OutBufHex | OutPathRet | OutCwd | Dev(..) | MremapAddr
        | IntOut | FdPair => scalar::text(k, i, c),
        SockType | Proto(..) | Sockaddr(..) | IovIn(..) | MsgIn | PollIn(..) | EpollIn
        | SockLevel | SockOpt(..) | OptIn(..) | SockaddrOut(..) | SocklenInOut | IovOut(..)
        | MsgOut | MmsgSent | MmsgReceived | FdSet(..) | Pselect6Mask | EpollOut | OptOut(..) => {
            net::text(k, i, c)
        }
        RlimIn | Argv | Envp | CloneEntry | Clone3Args | Clone3Result | Clone3Size | RlimOut
        | SysinfoOut | GidsOut | GidsIn | CpuSetIn(..) | MpolMode | MpolModeOut
        | NodemaskIn(..) | NodemaskOut(..) | CpuSetOut | PrctlEntry | CapHeader | CapDataIn
        | CapDataOut | RusageOut | TmsOut | PrctlExit | UtsOut | WaitStatus | CloneExit => {
            process::text(k, i, c)
        }
        SigsetIn(..) | SigactIn | SigactOut | SigsetOut(..) | StackIn | StackOut | SigeventIn
        | SiginfoIn | SiginfoOut => signal::text(k, i, c),
        TsIn | TsOut | TvOut | TsRem | UtimeTs | ItimerspecIn | ItimerspecOut | TvIn | ItimerIn
        | ItimerOut => time::text(k, i, c),
        FcntlArg(..) | IoctlReq | IoctlOut | IoctlArg | StatOut | StatxOut | OffIn | Rwf5
        | OpenHow(..) | OffInOut | StatfsOut | Dirents => file::text(k, i, c),
        FutexOp | FutexRest | IpcKey | IpcGetFlags | IpcCmd(..) | Sembufs | MsgbufIn
        | MsgbufOut => ipc::text(k, i, c),
    }
}
