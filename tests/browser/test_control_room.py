"""The facilitator console driving an exercise: start, release now, adjudicate a joint
operation, rate a team, and watch the scoreboard and trust matrix change live."""

import pytest
from playwright.sync_api import expect

from exercise import hotlines, jointops
from exercise.models import Team
from tests import builders
from tests.browser.conftest import TIMEOUT_MS, expect_live, join_team, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CALL_FOR_TALKS = {
    "key": "I1",
    "at": "1h",
    "title": "Shots fired at the border post",
    "kind": "border_tension",
    "severity": "high",
    "to": ["ARC", "BOR"],
    "body": "Both sides report casualties.",
    "expect": [
        {"key": "E1", "each": ["ARC"], "event": "hotline.requested", "within": "15m", "points": 10, "objective": "O1"}
    ],
}


def test_the_console_drives_an_exercise_and_the_scoreboard_follows(live_server, open_page):
    def build():
        facilitator = builders.staff("facilitator")
        exercise = builders.exercise(
            facilitator.caller, builders.scenario(facilitator.caller, injects=[CALL_FOR_TALKS])
        )
        teams = {t.key: t for t in exercise.teams.all()}
        return facilitator, exercise.pk, builders.player(teams["ARC"]), builders.player(teams["BOR"])

    facilitator, exercise_id, arc, bor = live_server.run(build)
    console = open_page()
    sign_in(console, facilitator)
    console.goto(f"/facilitator/exercises/{exercise_id}/")
    expect_live(console)

    console.keyboard.press("p")  # pause or resume only: a stray key never starts a draft
    console.wait_for_timeout(300)
    expect(console.locator("[data-clock-status]")).to_have_text("draft")
    console.get_by_role("button", name="Start").click()
    expect(console.locator("[data-clock-status]")).to_have_text("running", timeout=TIMEOUT_MS)
    # Each control posts to the API; the page shows the next control when the event arrives.
    expect(console.get_by_role("button", name="Pause")).to_be_visible(timeout=TIMEOUT_MS)
    console.keyboard.press("p")
    expect(console.locator("[data-clock-status]")).to_have_text("paused", timeout=TIMEOUT_MS)
    expect(console.get_by_role("button", name="Resume")).to_be_visible(timeout=TIMEOUT_MS)
    console.keyboard.press("p")
    expect(console.locator("[data-clock-status]")).to_have_text("running", timeout=TIMEOUT_MS)
    console.locator("tr[data-inject=I1]").get_by_role("button", name="Release now").click()
    expect(console.locator("tr[data-inject=I1] [data-inject-status]")).to_have_text("released", timeout=TIMEOUT_MS)

    # ARC calls BOR in time: E1 is met and ARC's points appear without a reload, as
    # regional points (E1 serves the exercise's objective O1, not a national one).
    live_server.run(lambda: hotlines.request_call(caller=arc.caller, exercise_id=exercise_id, to="BOR"))
    arc_row = console.locator("[data-scoreboard] tr", has_text="ARC")
    expect(arc_row.locator("td").nth(2)).to_have_text("10", timeout=TIMEOUT_MS)
    expect(arc_row.locator("td").nth(0)).to_have_text("0")  # national
    expect(arc_row.locator("td").nth(1)).to_have_text("10")  # regional
    expect(console.locator("[data-region-points]")).to_have_text("10 of 10")

    def propose_and_join():
        operation = jointops.propose(
            caller=arc.caller, exercise_id=exercise_id, kind="joint_patrol", partners=["BOR"], objective="Patrol"
        ).obj
        jointops.answer(caller=bor.caller, operation_id=operation.pk, accept=True)

    live_server.run(propose_and_join)
    # The queue's tab counts what waits; the card is in it.
    expect(console.locator("[data-tab-count=adjudication]")).to_have_text("1", timeout=TIMEOUT_MS)
    console.get_by_role("tab", name="Adjudication").click()
    card = console.locator("[data-adjudication] [data-operation]")
    expect(card).to_have_count(1, timeout=TIMEOUT_MS)
    card.get_by_label("Succeeded").check()
    card.get_by_label("Narrative shown to the participants").fill("The patrol met at the pass without incident.")
    card.get_by_role("button", name="Adjudicate").click()
    expect(card).to_have_count(0, timeout=TIMEOUT_MS)
    # hotline.requested +0.5 for BOR's trust in ARC, then a successful patrol +2 each way.
    expect(console.locator("[data-tab-count=adjudication]")).to_be_hidden()
    console.get_by_role("tab", name="Trust").click()
    trust = console.locator("[data-trust] tbody tr", has_text="BOR").locator("td").first
    expect(trust).to_have_text("2.5", timeout=TIMEOUT_MS)

    console.get_by_role("tab", name="Evaluation").click()
    console.locator("#rate-team").select_option("ARC")
    console.locator("input[name=rating][value=P]").check()
    console.get_by_label("Note", exact=True).fill("Called within two minutes.")
    console.get_by_role("button", name="Record rating").click()
    console.get_by_role("tab", name="Scores").click()
    expect(arc_row).to_contain_text("O1: P", timeout=TIMEOUT_MS)

    # The player who took part sees the narrative on the team console.
    team = open_page()
    join_team(team, code=arc_code(live_server, exercise_id), name="Maj. Ilves")
    expect(team.locator(".operation .narrative")).to_have_text(
        "The patrol met at the pass without incident.", timeout=TIMEOUT_MS
    )


def arc_code(live_server, exercise_id: int) -> str:
    return live_server.run(lambda: Team.objects.get(exercise_id=exercise_id, key="ARC").join_code)
