"""Custom NLU components for Dalil's Rasa pipeline (import only what the engine venv has).

Importing the package (which Rasa does when it loads a model that uses these components) also
replaces Rasa's per-call JSON Schema check of action server answers with a cached validator:
see `action_schema`.
"""

from components import action_schema

action_schema.install()
