#!/usr/bin/env bash
# keyctl serve on the 1M-key data set beside a store that holds one key, under
# the same wrk load, rounds alternating.
#
# Usage: benches/serve/scale.sh SCALE_DB [ROUNDS] [SECONDS]   (defaults: 3 rounds of 10 s)
#
# SCALE_DB is built by `cargo run --release --example scale_dataset -- SCALE_DB`
# (1,000,000 keys, 10,000,000 requests, 100,000 audit events; it writes
# SCALE_DB.known.json beside it with the secrets of three of its keys). The
# script works on a copy, so the data set stays as built. Each round runs, on
# both stores: /auth without recording and /auth recording every request, at
# 64 connections, with wrk presenting the data set's typical key and its hot
# key (the one with a tenth of the 10,000,000 requests) in turn (a lua
# script); its rate-limited key is left out, since a refusal appends to the
# audit trail and would make this a benchmark of refusals. Then the peak resident memory of the recording
# server on the large store, and the counts it answered against those in the
# store. Needs target/release/keyctl (cargo build --release), wrk and python3.
set -euo pipefail
cd "$(dirname "$0")/../.."

SCALE_DB="${1:?usage: benches/serve/scale.sh SCALE_DB [ROUNDS] [SECONDS]}"
ROUNDS="${2:-3}"
SECONDS_PER_RUN="${3:-10}"
KEYCTL="$PWD/target/release/keyctl"
[ -x "$KEYCTL" ] || { echo "build first: cargo build --release" >&2; exit 1; }
[ -f "$SCALE_DB.known.json" ] || { echo "$SCALE_DB.known.json is missing: build the data set with scale_dataset" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }

dir="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT
export KEYCTL_ACTOR=bench

cp "$SCALE_DB" "$dir/large.db"
known() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$SCALE_DB.known.json" "$1"; }
LARGE_KEYS=("$(known typical_secret)" "$(known hot_secret)")
SMALL_KEY="$(KEYCTL_DB="$dir/small.db" "$KEYCTL" create --name bench --scope invoices:read -q)"

# wrk presents each of the given keys in turn.
lua() {
    local list=""
    for k in "$@"; do list+="\"$k\","; done
    cat <<EOF
local keys = {$list}
local i = 0
request = function()
    i = i % #keys + 1
    return wrk.format("GET", "/auth", {
        ["Authorization"] = "Bearer " .. keys[i],
        ["X-Original-Method"] = "GET",
        ["X-Original-URI"] = "/v1/invoices/42",
    })
end
EOF
}
lua "${LARGE_KEYS[@]}" >"$dir/large.lua"
lua "$SMALL_KEY" >"$dir/small.lua"

P=7481
start() { # DB PORT [serve options]
    local db="$1" port="$2"; shift 2
    KEYCTL_DB="$db" "$KEYCTL" serve --listen "127.0.0.1:$port" "$@" 2>/dev/null &
    pids+=("$!")
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return
        sleep 0.1
    done
    echo "serve did not start on $port" >&2; exit 1
}
start "$dir/large.db" $((P)) --no-record
start "$dir/large.db" $((P + 1))
LARGE_RECORD=$!
start "$dir/small.db" $((P + 2)) --no-record
start "$dir/small.db" $((P + 3))

run() { # PORT LUA
    wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" -s "$2" "http://127.0.0.1:$1/auth" \
        | awk '/Requests\/sec/ {print $2}'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

declare -A results
names=(smallNoRecord largeNoRecord smallRecord largeRecord)
for r in $(seq "$ROUNDS"); do
    results[smallNoRecord]+="$(run $((P + 2)) "$dir/small.lua") "
    results[largeNoRecord]+="$(run $((P)) "$dir/large.lua") "
    results[smallRecord]+="$(run $((P + 3)) "$dir/small.lua") "
    results[largeRecord]+="$(run $((P + 1)) "$dir/large.lua") "
    echo "round $r:" >&2
    for n in "${names[@]}"; do echo "  $n: ${results[$n]}" >&2; done
done
declare -A med
for n in "${names[@]}"; do med[$n]="$(tr ' ' '\n' <<<"${results[$n]}" | grep . | median)"; done

sleep 2
peak_rss_kib="$(awk '/VmHWM/ {print $2}' "/proc/$LARGE_RECORD/status")"
answered="$(curl -s "http://127.0.0.1:$((P + 1))/metrics" \
    | awk '/^keyctl_verifications_total/ {s += $2} END {print s}')"
kill -TERM "$LARGE_RECORD"; wait "$LARGE_RECORD" || true
# The requests the recording server added to the store: those stamped by the
# benchmark's operator.
stored="$(python3 - "$dir/large.db" <<'EOF'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(
    "SELECT count(*) FROM requests WHERE actor = 'bench'").fetchone()[0])
EOF
)"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
cat <<EOF

| run (64 connections, ${SECONDS_PER_RUN} s, median of $ROUNDS) | one key | 1,000,000 keys | large ÷ one |
|---|---|---|---|
| \`/auth\`, \`--no-record\` | ${med[smallNoRecord]} | ${med[largeNoRecord]} | $(ratio "${med[largeNoRecord]}" "${med[smallNoRecord]}") |
| \`/auth\`, recorded | ${med[smallRecord]} | ${med[largeRecord]} | $(ratio "${med[largeRecord]}" "${med[smallRecord]}") |

- peak resident memory of the recording server on the 1M-key store: $((peak_rss_kib / 1024)) MiB ($peak_rss_kib KiB)
- that server answered $answered verifications; the store holds $stored requests recorded by it
EOF
