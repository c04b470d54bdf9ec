"""The bare server under the same garbage-collector policy as Parley's config/asgi.py.

config/asgi.py freezes what start-up loaded and raises the collection thresholds (DESIGN.md
measured the collector at 40-55 % of a bare server's fan-out CPU), read from
``PARLEY_GC_THRESHOLD`` ("gen0,gen1,gen2", or "off" for Python's defaults). The bare
server applies the same policy from the same variable, so the comparison stays like for
like; ``run.py --gc-threshold`` sets it for both.
"""

import gc
import os

DEFAULT_THRESHOLD = "50000,20,100"  # config/asgi.py's default


def tune() -> None:
    setting = os.environ.get("PARLEY_GC_THRESHOLD", DEFAULT_THRESHOLD)
    if setting == "off":
        return
    gc.collect()
    gc.freeze()
    gc.set_threshold(*(int(part) for part in setting.split(",")))


def bare():  # type: ignore[no-untyped-def]
    from bench.fanout.bare import make_application

    application = make_application()
    tune()
    return application
