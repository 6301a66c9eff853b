#!/usr/bin/env bash
# Benchmark: `aimcp mcp stats` over a call ledger of CALLS rows. Prints figures; not run in CI.
#   1. fills a new store with CALLS tool calls over 30 days through CallRecorder, the gateway's
#      writer (bench/fill_calls.rs): calls/s, and the longest `record()` (it must never block)
#   2. times `mcp stats --days 30` by server, tool and day, and `--days 1`, whole process
#      (best and median wall time of 5 runs each, and median CPU time, which a loaded machine
#      disturbs less; target < 1 s at a million calls)
# Usage: bash bench/mcp_stats.sh [CALLS]   (default 1,000,000; data under bench/data/, gitignored)
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-1000000}
cargo build --release --quiet --bin aimcp --example fill_calls
bin=$PWD/target/release/aimcp
fill=$PWD/target/release/examples/fill_calls
data=$PWD/bench/data/calls
mkdir -p "$data"
db=$data/usage-$calls.db
rm -f "$db" "$db-wal" "$db-shm"
"$fill" "$db" "$calls" 30
echo "store: $(du -h "$db" | cut -f1) for $calls calls"
time_runs() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
args = sys.argv[1:]
wall, cpu = [], []
for _ in range(5):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    wall.append((time.perf_counter() - t) * 1000)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu.append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
wall.sort(); cpu.sort()
print(f"{' '.join(args[3:]):45} wall best {wall[0]:7.1f} ms median {wall[2]:7.1f} ms; "
      f"cpu median {cpu[2]:6.1f} ms")
PY
}
for by in server tool day; do
  time_runs "$bin" --db "$db" mcp stats --days 30 --by "$by" --tz UTC
done
time_runs "$bin" --db "$db" mcp stats --days 1 --by tool --tz UTC
"$bin" --db "$db" mcp stats --days 30 --by server --tz UTC
