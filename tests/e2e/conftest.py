"""The real stack: a freshly trained model, Rasa, the action server and the gateway."""

from __future__ import annotations

import itertools
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from bench.devstack import Stack, latest_model, running_stack
from dalil.settings import ROOT
from knowledge.db import make_engine, make_session_factory


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Rasa, actions and gateway on free ports, with a knowledge base of their own."""
    try:
        latest_model()
    except FileNotFoundError as exc:
        pytest.fail(f"{exc} (make test trains it before running pytest)")
    workdir: Path = tmp_path_factory.mktemp("stack")
    database_url = f"sqlite:///{workdir / 'knowledge.db'}"
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "dalil"), "kb", "import"],
        check=True,
        cwd=ROOT,
        env={"DALIL_DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"},
    )
    with running_stack(workdir, database_url) as started:
        yield started


@pytest.fixture
def kb(stack: Stack) -> Iterator[Session]:
    """A session on the stack's own knowledge base, to compare answers with the facts."""
    engine = make_engine(stack.database_url)
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


_ids = itertools.count()


class Conversation:
    """One user talking to the gateway's chat API."""

    def __init__(self, stack: Stack, name: str, language: str | None = None) -> None:
        self.url = f"{stack.gateway_url}/api/v1/chat"
        self.sender = f"e2e-{name}-{next(_ids)}"
        self.language = language
        self.last: dict[str, Any] = {}

    def say(self, text: str, **extra: Any) -> str:
        """Send a message; return the answer's texts joined (buttons' titles included)."""
        body: dict[str, Any] = {"sender": self.sender, "text": text, **extra}
        if self.language and "language" not in extra:
            body["language"] = self.language
        response = httpx.post(self.url, json=body, timeout=60)
        assert response.status_code == 200, response.text
        self.last = response.json()
        return "\n".join(m["text"] for m in self.last["messages"])

    @property
    def buttons(self) -> list[dict[str, str]]:
        """The buttons of the last answer."""
        return [b for m in self.last["messages"] for b in (m.get("buttons") or [])]


@pytest.fixture
def conversation(stack: Stack):  # type: ignore[no-untyped-def]
    """A factory of new conversations."""
    return lambda name, language=None: Conversation(stack, name, language)
