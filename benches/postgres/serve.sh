#!/usr/bin/env bash
# keyctl serve on PostgreSQL under wrk: one serve process, and two.
#
# Usage: benches/postgres/serve.sh URL [ROUNDS] [SECONDS] [KEYCTL]
#   (defaults: 3 rounds of 10 s, target/release/keyctl)
#
# URL names a database the script may write to (it creates four keys there);
# its user is the operator. Every request is recorded (no --no-record). Two wrk
# processes (1 thread and 32 connections each) load the servers, each cycling
# over its own keys through a Lua script, so the client side is the same in
# every setup:
#   one    one serve process; wrk 1 on keys 1-2, wrk 2 on keys 3-4
#   apart  two serve processes; wrk 1 (keys 1-2) on the first, wrk 2 (keys 3-4)
#          on the second: their batches never share a key
#   mixed  two serve processes; both wrk on all four keys, one per server: the
#          two writers' batches share keys
# A round runs the three setups one after the other, so drift on a shared
# machine hits them alike; one line per round, requests/s summed over both wrk
# (and how many answers were not 200, if any).
set -euo pipefail
cd "$(dirname "$0")/../.."

URL="${1:?usage: serve.sh URL [ROUNDS] [SECONDS] [KEYCTL]}"
ROUNDS="${2:-3}"
SECONDS_PER_RUN="${3:-10}"
KEYCTL="${4:-$PWD/target/release/keyctl}"
[ -x "$KEYCTL" ] || { echo "build first: cargo build --release" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }

dir="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT

export KEYCTL_DB="$URL"
keys=()
for i in 1 2 3 4; do
    keys+=("$("$KEYCTL" create --name "serve-bench-$i-$$" --scope invoices:read -q)")
done

# A Lua script for wrk that cycles over the keys it is given.
lua() {
    local out="$1"; shift
    {
        printf 'local keys = {'
        for k in "$@"; do printf '"%s",' "$k"; done
        printf '}\nlocal n = 0\n'
        cat <<'EOF'
request = function()
    n = n + 1
    local headers = {}
    headers["Authorization"] = "Bearer " .. keys[(n % #keys) + 1]
    headers["X-Original-Method"] = "GET"
    headers["X-Original-URI"] = "/v1/invoices/42"
    return wrk.format("GET", "/auth", headers)
end
EOF
    } >"$out"
}
lua "$dir/low.lua" "${keys[0]}" "${keys[1]}"
lua "$dir/high.lua" "${keys[2]}" "${keys[3]}"
lua "$dir/all.lua" "${keys[@]}"

P1=7481 P2=7482
start() {
    "$KEYCTL" serve --listen "127.0.0.1:$1" 2>/dev/null &
    pids+=("$!")
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return
        sleep 0.1
    done
    echo "serve on port $1 did not start" >&2
    exit 1
}
start "$P1"
start "$P2"

# Two wrk at once: PORT_A LUA_A PORT_B LUA_B; prints the summed requests/s.
pair() {
    wrk -t1 -c32 -d"${SECONDS_PER_RUN}s" -s "$2" "http://127.0.0.1:$1/auth" >"$dir/a.out" &
    local a=$!
    wrk -t1 -c32 -d"${SECONDS_PER_RUN}s" -s "$4" "http://127.0.0.1:$3/auth" >"$dir/b.out" &
    local b=$!
    wait "$a" "$b"
    awk '/^Requests\/sec/ {s += $2} /^  Non-2xx/ {bad += $NF}
        END {printf "%.0f", s; if (bad) printf " (%d not 200)", bad}' "$dir/a.out" "$dir/b.out"
}

for r in $(seq "$ROUNDS"); do
    echo "round $r: one $(pair $P1 "$dir/low.lua" $P1 "$dir/high.lua")" \
        "apart $(pair $P1 "$dir/low.lua" $P2 "$dir/high.lua")" \
        "mixed $(pair $P1 "$dir/all.lua" $P2 "$dir/all.lua")"
done
