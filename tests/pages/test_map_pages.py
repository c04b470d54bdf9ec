"""The map is served to the exercise's own players and to staff, as an inert image."""

import pytest
from django.test import Client

from tests import builders
from tests.exercise.test_scenario_map import CLEAN
from tests.pages.test_markings import player_client, staff_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapped(facilitator):
    scenario = builders.scenario(facilitator.caller, map=CLEAN)
    return builders.exercise(facilitator.caller, scenario)


def assert_inert_svg(response) -> None:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response.content.decode() == CLEAN
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy
    assert "default-src 'none'" in policy
    assert not any(part.startswith("script-src") for part in policy)
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_joined_player_fetches_the_map_and_sees_it_on_the_console(mapped):
    client = player_client(mapped)
    assert_inert_svg(client.get("/team/map.svg"))
    page = client.get("/team/").content.decode()
    assert '<img src="/team/map.svg" alt="Map: Two states and a strait" aria-describedby="map-description"' in page
    # The drawing's own description, as text: what it holds is escaped, never markup.
    assert "Arcadia &amp; Borealis &lt;b&gt;face&lt;/b&gt; each other." in page
    assert "<b>face</b>" not in page


def test_staff_fetch_the_map_and_see_it_in_the_control_room(mapped):
    for role in ("facilitator", "evaluator", "observer"):
        client = staff_client(builders.staff(role))
        assert_inert_svg(client.get(f"/facilitator/exercises/{mapped.pk}/map.svg"))
        page = client.get(f"/facilitator/exercises/{mapped.pk}/").content.decode()
        assert f'<img src="/facilitator/exercises/{mapped.pk}/map.svg"' in page


def test_a_player_gets_only_their_own_exercise_s_map(facilitator, mapped):
    other = builders.exercise(facilitator.caller, builders.scenario(facilitator.caller))
    client = player_client(other)
    assert client.get("/team/map.svg").status_code == 404  # their scenario has none
    # The staff address is not a player's: no session of theirs opens it.
    response = client.get(f"/facilitator/exercises/{mapped.pk}/map.svg")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert CLEAN not in client.get("/team/").content.decode()


def test_nobody_unjoined_gets_a_map(mapped):
    assert Client().get("/team/map.svg")["Location"] == "/join/"


def test_without_a_map_there_is_no_map_pane_and_the_room_says_so(facilitator, exercise):
    client = player_client(exercise)
    assert "map.svg" not in client.get("/team/").content.decode()
    assert client.get("/team/map.svg").status_code == 404
    room = staff_client(facilitator)
    assert "This scenario has no map." in room.get(f"/facilitator/exercises/{exercise.pk}/").content.decode()
    assert room.get(f"/facilitator/exercises/{exercise.pk}/map.svg").status_code == 404
