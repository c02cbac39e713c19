"""Arabic service-point cards read right to left in the browser, whatever their first word.

The card is the real text the action server writes (`point_text`), the browser is Chromium,
and the checks compare where words are drawn, not the markup.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time

import pytest

from actions.service_points import format_phone, point_text
from knowledge.opening import MOROCCO, OpeningHours
from knowledge.repository import Phone
from tests.actions.actionkit import service_point
from tests.fakes.browser import PHONE, arabic_card_layout, web_chat
from tests.fakes.providers import FakeWorld

pytestmark = pytest.mark.browser

# A card whose first word is Latin: the case that used to be laid out left to right.
POINT = service_point(
    id="chu-ibn-sina",
    name="CHU Ibn Sina",
    organisation="CHU Ibn Sina",
    address="Avenue Ibn Rochd, Rabat",
    phones=(
        Phone(number="+212537672852", kind="phone"),
        Phone(number="+212661193703", kind="phone"),
    ),
    hours=(OpeningHours(weekday=0, opens=time(9), closes=time(15)),),
    topics=("health_care",),
    languages=("fr", "ar"),
)
CARD = point_text(POINT, "ar", datetime(2026, 12, 1, 10, tzinfo=MOROCCO))
# The numbers as the card writes them (left-to-right formatting; the language adds no isolate).
FIRST, SECOND = (format_phone(p.number, "en") for p in POINT.phones)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    """The gateway on a real port; its Rasa a fake that answers with the Arabic card."""
    world = FakeWorld(answers={"card": ["٣ أماكن للصحة في الرباط:", CARD]})
    with web_chat(world, tmp_path_factory.mktemp("bidi")) as url:
        yield url


def test_an_arabic_card_that_starts_with_a_latin_name_reads_right_to_left(site, browser) -> None:
    context = browser.new_context(locale="ar-MA", viewport=PHONE)
    page = context.new_page()
    page.goto(site)
    page.locator("#text").fill("card")
    page.keyboard.press("Enter")
    card = page.locator(".msg.bot").nth(1)
    card.wait_for()
    body = card.locator("span[lang]")
    assert body.get_attribute("dir") == "rtl"

    container = ".msg.bot:nth-of-type(3) span[lang]"
    measured = arabic_card_layout(page, container, POINT.name, (FIRST, SECOND))
    # The Latin name, alone on its line, sits at the right edge like every Arabic line.
    assert measured["found"][POINT.name]["left"] - measured["box"]["left"] > 40, measured
    context.close()
