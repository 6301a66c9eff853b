#!/usr/bin/env bash
# The gateway's cost: added latency of `aimcp mcp serve` over calling server-everything's `echo`
# directly (p50/p99 over CALLS calls, interleaved), calls/s with 16 in flight, and the gateway's
# RSS while it fronts 4 upstreams (everything, memory, sequential-thinking, time).
#
# Usage: bash bench/gateway.sh [AIMCP_BIN] [CALLS]
#   AIMCP_BIN defaults to target/release/aimcp (build it with `cargo build --release`).
#   The servers are the pinned ones the tests install under target/test-servers
#   (run `cargo test --test it gateway::` once first).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/release/aimcp}")
calls=${2:-10000}
servers=$(realpath target/test-servers)
everything=$servers/node_modules/.bin/mcp-server-everything
for p in "$bin" "$everything" "$servers/node_modules/.bin/mcp-server-memory" \
  "$servers/node_modules/.bin/mcp-server-sequential-thinking" "$servers/venv/bin/mcp-server-time"; do
  [[ -x $p ]] || { echo "missing $p" >&2; exit 2; }
done
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/.mcp.json" <<JSON
{"mcpServers": {
  "everything": {"command": "$everything"},
  "memory": {"command": "$servers/node_modules/.bin/mcp-server-memory"},
  "thinking": {"command": "$servers/node_modules/.bin/mcp-server-sequential-thinking"},
  "time": {"command": "$servers/venv/bin/mcp-server-time"}
}}
JSON
echo "aimcp: $bin ($("$bin" --version))"
AIMCP_DB="$dir/usage.db" node bench/gateway_latency.js "$everything" "$bin -C $dir mcp serve" "$calls" 16
