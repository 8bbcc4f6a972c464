#!/usr/bin/env bash
# Prints the name of every dataset in the local CKAN's database, one per line, sorted:
# all types and states (drafts, private and deleted-but-not-purged included), which a
# search would not all show. `.ci/run` compares this list before and after the tests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
runuser -u postgres -- "$PGBIN/psql" -h "$PGSOCK" -p "$PG_PORT" -U postgres -d ckan_default \
  -v ON_ERROR_STOP=1 -qtA -c "select name from package order by name"
