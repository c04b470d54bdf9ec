"""A scenario's map in real browsers: drawn on a player's console and in the control room's
Map tab as an image (it loads, under the pages' own Content-Security-Policy), and inert when
opened on its own."""

import pytest
from playwright.sync_api import Page, expect

from exercise import exercises
from exercise.demo import SCENARIO_DIR
from exercise.document_text import parse_text
from exercise.scenarios import import_scenario
from tests import builders
from tests.browser.conftest import LiveServer, expect_live, join_team, sign_in
from tests.browser.test_accessibility import check

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def mapped_room(live_server: LiveServer) -> dict:
    def build() -> dict:
        facilitator = builders.staff("facilitator")
        document = parse_text((SCENARIO_DIR / "teruna-relief.yaml").read_bytes(), yaml_syntax=True)
        scenario = import_scenario(caller=facilitator.caller, document=document)
        exercise = builders.exercise(facilitator.caller, scenario)
        exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
        return {"exercise": exercise.pk, "facilitator": facilitator, "code": exercise.teams.get(key="KAT").join_code}

    return live_server.run(build)


def assert_drawn(page: Page, image) -> None:
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0"), "the map did not load"
    assert image.get_attribute("alt") == "Map: The Kalinda Sea: Menara, Katuan, Selangka and the Lanto Bank"


def test_a_player_and_the_staff_see_the_map(live_server, open_page):
    room = mapped_room(live_server)
    player = open_page()
    join_team(player, code=room["code"], name="Cdr. Lin")
    expect_live(player)
    expect(player.get_by_role("heading", name="Map")).to_be_visible()
    assert_drawn(player, player.get_by_role("img", name="Map: The Kalinda Sea"))
    player.get_by_text("What the map shows").click()
    expect(player.locator("#map-description")).to_contain_text(
        "The disputed Lanto Bank lies between Katuan and Selangka"
    )

    staff = open_page()
    sign_in(staff, room["facilitator"])
    staff.goto(f"/facilitator/exercises/{room['exercise']}/")
    expect_live(staff)
    staff.get_by_role("tab", name="Map").click()
    assert_drawn(staff, staff.get_by_role("tabpanel", name="Map").get_by_role("img"))
    check(staff, "the control room's Map tab")


def test_the_map_opened_on_its_own_is_sandboxed(live_server, open_page):
    room = mapped_room(live_server)
    player = open_page()
    join_team(player, code=room["code"], name="Cdr. Lin")
    response = player.goto("/team/map.svg")
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert "sandbox" in response.headers["content-security-policy"]
    expect(player.locator("text").filter(has_text="Lanto Bank")).to_have_count(1)
    # A sandboxed document has an opaque origin: no script of it could reach the app's cookies.
    assert player.evaluate("() => { try { return document.cookie === '' } catch (e) { return true } }")
