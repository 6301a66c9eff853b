//! What went wrong talking to a server, in a user's words.

use std::fmt;

/// An error from the client, with what a user needs to act on it.
#[derive(Debug, Clone)]
pub struct McpError {
    /// One line: what failed and why.
    pub message: String,
    /// A next step, where there is one.
    pub hint: Option<String>,
    /// The last lines the server wrote on stderr (stdio), when they help.
    pub stderr: Vec<String>,
    /// A start failure that may succeed when tried again (`retry_attempts`).
    pub retryable: bool,
    /// The HTTP status, when an HTTP answer was the failure.
    pub http_status: Option<u16>,
}

impl McpError {
    pub fn new(message: impl Into<String>) -> Self {
        McpError {
            message: message.into(),
            hint: None,
            stderr: Vec::new(),
            retryable: false,
            http_status: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn retryable(mut self) -> Self {
        self.retryable = true;
        self
    }

    pub fn with_stderr(mut self, lines: Vec<String>) -> Self {
        if self.stderr.is_empty() {
            self.stderr = lines;
        }
        self
    }

    /// Prefixes the message with the step that failed, e.g. "`initialize` failed: ...".
    pub fn during(mut self, step: &str) -> Self {
        self.message = format!("{step}: {}", self.message);
        self
    }

    /// The message followed by the server's stderr lines, for one-string reports (JSON).
    pub fn full(&self) -> String {
        if self.stderr.is_empty() {
            self.message.clone()
        } else {
            format!(
                "{}\nlast lines of the server's stderr:\n{}",
                self.message,
                self.stderr.join("\n")
            )
        }
    }
}

impl fmt::Display for McpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for McpError {}

pub type Result<T> = std::result::Result<T, McpError>;
