//! One pipeline for writing many requests, used by `record --jsonl` and by imports: one thread
//! reads, parses and prices them, works out their request ids' hashes and their sums for the
//! rollups ([`Feed`]), while the calling thread writes them through the ledger ([`run`], and
//! [`Ledger::write_batch`]). The reading side ends each batch with [`Feed::commit`]: its rows,
//! and the import progress the batch carries (an import's file offsets), are written in one
//! transaction.

use std::sync::mpsc;

use rustc_hash::FxHashMap;

use super::ledger::{BatchSource, FileProgress, Piece};
use super::{Batched, Change, Ledger, Request, Rollups, Written, rid_slot};

/// Rows travel from the reading thread to the writing one in chunks of this many.
const CHUNK: usize = 2048;

/// A request with what the reading thread worked out of its request id.
type Row = (Batched, Request);

enum Msg<M> {
    Rows(Vec<Row>),
    /// The end of a batch, with its rows' sums and its import progress.
    Commit(M, Rollups, Vec<FileProgress>),
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

    /// Ends a batch: its requests are written in one transaction (`meta` goes to the
    /// [`Sink`] once it has committed).
    pub fn commit(&mut self, meta: M) -> Result<(), Stopped> {
        self.commit_with(meta, Vec::new())
    }

    /// Ends a batch, with the import progress to commit in the same transaction.
    pub fn commit_with(&mut self, meta: M, progress: Vec<FileProgress>) -> Result<(), Stopped> {
        self.flush()?;
        self.seen.clear();
        self.sent = 0;
        let rollups = std::mem::take(&mut self.rollups);
        self.send
            .send(Msg::Commit(meta, rollups, progress))
            .map_err(|_| Stopped)
    }
}

/// What the writing side is told as it goes.
pub trait Sink<M> {
    /// A request was written.
    fn written(&mut self, r: &Request, written: Written);
    /// A batch has committed, having made `change` to the store's totals.
    fn commit(&mut self, meta: M, change: Change) -> anyhow::Result<()>;
}

/// Runs `produce` on a thread of its own, feeding requests in, while this thread writes them,
/// one transaction per batch. `keep_largest`: see [`Writer::new`].
///
/// When `produce` fails, or a write does, nothing of the batch under way is kept (batches
/// committed before it are), and that error is returned.
pub fn run<M: Send>(
    store: &mut dyn Ledger,
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

/// The writing side's view of the channel, as the ledger asks for it.
struct Channel<'a, M> {
    recv: &'a mpsc::Receiver<Msg<M>>,
    give_back: &'a mpsc::Sender<Vec<Row>>,
    sink: &'a mut dyn Sink<M>,
    /// The `meta` of the batch that just ended, for the sink once it has committed.
    ended: Option<M>,
    /// Is a batch under way?
    open: bool,
}

impl<M> BatchSource for Channel<'_, M> {
    fn next(&mut self) -> anyhow::Result<Option<Piece>> {
        let msg = match self.recv.recv() {
            Ok(msg) => msg,
            Err(_) if !self.open => return Ok(None),
            Err(_) => anyhow::bail!("the thread reading the requests stopped"),
        };
        match msg {
            Msg::Rows(rows) => {
                self.open = true;
                Ok(Some(Piece::Rows(rows)))
            }
            Msg::Commit(meta, rollups, progress) => {
                self.open = false;
                self.ended = Some(meta);
                Ok(Some(Piece::End { rollups, progress }))
            }
            Msg::Failed(e) => Err(e),
        }
    }

    fn written(&mut self, r: &Request, written: Written) {
        self.sink.written(r, written);
    }

    fn give_back(&mut self, rows: Vec<Row>) {
        let _ = self.give_back.send(rows);
    }
}

fn write_batches<M>(
    store: &mut dyn Ledger,
    keep_largest: bool,
    recv: &mpsc::Receiver<Msg<M>>,
    give_back: &mpsc::Sender<Vec<Row>>,
    sink: &mut dyn Sink<M>,
) -> anyhow::Result<()> {
    let mut channel = Channel {
        recv,
        give_back,
        sink,
        ended: None,
        open: false,
    };
    while let Some(change) = store.write_batch(keep_largest, &mut channel)? {
        if let Some(meta) = channel.ended.take() {
            channel.sink.commit(meta, change)?;
        }
    }
    Ok(())
}

/// Writes one request in a transaction of its own.
pub fn one(store: &mut dyn Ledger, r: &Request) -> anyhow::Result<Written> {
    let (written, _) = store.record(std::slice::from_ref(r))?;
    Ok(written.first().copied().unwrap_or(Written::Added))
}
