#!/usr/bin/env bash
# WordPress's translation workflow for the plugin: the .po files are the
# source of truth that translators edit (Poedit, GlotPress). This script
# regenerates languages/vafa.pot from the code, refreshes every .po with
# msgmerge (new strings appear untranslated, removed ones become obsolete),
# and compiles the .mo files with msgfmt. `make test` checks that every
# string is translated (msgcmp) and that each .mo matches its .po.
set -euo pipefail
cd "$(dirname "$0")/../plugin-php"
files=$(find . -name '*.php' -not -path './tests/*' -not -path './node_modules/*' | sort)
# shellcheck disable=SC2086
xgettext --language=PHP --from-code=UTF-8 --add-comments=translators: \
  --keyword=__ --keyword=_e --keyword=esc_html__ --keyword=esc_attr__ --keyword=esc_html_e --keyword=esc_attr_e \
  --keyword=_x:1,2c --keyword=esc_html_x:1,2c --keyword=esc_attr_x:1,2c --keyword=_n:1,2 --keyword=_nx:1,2,4c \
  --package-name=Vafa --msgid-bugs-address=https://github.com/vafaloyalty/vafa/issues \
  --sort-by-file -o languages/vafa.pot $files
# The block scripts' strings (JSX source) join the same template.
xgettext --language=JavaScript --from-code=UTF-8 --add-comments=translators: --join-existing \
  --keyword=__ --keyword=_x:1,2c --keyword=_n:1,2 --keyword=_nx:1,2,4c \
  -o languages/vafa.pot assets/src/*.js
for po in languages/vafa-*.po; do
  msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" languages/vafa.pot
  msgattrib --no-obsolete -o "$po" "$po"
  msgfmt --check -o "${po%.po}.mo" "$po"
done
for po in languages/vafa-*.po; do
  missing=$(msgattrib --untranslated "$po" | grep -c '^msgid "[^"]' || true)
  echo "$po: $missing untranslated"
done
# WordPress reads a script's translations from JSON files named by the built
# script's path (wp_set_script_translations); written from the .po files.
python3 ../scripts/plugin-i18n-json.py . assets/src/block-redeem.js assets/build/block-redeem.js assets/src/dashboard.js assets/build/dashboard.js
