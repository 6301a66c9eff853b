//! Claude's 5-hour usage windows, by ccusage's rule: a block starts at its first request's
//! hour (floored, UTC) and lasts 5 hours; a request past the block's end, or more than 5 hours
//! after the request before it, starts the next block.

use serde::Serialize;

use crate::pricing::Usd;

pub const BLOCK_MS: i64 = 5 * 3_600_000;

/// The provider whose requests the 5-hour windows count (Claude's).
pub const PROVIDER: &str = "anthropic";
const HOUR_MS: i64 = 3_600_000;

/// One request as blocks need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    pub ts_ms: i64,
    pub tokens: i64,
    pub cost_nanos: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub start_ms: i64,
    pub end_ms: i64,
    pub first_ms: i64,
    pub last_ms: i64,
    pub requests: i64,
    pub tokens: i64,
    pub cost_nanos: i64,
}

impl Block {
    /// Is the block still open at `now`?
    pub fn is_active(&self, now_ms: i64) -> bool {
        now_ms < self.end_ms && now_ms - self.last_ms < BLOCK_MS
    }
}

/// Builds the blocks of requests given oldest first.
#[derive(Default)]
pub struct Blocks {
    pub blocks: Vec<Block>,
}

impl Blocks {
    pub fn add(&mut self, p: Point) {
        if let Some(b) = self.blocks.last_mut()
            && p.ts_ms < b.end_ms
            && p.ts_ms - b.last_ms <= BLOCK_MS
        {
            b.last_ms = b.last_ms.max(p.ts_ms);
            b.requests += 1;
            b.tokens = b.tokens.saturating_add(p.tokens);
            b.cost_nanos = b.cost_nanos.saturating_add(p.cost_nanos);
            return;
        }
        let start = p.ts_ms.div_euclid(HOUR_MS) * HOUR_MS;
        self.blocks.push(Block {
            start_ms: start,
            end_ms: start + BLOCK_MS,
            first_ms: p.ts_ms,
            last_ms: p.ts_ms,
            requests: 1,
            tokens: p.tokens,
            cost_nanos: p.cost_nanos,
        });
    }
}

/// How far back [`scan`] follows the chain of blocks at most (see there).
pub const LOOKBACK_MS: i64 = 7 * 24 * HOUR_MS;

/// The blocks of `provider`'s requests in `[start, end)`, with the one open at `start`: the one
/// function `tokens blocks` and `tokens statusline` find them with.
///
/// A block starts at the hour of the first request at or past the previous block's end, so
/// where blocks start follows from the hours that have requests (the store's hourly sums):
/// the chain is followed over those hours from the last 5 empty hours before `start` (the
/// first request after them starts a block), looked for in the day before `start`, then in
/// the [`LOOKBACK_MS`] before it (without such a quiet stretch, the chain starts there), and
/// the requests are read from the start of the block open at `start` only.
pub fn scan(
    ledger: &(impl crate::usage::Ledger + ?Sized),
    start: i64,
    end: i64,
    provider: &str,
) -> anyhow::Result<Blocks> {
    let start_hour = start.div_euclid(HOUR_MS);
    let mut from = start_hour;
    for back in [24 * HOUR_MS, LOOKBACK_MS] {
        let lo = (start - back).div_euclid(HOUR_MS);
        let hours = ledger.request_hours(provider, lo, start_hour + 1)?;
        let (anchor, quiet) = anchor(&hours, lo, start_hour);
        from = chain_start(&hours, anchor, start_hour);
        if quiet {
            break;
        }
    }
    ledger.blocks_of(provider, from * HOUR_MS, end)
}

/// One UTC hour's sums of a provider's requests (the store's hourly rollup).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HourSum {
    pub hour: i64,
    pub requests: i64,
    pub tokens: i64,
    pub cost_nanos: i64,
}

/// The blocks of a provider's requests in `[start, end)` as a store with an hourly rollup finds
/// them: from `hour_sums(first_hour, end_hour)` (the rollup's sums of the whole hours), `span`
/// (as for [`from_hours`]) and `points(start, end)` (the requests one by one) for the part hour
/// at the end, or for all of the window when it does not start on a whole hour.
pub fn from_rollup(
    start: i64,
    end: i64,
    mut points: impl FnMut(i64, i64) -> anyhow::Result<Vec<Point>>,
    hour_sums: impl FnOnce(i64, i64) -> anyhow::Result<Vec<HourSum>>,
    span: impl FnMut(i64, i64) -> anyhow::Result<(i64, i64)>,
) -> anyhow::Result<Blocks> {
    let whole_end = end.div_euclid(HOUR_MS) * HOUR_MS;
    if start < 0 || start % HOUR_MS != 0 || whole_end <= start {
        let mut b = Blocks::default();
        for p in points(start, end)? {
            b.add(p);
        }
        return Ok(b);
    }
    let hours = hour_sums(start / HOUR_MS, whole_end / HOUR_MS)?;
    let tail = points(whole_end, end)?;
    from_hours(&hours, &tail, span)
}

/// The blocks of requests known by their hourly sums (`hours`, oldest first, whole hours)
/// and then one by one (`tail`, oldest first, all after the last of `hours`): what
/// [`Blocks::add`] makes of the same requests one by one. A block is the 5 hours from the hour
/// of its first request (a request before its end is never more than 5 hours after the one
/// before it), so its sums are those of its hours; `span(start, end)` gives the first and the
/// last request in `[start, end)` (both in there), for a block's first and last request.
fn from_hours(
    hours: &[HourSum],
    tail: &[Point],
    mut span: impl FnMut(i64, i64) -> anyhow::Result<(i64, i64)>,
) -> anyhow::Result<Blocks> {
    let mut b = Blocks::default();
    // each block's last hour with requests
    let mut last_hours: Vec<i64> = Vec::new();
    for h in hours.iter().filter(|h| h.requests > 0) {
        let start = h.hour * HOUR_MS;
        match b.blocks.last_mut() {
            Some(x) if start < x.end_ms => {
                x.requests += h.requests;
                x.tokens = x.tokens.saturating_add(h.tokens);
                x.cost_nanos = x.cost_nanos.saturating_add(h.cost_nanos);
                *last_hours.last_mut().expect("one per block") = h.hour;
            }
            _ => {
                b.blocks.push(Block {
                    start_ms: start,
                    end_ms: start + BLOCK_MS,
                    first_ms: start,
                    last_ms: start,
                    requests: h.requests,
                    tokens: h.tokens,
                    cost_nanos: h.cost_nanos,
                });
                last_hours.push(h.hour);
            }
        }
    }
    for (x, last) in b.blocks.iter_mut().zip(&last_hours) {
        (x.first_ms, x.last_ms) = span(x.start_ms, (last + 1) * HOUR_MS)?;
    }
    for p in tail {
        b.add(*p);
    }
    Ok(b)
}

/// The hour the chain of blocks is followed from, among `hours` (those in `[lo, top]` with
/// requests, in order): the first after the last 5 empty hours (`true`), else `lo` (`false`).
fn anchor(hours: &[i64], lo: i64, top: i64) -> (i64, bool) {
    let mut above = top + 1;
    for &h in hours.iter().rev() {
        if above - h > 5 {
            return (above, true);
        }
        above = h;
    }
    if above - lo >= 5 {
        return (above, true);
    }
    (lo, false)
}

/// The start (an hour) of the last block that starts by `top`, following the chain from the
/// block that starts at `anchor` (or at the first hour with requests after it).
fn chain_start(hours: &[i64], anchor: i64, top: i64) -> i64 {
    let mut block: Option<i64> = None;
    for &h in hours.iter().filter(|&&h| h >= anchor && h <= top) {
        match block {
            Some(b) if h < b + BLOCK_MS / HOUR_MS => {}
            _ => block = Some(h),
        }
    }
    block.unwrap_or(top)
}

/// The JSON of one block (`tokens blocks --json`).
#[derive(Debug, Clone, Serialize)]
pub struct BlockJson {
    pub start: String,
    pub end: String,
    pub first_request: String,
    pub last_request: String,
    pub active: bool,
    pub requests: i64,
    pub total_tokens: i64,
    pub cost_usd: Usd,
    /// For the active block: cost and tokens per hour since its first request, and the cost at
    /// its end at that rate.
    pub burn_rate_usd_per_hour: Option<Usd>,
    pub burn_rate_tokens_per_minute: Option<i64>,
    pub projected_cost_usd: Option<Usd>,
    pub projected_tokens: Option<i64>,
    pub remaining_minutes: Option<i64>,
}

/// The burn rate of an active block at `now`: (nano-dollars an hour, tokens a minute), over the
/// time since its first request (at least a minute).
pub fn burn(b: &Block, now_ms: i64) -> (i64, i64) {
    let elapsed = (now_ms.min(b.end_ms) - b.first_ms).max(60_000) as i128;
    (
        (b.cost_nanos as i128 * HOUR_MS as i128 / elapsed) as i64,
        (b.tokens as i128 * 60_000 / elapsed) as i64,
    )
}

pub fn json(b: &Block, now_ms: i64) -> BlockJson {
    let t = |ms: i64| {
        jiff::Timestamp::from_millisecond(ms)
            .map(|t| t.to_string())
            .unwrap_or_default()
    };
    let active = b.is_active(now_ms);
    let (rate, tokens_rate) = burn(b, now_ms);
    let left = (b.end_ms - now_ms).max(0);
    BlockJson {
        start: t(b.start_ms),
        end: t(b.end_ms),
        first_request: t(b.first_ms),
        last_request: t(b.last_ms),
        active,
        requests: b.requests,
        total_tokens: b.tokens,
        cost_usd: Usd(b.cost_nanos),
        burn_rate_usd_per_hour: active.then_some(Usd(rate)),
        burn_rate_tokens_per_minute: active.then_some(tokens_rate),
        projected_cost_usd: active
            .then(|| Usd(b.cost_nanos + (rate as i128 * left as i128 / HOUR_MS as i128) as i64)),
        projected_tokens: active
            .then(|| b.tokens + (tokens_rate as i128 * left as i128 / 60_000) as i64),
        remaining_minutes: active.then_some(left / 60_000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = HOUR_MS;

    fn p(ts: i64, cost: i64) -> Point {
        Point {
            ts_ms: ts,
            tokens: 100,
            cost_nanos: cost,
        }
    }

    #[test]
    fn blocks_follow_ccusages_rule() {
        let mut b = Blocks::default();
        // 10:30 starts a block at 10:00 that ends at 15:00
        b.add(p(10 * H + 30 * 60_000, 1));
        b.add(p(14 * H + 59 * 60_000, 2));
        // 15:00 is past its end: a new block from 15:00
        b.add(p(15 * H, 4));
        // 19:59 is in it; then a gap of more than 5 hours
        b.add(p(19 * H + 59 * 60_000, 8));
        b.add(p(25 * H + 30 * 60_000, 16));
        let got: Vec<(i64, i64, i64)> = b
            .blocks
            .iter()
            .map(|x| (x.start_ms / H, x.requests, x.cost_nanos))
            .collect();
        assert_eq!(got, vec![(10, 2, 3), (15, 2, 12), (25, 1, 16)]);
        let last = b.blocks.last().unwrap();
        assert!(last.is_active(26 * H));
        assert!(!last.is_active(30 * H));
        // an hour after its first request, $16 n$ spent: 16 an hour, 16 * 3.5 h more by its end
        let j = json(last, 26 * H + 30 * 60_000);
        assert_eq!(j.burn_rate_usd_per_hour, Some(Usd(16)));
        assert_eq!(j.projected_cost_usd, Some(Usd(16 + 56)));
        assert_eq!(j.remaining_minutes, Some(210));
    }
}
