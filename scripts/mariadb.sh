#!/usr/bin/env bash
# Provides a MariaDB server for tests and development.
#
#   scripts/mariadb.sh test-dsn      prints a DSN for tests: $MYSQL_TEST_DSN when set, else the
#                                    local server at 127.0.0.1:3306 when it answers as root, else a
#                                    throwaway mariadbd in a temp dir (stopped when the parent
#                                    shell's process given in VAFA_MARIADB_OWNER exits)
#   scripts/mariadb.sh dev-dsn       prints a DSN for `make dev`: $VAFA_MYSQL_DSN when set, else a
#                                    private server kept in .dev/mariadb on port 3307
#   scripts/mariadb.sh stop DIR      stops a server started in DIR
#
# mariadb-server is installed with apt when mariadbd is missing. Set
# VAFA_FORCE_PRIVATE_MARIADB=1 to skip the local server (tests the fresh-machine path).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "mariadb.sh: $*" >&2; }

mariadbd_bin() {
  for b in mariadbd /usr/sbin/mariadbd mysqld /usr/sbin/mysqld; do
    if command -v "$b" >/dev/null 2>&1; then command -v "$b"; return 0; fi
  done
  return 1
}

ensure_installed() {
  if mariadbd_bin >/dev/null && command -v mariadb-install-db >/dev/null 2>&1 && command -v mariadb-admin >/dev/null 2>&1; then
    return 0
  fi
  log "installing mariadb-server with apt"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q mariadb-server mariadb-client >&2 || { apt-get update -q >&2 && apt-get install -y -q mariadb-server mariadb-client >&2; }
}

# local_answers HOST PORT: true when a MariaDB accepts root without a password there.
local_answers() {
  if command -v mariadb >/dev/null 2>&1; then
    mariadb --protocol=tcp -h "$1" -P "$2" -uroot --connect-timeout=2 -e 'SELECT 1' >/dev/null 2>&1
  else
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
  fi
}

free_port() {
  python3 - <<'PY' 2>/dev/null || echo 33$((RANDOM % 90 + 10))6
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

# start_server DIR PORT: starts mariadbd with its data in DIR (initialized on first use).
start_server() {
  local dir=$1 port=$2 bin
  ensure_installed
  bin=$(mariadbd_bin)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ ! -d "$dir/data/mysql" ]; then
    log "initializing a data directory in $dir/data"
    mariadb-install-db --no-defaults --datadir="$dir/data" --user="$(id -un)" --auth-root-authentication-method=normal \
      --skip-test-db >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
  fi
  if [ -f "$dir/mariadbd.pid" ] && kill -0 "$(cat "$dir/mariadbd.pid")" 2>/dev/null; then
    return 0
  fi
  "$bin" --no-defaults --datadir="$dir/data" --socket="$dir/mariadbd.sock" --port="$port" --bind-address=127.0.0.1 \
    --pid-file="$dir/mariadbd.pid" --user="$(id -un)" --skip-name-resolve --innodb-buffer-pool-size=256M \
    --log-error="$dir/error.log" >/dev/null 2>&1 &
  for _ in $(seq 1 120); do
    if mariadb-admin --no-defaults --protocol=tcp -h 127.0.0.1 -P "$port" -uroot ping >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  log "mariadbd did not start; its log:"; tail -30 "$dir/error.log" >&2 || true
  exit 1
}

stop_server() {
  local dir=$1
  if [ -f "$dir/mariadbd.pid" ]; then
    kill "$(cat "$dir/mariadbd.pid")" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$(cat "$dir/mariadbd.pid" 2>/dev/null)" 2>/dev/null || break; sleep 0.5; done
  fi
}

case "${1:-}" in
  test-dsn)
    if [ -n "${MYSQL_TEST_DSN:-}" ]; then echo "$MYSQL_TEST_DSN"; exit 0; fi
    if [ "${VAFA_FORCE_PRIVATE_MARIADB:-}" != 1 ] && local_answers 127.0.0.1 3306; then
      echo "root@tcp(127.0.0.1:3306)/"; exit 0
    fi
    dir=$(mktemp -d /tmp/vafa-mariadb.XXXXXX)
    port=$(free_port)
    start_server "$dir" "$port"
    log "started a throwaway MariaDB in $dir on port $port"
    echo "$dir" > "${VAFA_MARIADB_DIR_FILE:-/dev/null}"
    echo "root@tcp(127.0.0.1:$port)/"
    ;;
  dev-dsn)
    if [ -n "${VAFA_MYSQL_DSN:-}" ]; then echo "$VAFA_MYSQL_DSN"; exit 0; fi
    port=${VAFA_DEV_MARIADB_PORT:-3307}
    start_server .dev/mariadb "$port"
    echo "root@tcp(127.0.0.1:$port)/vafa"
    ;;
  stop)
    stop_server "${2:?usage: mariadb.sh stop DIR}"
    ;;
  *)
    echo "usage: scripts/mariadb.sh test-dsn | dev-dsn | stop DIR" >&2; exit 2 ;;
esac
