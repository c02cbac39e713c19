"""The one build step pyproject.toml cannot declare: the wheel carries compiled catalogs.

Everything else is in pyproject.toml. The gettext catalogs' sources are the `.po` files in
dalil/locales/ (committed); their `.mo` files are generated, never committed. Building a wheel
(`make wheel`, `pip install .`, `pip wheel .`) compiles them into the wheel, so an installed
Dalil answers in its four languages without a checkout. An editable install (`make setup`)
reads the tree's catalogs, which `make setup` compiles beside the `.po` files.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

CATALOGS = Path("locales") / "*" / "LC_MESSAGES" / "*.po"


class BuildWithCatalogs(build_py):
    """build_py, then compile dalil's catalogs into the build folder (the tree is left as is)."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        source = Path(self.get_package_dir("dalil"))
        target = Path(self.build_lib) / "dalil"
        for po in sorted(source.glob(str(CATALOGS))):
            mo = target / po.relative_to(source).with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=po.parent.parent.name)
            with mo.open("wb") as handle:
                # Fuzzy entries are never shown, as in `make i18n` and dalil/i18n.py.
                write_mo(handle, catalog, use_fuzzy=False)


setup(cmdclass={"build_py": BuildWithCatalogs})
