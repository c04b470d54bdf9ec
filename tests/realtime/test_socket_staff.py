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
    socket = await open_socket(exercise.pk, headers=session_headers(cookie))
    assert await receive_close(socket) == 4404


def session_headers(cookie: str) -> list[tuple[bytes, bytes]]:
    return [
        (b"cookie", f"sessionid={cookie}".encode()),
        (b"host", b"localhost:8000"),
        (b"origin", b"http://localhost:8000"),
    ]


async def test_an_assigned_staff_session_streams(facilitator, exercise):
    await database_sync_to_async(started)(facilitator, exercise)
    evaluator = await database_sync_to_async(builders.staff)("evaluator")
    cookie = await database_sync_to_async(staff_cookie)(evaluator.user)
    socket = await open_socket(exercise.pk, headers=session_headers(cookie))
    [frame] = await receive_until(socket, 1)
    assert frame["kind"] == "exercise.started"
    await socket.disconnect()


async def test_a_session_whose_password_changed_since_is_refused(facilitator, exercise):
    """The session's user is read as Django reads a request's: a session made before the
    password changed no longer vouches for anyone."""
    await database_sync_to_async(started)(facilitator, exercise)
    evaluator = await database_sync_to_async(builders.staff)("evaluator")
    cookie = await database_sync_to_async(staff_cookie)(evaluator.user)

    def change_password() -> None:
        evaluator.user.set_password("a-new-password-for-this-test")
        evaluator.user.save()

    await database_sync_to_async(change_password)()
    socket = await open_socket(exercise.pk, headers=session_headers(cookie))
    assert await receive_close(socket) == 4401
