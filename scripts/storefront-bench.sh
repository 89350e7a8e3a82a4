#!/usr/bin/env bash
# The plugin's cost on real storefront pages (issue 13), for `make bench`:
# a throwaway WordPress (Debian's, or VAFA_WP_CORE_DIR) with the plugin
# connected to the real Go service on MariaDB, a shopper with points and
# activity, and PHP's built-in server. Pages: My Account > Rewards and a
# product page when WooCommerce is present (VAFA_WC_DIR), and always a
# page with [vafa_points] [vafa_activity]. Each page is requested
# $VAFA_BENCH_REPS times in interleaved rounds: without the plugin
# (mu-bench.php drops it for the request), with it and the shopper's cache
# warm, and with the cache dropped first (cold: the plugin asks the
# service). With php-excimer, as many profiled views per page, warm and
# cold in turn, give the plugin's own time: the samples whose stack is in the
# plugin, a measure the page's view-to-view swing (several milliseconds on a
# small virtual machine) does not blur. PHP runs with opcache, as every
# production PHP does (the CLI server has it off by default: each view then
# compiles WordPress, WooCommerce and the plugin again). Then the service is frozen (SIGSTOP)
# and one cold page view shows the ceiling. Prints one JSON result per line on stdout (bench/main.go
# adds them to its table); progress on stderr.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
reps=${VAFA_BENCH_REPS:-40}
log() { echo "storefront: $*" >&2; }
command -v php >/dev/null 2>&1 && [ -d "${VAFA_WP_CORE_DIR:-/usr/share/wordpress}" ] || {
  log "PHP or WordPress missing: run scripts/plugin-deps.sh (skipped)"; exit 0; }

dsn=${MYSQL_TEST_DSN:-${VAFA_BENCH_DSN:-root@tcp(127.0.0.1:3306)/}}
hostport=$(sed -E 's/.*@tcp\(([^)]*)\).*/\1/' <<<"$dsn")
dbhost=${hostport%:*}; dbport=${hostport##*:}
dbuser=$(sed -E 's/^([^:@]*).*/\1/' <<<"$dsn")
sql() { mariadb --protocol=tcp -h "$dbhost" -P "$dbport" -u "$dbuser" -N -e "$1"; }
tmp=$(mktemp -d /tmp/vafa-storefront.XXXXXX)
suffix=$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
wpdb=vafa_bench_wp_$suffix; svcdb=vafa_bench_sf_$suffix
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wp_port=$(free_port); svc_port=$(free_port); metrics_port=$(free_port)
pids=()
cleanup() {
  [ -n "${svc_pid:-}" ] && kill -CONT "$svc_pid" 2>/dev/null || true
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sql "DROP DATABASE IF EXISTS $wpdb; DROP DATABASE IF EXISTS $svcdb" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
j() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"d": d}))' "$@"; }

go build -o "$tmp/vafa" ./server
export VAFA_MYSQL_DSN="${dsn%/*}/$svcdb" VAFA_ADDR="127.0.0.1:$svc_port" VAFA_PUBLIC_URL="http://localhost:$svc_port" \
  VAFA_LOG_LEVEL=warn VAFA_METRICS_ADDR="127.0.0.1:$metrics_port"
"$tmp/vafa" store create --name "Bench Shop" --url "http://127.0.0.1:$wp_port/" > "$tmp/store.json"
"$tmp/vafa" serve 2>>"$tmp/service.log" & svc_pid=$!; pids+=("$svc_pid")
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$svc_port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

wp_core=${VAFA_WP_CORE_DIR:-/usr/share/wordpress}
site=$tmp/site
cp -a "$wp_core" "$site"
rm -f "$site/wp-config.php"
mkdir -p "$site/wp-content/themes" "$site/wp-content/mu-plugins"
cp -aL /usr/share/wordpress/wp-content/themes/twentytwentyone "$site/wp-content/themes/"
ln -s "$root/plugin-php" "$site/wp-content/plugins/vafa"
cp plugin-php/tests/integration/mu-test-login.php plugin-php/tests/integration/mu-bench.php "$site/wp-content/mu-plugins/"
secret=$(head -c16 /dev/urandom | od -An -tx1 | tr -d ' \n')
sql "CREATE DATABASE $wpdb CHARACTER SET utf8mb4"
cat > "$site/wp-config.php" <<PHP
<?php
define( 'DB_NAME', '$wpdb' );
define( 'DB_USER', '$dbuser' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', '$dbhost:$dbport' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
\$table_prefix = 'wp_';
define( 'WP_HOME', 'http://127.0.0.1:$wp_port' );
define( 'WP_SITEURL', 'http://127.0.0.1:$wp_port' );
define( 'WP_DEBUG', false );
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'WP_ACCESSIBLE_HOSTS', '127.0.0.1' );
define( 'VAFA_TEST_LOGIN_SECRET', '$secret' );
define( 'VAFA_ALLOW_INSECURE_SERVICE', true );
foreach ( array( 'AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT' ) as \$k ) { define( \$k, '$secret' . \$k ); }
if ( ! defined( 'ABSPATH' ) ) { define( 'ABSPATH', __DIR__ . '/' ); }
require_once ABSPATH . 'wp-settings.php';
PHP
export VAFA_WP_URL="http://127.0.0.1:$wp_port"
wpcli() { php plugin-php/tests/integration/wp.php "$site" "$@"; }
install_args=()
if [ -n "${VAFA_WC_DIR:-}" ] && [ -f "$VAFA_WC_DIR/woocommerce.php" ]; then
  ln -s "$(cd "$VAFA_WC_DIR" && pwd)" "$site/wp-content/plugins/woocommerce"
  install_args=(with-woocommerce)
fi
wpcli install "${install_args[@]}" > "$tmp/install.json"
shopper=$(j "$tmp/install.json" 'd["shopper"]'); page=$(j "$tmp/install.json" 'd["page"]')
pages=("points page|/?page_id=$page")
if [ ${#install_args[@]} -gt 0 ]; then
  wpcli wc-setup >/dev/null
  wpcli wc-prepare "$shopper" > "$tmp/wc.json"
  product=$(j "$tmp/wc.json" 'd["product"]'); myaccount=$(j "$tmp/wc.json" 'd["myaccount"]')
  pages+=("My Account > Rewards|/?page_id=$myaccount&rewards=" "product page|/?p=$product&post_type=product")
  log "WooCommerce $(j "$tmp/wc.json" 'd["version"]')"
fi
php -d opcache.enable_cli=1 -S "127.0.0.1:$wp_port" -t "$site" >"$tmp/php.log" 2>&1 & pids+=($!)
for _ in $(seq 1 50); do curl -fsS -o /dev/null "$VAFA_WP_URL/" 2>/dev/null && break; sleep 0.1; done
wpcli connect "$(j "$tmp/store.json" 'd["connect_token"]')" >/dev/null

# The shopper's points and activity: signed order webhooks (connecting
# rotated the webhook secret: sign with the current one).
store_id=$(j "$tmp/store.json" 'd["store_id"]')
wh_secret=$(sql "SELECT webhook_secret FROM $svcdb.stores WHERE id=$store_id")
for i in $(seq 1 12); do
  body=$(printf '{"id":%d,"status":"completed","currency":"USD","total":"54.00","total_tax":"4.00","shipping_total":"5.00","customer_id":%d,"billing":{"email":"sara@example.com"},"date_paid_gmt":"2026-11-%02dT10:00:00","date_modified_gmt":"2026-11-%02dT10:00:00","line_items":[{"product_id":15,"quantity":1,"total":"45.00"}],"refunds":[]}' \
    "$((1000 + i))" "$shopper" "$i" "$i")
  sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$wh_secret" -binary | base64)
  curl -s -o /dev/null -w '' "http://127.0.0.1:$svc_port/webhooks/woocommerce/$store_id" -H "X-WC-Webhook-Topic: order.updated" \
    -H "X-WC-Webhook-Signature: $sig" -H 'Content-Type: application/json' --data-binary "$body"
done
sleep 2

view() { # mode (off, on, cold) path [profile] -> seconds; a cold view follows an untimed request that drops the shopper's cache
  local mode=$1
  if [ "$mode" = cold ]; then
    curl -s -o /dev/null -H "X-Vafa-Bench: forget" "$VAFA_WP_URL$2&vafa_test_login=$secret&vafa_test_user=$shopper"
    mode=on
  fi
  curl -s -o /dev/null -w '%{time_total}' -H "X-Vafa-Bench: $mode" ${3:+-H "X-Vafa-Bench-Profile: $3"} \
    "$VAFA_WP_URL$2&vafa_test_login=$secret&vafa_test_user=$shopper"
}

svc_calls() { # requests the service answered so far (every route)
  curl -s "http://127.0.0.1:$metrics_port/metrics" | grep '^vafa_http_request_duration_seconds_count{' | awk '{s+=$2} END {print int(s)}'; }
svc_summary() { # count and seconds the service spent on the shopper summaries so far
  curl -s "http://127.0.0.1:$metrics_port/metrics" | awk '/^vafa_http_request_duration_seconds_(count|sum)\{route="\/v1\/me",status="200"\}/ {
    if ($1 ~ /_count/) c=$2; else s=$2 } END {print int(c), s+0}'; }
emit() { # metric value unit target
  python3 -c 'import json,sys; print(json.dumps({"metric":sys.argv[1],"value":float(sys.argv[2]),"unit":sys.argv[3],"target":sys.argv[4]}))' "$@"; }
stats() { python3 -c 'import sys,statistics; v=sorted(float(x)*1000 for x in sys.argv[1:]); print("%.2f %.2f" % (statistics.median(v), v[max(0,int(round(0.95*len(v)))-1)]))' "$@"; }
profile_log=$site/wp-content/vafa-bench-profile.log
cpu_times() { awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9, $9}' /proc/stat 2>/dev/null || echo "0 0"; }
steal_pct() { # "total steal" at the start -> percent of CPU time the hypervisor gave to others since
  read -r t1 s1 <<<"$(cpu_times)"; python3 -c 'import sys; t0,s0,t1,s1=map(float,sys.argv[1:]); print("%.0f" % (100*(s1-s0)/(t1-t0) if t1>t0 else 0))' $1 $2 "$t1" "$s1"; }
profiled() { php -r 'exit(class_exists("ExcimerProfiler") ? 0 : 1);'; }
profile() { # path -> "warm-median warm-p95 cold-median cold-p95 page-median" of the plugin's own
  # milliseconds over $reps profiled views of each, interleaved so both see the
  # machine in the same state (its speed drifts by half from one minute to the next)
  rm -f "$profile_log"
  for _ in $(seq 1 "$reps"); do view on "$1" warm >/dev/null; view cold "$1" cold >/dev/null; done
  python3 -c '
import sys, statistics
own = {"warm": [], "cold": []}; page = []
for line in open(sys.argv[1]):
    label, mine, total = line.split()
    own[label].append(float(mine)); page.append(float(total))
def mp(v):
    v = sorted(v); return "%.2f %.2f" % (statistics.median(v), v[max(0, int(round(0.95 * len(v))) - 1)])
print(mp(own["warm"]), mp(own["cold"]), "%.1f" % statistics.median(page))' "$profile_log"
}

for entry in "${pages[@]}"; do
  name=${entry%%|*}; path=${entry#*|}
  for m in off on cold; do view "$m" "$path" >/dev/null; done # warm PHP's opcache and the pages
  off=(); warm=(); cold=()
  for _ in $(seq 1 "$reps"); do
    off+=("$(view off "$path")"); warm+=("$(view on "$path")"); cold+=("$(view cold "$path")")
  done
  read -r off_med off_p95 <<<"$(stats "${off[@]}")"
  read -r warm_med warm_p95 <<<"$(stats "${warm[@]}")"
  read -r cold_med cold_p95 <<<"$(stats "${cold[@]}")"
  log "$name: without the plugin $off_med ms (p95 $off_p95), warm $warm_med ($warm_p95), cold $cold_med ($cold_p95)"
  emit "storefront $name without the plugin, median" "$off_med" ms ""
  emit "storefront $name, plugin warm: added median" "$(python3 -c "print($warm_med-$off_med)")" ms "< 2 ms"
  emit "storefront $name, plugin warm: added p95" "$(python3 -c "print($warm_p95-$off_p95)")" ms ""
  emit "storefront $name, plugin cold: added median" "$(python3 -c "print($cold_med-$off_med)")" ms "< 5 ms"
  emit "storefront $name, plugin cold: added p95" "$(python3 -c "print($cold_p95-$off_p95)")" ms ""
  before=$(svc_calls); view cold "$path" >/dev/null; after=$(svc_calls)
  emit "storefront $name: service calls per cold page view" "$((after - before))" calls "<= 1"
  if profiled; then
    read -r n0 s0 <<<"$(svc_summary)"
    cpu0=$(cpu_times)
    read -r own_warm own_warm_p95 own_cold own_cold_p95 own_page <<<"$(profile "$path")"
    steal=$(steal_pct $cpu0)
    read -r n1 s1 <<<"$(svc_summary)"
    log "$name: the plugin's own time (sampled, pages of $own_page ms, CPU steal $steal%), warm $own_warm ms (p95 $own_warm_p95), cold $own_cold ($own_cold_p95)"
    emit "storefront $name: whole page in the sampled views (the machine's pace), median" "$own_page" ms ""
    emit "storefront $name: CPU time the hypervisor gave to other guests during the sampled views" "$steal" "%" ""
    emit "storefront $name, plugin's own time warm (sampled): median" "$own_warm" ms "< 2 ms"
    emit "storefront $name, plugin's own time warm (sampled): p95" "$own_warm_p95" ms ""
    emit "storefront $name, plugin's own time cold (sampled): median" "$own_cold" ms "< 5 ms"
    emit "storefront $name, plugin's own time cold (sampled): p95" "$own_cold_p95" ms ""
    if [ "$n1" -gt "$n0" ]; then
      emit "storefront $name: the service's time per summary (mean, in the cold views)" "$(python3 -c "print(round(($s1-$s0)*1000/($n1-$n0), 2))")" ms ""
    fi
  else
    log "php-excimer missing: the plugin's own time is not sampled (scripts/plugin-deps.sh installs it)"
  fi
done

# The service hangs: a cold view waits at most the plugin's timeout (1.5 s).
path=${pages[0]#*|}
kill -STOP "$svc_pid"
hang=$(view cold "$path")
kill -CONT "$svc_pid"
# What the page waits beyond its time without the plugin: the plugin's 1.5 s
# timeout and its cold path.
read -r plain _ <<<"$(stats "$(view off "$path")" "$(view off "$path")" "$(view off "$path")")"
emit "storefront points page with the service hanging: added" "$(python3 -c "print(round($hang*1000-$plain, 2))")" ms "< 1600 ms"
log "service hanging: $(python3 -c "print(round($hang*1000))") ms, $(python3 -c "print(round($hang*1000-$plain))") ms more than without the plugin"
