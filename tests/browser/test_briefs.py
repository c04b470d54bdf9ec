"""A player reads the read-ahead and their national brief on the team console, in a real
browser, prints the brief from its print view, and never meets another team's brief."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests import briefed, builders
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import TIMEOUT_MS, LiveServer, expect_live, join_team

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "screenshots" / "team-brief.png"


def draft_exercise(live_server: LiveServer) -> dict[str, Any]:
    """A briefed exercise not started yet: the read-ahead is what players have before the start."""

    def build() -> dict[str, Any]:
        facilitator = builders.staff("facilitator")
        scenario = builders.scenario(
            facilitator.caller,
            **{k: v for k, v in briefed.document(classification="EXERCISE EXERCISE EXERCISE").items() if k != "key"},
        )
        exercise = builders.exercise(facilitator.caller, scenario)
        return {team.key: team.join_code for team in exercise.teams.all()}

    return live_server.run(build)


def test_a_player_reads_the_read_ahead_then_the_brief_and_prints_it(live_server, open_page):
    codes = draft_exercise(live_server)
    page = open_page()
    join_team(page, code=codes["B"], name="Duty officer B")
    expect_live(page)

    read_ahead = page.get_by_role("tabpanel", name="Read-ahead")
    expect(read_ahead).to_be_visible()
    expect(read_ahead.get_by_role("heading", name="The road to the crisis")).to_be_visible()
    expect(read_ahead.locator("em")).to_have_text("months")
    assert page.locator(".briefing script").count() == 0  # the read-ahead's Markdown is sanitised
    brief = page.get_by_role("tabpanel", name="Brief")
    expect(brief).to_be_hidden()
    assert_accessible(page, "the team console's read-ahead")

    page.get_by_role("tab", name="Brief").click()
    expect(brief).to_be_visible(timeout=TIMEOUT_MS)
    expect(read_ahead).to_be_hidden()
    for secret in briefed.secrets("B"):
        expect(brief).to_contain_text(secret)
    expect(brief.get_by_role("heading", name="Red lines")).to_be_visible()
    content = page.content()
    assert not any(secret in content for team in "ACD" for secret in briefed.secrets(team))
    # The arrow keys move between the tabs, as the ARIA tabs pattern has it.
    page.get_by_role("tab", name="Brief").press("ArrowLeft")
    expect(read_ahead).to_be_visible()
    expect(page.get_by_role("tab", name="Read-ahead")).to_be_focused()
    page.get_by_role("tab", name="Read-ahead").press("ArrowRight")
    assert_accessible(page, "the team console's brief")

    page.get_by_role("link", name="Print view").click()
    expect(page.get_by_role("heading", name="National brief: State B")).to_be_visible(timeout=TIMEOUT_MS)
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.locator("[data-marking]").first).to_have_text("EXERCISE EXERCISE EXERCISE")
    expect(page.locator("[data-marking]").last).to_be_visible()
    for secret in briefed.secrets("B"):
        expect(page.locator(".print-sheet")).to_contain_text(secret)
    page.emulate_media(media="screen")
    assert_accessible(page, "the brief's print view")


READ_AHEAD = """### The road to the crisis

Karst Pass carries a third of Arcadia's trade with the north. Since the spring both
Arcadia and Borealis have **doubled their patrols** along the ridge, and the defence
attachés in each capital have twice protested *incursions* the other denies.
"""


def test_the_brief_tab_as_the_player_guide_shows_it(live_server, open_page):
    """Arcadia's brief from a realistic document, for the guide's picture."""

    def build() -> str:
        facilitator = builders.staff("facilitator")
        scenario = builders.scenario(facilitator.caller, teams=builders.briefed_teams(), read_ahead=READ_AHEAD)
        exercise = builders.exercise(facilitator.caller, scenario)
        return exercise.teams.get(key="ARC").join_code

    page = open_page()
    join_team(page, code=live_server.run(build), name="Col. Anja Petrov")
    expect_live(page)
    expect(page.get_by_role("tabpanel", name="Read-ahead")).to_contain_text("doubled their patrols")
    page.get_by_role("tab", name="Brief").click()
    brief = page.get_by_role("tabpanel", name="Brief")
    expect(brief).to_contain_text("Obtain a joint investigation of the incident")
    expect(brief).not_to_contain_text("Borealis believes")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.locator(".briefing").screenshot(path=SCREENSHOT, animations="disabled")
