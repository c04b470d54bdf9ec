"""A triggered inject made due is an event for staff (inject.scheduled), so the consoles
count down to it from the log as they do to a scripted one."""

import pytest

from exercise import exercises, injects
from exercise.models import Event, ExerciseInject
from tests import builders

pytestmark = pytest.mark.django_db

CHAIN = [
    {"key": "I1", "at": "1h", "title": "Shots fired", "kind": "border_tension", "severity": "high", "to": ["ARC"]},
    {
        "key": "I2",
        "trigger": {"after": "I1", "delay": "10m"},
        "title": "Casualties reported",
        "kind": "border_tension",
        "severity": "critical",
        "to": "all",
    },
]


def test_a_fired_trigger_schedules_its_inject_in_the_log(api, facilitator):
    exercise = builders.exercise(facilitator.caller, builders.scenario(facilitator.caller, injects=CHAIN))
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    player = builders.player(exercise.teams.get(key="ARC"))

    released = injects.release_now(caller=facilitator.caller, exercise_id=exercise.pk, key="I1")

    scheduled = Event.objects.get(exercise=exercise, kind="inject.scheduled")
    assert scheduled.seq == released.seq + 1
    assert scheduled.audience == Event.Audience.STAFF
    due = ExerciseInject.objects.get(exercise=exercise, key="I2").due_at
    assert due == pytest.approx(released.exercise_time + 600)
    assert scheduled.data == {
        "key": "I2",
        "title": "Casualties reported",
        "due_at": due,
        "trigger": "after",
        "ref": "I1",
        "delay": 600.0,
    }
    assert scheduled.data["key"] == "I2"
    team_log = api.get(f"/api/v1/exercises/{exercise.pk}/events?after=0", player.token).json()
    assert "inject.scheduled" not in {e["kind"] for e in team_log}
    staff_log = api.get(f"/api/v1/exercises/{exercise.pk}/events?after=0", facilitator.token).json()
    assert {e["kind"]: e["summary"] for e in staff_log}["inject.scheduled"] == (
        "Inject I2 “Casualties reported” due at 10m (after I1 + 10m)"
    )
