"""Bearer tokens as the API reads them: a player's token keeps naming the same player,
while the team's changing fields are read fresh; a staff token is looked up each time,
so a role taken away is refused at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercise import exercises
from exercise.models import ApiToken, Event
from tests import builders
from tests.api.test_exercises_api import assert_error

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def running(facilitator, exercise):
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    teams = {t.key: t for t in exercise.teams.all()}
    return {
        "exercise": exercise,
        "ARC": builders.player(teams["ARC"], "Col. Amsel"),
        "ARC2": builders.player(teams["ARC"], "Maj. Berg"),
        "BOR": builders.player(teams["BOR"], "Cdr. Brandt"),
    }


def act(api, running, who: str, kind: str = "raise_alert") -> dict:
    path = f"{API}/exercises/{running['exercise'].pk}/actions"
    response = api.post(path, {"kind": kind}, token=running[who].token)
    assert response.status_code == 201, response.content
    return response.json()


def actor(seq: int) -> dict:
    return Event.objects.get(seq=seq).actor


def token_lookups(queries: CaptureQueriesContext) -> int:
    table = ApiToken._meta.db_table
    return sum(table in query["sql"] for query in queries.captured_queries)


def test_a_players_token_names_the_same_player_on_every_request(api, running):
    with CaptureQueriesContext(connection) as queries:
        seqs = [act(api, running, "ARC")["seq"] for _ in range(3)]
    assert [actor(seq) for seq in seqs] == [{"team": "ARC", "player": "Col. Amsel"}] * 3
    assert token_lookups(queries) == 1  # kept after the first request
    assert actor(act(api, running, "BOR")["seq"]) == {"team": "BOR", "player": "Cdr. Brandt"}


def test_two_actions_in_a_row_see_the_rung_move(api, running):
    assert [act(api, running, "ARC")["escalation"] for _ in range(3)] == [1, 2, 3]
    assert act(api, running, "ARC", "lower_alert")["escalation"] == 2


def test_a_known_token_sees_the_rung_its_teammate_moved(api, running):
    assert act(api, running, "ARC")["escalation"] == 1
    assert act(api, running, "ARC2")["escalation"] == 2
    assert act(api, running, "ARC")["escalation"] == 3
    assert act(api, running, "BOR")["escalation"] == 1  # each team its own rung


def test_a_known_token_is_refused_once_the_exercise_is_paused(api, running, facilitator):
    act(api, running, "ARC")
    exercises.change_status(caller=facilitator.caller, exercise_id=running["exercise"].pk, transition="pause")
    path = f"{API}/exercises/{running['exercise'].pk}/actions"
    assert_error(api.post(path, {"kind": "raise_alert"}, token=running["ARC"].token), 409)


def test_a_staff_token_is_refused_once_its_role_is_taken_away(api, facilitator):
    assert api.get(f"{API}/exercises", token=facilitator.token).status_code == 200
    groups = list(facilitator.user.groups.all())
    facilitator.user.groups.clear()
    assert_error(api.get(f"{API}/exercises", token=facilitator.token), 401)
    facilitator.user.groups.set(groups)
    assert api.get(f"{API}/exercises", token=facilitator.token).status_code == 200


def test_a_staff_token_is_refused_once_the_account_is_disabled(api, facilitator):
    assert api.get(f"{API}/exercises", token=facilitator.token).status_code == 200
    facilitator.user.is_active = False
    facilitator.user.save(update_fields=["is_active"])
    assert_error(api.get(f"{API}/exercises", token=facilitator.token), 401)
