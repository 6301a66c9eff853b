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

/// Prefixes of well-known token formats (GitHub, OpenAI, Anthropic, Slack, AWS, GitLab, npm,
/// Google): a value that starts with one and is long enough is a secret wherever it sits.
const TOKEN_PREFIXES: &[&str] = &[
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "sk-",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "xoxs-",
    "xoxr-",
    "xoxo-",
    "AKIA",
    "ASIA",
    "glpat-",
    "npm_",
    "AIza",
];

/// True when `value` is a token of a well-known format (`ghp_...`, `sk-...`, `AKIA...`).
pub fn looks_like_token(value: &str) -> bool {
    let v = value.trim();
    v.len() >= 20
        && !v.contains(char::is_whitespace)
        && !v.contains("${")
        && TOKEN_PREFIXES.iter().any(|p| v.starts_with(p))
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

/// The literal secrets of a command line.
pub fn arg_secrets(args: &[String]) -> Vec<ArgSecret> {
    let mut out = Vec::new();
    let flag_name = |a: &str| -> Option<String> {
        let f = a.strip_prefix("--").or_else(|| a.strip_prefix('-'))?;
        let lower = f.to_ascii_lowercase();
        // `--key-file PATH`, `--token-path PATH` name where the secret is, not the secret.
        let names_a_place = ["file", "path", "dir"].iter().any(|w| lower.contains(w));
        (!f.is_empty() && looks_secret(f) && !names_a_place).then(|| f.to_string())
    };
    for (i, a) in args.iter().enumerate() {
        // `--api-key=VALUE`, or `KEY=VALUE` (docker's `-e GITHUB_TOKEN=...`).
        let env_like = |k: &str| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                && looks_secret(k)
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
            if has_literal(value) && !value.is_empty() {
                out.push(ArgSecret {
                    index: i,
                    flag: Some(name),
                    at: flag.len() + 1,
                });
            }
            continue;
        }
        let after_flag = i
            .checked_sub(1)
            .and_then(|p| args.get(p))
            .filter(|p| !p.contains('='))
            .and_then(|p| flag_name(p));
        if let Some(name) = after_flag
            && !a.starts_with('-')
            && has_literal(a)
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
            "ghp_0123456789abcdefghij",
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
    }
}
