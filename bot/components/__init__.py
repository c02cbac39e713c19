"""Custom NLU components for Dalil's Rasa pipeline (import only what the engine venv has)."""
