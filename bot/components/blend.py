"""Blending two intent rankings (pure Python: tested in both venvs).

DIET and the n-gram linear model make different mistakes: DIET generalises over shared
sub-words, the linear model keeps the exact word and character evidence. A weighted average of
their probabilities beats either alone on the held-out sets (see docs/bot.md for the figures).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def blend_rankings(
    learned: Iterable[Mapping[str, Any]],
    linear: Mapping[str, float],
    *,
    weight: float,
    length: int = 10,
) -> list[dict[str, Any]]:
    """`weight` × the learned ranking + (1 − `weight`) × the linear model's probabilities.

    An intent missing from a (truncated) ranking counts as 0 there. The result is sorted by
    confidence, ties by name so the order never depends on dictionary order.
    """
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"weight must be between 0 and 1, not {weight}")
    learned_scores = {str(r["name"]): float(r.get("confidence") or 0.0) for r in learned}
    names = set(learned_scores) | set(linear)
    scores = {
        name: weight * learned_scores.get(name, 0.0) + (1.0 - weight) * float(linear.get(name, 0.0))
        for name in names
    }
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return [{"name": name, "confidence": score} for name, score in ranked[:length]]
