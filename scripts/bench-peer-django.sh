#!/usr/bin/env bash
# Peer benchmark: times django-helpdesk's `manage.py get_email` on the mail already waiting in an
# IMAP INBOX, against the same private test servers (scripts/mailservers.sh) that our own
# benchmarks use, so bench-poll.sh can print "Mailgate vs django-helpdesk" from one run.
#
#   scripts/bench-peer-django.sh --imap-port P --smtp-port S --user support@example.test \
#                                --password-file FILE --expect N [--new-ticket-cc ADDR] [--no-send]
#
# The caller starts the servers and delivers the requests first; this script only reads them.
# It installs django-helpdesk from PyPI (pinned below, with every dependency pinned too) into a
# venv at .build-peer/venv, reused while it holds the same pins, then makes a throwaway Django
# project in /tmp (SQLite database there, DEBUG off, sites/admin/humanize/rest_framework/helpdesk
# apps, teams mode off so pinax-teams is not needed), migrates it and creates one queue "support"
# that reads INBOX from imap 127.0.0.1:P, plain (no SSL; get_email tries STARTTLS and falls back
# when the server does not offer it), as --user with the password in FILE, email_box_interval 0,
# so one get_email run takes every message. Only `python manage.py get_email` is timed (wall
# clock, process start included, as for `helpdesk poll --once`); then its tickets are counted and
# one line goes to stdout:
#
#   peer: django-helpdesk X.Y.Z get_email: T tickets from N messages in SECONDS s = RATE msg/s, peak RSS M MB
#
# N is the message count of the INBOX just before the run, RATE is N / SECONDS, M is the peak RSS
# of the get_email process (/usr/bin/time -f %M, or getrusage(RUSAGE_CHILDREN) in a small Python
# wrapper when /usr/bin/time is missing; its CPU seconds go to stderr). Everything else (pip,
# migrations, counts) goes to stderr. When T is below --expect the line is still printed, then
# the script exits 1 with the reason on stderr.
#
# Acknowledgements: django-helpdesk sends its "newticket_submitter" mail (text + HTML alternative,
# rendered from the EmailTemplate rows that its migration 0003 loads, locale "en") to the sender of
# every new ticket, through Django's SMTP backend (EMAIL_HOST 127.0.0.1, EMAIL_PORT S, no TLS, no
# login; one SMTP connection per mail), except for auto-replies (Auto-Submitted, List-Id, ...). It
# sends them with fail_silently, so the script counts them from the database (FollowUp
# email_recipients) and reports the count on stderr. --new-ticket-cc ADDR also sends the queue's
# "newticket_cc" notice to ADDR for each new ticket (off by default). The queue slug is "support",
# so subjects with our ticket keys ([SUPP-12]) are new tickets there, one ticket per message.
# get_email marks each processed message \Deleted and expunges at the end: the INBOX is consumed.
#
# SQLite: the database is put in WAL mode (persistent in the file) with synchronous=NORMAL (each
# connection's init_command), as GRDB opens Mailgate's, so the two pay the same journal cost;
# PEER_SQLITE_JOURNAL=delete keeps Django's default rollback journal instead (noticeably slower
# here: Django autocommits every save, several per message).
#
# --no-send gives Django its dummy mail backend: the acknowledgements are rendered but not sent,
# to compare with `helpdesk poll --no-send`, which queues them.
#
# PYTHON (default python3, 3.10 or newer) makes the venv. BENCH_KEEP=1 keeps the Django project.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)

HELPDESK_VERSION=2.6.1
DJANGO_VERSION=5.2.19
# The whole environment, pinned, so every run measures the same code.
REQUIREMENTS="django-helpdesk==$HELPDESK_VERSION
Django==$DJANGO_VERSION
asgiref==3.13.0
beautifulsoup4==4.15.0
certifi==2026.10.19.post1
charset-normalizer==3.5.3
django-cleanup==9.0.0
django-model-utils==5.0.0
djangorestframework==3.18.3
email-reply-parser==0.5.12
idna==3.20
Markdown==3.11.3
nh3==0.3.8
oauthlib==4.0.1
requests==2.34.2
requests-oauthlib==2.0.0
soupsieve==4.1.3
sqlparse==0.6.1
typing_extensions==4.16.0
urllib3==2.8.0"

die() { echo "bench-peer-django: error: $*" >&2; exit 1; }
note() { echo "bench-peer-django: $*" >&2; }
usage() {
  echo "usage: bench-peer-django.sh --imap-port P --smtp-port S --user ADDRESS --password-file FILE --expect N [--new-ticket-cc ADDR] [--no-send]" >&2
  exit 2
}

imap_port=""; smtp_port=""; user=""; password_file=""; expect=""; new_ticket_cc=""; email_backend=smtp
while [ $# -gt 0 ]; do
  case "$1" in
    --imap-port) [ $# -ge 2 ] || usage; imap_port=$2; shift 2 ;;
    --smtp-port) [ $# -ge 2 ] || usage; smtp_port=$2; shift 2 ;;
    --user) [ $# -ge 2 ] || usage; user=$2; shift 2 ;;
    --password-file) [ $# -ge 2 ] || usage; password_file=$2; shift 2 ;;
    --expect) [ $# -ge 2 ] || usage; expect=$2; shift 2 ;;
    --new-ticket-cc) [ $# -ge 2 ] || usage; new_ticket_cc=$2; shift 2 ;;
    --no-send) email_backend=dummy; shift ;;
    -h|--help) usage ;;
    *) echo "bench-peer-django: unknown argument: $1" >&2; usage ;;
  esac
done
for p in "$imap_port" "$smtp_port"; do
  [[ "$p" =~ ^[0-9]+$ ]] && [ "$p" -ge 1 ] && [ "$p" -le 65535 ] || die "--imap-port and --smtp-port need a port number (got '$p')"
done
[ -n "$user" ] || die "--user is required"
[ -n "$password_file" ] && [ -r "$password_file" ] || die "--password-file must name a readable file (got '$password_file')"
[[ "$expect" =~ ^[0-9]+$ ]] || die "--expect needs a message count (got '$expect')"
journal_mode=${PEER_SQLITE_JOURNAL:-wal}
case "$journal_mode" in wal|delete) ;; *) die "PEER_SQLITE_JOURNAL takes wal or delete (got '$journal_mode')" ;; esac
password_file=$(cd "$(dirname "$password_file")" && pwd)/$(basename "$password_file")

# --- the venv ----------------------------------------------------------------------------------
venv=$repo/.build-peer/venv
stamp=$venv/.mailgate-peer-requirements
py=${PYTHON:-python3}
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$REQUIREMENTS" ] \
   && "$venv/bin/python" -c 'import django, helpdesk' 2>/dev/null; then
  note "reusing $venv (django-helpdesk $HELPDESK_VERSION, Django $DJANGO_VERSION)"
else
  "$py" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || die "django-helpdesk $HELPDESK_VERSION needs Python 3.10 or newer ($py is $("$py" -V 2>&1))"
  note "installing django-helpdesk $HELPDESK_VERSION and Django $DJANGO_VERSION into $venv"
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  "$py" -m venv "$venv" >&2 || die "could not make a venv with $py (on Debian's python3: apt-get install python3-venv)"
  printf '%s\n' "$REQUIREMENTS" >"$venv/requirements.txt"
  "$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$venv/requirements.txt" >&2
  printf '%s' "$REQUIREMENTS" >"$stamp"
fi
vpy=$venv/bin/python

# --- the throwaway Django project ----------------------------------------------------------------
work=$(mktemp -d /tmp/mailgate-peer-django.XXXXXX)
cleanup() {
  if [ -n "${BENCH_KEEP:-}" ]; then note "kept $work (Django project, db.sqlite3) for BENCH_KEEP"; else rm -rf "$work"; fi
}
trap cleanup EXIT
mkdir -p "$work/peerproj" "$work/media"
: >"$work/peerproj/__init__.py"
cat >"$work/peerproj/settings.py" <<EOF
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "mailgate-peer-benchmark-not-a-secret"
DEBUG = False  # DEBUG keeps every query in memory: not what a deployment runs
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",  # the domain in ticket links in e-mails
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]
HELPDESK_TEAMS_MODE_ENABLED = False  # no pinax-teams

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "peerproj.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3",
                         "OPTIONS": {"init_command": "PRAGMA synchronous=NORMAL"}}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
SITE_ID = 1
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
LOGIN_URL = "helpdesk:login"

EMAIL_BACKEND = "django.core.mail.backends.$email_backend.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = $smtp_port
EMAIL_USE_TLS = False
EMAIL_USE_SSL = False
EMAIL_HOST_USER = ""
EMAIL_HOST_PASSWORD = ""
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = "support@example.test"
SERVER_EMAIL = "support@example.test"
EOF
cat >"$work/peerproj/urls.py" <<'EOF'
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("helpdesk/", include("helpdesk.urls")),
]
EOF
cat >"$work/manage.py" <<'EOF'
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerproj.settings")
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
EOF
# setup_queue.py IMAP_PORT USER PASSWORD_FILE NEW_TICKET_CC: the one queue, and the INBOX count.
cat >"$work/setup_queue.py" <<'EOF'
import imaplib
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerproj.settings")
django.setup()
from helpdesk.models import EmailTemplate, Queue  # noqa: E402

port, user, password_file, new_ticket_cc = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
password = open(password_file, encoding="utf-8").read().strip()
Queue.objects.create(
    title="Example Support",
    slug="support",
    email_address=user,
    allow_email_submission=True,
    email_box_type="imap",
    email_box_host="127.0.0.1",
    email_box_port=port,
    email_box_ssl=False,
    email_box_user=user,
    email_box_pass=password,
    email_box_imap_folder="INBOX",
    email_box_interval=0,
    new_ticket_cc=new_ticket_cc or None,
    logging_type="none",
)
templates = EmailTemplate.objects.filter(template_name="newticket_submitter", locale="en").count()
if templates != 1:
    sys.exit(f"expected the 'newticket_submitter' e-mail template (locale en), found {templates}")
imap = imaplib.IMAP4("127.0.0.1", port)
imap.login(user, password)
status = imap.status("INBOX", "(MESSAGES)")[1][0].decode()
imap.logout()
print(status.split("MESSAGES")[1].strip(" ()"))
EOF
# count.py: tickets, follow-ups and acknowledgements sent, and what is left in the INBOX.
cat >"$work/count.py" <<'EOF'
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerproj.settings")
django.setup()
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket  # noqa: E402

sent = sum(len(f.email_recipients or []) for f in FollowUp.objects.only("email_recipients"))
print(Ticket.objects.count(), FollowUp.objects.count(), sent, FollowUpAttachment.objects.count())
EOF

note "creating the Django project in $work and migrating it"
(cd "$work" && "$vpy" manage.py migrate --no-input -v 0 >&2)
mode=$(cd "$work" && "$vpy" -c 'import sqlite3, sys; print(sqlite3.connect("db.sqlite3").execute("PRAGMA journal_mode=" + sys.argv[1]).fetchone()[0])' "$journal_mode")
[ "$mode" = "$journal_mode" ] || die "could not set journal_mode=$journal_mode on the SQLite database (got $mode)"
note "SQLite journal_mode=$mode, synchronous=NORMAL (as GRDB sets it in WAL mode)"
messages=$(cd "$work" && "$vpy" setup_queue.py "$imap_port" "$user" "$password_file" "$new_ticket_cc")
[[ "$messages" =~ ^[0-9]+$ ]] || die "could not count the messages in INBOX of $user (got '$messages')"
note "$messages messages waiting in INBOX of $user (expecting $expect)"
[ "$messages" -gt 0 ] || die "INBOX of $user is empty: deliver the requests first"

# --- the measured run ----------------------------------------------------------------------------
rss_file=$work/peak-rss-kb-user-sys
if [ -x /usr/bin/time ]; then
  measure=(/usr/bin/time -f "%M %U %S" -o "$rss_file")
else
  cat >"$work/peak_rss.py" <<'EOF'
import resource
import subprocess
import sys

code = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    out.write(f"{usage.ru_maxrss} {usage.ru_utime:.2f} {usage.ru_stime:.2f}\n")
sys.exit(code)
EOF
  measure=("$vpy" "$work/peak_rss.py" "$rss_file")
fi
note "running get_email"
cd "$work"
start=$(date +%s.%N)
status=0
# --debug_to_stdout prints a line per queue and the traceback if the queue fails (get_email itself
# only logs that, with logging off for the queue); its output goes to stderr.
"${measure[@]}" "$vpy" manage.py get_email --debug_to_stdout >&2 || status=$?
end=$(date +%s.%N)
cd "$repo"
[ "$status" -eq 0 ] || die "get_email exited with status $status"

counts=$(cd "$work" && "$vpy" count.py) || die "could not count the tickets"
read -r tickets followups acks attachments <<<"$counts"
note "database: $tickets tickets, $followups follow-ups, $acks acknowledgement mails sent, $attachments attachments"
[ "$acks" -gt 0 ] || note "warning: no acknowledgement was sent (is the SMTP server on port $smtp_port up?)"
read -r rss_kb cpu_user cpu_sys < <(tail -n 1 "$rss_file")
note "get_email CPU time: user $cpu_user s, system $cpu_sys s"

awk -v v="$HELPDESK_VERSION" -v t="$tickets" -v n="$messages" -v s="$start" -v e="$end" -v kb="$rss_kb" 'BEGIN {
  secs = e - s
  printf "peer: django-helpdesk %s get_email: %d tickets from %d messages in %.2f s = %.1f msg/s, peak RSS %.1f MB\n",
    v, t, n, secs, n / secs, kb / 1024
}'

[ "$tickets" -ge "$expect" ] || die "django-helpdesk made $tickets tickets, fewer than the $expect expected (from $messages messages)"
