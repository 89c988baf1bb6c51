#!/usr/bin/env bash
# Installs the Debian packages Mailgate needs to build and to run its local test mail servers.
# Idempotent: installs only what is missing, runs `apt-get update` once per machine boot at most.
set -euo pipefail

# dovecot-submissiond and openssl: the TLS test servers (mailservers.sh --tls, test-certificates.sh).
# postgresql-15: the private PostgreSQL servers of the PostgreSQL store's tests (postgres.sh).
packages=(libcurl4-openssl-dev libsqlite3-dev dovecot-imapd dovecot-lmtpd dovecot-submissiond opensmtpd ca-certificates python3 openssl postgresql-15)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root, or install them: apt-get install ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# The Debian packages start system-wide daemons on install; our test servers run private instances,
# so keep the packaged services from starting (and from holding the ports or the smtpd spool).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && created_policy=1
fi
trap '[ $created_policy -eq 1 ] && rm -f "$policy"' EXIT

echo "install-deps: installing ${missing[*]}" >&2
apt-get update -qq
# opensmtpd asks for a mail name through debconf; answer for it.
echo "opensmtpd opensmtpd/mailname string localhost" | debconf-set-selections
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
