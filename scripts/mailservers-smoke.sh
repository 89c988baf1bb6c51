#!/usr/bin/env bash
# Smoke test for scripts/mailservers.sh: two concurrent private instances on free ports, SMTP
# delivery over LMTP (plus-addressing included), IMAP login, keyword storage, isolation between
# instances, no leak of queued mail into a restarted instance, and a clean stop.
# Prints "mailservers smoke: ok" and exits 0 on success; exits non-zero on any failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ms="$here/mailservers.sh"

fail() { echo "mailservers smoke: FAIL: $*" >&2; exit 1; }
step() { echo "mailservers smoke: $*"; }

d1=$(mktemp -d /tmp/mailservers-smoke.XXXXXX)
d2=$(mktemp -d /tmp/mailservers-smoke.XXXXXX)

cleanup() {
  local rc=$?
  "$ms" stop --dir "$d1" >/dev/null 2>&1 || true
  "$ms" stop --dir "$d2" >/dev/null 2>&1 || true
  if [ $rc -eq 0 ]; then
    rm -rf "$d1" "$d2"
  else
    echo "mailservers smoke: logs kept in $d1 and $d2" >&2
  fi
}
trap cleanup EXIT

# Six distinct free ports (none of the defaults 10024/10025/10143).
read -r i1 s1 l1 i2 s2 l2 < <(python3 - <<'EOF'
import socket
socks, ports = [], []
while len(ports) < 6:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    if p not in (10024, 10025, 10143):
        ports.append(p)
    socks.append(s)
print(*ports)
EOF
)

now_ms() { date +%s%3N; }

step "starting two instances at once ($d1: imap $i1 smtp $s1 lmtp $l1; $d2: imap $i2 smtp $s2 lmtp $l2)"
t0=$(now_ms)
"$ms" start --dir "$d1" --imap-port "$i1" --smtp-port "$s1" --lmtp-port "$l1" >"$d1.start.out" 2>&1 &
p1=$!
"$ms" start --dir "$d2" --imap-port "$i2" --smtp-port "$s2" --lmtp-port "$l2" >"$d2.start.out" 2>&1 &
p2=$!
r1=0; wait $p1 || r1=$?
r2=0; wait $p2 || r2=$?
t1=$(now_ms)
cat "$d1.start.out" "$d2.start.out"; rm -f "$d1.start.out" "$d2.start.out"
[ $r1 -eq 0 ] || fail "start of instance 1 failed (exit $r1)"
[ $r2 -eq 0 ] || fail "start of instance 2 failed (exit $r2)"
step "both started in $((t1 - t0)) ms"

"$ms" status --dir "$d1" >/dev/null || fail "status of instance 1 is not ok"
"$ms" status --dir "$d2" >/dev/null || fail "status of instance 2 is not ok"

for d in "$d1" "$d2"; do
  [ -f "$d/env" ] || fail "$d/env missing"
  [ -f "$d/password" ] || fail "$d/password missing"
  grep -q '^IMAP_PORT=[0-9]*$' "$d/env" && grep -q '^SMTP_PORT=[0-9]*$' "$d/env" \
    && grep -q '^LMTP_PORT=[0-9]*$' "$d/env" && grep -q '^MAIL_PASSWORD=..*$' "$d/env" \
    || fail "$d/env lacks a line: $(cat "$d/env")"
  [ "$(tail -c 1 "$d/password" | od -An -c | tr -d ' ')" != '\n' ] || fail "$d/password ends with a newline"
  ( . "$d/env"; [ "$MAIL_PASSWORD" = "$(cat "$d/password")" ] ) || fail "$d/password differs from MAIL_PASSWORD"
done
[ "$(cat "$d1/password")" != "$(cat "$d2/password")" ] || fail "both instances got the same password"

# Mail through SMTP, read it over IMAP, store a keyword; check isolation between instances.
python3 - "$d1" "$d2" <<'EOF' || fail "mail check failed (see above)"
import imaplib, smtplib, sys, time

def env(d):
    e = {}
    for line in open(d + "/env"):
        k, v = line.strip().split("=", 1)
        e[k] = v
    return e

d1, d2 = sys.argv[1], sys.argv[2]
e1, e2 = env(d1), env(d2)

def die(msg):
    print("mailservers smoke: FAIL:", msg, file=sys.stderr)
    sys.exit(1)

def send(e, rcpt, subject, sender="frank@example.test"):
    msg = (f"From: {sender}\r\nTo: {rcpt}\r\nSubject: {subject}\r\n"
           f"Message-ID: <{subject}@smoke.example.test>\r\n\r\nHello {rcpt}\r\n")
    with smtplib.SMTP("127.0.0.1", int(e["SMTP_PORT"]), timeout=10) as s:
        s.sendmail(sender, [rcpt], msg)

def login(e, user):
    m = imaplib.IMAP4("127.0.0.1", int(e["IMAP_PORT"]), timeout=10)
    m.login(user, e["MAIL_PASSWORD"])
    return m

def count(e, user):
    m = login(e, user)
    typ, data = m.select("INBOX")
    if typ != "OK":
        die(f"SELECT INBOX for {user}: {typ} {data}")
    n = int(data[0])
    m.logout()
    return n

def wait_for(e, user, n=1, timeout=10.0):
    t0 = time.monotonic()
    while True:
        got = count(e, user)
        if got >= n:
            return time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            die(f"{user}: {got} message(s) after {timeout}s, expected {n}")
        time.sleep(0.05)

send(e1, "alice@example.test", "to-alice")
send(e1, "support+abc@example.test", "to-support-plus")
send(e2, "bob@example.test", "to-bob")
ta = wait_for(e1, "alice@example.test")
ts = wait_for(e1, "support@example.test")
tb = wait_for(e2, "bob@example.test")
print(f"mailservers smoke: delivered: alice {ta*1000:.0f} ms, support+abc {ts*1000:.0f} ms, bob (instance 2) {tb*1000:.0f} ms after sending")

for user, subject in (("alice@example.test", "to-alice"), ("support@example.test", "to-support-plus")):
    m = login(e1, user)
    m.select("INBOX")
    typ, data = m.uid("FETCH", "1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    if typ != "OK" or subject.encode() not in data[0][1]:
        die(f"{user}: unexpected message: {typ} {data}")
    typ, data = m.uid("STORE", "1", "+FLAGS", "($Helpdesk-Processed)")
    if typ != "OK":
        die(f"{user}: UID STORE +FLAGS ($Helpdesk-Processed): {typ} {data}")
    m.logout()
    # A new session must see the keyword (it was stored, not just echoed).
    m = login(e1, user)
    m.select("INBOX")
    typ, data = m.uid("FETCH", "1", "(FLAGS)")
    if typ != "OK" or b"$Helpdesk-Processed" not in data[0]:
        die(f"{user}: keyword not in FETCH FLAGS: {typ} {data}")
    m.logout()

# Every user can log in with the password; a wrong password and an unknown user cannot.
for u in "support sales bob dana carol alice erin frank ooo postmaster".split():
    login(e1, f"{u}@example.test").logout()
for user, pw in (("alice@example.test", "wrong"), ("nobody@example.test", e1["MAIL_PASSWORD"]),
                 ("alice@example.test", e2["MAIL_PASSWORD"])):
    m = imaplib.IMAP4("127.0.0.1", int(e1["IMAP_PORT"]), timeout=10)
    try:
        m.login(user, pw)
        die(f"login {user} with a wrong password succeeded")
    except imaplib.IMAP4.error:
        pass

# Isolation: each instance has only its own mail.
if count(e2, "alice@example.test") != 0 or count(e1, "bob@example.test") != 0:
    die("mail leaked between instances")

# No relaying, and unknown local users are refused at RCPT time.
with smtplib.SMTP("127.0.0.1", int(e1["SMTP_PORT"]), timeout=10) as s:
    for rcpt in ("someone@elsewhere.test", "nobody@example.test"):
        try:
            s.sendmail("frank@example.test", [rcpt], "Subject: x\r\n\r\nx\r\n")
            die(f"SMTP accepted {rcpt}")
        except smtplib.SMTPRecipientsRefused:
            pass
print("mailservers smoke: imap, smtp, lmtp, keywords, isolation: ok")
EOF

# Mail queued by an earlier run must not be delivered by a restarted instance: stop instance 2's
# Dovecot behind smtpd's back, send mail (smtpd queues it), then restart instance 2.
step "queue-leak check on instance 2"
read -r dpid _ <"$d2/dovecot.pid"
kill -TERM -- "-$dpid"
for _ in $(seq 1 100); do kill -0 -- "-$dpid" 2>/dev/null || break; sleep 0.05; done
kill -0 -- "-$dpid" 2>/dev/null && fail "could not stop dovecot of instance 2 for the queue-leak check"
# The queued message carries a marker unique to this run, so that the spools can be searched for
# this message only: another OpenSMTPD on the machine may have its own mail in the system spool.
marker="mailservers-smoke-$(basename "$d2")-$$-$(date +%s%N)"
python3 - "$d2" "$marker" <<'EOF' || fail "could not queue a message in instance 2"
import smtplib, sys
e = dict(l.strip().split("=", 1) for l in open(sys.argv[1] + "/env"))
marker = sys.argv[2]
msg = (f"From: frank@example.test\r\nTo: dana@example.test\r\nSubject: queued\r\n"
       f"Message-ID: <{marker}@smoke.example.test>\r\nX-Smoke-Marker: {marker}\r\n\r\nqueued\r\n")
with smtplib.SMTP("127.0.0.1", int(e["SMTP_PORT"]), timeout=10) as s:
    s.sendmail("frank@example.test", ["dana@example.test"], msg)
EOF
# smtpctl talks to /run/smtpd.sock, which exists only inside the instance's mount namespace.
smtpctl2() { local sp; read -r sp _ <"$d2/smtpd.pid"; nsenter -t "$sp" -m smtpctl "$@"; }
queued=0
for _ in $(seq 1 100); do
  if grep -rqF -- "$marker" "$d2/smtpd-spool/smtpd/queue" 2>/dev/null \
     && smtpctl2 show queue 2>/dev/null | grep -q 'dana@example.test'; then queued=1; break; fi
  sleep 0.05
done
[ $queued -eq 1 ] || fail "the message to dana was not queued in instance 2's private spool"
# Only our own message counts: whatever else is in the system spool belongs to another smtpd.
if [ -d /var/spool/smtpd ] && grep -rlF -- "$marker" /var/spool/smtpd 2>/dev/null | grep -q .; then
  fail "this smoke's message was queued in the machine-wide /var/spool/smtpd: $(grep -rlF -- "$marker" /var/spool/smtpd | head -n 3)"
fi
"$ms" start --dir "$d2" --imap-port "$i2" --smtp-port "$s2" --lmtp-port "$l2" \
  || fail "restart of instance 2 failed"
# A restarted smtpd would retry an old envelope only after its backoff (about 10 s): ask it to
# retry everything now, so that a leak would show within the wait below.
left=$(smtpctl2 show queue) || fail "smtpctl show queue failed in instance 2's namespace"
[ -z "$left" ] || fail "the restarted instance still has queued mail: $left"
smtpctl2 schedule all >/dev/null || fail "smtpctl schedule all failed in instance 2's namespace"
sleep 1
python3 - "$d2" <<'PYEOF' || fail "queued mail leaked into the restarted instance"
import imaplib, sys
e = dict(l.strip().split("=", 1) for l in open(sys.argv[1] + "/env"))
m = imaplib.IMAP4("127.0.0.1", int(e["IMAP_PORT"]), timeout=10)
m.login("dana@example.test", e["MAIL_PASSWORD"])
typ, data = m.select("INBOX")
assert typ == "OK" and int(data[0]) == 0, (typ, data)
# Mailboxes survive a restart in the same DIR: bob still has his message.
m.logout()
m = imaplib.IMAP4("127.0.0.1", int(e["IMAP_PORT"]), timeout=10)
m.login("bob@example.test", e["MAIL_PASSWORD"])
typ, data = m.select("INBOX")
assert typ == "OK" and int(data[0]) == 1, (typ, data)
m.logout()
PYEOF
grep -q 'result=Ok' "$d2/smtpd.log" && fail "the restarted smtpd delivered something"
step "queue-leak check: ok"

# Stop both; nothing of either instance may remain.
pgids=()
for d in "$d1" "$d2"; do
  for n in dovecot smtpd; do read -r p _ <"$d/$n.pid"; pgids+=("$p"); done
done
t0=$(now_ms)
"$ms" stop --dir "$d1" &
q1=$!
"$ms" stop --dir "$d2" &
q2=$!
wait $q1 || fail "stop of instance 1 failed"
wait $q2 || fail "stop of instance 2 failed"
t1=$(now_ms)
step "both stopped in $((t1 - t0)) ms"
for g in "${pgids[@]}"; do
  if kill -0 -- "-$g" 2>/dev/null; then
    ps -o pid,pgid,args -g "$g" >&2 || true
    fail "process group $g still has processes after stop"
  fi
done
leftover=$(ps -eo pid,args | grep -F -e "$d1" -e "$d2" | grep -v grep || true)
[ -z "$leftover" ] || fail "processes of the instances remain: $leftover"
for d in "$d1" "$d2"; do
  [ ! -e "$d/dovecot.pid" ] && [ ! -e "$d/smtpd.pid" ] || fail "pid files remain in $d"
  if "$ms" status --dir "$d" >/dev/null; then fail "status of $d is ok after stop"; fi
  for p in $(. "$d/env"; echo "$IMAP_PORT $SMTP_PORT $LMTP_PORT"); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then fail "port $p still accepts connections after stop"; fi
  done
done

echo "mailservers smoke: ok"
