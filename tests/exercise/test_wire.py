"""The news wire's scripted items: released by the inject engine at their time or on their
trigger, to exactly their teams, once, and held by a pause."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections

from exercise import exercises, hotlines, injects
from exercise.models import Event, Exercise, ExerciseMedia
from tests import builders

INJECTS = [
    {
        "key": "I1",
        "at": "5m",
        "title": "Shots fired",
        "kind": "border_tension",
        "severity": "high",
        "to": ["ARC", "BOR"],
        "body": "",
        "expect": [{"key": "E1", "each": ["ARC"], "event": "hotline.requested", "within": "10m", "points": 5}],
    },
]
MEDIA = [
    {"key": "M1", "at": "3m", "persona": "WIRE", "headline": "Shots heard near the pass", "body": "**Unconfirmed**."},
    {
        "key": "M2",
        "trigger": {"after": "I1", "delay": "2m"},
        "persona": "UNSG",
        "headline": "Secretary-General calls for restraint",
        "to": ["BOR", "CAL"],
        "body": "",
    },
    {"key": "M3", "trigger": {"met": "E1"}, "persona": "WIRE", "headline": "Capitals talk", "body": "", "to": ["ARC"]},
    {"key": "M4", "trigger": {"missed": "E1"}, "persona": "WIRE", "headline": "Silence", "body": ""},
]


@pytest.fixture
def running(facilitator):
    scenario = builders.scenario(facilitator.caller, personas=builders.PERSONAS, injects=INJECTS, media=MEDIA)
    exercise = builders.exercise(facilitator.caller, scenario)
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    return exercise


def advance(exercise: Exercise, seconds: float) -> list[Event]:
    """Move the clock on by ``seconds`` of exercise time and run the engine once."""
    exercise.refresh_from_db()
    exercise.clock_anchor -= timedelta(seconds=seconds / exercise.speed)
    exercise.save(update_fields=["clock_anchor"])
    return injects.release_due_injects(exercise_id=exercise.pk)


def wire(exercise: Exercise) -> list[Event]:
    return list(Event.objects.filter(exercise=exercise, kind="media.published").order_by("seq"))


def published(exercise: Exercise) -> list[str]:
    return [event.data["key"] for event in wire(exercise)]


@pytest.mark.django_db
def test_a_scripted_item_goes_out_at_its_time_with_its_outlet_and_words(running):
    assert advance(running, 179) == []
    (event,) = advance(running, 2)
    assert event.kind == "media.published" and event.actor == {"system": True}
    assert event.data == {
        "key": "M1",
        "persona": "WIRE",
        "persona_name": "Regional News Wire",
        "headline": "Shots heard near the pass",
        "body": "**Unconfirmed**.",
        "body_html": "<p><strong>Unconfirmed</strong>.</p>",
        "to": ["ARC", "BOR", "CAL"],
        "source": "scenario",
    }
    assert event.audience == Event.Audience.EVERYONE
    assert advance(running, 30) == []
    row = ExerciseMedia.objects.get(exercise=running, key="M1")
    assert (row.status, row.source, row.to) == ("published", "scenario", ["ARC", "BOR", "CAL"])


@pytest.mark.django_db
def test_a_triggered_item_follows_its_inject_and_reaches_only_its_teams(running):
    advance(running, 300)  # M1 at 3m, I1 at 5m
    assert published(running) == ["M1"]
    assert ExerciseMedia.objects.get(exercise=running, key="M2").due_at == pytest.approx(420, abs=1)
    advance(running, 119)
    assert published(running) == ["M1"]
    advance(running, 2)
    m2 = wire(running)[-1]
    assert (m2.data["key"], m2.data["to"], m2.audience) == ("M2", ["BOR", "CAL"], Event.Audience.TEAMS)
    assert sorted(m2.recipients.values_list("key", flat=True)) == ["BOR", "CAL"]


@pytest.mark.django_db
def test_met_and_missed_expectations_trigger_items(facilitator, running):
    advance(running, 300)
    arc = builders.player(running.teams.get(key="ARC"))
    hotlines.request_call(caller=arc.caller, exercise_id=running.pk, to="BOR")  # meets E1
    advance(running, 1)
    assert "M3" in published(running) and "M4" not in published(running)
    other = builders.exercise(facilitator.caller, running.scenario)
    exercises.change_status(caller=facilitator.caller, exercise_id=other.pk, transition="start")
    advance(other, 300)
    advance(other, 601)  # E1 missed at 15m
    assert "M4" in published(other) and "M3" not in published(other)


@pytest.mark.django_db
def test_a_pause_holds_a_due_item_until_the_clock_runs_again(facilitator, running):
    advance(running, 170)
    exercises.change_status(caller=facilitator.caller, exercise_id=running.pk, transition="pause")
    assert advance(running, 60) == []
    exercises.change_status(caller=facilitator.caller, exercise_id=running.pk, transition="resume")
    assert published(running) == []
    advance(running, 11)
    assert published(running) == ["M1"]


def race(exercise: Exercise, seconds: float, engines: int = 4) -> None:
    """Move the clock on, then let several engines release what is due at the same moment."""
    exercise.refresh_from_db()
    exercise.clock_anchor -= timedelta(seconds=seconds)
    exercise.save(update_fields=["clock_anchor"])
    start = threading.Barrier(engines)

    def engine() -> None:
        try:
            start.wait()
            injects.release_due_injects(exercise_id=exercise.pk)
        finally:
            close_old_connections()

    racers = [threading.Thread(target=engine) for _ in range(engines)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()


@pytest.mark.django_db(transaction=True)
def test_engines_racing_at_the_due_moment_publish_each_item_once(facilitator):
    scenario = builders.scenario(facilitator.caller, personas=builders.PERSONAS, injects=INJECTS, media=MEDIA)
    exercise = builders.exercise(facilitator.caller, scenario)
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    race(exercise, 6 * 60)  # M1 and I1 are due
    assert published(exercise) == ["M1"]
    race(exercise, 3 * 60)  # M2, two minutes after I1
    assert published(exercise) == ["M1", "M2"]
    assert Event.objects.filter(exercise=exercise, kind="inject.released").count() == 1
    seqs = list(Event.objects.filter(exercise=exercise).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
