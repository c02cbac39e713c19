"""The chat API used by the web chat and by API clients."""

from fastapi import APIRouter

from gateway.conversation import Inbound
from gateway.dependencies import ConversationsDep, SettingsDep
from gateway.privacy import pseudonym
from gateway.schemas import ChatRequest, ChatResponse

router = APIRouter(prefix="/api/v1", tags=["chat"])


@router.post("/chat", response_model=ChatResponse, response_model_exclude_none=True)
async def chat(body: ChatRequest, settings: SettingsDep, conversations: ConversationsDep) -> ChatResponse:
    """Send one message to Dalil and get its answer in the user's language."""
    inbound = Inbound(
        channel="web",
        sender=pseudonym("web", body.sender, key=settings.pseudonym_key.get_secret_value()),
        text=body.text,
        language=body.language,
        location=body.location,
    )
    reply = await conversations.handle_or_apologise(inbound)
    return ChatResponse(language=reply.language, messages=reply.messages)
