"""WCAG 2.1 AA on every page of every surface: axe-core on each page with events in every
pane (no violation allowed), the 320 px reflow check, and browser tests for what axe does
not test: single-key shortcuts (2.1.4), the focus outline's contrast (1.4.11) and how live
regions interrupt (4.1.3). docs/accessibility.md says what is checked how."""

from dataclasses import dataclass
from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from exercise import actions, dialogues, evaluation, exercises, hotlines, injects, jointops
from exercise.demo.played import play_karst_pass, write_up
from exercise.models import Exercise
from gateway.sessions import SESSION_KEY
from tests import builders
from tests.browser.accessibility import assert_accessible, assert_reflows
from tests.browser.conftest import TIMEOUT_MS, LiveServer, expect_live, join_team, sign_in
from tests.browser.test_live_exercise import LATER_INCIDENT
from tests.review.played import karst_pass

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

FIRST_INCIDENT = {
    "key": "I1",
    "at": "1h",
    "title": "Exchange of fire at Karst Pass border post",
    "kind": "border_tension",
    "severity": "high",
    "to": ["ARC", "BOR"],
    "body": "Shots fired at the **border post**; two soldiers wounded.",
}


def check(page: Page, where: str) -> None:
    assert_accessible(page, where)
    assert_reflows(page, where)


@dataclass
class Busy:
    """A running exercise with something in every pane of both consoles."""

    exercise_id: int
    facilitator: builders.Staff
    codes: dict[str, str]


def busy_exercise(live_server: LiveServer) -> Busy:
    def build() -> Busy:
        facilitator = builders.staff("facilitator")
        staff = facilitator.caller
        exercise = builders.exercise(
            staff, builders.scenario(staff, injects=[FIRST_INCIDENT, LATER_INCIDENT])
        )
        ex = exercise.pk
        exercises.change_status(caller=staff, exercise_id=ex, transition="start")
        teams = {team.key: team for team in exercise.teams.all()}
        arc, bor, cal = (builders.player(teams[key], f"Officer {key}").caller for key in ("ARC", "BOR", "CAL"))
        injects.release_now(caller=staff, exercise_id=ex, key="I1")
        injects.send_adhoc(
            caller=staff, exercise_id=ex, title="Ceasefire talks proposed", body="A *neutral* venue is offered.",
            kind="other", severity="critical", to=["ARC"],
        )
        # An open line with messages, a line that is cut, and a call waiting for ARC.
        line = hotlines.request_call(caller=arc, exercise_id=ex, to="BOR").obj
        hotlines.answer_call(caller=bor, hotline_id=line.pk, accept=True)
        hotlines.send_message(caller=bor, hotline_id=line.pk, text="Holding fire.")
        hotlines.send_message(caller=arc, hotline_id=line.pk, text="So are we.")
        hotlines.request_call(caller=cal, exercise_id=ex, to="ARC")
        hotlines.cut(caller=staff, exercise_id=ex, teams=["ARC", "CAL"])
        # A dialogue with a message, an adopted statement and one still gathering support.
        meeting = dialogues.convene(caller=bor, exercise_id=ex, title="Ministers", invite=["ARC", "CAL"]).obj
        dialogues.send_message(caller=cal, dialogue_id=meeting.pk, text="Caldera offers its capital.")
        adopted = dialogues.propose(caller=bor, dialogue_id=meeting.pk, text="All forces hold their positions.").obj
        dialogues.endorse(caller=arc, statement_id=adopted.pk)
        dialogues.endorse(caller=cal, statement_id=adopted.pk)
        dialogues.propose(caller=cal, dialogue_id=meeting.pk, text="Observers visit the pass.")
        # Operations: one adjudicated, one awaiting adjudication, one waiting for ARC's answer.
        patrol = jointops.propose(
            caller=arc, exercise_id=ex, kind="joint_patrol", partners=["BOR"], objective="Patrol the pass"
        ).obj
        jointops.answer(caller=bor, operation_id=patrol.pk, accept=True)
        jointops.adjudicate(caller=staff, operation_id=patrol.pk, outcome="succeeded", narrative="The patrol met.")
        second = jointops.propose(
            caller=bor, exercise_id=ex, kind="joint_patrol", partners=["ARC"], objective="Patrol the valley"
        ).obj
        jointops.answer(caller=arc, operation_id=second.pk, accept=True)
        jointops.propose(caller=cal, exercise_id=ex, kind="joint_patrol", partners=["ARC"], objective="Patrol the ridge")
        # Every state's actions, a rating and a note.
        actions.take(caller=bor, exercise_id=ex, kind="raise_alert")
        actions.take(caller=cal, exercise_id=ex, kind="public_statement", text="Caldera stands ready to mediate.")
        actions.take(caller=arc, exercise_id=ex, kind="deploy_forces")
        evaluation.rate(caller=staff, exercise_id=ex, team="ARC", objective="O1", rating="S", note="Quick call.")
        evaluation.add_note(caller=staff, exercise_id=ex, text="ARC called BOR at once.", team="ARC")
        return Busy(ex, facilitator, {key: team.join_code for key, team in teams.items()})

    return live_server.run(build)


def wait_for_replay(page: Page) -> None:
    """The page is live and has drawn the log as far as the server rendered it."""
    expect_live(page)
    seq = page.evaluate(RENDERED_SEQ)
    if seq:
        expect(page.locator("html")).to_have_attribute("data-last-seq", str(seq), timeout=TIMEOUT_MS)


# The last seq the server could show when it rendered the page (the room's frame, or the
# team console's data).
RENDERED_SEQ = """() => Number(document.querySelector(".room")?.dataset.lastSeq
  ?? JSON.parse(document.getElementById("console-data")?.textContent ?? "{}").lastVisibleSeq ?? 0)"""


# axe-core on every page ---------------------------------------------------------------------


def test_sign_in_join_and_error_pages(live_server, open_page):
    def build() -> builders.Staff:
        get_user_model().objects.create_user(username="nobody", password="a long enough password")
        return builders.staff("facilitator")

    facilitator = live_server.run(build)
    page = open_page()
    page.goto("/accounts/login/")
    check(page, "the sign-in page")
    page.get_by_label("Username").fill("someone")
    page.get_by_label("Password", exact=True).fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check(page, "the sign-in page with an error")

    page.goto("/join/")
    check(page, "the join page")
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.locator(".field.invalid").first).to_be_visible()
    check(page, "the join page with errors")

    sign_in(page, facilitator)
    page.goto("/facilitator/exercises/999999/")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    check(page, "the 404 page")

    stranger = open_page()
    stranger.goto("/accounts/login/")
    stranger.get_by_label("Username").fill("nobody")
    stranger.get_by_label("Password", exact=True).fill("a long enough password")
    stranger.get_by_role("button", name="Sign in").click()
    stranger.goto("/facilitator/")
    expect(stranger.get_by_role("heading", name="Not allowed")).to_be_visible()
    check(stranger, "the 403 page")


def test_the_exercises_list(live_server, open_page):
    def build() -> builders.Staff:
        facilitator = builders.staff("facilitator")
        scenario = builders.scenario(facilitator.caller)
        for transitions in ((), ("start",), ("start", "pause"), ("start", "end")):
            exercise = builders.exercise(facilitator.caller, scenario)
            for transition in transitions:
                exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition=transition)
        return facilitator

    page = open_page()
    sign_in(page, live_server.run(build))
    check(page, "the exercises list")


def test_the_control_room_of_a_running_exercise(live_server, open_page):
    busy = busy_exercise(live_server)
    page = open_page()
    sign_in(page, busy.facilitator)
    page.goto(f"/facilitator/exercises/{busy.exercise_id}/")
    wait_for_replay(page)
    expect(page.locator("[data-adjudication] [data-operation]")).to_have_count(1)
    expect(page.locator("[data-scoreboard] tr")).to_have_count(3)
    check(page, "the control room")

    def observer() -> builders.Staff:
        return builders.staff("observer")

    watcher = open_page()
    sign_in(watcher, live_server.run(observer))
    watcher.goto(f"/facilitator/exercises/{busy.exercise_id}/")
    wait_for_replay(watcher)
    check(watcher, "the control room, read-only")


def test_the_team_console_with_every_pane_in_use(live_server, open_page):
    busy = busy_exercise(live_server)
    page = open_page()
    join_team(page, code=busy.codes["ARC"], name="Col. Amsel")
    wait_for_replay(page)
    expect(page.locator("[data-incoming] [data-call]")).to_have_count(1)
    expect(page.locator("[data-operations] [data-operation]")).to_have_count(3)
    page.locator("details.composer").evaluate_all("all => all.forEach((d) => { d.open = true; })")
    page.locator("details.report").first.evaluate("d => { d.open = true; }")
    check(page, "the team console")


def test_the_review_and_the_team_debrief(live_server, open_page):
    def build() -> tuple[builders.Staff, int, str]:
        facilitator = builders.staff("facilitator")
        exercise = play_karst_pass(facilitator.caller, karst_pass(facilitator.caller))
        write_up(exercise, facilitator.caller)
        player = Exercise.objects.get(pk=exercise.pk).teams.get(key="ESM").players.get()
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = player.pk
        session.save()
        return facilitator, exercise.pk, session.session_key

    facilitator, exercise_id, player_session = live_server.run(build)
    page = open_page()
    sign_in(page, facilitator)
    page.goto(f"/exercises/{exercise_id}/review/")
    check(page, "the after-action review")
    page.goto(f"/facilitator/exercises/{exercise_id}/")
    wait_for_replay(page)
    check(page, "the control room of an ended exercise")

    player = open_page()
    player.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": player_session, "url": live_server.url}]
    )
    player.goto("/team/debrief/")
    check(player, "the team debrief")
    player.locator("#feedback form").evaluate("form => { form.noValidate = true; }")
    player.get_by_role("button", name="Send feedback").click()
    expect(player.locator(".field.invalid").first).to_be_visible()
    check(player, "the team debrief with form errors")
    player.goto("/team/")
    wait_for_replay(player)
    check(player, "the team console of an ended exercise")
