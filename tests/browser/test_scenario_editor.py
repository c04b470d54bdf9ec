"""The scenario editor in a real browser: a facilitator uploads a workbook with a mistake,
opens it in the editor, finds the problem at its field, fixes it with the keyboard and
sees the problem go as they leave the field, publishes it, and runs an exercise from it."""

import pytest
from playwright.sync_api import expect

from exercise import scenario_drafts
from facilitator.editor_parts import PARTS
from tests import builders
from tests.browser.conftest import LiveServer, sign_in
from tests.browser.test_accessibility import check
from tests.pages.test_library_page import workbook

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_facilitator_fixes_an_upload_in_the_editor_and_runs_it(live_server: LiveServer, open_page):
    facilitator = live_server.run(builders.staff, "facilitator")
    document = builders.document(key="pass-editor", title="Karst Pass from the editor")
    broken = workbook(document, ("MSEL", "D3", "ARC, ALP"))  # I2 goes to a team there is not

    page = open_page()
    sign_in(page, facilitator)
    page.get_by_role("link", name="Open the scenario library").click()
    page.get_by_label("Scenario file").set_input_files({"name": "pass.xlsx", "mimeType": XLSX, "buffer": broken})
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#problem-list li")).to_contain_text("MSEL!D3")
    page.get_by_role("button", name="Fix it in the editor").click()

    expect(page.get_by_role("heading", name="Editing “Karst Pass from the editor”")).to_be_visible()
    expect(page.get_by_role("heading", name="Injects and expectations")).to_be_visible()
    to = page.locator("#id_inject-1-to")
    expect(to).to_be_focused()
    expect(to).to_have_value("ARC, ALP")
    expect(to).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#problems-id_inject-1-to")).to_contain_text("unknown team key 'ALP'")
    expect(page.locator("#problem-summary h2")).to_have_text("1 problem to fix before publishing")
    parts = page.get_by_role("navigation", name="Parts of the scenario")
    expect(parts.get_by_role("listitem").filter(has_text="Injects and expectations")).to_contain_text("1 problem")
    check(page, "the scenario editor with a problem")

    page.keyboard.press("Control+a")
    page.keyboard.type("ARC, BOR")
    page.keyboard.press("Tab")  # leaving the field saves it and brings its problems back
    expect(page.locator("#problems-id_inject-1-to")).to_be_empty()
    expect(to).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#problem-summary h2")).to_have_text("No problems: the scenario can be published")
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_have_text("Saved. No problems left.")
    expect(parts.get_by_role("listitem").filter(has_text="Injects and expectations")).not_to_contain_text("problem")
    check(page, "the scenario editor without problems")

    page.reload()  # it was saved, not only shown
    expect(page.locator("#id_inject-1-to")).to_have_value("ARC, BOR")

    page.get_by_role("navigation", name="Parts of the scenario").get_by_role(
        "link", name="Timeline and preview"
    ).click()
    expect(page.get_by_role("heading", name="Timeline", exact=True)).to_be_visible()
    expect(page.locator("#plan-row-I2")).to_contain_text("ARC, BOR")
    check(page, "the scenario editor's timeline and preview")

    publish = page.get_by_role("button", name="Publish to library")
    publish.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="“Karst Pass from the editor” is in the library")).to_be_visible()
    page.get_by_role("link", name="New exercise from pass-editor").click()
    expect(page.get_by_label("Scenario", exact=True).locator("option:checked")).to_have_text(
        "Karst Pass from the editor"
    )
    page.get_by_label("Exercise name").fill("Edited in the browser")
    page.get_by_role("button", name="Create exercise").click()
    expect(page.get_by_role("heading", name="Edited in the browser")).to_be_visible()
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.locator("[data-clock-status]")).to_have_text("running")


def test_every_part_of_the_editor_is_accessible_and_reflows(live_server: LiveServer, open_page):
    def build() -> tuple[builders.Staff, int]:
        member = builders.staff("facilitator")
        document = builders.document(teams=builders.briefed_teams(), personas=builders.PERSONAS)
        document["media"] = [{"key": "M1", "at": "10m", "persona": "WIRE", "headline": "Shots at the pass"}]
        document["injects"][0]["to"] = ["ARC", "ALP"]
        return member, scenario_drafts.open_draft(caller=member.caller, document=document, source="test").pk

    member, draft_id = live_server.run(build)
    page = open_page()
    sign_in(page, member)
    for part in PARTS:
        page.goto(f"/facilitator/scenarios/drafts/{draft_id}/{part.slug}/")
        expect(page.get_by_role("heading", name=part.title, level=2)).to_be_visible()
        check(page, f"the scenario editor's {part.title}")


def test_a_row_is_added_with_the_keyboard_and_its_first_field_takes_the_focus(live_server: LiveServer, open_page):
    def build() -> tuple[builders.Staff, int]:
        member = builders.staff("facilitator")
        document = builders.document(personas=builders.PERSONAS)
        return member, scenario_drafts.open_draft(caller=member.caller, document=document, source="test").pk

    member, draft_id = live_server.run(build)
    page = open_page()
    sign_in(page, member)
    page.goto(f"/facilitator/scenarios/drafts/{draft_id}/personas/")
    page.get_by_role("button", name="Add persona").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("group", name="Persona 3")).to_be_visible()
    expect(page.locator("#id_persona-2-key")).to_be_focused()
    expect(page.locator("#problems-id_persona-2-key")).to_contain_text("is blank")
    page.keyboard.type("MIN")
    page.keyboard.press("Tab")
    expect(page.locator("#problems-id_persona-2-key")).to_be_empty()
    expect(page.locator("#problems-id_persona-2-name")).to_contain_text("is blank")

    page.get_by_role("link", name="Back to the library").click()
    drafts = page.get_by_role("list", name="Your drafts")
    expect(drafts).to_contain_text("Shots at Karst Pass")
    check(page, "the scenario library with a draft")
