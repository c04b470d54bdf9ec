"""The scoreboard from the log: trust, escalation, stability, responsiveness and ratings,
checked against figures worked out by hand from docs/scoring.md."""

import math
from typing import Any

import pytest

from exercise import actions, dialogues, evaluation, exercises, hotlines, injects, jointops
from exercise.commands import Done
from exercise.models import Event, Exercise
from exercise.selectors import scores
from tests import builders
from tests.exercise.test_expectations import stand_at

pytestmark = pytest.mark.django_db

TEAMS = [
    {"key": "ARC", "name": "Republic of Arcadia"},
    {"key": "BOR", "name": "Borealis Federation"},
    {"key": "CAL", "name": "Kingdom of Caldera"},
    {"key": "DEL", "name": "Delta Isles"},
]
OBJECTIVES = [{"key": "O1", "text": "Open a hotline"}, {"key": "O2", "text": "Agree a statement"}]
INJECTS = [
    {"key": "I1", "at": "5m", "title": "Shots", "kind": "border_tension", "severity": "high", "to": ["ARC", "BOR"]},
    {"key": "I2", "at": "10m", "title": "Footage", "kind": "media", "severity": "low", "to": "all"},
]


class Room:
    """A running exercise of four teams with one player each, driven through the services."""

    def __init__(self, facilitator: builders.Staff, **scoring: Any):
        scenario = builders.scenario(
            facilitator.caller, teams=TEAMS, objectives=OBJECTIVES, injects=INJECTS, scoring=scoring
        )
        self.exercise: Exercise = builders.exercise(facilitator.caller, scenario)
        exercises.change_status(caller=facilitator.caller, exercise_id=self.exercise.pk, transition="start")
        self.facilitator = facilitator
        self.teams = {t.key: builders.player(t, f"Officer of {t.key}").caller for t in self.exercise.teams.all()}

    def call(self, team: str, to: str) -> Done:
        return hotlines.request_call(caller=self.teams[team], exercise_id=self.exercise.pk, to=to)

    def answer(self, team: str, call: Done, accept: bool) -> int:
        return hotlines.answer_call(caller=self.teams[team], hotline_id=call.obj.pk, accept=accept).seq

    def act(self, team: str, kind: str) -> int:
        return actions.take(caller=self.teams[team], exercise_id=self.exercise.pk, kind=kind, text=kind).seq

    def operation(self, proposer: str, answers: dict[str, bool], outcome: str) -> dict[str, int]:
        """Propose a joint operation, let each partner answer, adjudicate; the seqs of it."""
        caller = self.teams[proposer]
        op = jointops.propose(
            caller=caller, exercise_id=self.exercise.pk, kind="joint_patrol", partners=list(answers), objective="Patrol"
        ).obj
        seqs = {
            team: jointops.answer(caller=self.teams[team], operation_id=op.pk, accept=yes).seq
            for team, yes in answers.items()
        }
        done = jointops.adjudicate(
            caller=self.facilitator.caller, operation_id=op.pk, outcome=outcome, narrative="Done"
        )
        return seqs | {"adjudicated": done.seq}

    def adopt(self, convener: str, others: list[str]) -> int:
        """A joint statement convened, proposed and endorsed by all; the seq of its adoption."""
        dialogue = dialogues.convene(
            caller=self.teams[convener], exercise_id=self.exercise.pk, title="Talks", invite=others
        ).obj
        statement = dialogues.propose(caller=self.teams[convener], dialogue_id=dialogue.pk, text="Calm").obj
        for team in others:
            dialogues.endorse(caller=self.teams[team], statement_id=statement.pk)
        return Event.objects.get(exercise=self.exercise, kind="statement.adopted", data__statement=statement.pk).seq

    def board(self) -> dict[str, Any]:
        return scores(caller=self.facilitator.caller, exercise=self.exercise)


@pytest.fixture
def played(facilitator):
    """The scripted crisis: each step named, with the seq of the event that moves trust."""
    room = Room(facilitator)
    seq: dict[str, int] = {}
    arc_bor, cal_arc = room.call("ARC", "BOR"), room.call("CAL", "ARC")
    seq |= {"arc_calls_bor": arc_bor.seq, "cal_calls_arc": cal_arc.seq}
    seq["bor_accepts"] = room.answer("BOR", arc_bor, True)
    seq["arc_declines"] = room.answer("ARC", cal_arc, False)
    seq["statement"] = room.adopt("BOR", ["CAL", "DEL"])
    patrol = room.operation("ARC", {"BOR": True, "CAL": False}, "succeeded")
    seq |= {"bor_joins": patrol["BOR"], "cal_refuses": patrol["CAL"], "patrol_succeeds": patrol["adjudicated"]}
    rescue = room.operation("DEL", {"CAL": True}, "failed")
    seq |= {"cal_joins": rescue["CAL"], "rescue_fails": rescue["adjudicated"]}
    for team, kind in [
        ("ARC", "raise_alert"),
        ("ARC", "deploy_forces"),
        ("BOR", "deploy_forces"),
        ("BOR", "withdraw_forces"),
        ("CAL", "lower_alert"),
        ("DEL", "raise_alert"),
        ("DEL", "public_statement"),
    ]:
        seq[f"{team}_{kind}"] = room.act(team, kind)
    return room, seq


def test_trust_matrix_follows_the_default_weights(played):
    room, _ = played
    # trust[A][B] is A's trust in B; the default weights of docs/scoring.md.
    assert room.board()["trust"] == {
        # hotline.accepted +1, jointop.accepted +1, jointop.succeeded +2, BOR deploys -1.5, withdraws +1
        "ARC": {"BOR": 3.5, "CAL": 0.5, "DEL": -0.5},  # CAL: called ARC +0.5, refused the patrol -0.5, lowers +0.5
        # BOR→ARC: ARC called +0.5, patrol succeeded +2, ARC raises -0.5, deploys -1.5 = 0.5
        # BOR→CAL: statement +1, CAL lowers +0.5 = 1.5; BOR→DEL: statement +1, DEL raises -0.5 = 0.5
        "BOR": {"ARC": 0.5, "CAL": 1.5, "DEL": 0.5},
        # CAL→ARC: ARC declined CAL's call -1, raises -0.5, deploys -1.5 = -3
        # CAL→BOR: statement +1, deploys -1.5, withdraws +1 = 0.5
        # CAL→DEL: statement +1, the rescue failed -1, DEL raises -0.5 = -0.5
        "CAL": {"ARC": -3.0, "BOR": 0.5, "DEL": -0.5},
        # DEL→ARC: raises -0.5, deploys -1.5 = -2; DEL→BOR: statement +1 -1.5 +1 = 0.5
        # DEL→CAL: statement +1, CAL joined the rescue +1, it failed -1, CAL lowers +0.5 = 1.5
        "DEL": {"ARC": -2.0, "BOR": 0.5, "CAL": 1.5},
    }


def test_escalation_follows_the_ladder(played):
    room, seq = played
    rows = {row["key"]: row for row in room.board()["teams"]}
    # ARC: raise 0→1, deploy 1→2. BOR: deploy 0→1, withdraw 1→0. CAL: lower at 0 stays 0.
    # DEL: raise 0→1, a public statement leaves it at 1.
    assert {key: row["escalation"] for key, row in rows.items()} == {"ARC": 2, "BOR": 0, "CAL": 0, "DEL": 1}
    assert rows["DEL"]["escalation_events"] == [seq["DEL_raise_alert"], seq["DEL_public_statement"]]


def test_stability_index_of_the_scripted_state(played):
    room, _ = played
    stability = room.board()["stability"]
    # The 12 cells sum to 3.5+0.5-0.5 + 0.5+1.5+0.5 - 3+0.5-0.5 - 2+0.5+1.5 = 3: mean trust 0.25.
    # Rungs 2, 0, 0, 1: mean 0.75.
    trust_part = (math.tanh(0.25 / 4) + 1) / 2  # 0.53121
    calm_part = 1 - 0.75 / 5  # 0.85
    assert stability["mean_trust"] == pytest.approx(0.25)
    assert stability["mean_escalation"] == pytest.approx(0.75)
    assert stability["index"] == round(100 * (trust_part + calm_part) / 2, 1) == 69.1


def test_a_fresh_exercise_stands_at_75(facilitator):
    board = Room(facilitator).board()
    assert board["stability"] == {"index": 75.0, "mean_trust": 0.0, "mean_escalation": 0.0}
    assert all(cell == 0 for row in board["trust"].values() for cell in row.values())


# The steps that moved each cell (truster, trusted), in log order.
MOVES = {
    ("ARC", "BOR"): ["bor_accepts", "bor_joins", "patrol_succeeds", "BOR_deploy_forces", "BOR_withdraw_forces"],
    ("ARC", "CAL"): ["cal_calls_arc", "cal_refuses", "CAL_lower_alert"],
    ("ARC", "DEL"): ["DEL_raise_alert"],
    ("BOR", "ARC"): ["arc_calls_bor", "patrol_succeeds", "ARC_raise_alert", "ARC_deploy_forces"],
    ("BOR", "CAL"): ["statement", "CAL_lower_alert"],
    ("BOR", "DEL"): ["statement", "DEL_raise_alert"],
    ("CAL", "ARC"): ["arc_declines", "ARC_raise_alert", "ARC_deploy_forces"],
    ("CAL", "BOR"): ["statement", "BOR_deploy_forces", "BOR_withdraw_forces"],
    ("CAL", "DEL"): ["statement", "rescue_fails", "DEL_raise_alert"],
    ("DEL", "ARC"): ["ARC_raise_alert", "ARC_deploy_forces"],
    ("DEL", "BOR"): ["statement", "BOR_deploy_forces", "BOR_withdraw_forces"],
    ("DEL", "CAL"): ["statement", "cal_joins", "rescue_fails", "CAL_lower_alert"],
}


def test_every_trust_cell_is_explained_by_the_events_that_moved_it(played):
    room, seq = played
    board = room.board()
    for (truster, trusted), steps in MOVES.items():
        moves = board["trust_breakdown"][truster][trusted]
        assert [m["seq"] for m in moves] == [seq[step] for step in steps], (truster, trusted)
        assert sum(m["weight"] for m in moves) == pytest.approx(board["trust"][truster][trusted])
    # DEL's public statement weighs 0 and moves nothing.
    listed = {m["seq"] for row in board["trust_breakdown"].values() for cell in row.values() for m in cell}
    assert seq["DEL_public_statement"] not in listed


@pytest.mark.parametrize(("outcome", "weight"), [("succeeded", 2.0), ("partial", 0.5), ("failed", -1.0)])
def test_an_adjudicated_operation_moves_trust_among_those_who_joined(facilitator, outcome, weight):
    room = Room(facilitator)
    room.operation("ARC", {"BOR": True, "CAL": True, "DEL": False}, outcome)
    trust = room.board()["trust"]
    # ARC trusts the partners who joined +1 each and DEL, who refused, -0.5; the outcome
    # moves ARC, BOR and CAL's trust in each other; DEL stays out of it.
    assert trust["ARC"] == {"BOR": 1 + weight, "CAL": 1 + weight, "DEL": -0.5}
    assert trust["BOR"] == {"ARC": weight, "CAL": weight, "DEL": 0.0}
    assert trust["CAL"] == {"ARC": weight, "BOR": weight, "DEL": 0.0}
    assert trust["DEL"] == {"ARC": 0.0, "BOR": 0.0, "CAL": 0.0}


@pytest.mark.parametrize(
    ("scoring", "expected"),
    [
        pytest.param({}, {("ARC", "BOR"): -1.0, ("BOR", "ARC"): 0.5, ("CAL", "ARC"): 0.0}, id="defaults"),
        pytest.param(
            {"trust": {"hotline.declined": -2, "hotline.requested": 0, "action.public_statement": 0.25}},
            {("ARC", "BOR"): -2.0, ("BOR", "ARC"): 0.25, ("CAL", "ARC"): 0.25},
            id="overridden",
        ),
    ],
)
def test_scenario_trust_weights_change_the_matrix(facilitator, scoring, expected):
    room = Room(facilitator, **scoring)
    room.answer("BOR", room.call("ARC", "BOR"), False)  # BOR refuses ARC's call
    room.act("ARC", "public_statement")
    trust = room.board()["trust"]
    assert {cell: trust[cell[0]][cell[1]] for cell in expected} == expected


@pytest.mark.parametrize(
    ("escalation", "moves", "rungs"),
    [
        ({}, ["deploy_forces"] * 3, [1, 2, 3]),
        ({"deploy_forces": 2}, ["deploy_forces"] * 3, [2, 4, 5]),  # the top rung is 5
        ({"withdraw_forces": -3}, ["raise_alert", "raise_alert", "withdraw_forces"], [1, 2, 0]),  # the bottom is 0
        ({"public_statement": 1, "raise_alert": 0}, ["raise_alert", "public_statement"], [0, 1]),
    ],
)
def test_scenario_escalation_steps_change_how_far_an_action_moves(facilitator, escalation, moves, rungs):
    room = Room(facilitator, escalation=escalation)
    seen = [Event.objects.get(exercise=room.exercise, seq=room.act("ARC", kind)).data["escalation"] for kind in moves]
    assert seen == rungs
    assert {row["key"]: row["escalation"] for row in room.board()["teams"]}["ARC"] == rungs[-1]


def test_responsiveness_is_the_time_from_a_release_to_the_first_command(facilitator):
    room = Room(facilitator)
    exercise, tick = room.exercise, lambda: injects.release_due_injects(exercise_id=room.exercise.pk)
    stand_at(exercise, 300)
    tick()  # I1 to ARC and BOR at 300
    stand_at(exercise, 345)
    arc_first = room.act("ARC", "raise_alert")  # 45 s
    stand_at(exercise, 360)
    room.act("ARC", "lower_alert")  # not the first: ignored
    stand_at(exercise, 500)
    room.act("CAL", "raise_alert")  # nothing had been sent to CAL yet
    stand_at(exercise, 600)
    tick()  # I2 to everyone at 600
    stand_at(exercise, 630)
    arc_second = room.call("ARC", "BOR")  # 30 s
    stand_at(exercise, 700)
    room.act("CAL", "lower_alert")  # 100 s
    rows = {row["key"]: row["responsiveness"] for row in room.board()["teams"]}
    assert {key: row["mean_seconds"] for key, row in rows.items()} == {
        "ARC": (45 + 30) / 2,
        "BOR": None,
        "CAL": 100,
        "DEL": None,
    }
    assert [(i["inject"], i["seconds"], i["response_seq"]) for i in rows["ARC"]["items"]] == [
        ("I1", 45, arc_first),
        ("I2", 30, arc_second.seq),
    ]
    assert [(i["inject"], i["seconds"], i["response_seq"]) for i in rows["BOR"]["items"]] == [
        ("I1", None, None),
        ("I2", None, None),
    ]


def test_ratings_count_each_evaluators_latest_and_show_how_far_they_differ(facilitator):
    room = Room(facilitator)
    first, second = builders.staff("evaluator", "eval-first"), builders.staff("evaluator", "eval-second")

    def rate(who: builders.Staff, objective: str, value: str) -> None:
        evaluation.rate(
            caller=who.caller, exercise_id=room.exercise.pk, team="ARC", objective=objective, rating=value, note=value
        )

    rate(first, "O1", "U")
    rate(first, "O1", "P")  # replaces U
    rate(second, "O1", "S")
    rate(facilitator, "O1", "P")
    rate(first, "O2", "M")
    rate(second, "O2", "M")
    arc = {row["key"]: row for row in room.board()["teams"]}["ARC"]["ratings"]
    # O1: P=4, S=3, P=4 → differ by 1 (the replaced U=1 would make it 3).
    assert sorted((r["evaluator"], r["rating"]) for r in arc["O1"]["ratings"]) == [
        ("eval-first", "P"),
        ("eval-second", "S"),
        (facilitator.user.username, "P"),
    ]
    assert (arc["O1"]["agreement"], arc["O1"]["spread"]) == ("differ by 1", 1)
    assert (arc["O2"]["agreement"], arc["O2"]["spread"]) == ("agree", 0)
    assert {row["key"]: row["ratings"] for row in room.board()["teams"]}["BOR"] == {}
