#!/usr/bin/env bash
# make cluster-test: the Galera scale-out proof (bench/cluster). Installs what
# it needs from Debian's packages when missing (MariaDB, galera-4, rsync for
# state transfer), then starts a 3-node cluster on loopback, four service
# replicas, streams 20,000 orders with duplicates and refunds, kills a node
# and a replica mid-stream, and checks the ledger. Arguments go to the
# harness (for example -orders 2000 -kill=false).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
want=()
command -v mariadbd >/dev/null 2>&1 || want+=(mariadb-server)
[ -f /usr/lib/galera/libgalera_smm.so ] || want+=(galera-4)
command -v rsync >/dev/null 2>&1 || want+=(rsync)
command -v ss >/dev/null 2>&1 || command -v lsof >/dev/null 2>&1 || want+=(iproute2)
if [ ${#want[@]} -gt 0 ]; then
  echo "cluster-test: installing ${want[*]}" >&2
  apt-get install -y -q --no-install-recommends "${want[@]}" >&2 || {
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends "${want[@]}" >&2
  }
fi
exec go run ./bench/cluster "$@"
