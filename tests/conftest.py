"""Fixtures shared by every test folder."""

from __future__ import annotations

import os

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("DALIL_ENVIRONMENT", "test")
