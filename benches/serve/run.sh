#!/usr/bin/env bash
# keyctl serve under wrk, beside nginx floors on the same machine.
#
# Usage: benches/serve/run.sh [ROUNDS] [SECONDS]   (defaults: 5 rounds of 10 s)
#
# Each round runs, one after the other: the floor (nginx answering `return 204`
# with 2 workers), /auth without recording, /auth recording every request,
# wrk -> nginx auth_request -> keyctl serve -> upstream (the recipe of
# docs/serve.md), the same recipe with a static `return 204` auth location, and
# the same recipe with nginx itself as the auth service (the ceiling of any
# auth service over HTTP); all at 64 connections. Rounds alternate the runs so that drift on a shared
# machine hits them alike; the table gives medians. Then the p99 latency at about
# half of the recording server's median peak (wrk's per-connection delay sets the
# rate), the peak resident memory of the recording server, and the counts: what
# the server answered against what the store holds after it stopped.
#
# Needs target/release/keyctl (cargo build --release), nginx and wrk.
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS="${1:-5}"
SECONDS_PER_RUN="${2:-10}"
CONNECTIONS=64
KEYCTL="$PWD/target/release/keyctl"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
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

export KEYCTL_DB="$dir/keys.db" KEYCTL_ACTOR=bench
KEY="$("$KEYCTL" create --name bench --scope invoices:read -q)"

P_RECORD=7471 P_READ=7472 P_FLOOR=7473 P_GATEWAY=7474 P_STATIC=7475 P_UPSTREAM=7476
P_AUTHNGINX=7477 P_CEILING=7478

"$KEYCTL" serve --listen "127.0.0.1:$P_RECORD" 2>"$dir/record.log" &
SERVE_RECORD=$!; pids+=("$SERVE_RECORD")
"$KEYCTL" serve --listen "127.0.0.1:$P_READ" --no-record 2>/dev/null &
pids+=("$!")

# The recipe of docs/serve.md, pointed at this run's ports.
recipe="$(awk '/^```nginx$/{on=1; next} on && /^```$/{exit} on' docs/serve.md)"
recipe="${recipe//127.0.0.1:7373/127.0.0.1:$P_RECORD}"
recipe="${recipe//127.0.0.1:8080/127.0.0.1:$P_UPSTREAM}"
# The same server with a static auth location, on its own port and without
# the keyctl upstream block (nginx allows one block of a name).
static="$(awk '/^upstream keyctl/{skip=1} !skip{print} skip && /^}/{skip=0}' <<<"$recipe")"
static="${static//127.0.0.1:8000/127.0.0.1:$P_STATIC}"
static="${static//proxy_pass http:\/\/keyctl\/auth;/return 204;}"
# The same recipe again, with nginx itself as the auth service (a location
# answering 200 with keyctl's headers): the most any auth service reached
# over HTTP could give through this gateway on this machine.
ceiling="${recipe//upstream keyctl /upstream auth_ceiling }"
ceiling="${ceiling//http:\/\/keyctl\/auth;/http:\/\/auth_ceiling\/auth;}"
ceiling="${ceiling//127.0.0.1:$P_RECORD/127.0.0.1:$P_AUTHNGINX}"
ceiling="${ceiling//127.0.0.1:8000/127.0.0.1:$P_CEILING}"
recipe="${recipe//127.0.0.1:8000/127.0.0.1:$P_GATEWAY}"
user=""; [ "$(id -u)" = 0 ] && user="user root;"
cat >"$dir/nginx.conf" <<EOF
$user
daemon off;
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/body; proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi; uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;
    server { listen 127.0.0.1:$P_FLOOR; location / { return 204; } }
    server { listen 127.0.0.1:$P_UPSTREAM; location / { return 200 "ok"; } }
    server {
        listen 127.0.0.1:$P_AUTHNGINX;
        location / {
            add_header X-Keyctl-Outcome VALID;
            add_header X-Keyctl-Key-Id key_static;
            add_header X-Keyctl-Environment live;
            add_header X-Keyctl-Scopes invoices:read;
            return 200;
        }
    }
$static
$ceiling
$recipe
}
EOF
"$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" &
pids+=("$!")

for port in $P_RECORD $P_READ $P_FLOOR $P_GATEWAY $P_STATIC $P_CEILING; do
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.1
    done
done

H=(-H "Authorization: Bearer $KEY" -H "X-Original-Method: GET" -H "X-Original-URI: /v1/invoices/42")
# Requests/s of one wrk run; latency percentiles go to $dir/last.
run() {
    wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$@" >"$dir/last" 2>&1
    awk '/Requests\/sec/ {print $2}' "$dir/last"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

declare -A results
names=(floor noRecord record e2eKeyctl e2eStatic e2eCeiling)
for r in $(seq "$ROUNDS"); do
    results[floor]+="$(run "http://127.0.0.1:$P_FLOOR/") "
    results[noRecord]+="$(run "${H[@]}" "http://127.0.0.1:$P_READ/auth") "
    results[record]+="$(run "${H[@]}" "http://127.0.0.1:$P_RECORD/auth") "
    results[e2eKeyctl]+="$(run -H "Authorization: Bearer $KEY" "http://127.0.0.1:$P_GATEWAY/v1/invoices/42") "
    results[e2eStatic]+="$(run -H "Authorization: Bearer $KEY" "http://127.0.0.1:$P_STATIC/v1/invoices/42") "
    results[e2eCeiling]+="$(run -H "Authorization: Bearer $KEY" "http://127.0.0.1:$P_CEILING/v1/invoices/42") "
    echo "round $r: floor ${results[floor]##* } ..." >&2
    for n in "${names[@]}"; do echo "  $n: ${results[$n]}" >&2; done
done
declare -A med
for n in "${names[@]}"; do med[$n]="$(tr ' ' '\n' <<<"${results[$n]}" | grep . | median)"; done

# p99 at about half the recording peak: each connection waits DELAY ms
# between requests (wrk's delay() hook).
half="$(awk -v p="${med[record]}" 'BEGIN {printf "%d", p / 2}')"
delay="$(awk -v c="$CONNECTIONS" -v h="$half" 'BEGIN {d = c * 1000 / h; printf "%d", (d < 1 ? 1 : d)}')"
echo "function delay() return $delay end" >"$dir/delay.lua"
half_rate="$(run -s "$dir/delay.lua" "${H[@]}" "http://127.0.0.1:$P_RECORD/auth")"
p99="$(awk '$1 == "99%" {print $2}' "$dir/last")"
p50="$(awk '$1 == "50%" {print $2}' "$dir/last")"

sleep 2 # let the requests wrk left in flight finish
peak_rss_kib="$(awk '/VmHWM/ {print $2}' "/proc/$SERVE_RECORD/status")"
answered="$(curl -s "http://127.0.0.1:$P_RECORD/metrics" \
    | awk '/^keyctl_verifications_total/ {s += $2} END {print s}')"
metrics="$(curl -s "http://127.0.0.1:$P_RECORD/metrics")"
batches="$(awk '/^keyctl_write_batches_total/ {print $2}' <<<"$metrics")"
batched="$(awk '/^keyctl_write_batched_verifications_total/ {print $2}' <<<"$metrics")"
kill -TERM "$SERVE_RECORD"; wait "$SERVE_RECORD" || true
stored="$("$KEYCTL" usage bench --format json | awk -F': ' '/^  "total"/ {gsub(",", "", $2); print $2}')"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
cat <<EOF

| run ($CONNECTIONS connections, ${SECONDS_PER_RUN} s, median of $ROUNDS) | requests/s | ratio |
|---|---|---|
| floor: nginx \`return 204\`, 2 workers | ${med[floor]} | 1.00 |
| \`/auth\`, \`--no-record\` | ${med[noRecord]} | $(ratio "${med[noRecord]}" "${med[floor]}") × floor |
| \`/auth\`, recorded | ${med[record]} | $(ratio "${med[record]}" "${med[floor]}") × floor |
| nginx \`auth_request\` → static \`return 204\` → upstream | ${med[e2eStatic]} | 1.00 |
| nginx \`auth_request\` → nginx as the auth service → upstream (ceiling) | ${med[e2eCeiling]} | $(ratio "${med[e2eCeiling]}" "${med[e2eStatic]}") × static |
| nginx \`auth_request\` → keyctl serve (recorded) → upstream | ${med[e2eKeyctl]} | $(ratio "${med[e2eKeyctl]}" "${med[e2eStatic]}") × static, $(ratio "${med[e2eKeyctl]}" "${med[e2eCeiling]}") × ceiling |

- recorded \`/auth\` at about half its peak (target $half/s, wrk delay $delay ms): $half_rate requests/s, p50 $p50, p99 $p99
- peak resident memory of the recording server: $((peak_rss_kib / 1024)) MiB ($peak_rss_kib KiB)
- recording server: $answered verifications answered, $batched committed by the writer in $batches transactions, $stored requests in the store after SIGTERM
EOF
