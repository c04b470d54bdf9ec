"""The socket under a failing database: a log read that fails (the replay on connect, or
healing a gap) is retried with a growing pause, the socket stays open, and every visible
event still arrives once, in seq order."""

import asyncio
import threading
import time

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.db import OperationalError, close_old_connections, transaction

from exercise.envelopes import visible_after
from exercise.models import Event
from realtime import consumers
from tests import builders
from tests.realtime.sockets import open_socket, receive_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

# The real first pause is half a second; a tenth of that keeps the tests fast while the
# doubling stays measurable.
FIRST_PAUSE = 0.05


class FailingLog:
    """The consumer's log read, failing as an overloaded database does for the first
    ``failures`` reads that match, then reading the real log."""

    def __init__(self, failures: int, *, healing: bool, on_failure=None):
        self.failures = failures
        self.healing = healing
        self.on_failure = on_failure
        self.failed_at: list[float] = []
        self.reads = 0

    def __call__(self, exercise, team, after, *, before=None, **page):
        if (before is not None) == self.healing:
            self.reads += 1
            if len(self.failed_at) < self.failures:
                self.failed_at.append(time.monotonic())
                if self.on_failure:
                    self.on_failure()
                raise OperationalError("couldn't get a connection after 20.00 sec")
        return visible_after(exercise, team, after, before=before, **page)


@pytest.fixture
def failing_log(monkeypatch):
    monkeypatch.setattr(consumers, "FIRST_RETRY_SECONDS", FIRST_PAUSE)

    def install(failures: int, *, healing: bool, on_failure=None) -> FailingLog:
        log = FailingLog(failures, healing=healing, on_failure=on_failure)
        monkeypatch.setattr(consumers, "visible_after", log)
        return log

    return install


def note(exercise, team, n: int) -> Event:
    """One event for ``team``, in its own transaction, as a command would append it."""
    return builders.logged(exercise, n, team)


def assert_in_order(frames: list[dict], seqs: list[int], after: int = 0) -> None:
    assert [f["seq"] for f in frames] == seqs
    assert [f["prev"] for f in frames] == [after, *seqs[:-1]]


def assert_growing(pauses: list[float]) -> None:
    """Each wait is at least the pause it should be: the first, then doubled."""
    expected = [FIRST_PAUSE * 2**n for n in range(len(pauses))]
    assert all(took >= want * 0.9 for took, want in zip(pauses, expected, strict=True)), pauses


async def test_a_failed_replay_is_retried_and_the_socket_stays_open(running_arc, failing_log):
    exercise, arc = running_arc["exercise"], running_arc["arc"]
    for n in range(3):
        await database_sync_to_async(note)(exercise, arc, n)
    log = failing_log(3, healing=False)

    socket = await open_socket(exercise.pk, token=running_arc["player"].token)
    frames = await receive_until(socket, 4)

    assert_in_order(frames, [1, 2, 3, 4])
    assert frames[0]["kind"] == "exercise.started"
    assert (len(log.failed_at), log.reads) == (3, 4)
    assert_growing([b - a for a, b in zip(log.failed_at, log.failed_at[1:], strict=False)])
    live = await database_sync_to_async(note)(exercise, arc, 3)
    [frame] = await receive_until(socket, live.seq)
    assert (frame["seq"], frame["prev"]) == (5, 4)
    assert await socket.receive_nothing(timeout=0.2)  # not closed, nothing repeated
    await socket.disconnect()


async def test_an_event_committed_while_the_replay_fails_arrives_once_in_order(running_arc, failing_log):
    """Its broadcast waits behind the retried replay, which then reads it from the log;
    the broadcast is dropped as already sent."""
    exercise, arc = running_arc["exercise"], running_arc["arc"]
    appended: list[int] = []

    def append_during_failure():
        appended.append(note(exercise, arc, len(appended)).seq)

    failing_log(2, healing=False, on_failure=append_during_failure)
    socket = await open_socket(exercise.pk, token=running_arc["player"].token)
    frames = await receive_until(socket, 3)

    assert appended == [2, 3]
    assert_in_order(frames, [1, 2, 3])
    assert await socket.receive_nothing(timeout=0.2)
    await socket.disconnect()


def committed_but_not_yet_broadcast(exercise, team, committed: threading.Event, go: threading.Event) -> Event:
    """Append and commit, then hold back the broadcast until ``go``: another command's
    broadcast overtakes this one, as two processes' broadcasts can cross."""
    try:
        with transaction.atomic():
            # on_commit callbacks run in order: this one holds the append's broadcast back.
            transaction.on_commit(lambda: (committed.set(), go.wait(5)))
            return note(exercise, team, 0)
    finally:
        close_old_connections()


async def test_a_failed_read_while_healing_a_gap_is_retried_and_fills_it(running_arc, failing_log):
    exercise, arc = running_arc["exercise"], running_arc["arc"]
    socket = await open_socket(exercise.pk, token=running_arc["player"].token)
    assert_in_order(await receive_until(socket, 1), [1])
    log = failing_log(2, healing=True)

    committed, go = threading.Event(), threading.Event()
    held = sync_to_async(committed_but_not_yet_broadcast, thread_sensitive=False)(exercise, arc, committed, go)
    held_task = asyncio.ensure_future(held)
    assert await sync_to_async(committed.wait, thread_sensitive=False)(5)
    overtaking = await database_sync_to_async(note)(exercise, arc, 1)  # prev 2, which the socket has not seen
    assert overtaking.seq == 3

    frames = await receive_until(socket, 3)
    go.set()
    assert (await held_task).seq == 2

    assert_in_order(frames, [2, 3], after=1)
    assert len(log.failed_at) == 2
    assert log.reads == 3
    assert_growing([log.failed_at[1] - log.failed_at[0]])
    assert await socket.receive_nothing(timeout=0.2)  # the late broadcast of 2 is not sent again
    last = await database_sync_to_async(note)(exercise, arc, 2)
    assert_in_order(await receive_until(socket, last.seq), [4], after=3)
    await socket.disconnect()
