"""Insights tests: the admin tests' migrated database and users (tests/gateway/conftest.py), a
gateway on loopback, and a scripted Rasa that runs the real actions and the gateway's real NLG
endpoint."""

from tests.gateway.insights.scripted import stack

__all__ = ["stack"]
