//! The command line: the subcommand list, dispatch, and the interactive or scripted session that
//! parses each of its lines the same way. Nothing in the library imports this module.

mod session;

use clap::{ArgMatches, Args, FromArgMatches, Parser, Subcommand};

use crate::cmd::{self, Global};

/// Debug a distroless pod from a tiny scratch image: find the app, browse its files, trace its
/// syscalls, capture its packets.
#[derive(Debug, Parser)]
#[command(
    name = "toolbox",
    version,
    disable_version_flag = true,
    about,
    long_about = None,
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// Print the version (with --verbose: also libpcap's, every linked crate's and the licences).
    #[arg(short = 'V', long)]
    pub version: bool,
    /// With --version: also libpcap's version, the crates linked in and where the licences are.
    #[arg(long, requires = "version")]
    pub verbose: bool,
    /// Options that choose what toolbox acts on.
    #[command(flatten)]
    pub global: Global,
    /// What to do; with none, print what toolbox found here and what to try next.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A scripted session (no subcommand, commands on stdin): run every line even after one
    /// fails (the exit status is still the first failure's).
    #[arg(long)]
    pub keep_going: bool,
}

const AFTER_HELP: &str =
    "Use it with:  kubectl debug -it POD --image=toolbox --target=CONTAINER --profile=general";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Which process is the target, why, and what was skipped.
    Target(Lazy<cmd::target::TargetArgs>),
    /// What toolbox may do here, what it may not, and the kubectl flag that fixes it.
    Caps(Lazy<cmd::caps::CapsArgs>),
    /// Capture packets like tcpdump: live lines, or pcap/pcapng files for Wireshark.
    Capture(Lazy<cmd::capture::CaptureArgs>),
    /// Merge pcap and pcapng files by timestamp into one pcapng, like mergecap (`-a`: concatenate).
    Merge(Lazy<cmd::merge::MergeArgs>),
    /// Every process, with pause, target and toolbox's own marked (`-f` tree, `-o json`).
    Ps(Lazy<cmd::ps::PsArgs>),
    /// One process in depth: user, caps, limits, cgroup limits, sockets, mounts (default: the target).
    Inspect(Lazy<cmd::inspect::InspectArgs>),
    /// Trace the target's syscalls (strace's flags and output); detaches cleanly on Ctrl-C.
    Trace(Lazy<cmd::trace::TraceArgs>),
    /// Every thread's native stack, symbolized; the process is stopped only while it is copied.
    Stack(Lazy<cmd::stack::StackArgs>),
    /// List directories of the target's root (owners from its own /etc/passwd).
    Ls(Lazy<cmd::ls::LsArgs>),
    /// Print files of the target's root.
    Cat(Lazy<cmd::cat::CatArgs>),
    /// Print the first lines of files of the target's root.
    Head(Lazy<cmd::head::HeadArgs>),
    /// Print the last lines of files of the target's root; -f follows a growing log.
    Tail(Lazy<cmd::tail::TailArgs>),
    /// Draw a directory tree of the target's root.
    Tree(Lazy<cmd::tree::TreeArgs>),
    /// Search the target's root by name, type, size, age.
    Find(Lazy<cmd::find::FindArgs>),
    /// Show the status of files of the target's root.
    Stat(Lazy<cmd::stat::StatArgs>),
    /// Search files of the target's root for a regular expression.
    Grep(Lazy<cmd::grep::GrepArgs>),
    /// Write a tar (pax) stream of files of the target's root to stdout.
    Export(Lazy<cmd::export::ExportArgs>),
    /// Run a program from the target's root as the target's user with its capabilities (--ns: in its namespaces too).
    Exec(Lazy<cmd::exec::ExecArgs>),
    /// The pod's network: interfaces, routes, sockets with owners, TCP states, DNS configuration.
    Net(Lazy<cmd::net::NetArgs>),
    /// Resolve a name as the target's libc would, showing every query (dig's @SERVER, +short, +tcp).
    Dns(Lazy<cmd::dns::DnsArgs>),
    /// TCP connect (or UDP probe with -u) with timing, like `nc -zv`: connected, refused, timeout, no route.
    Connect(Lazy<cmd::connect::ConnectArgs>),
    /// ICMP echo like iputils ping (its lines, summary and exit codes).
    Ping(Lazy<cmd::ping::PingArgs>),
    /// An HTTP/1.1 request like curl from the pod's network: timing, TLS and the certificate chain checked against the target's CAs.
    Http(Lazy<cmd::http::HttpArgs>),
    /// Node mode: the node's pods and containers (from /proc/*/cgroup and /host/var/log/pods).
    Pods(Lazy<cmd::pods::PodsArgs>),
    /// Keep this debug container alive, using no CPU, for `kubectl exec POD -c DEBUGGER -- toolbox CMD`; exits on SIGTERM.
    Idle(Lazy<cmd::idle::IdleArgs>),
    /// A pod's container log from the node's /var/log/pods, as kubectl logs shows it (-f, --tail, --since, --previous).
    Logs(Lazy<cmd::logs::LogsArgs>),
    /// The kubectl plugin (`kubectl toolbox`, the binary named kubectl-toolbox): run toolbox in a pod's ephemeral container through your kubectl.
    /// Hidden: it runs on the laptop, not in the pod (README, "kubectl toolbox").
    #[command(hide = true)]
    Kubectl(Lazy<cmd::kubectl::KubectlArgs>),
}

/// A subcommand's arguments, added to its parser only when that subcommand is the one parsed
/// (or its help shown, or the whole tree built): building every subcommand's parser was most of
/// toolbox's start-up (`logs --tail 100` and friends are millisecond commands).
#[derive(Debug)]
pub struct Lazy<T>(pub T);

impl<T: FromArgMatches> FromArgMatches for Lazy<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Lazy)
    }

    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Lazy)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }

    fn update_from_arg_matches_mut(&mut self, matches: &mut ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

/// `augment` applied to `cmd` later, keeping the description the subcommand's variant gave it
/// (the arguments' own doc comment would otherwise replace it, being applied last).
fn keep_about(cmd: clap::Command, augment: fn(clap::Command) -> clap::Command) -> clap::Command {
    let about = cmd.get_about().cloned();
    let long_about = cmd.get_long_about().cloned();
    let cmd = augment(cmd);
    let cmd = match about {
        Some(a) => cmd.about(a),
        None => cmd.about(None::<&str>),
    };
    match long_about {
        Some(a) => cmd.long_about(a),
        None => cmd.long_about(None::<&str>),
    }
}

impl<T: Args> Args for Lazy<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.defer(|cmd| keep_about(cmd, T::augment_args))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        cmd.defer(|cmd| keep_about(cmd, T::augment_args_for_update))
    }

    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

/// Run the parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    if cli.version {
        let text = crate::about::version_text(cli.verbose);
        std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes())?;
        return Ok(0);
    }
    let global = cli.global;
    match cli.command {
        None => session::run(&global, cli.keep_going),
        Some(Command::Target(Lazy(args))) => cmd::target::run(&global, args),
        Some(Command::Caps(Lazy(args))) => cmd::caps::run(&global, args),
        Some(Command::Capture(Lazy(args))) => cmd::capture::run(&global, args),
        Some(Command::Merge(Lazy(args))) => cmd::merge::run(&global, args),
        Some(Command::Ps(Lazy(args))) => cmd::ps::run(&global, args),
        Some(Command::Inspect(Lazy(args))) => cmd::inspect::run(&global, args),
        Some(Command::Trace(Lazy(args))) => cmd::trace::run(&global, args),
        Some(Command::Stack(Lazy(args))) => cmd::stack::run(&global, args),
        Some(Command::Ls(Lazy(args))) => cmd::ls::run(&global, args),
        Some(Command::Cat(Lazy(args))) => cmd::cat::run(&global, args),
        Some(Command::Head(Lazy(args))) => cmd::head::run(&global, args),
        Some(Command::Tail(Lazy(args))) => cmd::tail::run(&global, args),
        Some(Command::Tree(Lazy(args))) => cmd::tree::run(&global, args),
        Some(Command::Find(Lazy(args))) => cmd::find::run(&global, args),
        Some(Command::Stat(Lazy(args))) => cmd::stat::run(&global, args),
        Some(Command::Grep(Lazy(args))) => cmd::grep::run(&global, args),
        Some(Command::Export(Lazy(args))) => cmd::export::run(&global, args),
        Some(Command::Exec(Lazy(args))) => cmd::exec::run(&global, args),
        Some(Command::Idle(Lazy(args))) => cmd::idle::run(&global, args),
        Some(Command::Net(Lazy(args))) => cmd::net::run(&global, args),
        Some(Command::Dns(Lazy(args))) => cmd::dns::run(&global, args),
        Some(Command::Connect(Lazy(args))) => cmd::connect::run(&global, args),
        Some(Command::Ping(Lazy(args))) => cmd::ping::run(&global, args),
        Some(Command::Http(Lazy(args))) => cmd::http::run(&global, args),
        Some(Command::Pods(Lazy(args))) => cmd::pods::run(&global, args),
        Some(Command::Logs(Lazy(args))) => cmd::logs::run(&global, args),
        Some(Command::Kubectl(Lazy(args))) => cmd::kubectl::run(&global, args),
    }
}

/// When toolbox was started under another name (`/bin/tar` or `/bin/test`, links to
/// `/toolbox`, which is what `kubectl cp` runs; `kubectl-toolbox`, the kubectl plugin on the
/// user's PATH), run as that program and return its exit code; None otherwise.
pub fn run_applet() -> Option<i32> {
    let mut args = std::env::args_os();
    let argv0 = args.next()?;
    let name = std::path::Path::new(&argv0).file_name()?;
    let run = match name.as_encoded_bytes() {
        b"tar" => cmd::tar::run,
        b"test" => cmd::test::run,
        b"kubectl-toolbox" => cmd::kubectl::run_plugin,
        _ => return None,
    };
    let rest: Vec<std::ffi::OsString> = args.collect();
    Some(match run(&rest) {
        Ok(code) => code,
        Err(err) => report_error(&err),
    })
}

/// The exit code for an error that reached the top, after printing it. A broken pipe on stdout
/// (`toolbox ps | head`) is a normal end.
pub fn report_error(err: &anyhow::Error) -> i32 {
    for cause in err.chain() {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return 0;
            }
        }
    }
    eprintln!("toolbox: {}", message(err));
    err.chain()
        .find_map(|c| {
            c.downcast_ref::<crate::target::TargetError>()
                .map(|e| e.exit_code())
        })
        .unwrap_or(1)
}

/// An error and its causes joined with `: `, as anyhow's `{:#}` does, leaving out a cause whose
/// text its wrapper already ends with (a wrapper that only forwards its cause's message, such as
/// `FsError::Target`, or one that quotes it).
pub fn message(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if out.is_empty() {
            out = text;
        } else if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn a_target_error_wrapped_by_a_module_keeps_exit_code_2_and_prints_once() {
        let e = crate::target::TargetError::NoMatch {
            name: "nosuch".into(),
            candidates: Vec::new(),
        };
        let wrapped: anyhow::Error = crate::fs::FsError::from(e).into();
        assert_eq!(report_error(&wrapped), 2);
        let text = message(&wrapped);
        assert_eq!(text.matches("no process matches").count(), 1, "{text}");
        let io = anyhow::Error::new(std::io::Error::other("inner")).context("outer");
        assert_eq!(message(&io), "outer: inner");
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_subcommand_has_its_kubectl_profile_in_the_caps_table_or_is_not_for_a_pod() {
        let not_for_a_pod = ["pods", "logs", "kubectl", "merge"];
        for sub in Cli::command().get_subcommands() {
            let name = sub.get_name();
            let known = crate::caps::command_features(name).is_some();
            assert!(
                known != not_for_a_pod.contains(&name),
                "{name}: add it to caps::command_features (or to the list of commands that do not run in a pod)"
            );
        }
    }
}
