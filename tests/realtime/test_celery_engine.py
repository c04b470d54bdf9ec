"""The inject engine under real Celery: worker and beat processes over Redis and PostgreSQL.

Each inject goes out exactly once and never early, whatever the number of workers racing
for it, a worker killed mid-exercise, a pause across its due time, a change of speed or a
facilitator acting on it at the same moment.
"""

import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from exercise import exercises, injects
from exercise.errors import InvalidState
from exercise.models import Event, ExerciseInject
from exercise.tasks import release_due
from tests.engine import (
    SYSTEM,
    assert_each_released_once,
    assert_log_gap_free,
    assert_never_early,
    assert_no_task_failures,
    assert_triggers_followed,
    expecting_a_hotline,
    inject,
    keys,
    pending,
    released,
    released_events,
    running_exercise,
    transition,
    wait_all_released,
)
from tests.processes import wait_ready, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


@pytest.fixture
def send_release_due(broker_url: str) -> Iterator[Callable[[int, int], None]]:
    """Queue ``count`` release_due tasks on the workers' broker, as fast as one connection goes."""
    with celery_app.connection_for_write(broker_url) as conn:

        def send(exercise_id: int, count: int) -> None:
            for _ in range(count):
                release_due.apply_async((exercise_id,), connection=conn)

        yield send


# --- Tests -------------------------------------------------------------------------------

RACE_INJECTS = [
    expecting_a_hotline(inject("A1", at="1s"), "E1", within="1s"),
    inject("A2", at="1s"),
    inject("A3", at="1.5s"),
    inject("A4", at="2s"),
    inject("A5", at="2.5s"),
    inject("A6", at="3s"),
    inject("A7", at="4s"),
    inject("T1", after="A1", delay="1s"),
    inject("T2", after="T1"),
    inject("T3", after="A6", delay="1.5s"),
    inject("M1", missed="E1", delay="0.5s"),
]


def test_two_workers_racing_release_each_inject_once(facilitator, start_worker, start_beat, send_release_due):
    workers, beat = [start_worker("w1"), start_worker("w2")], start_beat()
    wait_ready(*workers, beat)
    exercise = running_exercise(facilitator, RACE_INJECTS)
    fired = 0
    last_burst = 0.0

    def race() -> None:
        # Every quarter second twenty more claims on the exercise, on top of beat's ticks
        # and the ETA messages they queue, for eight worker threads to fight over.
        nonlocal fired, last_burst
        if time.monotonic() - last_burst >= 0.25:
            send_release_due(exercise.pk, 20)
            fired += 20
            last_burst = time.monotonic()

    wait_all_released(exercise, timeout=30, while_waiting=race)
    send_release_due(exercise.pk, 50)
    fired += 50

    def ran_everything_fired() -> bool:
        return sum(worker.succeeded("exercise.tasks.release_due") for worker in workers) >= fired

    wait_until(ran_everything_fired, 30, lambda: f"the workers ran fewer than the {fired} release_due fired")
    assert all(worker.succeeded("exercise.tasks.release_due") > 0 for worker in workers), "a worker sat idle"
    assert any(worker.succeeded("exercise.tasks.tick") > 0 for worker in workers), "beat's ticks never ran"
    events = assert_each_released_once(exercise, keys(RACE_INJECTS))
    assert all(event.actor == SYSTEM for event in events)
    # Nobody asked for a hotline: each team misses E1 once, however many workers saw the deadline.
    missed = Event.objects.filter(exercise=exercise, kind="expectation.missed")
    assert sorted(event.data["team"] for event in missed) == ["ARC", "BOR"]
    deadline = released(exercise, "A1").exercise_time + 1.0
    assert [event.data["deadline"] for event in missed] == pytest.approx([deadline, deadline])
    assert all(event.exercise_time > deadline for event in missed), "decided missed before the deadline"
    assert_triggers_followed(exercise, RACE_INJECTS)
    assert_never_early(exercise, RACE_INJECTS, events)
    assert_no_task_failures(*workers, beat)


RESTART_INJECTS = [
    inject("R1", at="1s"),
    inject("R2", at="2s"),
    inject("R3", at="3s"),
    inject("R4", at="4s"),
    inject("R5", at="5s"),
    inject("R6", at="6s"),
    inject("R7", at="7s"),
    inject("R8", at="8s"),
    inject("T1", after="R3", delay="4s"),
]


def test_worker_killed_mid_exercise_loses_nothing_and_doubles_nothing(facilitator, start_worker, start_beat):
    first, beat = start_worker("w1"), start_beat()
    wait_ready(first, beat)
    exercise = running_exercise(facilitator, RESTART_INJECTS)
    wait_until(lambda: len(released_events(exercise)) >= 3, 15, "the first three injects never went out")
    first.kill()
    assert first.popen.returncode == -signal.SIGKILL
    out_before_restart = set(keys(RESTART_INJECTS)) - pending(exercise)
    time.sleep(2)
    assert pending(exercise), "the outage should leave injects for the next worker"
    second = start_worker("w2")
    wait_ready(second)
    wait_all_released(exercise, timeout=20)
    time.sleep(1.2)  # another tick or two, in which nothing may go out twice
    events = assert_each_released_once(exercise, keys(RESTART_INJECTS))
    assert all(event.actor == SYSTEM for event in events)
    assert set(keys(RESTART_INJECTS)) - out_before_restart, "the second worker released nothing"
    assert_triggers_followed(exercise, RESTART_INJECTS)
    assert_never_early(exercise, RESTART_INJECTS, events)
    assert_no_task_failures(second, beat)


PAUSE_INJECTS = [inject("P1", at="1s"), inject("P2", at="2s")]


def test_pause_holds_a_due_inject_until_resume(facilitator, start_worker, start_beat):
    worker, beat = start_worker("w1"), start_beat()
    wait_ready(worker, beat)
    exercise = running_exercise(facilitator, PAUSE_INJECTS)
    wait_until(lambda: "P1" not in pending(exercise), 10, "P1 never went out")
    paused = transition(facilitator, exercise, "pause")
    assert paused.clock_base < 2.0, "paused too late to test the hold"
    ticks_before = worker.succeeded("exercise.tasks.tick")
    time.sleep(2.0 - paused.clock_base + 1.2)  # well past P2's due time, had the clock run on

    def ticked_twice() -> bool:
        return worker.succeeded("exercise.tasks.tick") >= ticks_before + 2

    wait_until(ticked_twice, 5, "the engine was not ticking in the pause")
    assert pending(exercise) == {"P2"}
    assert [event.data["key"] for event in released_events(exercise)] == ["P1"]

    transition(facilitator, exercise, "resume")
    wait_all_released(exercise, timeout=10)
    time.sleep(1.2)  # another tick or two, in which nothing may go out twice
    events = assert_each_released_once(exercise, keys(PAUSE_INJECTS))
    p2 = released(exercise, "P2")
    assert p2.exercise_time >= 2.0
    assert p2.seq > Event.objects.get(exercise=exercise, kind="exercise.resumed").seq
    assert_never_early(exercise, PAUSE_INJECTS, events)
    assert_no_task_failures(worker, beat)


SPEED_INJECTS = [inject("V1", at="1s"), inject("V2", at="20s"), inject("V3", at="40s"), inject("V4", at="60s")]


def test_speed_changes_move_releases_and_stale_messages_release_nothing_early(facilitator, start_worker, start_beat):
    worker, beat = start_worker("w1"), start_beat()
    wait_ready(worker, beat)
    exercise = running_exercise(facilitator, SPEED_INJECTS)
    wait_until(lambda: "V1" not in pending(exercise), 10, "V1 never went out")
    # Twenty times faster, V2 and V3 are a second or two away rather than 19 and 39.
    exercises.set_speed(caller=facilitator.caller, exercise_id=exercise.pk, speed=20)
    wait_until(lambda: "V3" not in pending(exercise), 10, "speeding up did not bring V3 forward")
    # At 20x the ticks have already queued V4's release for a second from now; at 10x it
    # is two seconds away, and that message must find nothing due.
    exercises.set_speed(caller=facilitator.caller, exercise_id=exercise.pk, speed=10)
    wait_all_released(exercise, timeout=10)
    time.sleep(1.2)  # another tick or two, in which nothing may go out twice
    events = assert_each_released_once(exercise, keys(SPEED_INJECTS))
    faster, slower = Event.objects.filter(exercise=exercise, kind="exercise.speed_changed").order_by("seq")
    assert faster.seq < released(exercise, "V2").seq < released(exercise, "V3").seq < slower.seq
    assert released(exercise, "V4").seq > slower.seq, "V4 went out on the 20x schedule"
    assert_never_early(exercise, SPEED_INJECTS, events)
    assert_no_task_failures(worker, beat)


OVERRIDE_INJECTS = [
    inject("F1", at="2s"),
    inject("F2", at="2s"),
    inject("F3", at="2s"),
    inject("F4", at="2s"),
    inject("F5", at="2s"),
    inject("G1", after="F1"),
]


def test_facilitator_overrides_at_the_due_moment_agree_with_the_engine(facilitator, start_worker, start_beat):
    worker, beat = start_worker("w1"), start_beat()
    wait_ready(worker, beat)
    exercise = running_exercise(facilitator, OVERRIDE_INJECTS)
    caller, exercise_id = facilitator.caller, exercise.pk
    # Act in the last few milliseconds before the worker's ETA message for 2s arrives.
    due = exercise.started_at + timedelta(seconds=2)
    time.sleep(max(0.0, (due - timezone.now()).total_seconds() - 0.01))
    won: dict[str, bool] = {}
    for key in ("F1", "F2", "F4"):
        try:
            injects.release_now(caller=caller, exercise_id=exercise_id, key=key)
            won[key] = True
        except InvalidState:
            won[key] = False
    try:
        injects.skip(caller=caller, exercise_id=exercise_id, key="F3", reason="Overtaken by events")
        won["F3"] = True
    except InvalidState:
        won["F3"] = False
    adhoc = injects.send_adhoc(
        caller=caller, exercise_id=exercise_id, title="Flash", body="Now.", kind="other", severity="low", to="all"
    )
    wait_all_released(exercise, timeout=10)
    time.sleep(1.2)  # another tick or two, in which nothing may go out twice
    print(f"\nthe facilitator won {sorted(k for k, v in won.items() if v)}, the engine the rest")

    skipped = ["F3"] if won["F3"] else []
    expected = [key for key in keys(OVERRIDE_INJECTS) if key not in skipped] + [adhoc.data["key"]]
    events = released_events(exercise)
    assert Counter(event.data["key"] for event in events) == Counter(expected)
    statuses = dict(ExerciseInject.objects.filter(exercise=exercise).values_list("key", "status"))
    assert statuses == {key: "skipped" if key in skipped else "released" for key in [*expected, *skipped]}
    assert Event.objects.filter(exercise=exercise, kind="inject.skipped").count() == len(skipped)
    for key, facilitator_won in won.items():
        if key != "F3":
            actor = released(exercise, key).actor
            assert (actor != SYSTEM) == facilitator_won, f"{key}: the log disagrees with what release_now said"
    assert released(exercise, adhoc.data["key"]).actor != SYSTEM
    assert_log_gap_free(exercise)
    assert_never_early(exercise, OVERRIDE_INJECTS, [event for event in events if event.actor == SYSTEM])
    assert_no_task_failures(worker, beat)
