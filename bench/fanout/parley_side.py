"""Parley's side of the benchmark, through its own services: the scenario, the exercise and
its players, starting it, the burst of ad-hoc injects, and what the event log says each
team should have received. Import only after ``environment.setup_django``.
"""

import time
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction

from bench.fanout.workload import Release, team_key
from exercise import access, exercises, injects
from exercise.envelopes import visible_to
from exercise.models import Event, Exercise, ExerciseInject
from exercise.roles import Caller, Role, caller_for_user
from exercise.scenarios import import_scenario
from exercise.staff import create_staff

FACILITATOR = "bench-facilitator"
# With the envelope around it (20 team keys, the body twice: Markdown and HTML), a release
# to all teams is about workload.PAYLOAD_BYTES on the wire.
BODY = "Fishing fleets report a naval vessel shadowing them near the disputed reef; no shots."


@dataclass
class Setup:
    exercise_id: int
    tokens: list[tuple[str, str]]  # (team key, player token), one per socket


def scenario_document(releases: list[Release], teams: int) -> dict[str, Any]:
    return {
        "key": "bench-fanout",
        "title": "Fan-out benchmark",
        "duration": "1h",
        "teams": [{"key": team_key(i), "name": f"State {i + 1}"} for i in range(teams)],
        "injects": [
            {
                "key": release.key,
                "at": f"{release.at:g}s",
                "title": f"Incident report {release.key}",
                "kind": "maritime",
                "severity": "high",
                "to": "all" if release.to_all else [team_key(i) for i in release.teams],
                "body": BODY,
            }
            for release in releases
        ],
    }


def facilitator() -> Caller:
    caller = caller_for_user(get_user_model().objects.get(username=FACILITATOR))
    assert caller is not None
    return caller


def build_exercise(releases: list[Release], *, teams: int, sockets: int) -> Setup:
    """A draft exercise at speed 1 and ``sockets`` players dealt to its teams in turn."""
    user, _password, _token = create_staff(username=FACILITATOR, role=Role.FACILITATOR)
    caller = caller_for_user(user)
    assert caller is not None
    scenario = import_scenario(caller=caller, document=scenario_document(releases, teams))
    exercise = exercises.create_exercise(caller=caller, scenario=scenario, name="Fan-out benchmark", speed=1.0)
    codes = dict(exercise.teams.values_list("key", "join_code"))
    tokens = []
    for number in range(sockets):
        key = team_key(number % teams)
        _player, token = access.join_team(code=codes[key], name=f"Player {number + 1}")
        tokens.append((key, token))
    return Setup(exercise_id=exercise.pk, tokens=tokens)


def change_status(exercise_id: int, transition: str) -> None:
    """Start, pause or resume the clock."""
    exercises.change_status(caller=facilitator(), exercise_id=exercise_id, transition=transition)


def scripted_pending(exercise_id: int) -> int:
    return ExerciseInject.objects.filter(
        exercise_id=exercise_id, inject__isnull=False, status=ExerciseInject.Status.PENDING
    ).count()


def last_seq(exercise_id: int) -> int:
    return Exercise.objects.get(pk=exercise_id).last_seq


def visible_seqs(exercise_id: int) -> dict[str, list[int]]:
    """Every team's visible seqs from the log, ascending: what its sockets must receive."""
    exercise = Exercise.objects.get(pk=exercise_id)
    return {
        team.key: list(visible_to(exercise, team).order_by("seq").values_list("seq", flat=True))
        for team in exercise.teams.all()
    }


def releases(exercise_id: int) -> list[tuple[float, float]]:
    """Each scripted inject's due time and the seconds it went out after it (exercise time)."""
    released = Event.objects.filter(exercise_id=exercise_id, kind="inject.released", actor={"system": True})
    return [(event.data["due_at"], event.exercise_time - event.data["due_at"]) for event in released]


def lateness(exercise_id: int) -> list[float]:
    """Seconds each scripted inject went out after its due time (exercise time, speed 1)."""
    return [late for _due, late in releases(exercise_id)]


def burst(*, exercise_id: int, count: int, rate: float) -> dict[str, Any]:
    """``count`` ad-hoc injects to all teams, written in one transaction and broadcast after
    its commit at ``rate`` a second (``inf``: back to back).

    Each ``send_adhoc`` leaves its broadcast to run after the commit, in order, as
    ``release_due_injects`` does when several injects fall due together. A hook before each
    broadcast holds it until its slot and stamps when it left; a last one stamps when the
    last broadcast was done. Returns the stamps, keyed by seq, and the time the writing took.
    """
    caller = facilitator()
    left: list[float] = []
    done: list[float] = []

    def pace(number: int) -> None:
        if left:
            time.sleep(max(0.0, left[0] + number / rate - time.time()))
        left.append(time.time())

    seqs = []
    began = time.time()
    with transaction.atomic():
        for number in range(count):
            transaction.on_commit(lambda number=number: pace(number))
            event = injects.send_adhoc(
                caller=caller,
                exercise_id=exercise_id,
                title=f"Burst {number + 1}",
                body=BODY,
                kind="other",
                severity="medium",
                to="all",
            )
            seqs.append(event.seq)
        written = time.time()
        transaction.on_commit(lambda: done.append(time.time()))
    return {
        "sent": count,
        "written_s": written - began,
        "started": left[0],
        "ended": done[0],
        "broadcast_at": dict(zip(seqs, left, strict=True)),
    }


def close_connection() -> None:
    """Called at the end of work done in a helper thread, which owns its own connection."""
    connection.close()


def close_all_connections() -> None:
    """Before the database is dropped: close this thread's connections, and the pool's."""
    for conn in connections.all(initialized_only=True):
        conn.close()
        if hasattr(conn, "close_pool"):  # Django 5.1+, when OPTIONS asks for a pool
            conn.close_pool()
