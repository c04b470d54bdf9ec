"""The scenario library through the HTTP API: import, list, export, and who may do which."""

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from exercise.models import Scenario
from exercise.scenarios import scenario_spec
from tests import builders

SCENARIOS = "/api/v1/scenarios"
YAML = "application/yaml"
DEMO_SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "exercise" / "demo" / "scenarios").glob("*.yaml"))


def assert_error(response, status: int, code: str) -> dict[str, Any]:
    """The contract's error shape with this status and code; the error object."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["details"], list)
    for item in error["details"]:
        assert set(item) == {"path", "message"}
    return error


def post_scenario(api, token: str, document: Any, content_type: str = "application/json"):
    return api.post(SCENARIOS, document, token=token, content_type=content_type)


def test_a_json_document_is_imported(api, facilitator):
    response = post_scenario(api, facilitator.token, builders.document(key="json-import"))
    assert response.status_code == 201
    scenario = Scenario.objects.get(key="json-import")
    assert response.json() == {"id": scenario.pk, "key": "json-import", "title": "Shots at Karst Pass"}
    assert [t.key for t in scenario.teams.all()] == ["ARC", "BOR", "CAL"]


@pytest.mark.parametrize("content_type", [YAML, "application/x-yaml", "text/yaml; charset=utf-8"])
def test_a_yaml_document_is_imported(api, facilitator, content_type):
    text = yaml.safe_dump(builders.document(key="yaml-import", title="Über den Pass"), allow_unicode=True)
    response = post_scenario(api, facilitator.token, text.encode("utf-8"), content_type)
    assert response.status_code == 201, response.content
    assert response.json()["key"] == "yaml-import"
    assert response.json()["title"] == "Über den Pass"
    assert Scenario.objects.get(pk=response.json()["id"]).injects.count() == 2


def test_a_bad_document_gives_one_detail_per_problem(api, facilitator):
    document = builders.document(title=42, duration="two hours")
    document["injects"][1]["to"] = ["ARC", "XYZ"]
    response = post_scenario(api, facilitator.token, document)
    error = assert_error(response, 400, "invalid")
    assert [d["path"] for d in error["details"]] == ["title", "duration", "injects[1].to[1]"]
    assert "number 42" in error["details"][0]["message"]
    assert "'XYZ'" in error["details"][2]["message"]
    assert not Scenario.objects.exists()


def test_a_classification_is_imported_and_exported(api, facilitator):
    marking = "EXERCISE EXERCISE EXERCISE - UNCLASSIFIED"
    made = post_scenario(api, facilitator.token, builders.document(key="marked", classification=marking)).json()
    assert Scenario.objects.get(pk=made["id"]).classification == marking
    assert api.get(f"{SCENARIOS}/{made['id']}", token=facilitator.token).json()["classification"] == marking
    text = api.get(f"{SCENARIOS}/{made['id']}?format=yaml", token=facilitator.token).content.decode()
    assert f"classification: {marking}" in text.splitlines()


@pytest.mark.parametrize("marking", ["EXERCISE\nSECRET", "EXERCISE\x07", "EXERCISE\x00", "x" * 121])
def test_a_bad_classification_is_refused_at_its_path(api, facilitator, marking):
    document = builders.document(key="bad-marking", classification=marking)
    error = assert_error(post_scenario(api, facilitator.token, document), 400, "invalid")
    assert {d["path"] for d in error["details"]} == {"classification"}, error
    assert not Scenario.objects.exists()


def test_a_bad_yaml_document_gives_the_same_details(api, facilitator):
    text = "key: bad-yaml\ntitle: 42\nduration: two hours\nteams: []\ninjects: []\n"
    error = assert_error(post_scenario(api, facilitator.token, text, YAML), 400, "invalid")
    assert [d["path"] for d in error["details"]] == ["title", "duration", "teams", "injects"]


def test_a_taken_key_is_a_conflict(api, facilitator):
    assert post_scenario(api, facilitator.token, builders.document(key="taken")).status_code == 201
    error = assert_error(
        post_scenario(api, facilitator.token, builders.document(key="taken", title="Other")), 409, "conflict"
    )
    assert "taken" in error["message"]
    assert error["details"] == [{"path": "key", "message": "taken"}]
    assert list(Scenario.objects.values_list("title", flat=True)) == ["Shots at Karst Pass"]


@pytest.mark.parametrize("content_type", ["application/json", YAML])
def test_a_body_over_two_megabytes_is_too_large(api, facilitator, content_type):
    document = builders.document(key="huge", summary="x" * (2 * 1024 * 1024))
    body = json.dumps(document) if content_type == "application/json" else yaml.safe_dump(document)
    assert len(body.encode()) > 2 * 1024 * 1024
    error = assert_error(post_scenario(api, facilitator.token, body, content_type), 413, "too_large")
    assert "2 MB" in error["message"]
    assert not Scenario.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type", "fragment"),
    [
        pytest.param('{"key": "broken",\n "title": }', "application/json", "line 2", id="json"),
        pytest.param('{"key": "a", "key": "b"}', "application/json", "'key' appears twice", id="json-duplicate"),
        pytest.param("key: a\ntitle: [unclosed\nteams: x\n", YAML, "line 3", id="yaml"),
        pytest.param("a: &x [1]\nb: *x\n", YAML, "aliases", id="yaml-alias"),
        pytest.param(b"title: caf\xe9", "application/json", "utf-8", id="not-utf8"),
        pytest.param("", "application/json", "empty", id="empty"),
        pytest.param("[1, 2]", "application/json", "mapping", id="json-list"),
    ],
)
def test_unreadable_text_is_invalid(api, facilitator, body, content_type, fragment):
    error = assert_error(post_scenario(api, facilitator.token, body, content_type), 400, "invalid")
    assert len(error["details"]) == 1
    assert error["details"][0]["path"] == ""
    assert fragment in error["details"][0]["message"]


def test_the_list_holds_every_imported_scenario(api, facilitator):
    ids = [
        post_scenario(api, facilitator.token, builders.document(key=key, title=title)).json()["id"]
        for key, title in [("zulu", "Zulu crisis"), ("alpha", "Alpha crisis")]
    ]
    response = api.get(SCENARIOS, token=facilitator.token)
    assert response.status_code == 200
    assert response.json() == [
        {"id": ids[1], "key": "alpha", "title": "Alpha crisis"},
        {"id": ids[0], "key": "zulu", "title": "Zulu crisis"},
    ]


def test_a_scenario_is_exported_as_json_and_as_yaml(api, facilitator):
    scenario_id = post_scenario(api, facilitator.token, builders.document()).json()["id"]
    as_json = api.get(f"{SCENARIOS}/{scenario_id}", token=facilitator.token)
    as_yaml = api.get(f"{SCENARIOS}/{scenario_id}", token=facilitator.token, data={"format": "yaml"})
    assert as_json.status_code == as_yaml.status_code == 200
    assert as_json["Content-Type"].startswith("application/json")
    assert as_yaml["Content-Type"].startswith("application/yaml")
    assert as_json.json() == builders.document()
    assert yaml.safe_load(as_yaml.content.decode("utf-8")) == builders.document()
    assert as_yaml.content.decode("utf-8").startswith("key: karst-pass\n")


ORIGINALS = [
    pytest.param(lambda: json.dumps(builders.document()).encode(), "application/json", id="builder"),
    *[pytest.param(path.read_bytes, YAML, id=path.stem) for path in DEMO_SCENARIOS],
]


@pytest.mark.parametrize(("original", "content_type"), ORIGINALS)
@pytest.mark.parametrize(("export_format", "export_type"), [("json", "application/json"), ("yaml", YAML)])
def test_importing_an_export_again_gives_an_equal_scenario(
    api, facilitator, original, content_type, export_format, export_type
):
    first = post_scenario(api, facilitator.token, original(), content_type)
    assert first.status_code == 201, first.content
    a = Scenario.objects.get(pk=first.json()["id"])
    exported = api.get(f"{SCENARIOS}/{a.pk}", token=facilitator.token, data={"format": export_format})
    assert exported.status_code == 200
    Scenario.objects.filter(pk=a.pk).update(key=f"{a.key}-before")  # free the key for the export

    second = post_scenario(api, facilitator.token, exported.content, export_type)
    assert second.status_code == 201, second.content
    b = Scenario.objects.get(pk=second.json()["id"])
    a.refresh_from_db()
    assert b.pk != a.pk
    assert b.key == first.json()["key"]
    spec_a, spec_b = scenario_spec(a), scenario_spec(b)
    assert spec_a.pop("key") == f"{b.key}-before"
    assert spec_b.pop("key") == b.key
    assert spec_b == spec_a


def test_the_round_trip_covers_the_six_shipped_scenarios():
    assert [path.stem for path in DEMO_SCENARIOS] == [
        "brenna-chlorine",
        "coral-shoal",
        "harbour-blast",
        "karst-pass",
        "sabal-strait",
        "teruna-relief",
    ]


def test_an_unknown_scenario_is_not_found(api, facilitator):
    error = assert_error(api.get(f"{SCENARIOS}/999999", token=facilitator.token), 404, "not_found")
    assert "999999" in error["message"]


def test_an_unknown_export_format_is_invalid(api, facilitator, scenario):
    response = api.get(f"{SCENARIOS}/{scenario.pk}", token=facilitator.token, data={"format": "xml"})
    error = assert_error(response, 400, "invalid")
    assert [item["path"] for item in error["details"]] == ["format"]


@pytest.fixture
def token_of(db, exercise):
    """The bearer token of a caller with the given role (None for anonymous)."""

    def token(role: str) -> str | None:
        if role == "anonymous":
            return None
        if role == "player":
            return builders.player(exercise.teams.first()).token
        return builders.staff(role).token

    return token


def _request(api, method: str, path: str, token: str | None):
    if method == "POST":
        return post_scenario(api, token, builders.document(key="role-matrix"))
    return api.get(path, token=token)


ENDPOINTS = [("POST", SCENARIOS), ("GET", SCENARIOS), ("GET", SCENARIOS + "/{id}")]
OK = {"POST": 201, "GET": 200}
REFUSED = {
    ("anonymous", "POST"): 401,
    ("anonymous", "GET"): 401,
    ("player", "POST"): 403,
    ("player", "GET"): 403,
    ("observer", "POST"): 403,
    ("evaluator", "POST"): 403,
}
CODE_OF = {401: "not_authenticated", 403: "forbidden"}


@pytest.mark.parametrize(("method", "path"), ENDPOINTS, ids=["post", "list", "get"])
@pytest.mark.parametrize("role", ["anonymous", "player", "observer", "evaluator", "facilitator"])
def test_who_may_import_list_and_read_scenarios(api, scenario, token_of, role, method, path):
    response = _request(api, method, path.format(id=scenario.pk), token_of(role))
    refused = REFUSED.get((role, method))
    if refused:
        assert_error(response, refused, CODE_OF[refused])
        assert not Scenario.objects.filter(key="role-matrix").exists()
    else:
        assert response.status_code == OK[method], response.content
        if method == "GET" and path == SCENARIOS:
            assert {"id": scenario.pk, "key": scenario.key, "title": scenario.title} in response.json()
        elif method == "GET":
            assert response.json()["key"] == scenario.key


@pytest.mark.parametrize("token", ["not-a-token", ""])
def test_a_bad_token_is_not_authenticated(api, db, token):
    response = api.client.get(SCENARIOS, headers={"Authorization": f"Bearer {token}"})
    assert_error(response, 401, "not_authenticated")
