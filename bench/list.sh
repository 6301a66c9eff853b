#!/usr/bin/env bash
# Benchmark: `aimcp mcp list` (text and --json) on a `.mcp.json` with 50 servers and a
# `.mcp.tools.json` with 50 entries. Prints wall-time figures; the target is under 10 ms.
# Usage: bash bench/list.sh [RUNS]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
cargo build --release --quiet
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
python3 - "$bin" "$work" "$runs" <<'PY'
import subprocess, sys, time, statistics, resource
bin, d, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
def bench(args):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([bin, *args], cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.mean(times), times[len(times) // 2], times[int(len(times) * 0.95)]
base = []
for _ in range(runs):
    t = time.perf_counter(); subprocess.run(["/bin/true"], check=True); base.append((time.perf_counter() - t) * 1000)
base.sort()
print(f"process start floor (/bin/true): median {base[len(base)//2]:.2f} ms")
for label, args in [("mcp list", ["mcp", "list"]), ("mcp list --json", ["mcp", "list", "--json"])]:
    mean, p50, p95 = bench(args)
    print(f"{label:16} 50 servers, {runs} runs: mean {mean:.2f} ms, median {p50:.2f} ms, p95 {p95:.2f} ms (target < 10 ms)")
PY
