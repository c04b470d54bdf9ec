"""The bad inputs an attack on the production shape answered with a 500 (issue "Trust the
record"), each now a 4xx with the contract's error shape, and nothing written."""

import json

import pytest
import yaml

from exercise import exercises
from exercise.models import Event, Scenario
from tests import builders

pytestmark = pytest.mark.django_db

API = "/api/v1"
PAST_BIGINT = "9" * 25


def assert_refused(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert body["error"]["code"] and body["error"]["message"]
    return body


@pytest.fixture
def running(api, facilitator, exercise):
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    arc = exercise.teams.get(key="ARC")
    return {"exercise": exercise, "token": builders.player(arc, "Col. Amsel").token}


@pytest.mark.parametrize(
    "path",
    [
        f"/hotlines/{PAST_BIGINT}/messages",
        f"/hotlines/{PAST_BIGINT}/accept",
        f"/dialogues/{PAST_BIGINT}/messages",
        f"/statements/{PAST_BIGINT}/endorse",
        f"/joint-operations/{PAST_BIGINT}/accept",
    ],
)
def test_an_id_past_the_database_range_is_not_found(api, running, path):
    before = Event.objects.count()
    response = api.post(API + path, {"text": "hello"}, token=running["token"])
    assert_refused(response, 404)
    assert Event.objects.count() == before


@pytest.mark.parametrize("after", ["²", "1e3", "-1", PAST_BIGINT, "0x10"])
def test_a_bad_after_is_invalid(api, running, after):
    exercise = running["exercise"]
    response = api.get(f"{API}/exercises/{exercise.pk}/events", token=running["token"], data={"after": after})
    assert_refused(response, 400)


def test_an_exercise_id_past_the_database_range_is_not_found(api, facilitator):
    assert_refused(api.get(f"{API}/exercises/{PAST_BIGINT}", token=facilitator.token), 404)


BAD_DOCUMENTS = {
    "a 5,000-digit key": {"key": "1" * 5000},
    "a 400-digit duration": {"duration": "9" * 400 + "m"},
    "a 400-digit inject time": "inject_at",
    "a NUL in a where value": "where_nul",
    "a lone surrogate in a where key": "where_surrogate",
    "a trust weight of 1e308": {"scoring": {"trust": {"hotline.accepted": 1e308}}},
    "a trust weight of -1e308": {"scoring": {"trust": {"hotline.declined": -1e308}}},
}


def bad_document(problem):
    if isinstance(problem, dict):
        return builders.document(**problem)
    document = builders.document()
    inject = document["injects"][0]
    if problem == "inject_at":
        inject["at"] = "9" * 400 + "m"
    else:
        expectation = inject["expect"][0]
        expectation["where"] = {"kind": "a\x00b"} if problem == "where_nul" else {"\ud800": "x"}
    return document


@pytest.mark.parametrize("name", BAD_DOCUMENTS)
def test_a_bad_scenario_number_or_text_is_invalid(api, facilitator, name):
    body = json.dumps(bad_document(BAD_DOCUMENTS[name]), ensure_ascii=True)
    response = api.post(f"{API}/scenarios", body, token=facilitator.token)
    details = assert_refused(response, 400)["error"].get("details")
    assert details, details
    assert not Scenario.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "key: harbour\n2026-01-01: a date key\n",
        "key: harbour\n? !!binary aGVsbG8=\n: a binary key\n",
    ],
)
def test_a_yaml_key_that_is_not_text_is_invalid(api, facilitator, text):
    document = builders.document()
    body = yaml.safe_dump(document) + text.split("\n", 1)[1]
    response = api.post(f"{API}/scenarios", body, token=facilitator.token, content_type="application/yaml")
    assert_refused(response, 400)
    assert not Scenario.objects.exists()


@pytest.mark.parametrize("weight", [1001, -1001.5])
def test_an_escalation_weight_past_the_limit_is_invalid(api, facilitator, weight):
    document = builders.document(scoring={"escalation": {"deploy_forces": weight}})
    response = api.post(f"{API}/scenarios", document, token=facilitator.token)
    paths = [detail["path"] for detail in assert_refused(response, 400)["error"]["details"]]
    assert paths == ["scoring.escalation.deploy_forces"]
