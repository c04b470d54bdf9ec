"""A scripted Karst Pass run for the review tests, with hostile text planted in it.

It replays the demo's script (exercise.demo.played) through the same services, with a few
extra moves: a player whose name reads like a spreadsheet formula, and a hotline message,
an action and a feedback answer that carry markup, so every renderer must escape them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exercise import actions, exercises, hotlines
from exercise.demo import played as demo
from exercise.document_text import parse_text
from exercise.models import Exercise, Hotline, Scenario
from exercise.review import feedback, plan
from exercise.roles import Caller
from exercise.scenarios import import_scenario
from tests import builders

KARST_PASS = Path(demo.__file__).parent / "scenarios" / "karst-pass.yaml"

MARKUP = "<script>alert('parley')</script>"
HOTLINE_TEXT = f"{MARKUP} Are your <b>mortars</b> firing?"
ACTION_TEXT = f"{MARKUP} Esmir calls for calm & restraint"
FEEDBACK_TEXT = f"{MARKUP} The dialogue felt real"
HOTWASH_TEXT = "Sarnek raised its alert before <em>any</em> contact with Ulmare."
FORMULA_NAME = '=HYPERLINK("http://example.invalid","open")'

NAMES = {
    "DRV": "Col. Anja Petrov",
    "SRK": "Brig. Tomas Halloran",
    "ULM": "Cdr. Ines Varga",
    "ESM": FORMULA_NAME,
}


@dataclass
class Played:
    exercise: Exercise
    facilitator: builders.Staff
    players: dict[str, builders.Joined]
    # What the run looked like where it was stopped (see ``play``'s ``stop_after``).
    captured: dict[str, Any] = field(default_factory=dict)

    def fresh(self) -> Exercise:
        return Exercise.objects.select_related("scenario").get(pk=self.exercise.pk)


def karst_pass(caller: Caller) -> Scenario:
    document = parse_text(KARST_PASS.read_bytes(), yaml_syntax=True)
    return import_scenario(caller=caller, document=document)


def _moves(exercise: Exercise, staff: Caller, team: dict[str, Caller]) -> list[tuple[float, Callable[[], object]]]:
    """The demo's script with the hostile moves slotted in at no extra exercise time."""
    script = demo._script(exercise, staff, team)

    def marked_message() -> None:
        line = Hotline.objects.get(exercise=exercise)
        hotlines.send_message(caller=team["DRV"], hotline_id=line.pk, text=HOTLINE_TEXT)

    def marked_action() -> None:
        actions.take(caller=team["ESM"], exercise_id=exercise.pk, kind="public_statement", text=ACTION_TEXT)

    # After SRK's second hotline message (index 3) and after ESM's dialogue message (index 9).
    return [*script[:4], (0, marked_message), *script[4:10], (0, marked_action), *script[10:]]


def play(
    facilitator: builders.Staff,
    scenario: Scenario,
    *,
    stop_after: int | None = None,
    on_stop: Callable[[Exercise], dict[str, Any]] | None = None,
) -> Played:
    """Play the run to its end; with ``stop_after``, pause after that many moves, let
    ``on_stop`` look at the paused exercise, then resume and play on."""
    exercise = builders.exercise(facilitator.caller, scenario, name="Karst Pass review run", speed=1.0)
    teams = {t.key: t for t in exercise.teams.all()}
    players = {key: builders.player(teams[key], name) for key, name in NAMES.items()}
    callers = {key: joined.caller for key, joined in players.items()}
    run = Played(exercise=exercise, facilitator=facilitator, players=players)
    staff = facilitator.caller
    exercises.change_status(caller=staff, exercise_id=exercise.pk, transition="start")
    for number, (minutes, move) in enumerate(_moves(exercise, staff, callers), start=1):
        demo.advance(exercise, minutes * 60)
        move()
        if number == stop_after and on_stop is not None:
            exercises.change_status(caller=staff, exercise_id=exercise.pk, transition="pause")
            run.captured = on_stop(run.fresh())
            exercises.change_status(caller=staff, exercise_id=exercise.pk, transition="resume")
    return run


def write_up(run: Played) -> None:
    """What comes after the end: a hotwash note, a plan item and two players' feedback."""
    exercise, staff = run.fresh(), run.facilitator.caller
    plan.add_hotwash_note(caller=staff, exercise=exercise, text=HOTWASH_TEXT)
    plan.add_improvement(
        caller=staff,
        exercise=exercise,
        area="Alert raised without notice to the other party.",
        action="Add a notification step to the alert procedure.",
        objective="O2",
        organisation="Sarnek Ministry of Defence",
        owner="Director of Operations",
        start="2027-01-04",
        due="2027-03-31",
    )
    feedback.give(
        caller=run.players["ULM"].caller,
        realism=4,
        usefulness=5,
        went_well="The dialogue worked like a forum session.",
        to_improve="More time between injects.",
    )
    feedback.give(caller=run.players["ESM"].caller, realism=3, usefulness=4, went_well=FEEDBACK_TEXT, anonymous=True)
