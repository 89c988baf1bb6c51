#!/usr/bin/env bash
# Benchmark of the MIME reader against Python's email package and GMime 3 (C, bench/gmime_parse.c,
# built here against Debian's libgmime-3.0-dev, installed if missing), and its peak memory on a
# message with a 50 MB attachment (targets: >= 30x Python and >= 1.2x GMime on the generated
# corpus, peak RSS <= 2.5x the file).
#
#   scripts/bench-mime.sh [N]        (N generated messages, default 1000)
#
# SCRATCH (default .build-bench-release) is the release build directory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
count=${1:-1000}
scratch=${SCRATCH:-.build-bench-release}

swift build -c release --scratch-path "$scratch" --product helpdesk-bench >/dev/null
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/helpdesk-bench

work=$(mktemp -d /tmp/mailgate-mime-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

if ! pkg-config --exists gmime-3.0 2>/dev/null; then
  echo "== installing libgmime-3.0-dev (the GMime reference)"
  [ "$(id -u)" = 0 ] || { echo "bench-mime: libgmime-3.0-dev is missing; install it (apt-get install libgmime-3.0-dev pkg-config) or run as root" >&2; exit 2; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q libgmime-3.0-dev pkg-config >/dev/null
fi
# shellcheck disable=SC2046 # pkg-config prints several flags on purpose
gcc -O2 -o "$work/bench_gmime" bench/gmime_parse.c $(pkg-config --cflags --libs gmime-3.0)

# compare NAME FILES...: ours and GMime on the same files, and the ratio of their MB/s.
compare() {
  local ours gmime
  ours=$("$bin" mime "$@" | tee /dev/stderr | sed -n 's/^mime: .* = \([0-9.]*\) MB\/s.*/\1/p')
  gmime=$(find "$@" -type f | sort | "$work/bench_gmime" | tee /dev/stderr | sed -n 's/.* = \([0-9.]*\) MB\/s/\1/p')
  awk -v a="$ours" -v b="$gmime" 'BEGIN { if (b > 0) printf "ratio: %.2fx GMime (target >= 1.2x)\n", a / b }'
}

python3 scripts/gen-mime-corpus.py "$count" "$work/generated"
echo "== $count generated messages"
compare "$work/generated" 2>&1

echo "== Tests/Fixtures/corpus/mime"
compare Tests/Fixtures/corpus/mime 2>&1

echo "== one message with a 50 MB attachment (separate process)"
python3 scripts/gen-mime-corpus.py --attachment-mb 50 1 "$work/large"
"$bin" mime --rss "$work/large/msg-00001.eml"
