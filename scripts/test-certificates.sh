#!/usr/bin/env bash
# Generates throwaway TLS certificates for the test mail servers (scripts/mailservers.sh --tls DIR)
# with the openssl command line. Never use them for anything else: the keys are not protected.
#
#   scripts/test-certificates.sh DIR
#
# Writes into DIR (created when missing; existing files are replaced):
#   ca.pem                     the test CA ("Mailgate Test CA"): what a client's ca_file names
#   valid.pem, valid.key       signed by the test CA for IP:127.0.0.1 and DNS:localhost, valid now
#   wrong-host.pem, .key       signed by the test CA, valid now, but for DNS:other.example.test only
#   expired.pem, .key          signed by the test CA for 127.0.0.1/127.0.0.3/localhost, expired in 2020
#   unknown-ca.pem, .key       for 127.0.0.1/127.0.0.4/localhost, signed by a second CA nobody trusts
#   other-ca.pem               that second CA ("Unknown Test CA")
# The .pem of each server holds its certificate only (no chain): the client needs the CA.
# EC P-256 keys: made in milliseconds (RSA takes about a second for all of them), and usable from
# TLS 1.0 to 1.3, so a server limited to TLS 1.1 (mailservers.sh --tls-max) still works with them.
set -euo pipefail

die() { echo "test-certificates: error: $*" >&2; exit 1; }

[ $# -eq 1 ] || { echo "usage: test-certificates.sh DIR" >&2; exit 2; }
command -v openssl >/dev/null || die "openssl not found; run scripts/install-deps.sh"
dir=$1
mkdir -p "$dir" || die "cannot create $dir"
dir=$(cd "$dir" && pwd -P)
work=$(mktemp -d "$dir/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null || die "cannot generate key $1"; }

# make_ca NAME SUBJECT: a self-signed CA in $work/NAME/ with what `openssl ca` needs to sign.
make_ca() {
  local d="$work/$1"
  mkdir -p "$d/new"
  : >"$d/index.txt"
  key "$d/key.pem"
  openssl req -new -x509 -key "$d/key.pem" -out "$d/cert.pem" -days 3650 -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" 2>/dev/null || die "cannot create CA $2"
  cat >"$d/ca.cnf" <<EOF
[ca]
default_ca = test_ca
[test_ca]
dir = $d
database = \$dir/index.txt
new_certs_dir = \$dir/new
certificate = \$dir/cert.pem
private_key = \$dir/key.pem
rand_serial = yes
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
EOF
}

# leaf CA NAME COMMON_NAME SAN STARTDATE ENDDATE: DIR/NAME.pem and DIR/NAME.key signed by CA.
# `openssl ca` is used for every certificate because it alone takes explicit start and end dates.
leaf() {
  local ca="$work/$1" name=$2 cn=$3 san=$4 start=$5 end=$6
  key "$work/$name.key"
  openssl req -new -key "$work/$name.key" -out "$work/$name.csr" -subj "/CN=$cn" 2>/dev/null \
    || die "cannot create the request for $name"
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\nauthorityKeyIdentifier=keyid\n' \
    "$san" >"$work/$name.ext"
  openssl ca -batch -notext -config "$ca/ca.cnf" -in "$work/$name.csr" -out "$work/$name.pem" \
    -startdate "$start" -enddate "$end" -extfile "$work/$name.ext" >"$work/$name.log" 2>&1 \
    || { cat "$work/$name.log" >&2; die "cannot sign $name"; }
  install -m 0644 "$work/$name.pem" "$dir/$name.pem"
  install -m 0600 "$work/$name.key" "$dir/$name.key"
}

# Start an hour back, so a server whose clock is a little behind still accepts it.
now_start=$(date -u -d '-1 hour' +%Y%m%d%H%M%SZ)
now_end=$(date -u -d '+30 days' +%Y%m%d%H%M%SZ)

make_ca ca "Mailgate Test CA"
make_ca other "Unknown Test CA"
leaf ca valid localhost "IP:127.0.0.1,DNS:localhost" "$now_start" "$now_end"
leaf ca wrong-host other.example.test "DNS:other.example.test" "$now_start" "$now_end"
leaf ca expired localhost "IP:127.0.0.1,IP:127.0.0.3,DNS:localhost" 20200101000000Z 20200201000000Z
leaf other unknown-ca localhost "IP:127.0.0.1,IP:127.0.0.4,DNS:localhost" "$now_start" "$now_end"
install -m 0644 "$work/ca/cert.pem" "$dir/ca.pem"
install -m 0644 "$work/other/cert.pem" "$dir/other-ca.pem"

# Prove what each certificate is meant to be, so a test failing later is not a bad certificate.
openssl verify -CAfile "$dir/ca.pem" "$dir/valid.pem" >/dev/null || die "valid.pem does not verify"
openssl verify -CAfile "$dir/ca.pem" "$dir/wrong-host.pem" >/dev/null || die "wrong-host.pem does not verify"
openssl verify -CAfile "$dir/ca.pem" "$dir/expired.pem" >/dev/null 2>&1 && die "expired.pem verifies"
openssl verify -CAfile "$dir/ca.pem" "$dir/unknown-ca.pem" >/dev/null 2>&1 && die "unknown-ca.pem verifies against ca.pem"
echo "test-certificates: wrote ca.pem, valid, wrong-host, expired, unknown-ca (+ other-ca.pem) to $dir" >&2
