"""Language choice accuracy vs lingua alone: the actions engineer's `bench/language/run.py`.

That script owns the labelled set and the method; this runs it and keeps what it prints, so the
page shows it beside the other figures. It prints a Markdown table or JSON; both are kept.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from dalil.settings import ROOT

SCRIPT = ROOT / "bench" / "language" / "run.py"


def run() -> dict[str, Any]:
    """Run the script with the app's Python and keep its output."""
    if not SCRIPT.exists():
        raise FileNotFoundError(f"{SCRIPT.relative_to(ROOT)} is not there yet")
    done = subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    output = done.stdout.strip()
    try:
        return {"json": json.loads(output)}
    except ValueError:
        return {"markdown": output}
