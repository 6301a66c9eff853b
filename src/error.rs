//! Errors that carry an exit code and hints.
//!
//! Any `anyhow::Error` may wrap a [`Fail`] somewhere in its chain; `lib.rs` looks for the first one
//! to choose the exit code (see `../shared/CLI.md`) and the `hint:` lines. An error without a
//! `Fail` exits 1.

use std::fmt;

/// The exit code an error maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// The command ran and the answer is "no" (exit 1).
    No,
    /// Bad usage or bad input; nothing was changed (exit 2).
    Usage,
    /// Cancelled by the user (exit 130).
    Cancelled,
    /// Stdout was closed under us (`aimcp ... | head`): a quiet exit 0.
    BrokenPipe,
}

impl Code {
    pub fn exit_code(self) -> u8 {
        match self {
            Code::No => 1,
            Code::Usage => 2,
            Code::Cancelled => 130,
            Code::BrokenPipe => 0,
        }
    }
}

/// An error a user can act on: a message, an exit code, and hints.
#[derive(Debug)]
pub struct Fail {
    pub code: Code,
    pub message: String,
    pub hints: Vec<String>,
}

impl fmt::Display for Fail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Fail {}

impl Fail {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Fail {
            code,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
}

/// Bad usage or input: exit 2.
pub fn usage(message: impl Into<String>) -> Fail {
    Fail::new(Code::Usage, message)
}

/// The answer is "no": exit 1.
pub fn no(message: impl Into<String>) -> Fail {
    Fail::new(Code::No, message)
}

/// Cancelled by the user: exit 130.
pub fn cancelled() -> Fail {
    Fail::new(Code::Cancelled, "cancelled")
}

/// Ctrl-C at a prompt: exit 130, like [`cancelled`] (Esc), but a caller that treats Esc as an
/// answer (an elicitation's `cancel`) can tell them apart with [`is_interrupted`].
pub fn interrupted() -> Fail {
    Fail::new(Code::Cancelled, INTERRUPTED)
}

const INTERRUPTED: &str = "interrupted";

/// Whether `err` is Ctrl-C at a prompt ([`interrupted`]).
pub fn is_interrupted(err: &anyhow::Error) -> bool {
    find_fail(err).is_some_and(|f| f.code == Code::Cancelled && f.message == INTERRUPTED)
}

/// The first [`Fail`] in an error's chain, if any.
pub fn find_fail(err: &anyhow::Error) -> Option<&Fail> {
    err.chain().find_map(|e| e.downcast_ref::<Fail>())
}

/// The exit code for an error.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    find_fail(err).map(|f| f.code.exit_code()).unwrap_or(1)
}
