"""One renderer: every event kind has its drawing in static/js/drawings.js, and a page
drawn from the replay after a reload reads as it did live, with nothing drawn twice."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from exercise import actions, dialogues, exercises, hotlines, jointops
from tests import builders
from tests.browser.conftest import TIMEOUT_MS, LiveServer, expect_live, join_team, sign_in
from tests.browser.test_live_exercise import LATER_INCIDENT

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

LOAD_DRAWINGS = """async () => {
  const { DRAWINGS } = await import("/static/js/drawings.js");
  return Object.fromEntries(Object.entries(DRAWINGS).map(([kind, entry]) => [kind,
    Object.fromEntries(Object.entries(entry).map(([page, draw]) => [page, draw === null ? "null" : typeof draw]))]));
}"""


def test_every_event_kind_has_a_drawing_and_every_drawing_a_kind(live_server, open_page):
    """The catalogue (as /api/v1/event-kinds lists it) names the consoles that draw each
    kind: the team console has a drawing for exactly those; the control room draws every
    kind at least as a feed line, and may draw more."""
    page = open_page()
    page.goto("/accounts/login/")
    drawings = page.evaluate(LOAD_DRAWINGS)
    consoles = {item["kind"]: item["consoles"] for item in page.request.get("/api/v1/event-kinds").json()}
    assert sorted(set(consoles) - set(drawings)) == [], "kinds without a drawing"
    assert sorted(set(drawings) - set(consoles)) == [], "drawings of no kind"
    for kind, entry in drawings.items():
        assert entry.keys() == {"team", "room"}, kind
        assert set(entry.values()) <= {"function", "null"}, kind
        assert (entry["team"] == "function") == ("team" in consoles[kind]), kind


NOTE = "ARC called BOR within two minutes of the incident."
STATEMENT = "We call on all forces to hold their positions."


def played_room(live_server: LiveServer) -> dict[str, Any]:
    """A running exercise with a line open, a joint statement adopted, an operation
    awaiting adjudication and an action: the teams' part, done through the services."""

    def build() -> dict[str, Any]:
        facilitator = builders.staff("facilitator")
        exercise = builders.exercise(
            facilitator.caller, builders.scenario(facilitator.caller, injects=[LATER_INCIDENT])
        )
        exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
        teams = {team.key: team for team in exercise.teams.all()}
        arc, bor, cal = (builders.player(teams[key], f"Officer {key}").caller for key in ("ARC", "BOR", "CAL"))
        line = hotlines.request_call(caller=arc, exercise_id=exercise.pk, to="BOR").obj
        hotlines.answer_call(caller=bor, hotline_id=line.pk, accept=True)
        hotlines.send_message(caller=bor, hotline_id=line.pk, text="Holding fire.")
        meeting = dialogues.convene(caller=arc, exercise_id=exercise.pk, title="Ministers", invite=["BOR", "CAL"]).obj
        statement = dialogues.propose(caller=arc, dialogue_id=meeting.pk, text=STATEMENT).obj
        dialogues.endorse(caller=bor, statement_id=statement.pk)
        dialogues.endorse(caller=cal, statement_id=statement.pk)
        operation = jointops.propose(
            caller=arc, exercise_id=exercise.pk, kind="joint_patrol", partners=["BOR"], objective="Patrol the pass"
        ).obj
        jointops.answer(caller=bor, operation_id=operation.pk, accept=True)
        actions.take(
            caller=cal, exercise_id=exercise.pk, kind="public_statement", text="Caldera stands ready to mediate."
        )
        return {
            "exercise": exercise.pk,
            "facilitator": facilitator,
            "codes": {k: t.join_code for k, t in teams.items()},
        }

    return live_server.run(build)


def last_seq(page: Page) -> str:
    return page.evaluate("document.documentElement.dataset.lastSeq")


def reload_and_replay(page: Page) -> None:
    """Reload, and wait until the replay has come as far as the page had."""
    seen = last_seq(page)
    page.reload()
    expect_live(page)
    expect(page.locator("html")).to_have_attribute("data-last-seq", seen, timeout=TIMEOUT_MS)


def texts(page: Page, selectors: tuple[str, ...]) -> dict[str, str]:
    """The text of each panel, whether or not its side tab is the one shown."""
    return {selector: page.locator(selector).text_content() for selector in selectors}


ROOM_PANELS = (
    "[data-inject-rows]",
    ".controls",
    "[data-feed]",
    "[data-notes]",
    "[data-outages]",
    "[data-adjudication]",
)
TEAM_PANELS = (
    "[data-feed]",
    "[data-hotlines]",
    "[data-dialogues]",
    "[data-operations]",
    "[data-actions]",
    "[data-ladder]",
)


def test_after_a_reload_nothing_is_drawn_twice(live_server, open_page):
    room = played_room(live_server)
    facilitator = open_page()
    sign_in(facilitator, room["facilitator"])
    facilitator.goto(f"/facilitator/exercises/{room['exercise']}/")
    expect_live(facilitator)
    arc = open_page()
    join_team(arc, code=room["codes"]["ARC"], name="Col. Amsel")
    expect_live(arc)

    # The facilitator's part, through the console's own forms.
    facilitator.get_by_role("tab", name="Evaluation").click()
    facilitator.get_by_label("Observation").fill(NOTE)
    facilitator.get_by_role("button", name="Add note").click()
    facilitator.get_by_role("tab", name="Lines").click()
    facilitator.get_by_role("button", name="Cut line").click()
    facilitator.locator('tr[data-inject="I2"]').get_by_role("button", name="Release now").click()
    expect(facilitator.locator("[data-notes] li")).to_have_count(1, timeout=TIMEOUT_MS)
    expect(facilitator.locator("[data-outages] li")).to_have_count(1, timeout=TIMEOUT_MS)
    expect(facilitator.locator('tr[data-inject="I2"] [data-inject-status]')).to_have_text("released")
    expect(arc.locator("[data-feed] > article")).to_have_count(1, timeout=TIMEOUT_MS)
    expect(arc.locator(".hotline [data-status]")).to_have_text("line down", timeout=TIMEOUT_MS)
    expect(arc.locator("html")).to_have_attribute("data-last-seq", last_seq(facilitator), timeout=TIMEOUT_MS)

    live = texts(facilitator, ROOM_PANELS), texts(arc, TEAM_PANELS)
    reload_and_replay(facilitator)
    reload_and_replay(arc)
    assert (texts(facilitator, ROOM_PANELS), texts(arc, TEAM_PANELS)) == live

    expect(facilitator.locator("[data-notes] li")).to_have_count(1)
    expect(facilitator.locator("[data-notes]").get_by_text(NOTE)).to_have_count(1)  # the feed has its own line
    expect(facilitator.locator("[data-outages] li")).to_have_count(1)
    expect(facilitator.locator("[data-adjudication] [data-operation]")).to_have_count(1)
    expect(arc.locator("[data-statement]")).to_have_count(1)
    expect(arc.locator(".joint-statement")).to_have_count(1)
    expect(arc.get_by_text(STATEMENT)).to_have_count(1)
    expect(arc.locator(".hotline")).to_have_count(1)
    expect(arc.locator("[data-actions] li")).to_have_count(1)
