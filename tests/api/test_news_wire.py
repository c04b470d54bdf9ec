"""The news wire (API.md: POST .../media, `media.published`): scripted items at a time and
on a trigger, ad-hoc items from the control cell and every team's public statement each
reach exactly their teams, over HTTP and the socket."""

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from exercise import exercises
from exercise.models import Exercise
from tests import builders
from tests.exercise.test_wire import advance
from tests.realtime.sockets import open_socket, receive_until

API = "/api/v1"
TEAMS = ("A", "B", "C", "D")
MEDIA = [
    {"key": "M1", "at": "3m", "persona": "WIRE", "headline": "Shots heard at the pass", "body": "Unconfirmed."},
    {
        "key": "M2",
        "trigger": {"after": "I1", "delay": "1m"},
        "persona": "UNSG",
        "headline": "Envoy to visit B and C",
        "body": "",
        "to": ["B", "C"],
    },
]
STATEMENT = "<script>x()</script> B stands by its neighbours & calls for calm."


@pytest.fixture
def wire(facilitator):
    scenario = builders.scenario(
        facilitator.caller,
        teams=[{"key": key, "name": f"State {key}"} for key in TEAMS],
        personas=builders.PERSONAS,
        injects=[{"key": "I1", "at": "5m", "title": "Incident", "kind": "other", "severity": "low", "to": ["A"]}],
        media=MEDIA,
    )
    exercise = builders.exercise(facilitator.caller, scenario)
    tokens = {team.key: builders.player(team, f"Press officer {team.key}").token for team in exercise.teams.all()}
    tokens["facilitator"] = facilitator.token
    for role in ("evaluator", "observer"):
        tokens[role] = builders.staff(role).token
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    return exercise, tokens


def post(exercise: Exercise, token: str, path: str, body: dict, status: int = 201) -> dict:
    response = builders.ApiClient(Client()).post(f"{API}/exercises/{exercise.pk}/{path}", body, token=token)
    assert response.status_code == status, response.content
    return response.json()


def publish(exercise: Exercise, token: str, body: dict, status: int = 201) -> dict:
    return post(exercise, token, "media", body, status)


def on_the_wire(exercise: Exercise, token: str) -> list[dict]:
    response = builders.ApiClient(Client()).get(f"{API}/exercises/{exercise.pk}/events?after=0", token=token)
    assert response.status_code == 200
    return [e["data"] for e in response.json() if e["kind"] == "media.published"]


def play(exercise: Exercise, tokens: dict[str, str]) -> None:
    """Two scripted items, two ad-hoc ones and a public statement; B's raised alert is no news."""
    staff = tokens["facilitator"]
    advance(exercise, 300)  # M1 at 3m, then I1 at 5m
    advance(exercise, 61)  # M2 a minute after I1
    publish(exercise, staff, {"persona": "WIRE", "headline": "Markets fall in A and D", "to": ["A", "D"]})
    publish(exercise, staff, {"persona": "UNSG", "headline": "Security Council to meet", "body": "At *noon*."})
    post(exercise, tokens["B"], "actions", {"kind": "raise_alert", "text": "Border units on alert."})
    post(exercise, tokens["B"], "actions", {"kind": "public_statement", "text": STATEMENT})


# Each item by key, and the teams it reaches.
REACHES = {"M1": "ABCD", "M2": "BC", "W1": "AD", "W2": "ABCD", "W3": "ABCD"}


@pytest.mark.django_db
def test_each_item_reaches_exactly_its_teams_and_staff_see_all(wire):
    exercise, tokens = wire
    play(exercise, tokens)
    for team in TEAMS:
        assert [item["key"] for item in on_the_wire(exercise, tokens[team])] == [
            key for key, teams in REACHES.items() if team in teams
        ], team
    for role in ("facilitator", "evaluator", "observer"):
        items = on_the_wire(exercise, tokens[role])
        assert [(i["key"], i["source"]) for i in items] == [
            ("M1", "scenario"),
            ("M2", "scenario"),
            ("W1", "cell"),
            ("W2", "cell"),
            ("W3", "team"),
        ]
    w1, w2 = on_the_wire(exercise, tokens["facilitator"])[2:4]
    assert (w1["to"], w1["persona_name"], w1["body"]) == (["A", "D"], "Regional News Wire", "")
    assert (w2["to"], w2["body_html"]) == (list(TEAMS), "<p>At <em>noon</em>.</p>")


@pytest.mark.django_db
def test_a_public_statement_is_on_every_teams_wire_in_the_teams_own_words(wire):
    exercise, tokens = wire
    play(exercise, tokens)
    for who in (*TEAMS, "observer"):
        statement = on_the_wire(exercise, tokens[who])[-1]
        assert statement == {
            "key": "W3",
            "persona": "B",
            "persona_name": "State B",
            "headline": "Public statement",
            "body": STATEMENT,
            "body_html": "<p>&lt;script&gt;x()&lt;/script&gt; B stands by its neighbours &amp; calls for calm.</p>",
            "to": list(TEAMS),
            "source": "team",
        }


@pytest.mark.django_db
def test_the_answer_is_the_item_and_its_seq_and_a_repeat_makes_nothing_new(wire):
    exercise, tokens = wire
    body = {"persona": "WIRE", "headline": "Ferry services suspended", "body": "", "to": "all", "client_id": "w-1"}
    first = publish(exercise, tokens["facilitator"], body)
    assert first == {
        "id": first["id"],
        "key": "W1",
        "persona": "WIRE",
        "headline": "Ferry services suspended",
        "body": "",
        "to": list(TEAMS),
        "source": "cell",
        "seq": first["seq"],
    }
    assert publish(exercise, tokens["facilitator"], body) == first
    assert publish(exercise, tokens["facilitator"], body | {"client_id": "w-2"})["key"] == "W2"


BAD_INPUT = [
    # (who, body, status, path)
    ("A", {"persona": "WIRE", "headline": "We write the news"}, 403, None),
    ("evaluator", {"persona": "WIRE", "headline": "Notes"}, 403, None),
    ("observer", {"persona": "WIRE", "headline": "Notes"}, 403, None),
    ("facilitator", {"persona": "PRESS", "headline": "Who?"}, 400, "persona"),
    ("facilitator", {"headline": "Who?"}, 400, "persona"),
    ("facilitator", {"persona": "WIRE"}, 400, "headline"),
    ("facilitator", {"persona": "WIRE", "headline": " "}, 400, "headline"),
    ("facilitator", {"persona": "WIRE", "headline": "x" * 201}, 413, "headline"),
    ("facilitator", {"persona": "WIRE", "headline": "Long", "body": "x" * 20_001}, 413, "body"),
    ("facilitator", {"persona": "WIRE", "headline": "To", "to": ["A", "ZZ"]}, 400, "to[1]"),
    ("facilitator", {"persona": "WIRE", "headline": "To", "to": []}, 400, "to"),
    ("facilitator", {"persona": "WIRE", "headline": "To", "to": "everyone"}, 400, "to"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "body", "status", "path"), BAD_INPUT)
def test_bad_input_is_refused_with_the_contracts_error(wire, who, body, status, path):
    exercise, tokens = wire
    answer = publish(exercise, tokens[who], body, status)
    assert set(answer) == {"error"} and answer["error"]["message"]
    if path is not None:
        assert path in [d["path"] for d in answer["error"]["details"]], answer
    assert on_the_wire(exercise, tokens["facilitator"]) == []


@pytest.mark.django_db
def test_the_wire_takes_items_while_the_exercise_runs_or_is_paused(wire, facilitator):
    exercise, tokens = wire
    item = {"persona": "WIRE", "headline": "Roads closed"}
    draft = builders.exercise(facilitator.caller, exercise.scenario)
    assert publish(draft, tokens["facilitator"], item, 409)["error"]["code"] == "invalid_state"
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="pause")
    publish(exercise, tokens["facilitator"], item)
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="end")
    publish(exercise, tokens["facilitator"], item, 409)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_each_socket_receives_exactly_its_items_live(wire):
    exercise, tokens = wire
    sockets = {who: await open_socket(exercise.pk, token=tokens[who]) for who in ("facilitator", *TEAMS)}
    await database_sync_to_async(play)(exercise, tokens)
    last = (await database_sync_to_async(on_the_wire)(exercise, tokens["facilitator"]))[-1]
    for who, socket in sockets.items():
        try:
            frames = await receive_until(socket, 0)
            while not any(f["kind"] == "media.published" and f["data"]["key"] == last["key"] for f in frames):
                frames += await receive_until(socket, frames[-1]["seq"] + 1)
            assert await socket.receive_nothing(timeout=0.1)
        finally:
            await socket.disconnect()
        keys = [f["data"]["key"] for f in frames if f["kind"] == "media.published"]
        assert keys == [key for key, teams in REACHES.items() if who == "facilitator" or who in teams], who
