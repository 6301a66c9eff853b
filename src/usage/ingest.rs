//! One pipeline for writing many requests, used by `record --jsonl` and by imports: one thread
//! reads, parses and prices them, works out their request ids' hashes and their sums for the
//! rollups ([`Feed`]), while the calling thread writes them ([`run`]). The reading side ends each
//! batch with [`Feed::commit`]: its rows, and whatever else the batch carries (an import's file
//! offsets), are written in one transaction.

use std::sync::mpsc;

use rusqlite::Transaction;
use rustc_hash::FxHashMap;

use super::{Batched, Change, Request, Rollups, Store, Writer, Written, rid_slot};

/// Rows travel from the reading thread to the writing one in chunks of this many.
const CHUNK: usize = 2048;

/// A request with what the reading thread worked out of its request id.
type Row = (Batched, Request);

enum Msg<M> {
    Rows(Vec<Row>),
    /// The end of a batch, with its rows' sums.
    Commit(M, Rollups),
    Failed(anyhow::Error),
}

/// The writing side has stopped (its error is what [`run`] returns).
#[derive(Debug)]
pub struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the writer stopped")
    }
}

impl std::error::Error for Stopped {}

/// The reading side of the pipeline: requests go in, in batches.
pub struct Feed<M> {
    send: mpsc::SyncSender<Msg<M>>,
    /// Written chunks come back to be freed (or reused) here: memory freed by the thread that
    /// allocated it stays out of the allocator's locks.
    back: mpsc::Receiver<Vec<Row>>,
    chunk: Vec<Row>,
    /// Each rid's first place in the batch.
    seen: FxHashMap<i64, usize>,
    sent: usize,
    rollups: Rollups,
}

impl<M> Feed<M> {
    /// Sends a request on (priced, and within the ceilings: the writer refuses it otherwise).
    pub fn push(&mut self, r: Request) -> Result<(), Stopped> {
        self.rollups.add(&r);
        let rid = r.request_id.as_deref().map(|id| rid_slot(&r.source, id));
        let first = rid.and_then(|rid| match self.seen.entry(rid) {
            std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(self.sent);
                None
            }
        });
        self.sent += 1;
        self.chunk.push((Batched { rid, first }, r));
        if self.chunk.len() == CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Stopped> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let next = match self.back.try_recv() {
            Ok(mut old) => {
                old.clear();
                old
            }
            Err(_) => Vec::with_capacity(CHUNK),
        };
        let full = std::mem::replace(&mut self.chunk, next);
        self.send.send(Msg::Rows(full)).map_err(|_| Stopped)
    }

    /// Ends a batch: its requests and `meta` are written in one transaction.
    pub fn commit(&mut self, meta: M) -> Result<(), Stopped> {
        self.flush()?;
        self.seen.clear();
        self.sent = 0;
        let rollups = std::mem::take(&mut self.rollups);
        self.send
            .send(Msg::Commit(meta, rollups))
            .map_err(|_| Stopped)
    }
}

/// What the writing side is told as it goes.
pub trait Sink<M> {
    /// A request was written.
    fn written(&mut self, r: &Request, written: Written);
    /// A batch is about to commit, having made `change` to the store's totals: write what else
    /// it carries in the same transaction.
    fn commit(&mut self, tx: &Transaction<'_>, meta: M, change: Change) -> anyhow::Result<()>;
}

/// Runs `produce` on a thread of its own, feeding requests in, while this thread writes them,
/// one transaction per batch. `keep_largest`: see [`Writer::new`].
///
/// When `produce` fails, or a write does, nothing of the batch under way is kept (batches
/// committed before it are), and that error is returned.
pub fn run<M: Send>(
    store: &mut Store,
    keep_largest: bool,
    produce: impl FnOnce(&mut Feed<M>) -> anyhow::Result<()> + Send,
    sink: &mut dyn Sink<M>,
) -> anyhow::Result<()> {
    std::thread::scope(|scope| {
        let (send, recv) = mpsc::sync_channel::<Msg<M>>(8);
        let (give_back, back) = mpsc::channel::<Vec<Row>>();
        let reader = scope.spawn(move || {
            let mut feed = Feed {
                send,
                back,
                chunk: Vec::with_capacity(CHUNK),
                seen: FxHashMap::default(),
                sent: 0,
                rollups: Rollups::default(),
            };
            match produce(&mut feed) {
                Ok(()) if feed.chunk.is_empty() && feed.sent == 0 => {}
                Ok(()) => {
                    let _ = feed.send.send(Msg::Failed(anyhow::anyhow!(
                        "requests were fed after the last commit"
                    )));
                }
                Err(e) if e.is::<Stopped>() => {}
                Err(e) => {
                    let _ = feed.send.send(Msg::Failed(e));
                }
            }
        });
        let written = write_batches(store, keep_largest, &recv, &give_back, sink);
        // a writer that failed lets the reader see it has gone
        drop(recv);
        let joined = reader.join();
        written?;
        joined.map_err(|_| anyhow::anyhow!("the thread reading the requests failed"))
    })
}

fn write_batches<M>(
    store: &mut Store,
    keep_largest: bool,
    recv: &mpsc::Receiver<Msg<M>>,
    give_back: &mpsc::Sender<Vec<Row>>,
    sink: &mut dyn Sink<M>,
) -> anyhow::Result<()> {
    // the transaction begins with the batch's first message
    while let Ok(mut msg) = recv.recv() {
        if let Msg::Failed(e) = msg {
            return Err(e);
        }
        let tx = store.begin()?;
        let mut w = Writer::new(&tx, keep_largest)?;
        loop {
            match msg {
                Msg::Rows(rows) => {
                    for (b, r) in &rows {
                        let written = w.write_batched(r, b)?;
                        sink.written(r, written);
                    }
                    let _ = give_back.send(rows);
                }
                Msg::Commit(meta, counted) => {
                    w.absorb(counted);
                    let change = w.finish()?;
                    sink.commit(&tx, meta, change)?;
                    tx.commit()?;
                    break;
                }
                Msg::Failed(e) => return Err(e),
            }
            msg = recv
                .recv()
                .map_err(|_| anyhow::anyhow!("the thread reading the requests stopped"))?;
        }
        store.trim_wal();
    }
    Ok(())
}

/// Writes one request in a transaction of its own (see [`Writer::write`]).
pub fn one(store: &mut Store, r: &Request) -> anyhow::Result<Written> {
    store.write(|tx| {
        let mut w = Writer::new(tx, false)?;
        let written = w.write(r)?;
        w.finish()?;
        Ok(written)
    })
}
