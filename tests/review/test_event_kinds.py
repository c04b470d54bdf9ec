"""The event catalogue: every kind declares every piece, `GET /api/v1/event-kinds`
publishes them, and every event of a played exercise satisfies its kind's schema."""

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from exercise import catalogue
from exercise.event_data import EventData
from exercise.models import Event
from tests.review.played import Played

pytestmark = pytest.mark.django_db

# API.md's list of kinds: users' tools subscribe to these names.
CONTRACT_KINDS = {
    "exercise.started",
    "exercise.paused",
    "exercise.resumed",
    "exercise.speed_changed",
    "exercise.ended",
    "inject.released",
    "inject.skipped",
    "inject.edited",
    "inject.scheduled",
    "report.submitted",
    "hotline.requested",
    "hotline.accepted",
    "hotline.cut",
    "hotline.restored",
    "hotline.declined",
    "hotline.message",
    "hotline.closed",
    "dialogue.convened",
    "dialogue.message",
    "statement.proposed",
    "statement.endorsed",
    "statement.adopted",
    "jointop.proposed",
    "jointop.accepted",
    "jointop.declined",
    "jointop.adjudicated",
    "action.taken",
    "expectation.met",
    "expectation.missed",
    "rating.given",
    "note.added",
    "statement.amended",
    "cell.message",
    "media.published",
}
AUDIENCES = set(Event.Audience.values)


def test_every_kind_declares_every_piece():
    for name, kind in catalogue.KINDS.items():
        assert kind.name == name
        assert issubclass(kind.data, EventData) and kind.data is not EventData, name
        assert kind.json_schema()["type"] == "object", name
        assert kind.audience.strip(), name
        assert kind.audiences and set(kind.audiences) <= AUDIENCES, name
        assert callable(kind.says) and callable(kind.trust) and callable(kind.contacts), name
        assert isinstance(kind.key_move, bool), name
        assert kind.consoles and set(kind.consoles) <= {"team", "room"}, name
        assert "room" in kind.consoles, f"{name}: staff see every event in the control room"
        if kind.audiences == {Event.Audience.STAFF}:
            assert "team" not in kind.consoles, f"{name} is for staff, yet drawn on a team's console"


def test_the_listing_is_public_and_gives_each_kind_its_schema(client: Client):
    response = client.get("/api/v1/event-kinds")
    assert response.status_code == 200
    listed = {item["kind"]: item for item in response.json()}
    assert list(listed) == list(catalogue.KINDS)
    for name, item in listed.items():
        Draft202012Validator.check_schema(item["schema"])
        assert item["audience"] == catalogue.KINDS[name].audience
        assert item["consoles"] == list(catalogue.KINDS[name].consoles)
    assert "from" in listed["hotline.message"]["schema"]["properties"]  # fields by their public names


def test_every_kind_is_one_the_contract_names():
    assert set(catalogue.KINDS) <= CONTRACT_KINDS


def test_every_event_of_a_played_exercise_fits_its_kind(client: Client, karst_run: Played):
    schemas = {item["kind"]: Draft202012Validator(item["schema"]) for item in client.get("/api/v1/event-kinds").json()}
    logged = list(Event.objects.filter(exercise=karst_run.exercise).order_by("seq"))
    teams = list(karst_run.exercise.teams.values_list("key", flat=True))
    for event in logged:
        envelope = {"kind": event.kind, "actor": event.actor, "data": event.data}
        errors = [error.message for error in schemas[event.kind].iter_errors(event.data)]
        assert errors == [], (event.seq, event.kind, errors)
        assert event.audience in catalogue.KINDS[event.kind].audiences, (event.seq, event.kind)
        assert catalogue.sentence(envelope).strip(), (event.seq, event.kind)
        catalogue.trust_moves(envelope, teams)
        catalogue.contacts(envelope)
    # Each writer of event data is walked: services, the adoption by the system, the
    # expectation engine, the database function that writes hotline messages, the control
    # cell, and the news wire's engine and team statements.
    shaped_by_each_writer = {
        "inject.released",
        "statement.adopted",
        "expectation.met",
        "hotline.message",
        "cell.message",
        "media.published",
    }
    assert shaped_by_each_writer <= {event.kind for event in logged}
    assert {e.data["source"] for e in logged if e.kind == "media.published"} == {"scenario", "team"}
