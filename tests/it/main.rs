//! Integration tests: the real binary in temp directories with a temp HOME.

mod common;

mod cli;
mod gateway;
mod gateway_front;
mod generated;
mod mcp_client;
mod mcp_config;
mod mcp_conformance;
mod mcp_modern;
mod mcp_oauth;
mod mcp_scan;
mod mcp_session;
mod mcp_stats;
mod mcp_sync;
mod run;
mod setup;
mod setup_pty;
mod tokens_budget;
mod tokens_export;
mod tokens_import;
mod tokens_pg;
mod tokens_record;
mod tokens_report;
mod tokens_summary;
mod tokens_sync;
