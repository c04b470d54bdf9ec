"""The hotline message POST answered on the event loop: the busiest request there is.

Measured in bench/hotline, Django's request cycle under uvicorn costs about 4 ms of CPU a
request before any of our work: at 200 messages a second on two cores that is the whole
budget. This ASGI layer answers the common case itself: a player's token, a well-formed
body, an open line between running teams; what the expectation engine then has to
decide, it decides right after the answer. It counts the player's command against the rate Django counts in, writes in
one statement (exercise.hotline_statement) on its own autocommitting connection,
broadcasts, and answers as the API does, with the headers Django's own middleware sets.
Anything else goes to Django, which gives the refusal or does the rest; this layer never
has to explain a refusal, so it never differs in one.
"""

import asyncio
import io
import json
import logging
import re
from typing import Any

import psycopg
import redis
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.http import HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from ninja.responses import NinjaJSONEncoder
from psycopg.conninfo import make_conninfo
from psycopg.errors import UniqueViolation
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from exercise import expectations, hotline_statement
from exercise.commands import MESSAGE_LIMIT, checked_client_id, checked_text
from exercise.errors import DomainError
from exercise.events import send_all
from exercise.hotline_statement import Sent
from exercise.roles import Caller
from exercise.text_rules import unstorable_paths
from gateway import ratelimits
from gateway.errors import busy_response
from gateway.player_tokens import player_tokens

PATH = re.compile(r"/api/v1/hotlines/([1-9][0-9]{0,17})/messages")
# A message's body is its text (at most 4,000 characters, up to 4 bytes each in UTF-8,
# 6 when escaped in JSON) and a client_id; anything longer is Django's to refuse.
BODY_LIMIT = 6 * MESSAGE_LIMIT + 1024
POOL_SIZE = 4
# A player's command counted against the rate here: the player's id, and whether it was within.
Counted = tuple[int, bool] | None

logger = logging.getLogger(__name__)


def enabled() -> bool:
    """Only in the production shape, with Redis: the embedded default serves one process,
    where Django's own path costs nothing worth avoiding."""
    return bool(settings.REDIS_URL)


class HotlineMessages:
    """ASGI middleware in front of Django's HTTP application."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.enabled = enabled()
        self._pool: AsyncConnectionPool | None = None
        self._commands: ratelimits.PlayerCommands | None = None
        self._security = SecurityMiddleware(lambda request: None)
        self._frames = XFrameOptionsMiddleware(lambda request: None)
        self._csp = CSPMiddleware(lambda request: None)
        self._deciding: set[asyncio.Task] = set()  # kept, or the loop may drop them unfinished

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        found = PATH.fullmatch(scope.get("path", "")) if scope["type"] == "http" and scope["method"] == "POST" else None
        if not (self.enabled and found):
            return await self.app(scope, receive, send)
        body, complete = await _read_body(receive)
        if body is None:  # the client went away
            return None
        response, counted = await self._answer(scope, int(found[1]), body) if complete else (None, None)
        if response is None:
            if counted is not None:  # for Django to take, not to count again
                scope = ratelimits.counted_in(scope, *counted)
            return await self.app(scope, _replay(body, complete, receive), send)
        headers = [(name.encode("latin1"), value.encode("latin1")) for name, value in response.items()]
        await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": response.content})

    async def close(self) -> None:
        if self._deciding:
            await asyncio.gather(*list(self._deciding), return_exceptions=True)
        if self._pool is not None:
            await self._pool.close()
        if self._commands is not None:
            await self._commands.close()
        self._pool = self._commands = None

    async def _answer(self, scope: dict, hotline_id: int, body: bytes) -> tuple[HttpResponse | None, Counted]:
        """The API's answer, or None for Django to give it; and the command as counted
        against the player's rate, once the player is known."""
        if scope.get("query_string"):  # Django checks it; a message needs none
            return None, None
        request = ASGIRequest(scope, io.BytesIO(body))
        token = _bearer_token(request)
        fields = _fields(body) if token else None
        if not (fields and self._passes_django_middleware(request)):
            return None, None
        counted: Counted = None
        try:
            db, commands = await self._connections()
            caller = await _caller(db, token)
            if caller is None:  # unknown, or staff: Django decides
                return None, None
            counted = caller.player.pk, await commands.hit(caller.player.pk)  # type: ignore[union-attr]
            sent = await _send(db, caller, hotline_id, *fields) if counted[1] else None  # else Django refuses
        except PoolTimeout:  # Django's pool would be as busy: no second wait there
            return self._with_headers(request, busy_response()), counted
        except (psycopg.OperationalError, redis.RedisError):  # as Django would be: it answers
            logger.warning("hotline messages: the database or Redis failed; Django answers", exc_info=True)
            return None, counted
        if sent is None:
            return None, counted
        await send_all(get_channel_layer(), sent.event, sent.stored.prevs)
        if sent.event.open_checks:
            self._decide_soon(sent.event.exercise_id)
        content = json.dumps(sent.answer, cls=NinjaJSONEncoder).encode()
        response = HttpResponse(content, status=201, content_type="application/json; charset=utf-8")
        return self._with_headers(request, response), counted

    def _decide_soon(self, exercise_id: int) -> None:
        """The expectation decisions this message awaits, taken beside the answer rather
        than before it: how long the answer takes must not tell the player that some
        team has an open expectation. The clock's next tick takes them if this fails."""
        task = asyncio.create_task(database_sync_to_async(expectations.decide_pending)(exercise_id))
        self._deciding.add(task)
        task.add_done_callback(self._decided)

    def _decided(self, task: asyncio.Task) -> None:
        self._deciding.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("hotline messages: pending decisions failed; the tick takes them", exc_info=task.exception())

    def _passes_django_middleware(self, request: ASGIRequest) -> bool:
        """What Django's middleware would refuse or redirect before the API saw it."""
        try:
            request.get_host()
        except DisallowedHost:
            return False
        return self._security.process_request(request) is None  # None: no HTTPS redirect

    def _with_headers(self, request: ASGIRequest, response: HttpResponse) -> HttpResponse:
        """The headers Django's middleware gives an API response."""
        response["Content-Length"] = str(len(response.content))
        self._security.process_response(request, response)
        self._frames.process_response(request, response)
        self._csp.process_request(request)
        self._csp.process_response(request, response)
        return response

    async def _connections(self) -> tuple[AsyncConnectionPool, ratelimits.PlayerCommands]:
        """This process's own connections, opened on first use inside the server's loop."""
        if self._pool is None:
            # Both made before the first await, so that a concurrent first request finds both.
            database = connections["default"].settings_dict
            self._pool = AsyncConnectionPool(
                _conninfo(database),
                min_size=1,
                max_size=POOL_SIZE,
                timeout=database["OPTIONS"].get("pool", {}).get("timeout", 20),
                kwargs={"autocommit": True},
                # Unlike Django's, connections are not checked when taken: a message stays
                # one round trip. One that PostgreSQL dropped fails here once, and Django,
                # whose pool checks them, answers instead (tests/faults).
                open=False,
            )
            self._commands = ratelimits.PlayerCommands()
            await self._pool.open()
        return self._pool, self._commands  # type: ignore[return-value]


async def _caller(db: AsyncConnectionPool, token: str) -> Caller | None:
    """The player whose token this is, asking the database only on a first request in
    this process; None for an unknown token or a staff one."""
    caller = player_tokens.known(token)
    if caller is None:
        async with db.connection() as connection:
            caller = await player_tokens.look_up(token, connection)
    return caller


async def _send(
    db: AsyncConnectionPool, caller: Caller, hotline_id: int, text: str, client_id: str | None
) -> Sent | None:
    """The message sent, or None for Django to send or refuse."""
    try:
        async with db.connection() as connection:
            return await hotline_statement.send_async(connection, caller, hotline_id, text, client_id)
    except UniqueViolation:  # this client_id was used before: Django answers from its receipt
        return None


def _bearer_token(request: ASGIRequest) -> str:
    """The token as the API's bearer authentication reads the header (no trimming)."""
    parts = request.headers.get("Authorization", "").split(" ")
    return " ".join(parts[1:]) if parts[0].lower() == "bearer" else ""


def _fields(body: bytes) -> tuple[str, str | None] | None:
    """The text and client_id of a body the API would take as it stands, or None."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # nested past Python's limit: Django answers 400
        return None
    if not isinstance(payload, dict) or next(unstorable_paths(payload), None) is not None:
        return None
    text, client_id = payload.get("text"), payload.get("client_id")
    try:  # the command's own rules; a refusal is Django's to give
        checked_text(text, limit=MESSAGE_LIMIT)
        if client_id is not None:
            checked_client_id(client_id)
    except DomainError:
        return None
    return text, client_id


async def _read_body(receive: Any) -> tuple[bytes | None, bool]:
    """The request's body (None if the client went away), and whether it is all there:
    a body past BODY_LIMIT is left for Django to answer."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None, False
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if not message.get("more_body", False):
            return b"".join(chunks), True
        if size > BODY_LIMIT:
            return b"".join(chunks), False


def _replay(body: bytes, complete: bool, receive: Any) -> Any:
    """A receive() that gives Django what was read, then whatever is still to come."""
    replayed = False

    async def replay() -> dict:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": not complete}

    return replay


def _conninfo(database: dict[str, Any]) -> str:
    """The default database's connection as Django's settings give it, with only the
    options libpq knows (Django's own, such as the pool's, left out)."""
    libpq = {option.keyword.decode() for option in psycopg.pq.Conninfo.get_defaults()}
    options = {key: value for key, value in database.get("OPTIONS", {}).items() if key in libpq}
    fields = {
        "dbname": database["NAME"],
        "user": database.get("USER"),
        "password": database.get("PASSWORD"),
        "host": database.get("HOST"),
        "port": database.get("PORT"),
        **options,
    }
    return make_conninfo(**{key: value for key, value in fields.items() if value not in (None, "")})
