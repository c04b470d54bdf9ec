"""The hotline message POST answered on the event loop: the busiest request there is.

Measured in bench/hotline, Django's request cycle under uvicorn costs about 4 ms of CPU a
request before any of our work: at 200 messages a second on two cores that is the whole
budget. This ASGI layer answers the common case itself: a player's token, a well-formed
body, an open line between running teams, and nothing for the expectation engine to
decide. It counts the player's rate in the keys Django counts in, writes in one
statement (exercise.hotline_statement) on its own autocommitting connection, broadcasts,
and answers as the API does, with the headers Django's own middleware sets. Anything
else goes to Django untouched, which gives the refusal or does the rest; this layer
never has to explain a refusal, so it never differs in one.
"""

import io
import json
import logging
import re
from typing import Any

import psycopg
import redis
import redis.asyncio
from channels.layers import get_channel_layer
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

from config.api_errors import busy_response
from config.player_tokens import player_tokens
from config.ratelimits import count_player_command, give_back
from exercise import hotline_statement
from exercise.commands import MESSAGE_LIMIT, checked_client_id, checked_text
from exercise.errors import DomainError
from exercise.events import send_all
from exercise.hotline_statement import Sent
from exercise.text_rules import unstorable_paths

PATH = re.compile(r"/api/v1/hotlines/([1-9][0-9]{0,17})/messages")
# A message's body is its text (at most 4,000 characters, up to 4 bytes each in UTF-8,
# 6 when escaped in JSON) and a client_id; anything longer is Django's to refuse.
BODY_LIMIT = 6 * MESSAGE_LIMIT + 1024
POOL_SIZE = 4

logger = logging.getLogger(__name__)


def enabled() -> bool:
    """Only where the rate counts are shared between processes: on Redis."""
    cache = settings.CACHES["default"]["BACKEND"]
    return cache.endswith("RedisCache")


class HotlineMessages:
    """ASGI middleware in front of Django's HTTP application."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.enabled = enabled()
        self._pool: AsyncConnectionPool | None = None
        self._redis: Any = None
        self._security = SecurityMiddleware(lambda request: None)
        self._frames = XFrameOptionsMiddleware(lambda request: None)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        found = PATH.fullmatch(scope.get("path", "")) if scope["type"] == "http" and scope["method"] == "POST" else None
        if not (self.enabled and found):
            return await self.app(scope, receive, send)
        body, complete = await _read_body(receive)
        if body is None:  # the client went away
            return None
        response = await self._answer(scope, int(found[1]), body) if complete else None
        if response is None:
            return await self.app(scope, _replay(body, complete, receive), send)
        headers = [(name.encode("latin1"), value.encode("latin1")) for name, value in response.items()]
        await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": response.content})

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
        if self._redis is not None:
            await self._redis.aclose()
        self._pool = self._redis = None

    async def _answer(self, scope: dict, hotline_id: int, body: bytes) -> HttpResponse | None:
        """The API's answer, or None for Django to give it."""
        if scope.get("query_string"):  # Django checks it; a message needs none
            return None
        request = ASGIRequest(scope, io.BytesIO(body))
        token = _bearer_token(request)
        fields = _fields(body) if token else None
        if not (fields and self._passes_django_middleware(request)):
            return None
        try:
            sent = await self._send(token, hotline_id, *fields)
        except PoolTimeout:  # Django's pool would be as busy: no second wait there
            return self._with_headers(request, busy_response())
        except (psycopg.OperationalError, redis.RedisError):  # as Django would be: it answers
            logger.warning("hotline messages: the database or Redis failed; Django answers", exc_info=True)
            return None
        if sent is None:
            return None
        await send_all(get_channel_layer(), sent.event, sent.stored.prevs)
        content = json.dumps(sent.answer, cls=NinjaJSONEncoder).encode()
        response = HttpResponse(content, status=201, content_type="application/json; charset=utf-8")
        return self._with_headers(request, response)

    def _passes_django_middleware(self, request: ASGIRequest) -> bool:
        """What Django's middleware would refuse or redirect before the API saw it."""
        try:
            request.get_host()
        except DisallowedHost:
            return False
        return self._security.process_request(request) is None  # None: no HTTPS redirect

    async def _send(self, token: str, hotline_id: int, text: str, client_id: str | None) -> Sent | None:
        """The message sent, or None for the full path to send or refuse. A command that
        goes on to Django is not counted against the player's rate here, as Django counts it."""
        db, counters = await self._connections()
        caller = player_tokens.known(token)
        if caller is None:  # a first request in this process
            async with db.connection() as connection:
                caller = await player_tokens.look_up(token, connection)
        if caller is None:  # unknown, or staff: Django decides
            return None
        within, counted = await count_player_command(counters, caller.player.pk)  # type: ignore[union-attr]
        sent = None
        try:
            if within:
                async with db.connection() as connection:
                    sent = await hotline_statement.send_async(connection, caller, hotline_id, text, client_id)
        except UniqueViolation:  # this client_id was used before: Django answers from its receipt
            pass
        finally:
            if sent is None:
                await give_back(counters, counted)
        return sent

    def _with_headers(self, request: ASGIRequest, response: HttpResponse) -> HttpResponse:
        """The headers Django's middleware gives an API response."""
        response["Content-Length"] = str(len(response.content))
        self._security.process_response(request, response)
        self._frames.process_response(request, response)
        return response

    async def _connections(self) -> tuple[AsyncConnectionPool, Any]:
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
                open=False,
            )
            counters = redis.asyncio.BlockingConnectionPool.from_url(
                settings.CACHES["default"]["LOCATION"], **settings.REDIS_POOL
            )
            self._redis = redis.asyncio.Redis.from_pool(counters)  # closed with the client
            await self._pool.open()
        return self._pool, self._redis


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
