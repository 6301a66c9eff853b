//! Claude Code's logs: `<config>/projects/<encoded project>/<session>.jsonl`, with subagents in
//! `<session>/subagents/*.jsonl`. Usage is in `message.usage` of `type: "assistant"` lines; one
//! request is logged several times while it streams, so requests are keyed on
//! (`message.id`, `requestId`) and the largest is kept.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Defaults, base_name, parse_time, request};
use crate::pricing::Tokens;
use crate::usage::{CostSource, Request};

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    timestamp: Option<Cow<'a, str>>,
    #[serde(rename = "sessionId", borrow)]
    session_id: Option<Cow<'a, str>>,
    #[serde(rename = "requestId", borrow)]
    request_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    cwd: Option<Cow<'a, str>>,
    #[serde(borrow)]
    uuid: Option<Cow<'a, str>>,
    #[serde(rename = "costUSD")]
    cost_usd: Option<serde_json::Number>,
    #[serde(borrow)]
    message: Option<Message<'a>>,
}

#[derive(Deserialize)]
struct Message<'a> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    model: Option<Cow<'a, str>>,
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Usage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
    cache_creation: Option<CacheCreation>,
}

#[derive(Deserialize)]
struct CacheCreation {
    ephemeral_5m_input_tokens: Option<u64>,
    ephemeral_1h_input_tokens: Option<u64>,
}

fn total(t: &Tokens) -> u64 {
    t.input + t.output + t.cache_read + t.cache_write_5m + t.cache_write_1h
}

/// The project a log belongs to when its lines carry no `cwd`: the folder under `projects/`,
/// which is the project's path with every character but ASCII letters and digits written as `-`
/// (`/home/alice/my-proj` -> `-home-alice-my-proj`). Where that path's folders exist on this
/// machine, they say where the dashes were slashes, and the name is the folder's own (`my-proj`,
/// as the base name of a `cwd` gives it); else it is the last segment (`proj`).
fn folder_project(path: &Path, root: Option<&Path>) -> String {
    let rel = root.and_then(|r| path.strip_prefix(r).ok());
    let folder = rel
        .and_then(|r| r.components().next())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .or_else(|| {
            path.parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    if let Some(name) = decode_project(&folder) {
        return name;
    }
    folder
        .rsplit('-')
        .find(|s| !s.is_empty())
        .unwrap_or(&folder)
        .to_string()
}

/// A folder name as Claude Code writes it into a project's folder name.
fn encode(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// The base name of the existing folder whose path Claude Code encodes as `encoded`, if there
/// is one (the longest names are tried first; at most 256 folders are listed).
fn decode_project(encoded: &str) -> Option<String> {
    fn walk(dir: &Path, rest: &str, budget: &mut u32) -> Option<PathBuf> {
        if rest.is_empty() {
            return Some(dir.to_path_buf());
        }
        if *budget == 0 {
            return None;
        }
        *budget -= 1;
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .ok()?
            .flatten()
            .filter(|e| std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir()))
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        for n in names {
            let Some(after) = rest.strip_prefix(encode(&n).as_str()) else {
                continue;
            };
            let next = if after.is_empty() {
                Some("")
            } else {
                after.strip_prefix('-')
            };
            if let Some(next) = next
                && let Some(found) = walk(&dir.join(&n), next, budget)
            {
                return Some(found);
            }
        }
        None
    }
    // an absolute path: its leading `/` is the first `-`
    let rest = encoded.strip_prefix('-')?;
    let found = walk(Path::new("/"), rest, &mut 256)?;
    found.file_name().map(|n| n.to_string_lossy().into_owned())
}

/// Parses whole lines; returns one request per (message id, request id), the largest of each,
/// and how many usage lines were seen.
pub fn parse(
    chunk: &[u8],
    path: &Path,
    root: Option<&Path>,
    defaults: &Defaults,
) -> (Vec<Request>, u64) {
    let finder = memchr::memmem::Finder::new(b"\"assistant\"");
    let usage_finder = memchr::memmem::Finder::new(b"\"usage\"");
    let mut out: Vec<Request> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut seen = 0u64;
    let mut fallback_project: Option<String> = None;
    // Only lines with `"assistant"` matter; find those with one SIMD search over the whole
    // chunk rather than looking at every line (tool results make most of the bytes).
    let mut pos = 0usize;
    while let Some(hit) = finder.find(&chunk[pos..]) {
        let hit = pos + hit;
        let start = memchr::memrchr(b'\n', &chunk[..hit]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &chunk[hit..]).map_or(chunk.len(), |i| hit + i);
        pos = end.min(chunk.len());
        if pos < chunk.len() {
            pos += 1;
        }
        let line = &chunk[start..end];
        if line.len() < 20 || usage_finder.find(line).is_none() {
            continue;
        }
        let Ok(l) = serde_json::from_slice::<Line<'_>>(line) else {
            continue;
        };
        if l.kind.as_deref() != Some("assistant") {
            continue;
        }
        let Some(msg) = l.message else { continue };
        let Some(u) = msg.usage else { continue };
        let model = msg.model.as_deref().unwrap_or("");
        if model.is_empty() || model == "<synthetic>" {
            continue;
        }
        let Some(ts_ms) = l.timestamp.as_deref().and_then(parse_time) else {
            continue;
        };
        seen += 1;
        let cache_write = u.cache_creation_input_tokens.unwrap_or(0);
        let (w5, w1) = match &u.cache_creation {
            Some(c)
                if c.ephemeral_5m_input_tokens.is_some()
                    || c.ephemeral_1h_input_tokens.is_some() =>
            {
                let h = c.ephemeral_1h_input_tokens.unwrap_or(0);
                let m = c.ephemeral_5m_input_tokens.unwrap_or(0);
                // keep the total the log gives: anything not split is a 5-minute write
                (m.max(cache_write.saturating_sub(h)), h)
            }
            _ => (cache_write, 0),
        };
        let tokens = Tokens {
            input: u.input_tokens.unwrap_or(0),
            output: u.output_tokens.unwrap_or(0),
            cache_read: u.cache_read_input_tokens.unwrap_or(0),
            cache_write_5m: w5,
            cache_write_1h: w1,
        };
        let key = match (msg.id.as_deref(), l.request_id.as_deref()) {
            (Some(m), Some(r)) => Some(format!("{m}:{r}")),
            (Some(m), None) => Some(m.to_string()),
            (None, Some(r)) => Some(r.to_string()),
            (None, None) => l.uuid.as_deref().map(str::to_string),
        };
        let project = match l.cwd.as_deref().and_then(base_name) {
            Some(p) => p,
            None => fallback_project
                .get_or_insert_with(|| folder_project(path, root))
                .clone(),
        };
        let mut r = request("claude-code");
        r.ts_ms = ts_ms;
        r.provider = "anthropic".into();
        r.model = model.to_string();
        r.user = defaults.user.clone();
        r.project = project;
        r.session = l.session_id.map(Cow::into_owned);
        r.request_id = key.clone();
        r.tokens = tokens;
        if let Some(c) = l
            .cost_usd
            .as_ref()
            .and_then(|n| crate::pricing::parse_usd(&n.to_string()))
        {
            // the log's own cost; the price table wins when it knows the model
            r.cost_nanos = c;
            r.cost_source = CostSource::Given;
        }
        match key {
            Some(k) => match index.get(&k) {
                Some(&i) => {
                    if total(&r.tokens) > total(&out[i].tokens) {
                        out[i] = r;
                    }
                }
                None => {
                    index.insert(k, out.len());
                    out.push(r);
                }
            },
            None => out.push(r),
        }
    }
    (out, seen)
}
