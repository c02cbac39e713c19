"""Stop early, with a clear message, on a Python that Rasa 3.6 cannot run on."""

import sys

if not (3, 10) <= sys.version_info[:2] < (3, 12):
    found = ".".join(map(str, sys.version_info[:3]))
    sys.exit(
        f"Dalil needs Python 3.10 or 3.11 (found {found} at {sys.executable}).\n"
        "Rasa Open Source 3.6 depends on TensorFlow 2.12, which has no wheels for Python 3.12+.\n"
        "Install Python 3.11 and run again, or point make at it: make PYTHON=/path/to/python3.11 …"
    )
print(f"Python {sys.version.split()[0]}: ok")
