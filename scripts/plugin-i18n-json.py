#!/usr/bin/env python3
"""Writes WordPress's JSON translations for the plugin's block scripts.

WordPress loads a script's translations (wp_set_script_translations) from
languages/<domain>-<locale>-<md5 of the script's path in the plugin>.json in
the Jed 1.x shape that `wp i18n make-json` writes. WP-CLI is not installed
here, so this does the same from the .po files: every entry whose source
reference is the script's source file goes into that script's JSON.

Usage: plugin-i18n-json.py <plugin dir> <source js> <built js> [...pairs]
"""
import glob
import hashlib
import json
import os
import re
import sys


def unquote(s):
    return json.loads(s)  # a .po string literal is a JSON string literal for our texts


def entries(path):
    """Yields (references, msgctxt, msgid, msgid_plural, [msgstr...]) per entry."""
    refs, fields, last = [], {}, None
    def flush():
        if 'msgid' in fields and fields['msgid'] != '':
            strs = [fields[k] for k in sorted(k for k in fields if k.startswith('msgstr'))]
            yield refs, fields.get('msgctxt'), fields['msgid'], fields.get('msgid_plural'), strs
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line.strip():
            yield from flush()
            refs, fields, last = [], {}, None
        elif line.startswith('#:'):
            refs += line[2:].split()
        elif line.startswith('#'):
            continue
        elif line.startswith('"'):
            fields[last] += unquote(line)
        else:
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
            if not m:
                sys.exit(f'{path}: cannot read line: {line}')
            last = m.group(1)
            fields[last] = unquote(m.group(2))
    yield from flush()


def header(path):
    text = open(path, encoding='utf-8').read()
    m = re.search(r'"Plural-Forms: ([^"\\]*)', text)
    return m.group(1).strip() if m else 'nplurals=2; plural=(n != 1);'


def main():
    plugin, pairs = sys.argv[1], sys.argv[2:]
    for po in sorted(glob.glob(os.path.join(plugin, 'languages', 'vafa-*.po'))):
        locale = os.path.basename(po)[len('vafa-'):-len('.po')]
        for src, built in zip(pairs[0::2], pairs[1::2]):
            messages = {'': {'domain': 'messages', 'lang': locale, 'plural-forms': header(po)}}
            for refs, ctx, msgid, plural, strs in entries(po):
                if not any(r.split(':')[0] == src for r in refs) or not any(strs):
                    continue
                key = (ctx + '\x04' if ctx else '') + msgid
                messages[key] = strs
            out = os.path.join(plugin, 'languages', f'vafa-{locale}-{hashlib.md5(built.encode()).hexdigest()}.json')
            with open(out, 'w', encoding='utf-8') as f:
                json.dump({'translation-revision-date': '', 'generator': 'vafa plugin-i18n-json.py', 'domain': 'messages',
                           'locale_data': {'messages': messages}}, f, ensure_ascii=False, sort_keys=True)
                f.write('\n')
            print(f'{out}: {len(messages) - 1} strings')


main()
