//! One file per leaf command. Each takes plain settings and the printer; none sees clap.

pub mod completions;
pub mod mcp;
pub mod run;
pub mod tokens;
