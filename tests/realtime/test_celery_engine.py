"""The inject engine under real Celery: worker and beat processes over Redis and PostgreSQL.

Each inject goes out exactly once and never early, whatever the number of workers racing
for it, a worker killed mid-exercise, a pause across its due time, a change of speed or a
facilitator acting on it at the same moment.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import redis
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app
from exercise import exercises, injects
from exercise.durations import parse_duration
from exercise.errors import InvalidState
from exercise.models import Event, Exercise, ExerciseInject
from exercise.tasks import release_due
from tests import builders

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The interpreter running the tests, not a `celery` script whose first line may name another.
CELERY = [sys.executable, "-m", "celery"]
# The broker uses the suite's own Redis database (REDIS_URL's), flushed before and after
# each test, so queued ticks and ETA messages never leak between tests, and two suites run
# side by side with different databases never flush each other's broker.
# Both pools pass these tests; threads start faster and keep a worker to one process.
POOL = "threads"
STARTUP_TIMEOUT = 20.0
SYSTEM = {"system": True}
CLOCK_EVENTS = ("exercise.started", "exercise.paused", "exercise.resumed", "exercise.speed_changed")


# --- Processes -------------------------------------------------------------------------


@dataclass
class CeleryProcess:
    """A `celery -A config ...` subprocess in a session of its own, logging to a file."""

    name: str
    popen: subprocess.Popen
    log: Path
    ready_line: str

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_log(self, needle: str, timeout: float = STARTUP_TIMEOUT) -> None:
        def seen() -> bool:
            if self.popen.poll() is not None:
                pytest.fail(f"{self.name} exited with {self.popen.returncode}:\n{self.text()[-3000:]}")
            return needle in self.text()

        wait_until(seen, timeout, lambda: f"{self.name} never logged {needle!r}:\n{self.text()[-3000:]}")

    def send(self, sig: int) -> None:
        """Signal the whole process group: the leader and any pool children."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def reap(self, timeout: float = 10) -> None:
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.send(signal.SIGKILL)
            self.popen.wait(timeout=10)

    def kill(self) -> None:
        self.send(signal.SIGKILL)
        self.reap()

    def succeeded(self, task: str) -> int:
        """How many runs of ``task`` this process logged as succeeded."""
        return sum(1 for line in self.text().splitlines() if f"Task {task}[" in line and " succeeded in " in line)

    def failures(self) -> list[str]:
        return [line for line in self.text().splitlines() if "raised unexpected" in line or "Traceback" in line]


def wait_until(condition: Callable[[], bool], timeout: float, message: Callable[[], str] | str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(message() if callable(message) else message)
        time.sleep(0.05)


def with_path(url: str, path: str) -> str:
    return urlsplit(url)._replace(path=path).geturl()


@pytest.fixture
def broker_url(redis_url: str) -> Iterator[str]:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield redis_url
    client.flushdb()
    client.close()


def worker_database_url() -> str:
    database = connection.settings_dict
    if os.environ.get("DATABASE_URL"):
        return with_path(os.environ["DATABASE_URL"], "/" + database["NAME"])
    # The embedded server's socket folder goes in the query: as the URL's host,
    # dj-database-url would lower-case it.
    query = urlencode({"host": database["HOST"]})
    return f"postgres://{database['USER']}@:{database['PORT']}/{database['NAME']}?{query}"


@pytest.fixture
def engine_env(transactional_db, broker_url: str, tmp_path: Path) -> dict[str, str]:
    """A production worker's environment, pointed at the test database and the test broker."""
    return {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": broker_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # The secret key and static root go to a scratch folder, not the project's var/.
        "PARLEY_VAR_DIR": str(tmp_path / "var"),
    }


@pytest.fixture
def spawn(engine_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., CeleryProcess]]:
    """Starts celery subprocesses; stops every one of them after the test, whatever happened."""
    started: list[CeleryProcess] = []

    def spawn(name: str, ready_line: str, *args: str) -> CeleryProcess:
        log = tmp_path / f"{name}-{len(started)}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [*CELERY, "-A", "config", *args, "--loglevel", "INFO"],
                cwd=PROJECT_ROOT,
                env=engine_env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(CeleryProcess(name, popen, log, ready_line))
        return started[-1]

    yield spawn
    for process in started:
        process.send(signal.SIGTERM)
    for process in started:
        process.reap()


def wait_ready(*processes: CeleryProcess) -> None:
    """Each takes a second or two to start; launched together, they start in parallel."""
    for process in processes:
        process.wait_for_log(process.ready_line)


@pytest.fixture
def start_worker(spawn) -> Callable[[str], CeleryProcess]:
    """Launch a worker named ``name``; `wait_ready` tells when it consumes."""

    def start_worker(name: str) -> CeleryProcess:
        return spawn(
            name,
            " ready.",
            "worker",
            "--hostname",
            f"{name}-{uuid.uuid4().hex[:8]}@%h",
            "--pool",
            POOL,
            "--concurrency",
            "4",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--queues",
            "celery",
        )

    return start_worker


@pytest.fixture
def start_beat(spawn, tmp_path: Path) -> Callable[[], CeleryProcess]:
    """Launch beat; it is ready once it has sent its first tick."""

    def start_beat() -> CeleryProcess:
        return spawn("beat", "Sending due task clock-tick", "beat", "--schedule", str(tmp_path / "beat-schedule"))

    return start_beat


@pytest.fixture
def send_release_due(broker_url: str) -> Iterator[Callable[[int, int], None]]:
    """Queue ``count`` release_due tasks on the workers' broker, as fast as one connection goes."""
    with celery_app.connection_for_write(broker_url) as conn:

        def send(exercise_id: int, count: int) -> None:
            for _ in range(count):
                release_due.apply_async((exercise_id,), connection=conn)

        yield send


# --- Exercises and what to check ---------------------------------------------------------


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


def assert_no_task_failures(*processes: CeleryProcess) -> None:
    for process in processes:
        assert not process.failures(), f"{process.name} logged failures:\n{process.text()[-3000:]}"


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
