"""The burst driver, a process of its own so that its work does not share the client's CPU.

    python -m bench.fanout.burst EXERCISE_ID COUNT RATE   (with the production environment)

It writes the burst's ad-hoc injects in one transaction, then lets their broadcasts out at
RATE a second (parley_side.burst), and prints one JSON line: when the broadcasts began and
ended, and when each seq left.

It calls the service as a facilitator's request does in the ASGI server: from a thread
under a running event loop (``sync_to_async``), so each broadcast after the commit goes out
on that loop through one open layer connection, not a fresh loop and connection each as in
a plain sync caller. It also asks for a higher CPU priority (when allowed): the server it
overloads and the client take both cores, and the burst must not be slowed by the very
load it makes.
"""

import asyncio
import contextlib
import json
import os
import sys


def main() -> None:
    exercise_id, count, rate = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    from bench.fanout import environment

    environment.setup_django(dict(os.environ))
    from asgiref.sync import sync_to_async

    from bench.fanout import parley_side  # needs Django set up

    with contextlib.suppress(PermissionError):
        os.setpriority(os.PRIO_PROCESS, 0, -5)
    niceness = os.getpriority(os.PRIO_PROCESS, 0)

    async def run() -> dict:
        send = sync_to_async(parley_side.burst)
        return await send(exercise_id=exercise_id, count=count, rate=rate)

    result = asyncio.run(run())
    print(json.dumps({**result, "niceness": niceness}))


if __name__ == "__main__":
    main()
