"""Restraint expectations under real Celery (worker and beat over Redis and PostgreSQL):
met within a second of their deadline at speed 120, missed at the forbidden act, their
triggers followed, a pause moving the deadline, and the recompute agreeing with all of it."""

import time
from typing import Any

import pytest

from exercise import actions, clock
from exercise.models import Event, ExerciseInject
from tests import builders
from tests.engine import assert_log_gap_free, assert_no_task_failures, inject, running_exercise, transition
from tests.exercise.test_expectations import assert_replay_agrees
from tests.processes import wait_ready, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

SPEED = 120  # two exercise minutes a wall second
# The contract: decided within a second of its deadline, in exercise seconds at SPEED.
A_SECOND = SPEED * 1.0


def restrained(key: str, restraint: str, mode: str, action: str, within: str) -> dict[str, Any]:
    """An inject at 2m forbidding ARC and BOR to take ``action`` for ``within``: each, or the group."""
    expect = {"key": restraint, mode: ["ARC", "BOR"], "none": "action.taken", "where": {"kind": action}}
    return {**inject(key, at="2m"), "to": ["ARC", "BOR"], "expect": [{**expect, "within": within, "points": 5}]}


def when_met(key: str, ref: str) -> dict[str, Any]:
    item = inject(key, missed=ref)
    return {**item, "trigger": {"met": ref}}


def decisions(exercise, key: str) -> list[Event]:
    kinds = Event.objects.filter(exercise=exercise, kind__startswith="expectation.", data__expectation=key)
    return list(kinds.order_by("seq"))


def on_time(decision: Event) -> bool:
    """Decided after its deadline, and within a second of it."""
    return 0 < decision.exercise_time - decision.data["deadline"] <= A_SECOND


def released(exercise, key: str) -> bool:
    return ExerciseInject.objects.get(exercise=exercise, key=key).status == "released"


SCRIPTED = [
    restrained("E1", "R1", "each", "deploy_forces", "2m"),
    restrained("E2", "R2", "any", "raise_alert", "4m"),
    inject("K1", missed="R1"),
    when_met("K2", "R2"),
]


def test_restraints_are_decided_on_time_at_speed_120(facilitator, start_worker, start_beat):
    worker, beat = start_worker("w1"), start_beat()
    wait_ready(worker, beat)
    exercise = running_exercise(facilitator, SCRIPTED, speed=SPEED)
    bor = builders.player(exercise.teams.get(key="BOR"), "Officer of BOR")
    wait_until(lambda: released(exercise, "E1") and released(exercise, "E2"), 10, "E1 and E2 never went out")

    broke = actions.take(caller=bor.caller, exercise_id=exercise.pk, kind="deploy_forces").seq
    [missed] = decisions(exercise, "R1")  # decided in the act's own transaction
    assert (missed.kind, missed.data["team"], missed.data["decided_by"]) == ("expectation.missed", "BOR", broke)
    wait_until(lambda: released(exercise, "K1"), 5, "{missed: R1} never released K1")

    wait_until(lambda: len(decisions(exercise, "R1")) == 2, 10, "R1 was never met for ARC")
    met = decisions(exercise, "R1")[1]
    assert (met.kind, met.data["team"], met.data["decided_by"]) == ("expectation.met", "ARC", None)
    assert on_time(met), (met.exercise_time, met.data["deadline"])

    # Nobody raised the alert: the group kept R2, met once and on time, and K2 follows it.
    wait_until(lambda: released(exercise, "K2"), 10, "{met: R2} never released K2")
    [kept] = decisions(exercise, "R2")
    assert (kept.kind, kept.data["team"], kept.data["teams"]) == ("expectation.met", None, ["ARC", "BOR"])
    assert on_time(kept), (kept.exercise_time, kept.data["deadline"])
    assert_log_gap_free(exercise)
    assert_replay_agrees(exercise)
    assert_no_task_failures(worker, beat)


def test_a_pause_in_the_window_moves_the_deadline(facilitator, start_worker, start_beat):
    worker, beat = start_worker("w1"), start_beat()
    wait_ready(worker, beat)
    exercise = running_exercise(facilitator, [restrained("E1", "R1", "each", "deploy_forces", "4m")], speed=SPEED)
    wait_until(lambda: released(exercise, "E1"), 10, "E1 never went out")
    time.sleep(0.5)
    transition(facilitator, exercise, "pause")
    time.sleep(2.5)  # past the window's end in wall time, had the clock run on
    assert decisions(exercise, "R1") == [], "decided while the clock stood"
    resumed = transition(facilitator, exercise, "resume")
    assert (
        clock.exercise_time(resumed) < Event.objects.get(exercise=exercise, kind="inject.released").exercise_time + 240
    )
    wait_until(lambda: len(decisions(exercise, "R1")) == 2, 10, "R1 was never met")
    resumed_at = Event.objects.get(exercise=exercise, kind="exercise.resumed").at
    for met in decisions(exercise, "R1"):
        assert met.kind == "expectation.met" and met.at > resumed_at
        assert on_time(met), (met.exercise_time, met.data["deadline"])
    assert_replay_agrees(exercise)
    assert_no_task_failures(worker, beat)
