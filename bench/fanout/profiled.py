"""Parley's application under cProfile, for ``run.py --profile DIR`` (figures from such a run
are slowed by the profiler: read the profile, not its latencies).

Each uvicorn worker profiles itself from start-up and writes ``DIR/parley-PID.prof`` when it
exits; ``python -m pstats`` (or ``pstats.Stats``) reads them.
"""

import atexit
import cProfile
import os
from pathlib import Path


def parley():  # type: ignore[no-untyped-def]
    from config.asgi import application

    profiler = cProfile.Profile()
    folder = Path(os.environ["PARLEY_PROFILE_DIR"])
    atexit.register(lambda: profiler.dump_stats(folder / f"parley-{os.getpid()}.prof"))
    profiler.enable()
    return application
