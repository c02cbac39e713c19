"""The chat API used by the web chat and by API clients."""

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request

from gateway import metrics
from gateway.conversation import Inbound
from gateway.dependencies import ConversationsDep, SettingsDep
from gateway.privacy import pseudonym
from gateway.routers.web import negotiate
from gateway.schemas import ChatRequest, ChatResponse

router = APIRouter(prefix="/api/v1", tags=["chat"])
DELETE_COMMAND = "delete_my_data"


@router.post(
    "/chat",
    response_model=ChatResponse,
    response_model_exclude_none=True,
    responses={429: {"description": "Too many messages from this sender; try again in a minute."}},
)
async def chat(
    body: ChatRequest,
    request: Request,
    settings: SettingsDep,
    conversations: ConversationsDep,
    accept_language: Annotated[str | None, Header()] = None,
) -> ChatResponse:
    """Send one message to Dalil and get its answer in the user's language."""
    sender = pseudonym("web", body.sender, key=settings.pseudonym_key.get_secret_value())
    inbox = getattr(request.app.state, "inbox", None)
    if inbox is not None and not await inbox.limiter.allow(sender):
        metrics.RATE_LIMITED.labels(channel="web").inc()
        raise HTTPException(status_code=429, detail="Too many messages; try again in a minute.")
    inbound = Inbound(
        channel="web",
        sender=sender,
        text=body.text,
        language=body.language,
        language_hint=negotiate(accept_language),
        location=body.location,
    )
    reply = await conversations.handle_or_apologise(inbound)
    if DELETE_COMMAND in reply.commands and inbox is not None:
        await inbox.forgetter.forget(sender)
    return ChatResponse(language=reply.language, messages=reply.messages)
