"""Fixtures of the channel tests: the fake outside world and a gateway talking to it."""

import sys

from dalil.settings import ROOT

# This folder mirrors `gateway/channels/`; without the repository root first on sys.path,
# `gateway` becomes a namespace package spanning tests/gateway and the editable install, and
# `gateway.channels` would resolve to this folder. (pytest's `pythonpath = ["."]` does the same.)
if sys.path[0] != str(ROOT):
    sys.path.insert(0, str(ROOT))

from fakes.gateway import database_url, harness, world_and_url  # noqa: E402

__all__ = ["database_url", "harness", "world_and_url"]
