#!/usr/bin/env bash
# The process suites (the server, sync, notes and code sync and hostile input through real processes, and two
# instances on one database), and the stress suite, on a real PostgreSQL: a throwaway cluster from
# Debian's `postgresql` binaries on a loopback port, removed afterwards. Extra arguments go to vitest
# (for example a reporter). `npm run test:postgres`; with VLT_TEST_PG_STRESS=1, the stress runs that
# test the server's engine (=all: the whole stress suite).
# `.ci/run` runs both.
set -uo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/vlt-pg-XXXXXX)
port=${VLT_TEST_PG_PORT:-55433}
if ! url=$(scripts/pg-cluster.sh start "$dir" "$port"); then
  echo "could not start PostgreSQL (see $dir/*.log)" >&2
  exit 1
fi
trap 'scripts/pg-cluster.sh stop "$dir"' EXIT
echo "PostgreSQL at $url"
status=0
if [ "${VLT_TEST_PG_STRESS:-}" = 1 ]; then
  # VLT_TEST_PG_STRESS=1: the stress runs where the server's engine is what is tested (the server
  # killed and restarted during a long sync; duplicated, concurrent and reordered requests through
  # the faulty proxy); the other two test the CLI and its vault, which the SQLite run covers (and
  # concurrent pushes to one thread on PostgreSQL are in test/multi-instance.test.ts).
  # VLT_TEST_PG_STRESS=all runs the whole stress suite here.
  VLT_TEST_DATABASE=$url npx vitest run --config vitest.stress.config.ts -t 'server killed|proxy' "$@" || status=$?
elif [ "${VLT_TEST_PG_STRESS:-}" = all ]; then
  VLT_TEST_DATABASE=$url npx vitest run --config vitest.stress.config.ts "$@" || status=$?
else
  # The in-process suites (src/server, test/authorization.test.ts) run on PostgreSQL in `npm test`
  # already, through PGlite; the engine's own file again here, for what only a real server has
  # (its pool's connections).
  VLT_TEST_DATABASE=$url npx vitest run --project default \
    test/server.test.ts test/sync.test.ts test/hostile.test.ts test/multi-instance.test.ts \
    test/notes.test.ts test/code-sync.test.ts src/server/db/postgres-search.test.ts "$@" || status=$?
fi
exit $status
