#!/usr/bin/env bash
# Measures event delivery on this machine (release build):
#  1. throughput of `keyctl events deliver` to a local receiver (events/s);
#  2. the time `create` takes with no destination configured, with a webhook
#     and --no-deliver, and with a webhook it delivers to right after commit.
# Usage: benches/events/measure.sh [BASELINE_KEYCTL]
#   BASELINE_KEYCTL: a keyctl built before events existed, to compare create with.
# Needs: cargo build --release --bin keyctl --example events_receiver --example paired
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}/release"
keyctl="$target/keyctl"
baseline="${1:-}"
work="$(mktemp -d)"
trap 'exec 3>&- 2>/dev/null; rm -rf "$work"' EXIT
export HOME="$work" KEYCTL_ACTOR=bench
secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

# The receiver prints its port, then its counts when its standard input closes.
coproc RECEIVER { "$target/examples/events_receiver" "$secret"; }
read -r port <&"${RECEIVER[0]}"
cat > "$work/webhook.toml" <<TOML
[[webhooks]]
name = "bench"
url = "http://127.0.0.1:$port/keyctl"
secret = "$secret"
TOML

events="${EVENTS:-2000}"
for round in 1 2 3; do
    db="$work/deliver-$round.db"
    for i in $(seq "$events"); do
        KEYCTL_CONFIG="$work/webhook.toml" "$keyctl" --db "$db" create --name "k$i" \
            --scope invoices:read --no-deliver -q > /dev/null
    done
    start=$(date +%s.%N)
    KEYCTL_CONFIG="$work/webhook.toml" "$keyctl" --db "$db" events deliver -q
    end=$(date +%s.%N)
    pending=$("$keyctl" --db "$db" events list --pending --format csv | tail -n +2 | wc -l)
    awk -v n="$events" -v s="$start" -v e="$end" -v p="$pending" \
        'BEGIN { printf "deliver round: %d events in %.3f s = %.0f events/s (%d left pending)\n", n, e - s, n / (e - s), p }'
done

# Every command goes through env(1) with a config file, so that all pay the
# same exec and config parsing; the A/A pair shows the noise floor.
runs="${RUNS:-200}"
paired="$target/examples/paired"
: > "$work/empty.toml"
plain="env KEYCTL_CONFIG=$work/empty.toml"
hooked="env KEYCTL_CONFIG=$work/webhook.toml"
args="create --name x --scope invoices:read -q"
echo "create: the same build twice (A/A, noise floor)"
"$paired" "$runs" 10 - "$plain $keyctl --db $work/n1.db $args" "$plain $keyctl --db $work/n2.db $args"
if [ -n "$baseline" ]; then
    echo "create: before events (A) vs recording events, nothing configured (B)"
    "$paired" "$runs" 10 - "$plain $baseline --db $work/a.db $args" "$plain $keyctl --db $work/b.db $args"
fi
echo "create: nothing configured (A) vs a webhook, --no-deliver (B)"
"$paired" "$runs" 10 - "$plain $keyctl --db $work/c.db $args" \
    "$hooked $keyctl --db $work/d.db $args --no-deliver"
echo "create: nothing configured (A) vs a webhook delivered to right after commit (B)"
"$paired" "$runs" 10 - "$plain $keyctl --db $work/e.db $args" \
    "$hooked $keyctl --db $work/f.db $args"

exec {RECEIVER[1]}>&-
cat <&"${RECEIVER[0]}"
