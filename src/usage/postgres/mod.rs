//! The PostgreSQL ledger, for a team (`--db postgres://...`). A placeholder until
//! `PostgresStore` lands: opening one is an error that says so.

use super::ledger::{Ledger, OpenMode, redact_url};

/// Opens the PostgreSQL ledger at `url`.
pub fn open(url: &str, _mode: OpenMode, _machine: &str) -> anyhow::Result<Box<dyn Ledger>> {
    Err(crate::error::usage(format!(
        "cannot open the usage store `{}`: this build has no PostgreSQL support yet",
        redact_url(url)
    ))
    .hint("give a SQLite file with `--db FILE`")
    .into())
}
