"""The first pages: sign-in, the facilitator's exercise library, joining a team."""

import pytest
from django.test import Client

from exercise.models import Exercise, Player
from tests import builders

pytestmark = pytest.mark.django_db


def signed_in(role: str) -> tuple[Client, builders.Staff]:
    member = builders.staff(role)
    client = Client()
    assert client.login(username=member.user.username, password=member.password)
    return client, member


def test_sign_in_page_leads_staff_to_the_library(facilitator):
    client = Client()
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert b'name="username"' in page.content
    response = client.post(
        "/accounts/login/", {"username": facilitator.user.username, "password": facilitator.password}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/facilitator/"
    assert b"Scenario library" in response.content


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get("/facilitator/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/facilitator/")


def test_library_lists_scenarios_and_exercises(scenario, exercise):
    client, _ = signed_in("facilitator")
    page = client.get("/facilitator/").content.decode()
    assert scenario.title in page
    assert exercise.name in page
    assert 'action="/facilitator/exercises/new"' in page


def test_facilitator_creates_an_exercise_and_sees_join_codes(scenario):
    client, _ = signed_in("facilitator")
    response = client.post(
        "/facilitator/exercises/new", {"scenario": scenario.pk, "name": "Staff college run", "speed": "2"}, follow=True
    )
    exercise = Exercise.objects.get(name="Staff college run")
    assert exercise.speed == 2.0
    page = response.content.decode()
    for team in exercise.teams.all():
        assert team.join_code in page
        assert team.name in page


def test_invalid_exercise_form_is_answered_with_the_problem(scenario):
    client, _ = signed_in("facilitator")
    response = client.post("/facilitator/exercises/new", {"scenario": scenario.pk, "name": "", "speed": "500"})
    assert response.status_code == 400
    assert b"This field is required" in response.content
    assert b"less than or equal to 120" in response.content
    assert not Exercise.objects.exists()


@pytest.mark.parametrize("role", ["observer", "evaluator"])
def test_other_staff_see_exercises_but_neither_codes_nor_controls(role, exercise):
    client, _ = signed_in(role)
    page = client.get(f"/facilitator/exercises/{exercise.pk}/").content.decode()
    assert exercise.name in page
    assert exercise.teams.first().name in page
    assert exercise.teams.first().join_code not in page
    assert "Start</button>" not in page
    refused = client.post(f"/facilitator/exercises/{exercise.pk}/start", follow=True)
    assert b"Only a facilitator may do this" in refused.content
    assert Exercise.objects.get(pk=exercise.pk).status == "draft"


def test_facilitator_drives_the_clock_from_the_page(exercise):
    client, _ = signed_in("facilitator")
    for transition, status in [("start", "running"), ("pause", "paused"), ("resume", "running"), ("end", "ended")]:
        response = client.post(f"/facilitator/exercises/{exercise.pk}/{transition}", follow=True)
        assert f"The exercise is now {status}." in response.content.decode()
    again = client.post(f"/facilitator/exercises/{exercise.pk}/start", follow=True)
    assert b"Cannot start an exercise that is ended" in again.content


def test_page_escapes_what_people_wrote(scenario):
    client, member = signed_in("facilitator")
    builders.exercise(member.caller, scenario, name="<script>alert(1)</script>")
    page = client.get("/facilitator/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_player_joins_with_a_code_and_lands_on_the_team_page(exercise):
    team = exercise.teams.get(key="BOR")
    client = Client()
    assert client.get("/").url == "/join/"
    response = client.post("/join/", {"code": team.join_code.lower(), "name": "Maj. Ilves"}, follow=True)
    assert response.redirect_chain[-1][0] == "/team/"
    page = response.content.decode()
    assert team.name in page
    assert "Maj. Ilves" in page
    assert Player.objects.get(name="Maj. Ilves").team == team
    assert client.get("/").url == "/team/"


def test_wrong_code_is_refused_on_the_page(exercise):
    response = Client().post("/join/", {"code": "NOTACODE00", "name": "Maj. Ilves"})
    assert response.status_code == 400
    assert b"No team has this join code" in response.content
    assert not Player.objects.exists()


def test_join_page_is_rate_limited_per_address(exercise, settings):
    settings.JOIN_FAILURE_RATE = "3/5m"
    client = Client()
    for _ in range(3):
        assert client.post("/join/", {"code": "WRONGCODE1", "name": "X"}).status_code == 400
    team = exercise.teams.first()
    response = client.post("/join/", {"code": team.join_code, "name": "X"})
    assert response.status_code == 429
    assert not Player.objects.exists()


def test_players_cannot_open_facilitator_pages(exercise):
    client = Client()
    client.post("/join/", {"code": exercise.teams.first().join_code, "name": "Capt. Oduya"})
    response = client.get(f"/facilitator/exercises/{exercise.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_leaving_forgets_the_player(exercise):
    client = Client()
    client.post("/join/", {"code": exercise.teams.first().join_code, "name": "Capt. Oduya"})
    client.post("/team/leave")
    assert client.get("/team/").url == "/join/"


def test_static_files_are_served_by_the_app(db):
    response = Client().get("/static/css/parley.css")
    assert response.status_code == 200
    assert b"--accent" in b"".join(response.streaming_content)
