//! A `Prompter` trait: the terminal behind it (inquire for choices and yes/no, our own line editor
//! in [`editor`] for text and secrets), a scripted one for tests.
//!
//! Every prompt returns [`crate::error::cancelled`] (Esc) or [`crate::error::interrupted`]
//! (Ctrl-C), both exit 130, so a command can simply `?` its way out before it has written
//! anything.

use std::collections::VecDeque;

use inquire::{Confirm, InquireError, Select};

use crate::error::{cancelled, interrupted};

mod editor;
mod line;

/// Checks an answer: `Err(message)` asks again with the message.
pub type Validator<'a> = &'a dyn Fn(&str) -> Result<(), String>;

/// The questions a command can ask.
pub trait Prompter {
    /// Picks one of `options` (searchable by typing); returns its index.
    fn select(&mut self, message: &str, options: &[String], start: usize) -> anyhow::Result<usize>;
    /// A line of text; Enter on an empty line gives `default` when there is one.
    fn text(
        &mut self,
        message: &str,
        default: Option<&str>,
        help: Option<&str>,
        validate: Validator<'_>,
    ) -> anyhow::Result<String>;
    /// A secret, masked while typed; `validate` as for [`Prompter::text`].
    fn password(
        &mut self,
        message: &str,
        help: Option<&str>,
        validate: Validator<'_>,
    ) -> anyhow::Result<String>;
    /// Yes or no.
    fn confirm(&mut self, message: &str, default: bool) -> anyhow::Result<bool>;
}

fn map_err(err: InquireError) -> anyhow::Error {
    match err {
        InquireError::OperationCanceled => cancelled().into(),
        InquireError::OperationInterrupted => interrupted().into(),
        other => anyhow::Error::new(other).context("cannot prompt"),
    }
}

/// The line a picker shows when its filter matches nothing.
const NO_MATCHES: &str = "(no matches: Backspace to change the filter)";

/// One line at the terminal: Esc and Ctrl-D on an empty line are [`crate::error::cancelled`],
/// Ctrl-C [`crate::error::interrupted`], like inquire's prompts.
fn read_line(question: &editor::Question<'_>) -> anyhow::Result<String> {
    // inquire's rule, so that all the prompts of a wizard agree.
    let color = std::env::var("NO_COLOR").is_err();
    match editor::ask(&mut editor::Crossterm::new(), question, color) {
        Ok(editor::Outcome::Answer(value)) => Ok(value),
        Ok(editor::Outcome::Cancelled) => Err(cancelled().into()),
        Ok(editor::Outcome::Interrupted) => Err(interrupted().into()),
        Err(e) => Err(anyhow::Error::new(e).context("cannot prompt")),
    }
}

/// The real prompts, drawn on stderr: inquire's select and confirm, and [`editor`]'s lines.
#[derive(Debug, Default)]
pub struct InquirePrompter;

impl Prompter for InquirePrompter {
    fn select(&mut self, message: &str, options: &[String], start: usize) -> anyhow::Result<usize> {
        // inquire shows an empty list when the filter matches nothing: a last line that only a
        // filter matching nothing shows says so.
        let default = Select::<String>::DEFAULT_SCORER;
        let none = options.len();
        let scorer = |input: &str, option: &String, text: &str, index: usize| -> Option<i64> {
            if index != none {
                return default(input, option, text, index);
            }
            let matched = options
                .iter()
                .enumerate()
                .any(|(i, o)| default(input, o, o, i).is_some());
            (!input.is_empty() && !matched).then_some(0)
        };
        let mut shown = options.to_vec();
        shown.push(NO_MATCHES.to_string());
        loop {
            let chosen = Select::new(message, shown.clone())
                .with_starting_cursor(start)
                .with_page_size(12)
                .with_scorer(&scorer)
                .with_help_message("type to filter, ↑↓ to move, enter to choose, esc to cancel")
                .raw_prompt()
                .map_err(map_err)?;
            if chosen.index != none {
                return Ok(chosen.index);
            }
        }
    }

    fn text(
        &mut self,
        message: &str,
        default: Option<&str>,
        help: Option<&str>,
        validate: Validator<'_>,
    ) -> anyhow::Result<String> {
        read_line(&editor::Question {
            message,
            default,
            help,
            secret: false,
            validate,
        })
    }

    fn password(
        &mut self,
        message: &str,
        help: Option<&str>,
        validate: Validator<'_>,
    ) -> anyhow::Result<String> {
        read_line(&editor::Question {
            message,
            default: None,
            help,
            secret: true,
            validate,
        })
    }

    fn confirm(&mut self, message: &str, default: bool) -> anyhow::Result<bool> {
        Confirm::new(message)
            .with_default(default)
            .prompt()
            .map_err(map_err)
    }
}

/// One scripted answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Choose the first option containing this text.
    Choose(String),
    /// Type this text (or secret).
    Type(String),
    /// Press Enter: the default.
    Enter,
    Yes,
    No,
    /// Press Esc.
    Cancel,
    /// Press Ctrl-C.
    Interrupt,
}

/// Answers from a script, recording each question; for tests.
#[derive(Debug, Default)]
pub struct ScriptedPrompter {
    answers: VecDeque<Answer>,
    /// The questions asked, in order.
    pub asked: Vec<String>,
}

impl ScriptedPrompter {
    pub fn new(answers: impl IntoIterator<Item = Answer>) -> Self {
        ScriptedPrompter {
            answers: answers.into_iter().collect(),
            asked: Vec::new(),
        }
    }

    /// Answers not used yet.
    pub fn left(&self) -> usize {
        self.answers.len()
    }

    fn next(&mut self, message: &str) -> anyhow::Result<Answer> {
        self.asked.push(message.to_string());
        match self.answers.pop_front() {
            Some(Answer::Cancel) => Err(cancelled().into()),
            Some(Answer::Interrupt) => Err(interrupted().into()),
            Some(a) => Ok(a),
            None => anyhow::bail!("the script has no answer for `{message}`"),
        }
    }
}

impl Prompter for ScriptedPrompter {
    fn select(&mut self, message: &str, options: &[String], start: usize) -> anyhow::Result<usize> {
        match self.next(message)? {
            Answer::Enter => Ok(start),
            Answer::Choose(text) | Answer::Type(text) => options
                .iter()
                .position(|o| o.contains(&text))
                .ok_or_else(|| anyhow::anyhow!("no option contains `{text}` in {options:?}")),
            other => anyhow::bail!("{other:?} does not answer the choice `{message}`"),
        }
    }

    fn text(
        &mut self,
        message: &str,
        default: Option<&str>,
        _help: Option<&str>,
        validate: Validator<'_>,
    ) -> anyhow::Result<String> {
        let value = match self.next(message)? {
            Answer::Enter => default.unwrap_or_default().to_string(),
            Answer::Type(t) if t.is_empty() => default.unwrap_or_default().to_string(),
            Answer::Type(t) => t,
            other => anyhow::bail!("{other:?} does not answer the question `{message}`"),
        };
        validate(&value).map_err(|m| anyhow::anyhow!("`{value}` was refused: {m}"))?;
        Ok(value)
    }

    fn password(
        &mut self,
        message: &str,
        _help: Option<&str>,
        validate: Validator<'_>,
    ) -> anyhow::Result<String> {
        let value = match self.next(message)? {
            Answer::Type(t) => t,
            Answer::Enter => String::new(),
            other => anyhow::bail!("{other:?} does not answer the password `{message}`"),
        };
        validate(&value).map_err(|m| anyhow::anyhow!("`{message}` refused the answer: {m}"))?;
        Ok(value)
    }

    fn confirm(&mut self, message: &str, default: bool) -> anyhow::Result<bool> {
        match self.next(message)? {
            Answer::Yes => Ok(true),
            Answer::No => Ok(false),
            Answer::Enter => Ok(default),
            other => anyhow::bail!("{other:?} does not answer the confirmation `{message}`"),
        }
    }
}
