#!/usr/bin/env bash
# Benchmark: the usage store at size. Prints figures; not run in CI.
#   1. `tokens record --jsonl` of ROWS generated rows (rows/s; target >= 200,000/s)
#   2. `tokens summary --days 30` over that store (target < 100 ms)
#   3. `tokens record` of one request, whole process, against that store (target < 5 ms)
# Usage: bash bench/tokens_store.sh [ROWS]   (default 10,000,000; data under bench/data/, gitignored)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}
cargo build --release --quiet
bin=$PWD/target/release/aimcp
data=$PWD/bench/data/store
mkdir -p "$data"
jsonl=$data/rows-$rows.jsonl
db=$data/usage-$rows.db
if [ ! -f "$jsonl" ]; then
  echo "generating $rows rows in $jsonl ..." >&2
  python3 - "$rows" "$jsonl" <<'PY'
import random, sys, time, datetime
n, path = int(sys.argv[1]), sys.argv[2]
random.seed(7)
now = int(time.time())
models = [("anthropic", "claude-sonnet-4-5-20250929"), ("anthropic", "claude-haiku-4-5"),
          ("anthropic", "claude-opus-4-5"), ("openai", "gpt-5"), ("openai", "gpt-5-mini"),
          ("google", "gemini-2.5-pro"), ("mistral", "mistral-large-latest"), ("ollama", "llama3.1:8b")]
users = ["alice", "bob", "carol", "dave", "erin"]
projects = ["web", "api", "mobile", "infra", "data", "docs"]
with open(path, "w") as f:
    buf = []
    for i in range(n):
        p, m = models[i % len(models)]
        # recorded as it happens: oldest first, 90 days up to now
        ts = now - 90 * 86400 + (i * 90 * 86400) // n
        at = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        buf.append('{"provider":"%s","model":"%s","input":%d,"output":%d,"cache_read":%d,"cache_write":%d,'
                   '"user":"%s","project":"%s","request_id":"req-%d","at":"%s"}\n'
                   % (p, m, random.randrange(50, 5000), random.randrange(10, 2000), random.randrange(0, 50000),
                      random.randrange(0, 3000), users[i % 5], projects[(i // 5) % 6], i, at))
        if len(buf) >= 100000:
            f.write("".join(buf)); buf = []
    f.write("".join(buf))
PY
fi
if [ -z "${KEEP_STORE:-}" ] || [ ! -f "$db" ]; then  # KEEP_STORE=1 reuses the store of a previous run
  rm -f "$db" "$db-wal" "$db-shm"
  echo "== record --jsonl: $rows rows"
  start=$(date +%s.%N)
  "$bin" --db "$db" tokens record --jsonl "$jsonl" 2>&1 | tail -1
  end=$(date +%s.%N)
  python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); n=int(sys.argv[3]); print(f'{n:,} rows in {s:.2f} s: {n/s:,.0f} rows/s')" "$start" "$end" "$rows"
fi
ls -la "$db" | awk '{printf "store size: %.0f MB\n", $5/1048576}'
python3 - "$bin" "$db" <<'PY'
import os, statistics, subprocess, sys, time
bin, db = sys.argv[1], sys.argv[2]
def bench(args, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run([bin, "--db", db] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - t) * 1000)
        assert r.returncode == 0, args
    times.sort()
    return times
t = bench(["tokens", "summary", "--days", "30", "--tz", "UTC"], 3)  # warm the page cache
for label, args in [("summary --days 30", ["tokens", "summary", "--days", "30", "--tz", "UTC"]),
                    ("summary --days 30 --json", ["--json", "tokens", "summary", "--days", "30", "--tz", "UTC"]),
                    ("summary --days 30 --by model", ["tokens", "summary", "--days", "30", "--by", "model", "--tz", "UTC"])]:
    t = bench(args, 20)
    print(f"== {label}: median {statistics.median(t):.1f} ms, min {t[0]:.1f} ms (20 runs)")
t = bench(["tokens", "record", "--provider", "anthropic", "--model", "claude-sonnet-4-5", "--input", "1000",
           "--output", "100", "--cache-read", "5000"], 100)
print(f"== record of one request (whole process): median {statistics.median(t):.1f} ms, min {t[0]:.1f} ms (100 runs)")
PY
