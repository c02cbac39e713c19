"""Deleting a user's data, after they confirmed (the gateway erases on `{"dalil": "delete_my_data"}`)."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.types import DomainDict

from actions.common import DalilAction, Reply
from dalil.i18n import gettext


class ActionDeleteMyData(DalilAction):
    """`delete_my_data` confirmed: say what happens and tell the gateway to erase."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_delete_my_data"

    async def respond(self, reply: Reply, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Confirm, then emit the gateway's command."""
        reply.say(
            gettext(
                reply.language,
                "Done: I am deleting our conversation and what you told me. If you write again, "
                "I will start from zero.",
            )
        )
        reply.command("delete_my_data")
        return []
