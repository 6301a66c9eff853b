#!/usr/bin/env python3
"""Benchmark: `aimcp mcp discover --concurrency 8` over 8 warm stdio servers vs a minimal driver
doing the same 8 bare handshakes (initialize + tools/list) in parallel.

Prints the median wall times, their ratio, and aimcp's own CPU time per server (read from
/proc/<pid>/stat while aimcp is a zombie, so the servers' CPU is not counted).

Usage: python3 bench/discover_vs_bare.py [--aimcp target/release/aimcp] [--runs 7]
Needs the test servers (run `cargo test --test it mcp_client::install_is_idempotent` once).
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target/test-servers/node_modules/.bin")
SERVERS = ["mcp-server-everything"] * 4 + ["mcp-server-memory"] * 2 + ["mcp-server-sequential-thinking"] * 2
TICK = os.sysconf("SC_CLK_TCK")


def run_measured(argv, cwd, env=None):
    """Runs argv; returns (wall seconds, own user+sys CPU seconds, stdout)."""
    start = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    out = p.stdout.read()
    os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
    wall = time.perf_counter() - start
    with open(f"/proc/{p.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14, 15)
    p.wait()
    return wall, own, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aimcp", default=os.path.join(ROOT, "target/release/aimcp"))
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--cold", action="store_true", help="delete .mcp.tools.json before each aimcp run, so every token footprint is counted (the tokenizer is loaded)")
    args = ap.parse_args()
    args.aimcp = os.path.abspath(args.aimcp)
    commands = [os.path.join(BIN, s) for s in SERVERS]
    project = tempfile.mkdtemp(prefix="aimcp-bench-")
    servers = {}
    for i, c in enumerate(commands):
        servers[f"s{i}"] = {"command": c, "env": {"MEMORY_FILE_PATH": os.path.join(project, f"m{i}.jsonl")}}
    with open(os.path.join(project, ".mcp.json"), "w") as f:
        json.dump({"mcpServers": servers}, f)
    env = dict(os.environ, NO_COLOR="1")
    aimcp = [args.aimcp, "mcp", "discover", "--concurrency", "8", "--json"]
    bare = ["node", os.path.join(ROOT, "bench/bare_handshakes.js"), *commands]

    # Warm up: disk cache, node's compile cache, the tokenizer.
    for _ in range(2):
        run_measured(aimcp, project, env)
        run_measured(bare, project, env)
    a_wall, a_cpu, b_wall = [], [], []
    tools_file = os.path.join(project, ".mcp.tools.json")
    for _ in range(args.runs):
        if args.cold and os.path.exists(tools_file):
            os.remove(tools_file)
        w, c, out = run_measured(aimcp, project, env)
        doc = json.loads(out)
        assert all(s["ok"] for s in doc["servers"]), doc
        a_wall.append(w)
        a_cpu.append(c)
        w, _, out = run_measured(bare, project, env)
        assert len(json.loads(out)) == len(commands)
        b_wall.append(w)
    aw, bw, ac = statistics.median(a_wall), statistics.median(b_wall), statistics.median(a_cpu)
    print(f"mode: {'cold (.mcp.tools.json deleted before each run)' if args.cold else 'warm (.mcp.tools.json from the previous run)'}")
    print(f"servers: {len(commands)} stdio ({', '.join(sorted(set(SERVERS)))}), runs: {args.runs}, cores: {os.cpu_count()}")
    print(f"aimcp mcp discover --concurrency 8: median wall {aw * 1000:.0f} ms (min {min(a_wall) * 1000:.0f}, max {max(a_wall) * 1000:.0f})")
    print(f"bare handshakes (node driver):      median wall {bw * 1000:.0f} ms (min {min(b_wall) * 1000:.0f}, max {max(b_wall) * 1000:.0f})")
    print(f"wall-time ratio aimcp / bare: {aw / bw:.2f}x (target <= 1.15x)")
    print(f"aimcp own CPU (user+sys): median {ac * 1000:.0f} ms total, {ac * 1000 / len(commands):.1f} ms per server (target < 20 ms)")


if __name__ == "__main__":
    main()
