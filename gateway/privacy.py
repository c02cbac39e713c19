"""Phone numbers and chat ids never reach Rasa or the logs: a keyed pseudonym stands in."""

import hashlib
import hmac


def pseudonym(channel: str, raw_id: str, *, key: str) -> str:
    """A stable, non-reversible conversation id such as `wa:3f9a…` for a channel's user id."""
    digest = hmac.new(key.encode(), f"{channel}:{raw_id}".encode(), hashlib.sha256).hexdigest()
    return f"{channel}:{digest[:32]}"
