#!/usr/bin/env bash
# Benchmark: `tokens report --days 30` on the 11M-row store of bench/tokens_store.sh (goal
# < 300 ms), and `tokens statusline` with nothing new to import (goal < 20 ms), old binary
# against new, interleaved (old, new, old, new ...), medians with the ratio new/old. Checks
# that both binaries print the same report (the clock pinned with AIMCP_NOW). Not run in CI.
#
# Usage: OLD=/path/to/old/aimcp bash bench/tokens_report.sh
#   OLD: the binary to compare with (e.g. main's target/release/aimcp, copied before a change);
#        its store is made with it (an older schema), and the new binary migrates a copy, so
#        the migration's time is printed too. Without OLD, only the new binary is timed.
#   ROWS (default 10,000,000): the store's size, as bench/tokens_store.sh makes it.
#   RUNS (default 5): runs of each report per binary.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-10000000}
data=$PWD/bench/data/store
db=$data/usage-$rows.db
[ -f "$db" ] || KEEP_STORE=1 bash bench/tokens_store.sh "$rows"
cargo build --release --quiet
new=$PWD/target/release/aimcp
old=${OLD:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "$old" ]; then
  # the old binary's store: made from the same rows, unless there is one already
  olddb=$data/usage-$rows-old.db
  if [ ! -f "$olddb" ]; then
    "$old" --db "$olddb" tokens record --jsonl "$data/rows-v2-$rows.jsonl" > /dev/null
    "$old" --db "$olddb" tokens record --jsonl "$data/rows-v2-more-1000000.jsonl" > /dev/null
  fi
  cp "$olddb" "$tmp/new.db"
  start=$EPOCHREALTIME
  "$new" --db "$tmp/new.db" tokens summary --days 1 > /dev/null
  python3 -c "import sys; print(f'migration of the old store by the new binary: {float(sys.argv[2]) - float(sys.argv[1]):.1f} s')" "$start" "$EPOCHREALTIME"
  db_new=$tmp/new.db
  db_old=$olddb
else
  db_new=$db
  db_old=
fi
mkdir -p "$tmp/claude/projects/p"
python3 - "$tmp/claude/projects/p/s.jsonl" <<'PY'
import datetime, json, sys
now = datetime.datetime.now(datetime.timezone.utc)
with open(sys.argv[1], "w") as f:
    for i in range(2000):
        t = (now - datetime.timedelta(seconds=(2000 - i) * 5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        f.write(json.dumps({"type": "assistant", "sessionId": "s", "requestId": f"r{i}",
            "timestamp": t, "message": {"id": f"m{i}", "model": "claude-sonnet-4-5",
            "usage": {"input_tokens": 100, "output_tokens": 10, "cache_read_input_tokens": 50,
                      "cache_creation_input_tokens": 20}}}) + "\n")
PY
python3 - "$new" "$old" "$db_new" "$db_old" "$tmp" <<'PY'
import datetime, os, statistics, subprocess, sys, time
new, old, db_new, db_old, tmp = sys.argv[1:6]
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
env = dict(os.environ, CLAUDE_CONFIG_DIR=f"{tmp}/claude", AIMCP_NOW=now)
def run(b, db, args, stdin=b""):
    t = time.perf_counter()
    r = subprocess.run([b, "--db", db] + args, input=stdin, capture_output=True, env=env)
    ms = (time.perf_counter() - t) * 1000
    assert r.returncode == 0, (b, args, r.stderr)
    return ms, r.stdout
def ab(label, args, runs, goal, stdin=b"", dbs=(db_new, db_old)):
    dn, do = dbs
    run(new, dn, args, stdin)  # warm the page cache
    if old:
        run(old, do, args, stdin)
    tn, to = [], []
    for _ in range(runs):
        if old:
            to.append(run(old, do, args, stdin)[0])
        tn.append(run(new, dn, args, stdin)[0])
    mn = statistics.median(tn)
    line = f"{label}: new median {mn:.1f} ms (min {min(tn):.1f})"
    if old:
        mo = statistics.median(to)
        line += f", old median {mo:.1f} ms (min {min(to):.1f}), new/old {mn / mo:.3f}"
    print(line + f"; goal {goal} ms")
for fmt in ["text", "json", "html"]:
    args = ["tokens", "report", "--days", "30", "--tz", "UTC", "--format", fmt]
    if old and fmt == "json":
        same = run(new, db_new, args)[1] == run(old, db_old, args)[1]
        print(f"report --format json: old and new print the same document: {same}")
    ab(f"report --days 30 --format {fmt}", args, int(os.environ.get("RUNS", "5")), 300)
hook = b'{"session_id":"s","model":{"display_name":"Sonnet"}}'
small_new, small_old = f"{tmp}/small-new.db", f"{tmp}/small-old.db"
run(new, small_new, ["tokens", "statusline"], hook)  # the first run imports the log
if old:
    run(old, small_old, ["tokens", "statusline"], hook)
ab("statusline, nothing new (small store)", ["tokens", "statusline"], 20, 20, hook,
   (small_new, small_old))
ab(f"statusline, nothing new (large store)", ["tokens", "statusline"], 10, 20, hook)
PY
