"""`rasa` with JSON logs from its first line: `cd bot && python -m rasa_main run ...`.

Rasa's libraries emit warnings while they are imported, before Rasa configures logging; the
handler is installed first so that those are JSON lines too (see `components.json_logging`).
"""

import os
import sys

# TensorFlow's C++ start-up notices go straight to stderr (Rasa sets this later, too late).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

if __name__ == "__main__":
    from components import json_logging

    json_logging.install()
    import coloredlogs

    # Rasa would swap the JSON handler for coloured text before its first line.
    coloredlogs.install = lambda *args, **kwargs: None
    import fast_load
    from rasa.__main__ import main

    # DIET's weights without Rasa's one-step training first: most of the start-up time.
    fast_load.install()

    sys.argv[0] = "rasa"
    main()
