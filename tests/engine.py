"""Exercises for the inject engine, and what to check once it has run them: each inject
released once, never early, triggers followed, a gap-free log. Shared by the engine's
tests (tests/realtime) and the fault suite (tests/faults)."""

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from exercise import exercises
from exercise.durations import parse_duration
from exercise.models import Event, Exercise, ExerciseInject
from tests import builders
from tests.processes import Process, wait_until

SYSTEM = {"system": True}
CLOCK_EVENTS = ("exercise.started", "exercise.paused", "exercise.resumed", "exercise.speed_changed")


def inject(
    key: str, *, at: str | None = None, after: str | None = None, missed: str | None = None, delay: str | None = None
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "key": key,
        "title": f"Inject {key}",
        "kind": "border_tension",
        "severity": "high",
        # Odd keys go to every team, even keys to two: both audiences of a release.
        "to": "all" if key.endswith(("1", "3", "5", "7", "9")) else ["ARC", "BOR"],
        "body": f"What happens in {key}.",
    }
    if at is not None:
        item["at"] = at
    elif after is not None:
        item["trigger"] = {"after": after, **({"delay": delay} if delay else {})}
    else:
        item["trigger"] = {"missed": missed, **({"delay": delay} if delay else {})}
    return item


def expecting_a_hotline(item: dict[str, Any], key: str, within: str) -> dict[str, Any]:
    """``item`` expecting a hotline request from ARC and from BOR within ``within``."""
    expectation = {"key": key, "each": ["ARC", "BOR"], "event": "hotline.requested", "within": within, "points": 10}
    return {**item, "to": ["ARC", "BOR"], "expect": [{**expectation, "objective": "O1"}]}


def keys(scripted: list[dict[str, Any]]) -> list[str]:
    return [item["key"] for item in scripted]


def running_exercise(facilitator, scripted: list[dict[str, Any]], speed: float = 1.0) -> Exercise:
    scenario = builders.scenario(facilitator.caller, injects=scripted)
    exercise = builders.exercise(facilitator.caller, scenario, speed=speed)
    return transition(facilitator, exercise, "start")


def transition(facilitator, exercise: Exercise, name: str) -> Exercise:
    return exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition=name)


def pending(exercise: Exercise) -> set[str]:
    rows = ExerciseInject.objects.filter(exercise=exercise, status=ExerciseInject.Status.PENDING)
    return set(rows.values_list("key", flat=True))


def released_events(exercise: Exercise) -> list[Event]:
    return list(Event.objects.filter(exercise=exercise, kind="inject.released").order_by("seq"))


def released(exercise: Exercise, key: str) -> Event:
    [event] = [event for event in released_events(exercise) if event.data["key"] == key]
    return event


def wait_all_released(exercise: Exercise, timeout: float, while_waiting: Callable[[], None] = lambda: None) -> None:
    def done() -> bool:
        while_waiting()
        return not pending(exercise)

    wait_until(done, timeout, lambda: f"still pending after {timeout}s: {sorted(pending(exercise))}")


def assert_log_gap_free(exercise: Exercise) -> None:
    seqs = list(Event.objects.filter(exercise=exercise).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    exercise.refresh_from_db()
    assert exercise.last_seq == len(seqs)


def assert_each_released_once(exercise: Exercise, expected: list[str]) -> list[Event]:
    """Exactly one release event per inject, every row released, and a gap-free log."""
    events = released_events(exercise)
    assert Counter(event.data["key"] for event in events) == Counter(expected)
    rows = ExerciseInject.objects.filter(exercise=exercise)
    assert {row.key: row.status for row in rows} == dict.fromkeys(expected, ExerciseInject.Status.RELEASED)
    assert all(row.released_at is not None for row in rows)
    assert_log_gap_free(exercise)
    return events


def clock_model(exercise: Exercise) -> Callable[[datetime], float]:
    """Exercise time at a wall instant, replayed from the wall times and speeds that the
    start, pause, resume and speed events record: the test's own arithmetic, not clock.py."""
    changes = list(Event.objects.filter(exercise=exercise, kind__in=CLOCK_EVENTS).order_by("seq"))

    def exercise_time(instant: datetime) -> float:
        elapsed, running, speed, since = 0.0, False, 1.0, instant
        for change in (change for change in changes if change.at <= instant):
            if running:
                elapsed += (change.at - since).total_seconds() * speed
            running, speed, since = change.data["status"] == "running", change.data["speed"], change.at
        return elapsed + ((instant - since).total_seconds() * speed if running else 0.0)

    return exercise_time


def assert_never_early(exercise: Exercise, scripted: list[dict[str, Any]], events: list[Event]) -> float:
    """Each release sits at or after its due time, on the engine's clock and on the test's
    own; prints the worst lateness and returns it."""
    scripted_at = {item["key"]: parse_duration(item["at"]) for item in scripted if "at" in item}
    model = clock_model(exercise)
    lateness = {event.data["key"]: event.exercise_time - event.data["due_at"] for event in events}
    early = {key: late for key, late in lateness.items() if late < 0}
    assert not early, f"released before due (exercise seconds): {early}"
    for event in events:
        due = scripted_at.get(event.data["key"], event.data["due_at"])
        assert model(event.at) >= due - 0.001, f"{event.data['key']} went out at {model(event.at)}, due at {due}"
    worst = max(lateness, key=lateness.__getitem__)
    every = sorted(round(late, 3) for late in lateness.values())
    print(f"\nmax lateness {lateness[worst]:.3f} exercise s ({worst}); all: {every}")
    return lateness[worst]


def assert_triggers_followed(exercise: Exercise, scripted: list[dict[str, Any]]) -> None:
    """A triggered inject is due its delay after the exercise time its trigger happened: the
    release it follows, or the first miss of the expectation it waits on."""
    fired_at = {event.data["key"]: event.exercise_time for event in released_events(exercise)}
    for event in Event.objects.filter(exercise=exercise, kind="expectation.missed").order_by("-seq"):
        fired_at[event.data["expectation"]] = event.exercise_time
    due = dict(ExerciseInject.objects.filter(exercise=exercise).values_list("key", "due_at"))
    for item in scripted:
        if trigger := item.get("trigger"):
            ref = trigger.get("after") or trigger["missed"]
            delay = parse_duration(trigger.get("delay", 0))
            assert due[item["key"]] == pytest.approx(fired_at[ref] + delay), item["key"]


def assert_no_task_failures(*processes: Process) -> None:
    for process in processes:
        assert not process.failures(), f"{process.name} logged failures:\n{process.text()[-3000:]}"
