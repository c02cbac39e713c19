"""Prometheus metrics of the action server, served on their own port.

rasa-sdk's server has no hook for an extra route, so `prometheus_client` serves `/metrics` on
`DALIL_ACTIONS_METRICS_PORT` (bound to `DALIL_ACTIONS_METRICS_HOST`, loopback by default) when
that port is set; see `actions/__init__.py`.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

ACTION_SECONDS = Histogram(
    "dalil_action_seconds",
    "Time to run one custom action, by action and outcome.",
    ["action", "outcome"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
KNOWLEDGE_ERRORS = Counter(
    "dalil_action_knowledge_errors_total",
    "Knowledge-base reads that failed, by action.",
    ["action"],
)
