#!/usr/bin/env bash
# Benchmark of the MIME reader against Python's email package, and its peak memory on a message
# with a 50 MB attachment (targets: >= 30x Python on the generated corpus, peak RSS <= 2.5x the file).
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

python3 scripts/gen-mime-corpus.py "$count" "$work/generated"
echo "== $count generated messages"
"$bin" mime "$work/generated"

echo "== Tests/Fixtures/corpus/mime"
"$bin" mime Tests/Fixtures/corpus/mime

echo "== one message with a 50 MB attachment (separate process)"
python3 scripts/gen-mime-corpus.py --attachment-mb 50 1 "$work/large"
"$bin" mime --rss "$work/large/msg-00001.eml"
