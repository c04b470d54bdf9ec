"""Management commands: staff accounts with tokens, and the demo data."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from exercise.access import caller_for_token
from exercise.demo import DEMO_EXERCISE, DEMO_PASSWORD, DEMO_SCENARIO, DEMO_USERNAME
from exercise.models import ApiToken, Exercise, Expectation, Inject, Scenario, Team
from exercise.roles import role_of_user
from tests import builders

TOKEN = "/api/v1/auth/token"


def run(*args: str) -> list[str]:
    """The command's output lines."""
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip().splitlines()


def last_word(lines: list[str]) -> str:
    return lines[-1].split()[-1]


# --- staff accounts -------------------------------------------------------------------


def test_createfacilitator_prints_a_token_that_works_as_a_facilitator(api, db):
    lines = run("createfacilitator", "alice", "--password", "pw")

    token = last_word(lines)
    caller = caller_for_token(token)
    assert caller is not None
    assert (caller.role, caller.user.username) == ("facilitator", "alice")
    assert api.get("/api/v1/scenarios", token=token).status_code == 200
    assert not any("pw" in line.split() for line in lines)  # a given password is not echoed


def test_the_printed_token_may_do_what_only_a_facilitator_may(api, db):
    token = last_word(run("createfacilitator", "alice", "--password", "pw"))

    response = api.post("/api/v1/scenarios", builders.document(), token=token)

    assert response.status_code == 201, response.content


def test_createfacilitator_sets_the_given_password(api, db):
    run("createfacilitator", "alice", "--password", "pw")

    response = api.post(TOKEN, {"username": "alice", "password": "pw"})

    assert response.status_code == 200
    assert response.json()["role"] == "facilitator"


def test_createfacilitator_without_a_password_generates_and_prints_one(api, db):
    lines = run("createfacilitator", "bob")

    password_lines = [line for line in lines if line.startswith("Password:")]
    assert len(password_lines) == 1
    password = password_lines[0].split()[-1]
    assert len(password) >= 12
    response = api.post(TOKEN, {"username": "bob", "password": password})
    assert response.status_code == 200
    assert response.json()["role"] == "facilitator"
    assert caller_for_token(last_word(lines)).role == "facilitator"


def test_generated_passwords_differ(db):
    first = run("createfacilitator", "bob")[0].split()[-1]
    second = run("createfacilitator", "carol")[0].split()[-1]

    assert first != second


@pytest.mark.parametrize("role", ["evaluator", "observer", "facilitator"])
def test_createstaff_gives_the_role(api, db, role):
    lines = run("createstaff", "dana", "--role", role, "--password", "pw")

    token = last_word(lines)
    assert caller_for_token(token).role == role
    assert role_of_user(get_user_model().objects.get(username="dana")) == role
    assert api.post(TOKEN, {"username": "dana", "password": "pw"}).json()["role"] == role


@pytest.mark.parametrize("role", ["evaluator", "observer"])
def test_a_token_from_createstaff_reads_but_does_not_command(api, exercise, role):
    token = last_word(run("createstaff", "erin", "--role", role, "--password", "pw"))
    # A new account sees no exercise until it is assigned to one, here in its own role.
    assert api.get(f"/api/v1/exercises/{exercise.pk}", token=token).status_code == 404
    run("assignstaff", str(exercise.pk), "erin", "--role", role)

    assert api.get(f"/api/v1/exercises/{exercise.pk}", token=token).status_code == 200
    assert api.post(f"/api/v1/exercises/{exercise.pk}/start", token=token).status_code == 403


def test_createstaff_again_changes_the_role_and_keeps_one_user(db):
    run("createstaff", "frank", "--role", "observer", "--password", "pw")
    token = last_word(run("createstaff", "frank", "--role", "evaluator", "--password", "pw2"))

    users = get_user_model().objects.filter(username="frank")
    assert users.count() == 1
    assert role_of_user(users.get()) == "evaluator"
    assert users.get().check_password("pw2")
    assert caller_for_token(token).role == "evaluator"


@pytest.mark.parametrize(
    "args",
    [
        ("createstaff", "gina", "--role", "admin"),
        ("createstaff", "gina", "--role", "player"),
        ("createstaff", "gina", "--role", ""),
        ("createstaff", "gina"),
        ("createstaff", "   ", "--role", "observer"),
    ],
    ids=["admin", "player", "empty-role", "no-role", "blank-username"],
)
def test_createstaff_refuses_a_bad_role_or_name(db, args):
    with pytest.raises(CommandError):
        run(*args)

    assert not get_user_model().objects.exists()
    assert not ApiToken.objects.exists()


# --- demo data ------------------------------------------------------------------------


def every_count() -> dict[str, int]:
    models = [*apps.get_app_config("exercise").get_models(), get_user_model(), Group]
    return {model.__name__: model.objects.count() for model in models}


def test_loaddemo_loads_scenarios_a_facilitator_and_an_exercise(api, db):
    lines = run("loaddemo")

    assert lines[-1].startswith("Loaded")
    assert set(Scenario.objects.values_list("key", flat=True)) == {
        "karst-pass",
        "coral-shoal",
        "harbour-blast",
        "teruna-relief",
        "brenna-chlorine",
        "sabal-strait",
    }
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    assert role_of_user(user) == "facilitator"
    response = api.post(TOKEN, {"username": DEMO_USERNAME, "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert response.json()["role"] == "facilitator"
    demo = Exercise.objects.get(name=DEMO_EXERCISE)
    assert demo.scenario.key == DEMO_SCENARIO
    assert demo.status == "draft"
    assert demo.teams.count() == demo.scenario.teams.count() > 0
    assert demo.injects.count() == demo.scenario.injects.count()


def test_loaddemo_twice_creates_nothing_new(db):
    run("loaddemo")
    before = every_count()
    assert {name: before[name] for name in ("Scenario", "Exercise", "Team", "Inject", "Expectation")} == {
        "Scenario": 6,
        "Exercise": 2,  # one ready to start, one played through for the review pages
        "Team": sum(e.teams.count() for e in Exercise.objects.all()),
        "Inject": Inject.objects.count(),
        "Expectation": Expectation.objects.count(),
    }
    assert before["User"] == 1

    lines = run("loaddemo")

    assert every_count() == before
    assert len(lines) == 1
    assert "nothing new" in lines[0]


def test_loaddemo_fills_in_only_what_is_missing(db):
    run("loaddemo")
    Exercise.objects.get(name=DEMO_EXERCISE).delete()
    Scenario.objects.get(key="coral-shoal").delete()
    before = every_count()

    lines = run("loaddemo")

    assert Scenario.objects.count() == 6
    assert Exercise.objects.filter(name=DEMO_EXERCISE).count() == 1
    assert get_user_model().objects.count() == before["User"]
    assert "coral-shoal" in lines[-1] and DEMO_EXERCISE in lines[-1]
    assert "karst-pass" not in lines[-1]


def test_loaddemo_refuses_a_demo_user_without_a_staff_role(db):
    get_user_model().objects.create_user(username=DEMO_USERNAME, password="pw")

    with pytest.raises(CommandError, match="without a staff role"):
        run("loaddemo")


def test_loaddemo_keeps_a_changed_demo_password(db):
    run("loaddemo")
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    user.set_password("changed")
    user.save()

    run("loaddemo")

    assert get_user_model().objects.get(username=DEMO_USERNAME).check_password("changed")


def test_loaddemo_leaves_team_join_codes_alone(db):
    run("loaddemo")
    codes = list(Team.objects.order_by("pk").values_list("join_code", flat=True))

    run("loaddemo")

    assert list(Team.objects.order_by("pk").values_list("join_code", flat=True)) == codes


@pytest.mark.parametrize("key", ["karst-pass", "coral-shoal", "harbour-blast"])
def test_each_demo_scenario_is_full_sized(db, key):
    run("loaddemo")
    scenario = Scenario.objects.get(key=key)

    assert 6 <= scenario.injects.count() <= 12
    assert scenario.objectives.exists()
    expectations = Expectation.objects.filter(inject__scenario=scenario)
    assert expectations.exists()
    # every expectation serves an objective of its own scenario
    assert not expectations.exclude(objective__scenario=scenario).exists()
    assert scenario.teams.count() >= 2
    # the read-ahead and every team's brief are stored, the national objectives as the team's own
    assert scenario.read_ahead
    for team in scenario.teams.all():
        assert team.brief["summary"] and team.national_objectives.exists(), team.key
    assert expectations.filter(restraint=True).exists()
    assert expectations.filter(objective__team__isnull=False).exists()
