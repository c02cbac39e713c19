"""An Arabic service-point card sent on WhatsApp and Telegram keeps its order when displayed.

Messaging apps show plain text and take each line's direction from its first strong letter.
Chromium does the same with `unicode-bidi: plaintext`, so the texts the fake providers
received are drawn there and the positions of their words compared.
"""

from __future__ import annotations

import time as clock
from datetime import datetime, time
from typing import Any

import pytest

from actions.service_points import format_phone, point_text
from dalil.i18n import FSI, LRI, PDI
from knowledge.opening import MOROCCO, OpeningHours
from knowledge.repository import Phone
from tests.actions.actionkit import service_point
from tests.fakes.browser import arabic_card_layout
from tests.fakes.gateway import Harness, wa_text, wait_for

pytestmark = pytest.mark.browser

POINT = service_point(
    id="foo-oujda",
    name="Fondation Orient-Occident",
    organisation="Fondation Orient-Occident",
    city_id="oujda",
    address="Oujda",
    lat=34.68,
    lon=-1.9,
    phones=(
        Phone(number="+212614004722", kind="phone"),
        Phone(number="+212660435099", kind="whatsapp"),
    ),
    hours=(OpeningHours(weekday=2, opens=time(15), closes=time(17)),),
    topics=("social_assistance",),
    languages=("fr", "ar"),
)
CARD = point_text(POINT, "ar", datetime(2026, 12, 1, 10, tzinfo=MOROCCO))
FIRST, SECOND = (format_phone(p.number, "en") for p in POINT.phones)

# Plain text drawn the way messaging apps draw it: each line's direction from its first letter.
DRAW = """(text) => {
  const box = document.createElement("div");
  box.id = "drawn";
  box.style.cssText = "unicode-bidi: plaintext; white-space: pre-wrap; width: 320px; font: 16px sans-serif";
  box.textContent = text;
  document.body.replaceChildren(box);
}"""


@pytest.fixture(scope="module")
def page(browser: Any) -> Any:
    """A blank page in Debian's Chromium."""
    return browser.new_page()


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

    page.evaluate(DRAW, text)
    arabic_card_layout(page, "#drawn", POINT.name, (FIRST, SECOND))
