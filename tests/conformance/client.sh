#!/usr/bin/env bash
# The client command the official conformance suite (@modelcontextprotocol/conformance) runs:
# it sets MCP_CONFORMANCE_SCENARIO and passes the server URL as the last argument.
# AIMCP is the aimcp binary to test.
set -euo pipefail
url="${!#}"
aimcp="${AIMCP:?set AIMCP to the aimcp binary}"
case "${MCP_CONFORMANCE_SCENARIO:-}" in
  initialize)
    exec "$aimcp" --no-input mcp test --url "$url" --timeout 20 ;;
  tools_call)
    exec "$aimcp" --no-input mcp call --url "$url" add_numbers --args '{"a": 5, "b": 3}' --timeout 20 ;;
  sse-retry)
    exec "$aimcp" --no-input mcp call --url "$url" test_reconnection --timeout 20 ;;
  *)
    # Other scenarios: the handshake, ping and the tool list.
    exec "$aimcp" --no-input mcp test --url "$url" --timeout 20 ;;
esac
