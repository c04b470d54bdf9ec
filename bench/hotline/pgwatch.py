"""What PostgreSQL's backends are doing while Parley is under load, sampled every 100 ms.

Each sample counts the bench database's other backends by state: running a statement,
waiting for a lock (another transaction holds the exercise row), idle inside a
transaction (waiting for the Python side), or idle. The means over the measured phase
show where requests queue; the maximum of all backends shows how close the server came
to PostgreSQL's ``max_connections``.
"""

import asyncio
import contextlib
import statistics
from collections import Counter

import psycopg

QUERY = """
    SELECT CASE
        WHEN wait_event_type = 'Lock' THEN 'waiting for a lock'
        WHEN state = 'active' THEN 'running a statement'
        WHEN state LIKE 'idle in transaction%' THEN 'idle in a transaction'
        ELSE 'idle' END,
        count(*)
    FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
    GROUP BY 1
"""
STATES = ("running a statement", "waiting for a lock", "idle in a transaction", "idle")


async def connect(database_url: str) -> psycopg.AsyncConnection:
    """The watcher's connection, opened before the load (the server may use up the rest)."""
    return await psycopg.AsyncConnection.connect(database_url, autocommit=True)


async def watch(conn: psycopg.AsyncConnection, stop: asyncio.Event, *, every: float = 0.1) -> dict[str, float]:
    """Sample until ``stop`` is set; mean backends per state, and the most connections seen."""
    samples: list[Counter] = []
    async with conn:
        while not stop.is_set():
            rows = await (await conn.execute(QUERY)).fetchall()
            samples.append(Counter(dict(rows)))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
    if not samples:
        return {}
    means = {state: statistics.fmean(sample[state] for sample in samples) for state in STATES}
    return means | {"most connections": max(sum(sample.values()) for sample in samples), "samples": len(samples)}
