//! Integration tests: the real binary in temp directories with a temp HOME.

mod common;

mod cli;
mod generated;
mod mcp_client;
mod mcp_config;
mod setup;
mod setup_pty;
