#!/usr/bin/env bash
# Builds the plugin's block scripts with @wordpress/scripts (from the npm
# registry): assets/src/*.js (JSX) -> assets/build/*.js plus *.asset.php with
# the script's dependencies (wp.* and, through WooCommerce's dependency
# extraction, wc.*) and a content hash. The built files are committed, so
# the plugin zip and the tests need no build step.
set -euo pipefail
cd "$(dirname "$0")/../plugin-php"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
npm run build
echo "built: $(ls assets/build | tr '\n' ' ')"
