#!/usr/bin/env bash
# Benchmark: `tokens report --days 30` on the 10M-row store of bench/tokens_store.sh (goal
# < 300 ms), and `tokens statusline` with nothing new to import (goal < 20 ms). Not run in CI.
# Usage: bash bench/tokens_report.sh   (run bench/tokens_store.sh first, or KEEP_STORE=1 it)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-10000000}
db=$PWD/bench/data/store/usage-$rows.db
[ -f "$db" ] || KEEP_STORE=1 bash bench/tokens_store.sh "$rows"
cargo build --release --quiet
bin=$PWD/target/release/aimcp
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/claude/projects/p"
python3 - "$tmp/claude/projects/p/s.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(2000):
        f.write(json.dumps({"type": "assistant", "sessionId": "s", "requestId": f"r{i}",
            "timestamp": "2026-11-20T10:00:00.000Z", "message": {"id": f"m{i}", "model": "claude-sonnet-4-5",
            "usage": {"input_tokens": 100, "output_tokens": 10}}}) + "\n")
PY
python3 - "$bin" "$db" "$tmp" <<'PY'
import os, statistics, subprocess, sys, time
bin, db, tmp = sys.argv[1:4]
env = dict(os.environ, CLAUDE_CONFIG_DIR=f"{tmp}/claude")
def bench(args, runs, stdin=b"", dbfile=db):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run([bin, "--db", dbfile] + args, input=stdin, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, env=env)
        times.append((time.perf_counter() - t) * 1000)
        assert r.returncode == 0, args
    return sorted(times)
for fmt in ["text", "json", "html"]:
    bench(["tokens", "report", "--days", "30", "--tz", "UTC", "--format", fmt], 1)  # warm
    t = bench(["tokens", "report", "--days", "30", "--tz", "UTC", "--format", fmt], 5)
    print(f"report --days 30 --format {fmt}: median {statistics.median(t):.0f} ms (min {t[0]:.0f}; goal 300)")
hook = b'{"session_id":"s","model":{"display_name":"Sonnet"}}'
small = f"{tmp}/small.db"
bench(["tokens", "statusline"], 2, hook, small)  # first run imports the log
t = bench(["tokens", "statusline"], 20, hook, small)
print(f"statusline, nothing new (small store): median {statistics.median(t):.1f} ms (goal 20)")
t = bench(["tokens", "statusline"], 10, hook)
print(f"statusline, nothing new (10M-row store): median {statistics.median(t):.1f} ms (goal 20)")
PY
