//! One file per subcommand: its clap arguments and its `run()`.

pub mod caps;
pub mod capture;
pub mod inspect;
pub mod ps;
pub mod summary;
pub mod target;
