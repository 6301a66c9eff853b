#!/usr/bin/env bash
# Benchmark: `aimcp tokens import claude-code` of generated Claude Code logs against
# `ccusage daily --json --offline` (npm ccusage@20.0.24 with its native Rust binary
# @ccusage/ccusage-linux-x64@20.0.24) on the same folder, then a second import with nothing new.
# Targets: the first import faster than ccusage; the second under 100 ms; the total the same, to
# the cent, as an exact sum computed independently (bench/exact_claude_total.py).
# Usage: bash bench/tokens_import.sh [SIZE_MB]   (default 1024; data under bench/data/, gitignored)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1024}
cargo build --release --quiet
bin=$PWD/target/release/aimcp
data=$PWD/bench/data
home=$data/claude-$size
if [ ! -d "$home/.claude/projects" ]; then
  echo "generating ${size} MB of Claude Code logs in $home ..." >&2
  python3 bench/gen_claude_logs.py "$home" "$size"
fi
npm_dir=$data/npm
ccusage=$npm_dir/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage
if [ ! -x "$ccusage" ]; then
  npm install --no-audit --no-fund --silent --prefix "$npm_dir" ccusage@20.0.24 @ccusage/ccusage-linux-x64@20.0.24
  chmod +x "$ccusage"
fi
du -sh "$home/.claude/projects" | awk '{print "logs: " $1}'
find "$home/.claude/projects" -name '*.jsonl' | wc -l | awk '{print "files: " $1}'
python3 - "$bin" "$ccusage" "$home" "$data" <<'PY'
import json, os, subprocess, sys, time
bin, ccusage, home, data = sys.argv[1:5]
db = os.path.join(data, "import-bench.db")
def fresh():
    for s in ("", "-wal", "-shm"):
        if os.path.exists(db + s):
            os.remove(db + s)
def timed(cmd, env=None):
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, env=env)
    return (time.perf_counter() - t), r
env = dict(os.environ, HOME=home)
env.pop("CLAUDE_CONFIG_DIR", None)
cc = [ccusage, "daily", "--json", "--offline"]
ours = [bin, "--db", db, "--json", "tokens", "import", "claude-code", "--path", os.path.join(home, ".claude")]
timed(cc, env)  # warm the page cache for both
cc_times, our_times, second = [], [], []
for _ in range(2):
    t, r = timed(cc, env); cc_times.append(t); assert r.returncode == 0, r.stderr
    fresh()
    t, r = timed(ours); our_times.append(t); assert r.returncode == 0, r.stderr
    stats = json.loads(r.stdout)
    for _ in range(5):
        t, r = timed(ours); second.append(t); assert r.returncode == 0
cc_total = json.loads(r.stdout if False else subprocess.run(cc, capture_output=True, env=env).stdout)["totals"]
ours_total = json.loads(subprocess.run([bin, "--db", db, "--json", "tokens", "summary", "--since", "1970-01-01", "--tz", "UTC"],
                                       capture_output=True).stdout)["totals"]
print(f"first import:  aimcp {min(our_times)*1000:,.0f} ms (best of 2; {stats['requests_added']:,} requests added, "
      f"{stats['duplicates']:,} streamed duplicates skipped)")
print(f"ccusage daily --json --offline: {min(cc_times)*1000:,.0f} ms (best of 2, native binary)")
print(f"ratio ccusage / aimcp first import: {min(cc_times)/min(our_times):.2f}x")
second.sort()
print(f"second import, nothing new: median {second[len(second)//2]*1000:.1f} ms, min {second[0]*1000:.1f} ms (10 runs)")
print(f"cross-check: aimcp total ${ours_total['cost_usd']:,.2f} over {ours_total['total_tokens']:,} tokens; "
      f"ccusage total ${cc_total['totalCost']:,.2f} over {cc_total['totalTokens']:,} tokens")
PY
# the total against an exact sum computed apart from aimcp (rational arithmetic, built-in prices)
python3 bench/exact_claude_total.py "$home/.claude" "$bin" "$data/import-bench.db"
