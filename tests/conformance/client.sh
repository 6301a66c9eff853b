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
    # Here `$BROWSER` is the suite's stand-in for a user; with `CI` set aimcp would rightly
    # neither open it nor sign in on its own.
    unset CI
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
  elicitation-sep1034-client-defaults)
    # The server asks for input; without a terminal aimcp answers with the schema's defaults
    # only when told to (AIMCP_ELICIT_DEFAULTS), the way a user pressing Enter would.
    AIMCP_ELICIT_DEFAULTS=1 exec "$aimcp" --no-input mcp call --url "$url" test_client_elicitation_defaults --timeout 20 ;;
  sep-2322-client-request-state)
    # Multi round-trip requests (2026-07-28): each tool answers `input_required` first.
    for tool in test_mrtr_echo_state test_mrtr_unrelated test_mrtr_no_state test_mrtr_no_result_type; do
      "$aimcp" --no-input mcp call --url "$url" "$tool" --timeout 20
    done ;;
  http-standard-headers)
    "$aimcp" --no-input mcp test --url "$url" --timeout 20
    "$aimcp" --no-input mcp call --url "$url" test_headers --timeout 20
    "$aimcp" --no-input mcp call --url "$url" my-hyphenated-tool --timeout 20 ;;
  http-custom-headers)
    # The suite names the calls in MCP_CONFORMANCE_CONTEXT: `{"toolCalls": [{name, arguments}]}`.
    node -e 'for (const c of JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT).toolCalls)
               console.log(c.name + "\t" + JSON.stringify(c.arguments))' |
      while IFS=$'\t' read -r tool args; do
        "$aimcp" --no-input mcp call --url "$url" "$tool" --args "$args" --timeout 20 </dev/null
      done ;;
  http-invalid-tool-headers)
    # Tools with an invalid `x-mcp-header` are left out of the list: calling them fails here.
    "$aimcp" --no-input mcp call --url "$url" valid_tool --args '{"region": "us-west1"}' --timeout 20
    for tool in invalid_empty_header invalid_object_header invalid_array_header; do
      ! "$aimcp" --no-input mcp call --url "$url" "$tool" --args '{}' --timeout 20 2>/dev/null
    done ;;
  *)
    # Other scenarios: the handshake, ping and the tool list.
    exec "$aimcp" --no-input mcp test --url "$url" --timeout 20 ;;
esac
