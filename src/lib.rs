//! aimcp: MCP servers for a project, and what AI use costs.
//!
//! `run` is the one place where errors become exit codes (see `../shared/CLI.md`).
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod catalog;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod gateway;
pub mod mcp;
pub mod pricing;
pub mod printer;
pub mod prompt;
pub mod random;
pub mod scan;
pub mod settings;
pub mod usage;
pub mod window;

use std::process::ExitCode;

use crate::cli::{Cli, Command, McpCommand, TokensBudgetCommand, TokensCommand};
use crate::printer::Printer;
use crate::settings::Globals;

/// Parses the process's command line and runs it. A command line clap refuses is exit 2; with
/// `--json` among the arguments, that error is a JSON document on stdout too.
pub fn main() -> ExitCode {
    use clap::Parser;
    commands::completions::complete_if_asked();
    match Cli::try_parse() {
        Ok(cli) => run(cli),
        Err(err) => {
            let json = json_requested(std::env::args_os().skip(1));
            let printer = Printer::new(&printer::PrinterOptions {
                json,
                ..Default::default()
            });
            ExitCode::from(printer.clap_error(&err, json))
        }
    }
}

/// `--json` appears among the arguments, before any `--`.
fn json_requested(args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    args.take_while(|a| a != "--").any(|a| a == "--json")
}

/// Runs a parsed command line and returns the process's exit code.
pub fn run(cli: Cli) -> ExitCode {
    let globals = Globals::from_args(&cli.global);
    let printer = Printer::new(&globals.printer_options());
    match dispatch(cli.command, &globals, &printer) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = error::exit_code(&err);
            if error::find_fail(&err).is_none_or(|f| f.code != error::Code::BrokenPipe) {
                printer.fail(&err, code);
            }
            ExitCode::from(code)
        }
    }
}

/// Where the user's client files are: read from the environment here, once, and passed in.
fn homes() -> crate::config::clients::Homes {
    crate::config::clients::Homes {
        home: dirs::home_dir(),
        config: dirs::config_dir(),
    }
}

fn dispatch(command: Command, g: &Globals, p: &Printer) -> anyhow::Result<()> {
    use crate::commands::{completions, mcp, run, tokens};
    match command {
        Command::Mcp(cmd) => match cmd {
            McpCommand::Setup(a) => mcp::setup::run(g, settings::mcp_setup(a)?, p),
            McpCommand::Catalog => mcp::catalog::run(g, p),
            McpCommand::Add(a) => mcp::add::run(g, settings::mcp_add(a)?, p),
            McpCommand::List => mcp::list::run(g, p),
            McpCommand::Get(a) => mcp::get::run(g, settings::mcp_get(a)?, p),
            McpCommand::Remove(a) => mcp::remove::run(g, settings::mcp_remove(a)?, p),
            McpCommand::Discover(a) => mcp::discover::run(g, settings::mcp_discover(a)?, p),
            McpCommand::Test(a) => mcp::test::run(g, settings::mcp_test(a)?, p),
            McpCommand::Call(a) => mcp::call::run(g, settings::mcp_call(a)?, p),
            McpCommand::Serve(a) => {
                let token = std::env::var(settings::GATEWAY_TOKEN_VAR).ok();
                let page = std::env::var("AIMCP_GATEWAY_PAGE_SIZE").ok();
                mcp::serve::run(g, settings::mcp_serve(a, token, page)?, p)
            }
            McpCommand::Stats(a) => mcp::stats::run(g, settings::mcp_stats(a)?, p),
            McpCommand::Login(a) => {
                let env = |k: &str| std::env::var(k).ok();
                mcp::login::run(g, settings::mcp_login(a, env)?, p)
            }
            McpCommand::Logout(a) => mcp::logout::run(g, settings::mcp_logout(a)?, p),
            McpCommand::Enable(a) => mcp::switch::run(g, settings::mcp_switch(a, true)?, p),
            McpCommand::Disable(a) => mcp::switch::run(g, settings::mcp_switch(a, false)?, p),
            McpCommand::Sync(a) => mcp::sync::run(g, settings::mcp_sync(a, homes())?, p),
            McpCommand::Import(a) => mcp::import::run(g, settings::mcp_import(a, homes())?, p),
            McpCommand::Scan(a) => mcp::scan::run(g, settings::mcp_scan(a)?, p),
        },
        Command::Tokens(cmd) => match cmd {
            TokensCommand::Record(a) => tokens::record::run(g, settings::tokens_record(a)?, p),
            TokensCommand::Import(a) => tokens::import::run(g, settings::tokens_import(a)?, p),
            TokensCommand::Summary(a) => tokens::summary::run(g, settings::tokens_summary(a)?, p),
            TokensCommand::Budget(b) => match b {
                TokensBudgetCommand::Set(a) => {
                    tokens::budget::set(g, settings::tokens_budget_set(a)?, p)
                }
                TokensBudgetCommand::List => tokens::budget::list(g, p),
                TokensBudgetCommand::Remove(a) => tokens::budget::remove(g, &a.id, p),
                TokensBudgetCommand::Status => tokens::budget::status(g, p),
            },
            TokensCommand::Check(a) => tokens::check::run(g, settings::tokens_check(a)?, p),
            TokensCommand::Prices(a) => tokens::prices::run(g, settings::tokens_prices(a)?, p),
            TokensCommand::Export(a) => tokens::export::run(g, settings::tokens_export(a)?, p),
            TokensCommand::Sync(a) => tokens::sync::run(g, settings::tokens_sync(a)?, p),
            TokensCommand::Report(a) => tokens::report::run(g, settings::tokens_report(a)?, p),
            TokensCommand::Blocks(a) => tokens::blocks::run(g, settings::tokens_blocks(a)?, p),
            TokensCommand::Statusline => {
                let mut input = String::new();
                let _ = std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut input);
                tokens::statusline::run(g, &input, p)
            }
        },
        Command::Run(a) => run::run(g, settings::run(a)?, p),
        Command::Completions(a) => completions::completions(a.shell, p),
        Command::Man => completions::man(p),
    }
}
