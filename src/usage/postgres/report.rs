//! The queries of `tokens report`, `tokens blocks` and `tokens statusline` on the PostgreSQL
//! ledger: the same answers as the defaults of [`crate::usage::Ledger`] (which read every
//! request of the window), from the hourly rollup and narrow queries, as the SQLite store gives
//! them (`tests/it/tokens_pg.rs` compares the two).

use jiff::tz::TimeZone;
use postgres::types::{ToSql, Type};

use super::{DIALECT, PostgresStore, failed, totals_at};
use crate::pricing::{PriceBook, Tokens};
use crate::usage::plan;
use crate::usage::report::blocks::{Blocks, HourSum, Point, from_rollup};
use crate::usage::report::{Cell, CellSums, Facts, LIFE_1H, LIFE_5M, ModelFacts, Pass, ShortSums};
use crate::usage::{Ledger, Scope};

/// Latencies and failures by model.
const TIMED_SQL: &str = "SELECT model, count(latency_ms), coalesce(sum(latency_ms), 0)::bigint, \
    count(*) FILTER (WHERE NOT success) FROM requests \
    WHERE ts >= $1 AND ts < $2 AND (latency_ms IS NOT NULL OR NOT success) GROUP BY model";

/// The requests with a short output, the same ones counted once.
const _: () = assert!(crate::usage::report::SHORT_OUTPUT == 200, "see SHORT_SQL");
const SHORT_SQL: &str = "SELECT provider, model, input, output, cache_read, cache_write_5m, \
    cache_write_1h, cost_nanos, count(*) FROM requests \
    WHERE ts >= $1 AND ts < $2 AND output <= 200 AND success AND cost_source <> 'unpriced' \
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8";

/// Whether the write of a lifetime (`{life}` ms) of request `w` was never read: no later request
/// of its session read the cache before it expired, and it is judged (it expired before `$3`,
/// or a request of its session came after it expired, before `$2`).
fn unread(column: &str, life: i64) -> String {
    format!(
        "(w.{column} > 0 AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.session = w.session \
         AND r.cache_read > 0 AND (r.ts, r.id) > (w.ts, w.id) AND r.ts <= w.ts + {life}) \
         AND (w.ts + {life} < $3 OR EXISTS (SELECT 1 FROM requests l \
         WHERE l.session = w.session AND l.ts > w.ts + {life} AND l.ts < $2)))"
    )
}

/// The cache writes of sessions in `[$1, $2)`, with whether each was never read.
fn writes_sql() -> String {
    format!(
        "SELECT w.provider, w.model, w.session, w.input, w.output, w.cache_read, \
         w.cache_write_5m, w.cache_write_1h, {}, {} FROM requests w \
         WHERE w.ts >= $1 AND w.ts < $2 AND w.session IS NOT NULL \
         AND (w.cache_write_5m > 0 OR w.cache_write_1h > 0)",
        unread("cache_write_5m", LIFE_5M),
        unread("cache_write_1h", LIFE_1H)
    )
}

/// A provider's requests in `[$1, $2)`, oldest first, as blocks need them.
const POINTS_SQL: &str = "SELECT ts, input + output + cache_read + cache_write_5m + cache_write_1h, \
    cost_nanos FROM requests WHERE ts >= $1 AND ts < $2 AND provider = $3 ORDER BY ts, id";

/// The hours in `[$1, $2)` with requests of a provider: one probe of the rollup's key (`hour`,
/// `provider`) per hour.
const HOURS_SQL: &str = "SELECT h FROM generate_series($1::bigint, $2::bigint - 1) AS h \
    WHERE EXISTS (SELECT 1 FROM rollup WHERE hour = h AND provider = $3 AND requests > 0) \
    ORDER BY h";

/// A provider's sums by hour in `[$1, $2)`, from the rollup.
const HOUR_SUMS_SQL: &str = "SELECT h, sum(r.requests)::bigint, \
    sum(r.input + r.output + r.cache_read + r.cache_write_5m + r.cache_write_1h)::bigint, \
    sum(r.cost_nanos)::bigint \
    FROM generate_series($1::bigint, $2::bigint - 1) AS h \
    JOIN rollup r ON r.hour = h AND r.provider = $3 GROUP BY h ORDER BY h";

/// The first and the last request of a provider in `[$1, $2)`.
const SPAN_SQL: &str = "SELECT \
    (SELECT ts FROM requests WHERE ts >= $1 AND ts < $2 AND provider = $3 ORDER BY ts LIMIT 1), \
    (SELECT ts FROM requests WHERE ts >= $1 AND ts < $2 AND provider = $3 \
     ORDER BY ts DESC LIMIT 1)";

/// The cost and requests of one session in `[$1, $2)` (`requests_session`).
const SESSION_SQL: &str = "SELECT count(*), coalesce(sum(cost_nanos), 0)::bigint FROM requests \
    WHERE session = $3 AND ts >= $1 AND ts < $2";

impl PostgresStore {
    /// [`Ledger::report_cells`]: the queries of [`plan::cells`] (the rollup's rows summed by
    /// the server), added up by [`CellSums`].
    pub(super) fn cells(
        &self,
        start: i64,
        end: i64,
        tz: &TimeZone,
        hour_buckets: bool,
    ) -> anyhow::Result<Vec<Cell>> {
        let mut cells = CellSums::new(tz);
        for q in plan::cells(&DIALECT, start, end, hour_buckets) {
            let (s, e) = (q.start, q.end);
            let rows =
                self.read(|c| c.query_typed(&q.sql, &[(&s, Type::INT8), (&e, Type::INT8)]))?;
            for row in &rows {
                let cell = (|| {
                    let name = |i| row.try_get::<_, &str>(i);
                    Ok((
                        row.try_get::<_, i64>(0)?,
                        [name(1)?, name(2)?, name(3)?, name(4)?],
                        totals_at(row, 5)?,
                    ))
                })()
                .map_err(|e| failed(&self.shown, e))?;
                cells.add(cell.0, cell.1, &cell.2)?;
            }
        }
        Ok(cells.finish())
    }

    /// [`Ledger::report_facts`]: latencies and failures summed by model, the short requests
    /// (each kind once, with its count), and the cache writes judged by the database.
    pub(super) fn facts(
        &self,
        start: i64,
        end: i64,
        judge_end: i64,
        book: &PriceBook,
    ) -> anyhow::Result<Facts> {
        let mut pass = Pass::new(book, judge_end);
        pass.set_requests(self.total(start, end, &Scope::Global)?.requests);
        let range: [(&(dyn ToSql + Sync), Type); 2] = [(&start, Type::INT8), (&end, Type::INT8)];
        let u = |v: i64| v.max(0) as u64;
        let tokens = |row: &postgres::Row, at: usize| -> Result<Tokens, postgres::Error> {
            Ok(Tokens {
                input: u(row.try_get(at)?),
                output: u(row.try_get(at + 1)?),
                cache_read: u(row.try_get(at + 2)?),
                cache_write_5m: u(row.try_get(at + 3)?),
                cache_write_1h: u(row.try_get(at + 4)?),
            })
        };
        self.read(|c| {
            for row in c.query_typed(TIMED_SQL, &range)? {
                let f = ModelFacts {
                    timed: row.try_get(1)?,
                    latency_ms_sum: row.try_get(2)?,
                    failed: row.try_get(3)?,
                };
                pass.add_model_facts(row.try_get(0)?, &f);
            }
            let mut short = ShortSums::default();
            for row in c.query_typed(SHORT_SQL, &range)? {
                let (provider, model) = (row.try_get(0)?, row.try_get(1)?);
                let (t, cost, n) = (tokens(&row, 2)?, row.try_get(7)?, row.try_get(8)?);
                short.add(book, provider, model, &t, cost, n);
            }
            pass.add_short_sums(short);
            let judged: [(&(dyn ToSql + Sync), Type); 3] = [
                (&start, Type::INT8),
                (&end, Type::INT8),
                (&judge_end, Type::INT8),
            ];
            for row in c.query_typed(&writes_sql(), &judged)? {
                let t = tokens(&row, 3)?;
                for (at, one_hour) in [(8, false), (9, true)] {
                    if row.try_get::<_, bool>(at)? {
                        let (provider, model, session) =
                            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
                        pass.add_unread_write(session, provider, model, &t, one_hour);
                    }
                }
            }
            Ok(())
        })?;
        Ok(pass.finish())
    }

    pub(super) fn points_of(
        &self,
        start: i64,
        end: i64,
        provider: &str,
    ) -> anyhow::Result<Vec<Point>> {
        self.read(|c| {
            let rows = c.query_typed(
                POINTS_SQL,
                &[
                    (&start, Type::INT8),
                    (&end, Type::INT8),
                    (&provider, Type::TEXT),
                ],
            )?;
            rows.iter()
                .map(|r| {
                    Ok(Point {
                        ts_ms: r.try_get(0)?,
                        tokens: r.try_get(1)?,
                        cost_nanos: r.try_get(2)?,
                    })
                })
                .collect()
        })
    }

    pub(super) fn hours_of(
        &self,
        provider: &str,
        start_hour: i64,
        end_hour: i64,
    ) -> anyhow::Result<Vec<i64>> {
        if start_hour >= end_hour {
            return Ok(Vec::new());
        }
        self.read(|c| {
            let rows = c.query_typed(
                HOURS_SQL,
                &[
                    (&start_hour, Type::INT8),
                    (&end_hour, Type::INT8),
                    (&provider, Type::TEXT),
                ],
            )?;
            rows.iter().map(|r| r.try_get(0)).collect()
        })
    }

    /// [`crate::usage::Ledger::blocks_of`]: the whole hours' sums from the rollup, one query
    /// per block for its first and last request, the part hour at the end from its requests.
    pub(super) fn blocks_in(&self, provider: &str, start: i64, end: i64) -> anyhow::Result<Blocks> {
        let hour_sums = |lo: i64, hi: i64| {
            self.read(|c| {
                let rows = c.query_typed(
                    HOUR_SUMS_SQL,
                    &[
                        (&lo, Type::INT8),
                        (&hi, Type::INT8),
                        (&provider, Type::TEXT),
                    ],
                )?;
                rows.iter()
                    .map(|r| {
                        Ok(HourSum {
                            hour: r.try_get(0)?,
                            requests: r.try_get(1)?,
                            tokens: r.try_get(2)?,
                            cost_nanos: r.try_get(3)?,
                        })
                    })
                    .collect()
            })
        };
        let span = |s: i64, e: i64| {
            let (first, last): (Option<i64>, Option<i64>) = self.read(|c| {
                let r = c.query_typed_one(
                    SPAN_SQL,
                    &[(&s, Type::INT8), (&e, Type::INT8), (&provider, Type::TEXT)],
                )?;
                Ok((r.try_get(0)?, r.try_get(1)?))
            })?;
            first
                .zip(last)
                .ok_or_else(|| anyhow::anyhow!("the rollup has requests the ledger has not"))
        };
        from_rollup(
            start,
            end,
            |s, e| self.points_of(s, e, provider),
            hour_sums,
            span,
        )
    }

    pub(super) fn session_sums(
        &self,
        start: i64,
        end: i64,
        session: &str,
    ) -> anyhow::Result<(i64, i64)> {
        self.read(|c| {
            let r = c.query_typed_one(
                SESSION_SQL,
                &[
                    (&start, Type::INT8),
                    (&end, Type::INT8),
                    (&session, Type::TEXT),
                ],
            )?;
            Ok((r.try_get(0)?, r.try_get(1)?))
        })
    }
}
