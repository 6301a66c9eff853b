use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = aimcp::cli::Cli::parse();
    aimcp::run(cli)
}
