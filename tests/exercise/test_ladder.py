"""The escalation ladder's rungs name postures, never moves: whichever action brought a
team to a rung, the rung's name does not contradict it (a team that deployed forces is
never told it "raised the alert")."""

import pytest

from exercise import actions
from exercise.models import Event
from exercise.steps import ACTION_STEPS, LADDER

pytestmark = pytest.mark.django_db

# Words of the moves themselves: a rung named with one of them names a move.
MOVE_WORDS = {word for kind in ACTION_STEPS for word in kind.split("_")} | {
    "raised",
    "deployed",
    "lowered",
    "withdrawn",
}


def test_no_rung_is_named_for_a_move():
    for rung in LADDER:
        assert not {word.lower() for word in rung.split()} & MOVE_WORDS, rung


def test_each_move_reports_the_rung_it_reached(running_arc):
    exercise, player = running_arc["exercise"], running_arc["player"]
    for kind in ("raise_alert", "deploy_forces", "lower_alert"):
        actions.take(caller=player.caller, exercise_id=exercise.pk, kind=kind)
    moves = [e.data for e in Event.objects.filter(exercise=exercise, kind="action.taken").order_by("seq")]
    assert [(m["kind"], m["escalation"], m["rung"]) for m in moves] == [
        ("raise_alert", 1, "Heightened vigilance"),
        ("deploy_forces", 2, "Elevated readiness"),
        ("lower_alert", 1, "Heightened vigilance"),
    ]
