"""Heavy scale tests (marked `heavy`: two Rasa processes, ~1.3 GB each) run with
`pytest tests/scale`; skipped when pytest was not pointed at this folder (as in `make test`).
The deployment-file checks are light and always run.
"""
