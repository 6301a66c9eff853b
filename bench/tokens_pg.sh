#!/usr/bin/env bash
# The PostgreSQL ledger beside the SQLite one, same machine, same run, interleaved:
#   1. a bulk write of ROWS requests (`tokens sync` from a SQLite file when this build has it,
#      else `tokens record --jsonl` of the same rows: the same COPY + INSERT ... ON CONFLICT path),
#      goal >= 100k rows/s into a local PostgreSQL;
#   2. `tokens summary --days 30` on a ledger of BIG requests (goal < 150 ms);
#   3. `tokens record` of one request, the whole process (goal < 15 ms).
# Usage: bash bench/tokens_pg.sh [ROWS=1000000] [BIG=10000000] [RUNS=15]
# Needs PostgreSQL's programs (Debian: /usr/lib/postgresql/*/bin); starts a throwaway cluster
# (as nobody when run as root) on a free port and stops it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
BIG=${2:-10000000}
RUNS=${3:-15}

cargo build --release --locked -q
AIMCP=$PWD/target/release/aimcp
PGBIN=$(dirname "$(readlink -f "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")")
WORK=$(mktemp -d /tmp/aimcp-bench-pg.XXXXXX)
chmod 755 "$WORK"
AS=()
if [ "$(id -u)" = 0 ]; then chown nobody "$WORK"; AS=(setpriv --reuid=nobody --regid=nogroup --clear-groups); fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { "${AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
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
psql -d postgres -c "CREATE DATABASE bulk" ; psql -d postgres -c "CREATE DATABASE bulk_src" >/dev/null 2>&1 || true
if "$AIMCP" tokens sync --help >/dev/null 2>&1; then
  "$AIMCP" --db "$WORK/src.db" tokens record --jsonl "$WORK/rows.jsonl" >/dev/null
  t0=$(secs); "$AIMCP" --db "$WORK/src.db" tokens sync --to "$WORK/copy.db" >/dev/null; t1=$(secs)
  "$AIMCP" --db "$WORK/src.db" tokens sync --to "$(url bulk)" >/dev/null; t2=$(secs)
  what="tokens sync"
else
  t0=$(secs); "$AIMCP" --db "$WORK/copy.db" tokens record --jsonl "$WORK/rows.jsonl" >/dev/null; t1=$(secs)
  "$AIMCP" --db "$(url bulk)" tokens record --jsonl "$WORK/rows.jsonl" >/dev/null; t2=$(secs)
  what="tokens record --jsonl"
fi
sq=$(python3 -c "print(f'{$ROWS/($t1-$t0):.0f}')"); pg=$(python3 -c "print(f'{$ROWS/($t2-$t1):.0f}')")
echo "$what: sqlite $sq rows/s, postgresql $pg rows/s (postgresql/sqlite $(ratio "$pg" "$sq"))"
echo "   rows in postgresql: $(psql -d bulk -c 'SELECT count(*) FROM requests')"
if [ "$what" = "tokens sync" ]; then
  # the incremental case: nothing new to send
  t0=$(secs); "$AIMCP" --db "$WORK/src.db" tokens sync --to "$WORK/copy.db" >/dev/null; t1=$(secs)
  "$AIMCP" --db "$WORK/src.db" tokens sync --to "$(url bulk)" >/dev/null; t2=$(secs)
  echo "sync again, nothing new: sqlite $(python3 -c "print(f'{($t1-$t0)*1000:.0f}')") ms, postgresql $(python3 -c "print(f'{($t2-$t1)*1000:.0f}')") ms"
fi

echo "== 2. summary --days 30 on $BIG rows"
psql -d postgres -c "CREATE DATABASE big"
left=$BIG; chunk=1000000
while [ "$left" -gt 0 ]; do
  n=$(( left < chunk ? left : chunk )); gen "$n" | sed "s/\"r-/\"b$left-/" > "$WORK/chunk.jsonl"
  "$AIMCP" --db "$WORK/big.db" tokens record --jsonl "$WORK/chunk.jsonl" >/dev/null
  "$AIMCP" --db "$(url big)" tokens record --jsonl "$WORK/chunk.jsonl" >/dev/null
  left=$(( left - n ))
done
psql -d big -c "VACUUM ANALYZE" >/dev/null
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run_ms() { local t0 t1; t0=$(secs); "$@" >/dev/null; t1=$(secs); python3 -c "print(f'{($t1-$t0)*1000:.1f}')"; }
: > "$WORK/s.sq"; : > "$WORK/s.pg"
for _ in $(seq "$RUNS"); do
  run_ms "$AIMCP" --db "$WORK/big.db" tokens summary --days 30 >> "$WORK/s.sq"
  run_ms "$AIMCP" --db "$(url big)" tokens summary --days 30 >> "$WORK/s.pg"
done
a=$(median < "$WORK/s.sq"); b=$(median < "$WORK/s.pg")
echo "summary --days 30 (median of $RUNS): sqlite $a ms, postgresql $b ms (postgresql/sqlite $(ratio "$b" "$a"))"

echo "== 3. record of one request (whole process)"
: > "$WORK/r.sq"; : > "$WORK/r.pg"
for i in $(seq "$RUNS"); do
  run_ms "$AIMCP" --db "$WORK/big.db" tokens record --provider openai --model gpt-5 --input 1 --output 1 --request-id "one-$i" >> "$WORK/r.sq"
  run_ms "$AIMCP" --db "$(url big)" tokens record --provider openai --model gpt-5 --input 1 --output 1 --request-id "one-$i" >> "$WORK/r.pg"
done
a=$(median < "$WORK/r.sq"); b=$(median < "$WORK/r.pg")
echo "record (median of $RUNS): sqlite $a ms, postgresql $b ms (postgresql/sqlite $(ratio "$b" "$a"))"
