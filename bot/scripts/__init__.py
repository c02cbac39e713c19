"""Helpers to train, evaluate and generate the Rasa project's data (run with the app venv)."""
