"""HTTP through the ASGI application the servers run (config.asgi),
not Django's test handler: commands, refusals and errors as the contract says."""

import json

import pytest
from asgiref.testing import ApplicationCommunicator
from channels.db import database_sync_to_async

from config.asgi import application
from exercise.models import Event

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def call(
    method: str,
    path: str,
    *,
    token: str = "",
    body: object = None,
    app: object = application,
    host: bytes = b"127.0.0.1",
    chunks: int = 1,
    query: bytes = b"",
) -> tuple[int, dict, dict]:
    """One request through an ASGI app (the servers' by default), its body (bytes as
    they are, anything else as JSON) sent in ``chunks`` parts: status, headers and JSON body."""
    content = body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
    headers = [(b"host", host), (b"content-type", b"application/json")]
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "headers": [*headers, (b"content-length", str(len(content)).encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    communicator = ApplicationCommunicator(app, scope)
    size = -(-len(content) // chunks) or 1
    parts = [content[n : n + size] for n in range(0, len(content), size)] or [b""]
    for n, part in enumerate(parts):
        await communicator.send_input({"type": "http.request", "body": part, "more_body": n < len(parts) - 1})
    start = await communicator.receive_output(timeout=10)
    received = [await communicator.receive_output(timeout=10)]
    while received[-1].get("more_body"):
        received.append(await communicator.receive_output(timeout=10))
    await communicator.wait(timeout=10)
    text = b"".join(chunk.get("body", b"") for chunk in received)
    headers_out = {name.decode().lower(): value.decode() for name, value in start["headers"]}
    return start["status"], headers_out, json.loads(text) if text else {}


async def test_a_team_command_is_taken_and_logged(running_arc):
    exercise, player = running_arc["exercise"], running_arc["player"]
    status, _headers, body = await call(
        "POST", f"/api/v1/exercises/{exercise.pk}/actions", token=player.token, body={"kind": "raise_alert"}
    )
    assert status == 201, body
    event = await database_sync_to_async(Event.objects.get)(exercise=exercise, seq=body["seq"])
    assert event.kind == "action.taken"


async def test_errors_outside_the_handlers_keep_the_contracts_shape(running_arc):
    status, headers, body = await call("GET", "/api/v1/no-such-thing", token=running_arc["player"].token)
    assert status == 404
    assert headers["content-type"].startswith("application/json")
    assert body["error"]["code"] == "not_found"


async def test_a_refused_command_changes_nothing(running_arc):
    exercise = running_arc["exercise"]
    before = await database_sync_to_async(lambda: exercise.events.count())()
    status, _headers, body = await call(
        "POST", f"/api/v1/exercises/{exercise.pk}/actions", token=running_arc["player"].token, body={"kind": "launch"}
    )
    assert status == 400 and body["error"]["message"]
    assert await database_sync_to_async(lambda: exercise.events.count())() == before
