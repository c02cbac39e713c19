"""Keep the gettext catalogs current: extract → update → compile (`make i18n`).

    python -m dalil.i18n_workflow            extract messages.pot, merge it into every catalog, compile
    python -m dalil.i18n_workflow compile    only compile the .mo files (they are never committed)

After an update, translate every new entry of `dalil/locales/<lang>/LC_MESSAGES/messages.po`;
`tests/i18n` fails until every catalog is complete, reviewed (not fuzzy) and placeholder-exact.
"""

from __future__ import annotations

import os
import sys

from babel.messages.frontend import CommandLineInterface

from dalil import __version__
from dalil.i18n import DOMAIN, LOCALES_DIR
from dalil.languages import LANGUAGES
from dalil.settings import ROOT

# Dalil's gettext takes the language first, so Babel's default keywords do not apply.
# `t` is the templates' helper (gateway/admin/web.py), already bound to the page's language.
KEYWORDS = ("_", "gettext:2", "ngettext:2,3", "t")
SOURCE_DIRS = ("dalil", "replies", "actions", "gateway")
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"


def pybabel(*args: str) -> None:
    """Run one `pybabel` command in-process."""
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract() -> None:
    """Write messages.pot from the code, with the translator comments."""
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        "-o",
        str(TEMPLATE),
        "--no-default-keywords",
        *keywords,
        "--add-comments=Translators:",
        "--sort-by-file",
        "--no-wrap",
        "--project=Dalil",
        f"--version={__version__}",
        "--copyright-holder=Dalil contributors",
        # Relative folders, so the catalogs' "#:" locations do not depend on the checkout's path.
        *SOURCE_DIRS,
    )


def update() -> None:
    """Merge the template into each language's catalog (creating it if needed)."""
    for language in LANGUAGES:
        catalog = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        if catalog.exists():
            # No fuzzy matching: a guessed translation that looks finished is worse than none.
            pybabel(
                "update",
                "-i",
                str(TEMPLATE),
                "-d",
                str(LOCALES_DIR),
                "-D",
                DOMAIN,
                "-l",
                language,
                "--ignore-obsolete",
                "--no-wrap",
                "--no-fuzzy-matching",
            )
        else:
            pybabel(
                "init",
                "-i",
                str(TEMPLATE),
                "-d",
                str(LOCALES_DIR),
                "-D",
                DOMAIN,
                "-l",
                language,
                "--no-wrap",
            )


def compile_catalogs() -> None:
    """Compile every catalog; fuzzy entries are left out, so they fall back to English."""
    pybabel("compile", "-d", str(LOCALES_DIR), "-D", DOMAIN, "--statistics")


def main(argv: list[str]) -> None:
    """Extract, update and compile, or only compile."""
    os.chdir(ROOT)
    if argv[:1] != ["compile"]:
        extract()
        update()
    compile_catalogs()


if __name__ == "__main__":
    main(sys.argv[1:])
