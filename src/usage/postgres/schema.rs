//! The PostgreSQL ledger's schema and its migrations, applied under an advisory lock so that
//! several processes starting at once on an empty database are safe.
//!
//! Money and tokens are the same exact integers as in SQLite (`bigint`, nano-dollars). Request
//! ids are unique per source, synced rows per (machine, origin row), by unique indexes: a repeat
//! is found by the database, not by a read before the write.

use postgres::types::Type;

/// The advisory lock key of aimcp's migrations (any fixed number: "aimcp" in ASCII).
const LOCK: i64 = 0x61_69_6d_63_70;

/// Version 1.
const V1: &str = r#"
    CREATE TABLE requests (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ts              bigint  NOT NULL,          -- milliseconds since the Unix epoch, UTC
        provider        text    NOT NULL,
        model           text    NOT NULL,
        username        text    NOT NULL,
        project         text    NOT NULL,
        org             text    NOT NULL,
        session         text,
        source          text    NOT NULL,          -- manual, jsonl, claude-code, codex ...
        request_id      text,
        machine         text    NOT NULL,          -- the machine that recorded it
        origin          bigint,                    -- its row there (synced rows only)
        input           bigint  NOT NULL,
        output          bigint  NOT NULL,
        cache_read      bigint  NOT NULL,
        cache_write_5m  bigint  NOT NULL,
        cache_write_1h  bigint  NOT NULL,
        reasoning       bigint  NOT NULL,
        cost_nanos      bigint  NOT NULL,          -- nano-dollars; 0 when unpriced
        cost_source     text    NOT NULL,          -- given | computed | unpriced
        price_version   text,
        latency_ms      bigint,
        success         boolean NOT NULL
    );
    -- (NULLs are distinct: rows without a request id, or recorded here, are never repeats)
    CREATE UNIQUE INDEX requests_request_id ON requests (source, request_id);
    CREATE UNIQUE INDEX requests_origin ON requests (machine, origin);
    CREATE INDEX requests_ts ON requests (ts);

    CREATE TABLE rollup (
        hour            bigint  NOT NULL,          -- ts / 3,600,000
        provider        text    NOT NULL,
        model           text    NOT NULL,
        username        text    NOT NULL,
        project         text    NOT NULL,
        org             text    NOT NULL,
        machine         text    NOT NULL,
        requests        bigint  NOT NULL,
        input           bigint  NOT NULL,
        output          bigint  NOT NULL,
        cache_read      bigint  NOT NULL,
        cache_write_5m  bigint  NOT NULL,
        cache_write_1h  bigint  NOT NULL,
        reasoning       bigint  NOT NULL,
        cost_nanos      bigint  NOT NULL,
        unpriced        bigint  NOT NULL,
        PRIMARY KEY (hour, provider, model, username, project, org, machine)
    );
    CREATE TABLE rollup_day (
        day             bigint  NOT NULL,          -- ts / 86,400,000 (UTC days)
        provider        text    NOT NULL,
        model           text    NOT NULL,
        username        text    NOT NULL,
        project         text    NOT NULL,
        org             text    NOT NULL,
        machine         text    NOT NULL,
        requests        bigint  NOT NULL,
        input           bigint  NOT NULL,
        output          bigint  NOT NULL,
        cache_read      bigint  NOT NULL,
        cache_write_5m  bigint  NOT NULL,
        cache_write_1h  bigint  NOT NULL,
        reasoning       bigint  NOT NULL,
        cost_nanos      bigint  NOT NULL,
        unpriced        bigint  NOT NULL,
        PRIMARY KEY (day, provider, model, username, project, org, machine)
    );
    -- the same sums per hour only, for summaries of everything
    CREATE TABLE rollup_hour (
        hour            bigint  PRIMARY KEY,
        requests        bigint  NOT NULL,
        input           bigint  NOT NULL,
        output          bigint  NOT NULL,
        cache_read      bigint  NOT NULL,
        cache_write_5m  bigint  NOT NULL,
        cache_write_1h  bigint  NOT NULL,
        reasoning       bigint  NOT NULL,
        cost_nanos      bigint  NOT NULL,
        unpriced        bigint  NOT NULL
    );

    CREATE TABLE budgets (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        period          text    NOT NULL,          -- daily | monthly | per-request
        limit_nanos     bigint  NOT NULL,
        scope           text    NOT NULL,          -- global | user:NAME | project:NAME | org:NAME
        warn_percent    bigint  NOT NULL,
        critical_percent bigint NOT NULL,
        exceeded_percent bigint NOT NULL,
        created_ms      bigint  NOT NULL
    );

    CREATE TABLE import_files (
        source          text    NOT NULL,
        path            text    NOT NULL,
        size            bigint  NOT NULL,
        mtime_ns        bigint  NOT NULL,
        "offset"        bigint  NOT NULL,          -- bytes read so far (whole lines)
        state           text,                      -- per-file parser state (JSON)
        PRIMARY KEY (source, path)
    );

    CREATE TABLE tool_names (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        server          text    NOT NULL,
        tool            text    NOT NULL,
        UNIQUE (server, tool)
    );
    CREATE TABLE tool_calls (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ts              bigint  NOT NULL,          -- milliseconds since the Unix epoch, UTC
        tool            bigint  NOT NULL REFERENCES tool_names (id),
        client          text,
        latency_us      bigint  NOT NULL,
        outcome         bigint  NOT NULL,          -- 0 ok, 1 tool error, 2 protocol error, 3 timeout
        bytes_in        bigint  NOT NULL,
        bytes_out       bigint  NOT NULL,
        result_tokens   bigint  NOT NULL
    );
    CREATE INDEX tool_calls_ts ON tool_calls (ts);

    -- the last local row sent to each target by `tokens sync` from this ledger
    CREATE TABLE sync_marks (
        target          text    PRIMARY KEY,
        last_row        bigint  NOT NULL
    );
    "#;

/// Version 2, for `tokens sync` (as the SQLite store's version 7):
///
/// - `seq`, a row's change number, from the sequence `requests_change` on every insert and
///   every rewrite of a row, so that a sync from this ledger sends the rows changed since its
///   mark. Writers take [`super::WRITE_LOCK`] for their transaction, so change numbers are
///   committed in order and a reader past a mark never skips a row committed later.
/// - `aimcp_meta` holds `store_id`, this ledger's random id. A synced row keeps the store and
///   row it came from (`origin_store`, `origin`), unique together: its key when it has no
///   request id (the machine id was, shared by cloned machines).
const V2: &str = r#"
    ALTER TABLE requests ADD COLUMN origin_store text;
    ALTER TABLE requests ADD COLUMN seq bigint;
    UPDATE requests SET seq = id;
    UPDATE requests SET origin_store = machine WHERE origin IS NOT NULL;
    CREATE SEQUENCE requests_change;
    SELECT setval('requests_change', (SELECT coalesce(max(id), 0) + 1 FROM requests), false);
    ALTER TABLE requests ALTER COLUMN seq SET DEFAULT nextval('requests_change'),
        ALTER COLUMN seq SET NOT NULL;
    DROP INDEX requests_origin;
    CREATE UNIQUE INDEX requests_origin ON requests (origin_store, origin);
    CREATE INDEX requests_seq ON requests (seq);
    CREATE TABLE aimcp_meta (
        key             text    PRIMARY KEY,
        value           text    NOT NULL
    );
    INSERT INTO aimcp_meta VALUES ('store_id', md5(random()::text || clock_timestamp()::text));
    "#;

/// Version 3: the index that finds a session's requests (`tokens statusline`'s session cost,
/// the report's cache writes never read), as the SQLite store's version 8.
const V3: &str = r#"
    CREATE INDEX requests_session ON requests (session, ts) WHERE session IS NOT NULL;
    "#;

/// Version 4, for writes in bulk (`tokens sync`): fewer index entries per row, and keys that
/// compare on their most varied column first.
///
/// - The change number `seq` is the primary key (it is unique: from one sequence, and V2 gave
///   the rows before it their `id`); the index on `id` goes. `id` stays the row's lasting name
///   (a row recorded here is known by it in other ledgers) but nothing looks a row up by it.
/// - A request id is unique per source as before, indexed (request_id, source): the request
///   id decides almost every comparison (the source is mostly the same on every row).
/// - The store and row a synced copy came from is its key only when it has no request id (a
///   row with one is found by that), so only those rows are in its index, (origin,
///   origin_store): the row number first.
///
/// Each insert names the one unique index that finds its repeats (`ON CONFLICT (...) WHERE`),
/// so a row is checked against one index before it is written instead of three.
const V4: &str = r#"
    ALTER TABLE requests DROP CONSTRAINT requests_pkey;
    DROP INDEX requests_seq;
    ALTER TABLE requests ADD CONSTRAINT requests_pkey PRIMARY KEY (seq);
    DROP INDEX requests_request_id;
    CREATE UNIQUE INDEX requests_request_id ON requests (request_id, source)
        WHERE request_id IS NOT NULL;
    DROP INDEX requests_origin;
    CREATE UNIQUE INDEX requests_origin ON requests (origin, origin_store)
        WHERE request_id IS NULL;
    "#;

/// Every version's statements, in order: the database is at version `n` once the first `n`
/// have run.
const MIGRATIONS: &[&str] = &[V1, V2, V3, V4];

/// The schema's version: `aimcp_schema`'s one row, 0 without it. One round trip (the check
/// that every command makes).
fn version(client: &mut postgres::Client) -> Result<i32, postgres::Error> {
    match client.query_typed_opt("SELECT version FROM aimcp_schema", &[]) {
        Ok(row) => Ok(row.map_or(0, |r| r.get(0))),
        Err(e) if e.code() == Some(&postgres::error::SqlState::UNDEFINED_TABLE) => Ok(0),
        Err(e) => Err(e),
    }
}

/// What [`migrate`] found.
pub enum Migrated {
    /// The schema is this build's.
    Current,
    /// A newer aimcp made it: this build may not write it.
    Newer(i32),
}

/// Brings the schema to this build's version. Cheap when it is there already (one query);
/// else under `pg_advisory_lock`, each version in a transaction of its own, so that processes
/// starting at once wait for the first one's migration and then find it done.
pub fn migrate(client: &mut postgres::Client) -> Result<Migrated, postgres::Error> {
    let target = MIGRATIONS.len() as i32;
    let v = version(client)?;
    if v == target {
        return Ok(Migrated::Current);
    }
    if v > target {
        return Ok(Migrated::Newer(v));
    }
    client.execute_typed("SELECT pg_advisory_lock($1)", &[(&LOCK, Type::INT8)])?;
    let result = (|| {
        let mut v = version(client)?;
        while v < target {
            let mut tx = client.transaction()?;
            if v == 0 {
                tx.batch_execute(
                    "CREATE TABLE IF NOT EXISTS aimcp_schema (version integer NOT NULL)",
                )?;
            }
            tx.batch_execute(MIGRATIONS[v as usize])?;
            tx.execute("DELETE FROM aimcp_schema", &[])?;
            tx.execute("INSERT INTO aimcp_schema VALUES ($1)", &[&(v + 1)])?;
            tx.commit()?;
            v += 1;
        }
        Ok(if v > target {
            Migrated::Newer(v)
        } else {
            Migrated::Current
        })
    })();
    let unlocked = client.execute_typed("SELECT pg_advisory_unlock($1)", &[(&LOCK, Type::INT8)]);
    let migrated = result?;
    unlocked?;
    Ok(migrated)
}

/// The schema version this build writes.
pub fn current() -> i32 {
    MIGRATIONS.len() as i32
}
