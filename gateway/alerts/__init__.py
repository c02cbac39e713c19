"""Opt-in alerts: subscriptions, reviewed alerts and broadcasts, and their resumable outbox."""
