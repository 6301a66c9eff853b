#!/usr/bin/env bash
# The client command the official conformance suite (@modelcontextprotocol/conformance) runs:
# it sets MCP_CONFORMANCE_SCENARIO and passes the server URL as the last argument.
# AIMCP is the aimcp binary to test.
set -euo pipefail
url="${!#}"
aimcp="${AIMCP:?set AIMCP to the aimcp binary}"
here="$(cd "$(dirname "$0")" && pwd)"
case "${MCP_CONFORMANCE_SCENARIO:-}" in
  auth/*)
    # OAuth: the browser is a script that follows the authorization server's redirect; the
    # tokens go to a folder of this run only; the suite's Client ID Metadata Document URL.
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    export XDG_DATA_HOME="$work/data" BROWSER="$here/open-url.sh"
    export AIMCP_OAUTH_CLIENT_METADATA_URL="https://conformance-test.local/client-metadata.json"
    if [ "$MCP_CONFORMANCE_SCENARIO" = auth/pre-registration ]; then
      # The suite passes the pre-registered client in MCP_CONFORMANCE_CONTEXT (JSON).
      ctx="${MCP_CONFORMANCE_CONTEXT:-}"
      id="$(printf '%s' "$ctx" | sed -n 's/.*"client_id":"\([^"]*\)".*/\1/p')"
      export CONFORMANCE_CLIENT_SECRET="$(printf '%s' "$ctx" | sed -n 's/.*"client_secret":"\([^"]*\)".*/\1/p')"
      "$aimcp" -C "$work" mcp add conformance "$url" >/dev/null
      "$aimcp" -C "$work" mcp login conformance --client-id "$id" \
        --client-secret-env CONFORMANCE_CLIENT_SECRET
      "$aimcp" -C "$work" mcp call conformance test-tool --timeout 20
    else
      "$aimcp" -C "$work" mcp call --url "$url" test-tool --timeout 20
    fi
    ;;
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
