"""A command repeated with its client_id answers exactly as it did the first time."""

import pytest

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
