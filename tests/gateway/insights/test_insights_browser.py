"""In a real browser, in French and Arabic: the insights page shows what the events say."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from gateway.insights.models import TurnEvent
from tests.fakes.browser import CHROMIUM
from tests.gateway.accounts import log_in_page
from tests.gateway.insights.scripted import Stack

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)"
    ),
]

# Who says what: enough people for some cells, too few for others.
SCRIPT = (
    [(f"fr-{i}", "/ask_health_care", "fr") for i in range(6)]
    + [(f"ar-{i}", "/ask_asylum", "ar") for i in range(5)]
    + [(f"ar-{i}", '/find_service_point{"topic":"asylum","city":"rabat"}', "ar") for i in range(5)]
    + [(f"lost-{i}", "je cherche un truc bizarre", "fr") for i in range(5)]
    + [(f"sos-{i}", "/emergency", "fr") for i in range(2)]
)


def expected(engine: Engine, column: str) -> dict[str, tuple[int, int]]:
    """Straight from the events: (messages, conversations) per value of `column`."""
    events: dict[str, int] = defaultdict(int)
    people: dict[str, set[tuple[object, str]]] = defaultdict(set)
    with Session(engine) as session:
        for event in session.scalars(select(TurnEvent)):
            key = str(getattr(event, column))
            events[key] += 1
            people[key].add((event.day, event.conversation))
    return {k: (events[k], len(people[k])) for k in events}


def shown(page, table: str) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    rows = page.locator(f'table[data-table="{table}"] tbody tr')
    found = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        cells = row.locator("td").all_inner_texts()
        found[row.get_attribute("data-label")] = (cells[0].strip(), cells[1].strip())
    return found


def test_insights_page_in_french_and_arabic_matches_the_events(
    stack: Stack, engine: Engine, tmp_path: Path, browser: Any
) -> None:
    for sender, text, language in SCRIPT:
        stack.say(sender, text, language=language)
    by_topic, by_outcome, by_language = (
        expected(engine, "topic"),
        expected(engine, "outcome"),
        expected(engine, "language"),
    )
    assert by_topic["health_care"] == (6, 6) and by_topic["asylum"] == (10, 5)
    assert by_outcome["emergency"] == (2, 2)

    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(f"{stack.url}/admin/insights?ui=fr")
    log_in_page(page, "staff")
    page.wait_for_url("**/admin/insights")
    page.goto(f"{stack.url}/admin/insights?ui=fr")
    assert page.locator("h1").inner_text() == "Statistiques"
    assert page.locator("html").get_attribute("dir") == "ltr"

    topics = shown(page, "topic")
    for topic in ("health_care", "asylum", ""):  # "" = turns without a topic
        assert topics[topic] == tuple(str(n) for n in by_topic[topic])
    assert shown(page, "questions") == {
        d: (str(n), str(p)) for d, (n, p) in expected(engine, "day").items()
    }
    outcomes = shown(page, "outcome")
    assert outcomes["answered"] == tuple(str(n) for n in by_outcome["answered"])
    # Two people: hidden, and the smallest other outcome with it (no subtraction from the total).
    assert outcomes["emergency"] == ("<5", "<5")
    assert outcomes["fallback"] == ("<5", "<5")
    assert (
        page.locator('table[data-table="topic"] tbody tr[data-label="health_care"] th').inner_text()
        == "Santé"
    )
    # The chart draws the same figures as its table.
    bars = page.locator("#topic svg rect.bar")
    assert sorted(int(b.get_attribute("data-value")) for b in bars.all()) == sorted(
        n for n, people in by_topic.values() if people >= 5
    )
    page.screenshot(path=str(tmp_path / "insights-fr.png"), full_page=True)

    page.goto(f"{stack.url}/admin/insights?ui=ar&language=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "الإحصاءات"
    arabic = shown(page, "topic")
    assert arabic == {"asylum": ("10", "5")}
    assert shown(page, "language") == {"ar": tuple(str(n) for n in by_language["ar"])}
    page.screenshot(path=str(tmp_path / "insights-ar.png"), full_page=True)

    csv_link = page.locator("#topic a.csv").get_attribute("href")
    assert csv_link and "language=ar" in csv_link
    assert (tmp_path / "insights-fr.png").stat().st_size > 10_000
    assert (tmp_path / "insights-ar.png").stat().st_size > 10_000
