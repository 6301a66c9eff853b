//! Prices as data and the cost arithmetic.
//!
//! Money is exact: amounts are integer nano-dollars (`i64`, 10^-9 USD), prices are integer
//! micro-dollars per million tokens, which is pico-dollars (10^-12 USD) per token. Decimal text
//! (`"3.75"`, `"3.75e-06"`) is parsed digit by digit, never through floating-point arithmetic. A
//! request's cost is the sum of `tokens × price` over its token kinds in pico-dollars (in
//! `i128`: exact), rounded half to even once, to the nano-dollar. Rounding each request moves a
//! sum by at most half a nano-dollar per request: ten million requests cannot move it by a cent.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub mod decimal;

pub use decimal::{
    NANOS_PER_USD, Usd, format_rate, format_usd, parse_decimal, parse_usd, parse_usd_wide,
    rate_json,
};

/// The built-in table, as data.
const BUILTIN: &str = include_str!("builtin.json");

/// Micro-dollars per million tokens for each kind of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rates {
    pub input: i64,
    pub output: i64,
    pub cache_read: i64,
    pub cache_write_5m: i64,
    pub cache_write_1h: i64,
}

/// One model's prices: base rates and, optionally, a long-context tier that applies to the whole
/// request once its prompt passes `above` tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelPrice {
    /// The id the table knows the model by.
    pub id: String,
    pub provider: String,
    pub base: Rates,
    pub long_context: Option<(u64, Rates)>,
    /// Where the price comes from: `built-in 2026-11-01`, a file path, or `local`.
    pub origin: String,
    /// A short tag stored with each row priced by this entry.
    pub version: String,
}

/// The tokens of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tokens {
    /// Input tokens, not counting cache reads and writes.
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    pub cache_write_5m: u64,
    pub cache_write_1h: u64,
}

impl Tokens {
    /// The prompt as the providers count it for long-context tiers: every input token.
    pub fn prompt(&self) -> u64 {
        self.input
            .saturating_add(self.cache_read)
            .saturating_add(self.cache_write_5m)
            .saturating_add(self.cache_write_1h)
    }
}

impl ModelPrice {
    /// The rates that apply to this request (the long-context tier when the prompt passes it).
    pub fn rates_for(&self, tokens: &Tokens) -> &Rates {
        match &self.long_context {
            Some((above, rates)) if tokens.prompt() > *above => rates,
            _ => &self.base,
        }
    }

    /// The cost in nano-dollars: the exact sum in pico-dollars, rounded half to even once.
    /// (An `i128`: the caller checks that it fits its ceiling.)
    pub fn cost(&self, tokens: &Tokens) -> i128 {
        let r = self.rates_for(tokens);
        let pico: i128 = tokens.input as i128 * r.input as i128
            + tokens.output as i128 * r.output as i128
            + tokens.cache_read as i128 * r.cache_read as i128
            + tokens.cache_write_5m as i128 * r.cache_write_5m as i128
            + tokens.cache_write_1h as i128 * r.cache_write_1h as i128;
        decimal::div_round_half_even(pico, 3)
    }
}

// ---- the built-in table ---------------------------------------------------------------------

#[derive(Deserialize)]
struct BuiltinFile {
    as_of: String,
    source: String,
    free_providers: Vec<String>,
    models: Vec<BuiltinModel>,
}

#[derive(Deserialize)]
struct BuiltinModel {
    id: String,
    provider: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(flatten)]
    rates: BuiltinRates,
    long_context: Option<BuiltinTier>,
}

#[derive(Deserialize)]
struct BuiltinRates {
    input: String,
    output: String,
    cache_read: Option<String>,
    cache_write_5m: Option<String>,
    cache_write_1h: Option<String>,
}

#[derive(Deserialize)]
struct BuiltinTier {
    above: u64,
    #[serde(flatten)]
    rates: BuiltinRates,
}

/// Dollars per million tokens (decimal text) -> micro-dollars per million tokens.
fn per_mtok(text: &str) -> anyhow::Result<i64> {
    parse_decimal(text, 6)
        .and_then(|v| i64::try_from(v).ok())
        .filter(|v| *v >= 0)
        .ok_or_else(|| anyhow::anyhow!("invalid price `{text}` in the built-in table"))
}

impl BuiltinRates {
    fn rates(&self) -> anyhow::Result<Rates> {
        let input = per_mtok(&self.input)?;
        let cache_write_5m = match &self.cache_write_5m {
            Some(t) => per_mtok(t)?,
            None => input,
        };
        Ok(Rates {
            input,
            output: per_mtok(&self.output)?,
            cache_read: match &self.cache_read {
                Some(t) => per_mtok(t)?,
                None => input,
            },
            cache_write_5m,
            cache_write_1h: match &self.cache_write_1h {
                Some(t) => per_mtok(t)?,
                None => cache_write_5m,
            },
        })
    }
}

/// A table of model prices with an index of normalised ids and aliases.
#[derive(Debug, Default)]
struct Table {
    models: Vec<ModelPrice>,
    /// Exact (lowercased) ids and aliases.
    exact: HashMap<String, usize>,
    /// Normalised ids (see [`normalize`]), with how good a match each is (lower is better).
    normal: HashMap<String, (u8, usize)>,
}

/// Providers that sell their own models: their entries win over resellers' (azure, bedrock ...)
/// for a bare model name.
const FIRST_PARTY: &[&str] = &[
    "anthropic",
    "openai",
    "gemini",
    "google",
    "mistral",
    "deepseek",
];

impl Table {
    fn push(&mut self, price: ModelPrice, names: &[String]) {
        let i = self.models.len();
        self.models.push(price);
        let first_party = FIRST_PARTY.contains(&self.models[i].provider.as_str());
        for name in names {
            let lower = name.to_ascii_lowercase();
            let normal = normalize(&lower);
            // a plain id (`claude-sonnet-4-5`) wins over prefixed ones, and the maker's own
            // (`mistral/...`) over a reseller's (`azure/...`, `us.anthropic....`)
            let rank = match (normal == lower, first_party) {
                (true, _) => 0,
                (false, true) => 1,
                (false, false) => 2,
            };
            match self.normal.get(&normal) {
                Some((r, _)) if *r <= rank => {}
                _ => {
                    self.normal.insert(normal, (rank, i));
                }
            }
            self.exact.entry(lower).or_insert(i);
        }
    }

    fn find(&self, model: &str) -> Option<&ModelPrice> {
        let lower = model.to_ascii_lowercase();
        self.exact
            .get(&lower)
            .or_else(|| self.normal.get(&normalize(&lower)).map(|(_, i)| i))
            .map(|&i| &self.models[i])
    }
}

/// Reduces a model id to its family name: no provider prefix (`anthropic/`, `gemini/`,
/// `models/`, Bedrock's `us.anthropic.`), no date (`-20250929`, `-2025-04-14`, `@20250929`), no
/// version suffix (`-v1:0`), no `-latest`.
pub fn normalize(model: &str) -> String {
    let mut m = model.trim().to_ascii_lowercase();
    if let Some(i) = m.rfind('/') {
        m = m[i + 1..].to_string();
    }
    for prefix in ["us.", "eu.", "apac.", "global."] {
        if let Some(rest) = m.strip_prefix(prefix) {
            m = rest.to_string();
        }
    }
    for prefix in ["anthropic.", "openai.", "mistral.", "deepseek."] {
        if let Some(rest) = m.strip_prefix(prefix) {
            m = rest.to_string();
        }
    }
    if let Some(i) = m.find('@') {
        m.truncate(i);
    }
    if let Some(i) = m.rfind("-v1:") {
        m.truncate(i);
    }
    // -YYYY-MM-DD
    let b = m.as_bytes();
    if b.len() > 11 {
        let t = &b[b.len() - 11..];
        if t[0] == b'-'
            && t[5] == b'-'
            && t[8] == b'-'
            && t[1..5].iter().all(u8::is_ascii_digit)
            && t[6..8].iter().all(u8::is_ascii_digit)
            && t[9..11].iter().all(u8::is_ascii_digit)
        {
            m.truncate(m.len() - 11);
        }
    }
    // -YYYYMMDD
    let b = m.as_bytes();
    if b.len() > 9 {
        let t = &b[b.len() - 9..];
        if t[0] == b'-' && t[1..].iter().all(u8::is_ascii_digit) {
            m.truncate(m.len() - 9);
        }
    }
    if let Some(rest) = m.strip_suffix("-latest")
        && !rest.is_empty()
    {
        m = rest.to_string();
    }
    m
}

fn builtin_table() -> anyhow::Result<(Table, BuiltinMeta)> {
    let file: BuiltinFile = serde_json::from_str(BUILTIN)?;
    let origin = format!("built-in table as of {}", file.as_of);
    let version = format!("builtin-{}", file.as_of);
    let mut table = Table::default();
    for m in file.models {
        let base = m.rates.rates()?;
        let long_context = match &m.long_context {
            Some(t) => Some((t.above, t.rates.rates()?)),
            None => None,
        };
        let mut names = vec![m.id.clone()];
        names.extend(m.aliases.iter().cloned());
        table.push(
            ModelPrice {
                id: m.id,
                provider: m.provider,
                base,
                long_context,
                origin: origin.clone(),
                version: version.clone(),
            },
            &names,
        );
    }
    Ok((
        table,
        BuiltinMeta {
            as_of: file.as_of,
            source: file.source,
            free_providers: file.free_providers,
        },
    ))
}

struct BuiltinMeta {
    as_of: String,
    source: String,
    free_providers: Vec<String>,
}

// ---- LiteLLM files --------------------------------------------------------------------------

/// Per-token dollars (a JSON number in LiteLLM's file) -> micro-dollars per million tokens.
///
/// The number is taken as the shortest decimal text that reads back as the same `f64` (which is
/// what the file says: `3e-06`, `3.75e-06`), then parsed as a decimal at 10^-12 dollars.
fn per_token(v: &serde_json::Value) -> Option<i64> {
    let text = match v {
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => s.clone(),
        _ => return None,
    };
    parse_decimal(&text, 12)
        .and_then(|v| i64::try_from(v).ok())
        .filter(|v| *v >= 0)
}

fn litellm_table(path: &Path) -> anyhow::Result<Table> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        crate::error::usage(format!("cannot read prices file `{}`: {e}", path.display()))
    })?;
    let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        crate::error::usage(format!(
            "prices file `{}` is not valid JSON: line {}, column {}: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    let serde_json::Value::Object(entries) = doc else {
        return Err(crate::error::usage(format!(
            "prices file `{}` must be a JSON object of models, as LiteLLM's \
             `model_prices_and_context_window.json`",
            path.display()
        ))
        .into());
    };
    let origin = path.display().to_string();
    let version = format!(
        "file:{}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    let mut table = Table::default();
    for (key, entry) in &entries {
        if key == "sample_spec" {
            continue;
        }
        let serde_json::Value::Object(e) = entry else {
            continue;
        };
        let get = |k: &str| e.get(k).and_then(per_token);
        let Some(input) = get("input_cost_per_token") else {
            continue;
        };
        let Some(output) = get("output_cost_per_token") else {
            continue;
        };
        let cache_read = get("cache_read_input_token_cost").unwrap_or(input);
        let cache_write_5m = get("cache_creation_input_token_cost").unwrap_or(input);
        let cache_write_1h =
            get("cache_creation_input_token_cost_above_1hr").unwrap_or(cache_write_5m);
        let base = Rates {
            input,
            output,
            cache_read,
            cache_write_5m,
            cache_write_1h,
        };
        let long_context = get("input_cost_per_token_above_200k_tokens").map(|li| {
            let cw = get("cache_creation_input_token_cost_above_200k_tokens")
                .unwrap_or(base.cache_write_5m);
            (
                200_000,
                Rates {
                    input: li,
                    output: get("output_cost_per_token_above_200k_tokens").unwrap_or(output),
                    cache_read: get("cache_read_input_token_cost_above_200k_tokens")
                        .unwrap_or(cache_read),
                    cache_write_5m: cw,
                    cache_write_1h: get(
                        "cache_creation_input_token_cost_above_1hr_above_200k_tokens",
                    )
                    .unwrap_or(base.cache_write_1h.max(cw)),
                },
            )
        });
        let provider = e
            .get("litellm_provider")
            .and_then(|p| p.as_str())
            .unwrap_or("")
            .to_string();
        table.push(
            ModelPrice {
                id: key.clone(),
                provider,
                base,
                long_context,
                origin: origin.clone(),
                version: version.clone(),
            },
            std::slice::from_ref(key),
        );
    }
    Ok(table)
}

// ---- the price book -------------------------------------------------------------------------

/// Where a price was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup<'a> {
    Priced(&'a ModelPrice),
    /// A local runtime (Ollama ...): free.
    Free,
    Unknown,
}

/// The built-in table, with a user's LiteLLM-shaped file over it.
pub struct PriceBook {
    user: Option<Table>,
    user_path: Option<PathBuf>,
    builtin: Table,
    meta: BuiltinMeta,
    local: ModelPrice,
}

impl PriceBook {
    /// Loads the built-in table and, when given, a user's prices file.
    pub fn load(user: Option<&Path>) -> anyhow::Result<Self> {
        let (builtin, meta) = builtin_table()?;
        let user_table = match user {
            Some(p) => {
                let mut t = litellm_table(p)?;
                // A file that prices a model like the built-in table but says nothing of its
                // long-context tier (LiteLLM's direct Anthropic entries) keeps the tier the
                // provider bills.
                for m in &mut t.models {
                    if m.long_context.is_none()
                        && let Some(b) = builtin.find(&m.id)
                        && b.base == m.base
                    {
                        m.long_context = b.long_context;
                    }
                }
                Some(t)
            }
            None => None,
        };
        Ok(PriceBook {
            user: user_table,
            user_path: user.map(Path::to_path_buf),
            builtin,
            local: ModelPrice {
                id: "local".into(),
                provider: "local".into(),
                base: Rates::default(),
                long_context: None,
                origin: "local runtime: free".into(),
                version: "local".into(),
            },
            meta,
        })
    }

    pub fn as_of(&self) -> &str {
        &self.meta.as_of
    }

    pub fn builtin_source(&self) -> &str {
        &self.meta.source
    }

    pub fn user_path(&self) -> Option<&Path> {
        self.user_path.as_deref()
    }

    /// Is this provider a local runtime, priced at $0?
    pub fn is_free_provider(&self, provider: &str) -> bool {
        let p = provider.to_ascii_lowercase();
        self.meta.free_providers.contains(&p)
    }

    /// The price for a provider's model: the user's file first, then the built-in table.
    pub fn find(&self, provider: &str, model: &str) -> Lookup<'_> {
        let lower_model = model.to_ascii_lowercase();
        if self.is_free_provider(provider)
            || lower_model.starts_with("ollama/")
            || lower_model.starts_with("ollama_chat/")
        {
            return Lookup::Free;
        }
        if let Some(user) = &self.user {
            // A provider-qualified key in the user's file wins (`gemini/gemini-2.5-pro`).
            let prefix = match provider.to_ascii_lowercase().as_str() {
                "google" => "gemini".to_string(),
                "vertex" => "vertex_ai".to_string(),
                p => p.to_string(),
            };
            if !prefix.is_empty()
                && let Some(p) = user.exact.get(&format!("{prefix}/{lower_model}"))
            {
                return Lookup::Priced(&user.models[*p]);
            }
            if let Some(p) = user.find(model) {
                return Lookup::Priced(p);
            }
        }
        match self.builtin.find(model) {
            Some(p) => Lookup::Priced(p),
            None => Lookup::Unknown,
        }
    }

    /// The price entry for a model, counting local runtimes as a free entry.
    pub fn price(&self, provider: &str, model: &str) -> Option<&ModelPrice> {
        match self.find(provider, model) {
            Lookup::Priced(p) => Some(p),
            Lookup::Free => Some(&self.local),
            Lookup::Unknown => None,
        }
    }

    /// Every model the book prices: the user's file's entries, then the built-in ones it does
    /// not price again (by id), each once.
    pub fn models(&self) -> impl Iterator<Item = &ModelPrice> {
        let user = self.user.as_ref();
        user.map(|t| t.models.as_slice())
            .unwrap_or(&[])
            .iter()
            .chain(self.builtin.models.iter().filter(move |m| {
                user.is_none_or(|t| !t.exact.contains_key(&m.id.to_ascii_lowercase()))
            }))
    }

    /// Every built-in entry, in table order.
    pub fn builtin_models(&self) -> &[ModelPrice] {
        &self.builtin.models
    }

    /// The names (id and aliases) that resolve to a built-in entry.
    pub fn builtin_names(&self, id: &str) -> Vec<String> {
        let Some(&i) = self.builtin.exact.get(id) else {
            return Vec::new();
        };
        let mut names: Vec<String> = self
            .builtin
            .exact
            .iter()
            .filter(|(_, j)| **j == i)
            .map(|(n, _)| n.clone())
            .collect();
        names.sort();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> PriceBook {
        PriceBook::load(None).unwrap()
    }

    fn cost(model: &str, t: Tokens) -> i128 {
        book().price("anthropic", model).unwrap().cost(&t)
    }

    #[test]
    fn aliases_and_dated_ids_resolve() {
        let b = book();
        for name in [
            "claude-sonnet-4-5",
            "claude-sonnet-4-5-20250929",
            "anthropic/claude-sonnet-4-5-20250929",
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "claude-sonnet-4-5@20250929",
        ] {
            assert_eq!(
                b.price("anthropic", name).unwrap().id,
                "claude-sonnet-4-5",
                "{name}"
            );
        }
        assert_eq!(
            b.price("openai", "gpt-4.1-2025-04-14").unwrap().id,
            "gpt-4.1"
        );
        assert_eq!(
            b.price("google", "gemini-2.5-pro").unwrap().id,
            "gemini-2.5-pro"
        );
        assert_eq!(
            b.price("mistral", "mistral-large-latest").unwrap().id,
            "mistral-large-latest"
        );
        assert!(b.price("acme", "no-such-model").is_none());
        assert_eq!(
            b.price("ollama", "llama3.1:8b").unwrap().cost(&Tokens {
                input: 1_000_000,
                output: 1_000_000,
                ..Tokens::default()
            }),
            0
        );
    }

    /// Claude Sonnet 4.5, published prices per million tokens: input $3, output $15,
    /// 5-minute cache write $3.75, 1-hour cache write $6, cache read $0.30.
    ///
    /// 1,234 input × 3 = 3,702 µ$ ... worked by hand:
    ///   input        1,234 × $3.00/M  = $0.003702
    ///   output         567 × $15.00/M = $0.008505
    ///   cache read  45,000 × $0.30/M  = $0.013500
    ///   write 5m     2,000 × $3.75/M  = $0.007500
    ///   write 1h     1,000 × $6.00/M  = $0.006000
    ///   total                         = $0.039207 = 39,207,000 n$
    #[test]
    fn a_cached_anthropic_request_to_the_nano_dollar() {
        let t = Tokens {
            input: 1_234,
            output: 567,
            cache_read: 45_000,
            cache_write_5m: 2_000,
            cache_write_1h: 1_000,
        };
        assert_eq!(cost("claude-sonnet-4-5-20250929", t), 39_207_000);
    }

    /// Over 200k prompt tokens Sonnet 4.5 bills the whole request at the long-context rates:
    /// input $6, output $22.50, cache read $0.60, 5-minute write $7.50.
    ///   input       150,000 × $6.00/M  = $0.900000
    ///   cache read   60,000 × $0.60/M  = $0.036000
    ///   write 5m      1,000 × $7.50/M  = $0.007500
    ///   output        2,000 × $22.50/M = $0.045000
    ///   prompt = 211,000 > 200,000      total $0.988500
    /// One token fewer of prompt on the other side of the line (200,000) is billed at base rates:
    ///   139,000 × 3 + 60,000 × 0.30 + 1,000 × 3.75 + 2,000 × 15 = $0.417 + $0.018 + $0.00375 + $0.03
    ///   = $0.468750
    #[test]
    fn a_long_context_request_bills_the_whole_request_at_the_tier() {
        let long = Tokens {
            input: 150_000,
            output: 2_000,
            cache_read: 60_000,
            cache_write_5m: 1_000,
            cache_write_1h: 0,
        };
        assert_eq!(cost("claude-sonnet-4-5", long), 988_500_000);
        let at_line = Tokens {
            input: 139_000,
            ..long
        };
        assert_eq!(at_line.prompt(), 200_000);
        assert_eq!(cost("claude-sonnet-4-5", at_line), 468_750_000);
    }

    /// Gemini 2.5 Pro over 200k: input $2.50, output $15.
    ///   250,000 × 2.50 + 1,000 × 15 = $0.625 + $0.015 = $0.640000
    #[test]
    fn gemini_pro_long_context() {
        let b = book();
        let p = b.price("google", "gemini-2.5-pro").unwrap();
        let t = Tokens {
            input: 250_000,
            output: 1_000,
            ..Tokens::default()
        };
        assert_eq!(p.cost(&t), 640_000_000);
    }

    /// The built-in rates are whole nano-dollars per token ($0.30/M is 300 n$ a token), so
    /// built-in costs are exact. A finer rate (from a prices file) is rounded once per request,
    /// half to even: at 500 pico-dollars a token ($0.0005/M), 1 token is 0.5 n$ -> 0, 3 tokens
    /// 1.5 n$ -> 2, 5 tokens 2.5 n$ -> 2, 7 tokens 3.5 n$ -> 4; 2 tokens of cache read at 300
    /// pico-dollars are 0.6 n$ -> 1.
    #[test]
    fn rounding_is_once_and_half_even() {
        let read = Tokens {
            cache_read: 1,
            ..Tokens::default()
        };
        assert_eq!(cost("claude-sonnet-4-5", read), 300);
        let fine = ModelPrice {
            id: "fine".into(),
            provider: "p".into(),
            base: Rates {
                input: 500,
                output: 0,
                cache_read: 300,
                cache_write_5m: 0,
                cache_write_1h: 0,
            },
            long_context: None,
            origin: "test".into(),
            version: "test".into(),
        };
        let input = |n| Tokens {
            input: n,
            ..Tokens::default()
        };
        let costs: Vec<i128> = [1, 3, 5, 7].map(|n| fine.cost(&input(n))).to_vec();
        assert_eq!(costs, [0, 2, 2, 4]);
        let read2 = Tokens {
            cache_read: 2,
            ..Tokens::default()
        };
        assert_eq!(fine.cost(&read2), 1);
    }

    #[test]
    fn litellm_files_load_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("prices.json");
        std::fs::write(
            &path,
            r#"{
              "sample_spec": {"input_cost_per_token": "see docs", "max_tokens": "LEGACY"},
              "claude-sonnet-4-5-20250929": {
                "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
                "cache_creation_input_token_cost": 3.75e-06, "cache_read_input_token_cost": 3e-07,
                "cache_creation_input_token_cost_above_1hr": 6e-06,
                "input_cost_per_token_above_200k_tokens": 6e-06,
                "output_cost_per_token_above_200k_tokens": 2.25e-05,
                "cache_creation_input_token_cost_above_200k_tokens": 7.5e-06,
                "cache_read_input_token_cost_above_200k_tokens": 6e-07,
                "litellm_provider": "anthropic", "mode": "chat", "supports_vision": true
              },
              "claude-sonnet-4-5": {
                "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
                "cache_creation_input_token_cost": 3.75e-06, "cache_read_input_token_cost": 3e-07,
                "cache_creation_input_token_cost_above_1hr": 6e-06
              },
              "my-model": {"input_cost_per_token": 1.1e-07, "output_cost_per_token": 0.0000004},
              "dall-e-3": {"input_cost_per_pixel": 1e-08, "output_cost_per_pixel": 0.0}
            }"#,
        )
        .unwrap();
        let b = PriceBook::load(Some(&path)).unwrap();
        let p = b.price("anthropic", "claude-sonnet-4-5-20250929").unwrap();
        assert_eq!(p.base.input, 3_000_000);
        assert_eq!(p.base.cache_read, 300_000);
        assert_eq!(p.base.cache_write_1h, 6_000_000);
        assert_eq!(p.long_context.unwrap().1.output, 22_500_000);
        assert!(p.origin.ends_with("prices.json"));
        // the file has no tier for this one; the built-in table's tier is kept
        let plain = b.price("anthropic", "claude-sonnet-4-5").unwrap();
        assert!(plain.origin.ends_with("prices.json"));
        assert_eq!(plain.long_context.unwrap().1.input, 6_000_000);
        let m = b.price("custom", "my-model").unwrap();
        assert_eq!(m.base.input, 110_000);
        assert_eq!(m.base.output, 400_000);
        // not in the file: the built-in table answers
        assert_eq!(
            b.price("openai", "gpt-5").unwrap().version,
            "builtin-2026-11-01"
        );
    }
}
