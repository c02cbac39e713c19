"""Running code in the engine venv (.venv-rasa), where Rasa is installed (it is not in .venv).

The `engine_*.py` scripts next to the tests run there as subprocesses. Rasa imports the custom
components (`components.*`) and the tracker store from `bot/`, as `rasa run` does from that
folder: the scripts get `bot/` through `PYTHONPATH` (bench.common.engine_env), not from code of
their own.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from bench.common import ENGINE_PYTHON, RASA_BIN, engine_env
from dalil.settings import ROOT

BOT = ROOT / "bot"
RASA = RASA_BIN


def run_engine_script(
    script: Path, *args: str, env: dict[str, str] | None = None, **run: Any
) -> subprocess.CompletedProcess[str]:
    """Run `script` with the engine's Python; output captured as text. `env` adds variables."""
    return subprocess.run(
        [str(ENGINE_PYTHON), str(script), *args],
        env=engine_env(**(env or {})),
        capture_output=True,
        text=True,
        **run,
    )
