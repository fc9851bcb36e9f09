//! One file per subcommand: its clap arguments and its `run()`.

pub mod caps;
pub mod summary;
pub mod target;
pub mod trace;
