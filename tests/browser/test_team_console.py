"""Team communications in real browsers: a hotline between two teams that a third cannot
see, a joint statement adopted across three teams' consoles, who said what on a hotline,
and a public statement every team reads."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from exercise import exercises
from tests import builders
from tests.browser.conftest import TIMEOUT_MS, LiveServer, expect_live, join_team, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def started_room(live_server: LiveServer) -> dict[str, Any]:
    """A running exercise of three teams: its id, its facilitator and the join codes."""

    def build() -> dict[str, Any]:
        facilitator = builders.staff("facilitator")
        exercise = builders.exercise(facilitator.caller, builders.scenario(facilitator.caller))
        exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
        codes = {team.key: team.join_code for team in exercise.teams.all()}
        return {"exercise": exercise.pk, "facilitator": facilitator, "codes": codes}

    return live_server.run(build)


def running_exercise(live_server: LiveServer) -> dict[str, str]:
    return started_room(live_server)["codes"]


def consoles(open_page, codes: dict[str, str]) -> dict[str, Page]:
    pages = {}
    for key in ("ARC", "BOR", "CAL"):
        page = open_page()
        join_team(page, code=codes[key], name=f"Duty officer {key}")
        expect_live(page)
        pages[key] = page
    return pages


def test_two_teams_talk_on_a_hotline_that_a_third_never_sees(live_server, open_page):
    pages = consoles(open_page, running_exercise(live_server))
    arc, bor, cal = pages["ARC"], pages["BOR"], pages["CAL"]

    arc.get_by_label("Call", exact=True).select_option("BOR")
    arc.get_by_role("button", name="Request call").click()
    banner = bor.locator(".call-banner")
    expect(banner).to_contain_text("ARC", timeout=TIMEOUT_MS)
    expect(arc.locator(".hotline [data-status]")).to_have_text("requested", timeout=TIMEOUT_MS)
    banner.get_by_role("button", name="Accept").click()
    expect(banner).to_have_count(0, timeout=TIMEOUT_MS)
    expect(arc.locator(".hotline [data-status]")).to_have_text("open", timeout=TIMEOUT_MS)

    arc.get_by_placeholder("Message to BOR").fill("Our patrol is holding fire. <b>Confirm yours.</b>")
    arc.get_by_placeholder("Message to BOR").press("Enter")
    expect(bor.locator(".hotline .messages li")).to_contain_text(
        "Our patrol is holding fire. <b>Confirm yours.</b>", timeout=TIMEOUT_MS
    )
    bor.get_by_placeholder("Message to ARC").fill("Confirmed. Holding fire.")
    bor.get_by_role("button", name="Send").first.click()
    expect(arc.locator(".hotline .messages li")).to_have_count(2, timeout=TIMEOUT_MS)
    assert bor.locator(".hotline .messages b").count() == 0  # written text stays text

    arc.get_by_role("button", name="Close line").click()
    expect(bor.locator(".hotline [data-status]")).to_have_text("closed", timeout=TIMEOUT_MS)
    # The third team's console learned nothing of it, even after a reload rebuilt it.
    cal.reload()
    expect_live(cal)
    expect(cal.locator(".hotline")).to_have_count(0)
    expect(cal.locator(".call-banner")).to_have_count(0)
    assert "holding fire" not in cal.content().lower()


def test_a_joint_statement_is_adopted_across_three_consoles(live_server, open_page):
    pages = consoles(open_page, running_exercise(live_server))
    arc = pages["ARC"]
    arc.get_by_text("Convene a dialogue").click()
    arc.get_by_label("Title").fill("Emergency defence ministers' session")
    for key in ("BOR", "CAL"):
        arc.locator(f"form[data-command=dialogue] input[value={key}]").check()
    arc.get_by_role("button", name="Convene").click()
    for page in pages.values():
        expect(page.locator(".dialogue h3")).to_have_text("Emergency defence ministers' session", timeout=TIMEOUT_MS)

    arc.get_by_placeholder("Propose a statement").fill("We call on all forces to hold their positions.")
    arc.locator(".dialogue").get_by_role("button", name="Propose").click()
    for key in ("BOR", "CAL"):
        statement = pages[key].locator(".statement")
        expect(statement).to_contain_text("awaiting", timeout=TIMEOUT_MS)
        statement.get_by_role("button", name="Endorse").click()
    for page in pages.values():
        joint = page.locator(".joint-statement")
        expect(joint).to_contain_text("We call on all forces to hold their positions.", timeout=TIMEOUT_MS)
        expect(joint).to_contain_text("Signatories")
        expect(page.locator(".statement [data-command=endorse]")).to_be_hidden()


def test_a_hotline_reply_shows_its_sender_on_both_consoles_and_in_the_facilitator_feed(live_server, open_page):
    """The reply is BOR's, on a line ARC called: `from` is the caller, the sender the actor."""
    room = started_room(live_server)
    facilitator = open_page()
    sign_in(facilitator, room["facilitator"])
    facilitator.goto(f"/facilitator/exercises/{room['exercise']}/")
    expect_live(facilitator)
    pages = consoles(open_page, room["codes"])
    arc, bor = pages["ARC"], pages["BOR"]

    arc.get_by_label("Call", exact=True).select_option("BOR")
    arc.get_by_role("button", name="Request call").click()
    bor.locator(".call-banner").get_by_role("button", name="Accept").click()
    expect(arc.locator(".hotline [data-status]")).to_have_text("open", timeout=TIMEOUT_MS)
    arc.get_by_placeholder("Message to BOR").fill("Our patrol at post 14 is holding fire.")
    arc.get_by_placeholder("Message to BOR").press("Enter")
    expect(bor.locator(".hotline .messages li")).to_have_count(1, timeout=TIMEOUT_MS)
    bor.get_by_placeholder("Message to ARC").fill("Borealis confirms: holding fire.")
    bor.get_by_placeholder("Message to ARC").press("Enter")

    for page in (arc, bor):
        lines = page.locator(".hotline .messages li")
        expect(lines).to_have_count(2, timeout=TIMEOUT_MS)
        expect(lines.nth(0)).to_have_text("ARC · Duty officer ARC: Our patrol at post 14 is holding fire.")
        expect(lines.nth(1)).to_have_text("BOR · Duty officer BOR: Borealis confirms: holding fire.")
    reply = facilitator.locator('[data-feed] li[data-kind="hotline.message"]', has_text="Borealis confirms")
    expect(reply).to_contain_text("Hotline BOR → ARC: Borealis confirms: holding fire.", timeout=TIMEOUT_MS)
    expect(facilitator.locator("[data-feed]")).not_to_contain_text("ARC → BOR: Borealis")


def test_a_public_statement_is_readable_on_every_teams_console(live_server, open_page):
    pages = consoles(open_page, running_exercise(live_server))
    text = "Arcadia will not move troops towards Karst Pass. <i>We ask our neighbours to do the same.</i>"
    arc = pages["ARC"]
    arc.get_by_label("Statement or note").fill(text)
    arc.get_by_role("button", name="Public statement").click()
    for page in pages.values():
        move = page.locator("[data-actions] li", has_text="public statement")
        expect(move).to_have_count(1, timeout=TIMEOUT_MS)
        expect(move).to_contain_text("ARC · Republic of Arcadia")
        expect(move).to_contain_text("Duty officer ARC")
        expect(move.locator("blockquote")).to_have_text(text)  # as written: text, never markup
        assert page.locator("[data-actions] i").count() == 0

    # A player who opens the console later reads it too, once.
    cal = pages["CAL"]
    cal.reload()
    expect_live(cal)
    expect(cal.locator("[data-actions] li")).to_have_count(1)
    expect(cal.locator("[data-actions] blockquote")).to_have_text(text)
