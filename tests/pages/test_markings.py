"""The scenario's marking on every page of its exercises, top and bottom, and on none of
an unmarked scenario's; its text escaped like everything else written by people."""

import re

import pytest
from django.test import Client

from exercise import exercises
from tests import builders

pytestmark = pytest.mark.django_db

MARKING = "EXERCISE EXERCISE EXERCISE - UNCLASSIFIED"
BANNER = re.compile(r'<div class="marking"([^>]*)>([^<]*)</div>')


def banners(page: str) -> list[tuple[str, str]]:
    """(attributes, text) of each marking banner of a page, in page order."""
    return BANNER.findall(page)


def assert_marked(page: str, marking: str = MARKING) -> None:
    (top, top_text), (bottom, bottom_text) = banners(page)
    assert top_text == bottom_text == marking
    assert 'role="note"' in top and 'aria-label="Exercise marking"' in top
    assert 'aria-hidden="true"' in bottom  # read once, at the top
    assert page.index(top_text) < page.index('class="topbar"') < page.index('class="footer"') < page.rindex(marking)


def staff_client(member: builders.Staff) -> Client:
    client = Client()
    assert client.login(username=member.user.username, password=member.password)
    return client


def player_client(exercise, key: str = "ARC") -> Client:
    client = Client()
    client.post("/join/", {"code": exercise.teams.get(key=key).join_code, "name": "Capt. Oduya"})
    return client


@pytest.fixture
def marked(facilitator):
    """A draft of a scenario marked as an exercise document."""
    scenario = builders.scenario(facilitator.caller, classification=MARKING)
    return builders.exercise(facilitator.caller, scenario)


def exercise_pages(exercise) -> list[str]:
    return [f"/facilitator/exercises/{exercise.pk}/", f"/exercises/{exercise.pk}/review/"]


@pytest.mark.parametrize("role", ["facilitator", "evaluator", "observer"])
def test_staff_pages_of_a_marked_exercise_wear_the_marking(marked, role):
    client = staff_client(builders.staff(role))
    for path in exercise_pages(marked):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_marked(response.content.decode())


def test_the_team_console_and_the_debrief_wear_the_marking(marked, facilitator):
    client = player_client(marked)
    assert_marked(client.get("/team/").content.decode())
    for transition in ("start", "end"):
        exercises.change_status(caller=facilitator.caller, exercise_id=marked.pk, transition=transition)
    debrief = client.get("/team/debrief/")
    assert debrief.status_code == 200
    assert_marked(debrief.content.decode())


def test_the_join_page_wears_the_marking_once_a_code_names_the_exercise(marked, facilitator):
    assert banners(Client().get("/join/").content.decode()) == []
    wrong = Client().post("/join/", {"code": "NOTACODE00", "name": "Maj. Ilves"})
    assert banners(wrong.content.decode()) == []
    for transition in ("start", "end"):
        exercises.change_status(caller=facilitator.caller, exercise_id=marked.pk, transition=transition)
    refused = Client().post("/join/", {"code": marked.teams.get(key="BOR").join_code, "name": "Maj. Ilves"})
    assert refused.status_code == 400
    assert "This exercise has ended" in refused.content.decode()
    assert_marked(refused.content.decode())


def test_pages_without_an_exercise_and_unmarked_exercises_show_no_banner(facilitator, exercise, marked):
    client = staff_client(facilitator)
    for path in ["/facilitator/", "/accounts/login/", *exercise_pages(exercise)]:
        assert banners(client.get(path).content.decode()) == [], path
    assert banners(player_client(exercise).get("/team/").content.decode()) == []


def test_the_marking_is_escaped(facilitator):
    scenario = builders.scenario(facilitator.caller, classification="<b>SECRET</b> & <script>x</script>")
    exercise = builders.exercise(facilitator.caller, scenario)
    page = staff_client(facilitator).get(f"/facilitator/exercises/{exercise.pk}/").content.decode()
    assert "<b>SECRET</b>" not in page and "<script>x</script>" not in page
    assert_marked(page, "&lt;b&gt;SECRET&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;")
