//! Version 8: the report's facts from the narrow indexes and the cache marks are the ones a
//! pass over every request finds, for a store built new and for one migrated from version 7.

use super::*;
use crate::pricing::{PriceBook, Tokens};
use crate::usage::report::{Facts, Pass};
use crate::usage::{CostSource, Pricer};

/// A small, fixed random sequence (no crate needed for a test's data).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

const T0: i64 = 1_770_000_000_000;

/// Requests of a few sessions over two days, minutes apart (some at the same instant), with
/// cache writes and reads, short and long outputs, latencies, failures, given and computed
/// costs and an unpriced model; some without a session; some ids sent again, changed.
fn requests(book: &PriceBook) -> Vec<Request> {
    let mut rng = Lcg(7);
    let models = [
        "claude-sonnet-4-5",
        "claude-opus-4-5",
        "claude-haiku-4-5",
        "not-a-priced-model",
    ];
    let mut pricer = Pricer::new(book);
    let mut out = Vec::new();
    let mut ts = T0;
    for i in 0..1500 {
        ts += [0, 20_000, 90_000, 240_000, 400_000, 1_200_000, 3_000_000][rng.next(7) as usize]
            as i64;
        let session = match rng.next(6) {
            0 => None,
            n => Some(format!("s{n}")),
        };
        let given = rng.next(5) == 0;
        let mut r = Request {
            ts_ms: ts,
            provider: "anthropic".into(),
            model: models[rng.next(4) as usize].into(),
            user: ["ann", "bob"][rng.next(2) as usize].into(),
            project: "web".into(),
            org: String::new(),
            session,
            source: "claude-code".into(),
            request_id: Some(format!("r{i}")),
            tokens: Tokens {
                input: rng.next(3000),
                output: rng.next(400),
                cache_read: if rng.next(5) < 2 {
                    1 + rng.next(9000)
                } else {
                    0
                },
                cache_write_5m: if rng.next(10) < 3 {
                    1 + rng.next(3000)
                } else {
                    0
                },
                cache_write_1h: if rng.next(10) < 2 {
                    1 + rng.next(3000)
                } else {
                    0
                },
            },
            reasoning: 0,
            cost_nanos: if given { rng.next(5_000_000) as i64 } else { 0 },
            cost_source: if given {
                CostSource::Given
            } else {
                CostSource::Computed
            },
            price_version: None,
            latency_ms: (rng.next(2) == 0).then(|| rng.next(5000)),
            success: rng.next(10) != 0,
        };
        pricer.price(&mut r).unwrap();
        out.push(r);
    }
    out
}

/// Writes the requests in batches, out of time order, then sends some again changed (a read
/// taken away, a write added, a time moved).
fn fill(store: &mut SqliteStore, book: &PriceBook) {
    let mut rs = requests(book);
    let mut rng = Lcg(11);
    for i in (1..rs.len()).rev() {
        let j = rng.next(i as u64 + 1) as usize;
        if rng.next(3) == 0 {
            rs.swap(i, j);
        }
    }
    for chunk in rs.chunks(200) {
        store.record(chunk).unwrap();
    }
    let mut again = Vec::new();
    for r in rs.iter().step_by(17) {
        let mut r = r.clone();
        match rng.next(3) {
            0 => r.tokens.cache_read = 0,
            1 => r.tokens.cache_write_5m += 100,
            _ => r.ts_ms += 200_000,
        }
        again.push(r);
    }
    store.record(&again).unwrap();
}

/// Facts without the models that have nothing to say (a pass lists every model it saw).
fn plain(mut f: Facts) -> Facts {
    f.models.retain(|_, m| *m != Default::default());
    f
}

fn both(store: &SqliteStore, book: &PriceBook, start: i64, end: i64, judge: i64) -> (Facts, Facts) {
    let mut pass = Pass::new(book, judge);
    store.report_pass(start, end, &mut |r| pass.add(r)).unwrap();
    let fast = store.report_facts(start, end, judge, book).unwrap();
    // the short requests read in two halves at once (a large window's way) add up the same
    let requests = store.total(start, end, &Scope::Global).unwrap().requests;
    let second = store.second_reader().expect("a second connection");
    let split = report::facts(&store.conn, start, end, judge, book, requests, Some(second));
    assert_eq!(
        plain(split.unwrap()),
        plain(fast.clone()),
        "split {start}..{end}"
    );
    (plain(fast), plain(pass.finish()))
}

fn windows() -> Vec<(i64, i64, i64)> {
    let h = 3_600_000;
    vec![
        (T0, T0 + 60 * h, T0 + 60 * h),
        (T0 + 5 * h, T0 + 20 * h, T0 + 20 * h),
        // the end not reached yet: writes alive then are not judged, unless a later request
        // of their session came after they ended
        (T0 + 3 * h, T0 + 30 * h, T0 + 12 * h + 123_456),
        (T0 + 7 * h + 1, T0 + 7 * h + 600_000, T0 + 7 * h + 300_000),
    ]
}

#[test]
fn the_report_facts_from_the_indexes_are_the_full_passs() {
    let book = PriceBook::load(None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&dir.path().join("usage.db")).unwrap();
    fill(&mut store, &book);
    let marked: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM requests WHERE cache_unread <> 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(marked > 20, "{marked}");
    for (start, end, judge) in windows() {
        let (fast, full) = both(&store, &book, start, end, judge);
        if end - start > 3_600_000 {
            assert!(
                full.unread.writes > 0 && full.unread.sessions > 1,
                "{full:?}"
            );
            assert!(
                !full.short.is_empty() && !full.models.is_empty(),
                "{full:?}"
            );
        }
        assert_eq!(fast, full, "window {start}..{end} judged at {judge}");
    }
}

#[test]
fn a_version_7_store_migrated_gives_the_same_facts_as_one_built_new() {
    let book = PriceBook::load(None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (new, old) = (dir.path().join("new.db"), dir.path().join("old.db"));
    for p in [&new, &old] {
        let mut store = SqliteStore::open(p).unwrap();
        fill(&mut store, &book);
    }
    // the old one as version 7 left it: no marks, no indexes of version 8
    {
        let conn = Connection::open(&old).unwrap();
        conn.execute_batch(
            "DROP INDEX requests_session; DROP INDEX requests_unread; DROP INDEX requests_timed;
             DROP INDEX requests_short; ALTER TABLE requests DROP COLUMN cache_unread;
             PRAGMA user_version = 7;",
        )
        .unwrap();
    }
    let old = SqliteStore::open(&old).unwrap();
    let new = SqliteStore::open(&new).unwrap();
    let marks = |s: &SqliteStore| -> Vec<(i64, i64)> {
        let mut stmt = s
            .conn()
            .prepare("SELECT id, cache_unread FROM requests ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(marks(&old), marks(&new));
    for (start, end, judge) in windows() {
        let (fast_old, full_old) = both(&old, &book, start, end, judge);
        let (fast_new, _) = both(&new, &book, start, end, judge);
        assert_eq!(fast_old, full_old);
        assert_eq!(fast_old, fast_new);
    }
}

/// `blocks::scan` (what `tokens blocks` and `tokens statusline` both use) finds the blocks
/// that following every request from the first gives, reading from the block open at `start`.
#[test]
fn blocks_found_from_the_hours_are_those_of_every_request() {
    use crate::usage::report::blocks::{self, Blocks};
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&dir.path().join("usage.db")).unwrap();
    let mut rng = Lcg(3);
    let mut rs = Vec::new();
    let mut ts = T0;
    for i in 0..3000 {
        // busy stretches of a day or more, a few quiet nights
        ts += match rng.next(400) {
            0 => 6 * 3_600_000 + rng.next(3_600_000) as i64,
            1..=20 => 3_600_000 + rng.next(4 * 3_600_000) as i64,
            _ => rng.next(600_000) as i64,
        };
        let mut r = crate::usage::tests::request(&format!("b{i}"), 10 + rng.next(100));
        r.ts_ms = ts;
        r.provider = blocks::PROVIDER.into();
        r.cost_nanos = 1 + rng.next(1000) as i64;
        rs.push(r);
    }
    store.record(&rs).unwrap();
    let mut all = Blocks::default();
    for p in store
        .block_points(i64::MIN, i64::MAX, blocks::PROVIDER)
        .unwrap()
    {
        all.add(p);
    }
    assert!(all.blocks.len() > 20);
    let last = rs.last().unwrap().ts_ms;
    for k in 0..60 {
        let start = T0 + (last - T0) * k / 60 + 1_234;
        let end = start + 30 * 3_600_000;
        let mut got = blocks::scan(&store, start, end, blocks::PROVIDER).unwrap();
        got.blocks.retain(|b| b.end_ms > start);
        let want: Vec<_> = all
            .blocks
            .iter()
            .filter(|b| b.end_ms > start && b.first_ms < end)
            .map(|b| {
                // a block cut by the end has only the requests before it
                let mut b = b.clone();
                if b.last_ms >= end {
                    let pts = store
                        .block_points(b.start_ms, end, blocks::PROVIDER)
                        .unwrap();
                    b.requests = pts.len() as i64;
                    b.last_ms = pts.last().unwrap().ts_ms;
                    b.tokens = pts.iter().map(|p| p.tokens).sum();
                    b.cost_nanos = pts.iter().map(|p| p.cost_nanos).sum();
                }
                b
            })
            .collect();
        assert_eq!(got.blocks, want, "from {start}");
        // the blocks from the hourly sums are those of the requests one by one, for windows
        // from a whole hour (those `scan` asks for) and from any time
        for from in [start - start.rem_euclid(3_600_000), start] {
            let mut one_by_one = Blocks::default();
            for p in store.block_points(from, end, blocks::PROVIDER).unwrap() {
                one_by_one.add(p);
            }
            let got = store.blocks_of(blocks::PROVIDER, from, end).unwrap();
            assert_eq!(got.blocks, one_by_one.blocks, "[{from}, {end})");
        }
    }
}

/// A synced copy is marked by the target from the rows it takes (`tokens sync` sends no marks):
/// the target's facts are the source's, also after a second sync of rows changed since.
#[test]
fn a_synced_store_marks_its_copies_as_the_source_did() {
    let book = PriceBook::load(None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut source = SqliteStore::open(&dir.path().join("source.db")).unwrap();
    let mut target = SqliteStore::open(&dir.path().join("target.db")).unwrap();
    let sync = |source: &SqliteStore, target: &mut SqliteStore, after: i64| -> i64 {
        let mut mark = after;
        loop {
            let rows = source.rows_since(mark, i64::MIN, 300).unwrap();
            let Some(last) = rows.last() else {
                return mark;
            };
            mark = last.0;
            let rows: Vec<_> = rows.into_iter().map(|(_, r)| r).collect();
            target.absorb(&rows).unwrap();
        }
    };
    fill(&mut source, &book);
    let mark = sync(&source, &mut target, 0);
    // a read added later to a session takes back the marks of the writes before it
    let mut more = requests(&book);
    more.truncate(300);
    for r in &mut more {
        r.tokens.cache_read += 1;
        r.request_id = r.request_id.take().map(|id| format!("{id}-again"));
        r.ts_ms += 60_000;
    }
    source.record(&more).unwrap();
    sync(&source, &mut target, mark);
    for (start, end, judge) in windows() {
        let (s, _) = both(&source, &book, start, end, judge);
        let (t, t_full) = both(&target, &book, start, end, judge);
        assert_eq!(t, t_full);
        assert_eq!(s, t);
    }
}
