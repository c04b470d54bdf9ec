"""Reads shared by the callers waiting on the same one (realtime.shared_reads), on the
database thread the consumers use: the thread is held busy so that the callers queue."""

import asyncio
import threading

import pytest

from realtime.shared_reads import SharedReads
from tests.realtime.sockets import database_thread_held

pytestmark = pytest.mark.asyncio


class Counted:
    """A read that counts its calls and answers with their number."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


async def asking(reads: SharedReads, keys_and_reads: list) -> list[asyncio.Task]:
    """Callers, each asking with its key; back once every one has asked."""
    tasks = [asyncio.ensure_future(reads.read(key, read)) for key, read in keys_and_reads]
    await asyncio.sleep(0)  # each runs up to its wait
    return tasks


async def test_callers_asking_for_the_same_read_before_it_starts_share_one():
    reads, read = SharedReads(), Counted()
    async with database_thread_held():
        tasks = await asking(reads, [(("ex", 1, 0, None), read)] * 5)
    assert await asyncio.gather(*tasks) == [1] * 5
    assert read.calls == 1


async def test_reads_with_different_keys_are_never_shared():
    reads, first, second = SharedReads(), Counted(), Counted()
    async with database_thread_held():
        tasks = await asking(reads, [(("ex", 1, 0, None), first), (("ex", 2, 0, None), second)] * 3)
    assert await asyncio.gather(*tasks) == [1, 1] * 3
    assert (first.calls, second.calls) == (1, 1)


async def test_a_read_that_has_started_is_not_joined():
    """Who asks once the read is running gets a read of their own, started after they asked."""
    reads = SharedReads()
    started, go_on = threading.Event(), threading.Event()
    calls = []

    def read() -> int:
        calls.append(len(calls) + 1)
        if len(calls) == 1:
            started.set()
            go_on.wait(30)
        return len(calls)

    first = asyncio.ensure_future(reads.read("key", read))
    await asyncio.to_thread(started.wait, 30)
    second = asyncio.ensure_future(reads.read("key", read))
    await asyncio.sleep(0)
    go_on.set()
    assert (await first, await second) == (1, 2)


async def test_a_failed_read_fails_for_every_caller_and_the_next_one_reads_again():
    reads = SharedReads()
    calls = []

    def failing() -> int:
        calls.append(1)
        raise OSError("the database went away")

    async with database_thread_held():
        tasks = await asking(reads, [("key", failing)] * 3)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert [type(result) for result in results] == [OSError] * 3
    assert calls == [1]
    assert await reads.read("key", Counted()) == 1


async def test_the_first_caller_going_away_leaves_the_read_to_the_others():
    reads, read = SharedReads(), Counted()
    async with database_thread_held():
        first, *others = await asking(reads, [("key", read)] * 3)
        first.cancel()
    assert await asyncio.gather(*others) == [1, 1]
    assert read.calls == 1
