#!/usr/bin/env bash
# The main job on a fresh Debian machine: install what is missing, start the local test mail
# servers, build the gateway, deliver the sample requests from mailboxes/samples/, run one poll
# cycle, hand one follow-up over as an MTA would (helpdesk ingest), and show the tickets, the
# acknowledgements in the requesters' inboxes and the agent's notifications.
#
#   scripts/run-local.sh [--keep-servers]
#
# State lives in .mailservers/ (mail servers) and .run/ (database, data, reply secret, daemon log);
# both start empty each run. The last lines printed are the exports that point the CLI at them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

keep=0
[ "${1:-}" = "--keep-servers" ] && keep=1

bash scripts/install-deps.sh

servers=$PWD/.mailservers
bash scripts/mailservers.sh stop --dir "$servers" >/dev/null 2>&1 || true
rm -rf "$servers" .run
mkdir -p .run
bash scripts/mailservers.sh start --dir "$servers"
if [ $keep -eq 0 ]; then
  trap 'bash scripts/mailservers.sh stop --dir "$servers" >/dev/null 2>&1 || true' EXIT
fi

echo "== building"
swift build --product helpdesk
helpdesk=$(swift build --show-bin-path)/helpdesk

export SUPPORT_IMAP_PASSWORD
SUPPORT_IMAP_PASSWORD=$(cat "$servers/password")
export HELPDESK_DATABASE=$PWD/.run/helpdesk.sqlite
export HELPDESK_DATA_DIR=$PWD/.run/data
# The secret lives in a file of the run (not in the output), so the CLI can be pointed at it later.
(umask 077; od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >.run/reply-secret)
export MAILGATE_REPLY_SECRET
MAILGATE_REPLY_SECRET=$(cat .run/reply-secret)

echo "== checking templates"
"$helpdesk" templates check

echo "== delivering the sample requests to support@example.test"
python3 scripts/deliver.py --password-file "$servers/password" mailboxes/samples/*.eml

echo "== one poll cycle"
"$helpdesk" poll --once

echo "== a participant's follow-up handed over by the MTA pipe (helpdesk ingest)"
"$helpdesk" ingest --mailbox support mailboxes/samples/pipe/05-followup-by-pipe.eml
"$helpdesk" outbox flush

echo "== tickets"
"$helpdesk" tickets list
echo
"$helpdesk" tickets show SUPP-1
echo
"$helpdesk" tickets show SUPP-4

echo "== outbox"
"$helpdesk" outbox list

echo "== acknowledgements in the requesters' inboxes"
python3 scripts/show-inbox.py --user alice@example.test --password-file "$servers/password"
python3 scripts/show-inbox.py --user erin@example.test --password-file "$servers/password"
echo "(ooo@example.test sent an out-of-office reply: it became ticket SUPP-3 like any request, and got no acknowledgement)"

echo "== the agent's notifications (round robin: SUPP-1 and SUPP-3 are Bob's, SUPP-2 and SUPP-4 Dana's)"
python3 scripts/show-inbox.py --user bob@example.test --password-file "$servers/password" --expect 4 --headers-only

echo "== Bob answers SUPP-1 from his mail client, with commands on top, to the signed Reply-To"
python3 scripts/agent-reply.py --password-file "$servers/password" --agent bob@example.test --ticket SUPP-1 \
  --body $'#status pending\n#priority high\n\nA technician will clear the printer this afternoon. Does it show an error code?'
"$helpdesk" poll --once
"$helpdesk" tickets history SUPP-1
echo
python3 scripts/show-inbox.py --user alice@example.test --password-file "$servers/password" --expect 2 | tail -12

echo "== SLA clocks (mailboxes/support.yaml: business hours Mon-Fri 09:00-17:00 Europe/Berlin)"
echo "(SUPP-1 was answered and waits on the requester: first response met, resolution paused)"
"$helpdesk" tickets show SUPP-1 | grep '^sla '
"$helpdesk" tickets show SUPP-2 | grep '^sla '
"$helpdesk" sla check
"$helpdesk" sla report

echo "== the gateway as a daemon for a few seconds: status, readiness and metrics"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$helpdesk" run --interval 1 --listen "127.0.0.1:$port" 2>.run/run.log &
daemon=$!
# GET on the daemon's port; prints the body, fails on anything but 200.
get() { python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode(), end="")' "http://127.0.0.1:$port$1"; }
for _ in $(seq 1 50); do
  get /readyz >/dev/null 2>&1 && break
  sleep 0.2
done
echo "GET /readyz: $(get /readyz 2>&1 | tail -1)"
echo "GET /metrics (some of it; counters start at zero with each process):"
get /metrics | grep -E '^mailgate_(poll_duration_seconds_count|outbox_pending|outbox_oldest_pending_age_seconds|sla_breaching_tickets)' || true
"$helpdesk" status
kill -TERM $daemon
wait $daemon || true

echo
echo "== to use the helpdesk command on this run's data, in this shell:"
echo "export HELPDESK_DATABASE=$HELPDESK_DATABASE"
echo "export HELPDESK_DATA_DIR=$HELPDESK_DATA_DIR"
echo "export MAILGATE_REPLY_SECRET=\$(cat $PWD/.run/reply-secret)"
if [ $keep -eq 1 ]; then
  echo "export SUPPORT_IMAP_PASSWORD=\$(cat $servers/password)"
  echo "alias helpdesk=$helpdesk"
  echo "(run it from $PWD: mailboxes/ and templates/ are read from there, or pass --config-dir and --templates)"
  echo
  echo "Servers keep running: IMAP 127.0.0.1:10143, SMTP 127.0.0.1:10025, password in $servers/password."
  echo "Stop them with: scripts/mailservers.sh stop --dir $servers"
else
  echo "alias helpdesk=$helpdesk"
  echo "(the mail servers stop now; run with --keep-servers to keep them for \`helpdesk run\` or \`poll --once\`)"
fi
