"""The control cell in real browsers: the facilitator writes as a persona from the control
room, a team reads and answers in its own thread (another addressee never sees the
answer), the answer tops the room's threads as awaiting; and an item published on the
wire from the room reads on the team console. Both survive a reload."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from exercise import exercises
from tests import builders
from tests.browser.conftest import TIMEOUT_MS, LiveServer, expect_live, join_team, sign_in
from tests.browser.test_drawings import reload_and_replay
from tests.browser.test_room_layout import LAPTOP

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

ENVOY = "The Secretary-General asks both capitals to receive an envoy today. <b>Reply</b>?"
ANSWER = "Arcadia will receive the envoy at 1400."
HEADLINE = "Ferry traffic halted in the strait"
STORY = "Port authorities cite *naval activity*."


def running(live_server: LiveServer) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        facilitator = builders.staff("facilitator")
        scenario = builders.scenario(facilitator.caller, personas=builders.PERSONAS)
        exercise = builders.exercise(facilitator.caller, scenario)
        exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
        return {
            "exercise": exercise.pk,
            "facilitator": facilitator,
            "codes": {team.key: team.join_code for team in exercise.teams.all()},
        }

    return live_server.run(build)


def open_room(open_page, room: dict[str, Any]) -> Page:
    """The control room on a 1,366 × 768 laptop, where the cell and the wire are worked
    from the side tabs without the page scrolling."""
    page = open_page()
    page.set_viewport_size(LAPTOP)
    sign_in(page, room["facilitator"])
    page.goto(f"/facilitator/exercises/{room['exercise']}/")
    expect_live(page)
    return page


def assert_one_screen(page: Page) -> None:
    assert page.evaluate("document.scrollingElement.scrollHeight <= innerHeight"), "the control room scrolls"


def open_console(open_page, room: dict[str, Any], key: str) -> Page:
    page = open_page()
    join_team(page, code=room["codes"][key], name=f"Duty officer {key}")
    expect_live(page)
    return page


def test_a_thread_with_the_cell_from_persona_to_answer_and_back(live_server, open_page):
    room = running(live_server)
    console = open_room(open_page, room)
    arc, bor = open_console(open_page, room, "ARC"), open_console(open_page, room, "BOR")

    console.get_by_role("tab", name="Control cell").click()  # a side tab of the room
    cell = console.locator("[data-cell]")
    cell.get_by_text("Write as a persona").click()
    cell.get_by_label("Write as").select_option(label="Office of the UN Secretary-General (international organisation)")
    cell.get_by_label("ARC · Republic of Arcadia").check()
    cell.get_by_label("BOR · Borealis Federation").check()
    cell.get_by_label("Message").fill(ENVOY)
    cell.get_by_role("button", name="Send as persona").click()
    expect(console.locator("[data-confirmation]")).to_have_text("Sent as UNSG to ARC,BOR.", timeout=TIMEOUT_MS)

    for page in (arc, bor):
        thread = page.locator('[data-cell-thread="UNSG"]')
        expect(thread.get_by_role("heading", name="Office of the UN Secretary-General")).to_be_visible(
            timeout=TIMEOUT_MS
        )
        expect(thread.locator(".messages li")).to_contain_text(ENVOY)  # as text, never markup
    arc_thread = arc.locator('[data-cell-thread="UNSG"]')
    arc_thread.get_by_placeholder("Reply to Office of the UN Secretary-General").fill(ANSWER)
    arc_thread.get_by_role("button", name="Reply").click()
    expect(arc_thread.locator(".messages li")).to_have_count(2, timeout=TIMEOUT_MS)
    expect(arc_thread.locator(".messages li").last).to_contain_text(f"ARC · Duty officer ARC: {ANSWER}")

    # The room: ARC's thread awaits an answer and comes first; BOR's has none to give.
    threads = console.locator("[data-cell-threads] [data-cell-thread]")
    expect(threads.first).to_have_attribute("data-cell-thread", "ARC", timeout=TIMEOUT_MS)
    expect(threads.first.locator("[data-thread-status]")).to_have_text("awaiting answer")
    expect(threads.nth(1).locator("[data-thread-status]")).to_be_hidden()
    expect(cell.locator("[data-cell-awaiting]")).to_have_text("1 awaiting an answer")
    expect(threads.first.locator(".messages li").last).to_contain_text(ANSWER)

    for page in (console, arc, bor):
        reload_and_replay(page)
    console.get_by_role("tab", name="Control cell").click()
    expect(threads.first).to_have_attribute("data-cell-thread", "ARC")
    expect(threads.first.locator("[data-thread-status]")).to_have_text("awaiting answer")
    expect(arc.locator('[data-cell-thread="UNSG"] .messages li')).to_have_count(2)
    expect(bor.locator('[data-cell-thread="UNSG"] .messages li')).to_have_count(1)
    expect(bor.get_by_text(ANSWER)).to_have_count(0)

    # The facilitator answers in ARC's thread, as the persona ARC addressed: answered.
    threads.first.get_by_placeholder("Reply to ARC").fill("The envoy lands at 1330.")
    threads.first.get_by_role("button", name="Reply").click()
    expect(arc.locator('[data-cell-thread="UNSG"] .messages li')).to_have_count(3, timeout=TIMEOUT_MS)
    expect(cell.locator("[data-thread-status]:visible")).to_have_count(0, timeout=TIMEOUT_MS)
    expect(bor.locator('[data-cell-thread="UNSG"] .messages li')).to_have_count(1)
    assert_one_screen(console)


def test_an_item_published_from_the_room_reads_on_the_team_console(live_server, open_page):
    room = running(live_server)
    console = open_room(open_page, room)
    cal = open_console(open_page, room, "CAL")

    console.get_by_role("tab", name="News wire").click()  # a side tab of the room
    wire = console.locator("section", has=console.get_by_role("heading", name="News wire"))
    wire.get_by_text("Publish on the wire").click()
    wire.get_by_label("Outlet").select_option(label="Regional News Wire")
    wire.get_by_label("Headline").fill(HEADLINE)
    wire.get_by_label("Story").fill(STORY)
    wire.get_by_role("button", name="Publish").click()
    expect(console.locator("[data-confirmation]")).to_have_text("W1 is on the wire.", timeout=TIMEOUT_MS)
    expect(wire.locator("[data-wire] .meta")).to_have_text("W1 · cell · to ARC, BOR, CAL", timeout=TIMEOUT_MS)

    item = cal.locator('[data-wire] [data-media="W1"]')
    expect(item.get_by_role("heading", name=HEADLINE)).to_be_visible(timeout=TIMEOUT_MS)
    expect(item.locator(".outlet")).to_have_text("Regional News Wire")
    expect(item.locator(".body em")).to_have_text("naval activity")  # the cell writes Markdown
    live = item.inner_text(), wire.locator("[data-wire]").inner_text()
    reload_and_replay(cal)
    reload_and_replay(console)
    console.get_by_role("tab", name="News wire").click()
    expect(cal.locator("[data-wire] [data-media]")).to_have_count(1)
    expect(wire.locator("[data-wire] [data-media]")).to_have_count(1)
    assert (item.inner_text(), wire.locator("[data-wire]").inner_text()) == live
    assert_one_screen(console)
