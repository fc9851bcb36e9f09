//! toolbox started as `test` (the image's `/bin/test` links to `/toolbox`): `kubectl cp LOCAL
//! POD:DEST` first runs `test -d DEST` in the container to decide whether DEST is a directory
//! to copy into (kubectl's cp, `checkDestinationIsDir`). Answered for the *target's* root,
//! resolved the same safe way as every fs command. Without it kubectl would take an existing
//! directory for a new name and unpack the copy over that directory itself.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

/// What `test` supports here, for usage errors.
pub const SUPPORTED: &str = "toolbox as test supports only `test -d PATH`, `test -e PATH` and `test -f PATH` (PATH in the target's root), what kubectl cp runs";

/// Run as `test` with `args` (argv without argv\[0\]): 0 true, 1 false, 2 a usage error or no
/// target.
pub fn run(args: &[OsString]) -> anyhow::Result<i32> {
    let [op, path] = args else {
        eprintln!("test (toolbox): {SUPPORTED}");
        return Ok(2);
    };
    let want = match op.as_bytes() {
        b"-d" => Some(libc::S_IFDIR),
        b"-f" => Some(libc::S_IFREG),
        b"-e" => None,
        _ => {
            eprintln!("test (toolbox): {SUPPORTED}");
            return Ok(2);
        }
    };
    let global = crate::cmd::tar::global_from_env()?;
    let root = super::fs_root(&global)?;
    // Symlinks are followed (inside the root), as test(1) follows them.
    let Ok(fd) = root.open_path(path.as_bytes(), libc::O_PATH) else {
        return Ok(1);
    };
    let Ok(st) = crate::sys::fsops::fstat(std::os::fd::AsFd::as_fd(&fd)) else {
        return Ok(1);
    };
    Ok(match want {
        Some(kind) if st.st_mode & libc::S_IFMT != kind => 1,
        _ => 0,
    })
}
