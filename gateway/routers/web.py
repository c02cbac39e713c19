"""The web chat page, in the visitor's language from the first paint."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from dalil import __version__
from dalil.i18n import gettext
from dalil.languages import LANGUAGES, RTL_LANGUAGES, SOURCE_LANGUAGE, coerce_language, negotiate
from gateway.channels.base import LOCATION_TEXT
from gateway.dependencies import SettingsDep

router = APIRouter(include_in_schema=False)
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
_templates = Environment(
    loader=FileSystemLoader(STATIC_DIR), autoescape=select_autoescape(["html"]), auto_reload=False
)


def ui_strings(language: str) -> dict[str, str]:
    """Every text of the page, from the catalogs."""
    return {
        "title": gettext(language, "Dalil: your rights and where to go in Morocco"),
        "language": gettext(language, "Language"),
        "conversation": gettext(language, "Conversation"),
        "message": gettext(language, "Your message"),
        "placeholder": gettext(language, "Write your question…"),
        "send": gettext(language, "Send"),
        "location": gettext(language, "Share my location"),
        "my_location": gettext(language, "My location"),
        "no_location": gettext(language, "Your location could not be read."),
        "welcome": gettext(
            language,
            "Ask your question: school, health care, housing, work, asylum, residence papers…",
        ),
        "writing": gettext(language, "Dalil is writing…"),
        "failed": gettext(
            language, "The message could not be sent. Check your connection and try again."
        ),
        "new_conversation": gettext(language, "New conversation"),
        "too_many": gettext(
            language,
            "You are sending many messages at once. Please wait a moment, then write again.",
        ),
        "you": gettext(language, "You:"),
        "bot": gettext(language, "Dalil:"),
        # Translators: the footer's link to Dalil's source code (free software, AGPL).
        "source": gettext(language, "Source code"),
    }


@cache
def _all_ui_strings() -> str:
    # Inside a <script> element: "<" escaped so no text can close it.
    strings = {language: ui_strings(language) for language in LANGUAGES}
    return json.dumps(strings, ensure_ascii=False).replace("<", "\\u003c")


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, settings: SettingsDep, lang: str | None = None) -> HTMLResponse:
    """The web chat, in `?lang=` or the browser's Accept-Language, else French."""
    language = (
        coerce_language(lang)
        if lang
        else negotiate(request.headers.get("accept-language")) or SOURCE_LANGUAGE
    )
    html = _templates.get_template("index.html").render(
        lang=language,
        dir="rtl" if language in RTL_LANGUAGES else "ltr",
        ui=ui_strings(language),
        ui_json=_all_ui_strings(),
        location_text=LOCATION_TEXT,
        source_url=settings.source_url or "/source",
        languages=[
            ("fr", "Français"),
            ("ar", "العربية"),
            ("en", "English"),
            ("es", "Español"),
        ],
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-cache", "Vary": "Accept-Language"})


LICENSE_URL = "https://www.gnu.org/licenses/agpl-3.0.html"


@router.get("/source", response_class=PlainTextResponse)
async def source() -> PlainTextResponse:
    """Where the footer's link goes when the operator has not said where the source is published.

    Says what the licence grants rather than pointing at an address nobody checked.
    """
    return PlainTextResponse(
        f"Dalil {__version__} is free software under the GNU Affero General Public License,\n"
        f"version 3 or later ({LICENSE_URL}).\n\n"
        "The operator of this service has not published the address of its source code.\n"
        "Section 13 of the licence gives you the right to receive it: ask the organisation\n"
        "that runs this service.\n\n"
        "L'exploitant de ce service n'a pas publié l'adresse de son code source ; l'article 13\n"
        "de la licence vous donne le droit de le recevoir : demandez-le à l'organisation\n"
        "qui gère ce service.\n",
        headers={"Cache-Control": "no-cache"},
    )
