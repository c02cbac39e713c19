"""Fakes of the outside world (Rasa, messaging providers) for the gateway's tests."""
