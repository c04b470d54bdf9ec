"""National briefs (API.md "Team commands", GET .../brief): each of four teams reads its
own brief and no other's, over HTTP, the socket, its pages, its debrief and any export it
can reach; staff read every team's."""

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from exercise.models import Exercise
from gateway.sessions import SESSION_KEY
from tests import briefed, builders
from tests.realtime.sockets import open_socket

API = "/api/v1"
STAFF = ("facilitator", "evaluator", "observer")


@dataclass
class World:
    facilitator: builders.Staff
    exercise: Exercise
    tokens: dict[str, str] = field(default_factory=dict)
    players: dict[str, builders.Joined] = field(default_factory=dict)


@pytest.fixture
def world(facilitator):
    exercise = builders.exercise(facilitator.caller, briefed.scenario(facilitator.caller))
    players = {team.key: builders.player(team, f"Envoy of {team.key}") for team in exercise.teams.all()}
    tokens = {key: joined.token for key, joined in players.items()}
    tokens["facilitator"] = facilitator.token
    for role in ("evaluator", "observer"):
        tokens[role] = builders.staff(role).token
    return World(facilitator=facilitator, exercise=exercise, tokens=tokens, players=players)


def get(world: World, path: str, who: str | None):
    return builders.ApiClient(Client()).get(API + path, token=world.tokens[who] if who else None)


def foreign(team: str) -> list[str]:
    return [text for other in briefed.TEAMS if other != team for text in briefed.secrets(other)]


def assert_only_own(team: str, text: str, where: str) -> None:
    for secret in foreign(team):
        assert secret not in text, f"{team} was shown {secret!r} on {where}"


def expected_brief(team: str) -> dict[str, Any]:
    return {"team": team, **briefed.brief(team)}


def player_session(joined: builders.Joined) -> Client:
    client = Client()
    session = client.session
    session[SESSION_KEY] = joined.player.pk
    session.save()
    return client


@pytest.mark.django_db
def test_each_team_reads_its_own_brief_and_no_other(world):
    base = f"/exercises/{world.exercise.pk}/brief"
    for team in briefed.TEAMS:
        response = get(world, base, team)
        assert response.status_code == 200, response.content
        assert response.json() == expected_brief(team)
        assert get(world, f"{base}?team={team}", team).json() == expected_brief(team)
        for other in briefed.TEAMS:
            if other != team:
                refused = get(world, f"{base}?team={other}", team)
                assert refused.status_code == 403
                assert refused.json()["error"]["details"][0]["path"] == "team"
                assert_only_own(team, refused.content.decode(), f"{base}?team={other}")


@pytest.mark.django_db
def test_staff_read_every_brief_by_naming_the_team(world):
    base = f"/exercises/{world.exercise.pk}/brief"
    for who in STAFF:
        for team in briefed.TEAMS:
            assert get(world, f"{base}?team={team}", who).json() == expected_brief(team)
        unnamed = get(world, base, who)
        assert unnamed.status_code == 400
        assert unnamed.json()["error"]["details"][0]["path"] == "team"
        unknown = get(world, f"{base}?team=ZZZ", who)
        assert unknown.status_code == 404
        assert unknown.json()["error"]["details"][0]["path"] == "team"
    assert get(world, base, None).status_code == 401


@pytest.mark.django_db
def test_a_team_without_a_brief_gets_the_same_shape_empty(facilitator, api):
    scenario = builders.scenario(facilitator.caller, teams=builders.briefed_teams())
    exercise = builders.exercise(facilitator.caller, scenario)
    caldera = builders.player(exercise.teams.get(key="CAL"))
    response = api.get(f"{API}/exercises/{exercise.pk}/brief", token=caldera.token)
    assert response.json() == {"team": "CAL", "summary": "", "interests": [], "red_lines": [], "objectives": []}
    page = player_session(caldera).get("/team/").content.decode()
    assert "The scenario gives your team no national brief." in page
    assert "Arcadia sees a provocation" not in page and "Borealis believes" not in page


@pytest.mark.django_db
def test_a_player_of_another_exercise_reads_no_brief_of_this_one(world, facilitator):
    elsewhere = builders.exercise(facilitator.caller, briefed.scenario(facilitator.caller))
    stranger = builders.player(elsewhere.teams.get(key="A"))
    response = builders.ApiClient(Client()).get(f"{API}/exercises/{world.exercise.pk}/brief", token=stranger.token)
    assert response.status_code == 403


def player_get_paths(world: World) -> list[str]:
    """Every GET of the API with this exercise's (and its scenario's) ids filled in."""
    document = builders.ApiClient(Client()).get(f"{API}/openapi.json").json()
    ids = {"exercise_id": world.exercise.pk, "scenario_id": world.exercise.scenario_id}
    return [
        path.removeprefix(API).format(**ids)
        for path, operations in document["paths"].items()
        if "get" in operations and "{" not in path.format(**ids)
    ]


@pytest.mark.django_db
def test_no_player_answer_carries_another_teams_brief(world):
    briefed.play(world.exercise, world.facilitator, world.tokens)
    paths = player_get_paths(world)
    assert f"/exercises/{world.exercise.pk}/events" in paths and f"/exercises/{world.exercise.pk}/brief" in paths
    for team in briefed.TEAMS:
        for path in paths:
            response = get(world, path, team)
            assert_only_own(team, response.content.decode(), path)
        events = json.dumps(get(world, f"/exercises/{world.exercise.pk}/events", team).json())
        assert not any(secret in events for secret in briefed.secrets(team)), "a brief is never an event"


@pytest.mark.django_db
def test_each_teams_pages_and_debrief_show_its_own_brief_only(world):
    briefed.play(world.exercise, world.facilitator, world.tokens)
    for team, joined in world.players.items():
        browser = player_session(joined)
        for page in ("/team/", "/team/brief/", "/team/debrief/"):
            response = browser.get(page)
            assert response.status_code == 200, (team, page)
            html = response.content.decode()
            assert all(secret in html for secret in briefed.secrets(team)), (team, page)
            assert_only_own(team, html, page)
        console = browser.get("/team/").content.decode()
        assert "<h3>The road to the crisis</h3>" in console and "<em>months</em>" in console
        assert "<script>alert('x')</script>" not in console  # the read-ahead's Markdown is sanitised
        for export in (
            f"/exercises/{world.exercise.pk}/review/",
            f"/exercises/{world.exercise.pk}/review.pdf",
            f"/exercises/{world.exercise.pk}/events.csv",
            f"/facilitator/exercises/{world.exercise.pk}/",
        ):
            response = browser.get(export)
            assert response.status_code in (302, 403), (team, export)
            assert_only_own(team, response.content.decode(errors="replace"), export)


@pytest.mark.django_db
def test_staff_see_every_brief_in_the_control_room_and_the_review(world):
    briefed.play(world.exercise, world.facilitator, world.tokens)
    staff = Client()
    staff.force_login(world.facilitator.user)
    room = staff.get(f"/facilitator/exercises/{world.exercise.pk}/").content.decode()
    review = staff.get(f"/exercises/{world.exercise.pk}/review/").content.decode()
    for team in briefed.TEAMS:
        for secret in briefed.secrets(team):
            assert secret in room and secret in review, (team, secret)
    nations = get(world, f"/exercises/{world.exercise.pk}/review", "facilitator").json()["nations"]
    assert [n["brief"] for n in nations] == [expected_brief(team) for team in briefed.TEAMS]


async def drain(socket) -> list[dict]:
    """Every frame the socket has been sent, until it falls quiet."""
    frames = []
    try:
        while not await socket.receive_nothing(timeout=0.3):
            frames.append(json.loads(await socket.receive_from()))
    finally:
        await socket.disconnect()
    return frames


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_no_brief_ever_goes_over_the_socket(world):
    sockets = {team: await open_socket(world.exercise.pk, token=world.tokens[team]) for team in briefed.TEAMS}
    await database_sync_to_async(briefed.play)(world.exercise, world.facilitator, world.tokens)
    every_secret = [secret for team in briefed.TEAMS for secret in briefed.secrets(team)]
    for team, socket in sockets.items():
        live = await drain(socket)
        assert live[-1]["kind"] == "exercise.ended", team
        replayed = await drain(await open_socket(world.exercise.pk, token=world.tokens[team]))
        assert replayed == live, team
        text = json.dumps(live, ensure_ascii=False)
        assert not any(secret in text for secret in every_secret), team


@pytest.mark.django_db
def test_a_team_is_rated_against_its_own_national_objectives_only(world):
    briefed.play(world.exercise, world.facilitator, world.tokens)
    api = builders.ApiClient(Client())
    path = f"{API}/exercises/{world.exercise.pk}/ratings"
    rating = {"team": "A", "objective": "B-1", "rating": "S", "note": ""}
    refused = api.post(path, rating, token=world.tokens["facilitator"])
    assert refused.status_code == 400
    assert refused.json()["error"]["details"] == [{"path": "objective", "message": "a national objective of B"}]
    assert api.post(path, rating | {"team": "B"}, token=world.tokens["facilitator"]).status_code == 201
    assert api.post(path, rating | {"objective": "O1"}, token=world.tokens["facilitator"]).status_code == 201
    debrief = player_session(world.players["B"]).get("/team/debrief/").content.decode()
    assert "B-1: b-objective-secret" in debrief  # the rating, with its objective's words
    assert "B-1" not in player_session(world.players["A"]).get("/team/debrief/").content.decode()
