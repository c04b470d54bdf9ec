"""Confidence-building measures (notify_exercise, invite_observers, exchange_data): actions
every state sees, that never climb the ladder and that move the others' trust in the
actor by default weights a scenario may change."""

import re

import pytest
from django.test import Client

from exercise import exercises
from exercise.catalogue import sentence
from exercise.models import Event
from exercise.scenario_document import validate_document
from exercise.scenarios import scenario_spec
from exercise.scoring import scoreboard
from exercise.scoring.trust import DEFAULT_WEIGHTS
from exercise.steps import CONFIDENCE_MEASURES
from tests import builders

pytestmark = pytest.mark.django_db

API = "/api/v1"
TEAMS = ("ARC", "BOR", "CAL", "DRV")


@pytest.fixture
def four(facilitator):
    """A running exercise of four states, a player's token in each; ``scoring`` as given."""

    def begin(**scoring: dict) -> tuple[object, dict[str, str]]:
        scenario = builders.scenario(
            facilitator.caller,
            teams=[{"key": key, "name": f"State {key}"} for key in TEAMS],
            injects=[
                {
                    "key": "I1",
                    "at": "1h",
                    "title": "Drills",
                    "kind": "other",
                    "severity": "low",
                    "to": "all",
                    "body": "",
                }
            ],
            scoring=scoring,
        )
        exercise = builders.exercise(facilitator.caller, scenario)
        exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
        tokens = {team.key: builders.player(team, f"Attaché of {team.key}").token for team in exercise.teams.all()}
        return exercise, tokens | {"facilitator": facilitator.token}

    return begin


def act(api, exercise, token: str, kind: str, text: str = "") -> dict:
    response = api.post(f"{API}/exercises/{exercise.pk}/actions", {"kind": kind, "text": text}, token=token)
    assert response.status_code == 201, response.content
    return response.json()


def events(api, exercise, token: str) -> list[dict]:
    response = api.get(f"{API}/exercises/{exercise.pk}/events?after=0", token=token)
    assert response.status_code == 200, response.content
    return response.json()


def board(exercise) -> dict:
    teams = [{"key": t.key, "name": t.name} for t in exercise.teams.all()]
    log = [
        {"seq": e.seq, "kind": e.kind, "actor": e.actor, "data": e.data, "exercise_time": e.exercise_time}
        for e in Event.objects.filter(exercise=exercise).order_by("seq")
    ]
    return scoreboard(scenario_spec(exercise.scenario), teams, log)


def test_a_measure_never_moves_its_team_on_the_ladder(api, four):
    # Even where the scenario makes the alert climb two rungs at a time.
    exercise, tokens = four(escalation={"raise_alert": 2})
    assert act(api, exercise, tokens["ARC"], "raise_alert")["escalation"] == 2
    for kind in CONFIDENCE_MEASURES:
        assert act(api, exercise, tokens["ARC"], kind)["escalation"] == 2
    assert exercise.teams.get(key="ARC").escalation == 2
    assert [row["escalation"] for row in board(exercise)["teams"]] == [2, 0, 0, 0]


def test_every_state_sees_a_measure_over_http(api, four):
    exercise, tokens = four()
    taken = act(api, exercise, tokens["BOR"], "invite_observers", "Observers welcome at Exercise Iron Gate.")
    for who in (*TEAMS, "facilitator"):
        [seen] = [e for e in events(api, exercise, tokens[who]) if e["seq"] == taken["seq"]]
        assert (seen["kind"], seen["data"]["kind"], seen["data"]["team"]) == ("action.taken", "invite_observers", "BOR")
        assert seen["summary"] == (
            "BOR invited foreign observers to its forces' activities, a confidence-building measure "
            "(rung 0 · Routine posture): Observers welcome at Exercise Iron Gate."
        )


def test_the_others_trust_the_actor_more_by_the_default_weights(api, four):
    exercise, tokens = four()
    for kind in CONFIDENCE_MEASURES:
        act(api, exercise, tokens["ARC"], kind)
    result = board(exercise)
    expected = sum(DEFAULT_WEIGHTS[f"action.{kind}"] for kind in CONFIDENCE_MEASURES)
    assert expected > 0
    for other in ("BOR", "CAL", "DRV"):
        assert result["trust"][other]["ARC"] == expected
        rules = [move["rule"] for move in result["trust_breakdown"][other]["ARC"]]
        assert rules == [f"action.{kind}" for kind in CONFIDENCE_MEASURES]
    assert all(value == 0 for value in result["trust"]["ARC"].values())  # its own trust in others stays


def test_a_scenario_sets_its_own_weights_for_them(api, four):
    exercise, tokens = four(trust={"action.exchange_data": 3, "action.notify_exercise": -0.5})
    act(api, exercise, tokens["CAL"], "exchange_data", "Order of battle of the 3rd Brigade")
    act(api, exercise, tokens["CAL"], "notify_exercise", "Exercise Northern Shield, 12-14 May")
    assert board(exercise)["trust"]["ARC"]["CAL"] == 2.5


def test_the_scenario_document_names_their_trust_rules():
    spec = validate_document(builders.document(scoring={"trust": {"action.invite_observers": 2}}))
    assert spec["scoring"]["trust"] == {"action.invite_observers": 2}


def test_the_team_console_offers_them_apart_from_the_moves_on_the_ladder(exercise):
    client = Client()
    client.post("/join/", {"code": exercise.teams.get(key="ARC").join_code, "name": "Col. Amsel"})
    page = client.get("/team/").content.decode()
    measures = re.search(r"<legend>Confidence-building measures.*?</fieldset>", page, re.S)
    ladder = re.search(r"<legend>Moves on the escalation ladder.*?</fieldset>", page, re.S)
    assert measures and ladder
    for kind, label in [
        ("notify_exercise", "Notify an exercise in advance"),
        ("invite_observers", "Invite observers"),
        ("exchange_data", "Exchange military data"),
    ]:
        button = f'<button type="submit" name="kind" value="{kind}">{label}</button>'
        assert button in measures.group(0) and kind not in ladder.group(0)


def test_the_log_reads_each_measure_as_what_a_state_did():
    said = {
        kind: sentence(
            {
                "kind": "action.taken",
                "actor": {"team": "ARC", "player": "Col. Amsel"},
                "data": {"team": "ARC", "kind": kind, "text": "", "escalation": 0, "rung": "Routine posture"},
            }
        )
        for kind in CONFIDENCE_MEASURES
    }
    assert said == {
        "notify_exercise": "ARC gave advance notice of a military exercise, a confidence-building measure "
        "(rung 0 · Routine posture)",
        "invite_observers": "ARC invited foreign observers to its forces' activities, a confidence-building "
        "measure (rung 0 · Routine posture)",
        "exchange_data": "ARC shared military data with its neighbours, a confidence-building measure "
        "(rung 0 · Routine posture)",
    }
