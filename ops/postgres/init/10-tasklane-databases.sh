#!/bin/sh
# Runs once, when the PostgreSQL data volume is empty: one login role and one database per service.
# Each role owns its database, so Flyway can create the schemas (the notifier uses "notifier").
set -eu

: "${TASKLANE_LEDGER_DB_PASSWORD:?set TASKLANE_LEDGER_DB_PASSWORD}"
: "${TASKLANE_NOTIFIER_DB_PASSWORD:?set TASKLANE_NOTIFIER_DB_PASSWORD}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v ledger_password="$TASKLANE_LEDGER_DB_PASSWORD" \
  -v notifier_password="$TASKLANE_NOTIFIER_DB_PASSWORD" <<'SQL'
CREATE ROLE tasklane_ledger LOGIN PASSWORD :'ledger_password';
CREATE DATABASE tasklane_ledger OWNER tasklane_ledger;
REVOKE ALL ON DATABASE tasklane_ledger FROM PUBLIC;

CREATE ROLE tasklane_notifier LOGIN PASSWORD :'notifier_password';
CREATE DATABASE tasklane_notifier OWNER tasklane_notifier;
REVOKE ALL ON DATABASE tasklane_notifier FROM PUBLIC;
SQL
