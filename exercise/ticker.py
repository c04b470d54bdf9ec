"""The in-process clock of the embedded default: the same service Celery calls.

It runs as a task on the server's own event loop, so its broadcasts reach sockets
through the in-memory channel layer of that loop.
"""

import asyncio
import logging

from asgiref.sync import sync_to_async
from django.db import close_old_connections

from exercise import injects

logger = logging.getLogger(__name__)

# A tenth of a second keeps releases well inside the 250 ms lateness we promise, at the
# cost of one small query per running exercise per tick.
INTERVAL_SECONDS = 0.1


def tick() -> None:
    try:
        for exercise_id in injects.running_exercise_ids():
            injects.release_due_injects(exercise_id=exercise_id)
    finally:
        close_old_connections()


async def run_clock(interval: float = INTERVAL_SECONDS) -> None:
    while True:
        try:
            await sync_to_async(tick)()
        except Exception:  # a bad tick must not stop the clock for the rest of the exercise
            logger.exception("clock tick failed")
        await asyncio.sleep(interval)
