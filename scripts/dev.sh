#!/usr/bin/env bash
# make dev: run the service on a fresh machine. Uses $VAFA_MYSQL_DSN when set,
# otherwise a private MariaDB kept in .dev/mariadb; creates a demo store once
# and prints how to call it.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .dev

if ! command -v go >/dev/null 2>&1; then echo "dev.sh: Go is required (https://go.dev/dl/)" >&2; exit 1; fi
VAFA_MYSQL_DSN=$(scripts/mariadb.sh dev-dsn)
export VAFA_MYSQL_DSN
export VAFA_ADDR=${VAFA_ADDR:-127.0.0.1:8080}
export VAFA_METRICS_ADDR=${VAFA_METRICS_ADDR:-127.0.0.1:9090}
base=${VAFA_PUBLIC_URL:-http://$VAFA_ADDR}

echo "dev.sh: building bin/vafa" >&2
go build -o bin/vafa ./server
bin/vafa migrate >&2

store_file=.dev/demo-store.json
store_ok=false
if [ -s "$store_file" ]; then
  id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["store_id"])' "$store_file")
  bin/vafa store set --store "$id" >/dev/null 2>&1 && store_ok=true
fi
if ! $store_ok; then
  bin/vafa store create --name "Demo Store" --url http://localhost:8081/ > "$store_file"
fi
read -r id secret kid key token < <(python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
print(d["store_id"], d["webhook_secret"], d["kid"], d["private_key"], d.get("connect_token","-"))' "$store_file")
fresh_token=$(bin/vafa store connect-token --store "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["connect_token"])')

cat <<TXT

== Vafa dev service ==
  URL:             $base
  Database:        ${VAFA_MYSQL_DSN%%@*}@...
  Demo store id:   $id   (credentials in $store_file; keep them private)
  Webhook URL:     $base/webhooks/woocommerce/$id
  Plugin token:    $fresh_token
                   (paste into WooCommerce > Vafa; single use, valid 24 h)

Send a signed sample order webhook (customer 7, 54.00 USD = 45 points):

  body=scripts/sample-order.json
  sig=\$(openssl dgst -sha256 -hmac "\$(python3 -c 'import json;print(json.load(open("$store_file"))["webhook_secret"])')" -binary < \$body | base64)
  curl -sS -X POST $base/webhooks/woocommerce/$id \\
    -H 'Content-Type: application/json' -H 'X-WC-Webhook-Topic: order.updated' \\
    -H 'X-WC-Webhook-Resource: order' -H 'X-WC-Webhook-Event: updated' -H 'X-WC-Webhook-ID: 1' \\
    -H "X-WC-Webhook-Signature: \$sig" --data-binary @\$body

Read customer 7's balance with a shopper token:

  tok=\$(bin/vafa token --store $id --sub 7 --kid $kid --key "\$(python3 -c 'import json;print(json.load(open("$store_file"))["private_key"])')")
  curl -sS $base/v1/me -H "Authorization: Bearer \$tok"

Health: $base/healthz   Metrics: http://${VAFA_METRICS_ADDR}/metrics   API: $base/openapi.json
Ctrl-C stops the service (the private MariaDB keeps running; scripts/mariadb.sh stop .dev/mariadb stops it).

TXT
exec bin/vafa serve
