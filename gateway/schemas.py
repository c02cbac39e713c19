"""The chat API's request and response bodies: the public contract, published at /openapi.json."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dalil.languages import Language


class Location(BaseModel):
    """A point the user shared."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class ChatRequest(BaseModel):
    """One message from a user of the web chat or an API client."""

    model_config = ConfigDict(extra="forbid")

    sender: str = Field(
        min_length=1, max_length=128, description="An opaque id for the conversation."
    )
    text: str = Field(min_length=1, max_length=4096, description="What the user wrote.")
    language: Language | None = Field(
        default=None, description="The user's explicit choice, if any."
    )
    location: Location | None = None

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text must not be blank")
        return value


class Button(BaseModel):
    """A quick reply: what it shows, and what it sends back."""

    title: str
    payload: str


class Message(BaseModel):
    """One bubble of the bot's answer."""

    text: str
    buttons: list[Button] | None = None


class ChatResponse(BaseModel):
    """The bot's answer, in the language it chose."""

    language: Language
    messages: list[Message]
    new_conversation: bool | None = Field(
        default=None,
        description="True when this conversation was deleted: the client should use a new sender id.",
    )
