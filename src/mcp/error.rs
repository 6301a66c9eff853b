//! What went wrong talking to a server, in a user's words.

use std::fmt;

use serde_json::Value;

/// JSON-RPC's "method not found".
pub const METHOD_NOT_FOUND: i64 = -32601;

/// An error the server answered a request with: JSON-RPC's `code`, `message` and `data`.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcFailure {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

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
    /// The JSON-RPC error, when the server answered the request with one.
    pub rpc: Option<Box<RpcFailure>>,
    /// No answer came within the timeout.
    pub timed_out: bool,
}

impl McpError {
    pub fn new(message: impl Into<String>) -> Self {
        McpError {
            message: message.into(),
            hint: None,
            stderr: Vec::new(),
            retryable: false,
            http_status: None,
            rpc: None,
            timed_out: false,
        }
    }

    /// No answer came within the request's timeout (or the handshake's).
    pub fn is_timeout(&self) -> bool {
        self.timed_out
    }

    pub(crate) fn timed_out(mut self) -> Self {
        self.timed_out = true;
        self
    }

    /// The JSON-RPC error code the server answered with, if it answered with an error.
    pub fn rpc_code(&self) -> Option<i64> {
        self.rpc.as_ref().map(|r| r.code)
    }

    /// The server does not have the method (JSON-RPC -32601).
    pub fn is_method_not_found(&self) -> bool {
        self.rpc_code() == Some(METHOD_NOT_FOUND)
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

    /// The same error with every one of `secrets` (values a `${VAR}` expanded to, secret-looking
    /// values) replaced by `****` wherever it quotes them: message, hint and stderr lines.
    pub fn masked(mut self, secrets: &[String]) -> Self {
        let mask = |text: &mut String| {
            for secret in secrets {
                if text.contains(secret.as_str()) {
                    *text = text.replace(secret.as_str(), "****");
                }
            }
        };
        mask(&mut self.message);
        if let Some(h) = &mut self.hint {
            mask(h);
        }
        self.stderr.iter_mut().for_each(mask);
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
