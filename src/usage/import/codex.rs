//! Codex CLI's logs: `~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`. `event_msg` lines with
//! `payload.type == "token_count"` carry cumulative totals (`info.total_token_usage`); each
//! session's usage is recorded as deltas, and events that do not increase the total (forks and
//! replays) are dropped. Codex's `input_tokens` include the cached ones, stored apart here.

use serde::{Deserialize, Serialize};

use super::{Defaults, base_name, parse_time, request};
use crate::pricing::Tokens;
use crate::usage::Request;

#[derive(Deserialize)]
struct Line {
    timestamp: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    payload: Option<Payload>,
}

#[derive(Deserialize)]
struct Payload {
    #[serde(rename = "type")]
    kind: Option<String>,
    id: Option<String>,
    cwd: Option<String>,
    model: Option<String>,
    info: Option<Info>,
}

#[derive(Deserialize)]
struct Info {
    total_token_usage: Option<Usage>,
    last_token_usage: Option<Usage>,
}

#[derive(Deserialize, Serialize, Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Usage {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    cached_input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
    #[serde(default)]
    reasoning_output_tokens: u64,
    #[serde(default)]
    total_tokens: u64,
}

impl Usage {
    fn total(&self) -> u64 {
        if self.total_tokens > 0 {
            self.total_tokens
        } else {
            self.input_tokens + self.output_tokens
        }
    }
}

/// What a file's reader knows at its offset, kept between imports.
#[derive(Deserialize, Serialize, Default, Debug)]
struct State {
    session: Option<String>,
    model: Option<String>,
    cwd: Option<String>,
    totals: Usage,
}

/// Parses whole lines from `state` on; returns the requests and the new state (JSON).
pub fn parse(
    chunk: &[u8],
    path: &std::path::Path,
    state: Option<&str>,
    defaults: &Defaults,
) -> (Vec<Request>, String) {
    let mut st: State = state
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    if st.session.is_none() {
        st.session = path.file_stem().map(|s| {
            s.to_string_lossy()
                .trim_start_matches("rollout-")
                .to_string()
        });
    }
    let wanted = [
        memchr::memmem::Finder::new(b"token_count"),
        memchr::memmem::Finder::new(b"session_meta"),
        memchr::memmem::Finder::new(b"turn_context"),
    ];
    let mut out = Vec::new();
    for line in chunk.split(|b| *b == b'\n') {
        if line.len() < 10 || !wanted.iter().any(|f| f.find(line).is_some()) {
            continue;
        }
        let Ok(l) = serde_json::from_slice::<Line>(line) else {
            continue;
        };
        let Some(p) = l.payload else { continue };
        match (l.kind.as_deref(), p.kind.as_deref()) {
            (Some("session_meta"), _) => {
                if let Some(id) = p.id {
                    st.session = Some(id);
                }
                if p.cwd.is_some() {
                    st.cwd = p.cwd;
                }
                if p.model.is_some() {
                    st.model = p.model;
                }
            }
            (Some("turn_context"), _) => {
                if p.model.is_some() {
                    st.model = p.model;
                }
                if p.cwd.is_some() {
                    st.cwd = p.cwd;
                }
            }
            (Some("event_msg"), Some("token_count")) => {
                let Some(info) = p.info else { continue };
                let now = match (info.total_token_usage, info.last_token_usage) {
                    (Some(t), _) => t,
                    (None, Some(last)) => Usage {
                        input_tokens: st.totals.input_tokens + last.input_tokens,
                        cached_input_tokens: st.totals.cached_input_tokens
                            + last.cached_input_tokens,
                        output_tokens: st.totals.output_tokens + last.output_tokens,
                        reasoning_output_tokens: st.totals.reasoning_output_tokens
                            + last.reasoning_output_tokens,
                        total_tokens: st.totals.total() + last.total(),
                    },
                    (None, None) => continue,
                };
                if now.total() <= st.totals.total() {
                    continue; // a replay or a fork: nothing new
                }
                let prev = st.totals;
                st.totals = now;
                let Some(ts_ms) = l.timestamp.as_deref().and_then(parse_time) else {
                    continue;
                };
                let d = |a: u64, b: u64| a.saturating_sub(b);
                let input = d(now.input_tokens, prev.input_tokens);
                let cached = d(now.cached_input_tokens, prev.cached_input_tokens).min(input);
                let session = st.session.clone().unwrap_or_default();
                let mut r = request("codex");
                r.ts_ms = ts_ms;
                r.provider = "openai".into();
                r.model = st.model.clone().unwrap_or_else(|| "gpt-5".into());
                r.user = defaults.user.clone();
                r.project = st
                    .cwd
                    .as_deref()
                    .and_then(base_name)
                    .unwrap_or_else(|| "codex".into());
                r.request_id = Some(format!("{session}:{}", now.total()));
                r.session = Some(session);
                r.tokens = Tokens {
                    input: input - cached,
                    output: d(now.output_tokens, prev.output_tokens),
                    cache_read: cached,
                    cache_write_5m: 0,
                    cache_write_1h: 0,
                };
                r.reasoning = d(now.reasoning_output_tokens, prev.reasoning_output_tokens);
                out.push(r);
            }
            _ => {}
        }
    }
    (out, serde_json::to_string(&st).unwrap_or_default())
}
