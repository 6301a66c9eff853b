#!/usr/bin/env bash
# Benchmark: `aimcp mcp list` of 50 servers and `aimcp mcp sync` of 6 clients (Cursor, VS Code,
# Codex, Gemini CLI, Windsurf, Claude Desktop) from a `.mcp.json` of 50 servers, some with tools
# switched off. Prints wall-time figures; the targets are list < 10 ms, sync < 50 ms.
# Usage: bash bench/sync.sh [RUNS]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100}
cargo build --release --quiet
bin=$PWD/target/release/aimcp
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/project"
python3 - "$work/project" <<'PY'
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
    if i % 5 == 0:
        servers[f"s{i}"]["disabledTools"] = ["tool1", "tool2"]
    tools[f"s{i}"] = {"tools": [{"name": f"tool{j}", "description": "x" * 200,
                                 "inputSchema": {"type": "object", "properties": {"a": {"type": "string"}}}}
                                for j in range(20)]}
json.dump({"mcpServers": servers}, open(f"{d}/.mcp.json", "w"), indent=2)
json.dump(tools, open(f"{d}/.mcp.tools.json", "w"), indent=2)
PY
python3 - "$bin" "$work" "$runs" <<'PY'
import os, shutil, sys, time, statistics
bin, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
d = f"{work}/project"
env = dict(os.environ, HOME=work, XDG_CONFIG_HOME=f"{work}/.config")
devnull = os.open(os.devnull, os.O_WRONLY)
clients = ["cursor", "vscode", "codex", "gemini", "windsurf", "claude-desktop"]
files = [f"{d}/.cursor", f"{d}/.vscode", f"{d}/.codex", f"{d}/.gemini",
         f"{work}/.codeium", f"{work}/.config/Claude"]
def one(argv, before=None):
    if before:
        before()
    t = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.chdir(d); os.dup2(devnull, 1); os.dup2(devnull, 2)
        os.execve(argv[0], argv, env)
    _, status, ru = os.wait4(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, argv
    return (time.perf_counter() - t) * 1000, (ru.ru_utime + ru.ru_stime) * 1000
def bench(argv, before=None):
    wall, cpu = zip(*(one(argv, before) for _ in range(runs)))
    wall = sorted(wall)
    return statistics.mean(wall), wall[len(wall) // 2], wall[int(len(wall) * 0.95)], statistics.mean(cpu)
def clean():
    for f in files:
        shutil.rmtree(f, ignore_errors=True)
print(f"load average before: {os.getloadavg()[0]:.2f} (wall times grow with load; CPU time does not)")
_, p50, _, cpu = bench(["/bin/true"])
print(f"process start floor (/bin/true): median {p50:.2f} ms wall, {cpu:.2f} ms CPU")
sync = [bin, "mcp", "sync"] + [a for c in clients for a in ("--client", c)]
cases = [
    ("mcp list", [bin, "mcp", "list"], None, 10),
    ("sync, writing 6", sync, clean, 50),
    ("sync, up to date", sync, None, 50),
    ("sync --check", sync + ["--check"], None, 50),
]
for label, argv, before, target in cases:
    mean, p50, p95, cpu = bench(argv, before)
    print(f"{label:17} 50 servers, {runs} runs: wall mean {mean:.2f} ms, median {p50:.2f} ms, p95 {p95:.2f} ms; CPU {cpu:.2f} ms (target < {target} ms)")
PY
