//! `kubectl toolbox` (the binary started as `kubectl-toolbox`, or `toolbox kubectl`): run
//! toolbox in a pod's ephemeral container through the user's own kubectl.
//!
//! ```text
//! kubectl toolbox [-n NS] [--context C] [--kubeconfig F] POD [-c CONTAINER] [--image IMG]
//!                 [--dry-run] [-- ARGS]
//! ```
//!
//! starts (or reuses) a `toolbox idle` debug container targeting CONTAINER with the profile
//! ARGS need and runs `kubectl exec POD -c DEBUGGER -i [-t] -- toolbox ARGS` in it.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};

use anyhow::Context;
use clap::{Args, Parser};

use super::Global;
use crate::kube::fanout::{self, Pods};
use crate::kube::{self, Kubectl, Request};

/// Arguments of `kubectl toolbox`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  kubectl toolbox web-7d9f -- ps\n  kubectl toolbox -n shop web-7d9f -c nginx -- trace -p 7 -e trace=network\n  kubectl toolbox web-7d9f -- capture -w - port 80 | wireshark -k -i -\n  kubectl toolbox web-7d9f --dry-run -- capture\n  kubectl toolbox capture -l app=web -w - port 80 | wireshark -k -i -\n  kubectl toolbox capture web-1 web-2 -w both.pcapng -- port 80\n\nThe image defaults to `toolbox`; the profile (general, netadmin, sysadmin) is what ARGS need,\nas `toolbox caps` would name it. A running `toolbox idle` debug container of the pod with\nthat target and enough capabilities is reused, so repeated calls add no ephemeral container.\n`capture` fans out: one capture per pod, merged by time into one pcapng whose interfaces name\ntheir pod (k8s.namespace, k8s.podName, k8s.containerName, k8s.node); with -l the words after\n`capture` are the filter, with pod names the filter follows `--`."
)]
pub struct KubectlArgs {
    /// The namespace (kubectl's -n).
    #[arg(short = 'n', long = "namespace", value_name = "NS")]
    pub namespace: Option<String>,
    /// The kubeconfig context (kubectl's --context).
    #[arg(long, value_name = "CONTEXT")]
    pub context: Option<String>,
    /// The kubeconfig file (kubectl's --kubeconfig).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<String>,
    /// The target container (default: the pod's first container).
    #[arg(short = 'c', long = "container", value_name = "CONTAINER")]
    pub container: Option<String>,
    /// The toolbox image to start.
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// Print the kubectl commands that would change the cluster instead of running them (the
    /// pod is still read with `kubectl get`).
    #[arg(long)]
    pub dry_run: bool,
    /// Fan-out capture: the pods with these labels (kubectl's -l).
    #[arg(short = 'l', long = "selector", value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// Fan-out capture: where to write the merged pcapng (`-` for standard output).
    #[arg(short = 'w', value_name = "FILE")]
    pub write: Option<String>,
    /// Fan-out capture: the link header to ask each capture for (e.g. `sll` for readers that do
    /// not know LINUX_SLL2), passed on as `capture --link`.
    #[arg(long, value_name = "TYPE")]
    pub link: Option<String>,
    /// The pod; or `capture` followed by the pods (or, with -l, by the filter words).
    #[arg(value_name = "POD", required = true)]
    pub pods: Vec<String>,
    /// toolbox's arguments (none: toolbox's interactive session).
    #[arg(last = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

/// `kubectl-toolbox ARGS`: the plugin's own command line.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl toolbox",
    bin_name = "kubectl toolbox",
    version,
    about = "Run toolbox in a pod's ephemeral container, through your kubectl."
)]
struct PluginCli {
    #[command(flatten)]
    args: KubectlArgs,
}

/// Run as the plugin (`kubectl-toolbox`): parse `args` (without argv\[0\]) and run.
pub fn run_plugin(args: &[OsString]) -> anyhow::Result<i32> {
    let argv = std::iter::once(OsString::from("kubectl-toolbox")).chain(args.iter().cloned());
    let cli = match PluginCli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return Ok(if e.use_stderr() { 2 } else { 0 });
        }
    };
    run(&Global::default(), cli.args)
}

/// Run `kubectl toolbox`: for one pod, or the fan-out capture.
pub fn run(_global: &Global, args: KubectlArgs) -> anyhow::Result<i32> {
    let kubectl = Kubectl::new(
        args.namespace.as_deref(),
        args.context.as_deref(),
        args.kubeconfig.as_deref(),
    );
    if args.pods.first().map(String::as_str) == Some("capture") {
        return run_fanout(&kubectl, &args);
    }
    let [pod_name] = args.pods.as_slice() else {
        anyhow::bail!(
            "one pod, then `--` and toolbox's arguments (kubectl toolbox POD -- ARGS); several pods only with `kubectl toolbox capture POD…`"
        );
    };
    if args.selector.is_some() || args.write.is_some() || args.link.is_some() {
        anyhow::bail!("-l, -w and --link are for the fan-out capture (kubectl toolbox capture -l SELECTOR -w FILE); for one pod put them after `--`");
    }
    let pod = kubectl.get_pod(pod_name)?;
    let tty = !kube::binary_output(&args.args)
        && std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal();
    let image = args.image.as_deref().unwrap_or(kube::DEFAULT_IMAGE);
    let mut plan = kube::plan(
        &pod,
        &Request {
            container: args.container.as_deref(),
            image,
            image_explicit: args.image.is_some(),
            args: &args.args,
            tty,
        },
    )?;
    // A capture without a TTY outlives a kubectl that Ctrl-C or a closed pipe ended: the exec
    // stream closing does not end it, only its next packet failing to write (tracee-like, it may
    // wait for hours on a quiet filter). It stops at the end of its input instead, which this
    // process holds open and which ends with it (with a TTY the hangup ends it).
    let stop_on_eof = !tty
        && kube::subcommand(&args.args) == Some("capture")
        && !args
            .args
            .iter()
            .any(|a| a.starts_with("-r") || a == "--stop-on-stdin-eof");
    if stop_on_eof {
        // The subcommand's word among toolbox's arguments (after `-- toolbox`).
        let from = plan
            .exec
            .iter()
            .position(|w| w == "--")
            .map_or(0, |i| i + 2);
        if let Some(at) = plan.exec[from..].iter().position(|w| w == "capture") {
            plan.exec
                .insert(from + at + 1, "--stop-on-stdin-eof".into());
        }
    }
    if args.dry_run {
        let mut out = std::io::stdout().lock();
        if let Some(start) = &plan.start {
            writeln!(out, "{}", kube::shell_quote(&kubectl.argv(start)))?;
        }
        writeln!(out, "{}", kube::shell_quote(&kubectl.argv(&plan.exec)))?;
        return Ok(0);
    }
    if let Some(start) = &plan.start {
        eprintln!(
            "kubectl toolbox: adding debug container {} to pod {} (--target={} --profile={})",
            plan.container,
            pod_name,
            plan.target,
            plan.profile.name()
        );
        kubectl.run(start, pod_name)?;
        kubectl.wait_running(pod_name, &plan.container, kube::START_TIMEOUT)?;
    }
    let mut cmd = kubectl.command(&plan.exec);
    if stop_on_eof {
        cmd.stdin(std::process::Stdio::piped());
    }
    let mut child = cmd
        .spawn()
        .map_err(kube::spawn_error)
        .context("kubectl exec")?;
    // Held until kubectl ends (or this process does).
    let stdin = child.stdin.take();
    let status = child.wait().context("kubectl exec")?;
    drop(stdin);
    Ok(exit_code(status))
}

/// `kubectl toolbox capture (-l SELECTOR | POD…) [FILTER] -w FILE|-`: with -l the words after
/// `capture` are the filter; without, they are the pods and the filter follows `--`.
fn run_fanout(kubectl: &Kubectl, args: &KubectlArgs) -> anyhow::Result<i32> {
    let rest = &args.pods[1..];
    let Some(out) = &args.write else {
        anyhow::bail!("kubectl toolbox capture needs -w FILE (or -w - for standard output, e.g. | wireshark -k -i -)");
    };
    let (pods, filter) = match &args.selector {
        Some(sel) => (
            Pods::Selector(sel),
            rest.iter().chain(&args.args).cloned().collect::<Vec<_>>(),
        ),
        None if rest.is_empty() => {
            anyhow::bail!("kubectl toolbox capture needs -l SELECTOR or pod names")
        }
        None => (Pods::Names(rest), args.args.clone()),
    };
    let code = fanout::run(
        kubectl,
        &fanout::Request {
            pods,
            container: args.container.as_deref(),
            image: args.image.as_deref().unwrap_or(kube::DEFAULT_IMAGE),
            image_explicit: args.image.is_some(),
            filter: &filter,
            link: args.link.as_deref(),
            out: std::path::Path::new(out),
            dry_run: args.dry_run,
        },
    )?;
    Ok(code)
}

/// A child's exit status as a shell reports it (128+N for signal N).
fn exit_code(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap_or(1)
}
