#!/usr/bin/env bash
# Starts and stops private test mail servers on loopback: Dovecot (IMAP + LMTP) and OpenSMTPD
# (SMTP, delivering over LMTP into that Dovecot). All config, logs, pids, spool and mail live
# under one directory, so several instances (different --dir and ports) can run at once.
#
#   scripts/mailservers.sh start  --dir DIR [--imap-port N] [--smtp-port N] [--lmtp-port N]
#                                 [--tls CERTDIR [--imaps-port N] [--submission-port N] [--smtps-port N] [--tls-max 1.1] [--oauth URL]]
#   scripts/mailservers.sh stop   --dir DIR
#   scripts/mailservers.sh status --dir DIR     # exit 0 when both servers are up
#
# Defaults: IMAP 10143, SMTP 10025, LMTP 10024. Mail domain example.test; users (login is the
# full address, e.g. support@example.test) support sales bob dana carol alice erin frank ooo
# postmaster, all with one random password generated per start; `start --users N` adds box1 …
# boxN (box1@example.test …, same password; for benchmarks with many mailboxes). One user has an
# internationalized domain: anna@xn--bcher-kva.example.test (anna@bücher.example.test as its
# A-label; login with the A-label form, same password), for tests of international addresses.
# `start` writes DIR/env (IMAP_PORT=, SMTP_PORT=, LMTP_PORT=, MAIL_PASSWORD=) and DIR/password
# (the password only).
#
# Layout under DIR: dovecot.conf, users (passwd-file), mail/<user>/Maildir, dovecot/ (base_dir),
# dovecot-state/, dovecot.log; smtpd.conf, virtual (table), smtpd.log, smtpd-spool/smtpd (bind
# mounted over /var/spool/smtpd), smtpd-run (bind mounted over /run, for /run/smtpd.sock), inside
# a private mount namespace that only the smtpd of this instance sees. The spool is emptied on
# every start, so mail queued by an earlier run is never delivered by a later one. Mailboxes are
# kept across restarts in the same DIR (use a fresh DIR for a clean slate).
#
# --tls CERTDIR (certificates from scripts/test-certificates.sh): the IMAP port offers STARTTLS,
# IMAPS listens (default 10993), and SMTP submission with STARTTLS (default 10587) and with implicit
# TLS (SMTPS, default 10465) listen too, all with CERTDIR/valid.* on 127.0.0.1. The same ports on
# 127.0.0.2, .3 and .4 (Linux routes all of 127/8 to lo) show wrong-host.*, expired.* and
# unknown-ca.*, so one instance serves every certificate case, by Dovecot `local` blocks.
# Submission is Dovecot's submission service (login required, same users and password), which
# relays to the OpenSMTPD above: OpenSMTPD 6.8 cannot serve TLS with Debian 12's OpenSSL 3 (its
# privilege-separated key process fails every handshake, "EVP lib" / "missing private key").
# `--tls-max 1.1` makes the instance offer TLS 1.0 and 1.1 only (an OpenSSL config of its own
# through OPENSSL_CONF), for testing that clients refuse it. Without --tls nothing changes: plain
# IMAP and SMTP on 127.0.0.1. With it `start` also writes IMAPS_PORT=, SUBMISSION_PORT= and
# SMTPS_PORT= to DIR/env.
#
# --oauth URL (needs --tls): logins may also use SASL XOAUTH2 and OAUTHBEARER; Dovecot checks each
# bearer token at URL (token introspection, RFC 7662, e.g. scripts/oauth-test-server.py's /introspect).
#
# Root is required (mount namespace, bind mounts, smtpd privilege separation).
set -euo pipefail

DOMAIN=example.test
# Accepted by OpenSMTPD for any user but unknown to Dovecot: mail to it is taken, then fails at
# LMTP, and OpenSMTPD returns its own delivery status notification to the envelope sender.
LOST_DOMAIN=lost.example.test
# bücher.example.test as an A-label (IDNA): what the SMTP envelope carries for an ASCII local part.
IDN_DOMAIN=xn--bcher-kva.example.test
IDN_USERS=(anna)
USERS=(support sales bob dana carol alice erin frank ooo postmaster)
START_TIMEOUT=15   # seconds to wait for the ports to accept connections
STOP_TIMEOUT=10    # seconds to wait for a graceful exit before SIGKILL

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { echo "mailservers: error: $*" >&2; exit 1; }
note() { echo "mailservers: $*" >&2; }

usage() {
  cat >&2 <<'EOF'
usage: mailservers.sh start  --dir DIR [--imap-port N] [--smtp-port N] [--lmtp-port N]
                             [--tls CERTDIR [--imaps-port N] [--submission-port N] [--smtps-port N] [--tls-max 1.1] [--oauth URL]]
       mailservers.sh stop   --dir DIR
       mailservers.sh status --dir DIR
       (start also takes --users N: adds users box1 … boxN@example.test)
EOF
  exit 2
}

[ $# -ge 1 ] || usage
cmd=$1; shift
dir=""; imap_port=10143; smtp_port=10025; lmtp_port=10024
oauth_url=""; tls_dir=""; imaps_port=10993; submission_port=10587; smtps_port=10465; tls_max=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) [ $# -ge 2 ] || usage; dir=$2; shift 2 ;;
    --imap-port) [ $# -ge 2 ] || usage; imap_port=$2; shift 2 ;;
    --smtp-port) [ $# -ge 2 ] || usage; smtp_port=$2; shift 2 ;;
    --lmtp-port) [ $# -ge 2 ] || usage; lmtp_port=$2; shift 2 ;;
    --users) [ $# -ge 2 ] || usage; extra_users=$2; shift 2 ;;
    --tls) [ $# -ge 2 ] || usage; tls_dir=$2; shift 2 ;;
    --imaps-port) [ $# -ge 2 ] || usage; imaps_port=$2; shift 2 ;;
    --submission-port) [ $# -ge 2 ] || usage; submission_port=$2; shift 2 ;;
    --smtps-port) [ $# -ge 2 ] || usage; smtps_port=$2; shift 2 ;;
    --tls-max) [ $# -ge 2 ] || usage; tls_max=$2; shift 2 ;;
    --oauth) [ $# -ge 2 ] || usage; oauth_url=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "mailservers: unknown argument: $1" >&2; usage ;;
  esac
done
[ -n "$dir" ] || { echo "mailservers: --dir DIR is required" >&2; usage; }
case "$cmd" in start|stop|status) ;; *) echo "mailservers: unknown command: $cmd" >&2; usage ;; esac

for p in "$imap_port" "$smtp_port" "$lmtp_port"; do
  [[ "$p" =~ ^[0-9]+$ ]] && [ "$p" -ge 1 ] && [ "$p" -le 65535 ] || die "invalid port: $p"
done
[ "$imap_port" != "$smtp_port" ] && [ "$imap_port" != "$lmtp_port" ] && [ "$smtp_port" != "$lmtp_port" ] \
  || die "the IMAP, SMTP and LMTP ports must differ (got $imap_port, $smtp_port, $lmtp_port)"
extra_users=${extra_users:-0}
[[ "$extra_users" =~ ^[0-9]+$ ]] && [ "$extra_users" -le 10000 ] || die "--users takes 0 to 10000 (got $extra_users)"
# The TLS ports only exist with --tls.
tls_ports=()
if [ -n "$tls_dir" ]; then
  tls_ports=("$imaps_port" "$submission_port" "$smtps_port")
  for p in "${tls_ports[@]}"; do
    [[ "$p" =~ ^[0-9]+$ ]] && [ "$p" -ge 1 ] && [ "$p" -le 65535 ] || die "invalid port: $p"
  done
  [ "$(printf '%s\n' "$imap_port" "$smtp_port" "$lmtp_port" "${tls_ports[@]}" | sort -u | wc -l)" -eq 6 ] \
    || die "the IMAP, SMTP, LMTP, IMAPS, submission and SMTPS ports must differ"
  case "$tls_max" in ""|1.0|1.1) ;; *) die "--tls-max takes 1.0 or 1.1 (got $tls_max)" ;; esac
elif [ -n "$tls_max" ]; then
  die "--tls-max needs --tls CERTDIR"
fi
if [ -n "$oauth_url" ]; then
  [ -n "$tls_dir" ] || die "--oauth needs --tls CERTDIR (tokens only travel over TLS, as at real providers)"
  [[ "$oauth_url" =~ ^https?://[^[:space:]\"\']+$ ]] || die "--oauth takes the introspection URL, e.g. http://127.0.0.1:8080/introspect (got $oauth_url)"
fi

# --- helpers ---------------------------------------------------------------------------------

# port_open PORT: true when something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# proc_start PID: the process start time (clock ticks since boot, /proc/PID/stat field 22).
proc_start() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }            # drop "pid (comm) ", comm may contain spaces
  set -- $stat                 # now $1 is field 3 (state), so field 22 is ${20}
  echo "${20}"
}

# record_pid NAME PID: remembers PID and its start time, so a recycled pid is never mistaken for ours.
record_pid() { echo "$2 $(proc_start "$2" || echo 0)" >"$dir/$1.pid"; }

# our_pid NAME: prints the recorded pid of server NAME (dovecot|smtpd) of this DIR when that
# process is alive and still is the one we started (same pid and start time).
our_pid() {
  local pidfile="$dir/$1.pid" pid start now
  [ -f "$pidfile" ] || return 1
  read -r pid start <"$pidfile" 2>/dev/null || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  now=$(proc_start "$pid") || return 1
  [ "$now" = "$start" ] || return 1
  echo "$pid"
}

# orphaned_group NAME: prints the recorded pid when that process is gone but processes of its
# process group remain (children of a crashed master). Linux does not hand out a pid that is still
# some group's id, so such a group can only be ours.
orphaned_group() {
  local pid
  [ -f "$dir/$1.pid" ] || return 1
  read -r pid _ <"$dir/$1.pid" 2>/dev/null || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ ! -e "/proc/$pid" ] && group_alive "$pid" || return 1
  echo "$pid"
}

# group_alive PGID: true while any process of that process group exists.
group_alive() { kill -0 -- "-$1" 2>/dev/null; }

# stop_all: terminates the process groups led by the recorded pids (smtpd and dovecot at once,
# since each takes one to two seconds to shut down), bounded in time, SIGKILL as a last resort.
# Each server was started with setsid, so its pid is also its process group id, and the group
# holds exactly the processes of this instance (master and its children).
stop_all() {
  local name pid i alive pids=() names=()
  for name in smtpd dovecot; do
    if pid=$(our_pid "$name"); then
      pids+=("$pid"); names+=("$name")
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    elif pid=$(orphaned_group "$name"); then
      note "$name master (pid $pid) is gone but processes of its group remain; stopping them"
      pids+=("$pid"); names+=("$name")
      kill -TERM -- "-$pid" 2>/dev/null || true
    else
      rm -f "$dir/$name.pid"
    fi
  done
  [ ${#pids[@]} -gt 0 ] || { remove_short_base_dir; return 0; }
  for ((i = 0; i < STOP_TIMEOUT * 20; i++)); do
    alive=0
    for pid in "${pids[@]}"; do group_alive "$pid" && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.05
  done
  local rc=0
  for i in "${!pids[@]}"; do
    pid=${pids[$i]}; name=${names[$i]}
    if group_alive "$pid"; then
      note "$name (process group $pid) did not exit within ${STOP_TIMEOUT}s; sending SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  done
  for i in "${!pids[@]}"; do
    pid=${pids[$i]}; name=${names[$i]}
    local j
    for ((j = 0; j < 40; j++)); do group_alive "$pid" || break; sleep 0.05; done
    if group_alive "$pid"; then
      note "$name (process group $pid) still alive after SIGKILL"; rc=1
    else
      rm -f "$dir/$name.pid"
    fi
  done
  [ $rc -eq 0 ] && remove_short_base_dir
  return $rc
}

# remove_short_base_dir: removes the /tmp base_dir that start made for a long DIR, if any.
remove_short_base_dir() {
  local bd
  [ -f "$dir/dovecot.base_dir" ] || return 0
  bd=$(cat "$dir/dovecot.base_dir")
  case "$bd" in /tmp/mailgate-dovecot.?*) rm -rf -- "$bd" ;; esac
  rm -f "$dir/dovecot.base_dir"
}

show_log() {
  local f=$1
  [ -s "$f" ] || return 0
  echo "---- last lines of $f ----" >&2
  tail -n 25 "$f" >&2
  echo "----" >&2
}

# --- commands --------------------------------------------------------------------------------

do_status() {
  [ -d "$dir" ] || { echo "mailservers: $dir: no such directory (not running)"; return 1; }
  dir=$(cd "$dir" && pwd -P)
  local ok=0 dpid spid p
  # shellcheck disable=SC1090
  [ -f "$dir/env" ] && . "$dir/env"
  if dpid=$(our_pid dovecot); then
    if port_open "${IMAP_PORT:-$imap_port}" && port_open "${LMTP_PORT:-$lmtp_port}"; then
      echo "dovecot: running (pid $dpid, imap ${IMAP_PORT:-$imap_port}${IMAPS_PORT:+, imaps $IMAPS_PORT, submission ${SUBMISSION_PORT:-?}, smtps ${SMTPS_PORT:-?}}, lmtp ${LMTP_PORT:-$lmtp_port})"
    else
      echo "dovecot: pid $dpid alive but ports not accepting connections"; ok=1
    fi
  else
    echo "dovecot: not running"; ok=1
  fi
  if [ -n "${IMAPS_PORT:-}" ] && [ $ok -eq 0 ]; then
    for p in "$IMAPS_PORT" "${SUBMISSION_PORT:-$submission_port}" "${SMTPS_PORT:-$smtps_port}"; do
      port_open "$p" || { echo "dovecot: TLS port $p not accepting connections"; ok=1; }
    done
  fi
  if spid=$(our_pid smtpd); then
    if port_open "${SMTP_PORT:-$smtp_port}"; then
      echo "smtpd: running (pid $spid, smtp ${SMTP_PORT:-$smtp_port})"
    else
      echo "smtpd: pid $spid alive but port not accepting connections"; ok=1
    fi
  else
    echo "smtpd: not running"; ok=1
  fi
  return $ok
}

do_stop() {
  [ -d "$dir" ] || { note "$dir: no such directory; nothing to stop"; return 0; }
  dir=$(cd "$dir" && pwd -P)
  stop_all || die "could not stop every server of $dir"
  note "stopped servers of $dir"
}

do_start() {
  [ "$(id -u)" -eq 0 ] || die "start needs root (private mount namespace for smtpd, bind mounts)"
  "$script_dir/install-deps.sh" || die "scripts/install-deps.sh failed"
  for bin in dovecot smtpd unshare setsid mount timeout; do
    command -v "$bin" >/dev/null || die "$bin not found in PATH"
  done
  id dovecot >/dev/null 2>&1 || die "system user dovecot does not exist"

  mkdir -p "$dir" || die "cannot create $dir"
  dir=$(cd "$dir" && pwd -P)
  case "$dir/" in
    /run/*|/var/run/*|/var/spool/*|/proc/*|/sys/*|/dev/*)
      die "--dir must not be under /run, /var/spool, /proc, /sys or /dev (smtpd's private mounts hide those): $dir" ;;
  esac
  [[ "$dir" != *[[:space:]\"\'\\]* ]] || die "--dir must not contain spaces, quotes or backslashes: $dir"
  if [ -n "$tls_dir" ]; then
    [ -d "$tls_dir" ] || die "--tls $tls_dir: no such directory (create it with scripts/test-certificates.sh $tls_dir)"
    tls_dir=$(cd "$tls_dir" && pwd -P)
    [[ "$tls_dir" != *[[:space:]\"\'\\]* ]] || die "--tls must not contain spaces, quotes or backslashes: $tls_dir"
    local f
    for f in valid wrong-host expired unknown-ca; do
      [ -r "$tls_dir/$f.pem" ] && [ -r "$tls_dir/$f.key" ] \
        || die "--tls $tls_dir lacks $f.pem or $f.key; create them with scripts/test-certificates.sh $tls_dir"
    done
  fi

  # Idempotent-ish: stop whatever this DIR already runs.
  if our_pid dovecot >/dev/null || our_pid smtpd >/dev/null; then
    note "servers of $dir are running; stopping them first"
  fi
  stop_all || die "could not stop the servers already running in $dir"
  rm -f "$dir/env" "$dir/password"

  for p in "$imap_port" "$smtp_port" "$lmtp_port" "${tls_ports[@]}"; do
    port_open "$p" && die "port $p on 127.0.0.1 is already in use"
  done

  local duid dgid password
  duid=$(id -u dovecot); dgid=$(id -g dovecot)
  password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  [ ${#password} -eq 32 ] || die "could not generate a password"

  # Dovecot's auth process runs as the dovecot user: DIR and its parents must be traversable.
  chmod 0755 "$dir"

  # ---- Dovecot ----
  # Unix socket paths are limited to 107 bytes and Dovecot puts sockets such as
  # login/imap-urlauth-login under base_dir: for a long DIR, use a short base_dir in /tmp
  # (recorded in DIR/dovecot.base_dir and removed by stop).
  local base_dir="$dir/dovecot"
  rm -rf "$dir/dovecot"
  if [ ${#dir} -gt 60 ]; then
    base_dir=$(mktemp -d /tmp/mailgate-dovecot.XXXXXX) || die "cannot create a base_dir in /tmp"
    echo "$base_dir" >"$dir/dovecot.base_dir"
  else
    mkdir -p "$base_dir"
  fi
  mkdir -p "$dir/mail" "$dir/dovecot-state"
  chown "$duid:$dgid" "$dir/mail"; chmod 0750 "$dir/mail"
  chmod 0755 "$base_dir" "$dir/dovecot-state"
  local users_tmp="$dir/users.tmp" u i
  # --users N: box1 … boxN, in Dovecot's passwd-file here and in smtpd's virtual table below.
  for ((i = 1; i <= extra_users; i++)); do USERS+=("box$i"); done
  # Each session in IDLE holds an inotify instance, all as user dovecot; past the kernel's limit
  # Dovecot notices new mail only every 30 s (mailbox_idle_check_interval). Raising it is the caller's call.
  if [ "${#USERS[@]}" -gt "$(cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null || echo 1000000)" ]; then
    note "warning: fs.inotify.max_user_instances ($(cat /proc/sys/fs/inotify/max_user_instances)) is below the ${#USERS[@]} users; with one IDLE session each, raise it (sysctl -w fs.inotify.max_user_instances=$((2 * ${#USERS[@]})))"
  fi
  : >"$users_tmp"
  for u in "${USERS[@]}"; do
    printf '%s@%s:{PLAIN}%s:%s:%s::%s/mail/%s::\n' "$u" "$DOMAIN" "$password" "$duid" "$dgid" "$dir" "$u" >>"$users_tmp"
  done
  # The IDN users' mail folders carry the domain, so a name may repeat in both domains.
  for u in "${IDN_USERS[@]}"; do
    printf '%s@%s:{PLAIN}%s:%s:%s::%s/mail/%s@%s::\n' "$u" "$IDN_DOMAIN" "$password" "$duid" "$dgid" "$dir" "$u" "$IDN_DOMAIN" >>"$users_tmp"
  done
  chown "root:$dgid" "$users_tmp"; chmod 0640 "$users_tmp"
  mv -f "$users_tmp" "$dir/users"
  if ! setpriv --reuid=dovecot --regid=dovecot --clear-groups test -r "$dir/users" 2>/dev/null; then
    die "the dovecot user cannot read $dir/users: make $dir and every folder above it readable (o+x) by user dovecot"
  fi

  cat >"$dir/dovecot.conf" <<EOF
# Private test instance of Dovecot written by scripts/mailservers.sh. Do not edit: rewritten on start.
protocols = imap lmtp
listen = 127.0.0.1
base_dir = $base_dir
state_dir = $dir/dovecot-state
instance_name = mailgate-test-$imap_port
log_path = $dir/dovecot.log
info_log_path = $dir/dovecot.log
hostname = localhost
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# Test servers: answer a failed login at once, and do not slow every later login from 127.0.0.1
# (Dovecot's per-IP auth penalty, 2 s doubling up to 15 s, kept 29 s by anvil).
auth_failure_delay = 0
first_valid_uid = $duid
last_valid_uid = $duid
first_valid_gid = $dgid
mail_uid = $duid
mail_gid = $dgid
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:~/Maildir
recipient_delimiter = +
lmtp_save_to_detail_mailbox = no
postmaster_address = postmaster@$DOMAIN
mail_max_userip_connections = 1000
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Lu $dir/users
}
userdb {
  driver = passwd-file
  args = username_format=%Lu $dir/users
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $lmtp_port
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
namespace inbox {
  inbox = yes
  separator = /
}
EOF
  if [ -n "$tls_dir" ]; then
    # Later settings and sections of the same name override and extend the ones above.
    cat >>"$dir/dovecot.conf" <<EOF
# --tls $tls_dir: STARTTLS on the IMAP port, IMAPS on $imaps_port, submission (STARTTLS) on
# $submission_port and SMTPS on $smtps_port relaying to OpenSMTPD; one certificate per address.
protocols = imap lmtp submission
submission_relay_host = 127.0.0.1
submission_relay_port = $smtp_port
ssl = yes
ssl_cert = <$tls_dir/valid.pem
ssl_key = <$tls_dir/valid.key
local 127.0.0.2 {
  ssl_cert = <$tls_dir/wrong-host.pem
  ssl_key = <$tls_dir/wrong-host.key
}
local 127.0.0.3 {
  ssl_cert = <$tls_dir/expired.pem
  ssl_key = <$tls_dir/expired.key
}
local 127.0.0.4 {
  ssl_cert = <$tls_dir/unknown-ca.pem
  ssl_key = <$tls_dir/unknown-ca.key
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4
  }
  inet_listener imaps {
    address = 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4
    port = $imaps_port
    ssl = yes
  }
}
service submission-login {
  inet_listener submission {
    address = 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4
    port = $submission_port
  }
  inet_listener submissions {
    address = 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4
    port = $smtps_port
    ssl = yes
  }
}
EOF
    if [ -n "$tls_max" ]; then
      # Dovecot 2.3 has no ssl_max_protocol: OpenSSL's own config caps the version. OpenSSL 3
      # allows TLS below 1.2 only at security level 0. The login processes run unchrooted so
      # that OpenSSL can still read the file when it loads it.
      local proto=TLSv$tls_max
      [ "$tls_max" = 1.0 ] && proto=TLSv1
      printf 'openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = tls\n[tls]\nMinProtocol = TLSv1\nMaxProtocol = %s\nCipherString = DEFAULT@SECLEVEL=0\n' \
        "$proto" >"$dir/openssl-legacy.cnf"
      chmod 0644 "$dir/openssl-legacy.cnf"
      cat >>"$dir/dovecot.conf" <<EOF
# --tls-max $tls_max: only TLS 1.0 up to $proto.
ssl_min_protocol = TLSv1
ssl_cipher_list = ALL:@SECLEVEL=0
import_environment = TZ CORE_OUTOFMEM CORE_ERROR LISTEN_PID LISTEN_FDS OPENSSL_CONF=$dir/openssl-legacy.cnf
service imap-login {
  chroot =
}
service submission-login {
  chroot =
}
EOF
    fi
  fi
  if [ -n "$oauth_url" ]; then
    # --oauth URL: logins may also use SASL XOAUTH2/OAUTHBEARER, whose bearer tokens Dovecot
    # checks at URL (RFC 7662 introspection, as scripts/oauth-test-server.py answers it).
    printf 'introspection_mode = post\nintrospection_url = %s\nforce_introspection = yes\nusername_attribute = username\nactive_attribute = active\nactive_value = true\n' \
      "$oauth_url" >"$dir/dovecot-oauth2.conf.ext"
    chmod 0644 "$dir/dovecot-oauth2.conf.ext"
    cat >>"$dir/dovecot.conf" <<EOF
# --oauth $oauth_url: bearer tokens besides passwords.
auth_mechanisms = plain login xoauth2 oauthbearer
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $dir/dovecot-oauth2.conf.ext
}
EOF
  fi
  chmod 0644 "$dir/dovecot.conf"

  # ---- OpenSMTPD ----
  local vt="$dir/virtual"
  : >"$vt.tmp"
  for u in "${USERS[@]}"; do
    printf '%s@%s dovecot\n' "$u" "$DOMAIN" >>"$vt.tmp"
  done
  for u in "${IDN_USERS[@]}"; do
    printf '%s@%s dovecot\n' "$u" "$IDN_DOMAIN" >>"$vt.tmp"
  done
  chmod 0644 "$vt.tmp"; mv -f "$vt.tmp" "$vt"
  cat >"$dir/smtpd.conf" <<EOF
# Private test instance of OpenSMTPD written by scripts/mailservers.sh. Do not edit: rewritten on start.
# Accepts mail for $DOMAIN and $IDN_DOMAIN from anyone (relays nothing else) and hands it to
# Dovecot over LMTP.
table vusers file:$vt
listen on 127.0.0.1 port $smtp_port hostname localhost
action "dovecot_lmtp" lmtp "127.0.0.1:$lmtp_port" rcpt-to virtual <vusers>
match from any for domain "$DOMAIN" action "dovecot_lmtp"
match from any for domain "$IDN_DOMAIN" action "dovecot_lmtp"
action "lost" relay host lmtp://127.0.0.1:$lmtp_port
match from any for domain "$LOST_DOMAIN" action "lost"
EOF
  chmod 0600 "$dir/smtpd.conf"
  # Fresh private spool on every start: nothing queued by an earlier run can be delivered now.
  rm -rf "$dir/smtpd-spool" "$dir/smtpd-run"
  mkdir -p "$dir/smtpd-spool/smtpd" "$dir/smtpd-run"
  chmod 0755 "$dir/smtpd-spool" "$dir/smtpd-run"
  chmod 0711 "$dir/smtpd-spool/smtpd"
  # smtpd creates its spool folders itself, but its parent scans purge/ before the queue process
  # has created it ("warn: purge_task: opendir: No such file or directory"): create them first,
  # with the owners and modes smtpd itself uses (it checks them).
  local sp="$dir/smtpd-spool/smtpd" qu
  qu=$(id -u opensmtpq 2>/dev/null) || die "system user opensmtpq does not exist"
  mkdir -m 0700 "$sp/purge" "$sp/queue" "$sp/incoming" "$sp/temporary"
  chown "$qu:0" "$sp/purge" "$sp/queue" "$sp/incoming" "$sp/temporary"
  mkdir -m 0770 "$sp/offline"; chown "0:$(id -g opensmtpq)" "$sp/offline"
  if ! smtpd -n -f "$dir/smtpd.conf" >"$dir/smtpd-check.log" 2>&1; then
    show_log "$dir/smtpd-check.log"; die "smtpd rejected $dir/smtpd.conf"
  fi

  : >"$dir/dovecot.log"; chown "$duid:$dgid" "$dir/dovecot.log" 2>/dev/null || true
  : >"$dir/smtpd.log"

  local failed=0 dpid spid
  fail() { note "error: $*"; failed=1; }
  # Whatever goes wrong from here on, do not leave half an instance running.
  trap 'rc=$?; if [ $rc -ne 0 ]; then stop_all || true; fi; exit $rc' EXIT

  # Both servers run in their own session (setsid), so pid == process group id and stop can
  # signal exactly this instance's processes. Their stdio never holds the caller's pipes.
  setsid dovecot -F -c "$dir/dovecot.conf" </dev/null >>"$dir/dovecot.stdout" 2>&1 &
  dpid=$!
  record_pid dovecot "$dpid"

  # smtpd's spool (/var/spool/smtpd) and control socket (/var/run/smtpd.sock) are fixed paths:
  # give this instance private ones in a private mount namespace. /var/spool is replaced with
  # DIR/smtpd-spool (so /var/spool/smtpd need not exist on the host), /run with DIR/smtpd-run.
  setsid unshare --mount --propagation private -- /bin/sh -c '
      set -e
      mount --bind "$1/smtpd-spool" /var/spool
      mount --bind "$1/smtpd-run" /run
      exec smtpd -d -f "$1/smtpd.conf"
    ' mailservers-smtpd "$dir" </dev/null >>"$dir/smtpd.log" 2>&1 &
  spid=$!
  record_pid smtpd "$spid"

  # Wait, bounded, until every port accepts connections (or a server dies).
  local deadline=$((SECONDS + START_TIMEOUT)) up_imap=1 up_lmtp=1 up_smtp=1 up_tls=0 p
  [ ${#tls_ports[@]} -eq 0 ] || up_tls=1
  while :; do
    kill -0 "$dpid" 2>/dev/null || { fail "dovecot exited during startup (log: $dir/dovecot.log)"; break; }
    kill -0 "$spid" 2>/dev/null || { fail "smtpd exited during startup (log: $dir/smtpd.log)"; break; }
    [ $up_imap -eq 0 ] || { port_open "$imap_port" && up_imap=0; } || true
    [ $up_lmtp -eq 0 ] || { port_open "$lmtp_port" && up_lmtp=0; } || true
    [ $up_smtp -eq 0 ] || { port_open "$smtp_port" && up_smtp=0; } || true
    if [ $up_tls -ne 0 ]; then
      up_tls=0
      for p in "${tls_ports[@]}"; do port_open "$p" || up_tls=1; done
    fi
    [ $((up_imap + up_lmtp + up_smtp + up_tls)) -eq 0 ] && break
    if [ $SECONDS -ge $deadline ]; then
      local missing=""
      [ $up_imap -eq 0 ] || missing+=" imap:$imap_port"
      [ $up_lmtp -eq 0 ] || missing+=" lmtp:$lmtp_port"
      [ $up_smtp -eq 0 ] || missing+=" smtp:$smtp_port"
      [ $up_tls -eq 0 ] || missing+=" one of imaps:$imaps_port submission:$submission_port smtps:$smtps_port"
      fail "timed out after ${START_TIMEOUT}s waiting for ports to accept connections:$missing"
      break
    fi
    sleep 0.1
  done

  if [ $failed -ne 0 ]; then
    show_log "$dir/dovecot.stdout"; show_log "$dir/dovecot.log"; show_log "$dir/smtpd.log"
    exit 1   # the EXIT trap stops what was started
  fi

  printf '%s' "$password" >"$dir/password.tmp"; chmod 0644 "$dir/password.tmp"
  mv -f "$dir/password.tmp" "$dir/password"
  printf 'IMAP_PORT=%s\nSMTP_PORT=%s\nLMTP_PORT=%s\nMAIL_PASSWORD=%s\n' \
    "$imap_port" "$smtp_port" "$lmtp_port" "$password" >"$dir/env.tmp"
  [ -z "$tls_dir" ] || printf 'IMAPS_PORT=%s\nSUBMISSION_PORT=%s\nSMTPS_PORT=%s\n' \
    "$imaps_port" "$submission_port" "$smtps_port" >>"$dir/env.tmp"
  chmod 0644 "$dir/env.tmp"; mv -f "$dir/env.tmp" "$dir/env"
  trap - EXIT
  note "started in $dir: imap 127.0.0.1:$imap_port, smtp 127.0.0.1:$smtp_port, lmtp 127.0.0.1:$lmtp_port${tls_dir:+, imaps $imaps_port, submission $submission_port, smtps $smtps_port (TLS with $tls_dir${tls_max:+, at most TLS $tls_max})} (dovecot pid $dpid, smtpd pid $spid)"
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
esac
