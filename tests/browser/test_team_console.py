"""Team communications in real browsers: a hotline between two teams that a third cannot
see, and a joint statement adopted across three teams' consoles."""

import pytest
from playwright.sync_api import Page, expect

from exercise import exercises
from tests import builders
from tests.browser.conftest import TIMEOUT_MS, LiveServer, expect_live, join_team

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def running_exercise(live_server: LiveServer) -> dict[str, str]:
    def build() -> dict[str, str]:
        facilitator = builders.staff("facilitator")
        exercise = builders.exercise(facilitator.caller, builders.scenario(facilitator.caller))
        exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
        return {team.key: team.join_code for team in exercise.teams.all()}

    return live_server.run(build)


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
