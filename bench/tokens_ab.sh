#!/usr/bin/env bash
# A/B benchmark of two release binaries of aimcp on the usage store, interleaved so that both
# see the same machine load (run it on a quiet machine, or with `nice` and read the ratios):
#   1. `tokens record --jsonl` of ROWS generated rows into a new store (rows/s), ROUNDS rounds,
#      alternating which binary goes first
#   2. `tokens record --jsonl` of ROWS/5 more rows into that store
#   3. `tokens record` of one request, whole process, RUNS runs each, interleaved
#   4. `tokens summary --days 30 --by model`, 20 runs each, interleaved
# Each binary gets its own store (their schemas may differ). Prints medians and new/old ratios.
# Usage: bash bench/tokens_ab.sh OLD_BIN NEW_BIN [ROWS] [ROUNDS] [RUNS]
#        (defaults 1,000,000 rows, 3 rounds, 200 runs; data under bench/data/ab, gitignored)
set -euo pipefail
cd "$(dirname "$0")/.."
old=$(realpath "$1")
new=$(realpath "$2")
rows=${3:-1000000}
rounds=${4:-3}
runs=${5:-200}
data=$PWD/bench/data/ab
mkdir -p "$data"
python3 - "$old" "$new" "$rows" "$rounds" "$runs" "$data" <<'PY'
import datetime, os, random, statistics, subprocess, sys, time
old, new, rows, rounds, runs, data = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]

def generate(n, path, seed, first, days):
    # the same shape as bench/tokens_store.sh: random request ids, 8 models, 5 users, 6 projects
    if os.path.exists(path):
        return
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

first = os.path.join(data, f"rows-{rows}.jsonl")
more = os.path.join(data, f"more-{rows // 5}.jsonl")
generate(rows, first, 7, 31, 30)
generate(rows // 5, more, 8, 1, 1)
bins = {"old": old, "new": new}
db = {k: os.path.join(data, f"{k}.db") for k in bins}

def fresh(path):
    for s in ("", "-wal", "-shm"):
        if os.path.exists(path + s):
            os.remove(path + s)

def run(name, args, stdin=None):
    t = time.perf_counter()
    r = subprocess.run([bins[name], "--db", db[name]] + args, stdin=stdin,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t
    assert r.returncode == 0, (name, args, r.stderr)
    return dt

print(f"old: {old}\nnew: {new}")
big = {"old": [], "new": []}
grow = {"old": [], "new": []}
for i in range(rounds):
    order = ["old", "new"] if i % 2 == 0 else ["new", "old"]
    for name in order:
        fresh(db[name])
        big[name].append(rows / run(name, ["tokens", "record", "--jsonl", first]))
        grow[name].append((rows // 5) / run(name, ["tokens", "record", "--jsonl", more]))
for label, d in (("record --jsonl, new store", big), (f"record --jsonl of {rows // 5:,} more", grow)):
    o, n = statistics.median(d["old"]), statistics.median(d["new"])
    print(f"{label}: old {o:,.0f} rows/s, new {n:,.0f} rows/s (medians of {rounds}); new/old {n / o:.3f}")

def interleaved(args, count):
    times = {"old": [], "new": []}
    for i in range(count):
        for name in (["old", "new"] if i % 2 == 0 else ["new", "old"]):
            times[name].append(run(name, args) * 1000)
    return times

one = ["tokens", "record", "--provider", "anthropic", "--model", "claude-sonnet-4-5", "--input", "1200",
       "--output", "300", "--cache-read", "20000"]
interleaved(one, 5)  # warm up
t = interleaved(one, runs)
o, n = statistics.median(t["old"]), statistics.median(t["new"])
print(f"single record ({runs} runs each, interleaved): old median {o:.2f} ms, new median {n:.2f} ms; "
      f"new/old {n / o:.3f}")
t = interleaved(["tokens", "summary", "--days", "30", "--by", "model", "--tz", "UTC"], 20)
o, n = statistics.median(t["old"]), statistics.median(t["new"])
print(f"summary --days 30 --by model (20 runs each): old median {o:.1f} ms, new median {n:.1f} ms; "
      f"new/old {n / o:.3f}")
PY
