"""WCAG 2.1 AA on every page of every surface: axe-core on each page with events in every
pane (no violation allowed), the 320 px reflow check, and browser tests for what axe does
not test: single-key shortcuts (2.1.4), the focus outline's contrast (1.4.11) and how live
regions interrupt (4.1.3). docs/accessibility.md says what is checked how."""

from dataclasses import dataclass
from importlib import import_module

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
from tests.browser.test_live_exercise import LATER_INCIDENT, open_room, send_adhoc
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
        exercise = builders.exercise(staff, builders.scenario(staff, injects=[FIRST_INCIDENT, LATER_INCIDENT]))
        ex = exercise.pk
        exercises.change_status(caller=staff, exercise_id=ex, transition="start")
        teams = {team.key: team for team in exercise.teams.all()}
        arc, bor, cal = (builders.player(teams[key], f"Officer {key}").caller for key in ("ARC", "BOR", "CAL"))
        injects.release_now(caller=staff, exercise_id=ex, key="I1")
        injects.send_adhoc(
            caller=staff,
            exercise_id=ex,
            title="Ceasefire talks proposed",
            body="A *neutral* venue is offered.",
            kind="other",
            severity="critical",
            to=["ARC"],
        )
        # An open line with messages, a line that is cut, and a call waiting for ARC.
        line = hotlines.request_call(caller=arc, exercise_id=ex, to="BOR").obj
        hotlines.answer_call(caller=bor, hotline_id=line.pk, accept=True)
        hotlines.send_message(caller=bor, hotline_id=line.pk, text="Holding fire.")
        hotlines.send_message(caller=arc, hotline_id=line.pk, text="So are we.")
        hotlines.request_call(caller=cal, exercise_id=ex, to="ARC")
        hotlines.cut(caller=staff, exercise_id=ex, teams=["ARC", "CAL"])
        # A dialogue with a message, an adopted statement signed with a reservation, and one
        # still gathering support after an amendment.
        meeting = dialogues.convene(caller=bor, exercise_id=ex, title="Ministers", invite=["ARC", "CAL"]).obj
        dialogues.send_message(caller=cal, dialogue_id=meeting.pk, text="Caldera offers its capital.")
        adopted = dialogues.propose(caller=bor, dialogue_id=meeting.pk, text="All forces hold their positions.").obj
        dialogues.endorse(caller=arc, statement_id=adopted.pk)
        dialogues.endorse(caller=cal, statement_id=adopted.pk, reservation="Police units are not forces.")
        visit = dialogues.propose(caller=cal, dialogue_id=meeting.pk, text="Observers visit the pass.").obj
        dialogues.amend(caller=bor, statement_id=visit.pk, text="Observers visit the pass within a week.")
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
        jointops.propose(
            caller=cal, exercise_id=ex, kind="joint_patrol", partners=["ARC"], objective="Patrol the ridge"
        )
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


def open_every_details(page: Page) -> None:
    """Unfold every folded form, so that axe checks them too (it skips what is hidden)."""
    page.locator("details").evaluate_all("all => all.forEach((details) => { details.open = true; })")


# The last seq the server could show when it rendered the page (the room's frame, or the
# team console's data).
RENDERED_SEQ = """() => Number(document.querySelector(".room")?.dataset.lastSeq
  ?? JSON.parse(document.getElementById("console-data")?.textContent ?? "{}").lastVisibleSeq ?? 0)"""


# The checks themselves -------------------------------------------------------------------

FAULTY_PAGE = """<!doctype html><html lang="en"><head><title>Faulty</title></head><body><main>
<h1>Faulty</h1>
<p id="faint" style="color: #aaa; background: #fff">Faint text</p>
<div id="named" aria-label="A name">A plain div with a label</div>
<label for="code">Code</label><input id="code" aria-describedby="code_helptext">
<div style="width: 500px">Wider than a phone</div>
</main></body></html>"""


def test_the_checks_name_each_violation_and_a_page_too_wide(browser):
    page = browser.new_page()
    try:
        page.set_content(FAULTY_PAGE)
        with pytest.raises(AssertionError) as found:
            assert_accessible(page, "a faulty page")
        report = str(found.value)
        assert "color-contrast (serious)" in report and "#faint" in report
        assert "aria-prohibited-attr (serious)" in report and "#named" in report
        assert "aria-valid-attr-value (critical)" in report and "#code" in report
        with pytest.raises(AssertionError, match="scrolls sideways at 320 px"):
            assert_reflows(page, "a faulty page")
    finally:
        page.close()


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


def test_the_exercises_list_and_a_draft(live_server, open_page):
    def build() -> tuple[builders.Staff, int, str]:
        facilitator = builders.staff("facilitator")
        scenario = builders.scenario(facilitator.caller)
        made = []
        for transitions in ((), ("start",), ("start", "pause"), ("start", "end")):
            exercise = builders.exercise(facilitator.caller, scenario)
            for transition in transitions:
                exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition=transition)
            made.append(exercise)
        draft = made[0]
        return facilitator, draft.pk, draft.teams.get(key="ARC").join_code

    facilitator, draft, code = live_server.run(build)
    page = open_page()
    sign_in(page, facilitator)
    check(page, "the exercises list")
    page.goto(f"/facilitator/exercises/{draft}/")
    wait_for_replay(page)
    expect(page.get_by_role("button", name="Start")).to_be_visible()
    check(page, "the control room of a draft")
    player = open_page()
    join_team(player, code=code, name="Col. Amsel")
    wait_for_replay(player)
    expect(player.locator("[data-draft-notice]")).to_be_visible()
    check(player, "the team console of a draft")


def test_the_control_room_of_a_running_exercise(live_server, open_page):
    busy = busy_exercise(live_server)
    page = open_page()
    sign_in(page, busy.facilitator)
    page.goto(f"/facilitator/exercises/{busy.exercise_id}/")
    wait_for_replay(page)
    expect(page.locator("[data-adjudication] [data-operation]")).to_have_count(1)
    expect(page.locator("[data-scoreboard] tr")).to_have_count(3)
    open_every_details(page)
    check(page, "the control room")

    watcher = open_page()
    sign_in(watcher, live_server.run(builders.staff, "observer"))
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
    open_every_details(page)
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

    watcher = open_page()
    sign_in(watcher, live_server.run(builders.staff, "observer"))
    watcher.goto(f"/exercises/{exercise_id}/review/")
    check(watcher, "the after-action review, read-only")

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


# What axe does not test -------------------------------------------------------------------

RECORD_SUBMITS = """() => {
  window.submitted = [];
  document.addEventListener("submit", (event) => window.submitted.push(event.target.dataset.command), true);
}"""


def press_outside_fields(page: Page, key: str) -> None:
    """Press a key with the focus on the page itself, where a shortcut would act."""
    page.locator("#main").focus()
    page.keyboard.press(key)


def test_single_key_shortcuts_can_be_turned_off_and_stay_off(live_server, open_page):
    """WCAG 2.1.4: a single-key shortcut can be turned off, and stays off after a reload.
    The shortcuts act synchronously on the key press, so a key that did nothing has left
    no submit and no moved focus by the time the next call reaches the page."""
    room = open_room(live_server, LATER_INCIDENT, started=True)
    page = open_page()
    sign_in(page, room.facilitator)
    page.goto(f"/facilitator/exercises/{room.exercise_id}/")
    wait_for_replay(page)
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    toggle = page.get_by_label("Single-key shortcuts")
    expect(toggle).to_be_checked()

    toggle.uncheck()
    page.evaluate(RECORD_SUBMITS)
    press_outside_fields(page, "p")
    press_outside_fields(page, "n")
    assert page.evaluate("window.submitted") == []
    expect(page.locator("#adhoc-title")).not_to_be_focused()

    page.reload()
    wait_for_replay(page)
    expect(toggle).not_to_be_checked()
    page.evaluate(RECORD_SUBMITS)
    press_outside_fields(page, "p")
    assert page.evaluate("window.submitted") == []

    toggle.check()
    press_outside_fields(page, "p")
    assert page.evaluate("window.submitted") == ["pause"]
    expect(page.locator("[data-clock-status]")).to_have_text("paused", timeout=TIMEOUT_MS)


# The focused element's outline, and the colours just outside it (where a 3px outline with a
# 2px offset is drawn): what is painted there, each ancestor's background laid over the next.
FOCUS_RING = """() => {
  const focused = document.activeElement;
  const style = getComputedStyle(focused);
  const box = focused.getBoundingClientRect();
  const reach = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth) / 2;
  const points = [[box.left - reach, box.top + box.height / 2], [box.right + reach, box.top + box.height / 2],
    [box.left + box.width / 2, box.top - reach], [box.left + box.width / 2, box.bottom + reach]];
  const parse = (colour) => (colour.match(/[\\d.]+/g) ?? []).map(Number);
  const backdrop = (node) => {
    const layers = [];
    for (let at = node; at; at = at.parentElement) layers.push(parse(getComputedStyle(at).backgroundColor));
    let [r, g, b] = [255, 255, 255];
    for (const [lr, lg, lb, alpha = 1] of layers.reverse()) {
      if (lr === undefined) continue;
      [r, g, b] = [lr * alpha + r * (1 - alpha), lg * alpha + g * (1 - alpha), lb * alpha + b * (1 - alpha)];
    }
    return [r, g, b].map(Math.round);
  };
  const behind = [];
  for (const [x, y] of points) {
    if (x < 0 || y < 0 || x >= window.innerWidth || y >= window.innerHeight) continue;
    const under = document.elementsFromPoint(x, y).find((node) => node !== focused && !focused.contains(node));
    if (under) behind.push(backdrop(under));
  }
  const seen = (window.focusSeen ??= new WeakSet());
  const again = seen.has(focused) || focused === document.body;  // round, or out to the browser
  seen.add(focused);
  const text = (focused.textContent || focused.name || "").trim().slice(0, 30);
  const name = `${focused.tagName.toLowerCase()}${focused.id ? "#" + focused.id : ""} "${text}"`;
  const width = parseFloat(style.outlineWidth);
  return { name, again, style: style.outlineStyle, width, colour: parse(style.outlineColor), behind };
}"""
MOST_TAB_STOPS = 400


def luminance(rgb: list[int]) -> float:
    def linear(channel: float) -> float:
        channel /= 255
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in rgb[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: list[int], other: list[int]) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def weak_focus_rings(page: Page) -> list[str]:
    """Tab through the whole page; every focused element's outline that is missing, thinner
    than 2px, or under 3:1 against a colour around it."""
    weak: list[str] = []
    for stops in range(MOST_TAB_STOPS):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring["again"]:
            assert stops > 5, f"only {stops} tab stops: the keyboard did not move the focus"
            return weak
        if ring["style"] in ("none", "hidden") or ring["width"] < 2:
            weak.append(f"{ring['name']}: no outline ({ring['style']} {ring['width']}px)")
        for behind in ring["behind"]:
            if contrast(ring["colour"], behind) < 3:
                weak.append(f"{ring['name']}: {contrast(ring['colour'], behind):.2f}:1 against rgb{tuple(behind)}")
    pytest.fail(f"the focus did not come round in {MOST_TAB_STOPS} tab stops")


def test_the_focus_outline_stands_out_3_to_1_wherever_it_is_drawn(live_server, open_page):
    """WCAG 1.4.11: the focus indicator against what is around it, on the light panels and
    tints as on the dark top bar, for every tab stop of the busiest pages."""
    busy = busy_exercise(live_server)
    facilitator = open_page()
    sign_in(facilitator, busy.facilitator)
    assert weak_focus_rings(facilitator) == [], "the exercises list"
    facilitator.goto(f"/facilitator/exercises/{busy.exercise_id}/")
    wait_for_replay(facilitator)
    assert weak_focus_rings(facilitator) == [], "the control room"

    player = open_page()
    join_team(player, code=busy.codes["ARC"], name="Col. Amsel")
    wait_for_replay(player)
    assert weak_focus_rings(player) == [], "the team console"

    live_server.run(
        lambda: exercises.change_status(caller=busy.facilitator.caller, exercise_id=busy.exercise_id, transition="end")
    )
    facilitator.goto(f"/exercises/{busy.exercise_id}/review/")
    assert weak_focus_rings(facilitator) == [], "the after-action review"


def live_text(page: Page, selector: str) -> str:
    return " | ".join(page.locator(selector).all_text_contents())


def test_other_teams_moves_are_announced_politely_and_what_waits_on_the_team_urgently(live_server, open_page):
    """4.1.3 by hand: an assertive region interrupts the screen reader and the player's
    typing, so only an inject for the team and a call to it use one; another state's move
    waits its turn."""
    room = open_room(live_server, LATER_INCIDENT, started=True)
    page = open_page()
    join_team(page, code=room.codes["ARC"], name="Col. Amsel")
    wait_for_replay(page)

    def borealis_speaks() -> None:
        team = Exercise.objects.get(pk=room.exercise_id).teams.get(key="BOR")
        actions.take(
            caller=builders.player(team).caller,
            exercise_id=room.exercise_id,
            kind="public_statement",
            text="Borealis calls for calm.",
        )

    live_server.run(borealis_speaks)
    expect(page.locator("[data-actions]")).to_contain_text("Borealis calls for calm.", timeout=TIMEOUT_MS)
    expect(page.locator("[aria-live=polite][data-announce]")).to_contain_text("Borealis calls for calm.")
    assert "Borealis" not in live_text(page, "[aria-live=assertive], [role=alert]")

    send_adhoc(live_server, room, "Convoy stopped at the border")
    expect(page.locator("[aria-live=assertive][data-announce]")).to_have_text(
        "New inject: Convoy stopped at the border", timeout=TIMEOUT_MS
    )
