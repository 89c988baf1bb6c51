#!/usr/bin/env bash
# Benchmark: queue the acknowledgements of N requests, then time `helpdesk outbox flush` (release
# build) sending them through the private test MTA, beside the MTA's own rate on one reused
# connection measured in the same run.
#
#   scripts/bench-outbox.sh [N]        (default 3000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
count=${1:-3000}
source scripts/bench-lib.sh

bench_setup outbox
swift build -c release --static-swift-stdlib --product helpdesk-bench >/dev/null 2>&1 || swift build -c release --static-swift-stdlib --product helpdesk-bench
# The poll's acknowledgements go to a port nobody listens on, so they stay queued for the flush.
dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/mailboxes" "$work/queueing"
bench_mailbox_config support@example.test SUPP >"$work/mailboxes/support.yaml"
sed -e "s#smtp://127.0.0.1:$smtp#smtp://127.0.0.1:$dead#" "$work/mailboxes/support.yaml" >"$work/queueing/support.yaml"

HELPDESK_DATA_DIR="$work/data" "$bin/helpdesk-bench" outbox \
  --count "$count" --smtp-port "$smtp" --imap-port "$imap" --password-file "$work/servers/password" --helpdesk "$bin/helpdesk" \
  --queueing-config-dir "$work/queueing" --config-dir "$work/mailboxes" --templates templates --database "$work/helpdesk.sqlite"
