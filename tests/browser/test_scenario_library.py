"""The scenario library in a real browser: a facilitator uploads a workbook with a mistake,
is taken to the problem at its cell, uploads the corrected file and finds the scenario."""

import pytest
from playwright.sync_api import expect

from tests import builders
from tests.browser.conftest import LiveServer, sign_in
from tests.browser.test_accessibility import check
from tests.pages.test_library_page import workbook

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_facilitator_fixes_a_workbook_and_finds_the_scenario(live_server: LiveServer, open_page):
    facilitator = live_server.run(builders.staff, "facilitator")
    document = builders.document(key="pass-workbook", title="Karst Pass from a workbook")
    broken = workbook(document, ("MSEL", "B2", "soon"))
    fixed = workbook(document)

    page = open_page()
    sign_in(page, facilitator)
    page.get_by_role("link", name="Open the scenario library").click()
    expect(page.get_by_role("heading", name="Scenario library", level=1)).to_be_visible()
    check(page, "the scenario library")

    page.get_by_label("Scenario file").set_input_files({"name": "pass.xlsx", "mimeType": XLSX, "buffer": broken})
    page.get_by_role("button", name="Upload").click()
    summary = page.get_by_role("alert").filter(has_text="“pass.xlsx” was not imported")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="1 problem in the file").click()
    problem = page.locator("#problem-list li")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text("MSEL!B2")
    expect(problem).to_contain_text("'soon' is not a duration")
    expect(page.get_by_role("row", name="Karst Pass from a workbook")).to_have_count(0)
    check(page, "the scenario library with an upload's problems")

    page.get_by_label("Scenario file").set_input_files({"name": "pass.xlsx", "mimeType": XLSX, "buffer": fixed})
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text("“Karst Pass from a workbook” (pass-workbook) was added")
    row = page.locator("tr.new-row")
    expect(row).to_contain_text("Karst Pass from a workbook")
    expect(row).to_contain_text("New")
    expect(page.get_by_role("alert")).to_have_count(0)
    check(page, "the scenario library after an upload")
