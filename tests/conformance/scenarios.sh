# Sourced by server.sh and rounds.sh: runs the suite's server scenarios `scenarios[@]` against
# `$url` with `$node "$suite"` (and any extra suite arguments given), printing one line a
# scenario, `pass  NAME  (counts)` or `FAIL  NAME  (counts)` with the suite's failures and
# warnings under it. Sets `passed` (a count) and `failed` (the names).
run_scenarios() {
  passed=0
  failed=()
  local s out counts
  for s in "${scenarios[@]}"; do
    out=$(timeout 120 "$node" "$suite" server --url "$url" --scenario "$s" "$@" 2>&1 || true)
    counts=$(grep -E '^Passed:' <<<"$out" | tail -1 || true)
    if [[ "$counts" =~ ^Passed:\ ([0-9]+)/([0-9]+),\ 0\ failed ]]; then
      echo "pass  $s  ($counts)"
      passed=$((passed + 1))
    else
      echo "FAIL  $s  (${counts:-no result})"
      failed+=("$s")
    fi
    grep -E 'FAILURE|WARNING|Error:' <<<"$out" | sed 's/\x1b\[[0-9;]*m//g; s/^/        /' | head -5 || true
  done
}
