#!/usr/bin/env bash
# Benchmark: one `helpdesk run` (release build, default settings: IMAP IDLE) for N mailboxes on one
# local Dovecot (users box1 … boxN). Once every mailbox has polled and waits in IDLE: the gateway's
# threads, IMAP connections and RSS (VmRSS, VmHWM), its CPU and wake-ups over an idle window, then
# arrival (SMTP accepted) → acknowledgement (accepted by the MTA) for requests sent one at a time
# to a spread-out sample of the mailboxes. In the same run, the same for one mailbox as the baseline.
#
#   scripts/bench-mailboxes.sh [N]       (default 200 mailboxes)
#   SAMPLE=50 IDLE_SECONDS=30 BASELINE=1 (the defaults: requests, idle window, run the 1-mailbox baseline)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
count=${1:-200}
sample=${SAMPLE:-50}
idle_seconds=${IDLE_SECONDS:-30}
[[ "$count" =~ ^[0-9]+$ ]] && [ "$count" -ge 1 ] || { echo "bench-mailboxes: N must be a positive number" >&2; exit 2; }

# Dovecot learns of new mail in IDLE through one inotify instance per imap process, and all of them
# run as user dovecot: past the kernel's 128 instances per user it logs "Inotify instance limit …
# exceeded" and those mailboxes hear of new mail only every 30 s (mailbox_idle_check_interval).
# Raise the limit for the run (root), and put it back afterwards.
inotify=/proc/sys/fs/inotify/max_user_instances
inotify_was=$(cat "$inotify")
if [ "$inotify_was" -lt $((2 * count + 128)) ]; then
  echo $((2 * count + 128)) >"$inotify" || { echo "bench-mailboxes: cannot raise $inotify (root needed)" >&2; exit 1; }
  bench_restore='echo "$inotify_was" >"$inotify"'
  trap 'eval "$bench_restore"' EXIT
  echo "fs.inotify.max_user_instances raised from $inotify_was to $((2 * count + 128)) for the run"
fi

source scripts/bench-lib.sh
bench_setup mailboxes --users "$count"
read -r dovecot_pid _ <"$work/servers/dovecot.pid"

run_gateway() { # label, sample, idle seconds, addresses... (one config file per address)
  local label=$1 requests=$2 idle=$3; shift 3
  local dir="$work/mailboxes-$label" db="$work/$label.sqlite" address
  mkdir -p "$dir"
  for address in "$@"; do
    local user=${address%@*}
    bench_mailbox_config "$address" "$(echo "$user" | tr a-z A-Z)" >"$dir/$user.yaml"
    echo "$address"
  done >"$work/addresses-$label"
  local started
  started=$(date +%s.%N)
  "$bin/helpdesk" run --config-dir "$dir" --templates templates --database "$db" --data-dir "$work/data-$label" \
    2>"$work/$label.log" &
  daemon=$!
  python3 scripts/bench_mailboxes.py measure --label "$label" --addresses "$work/addresses-$label" --pid "$daemon" \
    --database "$db" --imap-port "$imap" --smtp-port "$smtp" --started "$started" --sample "$requests" \
    --idle-seconds "$idle" --dovecot-pid "$dovecot_pid" --out "$work/$label.json" \
    || { echo "---- last lines of the gateway's log ----" >&2; tail -n 20 "$work/$label.log" >&2; exit 1; }
  kill -TERM "$daemon"
  wait "$daemon" || true
  daemon=
  # Anything the gateway complained about (a failed poll, a dropped IDLE, a failed send), by kind.
  if grep -qE '^\S+ (warning|error|critical) ' "$work/$label.log"; then
    echo "$label: the gateway's log has warnings or errors:"
    grep -E '^\S+ (warning|error|critical) ' "$work/$label.log" | sed -E 's/^\S+ (\w+) .*\] (.*)$/\1: \2/' | sort | uniq -c
    grep -m1 -E '^\S+ (error|critical) ' "$work/$label.log" | cut -c1-240 | sed 's/^/  e.g. /' || true
  fi
}

started=$SECONDS
echo "many mailboxes: $count mailboxes, then 1 as the baseline; $sample requests (one at a time), ${idle_seconds} s idle window"
run_gateway "n$count" "$sample" "$idle_seconds" $(seq -f "box%g@example.test" 1 "$count")
reports=("$work/n$count.json")
if [ "${BASELINE:-1}" = 1 ] && [ "$count" -gt 1 ]; then
  run_gateway n1 20 10 support@example.test
  reports+=("$work/n1.json")
fi
limits='process_limit|client_limit|Too many|Maximum number of|limit .*exceeded'
if grep -qE "$limits" "$work/servers/dovecot.log"; then
  echo "Dovecot hit a limit:"; grep -E "$limits" "$work/servers/dovecot.log" | sed -E 's/^.*(Warning|Error|Fatal)/\1/' | sort | uniq -c | head -n 5
fi
echo
python3 scripts/bench_mailboxes.py report "${reports[@]}"
echo "(run time $((SECONDS - started)) s after the build)"
