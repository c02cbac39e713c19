"""`Annotated` aliases for what the routes need; the app's lifespan owns the instances."""

from typing import Annotated

from fastapi import Depends, Request

from gateway.conversation import ConversationService
from gateway.settings import GatewaySettings


def _settings(request: Request) -> GatewaySettings:
    return request.app.state.settings


def _conversations(request: Request) -> ConversationService:
    return request.app.state.conversations


SettingsDep = Annotated[GatewaySettings, Depends(_settings)]
ConversationsDep = Annotated[ConversationService, Depends(_conversations)]
