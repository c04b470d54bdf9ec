"""A socket's inbox (realtime.fanout.Inbox): its messages handled one at a time, in
arrival order, once started, with no task kept while it is idle."""

import asyncio

import pytest

from realtime.fanout import Inbox

pytestmark = pytest.mark.asyncio


class Recorder:
    """A handler that records what it handled, and how many at once at most."""

    def __init__(self, stop_at: int | None = None) -> None:
        self.handled: list[int] = []
        self.running = 0
        self.most_at_once = 0
        self.stop_at = stop_at

    async def __call__(self, message: dict) -> bool:
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        await asyncio.sleep(0)  # a send that suspends, as uvicorn's may
        self.handled.append(message["n"])
        self.running -= 1
        return message["n"] != self.stop_at


async def settled() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_messages_wait_until_started_then_arrive_in_order_one_at_a_time():
    inbox, handle = Inbox(), Recorder()
    for n in range(3):
        inbox.put_nowait({"n": n})
    await settled()
    assert handle.handled == []  # the replay goes first: nothing before start
    inbox.start(handle)
    for n in range(3, 6):
        inbox.put_nowait({"n": n})  # while the first ones are being handled
    await settled()
    inbox.put_nowait({"n": 6})  # after the inbox went idle
    await settled()
    assert handle.handled == [0, 1, 2, 3, 4, 5, 6]
    assert handle.most_at_once == 1


async def test_an_idle_inbox_keeps_no_task():
    inbox = Inbox()
    inbox.start(Recorder())
    before = len(asyncio.all_tasks())
    inbox.put_nowait({"n": 1})
    assert len(asyncio.all_tasks()) == before + 1
    await settled()
    assert len(asyncio.all_tasks()) == before


async def test_a_handler_answering_false_or_a_stop_ends_the_handling():
    inbox, handle = Inbox(), Recorder(stop_at=1)
    inbox.start(handle)
    for n in range(4):
        inbox.put_nowait({"n": n})
    await settled()
    inbox.put_nowait({"n": 9})
    await settled()
    assert handle.handled == [0, 1]

    inbox, handle = Inbox(), Recorder()
    inbox.start(handle)
    inbox.put_nowait({"n": 0})
    inbox.stop()
    inbox.put_nowait({"n": 1})
    await settled()
    assert handle.handled == []
