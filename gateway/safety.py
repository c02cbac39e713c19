"""The gateway's danger check: emergency numbers in every conversation state.

The keyword data and the matching are the Rasa component's own (`bot/components/danger.py`,
`danger_keywords.yml`, `textnorm.py`), imported as the `components` package: those modules
import nothing the engine's venv lacks, so one module serves both processes. The gateway checks
every message before a handover can hold it, and answers with the numbers itself when Rasa is
down, answered nothing, or answered without them.
"""

from __future__ import annotations

import asyncio
import logging

from components.danger import DangerMatch, find_danger, load_categories
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from gateway.schemas import Button, Message
from knowledge.emergency import contacts_text, fallback_text
from knowledge.repository import get_emergency_contacts

log = logging.getLogger(__name__)
# The command `action_emergency` sends with the numbers (actions/emergency.py).
EMERGENCY_COMMAND = "emergency"
# Added to a reply when the gateway answered a danger message itself.
DANGER_COMMAND = "danger"
DB_TIMEOUT_SECONDS = 2.0


def danger_in(text: str) -> DangerMatch | None:
    """The danger a user's text signals, if any (button payloads such as `/affirm` never do)."""
    if text.lstrip().startswith("/"):
        return None
    return find_danger(text)


def exemptible(match: DangerMatch) -> bool:
    """True when Rasa may rightly answer this category with a topic instead of the numbers.

    The component skips a category when an intent that already covers it is plausible (asking
    how trafficking victims get help); the gateway cannot see the intent, so for those
    categories it trusts an answer Rasa actually gave.
    """
    return any(c.name == match.category and c.exempt_intents for c in load_categories())


class EmergencyNumbers:
    """The numbers to send now: the knowledge base's, else the fallback generated from content."""

    def __init__(
        self, engine: Engine | None = None, *, timeout: float = DB_TIMEOUT_SECONDS
    ) -> None:
        self._engine = engine
        self._timeout = timeout

    def _read(self, language: str) -> str | None:
        assert self._engine is not None
        with Session(self._engine) as session:
            contacts = get_emergency_contacts(session, language=language)
        return contacts_text(language, contacts) if contacts else None

    async def text(self, language: str) -> str:
        """The numbers in `language`; never raises."""
        if self._engine is not None:
            try:
                live = await asyncio.wait_for(
                    asyncio.to_thread(self._read, language), timeout=self._timeout
                )
                if live:
                    return live
            except (SQLAlchemyError, TimeoutError, OSError) as exc:
                log.warning(
                    "emergency numbers from the fallback", extra={"reason": type(exc).__name__}
                )
            except Exception:
                # A bug reading or writing the live numbers: its traceback in the log, and the
                # person still gets the numbers generated from the content.
                log.exception("emergency numbers from the fallback after a bug")
        return fallback_text(language)

    async def message(self, language: str, buttons: list[Button] | None = None) -> Message:
        """The numbers as one message."""
        return Message(text=await self.text(language), buttons=buttons or None)
