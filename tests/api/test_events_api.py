"""Inject overrides and the events endpoint over HTTP, with the roles that may call them."""

import pytest

from exercise import exercises, injects
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(facilitator, exercise):
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    return exercise


@pytest.fixture
def players(running):
    return {team.key: builders.player(team, f"Player of {team.key}") for team in running.teams.all()}


def error_code(response) -> str:
    return response.json()["error"]["code"]


def test_release_now_answers_the_release_event_then_409(api, facilitator, running):
    path = f"/api/v1/exercises/{running.pk}/injects/I1/release"
    response = api.post(path, token=facilitator.token)
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "inject.released"
    assert body["data"]["key"] == "I1"
    assert body["seq"] == 2
    again = api.post(path, token=facilitator.token)
    assert again.status_code == 409
    assert error_code(again) == "invalid_state"


def test_skip_needs_a_reason_and_refuses_a_released_inject(api, facilitator, running):
    base = f"/api/v1/exercises/{running.pk}/injects"
    assert api.post(f"{base}/I1/skip", {"reason": ""}, token=facilitator.token).status_code == 400
    skipped = api.post(f"{base}/I1/skip", {"reason": "Overtaken by events"}, token=facilitator.token)
    assert skipped.status_code == 200
    assert skipped.json()["kind"] == "inject.skipped"
    api.post(f"{base}/I2/release", token=facilitator.token)
    assert api.post(f"{base}/I2/skip", {"reason": "late"}, token=facilitator.token).status_code == 409


def test_ad_hoc_inject_is_created_and_released(api, facilitator, running):
    body = {
        "title": "Ferry missing",
        "body": "A ferry is overdue.",
        "kind": "maritime",
        "severity": "high",
        "to": ["CAL"],
    }
    response = api.post(f"/api/v1/exercises/{running.pk}/injects", body, token=facilitator.token)
    assert response.status_code == 201
    assert response.json()["data"] | {"key": "X1", "to": ["CAL"], "title": "Ferry missing"} == response.json()["data"]
    bad = api.post(f"/api/v1/exercises/{running.pk}/injects", body | {"to": ["XYZ"]}, token=facilitator.token)
    assert bad.status_code == 400
    assert bad.json()["error"]["details"] == [{"path": "to[0]", "message": "unknown team key 'XYZ'"}]


def test_unknown_inject_is_404(api, facilitator, running):
    assert api.post(f"/api/v1/exercises/{running.pk}/injects/NOPE/release", token=facilitator.token).status_code == 404


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 401), ("player", 403), ("observer", 403), ("evaluator", 403)]
)
def test_only_facilitators_may_override_injects(api, running, players, role, expected):
    token = {"anonymous": None, "player": players["ARC"].token}.get(role)
    if role in ("observer", "evaluator"):
        token = builders.staff(role).token
    base = f"/api/v1/exercises/{running.pk}/injects"
    calls = [
        (f"{base}/I1/release", None),
        (f"{base}/I1/skip", {"reason": "x"}),
        (base, {"title": "t", "body": "", "kind": "other", "severity": "low", "to": "all"}),
    ]
    for path, body in calls:
        response = api.post(path, body, token=token)
        assert response.status_code == expected, path
        assert "error" in response.json()


def test_events_endpoint_shows_each_caller_its_audience(api, facilitator, running, players):
    caller = facilitator.caller
    injects.send_adhoc(
        caller=caller, exercise_id=running.pk, title="ARC only", body="", kind="other", severity="low", to=["ARC"]
    )
    injects.send_adhoc(
        caller=caller, exercise_id=running.pk, title="All", body="", kind="other", severity="low", to="all"
    )
    injects.skip(caller=caller, exercise_id=running.pk, key="I1", reason="staff only")
    path = f"/api/v1/exercises/{running.pk}/events"

    def seen(token, after=0):
        response = api.get(f"{path}?after={after}", token=token)
        assert response.status_code == 200
        return [(e["seq"], e["prev"], e["kind"]) for e in response.json()]

    assert seen(facilitator.token) == [
        (1, 0, "exercise.started"),
        (2, 1, "inject.released"),
        (3, 2, "inject.released"),
        (4, 3, "inject.skipped"),
    ]
    assert seen(players["ARC"].token) == [
        (1, 0, "exercise.started"),
        (2, 1, "inject.released"),
        (3, 2, "inject.released"),
    ]
    assert seen(players["BOR"].token) == [(1, 0, "exercise.started"), (3, 1, "inject.released")]
    assert seen(players["BOR"].token, after=2) == [(3, 1, "inject.released")]
    assert seen(builders.staff("observer").token, after=3) == [(4, 3, "inject.skipped")]


def test_events_endpoint_refuses_outsiders(api, facilitator, running, scenario, players):
    other = builders.exercise(facilitator.caller, scenario)
    assert api.get(f"/api/v1/exercises/{other.pk}/events", token=players["ARC"].token).status_code == 403
    assert api.get(f"/api/v1/exercises/{running.pk}/events").status_code == 401
    assert api.get(f"/api/v1/exercises/{running.pk}/events?after=-1", token=facilitator.token).status_code == 400
    assert api.get("/api/v1/exercises/999999/events", token=facilitator.token).status_code == 404
