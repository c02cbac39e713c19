"""Fakes of the outside world (Rasa, messaging providers) for the gateway's tests."""

import sys

from dalil.settings import ROOT

# tests/gateway/channels mirrors gateway/channels: without the repository root first on
# sys.path, `gateway` becomes a namespace package spanning tests/gateway and the editable
# install, and `gateway.channels` would resolve to the tests. (pytest `pythonpath = ["."]`.)
if sys.path[0] != str(ROOT):
    sys.path.insert(0, str(ROOT))
