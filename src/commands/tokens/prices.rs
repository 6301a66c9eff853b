//! `aimcp tokens prices [MODEL]`: the prices used, and where they come from.

use comfy_table::{Cell, CellAlignment};
use serde_json::{Value, json};

use crate::error::no;
use crate::pricing::{ModelPrice, PriceBook, Rates, rate_json};
use crate::printer::Printer;
use crate::settings::Globals;

use super::price_book;

#[derive(Debug, Clone)]
pub struct Settings {
    pub model: Option<String>,
}

/// Micro-dollars per million tokens as `$3.75`.
fn per_mtok(v: i64) -> String {
    let text = crate::pricing::format_rate(v);
    // at least cents, more only where the price has them: $3.00, $0.30, $0.125
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let frac = frac.trim_end_matches('0');
    format!("${int}.{frac:0<2}")
}

fn rates_json(r: &Rates) -> Value {
    json!({
        "input": rate_json(r.input),
        "output": rate_json(r.output),
        "cache_read": rate_json(r.cache_read),
        "cache_write_5m": rate_json(r.cache_write_5m),
        "cache_write_1h": rate_json(r.cache_write_1h),
    })
}

fn price_json(p: &ModelPrice, book: &PriceBook) -> Value {
    json!({
        "model": p.id,
        "provider": p.provider,
        "unit": "USD per million tokens",
        "prices": rates_json(&p.base),
        "long_context": p.long_context.as_ref().map(|(above, r)| {
            let mut v = rates_json(r);
            v["above_prompt_tokens"] = json!(above);
            v
        }),
        "names": book.builtin_names(&p.id),
        "source": p.origin,
        "version": p.version,
    })
}

/// Up to three built-in models whose ids are nearest to `model`, nearest first: ids that
/// contain it or that look alike (Jaro-Winkler), ranked by edit distance, with `.`, `_` and
/// spaces read as `-` (`sonnet-4.5` finds `claude-sonnet-4-5`).
fn nearest(book: &PriceBook, model: &str) -> Vec<String> {
    let norm = |s: &str| s.to_ascii_lowercase().replace(['.', '_', ' '], "-");
    let wanted = norm(model);
    let mut scored: Vec<(f64, &str)> = book
        .builtin_models()
        .iter()
        .map(|p| (norm(&p.id), p.id.as_str()))
        .filter(|(id, _)| {
            (wanted.len() >= 3 && id.contains(&wanted)) || strsim::jaro_winkler(&wanted, id) >= 0.88
        })
        .map(|(id, name)| (strsim::normalized_damerau_levenshtein(&wanted, &id), name))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(3)
        .map(|(_, id)| id.to_string())
        .collect()
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[String]) -> String {
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

pub fn run(globals: &Globals, s: Settings, printer: &Printer) -> anyhow::Result<()> {
    let book = price_book(globals)?;
    let prices: Vec<ModelPrice> = match &s.model {
        Some(m) => {
            // a provider given as `provider/model` is honoured
            let (provider, model) = m.split_once('/').unwrap_or(("", m));
            match book
                .price(provider, m)
                .or_else(|| book.price(provider, model))
            {
                Some(p) => vec![p.clone()],
                None => {
                    let mut fail = no(format!("no price for model `{m}`"));
                    let near = nearest(&book, model);
                    if !near.is_empty() {
                        let names: Vec<String> = near.iter().map(|n| format!("`{n}`")).collect();
                        fail = fail.hint(format!("did you mean {}?", or_list(&names)));
                    }
                    return Err(fail
                        .hint("see `aimcp tokens prices` for the known models, or add one with `--pricing FILE`")
                        .into());
                }
            }
        }
        None => book
            .builtin_models()
            .iter()
            .map(|b| {
                book.price(&b.provider, &b.id)
                    .cloned()
                    .unwrap_or_else(|| b.clone())
            })
            .collect(),
    };
    if printer.is_json() {
        return printer.json(&json!({
            "as_of": book.as_of(),
            "source": book.builtin_source(),
            "file": book.user_path().map(|p| p.display().to_string()),
            "free_providers": ["ollama", "lmstudio", "llamacpp", "local"],
            "models": prices.iter().map(|p| price_json(p, &book)).collect::<Vec<_>>(),
        }));
    }
    let mut table = printer.table();
    table.set_header(vec![
        "model",
        "provider",
        "input",
        "output",
        "cache read",
        "write 5m",
        "write 1h",
        "over 200k (in/out)",
        "source",
    ]);
    for p in &prices {
        let r = &p.base;
        let mut row = vec![Cell::new(&p.id), Cell::new(&p.provider)];
        for v in [
            r.input,
            r.output,
            r.cache_read,
            r.cache_write_5m,
            r.cache_write_1h,
        ] {
            row.push(Cell::new(per_mtok(v)).set_alignment(CellAlignment::Right));
        }
        row.push(Cell::new(match &p.long_context {
            Some((_, t)) => format!("{} / {}", per_mtok(t.input), per_mtok(t.output)),
            None => String::new(),
        }));
        row.push(Cell::new(&p.origin));
        table.add_row(row);
    }
    printer.print_table(&table)?;
    printer.info(format!(
        "prices in USD per million tokens; built-in table as of {}{}; local runtimes (ollama ...) cost $0",
        book.as_of(),
        match book.user_path() {
            Some(p) => format!(", with `{}` over it", p.display()),
            None => String::new(),
        }
    ));
    if let Some(p) = prices.first()
        && s.model.is_some()
    {
        let names = book.builtin_names(&p.id);
        if !names.is_empty() {
            printer.info(format!("also known as: {}", names.join(", ")));
        }
    }
    Ok(())
}
