"""The control cell's threads (API.md: POST .../cell-messages, `cell.message`): the
facilitator writes as a persona, each team answers in its own thread, and no team ever
sees another's thread: over HTTP, the socket, the debrief and the replay."""

import json

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from exercise import exercises, injects
from exercise.models import Event, Exercise
from exercise.review import report
from tests import builders
from tests.realtime.sockets import open_socket, receive_until

API = "/api/v1"
TEAMS = ("A", "B", "C", "D")

# Each thread's words, by the teams that may read them.
TO_AB = "UNSG to A and B: will you meet in Geneva? <b>now</b>"
TO_C = "WIRE to C: comment on the footage?"
A_ANSWERS = "A to UNSG: we accept the invitation."
B_ANSWERS = "B to the cell: we need a day."
C_ANSWERS = "C to WIRE: no comment."
D_WRITES = "D to the cell, unprompted: we request an envoy."
READERS = {TO_AB: "AB", TO_C: "C", A_ANSWERS: "A", B_ANSWERS: "B", C_ANSWERS: "C", D_WRITES: "D"}


@pytest.fixture
def cell(facilitator):
    scenario = builders.scenario(
        facilitator.caller,
        teams=[{"key": key, "name": f"State {key}"} for key in TEAMS],
        personas=builders.PERSONAS,
        injects=[{"key": "I1", "at": "1h", "title": "Later", "kind": "other", "severity": "low", "to": "all"}],
    )
    exercise = builders.exercise(facilitator.caller, scenario)
    tokens = {team.key: builders.player(team, f"Envoy of {team.key}").token for team in exercise.teams.all()}
    tokens["facilitator"] = facilitator.token
    for role in ("evaluator", "observer"):
        tokens[role] = builders.staff(role).token
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    return exercise, tokens


def post(exercise: Exercise, token: str, body: dict, status: int = 201) -> dict:
    api = builders.ApiClient(Client())
    response = api.post(f"{API}/exercises/{exercise.pk}/cell-messages", body, token=token)
    assert response.status_code == status, response.content
    return response.json()


def converse(exercise: Exercise, tokens: dict[str, str]) -> None:
    staff = tokens["facilitator"]
    post(exercise, staff, {"persona": "UNSG", "to": ["A", "B"], "text": TO_AB})
    post(exercise, staff, {"persona": "WIRE", "to": ["C"], "text": TO_C})
    post(exercise, tokens["A"], {"persona": "UNSG", "text": A_ANSWERS})
    post(exercise, tokens["B"], {"text": B_ANSWERS})
    post(exercise, tokens["C"], {"persona": "WIRE", "to": ["C"], "text": C_ANSWERS})
    post(exercise, tokens["D"], {"text": D_WRITES})


def http_events(exercise: Exercise, token: str) -> list[dict]:
    response = builders.ApiClient(Client()).get(f"{API}/exercises/{exercise.pk}/events?after=0", token=token)
    assert response.status_code == 200
    return response.json()


def threads(events: list[dict]) -> list[str]:
    return [e["data"]["text"] for e in events if e["kind"] == "cell.message"]


def assert_only_own_threads(who: str, events: list[dict]) -> None:
    assert threads(events) == [text for text, readers in READERS.items() if who in readers], who
    seen = json.dumps(events, ensure_ascii=False)
    for text, readers in READERS.items():
        if who not in readers:
            assert text not in seen, f"{who} saw {text!r}"


@pytest.mark.django_db
def test_each_team_sees_its_own_thread_and_staff_see_every_thread_over_http(cell):
    exercise, tokens = cell
    converse(exercise, tokens)
    for who in TEAMS:
        assert_only_own_threads(who, http_events(exercise, tokens[who]))
    for role in ("facilitator", "evaluator", "observer"):
        assert threads(http_events(exercise, tokens[role])) == list(READERS)
    messages = [e for e in http_events(exercise, tokens["facilitator"]) if e["kind"] == "cell.message"]
    assert [(m["data"]["from"], m["data"]["to"], m["data"]["persona"]) for m in messages] == [
        ("cell", ["A", "B"], "UNSG"),
        ("cell", ["C"], "WIRE"),
        ("A", ["A"], "UNSG"),
        ("B", ["B"], None),
        ("C", ["C"], "WIRE"),
        ("D", ["D"], None),
    ]
    assert messages[0]["data"]["persona_name"] == "Office of the UN Secretary-General"
    assert messages[0]["actor"]["role"] == "facilitator"
    assert messages[2]["actor"] == {"team": "A", "player": "Envoy of A"}
    assert messages[0]["summary"] == f"Control cell as Office of the UN Secretary-General → A, B: {TO_AB}"
    assert messages[3]["summary"] == f"B (Envoy of B) → the control cell: {B_ANSWERS}"


@pytest.mark.django_db
def test_the_answer_is_the_message_and_its_seq_and_a_repeat_makes_nothing_new(cell):
    exercise, tokens = cell
    body = {"persona": "UNSG", "to": ["A", "B", "A"], "text": TO_AB, "client_id": "envoy-1"}
    first = post(exercise, tokens["facilitator"], body)
    assert first == {
        "id": first["id"],
        "persona": "UNSG",
        "from": "cell",
        "to": ["A", "B"],
        "author": first["author"],
        "text": TO_AB,
        "seq": first["seq"],
    }
    assert post(exercise, tokens["facilitator"], body) == first
    answer = post(exercise, tokens["A"], {"text": "  Agreed.  ", "client_id": "a-1"})
    assert (answer["from"], answer["to"], answer["persona"], answer["text"]) == ("A", ["A"], None, "  Agreed.  ")
    assert answer["seq"] == first["seq"] + 1
    assert len(threads(http_events(exercise, tokens["facilitator"]))) == 2


@pytest.mark.django_db
def test_after_the_end_each_debrief_and_replay_holds_only_the_teams_own_thread(cell, facilitator):
    exercise, tokens = cell
    converse(exercise, tokens)
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="end")
    exercise = exercises.get_exercise(exercise.pk)
    for team in exercise.teams.all():
        caller = builders.Joined(player=team.players.get(), token="").caller
        debrief = report.debrief(caller=caller, exercise=exercise)
        assert_only_own_threads(team.key, debrief["timeline"])
        knew = report.replay(caller=facilitator.caller, exercise=exercise, moment=10**6, team=team.key)["team"]
        feed = json.dumps(knew["feed"], ensure_ascii=False)
        for text, readers in READERS.items():
            assert (text in feed) == (team.key in readers), (team.key, text)


BAD_INPUT = [
    # (who, body, status, path)
    ("facilitator", {"to": ["A"], "text": "Hello"}, 400, "persona"),
    ("facilitator", {"persona": "NOBODY", "to": ["A"], "text": "Hello"}, 400, "persona"),
    ("facilitator", {"persona": "UNSG", "to": ["A", "ZZ"], "text": "Hello"}, 400, "to[1]"),
    ("facilitator", {"persona": "UNSG", "to": [], "text": "Hello"}, 400, "to"),
    ("facilitator", {"persona": "UNSG", "text": "Hello"}, 400, "to"),
    ("facilitator", {"persona": "UNSG", "to": "A", "text": "Hello"}, 400, "to"),
    ("facilitator", {"persona": "UNSG", "to": ["A"], "text": "   "}, 400, "text"),
    ("facilitator", {"persona": "UNSG", "to": ["A"], "text": "x" * 4001}, 413, "text"),
    ("A", {"text": "Hello", "persona": "NOBODY"}, 400, "persona"),
    ("A", {"text": "Hello", "to": ["B"]}, 403, "to"),
    ("A", {"text": "Hello", "to": ["A", "B"]}, 403, "to"),
    ("A", {"text": "x" * 4001}, 413, "text"),
    ("A", {}, 400, "text"),
    ("evaluator", {"persona": "UNSG", "to": ["A"], "text": "Hello"}, 403, None),
    ("observer", {"persona": "UNSG", "to": ["A"], "text": "Hello"}, 403, None),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "body", "status", "path"), BAD_INPUT)
def test_bad_input_is_refused_with_the_contracts_error(cell, who, body, status, path):
    exercise, tokens = cell
    answer = post(exercise, tokens[who], body, status)
    assert set(answer) == {"error"} and answer["error"]["message"]
    if path is not None:
        assert path in [d["path"] for d in answer["error"]["details"]], answer
    assert threads(http_events(exercise, tokens["facilitator"])) == []


@pytest.mark.django_db
def test_the_cell_speaks_while_the_exercise_runs_or_is_paused(cell, facilitator):
    exercise, tokens = cell
    staff = facilitator.caller
    draft = builders.exercise(staff, exercise.scenario)
    body = {"persona": "UNSG", "to": ["A"], "text": "Hello"}
    assert post(draft, tokens["facilitator"], body, 409)["error"]["code"] == "invalid_state"
    exercises.change_status(caller=staff, exercise_id=exercise.pk, transition="pause")
    post(exercise, tokens["facilitator"], body)
    post(exercise, tokens["A"], {"text": "Paused?"}, 409)  # teams act while the clock runs
    exercises.change_status(caller=staff, exercise_id=exercise.pk, transition="end")
    post(exercise, tokens["facilitator"], body, 409)
    assert post(draft, tokens["A"], {"text": "Hello"}, 403)["error"]["code"] == "forbidden"  # not A's exercise


async def collect(socket, last_seq: int) -> list[dict]:
    try:
        frames = await receive_until(socket, last_seq)
        assert await socket.receive_nothing(timeout=0.1)
    finally:
        await socket.disconnect()
    return frames


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_each_socket_receives_only_its_own_thread_live_and_on_replay(cell):
    exercise, tokens = cell
    watchers = ("facilitator", *TEAMS)
    live = {who: await open_socket(exercise.pk, token=tokens[who]) for who in watchers}
    await database_sync_to_async(converse)(exercise, tokens)
    for who in watchers:
        expected = await database_sync_to_async(http_events)(exercise, tokens[who])
        frames = await collect(live[who], expected[-1]["seq"])
        assert frames == expected
        replayed = await collect(await open_socket(exercise.pk, token=tokens[who]), expected[-1]["seq"])
        assert replayed == expected
        if who == "facilitator":
            assert threads(frames) == list(READERS)
        else:
            assert_only_own_threads(who, frames)


@pytest.mark.django_db
def test_an_answer_to_a_persona_can_meet_an_expectation(facilitator):
    expect = {"key": "E1", "each": ["ARC"], "event": "cell.message", "where": {"persona": "UNSG"}, "within": "15m"}
    envoy_calls = {"key": "I1", "at": "1h", "title": "Envoy calls", "kind": "other", "severity": "low", "to": ["ARC"]}
    scenario = builders.scenario(
        facilitator.caller, personas=builders.PERSONAS, injects=[envoy_calls | {"expect": [expect]}]
    )
    exercise = builders.exercise(facilitator.caller, scenario)
    arc = builders.player(exercise.teams.get(key="ARC"))
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    injects.release_now(caller=facilitator.caller, exercise_id=exercise.pk, key="I1")
    post(exercise, arc.token, {"persona": "WIRE", "text": "No comment."})
    assert not Event.objects.filter(exercise=exercise, kind="expectation.met").exists()
    answer = post(exercise, arc.token, {"persona": "UNSG", "text": "We receive the envoy."})
    met = Event.objects.get(exercise=exercise, kind="expectation.met")
    assert (met.data["expectation"], met.data["team"], met.data["decided_by"]) == ("E1", "ARC", answer["seq"])
