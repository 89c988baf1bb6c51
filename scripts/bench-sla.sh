#!/usr/bin/env bash
# Benchmark of the SLA clocks' SQLite work: recording N tickets with a business-hours policy
# against the same without one (ratio), then one full recomputation of N open tickets (what
# `helpdesk run` does at start and `helpdesk sla check` does each time) and one due-notice query.
#
#   scripts/bench-sla.sh [N]        (N open tickets, default 10000)
#
# SCRATCH (default .build-bench-release) is the release build directory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
count=${1:-10000}
scratch=${SCRATCH:-.build-bench-release}

swift build -c release --scratch-path "$scratch" --product helpdesk-bench >/dev/null
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/helpdesk-bench
"$bin" sla --tickets "$count"
