//! `tokens sync`: this machine's requests into a shared ledger, in batches.
//!
//! Each batch is read from the local ledger in change order (a row rewritten since it was sent
//! comes again, see [`Ledger::rows_since`]), absorbed by the target in one transaction (rows it
//! holds already add nothing, see [`Ledger::absorb`]), and only then is the local mark of that
//! target moved past it. Killed between the two, the next run sends the batch again and the
//! target adds nothing for it: nothing is lost or doubled. Marks are kept per target store id:
//! a target made again (a new id) is sent everything.

use std::sync::mpsc;

use super::Ledger;

/// Rows a batch carries: one transaction on the target, one read of the local ledger.
pub const BATCH: usize = 10_000;

/// What a sync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sent {
    /// Rows new to the target.
    pub added: u64,
    /// Rows it held in an older form, replaced.
    pub updated: u64,
    /// Rows it held already as they are.
    pub existing: u64,
    /// The local change number the target has now been sent up to.
    pub mark: i64,
}

/// Sends the rows of `local` past its mark for `target` (and at or after `since`, ms) to
/// `target`, `batch` rows at a time; `progress` hears the rows sent so far after each batch.
/// The caller has checked that the two are not the same store.
///
/// The local ledger is read on a thread of its own, a batch ahead: while the target writes one
/// batch, the next is read. That thread also moves the local mark, once the target has
/// committed a batch (it owns the local ledger; the mark may lag a batch behind the target,
/// which a re-run then sends again and the target adds nothing for).
pub fn send(
    local: &mut dyn Ledger,
    target: &mut dyn Ledger,
    since: i64,
    batch: usize,
    progress: &mut dyn FnMut(u64),
) -> anyhow::Result<Sent> {
    let target_key = target.store_id()?;
    let target_key = target_key.as_str();
    let start = local.sync_mark(target_key)?;
    let mut sent = Sent {
        mark: start,
        ..Sent::default()
    };
    std::thread::scope(|scope| {
        let (rows_tx, rows_rx) = mpsc::sync_channel::<anyhow::Result<Batch>>(1);
        let (mark_tx, mark_rx) = mpsc::channel::<i64>();
        let reader = scope
            .spawn(move || read_ahead(local, target_key, start, since, batch, rows_tx, mark_rx));
        let written = (|| -> anyhow::Result<()> {
            for rows in rows_rx.iter() {
                let rows = rows?;
                let Some(&(last, _)) = rows.last() else {
                    break;
                };
                let rows: Vec<_> = rows.into_iter().map(|(_, r)| r).collect();
                let done = target.absorb(&rows)?;
                sent.mark = last;
                sent.added += done.added;
                sent.updated += done.updated;
                sent.existing += done.existing;
                // the reader stops at the first failed send: its error is the one to tell
                let _ = mark_tx.send(last);
                progress(sent.added + sent.updated + sent.existing);
            }
            Ok(())
        })();
        // the reader ends: no more batches are taken, and the marks sent are all it gets
        drop(rows_rx);
        drop(mark_tx);
        let read = reader.join().unwrap_or_else(|_| {
            Err(anyhow::anyhow!(
                "the thread reading the local ledger failed"
            ))
        });
        written.and(read)
    })?;
    Ok(sent)
}

/// A batch of rows with their change numbers.
type Batch = Vec<(i64, super::ledger::SyncRow)>;

/// The local side of [`send`]: reads batch after batch into `rows` (until one is empty, the
/// other side stops taking them, or a read fails), and moves the local mark of `target` to the
/// last change number that `marks` brings, between reads and once more at the end.
fn read_ahead(
    local: &mut dyn Ledger,
    target: &str,
    mut after: i64,
    since: i64,
    batch: usize,
    rows: mpsc::SyncSender<anyhow::Result<Batch>>,
    marks: mpsc::Receiver<i64>,
) -> anyhow::Result<()> {
    loop {
        if let Some(m) = marks.try_iter().last() {
            local.set_sync_mark(target, m)?;
        }
        let read = local.rows_since(after, since, batch.max(1));
        let end = match &read {
            Ok(b) => match b.last() {
                Some(&(last, _)) => {
                    after = last;
                    false
                }
                None => true,
            },
            Err(_) => true,
        };
        if rows.send(read).is_err() || end {
            break;
        }
    }
    drop(rows);
    // the marks of the batches still being written, until the writer is done
    if let Some(m) = marks.iter().last() {
        local.set_sync_mark(target, m)?;
    }
    Ok(())
}
