//! The ledger behind one interface: every command, the gateway and `tokens sync` speak to a
//! [`Ledger`] in the ledger's own types (requests, rollups, budgets, tool calls, import
//! progress), never in a database's. [`super::sqlite::SqliteStore`] (one file per machine, the
//! default) and `super::postgres` (a shared server) sit behind it; [`open`] picks one from
//! `--db` / `AIMCP_DB`.

use std::path::PathBuf;

use jiff::tz::TimeZone;

use super::budget::{Budget, NewBudget};
use super::calls::{StatsBy, StatsReport, ToolCall};
use super::{Batched, Change, Dim, Key, Request, Rollups, Scope, Totals, Written};

/// Where the ledger is: `--db` / `AIMCP_DB`, parsed once (see `settings.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbLocation {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A `postgres://` or `postgresql://` URL (it may hold a password: show it with
    /// [`redact_url`] only).
    Postgres(String),
}

impl DbLocation {
    /// A `postgres://` / `postgresql://` URL is PostgreSQL; anything else is a path (relative
    /// to `cwd`).
    pub fn parse(text: &std::ffi::OsStr, cwd: &std::path::Path) -> DbLocation {
        if let Some(s) = text.to_str() {
            let lower = s.get(..13).unwrap_or(s).to_ascii_lowercase();
            if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
                return DbLocation::Postgres(s.to_string());
            }
        }
        DbLocation::Sqlite(cwd.join(text))
    }

    /// A SQLite "path" that is a URL of another kind (`mysql://…`, a mistyped `postgre://…`) is
    /// refused (exit 2) instead of becoming a file in a folder named after the scheme.
    pub fn refuse_other_urls(&self, flag: &str) -> anyhow::Result<()> {
        let DbLocation::Sqlite(path) = self else {
            return Ok(());
        };
        let text = path.to_string_lossy();
        let Some(at) = text.find("://") else {
            return Ok(());
        };
        let scheme = text[..at].rsplit('/').next().unwrap_or("");
        Err(crate::error::usage(format!(
            "`{flag}` does not take `{scheme}://` URLs"
        ))
        .hint("give a SQLite file (a path, or `sqlite://PATH` for `tokens sync --to`) or a `postgres://` URL")
        .into())
    }

    /// As `--db` takes it again: the path, or the whole URL (with its password: never shown,
    /// never on a command line).
    pub fn as_arg(&self) -> String {
        match self {
            DbLocation::Sqlite(p) => p.display().to_string(),
            DbLocation::Postgres(url) => url.clone(),
        }
    }

    /// A path, or the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            DbLocation::Sqlite(p) => p.display().to_string(),
            DbLocation::Postgres(url) => redact_url(url),
        }
    }
}

/// A URL with the password of its user part (`user:secret@`) replaced by `***`, and a
/// `password=` query parameter likewise.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        // The driver takes a password with an unescaped `/`, `?` or `#` in it: the user part
        // ends at the last `@` of the URL, not at the first `/` (one in a query parameter makes
        // this hide more than the password, never less).
        if let Some(at) = out[rest_start..].rfind('@') {
            let userinfo = &out[rest_start..rest_start + at];
            if let Some(colon) = userinfo.find(':') {
                let from = rest_start + colon + 1;
                out.replace_range(from..rest_start + at, "***");
            }
        }
    }
    if let Some(q) = out.find('?') {
        let (head, query) = out.split_at(q + 1);
        let query: Vec<String> = query
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => kv.to_string(),
            })
            .collect();
        out = format!("{head}{}", query.join("&"));
    }
    out
}

/// What a command means to do with the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create it (and its folder) on first use, and migrate it.
    Write,
    /// Create nothing: a missing SQLite file reads as an empty ledger. (A store of an older
    /// schema is still migrated: its tables cannot be read as they were.)
    Read,
}

/// How to open the ledger: where, and how to know this machine's id, stamped on every row
/// written here (`AIMCP_MACHINE`, else the id kept in `<data dir>/aimcp/machine-id`, made on
/// first use: see [`super::machine`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Db {
    pub location: DbLocation,
    /// `AIMCP_MACHINE`, when set.
    pub machine: Option<String>,
    /// The data folder that keeps the machine id.
    pub data_dir: Option<PathBuf>,
}

impl Db {
    /// A ledger at `location` with a machine id given (for tests and tools).
    pub fn with_machine(location: DbLocation, machine: &str) -> Db {
        Db {
            location,
            machine: Some(machine.to_string()),
            data_dir: None,
        }
    }

    /// This machine's id (made and kept on first use). `Some("")` is no id: a sync target
    /// opened from here stamps nothing of this machine on its own rows.
    pub fn machine_id(&self) -> String {
        if self.machine.as_deref() == Some("") {
            return String::new();
        }
        super::machine::id(self.machine.as_deref(), self.data_dir.as_deref())
    }

    /// This machine's id if it is known without making it (empty when not): what a command
    /// that only reads uses, so that it creates no machine-id file.
    pub fn kept_machine_id(&self) -> String {
        if self.machine.as_deref() == Some("") {
            return String::new();
        }
        super::machine::kept(self.machine.as_deref(), self.data_dir.as_deref()).unwrap_or_default()
    }
}

/// Opens the ledger at `db.location`. A reader ([`OpenMode::Read`]) never makes the machine
/// id (it stamps no row), unless migrating an older SQLite store must stamp its rows with it.
pub fn open(db: &Db, mode: OpenMode) -> anyhow::Result<Box<dyn Ledger>> {
    let machine = match mode {
        OpenMode::Write => db.machine_id(),
        OpenMode::Read => db.kept_machine_id(),
    };
    match &db.location {
        DbLocation::Sqlite(path) => Ok(Box::new(super::sqlite::SqliteStore::open_lazy(
            path,
            mode,
            &machine,
            &|| db.machine_id(),
        )?)),
        DbLocation::Postgres(url) => super::postgres::open(url, mode, &machine),
    }
}

/// How far an import has read one log file: committed in the same transaction as the rows
/// read from it, so a killed import carries on where its last commit stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProgress {
    /// The importer (`claude-code`, `codex`).
    pub source: String,
    pub path: String,
    pub size: u64,
    pub mtime_ns: i64,
    /// Bytes read so far (whole lines).
    pub offset: u64,
    /// The parser's state for the file (JSON), when it keeps one.
    pub state: Option<String>,
}

/// One piece of a batch of requests on its way to [`Ledger::write_batch`].
pub enum Piece {
    /// Requests, in order, each with what the reading side worked out of its request id.
    Rows(Vec<(Batched, Request)>),
    /// The end of the batch: the sums of all its requests (as [`Rollups::add`] made them) and
    /// the import progress to commit with them.
    End {
        rollups: Rollups,
        progress: Vec<FileProgress>,
    },
}

/// Where [`Ledger::write_batch`] gets a batch from (the ingest pipeline's reading thread).
pub trait BatchSource {
    /// The next piece. `Ok(None)` only before a batch's first piece: no more batches. An error
    /// (the reading side failed) leaves nothing of the batch under way.
    fn next(&mut self) -> anyhow::Result<Option<Piece>>;
    /// What writing a request did.
    fn written(&mut self, r: &Request, written: Written);
    /// A chunk of [`Piece::Rows`] whose rows are written, given back for reuse.
    fn give_back(&mut self, rows: Vec<(Batched, Request)>);
}

/// A request as `tokens sync` sends it: where it came from and its row there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRow {
    /// The machine that recorded it.
    pub machine: String,
    /// The store it was recorded in (its [`Ledger::store_id`]) and its row id there: a request
    /// without a request id is known by these two wherever it is sent (a store made again, or
    /// a cloned machine with the same machine id, has another store id).
    pub store: String,
    pub origin: i64,
    pub request: Request,
}

/// What [`Ledger::absorb`] did with a batch of synced rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Absorbed {
    /// Rows new to the ledger.
    pub added: u64,
    /// Rows it held in an older form (the same row of the same store, changed there since it
    /// was sent, or a larger row of the same request id): replaced.
    pub updated: u64,
    /// Rows it held already as they are: nothing was changed for them.
    pub existing: u64,
}

/// The usage ledger. Every write is one transaction: all of it or nothing. Request ids are
/// unique per source (a repeat replaces the row, or for imports and syncs keeps the larger),
/// and the rollups stay exact under concurrent writers.
///
/// Times are milliseconds since the Unix epoch, UTC; windows are `[start, end)`; money is in
/// nano-dollars.
pub trait Ledger: Send {
    /// Where it is, for messages: a path, or a URL without its password.
    fn describe(&self) -> String;

    /// The machine id this ledger stamps on the rows written through it.
    fn machine(&self) -> &str;

    // ---- writing requests ----------------------------------------------------------------

    /// Writes requests in one transaction (each checked against the ceilings, see
    /// [`Request::check`]); says for each whether it was new.
    fn record(&mut self, requests: &[Request]) -> anyhow::Result<(Vec<Written>, Change)>;

    /// Writes the next batch of `source` in one transaction, with the import progress of its
    /// end. `keep_largest`: a repeated request id keeps whichever row has more tokens (imports
    /// of streamed logs); otherwise the new row replaces the old one. Returns `None` when the
    /// source had no more batches, else what the batch changed in the ledger's totals.
    fn write_batch(
        &mut self,
        keep_largest: bool,
        source: &mut dyn BatchSource,
    ) -> anyhow::Result<Option<Change>>;

    /// Every log file an importer (`source`) has read, and how far.
    fn import_progress(&self, source: &str) -> anyhow::Result<Vec<FileProgress>>;

    // ---- reading requests ----------------------------------------------------------------

    /// Sums of the requests in `[start, end)` grouped by `dim`, for a scope, sorted by key.
    /// `hour_buckets`: time buckets may be whole hours (false for zones whose offset is not a
    /// whole number of hours: then buckets are minutes).
    fn aggregate(
        &self,
        start: i64,
        end: i64,
        dim: Dim,
        scope: &Scope,
        hour_buckets: bool,
    ) -> anyhow::Result<Vec<(Key, Totals)>>;

    /// Sums of the requests in `[start, end)` for a scope.
    fn total(&self, start: i64, end: i64, scope: &Scope) -> anyhow::Result<Totals> {
        let dim = if *scope == Scope::Global {
            Dim::Time
        } else {
            Dim::Provider
        };
        let mut t = Totals::default();
        for (_, g) in self.aggregate(start, end, dim, scope, true)? {
            t.add(&g);
        }
        Ok(t)
    }

    /// Sums of every request, by provider and model, sorted.
    fn totals_by_model(&self) -> anyhow::Result<Vec<(String, String, Totals)>>;

    /// The costliest single request in `[start, end)` for a scope (0 when none).
    fn max_request_cost(&self, start: i64, end: i64, scope: &Scope) -> anyhow::Result<i64>;

    /// Calls `f` for every request in `[start, end)`, oldest first, one at a time.
    fn each_request(
        &self,
        start: i64,
        end: i64,
        f: &mut dyn FnMut(&Request) -> anyhow::Result<()>,
    ) -> anyhow::Result<()>;

    /// How many requests it holds.
    fn count(&self) -> anyhow::Result<i64>;

    // ---- the report (`tokens report`, `tokens blocks`, `tokens statusline`) ----------------
    // The defaults read every request of the window (correct for any store); the SQLite store
    // answers from its rollups and narrow range scans.

    /// The sums in `[start, end)` by day in `tz`, provider, model, user and project.
    /// `hour_buckets`: as for [`Ledger::aggregate`].
    fn report_cells(
        &self,
        start: i64,
        end: i64,
        tz: &TimeZone,
        hour_buckets: bool,
    ) -> anyhow::Result<Vec<super::report::Cell>> {
        let _ = hour_buckets;
        super::report::cells_from_requests(self, start, end, tz)
    }

    /// Calls `f` for each request in `[start, end)`, oldest first, with what the report's
    /// pass needs.
    fn report_pass(
        &self,
        start: i64,
        end: i64,
        f: &mut dyn FnMut(&super::report::PassRow<'_>),
    ) -> anyhow::Result<()> {
        super::report::pass_from_requests(self, start, end, f)
    }

    /// What the report learns of the requests in `[start, end)` beyond their sums (see
    /// [`super::report::Pass`]); a cache write still alive at `judge_end` is not judged.
    fn report_facts(
        &self,
        start: i64,
        end: i64,
        judge_end: i64,
        book: &crate::pricing::PriceBook,
    ) -> anyhow::Result<super::report::Facts> {
        let mut pass = super::report::Pass::new(book, judge_end);
        self.report_pass(start, end, &mut |r| pass.add(r))?;
        Ok(pass.finish())
    }

    /// The requests of `provider` in `[start, end)`, oldest first: time, tokens, cost.
    fn block_points(
        &self,
        start: i64,
        end: i64,
        provider: &str,
    ) -> anyhow::Result<Vec<super::report::blocks::Point>> {
        let mut out = Vec::new();
        self.each_request(start, end, &mut |r| {
            if r.provider == provider {
                out.push(super::report::blocks::Point {
                    ts_ms: r.ts_ms,
                    tokens: r.tokens.prompt().saturating_add(r.tokens.output) as i64,
                    cost_nanos: r.cost_nanos,
                });
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// The 5-hour blocks of `provider`'s requests in `[start, end)`, following the chain from
    /// the first of them (see [`super::report::blocks`]).
    fn blocks_of(
        &self,
        provider: &str,
        start: i64,
        end: i64,
    ) -> anyhow::Result<super::report::blocks::Blocks> {
        let mut b = super::report::blocks::Blocks::default();
        for p in self.block_points(start, end, provider)? {
            b.add(p);
        }
        Ok(b)
    }

    /// The UTC hours (`ts / 3,600,000`, floored) in `[start_hour, end_hour)` in which
    /// `provider` has requests, in order.
    fn request_hours(
        &self,
        provider: &str,
        start_hour: i64,
        end_hour: i64,
    ) -> anyhow::Result<Vec<i64>> {
        let hour = super::HOUR_MS;
        let points = self.block_points(
            start_hour.saturating_mul(hour),
            end_hour.saturating_mul(hour),
            provider,
        )?;
        let mut out: Vec<i64> = points.iter().map(|p| p.ts_ms.div_euclid(hour)).collect();
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// The requests and cost of one session in `[start, end)`.
    fn session_cost(&self, start: i64, end: i64, session: &str) -> anyhow::Result<(i64, i64)> {
        let (mut n, mut cost) = (0i64, 0i64);
        self.each_request(start, end, &mut |r| {
            if r.session.as_deref() == Some(session) {
                n += 1;
                cost = cost.saturating_add(r.cost_nanos);
            }
            Ok(())
        })?;
        Ok((n, cost))
    }

    // ---- budgets -------------------------------------------------------------------------

    /// Adds a budget; returns its id.
    fn add_budget(&mut self, b: &NewBudget) -> anyhow::Result<i64>;
    /// Removes a budget; false when there was none with that id.
    fn remove_budget(&mut self, id: i64) -> anyhow::Result<bool>;
    /// Every budget, by id.
    fn budgets(&self) -> anyhow::Result<Vec<Budget>>;
    /// Is there at least one budget? (A cheap check before evaluating them.)
    fn has_budgets(&self) -> anyhow::Result<bool>;

    // ---- the call ledger of `mcp serve` --------------------------------------------------

    /// Writes tool calls in one transaction.
    fn record_calls(&mut self, calls: &[ToolCall]) -> anyhow::Result<()>;
    /// Stats of the calls in `[start, end)`, grouped; days are those of `tz` (see
    /// [`super::calls::StatsBuilder`]).
    fn call_stats(
        &self,
        start: i64,
        end: i64,
        by: StatsBy,
        tz: &TimeZone,
    ) -> anyhow::Result<StatsReport>;
    /// Every call recorded in `[start, end)`, oldest first, as recorded (to the millisecond).
    fn recorded_calls(&self, start: i64, end: i64) -> anyhow::Result<Vec<ToolCall>>;
    /// How many tool calls it holds.
    fn count_calls(&self) -> anyhow::Result<i64>;

    // ---- sync ----------------------------------------------------------------------------

    /// This store's id: random, made with its schema, kept in it (a store made again gets
    /// another). Rows recorded here are known by it and their row id wherever they are synced.
    fn store_id(&self) -> anyhow::Result<String>;

    /// Up to `limit` requests of this ledger whose change number is past `after`, in change
    /// order, with their change number; only those at or after `since` (ms). Every write of a
    /// row (its insert, a replacement, a larger import) gives it a new change number, greater
    /// than any before, so a row changed after it was sent comes again. Rows written here carry
    /// this ledger's machine and store id, rows it absorbed keep theirs.
    fn rows_since(
        &self,
        after: i64,
        since: i64,
        limit: usize,
    ) -> anyhow::Result<Vec<(i64, SyncRow)>>;

    /// Takes synced rows in one transaction, by their identity: the same source and request
    /// id, else the same store and origin row. A row it holds from the same store and row is
    /// replaced when it differs (it changed there); a request id recorded elsewhere keeps the
    /// larger row (as imports do); a row of this very store, sent back, changes nothing.
    fn absorb(&mut self, rows: &[SyncRow]) -> anyhow::Result<Absorbed>;

    /// The last change number sent to `target` (0 before the first sync).
    fn sync_mark(&self, target: &str) -> anyhow::Result<i64>;
    /// Moves the mark of `target` (after the target committed the rows up to `change`).
    fn set_sync_mark(&mut self, target: &str, change: i64) -> anyhow::Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_urls_are_refused() {
        let cwd = std::path::Path::new("/work");
        for bad in ["mysql://h/d", "postgre://u:p@h/d", "sqlite3://x.db"] {
            let err = DbLocation::parse(bad.as_ref(), cwd)
                .refuse_other_urls("--db")
                .unwrap_err()
                .to_string();
            assert!(err.contains("does not take"), "{bad}: {err}");
            assert!(!err.contains(":p@"), "{err}");
        }
        for good in ["ledger.db", "/tmp/a b.db", "postgres://h/d"] {
            assert!(
                DbLocation::parse(good.as_ref(), cwd)
                    .refuse_other_urls("--db")
                    .is_ok(),
                "{good}"
            );
        }
    }

    #[test]
    fn urls_lose_their_passwords() {
        assert_eq!(
            redact_url("postgres://ann:s3cret@db.example:5432/ledger?sslmode=require"),
            "postgres://ann:***@db.example:5432/ledger?sslmode=require"
        );
        assert_eq!(
            redact_url("postgresql://ann@db/ledger?password=x&sslmode=disable"),
            "postgresql://ann@db/ledger?password=***&sslmode=disable"
        );
        assert_eq!(redact_url("postgres://db/ledger"), "postgres://db/ledger");
        assert_eq!(redact_url("postgres://a:b:c@h/d"), "postgres://a:***@h/d");
        // the driver reads these as passwords too
        for pw in ["pa/ss", "pa?ss", "pa#ss", "p@ss/w?d#x"] {
            let shown = redact_url(&format!(
                "postgres://ann:{pw}@db:5432/ledger?sslmode=require"
            ));
            assert_eq!(
                shown, "postgres://ann:***@db:5432/ledger?sslmode=require",
                "{pw}"
            );
        }
    }

    #[test]
    fn locations_are_urls_or_paths() {
        let cwd = std::path::Path::new("/w");
        assert_eq!(
            DbLocation::parse("postgres://h/d".as_ref(), cwd),
            DbLocation::Postgres("postgres://h/d".into())
        );
        assert_eq!(
            DbLocation::parse("PostgreSQL://h/d".as_ref(), cwd),
            DbLocation::Postgres("PostgreSQL://h/d".into())
        );
        assert_eq!(
            DbLocation::parse("usage.db".as_ref(), cwd),
            DbLocation::Sqlite("/w/usage.db".into())
        );
    }
}
