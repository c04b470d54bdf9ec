"""Socket tickets keep tokens out of URLs: a token is exchanged over an authenticated POST
for a single-use ticket, and the socket opened with the ticket streams as with the token.
Tokens still work in the URL (API.md), and are kept out of the server's logs."""

import logging

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from config.asgi import application
from exercise import exercises
from gateway.log_redaction import RedactCredentials
from tests import builders
from tests.realtime.sockets import receive_close, receive_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def started(exercise, facilitator):
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    return {"exercise": exercise, "ARC": builders.player(exercise.teams.get(key="ARC"), "Col. Amsel")}


def ticket_for(exercise_id: int, token: str | None):
    return builders.ApiClient(Client()).post(f"/api/v1/exercises/{exercise_id}/socket-tickets", token=token)


async def connect(exercise_id: int, ticket: str) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(application, f"/ws/exercises/{exercise_id}/?ticket={ticket}&after=0")
    connected, _ = await socket.connect(timeout=5)
    assert connected
    return socket


async def test_a_ticket_opens_the_socket_once(started):
    exercise = started["exercise"]
    response = await database_sync_to_async(ticket_for)(exercise.pk, started["ARC"].token)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["expires_in"] == 30 and started["ARC"].token not in body["ticket"]

    socket = await connect(exercise.pk, body["ticket"])
    [frame] = await receive_until(socket, 1)
    assert frame["kind"] == "exercise.started"
    await socket.disconnect()

    again = await connect(exercise.pk, body["ticket"])
    assert await receive_close(again) == 4401


async def test_a_ticket_serves_only_its_exercise(started, facilitator, scenario):
    other = await database_sync_to_async(lambda: builders.exercise(facilitator.caller, scenario))()
    body = (await database_sync_to_async(ticket_for)(started["exercise"].pk, facilitator.token)).json()
    socket = await connect(other.pk, body["ticket"])
    assert await receive_close(socket) == 4401


async def test_a_made_up_ticket_is_refused(started):
    socket = await connect(started["exercise"].pk, "not-a-ticket")
    assert await receive_close(socket) == 4401


async def test_a_ticket_needs_a_token_of_the_exercise(started, facilitator, scenario):
    other = await database_sync_to_async(lambda: builders.exercise(facilitator.caller, scenario))()
    assert (await database_sync_to_async(ticket_for)(started["exercise"].pk, None)).status_code == 401
    assert (await database_sync_to_async(ticket_for)(other.pk, started["ARC"].token)).status_code == 403


@pytest.mark.parametrize(
    ("logger", "message", "args"),
    [
        (
            "uvicorn.error",
            '%s - "WebSocket %s" [accepted]',
            ("127.0.0.1:5000", "/ws/exercises/1/?token=SECRET&after=4"),
        ),
        (
            "uvicorn.access",
            '%s - "%s %s HTTP/%s" %d',
            ("127.0.0.1:5000", "GET", "/ws/exercises/1/?after=4&ticket=SECRET", "1.1", 101),
        ),
    ],
)
def test_tokens_and_tickets_are_kept_out_of_the_server_logs(logger, message, args):
    record = logging.LogRecord(logger, logging.INFO, __file__, 1, message, args, None)
    assert [f for f in logging.getLogger(logger).filters if isinstance(f, RedactCredentials)]
    for log_filter in logging.getLogger(logger).filters:
        log_filter.filter(record)
    text = record.getMessage()
    assert "SECRET" not in text
    assert "=[redacted]" in text and "after=4" in text
