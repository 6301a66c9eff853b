#!/usr/bin/env bash
# Renders the HTML report headless in Debian's Chromium to a PNG, so a person can look at what a
# user sees (light, dark, and printed to PDF). Not run in CI. Usage: bash bench/report_render.sh [OUT.png]
#   (installs chromium with apt-get when it is missing)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$PWD/bench/data/report.png}
mkdir -p "$(dirname "$out")"
command -v chromium >/dev/null || apt-get install -y chromium >/dev/null
cargo build --quiet
bin=$PWD/target/debug/aimcp
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# 40 days of three models for two users, a spike on one day, budgets
python3 - "$tmp/rows.jsonl" <<'PY'
import json, sys, random
random.seed(3)
with open(sys.argv[1], "w") as f:
    for day in range(1, 41):
        d = f"2026-{10 + (day > 31):02d}-{(day - 1) % 31 + 1:02d}"
        n = 30 if day != 33 else 120
        for i in range(n):
            m = ["claude-opus-4-5", "claude-sonnet-4-5", "gpt-5", "claude-haiku-4-5"][i % 4]
            p = "openai" if m == "gpt-5" else "anthropic"
            f.write(json.dumps({"provider": p, "model": m, "input": random.randrange(500, 8000),
                "output": random.choice([80, 150, 900, 2500]), "cache_read": random.randrange(0, 40000),
                "cache_write": random.choice([0, 0, 4000]), "user": ["ann", "bob"][i % 2],
                "project": ["web", "api"][i % 2], "session": f"s{day}-{i // 6}",
                "request_id": f"r{day}-{i}", "latency_ms": random.randrange(300, 4000),
                "at": f"{d}T{8 + i % 12:02d}:{i % 60:02d}:00Z"}) + "\n")
PY
export AIMCP_NOW=2026-11-09T15:00:00Z TZ=UTC
"$bin" --db "$tmp/u.db" tokens record --jsonl "$tmp/rows.jsonl" >/dev/null
"$bin" --db "$tmp/u.db" tokens budget set --monthly 150 >/dev/null
"$bin" --db "$tmp/u.db" tokens budget set --daily 12 >/dev/null
"$bin" --db "$tmp/u.db" tokens report --days 30 --output "$tmp/report.html"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$tmp/profile" \
  --screenshot="$out" --window-size=1200,2400 "file://$tmp/report.html" 2>/dev/null
# the same in dark mode (`prefers-color-scheme: dark`), and printed (the print stylesheet, to PDF)
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$tmp/profile" \
  --force-dark-mode --screenshot="${out%.png}-dark.png" --window-size=1200,2400 \
  "file://$tmp/report.html" 2>/dev/null
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$tmp/profile" \
  --no-pdf-header-footer --print-to-pdf="${out%.png}.pdf" "file://$tmp/report.html" 2>/dev/null
cp "$tmp/report.html" "${out%.png}.html"
echo "wrote $out"
