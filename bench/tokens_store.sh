#!/usr/bin/env bash
# Benchmark: the usage store at size. Prints figures; not run in CI.
#   1. `tokens record --jsonl` of ROWS generated rows, into a new store (rows/s; target >= 200,000/s)
#   2. `tokens record --jsonl` of 1,000,000 more rows into that store (the next day's)
#   3. `tokens summary --days 30` over that store, by day and by model (target < 100 ms)
#   4. `tokens record` of one request, whole process, against that store (target < 5 ms)
# Request ids are random, as providers' are (`req_` and 16 hex digits).
# Usage: bash bench/tokens_store.sh [ROWS]   (default 10,000,000; data under bench/data/, gitignored)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}
cargo build --release --quiet
bin=$PWD/target/release/aimcp
data=$PWD/bench/data/store
mkdir -p "$data"
jsonl=$data/rows-v2-$rows.jsonl
more=$data/rows-v2-more-1000000.jsonl  # the day that follows, as a store grows
db=$data/usage-$rows.db
# generate N FILE SEED FIRST_DAY DAYS: N rows, recorded as they happen (oldest first), over DAYS
# days from FIRST_DAY days ago
generate() {
  echo "generating $1 rows in $2 ..." >&2
  python3 - "$@" <<'PY'
import random, sys, time, datetime
n, path, seed = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
first, days = int(sys.argv[4]), int(sys.argv[5])
random.seed(seed)
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
        ts = now - first * 86400 + (i * days * 86400) // n
        at = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        buf.append('{"provider":"%s","model":"%s","input":%d,"output":%d,"cache_read":%d,"cache_write":%d,'
                   '"user":"%s","project":"%s","request_id":"req_%016x","at":"%s"}\n'
                   % (p, m, random.randrange(50, 5000), random.randrange(10, 2000), random.randrange(0, 50000),
                      random.randrange(0, 3000), users[i % 5], projects[(i // 5) % 6], random.getrandbits(64), at))
        if len(buf) >= 100000:
            f.write("".join(buf)); buf = []
    f.write("".join(buf))
PY
}
[ -f "$jsonl" ] || generate "$rows" "$jsonl" 7 91 90
[ -f "$more" ] || generate 1000000 "$more" 8 1 1
# record FILE: prints the rows/s of one `tokens record --jsonl`
record() {
  local n start end
  n=$(wc -l < "$1")
  start=$(date +%s.%N)
  "$bin" --db "$db" tokens record --jsonl "$1" 2>&1 | tail -1
  end=$(date +%s.%N)
  python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); n=int(sys.argv[3]); print(f'{n:,} rows in {s:.2f} s: {n/s:,.0f} rows/s')" "$start" "$end" "$n"
}
if [ -z "${KEEP_STORE:-}" ] || [ ! -f "$db" ]; then  # KEEP_STORE=1 reuses the store of a previous run
  rm -f "$db" "$db-wal" "$db-shm"
  echo "== record --jsonl: $rows rows into a new store"
  record "$jsonl"
  echo "== record --jsonl: 1,000,000 more rows into that store"
  record "$more"
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
           "--output", "100", "--cache-read", "5000"], 200)
print(f"== record of one request (whole process): median {statistics.median(t):.1f} ms, p90 {t[180]:.1f} ms, min {t[0]:.1f} ms (200 runs)")
# the same harness on `aimcp --version`: what starting the process costs on this machine now
t = bench(["--version"], 200)
print(f"   (control: `aimcp --version` median {statistics.median(t):.1f} ms, min {t[0]:.1f} ms)")
PY
