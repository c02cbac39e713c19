"""Blending the learned ranking with the n-gram model's probabilities."""

from __future__ import annotations

import pytest
from components.blend import blend_rankings


def test_the_linear_model_can_overturn_a_hesitant_learned_choice() -> None:
    learned = [
        {"name": "ask_residence_permit", "confidence": 0.5},
        {"name": "ask_asylum", "confidence": 0.4},
    ]
    linear = {"ask_asylum": 0.9, "ask_residence_permit": 0.05, "greet": 0.05}
    ranking = blend_rankings(learned, linear, weight=0.3)
    assert [r["name"] for r in ranking] == ["ask_asylum", "ask_residence_permit", "greet"]
    assert ranking[0]["confidence"] == pytest.approx(0.3 * 0.4 + 0.7 * 0.9)


def test_an_intent_missing_from_a_truncated_ranking_counts_as_zero() -> None:
    ranking = blend_rankings([{"name": "thank", "confidence": 1.0}], {"deny": 1.0}, weight=0.6)
    assert ranking == [
        {"name": "thank", "confidence": 0.6},
        {"name": "deny", "confidence": pytest.approx(0.4)},
    ]


def test_weight_one_keeps_the_learned_order_and_ties_are_broken_by_name() -> None:
    learned = [{"name": "b", "confidence": 0.5}, {"name": "a", "confidence": 0.5}]
    ranking = blend_rankings(learned, {"c": 1.0}, weight=1.0, length=2)
    assert [r["name"] for r in ranking] == ["a", "b"]


@pytest.mark.parametrize("weight", [-0.1, 1.5])
def test_a_weight_outside_zero_one_is_refused(weight: float) -> None:
    with pytest.raises(ValueError, match="weight"):
        blend_rankings([], {}, weight=weight)
