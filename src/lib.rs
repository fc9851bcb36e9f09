//! toolbox: debug a distroless pod from a tiny scratch image.
//!
//! The library owns the capabilities (target discovery, permission checks, process view, root
//! browsing, tracing, capture); `main.rs` only parses, dispatches and sets the exit code.

#![deny(unsafe_op_in_unsafe_fn)]
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod about;
pub mod caps;
pub mod capture;
pub mod cli;
pub mod cmd;
pub mod doctor;
pub mod fs;
pub mod http;
pub mod kube;
pub mod logs;
pub mod net;
pub mod node;
pub mod output;
pub mod ps;
pub mod session;
pub mod stack;
pub mod sys;
pub mod target;
pub mod trace;
