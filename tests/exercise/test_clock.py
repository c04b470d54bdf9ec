"""The exercise clock, driven through the services, and gap-free seq under concurrent appends."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction

from exercise import clock, events, exercises
from exercise.event_data import NoteData
from exercise.models import Event, Exercise

# The services read the wall clock themselves; a few milliseconds pass between a call and
# our reading of it, so times measured across a service call are compared with this slack.
SLACK = 0.5


def drive(facilitator, exercise: Exercise, *transitions: str) -> Exercise:
    for transition in transitions:
        exercise = exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition=transition)
    return exercise


def run_for(exercise: Exercise, seconds: float) -> Exercise:
    """As if the exercise had been running for `seconds` more of wall time: moves its anchor back."""
    assert exercise.status == Exercise.Status.RUNNING
    Exercise.objects.filter(pk=exercise.pk).update(clock_anchor=exercise.clock_anchor - timedelta(seconds=seconds))
    return Exercise.objects.get(pk=exercise.pk)


def set_speed(facilitator, exercise: Exercise, speed: float) -> Exercise:
    return exercises.set_speed(caller=facilitator.caller, exercise_id=exercise.pk, speed=speed)


def test_a_draft_stays_at_zero(exercise):
    assert exercise.status == "draft"
    assert clock.exercise_time(exercise) == 0
    assert clock.exercise_time(exercise, at=clock.now() + timedelta(hours=5)) == 0


def test_a_draft_with_its_speed_changed_stays_at_zero(facilitator, exercise):
    exercise = set_speed(facilitator, exercise, 60)

    assert clock.exercise_time(exercise, at=clock.now() + timedelta(hours=1)) == 0
    started = drive(facilitator, exercise, "start")
    assert started.clock_base == 0
    assert clock.exercise_time(started, at=started.clock_anchor + timedelta(seconds=2)) == pytest.approx(120)


@pytest.mark.parametrize("speed", [0.1, 1, 2.5, 60, 120])
def test_running_advances_at_speed(facilitator, scenario, speed):
    exercise = exercises.create_exercise(caller=facilitator.caller, scenario=scenario, name="Run", speed=speed)
    exercise = drive(facilitator, exercise, "start")
    anchor = exercise.clock_anchor

    assert exercise.clock_base == 0
    assert exercise.started_at == anchor
    assert clock.exercise_time(exercise, at=anchor) == 0
    assert clock.exercise_time(exercise, at=anchor + timedelta(seconds=10)) == pytest.approx(10 * speed)
    assert clock.exercise_time(exercise, at=anchor + timedelta(minutes=30)) == pytest.approx(1800 * speed)


def test_running_reads_the_wall_clock_by_default(facilitator, exercise):
    exercise = drive(facilitator, exercise, "start")
    before = clock.exercise_time(exercise)

    later = clock.exercise_time(exercise)

    assert 0 <= before <= later < SLACK


def test_time_before_the_anchor_does_not_run_backwards(facilitator, exercise):
    exercise = drive(facilitator, exercise, "start")

    assert clock.exercise_time(exercise, at=exercise.clock_anchor - timedelta(seconds=30)) == 0


def test_pause_holds_the_time_reached(facilitator, exercise):
    exercise = run_for(drive(facilitator, exercise, "start"), 100)

    paused = drive(facilitator, exercise, "pause")

    assert paused.status == "paused"
    assert paused.clock_base == pytest.approx(100, abs=SLACK)
    assert clock.exercise_time(paused) == paused.clock_base
    assert clock.exercise_time(paused, at=clock.now() + timedelta(hours=3)) == paused.clock_base


def test_resume_continues_from_where_it_paused(facilitator, exercise):
    paused = drive(facilitator, run_for(drive(facilitator, exercise, "start"), 100), "pause")

    resumed = drive(facilitator, paused, "resume")

    assert resumed.status == "running"
    assert resumed.clock_base == paused.clock_base
    assert resumed.clock_anchor > paused.clock_anchor
    assert clock.exercise_time(resumed, at=resumed.clock_anchor) == paused.clock_base
    at = resumed.clock_anchor + timedelta(seconds=20)
    assert clock.exercise_time(resumed, at=at) == pytest.approx(paused.clock_base + 20)


def test_time_spent_paused_does_not_count(facilitator, exercise):
    paused = drive(facilitator, run_for(drive(facilitator, exercise, "start"), 60), "pause")
    # an hour passes on the wall while paused
    Exercise.objects.filter(pk=paused.pk).update(clock_anchor=paused.clock_anchor - timedelta(hours=1))

    resumed = drive(facilitator, Exercise.objects.get(pk=paused.pk), "resume")

    assert clock.exercise_time(resumed) == pytest.approx(60, abs=SLACK)


def test_a_speed_change_keeps_the_time_reached_and_changes_the_rate(facilitator, exercise):
    running = run_for(drive(facilitator, exercise, "start"), 100)

    faster = set_speed(facilitator, running, 10)

    assert faster.speed == 10
    assert faster.clock_base == pytest.approx(100, abs=SLACK)
    assert clock.exercise_time(faster, at=faster.clock_anchor) == faster.clock_base
    at = faster.clock_anchor + timedelta(seconds=30)
    assert clock.exercise_time(faster, at=at) == pytest.approx(faster.clock_base + 300)

    slower = set_speed(facilitator, run_for(faster, 30), 0.5)

    assert slower.clock_base == pytest.approx(faster.clock_base + 300, abs=10 * SLACK)
    at = slower.clock_anchor + timedelta(seconds=30)
    assert clock.exercise_time(slower, at=at) == pytest.approx(slower.clock_base + 15)


def test_a_speed_change_while_paused_applies_after_resume(facilitator, exercise):
    paused = drive(facilitator, run_for(drive(facilitator, exercise, "start"), 40), "pause")

    changed = set_speed(facilitator, paused, 4)

    assert changed.clock_base == paused.clock_base
    assert clock.exercise_time(changed, at=clock.now() + timedelta(minutes=5)) == paused.clock_base
    resumed = drive(facilitator, changed, "resume")
    at = resumed.clock_anchor + timedelta(seconds=10)
    assert clock.exercise_time(resumed, at=at) == pytest.approx(paused.clock_base + 40)


def test_end_freezes_the_time(facilitator, exercise):
    running = run_for(drive(facilitator, exercise, "start"), 250)

    ended = drive(facilitator, running, "end")

    assert ended.status == "ended"
    assert ended.ended_at == ended.clock_anchor
    assert ended.clock_base == pytest.approx(250, abs=SLACK)
    assert clock.exercise_time(ended, at=clock.now() + timedelta(days=1)) == ended.clock_base


@pytest.mark.parametrize(
    "steps",
    [("start",), ("start", "pause"), ("start", "pause", "resume"), ("start", "end")],
    ids=["running", "paused", "resumed", "ended"],
)
def test_the_clock_survives_a_reload(facilitator, exercise, steps):
    exercise = drive(facilitator, exercise, "start")
    exercise = drive(facilitator, run_for(exercise, 90), *steps[1:])
    exercise = set_speed(facilitator, exercise, 3) if exercise.status != "ended" else exercise
    at = clock.now() + timedelta(seconds=45)

    reloaded = Exercise.objects.get(pk=exercise.pk)

    assert (reloaded.status, reloaded.speed) == (exercise.status, exercise.speed)
    assert clock.exercise_time(reloaded, at=at) == pytest.approx(clock.exercise_time(exercise, at=at))
    assert clock.exercise_time(reloaded, at=at) >= 90 - SLACK


def test_events_carry_the_exercise_time_they_happened_at(facilitator, exercise):
    exercise = drive(facilitator, run_for(drive(facilitator, exercise, "start"), 120), "pause")

    paused = Event.objects.get(exercise=exercise, kind="exercise.paused")

    assert paused.exercise_time == exercise.clock_base
    assert Event.objects.get(exercise=exercise, kind="exercise.started").exercise_time == pytest.approx(0, abs=SLACK)


NOTE = NoteData(text="Good coordination at the border post.", team=None, author="Evaluator")


@pytest.mark.django_db(transaction=True)
def test_append_refuses_to_run_outside_a_transaction(exercise):
    with pytest.raises(RuntimeError):
        events.append(exercise=exercise, kind="note.added", actor=None, data=NOTE, audience=Event.Audience.STAFF)
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_append_refuses_data_that_does_not_fit_its_kind(exercise):
    with transaction.atomic():
        with pytest.raises(TypeError, match=r"note\.added takes NoteData"):
            events.append(exercise=exercise, kind="note.added", actor=None, data={}, audience=Event.Audience.STAFF)
        with pytest.raises(ValueError, match=r"note\.added is for staff"):
            events.append(exercise=exercise, kind="note.added", actor=None, data=NOTE, audience=Event.Audience.EVERYONE)
    assert not Event.objects.filter(exercise=exercise).exists()


def test_append_refuses_an_unknown_kind(exercise):
    with transaction.atomic(), pytest.raises(ValueError):
        events.append(exercise=exercise, kind="exercise.exploded", actor=None, data={}, audience=Event.Audience.STAFF)
    assert not Event.objects.exists()


THREADS = 8
APPENDS_EACH = 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_give_gap_free_seq(exercise):
    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            mine = Exercise.objects.get(pk=exercise.pk)
            start.wait(timeout=30)
            for index in range(APPENDS_EACH):
                with transaction.atomic():
                    events.append(
                        exercise=mine,
                        kind="note.added",
                        actor=None,
                        data=NoteData(text=str(index), team=None, author=f"writer {number}"),
                        audience=Event.Audience.STAFF,
                    )
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(t.is_alive() for t in threads)
    assert failures == []
    total = THREADS * APPENDS_EACH
    seqs = list(Event.objects.filter(exercise=exercise).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, total + 1))
    assert Exercise.objects.get(pk=exercise.pk).last_seq == total
    # every writer's appends all landed, in the order it made them
    for number in range(THREADS):
        written = Event.objects.filter(exercise=exercise, data__author=f"writer {number}").order_by("seq")
        assert [int(e.data["text"]) for e in written] == list(range(APPENDS_EACH))
    # and time runs with the seqs, however the writers' clock readings interleaved
    times = list(Event.objects.filter(exercise=exercise).order_by("seq").values_list("at", flat=True))
    assert times == sorted(times)
