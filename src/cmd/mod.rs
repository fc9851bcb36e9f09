//! One file per subcommand: its clap arguments and its `run()`.

pub mod caps;
pub mod capture;
pub mod cat;
pub mod exec;
pub mod export;
pub mod find;
pub mod grep;
pub mod head;
pub mod idle;
pub mod inspect;
pub mod ls;
pub mod ps;
pub mod stat;
pub mod summary;
pub mod tail;
pub mod tar;
pub mod target;
pub mod test;
pub mod trace;
pub mod tree;
