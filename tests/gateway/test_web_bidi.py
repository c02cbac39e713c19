"""Arabic service-point cards read right to left in the browser, whatever their first word.

The card is the real text the action server writes (`point_text`), the browser is Chromium,
and the checks compare where words are drawn, not the markup.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time

import pytest
from fakes.browser import ARGS, CHROMIUM
from fakes.gateway import create_tables, settings_for
from fakes.providers import FakeWorld, build_app
from fakes.server import LoopbackServer

from actions.service_points import format_phone, point_text
from gateway.app import create_app
from knowledge.opening import MOROCCO, OpeningHours
from knowledge.repository import Phone, ServicePointView, Source

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}

# A card whose first word is Latin: the case that used to be laid out left to right.
POINT = ServicePointView(
    id="chu-ibn-sina",
    name="CHU Ibn Sina",
    organisation="CHU Ibn Sina",
    city_id="rabat",
    address="Avenue Ibn Rochd, Rabat",
    lat=34.0,
    lon=-6.8,
    approximate=False,
    phones=(
        Phone(number="+212537672852", kind="phone"),
        Phone(number="+212661193703", kind="phone"),
    ),
    email=None,
    website=None,
    hours=(OpeningHours(weekday=0, opens=time(9), closes=time(15)),),
    topics=("health_care",),
    languages=("fr", "ar"),
    serves=(),
    verified_at=date(2026, 11, 29),
    uncertain=False,
    sources=(Source(title="HCR", url="https://help.unhcr.org/morocco/"),),
)
CARD = point_text(POINT, "ar", datetime(2026, 12, 1, 10, tzinfo=MOROCCO))
# The numbers as the card writes them (left-to-right formatting; the language adds no isolate).
FIRST, SECOND = (format_phone(p.number, "en") for p in POINT.phones)

# Where each piece of text is drawn: the box of the first line box of its first occurrence.
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


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    """The gateway on a real port; its Rasa a fake that answers with the Arabic card."""
    world = FakeWorld(answers={"card": ["٣ أماكن للصحة في الرباط:", CARD]})
    fake = LoopbackServer(build_app(world)).start()
    database = f"sqlite:///{tmp_path_factory.mktemp('bidi') / 'gateway.db'}"
    create_tables(database)
    gateway = LoopbackServer(create_app(settings_for(fake.url, database)), lifespan=True).start()
    yield gateway.url
    gateway.stop()
    fake.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.skip("apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


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

    phone_label = "الهاتف"
    checked_label = "تم التحقق"
    assert phone_label in CARD and checked_label in CARD, CARD
    name, first, second = "CHU Ibn Sina", FIRST, SECOND
    pieces = [name, first, second, phone_label, checked_label, "2026"]
    measured = page.evaluate(POSITIONS, [".msg.bot:nth-of-type(3) span[lang]", pieces])
    found, box = measured["found"], measured["box"]
    assert set(found) == set(pieces), (found, CARD)

    # The Latin name, alone on its line, sits at the right edge like every Arabic line.
    assert box["right"] - found[name]["right"] < 2, measured
    assert found[name]["left"] - box["left"] > 40, measured
    # "Phone: A، B" reads from the right: the label, then the first number, then the second.
    assert reads_before(found[phone_label], found[first]), measured
    assert reads_before(found[first], found[second]), measured
    # "checked on <date>": the words come before (to the right of) the date.
    assert reads_before(found[checked_label], found["2026"]), measured
    context.close()
