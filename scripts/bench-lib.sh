# Shared by the benchmarks that run `helpdesk run` against private mail servers
# (bench-latency.sh, bench-mailboxes.sh). Source it from the checkout's root, then:
#
#   bench_setup NAME [mailservers.sh start options ...]
#       installs what is missing, builds the release `helpdesk` ($bin is its folder), makes a work
#       folder /tmp/mailgate-NAME.XXXXXX ($work), picks free loopback ports ($imap $smtp $lmtp),
#       starts the mail servers in $work/servers, and exports SUPPORT_IMAP_PASSWORD (every user's
#       password) and MAILGATE_REPLY_SECRET. On exit, the gateway in $daemon (if any) and the
#       servers are stopped, $work is removed (kept, with its logs, when BENCH_KEEP is set) and
#       the command in $bench_restore, if any, is run.
#   bench_mailbox_config ADDRESS KEY
#       prints mailboxes/support.yaml pointed at these servers, for ADDRESS with ticket key KEY.

bench_setup() {
  local name=$1; shift
  bash scripts/install-deps.sh
  # As installed (README, Running in production): the Swift libraries linked in statically.
  swift build -c release --static-swift-stdlib --product helpdesk >/dev/null 2>&1 || swift build -c release --static-swift-stdlib --product helpdesk
  bin=$(swift build -c release --static-swift-stdlib --show-bin-path)

  work=$(mktemp -d "/tmp/mailgate-$name.XXXXXX")
  chmod 755 "$work"
  read -r imap smtp lmtp < <(python3 -c 'import socket
s=[socket.socket() for _ in range(3)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
  daemon=
  trap bench_cleanup EXIT
  bash scripts/mailservers.sh start --dir "$work/servers" --imap-port "$imap" --smtp-port "$smtp" --lmtp-port "$lmtp" "$@" >/dev/null

  export SUPPORT_IMAP_PASSWORD MAILGATE_REPLY_SECRET
  SUPPORT_IMAP_PASSWORD=$(cat "$work/servers/password")
  MAILGATE_REPLY_SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d " \n")
}

bench_cleanup() {
  [ -z "${bench_restore:-}" ] || eval "$bench_restore"
  [ -n "$daemon" ] && kill -TERM "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
  bash scripts/mailservers.sh stop --dir "$work/servers" >/dev/null 2>&1 || true
  if [ -n "${BENCH_KEEP:-}" ]; then echo "kept $work (logs, databases) for BENCH_KEEP"; else rm -rf "$work"; fi
}

bench_mailbox_config() { # address, key
  local user=${1%@*}
  sed -e "s#imap://127.0.0.1:10143#imap://127.0.0.1:$imap#" -e "s#smtp://127.0.0.1:10025#smtp://127.0.0.1:$smtp#" \
    -e "s#^address: support@example.test#address: $1#" -e "s#^key: SUPP #key: $2 #" \
    -e "s#^  username: support@example.test#  username: $1#" -e "s#^name: Example Support#name: Example Support ($user)#" \
    mailboxes/support.yaml
  # The generated requests come from three requesters: the loop caps (10 acknowledgements per
  # address per 10 minutes) would withhold nearly all of them. Caps high enough never to bite,
  # so the counting is still measured.
  printf 'loop_caps: {per_recipient: [1000000 per 10m, 1000000 per 1d], per_ticket: [1000000 per 1h, 1000000 per 1d]}\n'
}
