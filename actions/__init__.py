"""Dalil's action server (rasa-sdk): `python -m rasa_sdk --actions actions -p 5055`.

One module per feature; the executor imports every submodule and registers each action.
"""
