#!/usr/bin/env bash
# Installs what the plugin's tests need from Debian's packages, when missing:
# PHP with the extensions WordPress and the plugin use, PHPUnit, Debian's
# WordPress, gettext (msgfmt), headless Chromium for screenshots and
# php-excimer for the storefront bench.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
want=()
command -v php >/dev/null 2>&1 || want+=(php-cli)
for ext in mysqli curl xml mbstring intl bcmath; do
  php -m 2>/dev/null | grep -qi "^$ext\$" || want+=("php-${ext/mysqli/mysql}")
done
# Excimer (Wikimedia's sampling profiler) gives the storefront bench the
# plugin's own time per page view.
php -m 2>/dev/null | grep -qi '^excimer$' || want+=(php-excimer)
command -v phpunit >/dev/null 2>&1 || want+=(phpunit)
[ -f /usr/share/wordpress/wp-settings.php ] || want+=(wordpress)
[ -d /usr/share/wordpress/wp-content/themes/twentytwentyone ] || want+=(wordpress-theme-twentytwentyone)
command -v msgfmt >/dev/null 2>&1 || want+=(gettext)
command -v chromium >/dev/null 2>&1 || want+=(chromium)
command -v curl >/dev/null 2>&1 || want+=(curl)
if [ ${#want[@]} -gt 0 ]; then
  echo "plugin-deps: installing ${want[*]}" >&2
  # Debian's wordpress package recommends a web server and a database we do not need.
  apt-get install -y -q --no-install-recommends "${want[@]}" >&2 || {
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends "${want[@]}" >&2
  }
fi
