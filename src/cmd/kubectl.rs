//! `kubectl toolbox` (the binary started as `kubectl-toolbox`, or `toolbox kubectl`): run
//! toolbox in a pod's ephemeral container through the user's own kubectl.
//!
//!     kubectl toolbox [-n NS] [--context C] [--kubeconfig F] POD [-c CONTAINER] [--image IMG]
//!                     [--dry-run] [-- ARGS]
//!
//! starts (or reuses) a `toolbox idle` debug container targeting CONTAINER with the profile
//! ARGS need and runs `kubectl exec POD -c DEBUGGER -i [-t] -- toolbox ARGS` in it.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};

use anyhow::Context;
use clap::{Args, Parser};

use super::Global;
use crate::kube::{self, Kubectl, Request};

/// Arguments of `kubectl toolbox`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  kubectl toolbox web-7d9f -- ps\n  kubectl toolbox -n shop web-7d9f -c nginx -- trace -p 7 -e trace=network\n  kubectl toolbox web-7d9f -- capture -w - port 80 | wireshark -k -i -\n  kubectl toolbox web-7d9f --dry-run -- capture\n\nThe image defaults to `toolbox`; the profile (general, netadmin, sysadmin) is what ARGS need,\nas `toolbox caps` would name it. A running `toolbox idle` debug container of the pod with\nthat target and enough capabilities is reused, so repeated calls add no ephemeral container."
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
    /// The pod.
    #[arg(value_name = "POD")]
    pub pod: String,
    /// toolbox's arguments (none: toolbox's interactive session).
    #[arg(last = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

/// `kubectl-toolbox ARGS`: the plugin's own command line.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl toolbox",
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

/// Run `kubectl toolbox` for one pod.
pub fn run(_global: &Global, args: KubectlArgs) -> anyhow::Result<i32> {
    let kubectl = Kubectl::new(
        args.namespace.as_deref(),
        args.context.as_deref(),
        args.kubeconfig.as_deref(),
    );
    let pod = kubectl.get_pod(&args.pod)?;
    let tty = !kube::binary_output(&args.args)
        && std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal();
    let image = args.image.as_deref().unwrap_or(kube::DEFAULT_IMAGE);
    let plan = kube::plan(
        &pod,
        &Request {
            container: args.container.as_deref(),
            image,
            image_explicit: args.image.is_some(),
            args: &args.args,
            tty,
        },
    )?;
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
            args.pod,
            plan.target,
            plan.profile.name()
        );
        kubectl.run(start, &args.pod)?;
        kubectl.wait_running(&args.pod, &plan.container, kube::START_TIMEOUT)?;
    }
    let status = kubectl
        .command(&plan.exec)
        .status()
        .map_err(kube::spawn_error)
        .context("kubectl exec")?;
    Ok(exit_code(status))
}

/// A child's exit status as a shell reports it (128+N for signal N).
fn exit_code(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap_or(1)
}
