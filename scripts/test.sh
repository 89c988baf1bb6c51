#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: installs what is missing, builds, runs every
# Swift test (unit tests, and integration tests that start their own private mail servers on free
# loopback ports), then the mail-server script's own smoke test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# swiftc leaves a TemporaryDirectory.* folder in $TMPDIR on every call, and a killed test cannot
# clean up: keep everything temporary in one folder, removed at exit. Short (socket paths of the
# mail servers live below it) and traversable (Dovecot's auth runs as another user).
TMPDIR=$(mktemp -d /tmp/mg.XXXXXX)
chmod 755 "$TMPDIR"
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT

bash scripts/install-deps.sh

start=$(date +%s)
swift build --build-tests
echo "build: $(( $(date +%s) - start )) s"

start=$(date +%s)
swift test --skip-build
echo "swift test: $(( $(date +%s) - start )) s"

# The gateway's integration tests again, on PostgreSQL instead of SQLite (the store tests ran on
# both above). The suites left out already run on PostgreSQL, or only concern SQLite files.
start=$(date +%s)
MAILGATE_TEST_STORE=postgres swift test --skip-build --filter GatewayTests \
    --skip 'SeveralInstancesTests|PostgresTLSTests|MigrateStoreCommandTests|BackupCommandTests|InstanceLockTests'
echo "swift test, integration on PostgreSQL: $(( $(date +%s) - start )) s"

bash scripts/mailservers-smoke.sh
