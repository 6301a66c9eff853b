//! `aimcp mcp ...`

pub mod add;
pub mod call;
pub mod catalog;
pub mod discover;
pub mod get;
pub mod list;
pub mod remove;
pub mod setup;
pub mod test;
