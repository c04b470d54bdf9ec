"""The auth API: staff tokens for a password, players joining a team with its code, and the
limits on failed attempts from one address."""

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client

from exercise import exercises
from exercise.access import caller_for_token
from exercise.models import Player
from tests import builders

TOKEN = "/api/v1/auth/token"
JOIN = "/api/v1/join"
FAILURES_ALLOWED = 10  # JOIN_FAILURE_RATE = "10/5m"
OTHER_ADDRESS = "10.0.0.2"


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


def client_at(address: str) -> builders.ApiClient:
    return builders.ApiClient(Client(REMOTE_ADDR=address))


def test_the_limit_is_the_documented_one():
    assert django_settings.JOIN_FAILURE_RATE == "10/5m"


# --- staff tokens ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["facilitator", "evaluator", "observer"])
def test_a_right_password_gives_a_working_token_and_the_role(api, db, role):
    staff = builders.staff(role)

    response = api.post(TOKEN, {"username": staff.user.username, "password": staff.password})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["role"] == role
    assert body["token"] != staff.token  # a new token each time
    scenarios = api.get("/api/v1/scenarios", token=body["token"])
    assert scenarios.status_code == 200
    assert scenarios.json() == []


def test_a_token_from_the_endpoint_acts_with_its_role(api, facilitator, scenario):
    token = api.post(TOKEN, {"username": facilitator.user.username, "password": facilitator.password}).json()["token"]

    response = api.post("/api/v1/exercises", {"scenario_id": scenario.pk, "name": "Run"}, token=token)

    assert response.status_code == 201


@pytest.mark.parametrize(
    "credentials",
    [
        lambda staff: {"username": staff.user.username, "password": "wrong"},
        lambda staff: {"username": staff.user.username, "password": ""},
        lambda staff: {"username": "nobody", "password": staff.password},
    ],
    ids=["wrong-password", "empty-password", "unknown-user"],
)
def test_bad_credentials_answer_401(api, facilitator, credentials):
    assert_error(api.post(TOKEN, credentials(facilitator)), 401)


def test_a_user_without_a_staff_role_gets_no_token(api, db):
    get_user_model().objects.create_user(username="visitor", password="right-password")

    assert_error(api.post(TOKEN, {"username": "visitor", "password": "right-password"}), 401)


def test_a_staff_user_made_inactive_gets_no_token(api, facilitator):
    facilitator.user.is_active = False
    facilitator.user.save()

    assert_error(api.post(TOKEN, {"username": facilitator.user.username, "password": facilitator.password}), 401)


@pytest.mark.parametrize("body", [{}, {"username": "x"}, {"password": "x"}], ids=["empty", "no-password", "no-user"])
def test_a_token_request_missing_fields_answers_400(api, db, body):
    assert_error(api.post(TOKEN, body), 400)


# --- joining --------------------------------------------------------------------------


def join(api, code: str, name: str = "Lt. Col. Reyes"):
    return api.post(JOIN, {"code": code, "name": name})


def test_joining_with_a_code_gives_a_player_token(api, exercise):
    team = exercise.teams.get(key="BOR")

    response = join(api, team.join_code, "Lt. Col. Reyes")

    assert response.status_code in (200, 201), response.content
    body = response.json()
    assert {"token", "exercise_id", "team_id", "player_id"} <= set(body)
    assert (body["exercise_id"], body["team_id"]) == (exercise.pk, team.pk)
    player = Player.objects.get(pk=body["player_id"])
    assert (player.team_id, player.name) == (team.pk, "Lt. Col. Reyes")
    caller = caller_for_token(body["token"])
    assert caller is not None and caller.role == "player" and caller.player == player


def test_a_player_token_is_accepted_but_not_allowed_staff_reads(api, exercise):
    token = join(api, exercise.teams.first().join_code).json()["token"]

    # 403, not 401: the token is known, the role is not allowed
    assert_error(api.get(f"/api/v1/exercises/{exercise.pk}", token=token), 403)
    assert_error(api.get("/api/v1/scenarios", token=token), 403)


def test_each_join_makes_a_new_player(api, exercise):
    code = exercise.teams.first().join_code

    first = join(api, code, "Reyes").json()
    second = join(api, code, "Reyes").json()

    assert first["player_id"] != second["player_id"]
    assert first["token"] != second["token"]


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code.lower(),
        lambda code: f"  {code[:4]} {code[4:]}  ",
        lambda code: "-".join(code[i : i + 3] for i in range(0, len(code), 3)),
        lambda code: f"{code[:5].lower()}-{code[5:]}",
    ],
    ids=["lower-case", "spaces", "dashes", "mixed"],
)
def test_the_code_may_be_typed_loosely(api, exercise, typed):
    team = exercise.teams.get(key="CAL")

    response = join(api, typed(team.join_code))

    assert response.status_code in (200, 201), response.content
    assert response.json()["team_id"] == team.pk


def test_the_name_is_stored_with_its_spacing_tidied(api, exercise):
    body = join(api, exercise.teams.first().join_code, "  Lt.  Col.\tReyes ").json()

    assert Player.objects.get(pk=body["player_id"]).name == "Lt. Col. Reyes"


def test_a_name_of_80_characters_is_accepted(api, exercise):
    response = join(api, exercise.teams.first().join_code, "n" * 80)

    assert response.status_code in (200, 201)


@pytest.mark.parametrize("name", ["", "   ", "n" * 81, "n" * 500], ids=["empty", "blank", "81", "500"])
def test_an_empty_or_overlong_name_answers_400(api, exercise, name):
    response = join(api, exercise.teams.first().join_code, name)

    error = assert_error(response, 400)
    assert "name" in [d["path"] for d in error["details"]]
    assert not Player.objects.exists()


@pytest.mark.parametrize("code", ["WRONGCODE2", "", "----", "x" * 64, "x" * 65], ids=str)
def test_a_bad_code_is_refused(api, exercise, code):
    response = join(api, code)

    assert response.status_code in (400, 401, 404), response.content
    assert_error(response, response.status_code)
    assert not Player.objects.exists()


def test_a_code_of_another_exercise_joins_that_exercise(api, facilitator, scenario, exercise):
    other = builders.exercise(facilitator.caller, scenario)
    team = other.teams.get(key="ARC")

    body = join(api, team.join_code).json()

    assert (body["exercise_id"], body["team_id"]) == (other.pk, team.pk)


def test_joining_an_ended_exercise_answers_409(api, facilitator, exercise):
    for transition in ("start", "end"):
        exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition=transition)

    assert_error(join(api, exercise.teams.first().join_code), 409)
    assert not Player.objects.exists()


@pytest.mark.parametrize("transitions", [(), ("start",), ("start", "pause")], ids=["draft", "running", "paused"])
def test_joining_before_the_end_is_allowed(api, facilitator, exercise, transitions):
    for transition in transitions:
        exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition=transition)

    assert join(api, exercise.teams.first().join_code).status_code in (200, 201)


# --- limits on failed attempts --------------------------------------------------------


def fail_joins(api, times: int) -> None:
    for attempt in range(times):
        assert join(api, f"NOSUCHCODE{attempt}").status_code in (400, 401, 404)


def test_ten_failed_joins_block_the_address_even_with_a_right_code(api, exercise):
    code = exercise.teams.first().join_code
    fail_joins(api, FAILURES_ALLOWED)

    error = assert_error(join(api, code), 429)

    assert error["code"] == "rate_limited"
    assert not Player.objects.exists()
    assert_error(join(api, "NOSUCHCODE"), 429)


def test_nine_failed_joins_do_not_block(api, exercise):
    fail_joins(api, FAILURES_ALLOWED - 1)

    assert join(api, exercise.teams.first().join_code).status_code in (200, 201)


def test_a_blocked_address_does_not_block_another(api, exercise):
    code = exercise.teams.first().join_code
    fail_joins(api, FAILURES_ALLOWED)
    assert_error(join(api, code), 429)

    response = join(client_at(OTHER_ADDRESS), code)

    assert response.status_code in (200, 201), response.content
    assert Player.objects.count() == 1


def test_successful_joins_do_not_count_as_failures(api, exercise):
    code = exercise.teams.first().join_code
    fail_joins(api, FAILURES_ALLOWED - 1)
    for _ in range(5):
        assert join(api, code).status_code in (200, 201)

    # the tenth failure is still answered as a failure, not as a block
    assert join(api, "NOSUCHCODE").status_code in (400, 401, 404)
    assert_error(join(api, code), 429)


def test_the_join_limit_is_kept_in_redis_for_every_process(api, exercise, redis_url):
    import redis

    from gateway.ratelimits import KEY_PREFIX

    code = exercise.teams.first().join_code
    # the failures come from one client, the refusal goes to a fresh one at that address
    fail_joins(api, FAILURES_ALLOWED)
    assert_error(join(client_at("127.0.0.1"), code), 429)
    assert join(client_at(OTHER_ADDRESS), code).status_code in (200, 201)

    # the failures live in Redis, where every worker process reads them
    server = redis.Redis.from_url(redis_url)
    kept = [server.llen(key) for key in server.scan_iter(f"{KEY_PREFIX}:*join*127.0.0.1*")]
    assert kept == [FAILURES_ALLOWED]


def fail_tokens(api, staff: builders.Staff, times: int) -> None:
    for _ in range(times):
        assert_error(api.post(TOKEN, {"username": staff.user.username, "password": "wrong"}), 401)


def test_repeated_wrong_passwords_block_the_token_endpoint(api, facilitator):
    right = {"username": facilitator.user.username, "password": facilitator.password}
    fail_tokens(api, facilitator, FAILURES_ALLOWED)

    error = assert_error(api.post(TOKEN, right), 429)

    assert error["code"] == "rate_limited"
    assert client_at(OTHER_ADDRESS).post(TOKEN, right).status_code == 200


def test_right_passwords_do_not_count_as_failures(api, facilitator):
    right = {"username": facilitator.user.username, "password": facilitator.password}
    fail_tokens(api, facilitator, FAILURES_ALLOWED - 1)
    for _ in range(3):
        assert api.post(TOKEN, right).status_code == 200

    fail_tokens(api, facilitator, 1)
    assert_error(api.post(TOKEN, right), 429)
