"""Dalil's shared core: languages, i18n, logging, settings (docs/internals.md).

`__version__` comes from the installed package's metadata: pyproject.toml is the one place the
version is written.
"""

from importlib.metadata import version

__version__ = version("dalil")
