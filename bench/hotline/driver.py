"""Posting the plan at its rate, open loop: each post is sent at its time whatever the
server's speed, on its own task, so a slow answer delays no later post.

Every post gets a record: when it was due, sent and answered, the status and, for a
201, the seq the server gave it. A post that is sent late (the client could not keep
up) is counted, not hidden: ``late`` is send time minus due time.
"""

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.hotline.httpclient import Pool
from bench.hotline.workload import Post

POST_TIMEOUT = 30.0


@dataclass(frozen=True)
class Request:
    path: str
    body: dict
    headers: dict[str, str]


@dataclass
class Sent:
    post: Post
    due: float  # wall time
    sent: float | None = None
    answered: float | None = None
    status: int | None = None
    seq: int | None = None
    error: str | None = None

    @property
    def created(self) -> bool:
        return self.status == 201


async def prime(pool: Pool, posts: list[Post], request_for: Callable[[Post], Request]) -> list[Sent]:
    """Send the priming posts one after the other, before the clock starts."""
    records = []
    for post in posts:
        record = Sent(post=post, due=time.time())
        await send(pool, record, request_for(post))
        records.append(record)
    return records


async def drive(pool: Pool, posts: list[Post], request_for: Callable[[Post], Request], *, start: float) -> list[Sent]:
    """Send every post at ``start + post.at`` (wall time); the records once all are answered."""
    loop = asyncio.get_running_loop()
    records = [Sent(post=post, due=start + post.at) for post in posts]
    tasks = []
    for record in records:
        delay = record.due - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(loop.create_task(send(pool, record, request_for(record.post))))
    await asyncio.gather(*tasks)
    return records


async def send(pool: Pool, record: Sent, request: Request) -> None:
    body = json.dumps(request.body, separators=(",", ":")).encode()
    try:
        answer = await pool.post(request.path, body, request.headers, timeout=POST_TIMEOUT)
    except Exception as exc:  # a refused or timed-out post is a result, not a crash
        record.error = repr(exc)
        return
    record.sent, record.answered, record.status = answer.sent, answer.answered, answer.status
    if answer.status == 201:
        record.seq = json.loads(answer.body).get("seq")
    else:
        record.error = answer.body[:200].decode("utf-8", "replace")
