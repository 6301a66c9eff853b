//! `aimcp completions SHELL` and `aimcp man`: generated from the clap definition.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::printer::Printer;

/// The completion script for a shell.
pub fn completion_script(shell: Shell) -> String {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "aimcp", &mut buf);
    String::from_utf8(buf).expect("completion scripts are UTF-8")
}

/// The roff manual page.
pub fn man_page() -> anyhow::Result<String> {
    let cmd = Cli::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut buf)?;
    Ok(String::from_utf8(buf)?)
}

pub fn completions(shell: Shell, printer: &Printer) -> anyhow::Result<()> {
    printer.write(&completion_script(shell))
}

pub fn man(printer: &Printer) -> anyhow::Result<()> {
    printer.write(&man_page()?)
}
