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

bash scripts/install-deps.sh
swift build -c release --product helpdesk >/dev/null
bin=$(swift build -c release --show-bin-path)

work=$(mktemp -d /tmp/mailgate-latency.XXXXXX)
chmod 755 "$work"
read -r imap smtp lmtp < <(python3 -c 'import socket
s=[socket.socket() for _ in range(3)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
daemon=
cleanup() {
  [ -n "$daemon" ] && kill -TERM "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
  bash scripts/mailservers.sh stop --dir "$work/servers" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
bash scripts/mailservers.sh start --dir "$work/servers" --imap-port "$imap" --smtp-port "$smtp" --lmtp-port "$lmtp" >/dev/null

mkdir -p "$work/mailboxes"
sed -e "s#imap://127.0.0.1:10143#imap://127.0.0.1:$imap#" -e "s#smtp://127.0.0.1:10025#smtp://127.0.0.1:$smtp#" \
  mailboxes/support.yaml >"$work/mailboxes/support.yaml"
export SUPPORT_IMAP_PASSWORD MAILGATE_REPLY_SECRET
SUPPORT_IMAP_PASSWORD=$(cat "$work/servers/password")
MAILGATE_REPLY_SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d " \n")

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
