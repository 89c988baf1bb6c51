#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: installs what is missing, builds, runs every
# Swift test (unit tests, and integration tests that start their own private mail servers on free
# loopback ports), then the mail-server script's own smoke test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh

start=$(date +%s)
swift build --build-tests
echo "build: $(( $(date +%s) - start )) s"

start=$(date +%s)
swift test --skip-build
echo "swift test: $(( $(date +%s) - start )) s"

bash scripts/mailservers-smoke.sh
