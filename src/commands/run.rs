//! `aimcp run [--env-file FILE] -- COMMAND [ARG]...`: runs a client (e.g. `claude`) with the
//! project's `.env` added to its environment, so that `${VAR}` in `.mcp.json` resolves in clients
//! that do not read `.env` themselves.
//!
//! Variables already in the environment win over `.env` (as [`crate::config::EnvResolver`] does).
//! On Unix aimcp `exec`s the command: no aimcp process is left behind, every signal (Ctrl-C,
//! SIGTERM, SIGHUP) reaches the command itself, and its exit status is the one the caller sees.
//! Elsewhere the command is started as a child and its exit code is returned.
//!
//! With `--gateway` (Claude Code only), the command gets `--mcp-config JSON
//! --strict-mcp-config` before its own arguments: the JSON holds one entry, `aimcp`, that runs this binary's
//! `mcp serve` on the project's `.mcp.json` (by absolute paths), so Claude Code starts the
//! gateway and none of the servers itself. The JSON is an argument, not a temp file, so nothing
//! is left behind by the `exec`.

use std::path::PathBuf;
use std::process::Command;

use crate::config::dotenv;
use crate::error::usage;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone)]
pub struct Settings {
    /// `--env-file`, relative to the project folder.
    pub env_file: Option<PathBuf>,
    /// `--gateway`: give `claude` only the `aimcp mcp serve` entry.
    pub gateway: bool,
    pub program: String,
    pub args: Vec<String>,
}

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    let Settings {
        env_file,
        gateway,
        program,
        mut args,
    } = settings;
    if gateway {
        args = gateway_args(globals, &program, args)?;
    }
    let path = match env_file {
        Some(file) => {
            let path = globals.project_dir.join(file);
            if !path.is_file() {
                return Err(usage(format!("`{}` does not exist", path.display()))
                    .hint("`--env-file` names a `.env`-style file of `NAME=value` lines")
                    .into());
            }
            Some(path)
        }
        None => {
            let located = globals.locate_config()?;
            let dir = located.dir();
            let path = dir.join(dotenv::DOTENV_FILE);
            path.is_file().then_some(path)
        }
    };
    let values = match &path {
        Some(p) => dotenv::read(p)?,
        None => Vec::new(),
    };
    let mut added = Vec::new();
    let mut command = Command::new(&program);
    // `-C DIR` acts as if aimcp was started in DIR: so does the command.
    command.args(&args).current_dir(&globals.project_dir);
    for (name, value) in values {
        if std::env::var_os(&name).is_none() && !added.contains(&name) {
            command.env(&name, value);
            added.push(name);
        }
    }
    if let Some(p) = &path {
        // Names only: a value from `.env` is never shown.
        printer.detail(format!(
            "adding {} from `{}`: {}",
            if added.len() == 1 {
                "1 variable".to_string()
            } else {
                format!("{} variables", added.len())
            },
            p.display(),
            if added.is_empty() {
                "-".to_string()
            } else {
                added.join(", ")
            }
        ));
    }
    printer.detail(format!("running `{}`", shown(&program, &args)));
    exec(command, &program)
}

/// The name Claude Code shows for the gateway's entry (`/mcp`, `claude mcp list`).
pub const GATEWAY_ENTRY: &str = "aimcp";

/// `--mcp-config JSON --strict-mcp-config` and then `args`, for `claude`; exit 2 for another
/// command.
fn gateway_args(
    globals: &Globals,
    program: &str,
    args: Vec<String>,
) -> anyhow::Result<Vec<String>> {
    let base = std::path::Path::new(program)
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or(program);
    if base != "claude" {
        return Err(usage(format!(
            "`--gateway` knows how to configure Claude Code (`claude`), not `{program}`"
        ))
        .hint("for another client, add an MCP server entry that runs `aimcp mcp serve` in this project to its config")
        .into());
    }
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|e| anyhow::anyhow!("cannot find the path of the running aimcp: {e}"))?;
    let located = globals.locate_config()?;
    let mut serve: Vec<String> = Vec::new();
    if located.exists {
        serve.extend(["--config".into(), located.path.display().to_string()]);
    } else {
        serve.extend(["-C".into(), globals.project_dir.display().to_string()]);
    }
    if let Some(db) = &globals.db {
        serve.extend(["--db".into(), db.as_arg()]);
    }
    if let Some(pricing) = &globals.pricing {
        serve.extend(["--pricing".into(), pricing.display().to_string()]);
    }
    serve.extend(["mcp".into(), "serve".into()]);
    let config = serde_json::json!({
        "mcpServers": {
            GATEWAY_ENTRY: {
                "type": "stdio",
                "command": exe.display().to_string(),
                "args": serve,
            }
        }
    });
    // `--mcp-config` takes several values: the option after it ends them, so that the user's
    // own arguments (`mcp list`, a prompt) are not read as more configs.
    let mut out = vec![
        "--mcp-config".to_string(),
        config.to_string(),
        "--strict-mcp-config".to_string(),
    ];
    out.extend(args);
    Ok(out)
}

/// The command line as typed, for `-v` (arguments only, never an environment value).
fn shown(program: &str, args: &[String]) -> String {
    std::iter::once(program)
        .chain(args.iter().map(String::as_str))
        .map(crate::config::shell_quote)
        .collect::<Vec<_>>()
        .join(" ")
}

fn not_found(program: &str, err: &std::io::Error) -> anyhow::Error {
    match err.kind() {
        std::io::ErrorKind::NotFound => usage(format!("command `{program}` not found"))
            .hint("is it installed and on `PATH`?")
            .into(),
        std::io::ErrorKind::PermissionDenied => usage(format!(
            "command `{program}` cannot be run: permission denied"
        ))
        .into(),
        _ => usage(format!("cannot run `{program}`: {err}")).into(),
    }
}

#[cfg(unix)]
fn exec(mut command: Command, program: &str) -> anyhow::Result<()> {
    use std::os::unix::process::CommandExt;
    // Returns only when the command could not be started.
    let err = command.exec();
    Err(not_found(program, &err))
}

#[cfg(not(unix))]
fn exec(mut command: Command, program: &str) -> anyhow::Result<()> {
    let status = command.status().map_err(|e| not_found(program, &e))?;
    let code = status.code().unwrap_or(1);
    std::process::exit(code)
}
