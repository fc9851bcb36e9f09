//! toolbox's entry point: parse, dispatch, turn errors into an exit code.

use clap::Parser;

fn main() {
    toolbox::sys::alloc::fork_safe();
    if let Some(code) = toolbox::cli::run_applet() {
        std::process::exit(code);
    }
    let cli = toolbox::cli::Cli::parse();
    let code = match toolbox::cli::run(cli) {
        Ok(code) => code,
        Err(err) => toolbox::cli::report_error(&err),
    };
    std::process::exit(code);
}
