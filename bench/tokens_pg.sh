#!/usr/bin/env bash
# The PostgreSQL ledger beside the SQLite one, same machine, same run, interleaved:
#   1. a bulk write of ROWS requests (`tokens sync` from a SQLite file when this build has it,
#      else `tokens record --jsonl` of the same rows: the same COPY + INSERT ... ON CONFLICT path),
#      goal >= 100k rows/s into a local PostgreSQL;
#   2. `tokens summary --days 30` on a ledger of BIG requests (goal < 150 ms), and `tokens
#      report --days 30` on it;
#   3. `tokens record` of one request, the whole process (goal < 15 ms).
# Usage: bash bench/tokens_pg.sh [ROWS=1000000] [BIG=10000000] [RUNS=15]
#   OLD=/path/to/old/aimcp: every figure also for the old binary, interleaved with the new
#   one's, with new/old ratios (NEWFIRST=1: the new one first in each pair). BIG=0 skips part 2 (part 3 then records into part 1's ledger).
# Needs PostgreSQL's programs (Debian: /usr/lib/postgresql/*/bin); starts a throwaway cluster
# (as nobody when run as root) on a free port and stops it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
BIG=${2:-10000000}
RUNS=${3:-15}

cargo build --release --locked -q
# both binaries run from copies in one folder (the same file system, the same cache state)
OLD=${OLD:-}
PGBIN=$(dirname "$(readlink -f "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")")
WORK=$(mktemp -d /tmp/aimcp-bench-pg.XXXXXX)
chmod 755 "$WORK"
AS=()
if [ "$(id -u)" = 0 ]; then chown nobody "$WORK"; AS=(setpriv --reuid=nobody --regid=nogroup --clear-groups); fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { "${AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
cp target/release/aimcp "$WORK/aimcp-new"; AIMCP=$WORK/aimcp-new
BINS=(new)
if [ -n "$OLD" ]; then
  cp "$OLD" "$WORK/aimcp-old"
  if [ -n "${NEWFIRST:-}" ]; then BINS=(new old); else BINS=(old new); fi
fi
bin() { echo "$WORK/aimcp-$1"; }
echo bench > "$WORK/pw"
"${AS[@]}" "$PGBIN/initdb" -D "$WORK/data" -U aimcp --pwfile="$WORK/pw" --auth-host=scram-sha-256 \
  --auth-local=trust -E UTF8 --locale=C >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/log" -w -o \
  "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$WORK -c shared_buffers=256MB -c max_wal_size=4GB" \
  start >/dev/null
export PGPASSWORD=bench AIMCP_MACHINE=bench TZ=UTC
psql() { "$PGBIN/psql" -X -q -A -t -h 127.0.0.1 -p "$PORT" -U aimcp "$@"; }
url() { echo "postgres://aimcp@127.0.0.1:$PORT/$1"; }

# N requests over the last 30 days, a quarter without a request id
gen() {
  python3 - "$1" <<'EOF'
import sys, time
n = int(sys.argv[1]); now = int(time.time() * 1000); span = 30 * 86_400_000
models = ["claude-sonnet-4-5", "claude-haiku-4-5", "gpt-5", "gpt-5-mini"]
out = sys.stdout
for i in range(n):
    ts = now - span + (i * 7919 % span)
    at = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts / 1000)) + ".%03dZ" % (ts % 1000)
    rid = "" if i % 4 == 0 else ',"request_id":"r-%d"' % i
    out.write('{"provider":"%s","model":"%s","input":%d,"output":%d,"user":"u%d","project":"p%d","at":"%s"%s}\n'
              % ("anthropic" if i % 4 < 2 else "openai", models[i % 4], i % 5000 + 1, i % 700, i % 17, i % 5, at, rid))
EOF
}

# the clock without a process of its own (a python3 start, ~20 ms, was inside every figure)
secs() { echo "$EPOCHREALTIME"; }
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}x' if b else '-')" "$1" "$2"; }

echo "== 1. bulk write of $ROWS rows"
gen "$ROWS" > "$WORK/rows.jsonl"
"$AIMCP" --db "$WORK/src.db" tokens record --jsonl "$WORK/rows.jsonl" >/dev/null
for b in "${BINS[@]}"; do
  psql -d postgres -c "CREATE DATABASE bulk_$b"
  t0=$(secs); "$(bin "$b")" --db "$WORK/src.db" tokens sync --to "$WORK/copy-$b.db" >/dev/null; t1=$(secs)
  "$(bin "$b")" --db "$WORK/src.db" tokens sync --to "$(url "bulk_$b")" >/dev/null; t2=$(secs)
  sq=$(python3 -c "print(f'{$ROWS/($t1-$t0):.0f}')"); pg=$(python3 -c "print(f'{$ROWS/($t2-$t1):.0f}')")
  echo "$b tokens sync: sqlite $sq rows/s, postgresql $pg rows/s (postgresql/sqlite $(ratio "$pg" "$sq"))"
  echo "$sq" > "$WORK/sync-sq-$b"; echo "$pg" > "$WORK/sync-pg-$b"
  echo "   rows in postgresql: $(psql -d "bulk_$b" -c 'SELECT count(*) FROM requests')"
  # the incremental case: nothing new to send
  t0=$(secs); "$(bin "$b")" --db "$WORK/src.db" tokens sync --to "$WORK/copy-$b.db" >/dev/null; t1=$(secs)
  "$(bin "$b")" --db "$WORK/src.db" tokens sync --to "$(url "bulk_$b")" >/dev/null; t2=$(secs)
  echo "$b sync again, nothing new: sqlite $(python3 -c "print(f'{($t1-$t0)*1000:.0f}')") ms, postgresql $(python3 -c "print(f'{($t2-$t1)*1000:.0f}')") ms"
done
if [ -n "$OLD" ]; then
  echo "sync new/old: sqlite $(ratio "$(cat "$WORK/sync-sq-new")" "$(cat "$WORK/sync-sq-old")"), postgresql $(ratio "$(cat "$WORK/sync-pg-new")" "$(cat "$WORK/sync-pg-old")")"
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run_ms() {
  local t0 t1
  t0=$(secs)
  if ! "$@" >/dev/null 2>"$WORK/err"; then echo "failed: $* ($(cat "$WORK/err"))" >&2; exit 1; fi
  t1=$(secs)
  python3 -c "print(f'{($t1-$t0)*1000:.1f}')"
}
# the PostgreSQL ledger each binary reads: with OLD, the old binary's (an older schema) and a
# copy of it for the new binary
LOADER=$AIMCP
[ -z "$OLD" ] || LOADER=$WORK/aimcp-old
big() { if [ -n "$OLD" ] && [ "$1" = new ]; then url big_new; else url big; fi; }
if [ "$BIG" -gt 0 ]; then
echo "== 2. summary --days 30 on $BIG rows"
psql -d postgres -c "CREATE DATABASE big"
left=$BIG; chunk=1000000
while [ "$left" -gt 0 ]; do
  n=$(( left < chunk ? left : chunk )); gen "$n" | sed "s/\"r-/\"b$left-/" > "$WORK/chunk.jsonl"
  "$AIMCP" --db "$WORK/big.db" tokens record --jsonl "$WORK/chunk.jsonl" >/dev/null
  "$LOADER" --db "$(url big)" tokens record --jsonl "$WORK/chunk.jsonl" >/dev/null
  left=$(( left - n ))
done
psql -d big -c "VACUUM ANALYZE" >/dev/null
if [ -n "$OLD" ]; then
  # the new binary's copy of the old binary's ledger (a newer schema cannot be read by the old)
  psql -d postgres -c "CREATE DATABASE big_new TEMPLATE big"
  t0=$(secs); "$AIMCP" --db "$(url big_new)" tokens summary --days 1 >/dev/null; t1=$(secs)
  echo "migration of the old binary's ledger by the new one: $(python3 -c "print(f'{($t1-$t0):.1f}')") s"
  psql -d big_new -c "VACUUM ANALYZE" >/dev/null
fi
# both_stores TAG RUNS ARGS...: `aimcp ARGS` on the SQLite and the PostgreSQL ledger, RUNS
# times per binary, interleaved; prints the medians and the ratios
both_stores() {
  local tag=$1 runs=$2 b x y; shift 2
  for b in "${BINS[@]}"; do : > "$WORK/$tag.sq.$b"; : > "$WORK/$tag.pg.$b"; done
  for _ in $(seq "$runs"); do
    for b in "${BINS[@]}"; do
      run_ms "$(bin "$b")" --db "$WORK/big.db" "$@" >> "$WORK/$tag.sq.$b"
      run_ms "$(bin "$b")" --db "$(big "$b")" "$@" >> "$WORK/$tag.pg.$b"
    done
  done
  for b in "${BINS[@]}"; do
    x=$(median < "$WORK/$tag.sq.$b"); y=$(median < "$WORK/$tag.pg.$b"); echo "$y" > "$WORK/$tag.med.$b"
    echo "$b $* (median of $runs): sqlite $x ms, postgresql $y ms (postgresql/sqlite $(ratio "$y" "$x"))"
  done
  [ -z "$OLD" ] || echo "$* postgresql new/old: $(ratio "$(cat "$WORK/$tag.med.new")" "$(cat "$WORK/$tag.med.old")")"
}
both_stores s "$RUNS" tokens summary --days 30
both_stores p 5 tokens report --days 30 --format json
else
cp "$WORK/src.db" "$WORK/big.db"
fi

echo "== 3. record of one request (whole process)"
for b in "${BINS[@]}"; do : > "$WORK/r.sq.$b"; : > "$WORK/r.pg.$b"; done
for i in $(seq "$RUNS"); do
  for b in "${BINS[@]}"; do
    run_ms "$(bin "$b")" --db "$WORK/big.db" tokens record --provider openai --model gpt-5 --input 1 --output 1 --request-id "one-$b-$i" >> "$WORK/r.sq.$b"
    if [ "$BIG" -gt 0 ]; then rec=$(big "$b"); else rec=$(url "bulk_$b"); fi
    run_ms "$(bin "$b")" --db "$rec" tokens record --provider openai --model gpt-5 --input 1 --output 1 --request-id "one-$b-$i" >> "$WORK/r.pg.$b"
  done
done
for b in "${BINS[@]}"; do
  x=$(median < "$WORK/r.sq.$b"); y=$(median < "$WORK/r.pg.$b"); echo "$y" > "$WORK/r.med.$b"
  echo "$b record (median of $RUNS): sqlite $x ms, postgresql $y ms (postgresql/sqlite $(ratio "$y" "$x"))"
done
[ -z "$OLD" ] || echo "record postgresql new/old: $(ratio "$(cat "$WORK/r.med.new")" "$(cat "$WORK/r.med.old")")"
true
