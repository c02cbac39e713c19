"""The chat API used by the web chat and by API clients."""

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse, Response

from dalil.languages import SOURCE_LANGUAGE, negotiate
from gateway import metrics
from gateway.conversation import Inbound
from gateway.dependencies import ChatGuardDep, ConversationsDep, OptionalInboxDep, SettingsDep
from gateway.privacy import pseudonym
from gateway.ratelimit import TooBusy, retry_after, too_many_messages
from gateway.schemas import ChatRequest, ChatResponse

router = APIRouter(prefix="/api/v1", tags=["chat"])
DELETE_COMMAND = "delete_my_data"
# A turn takes about a second: a full process is worth retrying a few seconds later.
BUSY_RETRY_SECONDS = 5.0


def client_address(request: Request) -> str:
    """The client's address: the peer, or what a trusted proxy says it is (see create_app)."""
    return request.client.host if request.client else "unknown"


def _too_many(language: str, seconds: float) -> JSONResponse:
    return JSONResponse(
        {"detail": too_many_messages(language), "retry_after": float(retry_after(seconds))},
        status_code=429,
        headers={"Retry-After": retry_after(seconds)},
    )


@router.post(
    "/chat",
    response_model=ChatResponse,
    response_model_exclude_none=True,
    responses={
        429: {
            "description": "Too many messages from this sender or address, or too many turns "
            "at once; the Retry-After header says when to try again."
        }
    },
)
async def chat(
    body: ChatRequest,
    request: Request,
    settings: SettingsDep,
    conversations: ConversationsDep,
    guard: ChatGuardDep,
    inbox: OptionalInboxDep,
    accept_language: Annotated[str | None, Header()] = None,
) -> Response | ChatResponse:
    """Send one message to Dalil and get its answer in the user's language."""
    hint = negotiate(accept_language)
    shown_language = body.language or hint or SOURCE_LANGUAGE
    client = client_address(request)
    if guard is not None:
        wait = await guard.admit(client)
        if wait:
            return _too_many(shown_language, wait)
    sender = pseudonym("web", body.sender, key=settings.pseudonym_key.get_secret_value())
    if inbox is not None:
        wait = await inbox.limiter.hit(sender)
        if wait:
            metrics.RATE_LIMITED.labels(channel="web").inc()
            return _too_many(shown_language, wait)
    inbound = Inbound(
        channel="web",
        sender=sender,
        text=body.text,
        language=body.language,
        language_hint=hint,
        location=body.location,
        client=client,
    )
    if guard is None:
        reply = await conversations.handle_or_apologise(inbound)
    else:
        try:
            async with guard.turn():
                reply = await conversations.handle_or_apologise(inbound)
        except TooBusy:
            return _too_many(shown_language, BUSY_RETRY_SECONDS)
    forgotten = DELETE_COMMAND in reply.commands
    if forgotten and inbox is not None:
        await inbox.forgetter.forget(sender)
    return ChatResponse(
        language=reply.language, messages=reply.messages, new_conversation=forgotten or None
    )
