#!/usr/bin/env bash
# keyctl serve beside two peers, each verifying one key per request, under the
# same wrk load on the same machine:
#   - djangorestframework-api-key behind gunicorn (2 sync workers);
#   - better-auth's api-key plugin behind Node's http server (2 workers under
#     Node's cluster module, to match gunicorn's 2).
#
# Usage: benches/serve/peers.sh VENV [ROUNDS] [SECONDS] [BETTER_AUTH_DIR]
# VENV: a virtualenv with djangorestframework-api-key, djangorestframework,
#   django and gunicorn installed:
#     python3 -m venv VENV && VENV/bin/pip install djangorestframework-api-key \
#       djangorestframework django gunicorn
# BETTER_AUTH_DIR: the Node project of the better-auth peer, with its packages
#   installed (default benches/serve/better-auth):
#     npm ci --prefix benches/serve/better-auth
#   (better-sqlite3 compiles from source when no prebuilt binary can be fetched;
#   that takes a few minutes.)
# Needs target/release/keyctl, node (20 or later), curl and wrk. Before timing,
# each server must answer 200 to its key and 401 to wrong ones, or the script
# stops. After an untimed warm-up of each, each round runs every server once,
# one after the other, so drift hits them alike; the table gives medians and
# the errors (non-2xx answers) wrk saw.
set -euo pipefail
if [ -n "${4:-}" ]; then BA_DIR="$(cd "$4" && pwd)"; fi
cd "$(dirname "$0")/../.."

VENV="$1"
ROUNDS="${2:-3}"
SECONDS_PER_RUN="${3:-8}"
BA_DIR="${BA_DIR:-$PWD/benches/serve/better-auth}"
KEYCTL="$PWD/target/release/keyctl"

for tool in "$KEYCTL" node curl wrk "$VENV/bin/gunicorn"; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
if [ ! -d "$BA_DIR/node_modules/better-auth" ]; then
    echo "no packages in $BA_DIR: run npm ci --prefix $BA_DIR" >&2
    exit 1
fi

dir="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT

export KEYCTL_DB="$dir/keys.db" KEYCTL_ACTOR=bench
KEY="$("$KEYCTL" create --name bench --scope invoices:read -q)"
mkdir "$dir/drf" "$dir/better-auth"
"$VENV/bin/python" benches/drf/drf_bench.py setup "$dir/drf" >/dev/null
DRF_KEY="$(cat "$dir/drf/key.txt")"
node "$BA_DIR/setup.mjs" "$dir/better-auth" >/dev/null
BA_KEY="$(cat "$dir/better-auth/key.txt")"

P_KEYCTL=7481 P_KEYCTL_RECORD=7482 P_DRF=7483 P_BA=7484
"$KEYCTL" serve --listen "127.0.0.1:$P_KEYCTL" --no-record 2>/dev/null &
pids+=("$!")
"$KEYCTL" serve --listen "127.0.0.1:$P_KEYCTL_RECORD" 2>/dev/null &
pids+=("$!")
DRF_DATA="$dir/drf" "$VENV/bin/gunicorn" --chdir benches/serve -w 2 -b "127.0.0.1:$P_DRF" \
    --log-level warning drf_wsgi:app &
pids+=("$!")
# better-auth logs every refused key at error level; its log is only read if
# the checks below fail.
node "$BA_DIR/server.mjs" "$dir/better-auth" "$P_BA" 2 2>"$dir/better-auth.log" &
pids+=("$!")
for port in $P_KEYCTL $P_KEYCTL_RECORD $P_DRF $P_BA; do
    up=""
    for _ in $(seq 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=1; break; fi
        sleep 0.1
    done
    [ -n "$up" ] || { echo "nothing listens on port $port after 30 s" >&2; exit 1; }
done

# The right key must pass and wrong ones must not, on every server, before any
# figure is taken: a server that lets everything through (or refuses
# everything) would time something else than a verification.
status() {
    curl -s -o /dev/null -w '%{http_code}' -H "$2" "$1"
}
other_last() { [ "${1: -1}" = A ] && echo B || echo A; }
check() {
    local name="$1" url="$2" key="$3" got
    got="$(status "$url" "X-API-Key: $key")"
    [ "$got" = 200 ] || { echo "$name: the right key got $got, not 200" >&2; return 1; }
    for bad in "${key%?}$(other_last "$key")" "x$key" "not-a-key"; do
        got="$(status "$url" "X-API-Key: $bad")"
        [ "$got" = 401 ] || { echo "$name: a wrong key got $got, not 401" >&2; return 1; }
    done
    got="$(status "$url" "X-Unrelated: 1")"
    [ "$got" = 401 ] || { echo "$name: no key got $got, not 401" >&2; return 1; }
}
check "keyctl --no-record" "http://127.0.0.1:$P_KEYCTL/auth" "$KEY"
check "keyctl recorded" "http://127.0.0.1:$P_KEYCTL_RECORD/auth" "$KEY"
# A well-formed key (good checksum) that this store never issued.
STRANGER="$(KEYCTL_DB="$dir/other.db" "$KEYCTL" create --name stranger --scope invoices:read -q)"
for port in $P_KEYCTL $P_KEYCTL_RECORD; do
    got="$(status "http://127.0.0.1:$port/auth" "X-API-Key: $STRANGER")"
    [ "$got" = 401 ] || { echo "keyctl: another store's key got $got, not 401" >&2; exit 1; }
done
check drf "http://127.0.0.1:$P_DRF/" "$DRF_KEY"
if ! check better-auth "http://127.0.0.1:$P_BA/" "$BA_KEY" ||
    [ "$(status "http://127.0.0.1:$P_BA/" "Authorization: Bearer $BA_KEY")" != 200 ]; then
    echo "better-auth failed its checks; its log:" >&2
    tail -n 40 "$dir/better-auth.log" >&2
    exit 1
fi
echo "checks passed: every server answers 200 to its key, 401 to wrong keys and to none" >&2

# One timed run: prints "requests/s non-2xx-answers".
run() {
    wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" "$@" 2>&1 | awk '
        /Requests\/sec/ {rps = $2}
        /Non-2xx or 3xx responses/ {bad = $NF}
        END {print rps, bad + 0}'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

names=(keyctl recorded drf better-auth)
declare -A rates errors
for n in "${names[@]}"; do rates[$n]="" errors[$n]=0; done
measure() {
    local n="$1" out
    shift
    out="$(run "$@")"
    [ -n "${out% *}" ] || { echo "wrk gave no figure for $n" >&2; exit 1; }
    rates[$n]+="${out% *} "
    errors[$n]=$((errors[$n] + ${out#* }))
}
# An untimed 2 s run on each server first, so that no first round pays for a
# cold start (Node's JIT, Python's imports, SQLite's page cache).
for target in "$KEY http://127.0.0.1:$P_KEYCTL/auth" "$KEY http://127.0.0.1:$P_KEYCTL_RECORD/auth" \
    "$DRF_KEY http://127.0.0.1:$P_DRF/" "$BA_KEY http://127.0.0.1:$P_BA/"; do
    wrk -t2 -c64 -d2s -H "X-API-Key: ${target% *}" "${target#* }" >/dev/null 2>&1
done
for r in $(seq "$ROUNDS"); do
    measure keyctl -H "X-API-Key: $KEY" "http://127.0.0.1:$P_KEYCTL/auth"
    measure recorded -H "X-API-Key: $KEY" "http://127.0.0.1:$P_KEYCTL_RECORD/auth"
    measure drf -H "X-API-Key: $DRF_KEY" "http://127.0.0.1:$P_DRF/"
    measure better-auth -H "X-API-Key: $BA_KEY" "http://127.0.0.1:$P_BA/"
    echo "round $r:$(for n in "${names[@]}"; do printf ' %s %s|' "$n" "${rates[$n]}"; done)" >&2
done
declare -A med
for n in "${names[@]}"; do med[$n]="$(tr ' ' '\n' <<<"${rates[$n]}" | grep . | median)"; done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f", a / b}'; }
vs() { echo "$(ratio "${med[keyctl]}" "$1")× (no record), $(ratio "${med[recorded]}" "$1")× (recorded)"; }

echo "node $(node --version), better-auth $(node -p "require('$BA_DIR/node_modules/better-auth/package.json').version"), @better-auth/api-key $(node -p "require('$BA_DIR/node_modules/@better-auth/api-key/package.json').version"), better-sqlite3 $(node -p "require('$BA_DIR/node_modules/better-sqlite3/package.json').version")" >&2
"$VENV/bin/pip" freeze 2>/dev/null | grep -iE '^(django|djangorestframework|djangorestframework-api-key|gunicorn)==' | tr '\n' ' ' >&2
echo >&2
cat <<EOF

| server (64 connections, ${SECONDS_PER_RUN} s, median of $ROUNDS) | requests/s | non-2xx | keyctl ÷ it |
|---|---|---|---|
| keyctl serve \`/auth\`, \`--no-record\` | ${med[keyctl]} | ${errors[keyctl]} | – |
| keyctl serve \`/auth\`, recorded | ${med[recorded]} | ${errors[recorded]} | – |
| djangorestframework-api-key behind gunicorn, 2 workers | ${med[drf]} | ${errors[drf]} | $(vs "${med[drf]}") |
| better-auth api-key plugin behind Node \`http\`, 2 cluster workers | ${med[better-auth]} | ${errors[better-auth]} | $(vs "${med[better-auth]}") |
EOF
