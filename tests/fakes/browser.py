"""Debian's Chromium for the browser tests: where it is, the flags it runs with here, and what
the right-to-left tests measure in it.

Playwright's own browser download cannot work without network, so the tests launch
`/usr/bin/chromium` (installed by `make browser`) with flags that keep it off the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from gateway.app import create_app
from tests.fakes.gateway import create_tables, settings_for
from tests.fakes.providers import FakeWorld, build_app
from tests.fakes.server import LoopbackServer

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}  # a phone's viewport


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; the test is skipped where it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip("apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@contextmanager
def web_chat(world: FakeWorld, folder: Path, **settings: Any) -> Iterator[str]:
    """The gateway on a real loopback port (its URL), its Rasa the fake `world`, its database a
    SQLite file in `folder`; `settings` override tests.fakes.gateway.settings_for's."""
    fake = LoopbackServer(build_app(world)).start()
    database = f"sqlite:///{folder / 'gateway.db'}"
    create_tables(database)
    app = create_app(settings_for(fake.url, database, **settings))
    gateway = LoopbackServer(app, lifespan=True).start()
    try:
        yield gateway.url
    finally:
        gateway.stop()
        fake.stop()


# Where each piece of text is drawn inside `container`: the box of the first line box of its
# first occurrence, and the container's box.
POSITIONS = """([container, pieces]) => {
  const node = document.querySelector(container);
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  const found = {};
  for (const piece of pieces) {
    for (const t of texts) {
      const at = t.data.indexOf(piece);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(t, at);
      range.setEnd(t, at + piece.length);
      const r = range.getClientRects()[0];
      found[piece] = {left: r.left, right: r.right, top: r.top};
      break;
    }
  }
  const box = node.getBoundingClientRect();
  return {found, box: {left: box.left, right: box.right}};
}"""


def reads_before(a: dict[str, float], b: dict[str, float]) -> bool:
    """In right-to-left text, `a` is read before `b`: on an earlier line, or to its right."""
    if abs(a["top"] - b["top"]) > 2:
        return a["top"] < b["top"]
    return a["left"] >= b["right"] - 0.5


def arabic_card_layout(page: Any, container: str, name: str, phones: tuple[str, str]) -> Any:
    """Check that the Arabic service-point card drawn in `container` reads right to left: its
    Latin `name` at the right edge, "Phone: A، B" and "checked on <date>" in reading order.
    Returns what was measured, for further checks."""
    phone_label, checked_label = "الهاتف", "تم التحقق"
    first, second = phones
    pieces = [name, first, second, phone_label, checked_label, "2026"]
    measured = page.evaluate(POSITIONS, [container, pieces])
    found, box = measured["found"], measured["box"]
    assert set(found) == set(pieces), measured
    # The Latin name's line is laid out right to left like the rest: it ends at the right edge.
    assert box["right"] - found[name]["right"] < 2, measured
    # "Phone: A، B" reads from the right: the label, then the first number, then the second.
    assert reads_before(found[phone_label], found[first]), measured
    assert reads_before(found[first], found[second]), measured
    # "checked on <date>": the words come before (to the right of) the date.
    assert reads_before(found[checked_label], found["2026"]), measured
    return measured
