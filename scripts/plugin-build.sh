#!/usr/bin/env bash
# Builds the plugin's block scripts with @wordpress/scripts (from the npm
# registry): assets/src/*.js (JSX) -> assets/build/*.js plus *.asset.php with
# the script's dependencies (wp.* and, through WooCommerce's dependency
# extraction, wc.*) and a content hash. The built files are committed, so
# the plugin zip and the tests need no build step.
set -euo pipefail
cd "$(dirname "$0")/../plugin-php"
# npm ci installs exactly the lock file; some npm releases refuse a lock that
# lacks other platforms' optional binaries (@unrs/resolver-binding-*), and
# then an install that keeps the lock file as it is does the same job.
npm ci --no-audit --no-fund --loglevel=error 2>/dev/null || npm install --no-save --no-audit --no-fund --loglevel=error
npm run build
echo "built: $(ls assets/build | tr '\n' ' ')"
