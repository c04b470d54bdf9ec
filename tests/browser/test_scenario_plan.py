"""A shipped scenario's timeline and preview in a real browser: opened from the library, the
chart and its table show each inject with its recipients and triggers, each team's preview
holds what is addressed to it, and the page passes axe at 1280 and 320 px, the chart
scrolling inside its own keyboard-reachable region."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from exercise.demo import SCENARIO_DIR
from exercise.document_text import parse_text
from exercise.scenarios import import_scenario
from tests import builders
from tests.browser.conftest import LiveServer, sign_in
from tests.browser.test_accessibility import check

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "screenshots" / "scenario-plan.png"


def test_a_facilitator_reads_the_timeline_and_each_teams_preview(live_server: LiveServer, open_page):
    def build():  # type: ignore[no-untyped-def]
        facilitator = builders.staff("facilitator")
        text = (SCENARIO_DIR / "karst-pass.yaml").read_bytes()
        import_scenario(caller=facilitator.caller, document=parse_text(text, yaml_syntax=True))
        return facilitator

    facilitator = live_server.run(build)
    page = open_page()
    sign_in(page, facilitator)
    page.goto("/facilitator/scenarios/")
    page.get_by_role("link", name="Timeline and preview of karst-pass").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeline and preview: Exchange of Fire at Karst Pass")

    chart = page.get_by_role("img", name="Timeline of Exchange of Fire at Karst Pass")
    expect(chart).to_be_visible()
    expect(chart.locator("desc")).to_contain_text("I2 to all, 5m after expectation E2 of I1 is missed by the group")
    table = page.locator("#plan-table")
    expect(table.locator("tbody tr")).to_have_count(12)  # 10 injects and 2 wire items
    conditional = table.locator("#plan-row-I2")
    expect(conditional).to_contain_text("Conditional")
    expect(conditional).to_contain_text("25:00")
    expect(table.locator("#plan-row-I4")).to_contain_text("DRV")
    expect(table.locator("#plan-row-I1")).to_contain_text("I2")  # what I1's expectation triggers

    region = page.get_by_role("region", name="Timeline chart, scrollable")
    region.focus()
    expect(region).to_be_focused()

    # I4 goes to Dravonia alone; I6 to Dravonia and Sarnek; I1 to both of them.
    dravonia = page.locator("#plan-team-DRV")
    sarnek = page.locator("#plan-team-SRK")
    esmir = page.locator("#plan-team-ESM")
    expect(dravonia.get_by_role("heading")).to_have_text("What Republic of Dravonia (DRV) receives, and when")
    expect(dravonia.locator('[data-key="I4"]')).to_have_count(1)
    expect(sarnek.locator('[data-key="I4"]')).to_have_count(0)
    expect(esmir.locator('[data-key="I1"]')).to_have_count(0)
    expect(esmir.locator('[data-key="I2"]')).to_contain_text("Conditional")
    expect(esmir.locator('[data-key="brief-ESM"]')).to_contain_text("Before the start")
    expect(esmir.locator('[data-key="brief-DRV"]')).to_have_count(0)
    page.get_by_role("navigation", name="Teams in the preview").get_by_role("link", name="Republic of Esmir").click()
    expect(page).to_have_url(page.url.split("#")[0] + "#plan-team-ESM")

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.locator(".plan-figure").screenshot(path=SCREENSHOT, animations="disabled")
    check(page, "a scenario's timeline and preview")
    page.set_viewport_size({"width": 320, "height": 640})
    scrolls = region.evaluate("(node) => node.scrollWidth > node.clientWidth")
    assert scrolls, "at 320 px the chart keeps its size and scrolls inside its region"
