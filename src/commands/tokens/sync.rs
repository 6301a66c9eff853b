//! `aimcp tokens sync --to URL [--since DATE]`: this machine's requests into a shared ledger.

use serde::{Deserialize, Serialize};

use crate::error::usage;
use crate::printer::Printer;
use crate::settings::Globals;
use crate::usage::{self, Db, DbLocation, OpenMode};

use super::{open_store, plural};
use crate::window::{Bound, zone};

#[derive(Debug, Clone)]
pub struct Settings {
    pub to: DbLocation,
    pub since: Option<Bound>,
}

/// What `tokens sync --json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncJson {
    /// The target: a path, or the URL without its password.
    pub target: String,
    /// Rows new to the target.
    pub sent: u64,
    /// Rows it held in an older form (changed here since they were sent), replaced.
    pub updated: u64,
    /// Rows sent that it held already as they are.
    pub already_there: u64,
    /// This machine's id, on every row it recorded.
    pub machine: String,
}

pub fn run(globals: &Globals, s: Settings, printer: &Printer) -> anyhow::Result<()> {
    let since = match s.since {
        Some(b) => b.start_ms(&zone(None)?)?,
        None => i64::MIN,
    };
    let db = globals.ledger()?;
    let shown = s.to.describe();
    if let (DbLocation::Sqlite(a), DbLocation::Sqlite(b)) = (&db.location, &s.to)
        && (a == b
            || matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)),
                (Ok(x), Ok(y)) if x == y))
    {
        return Err(
            usage(format!("`--to {shown}` is this machine's own ledger"))
                .hint("give the shared ledger: another SQLite file or a `postgres://` URL")
                .into(),
        );
    }
    let mut local = open_store(globals)?;
    // the target stamps nothing of this machine on rows of its own
    let mut target = usage::open(
        &Db {
            location: s.to.clone(),
            machine: Some(String::new()),
            data_dir: None,
        },
        OpenMode::Write,
    )?;
    if target.store_id()? == local.store_id()? {
        // the same ledger under another name (another spelling of the server), or a copy
        return Err(usage(format!(
            "`--to {shown}` is this machine's own ledger `{}`, or a copy of it (the same store id)",
            local.describe()
        ))
        .hint("give the shared ledger: another SQLite file or a `postgres://` URL")
        .into());
    }
    let total = local.count()?.max(0) as u64;
    let bar = printer.progress_bar(total, false);
    bar.set_message("syncing");
    let sent = usage::sync::send(
        &mut *local,
        &mut *target,
        since,
        usage::sync::BATCH,
        &mut |n| bar.set_position(n),
    );
    bar.finish_and_clear();
    let sent = sent?;
    if printer.is_json() {
        printer.json(&SyncJson {
            target: shown,
            sent: sent.added,
            updated: sent.updated,
            already_there: sent.existing,
            machine: local.machine().to_string(),
        })?;
    } else {
        printer.info(format!(
            "sent {} ({} updated, {} already there) to {shown}",
            plural(sent.added as i64, "row"),
            super::thousands(sent.updated as i64),
            super::thousands(sent.existing as i64),
        ));
    }
    Ok(())
}
