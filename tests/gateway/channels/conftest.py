"""Fixtures of the channel tests: the fake outside world and a gateway talking to it."""

from fakes.gateway import database_url, harness, world_and_url

__all__ = ["database_url", "harness", "world_and_url"]
