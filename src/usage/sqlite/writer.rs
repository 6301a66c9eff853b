//! The only code that changes request rows: [`Writer`] writes requests inside one transaction
//! and keeps the rollups and the id index exact.

use rusqlite::{Connection, OptionalExtension, Transaction};
use rustc_hash::FxHashMap;

use super::ids;
use super::read::read_totals;
use crate::usage::{Batched, Change, Request, Rollups, Sums, Written, refused, rid_slot, sums};

/// The columns [`super::read`] reads a request back from, in [`insert_sql`]'s order.
pub(crate) const INSERT_COLUMNS: &str = "ts, provider, model, user, project, org, session, source, request_id, \
    input, output, cache_read, cache_write_5m, cache_write_1h, reasoning, cost_nanos, cost_source, \
    price_version, latency_ms, success";

/// Writes a new request row, `?21` being its `rid`, `?22` the machine that recorded it, `?23`
/// and `?24` its row and store there (NULL for a row recorded here), `?25` its change number.
fn insert_sql() -> String {
    format!(
        "INSERT INTO requests ({INSERT_COLUMNS}, rid, machine, origin, origin_store, seq) VALUES \
         (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, \
         ?20, ?21, ?22, ?23, ?24, ?25)"
    )
}

/// The row with an `id`: its request id, what the rollups need to take it out, and where it
/// was recorded (NULL: here).
const FIND_SQL: &str = "SELECT source, request_id, ts, provider, model, user, project, org, input, \
    output, cache_read, cache_write_5m, cache_write_1h, reasoning, cost_nanos, \
    cost_source = 'unpriced', origin_store, origin, session FROM requests WHERE id = ?1";

/// The columns a row's content is: what a synced copy is compared on.
const CONTENT: &str = "ts IS ?1 AND provider IS ?2 AND model IS ?3 AND user IS ?4 AND \
    project IS ?5 AND org IS ?6 AND session IS ?7 AND input IS ?10 AND output IS ?11 AND \
    cache_read IS ?12 AND cache_write_5m IS ?13 AND cache_write_1h IS ?14 AND \
    reasoning IS ?15 AND cost_nanos IS ?16 AND cost_source IS ?17 AND price_version IS ?18 AND \
    latency_ms IS ?19 AND success IS ?20";

/// Replaces the row with the `id` `?26`, with the same parameters as [`insert_sql`] (its
/// machine and origin stay), giving it a new change number.
const UPDATE_SQL: &str = "UPDATE requests SET ts = ?1, provider = ?2, model = ?3, user = ?4, \
    project = ?5, org = ?6, session = ?7, input = ?10, output = ?11, cache_read = ?12, \
    cache_write_5m = ?13, cache_write_1h = ?14, reasoning = ?15, cost_nanos = ?16, \
    cost_source = ?17, price_version = ?18, latency_ms = ?19, success = ?20, seq = ?25 \
    WHERE id = ?26";

/// Replaces the row with the `id` `?26` by a synced copy, with where that was recorded, unless
/// the row holds that content already.
fn update_synced_sql() -> String {
    format!(
        "UPDATE requests SET ts = ?1, provider = ?2, model = ?3, user = ?4, project = ?5, \
         org = ?6, session = ?7, input = ?10, output = ?11, cache_read = ?12, \
         cache_write_5m = ?13, cache_write_1h = ?14, reasoning = ?15, cost_nanos = ?16, \
         cost_source = ?17, price_version = ?18, latency_ms = ?19, success = ?20, \
         machine = ?22, origin = ?23, origin_store = ?24, seq = ?25 \
         WHERE id = ?26 AND NOT ({CONTENT} AND machine IS ?22 AND origin IS ?23 \
         AND origin_store IS ?24)"
    )
}

/// A request's numbers as stored (counts saturate at `i64::MAX`).
struct Numbers {
    counts: [i64; 6],
    latency: Option<i64>,
}

impl Numbers {
    fn of(r: &Request) -> Numbers {
        Numbers {
            counts: [
                i(r.tokens.input),
                i(r.tokens.output),
                i(r.tokens.cache_read),
                i(r.tokens.cache_write_5m),
                i(r.tokens.cache_write_1h),
                i(r.reasoning),
            ],
            latency: r.latency_ms.map(i),
        }
    }
}

/// The parameters of [`insert_sql`] and [`UPDATE_SQL`] (which adds the row's `id`).
fn values<'a>(
    r: &'a Request,
    n: &'a Numbers,
    rid: &'a Option<i64>,
    at: &'a Place<'a>,
) -> [&'a dyn rusqlite::ToSql; 25] {
    let c = &n.counts;
    [
        &r.ts_ms,
        &r.provider,
        &r.model,
        &r.user,
        &r.project,
        &r.org,
        &r.session,
        &r.source,
        &r.request_id,
        &c[0],
        &c[1],
        &c[2],
        &c[3],
        &c[4],
        &c[5],
        &r.cost_nanos,
        r.cost_source.as_str_ref(),
        &r.price_version,
        &n.latency,
        &r.success,
        rid,
        &at.machine,
        &at.origin,
        &at.store,
        &at.seq,
    ]
}

/// Where a row was recorded, and its change number: parameters `?22` to `?25`.
struct Place<'a> {
    machine: &'a str,
    origin: Option<i64>,
    store: Option<&'a str>,
    seq: i64,
}

/// A synced request's origin: the machine and store that recorded it, and its row there.
#[derive(Clone, Copy)]
struct Origin<'a> {
    machine: &'a str,
    store: &'a str,
    origin: i64,
}

/// A row found again: its time, group and sums, and its origin (store and row; `None` for a
/// row recorded here).
struct Old {
    ts: i64,
    names: [String; 5],
    sums: Sums,
    origin: Option<(String, i64)>,
    session: Option<String>,
}

/// What [`Writer::put`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    /// A new row.
    Added,
    /// The row of the same request id (or synced origin) now holds this request.
    Replaced,
    /// The row there stays as it was (it was larger, or the same).
    Kept,
}

impl Put {
    fn written(self) -> Written {
        match self {
            Put::Added => Written::Added,
            Put::Replaced | Put::Kept => Written::Existing,
        }
    }
}

fn i(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Writes requests inside one transaction, and keeps the rollups right.
///
/// Rows' sums are added up in memory per hour and group (a replaced row's old sums taken out,
/// its new ones put in) and written to `rollup`, `rollup_day` and `rollup_hour` by
/// [`Writer::finish`], which must be called before the transaction commits, with the new
/// request ids (see [`ids`]). The Writer is the only code that changes request rows, so the
/// rollups and the id index stay exact.
pub struct Writer<'t> {
    insert: rusqlite::CachedStatement<'t>,
    conn: &'t Connection,
    ids: ids::Ids<'t>,
    keep_largest: bool,
    /// The machine id stamped on rows recorded here.
    machine: &'t str,
    rollups: Rollups,
    /// The row of each request given to [`Writer::write_batched`] so far.
    by_seq: Vec<i64>,
    /// The last change number given (see [`crate::usage::ledger::Ledger::rows_since`]).
    change: i64,
    /// The sessions whose cache marks the batch may have changed, with the times of their
    /// rows written or taken out (see [`Writer::touch`]).
    touched: FxHashMap<String, (i64, i64)>,
}

/// What a Writer is told of a request id by its batch.
enum Seen {
    /// Nothing: written one by one.
    Unknown,
    /// No earlier request of the batch had its rid.
    First,
    /// The request at this place in the batch had it.
    Again(usize),
}

impl<'t> Writer<'t> {
    /// `keep_largest`: on a repeated request id keep whichever row has more tokens (imports of
    /// streamed logs); otherwise the new row replaces the old one.
    pub fn new(
        tx: &'t Transaction<'_>,
        keep_largest: bool,
        machine: &'t str,
    ) -> rusqlite::Result<Self> {
        let change: i64 = tx
            .prepare_cached("SELECT coalesce(max(seq), 0) FROM requests")?
            .query_row([], |r| r.get(0))?;
        Ok(Writer {
            change,
            insert: tx.prepare_cached(&insert_sql())?,
            conn: tx,
            ids: ids::Ids::new(tx),
            keep_largest,
            machine,
            rollups: Rollups::default(),
            by_seq: Vec::new(),
            touched: FxHashMap::default(),
        })
    }

    /// Writes a request, refusing one over the ceilings (see [`Request::check`]).
    pub fn write(&mut self, r: &Request) -> anyhow::Result<Written> {
        let rid = r.request_id.as_deref().map(|id| rid_slot(&r.source, id));
        Ok(self.put(r, rid, Seen::Unknown, None)?.written())
    }

    /// Writes a request synced from another store (`tokens sync`) into this one, whose store
    /// id is `here`: a new row that keeps its machine, store and row there; or, for a row held
    /// already (by its request id, else by its store and row), the new content when the row
    /// came from that same store and row (it changed there since) or, for a request id
    /// recorded elsewhere, when it is larger. A row of this very store, sent back, changes
    /// nothing: the row here is the one that counts.
    pub fn write_synced(
        &mut self,
        row: &crate::usage::ledger::SyncRow,
        here: &str,
    ) -> anyhow::Result<Put> {
        if row.store == here {
            return Ok(Put::Kept);
        }
        let r = &row.request;
        let from = Origin {
            machine: &row.machine,
            store: &row.store,
            origin: row.origin,
        };
        if r.request_id.is_none() {
            let found: Option<i64> = self
                .conn
                .prepare_cached("SELECT id FROM requests WHERE origin_store = ?1 AND origin = ?2")?
                .query_row(rusqlite::params![row.store, row.origin], |r| r.get(0))
                .optional()?;
            if let Some(id) = found {
                r.check().map_err(refused)?;
                return self.replace_synced(id, r, None, from);
            }
        }
        let rid = r.request_id.as_deref().map(|id| rid_slot(&r.source, id));
        self.put(r, rid, Seen::Unknown, Some(from))
    }

    /// Puts a synced copy in the row `id`, unless that row holds it already; keeps the
    /// rollups right.
    fn replace_synced(
        &mut self,
        id: i64,
        r: &Request,
        rid: Option<i64>,
        from: Origin<'_>,
    ) -> anyhow::Result<Put> {
        let Some(old) = self.find(id, None)? else {
            return Ok(Put::Kept);
        };
        let numbers = Numbers::of(r);
        let at = Place {
            machine: from.machine,
            origin: Some(from.origin),
            store: Some(from.store),
            seq: self.change + 1,
        };
        let with_row: Vec<&dyn rusqlite::ToSql> = values(r, &numbers, &rid, &at)
            .into_iter()
            .chain([&id as &dyn rusqlite::ToSql])
            .collect();
        let changed = self
            .conn
            .prepare_cached(&update_synced_sql())?
            .execute(&*with_row)?;
        if changed == 0 {
            return Ok(Put::Kept);
        }
        self.change += 1;
        let [a, b, c, d, e] = &old.names;
        self.rollups
            .tally(old.ts, [a, b, c, d, e], &old.sums.negated());
        self.rollups.add(r);
        self.touch_old(&old);
        self.touch(r.session.as_deref(), r.ts_ms, &sums(r));
        Ok(Put::Replaced)
    }

    /// The row `id` (`None` when there is none, or, given `of`, when it holds another request
    /// id than `of`'s).
    fn find(&self, id: i64, of: Option<&Request>) -> rusqlite::Result<Option<Old>> {
        self.conn
            .prepare_cached(FIND_SQL)?
            .query_row([id], |row| {
                if let Some(r) = of {
                    let same = row.get_ref(0)?.as_str()? == r.source
                        && row.get_ref(1)?.as_str()? == r.request_id.as_deref().unwrap_or("");
                    if !same {
                        return Ok(None);
                    }
                }
                let names: [String; 5] = [
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                    row.get(6)?,
                    row.get(7)?,
                ];
                let t = read_totals(row, 8, 1, row.get(15)?)?;
                let origin = match (row.get::<_, Option<String>>(16)?, row.get(17)?) {
                    (Some(s), Some(o)) => Some((s, o)),
                    _ => None,
                };
                Ok(Some(Old {
                    ts: row.get(2)?,
                    names,
                    sums: Sums::of(&t),
                    origin,
                    session: row.get(18)?,
                }))
            })
            .optional()
            .map(Option::flatten)
    }

    /// Adds the sums of a batch given to [`Writer::write_batched`].
    pub fn absorb(&mut self, counted: Rollups) {
        self.rollups.absorb(counted);
    }

    /// Writes one request of a batch read on another thread, which has:
    /// - worked out its [`rid_slot`];
    /// - added it to [`Rollups`] of its own, given to [`Writer::absorb`] at the end (the
    ///   Writer then only corrects them for a request id that was there already);
    /// - said which earlier request of the batch had the same `rid`, if any.
    ///
    /// Every request of the batch must come through here, in order.
    pub fn write_batched(&mut self, r: &Request, b: &Batched) -> anyhow::Result<Written> {
        let seen = match b.first {
            Some(i) => Seen::Again(i),
            None => Seen::First,
        };
        Ok(self.put(r, b.rid, seen, None)?.written())
    }

    /// Writes a request: a new row, or the row of its request id, found through `seen` and the
    /// id index (going on to the next number past another id's row with the same hash).
    /// `from`: the machine, store and row a synced request comes from (else it is recorded
    /// here).
    fn put(
        &mut self,
        r: &Request,
        rid: Option<i64>,
        seen: Seen,
        from: Option<Origin<'_>>,
    ) -> anyhow::Result<Put> {
        r.check().map_err(refused)?;
        let counted = !matches!(seen, Seen::Unknown);
        let numbers = Numbers::of(r);
        let mut rid = rid;
        let mut seen = seen;
        // the rid is taken: by this request id, or (rarely) by another with the same hash
        while let Some(slot) = rid {
            // a batch says which rids it had before, until a hash is shared (then look anew)
            let found = match std::mem::replace(&mut seen, Seen::Unknown) {
                Seen::Again(i) if !self.ids.found_any() => match self.by_seq.get(i) {
                    Some(&row) => Some(row),
                    None => self.ids.find(slot)?,
                },
                Seen::First if !self.ids.found_any() => self.ids.find_stored(slot)?,
                _ => self.ids.find(slot)?,
            };
            let Some(row) = found else {
                break;
            };
            // another id's row (or a row deleted by hand): look at the next number
            let Some(found) = self.find(row, Some(r))? else {
                rid = Some(slot.wrapping_add(1));
                continue;
            };
            let new = sums(r);
            let old = found.sums;
            let group = [&*r.provider, &r.model, &r.user, &r.project, &r.org];
            if let Some(f) = from {
                // the same row of the same store, changed there: its new content; the same
                // request id recorded elsewhere: the larger row
                let same = found
                    .origin
                    .as_ref()
                    .is_some_and(|(s, o)| s == f.store && *o == f.origin);
                if same || new.total_tokens() > old.total_tokens() {
                    return self.replace_synced(row, r, rid, f);
                }
                return Ok(Put::Kept);
            }
            if self.keep_largest && new.total_tokens() <= old.total_tokens() {
                if counted {
                    self.rollups.tally(r.ts_ms, group, &new.negated());
                    self.by_seq.push(row);
                }
                return Ok(Put::Kept);
            }
            self.change += 1;
            let at = Place {
                machine: self.machine,
                origin: None,
                store: None,
                seq: self.change,
            };
            let with_row: Vec<&dyn rusqlite::ToSql> = values(r, &numbers, &rid, &at)
                .into_iter()
                .chain([&row as &dyn rusqlite::ToSql])
                .collect();
            self.conn.prepare_cached(UPDATE_SQL)?.execute(&*with_row)?;
            let [a, b, c, d, e] = &found.names;
            self.rollups
                .tally(found.ts, [a, b, c, d, e], &old.negated());
            self.touch_old(&found);
            self.touch(r.session.as_deref(), r.ts_ms, &new);
            if counted {
                self.by_seq.push(row);
            } else {
                self.rollups.tally(r.ts_ms, group, &new);
            }
            return Ok(Put::Replaced);
        }
        self.change += 1;
        let at = match from {
            Some(f) => Place {
                machine: f.machine,
                origin: Some(f.origin),
                store: Some(f.store),
                seq: self.change,
            },
            None => Place {
                machine: self.machine,
                origin: None,
                store: None,
                seq: self.change,
            },
        };
        self.insert.execute(values(r, &numbers, &rid, &at))?;
        let row = self.conn.last_insert_rowid();
        self.touch(r.session.as_deref(), r.ts_ms, &sums(r));
        if let Some(slot) = rid {
            self.ids.add(slot, row);
        }
        if counted {
            self.by_seq.push(row);
        } else {
            self.rollups.add(r);
        }
        Ok(Put::Added)
    }

    /// Notes a row of a session written or taken out at `ts`, when it reads or writes the
    /// cache: the marks of the session's writes up to an hour before it may change.
    fn touch(&mut self, session: Option<&str>, ts: i64, s: &Sums) {
        let Some(session) = session else { return };
        if s.0[3] == 0 && s.0[4] == 0 && s.0[5] == 0 {
            return;
        }
        let lo = ts.saturating_sub(crate::usage::HOUR_MS);
        match self.touched.get_mut(session) {
            Some((a, b)) => {
                *a = (*a).min(lo);
                *b = (*b).max(ts);
            }
            None => {
                self.touched.insert(session.to_string(), (lo, ts));
            }
        }
    }

    fn touch_old(&mut self, old: &Old) {
        let session = old.session.clone();
        self.touch(session.as_deref(), old.ts, &old.sums);
    }

    /// Adds the new rows' sums to the rollups. Call it before the transaction commits.
    ///
    /// The store's totals (`rollup_all`) are checked first: every sum the store keeps is part
    /// of them (no row is negative), so when they fit in an `i64`, so does every rollup and
    /// every sum a query makes. A write that would pass them is refused ([`OverLimit::Sum`]).
    ///
    /// Returns what the writes changed in the store's totals (a replaced row counts as the
    /// difference).
    pub fn finish(self) -> anyhow::Result<Change> {
        let Writer {
            insert,
            conn,
            ids,
            rollups:
                Rollups {
                    names,
                    by_group,
                    by_hour,
                },
            touched,
            ..
        } = self;
        drop(insert);
        let mut marks = conn.prepare_cached(super::UNREAD_MARKS)?;
        for (session, (lo, hi)) in &touched {
            marks.execute(rusqlite::params![session, lo, hi])?;
        }
        let mut delta = Sums::default();
        for t in by_hour.values() {
            delta.add(t);
        }
        if delta != Sums::default() {
            let mut all = conn
                .prepare_cached(&format!("SELECT {ROLLUP_COLUMNS} FROM rollup_all"))?
                .query_row([], |row| {
                    let mut v = [0i64; 9];
                    for (i, c) in v.iter_mut().enumerate() {
                        *c = row.get(i)?;
                    }
                    Ok(v)
                })
                .optional()?
                .map(|v| Sums(v.map(i128::from)))
                .unwrap_or_default();
            all.add(&delta);
            let cols = all.columns().map_err(refused)?;
            let params: Vec<&dyn rusqlite::ToSql> =
                cols.iter().map(|v| v as &dyn rusqlite::ToSql).collect();
            conn.prepare_cached(
                "INSERT OR REPLACE INTO rollup_all VALUES (0, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(&*params)?;
        }
        ids.finish()?;
        let change = Change::of(&delta)?;
        let mut by_id = vec![""; names.len()];
        for (n, i) in &names {
            by_id[*i as usize] = n;
        }
        let set = super::ROLLUP_ADD;
        let mut by_day: FxHashMap<(i64, [u32; 5]), Sums> = FxHashMap::default();
        for ((hour, k), t) in &by_group {
            by_day.entry((hour.div_euclid(24), *k)).or_default().add(t);
        }
        for (table, unit, groups) in [
            ("rollup", "hour", &by_group),
            ("rollup_day", "day", &by_day),
        ] {
            let mut stmt = conn.prepare_cached(&format!(
                "INSERT INTO {table} VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, \
                 ?14, ?15) ON CONFLICT ({unit}, provider, model, user, project, org) DO UPDATE SET {set}"
            ))?;
            for ((at, k), t) in groups {
                let names = k.map(|i| by_id[i as usize]);
                let key = std::iter::once(at as &dyn rusqlite::ToSql)
                    .chain(names.iter().map(|n| n as &dyn rusqlite::ToSql));
                let sums = t.columns()?;
                stmt.execute(rusqlite::params_from_iter(
                    key.chain(sums.iter().map(|v| v as &dyn rusqlite::ToSql)),
                ))?;
            }
        }
        let mut hourly = conn.prepare_cached(&format!(
            "INSERT INTO rollup_hour VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
             ON CONFLICT (hour) DO UPDATE SET {set}"
        ))?;
        for (hour, t) in &by_hour {
            let sums = t.columns()?;
            hourly.execute(rusqlite::params_from_iter(
                std::iter::once(hour as &dyn rusqlite::ToSql)
                    .chain(sums.iter().map(|v| v as &dyn rusqlite::ToSql)),
            ))?;
        }
        Ok(change)
    }
}

/// The sums' columns of every rollup table, from `requests` to `unpriced`.
pub(crate) const ROLLUP_COLUMNS: &str = "requests, input, output, cache_read, cache_write_5m, \
    cache_write_1h, reasoning, cost_nanos, unpriced";

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::super::SqliteStore;
    use super::super::read::total;
    use super::*;
    use crate::usage::Scope;
    use crate::usage::tests::request;

    /// Two request ids whose hashes meet: the second is kept at the next number, and found
    /// there again when it is recorded a second time.
    #[test]
    fn request_ids_with_the_same_hash_are_kept_apart() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&dir.path().join("usage.db")).unwrap();
        let slot = rid_slot("jsonl", "b");
        // a row for id `a` where `b`'s hash points, as if their hashes were the same
        store
            .write(|tx| {
                let mut w = Writer::new(tx, false, "m")?;
                assert_eq!(w.write(&request("a", 1))?, Written::Added);
                w.finish()?;
                tx.execute(
                    "UPDATE rid_recent SET rid = ?1 WHERE rid = ?2",
                    [slot, rid_slot("jsonl", "a")],
                )?;
                tx.execute(
                    "UPDATE requests SET rid = ?1 WHERE request_id = 'a'",
                    [slot],
                )?;
                Ok(())
            })
            .unwrap();
        for (input, expected) in [(10, Written::Added), (20, Written::Existing)] {
            let written = store
                .write(|tx| {
                    let mut w = Writer::new(tx, false, "m")?;
                    let written = w.write(&request("b", input))?;
                    w.finish()?;
                    Ok(written)
                })
                .unwrap();
            assert_eq!(written, expected);
        }
        let rows: Vec<(String, i64, i64)> = store
            .conn()
            .prepare("SELECT request_id, rid, input FROM requests ORDER BY request_id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(
            rows,
            [
                ("a".to_string(), slot, 1),
                ("b".to_string(), slot.wrapping_add(1), 20)
            ]
        );
        let t = total(store.conn(), 0, i64::MAX, &Scope::Global).unwrap();
        assert_eq!((t.requests, t.input), (2, 21));
    }

    /// Batches of every size, with ids repeated inside a batch and across batches, against a
    /// map of what each id last held: every id is found again wherever its rid was put (the
    /// recent table, a run of its own, a merged run), and runs are merged as they come.
    /// (Under `cfg(test)` a run is 40 ids, and the recent table holds 100.)
    #[test]
    fn request_ids_are_found_again_in_every_part_of_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&dir.path().join("usage.db")).unwrap();
        let mut expected: HashMap<String, u64> = HashMap::new();
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for batch in 0..60u64 {
            let size = [1, 3, 30, 45, 130, 2][batch as usize % 6];
            let rows: Vec<(String, u64)> = (0..size)
                .map(|_| (format!("id-{}", next(900)), next(1000)))
                .collect();
            let written = store
                .write(|tx| {
                    let mut w = Writer::new(tx, false, "m")?;
                    let mut out = Vec::new();
                    for (id, input) in &rows {
                        out.push(w.write(&request(id, *input))?);
                    }
                    w.finish()?;
                    Ok(out)
                })
                .unwrap();
            for ((id, input), written) in rows.iter().zip(written) {
                let was = expected.insert(id.clone(), *input);
                let want = if was.is_some() {
                    Written::Existing
                } else {
                    Written::Added
                };
                assert_eq!(written, want, "batch {batch}, id {id}");
            }
        }
        let conn = store.conn();
        let rows: HashMap<String, u64> = conn
            .prepare("SELECT request_id, input FROM requests")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(rows, expected);
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(
            count("SELECT count(*) FROM requests"),
            expected.len() as i64
        );
        // every id is in one place: the recent table, or one run
        assert_eq!(
            count("SELECT sum(keys) FROM rid_runs"),
            expected.len() as i64
        );
        assert_eq!(
            count("SELECT keys FROM rid_runs WHERE run = 0"),
            count("SELECT count(*) FROM rid_recent")
        );
        let runs = count("SELECT count(*) FROM rid_runs WHERE run > 0");
        assert!((1..=6).contains(&runs), "{runs} runs");
        let t = total(conn, 0, i64::MAX, &Scope::Global).unwrap();
        assert_eq!(t.input as u64, expected.values().sum::<u64>());
    }

    /// A batch that says which rows repeat an id, as `record --jsonl`'s reading thread does:
    /// repeats replace the first row, ids stored before are found, and a hash shared with a
    /// stored id (forced here) moves the new id to the next number, for the rest of the batch.
    #[test]
    fn a_batch_finds_its_repeats_and_the_stored_ids() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&dir.path().join("usage.db")).unwrap();
        let slot = |id: &str| rid_slot("jsonl", id);
        let mut batch = |rows: Vec<(&str, i64, Option<usize>, u64)>| -> Vec<Written> {
            store
                .write(|tx| {
                    let mut w = Writer::new(tx, false, "m")?;
                    let mut counted = Rollups::default();
                    let mut out = Vec::new();
                    for (id, rid, first, input) in &rows {
                        let r = request(id, *input);
                        counted.add(&r);
                        let b = Batched {
                            rid: Some(*rid),
                            first: *first,
                        };
                        out.push(w.write_batched(&r, &b)?);
                    }
                    w.absorb(counted);
                    w.finish()?;
                    Ok(out)
                })
                .unwrap()
        };
        use Written::{Added, Existing};
        // no shared hash: repeats and stored ids are found through what the batch says
        assert_eq!(batch(vec![("a", slot("a"), None, 1)]), [Added]);
        assert_eq!(
            batch(vec![
                ("x", slot("x"), None, 2),
                ("y", slot("y"), None, 3),
                ("x", slot("x"), Some(0), 4),
                ("a", slot("a"), None, 5),
            ]),
            [Added, Added, Existing, Existing]
        );
        // `b` with `a`'s hash: kept at the next number, then found again
        assert_eq!(
            batch(vec![
                ("b", slot("a"), None, 6),
                ("c", slot("c"), None, 7),
                ("c", slot("c"), Some(1), 8),
                ("b", slot("a"), Some(0), 9),
                ("a", slot("a"), Some(0), 10),
            ]),
            [Added, Added, Existing, Existing, Existing]
        );
        let rows: Vec<(String, i64, i64)> = store
            .conn()
            .prepare("SELECT request_id, rid, input FROM requests ORDER BY request_id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let row = |id: &str, rid: i64, input: i64| (id.to_string(), rid, input);
        assert_eq!(
            rows,
            [
                row("a", slot("a"), 10),
                row("b", slot("a").wrapping_add(1), 9),
                row("c", slot("c"), 8),
                row("x", slot("x"), 4),
                row("y", slot("y"), 3),
            ]
        );
        let t = total(store.conn(), 0, i64::MAX, &Scope::Global).unwrap();
        assert_eq!((t.requests, t.input), (5, 10 + 9 + 8 + 4 + 3));
    }
}
