#!/usr/bin/env bash
# The project's one test command (make test): Go tests against a real MariaDB,
# a short fuzz of the webhook parser, the Galera cluster proof, then the
# WordPress plugin's tests.
set -euo pipefail
cd "$(dirname "$0")/.."

dirfile=$(mktemp)
cleanup() {
  if [ -s "$dirfile" ]; then scripts/mariadb.sh stop "$(cat "$dirfile")"; rm -rf "$(cat "$dirfile")"; fi
  rm -f "$dirfile"
}
trap cleanup EXIT

MYSQL_TEST_DSN=$(VAFA_MARIADB_DIR_FILE=$dirfile scripts/mariadb.sh test-dsn)
export MYSQL_TEST_DSN
echo "== docker-compose.yml"
make -s compose-check

echo "== Go tests with the race detector (MariaDB: ${MYSQL_TEST_DSN%%/*}/...)"
go test -race -count=1 -timeout 20m ./...

if grep -rqs 'func FuzzParseOrder' internal/woocommerce; then
  echo "== fuzzing the webhook parser for ${VAFA_FUZZTIME:-20s}"
  go test ./internal/woocommerce -run '^$' -fuzz '^FuzzParseOrder$' -fuzztime "${VAFA_FUZZTIME:-20s}"
fi

echo "== Galera cluster: 3 nodes, 4 replicas, 20,000 orders, a node and a replica killed (make cluster-test)"
bash scripts/cluster-test.sh

if [ -f scripts/plugin-test.sh ]; then
  echo "== WordPress plugin tests"
  bash scripts/plugin-test.sh
fi
