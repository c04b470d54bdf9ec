"""Who may open an exercise socket, and what they see: decided for many sockets at once.

A consumer's database work runs on one thread per process, and each trip there costs
round trips of its own (a connection taken from the pool and checked, the queries, the
cache) which wait for the thread's turn on the interpreter while the event loop is busy.
Measured in a storm of 1,000 reconnecting sockets on a loaded 2-core machine, one socket's
admission took 20-30 ms that way, one after another: 25 s before the last was live.
So the sockets asking while a trip is waiting to start are admitted together in it: their
tokens looked up in one query, and their presence counted once per audience.
"""

import asyncio
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from channels.db import database_sync_to_async

from exercise import presence, staffing
from exercise.envelopes import staff_group, team_group
from exercise.errors import NotFound
from exercise.models import Exercise, Team
from exercise.roles import Caller
from gateway.player_tokens import player_tokens
from realtime import tickets
from realtime.auth import caller_from_scope, origin_allowed

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_BAD_REQUEST = 4400  # an `after` that is not a seq, or a frame sent to this read-only socket


@dataclass(frozen=True)
class Request:
    scope: dict
    exercise_id: int
    token: str
    ticket: str
    after_valid: bool


@dataclass(frozen=True)
class Admitted:
    team: Team | None  # None: staff, who see every event
    group: str
    audience: str  # the team's key, or "staff": what presence counts


def admit_all(requests: list[Request]) -> list[Admitted | int | BaseException]:
    """For each request, in order: the socket's audience, counted present, or the close
    code refusing it (or the exception deciding it raised)."""
    bare_tokens = [request.token for request in requests if request.token and not request.ticket]
    callers = player_tokens.callers(bare_tokens) if bare_tokens else {}
    answers: list[Admitted | int | BaseException] = []
    for request in requests:
        try:
            answers.append(_admit(request, callers))
        except Exception as exc:  # this socket's failure, not its neighbours'
            answers.append(exc)
    joined = Counter(
        (request.exercise_id, answer.audience)
        for request, answer in zip(requests, answers, strict=True)
        if isinstance(answer, Admitted)
    )
    try:
        presence.joined_many(joined)
    except Exception as exc:  # none of them was counted for sure: none is admitted
        answers = [exc if isinstance(answer, Admitted) else answer for answer in answers]
    return answers


def _admit(request: Request, callers: dict[str, Caller | None]) -> Admitted | int:
    token = request.token
    if request.ticket:  # stands for a token, which then stays out of the URL
        token = tickets.redeem(request.ticket, request.exercise_id) or ""
        if not token:
            return CLOSE_UNAUTHENTICATED
    if token in callers:
        caller, by_session = callers[token], False
    else:
        caller, by_session = caller_from_scope(request.scope, token)
    if caller is None:
        return CLOSE_UNAUTHENTICATED
    if not request.after_valid:
        return CLOSE_BAD_REQUEST
    if by_session and not origin_allowed(request.scope):
        return CLOSE_FORBIDDEN
    exercise_id = request.exercise_id
    if caller.is_staff:
        # A staff user not assigned to the exercise is told it does not exist, as for an id never used.
        if not Exercise.objects.filter(pk=exercise_id).exists() or not _assigned(caller, exercise_id):
            return CLOSE_NOT_FOUND
        return Admitted(team=None, group=staff_group(exercise_id), audience="staff")
    team = caller.player.team  # type: ignore[union-attr]
    if team.exercise_id == exercise_id:
        return Admitted(team=team, group=team_group(exercise_id, team.pk), audience=team.key)
    # The player's exercise is another one: this one's existence decides the code.
    return CLOSE_FORBIDDEN if Exercise.objects.filter(pk=exercise_id).exists() else CLOSE_NOT_FOUND


def _assigned(caller: Caller, exercise_id: int) -> bool:
    try:
        staffing.caller_on(caller, exercise_id)
    except NotFound:
        return False
    return True


Item = TypeVar("Item")
Answer = TypeVar("Answer")


class Batched(Generic[Item, Answer]):
    """``handle_all`` run on the database thread for the items asked for while its trip
    waits to start: one trip, and one answer (or exception) per item, in order. An item
    asked for once the trip has started waits for the next one."""

    def __init__(self, handle_all: Callable[[list[Item]], list[Answer | BaseException]]) -> None:
        self.handle_all = handle_all
        self._waiting: dict[asyncio.AbstractEventLoop, list[tuple[Item, asyncio.Future]]] = {}
        self._lock = threading.Lock()  # joined on the event loop, started on the database thread
        self._trips: set[asyncio.Task] = set()

    async def __call__(self, item: Item) -> Answer:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        with self._lock:
            batch = self._waiting.get(loop)
            first = batch is None
            if batch is None:
                batch = self._waiting[loop] = []
            batch.append((item, future))
        if first:
            trip = loop.create_task(self._trip(loop, batch))
            self._trips.add(trip)  # the loop keeps only a weak reference
            trip.add_done_callback(self._trips.discard)
        return await future

    async def _trip(self, loop: asyncio.AbstractEventLoop, batch: list[tuple[Item, asyncio.Future]]) -> None:
        def started() -> list[Answer | BaseException]:
            with self._lock:
                if self._waiting.get(loop) is batch:
                    del self._waiting[loop]
            return self.handle_all([item for item, _future in batch])

        try:
            answers: list[Any] = await database_sync_to_async(started)()
        except BaseException as exc:
            with self._lock:  # never started (cancelled on the way): closed all the same
                if self._waiting.get(loop) is batch:
                    del self._waiting[loop]
            answers = [exc] * len(batch)
        for (_item, future), answer in zip(batch, answers, strict=True):
            if future.done():  # its socket went away meanwhile
                continue
            if isinstance(answer, BaseException):
                future.set_exception(answer)
            else:
                future.set_result(answer)


admissions: Batched[Request, Admitted | int] = Batched(admit_all)
