#!/usr/bin/env bash
# Builds dist/vafa.zip, the plugin as a store admin installs it
# (Plugins > Add New > Upload): the plugin without its tests.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p dist
python3 - <<'PY'
import os, zipfile
root = "plugin-php"
with zipfile.ZipFile("dist/vafa.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for base, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not (base == root and d in ("tests", "node_modules")))
        for f in sorted(files):
            if base == root and f in ("package.json", "package-lock.json", "webpack.config.js"):
                continue
            path = os.path.join(base, f)
            z.write(path, os.path.join("vafa", os.path.relpath(path, root)))
print("dist/vafa.zip:", len(zipfile.ZipFile("dist/vafa.zip").namelist()), "files")
PY
