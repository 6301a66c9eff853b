//! The SQLite usage ledger: schema and migrations, record, import, queries.
