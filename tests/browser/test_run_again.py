"""In Chromium: the scenario's marking on the pages of its exercise, and running a scenario
again from the console and the library (duplicate, reset a draft). Database calls go through
``live_server.run`` (see conftest)."""

import re

import pytest
from playwright.sync_api import Page, expect

from exercise import exercises, injects
from exercise.models import Exercise, Player
from tests import builders
from tests.browser.conftest import LiveServer, expect_live, join_team, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

MARKING = "EXERCISE EXERCISE EXERCISE - UNCLASSIFIED"
SCRIPTED_TITLE = "Exchange of fire at Karst Pass border post"


def marked_draft(live_server: LiveServer, name: str = "Syndicate A") -> tuple[builders.Staff, int, dict[str, str]]:
    def build() -> tuple[builders.Staff, int, dict[str, str]]:
        member = builders.staff("facilitator")
        scenario = builders.scenario(member.caller, classification=MARKING)
        exercise = builders.exercise(member.caller, scenario, name=name, speed=3)
        return member, exercise.pk, dict(exercise.teams.values_list("key", "join_code"))

    return live_server.run(build)


def expect_marked(page: Page) -> None:
    """The marking stands at the top of the page and again at its bottom."""
    top = page.get_by_role("note", name="Exercise marking")
    expect(top).to_have_text(MARKING)
    expect(top).to_be_in_viewport()
    bottom = page.locator("[data-marking]").last
    expect(bottom).to_have_text(MARKING)
    # Visible, not scrolled to: a console still drawing its replay moves it meanwhile. Its
    # place below the page's content is measured next.
    expect(bottom).to_be_visible()
    # Measured in one go: the console may still be drawing, and moving both, in between.
    above, below = page.evaluate(
        """() => {
          const [top, bottom] = document.querySelectorAll("[data-marking]");
          const main = document.querySelector("main").getBoundingClientRect();
          return [top.getBoundingClientRect().bottom <= main.top, bottom.getBoundingClientRect().top >= main.bottom];
        }"""
    )
    assert above and below


def test_the_marking_stands_on_the_console_the_team_console_and_the_review(live_server, open_page):
    facilitator, exercise_id, codes = marked_draft(live_server)
    console = open_page()
    sign_in(console, facilitator)
    console.goto(f"/facilitator/exercises/{exercise_id}/")
    expect_live(console)
    expect_marked(console)

    player = open_page()
    join_team(player, code=codes["ARC"], name="Col. Amsel")
    expect_marked(player)

    console.goto(f"/exercises/{exercise_id}/review/")
    expect(console.get_by_role("heading", name=re.compile("After-action review"))).to_be_visible()
    expect_marked(console)


def test_reset_asks_then_puts_the_draft_back_and_duplicate_opens_a_new_draft(live_server, open_page):
    facilitator, exercise_id, codes = marked_draft(live_server)

    def edit() -> None:
        caller = facilitator.caller
        injects.edit(caller=caller, exercise_id=exercise_id, key="I1", title="Rehearsal title", body="", severity="low")

    live_server.run(edit)
    join_team(open_page(), code=codes["ARC"], name="Rehearsal player")
    page = open_page()
    sign_in(page, facilitator)
    page.goto(f"/facilitator/exercises/{exercise_id}/")
    expect_live(page)
    titles = page.locator("[data-inject-title]")
    expect(titles.first).to_have_text("Rehearsal title")

    asked: list[str] = []

    def dismiss(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Reset draft").click()
    expect(titles.first).to_have_text("Rehearsal title")  # nothing was sent
    assert asked and asked[0].startswith("Reset this draft?")
    assert live_server.run(lambda: Player.objects.filter(team__exercise=exercise_id).count()) == 1

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reset draft").click()
    expect(page.get_by_role("status").filter(has_text="The draft is reset")).to_be_visible()
    expect(titles.first).to_have_text(SCRIPTED_TITLE)
    assert live_server.run(lambda: Player.objects.filter(team__exercise=exercise_id).count()) == 0
    page.get_by_role("tab", name="Teams").click()
    for code in codes.values():
        expect(page.get_by_text(code, exact=True)).to_be_visible()  # the codes handed out stay good

    page.get_by_role("button", name="Duplicate").click()
    expect(page).not_to_have_url(re.compile(rf"/facilitator/exercises/{exercise_id}/$"))
    expect(page.get_by_role("heading", name="Syndicate A (copy)")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="a new draft, copied with new join codes")).to_be_visible()
    copy_id = int(re.search(r"/facilitator/exercises/(\d+)/", page.url).group(1))
    copy = live_server.run(lambda: Exercise.objects.get(pk=copy_id))
    assert (copy.status, copy.speed) == ("draft", 3)
    new_codes = live_server.run(lambda: set(copy.teams.values_list("join_code", flat=True)))
    assert not new_codes & set(codes.values())
    expect_marked(page)

    # Once it runs, the console no longer offers a reset, whoever started it.
    expect_live(page)
    live_server.run(lambda: exercises.change_status(caller=facilitator.caller, exercise_id=copy_id, transition="start"))
    expect(page.locator("[data-clock-status]")).to_have_text("running")
    expect(page.get_by_role("button", name="Reset draft")).to_be_hidden()
    expect(page.get_by_role("button", name="Duplicate")).to_be_visible()


def test_a_played_exercise_is_duplicated_from_the_library(live_server, open_page):
    facilitator, exercise_id, _ = marked_draft(live_server, name="Course 12")

    def play() -> None:
        for transition in ("start", "end"):
            exercises.change_status(caller=facilitator.caller, exercise_id=exercise_id, transition=transition)

    live_server.run(play)
    page = open_page()
    sign_in(page, facilitator)
    page.wait_for_load_state("domcontentloaded")  # the page's module has wired its forms
    page.get_by_role("button", name="Duplicate Course 12").click()
    expect(page.get_by_role("heading", name="Course 12 (copy)")).to_be_visible()
    expect(page.locator("[data-clock-status]")).to_have_text("draft")
    expect(page.get_by_role("button", name="Start")).to_be_visible()
