#!/usr/bin/env bash
# Benchmark: arrival (the MTA accepted the requester's SMTP submission) → acknowledgement (the MTA
# accepted the gateway's reply), for requests that arrive one at a time at a running
# `helpdesk run` (release build, default settings: IMAP IDLE). In the same run, the same with
# `--no-idle` (polling every 5 s, as before IDLE) as the baseline. Then the CPU an idle gateway uses.
#
#   scripts/bench-latency.sh [N]        (default 20 requests per mode)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
count=${1:-20}

source scripts/bench-lib.sh
bench_setup latency
mkdir -p "$work/mailboxes"
bench_mailbox_config support@example.test SUPP >"$work/mailboxes/support.yaml"

run_mode() { # name, extra run options...
  local name=$1; shift
  local db="$work/$name.sqlite"
  "$bin/helpdesk" run --config-dir "$work/mailboxes" --templates templates --database "$db" --data-dir "$work/data-$name" \
    "$@" 2>"$work/$name.log" &
  daemon=$!
  python3 scripts/bench_latency.py --mode "$name" --count "$count" --smtp-port "$smtp" --database "$db" --pid "$daemon" \
    ${measure_idle:+--idle-seconds 10}
  kill -TERM "$daemon"
  wait "$daemon" || true
  daemon=
}

echo "latency: $count requests per mode, one at a time, arrival (SMTP accepted) → acknowledgement accepted by the MTA"
run_mode polling --no-idle
measure_idle=1 run_mode idle
python3 scripts/bench_latency.py --compare "$work/polling.sqlite.json" "$work/idle.sqlite.json"
