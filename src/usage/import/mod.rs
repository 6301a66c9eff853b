//! Importing the logs coding agents write: Claude Code and Codex.
//!
//! Imports are incremental: each file's size, mtime and byte offset (whole lines read so far) are
//! kept by the ledger ([`FileProgress`]), committed in the same transaction as the rows read
//! from it, so a killed import leaves a consistent store and the next one carries on where the
//! last commit stopped.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::ingest::Feed;
use super::ledger::FileProgress;
use super::{Ledger, Pricer, Request, Written};
use crate::pricing::PriceBook;

pub mod claude;
pub mod codex;

/// Which agent's logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agent {
    ClaudeCode,
    Codex,
}

impl Agent {
    pub fn source(self) -> &'static str {
        match self {
            Agent::ClaudeCode => "claude-code",
            Agent::Codex => "codex",
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Files with something new that were read.
    pub files_read: u64,
    /// Files seen with nothing new.
    pub files_unchanged: u64,
    pub requests_added: u64,
    /// Requests already in the store (or logged more than once), not added again.
    pub duplicates: u64,
    pub bytes_read: u64,
    pub unpriced: u64,
}

/// Every `*.jsonl` file under the roots, sorted, each once.
pub fn find_logs(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = roots.to_vec();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                stack.push(path);
            } else if (ft.is_file() || ft.is_symlink())
                && path.extension().is_some_and(|x| x == "jsonl")
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A file's size and modification time (ns).
fn stat(path: &Path) -> std::io::Result<(u64, i64)> {
    let m = std::fs::metadata(path)?;
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0);
    Ok((m.len(), mtime))
}

struct Remembered {
    size: u64,
    mtime: i64,
    offset: u64,
    state: Option<String>,
}

/// A file to read: path, key, size, mtime, offset, parser state.
type Planned = (PathBuf, String, u64, i64, u64, Option<String>);

/// What reading one file gave.
struct Parsed {
    requests: Vec<Request>,
    seen: u64,
    new_state: Option<String>,
    complete: u64,
    read: u64,
}

/// Who and where, for rows whose logs do not say.
#[derive(Debug, Clone)]
pub struct Defaults {
    pub user: String,
}

/// Reads what is new in each file and writes its requests.
/// `progress` is called with the bytes read so far and the total to read.
pub fn import(
    store: &mut dyn Ledger,
    agent: Agent,
    root_of: &(dyn Fn(&Path) -> Option<PathBuf> + Sync),
    files: &[PathBuf],
    book: &PriceBook,
    defaults: &Defaults,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<Stats> {
    let source = agent.source();
    let mut stats = Stats::default();
    // what to read
    let mut plan: Vec<Planned> = Vec::new();
    let mut total = 0u64;
    {
        let mut known: HashMap<String, Remembered> = HashMap::new();
        for f in store.import_progress(source)? {
            known.insert(
                f.path,
                Remembered {
                    size: f.size,
                    mtime: f.mtime_ns,
                    offset: f.offset,
                    state: f.state,
                },
            );
        }
        for path in files {
            let Ok((size, mtime)) = stat(path) else {
                continue;
            };
            let key = path.to_string_lossy().into_owned();
            let (offset, state) = match known.remove(&key) {
                Some(r) if r.size == size && r.mtime == mtime => {
                    stats.files_unchanged += 1;
                    continue;
                }
                // shorter than what was read: the file was replaced; read it again
                Some(r) if size < r.offset => (0, None),
                Some(r) => (r.offset, r.state),
                None => (0, None),
            };
            if size <= offset {
                // touched, nothing new: remember the new mtime
                plan.push((path.clone(), key, size, mtime, offset, state));
                continue;
            }
            total += size - offset;
            plan.push((path.clone(), key, size, mtime, offset, state));
        }
    }
    // Files are read and parsed in groups (on up to four threads) and priced on the reading
    // side of the ingest pipeline; each group is written in one transaction together with the
    // new offsets of its files.
    let threads = std::thread::available_parallelism()
        .map(|n| n.get().clamp(1, 4))
        .unwrap_or(1);
    let mut groups: Vec<&[Planned]> = Vec::new();
    let mut rest = plan.as_slice();
    while !rest.is_empty() {
        let mut take = 0;
        let mut bytes = 0u64;
        while take < rest.len() && take < 256 && bytes < (128 << 20) {
            bytes += rest[take].2.saturating_sub(rest[take].4);
            take += 1;
        }
        let (group, tail) = rest.split_at(take);
        groups.push(group);
        rest = tail;
    }
    let parse_one = |item: &Planned| -> Parsed {
        let (path, _key, size, _mtime, offset, state) = item;
        let mut buf = Vec::new();
        if size > offset
            && let Ok(mut f) = std::fs::File::open(path)
            && f.seek(SeekFrom::Start(*offset)).is_ok()
        {
            let _ = f.take(size - offset).read_to_end(&mut buf);
        }
        // whole lines only: a line being written stays for next time
        let complete = memchr::memrchr(b'\n', &buf).map(|i| i + 1).unwrap_or(0);
        let chunk = &buf[..complete];
        let root = root_of(path);
        let (requests, seen, new_state) = match agent {
            Agent::ClaudeCode => {
                let (r, seen) = claude::parse(chunk, path, root.as_deref(), defaults);
                (r, seen, None)
            }
            Agent::Codex => {
                let (r, st) = codex::parse(chunk, path, state.as_deref(), defaults);
                let n = r.len() as u64;
                (r, n, Some(st))
            }
        };
        Parsed {
            requests,
            seen,
            new_state,
            complete: complete as u64,
            read: buf.len() as u64,
        }
    };
    let produce = |feed: &mut Feed<Group>| -> anyhow::Result<()> {
        let mut pricer = Pricer::new(book);
        for group in &groups {
            let parsed: Vec<Parsed> = if threads > 1 && group.len() > 1 {
                let per = group.len().div_ceil(threads);
                std::thread::scope(|scope| {
                    let handles: Vec<_> = group
                        .chunks(per)
                        .map(|part| {
                            scope.spawn(move || part.iter().map(parse_one).collect::<Vec<_>>())
                        })
                        .collect();
                    handles
                        .into_iter()
                        .flat_map(|h| h.join().unwrap_or_default())
                        .collect()
                })
            } else {
                group.iter().map(parse_one).collect()
            };
            if parsed.len() != group.len() {
                return Err(anyhow::anyhow!("a log reader stopped unexpectedly"));
            }
            let mut files = Vec::with_capacity(group.len());
            for ((path, key, size, mtime, offset, state), p) in group.iter().zip(parsed) {
                for mut r in p.requests {
                    // a cost the log gives is used only for models the price table does not know
                    let given = (r.cost_source == super::CostSource::Given).then_some(r.cost_nanos);
                    r.cost_source = super::CostSource::Unpriced;
                    let priced = pricer.price(&mut r);
                    if let (super::CostSource::Unpriced, Some(c)) = (r.cost_source, given) {
                        r.cost_nanos = c;
                        r.cost_source = super::CostSource::Given;
                        r.price_version = Some(format!("{source} log"));
                    }
                    let checked = priced.and_then(|()| r.check());
                    if let Err(e) = checked {
                        return Err(crate::error::usage(format!(
                            "`{}`: a request of model `{}` at {} cannot be recorded: {e}",
                            path.display(),
                            r.model,
                            jiff::Timestamp::from_millisecond(r.ts_ms)
                                .map(|t| t.to_string())
                                .unwrap_or_default()
                        ))
                        .hint("nothing of this group of files was imported")
                        .into());
                    }
                    feed.push(r)?;
                }
                files.push(FileDone {
                    key: key.clone(),
                    size: *size,
                    mtime: *mtime,
                    offset: offset + p.complete,
                    state: p.new_state.or_else(|| state.clone()),
                    seen: p.seen,
                    complete: p.complete,
                    read: p.read,
                });
            }
            let progress = files
                .iter()
                .map(|f| FileProgress {
                    source: source.to_string(),
                    path: f.key.clone(),
                    size: f.size,
                    mtime_ns: f.mtime,
                    offset: f.offset,
                    state: f.state.clone(),
                })
                .collect();
            feed.commit_with(Group { files }, progress)?;
        }
        Ok(())
    };
    let mut tally = Tally {
        stats,
        done: 0,
        total,
        progress: &mut progress,
        seen: 0,
        added: 0,
    };
    super::ingest::run(store, true, produce, &mut tally)?;
    Ok(tally.stats)
}

/// A file read in a group, as its group commits.
struct FileDone {
    key: String,
    size: u64,
    mtime: i64,
    /// The new offset: whole lines read so far.
    offset: u64,
    state: Option<String>,
    seen: u64,
    complete: u64,
    read: u64,
}

/// What a group of files carries to its transaction.
struct Group {
    files: Vec<FileDone>,
}

/// The import's side of the pipeline: counts and progress.
struct Tally<'p> {
    stats: Stats,
    done: u64,
    total: u64,
    progress: &'p mut dyn FnMut(u64, u64),
    /// Usage lines seen and requests added in the group under way.
    seen: u64,
    added: u64,
}

impl super::ingest::Sink<Group> for Tally<'_> {
    fn written(&mut self, r: &Request, written: Written) {
        if written == Written::Added {
            self.added += 1;
            if r.cost_source == super::CostSource::Unpriced {
                self.stats.unpriced += 1;
            }
        }
    }

    fn commit(&mut self, group: Group, _change: super::Change) -> anyhow::Result<()> {
        for f in &group.files {
            if f.complete > 0 {
                self.stats.files_read += 1;
            } else {
                self.stats.files_unchanged += 1;
            }
            self.seen += f.seen;
            self.stats.bytes_read += f.complete;
            self.done += f.read;
        }
        // every request added is one seen; the others were logged more than once
        self.stats.requests_added += self.added;
        self.stats.duplicates += self.seen - self.added.min(self.seen);
        self.seen = 0;
        self.added = 0;
        (self.progress)(self.done, self.total);
        Ok(())
    }
}

/// Seconds or an RFC 3339 string -> ms.
pub(crate) fn parse_time(text: &str) -> Option<i64> {
    text.parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.as_millisecond())
}

/// The last component of a path (`/home/a/src/web` -> `web`).
pub(crate) fn base_name(path: &str) -> Option<String> {
    path.trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A request as an import makes it, before pricing.
pub(crate) fn request(source: &str) -> Request {
    Request {
        ts_ms: 0,
        provider: String::new(),
        model: String::new(),
        user: String::new(),
        project: String::new(),
        org: String::new(),
        session: None,
        source: source.to_string(),
        request_id: None,
        tokens: Default::default(),
        reasoning: 0,
        cost_nanos: 0,
        cost_source: super::CostSource::Unpriced,
        price_version: None,
        latency_ms: None,
        success: true,
    }
}
