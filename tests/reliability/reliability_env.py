"""Names the reliability stack and its tests share (WhatsApp secrets, pseudonym key)."""

WA_SECRET = "reliability-app-secret"
WA_PHONE_ID = "106540352242922"
WA_VERSION = "v21.0"
PSEUDONYM_KEY = "e2e-pseudonym-key"  # bench.devstack's
