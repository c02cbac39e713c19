"""The real stack: a freshly trained model, Rasa, the action server and the gateway."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from dalil.devstack import Stack, latest_model, running_stack
from dalil.settings import ROOT


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
        check=True, cwd=ROOT, env={"DALIL_DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"},
    )
    with running_stack(workdir, database_url) as started:
        yield started
