"""National and regional results (docs/scoring.md): points serving a team's own national
objectives and all others, worked out by hand; the live scores, the review and a
recompute of the log agree; national objectives' statuses, red lines crossed and the
region's stability."""

from typing import Any

import pytest

from exercise.review import report
from exercise.review.loading import review_events
from exercise.scenarios import scenario_spec
from exercise.scoring import scoreboard
from exercise.scoring.decisions import logged, recompute
from exercise.scoring.national import nations
from exercise.selectors import scores
from tests import briefed, builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def played(facilitator):
    exercise = builders.exercise(facilitator.caller, briefed.scenario(facilitator.caller))
    tokens = {team.key: builders.player(team, f"Envoy of {team.key}").token for team in exercise.teams.all()}
    briefed.play(exercise, facilitator, tokens)
    exercise.refresh_from_db()
    return exercise


def split(board: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    return {row["key"]: (row["national"], row["regional"], row["total"]) for row in board["teams"]}


def test_national_plus_regional_is_the_total_worked_out_by_hand(api, played, facilitator):
    body = api.get(f"/api/v1/exercises/{played.pk}/scores", token=facilitator.token).json()
    for row in body["teams"]:
        assert row["national"] + row["regional"] == row["total"], row["key"]
        assert row["total"] == sum(e["points"] for e in row["expectations"] if e["status"] == "met")
    assert {key: (n, r) for key, (n, r, _t) in split(body).items()} == briefed.EXPECTED_POINTS
    # ER (3 points, regional) was decided for every team, met by A and D only; B peaked at rung 1.
    assert body["region"] | {"mean_trust": None, "index": None} == {
        "earned": 6,
        "possible": 12,
        "peak_rung": 1,
        "peak_teams": ["B"],
        "mean_trust": None,
        "index": None,
    }
    assert body["region"]["index"] == body["stability"]["index"]


def test_recompute_equals_live(played, facilitator):
    live = scores(caller=facilitator.caller, exercise=played)
    spec = scenario_spec(played.scenario)
    events = review_events(played)
    assert recompute(spec, events, events[-1]["exercise_time"]) == logged(events)
    teams = [{"key": t.key, "name": t.name} for t in played.teams.all()]
    assert scoreboard(spec, teams, events) == live
    review = report.review(caller=facilitator.caller, exercise=played)
    assert split(review["scores"]) == split(live)
    assert {t["key"]: (t["national"], t["regional"], t["total"]) for t in review["teams"]} == split(live)
    at_end = report.replay(caller=facilitator.caller, exercise=played, moment=events[-1]["exercise_time"])
    assert {t["key"]: t["total"] for t in at_end["teams"]} == {k: t for k, (_n, _r, t) in split(live).items()}


def test_each_national_objective_is_met_or_missed_in_the_review(played, facilitator):
    review = report.review(caller=facilitator.caller, exercise=played)
    statuses = {n["key"]: [(o["key"], o["status"]) for o in n["objectives"]] for n in review["nations"]}
    assert statuses == {"A": [("A-1", "met")], "B": [("B-1", "met")], "C": [("C-1", "missed")], "D": [("D-1", "met")]}
    assert all(n["red_lines_crossed"] == [] for n in review["nations"])


# A log written by hand, for what the played run has none of: a restraint broken, and a
# national objective nothing has decided yet. B's restraint EX serves its objective B-1;
# the regional restraint EY is kept by A.
SPEC: dict[str, Any] = {
    "teams": [
        {"key": "A", "brief": {"objectives": [{"key": "A-1", "text": "Hold the pass"}]}},
        {"key": "B", "brief": {"objectives": [{"key": "B-1", "text": "Stay out of the valley"}]}},
    ],
    "injects": [
        {
            "key": "I1",
            "expect": [
                {
                    "key": "EX",
                    "event": "action.taken",
                    "restraint": True,
                    "where": {"kind": "deploy_forces"},
                    "within": 1800.0,
                    "points": 5,
                },
                {
                    "key": "EY",
                    "event": "action.taken",
                    "restraint": True,
                    "where": {"kind": "raise_alert"},
                    "within": 1800.0,
                    "points": 4,
                },
            ],
        }
    ],
    "scoring": {},
}
TEAMS = [{"key": "A", "name": "State A"}, {"key": "B", "name": "State B"}]


def decision(seq: int, kind: str, key: str, team: str, points: int, objective: str | None, by: int | None):
    data = {
        "expectation": key,
        "inject": "I1",
        "team": team,
        "teams": [team],
        "met_by": team if kind == "expectation.met" else None,
        "points": points,
        "objective": objective,
        "deadline": 900.0,
        "decided_by": by,
    }
    return {"seq": seq, "kind": kind, "exercise_time": float(seq), "actor": {"system": True}, "data": data}


LOG = [
    {
        "seq": 1,
        "kind": "inject.released",
        "exercise_time": 1.0,
        "actor": {"system": True},
        "data": {"key": "I1", "to": ["A", "B"]},
    },
    {
        "seq": 2,
        "kind": "action.taken",
        "exercise_time": 2.0,
        "actor": {"team": "B", "player": "Envoy"},
        "data": {"team": "B", "kind": "deploy_forces", "text": "", "escalation": 1},
    },
    decision(3, "expectation.missed", "EX", "B", 0, "B-1", 2),
    {
        "seq": 4,
        "kind": "action.taken",
        "exercise_time": 4.0,
        "actor": {"team": "B", "player": "Envoy"},
        "data": {"team": "B", "kind": "raise_alert", "text": "", "escalation": 2},
    },
    decision(5, "expectation.missed", "EY", "B", 0, None, 4),
    decision(6, "expectation.met", "EY", "A", 4, None, None),
]


def test_red_lines_crossed_open_objectives_and_the_region_from_a_log():
    board = scoreboard(SPEC, TEAMS, LOG)
    found = {n["key"]: n for n in nations(SPEC, board)}
    assert [
        (r["expectation"], r["forbidden"], r["where"], r["decided_by"]) for r in found["B"]["red_lines_crossed"]
    ] == [
        ("EX", "action.taken", {"kind": "deploy_forces"}, 2),
        ("EY", "action.taken", {"kind": "raise_alert"}, 4),
    ]
    assert found["A"]["red_lines_crossed"] == []
    assert [(o["key"], o["status"]) for o in found["A"]["objectives"]] == [("A-1", "open")]
    assert [(o["key"], o["status"]) for o in found["B"]["objectives"]] == [("B-1", "missed")]
    assert (found["A"]["national"], found["A"]["regional"]) == (0, 4)
    # Only EY is regional: 4 points at stake for each of A and B, earned by A.
    assert board["region"]["earned"] == 4 and board["region"]["possible"] == 8
    assert (board["region"]["peak_rung"], board["region"]["peak_teams"]) == (2, ["B"])
