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
junit=$(mktemp --suffix=.xml)
set +e
.venv/bin/pytest -p no:cacheprovider -rs --junitxml="$junit" "$@"
status=$?
set -e
if [ "${CI:-}" = "true" ] && [ "$status" = "0" ]; then
  # Prove from this run's own report that the PostgreSQL and browser tests ran and passed here.
  .venv/bin/python scripts/check_ran.py "$junit" "[postgres]" "test_browser"
fi
exit "$status"
