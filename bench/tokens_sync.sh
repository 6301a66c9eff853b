#!/usr/bin/env bash
# Benchmark: `tokens sync` of ROWS rows from one machine's SQLite ledger into another SQLite file
# (the team ledger), rows/s; then a second sync with nothing new (the incremental case).
# Half the rows have request ids (random, as providers' are), half none (found by store + row).
# Usage: bash bench/tokens_sync.sh [ROWS]   (default 1,000,000; data under bench/data/, gitignored)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
cargo build --release --quiet
bin=$PWD/target/release/aimcp
data=$PWD/bench/data/sync
mkdir -p "$data"
jsonl=$data/rows-$rows.jsonl
src=$data/source-$rows.db
if [ ! -f "$jsonl" ]; then
  python3 - "$rows" "$jsonl" <<'PY'
import random, sys, time, datetime
n, path = int(sys.argv[1]), sys.argv[2]
random.seed(7)
now = int(time.time())
with open(path, "w") as f:
    buf = []
    for i in range(n):
        ts = now - 30 * 86400 + (i * 30 * 86400) // n
        at = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        rid = ',"request_id":"req_%016x"' % random.getrandbits(64) if i % 2 == 0 else ""
        buf.append('{"provider":"anthropic","model":"claude-sonnet-4-5","input":%d,"output":%d,"user":"u%d","project":"p%d","at":"%s"%s}\n'
                   % (random.randint(100, 5000), random.randint(10, 800), i % 5, i % 7, at, rid))
        if len(buf) >= 100000:
            f.write("".join(buf)); buf = []
    f.write("".join(buf))
PY
fi
if [ ! -f "$src" ]; then
  AIMCP_MACHINE=bench-laptop "$bin" --db "$src" --quiet tokens record --jsonl "$jsonl"
fi
run() { # run LABEL TARGET: one sync, timed
  local t0 t1
  t0=$(date +%s.%N)
  AIMCP_MACHINE=bench-laptop "$bin" --db "$src" tokens sync --to "$2" >/dev/null 2>&1
  t1=$(date +%s.%N)
  python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'{sys.argv[3]}: {s:.3f} s' + (f', {int(sys.argv[4])/s:,.0f} rows/s' if int(sys.argv[4]) else ''))" "$t0" "$t1" "$1" "$3"
}
for round in 1 2 3; do
  target=$data/team-$round.db
  rm -f "$target" "$target-wal" "$target-shm"
  # the source remembers what it sent to each target: forget it, so each round sends everything
  python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('DELETE FROM sync_marks'); c.commit()" "$src"
  run "round $round: sync of $rows rows SQLite -> SQLite" "$target" "$rows"
  run "round $round: sync again, nothing new" "$target" 0
done
rm -f "$data"/team-*.db "$data"/team-*.db-wal "$data"/team-*.db-shm
