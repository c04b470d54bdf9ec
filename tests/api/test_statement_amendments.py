"""Negotiated statements over HTTP (API.md "Team commands"): a participant amends a
statement, which starts its endorsements again; a team endorses with a reservation, kept
and carried to the adoption; refusals change nothing; client_id repeats answer the first."""

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from exercise.models import Statement
from tests.api.test_team_commands import Game, answered, counts, created, refused

pytestmark = pytest.mark.django_db

FIRST = "Both sides hold fire at Karst Pass."
AMENDED = "Both sides hold fire at Karst Pass and pull heavy weapons back 5 km."


@pytest.fixture
def game(api, facilitator, exercise):
    game = Game(api, facilitator, exercise)
    game.transition("start")
    return game


@pytest.fixture
def talks(game) -> dict:
    """ARC convenes BOR and CAL and proposes a statement, which BOR endorses."""
    dialogue = game.convene("ARC", ["BOR", "CAL"])["id"]
    statement = game.propose("ARC", dialogue, FIRST)["id"]
    answered(game.post(f"/statements/{statement}/endorse", who="BOR"))
    return {"dialogue": dialogue, "statement": statement}


def amend(game: Game, statement: int, text: str, who: str, **extra):
    return game.post(f"/statements/{statement}/amend", {"text": text, **extra}, who)


def endorse(game: Game, statement: int, who: str, **body):
    return game.post(f"/statements/{statement}/endorse", body, who)


def schema_of(kind: str) -> Draft202012Validator:
    listed = {item["kind"]: item["schema"] for item in Client().get("/api/v1/event-kinds").json()}
    return Draft202012Validator(listed[kind])


def test_an_amendment_starts_the_endorsements_again_and_adoption_needs_everyone(game, talks):
    statement = talks["statement"]
    body = answered(amend(game, statement, AMENDED, "CAL"))
    assert body == {
        "id": statement,
        "dialogue": talks["dialogue"],
        "text": AMENDED,
        "proposer": "ARC",
        "endorsed_by": ["CAL"],  # the amender alone: neither the proposer nor BOR keep theirs
        "adopted": False,
        "version": 2,
        "reservations": {},
        "seq": body["seq"],
    }
    event = game.event(body["seq"])
    assert event["kind"] == "statement.amended"
    assert event["actor"]["team"] == "CAL"
    assert event["data"] | {"text": AMENDED, "previous": FIRST, "amended_by": "CAL", "version": 2} == event["data"]
    assert event["data"]["endorsed_by"] == ["CAL"]
    assert not list(schema_of("statement.amended").iter_errors(event["data"]))

    refused(endorse(game, statement, "CAL"), 409)  # amending was CAL's endorsement
    assert answered(endorse(game, statement, "BOR"))["adopted"] is False
    last = answered(endorse(game, statement, "ARC"))
    assert last["adopted"] is True and last["endorsed_by"] == ["ARC", "BOR", "CAL"]
    adopted = game.event(last["seq"] + 1)
    assert adopted["kind"] == "statement.adopted"
    assert adopted["data"]["text"] == AMENDED and adopted["data"]["version"] == 2
    assert [e["kind"] for e in game.events()].count("statement.adopted") == 1


def test_the_proposer_may_amend_its_own_statement_and_keeps_that_endorsement(game, talks):
    body = answered(amend(game, talks["statement"], AMENDED, "ARC"))
    assert body["endorsed_by"] == ["ARC"]
    assert answered(amend(game, talks["statement"], FIRST, "BOR"))["version"] == 3


def test_reservations_are_kept_with_the_endorsement_and_printed_with_the_adoption(game, talks):
    statement = talks["statement"]
    refused(endorse(game, statement, "BOR"), 409)  # BOR endorsed the first text already
    amend(game, statement, AMENDED, "ARC")
    reservation = "BOR reads 'heavy weapons' as artillery of 120 mm and above."
    body = answered(endorse(game, statement, "BOR", reservation=reservation))
    assert body["reservations"] == {"BOR": reservation}
    endorsed = game.event(body["seq"])
    assert endorsed["data"]["reservation"] == reservation
    assert endorsed["data"]["reservations"] == {"BOR": reservation}
    assert not list(schema_of("statement.endorsed").iter_errors(endorsed["data"]))

    last = answered(endorse(game, statement, "CAL", reservation="   "))  # blank: no reservation
    adopted = game.event(last["seq"] + 1)
    assert adopted["data"]["reservations"] == {"BOR": reservation}
    review = game.api.get(f"/api/v1/exercises/{game.exercise.pk}/review", token=game.tokens["facilitator"]).json()
    assert f"Reservation of BOR: {reservation}" in review["timeline"][-1]["text"]
    for who in ("ARC", "BOR", "CAL"):
        assert game.event(last["seq"] + 1, who=who)["data"]["reservations"] == {"BOR": reservation}


def test_an_amendment_drops_the_reservations_made_on_the_old_text(game):
    dialogue = game.convene("ARC", ["BOR", "CAL"])["id"]
    statement = game.propose("ARC", dialogue, FIRST)["id"]
    assert answered(endorse(game, statement, "BOR", reservation="Only at the pass."))["reservations"]
    body = answered(amend(game, statement, AMENDED, "CAL"))
    assert body["reservations"] == {}
    assert Statement.objects.get(pk=statement).reservations == {}


def test_a_reservation_over_2000_characters_is_refused_with_its_path(game, talks):
    statement = talks["statement"]
    amend(game, statement, AMENDED, "CAL")
    before = counts(game.exercise)
    error = refused(endorse(game, statement, "ARC", reservation="r" * 2001), 400)
    assert [d["path"] for d in error["details"]] == ["reservation"]
    assert "2,000" in error["message"]
    error = refused(endorse(game, statement, "ARC", reservation=["not", "text"]), 400)
    assert "reservation" in error["details"][0]["path"]
    assert counts(game.exercise) == before
    assert Statement.objects.get(pk=statement).endorsed_by.count() == 1
    assert answered(endorse(game, statement, "ARC", reservation="r" * 2000))["reservations"] == {"ARC": "r" * 2000}


def test_a_team_outside_the_dialogue_cannot_amend_and_staff_do_not_amend(game):
    dialogue = game.convene("ARC", ["BOR"])["id"]
    statement = game.propose("ARC", dialogue, FIRST)["id"]
    before = counts(game.exercise)
    refused(amend(game, statement, "CAL rewrites it.", "CAL"), 404)  # not acknowledged to outsiders
    refused(amend(game, 999999, "Nothing here.", "ARC"), 404)
    for staff in ("facilitator", "evaluator", "observer"):
        refused(amend(game, statement, "Staff rewrite.", staff), 403)
    refused(amend(game, statement, AMENDED, None), 401)
    assert counts(game.exercise) == before
    assert Statement.objects.get(pk=statement).text == FIRST


@pytest.mark.parametrize(
    ("text", "status", "path"),
    [("", 400, "text"), ("   ", 400, "text"), (FIRST, 400, "text"), ("x" * 4001, 413, "text")],
)
def test_an_amendment_must_change_the_text_within_its_limit(game, talks, text, status, path):
    before = counts(game.exercise)
    error = refused(amend(game, talks["statement"], text, "CAL"), status)
    assert [d["path"] for d in error["details"]] == [path]
    assert counts(game.exercise) == before


def test_an_adopted_statement_is_not_amended(game, talks):
    statement = talks["statement"]
    assert answered(endorse(game, statement, "CAL"))["adopted"] is True
    before = counts(game.exercise)
    for who in ("ARC", "BOR", "CAL"):
        refused(amend(game, statement, AMENDED, who), 409)
    assert counts(game.exercise) == before
    assert Statement.objects.get(pk=statement).text == FIRST


def test_an_endorsement_of_a_text_since_amended_is_refused(game, talks):
    statement = talks["statement"]
    amend(game, statement, AMENDED, "CAL")
    error = refused(endorse(game, statement, "ARC", version=1), 409)
    assert "amended" in error["message"]
    assert answered(endorse(game, statement, "ARC", version=2))["endorsed_by"] == ["ARC", "CAL"]


def test_amending_waits_for_the_clock(game, talks):
    game.transition("pause")
    refused(amend(game, talks["statement"], AMENDED, "CAL"), 409)
    game.transition("resume")
    answered(amend(game, talks["statement"], AMENDED, "CAL"))


def test_a_repeated_client_id_answers_the_first_amendment_and_endorsement(game, talks):
    statement = talks["statement"]
    first = answered(amend(game, statement, AMENDED, "CAL", client_id="amend-1"))
    assert answered(amend(game, statement, AMENDED, "CAL", client_id="amend-1")) == first
    assert [e["kind"] for e in game.events()].count("statement.amended") == 1

    body = {"reservation": "Subject to ratification.", "client_id": "endorse-1"}
    endorsed = answered(endorse(game, statement, "BOR", **body))
    assert answered(endorse(game, statement, "BOR", **body)) == endorsed  # not a 409 for its own effect
    assert [e["kind"] for e in game.events()].count("statement.endorsed") == 2  # BOR's first one, then this

    error = refused(amend(game, statement, FIRST, "BOR", client_id="endorse-1"), 409)
    assert "already used" in error["message"]


def test_an_endorsement_needs_no_body(game, talks):
    response = game.api.client.post(
        f"/api/v1/statements/{talks['statement']}/endorse",
        data=b"",
        content_type="application/json",
        headers={"Authorization": f"Bearer {game.tokens['CAL']}"},
    )
    assert created(response, 200)["adopted"] is True


def test_an_amendment_moves_no_trust_and_the_adoption_moves_it_as_before(game, talks):
    scores = f"/api/v1/exercises/{game.exercise.pk}/scores"

    def trust() -> dict:
        return game.api.get(scores, token=game.tokens["facilitator"]).json()["trust"]

    before = trust()
    amend(game, talks["statement"], AMENDED, "CAL")
    assert trust() == before
    endorse(game, talks["statement"], "ARC")
    endorse(game, talks["statement"], "BOR")
    after = trust()
    assert all(after[a][b] > before[a][b] for a in ("ARC", "BOR", "CAL") for b in ("ARC", "BOR", "CAL") if a != b)
