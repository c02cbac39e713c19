"""Render docs/benchmarks.md from the stored results (filled in below)."""
from __future__ import annotations

from pathlib import Path

from bench.common import ROOT


def write() -> Path:
    """Placeholder until the renderer lands."""
    return ROOT / "docs" / "benchmarks.md"
