"""Every answer of the API has the shape /api/v1/openapi.json declares for it, and holds no
field the document leaves out: a service that adds a field to an answer adds it to the
answer's schema too (the schemas keep unknown fields rather than drop them)."""

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests import builders
from tests.review.played import karst_pass, play, write_up

pytestmark = pytest.mark.django_db

API = "/api/v1"
# The operations whose answer is a document as written: JSON, YAML, a workbook or a zip.
FREE_FORM = {
    ("get", "/api/v1/scenarios/{scenario_id}"),
    ("get", "/api/v1/scenarios/template.xlsx"),
    ("get", "/api/v1/exercises/{exercise_id}/archive"),
}


def closed(node: Any) -> Any:
    """The schemas with every object that names its fields closed to any other field."""
    if isinstance(node, list):
        return [closed(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: closed(value) for key, value in node.items()}
    if "properties" in result:
        result["additionalProperties"] = False
    return result


class Checked:
    """Calls the API and checks each answer against the schema of its operation."""

    def __init__(self, api: builders.ApiClient, document: dict[str, Any]):
        self.api = api
        self.paths = document["paths"]
        self.components = closed(document["components"])
        self.seen: set[tuple[str, str]] = set()

    def __call__(
        self,
        method: str,
        template: str,
        token: str | None = None,
        body: Any = None,
        *,
        content_type: str = "application/json",
        query: str = "",
        **ids: Any,
    ) -> Any:
        path = API + template.format(**ids) + query
        if method == "get":
            response = self.api.get(path, token=token)
        else:
            response = self._send(method, path, body, token, content_type)
        assert response.status_code < 300, (method, path, response.status_code, response.content[:500])
        operation = self.paths[API + template][method]
        schema = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
        validator = Draft202012Validator({**schema, "components": self.components})
        answer = response.json()
        problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(answer)]
        assert not problems, f"{method.upper()} {template} answers what its schema does not say: {problems}"
        self.seen.add((method, API + template))
        return answer

    def _send(self, method: str, path: str, body: Any, token: str | None, content_type: str) -> Any:
        if method == "post":
            return self.api.post(path, body, token=token, content_type=content_type)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if method == "delete":
            return self.api.client.delete(path, headers=headers)
        return self.api.client.patch(path, data=json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def check(api):
    return Checked(api, api.get(f"{API}/openapi.json").json())


def test_every_operation_declares_the_shape_of_its_answer(api):
    document = api.get(f"{API}/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if (method, path) in FREE_FORM:
                continue
            answers = [r for code, r in operation["responses"].items() if code.startswith("2")]
            schemas = [r["content"]["application/json"]["schema"] for r in answers]
            assert schemas, f"{method.upper()} {path} declares no answer"
            assert all("$ref" in s or "items" in s for s in schemas), f"{method.upper()} {path}: {schemas}"


def test_every_answer_has_the_shape_its_schema_declares(check, facilitator):
    read_a_played_run(check, facilitator)
    play_commands(check, facilitator)
    everything = {(method, path) for path, operations in check.paths.items() for method in operations}
    assert sorted(everything - check.seen - FREE_FORM) == []  # this test reaches every operation


def read_a_played_run(check: Checked, facilitator: builders.Staff) -> None:
    run = play(facilitator, karst_pass(facilitator.caller))
    write_up(run)
    staff, player = facilitator.token, run.players["DRV"].token
    ids = {"exercise_id": run.exercise.pk}
    review = check("get", "/exercises/{exercise_id}/review", staff, **ids)
    assert review["timeline"] and review["feedback"]["answers"] and review["improvements"]
    check("get", "/exercises/{exercise_id}/scores", staff, **ids)
    check("get", "/exercises/{exercise_id}/brief", player, **ids)
    check("get", "/exercises/{exercise_id}/brief", staff, query="?team=SRK", **ids)
    check("get", "/exercises/{exercise_id}/presence", staff, **ids)
    check("get", "/exercises/{exercise_id}/improvements", staff, **ids)
    assert check("get", "/exercises/{exercise_id}/verify", staff, **ids)["ok"]
    archive = check.api.get(f"{API}/exercises/{run.exercise.pk}/archive", token=staff)
    assert archive["Content-Type"] == "application/zip"
    check("post", "/archives", staff, archive.content, content_type="application/zip")
    check("get", "/exercises/{exercise_id}/events", staff, **ids)
    check("get", "/exercises/{exercise_id}/events", player, **ids)
    check("get", "/exercises/{exercise_id}", staff, **ids)
    check("get", "/exercises", staff)
    check("get", "/scenarios", staff)
    check("get", "/event-kinds")
    check("get", "/health")


# The builder's injects as a CSV file of the MSEL sheet.
MSEL = (
    "Key,At,Trigger,To,Kind,Severity,Title,Body\n"
    'I1,5m,,"ARC, BOR",border_tension,high,Exchange of fire at Karst Pass border post,Shots.\n'
    "I2,,missed E1 +5m,all,border_tension,critical,Second exchange of fire; casualties reported,Casualties.\n"
)


def play_commands(check: Checked, facilitator: builders.Staff) -> None:
    staff = facilitator.token
    check("post", "/auth/token", body={"username": facilitator.user.username, "password": facilitator.password})
    scenario = check("post", "/scenarios", staff, builders.document(key="shapes", personas=builders.PERSONAS))
    check("post", "/scenarios/{scenario_id}/msel", staff, MSEL, content_type="text/csv", scenario_id=scenario["id"])
    made = check("post", "/exercises", staff, {"scenario_id": scenario["id"], "name": "Shapes", "speed": 2})
    x = {"exercise_id": made["id"]}
    check("post", "/exercises/{exercise_id}/reset", staff, **x)
    codes = {team["key"]: team["join_code"] for team in made["teams"]}
    token = {key: check("post", "/join", body={"code": code, "name": key})["token"] for key, code in codes.items()}
    check("post", "/exercises/{exercise_id}/start", staff, **x)
    check("post", "/exercises/{exercise_id}/speed", staff, {"speed": 3}, **x)
    edit = {"title": "Later", "severity": "low"}
    check("patch", "/exercises/{exercise_id}/injects/{key}", staff, edit, key="I2", **x)
    check("post", "/exercises/{exercise_id}/injects/{key}/release", staff, key="I1", **x)
    check("post", "/exercises/{exercise_id}/injects", staff, {"title": "Ad hoc", "to": ["ARC"]}, **x)

    request = {"to": "BOR", "client_id": "c1"}
    call = check("post", "/exercises/{exercise_id}/hotlines", token["ARC"], request, **x)
    assert check("post", "/exercises/{exercise_id}/hotlines", token["ARC"], request, **x) == call  # a repeat
    line = {"hotline_id": call["id"]}
    check("post", "/hotlines/{hotline_id}/accept", token["BOR"], **line)
    check("post", "/hotlines/{hotline_id}/messages", token["ARC"], {"text": "Hold fire.", "client_id": "m1"}, **line)
    check("post", "/hotlines/{hotline_id}/messages", token["ARC"], {"text": "Hold fire.", "client_id": "m1"}, **line)
    outage = check("post", "/exercises/{exercise_id}/hotline-outages", staff, {"teams": ["ARC", "BOR"]}, **x)
    check("post", "/hotline-outages/{outage_id}/end", staff, outage_id=outage["id"])
    check("post", "/hotlines/{hotline_id}/close", token["BOR"], **line)
    other = check("post", "/exercises/{exercise_id}/hotlines", token["ARC"], {"to": "CAL"}, **x)
    check("post", "/hotlines/{hotline_id}/decline", token["CAL"], hotline_id=other["id"])

    meeting = {"title": "Forum", "invite": ["BOR"]}
    forum = {"dialogue_id": check("post", "/exercises/{exercise_id}/dialogues", token["ARC"], meeting, **x)["id"]}
    check("post", "/dialogues/{dialogue_id}/messages", token["BOR"], {"text": "Agreed."}, **forum)
    statement = check("post", "/dialogues/{dialogue_id}/statements", token["ARC"], {"text": "Calm."}, **forum)
    amended = {"text": "Calm on both sides.", "client_id": "a1"}
    check("post", "/statements/{statement_id}/amend", token["BOR"], amended, statement_id=statement["id"])
    signed = {"reservation": "Subject to ratification."}
    check("post", "/statements/{statement_id}/endorse", token["ARC"], signed, statement_id=statement["id"])

    proposal = {"kind": "border_verification", "partners": ["BOR", "CAL"], "objective": "Verify the marker."}
    operation = check("post", "/exercises/{exercise_id}/joint-operations", token["ARC"], proposal, **x)
    check("post", "/joint-operations/{operation_id}/accept", token["BOR"], operation_id=operation["id"])
    check("post", "/joint-operations/{operation_id}/decline", token["CAL"], operation_id=operation["id"])
    verdict = {"outcome": "partial", "narrative": "Half the marker was found."}
    check("post", "/joint-operations/{operation_id}/adjudicate", staff, verdict, operation_id=operation["id"])

    check("post", "/exercises/{exercise_id}/actions", token["CAL"], {"kind": "raise_alert", "text": "Alert."}, **x)
    envoy = {"persona": "UNSG", "to": ["ARC", "BOR"], "text": "Will you talk?", "client_id": "e1"}
    assert check("post", "/exercises/{exercise_id}/cell-messages", staff, envoy, **x)["from"] == "cell"
    answer = {"text": "We will.", "persona": "UNSG"}
    assert check("post", "/exercises/{exercise_id}/cell-messages", token["ARC"], answer, **x)["to"] == ["ARC"]
    item = {"persona": "WIRE", "headline": "Talks at the pass", "body": "*Both* sides.", "to": ["ARC"]}
    assert check("post", "/exercises/{exercise_id}/media", staff, item, **x)["source"] == "cell"
    check("post", "/exercises/{exercise_id}/reports", token["ARC"], {"inject": "I1", "text": "Seen."}, **x)
    check("post", "/exercises/{exercise_id}/ratings", staff, {"team": "ARC", "objective": "O1", "rating": "S"}, **x)
    check("post", "/exercises/{exercise_id}/notes", staff, {"text": "Quick call.", "team": "ARC"}, **x)
    check("post", "/exercises/{exercise_id}/injects/{key}/skip", staff, {"reason": "Out of time."}, key="I2", **x)
    for step in ("pause", "resume", "end"):
        check("post", f"/exercises/{{exercise_id}}/{step}", staff, **x)
    item = {"area": "Alerts", "action": "Notify first.", "organisation": "MoD", "owner": "J3", "due": "2027-05-01"}
    added = check("post", "/exercises/{exercise_id}/improvements", staff, item, **x)
    path = "/exercises/{exercise_id}/improvements/{item_id}"
    check("patch", path, staff, {"status": "complete"}, item_id=added["id"], **x)
    colleague = builders.staff("observer", assigned=False).user.username
    check("post", "/exercises/{exercise_id}/staff", staff, {"username": colleague, "role": "evaluator"}, **x)
    check("get", "/exercises/{exercise_id}/staff", staff, **x)
    check("delete", "/exercises/{exercise_id}/staff/{username}", staff, username=colleague, **x)
    check("get", "/exercises/{exercise_id}/review", staff, **x)
    check("get", "/exercises/{exercise_id}/scores", staff, **x)
    check("post", "/exercises/{exercise_id}/socket-tickets", token["CAL"], **x)
    check("post", "/auth/revoke", token["CAL"])
    check("post", "/exercises/{exercise_id}/duplicate", staff, **x)
