#!/usr/bin/env bash
# keyctl serve beside djangorestframework-api-key behind gunicorn (2 workers),
# each verifying one key per request, under the same wrk load.
#
# Usage: benches/serve/peers.sh VENV [ROUNDS] [SECONDS]
# VENV: a virtualenv with djangorestframework-api-key, djangorestframework,
# django and gunicorn installed (python3 -m venv VENV && VENV/bin/pip install ...).
# Needs target/release/keyctl and wrk. Rounds alternate the two servers; the
# table gives medians.
set -euo pipefail
cd "$(dirname "$0")/../.."

VENV="$1"
ROUNDS="${2:-3}"
SECONDS_PER_RUN="${3:-8}"
KEYCTL="$PWD/target/release/keyctl"

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
mkdir "$dir/drf"
"$VENV/bin/python" benches/drf/drf_bench.py setup "$dir/drf" >/dev/null
DRF_KEY="$(cat "$dir/drf/key.txt")"

P_KEYCTL=7481 P_KEYCTL_RECORD=7482 P_DRF=7483
"$KEYCTL" serve --listen "127.0.0.1:$P_KEYCTL" --no-record 2>/dev/null &
pids+=("$!")
"$KEYCTL" serve --listen "127.0.0.1:$P_KEYCTL_RECORD" 2>/dev/null &
pids+=("$!")
DRF_DATA="$dir/drf" "$VENV/bin/gunicorn" --chdir benches/serve -w 2 -b "127.0.0.1:$P_DRF" \
    --log-level warning drf_wsgi:app &
pids+=("$!")
for port in $P_KEYCTL $P_KEYCTL_RECORD $P_DRF; do
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.1
    done
done

run() {
    wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" "$@" 2>&1 | awk '/Requests\/sec/ {print $2}'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

k="" kr="" d=""
for r in $(seq "$ROUNDS"); do
    k+="$(run -H "X-API-Key: $KEY" "http://127.0.0.1:$P_KEYCTL/auth") "
    kr+="$(run -H "X-API-Key: $KEY" "http://127.0.0.1:$P_KEYCTL_RECORD/auth") "
    d+="$(run -H "X-API-Key: $DRF_KEY" "http://127.0.0.1:$P_DRF/") "
    echo "round $r: keyctl $k| recorded $kr| drf $d" >&2
done
mk="$(tr ' ' '\n' <<<"$k" | grep . | median)"
mkr="$(tr ' ' '\n' <<<"$kr" | grep . | median)"
md="$(tr ' ' '\n' <<<"$d" | grep . | median)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f", a / b}'; }
cat <<EOF

| server (64 connections, ${SECONDS_PER_RUN} s, median of $ROUNDS) | requests/s | keyctl ÷ it |
|---|---|---|
| keyctl serve \`/auth\`, \`--no-record\` | $mk | – |
| keyctl serve \`/auth\`, recorded | $mkr | – |
| djangorestframework-api-key behind gunicorn, 2 workers | $md | $(ratio "$mk" "$md")× (no record), $(ratio "$mkr" "$md")× (recorded) |
EOF
