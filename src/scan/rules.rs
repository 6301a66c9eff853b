//! The rules of `aimcp mcp scan`, as data: a contributor adds a row, not a branch.
//!
//! - [`TEXT_RULES`]: patterns (case-insensitive regular expressions) looked for in every text of
//!   a tool that a model reads: its description, title, and every key and string of its schemas.
//! - [`CHAR_RULES`]: code points a reader cannot see (zero-width, bidirectional controls, tag
//!   characters) that can hide text from the user but not from the model.
//! - [`SECRET_RULES`]: token shapes that must not sit as literals in a client's config file
//!   that git tracks.

use super::Severity;

/// A pattern in a tool's text.
pub struct TextRule {
    pub kind: &'static str,
    pub severity: Severity,
    /// A regular expression, matched case-insensitively.
    pub pattern: &'static str,
    /// What the finding says (the matched text and where follow).
    pub message: &'static str,
}

pub const TEXT_RULES: &[TextRule] = &[
    TextRule {
        kind: "prompt-injection",
        severity: Severity::High,
        pattern: r"\b(ignore|disregard|forget|override)\s+(all\s+|any\s+)?(of\s+)?(the\s+|your\s+|my\s+)?(previous|prior|above|earlier|preceding|other|original|system)\s+(instructions?|prompts?|rules|messages|directions|guidelines|context)",
        message: "tells the model to ignore its instructions",
    },
    TextRule {
        kind: "prompt-injection",
        severity: Severity::High,
        pattern: r"\b(do\s+not|don'?t|never|without)\s+(tell(ing)?|inform(ing)?|mention(ing)?|reveal(ing)?|show(ing)?|alert(ing)?|notify(ing)?|let(ting)?)\s+(this\s+|it\s+|anything\s+)?(to\s+)?(the\s+)?user",
        message: "tells the model to keep something from the user",
    },
    TextRule {
        kind: "prompt-injection",
        severity: Severity::High,
        pattern: r"<\s*/?\s*(important|system|instructions?|secret|hidden|admin)\s*>",
        message: "holds a tag-like block aimed at the model",
    },
    TextRule {
        kind: "prompt-injection",
        severity: Severity::High,
        pattern: r"\b(before|after|when(ever)?)\s+(using|calling|running|invoking)\s+(any|every|all|other|the\s+other)\s+(\w+\s+)?tools?\b",
        message: "tells the model what to do around other tool calls",
    },
    TextRule {
        kind: "prompt-injection",
        severity: Severity::Medium,
        pattern: r"\b(you\s+are\s+now|from\s+now\s+on|new\s+instructions|system\s+prompt|(the\s+)?(assistant|ai|llm|model)\s+(must|should|will)\s+(always|never|now))\b",
        message: "speaks to the model about its own instructions",
    },
    TextRule {
        kind: "prompt-injection",
        severity: Severity::Medium,
        pattern: r"\b(instead\s+of|rather\s+than|do\s+not\s+use|never\s+use)\s+(using\s+|calling\s+)?(the\s+)?[\w.-]+\s+tool\b",
        message: "steers the model away from another tool",
    },
    TextRule {
        kind: "exfiltration",
        severity: Severity::High,
        pattern: r"\b(send|upload|post|forward|transmit|exfiltrate|leak|copy)\b[^.]{0,80}\b(conversation|chat\s+history|api\s+keys?|credentials?|secrets?|tokens?|passwords?|private\s+keys?)\b[^.]{0,60}\b(to|at)\b",
        message: "asks the model to send private data somewhere",
    },
    TextRule {
        kind: "sensitive-file",
        severity: Severity::High,
        pattern: r"(~/\.ssh\b|\.ssh/|\bid_(rsa|dsa|ecdsa|ed25519)\b|\.aws/credentials|\.git-credentials|\.netrc\b|\.pgpass\b|\.npmrc\b|\.pypirc\b|/etc/(passwd|shadow)\b|\.kube/config|\.docker/config\.json|\.config/gh/hosts\.yml|\bmcp\.json\b|claude_desktop_config\.json)",
        message: "names a file that holds keys or credentials",
    },
    TextRule {
        kind: "sensitive-file",
        severity: Severity::Medium,
        pattern: r"(^|[\s'`(/])\.env\b",
        message: "names a `.env` file",
    },
];

/// A range of code points nobody sees on screen.
pub struct CharRule {
    pub first: char,
    pub last: char,
    pub kind: &'static str,
    pub severity: Severity,
    pub name: &'static str,
}

pub const CHAR_RULES: &[CharRule] = &[
    CharRule {
        first: '\u{200B}',
        last: '\u{200C}',
        kind: "hidden-unicode",
        severity: Severity::High,
        name: "zero-width space or non-joiner",
    },
    // Emoji sequences (a family, a flag) join with it: seen, but not alone.
    CharRule {
        first: '\u{200D}',
        last: '\u{200D}',
        kind: "hidden-unicode",
        severity: Severity::Low,
        name: "zero-width joiner",
    },
    CharRule {
        first: '\u{200E}',
        last: '\u{200F}',
        kind: "hidden-unicode",
        severity: Severity::High,
        name: "left-to-right or right-to-left mark",
    },
    CharRule {
        first: '\u{202A}',
        last: '\u{202E}',
        kind: "hidden-unicode",
        severity: Severity::High,
        name: "bidirectional embedding or override (LRE, RLE, PDF, LRO, RLO)",
    },
    CharRule {
        first: '\u{2060}',
        last: '\u{2064}',
        kind: "hidden-unicode",
        severity: Severity::High,
        name: "word joiner or invisible operator",
    },
    CharRule {
        first: '\u{2066}',
        last: '\u{2069}',
        kind: "hidden-unicode",
        severity: Severity::High,
        name: "bidirectional isolate (LRI, RLI, FSI, PDI)",
    },
    CharRule {
        first: '\u{061C}',
        last: '\u{061C}',
        kind: "hidden-unicode",
        severity: Severity::High,
        name: "Arabic letter mark",
    },
    CharRule {
        first: '\u{FEFF}',
        last: '\u{FEFF}',
        kind: "hidden-unicode",
        severity: Severity::High,
        name: "zero-width no-break space",
    },
    CharRule {
        first: '\u{E0000}',
        last: '\u{E007F}',
        kind: "hidden-unicode",
        severity: Severity::High,
        name: "tag character (invisible ASCII)",
    },
    CharRule {
        first: '\u{E0100}',
        last: '\u{E01EF}',
        kind: "hidden-unicode",
        severity: Severity::High,
        name: "variation selector supplement",
    },
    CharRule {
        first: '\u{0000}',
        last: '\u{0008}',
        kind: "hidden-unicode",
        severity: Severity::Medium,
        name: "control character",
    },
    CharRule {
        first: '\u{000B}',
        last: '\u{001F}',
        kind: "hidden-unicode",
        severity: Severity::Medium,
        name: "control character",
    },
    CharRule {
        first: '\u{007F}',
        last: '\u{009F}',
        kind: "hidden-unicode",
        severity: Severity::Medium,
        name: "control character",
    },
    CharRule {
        first: '\u{00AD}',
        last: '\u{00AD}',
        kind: "hidden-unicode",
        severity: Severity::Low,
        name: "soft hyphen",
    },
    CharRule {
        first: '\u{FE00}',
        last: '\u{FE0F}',
        kind: "hidden-unicode",
        severity: Severity::Low,
        name: "variation selector",
    },
    CharRule {
        first: '\u{180E}',
        last: '\u{180E}',
        kind: "hidden-unicode",
        severity: Severity::Medium,
        name: "Mongolian vowel separator",
    },
    CharRule {
        first: '\u{3164}',
        last: '\u{3164}',
        kind: "hidden-unicode",
        severity: Severity::Medium,
        name: "Hangul filler",
    },
];

/// The token shapes live with the rest of what makes a value secret (one table).
pub use crate::config::secret::{SECRET_RULES, SecretRule};
