//! `aimcp completions SHELL` and `aimcp man`: generated from the clap definition.

use clap::CommandFactory;
use clap_complete::{CompletionCandidate, Shell};

use crate::cli::Cli;
use crate::printer::Printer;

/// The completion script for a shell: it asks `aimcp` itself for the candidates at each TAB
/// (clap_complete's dynamic completion, `COMPLETE=SHELL aimcp -- WORDS`), so that server names
/// and catalog ids complete as well as commands and flags.
pub fn completion_script(shell: Shell) -> String {
    use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
    let completer: &dyn EnvCompleter = match shell {
        Shell::Bash => &Bash,
        Shell::Elvish => &Elvish,
        Shell::Fish => &Fish,
        Shell::PowerShell => &Powershell,
        Shell::Zsh => &Zsh,
        _ => &Bash,
    };
    let mut buf = Vec::new();
    completer
        .write_registration(COMPLETE_VAR, "aimcp", "aimcp", "aimcp", &mut buf)
        .expect("writing to memory cannot fail");
    String::from_utf8(buf).expect("completion scripts are UTF-8")
}

/// The variable that asks `aimcp` for completions instead of running a command.
pub const COMPLETE_VAR: &str = "COMPLETE";

/// Answers a completion request (`COMPLETE=SHELL aimcp -- WORDS`) and exits, if this run is one.
pub fn complete_if_asked() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(COMPLETE_VAR)
        .complete();
}

/// The names of the servers in the `.mcp.json` found from the current folder, sorted.
pub fn server_names() -> Vec<CompletionCandidate> {
    let Ok(cwd) = std::env::current_dir() else {
        return Vec::new();
    };
    let Ok(located) = crate::config::locate(&cwd, None) else {
        return Vec::new();
    };
    let Ok(config) = crate::config::ConfigFile::load(&located.path) else {
        return Vec::new();
    };
    let mut names: Vec<&str> = config.servers().iter().map(|s| s.name.as_str()).collect();
    names.sort_unstable();
    names.into_iter().map(CompletionCandidate::new).collect()
}

/// The ids of the setup catalog (built-in and the user's), with their descriptions.
pub fn catalog_ids() -> Vec<CompletionCandidate> {
    let catalog =
        crate::catalog::Catalog::load().unwrap_or_else(|_| crate::catalog::Catalog::built_in());
    catalog
        .entries
        .iter()
        .map(|e| CompletionCandidate::new(&e.id).help(Some(e.description.clone().into())))
        .collect()
}

/// The roff manual page: clap_mangen's page for `aimcp`, then a COMMANDS section with the full
/// help of every subcommand.
pub fn man_page() -> anyhow::Result<String> {
    let mut cmd = Cli::command();
    cmd.build();
    // clap_mangen's page, section by section: its SUBCOMMANDS list names pages such as
    // `aimcp-mcp(1)` that are not written, so that section is ours and points to COMMANDS.
    let man = clap_mangen::Man::new(cmd.clone());
    type Render = fn(&clap_mangen::Man, &mut dyn std::io::Write) -> std::io::Result<()>;
    let section = |render: Render| -> anyhow::Result<String> {
        let mut buf = Vec::new();
        render(&man, &mut buf)?;
        Ok(String::from_utf8(buf)?)
    };
    let mut page = section(clap_mangen::Man::render_title)?;
    // Each part starts with the same two-line preamble; the page needs it once.
    let preamble: String = page.lines().take(2).map(|l| format!("{l}\n")).collect();
    let push = |page: &mut String, text: String| {
        page.push_str(text.strip_prefix(preamble.as_str()).unwrap_or(&text));
    };
    push(&mut page, section(clap_mangen::Man::render_name_section)?);
    push(
        &mut page,
        section(clap_mangen::Man::render_synopsis_section)?,
    );
    push(
        &mut page,
        section(clap_mangen::Man::render_description_section)?,
    );
    push(
        &mut page,
        section(clap_mangen::Man::render_options_section)?,
    );
    page.push_str(".SH SUBCOMMANDS\nThe options of each command are under COMMANDS below.\n");
    for sub in cmd.get_subcommands().filter(|c| c.get_name() != "help") {
        let name = format!("aimcp {}", sub.get_name()).replace('-', "\\-");
        page.push_str(&format!(".TP\n\\fB{name}\\fR\n"));
        if let Some(about) = sub.get_about() {
            page.push_str(&roff_line(&about.to_string()));
        }
    }
    push(
        &mut page,
        section(clap_mangen::Man::render_version_section)?,
    );
    page.push_str(".SH COMMANDS\n");
    let mut leaves = Vec::new();
    collect_leaves(&mut cmd, "aimcp", &mut leaves);
    for (path, help) in leaves {
        page.push_str(&format!(".SS \"{path}\"\n.nf\n"));
        for line in help.trim_end().lines() {
            page.push_str(&roff_line(line));
        }
        page.push_str(".fi\n");
    }
    Ok(page)
}

/// One line of text as roff: backslashes escaped, a leading `.` or `'` kept from being a request.
fn roff_line(line: &str) -> String {
    let mut out = String::new();
    if line.starts_with('.') || line.starts_with('\'') {
        out.push_str("\\&");
    }
    out.push_str(&line.replace('\\', "\\e"));
    out.push('\n');
    out
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
