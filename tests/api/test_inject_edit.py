"""Editing a pending inject before it goes out: PATCH /api/v1/exercises/{id}/injects/{key}."""

import json

import pytest

from exercise import exercises, injects
from exercise.models import Event
from tests import builders


def patch(api, exercise_id: int, key: str, body: dict, token: str):  # type: ignore[no-untyped-def]
    return api.client.patch(
        f"/api/v1/exercises/{exercise_id}/injects/{key}",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


EDIT = {"title": "Exchange of fire, casualties rising", "body": "Two **wounded** now.", "severity": "critical"}


@pytest.fixture
def running(facilitator, exercise):
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    return exercise


def test_an_edit_is_what_the_release_sends(api, facilitator, running):
    response = patch(api, running.pk, "I1", EDIT, facilitator.token)

    assert response.status_code == 200, response.content
    assert response.json() == {"key": "I1", "title": EDIT["title"], "status": "pending", "due_at": 300.0}
    injects.release_now(caller=facilitator.caller, exercise_id=running.pk, key="I1")
    released = Event.objects.get(exercise=running, kind="inject.released").data
    assert (released["title"], released["body"], released["severity"]) == (EDIT["title"], EDIT["body"], "critical")
    assert "<strong>wounded</strong>" in released["body_html"]


def test_an_edit_may_empty_the_body(api, facilitator, running):
    assert patch(api, running.pk, "I1", EDIT | {"body": ""}, facilitator.token).status_code == 200
    injects.release_now(caller=facilitator.caller, exercise_id=running.pk, key="I1")
    assert Event.objects.get(exercise=running, kind="inject.released").data["body"] == ""


def test_without_an_edit_the_scenario_text_goes_out(facilitator, running):
    injects.release_now(caller=facilitator.caller, exercise_id=running.pk, key="I1")
    released = Event.objects.get(exercise=running, kind="inject.released").data
    assert (released["body"], released["severity"]) == ("Markdown text shown to the teams.\n", "high")


def test_a_released_inject_cannot_be_edited(api, facilitator, running):
    injects.release_now(caller=facilitator.caller, exercise_id=running.pk, key="I1")

    response = patch(api, running.pk, "I1", EDIT, facilitator.token)

    assert response.status_code == 409
    assert "already released" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("change", "path"),
    [({"title": " "}, "title"), ({"severity": "apocalyptic"}, "severity"), ({"title": "x" * 201}, "title")],
)
def test_bad_edits_answer_400_and_change_nothing(api, facilitator, running, change, path):
    response = patch(api, running.pk, "I1", EDIT | change, facilitator.token)

    assert response.status_code == 400, response.content
    assert response.json()["error"]["details"][0]["path"].endswith(path)
    assert running.injects.get(key="I1").title == "Exchange of fire at Karst Pass border post"


def test_an_unknown_inject_answers_404(api, facilitator, running):
    assert patch(api, running.pk, "NOPE", EDIT, facilitator.token).status_code == 404


@pytest.mark.parametrize("role", ["evaluator", "observer"])
def test_only_a_facilitator_edits(api, running, role):
    staff = builders.staff(role)
    assert patch(api, running.pk, "I1", EDIT, staff.token).status_code == 403


def test_a_player_cannot_edit(api, running):
    joined = builders.player(running.teams.get(key="ARC"))
    assert patch(api, running.pk, "I1", EDIT, joined.token).status_code == 403


def test_an_edit_is_an_event_for_staff_only(api, facilitator, running):
    """Every console shows the new title at once: the edit is in the log, for staff."""
    player = builders.player(running.teams.get(key="ARC"))
    assert patch(api, running.pk, "I1", EDIT, facilitator.token).status_code == 200

    edited = Event.objects.get(exercise=running, kind="inject.edited")
    assert edited.audience == Event.Audience.STAFF
    assert edited.data == {"key": "I1", "title": EDIT["title"], "body": EDIT["body"], "severity": "critical"}
    log = f"/api/v1/exercises/{running.pk}/events?after=0"
    seen_by_staff = {e["kind"]: e["summary"] for e in api.get(log, facilitator.token).json()}
    assert seen_by_staff["inject.edited"] == f"Inject I1 edited: “{EDIT['title']}” (critical)"
    assert "inject.edited" not in {e["kind"] for e in api.get(log, player.token).json()}
