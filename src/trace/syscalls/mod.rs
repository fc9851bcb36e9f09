//! Syscall names, numbers, strace-style classes (`%file`, `%network`…) and argument specs for
//! the traced arch.
//!
//! Each row says everything about one syscall: `NR name NARGS [CLASS…] (ARG…) -> RET;` — the
//! argument kinds ([`args::Arg`]) are how `trace::decode` prints it, so adding a decoded syscall
//! is one row. Modules: `row` ([`Syscall`], the class flags) and `args` (the argument vocabulary)
//! are leaves over `crate::trace::flags`; `x86_64`/`aarch64` use them; this file picks the
//! native table and answers look-ups.
//!
//! The table for each architecture lives in its own file and is indexed by syscall number; the
//! classes are constant sets derived from each entry's flags, with strace's membership. toolbox
//! traces tracees of its own architecture: the table is chosen with `cfg(target_arch)` (the
//! aarch64 table is also built for unit tests on any host, which check it against the kernel's
//! generic header).

use std::sync::LazyLock;

/// Builds an architecture's table: `LIST` (every assigned syscall, in number order), `MAX_NR` and
/// `TABLE` (indexed by number). A row is `NR name NARGS [CLASS…];` for a call printed as raw hex,
/// or `NR name NARGS [CLASS…] (ARG, ARG…) -> RET;` for a decoded one, where each `ARG` is an
/// [`args::Arg`] and `RET` an [`args::Ret`]: the row is the one place that says how a call prints.
macro_rules! syscall_table {
    (
        $(#[$max_doc:meta])*
        max = $max:literal;
        $(
            $nr:literal $name:ident $nargs:literal [$($flag:ident)*]
            $(($($arg:expr),* $(,)?) -> $ret:ident $(($($rarg:tt)*))?)?;
        )*
    ) => {
        /// Every assigned syscall in number order (the source of [`TABLE`]).
        pub const LIST: &[Syscall] = &[
            $(Syscall {
                nr: $nr,
                name: stringify!($name),
                nargs: $nargs,
                flags: 0 $(| $flag)*,
                spec: syscall_spec!($([$($arg),*] $ret $(($($rarg)*))?)?),
            },)*
        ];

        $(#[$max_doc])*
        pub const MAX_NR: usize = $max;

        /// The table indexed by syscall number (`None` for unassigned numbers).
        pub static TABLE: [Option<Syscall>; MAX_NR] = build();

        const fn build() -> [Option<Syscall>; MAX_NR] {
            let mut table = [None; MAX_NR];
            let mut i = 0;
            while i < LIST.len() {
                let s = LIST[i];
                table[s.nr as usize] = Some(s);
                i += 1;
            }
            table
        }
    };
}

/// A row's optional `(ARG…) -> RET` as an `Option<Spec>`.
macro_rules! syscall_spec {
    () => {
        None
    };
    ([$($arg:expr),*] $ret:ident $(($($rarg:tt)*))?) => {
        Some($crate::trace::syscalls::args::Spec {
            args: &[$($arg),*],
            ret: $crate::trace::syscalls::args::Ret::$ret $(($($rarg)*))?,
        })
    };
}

#[cfg(any(target_arch = "aarch64", test))]
pub mod aarch64;
pub mod args;
pub mod row;
#[cfg(target_arch = "x86_64")]
pub mod x86_64;

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
compile_error!(
    "toolbox traces x86_64 and aarch64 only: a new architecture needs its syscall table \
     (src/trace/syscalls/ARCH.rs), registers, audit arch and signal frame (src/sys/ptrace.rs, \
     src/trace/decode/structs/sig.rs)"
);

/// The table of the architecture toolbox is built for (and traces).
#[cfg(target_arch = "aarch64")]
use aarch64 as native;
#[cfg(target_arch = "x86_64")]
use x86_64 as native;

/// One past the highest syscall number of this architecture's table.
pub const MAX_NR: usize = native::MAX_NR;

pub use row::{
    Syscall, CLOCK, CREDS, DESC, FILE, FSTAT, FSTATFS, IPC, LSTAT, MEMORY, NETWORK, PROCESS, PURE,
    SIGNAL, STAT, STATFS, STATFS_LIKE, STAT_LIKE,
};

/// Class names accepted by `-e trace=%CLASS`, with the flag each selects.
///
/// See: strace(1), "-e trace=%file" and friends.
pub const CLASSES: &[(&str, u32)] = &[
    ("%file", FILE),
    ("%network", NETWORK),
    ("%net", NETWORK),
    ("%process", PROCESS),
    ("%signal", SIGNAL),
    ("%memory", MEMORY),
    ("%desc", DESC),
    ("%ipc", IPC),
    ("%creds", CREDS),
    ("%clock", CLOCK),
    ("%stat", STAT),
    ("%lstat", LSTAT),
    ("%fstat", FSTAT),
    ("%%stat", STAT_LIKE),
    ("%statfs", STATFS),
    ("%fstatfs", FSTATFS),
    ("%%statfs", STATFS_LIKE),
    ("%pure", PURE),
];

/// The table entry for syscall `nr` on this architecture, if the number is assigned.
pub fn entry(nr: u64) -> Option<&'static Syscall> {
    usize::try_from(nr)
        .ok()
        .and_then(|i| native::TABLE.get(i))
        .and_then(Option::as_ref)
}

/// The name of syscall `nr` on this architecture.
pub fn name(nr: u64) -> Option<&'static str> {
    entry(nr).map(|s| s.name)
}

/// This architecture's number of the syscall called `name`.
pub fn number(name: &str) -> Option<u64> {
    all().find(|&(_, n)| n == name).map(|(nr, _)| nr)
}

/// Every assigned syscall of this architecture, `(number, name)`, in number order.
pub fn all() -> impl Iterator<Item = (u64, &'static str)> {
    native::TABLE.iter().flatten().map(|s| (s.nr, s.name))
}

static CLASS_MEMBERS: LazyLock<Vec<(&'static str, Vec<&'static str>)>> = LazyLock::new(|| {
    CLASSES
        .iter()
        .map(|&(class, flag)| {
            let members = native::TABLE
                .iter()
                .flatten()
                .filter(|s| s.flags & flag != 0)
                .map(|s| s.name)
                .collect();
            (class, members)
        })
        .collect()
});

/// The syscalls in a class such as `"%file"` (the leading `%` is required), in number order.
pub fn class_members(class: &str) -> Option<&'static [&'static str]> {
    CLASS_MEMBERS
        .iter()
        .find(|(c, _)| *c == class)
        .map(|(_, m)| m.as_slice())
}

/// Syscall (and class) names close to a misspelt `name`, best first, for "did you mean" errors.
pub fn close_matches(name: &str) -> Vec<&'static str> {
    let candidates = all().map(|(_, n)| n).chain(CLASSES.iter().map(|&(c, _)| c));
    let limit = (name.len() / 3).max(1);
    let mut scored: Vec<(usize, &'static str)> = candidates
        .filter_map(|c| {
            let d = edit_distance(name, c);
            let prefix = name.len() >= 3 && c.starts_with(name);
            (d <= limit || prefix).then_some((if prefix { 0 } else { d }, c))
        })
        .collect();
    scored.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.len().cmp(&b.1.len()))
            .then(a.1.cmp(b.1))
    });
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(5).map(|(_, c)| c).collect()
}

/// Edit distance over bytes where swapping two neighbours counts as one edit (optimal string
/// alignment), so `accpet4` is one edit from `accept4`.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        assert_eq!(name(0), Some("read"));
        assert_eq!(number("accept4"), Some(libc::SYS_accept4 as u64));
        assert_eq!(name(400), None);
        assert_eq!(name(u64::MAX), None);
        assert_eq!(number("nope"), None);
        assert!(all().count() > 370);
    }

    /// The rows carry the argument specs: the calls toolbox decodes are decoded on both
    /// architectures alike (a call both tables have prints the same way).
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn both_tables_decode_the_same_calls() {
        let decoded = x86_64::LIST.iter().filter(|s| s.spec.is_some()).count();
        assert!(decoded >= 240, "only {decoded} x86_64 calls decoded");
        let mut shared = 0;
        for a in aarch64::LIST {
            if let Some(x) = x86_64::LIST.iter().find(|x| x.name == a.name) {
                assert_eq!(a.spec, x.spec, "{}: the tables disagree", a.name);
                shared += usize::from(a.spec.is_some());
            }
        }
        assert!(shared >= 210, "only {shared} shared calls decoded");
    }

    #[test]
    fn classes() {
        let net = class_members("%network").expect("%network");
        assert!(net.contains(&"accept4") && net.contains(&"sendmsg"));
        assert!(!net.contains(&"read"));
        assert_eq!(class_members("%net"), class_members("%network"));
        let file = class_members("%file").expect("%file");
        assert!(file.contains(&"openat") && file.contains(&"execve"));
        assert!(class_members("%desc").expect("%desc").contains(&"read"));
        assert!(class_members("%process")
            .expect("%process")
            .contains(&"clone3"));
        assert!(class_members("%bogus").is_none());
        for &(class, _) in CLASSES {
            assert!(
                class_members(class).is_some_and(|m| !m.is_empty()),
                "{class} empty"
            );
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(close_matches("accpet4").first(), Some(&"accept4"));
        assert!(close_matches("opnat").contains(&"openat"));
        assert!(close_matches("%fiel").contains(&"%file"));
        assert!(close_matches("epoll")
            .iter()
            .all(|n| n.starts_with("epoll")));
        assert!(close_matches("zzzzzzzzzz").is_empty());
    }
}
