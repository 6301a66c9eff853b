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

/// The roff manual page: clap_mangen's page for `aimcp`, then a COMMANDS section with the full
/// help of every subcommand.
pub fn man_page() -> anyhow::Result<String> {
    let mut cmd = Cli::command();
    cmd.build();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
    let mut page = String::from_utf8(buf)?;
    page.push_str(".SH COMMANDS\n");
    let mut leaves = Vec::new();
    collect_leaves(&mut cmd, "aimcp", &mut leaves);
    for (path, help) in leaves {
        page.push_str(&format!(".SS \"{path}\"\n.nf\n"));
        for line in help.trim_end().lines() {
            let line = line.replace('\\', "\\e");
            if line.starts_with('.') || line.starts_with('\'') {
                page.push_str("\\&");
            }
            page.push_str(&line);
            page.push('\n');
        }
        page.push_str(".fi\n");
    }
    Ok(page)
}

fn collect_leaves(cmd: &mut clap::Command, path: &str, out: &mut Vec<(String, String)>) {
    let names: Vec<String> = cmd
        .get_subcommands()
        .filter(|c| c.get_name() != "help")
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        let Some(sub) = cmd.find_subcommand_mut(&name) else {
            continue;
        };
        let sub_path = format!("{path} {name}");
        if sub.has_subcommands() {
            collect_leaves(sub, &sub_path, out);
        } else {
            let mut sub = sub.clone().bin_name(sub_path.clone()).term_width(100);
            let help = sub.render_long_help().to_string();
            out.push((sub_path, help));
        }
    }
}

pub fn completions(shell: Shell, printer: &Printer) -> anyhow::Result<()> {
    printer.write(&completion_script(shell))
}

pub fn man(printer: &Printer) -> anyhow::Result<()> {
    printer.write(&man_page()?)
}
