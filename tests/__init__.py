"""Dalil's tests: every folder is a package, imported as `tests.…` (pytest's importlib mode).

Shared helpers are imported by their full name, e.g. `from tests.fakes.gateway import wa_text`;
shared fixtures live in the nearest conftest.py above the tests that use them.
"""
