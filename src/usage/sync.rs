//! `tokens sync`: this machine's requests into a shared ledger, in batches.
//!
//! Each batch is read from the local ledger in change order (a row rewritten since it was sent
//! comes again, see [`Ledger::rows_since`]), absorbed by the target in one transaction (rows it
//! holds already add nothing, see [`Ledger::absorb`]), and only then is the local mark of that
//! target moved past it. Killed between the two, the next run sends the batch again and the
//! target adds nothing for it: nothing is lost or doubled. Marks are kept per target store id:
//! a target made again (a new id) is sent everything.

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
pub fn send(
    local: &mut dyn Ledger,
    target: &mut dyn Ledger,
    since: i64,
    batch: usize,
    progress: &mut dyn FnMut(u64),
) -> anyhow::Result<Sent> {
    let target_key = target.store_id()?;
    let target_key = target_key.as_str();
    let mut sent = Sent {
        mark: local.sync_mark(target_key)?,
        ..Sent::default()
    };
    loop {
        let rows = local.rows_since(sent.mark, since, batch.max(1))?;
        let Some(&(last, _)) = rows.last() else {
            break;
        };
        let rows: Vec<_> = rows.into_iter().map(|(_, r)| r).collect();
        let done = target.absorb(&rows)?;
        local.set_sync_mark(target_key, last)?;
        sent.mark = last;
        sent.added += done.added;
        sent.updated += done.updated;
        sent.existing += done.existing;
        progress(sent.added + sent.updated + sent.existing);
    }
    Ok(sent)
}
