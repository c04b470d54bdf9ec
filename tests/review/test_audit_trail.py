"""The audit trail: edits to pending injects, findings, improvement items and staff
assignments are kept with who made them and when, and shown in the review (JSON and
page) to every staff role."""

import datetime

import pytest
from django.test import Client

from exercise.models import AuditEntry
from tests import builders

pytestmark = pytest.mark.django_db

EXERCISES = "/api/v1/exercises"


def bearer(staff: builders.Staff) -> dict[str, str]:
    return {"Authorization": f"Bearer {staff.token}"}


def review_audit(api, exercise, staff: builders.Staff) -> list[dict]:
    response = api.get(f"{EXERCISES}/{exercise.pk}/review", token=staff.token)
    assert response.status_code == 200, response.content
    return response.json()["audit"]


def only(entries: list[dict], subject: str) -> list[dict]:
    return [e for e in entries if e["subject"] == subject]


def assert_when(entry: dict) -> None:
    """A time was kept, as an aware instant (its value is the clock's, not the test's)."""
    assert datetime.datetime.fromisoformat(entry["at"]).tzinfo is not None


def test_an_edit_to_a_pending_inject_is_audited(api, facilitator, exercise):
    response = api.client.patch(
        f"{EXERCISES}/{exercise.pk}/injects/I1",
        data={"title": "Mortar fire at Karst Pass", "body": "Edited text.", "severity": "critical"},
        content_type="application/json",
        headers=bearer(facilitator),
    )
    assert response.status_code == 200, response.content

    [entry] = only(review_audit(api, exercise, facilitator), "inject")
    assert entry["who"] == facilitator.user.username
    assert (entry["target"], entry["action"]) == ("I1", "edited")
    assert entry["before"] == {
        "title": "Exchange of fire at Karst Pass border post",
        "body": "Markdown text shown to the teams.\n",
        "severity": "high",
    }
    assert entry["after"] == {"title": "Mortar fire at Karst Pass", "body": "Edited text.", "severity": "critical"}
    assert {c["field"] for c in entry["changes"]} == {"title", "body", "severity"}
    assert_when(entry)


def test_findings_written_and_changed_are_audited_and_an_unchanged_save_is_not(api, facilitator, exercise):
    page = Client()
    page.force_login(facilitator.user)
    url = f"/exercises/{exercise.pk}/review/findings/O1"
    for strengths in ("Fast hotline contact", "Fast hotline contact", "Hotline within five minutes"):
        response = page.post(url, {"O1-strengths": strengths, "O1-areas": "Slow reporting"})
        assert response.status_code == 302, response.content

    written, changed = only(review_audit(api, exercise, facilitator), "findings")
    assert (written["target"], written["action"], written["before"]) == ("O1", "written", None)
    assert written["after"] == {"strengths": "Fast hotline contact", "areas": "Slow reporting"}
    assert changed["action"] == "changed"
    assert changed["changes"] == [
        {"field": "strengths", "before": "Fast hotline contact", "after": "Hotline within five minutes"}
    ]
    assert written["who"] == changed["who"] == facilitator.user.username


def test_improvement_items_added_and_moved_are_audited(api, facilitator, exercise):
    item = {
        "area": "Hotline use",
        "action": "Drill the hotline monthly",
        "organisation": "Ministry of Defence",
        "owner": "J3",
        "due": "2027-06-30",
    }
    created = api.post(f"{EXERCISES}/{exercise.pk}/improvements", item, token=facilitator.token)
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    moved = api.client.patch(
        f"{EXERCISES}/{exercise.pk}/improvements/{item_id}",
        data={"status": "in_progress"},
        content_type="application/json",
        headers=bearer(facilitator),
    )
    assert moved.status_code == 200, moved.content

    added, status = only(review_audit(api, exercise, facilitator), "improvement")
    assert (added["target"], added["action"], added["before"]) == (str(item_id), "added", None)
    assert added["after"]["action"] == "Drill the hotline monthly" and added["after"]["status"] == "not_started"
    assert (status["action"], status["before"], status["after"]) == (
        "status changed",
        {"status": "not_started"},
        {"status": "in_progress"},
    )


def test_staff_assignments_are_audited(api, facilitator, exercise):
    colleague = builders.staff("observer", assigned=False)
    url = f"{EXERCISES}/{exercise.pk}/staff"
    api.post(url, {"username": colleague.user.username, "role": "evaluator"}, token=facilitator.token)
    api.post(url, {"username": colleague.user.username, "role": "evaluator"}, token=facilitator.token)  # no change
    api.post(url, {"username": colleague.user.username, "role": "observer"}, token=facilitator.token)
    gone = api.client.delete(f"{url}/{colleague.user.username}", headers=bearer(facilitator))
    assert gone.status_code == 200

    entries = only(review_audit(api, exercise, facilitator), "staff")
    assert [(e["target"], e["action"], e["before"], e["after"]) for e in entries] == [
        (colleague.user.username, "assigned", None, {"role": "evaluator"}),
        (colleague.user.username, "role changed", {"role": "evaluator"}, {"role": "observer"}),
        (colleague.user.username, "unassigned", {"role": "observer"}, None),
    ]
    assert {e["who"] for e in entries} == {facilitator.user.username}
    assert AuditEntry.objects.filter(exercise=exercise, who=facilitator.user).count() == 3


def test_the_review_page_shows_the_audit_trail_to_every_staff_role(api, facilitator, exercise):
    colleague = builders.staff("observer", assigned=False)
    api.post(
        f"{EXERCISES}/{exercise.pk}/staff",
        {"username": colleague.user.username, "role": "observer"},
        token=facilitator.token,
    )
    api.client.patch(
        f"{EXERCISES}/{exercise.pk}/injects/I1",
        data={"title": "Mortar fire at Karst Pass", "body": "", "severity": "high"},
        content_type="application/json",
        headers=bearer(facilitator),
    )
    page = Client()
    page.force_login(colleague.user)
    body = page.get(f"/exercises/{exercise.pk}/review/").content.decode()
    section = body[body.index('id="audit"') :]
    assert "Audit trail" in section
    assert "Staff assignment" in section and colleague.user.username in section
    assert "Inject I1 edited" in section and "Mortar fire at Karst Pass" in section
    assert facilitator.user.username in section
    # and the observer's review JSON carries it too
    assert [e["subject"] for e in review_audit(api, exercise, colleague)] == ["staff", "inject"]
