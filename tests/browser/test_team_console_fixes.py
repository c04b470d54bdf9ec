"""Fixes on the team console: leaving asks first, long hotlines and dialogues scroll
within their panes (each scrolling list reachable by keyboard and named), a move on the
ladder names the rung it reached, and a confidence-building measure reaches every state
without climbing."""

import re

import pytest
from playwright.sync_api import Page, expect

from exercise import dialogues, exercises, hotlines
from exercise.steps import LADDER
from tests import builders
from tests.browser.conftest import LiveServer, expect_live, join_team

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# Enough lines to fill several screens, were the panes to grow with them.
MESSAGES = 40


def busy_room(live_server: LiveServer) -> dict:
    """ARC and BOR on a hotline and in a dialogue, both long."""

    def build() -> dict:
        facilitator = builders.staff("facilitator")
        exercise = builders.exercise(facilitator.caller, builders.scenario(facilitator.caller))
        exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
        teams = {team.key: team for team in exercise.teams.all()}
        arc, bor = (builders.player(teams[key], f"Officer {key}").caller for key in ("ARC", "BOR"))
        line = hotlines.request_call(caller=arc, exercise_id=exercise.pk, to="BOR").obj
        hotlines.answer_call(caller=bor, hotline_id=line.pk, accept=True)
        meeting = dialogues.convene(caller=arc, exercise_id=exercise.pk, title="Ministers", invite=["BOR"]).obj
        for n in range(MESSAGES):
            hotlines.send_message(caller=(arc, bor)[n % 2], hotline_id=line.pk, text=f"Hotline line {n}")
            dialogues.send_message(caller=(arc, bor)[n % 2], dialogue_id=meeting.pk, text=f"Dialogue line {n}")
        for n in range(12):
            dialogues.propose(caller=arc, dialogue_id=meeting.pk, text=f"Proposed statement {n}: " + "words " * 20)
        return {"codes": {key: team.join_code for key, team in teams.items()}}

    return live_server.run(build)


def player_page(open_page, code: str) -> Page:
    page = open_page()
    join_team(page, code=code, name="Col. Amsel")
    expect_live(page)
    return page


def test_long_hotlines_and_dialogues_scroll_within_their_panes(live_server, open_page):
    room = busy_room(live_server)
    page = player_page(open_page, room["codes"]["ARC"])
    lists = {
        "hotline messages": page.get_by_role("list", name="Messages with BOR"),
        "dialogue messages": page.get_by_role("list", name="Messages in Ministers"),
        "statements": page.get_by_role("list", name="Statements in Ministers"),
    }
    expect(lists["hotline messages"].get_by_role("listitem")).to_have_count(MESSAGES)
    expect(lists["dialogue messages"].get_by_role("listitem")).to_have_count(MESSAGES)
    expect(lists["statements"].get_by_role("listitem")).to_have_count(12)
    viewport = page.viewport_size["height"]
    for name, scrolled in lists.items():
        box = scrolled.bounding_box()
        assert box["height"] < viewport / 2, f"the {name} grew to {box['height']} px"
        assert scrolled.evaluate("list => list.scrollHeight > list.clientHeight"), f"the {name} do not scroll"
        # Reachable by keyboard: focusable, and the keys scroll it.
        scrolled.focus()
        expect(scrolled).to_be_focused()
        page.keyboard.press("End")
        page.wait_for_function("list => list.scrollTop > 0", arg=scrolled.element_handle())
    for pane in (page.locator(".hotline"), page.locator(".dialogue")):
        assert pane.bounding_box()["height"] < viewport, "a pane grew past the screen"


def test_leave_asks_first(live_server, open_page):
    room = busy_room(live_server)
    page = player_page(open_page, room["codes"]["BOR"])
    asked: list[str] = []

    def answer(accept: bool):
        def on_dialog(dialog) -> None:
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return on_dialog

    page.once("dialog", answer(False))
    leave = page.get_by_role("button", name="Leave")
    leave.focus()
    page.keyboard.press("Enter")  # from the keyboard, as from the mouse
    expect(page.get_by_role("heading", name="Situation feed")).to_be_visible()
    assert asked == ["Leave the exercise? To come back, join again with your team's code."]

    page.once("dialog", answer(True))
    leave.click()
    expect(page.get_by_label("Join code")).to_be_visible()
    assert len(asked) == 2


def test_a_move_names_the_rung_it_reached(live_server, open_page):
    room = busy_room(live_server)
    page = player_page(open_page, room["codes"]["CAL"])
    page.get_by_role("button", name="Raise alert").click()
    page.get_by_role("button", name="Deploy forces").click()
    moves = page.locator("[data-actions] li")
    expect(moves).to_have_count(2)
    expect(moves.first).to_contain_text(f"deploy forces · Col. Amsel → 2 · {LADDER[2]}")
    expect(moves.last).to_contain_text(f"raise alert · Col. Amsel → 1 · {LADDER[1]}")
    expect(page.locator("[data-own-rung]")).to_have_text(f"2 · {LADDER[2]}")


def test_a_confidence_building_measure_reaches_every_state_and_climbs_nothing(live_server, open_page):
    room = busy_room(live_server)
    cal, arc = (player_page(open_page, room["codes"][key]) for key in ("CAL", "ARC"))
    measures = cal.get_by_role("group", name=re.compile("^Confidence-building measures"))
    cal.get_by_label("Statement or note").fill("Observers welcome at Exercise Iron Gate.")
    measures.get_by_role("button", name="Invite observers").click()
    for page in (cal, arc):
        move = page.locator('[data-actions] li[data-action="invite_observers"]')
        expect(move).to_contain_text(f"invite observers · Col. Amsel → 0 · {LADDER[0]}")
        expect(move).to_contain_text("Observers welcome at Exercise Iron Gate.")
    expect(cal.locator("[data-own-rung]")).to_have_text(f"0 · {LADDER[0]}")
