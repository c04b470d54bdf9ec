"""The exercises API: creating an exercise, reading it, driving its clock, and who may do what."""

import json
from typing import Any

import pytest

from exercise import access, exercises
from exercise.models import Event, Exercise
from tests import builders

EXERCISES = "/api/v1/exercises"
TRANSITIONS = ("start", "pause", "resume", "end")

# The transitions (through the service) that bring a fresh draft exercise into each status.
REACH = {
    "draft": (),
    "running": ("start",),
    "paused": ("start", "pause"),
    "ended": ("start", "end"),
}
# Every (status, transition) the contract allows, and the status it leads to.
ALLOWED = {
    ("draft", "start"): "running",
    ("running", "pause"): "paused",
    ("running", "end"): "ended",
    ("paused", "resume"): "running",
    ("paused", "end"): "ended",
}
REFUSED = [
    (status, transition) for status in REACH for transition in TRANSITIONS if (status, transition) not in ALLOWED
]
EVENT_OF = {
    "start": "exercise.started",
    "pause": "exercise.paused",
    "resume": "exercise.resumed",
    "end": "exercise.ended",
}


def assert_error(response, status: int) -> dict[str, Any]:
    """The contract's error shape with this status; returns the error object."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)
    return error


def drive(facilitator: builders.Staff, exercise: Exercise, *transitions: str) -> Exercise:
    for transition in transitions:
        exercise = exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition=transition)
    return exercise


def kinds(exercise: Exercise) -> list[str]:
    return list(Event.objects.filter(exercise=exercise).order_by("seq").values_list("kind", flat=True))


# --- creating -------------------------------------------------------------------------


def test_create_answers_a_draft_with_teams_and_their_join_codes(api, facilitator, scenario):
    response = api.post(EXERCISES, {"scenario_id": scenario.pk, "name": "Morning run"}, token=facilitator.token)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    created = Exercise.objects.get(pk=body["id"])
    assert (created.name, created.status, created.scenario_id) == ("Morning run", "draft", scenario.pk)
    assert [(t["key"], t["name"]) for t in body["teams"]] == [
        ("ARC", "Republic of Arcadia"),
        ("BOR", "Borealis Federation"),
        ("CAL", "Kingdom of Caldera"),
    ]
    for team in body["teams"]:
        assert {"id", "key", "name", "join_code"} <= set(team)
        assert isinstance(team["join_code"], str) and len(team["join_code"]) >= 8
    codes = [t["join_code"] for t in body["teams"]]
    assert len(set(codes)) == len(codes)
    assert sorted(t["id"] for t in body["teams"]) == sorted(created.teams.values_list("pk", flat=True))


def test_a_join_code_handed_out_lets_a_player_into_that_team(api, facilitator, scenario):
    body = api.post(EXERCISES, {"scenario_id": scenario.pk, "name": "Run"}, token=facilitator.token).json()

    for team in body["teams"]:
        player, _token = access.join_team(code=team["join_code"], name="Reyes")
        assert (player.team_id, player.team.exercise_id) == (team["id"], body["id"])


def test_join_codes_differ_between_exercises(api, facilitator, scenario):
    codes = set()
    for number in range(4):
        response = api.post(EXERCISES, {"scenario_id": scenario.pk, "name": f"Run {number}"}, token=facilitator.token)
        assert response.status_code == 201
        codes |= {t["join_code"] for t in response.json()["teams"]}

    assert len(codes) == 4 * 3


def test_create_with_an_unknown_scenario_answers_404(api, facilitator):
    response = api.post(EXERCISES, {"scenario_id": 999_999, "name": "Run"}, token=facilitator.token)

    assert response.status_code in (400, 404)
    assert_error(response, response.status_code)
    assert not Exercise.objects.exists()


@pytest.mark.parametrize("name", ["", "x" * 201], ids=["empty", "too-long"])
def test_create_refuses_a_bad_name(api, facilitator, scenario, name):
    response = api.post(EXERCISES, {"scenario_id": scenario.pk, "name": name}, token=facilitator.token)

    error = assert_error(response, 400)
    assert "name" in [d["path"] for d in error["details"]]
    assert not Exercise.objects.exists()


# --- reading --------------------------------------------------------------------------


def test_get_shows_the_exercise_its_teams_and_injects(api, facilitator, exercise):
    response = api.get(f"{EXERCISES}/{exercise.pk}", token=facilitator.token)

    assert response.status_code == 200
    body = response.json()
    assert {"id", "name", "status", "speed", "exercise_time", "teams", "injects"} <= set(body)
    assert (body["id"], body["name"], body["status"]) == (exercise.pk, exercise.name, "draft")
    assert body["speed"] == 1.0
    assert body["exercise_time"] == 0
    assert [t["key"] for t in body["teams"]] == ["ARC", "BOR", "CAL"]
    assert [t["join_code"] for t in body["teams"]] == list(exercise.teams.values_list("join_code", flat=True))
    assert body["injects"] == [
        {"key": "I1", "title": "Exchange of fire at Karst Pass border post", "status": "pending", "due_at": 300.0},
        {"key": "I2", "title": "Second exchange of fire; casualties reported", "status": "pending", "due_at": None},
    ]


def test_get_follows_the_status(api, facilitator, exercise):
    drive(facilitator, exercise, "start", "pause")

    body = api.get(f"{EXERCISES}/{exercise.pk}", token=facilitator.token).json()

    assert body["status"] == "paused"
    assert body["exercise_time"] == Exercise.objects.get(pk=exercise.pk).clock_base


def test_list_shows_the_exercises(api, facilitator, scenario):
    first = builders.exercise(facilitator.caller, scenario)
    second = builders.exercise(facilitator.caller, scenario)

    response = api.get(EXERCISES, token=facilitator.token)

    assert response.status_code == 200
    assert sorted(e["id"] for e in response.json()) == sorted([first.pk, second.pk])


# --- status transitions ---------------------------------------------------------------


def test_a_whole_run_answers_status_and_time_and_logs_each_step(api, facilitator, exercise):
    answers = []
    for transition in TRANSITIONS:
        response = api.post(f"{EXERCISES}/{exercise.pk}/{transition}", token=facilitator.token)
        assert response.status_code == 200, response.content
        answers.append(response.json())

    assert [a["status"] for a in answers] == ["running", "paused", "running", "ended"]
    times = [a["exercise_time"] for a in answers]
    assert all(isinstance(t, float | int) for t in times)
    assert times[0] == pytest.approx(0, abs=1)
    assert times == sorted(times)  # never runs backwards
    # resuming continues from where the pause held it (the answer is read a moment later)
    assert times[2] == pytest.approx(times[1], abs=0.5)
    events = list(Event.objects.filter(exercise=exercise).order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert [e.kind for e in events] == [EVENT_OF[t] for t in TRANSITIONS]
    assert [e.data["status"] for e in events] == ["running", "paused", "running", "ended"]
    assert events[1].exercise_time == times[1]
    assert Exercise.objects.get(pk=exercise.pk).last_seq == 4


@pytest.mark.parametrize(("status", "transition"), list(ALLOWED), ids=[f"{s}-{t}" for s, t in ALLOWED])
def test_allowed_transition(api, facilitator, exercise, status, transition):
    drive(facilitator, exercise, *REACH[status])
    before = len(REACH[status])

    response = api.post(f"{EXERCISES}/{exercise.pk}/{transition}", token=facilitator.token)

    assert response.status_code == 200, response.content
    assert response.json()["status"] == ALLOWED[status, transition]
    assert Exercise.objects.get(pk=exercise.pk).status == ALLOWED[status, transition]
    events = Event.objects.filter(exercise=exercise).order_by("seq")
    assert list(events.values_list("seq", flat=True)) == list(range(1, before + 2))
    assert events.last().kind == EVENT_OF[transition]


@pytest.mark.parametrize(("status", "transition"), REFUSED, ids=[f"{s}-{t}" for s, t in REFUSED])
def test_refused_transition_answers_409_and_changes_nothing(api, facilitator, exercise, status, transition):
    drive(facilitator, exercise, *REACH[status])
    logged = kinds(exercise)

    response = api.post(f"{EXERCISES}/{exercise.pk}/{transition}", token=facilitator.token)

    assert_error(response, 409)
    assert Exercise.objects.get(pk=exercise.pk).status == status
    assert kinds(exercise) == logged


def test_the_transition_table_is_complete():
    assert len(ALLOWED) + len(REFUSED) == len(REACH) * len(TRANSITIONS) == 16


def test_seq_stays_gap_free_across_refusals_and_speed_changes(api, facilitator, exercise):
    steps = [
        ("pause", None),
        ("start", None),
        ("start", None),
        ("speed", {"speed": 4}),
        ("pause", None),
        ("pause", None),
        ("resume", None),
        ("end", None),
        ("resume", None),
    ]
    for path, body in steps:
        api.post(f"{EXERCISES}/{exercise.pk}/{path}", body, token=facilitator.token)

    events = Event.objects.filter(exercise=exercise).order_by("seq")
    assert list(events.values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    assert list(events.values_list("kind", flat=True)) == [
        "exercise.started",
        "exercise.speed_changed",
        "exercise.paused",
        "exercise.resumed",
        "exercise.ended",
    ]


# --- speed ----------------------------------------------------------------------------

GOOD_SPEEDS = [0.1, 1, 2.5, 60, 120]
BAD_SPEEDS = {
    "zero": 0,
    "below-min": 0.05,
    "above-max": 121,
    "negative": -1,
    "word": "fast",
    "numeric-string": "2",
    "true": True,
    "null": None,
}


@pytest.mark.parametrize("speed", GOOD_SPEEDS)
def test_speed_in_range_is_accepted(api, facilitator, exercise, speed):
    drive(facilitator, exercise, "start")

    response = api.post(f"{EXERCISES}/{exercise.pk}/speed", {"speed": speed}, token=facilitator.token)

    assert response.status_code == 200, response.content
    assert response.json() == {"speed": speed}
    assert Exercise.objects.get(pk=exercise.pk).speed == speed
    event = Event.objects.filter(exercise=exercise).order_by("seq").last()
    assert (event.seq, event.kind, event.data["speed"]) == (2, "exercise.speed_changed", speed)


@pytest.mark.parametrize("speed", GOOD_SPEEDS)
def test_speed_in_range_is_accepted_on_create(api, facilitator, scenario, speed):
    response = api.post(EXERCISES, {"scenario_id": scenario.pk, "name": "Run", "speed": speed}, token=facilitator.token)

    assert response.status_code == 201, response.content
    assert Exercise.objects.get(pk=response.json()["id"]).speed == speed


def _bad_speed_cases():
    cases = [pytest.param({"speed": value}, id=name) for name, value in BAD_SPEEDS.items()]
    return [*cases, pytest.param({}, id="missing")]


@pytest.mark.parametrize("body", _bad_speed_cases())
def test_bad_speed_answers_400_on_speed(api, facilitator, exercise, body):
    response = api.post(f"{EXERCISES}/{exercise.pk}/speed", body, token=facilitator.token)

    error = assert_error(response, 400)
    assert "speed" in [d["path"] for d in error["details"]]
    assert Exercise.objects.get(pk=exercise.pk).speed == 1.0
    assert kinds(exercise) == []


# a missing speed on create means the default, 1
@pytest.mark.parametrize("body", [c for c in _bad_speed_cases() if c.id != "missing"])
def test_bad_speed_answers_400_on_create(api, facilitator, scenario, body):
    response = api.post(EXERCISES, {"scenario_id": scenario.pk, "name": "Run", **body}, token=facilitator.token)

    error = assert_error(response, 400)
    assert "speed" in [d["path"] for d in error["details"]]
    assert not Exercise.objects.exists()


def test_speed_defaults_to_1_on_create(api, facilitator, scenario):
    response = api.post(EXERCISES, {"scenario_id": scenario.pk, "name": "Run"}, token=facilitator.token)

    assert Exercise.objects.get(pk=response.json()["id"]).speed == 1.0


@pytest.mark.parametrize("status", ["draft", "paused"])
def test_speed_can_change_before_the_end(api, facilitator, exercise, status):
    drive(facilitator, exercise, *REACH[status])

    response = api.post(f"{EXERCISES}/{exercise.pk}/speed", {"speed": 3}, token=facilitator.token)

    assert response.status_code == 200
    refreshed = Exercise.objects.get(pk=exercise.pk)
    assert (refreshed.speed, refreshed.status) == (3.0, status)


def test_speed_after_the_end_answers_409(api, facilitator, exercise):
    drive(facilitator, exercise, "start", "end")

    response = api.post(f"{EXERCISES}/{exercise.pk}/speed", {"speed": 2}, token=facilitator.token)

    assert_error(response, 409)
    assert Exercise.objects.get(pk=exercise.pk).speed == 1.0
    assert kinds(exercise) == ["exercise.started", "exercise.ended"]


# --- unknown exercise -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [("get", "", None), *[("post", f"/{t}", None) for t in TRANSITIONS], ("post", "/speed", {"speed": 2})],
    ids=["get", *TRANSITIONS, "speed"],
)
def test_unknown_exercise_answers_404(api, facilitator, method, suffix, body):
    path = f"{EXERCISES}/999999{suffix}"
    response = (
        api.get(path, token=facilitator.token) if method == "get" else api.post(path, body, token=facilitator.token)
    )

    assert_error(response, 404)


# --- who may do what ------------------------------------------------------------------

ROLES = ("anonymous", "player", "observer", "evaluator", "facilitator")
# name: (method, path under /api/v1/exercises, body, transitions to reach a state where
# a facilitator may do it, the facilitator's status)
ENDPOINTS: dict[str, tuple[str, str, Any, tuple[str, ...], int]] = {
    "create": ("post", "", "create", (), 201),
    "list": ("get", "", None, (), 200),
    "get": ("get", "/{id}", None, (), 200),
    "start": ("post", "/{id}/start", None, (), 200),
    "pause": ("post", "/{id}/pause", None, ("start",), 200),
    "resume": ("post", "/{id}/resume", None, ("start", "pause"), 200),
    "end": ("post", "/{id}/end", None, ("start",), 200),
    "speed": ("post", "/{id}/speed", {"speed": 2}, (), 200),
}
READS = {"list", "get"}


def expected_status(role: str, endpoint: str) -> int:
    if role == "anonymous":
        return 401
    if role == "facilitator":
        return ENDPOINTS[endpoint][4]
    if role in ("observer", "evaluator") and endpoint in READS:
        return 200
    return 403


@pytest.fixture
def token_of(exercise):
    def token(role: str) -> str | None:
        if role == "anonymous":
            return None
        if role == "player":
            return builders.player(exercise.teams.first()).token
        return builders.staff(role).token

    return token


def call(api, exercise: Exercise, endpoint: str, token: str | None):
    method, suffix, body, _reach, _status = ENDPOINTS[endpoint]
    path = EXERCISES + suffix.format(id=exercise.pk)
    if method == "get":
        return api.get(path, token=token)
    if body == "create":
        body = {"scenario_id": exercise.scenario_id, "name": "Another run"}
    return api.post(path, body, token=token)


MATRIX = [(role, endpoint) for endpoint in ENDPOINTS for role in ROLES]


@pytest.mark.parametrize(("role", "endpoint"), MATRIX, ids=[f"{e}-{r}" for r, e in MATRIX])
def test_role_matrix(api, facilitator, exercise, token_of, role, endpoint):
    exercise = drive(facilitator, exercise, *ENDPOINTS[endpoint][3])
    logged = kinds(exercise)
    token = token_of(role)

    response = call(api, exercise, endpoint, token)

    status = expected_status(role, endpoint)
    if status >= 400:
        assert_error(response, status)
        # a refused command changes nothing
        assert Exercise.objects.count() == 1
        refreshed = Exercise.objects.get(pk=exercise.pk)
        assert (refreshed.status, refreshed.speed) == (exercise.status, exercise.speed)
        assert kinds(exercise) == logged
    else:
        assert response.status_code == status, response.content
        if endpoint == "create":
            assert Exercise.objects.count() == 2
        elif endpoint in READS:
            body = response.json()
            assert (body[0] if endpoint == "list" else body)["id"] == exercise.pk
        else:
            assert kinds(exercise) == [*logged, EVENT_OF.get(endpoint, "exercise.speed_changed")]


@pytest.mark.parametrize("role", ["observer", "evaluator", "facilitator"])
@pytest.mark.parametrize("endpoint", sorted(READS))
def test_only_facilitators_see_join_codes(api, exercise, token_of, role, endpoint):
    response = call(api, exercise, endpoint, token_of(role))

    assert response.status_code == 200
    body = response.json()
    detail = body[0] if endpoint == "list" else body
    codes = [t["join_code"] for t in detail["teams"]]
    if role == "facilitator":
        assert codes == list(exercise.teams.values_list("join_code", flat=True))
    else:
        assert codes == [None, None, None]


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("token", ["not-a-token", "x" * 300], ids=["unknown", "overlong"])
def test_a_bad_token_answers_401(api, facilitator, exercise, endpoint, token):
    exercise = drive(facilitator, exercise, *ENDPOINTS[endpoint][3])

    assert_error(call(api, exercise, endpoint, token), 401)


def test_a_player_of_the_exercise_cannot_read_it(api, exercise):
    joined = builders.player(exercise.teams.first())

    assert_error(api.get(f"{EXERCISES}/{exercise.pk}", token=joined.token), 403)


# --- malformed requests ---------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/{id}/speed"], ids=["create", "speed"])
@pytest.mark.parametrize(
    "body", ["{not json", '{"speed": ', "[1, 2", "\xff\xfe"], ids=["brace", "cut", "list", "bytes"]
)
def test_malformed_json_answers_400(api, facilitator, exercise, suffix, body):
    path = EXERCISES + suffix.format(id=exercise.pk)

    response = api.post(path, body.encode("latin-1"), token=facilitator.token)

    assert_error(response, 400)
    assert Exercise.objects.count() == 1


@pytest.mark.parametrize("body", [[], "a string", 42], ids=["list", "string", "number"])
def test_json_that_is_not_an_object_answers_400(api, facilitator, body):
    response = api.post(EXERCISES, json.dumps(body), token=facilitator.token)

    assert_error(response, 400)


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/api/v1/exercises/1/nothing", "/api/v1/exercises/1/start/again"]
)
def test_unknown_path_answers_404_in_the_error_shape(api, facilitator, path):
    assert_error(api.get(path, token=facilitator.token), 404)


@pytest.mark.parametrize("transition", TRANSITIONS)
def test_wrong_method_answers_405_in_the_error_shape(api, facilitator, exercise, transition):
    response = api.get(f"{EXERCISES}/{exercise.pk}/{transition}", token=facilitator.token)

    assert_error(response, 405)
    assert Exercise.objects.get(pk=exercise.pk).status == "draft"


def test_wrong_method_on_the_collection_answers_405(api, facilitator):
    response = api.client.delete(EXERCISES, headers={"Authorization": f"Bearer {facilitator.token}"})

    assert_error(response, 405)
