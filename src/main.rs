//! toolbox's entry point: parse, dispatch, turn errors into an exit code.

use clap::Parser;

fn main() {
    let cli = toolbox::cli::Cli::parse();
    let code = match toolbox::cli::run(cli) {
        Ok(code) => code,
        Err(err) => toolbox::cli::report_error(&err),
    };
    std::process::exit(code);
}
