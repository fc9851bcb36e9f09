//! The shipped binary itself: static, self-describing, and calm on bad input.

mod common;

use std::process::Command;

use common::{bin, stderr, stdout, PidMode, Pod};

/// ELF program header type of the dynamic loader request.
const PT_INTERP: u32 = 3;

fn program_header_types(elf: &[u8]) -> Vec<u32> {
    assert!(
        elf.len() > 64 && &elf[..4] == b"\x7fELF" && elf[4] == 2,
        "not a 64-bit ELF file"
    );
    let u16_at = |o: usize| u16::from_le_bytes([elf[o], elf[o + 1]]) as usize;
    let u64_at = |o: usize| u64::from_le_bytes(elf[o..o + 8].try_into().expect("8 bytes")) as usize;
    let (phoff, phentsize, phnum) = (u64_at(0x20), u16_at(0x36), u16_at(0x38));
    (0..phnum)
        .map(|i| {
            let o = phoff + i * phentsize;
            u32::from_le_bytes(elf[o..o + 4].try_into().expect("4 bytes"))
        })
        .collect()
}

#[test]
fn binary_is_static() {
    let elf = std::fs::read(bin()).expect("read the toolbox binary");
    let types = program_header_types(&elf);
    assert!(!types.is_empty());
    assert!(
        !types.contains(&PT_INTERP),
        "toolbox asks for a dynamic loader (PT_INTERP): {types:?}"
    );
    let ldd = Command::new("ldd").arg(bin()).output().expect("run ldd");
    let said = format!("{}{}", stdout(&ldd), stderr(&ldd));
    assert!(
        said.contains("statically linked") || said.contains("not a dynamic executable"),
        "ldd says: {said}"
    );
}

#[test]
fn version_and_help() {
    let o = Command::new(bin())
        .arg("--version")
        .output()
        .expect("run toolbox");
    assert!(o.status.success());
    assert_eq!(
        stdout(&o).trim(),
        format!("toolbox {}", env!("CARGO_PKG_VERSION"))
    );
    let o = Command::new(bin())
        .arg("--help")
        .output()
        .expect("run toolbox");
    assert!(o.status.success());
    let help = stdout(&o);
    for word in ["target", "caps", "--pid", "--target", "kubectl debug"] {
        assert!(help.contains(word), "--help lacks {word}:\n{help}");
    }
}

/// `--version --verbose`: toolbox's version, the linked libpcap's own version string, every crate
/// from Cargo.lock with its licence, and where the licence texts are.
#[test]
fn version_verbose_names_libpcap_the_crates_and_the_licences() {
    let o = Command::new(bin())
        .args(["--version", "--verbose"])
        .output()
        .expect("run toolbox");
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(format!("toolbox {}", env!("CARGO_PKG_VERSION")).as_str())
    );
    // pcap_lib_version() of the static libpcap that scripts/build-libpcap built.
    let pcap = lines.next().unwrap_or_default();
    assert!(
        pcap.starts_with(&format!("libpcap version {}", env!("LIBPCAP_VER"))),
        "{text}"
    );
    for want in [
        "/licenses",
        "THIRD-PARTY-NOTICES",
        "  nix 0.29.0 (MIT)",
        "  clap 4.",
        "  pcap 2.",
    ] {
        assert!(text.contains(want), "no {want:?} in:\n{text}");
    }
    // The plain flag is unchanged, and --verbose alone is not a version request.
    let o = Command::new(bin())
        .args(["--verbose"])
        .output()
        .expect("run toolbox");
    assert!(
        !o.status.success(),
        "--verbose without --version was accepted"
    );
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let o = Command::new(bin())
        .arg("frobnicate")
        .output()
        .expect("run toolbox");
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn no_arguments_prints_the_summary_in_the_pod() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let o = pod.toolbox(&["--cap-add", "SYS_PTRACE,NET_RAW"], &[]);
    let text = stdout(&o);
    assert!(o.status.success(), "{text}{}", stderr(&o));
    assert!(
        text.lines()
            .any(|l| l.starts_with("target: PID") && l.contains("nginx: master process")),
        "{text}"
    );
    assert!(
        text.contains("what works here:") && text.contains("next:"),
        "{text}"
    );
    assert!(
        text.contains("trace    yes") && text.contains("capture  yes"),
        "{text}"
    );
}

/// A reader that went away is a normal end (`toolbox | head`), never a panic: stdout is a pipe
/// whose read end is already closed, so the first write fails with EPIPE.
#[test]
fn a_closed_stdout_pipe_ends_every_printing_command_quietly() {
    for args in [
        &["--host"][..],
        &["--host", "caps"][..],
        &["--host", "ps"][..],
        &["--host", "target"][..],
        &["capture", "-D"][..],
        &["net"][..],
        &["net", "sockets", "-o", "json"][..],
        &["--version", "--verbose"][..],
        &["--host", "ls", "-l", "/"][..],
    ] {
        let (read, write) = std::io::pipe().expect("pipe");
        drop(read);
        let out = Command::new(bin())
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(write)
            .stderr(std::process::Stdio::piped())
            .output()
            .expect("run toolbox");
        let err = stderr(&out);
        assert!(
            !err.contains("panicked"),
            "toolbox {args:?} panicked:\n{err}"
        );
        assert!(
            matches!(out.status.code(), Some(0 | 2)),
            "toolbox {args:?}: {:?}\n{err}",
            out.status
        );
    }
}
