"""What the bot says besides the knowledge base's facts: button payloads and Rasa's `utter_*` texts.

Shared by the action server and the gateway's `/nlg`, so it sits below both: it imports only
`dalil` and `knowledge` (docs/internals.md, "Layout and ownership").
"""
