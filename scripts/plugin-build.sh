#!/usr/bin/env bash
# Builds the plugin's block scripts: assets/src/*.js -> assets/build/*.js with
# a *.asset.php listing the script's dependencies and a content hash as its
# version (what @wordpress/scripts writes). The sources use the wp.* and wc.*
# globals, so the build is a copy; the built files are committed, so the
# plugin zip needs no build step.
set -euo pipefail
cd "$(dirname "$0")/../plugin-php/assets"
mkdir -p build
for src in src/*.js; do
  name=$(basename "$src" .js)
  cp "$src" "build/$name.js"
  deps=$(grep -oE "window\.(wp|wc)\.[a-zA-Z0-9]+" "$src" | sort -u | sed -E 's/window\.wp\.([a-zA-Z0-9]+)/wp-\1/; s/window\.wc\.blocksCheckout/wc-blocks-checkout/' |
    python3 -c 'import sys,re; print(", ".join("'"'"'"+re.sub(r"([A-Z])", lambda m: "-"+m.group(1).lower(), l.strip())+"'"'"'" for l in sys.stdin if l.strip()))')
  hash=$(sha256sum "$src" | cut -c1-20)
  printf "<?php return array( 'dependencies' => array( %s ), 'version' => '%s' );\n" "$deps" "$hash" > "build/$name.asset.php"
done
echo "built: $(ls build | tr '\n' ' ')"
