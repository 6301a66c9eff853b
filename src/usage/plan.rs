//! Which SQL queries answer an aggregate of the ledger, for either store.
//!
//! Both stores keep the same tables (`requests`, and the rollups by hour and by UTC day), so
//! the plan is one: whole UTC days from the day rollup, whole hours from the hour rollups, the
//! ragged edges from the requests themselves. A store only says how it spells the SQL
//! ([`Dialect`]) and runs the queries; every query gives the columns key, requests, unpriced,
//! then the sums of [`SUM_COLUMNS`], in that order.

use super::{DAY_MS, Dim, HOUR_MS, Scope};

/// How one SQL store spells what the plan needs.
pub(crate) struct Dialect {
    /// The window's start and end (milliseconds), and the scope's name: `?1` or `$1::bigint`.
    pub start: &'static str,
    pub end: &'static str,
    pub name: &'static str,
    /// The column of `Dim::User` (`user` is a reserved word in PostgreSQL).
    pub user_column: &'static str,
    /// What follows every `sum(...)` so that it is a 64-bit integer (`::bigint` in PostgreSQL).
    pub sum_cast: &'static str,
    /// The unpriced requests among raw rows, as an integer sum.
    pub unpriced: &'static str,
    /// Whether the rollups have a `machine` column (else `Dim::Machine` reads the requests).
    pub machine_rollups: bool,
    /// Whether the report's rows of the hourly rollup are summed by the database
    /// ([`cells`]): PostgreSQL's are (fewer rows cross the wire); SQLite's are summed by the
    /// reader (its `GROUP BY` over the text keys cost 20 times the scan: 362 against 15 ms for
    /// 38 days of the benchmark's store).
    pub group_rollup: bool,
}

/// The summed columns, in the order every query gives them after key, requests and unpriced.
pub(crate) const SUM_COLUMNS: [&str; 7] = [
    "input",
    "output",
    "cache_read",
    "cache_write_5m",
    "cache_write_1h",
    "reasoning",
    "cost_nanos",
];

/// One query of a plan, over `[start, end)` (milliseconds; never empty).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    pub sql: String,
    pub start: i64,
    pub end: i64,
}

/// The plan of an aggregate: its queries, and the scope's name to bind as the third
/// parameter when there is one.
#[derive(Debug)]
pub(crate) struct Plan<'a> {
    pub queries: Vec<Query>,
    pub name: Option<&'a str>,
}

impl Dialect {
    fn column(&self, dim: Dim) -> &'static str {
        match dim {
            Dim::Time => "",
            Dim::Provider => "provider",
            Dim::Model => "model",
            Dim::User => self.user_column,
            Dim::Project => "project",
            Dim::Org => "org",
            Dim::Machine => "machine",
        }
    }

    /// `sum(input)::bigint, sum(output)::bigint, ...`
    pub(crate) fn sums(&self) -> String {
        SUM_COLUMNS
            .iter()
            .map(|c| format!("sum({c}){}", self.sum_cast))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The condition a scope adds to a query, and the name it binds.
    pub(crate) fn scope_filter<'a>(&self, scope: &'a Scope) -> (String, Option<&'a str>) {
        let (column, name) = match scope {
            Scope::Global => return (String::new(), None),
            Scope::User(n) => (self.user_column, n),
            Scope::Project(n) => ("project", n),
            Scope::Org(n) => ("org", n),
        };
        (
            format!(" AND {column} = {}", self.name),
            Some(name.as_str()),
        )
    }
}

pub(crate) fn floor_to(ms: i64, unit: i64) -> i64 {
    ms.div_euclid(unit) * unit
}

pub(crate) fn ceil_to(ms: i64, unit: i64) -> i64 {
    -(-ms).div_euclid(unit) * unit
}

/// The queries that sum the requests in `[start, end)` (ms) grouped by `dim`, for a scope.
/// `hour_buckets`: time buckets may be whole hours (false for zones whose offset is not a
/// whole number of hours, where minute buckets are read from the requests).
pub(crate) fn aggregate<'a>(
    d: &Dialect,
    start: i64,
    end: i64,
    dim: Dim,
    scope: &'a Scope,
    hour_buckets: bool,
) -> Plan<'a> {
    let (filter, name) = d.scope_filter(scope);
    let mut queries = Vec::new();
    if start >= end {
        return Plan { queries, name };
    }
    let (inner_start, inner_end) = (ceil_to(start, HOUR_MS), floor_to(end, HOUR_MS));
    let use_rollup = (dim != Dim::Time || hour_buckets)
        && (dim != Dim::Machine || d.machine_rollups)
        && inner_start < inner_end;
    let sums = d.sums();
    let raw_key = match dim {
        Dim::Time if hour_buckets => "ts / 3600000 * 3600000",
        Dim::Time => "ts / 60000 * 60000",
        other => d.column(other),
    };
    let raw = format!(
        "SELECT {raw_key}, count(*), {}, {sums} FROM requests \
         WHERE ts >= {} AND ts < {}{filter} GROUP BY 1",
        d.unpriced, d.start, d.end
    );
    // a rollup `table` whose time column `unit` counts `unit_ms` from the epoch
    let rollup = |table: &str, unit: &str, unit_ms: i64| {
        let key = match dim {
            Dim::Time => format!("{unit} * {unit_ms}"),
            other => d.column(other).to_string(),
        };
        format!(
            "SELECT {key}, sum(requests){cast}, sum(unpriced){cast}, {sums} FROM {table} \
             WHERE {unit} >= {} / {unit_ms} AND {unit} < {} / {unit_ms}{filter} GROUP BY 1",
            d.start,
            d.end,
            cast = d.sum_cast
        )
    };
    let mut add = |sql: &String, start: i64, end: i64| {
        if start < end {
            queries.push(Query {
                sql: sql.clone(),
                start,
                end,
            });
        }
    };
    if !use_rollup {
        add(&raw, start, end);
        return Plan { queries, name };
    }
    add(&raw, start, inner_start);
    if dim == Dim::Time {
        // everything, by hour: the small table
        let table = if *scope == Scope::Global {
            "rollup_hour"
        } else {
            "rollup"
        };
        add(&rollup(table, "hour", HOUR_MS), inner_start, inner_end);
    } else {
        // whole UTC days from the day rollup, the hours around them from the hour rollup
        let hours = rollup("rollup", "hour", HOUR_MS);
        let (day_start, day_end) = (ceil_to(inner_start, DAY_MS), floor_to(inner_end, DAY_MS));
        if day_start < day_end {
            add(&hours, inner_start, day_start);
            add(&rollup("rollup_day", "day", DAY_MS), day_start, day_end);
            add(&hours, day_end, inner_end);
        } else {
            add(&hours, inner_start, inner_end);
        }
    }
    add(&raw, inner_end, end);
    Plan { queries, name }
}

/// The queries of the report's cells in `[start, end)` (see `usage::report::CellSums`): the
/// columns bucket (ms), provider, model, user, project, requests, unpriced, then the sums of
/// [`SUM_COLUMNS`]. Whole hours from the hourly rollup, the edges from the requests by hour;
/// for zones off whole hours (`hour_buckets` false), all from the requests by minute.
pub(crate) fn cells(d: &Dialect, start: i64, end: i64, hour_buckets: bool) -> Vec<Query> {
    let names = format!("provider, model, {}, project", d.user_column);
    let raw = |unit_ms: i64| {
        format!(
            "SELECT ts / {unit_ms} * {unit_ms}, {names}, count(*), {}, {} FROM requests \
             WHERE ts >= {} AND ts < {} GROUP BY 1, 2, 3, 4, 5",
            d.unpriced,
            d.sums(),
            d.start,
            d.end
        )
    };
    let rollup = if d.group_rollup {
        format!(
            "SELECT hour * 3600000, {names}, sum(requests){cast}, sum(unpriced){cast}, {} \
             FROM rollup WHERE hour >= {} / 3600000 AND hour < {} / 3600000 \
             GROUP BY 1, 2, 3, 4, 5",
            d.sums(),
            d.start,
            d.end,
            cast = d.sum_cast
        )
    } else {
        format!(
            "SELECT hour * 3600000, {names}, requests, unpriced, {} FROM rollup \
             WHERE hour >= {} / 3600000 AND hour < {} / 3600000",
            SUM_COLUMNS.join(", "),
            d.start,
            d.end
        )
    };
    let (inner_start, inner_end) = (ceil_to(start, HOUR_MS), floor_to(end, HOUR_MS));
    let pieces = if !hour_buckets {
        vec![(raw(60_000), start, end)]
    } else if inner_start < inner_end {
        vec![
            (raw(HOUR_MS), start, inner_start),
            (rollup, inner_start, inner_end),
            (raw(HOUR_MS), inner_end, end),
        ]
    } else {
        vec![(raw(HOUR_MS), start, end)]
    };
    pieces
        .into_iter()
        .filter(|(_, s, e)| s < e)
        .map(|(sql, start, end)| Query { sql, start, end })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::usage::sqlite::DIALECT as D;

    fn ranges(p: &Plan<'_>) -> Vec<(String, i64, i64)> {
        p.queries
            .iter()
            .map(|q| {
                let table = q.sql.split(" FROM ").nth(1).unwrap();
                let table = table.split(' ').next().unwrap().to_string();
                (table, q.start, q.end)
            })
            .collect()
    }

    #[test]
    fn whole_days_come_from_the_day_rollup_and_the_edges_from_the_rows() {
        let start = 2 * DAY_MS - HOUR_MS - 5; // 5 ms before the hour that ends day 1
        let end = 4 * DAY_MS + HOUR_MS + 7;
        let p = aggregate(&D, start, end, Dim::Model, &Scope::Global, true);
        assert_eq!(
            ranges(&p),
            [
                ("requests".into(), start, 2 * DAY_MS - HOUR_MS),
                ("rollup".into(), 2 * DAY_MS - HOUR_MS, 2 * DAY_MS),
                ("rollup_day".into(), 2 * DAY_MS, 4 * DAY_MS),
                ("rollup".into(), 4 * DAY_MS, 4 * DAY_MS + HOUR_MS),
                ("requests".into(), 4 * DAY_MS + HOUR_MS, end),
            ]
        );
        assert_eq!(p.name, None);
    }

    #[test]
    fn time_reads_the_hour_table_and_minute_buckets_read_only_rows() {
        let scope = Scope::Project("web".into());
        let p = aggregate(&D, 0, 3 * DAY_MS, Dim::Time, &scope, true);
        assert_eq!(ranges(&p), [("rollup".into(), 0, 3 * DAY_MS)]);
        assert!(p.queries[0].sql.contains("AND project = ?3"));
        assert_eq!(p.name, Some("web"));
        let p = aggregate(&D, 0, 3 * DAY_MS, Dim::Time, &Scope::Global, true);
        assert_eq!(ranges(&p), [("rollup_hour".into(), 0, 3 * DAY_MS)]);
        let p = aggregate(&D, 0, 3 * DAY_MS, Dim::Time, &Scope::Global, false);
        assert_eq!(ranges(&p), [("requests".into(), 0, 3 * DAY_MS)]);
        assert!(p.queries[0].sql.starts_with("SELECT ts / 60000 * 60000,"));
    }

    #[test]
    fn machines_read_the_rollups_only_where_they_keep_the_machine() {
        let p = aggregate(&D, 0, 3 * DAY_MS, Dim::Machine, &Scope::Global, true);
        assert_eq!(ranges(&p), [("requests".into(), 0, 3 * DAY_MS)]);
        let pg = Dialect {
            machine_rollups: true,
            ..D
        };
        let p = aggregate(&pg, 0, 3 * DAY_MS, Dim::Machine, &Scope::Global, true);
        assert_eq!(ranges(&p), [("rollup_day".into(), 0, 3 * DAY_MS)]);
    }

    #[test]
    fn report_cells_take_whole_hours_from_the_rollup_and_the_edges_by_hour_or_minute() {
        let h = HOUR_MS;
        let got = |q: Vec<Query>| -> Vec<(String, i64, i64)> {
            let p = Plan {
                queries: q,
                name: None,
            };
            ranges(&p)
        };
        let q = cells(&D, 30 * 60_000, 5 * h + 7, true);
        assert_eq!(
            got(q.clone()),
            [
                ("requests".into(), 30 * 60_000, h),
                ("rollup".into(), h, 5 * h),
                ("requests".into(), 5 * h, 5 * h + 7),
            ]
        );
        assert!(q[0].sql.starts_with("SELECT ts / 3600000 * 3600000,"));
        // SQLite's rollup rows are read as they are; PostgreSQL sums them
        assert!(!q[1].sql.contains("GROUP BY"));
        let pg = Dialect {
            group_rollup: true,
            ..D
        };
        assert!(cells(&pg, 0, 2 * h, true)[0].sql.contains("GROUP BY"));
        // within one hour, or off whole hours: the requests only
        assert_eq!(got(cells(&D, 10, 20, true)), [("requests".into(), 10, 20)]);
        let q = cells(&D, 0, 5 * h, false);
        assert_eq!(got(q.clone()), [("requests".into(), 0, 5 * h)]);
        assert!(q[0].sql.starts_with("SELECT ts / 60000 * 60000,"));
        assert!(cells(&D, 5, 5, true).is_empty());
    }

    #[test]
    fn an_empty_window_has_no_query() {
        assert!(
            aggregate(&D, 5, 5, Dim::Model, &Scope::Global, true)
                .queries
                .is_empty()
        );
    }
}
