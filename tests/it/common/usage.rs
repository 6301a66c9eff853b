//! Helpers for the usage ledger's tests: a store in the temp folder, and a look at its rows.
#![allow(dead_code)]

use std::path::PathBuf;

use super::{Run, TestEnv};

impl TestEnv {
    /// The usage store of this test.
    pub fn db(&self) -> PathBuf {
        self.root.path().join("usage.db")
    }

    /// Runs `aimcp --db <temp> ...` in UTC with a fixed user.
    pub fn tokens(&self, args: &[&str]) -> Run {
        let db = self.db();
        let mut full = vec!["--db", db.to_str().unwrap()];
        full.extend_from_slice(args);
        Run::from(
            self.cmd()
                .env("TZ", "UTC")
                .env("USER", "alice")
                .args(&full)
                .output()
                .unwrap(),
        )
    }

    /// `tokens record --provider P --model M --input I --output O`, then `extra` flags.
    pub fn record(
        &self,
        provider: &str,
        model: &str,
        input: &str,
        output: &str,
        extra: &[&str],
    ) -> Run {
        let mut args = vec![
            "tokens",
            "record",
            "--provider",
            provider,
            "--model",
            model,
            "--input",
            input,
            "--output",
            output,
        ];
        args.extend_from_slice(extra);
        self.tokens(&args)
    }

    /// `tokens summary --since SINCE --until UNTIL`, then `extra` flags.
    pub fn summary(&self, since: &str, until: &str, extra: &[&str]) -> Run {
        let mut args = vec!["tokens", "summary", "--since", since, "--until", until];
        args.extend_from_slice(extra);
        self.tokens(&args)
    }

    /// Like [`TestEnv::tokens`], with stdin.
    pub fn tokens_stdin(&self, args: &[&str], input: &str) -> Run {
        let db = self.db();
        let mut full = vec!["--db", db.to_str().unwrap()];
        full.extend_from_slice(args);
        self.run_stdin_env(&full, input, &[("TZ", "UTC"), ("USER", "alice")])
    }

    /// Runs one SQL query on the store and returns its rows as text.
    pub fn sql(&self, query: &str) -> Vec<Vec<String>> {
        let conn = rusqlite::Connection::open(self.db()).unwrap();
        let mut stmt = conn.prepare(query).unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |row| {
            (0..n)
                .map(|i| {
                    Ok(match row.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => "NULL".to_string(),
                        rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                        rusqlite::types::ValueRef::Real(v) => v.to_string(),
                        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into(),
                        rusqlite::types::ValueRef::Blob(_) => "<blob>".to_string(),
                    })
                })
                .collect()
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
    }

    /// One number from SQL.
    pub fn sql_i64(&self, query: &str) -> i64 {
        self.sql(query)[0][0].parse().unwrap()
    }
}
