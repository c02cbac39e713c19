"""An Arabic service-point card sent on WhatsApp and Telegram keeps its order when displayed.

Messaging apps show plain text and take each line's direction from its first strong letter.
Chromium does the same with `unicode-bidi: plaintext`, so the texts the fake providers
received are drawn there and the positions of their words compared.
"""

from __future__ import annotations

import time as clock
from collections.abc import Iterator
from datetime import date, datetime, time

import pytest
from fakes.browser import ARGS, CHROMIUM
from fakes.gateway import Harness, wa_text, wait_for

from actions.service_points import format_phone, point_text
from dalil.i18n import FSI, LRI, PDI
from knowledge.opening import MOROCCO, OpeningHours
from knowledge.repository import Phone, ServicePointView, Source

pytestmark = pytest.mark.browser

POINT = ServicePointView(
    id="foo-oujda",
    name="Fondation Orient-Occident",
    organisation="Fondation Orient-Occident",
    city_id="oujda",
    address="Oujda",
    lat=34.68,
    lon=-1.9,
    approximate=False,
    phones=(
        Phone(number="+212614004722", kind="phone"),
        Phone(number="+212660435099", kind="whatsapp"),
    ),
    email=None,
    website=None,
    hours=(OpeningHours(weekday=2, opens=time(15), closes=time(17)),),
    topics=("social_assistance",),
    languages=("fr", "ar"),
    serves=(),
    verified_at=date(2026, 11, 29),
    uncertain=False,
    sources=(Source(title="HCR", url="https://help.unhcr.org/morocco/"),),
)
CARD = point_text(POINT, "ar", datetime(2026, 12, 1, 10, tzinfo=MOROCCO))
FIRST, SECOND = (format_phone(p.number, "en") for p in POINT.phones)

DRAW = """([text, pieces]) => {
  const box = document.createElement("div");
  box.style.cssText = "unicode-bidi: plaintext; white-space: pre-wrap; width: 320px; font: 16px sans-serif";
  box.textContent = text;
  document.body.replaceChildren(box);
  const node = box.firstChild, found = {};
  for (const piece of pieces) {
    const at = node.data.indexOf(piece);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + piece.length);
    const r = range.getClientRects()[0];
    found[piece] = {left: r.left, right: r.right, top: r.top};
  }
  const outer = box.getBoundingClientRect();
  return {found, box: {left: outer.left, right: outer.right}};
}"""


def reads_before(a: dict[str, float], b: dict[str, float]) -> bool:
    """In right-to-left text, `a` is read before `b`: on an earlier line, or to its right."""
    if abs(a["top"] - b["top"]) > 2:
        return a["top"] < b["top"]
    return a["left"] >= b["right"] - 0.5


@pytest.fixture(scope="module")
def page() -> Iterator[object]:
    """A blank page in Debian's Chromium."""
    if not CHROMIUM.exists():
        pytest.skip("apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser.new_page()
        browser.close()


def sent_card(harness: Harness, channel: str) -> str:
    """Ask for the card on `channel`; return the text the provider was asked to deliver."""
    harness.world.answers["card"] = [CARD]
    if channel == "whatsapp":
        harness.whatsapp(wa_text("card", wamid="wamid.CARD"))
    else:
        harness.telegram({
            "update_id": 9,
            "message": {"message_id": 9, "date": int(clock.time()), "text": "card",
                        "from": {"id": 5, "is_bot": False, "first_name": "A"},
                        "chat": {"id": 5, "type": "private"}},
        })  # fmt: skip
    wait_for(lambda: getattr(harness.world, channel))
    (text,) = harness.world.sent_texts(channel)
    return text


@pytest.mark.parametrize("channel", ["whatsapp", "telegram"])
def test_an_arabic_card_keeps_its_order_on_messaging_apps(
    harness: Harness, page, channel: str
) -> None:
    text = sent_card(harness, channel)
    # Every number, hour and date travels inside its isolate, in the order written.
    assert f"{LRI}{FIRST}{PDI}" in text and f"{LRI}{SECOND}{PDI}" in text
    assert text.index(FIRST) < text.index(SECOND)
    assert text.count(LRI) + text.count(FSI) == text.count(PDI)

    name, phone_label, checked_label = POINT.name, "الهاتف", "تم التحقق"
    pieces = [name, FIRST, SECOND, phone_label, checked_label, "2026"]
    measured = page.evaluate(DRAW, [text, pieces])
    found, box = measured["found"], measured["box"]
    assert set(found) == set(pieces), (found, text)
    # The Latin name's line is laid out right to left like the rest: it ends at the right edge.
    assert box["right"] - found[name]["right"] < 2, measured
    assert reads_before(found[phone_label], found[FIRST]), measured
    assert reads_before(found[FIRST], found[SECOND]), measured
    assert reads_before(found[checked_label], found["2026"]), measured
