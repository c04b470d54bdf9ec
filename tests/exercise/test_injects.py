"""The inject engine: each inject released once when due, triggers, pause, overrides."""

from datetime import timedelta

import pytest

from exercise import exercises, injects, triggers
from exercise.errors import Invalid, InvalidState, NotAllowed, NotFound
from exercise.models import Event, Exercise, ExerciseInject
from tests import builders

pytestmark = pytest.mark.django_db

INJECTS = [
    {
        "key": "I1",
        "at": "5m",
        "title": "Shots fired",
        "kind": "border_tension",
        "severity": "high",
        "to": ["ARC", "BOR"],
        "body": "**Two** patrols exchanged fire.",
        "expect": [{"key": "E1", "each": ["ARC", "BOR"], "event": "hotline.requested", "within": "15m", "points": 10}],
    },
    {
        "key": "I2",
        "trigger": {"after": "I1", "delay": "10m"},
        "title": "Casualties reported",
        "kind": "media",
        "severity": "critical",
        "to": "all",
        "body": "Footage circulates.",
    },
    {
        "key": "I3",
        "trigger": {"after": "I2"},
        "title": "Ministers call",
        "kind": "other",
        "severity": "low",
        "to": ["CAL"],
        "body": "",
    },
    {
        "key": "I4",
        "trigger": {"missed": "E1", "delay": "5m"},
        "title": "Second exchange",
        "kind": "border_tension",
        "severity": "critical",
        "to": "all",
        "body": "",
    },
    {"key": "I5", "at": "1h", "title": "Later", "kind": "other", "severity": "low", "to": "all", "body": ""},
]


@pytest.fixture
def running(facilitator):
    scenario = builders.scenario(facilitator.caller, injects=INJECTS)
    exercise = builders.exercise(facilitator.caller, scenario)
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    return exercise


def advance(exercise: Exercise, seconds: float) -> None:
    """Move a running exercise's clock on by ``seconds`` of exercise time, without waiting."""
    exercise.refresh_from_db()
    exercise.clock_anchor -= timedelta(seconds=seconds / exercise.speed)
    exercise.save(update_fields=["clock_anchor"])


def status(exercise: Exercise) -> dict[str, str]:
    return dict(ExerciseInject.objects.filter(exercise=exercise).values_list("key", "status"))


def released_keys(exercise: Exercise) -> list[str]:
    return [e.data["key"] for e in Event.objects.filter(exercise=exercise, kind="inject.released").order_by("seq")]


def test_nothing_is_released_before_it_is_due(running):
    advance(running, 299)
    assert injects.release_due_injects(exercise_id=running.pk) == []
    assert status(running)["I1"] == "pending"


def test_a_due_inject_is_released_once_with_its_content(running):
    advance(running, 301)
    [event] = injects.release_due_injects(exercise_id=running.pk)
    assert injects.release_due_injects(exercise_id=running.pk) == []
    assert event.kind == "inject.released"
    assert event.data["key"] == "I1"
    assert event.data["to"] == ["ARC", "BOR"]
    assert event.data["body_html"] == "<p><strong>Two</strong> patrols exchanged fire.</p>"
    assert event.exercise_time >= 300
    assert event.audience == Event.Audience.TEAMS
    assert sorted(t.key for t in event.recipients.all()) == ["ARC", "BOR"]
    assert status(running)["I1"] == "released"


def test_after_triggers_chain_from_the_release_time(running):
    advance(running, 301)
    injects.release_due_injects(exercise_id=running.pk)
    i2 = ExerciseInject.objects.get(exercise=running, key="I2")
    released_at = Event.objects.get(exercise=running, kind="inject.released").exercise_time
    assert i2.due_at == pytest.approx(released_at + 600)
    advance(running, 590)
    assert injects.release_due_injects(exercise_id=running.pk) == []
    advance(running, 15)
    # I3 waits on I2 with no delay: it goes out in the same pass.
    assert [e.data["key"] for e in injects.release_due_injects(exercise_id=running.pk)] == ["I2", "I3"]
    assert status(running)["I4"] == "pending"


def test_pausing_holds_every_due_inject(running, facilitator):
    advance(running, 200)
    exercises.change_status(caller=facilitator.caller, exercise_id=running.pk, transition="pause")
    paused = Exercise.objects.get(pk=running.pk)
    paused.clock_anchor -= timedelta(hours=2)  # wall time passing while paused changes nothing
    paused.save()
    assert injects.release_due_injects(exercise_id=running.pk) == []
    exercises.change_status(caller=facilitator.caller, exercise_id=running.pk, transition="resume")
    advance(running, 99)
    assert injects.release_due_injects(exercise_id=running.pk) == []
    advance(running, 2)
    injects.release_due_injects(exercise_id=running.pk)
    assert released_keys(running) == ["I1"]


def test_met_and_missed_triggers_plug_into_the_same_schedule(running):
    assert triggers.schedule_triggered(exercise=running, trigger="missed", ref="E1", at=1200) == 1
    assert ExerciseInject.objects.get(exercise=running, key="I4").due_at == 1500
    assert triggers.schedule_triggered(exercise=running, trigger="met", ref="E1", at=1200) == 0


def test_release_now_goes_out_at_once_and_only_once(running, facilitator):
    event = injects.release_now(caller=facilitator.caller, exercise_id=running.pk, key="I5")
    assert event.data["key"] == "I5"
    assert event.actor["role"] == "facilitator"
    with pytest.raises(InvalidState):
        injects.release_now(caller=facilitator.caller, exercise_id=running.pk, key="I5")
    advance(running, 4000)
    assert "I5" not in [e.data["key"] for e in injects.release_due_injects(exercise_id=running.pk)]
    assert released_keys(running).count("I5") == 1


def test_a_skipped_inject_never_goes_out(running, facilitator):
    event = injects.skip(caller=facilitator.caller, exercise_id=running.pk, key="I1", reason="Covered by I5")
    assert event.audience == Event.Audience.STAFF
    assert event.data["reason"] == "Covered by I5"
    advance(running, 400)
    assert injects.release_due_injects(exercise_id=running.pk) == []
    with pytest.raises(InvalidState):
        injects.release_now(caller=facilitator.caller, exercise_id=running.pk, key="I1")
    with pytest.raises(InvalidState):
        injects.skip(caller=facilitator.caller, exercise_id=running.pk, key="I1", reason="again")


@pytest.mark.parametrize("reason", ["", "   "])
def test_skipping_needs_a_reason(running, facilitator, reason):
    with pytest.raises(Invalid):
        injects.skip(caller=facilitator.caller, exercise_id=running.pk, key="I1", reason=reason)


def test_overrides_need_a_live_exercise_and_a_known_inject(facilitator, exercise):
    with pytest.raises(InvalidState):
        injects.release_now(caller=facilitator.caller, exercise_id=exercise.pk, key="I1")
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    with pytest.raises(NotFound):
        injects.release_now(caller=facilitator.caller, exercise_id=exercise.pk, key="NOPE")


@pytest.mark.parametrize("role", ["observer", "evaluator"])
def test_only_facilitators_override(running, role):
    caller = builders.staff(role).caller
    with pytest.raises(NotAllowed):
        injects.release_now(caller=caller, exercise_id=running.pk, key="I5")
    with pytest.raises(NotAllowed):
        injects.skip(caller=caller, exercise_id=running.pk, key="I5", reason="no")


def test_ad_hoc_injects_get_fresh_keys_and_go_to_their_teams(running, facilitator):
    first = injects.send_adhoc(
        caller=facilitator.caller,
        exercise_id=running.pk,
        title="Cyber outage",
        body="",
        kind="cyber",
        severity="medium",
        to=["CAL"],
    )
    second = injects.send_adhoc(
        caller=facilitator.caller,
        exercise_id=running.pk,
        title="Press conference",
        body="",
        kind="media",
        severity="low",
        to="all",
    )
    assert (first.data["key"], second.data["key"]) == ("X1", "X2")
    assert [t.key for t in first.recipients.all()] == ["CAL"]
    assert second.audience == Event.Audience.EVERYONE
    assert status(running)["X1"] == "released"


def test_ad_hoc_inject_problems_are_listed(running, facilitator):
    with pytest.raises(Invalid) as caught:
        injects.send_adhoc(
            caller=facilitator.caller,
            exercise_id=running.pk,
            title="",
            body="",
            kind="weather",
            severity="dire",
            to=["ARC", "ZZZ"],
        )
    assert {p["path"] for p in caught.value.details} == {"title", "kind", "severity", "to[1]"}
    assert not ExerciseInject.objects.filter(exercise=running, inject__isnull=True).exists()
