#!/usr/bin/env bash
# Benchmark: `aimcp mcp list` (text and --json) on a `.mcp.json` with 50 servers and a
# `.mcp.tools.json` with 50 entries. Prints wall-time figures; the target is under 10 ms.
# Usage: bash bench/list.sh [RUNS] [OLD_BINARY]   (builds the release binary first)
# With OLD_BINARY (say a copy of an earlier build), both are run interleaved, run for run, and
# the ratio new/old is printed beside the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
old=${2:-}
cargo build --release --locked --quiet
bin=$PWD/target/release/aimcp
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import json, sys
d = sys.argv[1]
servers, tools = {}, {}
for i in range(50):
    if i % 3 == 0:
        servers[f"s{i}"] = {"type": "http", "url": f"https://example.com/{i}/mcp",
                            "headers": {"Authorization": "Bearer ${TOKEN_%d}" % i}}
    else:
        servers[f"s{i}"] = {"command": "npx", "args": ["-y", f"@example/server-{i}", "--flag"],
                            "env": {"API_KEY": "${API_KEY}", "DEBUG": "1"}}
    tools[f"s{i}"] = {"tools": [{"name": f"tool{j}", "description": "x" * 200,
                                 "inputSchema": {"type": "object", "properties": {"a": {"type": "string"}}}}
                                for j in range(20)]}
json.dump({"mcpServers": servers}, open(f"{d}/.mcp.json", "w"), indent=2)
json.dump(tools, open(f"{d}/.mcp.tools.json", "w"), indent=2)
PY
# Both binaries run from copies in the same folder: the file system a binary is paged in from
# changes its start-up time (here /tmp against the overlay that holds target/: 30%).
cp "$bin" "$work/aimcp-new"
bin=$work/aimcp-new
if [ -n "$old" ]; then cp "$old" "$work/aimcp-old"; old=$work/aimcp-old; fi
python3 - "$bin" "$work" "$runs" "$old" <<'PY'
import os, sys, time, statistics
bin, d, runs, old = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
devnull = os.open(os.devnull, os.O_WRONLY)
os.chdir(d)
# posix_spawn (vfork + exec), as a shell or an agent starts a command: a fork of this Python
# process alone costs about 4 ms here (its page tables), which is not aimcp's time.
def one(argv):
    t = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status, ru = os.wait4(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return (time.perf_counter() - t) * 1000, (ru.ru_utime + ru.ru_stime) * 1000
def figures(samples):
    wall, cpu = zip(*samples)
    wall, cpu = sorted(wall), sorted(cpu)
    return statistics.mean(wall), wall[len(wall) // 2], wall[int(len(wall) * 0.95)], statistics.mean(cpu)
def bench(argv):
    return figures([one(argv) for _ in range(runs)])
print(f"load average before: {os.getloadavg()[0]:.2f} (wall times grow with load; CPU time does not)")
_, p50, _, cpu = bench(["/bin/true"])
print(f"process start floor (/bin/true): median {p50:.2f} ms wall, {cpu:.2f} ms CPU")
for label, args in [("mcp list", ["mcp", "list"]), ("mcp list --json", ["mcp", "list", "--json"])]:
    mean, p50, p95, cpu = bench([bin, *args])
    print(f"{label:16} 50 servers, {runs} runs: wall mean {mean:.2f} ms, median {p50:.2f} ms, p95 {p95:.2f} ms; CPU {cpu:.2f} ms (target < 10 ms)")
if old:
    print(f"interleaved A/B against {old}:")
    for label, args in [("mcp list", ["mcp", "list"]), ("mcp list --json", ["mcp", "list", "--json"])]:
        a, b = [], []
        for _ in range(runs):
            b.append(one([old, *args]))
            a.append(one([bin, *args]))
        (_, na, _, ca), (_, nb, _, cb) = figures(a), figures(b)
        print(f"{label:16} new median {na:.2f} ms (CPU {ca:.2f}), old median {nb:.2f} ms (CPU {cb:.2f}); new/old {na / nb:.2f} wall, {ca / cb:.2f} CPU")
PY
