"""Parley's application under cProfile, for ``run.py --profile DIR`` (figures from such a run
are slowed by the profiler: read the profile, not its latencies).

Each uvicorn worker profiles its event loop's thread from start-up and writes
``DIR/parley-PID.prof`` at the lifespan's shutdown (uvicorn's workers leave without running
``atexit``); ``python -m pstats`` (or ``pstats.Stats``) reads them.
"""

import cProfile
import os
from pathlib import Path


def parley():  # type: ignore[no-untyped-def]
    from config.asgi import application

    profiler = cProfile.Profile()
    path = Path(os.environ["PARLEY_PROFILE_DIR"]) / f"parley-{os.getpid()}.prof"

    async def profiled(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] != "lifespan":
            return await application(scope, receive, send)
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                profiler.dump_stats(path)
                await send({"type": "lifespan.shutdown.complete"})
                return

    profiler.enable()
    return profiled
