"""What a user of the Python ecosystem gets: one version, locks that match pyproject, a wheel that
works without the checkout (catalogs in four languages, migrations)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest's own dependency
    import tomli as tomllib
from alembic.script import ScriptDirectory
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import dalil
from knowledge.db import alembic_config

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
LANGUAGES = ("ar", "en", "es", "fr")


def _pins(lock: str) -> dict[str, set[str]]:
    pins: dict[str, set[str]] = {}
    for name, version in re.findall(
        r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", (ROOT / lock).read_text(), re.M
    ):
        pins.setdefault(canonicalize_name(name), set()).add(version)
    return pins


def test_one_version_read_from_the_package_metadata() -> None:
    from gateway.app import create_app
    from gateway.settings import GatewaySettings

    assert dalil.__version__ == PROJECT["version"]
    settings = GatewaySettings(environment="development", database_url="sqlite://")
    assert create_app(settings).version == dalil.__version__


@pytest.mark.parametrize(
    ("lock", "extras_of_lock"),
    # The dev extra includes the run extra (dalil[run]).
    [("requirements.lock", []), ("requirements-dev.lock", ["dev", "run"])],
)
def test_the_locks_pin_what_pyproject_asks(lock: str, extras_of_lock: list[str]) -> None:
    """A dependency added to pyproject.toml without `make lock` fails here, not in a deploy."""
    pins = _pins(lock)
    extras = PROJECT["optional-dependencies"]
    texts = PROJECT["dependencies"] + [text for extra in extras_of_lock for text in extras[extra]]
    requirements = [Requirement(text) for text in texts]
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        if name == "dalil":
            continue
        assert name in pins, f"{requirement} is not in {lock}: run make lock"
        assert any(requirement.specifier.contains(v, prereleases=True) for v in pins[name]), (
            f"{lock} pins {name} at {pins[name]}, outside {requirement.specifier}: run make lock"
        )
    # The dev lock installs the application with the same versions as requirements.lock.
    if lock == "requirements-dev.lock":
        app = _pins("requirements.lock")
        assert {name: app[name] for name in app} == {name: pins[name] for name in app}


# Run by the wheel's own interpreter, from a folder outside the checkout.
PROBE = r"""
import json, sys, tempfile
from pathlib import Path

import sqlalchemy

import dalil
from dalil.i18n import LOCALES_DIR, gettext, translations
from knowledge.db import upgrade

result = {"dalil": dalil.__file__, "version": dalil.__version__}
result["catalogs"] = sorted(str(p.relative_to(LOCALES_DIR)) for p in LOCALES_DIR.rglob("*.*"))
result["languages"] = {lang: translations(lang).info().get("language") for lang in sys.argv[1:]}
result["source"] = {lang: gettext(lang, "Source code") for lang in sys.argv[1:]}
with tempfile.TemporaryDirectory() as folder:
    url = f"sqlite:///{Path(folder) / 'kb.db'}"
    upgrade(url)
    with sqlalchemy.create_engine(url).connect() as connection:
        result["revision"] = connection.exec_driver_sql(
            "SELECT version_num FROM alembic_version"
        ).scalar_one()
        result["tables"] = len(sqlalchemy.inspect(connection).get_table_names())
print(json.dumps(result))
"""


def test_the_wheel_works_without_the_checkout(tmp_path: Path) -> None:
    """`make wheel`, installed in a new venv outside the repository, answers in four languages
    from compiled catalogs and migrates an empty SQLite database to head."""
    assert not tmp_path.is_relative_to(ROOT)
    dist = tmp_path / "dist"
    subprocess.run(
        ["make", "-s", "-o", ".venv/.installed", "wheel", f"DIST={dist}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("dalil-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for language in LANGUAGES:
        assert f"dalil/locales/{language}/LC_MESSAGES/messages.mo" in names
    assert not [name for name in names if name.endswith(".po")]  # compiled, not sources
    assert "knowledge/alembic.ini" in names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)

    # A new venv, the wheel alone installed into it (offline, no dependencies); the app venv's
    # packages are visible through a .pth file, as the dependencies a full install would bring.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "app-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    run = subprocess.run(
        [str(python), "-c", PROBE, *LANGUAGES],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(run.stdout.strip().splitlines()[-1])

    assert Path(result["dalil"]).is_relative_to(venv)
    assert result["version"] == dalil.__version__
    assert result["catalogs"] == [f"{lang}/LC_MESSAGES/messages.mo" for lang in LANGUAGES]
    assert result["languages"] == {language: language for language in LANGUAGES}
    assert result["source"] == {
        "ar": "الشفرة المصدرية",
        "en": "Source code",
        "es": "Código fuente",
        "fr": "Code source",
    }
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert result["revision"] == head and result["tables"] > 10
