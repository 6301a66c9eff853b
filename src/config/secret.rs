//! Which keys look secret, and how their values are shown.

/// Words that make an env key or header name look secret, matched against each `_`/`-`-separated
/// part of the name (a part may also end with one: `ACCESSTOKEN`, `APIKEY`).
const SECRET_WORDS: &[&str] = &[
    "TOKEN",
    "KEY",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PASS",
    "AUTHORIZATION",
    "AUTH",
    "CREDENTIAL",
    "CREDENTIALS",
    "COOKIE",
    "PRIVATE",
    "SIGNATURE",
];

/// Authorization schemes that are not themselves secret.
const SCHEMES: &[&str] = &["bearer", "basic", "token", "bot", "digest"];

/// True when a key or header name looks like it holds a secret.
pub fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .any(|part| {
            SECRET_WORDS
                .iter()
                .any(|w| part == *w || (w.len() >= 3 && *w != "PASS" && part.ends_with(w)))
        })
}

/// True when a value holds literal text beyond `${VAR}` references and an auth scheme word:
/// `Bearer ${TOKEN}` is only a reference, `Bearer abc123` is a literal.
pub fn has_literal(value: &str) -> bool {
    let mut rest = String::new();
    let mut tail = value;
    while let Some(at) = tail.find("${") {
        rest.push_str(&tail[..at]);
        rest.push(' ');
        match tail[at..].find('}') {
            Some(end) => tail = &tail[at + end + 1..],
            None => {
                tail = &tail[at..];
                break;
            }
        }
    }
    rest.push_str(tail);
    rest.split_whitespace()
        .any(|word| !SCHEMES.contains(&word.to_ascii_lowercase().as_str()))
}

/// The value as it should be shown: as written, except a literal under a secret-looking key,
/// which is `****`.
pub fn display_value(name: &str, value: &str) -> String {
    if looks_secret(name) && has_literal(value) {
        "****".to_string()
    } else {
        value.to_string()
    }
}

/// A token shape.
pub struct SecretRule {
    pub name: &'static str,
    /// A regular expression (case-sensitive).
    pub pattern: &'static str,
    /// What a match starts with (one of these, ignoring ASCII case): a value that starts with
    /// none of them is not this token, without compiling `pattern`.
    pub starts: &'static [&'static str],
}

pub const SECRET_RULES: &[SecretRule] = &[
    SecretRule {
        name: "GitHub token",
        pattern: r"\bgh[pousr]_[A-Za-z0-9]{30,}",
        starts: &["gh"],
    },
    SecretRule {
        name: "GitHub fine-grained token",
        pattern: r"\bgithub_pat_[A-Za-z0-9_]{20,}",
        starts: &["github_pat_"],
    },
    SecretRule {
        name: "Anthropic API key",
        pattern: r"\bsk-ant-[A-Za-z0-9_-]{20,}",
        starts: &["sk-"],
    },
    SecretRule {
        name: "OpenAI-style API key",
        pattern: r"\bsk-(proj-|live-|test-)?[A-Za-z0-9_-]{20,}",
        starts: &["sk-"],
    },
    SecretRule {
        name: "Slack token",
        pattern: r"\bxox[abposr]-[A-Za-z0-9-]{10,}",
        starts: &["xox"],
    },
    SecretRule {
        name: "AWS access key id",
        pattern: r"\b(AKIA|ASIA)[0-9A-Z]{16}\b",
        starts: &["AKIA", "ASIA"],
    },
    SecretRule {
        name: "GitLab token",
        pattern: r"\bglpat-[A-Za-z0-9_-]{20,}",
        starts: &["glpat-"],
    },
    SecretRule {
        name: "Google API key",
        pattern: r"\bAIza[0-9A-Za-z_-]{35}",
        starts: &["AIza"],
    },
    SecretRule {
        name: "npm token",
        pattern: r"\bnpm_[A-Za-z0-9]{36}",
        starts: &["npm_"],
    },
    SecretRule {
        name: "Stripe key",
        pattern: r"\b[rs]k_live_[A-Za-z0-9]{20,}",
        starts: &["rk_live_", "sk_live_"],
    },
    SecretRule {
        name: "private key",
        pattern: r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
        starts: &["-----BEGIN "],
    },
    SecretRule {
        name: "bearer token",
        pattern: r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{16,}",
        starts: &["bearer"],
    },
    SecretRule {
        name: "secret in a URL",
        pattern: r"(?i)[?&](api[_-]?key|apikey|access[_-]?token|auth[_-]?token|token|secret|password|key)=[^&$\s'\x22#]{8,}",
        starts: &["?", "&"],
    },
];

/// [`SECRET_RULES`], compiled.
pub fn token_rules() -> &'static [(&'static str, regex::Regex)] {
    static RULES: std::sync::OnceLock<Vec<(&'static str, regex::Regex)>> =
        std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        SECRET_RULES
            .iter()
            .filter_map(|r| Some((r.name, regex::Regex::new(r.pattern).ok()?)))
            .collect()
    })
}

/// True when `value` is a token of a well-known format ([`SECRET_RULES`]: `ghp_...`,
/// `sk-...`, `AKIA...`), from its first character.
pub fn looks_like_token(value: &str) -> bool {
    let v = value.trim();
    !v.contains(char::is_whitespace)
        && !v.contains("${")
        && could_start_token(v)
        && token_rules()
            .iter()
            .any(|(_, re)| re.find(v).is_some_and(|m| m.start() == 0))
}

/// Whether `v` starts as some rule's token does ([`SecretRule::starts`]): most arguments of
/// most commands do not (`mcp list` reads every server's), and then no rule is compiled.
fn could_start_token(v: &str) -> bool {
    SECRET_RULES.iter().any(|r| {
        r.starts.iter().any(|p| {
            v.get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p))
        })
    })
}

/// A literal secret in a command line, found in `args[index]` (the whole argument or the part
/// after `=`): `--token VALUE`, `--api-key=VALUE`, or a token of a well-known format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgSecret {
    pub index: usize,
    /// The flag it belongs to (`--token`), if any.
    pub flag: Option<String>,
    /// Byte offset of the secret in the argument (after `--flag=`).
    pub at: usize,
}

/// Last words of a flag or `KEY=` name that hold a secret: `--token`, `--api-key`,
/// `GITHUB_TOKEN=`, `DB_PASSWORD=`. Only the last part counts, so `--token-file PATH`,
/// `--auth-mode oauth` and `AUTH_MODE=none` are ordinary arguments.
const SECRET_LAST_WORDS: &[&str] = &[
    "TOKEN",
    "APIKEY",
    "ACCESSTOKEN",
    "AUTHTOKEN",
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "PAT",
    "CREDENTIAL",
    "CREDENTIALS",
];

/// Words that, before a last `KEY`, name something other than a secret: `--sort-key`,
/// `--primary-key`, `PUBLIC_KEY=`. Any other `..._KEY` (`--api-key`, `OPENAI_KEY=`) is a secret.
const PLAIN_KEYS: &[&str] = &[
    "SORT",
    "PRIMARY",
    "PARTITION",
    "FOREIGN",
    "CACHE",
    "GROUP",
    "ROUTING",
    "SHARD",
    "HASH",
    "INDEX",
    "LOOKUP",
    "MAP",
    "OBJECT",
    "BUCKET",
    "PUBLIC",
    "UNIQUE",
    "COMPOSITE",
    "JOIN",
    "ORDER",
    "RANGE",
];

/// True when a flag (without dashes) or a `KEY` of `KEY=VALUE` names a secret by its last word.
fn names_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let parts: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [] => false,
        [.., before, "KEY"] => !PLAIN_KEYS.contains(before),
        ["KEY"] => true,
        [.., last] => SECRET_LAST_WORDS.contains(last),
    }
}

/// True when a value given to a secret flag can be a secret: not a switch word
/// (`true`, `none`), not a path (`/`, `.`, `~`), not a reference.
fn can_be_secret(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    !lower.is_empty()
        && !["true", "false", "none", "null", "yes", "no", "on", "off"].contains(&lower.as_str())
        && !lower.starts_with(['/', '.', '~'])
        && has_literal(value)
}

/// The literal secrets of a command line.
pub fn arg_secrets(args: &[String]) -> Vec<ArgSecret> {
    let mut out = Vec::new();
    let flag_name = |a: &str| -> Option<String> {
        let f = a.strip_prefix("--").or_else(|| a.strip_prefix('-'))?;
        (!f.is_empty() && names_secret(f)).then(|| f.to_string())
    };
    for (i, a) in args.iter().enumerate() {
        // `--api-key=VALUE`, or `KEY=VALUE` (docker's `-e GITHUB_TOKEN=...`).
        let env_like = |k: &str| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                && names_secret(k)
        };
        if let Some((flag, value)) = a.split_once('=')
            && let Some(name) = if flag.starts_with('-') {
                flag_name(flag)
            } else if env_like(flag) {
                Some(flag.to_string())
            } else {
                None
            }
        {
            if can_be_secret(value) {
                out.push(ArgSecret {
                    index: i,
                    flag: Some(name),
                    at: flag.len() + 1,
                });
            }
            continue;
        }
        // `FOO=ghp_...`: a token of a well-known format after any name.
        if let Some((flag, value)) = a.split_once('=')
            && looks_like_token(value)
        {
            out.push(ArgSecret {
                index: i,
                flag: None,
                at: flag.len() + 1,
            });
            continue;
        }
        let after_flag = i
            .checked_sub(1)
            .and_then(|p| args.get(p))
            .filter(|p| !p.contains('='))
            .and_then(|p| flag_name(p));
        if let Some(name) = after_flag
            && !a.starts_with('-')
            && can_be_secret(a)
        {
            out.push(ArgSecret {
                index: i,
                flag: Some(name),
                at: 0,
            });
            continue;
        }
        if looks_like_token(a) {
            out.push(ArgSecret {
                index: i,
                flag: None,
                at: 0,
            });
        }
    }
    out
}

/// The arguments as they should be shown: each literal secret replaced by `****`.
pub fn masked_args(args: &[String]) -> Vec<String> {
    let mut out = args.to_vec();
    for found in arg_secrets(args) {
        let a = &mut out[found.index];
        a.truncate(found.at);
        a.push_str("****");
    }
    out
}

/// The URL as it should be shown: each literal secret query value replaced by `****`.
pub fn masked_url(url: &str) -> String {
    let mut out = url.to_string();
    for (_, range) in url_secrets(url).into_iter().rev() {
        out.replace_range(range, "****");
    }
    out
}

/// The query parameters of a URL that hold a literal secret (`?api_key=...`, `&token=...`),
/// as (name, byte range of the value).
pub fn url_secrets(url: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let Some(q) = url.find('?') else {
        return Vec::new();
    };
    let end = url.find('#').filter(|h| *h > q).unwrap_or(url.len());
    let mut out = Vec::new();
    let mut at = q + 1;
    for pair in url[q + 1..end].split('&') {
        if let Some((k, v)) = pair.split_once('=') {
            let start = at + k.len() + 1;
            if !v.is_empty() && (looks_secret(k) || looks_like_token(v)) && has_literal(v) {
                out.push((k.to_string(), start..start + v.len()));
            }
        }
        at += pair.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One token of each rule's shape: the cheap first-character check lets every one through
    /// (a new rule without a sample here fails the count).
    #[test]
    fn every_rule_passes_the_start_check() {
        let samples = [
            ("GitHub token", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            (
                "GitHub fine-grained token",
                "github_pat_abcdefghijklmnopqrstuvwxyz",
            ),
            ("Anthropic API key", "sk-ant-abcdefghijklmnopqrstuvwxyz"),
            ("OpenAI-style API key", "sk-proj-abcdefghijklmnopqrstuvwxyz"),
            ("Slack token", "xoxb-1234567890-abcdef"),
            ("AWS access key id", "AKIAABCDEFGHIJKLMNOP"),
            ("GitLab token", "glpat-abcdefghijklmnopqrstuvwxyz"),
            ("Google API key", "AIzaabcdefghijklmnopqrstuvwxyz012345678"),
            ("npm token", "npm_abcdefghijklmnopqrstuvwxyz0123456789"),
            ("Stripe key", "rk_live_abcdefghijklmnopqrstuvwxyz"),
            ("private key", "-----BEGIN RSA PRIVATE KEY-----"),
            ("bearer token", "Bearer"),
            ("secret in a URL", "?token=abcdefgh12345678"),
        ];
        assert_eq!(samples.len(), SECRET_RULES.len());
        for (name, sample) in samples {
            let rule = token_rules().iter().find(|(n, _)| *n == name).unwrap();
            if name != "bearer token" {
                assert!(
                    rule.1.find(sample).is_some_and(|m| m.start() == 0),
                    "`{name}` does not match its sample"
                );
            }
            assert!(could_start_token(sample), "`{name}`: {sample}");
        }
        assert!(!could_start_token("--verbose"));
        assert!(!could_start_token("@modelcontextprotocol/server-memory"));
    }

    #[test]
    fn secret_looking_names() {
        for name in [
            "GITHUB_PERSONAL_ACCESS_TOKEN",
            "BRAVE_API_KEY",
            "Authorization",
            "X-Api-Key",
            "x-auth-token",
            "DB_PASSWORD",
            "OPENAI_APIKEY",
            "CLIENT_SECRET",
        ] {
            assert!(looks_secret(name), "{name}");
        }
        for name in [
            "PATH",
            "MEMORY_FILE_PATH",
            "DEBUG",
            "Accept",
            "HOME",
            "MONKEYS_FILE",
        ] {
            assert!(!looks_secret(name), "{name}");
        }
    }

    #[test]
    fn references_stay_literals_hide() {
        assert_eq!(
            display_value("Authorization", "Bearer ${TOKEN}"),
            "Bearer ${TOKEN}"
        );
        assert_eq!(display_value("API_KEY", "${API_KEY:-x}"), "${API_KEY:-x}");
        assert_eq!(display_value("Authorization", "Bearer abc123"), "****");
        assert_eq!(display_value("API_KEY", "sk-live-1"), "****");
        assert_eq!(display_value("DEBUG", "true"), "true");
    }

    #[test]
    fn secrets_in_arguments_and_urls() {
        let args: Vec<String> = [
            "-y",
            "server",
            "--token",
            "abc123",
            "--api-key=xyz",
            "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
            "--token",
            "${T}",
            "--verbose",
            "-e",
            "GITHUB_TOKEN=abc",
            "GITHUB_TOKEN",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let found = arg_secrets(&args);
        assert_eq!(
            found.iter().map(|f| (f.index, f.at)).collect::<Vec<_>>(),
            [(3, 0), (4, 10), (5, 0), (10, 13)]
        );
        assert_eq!(found[0].flag.as_deref(), Some("token"));
        let url = "https://x.test/mcp?api_key=s3cret&mode=fast&token=${T}#k";
        let s = url_secrets(url);
        assert_eq!(s.len(), 1);
        assert_eq!(&url[s[0].1.clone()], "s3cret");
        assert!(url_secrets("https://x.test/mcp").is_empty());
        assert_eq!(
            masked_url(url),
            "https://x.test/mcp?api_key=****&mode=fast&token=${T}#k"
        );
        assert_eq!(masked_args(&args)[3..6], ["****", "--api-key=****", "****"]);
    }

    #[test]
    fn ordinary_flags_are_not_secrets() {
        let args: Vec<String> = [
            "--auth-mode",
            "oauth",
            "--no-auth",
            "/data",
            "--sort-key",
            "name",
            "--primary-key",
            "id",
            "--signature-version",
            "v4",
            "--private",
            "./repo",
            "-e",
            "AUTH_MODE=none",
            "--token-file",
            "/run/token",
            "--token",
            "true",
            "--key-dir=keys",
            "--public-key",
            "abcdefgh",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(arg_secrets(&args), []);
        let args: Vec<String> = [
            "-e",
            "OPENAI_KEY=q8Zk2LxP",
            "--license-key",
            "ABCD-1234",
            "--url=https://x.test/?a=b",
            "X=ghp_0123456789abcdefghijklmnopqrstuvwxyz",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            arg_secrets(&args)
                .iter()
                .map(|f| (f.index, f.at))
                .collect::<Vec<_>>(),
            [(1, 11), (3, 0), (5, 2)]
        );
    }
}
