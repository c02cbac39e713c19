#!/usr/bin/env bash
# Keep the gettext catalogs current: extract -> update -> compile.
#
#   scripts/i18n.sh            extract messages.pot, merge it into every catalog, compile .mo
#   scripts/i18n.sh compile    only compile (what setup needs; .mo files are not committed)
#
# After an update, translate every new or fuzzy entry in locales/<lang>/LC_MESSAGES/messages.po;
# tests/i18n fails until every catalog is complete.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
LANGS=(fr ar en es)

compile() {
  # --statistics prints how complete each catalog is; fuzzy entries are never compiled.
  "$PYBABEL" compile -d locales -D messages --statistics
}

if [[ "${1:-}" == "compile" ]]; then
  compile
  exit 0
fi

"$PYBABEL" extract -F babel.cfg -o locales/messages.pot \
  --no-default-keywords -k _ -k gettext:2 -k ngettext:2,3 \
  --add-comments=Translators: --sort-by-file --no-wrap \
  --project=Dalil --version="$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)" \
  --copyright-holder="Dalil contributors" \
  dalil actions gateway

for lang in "${LANGS[@]}"; do
  po="locales/$lang/LC_MESSAGES/messages.po"
  if [[ -f "$po" ]]; then
    "$PYBABEL" update -i locales/messages.pot -d locales -D messages -l "$lang" \
      --ignore-obsolete --no-wrap --no-fuzzy-matching
  else
    "$PYBABEL" init -i locales/messages.pot -d locales -D messages -l "$lang" --no-wrap
  fi
done
compile
