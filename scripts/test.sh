#!/usr/bin/env bash
# The test run of `make test`. In CI (CI=true) the PostgreSQL and browser tests must run, not skip.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
if [ "${CI:-}" = "true" ]; then
  export CREDIT_REQUIRE_POSTGRES=1 CREDIT_REQUIRE_BROWSER=1
  # The machine's PostgreSQL may have stopped; start it if it is installed and not answering.
  if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -q 2>/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
fi
report=$(mktemp)
set +e
.venv/bin/pytest -p no:cacheprovider -rs "$@" | tee "$report"
status=${PIPESTATUS[0]}
set -e
if [ "${CI:-}" = "true" ] && [ "$status" = "0" ]; then
  # Prove the PostgreSQL connector tests ran there (they are parametrised [postgres]).
  if ! .venv/bin/pytest -p no:cacheprovider -q --co -m postgres 2>/dev/null | grep -q "postgres"; then
    echo "CI: no PostgreSQL tests were collected" >&2; exit 1
  fi
  if grep -q "SKIPPED.*PostgreSQL" "$report"; then
    echo "CI: PostgreSQL tests were skipped" >&2; exit 1
  fi
fi
exit "$status"
