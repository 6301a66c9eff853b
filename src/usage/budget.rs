//! Budgets: limits per day, month or request, for a scope, and how far each one is spent.

use super::{Ledger, Scope};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Daily,
    Monthly,
    PerRequest,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Daily => "daily",
            Period::Monthly => "monthly",
            Period::PerRequest => "per-request",
        }
    }

    /// The stored name back (an unknown one is per-request).
    pub fn parse(s: &str) -> Period {
        match s {
            "daily" => Period::Daily,
            "monthly" => Period::Monthly,
            _ => Period::PerRequest,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    pub id: i64,
    pub period: Period,
    pub limit_nanos: i64,
    pub scope: Scope,
    /// Warning, critical and exceeded levels, in percent of the limit.
    pub thresholds: [i64; 3],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Ok,
    Warning,
    Critical,
    Exceeded,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warning => "warning",
            Level::Critical => "critical",
            Level::Exceeded => "exceeded",
        }
    }
}

/// A budget and how much of it is spent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub budget: Budget,
    pub spent_nanos: i64,
    /// Spent over limit, in hundredths of a percent (10000 = 100 %).
    pub basis_points: i64,
    pub level: Level,
    /// Requests in the budget's period and scope that have no price, so are not in `spent`.
    pub unpriced: i64,
}

impl Status {
    /// Percent on a 0–100 scale (above 100 when exceeded), two decimals.
    pub fn percent(&self) -> f64 {
        self.basis_points as f64 / 100.0
    }
}

/// The level for a spend: warning from the first threshold, critical from the second; exceeded
/// once the spend passes the third (by default: more than the limit).
pub fn level(spent: i64, limit: i64, thresholds: [i64; 3]) -> (i64, Level) {
    let bp = if limit <= 0 {
        if spent > 0 { i64::MAX / 4 } else { 0 }
    } else {
        ((spent as i128 * 10_000) / limit as i128).min(i64::MAX as i128) as i64
    };
    let reached = |t: i64| spent as i128 * 100 >= t as i128 * limit as i128;
    let passed = |t: i64| spent as i128 * 100 > t as i128 * limit as i128;
    let level = if passed(thresholds[2]) {
        Level::Exceeded
    } else if reached(thresholds[1]) {
        Level::Critical
    } else if reached(thresholds[0]) {
        Level::Warning
    } else {
        Level::Ok
    };
    (bp, level)
}

/// A budget to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBudget {
    pub period: Period,
    pub limit_nanos: i64,
    pub scope: Scope,
    /// Warning, critical and exceeded levels, in percent of the limit.
    pub thresholds: [i64; 3],
    /// When it was set (ms).
    pub created_ms: i64,
}

/// The start of today and of this month, and the start of tomorrow, in a zone (ms).
pub struct Calendar {
    pub day_start: i64,
    pub day_end: i64,
    pub month_start: i64,
    pub month_end: i64,
}

impl Calendar {
    pub fn at(now: Timestamp, tz: &TimeZone) -> anyhow::Result<Calendar> {
        let today = now.to_zoned(tz.clone()).date();
        let ms = |d: jiff::civil::Date| -> anyhow::Result<i64> {
            Ok(d.to_zoned(tz.clone())?.timestamp().as_millisecond())
        };
        let first = today.first_of_month();
        Ok(Calendar {
            day_start: ms(today)?,
            day_end: ms(today.checked_add(1.day())?)?,
            month_start: ms(first)?,
            month_end: ms(first.checked_add(1.month())?)?,
        })
    }
}

/// Every budget (of `scope` only, when given) and how far it is spent at `now`, with days
/// and months in `tz`: what `check`, `budget status`, `summary` and the warnings after a
/// write all show. `add` and `request` are as for [`status`]. No budgets: no calendar is built.
pub fn current(
    ledger: &dyn Ledger,
    now: Timestamp,
    tz: &TimeZone,
    scope: Option<&Scope>,
    add: i64,
    request: Option<i64>,
) -> anyhow::Result<Vec<Status>> {
    let mut budgets = ledger.budgets()?;
    if let Some(scope) = scope {
        budgets.retain(|b| b.scope == *scope);
    }
    if budgets.is_empty() {
        return Ok(Vec::new());
    }
    let cal = Calendar::at(now, tz)?;
    status(ledger, &budgets, &cal, add, request)
}

/// How far each budget is spent, with `add` nano-dollars added to daily and monthly spend (an
/// estimate for `check`). Per-request budgets look at `request` when given, else at the
/// costliest request of today. Requests without a price are left out of the spend, and counted.
fn status(
    ledger: &dyn Ledger,
    budgets: &[Budget],
    cal: &Calendar,
    add: i64,
    request: Option<i64>,
) -> anyhow::Result<Vec<Status>> {
    let mut out = Vec::new();
    for b in budgets {
        let (spent, unpriced) = match b.period {
            Period::Daily => {
                let t = ledger.total(cal.day_start, cal.day_end, &b.scope)?;
                (t.cost_nanos.saturating_add(add), t.unpriced)
            }
            Period::Monthly => {
                let t = ledger.total(cal.month_start, cal.month_end, &b.scope)?;
                (t.cost_nanos.saturating_add(add), t.unpriced)
            }
            Period::PerRequest => match request {
                Some(e) => (e, 0),
                None => (
                    ledger.max_request_cost(cal.day_start, cal.day_end, &b.scope)?,
                    ledger.total(cal.day_start, cal.day_end, &b.scope)?.unpriced,
                ),
            },
        };
        let (basis_points, level) = level(spent, b.limit_nanos, b.thresholds);
        out.push(Status {
            budget: b.clone(),
            spent_nanos: spent,
            basis_points,
            level,
            unpriced,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_the_thresholds() {
        let t = [80, 90, 100];
        assert_eq!(level(0, 100, t), (0, Level::Ok));
        assert_eq!(level(79, 100, t).1, Level::Ok);
        assert_eq!(level(80, 100, t).1, Level::Warning);
        assert_eq!(level(90, 100, t).1, Level::Critical);
        assert_eq!(level(100, 100, t), (10_000, Level::Critical));
        assert_eq!(level(101, 100, t), (10_100, Level::Exceeded));
        assert_eq!(level(5, 0, t).1, Level::Exceeded);
        assert_eq!(level(50, 100, [50, 60, 70]).1, Level::Warning);
    }

    /// `current` lists the budgets (of one scope when asked), spends them at the clock it is
    /// given, and counts the requests without a price that the spend leaves out.
    #[test]
    fn current_spends_budgets_at_the_given_time() {
        use crate::usage::tests::request;
        use crate::usage::{CostSource, Db, DbLocation, OpenMode};
        let dir = tempfile::tempdir().unwrap();
        let db = Db::with_machine(DbLocation::Sqlite(dir.path().join("usage.db")), "m");
        let mut store = crate::usage::open(&db, OpenMode::Write).unwrap();
        // an hour after the test request's time (2026-02-02T02:40Z)
        let now = Timestamp::from_millisecond(1_770_000_000_000 + 3_600_000).unwrap();
        let t = [80, 90, 100];
        let budget = |period, scope| NewBudget {
            period,
            limit_nanos: 1_000_000,
            scope,
            thresholds: t,
            created_ms: now.as_millisecond(),
        };
        store
            .add_budget(&budget(Period::Daily, Scope::Global))
            .unwrap();
        store
            .add_budget(&budget(Period::Monthly, Scope::User("v".into())))
            .unwrap();
        let mut priced = request("a", 1);
        priced.cost_nanos = 900_000;
        let mut unpriced = request("b", 1);
        unpriced.cost_source = CostSource::Unpriced;
        store.record(&[priced, unpriced]).unwrap();
        let conn = &*store;
        let s = current(conn, now, &TimeZone::UTC, None, 0, None).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].spent_nanos, s[0].unpriced, s[0].level),
            (900_000, 1, Level::Critical)
        );
        assert_eq!((s[1].spent_nanos, s[1].unpriced), (0, 0));
        let only = Scope::User("v".into());
        let s = current(conn, now, &TimeZone::UTC, Some(&only), 0, None).unwrap();
        assert_eq!(s.iter().map(|s| s.budget.id).collect::<Vec<_>>(), [2]);
        // the next day, the daily budget is fresh
        let tomorrow = now + jiff::SignedDuration::from_hours(24);
        let s = current(conn, tomorrow, &TimeZone::UTC, None, 0, None).unwrap();
        assert_eq!((s[0].spent_nanos, s[0].unpriced), (0, 0));
    }
}
