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
}
