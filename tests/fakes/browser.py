"""Debian's Chromium for the browser tests: where it is and the flags it runs with here.

Playwright's own browser download cannot work without network, so the tests launch
`/usr/bin/chromium` (installed by `make browser`) with flags that keep it off the network.
"""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
