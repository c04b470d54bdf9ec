"""The two ASGI applications with the garbage collector tuned, for ``uvicorn --factory``.

DESIGN.md measured the collector at 40-55 % of the fan-out CPU of a bare server. Tuning
here means: collect once and freeze everything loaded at start (Django, the URL
configuration, the app's modules) so later collections skip it, and let many more
allocations pass between collections of the young generation. ``BENCH_GC_THRESHOLD``
(``gen0,gen1,gen2``) overrides the thresholds.
"""

import gc
import os

DEFAULT_THRESHOLD = "50000,20,100"


def tune() -> None:
    threshold = [int(part) for part in os.environ.get("BENCH_GC_THRESHOLD", DEFAULT_THRESHOLD).split(",")]
    gc.collect()
    gc.freeze()
    gc.set_threshold(*threshold)


def parley():  # type: ignore[no-untyped-def]
    from config.asgi import application

    tune()
    return application


def bare():  # type: ignore[no-untyped-def]
    from bench.fanout.bare import make_application

    application = make_application()
    tune()
    return application
