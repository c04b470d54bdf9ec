"""Tokens expire and can be revoked, by their holder over the API or by an operator with
manage.py; an expired or revoked token is refused everywhere a token is taken."""

import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from exercise import exercises
from exercise.models import ApiToken
from exercise.models.access import hash_token
from gateway.player_tokens import PlayerTokens
from tests import builders

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def running(facilitator, exercise):
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    return exercise


def events_answer(api, exercise, token: str) -> int:
    return api.get(f"{API}/exercises/{exercise.pk}/events", token=token).status_code


def expire(token: str) -> None:
    ApiToken.objects.filter(digest=hash_token(token)).update(expires_at=timezone.now() - timedelta(seconds=1))


def test_tokens_are_issued_with_the_configured_lifetimes(settings, running, facilitator):
    player = builders.player(running.teams.get(key="ARC"))
    for token, lifetime in (
        (facilitator.token, settings.STAFF_TOKEN_LIFETIME),
        (player.token, settings.PLAYER_TOKEN_LIFETIME),
    ):
        record = ApiToken.objects.get(digest=hash_token(token))
        assert record.expires_at - record.created_at == pytest.approx(lifetime, abs=timedelta(seconds=5))


@pytest.mark.parametrize("who", ["staff", "player"])
def test_an_expired_token_is_refused(api, running, facilitator, who):
    token = facilitator.token if who == "staff" else builders.player(running.teams.get(key="ARC")).token
    expire(token)
    assert events_answer(api, running, token) == 401


def test_a_process_keeps_a_player_token_no_longer_than_it_serves(running):
    """A server process keeps a player's token for a minute, but never past its expiry."""
    player = builders.player(running.teams.get(key="ARC"))
    tokens = PlayerTokens()
    assert tokens.caller(player.token).player.pk == player.player.pk
    assert tokens.known(player.token) is not None
    tokens = PlayerTokens()
    ApiToken.objects.filter(digest=hash_token(player.token)).update(expires_at=timezone.now() + timedelta(seconds=2))
    assert tokens.caller(player.token) is not None
    assert tokens.known(player.token) is not None
    deadline = time.monotonic() + 10
    while tokens.known(player.token) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert tokens.known(player.token) is None
    assert tokens.caller(player.token) is None


def test_many_tokens_are_looked_up_at_once_as_one_by_one(running, facilitator, django_assert_max_num_queries):
    """What a storm of reconnecting sockets asks for: each token's caller, as ``caller``
    gives it, with the players' ones kept; unknown, expired and overlong tokens find none."""
    arc, bor = builders.player(running.teams.get(key="ARC")), builders.player(running.teams.get(key="BOR"))
    expired = builders.player(running.teams.get(key="ARC")).token
    expire(expired)
    tokens = PlayerTokens()
    asked = [arc.token, bor.token, facilitator.token, expired, "never-issued", "x" * 201]
    with django_assert_max_num_queries(3):  # the tokens, and the staff user's role
        found = tokens.callers(asked)
    assert found[arc.token].player.pk == arc.player.pk
    assert found[bor.token].team.key == "BOR"
    assert found[facilitator.token].is_staff
    assert [found[token] for token in asked[3:]] == [None, None, None]
    assert tokens.known(arc.token).player.pk == arc.player.pk
    assert tokens.known(facilitator.token) is None  # a staff token is always looked up


def test_a_holder_revokes_their_own_token(api, running):
    player = builders.player(running.teams.get(key="ARC"))
    assert events_answer(api, running, player.token) == 200  # this process now keeps it

    response = api.post(f"{API}/auth/revoke", token=player.token)

    assert response.status_code == 200, response.content
    assert response.json() == {"revoked": True}
    assert events_answer(api, running, player.token) == 401
    assert api.post(f"{API}/auth/revoke", token=player.token).status_code == 401


def test_revoking_needs_a_token(api, db):
    assert api.post(f"{API}/auth/revoke").status_code == 401


def test_an_operator_revokes_a_staff_users_tokens(api, running, facilitator):
    other = builders.staff("evaluator")
    out = StringIO()
    call_command("revoketokens", "--user", facilitator.user.username, stdout=out)
    assert "Revoked 1 token of staff user" in out.getvalue()
    assert events_answer(api, running, facilitator.token) == 401
    assert events_answer(api, running, other.token) == 200


def test_an_operator_revokes_every_player_token_of_an_exercise(api, running, facilitator):
    players = [builders.player(team) for team in running.teams.all()]
    out = StringIO()
    call_command("revoketokens", "--exercise", str(running.pk), stdout=out)
    assert f"Revoked {len(players)} tokens of the players of exercise {running.pk}" in out.getvalue()
    assert {events_answer(api, running, player.token) for player in players} == {401}
    assert events_answer(api, running, facilitator.token) == 200


def test_the_command_needs_one_owner(db):
    with pytest.raises(CommandError):
        call_command("revoketokens")
