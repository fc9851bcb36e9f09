//! `toolbox inspect`: one process in depth.
