//! `aimcp tokens ...`

pub mod budget;
pub mod check;
pub mod export;
pub mod import;
pub mod prices;
pub mod record;
pub mod summary;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::error::usage;
use crate::printer::Printer;
use crate::settings::Globals;
use crate::usage::budget::{self as budgets, Calendar, Level, Status};
use crate::usage::{self, Store};

/// Opens the store named by `--db`/`AIMCP_DB`, else the default one.
pub(crate) fn open_store(globals: &Globals) -> anyhow::Result<Store> {
    let path = match &globals.db {
        Some(p) => p.clone(),
        None => usage::default_path()?,
    };
    Store::open(&path)
}

/// The built-in prices with `--pricing`/`AIMCP_PRICING` over them.
pub(crate) fn price_book(globals: &Globals) -> anyhow::Result<crate::pricing::PriceBook> {
    crate::pricing::PriceBook::load(globals.pricing.as_deref())
}

/// `--tz ZONE`, else the local zone.
pub(crate) fn zone(tz: Option<&str>) -> anyhow::Result<TimeZone> {
    match tz {
        Some(name) => TimeZone::get(name).map_err(|_| {
            usage(format!("unknown time zone `{name}`"))
                .hint("use an IANA name such as `UTC`, `Europe/Paris` or `America/New_York`")
                .into()
        }),
        None => Ok(TimeZone::try_system().unwrap_or(TimeZone::UTC)),
    }
}

/// A USD amount from a flag, in nano-dollars (exact to the ninth decimal, rounded half to even
/// past it), at most [`usage::MAX_COST_NANOS`] ($1,000,000,000).
pub(crate) fn parse_usd_flag(flag: &str, text: &str) -> anyhow::Result<i64> {
    match crate::pricing::parse_usd_wide(text) {
        Some(v) if v > usage::MAX_COST_NANOS as i128 => Err(usage(format!(
            "invalid `{flag} {text}`: the largest amount is {}",
            usage::OverLimit::ceiling("cost")
        ))
        .into()),
        Some(v) if v >= 0 => Ok(v as i64),
        _ => Err(usage(format!(
            "invalid `{flag} {text}`: expected an amount of US dollars such as `10` or `0.50`"
        ))
        .into()),
    }
}

/// `1234567` -> `1,234,567`.
pub(crate) fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Nano-dollars for people: `$1,234.57` (rounded half up to the cent, once, from the exact
/// amount), or four decimals under a dollar so small costs do not read as nothing (`$0.0392`).
pub(crate) fn money(nanos: i64) -> String {
    let sign = if nanos < 0 { "-" } else { "" };
    let m = nanos.unsigned_abs();
    if m > 0 && m < 999_950_000 {
        let hundredths_of_cents = (m + 50_000) / 100_000;
        return format!("{sign}$0.{hundredths_of_cents:04}");
    }
    let cents = (m + 5_000_000) / 10_000_000;
    format!("{sign}${}.{:02}", thousands_u(cents / 100), cents % 100)
}

/// [`thousands`] of a `u64`.
fn thousands_u(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 request`, `2 requests`.
pub(crate) fn plural(n: i64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{} {word}s", thousands(n))
    }
}

/// Prints a warning (and, under GitHub Actions, an annotation) for every budget past a threshold.
pub(crate) fn warn_budgets(statuses: &[Status], printer: &Printer) {
    let github = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
    for s in statuses.iter().filter(|s| s.level != Level::Ok) {
        let b = &s.budget;
        let text = format!(
            "{} budget {} ({}) is {}: {:.1}% spent, {} of {}",
            b.period.as_str(),
            b.id,
            b.scope,
            if s.level == Level::Exceeded {
                "exceeded"
            } else {
                "nearly spent"
            },
            s.percent(),
            money(s.spent_nanos),
            money(b.limit_nanos)
        );
        printer.warn(&text);
        if github {
            let kind = if s.level == Level::Exceeded {
                "error"
            } else {
                "warning"
            };
            printer.annotation(format!("::{kind} title=aimcp budget::{text}"));
        }
    }
}

/// Checks every budget after new spending and warns about those past a threshold.
/// `request`: the costliest request just recorded, for per-request budgets.
pub(crate) fn check_budgets_after(
    store: &Store,
    printer: &Printer,
    request: Option<i64>,
) -> anyhow::Result<()> {
    if !usage::has_budgets(store.conn())? {
        return Ok(());
    }
    let list = budgets::list(store.conn())?;
    let cal = Calendar::at(Timestamp::now(), &zone(None)?)?;
    let statuses = budgets::status(store.conn(), &list, &cal, 0, request)?;
    warn_budgets(&statuses, printer);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(-1234), "-1,234");
        assert_eq!(money(39_207_000), "$0.0392");
        assert_eq!(money(999_960_000), "$1.00");
        assert_eq!(money(1_005_000_000), "$1.01");
        assert_eq!(money(1_004_999_999), "$1.00");
        assert_eq!(money(1_234_565_000_000), "$1,234.57");
        assert_eq!(money(0), "$0.00");
        // 100,000 requests of 300 n$ each ($0.30 per million tokens, one token): three cents
        assert_eq!(money(30_000_000), "$0.0300");
        assert_eq!(money(i64::MAX), "$9,223,372,036.85");
        assert_eq!(money(-i64::MAX), "-$9,223,372,036.85");
    }
}
