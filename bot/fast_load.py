"""Load DIET's saved weights without the one-example training step Rasa runs first.

Rasa 3.6's `RasaModel.load` creates the model's variables by training it for one step on one
example (`model.fit`), then overwrites them with the saved weights. That step traces the whole
training graph and creates the optimizer's state: about three quarters of `rasa run`'s start on
a 2-core machine (docs/benchmarks.md, "Start-up"). Here the variables are created by one eager
prediction instead (the layers the served predictions use; nothing is traced), the saved
weights are loaded into them, and the prediction graph is traced once with the loaded weights,
as Rasa does. The predictions are the same (tests/bot/test_model.py compares both loads).

Fine-tuning (`rasa train --finetune`) keeps Rasa's load: it needs the optimizer. Installed by
`bot/rasa_main.py`, so in every `rasa run` of Dalil (Procfile, `bench/devstack.py`, deploy/);
a no-op without Rasa 3.6, or with `DALIL_RASA_STOCK_MODEL_LOAD=1` (to measure Rasa's own load). It
lives beside rasa_main.py, not in `components/`: it does not shape the model, and every file
of `components/` is part of the model's fingerprint (`make train` would retrain).
"""

from __future__ import annotations

import logging
import os
from typing import Any

log = logging.getLogger(__name__)

STOCK_ENV = "DALIL_RASA_STOCK_MODEL_LOAD"

ORIGINAL: Any = None
# Models loaded this way in this process (tests check the light path really ran).
loaded = 0


def load(
    cls: Any,
    model_file_name: str,
    model_data_example: Any,
    predict_data_example: Any = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> Any:
    """`RasaModel.load` for serving: the saved weights, without training a step first.

    Any failure of the light path (another TensorFlow or Rasa than the one tested) falls back to
    Rasa's own load, with a warning: a slower start, never a model without its weights (Rasa's
    DIET load would catch a ValueError and serve an untrained classifier).
    """
    if not (finetune_mode or predict_data_example is None):
        try:
            return _light_load(cls, model_file_name, predict_data_example, *args, **kwargs)
        except Exception:
            log.warning("light model load failed: Rasa's own load instead", exc_info=True)
    return ORIGINAL.__func__(
        cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
        *args, **kwargs,
    )  # fmt: skip


def _light_load(
    cls: Any, model_file_name: str, predict_data_example: Any, *args: Any, **kwargs: Any
) -> Any:
    import tensorflow as tf
    from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY

    config = kwargs.get("config", {})
    model = cls(*args, **kwargs)
    model.compile(
        optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
        run_eagerly=config.get(RUN_EAGERLY),
    )
    # One eager prediction creates every variable a prediction uses (Rasa reads `_run_eagerly`).
    run_eagerly = model._run_eagerly
    model._run_eagerly = True
    model.run_inference(predict_data_example)
    model._run_eagerly = run_eagerly
    status = model.load_weights(model_file_name)
    if status is not None:
        status.expect_partial()  # the optimizer's state in the file is for training only
    # The label embeddings were computed from the initial weights: again, from the loaded ones;
    # then the prediction graph is traced, as Rasa's load does.
    model.prepared_for_prediction = False
    model.run_inference(predict_data_example)
    global loaded
    loaded += 1
    return model


def install() -> bool:
    """Put the lighter load in place in the engine; False where Rasa is not installed."""
    global ORIGINAL
    if os.environ.get(STOCK_ENV) == "1":
        return False
    try:
        import rasa
        from rasa.utils.tensorflow.models import RasaModel
    except ImportError:
        return False
    # Written against Rasa 3.6's RasaModel.load (a classmethod): elsewhere, Rasa's own load.
    current = RasaModel.__dict__.get("load")
    if not rasa.__version__.startswith("3.6.") or not isinstance(current, classmethod):
        log.warning("Rasa %s: its own model load is kept", rasa.__version__)
        return False
    if current.__func__ is not load:
        ORIGINAL = current
        RasaModel.load = classmethod(load)  # type: ignore[method-assign,assignment]
    return True
