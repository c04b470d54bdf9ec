"""The exercise socket and staff per exercise: a staff user not assigned to the exercise is
refused as for an exercise that does not exist, by token or session (a ticket is not
issued to them: tests/api/test_staff_per_exercise.py); an assigned one streams."""

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from exercise import exercises
from tests import builders
from tests.realtime.sockets import open_socket, receive_close, receive_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def started(facilitator, exercise) -> None:
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")


def staff_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def test_an_unassigned_staff_token_is_refused_as_for_a_missing_exercise(facilitator, exercise):
    await database_sync_to_async(started)(facilitator, exercise)
    outsider = await database_sync_to_async(builders.staff)("facilitator", assigned=False)
    socket = await open_socket(exercise.pk, token=outsider.token)
    assert await receive_close(socket) == 4404
    missing = await open_socket(exercise.pk + 1000, token=outsider.token)
    assert await receive_close(missing) == 4404
    # The exercise's own observer streams it.
    observer = await database_sync_to_async(builders.staff)("observer")
    streaming = await open_socket(exercise.pk, token=observer.token)
    [frame] = await receive_until(streaming, 1)
    assert frame["kind"] == "exercise.started"
    await streaming.disconnect()


async def test_an_unassigned_staff_session_is_refused(facilitator, exercise):
    await database_sync_to_async(started)(facilitator, exercise)
    outsider = await database_sync_to_async(builders.staff)("evaluator", assigned=False)
    cookie = await database_sync_to_async(staff_cookie)(outsider.user)
    headers = [
        (b"cookie", f"sessionid={cookie}".encode()),
        (b"host", b"localhost:8000"),
        (b"origin", b"http://localhost:8000"),
    ]
    socket = await open_socket(exercise.pk, headers=headers)
    assert await receive_close(socket) == 4404
