"""Who sees what (API.md "Events", Visibility): four teams, one event of every
team-visible kind, checked per team and staff token over HTTP and the WebSocket."""

import json
from dataclasses import dataclass, field

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from exercise import exercises, injects
from tests import builders
from tests.realtime.sockets import open_socket, receive_until

API = "/api/v1"
TEAMS = ("A", "B", "C", "D")
STAFF = ("facilitator", "evaluator", "observer")
EVERYONE = frozenset(TEAMS)
NOBODY = frozenset()  # staff only

# What each channel's participants write; outsiders must never receive it.
AB_TEXTS = ("ab-call-from-A <script>", "ab-call-from-B", "ab-op-objective", "ab-op-narrative")
ABC_TEXTS = (
    "abc-dialogue-title",
    "abc-said-in-dialogue",
    "abc-joint-statement",
    "abc-amended-statement",
    "abc-reservation",
)
C_TEXTS = ("c-report-on-everyone-inject",)
A_TEXTS = ("a-only-inject-body",)

# The events play() produces, in order: (kind, audience of teams), from API.md Visibility.
EXPECTED = [
    ("exercise.started", EVERYONE),
    ("inject.released", frozenset("A")),
    ("inject.released", EVERYONE),
    ("inject.skipped", NOBODY),
    ("hotline.requested", frozenset("AB")),
    ("hotline.declined", frozenset("AB")),
    ("hotline.requested", frozenset("AB")),
    ("hotline.accepted", frozenset("AB")),
    ("hotline.message", frozenset("AB")),
    ("hotline.message", frozenset("AB")),
    ("hotline.cut", frozenset("AB")),
    ("hotline.restored", frozenset("AB")),
    ("hotline.closed", frozenset("AB")),
    ("dialogue.convened", frozenset("ABC")),
    ("dialogue.message", frozenset("ABC")),
    ("statement.proposed", frozenset("ABC")),
    ("statement.amended", frozenset("ABC")),
    ("statement.endorsed", frozenset("ABC")),
    ("statement.endorsed", frozenset("ABC")),
    ("statement.adopted", frozenset("ABC")),
    ("jointop.proposed", frozenset("AB")),
    ("jointop.accepted", frozenset("AB")),
    ("jointop.adjudicated", frozenset("AB")),
    ("action.taken", EVERYONE),
    ("report.submitted", frozenset("C")),
]


def expected_seqs(who: str) -> list[int]:
    """The seqs ``who`` (a team key or a staff role) sees; seq n is EXPECTED[n - 1]."""
    return [n for n, (_kind, audience) in enumerate(EXPECTED, start=1) if who in STAFF or who in audience]


@dataclass
class World:
    facilitator: builders.Staff
    exercise: object
    tokens: dict[str, str] = field(default_factory=dict)


def inject(key: str, at: str, to, body: str) -> dict:
    return {"key": key, "at": at, "title": f"Inject {key}", "kind": "other", "severity": "low", "to": to, "body": body}


@pytest.fixture
def world(facilitator):
    scenario = builders.scenario(
        facilitator.caller,
        teams=[{"key": key, "name": f"State {key}"} for key in TEAMS],
        injects=[
            inject("IA", "5m", ["A"], "a-only-inject-body"),
            inject("IALL", "10m", "all", "For every state."),
            inject("ISKIP", "20m", ["B"], "b-inject-never-sent"),
        ],
        scoring={"trust": {"hotline.accepted": 1}},
    )
    exercise = builders.exercise(facilitator.caller, scenario)
    tokens = {team.key: builders.player(team, f"Envoy of {team.key}").token for team in exercise.teams.all()}
    tokens["facilitator"] = facilitator.token
    for role in ("evaluator", "observer"):
        tokens[role] = builders.staff(role).token
    return World(facilitator=facilitator, exercise=exercise, tokens=tokens)


def play(world: World) -> None:
    """One event of every team-visible kind, through the services and the API as users would."""
    api = builders.ApiClient(Client())
    exercise = world.exercise
    base = f"{API}/exercises/{exercise.pk}"
    staff = world.facilitator.caller

    def post(path: str, body=None, who: str = "A", status: int = 201) -> dict:
        response = api.post(path if path.startswith(API) else API + path, body, token=world.tokens[who])
        assert response.status_code == status, response.content
        return response.json()

    exercises.change_status(caller=staff, exercise_id=exercise.pk, transition="start")
    injects.release_now(caller=staff, exercise_id=exercise.pk, key="IA")
    injects.release_now(caller=staff, exercise_id=exercise.pk, key="IALL")
    injects.skip(caller=staff, exercise_id=exercise.pk, key="ISKIP", reason="Overtaken by events")

    first = post(f"{base}/hotlines", {"to": "B"})["id"]
    post(f"/hotlines/{first}/decline", who="B", status=200)
    line = post(f"{base}/hotlines", {"to": "B"})["id"]
    post(f"/hotlines/{line}/accept", who="B", status=200)
    post(f"/hotlines/{line}/messages", {"text": AB_TEXTS[0]}, "A")
    post(f"/hotlines/{line}/messages", {"text": AB_TEXTS[1]}, "B")
    outage = post(f"{base}/hotline-outages", {"teams": ["A", "B"]}, "facilitator")["id"]
    post(f"/hotline-outages/{outage}/end", who="facilitator", status=200)
    post(f"/hotlines/{line}/close", who="A", status=200)

    dialogue = post(f"{base}/dialogues", {"title": ABC_TEXTS[0], "invite": ["B", "C"]})["id"]
    post(f"/dialogues/{dialogue}/messages", {"text": ABC_TEXTS[1]}, "B")
    statement = post(f"/dialogues/{dialogue}/statements", {"text": ABC_TEXTS[2]}, "A")["id"]
    post(f"/statements/{statement}/amend", {"text": ABC_TEXTS[3]}, "B", status=200)
    post(f"/statements/{statement}/endorse", {"reservation": ABC_TEXTS[4]}, "A", status=200)
    assert post(f"/statements/{statement}/endorse", who="C", status=200)["adopted"] is True

    operation = post(f"{base}/joint-operations", {"kind": "joint_patrol", "partners": ["B"], "objective": AB_TEXTS[2]})[
        "id"
    ]
    post(f"/joint-operations/{operation}/accept", who="B", status=200)
    post(
        f"/joint-operations/{operation}/adjudicate",
        {"outcome": "succeeded", "narrative": AB_TEXTS[3]},
        "facilitator",
        status=200,
    )

    post(f"{base}/actions", {"kind": "raise_alert", "text": "D raises its alert."}, "D")
    post(f"{base}/reports", {"inject": "IALL", "text": C_TEXTS[0]}, "C")


def http_events(world: World, who: str, after: int = 0) -> list[dict]:
    api = builders.ApiClient(Client())
    response = api.get(f"{API}/exercises/{world.exercise.pk}/events?after={after}", token=world.tokens[who])
    assert response.status_code == 200, response.content
    return response.json()


def assert_audience(who: str, events: list[dict]) -> None:
    """Exactly the expected events, in order, with a consistent ``prev`` chain."""
    seqs = [e["seq"] for e in events]
    assert seqs == expected_seqs(who), who
    assert [e["prev"] for e in events] == [0, *seqs[:-1]], who
    assert [e["kind"] for e in events] == [EXPECTED[seq - 1][0] for seq in seqs], who


def assert_no_foreign_text(who: str, events: list[dict]) -> None:
    seen = json.dumps(events, ensure_ascii=False)
    foreign = {
        "A": C_TEXTS,
        "B": C_TEXTS + A_TEXTS,
        "C": AB_TEXTS + A_TEXTS,
        "D": AB_TEXTS + ABC_TEXTS + C_TEXTS + A_TEXTS,
    }[who]
    for text in foreign:
        assert text not in seen, f"{who} received {text!r}"
    assert "b-inject-never-sent" not in seen


@pytest.mark.django_db
def test_each_token_gets_exactly_its_audience_over_http(world):
    play(world)
    staff_view = http_events(world, "facilitator")
    assert [e["kind"] for e in staff_view] == [kind for kind, _audience in EXPECTED]  # and nothing else
    assert [e["data"]["key"] for e in staff_view if e["kind"] == "inject.released"] == ["IA", "IALL"]
    for who in (*TEAMS, *STAFF):
        events = http_events(world, who)
        assert_audience(who, events)
        if who in STAFF:
            assert events == staff_view
        else:
            assert_no_foreign_text(who, events)
            full = {e["seq"]: e for e in staff_view}
            assert all(e | {"prev": full[e["seq"]]["prev"]} == full[e["seq"]] for e in events)


@pytest.mark.django_db
def test_resuming_after_a_seq_continues_the_same_chain(world):
    play(world)
    for who in (*TEAMS, *STAFF):
        everything = http_events(world, who)
        for after in (1, 2, 4, 7, 13, 16, 17, 22, 23, 24, 25):
            assert http_events(world, who, after) == [e for e in everything if e["seq"] > after], (who, after)


@pytest.mark.django_db
def test_each_team_sees_only_its_own_channels_by_kind(world):
    play(world)
    kinds = {who: {e["kind"] for e in http_events(world, who)} for who in TEAMS}
    private = {"hotline.", "dialogue.", "statement.", "jointop.", "report."}
    assert {k for k in kinds["D"] if k.startswith(tuple(private))} == set()
    assert not {k for k in kinds["C"] if k.startswith(("hotline.", "jointop."))}
    assert "report.submitted" not in kinds["A"] | kinds["B"] | kinds["D"]
    assert "inject.skipped" not in set().union(*kinds.values())
    assert all("action.taken" in kinds[who] for who in TEAMS)


async def collect(world: World, who: str, after: int = 0, socket=None) -> list[dict]:
    socket = socket or await open_socket(world.exercise.pk, token=world.tokens[who], after=after)
    try:
        frames = await receive_until(socket, expected_seqs(who)[-1])
        assert await socket.receive_nothing(timeout=0.1), f"{who} received more than its audience"
    finally:
        await socket.disconnect()
    return frames


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_each_socket_receives_exactly_its_audience_live(world):
    sockets = {who: await open_socket(world.exercise.pk, token=world.tokens[who]) for who in (*TEAMS, *STAFF)}
    await database_sync_to_async(play)(world)
    for who, socket in sockets.items():
        frames = await collect(world, who, socket=socket)
        assert_audience(who, frames)
        assert frames == await database_sync_to_async(http_events)(world, who)
        if who in TEAMS:
            assert_no_foreign_text(who, frames)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_each_socket_replays_exactly_its_audience_from_any_seq(world):
    await database_sync_to_async(play)(world)
    for who in (*TEAMS, *STAFF):
        frames = await collect(world, who)
        assert_audience(who, frames)
        assert frames == await database_sync_to_async(http_events)(world, who)
        if who in TEAMS:
            assert_no_foreign_text(who, frames)
        middle = frames[len(frames) // 2]["seq"]
        resumed = await collect(world, who, after=middle)
        assert resumed == [f for f in frames if f["seq"] > middle]
