"""The first pages: sign-in, the facilitator's exercise library, joining a team."""

import re

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
    # Creating an exercise posts to the API, as every control does (static/js/commands.js).
    assert 'data-command="create-exercise" data-path="/api/v1/exercises"' in page


def test_facilitator_sees_join_codes_on_the_exercise_page(exercise):
    client, _ = signed_in("facilitator")
    page = client.get(f"/facilitator/exercises/{exercise.pk}/").content.decode()
    for team in exercise.teams.all():
        assert team.join_code in page
        assert team.name in page


def test_invalid_exercise_is_answered_with_the_problem(scenario):
    """What the page's form gets back, posting with the session: each problem by field."""
    client, _ = signed_in("facilitator")
    response = client.post(
        "/api/v1/exercises", {"scenario_id": scenario.pk, "name": "", "speed": 500}, content_type="application/json"
    )
    assert response.status_code == 400
    paths = {detail["path"] for detail in response.json()["error"]["details"]}
    assert "name" in paths
    assert not Exercise.objects.exists()


def control_paths(page: str) -> dict[str, str]:
    """The API path each data-command form of a page posts to, by command."""
    return dict(re.findall(r'data-command="([\w-]+)" data-path="([^"]+)"', page))


@pytest.mark.parametrize("role", ["observer", "evaluator"])
def test_other_staff_see_exercises_but_neither_codes_nor_controls(role, exercise):
    client, _ = signed_in(role)
    page = client.get(f"/facilitator/exercises/{exercise.pk}/").content.decode()
    assert exercise.name in page
    assert exercise.teams.first().name in page
    assert exercise.teams.first().join_code not in page
    assert "Start</button>" not in page
    assert not {"start", "pause", "resume", "end", "speed", "release", "skip", "adhoc"} & set(control_paths(page))
    refused = client.post(f"/api/v1/exercises/{exercise.pk}/start", {}, content_type="application/json")
    assert refused.status_code == 403
    assert "Only a facilitator may do this" in refused.json()["error"]["message"]
    assert Exercise.objects.get(pk=exercise.pk).status == "draft"


def test_the_clock_controls_post_to_the_api(exercise):
    """Every control of the console is a form posting to the API path API.md gives; which
    of them shows follows the exercise.* events (tests/browser/test_controls.py)."""
    client, _ = signed_in("facilitator")
    page = client.get(f"/facilitator/exercises/{exercise.pk}/").content.decode()
    paths = control_paths(page)
    for label in ("Start", "Pause", "Resume", "End exercise", "Set speed", "Release now", "Skip inject"):
        assert f">{label}</button>" in page
    for transition, status in [("start", "running"), ("pause", "paused"), ("resume", "running"), ("end", "ended")]:
        assert paths[transition] == f"/api/v1/exercises/{exercise.pk}/{transition}"
        response = client.post(paths[transition], {}, content_type="application/json")
        assert response.json()["status"] == status
    again = client.post(paths["start"], {}, content_type="application/json")
    assert again.status_code == 409
    assert "Cannot start an exercise that is ended" in again.json()["error"]["message"]
    assert 'action="/facilitator/' not in page  # no page POST views are left


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


@pytest.mark.parametrize("path", ["/accounts/login/", "/join/", "/api/v1/docs"])
def test_pages_carry_a_self_only_content_security_policy(path):
    policy = Client().get(path)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == directives["script-src"] == directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == directives["object-src"] == "'none'"
    assert "unsafe" not in policy
