"""A played-through run of the Karst Pass demo, so the review pages have something to show.

The script moves the exercise clock forward between moves instead of waiting, and
drives every move through the same services a team's console or the facilitator's
uses, so the log is exactly what a real run of these moves would leave.
"""

import datetime
from collections.abc import Callable
from datetime import timedelta

from django.db.models import F

from exercise import access, actions, cell, dialogues, evaluation, exercises, hotlines, injects, jointops
from exercise.models import Exercise, Scenario
from exercise.review import feedback, plan
from exercise.roles import Caller, caller_for_player

PLAYED_EXERCISE = "Demo (played): Exchange of Fire at Karst Pass"
PLAYERS = {
    "DRV": "Col. Anja Petrov",
    "SRK": "Brig. Tomas Halloran",
    "ULM": "Cdr. Ines Varga",
    "ESM": "Maj. Leon Castell",
}

# Dravonia signs the amended statement, reading its notification rule narrowly.
DRV_RESERVATION = (
    "Dravonia reads 'moving forces' as formed units of company strength and above; routine border "
    "patrols are not notified."
)

STEP_SECONDS = 15


def advance(exercise: Exercise, seconds: float) -> None:
    """Let ``seconds`` of exercise time pass, in steps as the clock's tick would see them,
    so injects go out and deadlines pass close to when they are due."""
    while seconds > 0:
        step = min(seconds, STEP_SECONDS)
        Exercise.objects.filter(pk=exercise.pk).update(
            clock_anchor=F("clock_anchor") - timedelta(seconds=step / exercise.speed)
        )
        injects.release_due_injects(exercise_id=exercise.pk)
        seconds -= step


def play_karst_pass(facilitator: Caller, scenario: Scenario, name: str = PLAYED_EXERCISE) -> Exercise:
    exercise = exercises.create_exercise(caller=facilitator, scenario=scenario, name=name, speed=1.0)
    teams = {t.key: t for t in exercise.teams.all()}
    team = {
        key: caller_for_player(access.join_team(code=teams[key].join_code, name=player)[0])
        for key, player in PLAYERS.items()
    }
    exercises.change_status(caller=facilitator, exercise_id=exercise.pk, transition="start")
    for minutes, move in _script(exercise, facilitator, team):
        advance(exercise, minutes * 60)
        move()
    return exercise


def _script(exercise: Exercise, staff: Caller, team: dict[str, Caller]) -> list[tuple[float, Callable[[], object]]]:
    """(minutes to wait, move) pairs; moves find what earlier ones created in ``made``."""
    made: dict[str, int] = {}
    ex = exercise.pk

    def call() -> None:
        made["hotline"] = hotlines.request_call(caller=team["DRV"], exercise_id=ex, to="SRK").obj.pk

    def say(key: str, text: str) -> Callable[[], object]:
        return lambda: hotlines.send_message(caller=team[key], hotline_id=made["hotline"], text=text)

    def act(key: str, kind: str, text: str) -> Callable[[], object]:
        return lambda: actions.take(caller=team[key], exercise_id=ex, kind=kind, text=text)

    def chat(key: str, text: str) -> Callable[[], object]:
        return lambda: dialogues.send_message(caller=team[key], dialogue_id=made["dialogue"], text=text)

    def endorse(key: str, reservation: str | None = None) -> Callable[[], object]:
        return lambda: dialogues.endorse(caller=team[key], statement_id=made["statement"], reservation=reservation)

    def rate(key: str, objective: str, value: str, text: str) -> Callable[[], object]:
        return lambda: evaluation.rate(
            caller=staff, exercise_id=ex, team=key, objective=objective, rating=value, note=text
        )

    def note(key: str, text: str) -> Callable[[], object]:
        return lambda: evaluation.add_note(caller=staff, exercise_id=ex, text=text, team=key)

    def adjudicate() -> None:
        jointops.adjudicate(
            caller=staff,
            operation_id=made["operation"],
            outcome="succeeded",
            narrative="The team surveyed marker 47; both sides accept its position.",
        )

    def convene() -> None:
        made["dialogue"] = dialogues.convene(
            caller=team["ULM"], exercise_id=ex, title="Highland Security Dialogue", invite=["DRV", "SRK", "ESM"]
        ).obj.pk

    def propose_statement() -> None:
        made["statement"] = dialogues.propose(
            caller=team["ULM"],
            dialogue_id=made["dialogue"],
            text="The parties confirm the local cessation of fire at Karst Pass and agree to a joint "
            "verification of border marker 47 under the chair's observation.",
        ).obj.pk

    def amend_statement() -> None:
        # Sarnek will not sign a verification without a notification rule for both sides.
        dialogues.amend(
            caller=team["SRK"],
            statement_id=made["statement"],
            text="The parties confirm the local cessation of fire at Karst Pass, agree to a joint "
            "verification of border marker 47 under the chair's observation, and will notify each "
            "other before moving forces within 10 km of the pass.",
        )

    def envoy() -> None:
        cell.write(
            caller=staff,
            exercise_id=ex,
            persona="UNSG",
            to=["DRV", "SRK"],
            text="The Secretary-General welcomes the local cessation of fire and asks both governments "
            "to confirm that their forces at Karst Pass are standing down.",
        )

    def answer_envoy() -> None:
        cell.write(
            caller=team["DRV"],
            exercise_id=ex,
            persona="UNSG",
            text="Dravonia has returned its border units to normal readiness and supports a joint "
            "verification of marker 47.",
        )

    def verify() -> None:
        made["operation"] = jointops.propose(
            caller=team["DRV"],
            exercise_id=ex,
            kind="border_verification",
            partners=["SRK"],
            objective="Survey border marker 47 together and record its position.",
        ).obj.pk

    return [
        (7, call),
        (3, lambda: hotlines.answer_call(caller=team["SRK"], hotline_id=made["hotline"], accept=True)),
        (1, say("DRV", "Our post 14 reports fire from your side at 0612. We are holding fire. Please confirm.")),
        (2, say("SRK", "Our patrol reports it was fired on first. We are investigating and holding fire.")),
        (11, act("DRV", "public_statement", "Dravonia is investigating the incident with Sarnek.")),
        (2, act("SRK", "raise_alert", "Border units on heightened alert.")),
        (8, say("DRV", "We see your 7th Brigade moving towards the pass. What is its purpose?")),
        (4, say("SRK", "A routine rotation. It will stop at Orvik.")),
        (9, convene),
        (3, chat("ESM", "Esmir will host observers if both sides wish.")),
        (4, propose_statement),
        (2, endorse("DRV")),
        (1, amend_statement),
        (1, endorse("ESM")),
        (1, endorse("ULM")),
        (0, endorse("DRV", DRV_RESERVATION)),
        (0, envoy),
        (3, act("DRV", "lower_alert", "Border units return to normal readiness.")),
        (0, answer_envoy),
        (14, verify),
        (6, lambda: jointops.answer(caller=team["SRK"], operation_id=made["operation"], accept=True)),
        (5, rate("DRV", "O1", "P", "Called within minutes; kept the line busy.")),
        (0, rate("SRK", "O1", "S", "Accepted promptly but answered the brigade query vaguely.")),
        (0, note("SRK", "SRK raised its alert right after the media inject: watch escalation.")),
        (4, adjudicate),
        (20, act("SRK", "lower_alert", "Sarnek lowers its alert level.")),
        (14, lambda: exercises.change_status(caller=staff, exercise_id=ex, transition="end")),
    ]


def write_up(exercise: Exercise, facilitator: Caller) -> None:
    """What a facilitator and the players would add afterwards: a hotwash and feedback."""
    plan.add_hotwash_note(
        caller=facilitator,
        exercise=exercise,
        text="Both capitals used the hotline early; Sarnek's alert was raised before any contact with Ulmare.",
    )
    plan.add_improvement(
        caller=facilitator,
        exercise=exercise,
        area="Sarnek raised its alert level without telling Dravonia over the open hotline.",
        action="Add a notification step to the alert procedure: inform the other party before raising alert.",
        objective="O2",
        organisation="Sarnek Ministry of Defence",
        owner="Director of Operations",
        start=exercise.created_at.date(),
        due=exercise.created_at.date() + datetime.timedelta(days=90),
    )
    for player in exercise.teams.get(key="ULM").players.all():
        feedback.give(
            caller=caller_for_player(player),
            realism=4,
            usefulness=5,
            went_well="The dialogue worked like a real forum session.",
            to_improve="More time between injects.",
        )
