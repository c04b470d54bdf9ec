"""A command repeated with its client_id answers exactly as it did the first time."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections
from django.test import Client

from exercise import exercises
from exercise.models import Hotline
from tests import builders

pytestmark = pytest.mark.django_db


def test_a_later_repeat_returns_the_first_answer_even_after_the_object_changed(api, facilitator, exercise):
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    arc = builders.player(exercise.teams.get(key="ARC"))
    bor = builders.player(exercise.teams.get(key="BOR"))
    path = f"/api/v1/exercises/{exercise.pk}/hotlines"
    first = api.post(path, {"to": "BOR", "client_id": "call-1"}, token=arc.token)
    assert api.post(f"/api/v1/hotlines/{first.json()['id']}/accept", token=bor.token).json()["status"] == "open"
    again = api.post(path, {"to": "BOR", "client_id": "call-1"}, token=arc.token)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.json()["status"] == "requested"
    assert Hotline.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_racing_repeats_all_get_the_first_answer(facilitator, exercise):
    """The same call sent twenty times at once (a client retrying over a bad link): one
    hotline, and every answer is the first one, not a 409 for the line it opened."""
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    arc = builders.player(exercise.teams.get(key="ARC"))
    path = f"/api/v1/exercises/{exercise.pk}/hotlines"
    start = threading.Barrier(20)

    def call(_number: int) -> tuple[int, dict]:
        try:
            start.wait()
            response = builders.ApiClient(Client()).post(path, {"to": "BOR", "client_id": "race"}, token=arc.token)
            return response.status_code, response.json()
        finally:
            close_old_connections()

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(call, range(20)))
    assert {status for status, _body in answers} == {201}
    assert len({json.dumps(body, sort_keys=True) for _status, body in answers}) == 1
    assert Hotline.objects.count() == 1
