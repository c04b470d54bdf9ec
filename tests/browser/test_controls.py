"""The facilitator's controls: one path (forms posting to the JSON API), and which of them
show follows the exercise's status from the events, on every console, whoever pressed."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests import builders
from tests.browser.conftest import TIMEOUT_MS, LiveServer, expect_live, sign_in
from tests.browser.test_live_exercise import LATER_INCIDENT, assert_not_reloaded, mark_unreloaded

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def draft_with_two_facilitators(live_server: LiveServer) -> tuple[int, builders.Staff, builders.Staff]:
    def build() -> tuple[int, builders.Staff, builders.Staff]:
        first, second = builders.staff("facilitator"), builders.staff("facilitator")
        exercise = builders.exercise(first.caller, builders.scenario(first.caller, injects=[LATER_INCIDENT]))
        return exercise.pk, first, second

    return live_server.run(build)


def console(open_page, member: builders.Staff, exercise_id: int) -> Page:
    page = open_page()
    sign_in(page, member)
    page.goto(f"/facilitator/exercises/{exercise_id}/")
    expect_live(page)
    return page


def button(page: Page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def expect_controls(page: Page, status: str, shown: tuple[str, ...], gone: tuple[str, ...]) -> None:
    expect(page.locator("[data-clock-status]")).to_have_text(status, timeout=TIMEOUT_MS)
    for name in shown:
        expect(button(page, name)).to_be_visible(timeout=TIMEOUT_MS)
    for name in gone:
        expect(button(page, name)).to_be_hidden(timeout=TIMEOUT_MS)


RUNNING = ("Pause", "End exercise", "Release now")


@pytest.mark.parametrize("pressed", ["on one console", "through the API"])
def test_start_shows_the_running_controls_on_every_console(live_server, open_page, pressed):
    exercise_id, first, second = draft_with_two_facilitators(live_server)
    pages = [console(open_page, first, exercise_id), console(open_page, second, exercise_id)]
    for page in pages:
        expect_controls(page, "draft", shown=("Start",), gone=("Pause", "Resume", "End exercise", "Release now"))
        mark_unreloaded(page)

    if pressed == "on one console":
        button(pages[0], "Start").click()
        expect(pages[0].get_by_role("status").filter(has_text="The exercise is now running.")).to_be_visible()
    else:
        answer = pages[0].request.post(
            f"/api/v1/exercises/{exercise_id}/start", headers={"Authorization": f"Bearer {second.token}"}
        )
        assert answer.status == 200, answer.text()

    for page in pages:
        expect_controls(page, "running", shown=RUNNING, gone=("Start", "Resume"))
        assert_not_reloaded(page)


def test_pause_resume_and_end_follow_whoever_pressed(live_server, open_page):
    exercise_id, first, second = draft_with_two_facilitators(live_server)
    one, other = console(open_page, first, exercise_id), console(open_page, second, exercise_id)
    for page in (one, other):
        mark_unreloaded(page)
    button(one, "Start").click()
    expect_controls(other, "running", shown=RUNNING, gone=("Start",))

    other.keyboard.press("p")  # the shortcut presses whichever of Pause and Resume shows
    for page in (one, other):
        expect_controls(page, "paused", shown=("Resume", "End exercise", "Release now"), gone=("Start", "Pause"))
    button(one, "Resume").click()
    expect(one.get_by_role("status").filter(has_text="The exercise is now running.")).to_be_visible()
    expect_controls(other, "running", shown=RUNNING, gone=("Resume",))

    # End asks first; dismissed, nothing happens.
    asked: list[str] = []

    def dismiss(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    other.once("dialog", dismiss)
    button(other, "End exercise").click()
    other.wait_for_timeout(300)
    assert asked == ["End the exercise for every team?"]
    expect_controls(one, "running", shown=RUNNING, gone=())

    other.once("dialog", lambda dialog: dialog.accept())
    button(other, "End exercise").click()
    for page in (one, other):
        expect_controls(page, "ended", shown=(), gone=("Start", "Pause", "Resume", "End exercise", "Release now"))
        expect(page.get_by_role("button", name="Set speed")).to_be_hidden()
        expect(page.get_by_role("heading", name="Send an inject now")).to_be_hidden()
        assert_not_reloaded(page)


def test_a_facilitator_creates_an_exercise_from_the_library(live_server, open_page):
    def build() -> builders.Staff:
        member = builders.staff("facilitator")
        builders.scenario(member.caller)
        return member

    member = live_server.run(build)
    page = open_page()
    sign_in(page, member)
    page.get_by_label("Exercise name").fill("Staff college run")
    page.get_by_label("Speed").fill("2")
    page.get_by_role("button", name="Create exercise").click()
    expect(page.get_by_role("heading", name="Staff college run")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/facilitator/exercises/\d+/$"))
    expect(page.locator(".join-code")).to_have_count(3)
    expect(page.locator("[data-clock-speed]")).to_have_text("2×")
    expect(button(page, "Start")).to_be_visible()
