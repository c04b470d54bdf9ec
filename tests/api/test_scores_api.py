"""Scores, ratings, notes and presence over HTTP (API.md "Scores and review"), with the
roles that may use them and what players never see."""

import pytest
from channels.db import database_sync_to_async

from exercise import exercises
from tests import builders
from tests.realtime.sockets import open_socket, receive_until

pytestmark = pytest.mark.django_db

API = "/api/v1"
INJECTS = [
    {
        "key": "I1",
        "at": "5m",
        "title": "Shots at the border post",
        "kind": "border_tension",
        "severity": "high",
        "to": "all",
        "body": "",
        "expect": [
            {
                "key": "E1",
                "each": "all",
                "event": "hotline.requested",
                "within": "15m",
                "points": 10,
                "objective": "O1",
            },
            {
                "key": "E2",
                "any": ["ARC", "BOR"],
                "event": "action.taken",
                "where": {"kind": "public_statement"},
                "within": "15m",
                "points": 5,
            },
        ],
    }
]
RATING = {"team": "ARC", "objective": "O1", "rating": "S", "note": "Slow to call"}
NOTE = {"text": "ARC called BOR first", "team": "ARC"}


@pytest.fixture
def running(facilitator):
    scenario = builders.scenario(facilitator.caller, injects=INJECTS)
    exercise = builders.exercise(facilitator.caller, scenario)
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    return exercise


@pytest.fixture
def tokens(running, facilitator):
    """A token per role; the player is in ARC."""
    return {
        "facilitator": facilitator.token,
        "evaluator": builders.staff("evaluator").token,
        "observer": builders.staff("observer").token,
        "player": builders.player(running.teams.get(key="ARC")).token,
        "anonymous": None,
    }


@pytest.fixture
def players(running):
    return {t.key: builders.player(t, f"Officer of {t.key}").token for t in running.teams.all()}


def play(api, exercise, facilitator, players) -> dict[str, dict]:
    """I1 goes out; ARC and BOR call, ARC makes a statement, BOR raises its alert; CAL does
    nothing. The answers: the release and ARC's call."""
    base = f"{API}/exercises/{exercise.pk}"
    release = api.post(f"{base}/injects/I1/release", token=facilitator.token)
    calls = [
        api.post(f"{base}/hotlines", {"to": to}, token=players[team]) for team, to in [("ARC", "BOR"), ("BOR", "CAL")]
    ]
    moves = [
        api.post(f"{base}/actions", {"kind": kind, "text": "We act"}, token=players[team])
        for team, kind in [("ARC", "public_statement"), ("BOR", "raise_alert")]
    ]
    assert [r.status_code for r in (release, *calls, *moves)] == [200, 201, 201, 201, 201]
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="end")
    return {"release": release.json(), "arc_call": calls[0].json()}


def test_scores_have_the_documented_shape_and_totals(api, running, facilitator, players):
    played = play(api, running, facilitator, players)
    response = api.get(f"{API}/exercises/{running.pk}/scores", token=facilitator.token)
    assert response.status_code == 200
    body = response.json()
    rows = {row["key"]: row for row in body["teams"]}
    assert list(rows) == ["ARC", "BOR", "CAL"]
    for row in rows.values():
        assert {"key", "total", "expectations", "responsiveness", "escalation"} <= set(row)
        assert row["total"] == sum(e["points"] for e in row["expectations"] if e["status"] == "met")
    # ARC: E1 10 + E2 (credited to ARC, whose statement met it) 5; BOR: E1 10; CAL missed E1.
    assert {key: row["total"] for key, row in rows.items()} == {"ARC": 15, "BOR": 10, "CAL": 0}
    assert [(e["expectation"], e["status"]) for e in rows["CAL"]["expectations"]] == [("E1", "missed")]
    assert {key: row["escalation"] for key, row in rows.items()} == {"ARC": 0, "BOR": 1, "CAL": 0}
    assert rows["CAL"]["responsiveness"]["mean_seconds"] is None
    [arc_answer] = rows["ARC"]["responsiveness"]["items"]
    assert (arc_answer["released_seq"], arc_answer["response_seq"]) == (
        played["release"]["seq"],
        played["arc_call"]["seq"],
    )
    assert rows["ARC"]["responsiveness"]["mean_seconds"] == arc_answer["seconds"] > 0
    # BOR trusts ARC +0.5 (ARC called it); CAL trusts BOR +0.5 (BOR called it) and -0.5
    # (BOR raised its alert), as does ARC: -0.5.
    assert body["trust"] == {
        "ARC": {"BOR": -0.5, "CAL": 0.0},
        "BOR": {"ARC": 0.5, "CAL": 0.0},
        "CAL": {"ARC": 0.0, "BOR": 0.0},
    }


def test_a_rating_is_answered_with_what_was_recorded(api, running, facilitator):
    response = api.post(f"{API}/exercises/{running.pk}/ratings", RATING, token=facilitator.token)
    assert response.status_code == 201
    body = response.json()
    assert body | RATING == body
    assert {"id", "seq"} <= set(body)
    ratings = api.get(f"{API}/exercises/{running.pk}/scores", token=facilitator.token).json()["teams"][0]["ratings"]
    assert ratings["O1"]["ratings"][0]["rating"] == "S"


@pytest.mark.parametrize(
    "change",
    [
        {"rating": "X"},
        {"rating": "p"},
        {"rating": ""},
        {"objective": "O9"},
        {"team": "ZZZ"},
        {"note": "x" * 20_001},
    ],
    ids=["rating-X", "lowercase", "empty", "unknown-objective", "unknown-team", "note-too-long"],
)
def test_a_bad_rating_is_400(api, running, facilitator, change):
    response = api.post(f"{API}/exercises/{running.pk}/ratings", RATING | change, token=facilitator.token)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_a_draft_exercise_cannot_be_evaluated_yet_but_an_ended_one_can(api, facilitator, exercise):
    base = f"{API}/exercises/{exercise.pk}"
    assert api.post(f"{base}/ratings", RATING, token=facilitator.token).status_code == 409
    assert api.post(f"{base}/notes", NOTE, token=facilitator.token).status_code == 409
    for transition in ("start", "end"):
        exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition=transition)
    assert api.post(f"{base}/ratings", RATING, token=facilitator.token).status_code == 201


def test_a_note_is_kept_exactly_as_written(api, running, facilitator):
    text = "  <b>ARC</b> & BOR talked\n"
    response = api.post(f"{API}/exercises/{running.pk}/notes", {"text": text}, token=facilitator.token)
    assert response.status_code == 201
    assert response.json() | {"text": text, "team": None} == response.json()


@pytest.mark.parametrize("body", [{"text": ""}, {"text": "   "}, {}, {"text": "x", "team": "ZZZ"}])
def test_a_bad_note_is_400(api, running, facilitator, body):
    assert api.post(f"{API}/exercises/{running.pk}/notes", body, token=facilitator.token).status_code == 400


READ = {"facilitator": 200, "evaluator": 200, "observer": 200, "player": 403, "anonymous": 401}
WRITE = {"facilitator": 201, "evaluator": 201, "observer": 403, "player": 403, "anonymous": 401}
ENDPOINTS = {
    "scores": ("get", None, READ),
    "presence": ("get", None, READ),
    "ratings": ("post", RATING, WRITE),
    "notes": ("post", NOTE, WRITE),
}


@pytest.mark.parametrize("role", list(READ))
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_role_matrix(api, running, tokens, endpoint, role):
    method, body, expected = ENDPOINTS[endpoint]
    path = f"{API}/exercises/{running.pk}/{endpoint}"
    response = api.get(path, token=tokens[role]) if method == "get" else api.post(path, body, token=tokens[role])
    assert response.status_code == expected[role], response.content


def test_players_never_see_decisions_ratings_or_notes(api, running, facilitator, players):
    base = f"{API}/exercises/{running.pk}"
    assert api.post(f"{base}/ratings", RATING, token=facilitator.token).status_code == 201
    assert api.post(f"{base}/notes", NOTE, token=facilitator.token).status_code == 201
    play(api, running, facilitator, players)
    staff_only = {"expectation.met", "expectation.missed", "rating.given", "note.added"}
    seen_by_staff = {e["kind"] for e in api.get(f"{base}/events", token=facilitator.token).json()}
    assert staff_only <= seen_by_staff
    for team, token in players.items():
        response = api.get(f"{base}/events", token=token)
        assert response.status_code == 200
        kinds = {e["kind"] for e in response.json()}
        assert "inject.released" in kinds and not kinds & staff_only, team


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_presence_counts_open_sockets_per_team(api, facilitator, exercise):
    caller = await database_sync_to_async(lambda: facilitator.caller)()
    await database_sync_to_async(exercises.change_status)(caller=caller, exercise_id=exercise.pk, transition="start")
    arc_team = await database_sync_to_async(exercise.teams.get)(key="ARC")
    arc = await database_sync_to_async(builders.player)(arc_team)
    path = f"{API}/exercises/{exercise.pk}/presence"

    @database_sync_to_async
    def presence() -> dict:
        response = api.get(path, token=facilitator.token)
        assert response.status_code == 200
        return response.json()

    async def connect(token: str):
        socket = await open_socket(exercise.pk, token=token)
        await receive_until(socket, 1)  # the replay follows the count
        return socket

    assert await presence() == {"teams": {"ARC": 0, "BOR": 0, "CAL": 0}, "staff": 0}
    player_socket = await connect(arc.token)
    staff_socket = await connect(facilitator.token)
    assert await presence() == {"teams": {"ARC": 1, "BOR": 0, "CAL": 0}, "staff": 1}
    await player_socket.disconnect()
    assert await presence() == {"teams": {"ARC": 0, "BOR": 0, "CAL": 0}, "staff": 1}
    await staff_socket.disconnect()
    assert await presence() == {"teams": {"ARC": 0, "BOR": 0, "CAL": 0}, "staff": 0}
