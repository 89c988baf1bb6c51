#!/usr/bin/env bash
# Benchmark: deliver N generated messages (a mix of plain, Latin-1, HTML, attachments, UTF-8 in
# base64, follow-ups and auto-replies) to private test servers, then time
# `helpdesk poll --once` (release build) against a fetch-only baseline in the same run, and print
# the throughput targets as met or not.
#
#   scripts/bench-poll.sh [N] [--peer] [--postgres]     (default 1000)
#
# NO_SEND=1 times recording only (`poll --no-send`: ingest, the acknowledgements stay queued),
# RUNS times (default 3) from the same empty database, judged on the median;
# without it the poll sends everything too, and the MTA's own rate for the same mail is printed
# beside it. --peer then empties the INBOX, delivers the same N messages again and times
# django-helpdesk's get_email on them (scripts/bench-peer-django.sh; it installs django-helpdesk
# from PyPI into .build-peer/venv).
#
# --postgres starts a private PostgreSQL (scripts/postgres.sh, durable settings: fsync and
# synchronous commit on, as in production) and polls the same messages into it after the SQLite
# poll, printing both rates side by side (the PostgreSQL store of several instances).
#
# POLL_WRAPPER="perf record -g -o /tmp/poll.perf" runs the measured poll under a profiler;
# HELPDESK=PATH measures another build of helpdesk (an older release, for a before/after: build it
# with --static-swift-stdlib too, or the comparison includes the way it is linked);
# TEMPLATES=DIR gives it the templates of its own release (git archive REV templates).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
count=1000
peer=()
postgres=0
for arg in "$@"; do
  case $arg in
    --peer) peer=(--peer-script scripts/bench-peer-django.sh) ;;
    --postgres) postgres=1 ;;
    *[!0-9]* | "") echo "bench-poll: unknown argument '$arg' (usage: scripts/bench-poll.sh [N] [--peer] [--postgres])" >&2; exit 2 ;;
    *) count=$arg ;;
  esac
done

bash scripts/install-deps.sh
# As installed (README, Running in production): the Swift libraries linked in statically.
swift build -c release --static-swift-stdlib --product helpdesk >/dev/null 2>&1 || swift build -c release --static-swift-stdlib --product helpdesk
swift build -c release --static-swift-stdlib --product helpdesk-bench >/dev/null 2>&1 || swift build -c release --static-swift-stdlib --product helpdesk-bench
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)

work=$(mktemp -d /tmp/mailgate-bench.XXXXXX)
chmod 755 "$work"
read -r imap smtp lmtp < <(python3 -c 'import socket
s=[socket.socket() for _ in range(3)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
cleanup() {
  bash scripts/mailservers.sh stop --dir "$work/servers" >/dev/null 2>&1 || true
  [ $postgres -eq 1 ] && bash scripts/postgres.sh stop --dir "$work/pg" >/dev/null 2>&1 || true
  if [ -n "${BENCH_KEEP:-}" ]; then echo "kept $work (database, data) for BENCH_KEEP"; else rm -rf "$work"; fi
}
trap cleanup EXIT
bash scripts/mailservers.sh start --dir "$work/servers" --imap-port "$imap" --smtp-port "$smtp" --lmtp-port "$lmtp" >/dev/null

pg=()
if [ $postgres -eq 1 ]; then
  pgport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  bash scripts/postgres.sh start --dir "$work/pg" --port "$pgport" --durable
  export MAILGATE_DATABASE_PASSWORD_FILE="$work/pg/password"
  pg=(--postgres "postgres://mailgate@127.0.0.1:$pgport/mailgate")
fi

mkdir -p "$work/mailboxes"
sed -e "s#imap://127.0.0.1:10143#imap://127.0.0.1:$imap#" -e "s#smtp://127.0.0.1:10025#smtp://127.0.0.1:$smtp#" \
  mailboxes/support.yaml >"$work/mailboxes/support.yaml"

MAILGATE_REPLY_SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d " \n") HELPDESK_DATA_DIR="$work/data" "$bin/helpdesk-bench" poll --count "$count" --smtp-port "$smtp" --imap-port "$imap" \
  --password-file "$work/servers/password" --helpdesk "${HELPDESK:-$bin/helpdesk}" \
  --config-dir "$work/mailboxes" --templates "${TEMPLATES:-templates}" --database "$work/helpdesk.sqlite" \
  ${POLL_WRAPPER:+--wrapper "$POLL_WRAPPER"} ${NO_SEND:+--no-send} ${RUNS:+--runs "$RUNS"} "${peer[@]}" "${pg[@]}"
