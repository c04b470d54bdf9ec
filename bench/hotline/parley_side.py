"""Parley's side of the benchmark, through its own services: the scenario, the exercise,
its players, the open hotlines, and afterwards what the database holds. Import only
after ``bench.fanout.environment.setup_django``.
"""

from dataclasses import dataclass

from django.db import connection

from bench.hotline.workload import Line, team_key
from exercise import access, exercises, hotlines, injects
from exercise.envelopes import visible_to
from exercise.models import Event, Exercise, Message
from exercise.roles import Role, caller_for_player, caller_for_user
from exercise.scenarios import import_scenario
from exercise.staff import create_staff

FACILITATOR = "bench-hotline-facilitator"


@dataclass
class Setup:
    exercise_id: int
    hotline_ids: list[int]  # by line number
    tokens: list[list[str]]  # by team index, then player: each player's bearer token
    facilitator_token: str
    after: int  # the last seq once set up: sockets ask only for what follows


def scenario_document(teams: int) -> dict:
    """``teams`` states and one inject, released by hand at the start, which expects a
    report from every team within two hours: each team has an open expectation check
    all through the run, as in a real exercise, and no message can meet it."""
    return {
        "key": "bench-hotline",
        "title": "Hotline benchmark",
        "duration": "2h",
        "teams": [{"key": team_key(i), "name": f"State {i + 1}"} for i in range(teams)],
        "injects": [
            {
                "key": "I1",
                "at": "90m",
                "title": "Fishing fleets report a naval vessel shadowing them",
                "kind": "maritime",
                "severity": "high",
                "to": "all",
                "body": "Shadowing near the disputed reef; no shots fired.",
                "expect": [{"key": "E1", "each": "all", "event": "report.submitted", "within": "2h", "points": 5}],
            }
        ],
    }


def build(*, lines: list[Line], teams: int, players: int) -> Setup:
    """A running exercise, ``players`` players a team, and every line's call open."""
    user, _password, facilitator_token = create_staff(username=FACILITATOR, role=Role.FACILITATOR)
    facilitator = caller_for_user(user)
    assert facilitator is not None
    scenario = import_scenario(caller=facilitator, document=scenario_document(teams))
    exercise = exercises.create_exercise(caller=facilitator, scenario=scenario, name="Hotline benchmark", speed=1.0)
    codes = dict(exercise.teams.values_list("key", "join_code"))
    joined = [
        [access.join_team(code=codes[team_key(team)], name=f"{team_key(team)} officer {n + 1}") for n in range(players)]
        for team in range(teams)
    ]
    exercises.change_status(caller=facilitator, exercise_id=exercise.pk, transition="start")
    injects.release_now(caller=facilitator, exercise_id=exercise.pk, key="I1")
    hotline_ids = []
    for line in lines:
        caller = caller_for_player(joined[line.a][0][0])
        callee = caller_for_player(joined[line.b][0][0])
        hotline = hotlines.request_call(caller=caller, exercise_id=exercise.pk, to=team_key(line.b)).obj
        hotlines.answer_call(caller=callee, hotline_id=hotline.pk, accept=True)
        hotline_ids.append(hotline.pk)
    return Setup(
        exercise_id=exercise.pk,
        hotline_ids=hotline_ids,
        tokens=[[token for _player, token in team] for team in joined],
        facilitator_token=facilitator_token,
        after=Exercise.objects.get(pk=exercise.pk).last_seq,
    )


@dataclass
class Stored:
    messages: int  # hotline messages in the exercise
    events: int  # hotline.message events
    visible: dict[str, list[int]]  # every team's visible seqs after the set-up, and "staff"'s


def stored(exercise_id: int, after: int) -> Stored:
    """What the database says was sent, and what each socket should therefore hold."""
    exercise = Exercise.objects.get(pk=exercise_id)
    visible = {
        team.key: list(visible_to(exercise, team).filter(seq__gt=after).order_by("seq").values_list("seq", flat=True))
        for team in exercise.teams.all()
    }
    staff = visible_to(exercise, None).filter(seq__gt=after).order_by("seq")
    visible["staff"] = list(staff.values_list("seq", flat=True))
    return Stored(
        messages=Message.objects.filter(exercise=exercise, hotline__isnull=False).count(),
        events=Event.objects.filter(exercise=exercise, kind="hotline.message").count(),
        visible=visible,
    )


def close_connection() -> None:
    """Called at the end of work done in a helper thread, which owns its own connection."""
    connection.close()
