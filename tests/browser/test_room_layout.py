"""The control room on one screen from 1,366 × 768 up: the clock and controls, the inject
timeline, the live feed and the status board in view without scrolling the page; the
feed's filters; the side tabs by keyboard; every control saying what it did; and several
staff seeing the same state live, all drawn from the log."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from exercise import actions, exercises, hotlines, injects, reports
from exercise.steps import LADDER
from tests import builders
from tests.browser.conftest import LiveServer, expect_live, sign_in
from tests.browser.test_live_exercise import assert_not_reloaded, mark_unreloaded

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
LAPTOP = {"width": 1366, "height": 768}

LATER = {
    "key": "I3",
    "at": "1h",
    "title": "Satellite imagery of troop movements",
    "kind": "intelligence",
    "severity": "medium",
    "to": ["CAL"],
    "body": "Imagery shows armour moving towards the pass.",
}
FOLLOW_UP = {
    "key": "I4",
    "trigger": {"after": "I3", "delay": "10m"},
    "title": "Caldera asks for an explanation",
    "kind": "other",
    "severity": "low",
    "to": ["ARC"],
    "body": "Caldera's ambassador asks what the imagery shows.",
}
# Neither the code nor its cell is cut short.
WHOLE = """code => code.scrollWidth <= code.clientWidth
  && code.closest("td").scrollWidth <= code.closest("td").clientWidth"""
MAIN_WORK = {
    "clock and controls": ".room-clock",
    "inject timeline": ".timeline",
    "live feed": ".feed-panel",
    "status board": ".board",
}


def running_room(live_server: LiveServer) -> dict:
    """A running exercise of the default scenario (I1 at 5m to ARC and BOR, I2 on E1
    missed, to all) with I3 at 1h to CAL and I4 10m after I3; I1 released, ARC calling
    BOR, Caldera having deployed forces."""

    def build() -> dict:
        facilitator = builders.staff("facilitator")
        scenario = builders.scenario(facilitator.caller, injects=[*builders.DOCUMENT["injects"], LATER, FOLLOW_UP])
        exercise = builders.exercise(facilitator.caller, scenario, speed=1)
        exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
        teams = {team.key: team for team in exercise.teams.all()}
        players = {key: builders.player(team, f"Officer {key}") for key, team in teams.items()}
        injects.release_now(caller=facilitator.caller, exercise_id=exercise.pk, key="I1")
        call = hotlines.request_call(caller=players["ARC"].caller, exercise_id=exercise.pk, to="BOR").obj
        actions.take(caller=players["CAL"].caller, exercise_id=exercise.pk, kind="deploy_forces")
        return {
            "exercise": exercise.pk,
            "facilitator": facilitator,
            "players": players,
            "call": call.pk,
            "codes": {key: team.join_code for key, team in teams.items()},
        }

    return live_server.run(build)


def console(open_page, member: builders.Staff, exercise_id: int, viewport: dict = LAPTOP) -> Page:
    page = open_page()
    page.set_viewport_size(viewport)
    sign_in(page, member)
    page.goto(f"/facilitator/exercises/{exercise_id}/")
    expect_live(page)
    return page


def confirmation(page: Page):
    return page.locator("[data-confirmation]")


def tab(page: Page, name: str):
    return page.get_by_role("tab", name=name)


@pytest.mark.parametrize("viewport", [LAPTOP, {"width": 1920, "height": 1080}], ids=["1366x768", "1920x1080"])
def test_the_main_work_fits_one_screen(live_server, open_page, viewport):
    room = running_room(live_server)
    page = console(open_page, room["facilitator"], room["exercise"], viewport)
    expect(page.locator('tr[data-inject="I1"] [data-inject-status]')).to_have_text("released")

    assert page.evaluate("document.scrollingElement.scrollHeight <= innerHeight"), "the page scrolls"
    for name, selector in MAIN_WORK.items():
        box = page.locator(selector).bounding_box()
        assert box is not None, name
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], f"{name} leaves the screen: {box}"
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], f"{name} leaves the screen: {box}"
    # The feed fills the height it has, down to the status board.
    feed, board = page.locator(".feed-panel").bounding_box(), page.locator(".board").bounding_box()
    assert feed["height"] > viewport["height"] / 3
    assert board["y"] >= feed["y"] + feed["height"]

    # Join codes whole: nothing of them clipped, at any width.
    tab(page, "Teams").click()
    for key, code in room["codes"].items():
        shown = page.locator(".join-code", has_text=code)
        expect(shown).to_be_visible()
        box = shown.bounding_box()
        assert box["x"] + box["width"] <= viewport["width"], key
        assert shown.evaluate(WHOLE), key

    if viewport == LAPTOP:
        tab(page, "Scores").click()
        expect(page.locator("[data-stability]")).not_to_have_text("…")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "control-room.png", animations="disabled")


def test_the_timeline_says_who_receives_what_and_when(live_server, open_page):
    room = running_room(live_server)
    page = console(open_page, room["facilitator"], room["exercise"])
    row = lambda key: page.locator(f'tr[data-inject="{key}"]')  # noqa: E731
    expect(row("I1").locator("[data-inject-to]")).to_have_text("ARC, BOR")
    expect(row("I2").locator("[data-inject-to]")).to_have_text("ARC, BOR, CAL")
    expect(row("I2")).to_contain_text("when E1 is missed + 5m")
    expect(row("I1")).to_contain_text("E1: each of ARC, BOR, hotline requested within 15m · 10 pts")
    # I1 was due at 5:00 and went out at the start: when, and how early.
    expect(row("I1").locator("[data-inject-released]")).to_have_text(re.compile(r"^at 00:0\d \(04:5\d early\)$"))
    expect(page.locator("[data-next-release]")).to_contain_text(
        "Next release: I3 “Satellite imagery of troop movements” in 59:"
    )

    mark_unreloaded(page)
    row("I3").get_by_role("button", name="Release now").click()
    expect(confirmation(page)).to_have_text(re.compile(r"^Inject I3 released at 00:\d\d\.$"))
    expect(row("I3").locator("[data-inject-status]")).to_have_text("released")
    # I4 waits on I3: its due time comes with inject.scheduled, and the countdown moves to it.
    expect(row("I4").locator("[data-inject-due]")).to_have_text(re.compile(r"^10:\d\d$"))
    expect(page.locator("[data-next-release]")).to_contain_text(
        "Next release: I4 “Caldera asks for an explanation” in 09:"
    )

    # An ad-hoc inject's row says to whom it went, from its event.
    page.keyboard.press("n")
    expect(page.locator("#adhoc-title")).to_be_focused()
    page.locator("#adhoc-title").fill("Weather closes the pass")
    page.get_by_role("group", name="To").get_by_label("BOR Borealis Federation").check()
    page.get_by_role("button", name="Send inject").click()
    expect(confirmation(page)).to_have_text(re.compile(r"^Inject X1 sent at 00:\d\d\.$"))
    expect(row("X1").locator("[data-inject-to]")).to_have_text("BOR")
    assert_not_reloaded(page)


def test_an_edited_inject_shows_its_new_title_at_once_on_every_console(live_server, open_page):
    room = running_room(live_server)
    colleague = live_server.run(lambda: builders.staff("facilitator"))
    one = console(open_page, room["facilitator"], room["exercise"])
    other = console(open_page, colleague, room["exercise"])
    for page in (one, other):
        mark_unreloaded(page)

    one.locator('tr[data-inject="I3"]').get_by_role("button", name="Edit").click()
    expect(tab(one, "Injects")).to_have_attribute("aria-selected", "true")
    title = one.locator("#edit-I3-title")
    expect(title).to_be_focused()
    new_title = "Imagery shows armour at the pass"
    title.fill(new_title)
    one.locator('[data-edit="I3"]').get_by_role("button", name="Save changes").click()
    expect(confirmation(one)).to_have_text(f"Inject I3 saved: “{new_title}”.")
    for page in (one, other):
        expect(page.locator('tr[data-inject="I3"] [data-inject-title]')).to_have_text(new_title)
        expect(page.locator('[data-edit="I3"] summary')).to_have_text(f"I3: {new_title}")
        assert_not_reloaded(page)
    expect(other.locator("#edit-I3-title")).to_have_value(new_title)
    expect(other.locator("[data-feed]")).to_contain_text(f"Inject I3 edited: “{new_title}” (medium)")

    # After a reload, the same.
    other.reload()
    expect_live(other)
    expect(other.locator('tr[data-inject="I3"] [data-inject-title]')).to_have_text(new_title)


def test_the_feed_filters_by_team_instrument_and_kind(live_server, open_page):
    room = running_room(live_server)
    page = console(open_page, room["facilitator"], room["exercise"])
    filters = page.locator(".feed-panel")
    feed = page.locator("[data-feed] li[data-seq]")
    expect(page.locator("[data-feed-count]")).to_have_text(re.compile(r"^\d+ events$"))
    everything = feed.count()
    assert everything >= 5

    filters.get_by_label("Team").select_option("BOR")
    expect(confirmation(page)).to_have_text(re.compile(r"^Feed filtered by team BOR: \d+ events\.$"))
    kinds = feed.evaluate_all("lines => lines.map(l => l.dataset.kind)")
    assert set(kinds) == {"inject.released", "hotline.requested"}, kinds
    expect(page.locator("[data-feed-count]")).to_have_text(re.compile(rf"^2 of {everything} events$"))

    filters.get_by_label("Instrument").select_option("hotline")
    expect(feed).to_have_count(1)
    expect(feed).to_contain_text("Hotline ARC – BOR requested")
    expect(confirmation(page)).to_have_text("Feed filtered by team BOR, instrument hotline: 1 events.")

    filters.get_by_label("Team").select_option("")
    filters.get_by_label("Instrument").select_option("")
    filters.get_by_label("Kind").select_option("action.taken")
    expect(feed).to_have_count(1)
    expect(feed).to_contain_text(f"CAL deployed forces (rung 1 · {LADDER[1]})")

    # A live event that passes the filters arrives; one that does not stays out.
    live_server.run(
        lambda: actions.take(caller=room["players"]["ARC"].caller, exercise_id=room["exercise"], kind="raise_alert")
    )
    expect(feed).to_have_count(2)
    live_server.run(
        lambda: hotlines.answer_call(caller=room["players"]["BOR"].caller, hotline_id=room["call"], accept=True)
    )
    filters.get_by_label("Kind").select_option("")
    expect(confirmation(page)).to_have_text(re.compile(r"^Feed unfiltered: \d+ events\.$"))
    expect(feed.first).to_contain_text("Hotline ARC – BOR accepted")


def test_the_side_tabs_work_from_the_keyboard(live_server, open_page):
    room = running_room(live_server)
    page = console(open_page, room["facilitator"], room["exercise"])
    tabs = page.get_by_role("tablist", name="Side panels").get_by_role("tab")
    names = tabs.all_inner_texts()
    assert [name.strip() for name in names] == [
        "Scores",
        "Control cell",
        "News wire",
        "Trust",
        "Map",
        "Evaluation",
        "Adjudication",
        "Injects",
        "Lines",
        "Teams",
    ]
    expect(page.get_by_role("tabpanel")).to_have_count(1)  # the others are hidden

    tab(page, "Wire").focus()
    page.keyboard.press("ArrowRight")
    expect(tab(page, "Trust")).to_be_focused()
    expect(tab(page, "Trust")).to_have_attribute("aria-selected", "true")
    expect(tab(page, "Scores")).to_have_attribute("aria-selected", "false")
    expect(page.get_by_role("tabpanel", name="Trust")).to_be_visible()
    expect(page.get_by_role("heading", name="Trust matrix")).to_be_visible()
    page.keyboard.press("End")
    expect(tab(page, "Teams")).to_be_focused()
    expect(page.get_by_role("tabpanel", name="Teams")).to_contain_text(room["codes"]["ARC"])
    page.keyboard.press("ArrowRight")  # wraps round
    expect(tab(page, "Scores")).to_be_focused()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Home")
    expect(tab(page, "Scores")).to_have_attribute("aria-selected", "true")
    # Only the selected tab is in the Tab order; Tab goes on into its panel.
    assert tabs.evaluate_all("tabs => tabs.map(t => t.tabIndex)") == [0] + [-1] * (len(names) - 1)
    page.keyboard.press("Tab")
    expect(page.get_by_role("tabpanel", name="Scores")).to_be_focused()

    # The e shortcut opens the Evaluation tab at the note.
    page.locator("body").click(position={"x": 5, "y": 60})
    page.keyboard.press("e")
    expect(page.get_by_label("Observation")).to_be_focused()
    expect(tab(page, "Evaluation")).to_have_attribute("aria-selected", "true")


def test_every_control_confirms_what_it_did(live_server, open_page):
    room = running_room(live_server)
    page = console(open_page, room["facilitator"], room["exercise"])
    page.get_by_role("button", name="Pause").click()
    expect(confirmation(page)).to_have_text(re.compile(r"^The exercise is now paused\. Exercise time 00:\d\d\.$"))
    expect(page.locator("[data-next-release]")).to_contain_text("(held while paused)")
    page.get_by_role("button", name="Resume").click()
    expect(confirmation(page)).to_have_text(re.compile(r"^The exercise is now running\. Exercise time 00:\d\d\.$"))
    page.get_by_label("Speed", exact=True).fill("2")
    page.get_by_role("button", name="Set speed").click()
    expect(confirmation(page)).to_have_text("Speed set to 2×.")

    tab(page, "Evaluation").click()
    page.get_by_label("Observation").fill("ARC called within a minute.")
    page.get_by_role("button", name="Add note").click()
    expect(confirmation(page)).to_have_text("Note added.")

    tab(page, "Lines").click()
    page.get_by_role("button", name="Cut line").click()
    expect(confirmation(page)).to_have_text("The line between ARC and BOR is cut.")
    page.get_by_role("button", name="Restore").click()
    expect(confirmation(page)).to_have_text("The line between ARC and BOR is restored.")

    row = page.locator('tr[data-inject="I3"]')
    row.locator("summary", has_text="Skip").click()
    row.get_by_label("Reason").fill("The imagery is not ready.")
    row.get_by_role("button", name="Skip inject").click()
    expect(confirmation(page)).to_have_text(re.compile(r"^Inject I3 skipped at 00:\d\d\.$"))
    expect(page.locator('tr[data-inject="I3"] [data-inject-status]')).to_have_text("skipped")


def test_the_status_board_follows_each_team(live_server, open_page):
    room = running_room(live_server)
    page = console(open_page, room["facilitator"], room["exercise"])
    board = lambda key, column: page.locator(f'[data-board="{key}"] [data-board-{column}]')  # noqa: E731
    expect(board("BOR", "calls")).to_have_text(re.compile(r"^from ARC, 00:\d\d$"))
    expect(board("ARC", "calls")).to_have_text("none")
    expect(board("ARC", "reports")).to_have_text("1: I1")
    expect(board("CAL", "reports")).to_have_text("none")
    expect(board("CAL", "rung")).to_have_text(f"1 · {LADDER[1]}")
    expect(board("CAL", "last")).to_have_text(re.compile(r"^00:\d\d ago · action taken$"))
    expect(board("BOR", "last")).to_have_text("none yet")
    expect(board("ARC", "cell")).to_have_text("none")

    players = room["players"]
    live_server.run(lambda: hotlines.answer_call(caller=players["BOR"].caller, hotline_id=room["call"], accept=True))
    expect(board("BOR", "calls")).to_have_text("none")
    expect(board("BOR", "last")).to_have_text(re.compile(r"^00:\d\d ago · hotline accepted$"))
    live_server.run(
        lambda: reports.submit(caller=players["ARC"].caller, exercise_id=room["exercise"], inject="I1", text="Calm.")
    )
    expect(board("ARC", "reports")).to_have_text("none")
    expect(board("BOR", "reports")).to_have_text("1: I1")
    live_server.run(
        lambda: actions.take(caller=players["CAL"].caller, exercise_id=room["exercise"], kind="raise_alert")
    )
    expect(board("CAL", "rung")).to_have_text(f"2 · {LADDER[2]}")
