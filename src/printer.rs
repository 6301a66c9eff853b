//! The only code that writes to stdout and stderr.
//!
//! Data goes to stdout; messages, warnings, progress and prompts go to stderr. With `--json`,
//! stdout holds exactly one JSON document. A closed stdout (`aimcp ... | head`) becomes
//! [`Code::BrokenPipe`], which `lib.rs` turns into a quiet exit 0.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Display;
use std::io::{self, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use comfy_table::{ContentArrangement, Table, presets};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::error::{Code, Fail, find_fail};

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// What the printer needs to know, decided once in `main`.
#[derive(Debug, Clone, Default)]
pub struct PrinterOptions {
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
    pub color: ColorChoice,
    pub no_input: bool,
}

#[derive(Debug, Clone)]
pub struct Printer {
    json: bool,
    quiet: bool,
    verbose: u8,
    color: bool,
    stdout_tty: bool,
    stderr_tty: bool,
    interactive: bool,
    /// `CI` is set: no browser is opened, no sign-in starts on its own.
    ci: bool,
    /// Running under GitHub Actions (`GITHUB_ACTIONS=true`): annotations are written.
    github: bool,
    /// A JSON document was written on stdout (shared by clones), so a final error must not
    /// write a second one.
    json_written: Arc<AtomicBool>,
}

/// The document a failing `--json` run leaves on stdout.
#[derive(Debug, Serialize)]
pub struct ErrorDocument<'a> {
    pub error: ErrorBody<'a>,
}

#[derive(Debug, Serialize)]
pub struct ErrorBody<'a> {
    /// The error's first line, without `error: `.
    pub message: &'a str,
    /// The `hint:` lines.
    pub hints: &'a [String],
    /// The process's exit code.
    pub code: u8,
    /// The `Caused by:` lines, outermost first.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub causes: &'a [String],
}

impl Printer {
    pub fn new(opts: &PrinterOptions) -> Self {
        let stdout_tty = io::stdout().is_terminal();
        let stderr_tty = io::stderr().is_terminal();
        let stdin_tty = io::stdin().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match opts.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stderr_tty && !no_color,
        };
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
        Printer {
            json: opts.json,
            quiet: opts.quiet,
            verbose: opts.verbose,
            color,
            stdout_tty,
            stderr_tty,
            interactive: stdin_tty && stderr_tty && !opts.no_input && !opts.json && !ci,
            ci,
            github: std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
            json_written: Arc::default(),
        }
    }

    /// A printer for unit tests: no terminal, no colour, text output.
    pub fn for_tests() -> Self {
        Printer {
            json: false,
            quiet: false,
            verbose: 0,
            color: false,
            stdout_tty: false,
            stderr_tty: false,
            interactive: false,
            ci: false,
            github: false,
            json_written: Arc::default(),
        }
    }

    /// `--json` was given: commands print one JSON document and nothing else on stdout.
    pub fn is_json(&self) -> bool {
        self.json
    }

    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    pub fn verbosity(&self) -> u8 {
        self.verbose
    }

    /// Prompts are allowed: stdin and stderr are terminals, and neither `--no-input`, `--json`
    /// nor `CI=true` is set.
    /// `CI` is set (to anything but empty, `0` or `false`).
    pub fn is_ci(&self) -> bool {
        self.ci
    }

    pub fn is_interactive(&self) -> bool {
        self.interactive
    }

    pub fn stdout_is_terminal(&self) -> bool {
        self.stdout_tty
    }

    pub fn stderr_is_terminal(&self) -> bool {
        self.stderr_tty
    }

    /// Progress bars and spinners may be drawn (not with `-v`, whose lines they would break).
    pub fn shows_progress(&self) -> bool {
        self.stderr_tty && !self.json && !self.quiet && self.verbose == 0
    }

    /// The MCP client's trace for `-v` (servers started and contacted), `-vv` (JSON-RPC
    /// messages, cut short) and `-vvv` (whole messages), on stderr; none without `-v` or with
    /// `--quiet`.
    pub fn mcp_trace(&self) -> Option<crate::mcp::Trace> {
        if self.verbose == 0 || self.quiet {
            return None;
        }
        let printer = self.clone();
        Some(crate::mcp::Trace::new(self.verbose, move |line| {
            let text = printer.paint(line, "2");
            printer.stderr(&text);
        }))
    }

    // ---- stdout ----------------------------------------------------------------------------

    /// Writes text to stdout as it is.
    pub fn write(&self, text: &str) -> anyhow::Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(stdout_error)
    }

    /// Writes one line of data to stdout.
    pub fn line(&self, text: impl Display) -> anyhow::Result<()> {
        self.write(&format!("{text}\n"))
    }

    /// Writes the one JSON document of a `--json` run, pretty-printed.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) -> anyhow::Result<()> {
        let mut text = serde_json::to_string_pretty(value)?;
        text.push('\n');
        self.json_written.store(true, Ordering::SeqCst);
        self.write(&text)
    }

    /// A table styled for where stdout goes: box drawing at a terminal, plain columns elsewhere.
    pub fn table(&self) -> Table {
        let mut table = Table::new();
        if self.stdout_tty {
            table
                .load_style(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic);
        } else {
            table
                .load_style(presets::NOTHING)
                .set_content_arrangement(ContentArrangement::Disabled);
        }
        if !self.color {
            table.force_no_tty();
        }
        table
    }

    /// Prints a table on stdout, with plain columns trimmed of trailing blanks.
    pub fn print_table(&self, table: &Table) -> anyhow::Result<()> {
        let mut text = String::new();
        for line in table.lines() {
            if self.stdout_tty {
                text.push_str(&line);
            } else {
                // Plain columns: drop the padding before the first column and after the last.
                text.push_str(line.strip_prefix(' ').unwrap_or(&line).trim_end());
            }
            text.push('\n');
        }
        self.write(&text)
    }

    // ---- stderr ----------------------------------------------------------------------------

    fn stderr(&self, text: &str) {
        let mut err = io::stderr().lock();
        let _ = writeln!(err, "{text}");
    }

    fn paint(&self, text: &str, ansi: &str) -> String {
        if self.color {
            format!("\x1b[{ansi}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// A message for the user on stderr; hidden by `--quiet`.
    pub fn info(&self, text: impl Display) {
        if !self.quiet {
            self.stderr(&text.to_string());
        }
    }

    /// A message the user must see to go on (a URL to open), on stderr even with `--quiet`.
    pub fn notice(&self, text: impl Display) {
        self.stderr(&text.to_string());
    }

    /// A message shown only with `--verbose`.
    pub fn detail(&self, text: impl Display) {
        if self.verbose > 0 && !self.quiet {
            self.stderr(&text.to_string());
        }
    }

    /// `warning: ...` on stderr, even with `--quiet`.
    pub fn warn(&self, text: impl Display) {
        let prefix = self.paint("warning", "1;33");
        self.stderr(&format!("{prefix}: {text}"));
    }

    /// `hint: ...` on stderr; hidden by `--quiet`.
    pub fn hint(&self, text: impl Display) {
        if !self.quiet {
            let prefix = self.paint("hint", "1;36");
            self.stderr(&format!("{prefix}: {text}"));
        }
    }

    /// Under GitHub Actions, a workflow command such as `::error title=TITLE::TEXT` that the
    /// runner turns into an annotation; nothing elsewhere. It goes to stderr, which the runner
    /// reads as it reads stdout, so that it never lands in the CSV or JSON a command prints.
    pub fn annotation(&self, kind: Annotation, title: &str, text: impl Display) {
        if self.github {
            self.stderr(&annotation_line(kind, title, &text.to_string()));
        }
    }

    /// Reports an error: `error: ...`, `Caused by:` lines, then `hint:` lines.
    pub fn error(&self, err: &anyhow::Error) {
        let (message, causes, hints) = error_parts(err);
        self.error_lines(&message, &causes, &hints);
    }

    fn error_lines(&self, message: &str, causes: &[String], hints: &[String]) {
        let prefix = self.paint("error", "1;31");
        self.stderr(&format!("{prefix}: {message}"));
        if !causes.is_empty() {
            self.stderr("");
            self.stderr("Caused by:");
            for (i, cause) in causes.iter().enumerate() {
                let mut lines = cause.lines();
                if let Some(first) = lines.next() {
                    self.stderr(&format!("  {i}: {first}"));
                }
                for rest in lines {
                    self.stderr(&format!("     {rest}"));
                }
            }
        }
        if !hints.is_empty() && !causes.is_empty() {
            self.stderr("");
        }
        for hint in hints {
            let prefix = self.paint("hint", "1;36");
            self.stderr(&format!("{prefix}: {hint}"));
        }
    }

    /// Reports the error that ends the run, with its exit code: on stderr as [`Printer::error`]
    /// does, and with `--json` also as `{"error":{...}}` on stdout, unless the command already
    /// wrote its document there.
    pub fn fail(&self, err: &anyhow::Error, code: u8) {
        let (message, causes, hints) = error_parts(err);
        self.error_lines(&message, &causes, &hints);
        self.error_document(&message, &causes, &hints, code);
    }

    /// Reports a command line clap could not parse (exit 2), or prints the help or version it
    /// asked for (exit 0). With `json`, an error is also a `{"error":{...}}` document.
    pub fn clap_error(&self, err: &clap::Error, json: bool) -> u8 {
        let code = if err.use_stderr() { 2 } else { 0 };
        let _ = err.print();
        if json && code != 0 {
            let text = err.render().to_string();
            let (message, hints) = clap_parts(&text);
            self.error_document(&message, &[], &hints, code);
        }
        code
    }

    fn error_document(&self, message: &str, causes: &[String], hints: &[String], code: u8) {
        if !self.json || self.json_written.load(Ordering::SeqCst) {
            return;
        }
        let doc = ErrorDocument {
            error: ErrorBody {
                message,
                hints,
                code,
                causes,
            },
        };
        let _ = self.json(&doc);
    }

    // ---- progress --------------------------------------------------------------------------

    /// A container for several progress lines; hidden when progress is off.
    pub fn multi_progress(&self) -> MultiProgress {
        if self.shows_progress() {
            MultiProgress::with_draw_target(ProgressDrawTarget::stderr())
        } else {
            MultiProgress::with_draw_target(ProgressDrawTarget::hidden())
        }
    }

    /// A spinner with a message; hidden when progress is off. It draws nothing for its first
    /// 250 ms so that quick steps do not flicker. Finish it with `finish_and_clear()`.
    pub fn spinner(&self, message: impl Into<String>) -> ProgressBar {
        let bar = if self.shows_progress() {
            ProgressBar::new_spinner()
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed:.dim}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(message.into());
        if self.shows_progress() {
            let delayed = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(250));
                if !delayed.is_finished() {
                    delayed.enable_steady_tick(Duration::from_millis(100));
                }
            });
        }
        bar
    }

    /// A progress bar counting `len` units (bytes when `bytes`); hidden when progress is off.
    pub fn progress_bar(&self, len: u64, bytes: bool) -> ProgressBar {
        let bar = if self.shows_progress() {
            ProgressBar::new(len)
        } else {
            ProgressBar::hidden()
        };
        let template = if bytes {
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}"
        } else {
            "{msg} [{bar:30}] {pos}/{len} eta {eta}"
        };
        bar.set_style(
            ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar
    }
}

/// The level of a GitHub Actions annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Annotation {
    Warning,
    Error,
}

/// `::KIND title=TITLE::TEXT`, escaped as the runner expects: `%`, CR and LF everywhere, and
/// `:` and `,` in the title too.
fn annotation_line(kind: Annotation, title: &str, text: &str) -> String {
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let kind = match kind {
        Annotation::Warning => "warning",
        Annotation::Error => "error",
    };
    let title = data(title).replace(':', "%3A").replace(',', "%2C");
    format!("::{kind} title={title}::{}", data(text))
}

/// An error's first line, its `Caused by:` lines and the hints of the first [`Fail`] in it.
fn error_parts(err: &anyhow::Error) -> (String, Vec<String>, Vec<String>) {
    let mut chain = err.chain();
    let message = chain.next().map(|e| e.to_string()).unwrap_or_default();
    let causes = chain.map(|c| c.to_string()).collect();
    let hints = find_fail(err).map(|f| f.hints.clone()).unwrap_or_default();
    (message, causes, hints)
}

/// The message and the `tip:` lines of clap's rendered error
/// (`error: ...\n\n  tip: ...\n\nUsage: ...`).
fn clap_parts(text: &str) -> (String, Vec<String>) {
    let mut lines = text.lines();
    let mut message = lines
        .next()
        .map(|l| l.strip_prefix("error: ").unwrap_or(l).trim().to_string())
        .unwrap_or_default();
    // The rest of the first paragraph: the arguments a "required" error lists, one a line.
    let listed: Vec<&str> = lines
        .by_ref()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    if !listed.is_empty() {
        message = format!("{message} {}", listed.join(", "));
    }
    let hints = lines
        .filter_map(|l| l.trim().strip_prefix("tip: "))
        .map(str::to_string)
        .collect();
    (message, hints)
}

fn stdout_error(err: io::Error) -> anyhow::Error {
    if err.kind() == io::ErrorKind::BrokenPipe {
        Fail::new(Code::BrokenPipe, "stdout was closed").into()
    } else {
        anyhow::Error::new(err).context("cannot write to stdout")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_are_escaped() {
        assert_eq!(
            annotation_line(Annotation::Error, "a: b, c", "100% of x\nnext"),
            "::error title=a%3A b%2C c::100%25 of x%0Anext"
        );
        assert_eq!(
            annotation_line(Annotation::Warning, "t", "ok"),
            "::warning title=t::ok"
        );
    }
}
