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
        text = gettext(
            reply.language,
            "Done: I am deleting our conversation, what you told me, your requests to our team "
            "with their replies, and the questions I could not answer. If you write again, I "
            "will start from zero.",
        )
        channel = (tracker.latest_message.get("metadata") or {}).get("channel")
        if channel and channel != "web":
            # What the gateway cannot reach: the provider's copy on the person's phone.
            text += "\n" + gettext(
                reply.language,
                "Messages already delivered to your phone stay on it: delete them in the app "
                "if someone else may read it.",
            )
        reply.say(text)
        reply.command("delete_my_data")
        return []
