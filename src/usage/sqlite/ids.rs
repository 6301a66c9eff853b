//! Where each request id's row is: from a request id's `rid` (see [`super::rid_slot`]) to the
//! row's `id`, kept as a small log-structured merge tree in three tables.
//!
//! Real request ids are random, and so are their hashes. In one b-tree, a batch of a million
//! ids touched every page of a ten-million-id index, at about 5 µs a row, a third of the time
//! of the whole batch. Here a large batch's ids are sorted and written once, as a new *run*,
//! and looked up through each run's Bloom filter:
//!
//! - `rid_recent`: ids of small writes (a single `record`, a short import), a plain b-tree.
//!   When it holds [`RECENT_MAX`] ids it becomes a run.
//! - `rid_blocks`: runs, each a sorted array of (rid, row) pairs cut into blocks of [`BLOCK`]
//!   pairs, keyed by (run, first rid in the block): a lookup reads one block.
//! - `rid_runs`: each run's size and Bloom filter (run 0 is `rid_recent`'s size).
//!
//! A run is merged with the one before it once it holds a quarter as many ids, so a store of
//! `n` ids has about log4(n / [`RUN_MIN`]) runs, and each id is rewritten that many times.
//! A rid is in one place only (the Writer looks before it adds), so lookups stop at the first.

use rusqlite::{Connection, OptionalExtension, params};
use rustc_hash::FxHashMap;

/// Pairs per block: 768 bytes, which SQLite keeps inside the b-tree page (no overflow pages).
const BLOCK: usize = 48;

/// A batch with at least this many new ids writes them as a run of their own.
const RUN_MIN: usize = if cfg!(test) { 40 } else { 65_536 };

/// `rid_recent` becomes a run when it holds this many ids.
const RECENT_MAX: i64 = if cfg!(test) { 100 } else { 262_144 };

/// A run is merged into the one before it once it is this many times smaller or less.
const MERGE_RATIO: i64 = 4;

/// After this many lookups one by one, a batch loads `rid_recent` and the runs' Bloom filters
/// and looks in memory instead.
const DIRECT_LOOKUPS: u32 = if cfg!(test) { 8 } else { 1024 };

/// Bloom filter bits per id: about 0.5% of lookups of a new id read a block for nothing.
const BLOOM_BITS: usize = 12;

/// The lookup and write side of the id index, for one write transaction. Ids added in the
/// transaction are kept in memory and written by [`Ids::finish`].
pub(crate) struct Ids<'t> {
    conn: &'t Connection,
    /// Runs by age, oldest first: (run, ids). `None` until the first lookup.
    runs: Option<Vec<(i64, i64)>>,
    /// This transaction's new ids, in the order they came.
    added: Vec<(i64, i64)>,
    /// The same, to look in: made by the first [`Ids::find`], not needed by a caller that
    /// knows which ids its batch has had (see [`Ids::find_stored`]).
    added_map: Option<FxHashMap<i64, i64>>,
    /// `rid_recent` and the Bloom filters, once a batch is large enough to want them.
    loaded: Option<Loaded>,
    lookups: u32,
}

struct Loaded {
    recent: FxHashMap<i64, i64>,
    /// (run, filter), one per run.
    blooms: Vec<(i64, Bloom)>,
}

impl<'t> Ids<'t> {
    pub(crate) fn new(conn: &'t Connection) -> Self {
        Ids {
            conn,
            runs: None,
            added: Vec::new(),
            added_map: None,
            loaded: None,
            lookups: 0,
        }
    }

    /// The runs' numbers, read once per transaction.
    fn run_numbers(&mut self) -> rusqlite::Result<Vec<i64>> {
        let runs = match self.runs.take() {
            Some(r) => r,
            None => read_runs(self.conn)?,
        };
        let numbers = runs.iter().map(|r| r.0).collect();
        self.runs = Some(runs);
        Ok(numbers)
    }

    /// The row that holds `rid`, if any.
    pub(crate) fn find(&mut self, rid: i64) -> rusqlite::Result<Option<i64>> {
        let added = self
            .added_map
            .get_or_insert_with(|| self.added.iter().copied().collect());
        if let Some(&row) = added.get(&rid) {
            return Ok(Some(row));
        }
        self.find_stored(rid)
    }

    /// Has [`Ids::find`] been used in this transaction? Until then, a caller may look up only
    /// the ids it knows are not among the transaction's own.
    pub(crate) fn found_any(&self) -> bool {
        self.added_map.is_some()
    }

    /// The row that holds `rid`, among the ids written before this transaction.
    pub(crate) fn find_stored(&mut self, rid: i64) -> rusqlite::Result<Option<i64>> {
        self.lookups += 1;
        if self.loaded.is_none() && self.lookups > DIRECT_LOOKUPS {
            self.load()?;
        }
        if let Some(l) = &self.loaded {
            if let Some(&row) = l.recent.get(&rid) {
                return Ok(Some(row));
            }
            for (run, bloom) in &l.blooms {
                if bloom.may_hold(rid)
                    && let Some(row) = find_in_run(self.conn, *run, rid)?
                {
                    return Ok(Some(row));
                }
            }
            return Ok(None);
        }
        let recent = self
            .conn
            .prepare_cached("SELECT row FROM rid_recent WHERE rid = ?1")?
            .query_row([rid], |r| r.get(0))
            .optional()?;
        if recent.is_some() {
            return Ok(recent);
        }
        for run in self.run_numbers()? {
            if let Some(row) = find_in_run(self.conn, run, rid)? {
                return Ok(Some(row));
            }
        }
        Ok(None)
    }

    fn load(&mut self) -> rusqlite::Result<()> {
        let mut recent = FxHashMap::default();
        let mut stmt = self.conn.prepare("SELECT rid, row FROM rid_recent")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            recent.insert(r.get(0)?, r.get(1)?);
        }
        let mut blooms = Vec::new();
        let mut stmt = self
            .conn
            .prepare("SELECT run, bloom FROM rid_runs WHERE run > 0 ORDER BY run")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            blooms.push((r.get(0)?, Bloom::from_bytes(r.get_ref(1)?.as_blob()?)));
        }
        self.loaded = Some(Loaded { recent, blooms });
        Ok(())
    }

    /// Records that `row` holds `rid` (which a lookup said is free).
    pub(crate) fn add(&mut self, rid: i64, row: i64) {
        self.added.push((rid, row));
        if let Some(m) = &mut self.added_map {
            m.insert(rid, row);
        }
    }

    /// Writes the transaction's new ids, and merges runs as needed.
    pub(crate) fn finish(mut self) -> rusqlite::Result<()> {
        if self.added.is_empty() {
            return Ok(());
        }
        let mut pairs = std::mem::take(&mut self.added);
        pairs.sort_unstable();
        let mut runs = match self.runs.take() {
            Some(r) => r,
            None => read_runs(self.conn)?,
        };
        if pairs.len() >= RUN_MIN {
            new_run(self.conn, &mut runs, &pairs)?;
        } else {
            let mut add = self
                .conn
                .prepare_cached("INSERT INTO rid_recent (rid, row) VALUES (?1, ?2)")?;
            for (rid, row) in &pairs {
                add.execute([rid, row])?;
            }
            let held: i64 = self.conn.query_row(
                "UPDATE rid_runs SET keys = keys + ?1 WHERE run = 0 RETURNING keys",
                [pairs.len() as i64],
                |r| r.get(0),
            )?;
            if held < RECENT_MAX {
                return Ok(());
            }
            let recent = read_pairs(
                self.conn,
                "SELECT rid, row FROM rid_recent ORDER BY rid",
                [],
            )?;
            self.conn.execute_batch(
                "DELETE FROM rid_recent; UPDATE rid_runs SET keys = 0 WHERE run = 0;",
            )?;
            new_run(self.conn, &mut runs, &recent)?;
        }
        // merge the newest run into the one before while it is not much smaller
        while let &[.., (older, older_n), (newer, newer_n)] = runs.as_slice() {
            if newer_n * MERGE_RATIO < older_n {
                break;
            }
            let a = read_run(self.conn, older)?;
            let b = read_run(self.conn, newer)?;
            let merged = merge(&a, &b);
            for run in [older, newer] {
                self.conn
                    .execute("DELETE FROM rid_blocks WHERE run = ?1", [run])?;
                self.conn
                    .execute("DELETE FROM rid_runs WHERE run = ?1", [run])?;
            }
            runs.truncate(runs.len() - 2);
            // the merged run is numbered after every other, so that age order holds
            let number = newer + 1;
            write_run(self.conn, number, &merged)?;
            runs.push((number, merged.len() as i64));
        }
        Ok(())
    }
}

/// Runs by age, oldest first: (run, ids).
fn read_runs(conn: &Connection) -> rusqlite::Result<Vec<(i64, i64)>> {
    conn.prepare_cached("SELECT run, keys FROM rid_runs WHERE run > 0 ORDER BY run")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

fn read_pairs(
    conn: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
) -> rusqlite::Result<Vec<(i64, i64)>> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(p)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push((r.get(0)?, r.get(1)?));
    }
    Ok(out)
}

/// Writes sorted pairs as a new run, numbered after the newest.
fn new_run(
    conn: &Connection,
    runs: &mut Vec<(i64, i64)>,
    pairs: &[(i64, i64)],
) -> rusqlite::Result<()> {
    let number = runs.last().map_or(1, |r| r.0 + 1);
    write_run(conn, number, pairs)?;
    runs.push((number, pairs.len() as i64));
    Ok(())
}

fn write_run(conn: &Connection, run: i64, pairs: &[(i64, i64)]) -> rusqlite::Result<()> {
    let mut add =
        conn.prepare_cached("INSERT INTO rid_blocks (run, first, keys) VALUES (?1, ?2, ?3)")?;
    let mut buf = Vec::with_capacity(BLOCK * 16);
    for block in pairs.chunks(BLOCK) {
        buf.clear();
        for (rid, row) in block {
            buf.extend_from_slice(&rid.to_le_bytes());
            buf.extend_from_slice(&row.to_le_bytes());
        }
        add.execute(params![run, block[0].0, buf])?;
    }
    let mut bloom = Bloom::new(pairs.len());
    for (rid, _) in pairs {
        bloom.insert(*rid);
    }
    conn.execute(
        "INSERT INTO rid_runs (run, keys, bloom) VALUES (?1, ?2, ?3)",
        params![run, pairs.len() as i64, bloom.to_bytes()],
    )?;
    Ok(())
}

/// Every pair of a run, sorted.
fn read_run(conn: &Connection, run: i64) -> rusqlite::Result<Vec<(i64, i64)>> {
    let mut stmt =
        conn.prepare_cached("SELECT keys FROM rid_blocks WHERE run = ?1 ORDER BY first")?;
    let mut rows = stmt.query([run])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.extend(pairs_of(r.get_ref(0)?.as_blob()?));
    }
    Ok(out)
}

fn pairs_of(blob: &[u8]) -> impl Iterator<Item = (i64, i64)> + '_ {
    blob.chunks_exact(16).map(|c| {
        let mut rid = [0u8; 8];
        let mut row = [0u8; 8];
        rid.copy_from_slice(&c[..8]);
        row.copy_from_slice(&c[8..]);
        (i64::from_le_bytes(rid), i64::from_le_bytes(row))
    })
}

/// Looks for `rid` in the one block of `run` that could hold it.
fn find_in_run(conn: &Connection, run: i64, rid: i64) -> rusqlite::Result<Option<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT keys FROM rid_blocks WHERE run = ?1 AND first <= ?2 ORDER BY first DESC LIMIT 1",
    )?;
    let mut rows = stmt.query([run, rid])?;
    let Some(r) = rows.next()? else {
        return Ok(None);
    };
    let blob = r.get_ref(0)?.as_blob()?;
    Ok(pairs_of(blob).find(|p| p.0 == rid).map(|p| p.1))
}

/// Two sorted runs with no rid in common, as one.
fn merge(a: &[(i64, i64)], b: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// A split-block Bloom filter (as Parquet's): each id sets one bit in each of the eight
/// 32-bit words of one 32-byte block, so a lookup reads one cache line. A rid is already a
/// uniform hash, so its own bits choose the block and the bits.
struct Bloom {
    blocks: Vec<[u32; 8]>,
}

const SALT: [u32; 8] = [
    0x47b6_137b,
    0x4497_4d91,
    0x8824_ad5b,
    0xa2b7_289d,
    0x7054_95c7,
    0x2df1_424b,
    0x9efc_4947,
    0x5c6b_fb31,
];

impl Bloom {
    fn new(ids: usize) -> Bloom {
        let n = (ids * BLOOM_BITS).div_ceil(256).max(1);
        Bloom {
            blocks: vec![[0; 8]; n],
        }
    }

    fn place(&self, rid: i64) -> (usize, [u32; 8]) {
        let h = rid as u64;
        let block = (((h >> 32) * self.blocks.len() as u64) >> 32) as usize;
        let key = h as u32;
        (block, SALT.map(|s| 1u32 << (key.wrapping_mul(s) >> 27)))
    }

    fn insert(&mut self, rid: i64) {
        let (b, bits) = self.place(rid);
        for (w, bit) in self.blocks[b].iter_mut().zip(bits) {
            *w |= bit;
        }
    }

    fn may_hold(&self, rid: i64) -> bool {
        let (b, bits) = self.place(rid);
        self.blocks[b].iter().zip(bits).all(|(w, bit)| w & bit != 0)
    }

    fn to_bytes(&self) -> Vec<u8> {
        self.blocks
            .iter()
            .flat_map(|b| b.iter().flat_map(|w| w.to_le_bytes()))
            .collect()
    }

    /// A filter from its bytes. Bytes of the wrong length (a damaged store) give a filter that
    /// holds everything: lookups then read the run itself, which is slower but still right.
    fn from_bytes(bytes: &[u8]) -> Bloom {
        if bytes.is_empty() || !bytes.len().is_multiple_of(32) {
            return Bloom {
                blocks: vec![[u32::MAX; 8]],
            };
        }
        let blocks = bytes
            .chunks_exact(32)
            .map(|c| {
                let mut b = [0u32; 8];
                for (w, c) in b.iter_mut().zip(c.chunks_exact(4)) {
                    *w = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                }
                b
            })
            .collect();
        Bloom { blocks }
    }
}

/// Fills the id index from the `rid`s of an existing store (schema version 3); [`Ids::finish`]
/// sorts them.
pub(crate) fn fill(conn: &Connection) -> rusqlite::Result<()> {
    let pairs = read_pairs(
        conn,
        "SELECT rid, id FROM requests WHERE rid IS NOT NULL",
        [],
    )?;
    let mut ids = Ids::new(conn);
    ids.added.extend(pairs);
    ids.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bloom_filter_holds_what_it_was_given_and_little_else() {
        let mut b = Bloom::new(10_000);
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as i64
        };
        let held: Vec<i64> = (0..10_000).map(|_| next()).collect();
        for &r in &held {
            b.insert(r);
        }
        let b = Bloom::from_bytes(&b.to_bytes());
        assert!(held.iter().all(|&r| b.may_hold(r)));
        let false_hits = (0..100_000).filter(|_| b.may_hold(next())).count();
        assert!(false_hits < 2_000, "{false_hits} false hits in 100,000");
    }
}
