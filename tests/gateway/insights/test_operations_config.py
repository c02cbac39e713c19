"""deploy/: the scrape configuration reaches what the processes expose, the dashboard plots
metrics that exist, and the public proxy never serves /metrics."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

import actions.metrics  # noqa: F401  (registers the action server's metrics)
import gateway.metrics  # noqa: F401  (registers the gateway's metrics)

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"


def registered() -> set[str]:
    """Every series name the two processes can expose (a labelled metric has no sample yet)."""
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}
    return {
        family.name + suffix
        for family in REGISTRY.collect()
        for suffix in suffixes.get(family.type, ("",))
    }


def test_every_dashboard_query_uses_a_metric_dalil_exposes() -> None:
    dashboard = json.loads((DEPLOY / "grafana" / "dalil-operations.json").read_text())
    used = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"\bdalil_[a-z_]+", target["expr"])
    }
    assert used and used <= registered(), used - registered()
    # Counters and histograms are plotted as rates, never as raw totals.
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            if "_total" in target["expr"] or "_bucket" in target["expr"]:
                assert "rate(" in target["expr"] or "increase(" in target["expr"], target["expr"]


def test_prometheus_scrapes_the_ports_compose_opens() -> None:
    scrape = {
        job["job_name"]: job
        for job in yaml.safe_load((DEPLOY / "prometheus.yml").read_text())["scrape_configs"]
    }
    compose = yaml.safe_load((DEPLOY / "compose.yml").read_text())
    gateway, actions = compose["services"]["gateway"], compose["services"]["actions"]
    assert scrape["dalil-gateway"]["dns_sd_configs"][0]["port"] == int(
        gateway["command"][gateway["command"].index("--port") + 1]
    )
    assert scrape["dalil-actions"]["dns_sd_configs"][0]["port"] == int(
        actions["environment"]["DALIL_ACTIONS_METRICS_PORT"]
    )
    assert actions["command"][:3] == ["python", "-m", "actions.serve"]


def test_the_public_proxy_refuses_metrics() -> None:
    assert "location = /metrics { return 404; }" in (DEPLOY / "nginx.conf").read_text()
