"""A short conversation in Arabic and in French on the web chat, in headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.emergency import reminder_numbers
from tests.fakes.browser import PHONE, web_chat
from tests.fakes.providers import FakeWorld

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[str, FakeWorld]]:
    """The gateway on a real port, its Rasa a fake on loopback."""
    world = FakeWorld()
    with web_chat(world, tmp_path_factory.mktemp("web")) as url:
        yield url, world


def test_a_conversation_in_arabic_is_right_to_left_and_fits_a_phone(site, browser) -> None:
    url, world = site
    context = browser.new_context(
        locale="ar-MA",
        viewport=PHONE,
        geolocation={"latitude": 34.0209, "longitude": -6.8416},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.goto(url)
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl" and html.get_attribute("lang") == "ar"
    assert page.locator("#language").input_value() == "ar"

    page.locator("#text").fill("مرحبا، أريد تسجيل ابني في المدرسة")
    page.keyboard.press("Enter")
    page.locator(".msg.bot").first.wait_for()
    assert "echo:مرحبا" in page.locator(".msg.bot").first.inner_text()
    assert world.rasa[-1]["metadata"]["language"] == "ar"

    page.locator("#text").fill("menu:3")
    page.locator("#send").click()
    buttons = page.locator(".msg.bot .buttons button")
    buttons.first.wait_for()
    assert buttons.count() == 3
    # Quick replies are reachable and usable with the keyboard alone.
    buttons.nth(1).focus()
    page.keyboard.press("Enter")
    page.locator(".msg.bot").nth(2).wait_for()
    assert world.rasa[-1]["message"] == "/opt2"

    page.locator("#locate").click()
    page.locator(".msg.bot").nth(3).wait_for()
    assert world.rasa[-1]["metadata"]["location"] == {"lat": 34.0209, "lon": -6.8416}

    # Right to left: the person's bubbles on the left, the bot's on the right, nothing overflows.
    user = page.locator(".msg.user").first.bounding_box()
    bot = page.locator(".msg.bot").first.bounding_box()
    assert user and bot
    assert user["x"] < PHONE["width"] / 2 < bot["x"] + bot["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    composer = page.locator("#composer").bounding_box()
    assert composer and composer["y"] + composer["height"] <= PHONE["height"] + 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "web-chat-ar.png"))
    context.close()


def test_a_conversation_in_french_is_left_to_right(site, browser) -> None:
    url, world = site
    context = browser.new_context(locale="fr-FR", viewport=PHONE)
    page = context.new_page()
    page.goto(url)
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("html").get_attribute("lang") == "fr"
    page.locator("#text").fill("Bonjour, je cherche un logement")
    page.keyboard.press("Enter")
    page.locator(".msg.bot").first.wait_for()
    assert (
        page.locator(".msg.bot").first.inner_text().endswith("echo:Bonjour, je cherche un logement")
    )
    assert world.rasa[-1]["metadata"]["language"] == "fr"
    user = page.locator(".msg.user").first.bounding_box()
    assert user and user["x"] + user["width"] > PHONE["width"] / 2
    # The footer's link to the source code (AGPL) is on screen, under the composer.
    source = page.locator("footer #source")
    box = source.bounding_box()
    assert source.is_visible() and source.inner_text() == "Code source"
    assert box and box["y"] + box["height"] <= PHONE["height"] + 1
    # Choosing Arabic in the picker turns the page right to left at once.
    page.locator("#language").select_option("ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#send").inner_text() != ""
    assert source.inner_text() == "الشفرة المصدرية"
    page.screenshot(path=str(SCREENSHOTS / "web-chat-fr.png"))
    context.close()


def _sender(page) -> str:
    return str(page.evaluate("localStorage.getItem('dalil.sender')"))


def test_after_delete_my_data_and_on_new_conversation_the_chat_takes_a_new_id(
    site, browser
) -> None:
    """On a shared phone, the next person must not continue (or read) the last one's conversation."""
    url, world = site
    context = browser.new_context(locale="fr-FR", viewport=PHONE)
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    first = _sender(page)
    page.locator("#text").fill("delete")
    page.keyboard.press("Enter")
    page.locator(".msg.bot").first.wait_for()
    assert world.rasa[-1]["message"] == "delete"
    page.wait_for_function(f"localStorage.getItem('dalil.sender') !== {first!r}")
    second = _sender(page)

    page.locator("#text").fill("encore moi")
    page.keyboard.press("Enter")
    page.locator(".msg.bot").nth(1).wait_for()
    assert world.rasa[-1]["sender"] != world.rasa[-2]["sender"]  # a new conversation for Rasa

    restart = page.locator("#new-conversation")
    assert restart.inner_text() == "Nouvelle conversation"
    restart.click()
    assert page.locator(".msg").count() == 0  # nothing of the last person stays on screen
    assert _sender(page) not in (first, second)
    assert not [u for u in requests if first in u or second in u]  # never in a URL
    assert violations == []
    context.close()


def test_a_client_over_the_limit_reads_a_polite_message(browser, tmp_path) -> None:
    with web_chat(FakeWorld(), tmp_path, chat_ip_limit_per_minute=1) as url:
        context = browser.new_context(locale="es-ES", viewport=PHONE)
        page = context.new_page()
        page.goto(url)
        for text in ("hola", "otra vez"):
            # One message at a time, as a person writes: the page ignores Enter while it waits.
            answered = page.locator(".msg.bot").count()
            page.locator("#text").fill(text)
            page.keyboard.press("Enter")
            page.locator(".msg.bot").nth(answered).wait_for(timeout=60_000)
        page.locator(".msg.bot.error").wait_for(timeout=60_000)
        assert (
            page.locator(".msg.bot.error")
            .inner_text()
            .strip()
            .endswith(
                "Está enviando muchos mensajes a la vez. Espere un momento y vuelva a escribir. "
                "En caso de emergencia, llame a la policía al {police} o a una ambulancia al "
                "{ambulance}.".format(**reminder_numbers("es"))
            )
        )
        context.close()
