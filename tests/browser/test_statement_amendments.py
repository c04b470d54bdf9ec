"""Negotiated statements in real browsers: one team proposes, another amends the text
through its console, the first endorses the amended text with a reservation (which it keeps
typing while a third state endorses); both consoles show the joint statement with its
reservation and the history of its text, as does the control room's feed, and a reload
draws the same from the log."""

import pytest
from playwright.sync_api import Page, expect

from exercise import dialogues
from exercise.models import Statement, Team
from tests import builders
from tests.browser.conftest import TIMEOUT_MS, expect_live, join_team, sign_in
from tests.browser.test_team_console import started_room

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PROPOSED = "Both sides hold their positions at Karst Pass."
AMENDED = "Both sides hold their positions at Karst Pass and pull artillery back 10 km."
RESERVATION = "Arcadia reads 'artillery' as tube and rocket artillery of 120 mm and above. <b>Not mortars.</b>"


def the_statement(page: Page):
    return page.locator(".dialogue [data-statement]")


def test_a_statement_is_amended_and_endorsed_with_a_reservation(live_server, open_page):
    room = started_room(live_server)
    arc, bor = open_page(), open_page()
    for key, page in (("ARC", arc), ("BOR", bor)):
        join_team(page, code=room["codes"][key], name=f"Negotiator {key}")
        expect_live(page)

    arc.get_by_text("Convene a dialogue").click()
    arc.get_by_label("Title").fill("Pass talks")
    arc.locator("form[data-command=dialogue] input[value=BOR]").check()
    arc.locator("form[data-command=dialogue] input[value=CAL]").check()
    arc.get_by_role("button", name="Convene").click()
    expect(bor.locator(".dialogue h3")).to_have_text("Pass talks", timeout=TIMEOUT_MS)

    arc.get_by_placeholder("Propose a statement").fill(PROPOSED)
    arc.locator(".dialogue").get_by_role("button", name="Propose").click()
    proposal = the_statement(bor)
    expect(proposal).to_contain_text(PROPOSED, timeout=TIMEOUT_MS)
    expect(proposal).to_contain_text("awaiting BOR, CAL")

    # BOR rewrites the text instead of endorsing it: the endorsements start again with its own.
    proposal.get_by_text("Amend the text").click()
    amendment = proposal.get_by_label("Amended text")
    expect(amendment).to_have_value(PROPOSED)  # the current text, to edit
    amendment.fill(AMENDED)
    proposal.get_by_role("button", name="Amend").click()
    for page in (arc, bor):
        statement = the_statement(page)
        expect(statement.locator("blockquote").first).to_have_text(AMENDED, timeout=TIMEOUT_MS)
        expect(statement).to_contain_text("Version 2 · endorsed by BOR; awaiting ARC, CAL")
    expect(the_statement(bor).get_by_role("button", name="Endorse")).to_be_hidden()
    expect(the_statement(arc).get_by_role("button", name="Endorse")).to_be_visible()

    # ARC writes a reservation; CAL endorses meanwhile, which redraws the statement under
    # ARC's hands: the draft, and the caret, stay.
    statement = the_statement(arc)
    draft = statement.get_by_label("Reservation (optional)")
    draft.fill(RESERVATION)

    def cal_endorses() -> None:
        cal = builders.player(Team.objects.get(exercise_id=room["exercise"], key="CAL"), "Negotiator CAL")
        dialogues.endorse(
            caller=cal.caller, statement_id=Statement.objects.get(dialogue__exercise_id=room["exercise"]).pk
        )

    live_server.run(cal_endorses)
    expect(statement).to_contain_text("endorsed by BOR, CAL; awaiting ARC", timeout=TIMEOUT_MS)
    expect(draft).to_have_value(RESERVATION)
    expect(draft).to_be_focused()
    # ARC endorses the amended text with its reservation: the statement is adopted.
    statement.get_by_role("button", name="Endorse").click()
    for page in (arc, bor):
        joint = page.locator(".dialogue .joint-statement")
        expect(joint.locator("blockquote").first).to_have_text(AMENDED, timeout=TIMEOUT_MS)
        expect(joint.locator("[data-reservation=ARC]")).to_have_text(
            f"Reservation of ARC · Republic of Arcadia: {RESERVATION}"
        )
        expect(page.locator(".dialogue .statement")).to_have_count(0)  # drawn once, as the joint statement
        assert joint.locator("b").count() == 0  # written text stays text

    # The history of the text, after a reload drawn again from the log.
    bor.reload()
    expect_live(bor)
    joint = bor.locator(".dialogue .joint-statement")
    joint.get_by_text("Text history (2 versions)").click()
    versions = joint.locator(".text-history li")
    expect(versions).to_have_count(2)
    expect(versions.nth(0)).to_contain_text("Version 1")
    expect(versions.nth(0)).to_contain_text("proposed by ARC · Negotiator ARC")
    expect(versions.nth(0).locator("blockquote")).to_have_text(PROPOSED)
    expect(versions.nth(1)).to_contain_text("amended by BOR · Negotiator BOR")
    expect(versions.nth(1).locator("blockquote")).to_have_text(AMENDED)
    expect(joint.locator("[data-reservation=ARC]")).to_contain_text(RESERVATION)

    # The control room reads the adoption with its reservation in the feed.
    console = open_page()
    sign_in(console, room["facilitator"])
    console.goto(f"/facilitator/exercises/{room['exercise']}/")
    expect_live(console)
    feed = console.locator("[data-feed]")
    expect(feed.locator("[data-kind='statement.amended']")).to_contain_text("amended the statement (version 2)")
    expect(feed.locator("[data-kind='statement.adopted']")).to_contain_text(f"Reservation of ARC: {RESERVATION}")
