"""Staff per exercise: assigning staff, roles per exercise, and an unassigned staff user
finding no exercise anywhere (every exercise-scoped endpoint and page, walked from the
URL configuration so that one added later is covered too)."""

import io
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from ninja.constants import NOT_SET

from config.api import api as parley_api
from exercise import dialogues, exercises, hotlines, jointops
from exercise.models import AuditEntry, Event, Exercise, ImprovementItem, StaffAssignment
from exercise.review import plan
from gateway.auth import BrowserSession
from tests import builders
from tests.api.test_exercises_api import assert_error

EXERCISES = "/api/v1/exercises"
PARAM = re.compile(r"\{(\w+)\}")
# Path parameters that name no exercise's things: these URLs are not exercise-scoped.
NOT_EXERCISE_SCOPED = {"scenario_id"}


def staff_url(exercise: Exercise) -> str:
    return f"{EXERCISES}/{exercise.pk}/staff"


@pytest.fixture
def world(facilitator, exercise):
    """A running exercise with something of every kind a URL can name, and a staff user
    (a facilitator by account) who is not assigned to it."""
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    teams = {t.key: t for t in exercise.teams.all()}
    arc = builders.player(teams["ARC"], "Col. Amsel")
    builders.player(teams["BOR"], "Cdr. Brandt")
    hotline = hotlines.request_call(caller=arc.caller, exercise_id=exercise.pk, to="BOR").obj
    dialogue = dialogues.convene(caller=arc.caller, exercise_id=exercise.pk, title="Talks", invite=["BOR"]).obj
    statement = dialogues.propose(caller=arc.caller, dialogue_id=dialogue.pk, text="We agree to talk.").obj
    operation = jointops.propose(
        caller=arc.caller, exercise_id=exercise.pk, kind="joint_patrol", partners=["BOR"], objective="Patrol the pass"
    ).obj
    outage = hotlines.cut(caller=facilitator.caller, exercise_id=exercise.pk, teams=["ARC", "CAL"]).obj
    item = plan.add_improvement(
        caller=facilitator.caller,
        exercise=exercise,
        area="Hotline use",
        action="Drill the hotline",
        organisation="MoD",
        owner="J3",
        due="2027-06-30",
    )
    return {
        "exercise": exercise,
        "facilitator": facilitator,
        "outsider": builders.staff("facilitator", assigned=False),
        "values": {
            "exercise_id": exercise.pk,
            "key": "I1",
            "item_id": item.pk,
            "outage_id": outage.pk,
            "operation_id": operation.pk,
            "hotline_id": hotline.pk,
            "dialogue_id": dialogue.pk,
            "statement_id": statement.pk,
            "objective": "O1",
            "username": facilitator.user.username,
        },
    }


def api_operations(by: str = "token") -> list[tuple[str, str]]:
    """Every (method, path) of the API whose path names something, from the ninja routers;
    ``by="session"`` keeps those a signed-in page may call (some take a token alone)."""
    found = []
    for _prefix, router in parley_api._routers:
        for path, view in router.path_operations.items():
            if not PARAM.search(path):
                continue
            for op in view.operations:
                if by == "session" and not any(isinstance(a, BrowserSession) for a in _auth(op)):
                    continue
                found.extend((method, "/api/v1" + path) for method in op.methods)
    return found


def _auth(operation: Any) -> list:
    auth = parley_api.auth if operation.auth_param is NOT_SET else operation.auth_param
    return list(auth) if isinstance(auth, list | tuple) else [auth]


def page_routes() -> list[str]:
    """Every page route (outside the API) with a parameter, from Django's URL resolver, in
    the API's {name} notation."""
    routes: list[str] = []

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not route.startswith(("api/", "admin/")):
                    walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "<" in route:
                routes.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))

    walk(get_resolver().url_patterns, "")
    return routes


# What some reads need, or answer, that the path alone does not say: staff name the team
# whose brief they read, and an exercise leaves as an archive only once it has ended.
QUERIES = {"/api/v1/exercises/{exercise_id}/brief": "?team=ARC"}
WHILE_RUNNING = {"/api/v1/exercises/{exercise_id}/archive": 409}


def fill(path: str, values: dict[str, Any]) -> str | None:
    """The path with the world's values, or None for one that is not exercise-scoped; a
    parameter nobody gave a value for fails the test, so a new endpoint is not skipped."""
    names = PARAM.findall(path)
    if set(names) <= NOT_EXERCISE_SCOPED:
        return None
    missing = [n for n in names if n not in values]
    assert not missing, f"{path}: give the table a value for {missing}"
    return PARAM.sub(lambda m: str(values[m.group(1)]), path)


def call(client: Client, method: str, path: str, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.generic(method, path, data="{}", content_type="application/json", headers=headers)


def untouched(exercise: Exercise) -> tuple:
    """What a refused request must leave as it was."""
    fresh = Exercise.objects.get(pk=exercise.pk)
    return (
        fresh.status,
        fresh.last_seq,
        Event.objects.filter(exercise=exercise).count(),
        list(StaffAssignment.objects.filter(exercise=exercise).values_list("user_id", "role").order_by("user_id")),
        list(ImprovementItem.objects.filter(exercise=exercise).values_list("pk", "status")),
        list(exercise.injects.values_list("key", "title", "status").order_by("key")),
    )


@pytest.mark.parametrize("by", ["token", "session"])
def test_every_exercise_scoped_endpoint_answers_404_to_an_unassigned_staff_user(world, by):
    exercise, outsider = world["exercise"], world["outsider"]
    client = Client()
    token = outsider.token if by == "token" else None
    if by == "session":
        client.force_login(outsider.user)
    before = untouched(exercise)
    table = [(method, fill(path, world["values"])) for method, path in api_operations(by)]
    table = [(method, url) for method, url in table if url is not None]
    assert len(table) >= 40  # the table really walks the API
    for method, url in table:
        response = call(client, method, url, token)
        error = assert_error(response, 404)
        assert error["code"] == "not_found", (method, url)
        assert exercise.name not in response.content.decode(), (method, url)
    assert untouched(exercise) == before


def test_the_same_endpoints_answer_the_assigned_facilitator(world):
    """The 404s above come from the assignment, not from the table's values: the
    exercise's own facilitator reads every one of them."""
    client = Client()
    for method, path in api_operations():
        url = fill(path, world["values"])
        if method == "GET" and url is not None:
            response = call(client, method, url + QUERIES.get(path, ""), world["facilitator"].token)
            assert response.status_code == WHILE_RUNNING.get(path, 200), (url, response.content)


def test_every_exercise_page_answers_as_for_a_missing_exercise(world):
    exercise, outsider = world["exercise"], world["outsider"]
    client = Client()
    client.force_login(outsider.user)
    missing = world["values"] | {"exercise_id": Exercise.objects.order_by("-pk").first().pk + 1000}
    before = untouched(exercise)
    routes = [route for route in page_routes() if "{exercise_id}" in route]
    assert len(routes) >= 8
    for route in routes:
        for method in ("GET", "POST"):
            response = client.generic(method, fill(route, world["values"]))
            as_missing = client.generic(method, fill(route, missing))
            assert response.status_code == as_missing.status_code, (method, route)
            assert response.status_code in (404, 405), (method, route)
            assert exercise.name not in response.content.decode(), (method, route)
    assert untouched(exercise) == before
    # and the exercise's own facilitator opens them
    owner = Client()
    owner.force_login(world["facilitator"].user)
    for route in ("/facilitator/exercises/{exercise_id}/", "/exercises/{exercise_id}/review/"):
        assert owner.get(fill(route, world["values"])).status_code == 200


def test_the_exercise_list_holds_only_the_callers_exercises(api, facilitator, scenario, exercise):
    other = builders.staff("facilitator", assigned=False)
    theirs = builders.exercise(other.caller, scenario, name="Their own exercise", assign_staff=False)

    mine = api.get(EXERCISES, token=facilitator.token).json()
    assert [e["id"] for e in mine] == [exercise.pk]
    listed = api.get(EXERCISES, token=other.token).json()
    assert [e["id"] for e in listed] == [theirs.pk]
    # the library page likewise
    page = Client()
    page.force_login(other.user)
    body = page.get("/facilitator/").content.decode()
    assert "Their own exercise" in body and exercise.name not in body


def test_the_duplicator_facilitates_the_copy(api, facilitator, exercise):
    copier = builders.staff("evaluator", assigned=False)
    body = {"username": copier.user.username, "role": "facilitator"}
    assert api.post(staff_url(exercise), body, token=facilitator.token).status_code == 200
    response = api.post(f"{EXERCISES}/{exercise.pk}/duplicate", token=copier.token)
    assert response.status_code == 201, response.content
    copy = response.json()["id"]
    assert api.get(f"{EXERCISES}/{copy}/staff", token=copier.token).json() == [
        {"username": copier.user.username, "role": "facilitator"}
    ]
    assert [e["id"] for e in api.get(EXERCISES, token=copier.token).json()] == [copy, exercise.pk]
    assert_error(api.get(f"{EXERCISES}/{copy}", token=facilitator.token), 404)


def test_assign_reassign_and_unassign(api, facilitator, exercise):
    colleague = builders.staff("observer", assigned=False)
    url = staff_url(exercise)
    assert api.get(f"{EXERCISES}/{exercise.pk}", token=colleague.token).status_code == 404

    assigned = api.post(url, {"username": colleague.user.username, "role": "evaluator"}, token=facilitator.token)
    assert assigned.status_code == 200, assigned.content
    assert assigned.json() == {"username": colleague.user.username, "role": "evaluator"}
    assert api.get(f"{EXERCISES}/{exercise.pk}", token=colleague.token).status_code == 200
    # the assignment's role, not the account's: this observer may rate here
    rating = {"team": "ARC", "objective": "O1", "rating": "S", "note": ""}
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    assert api.post(f"{EXERCISES}/{exercise.pk}/ratings", rating, token=colleague.token).status_code == 201

    again = api.post(url, {"username": colleague.user.username, "role": "observer"}, token=facilitator.token)
    assert again.json()["role"] == "observer"
    assert StaffAssignment.objects.filter(exercise=exercise, user=colleague.user).count() == 1
    assert_error(api.post(f"{EXERCISES}/{exercise.pk}/ratings", rating, token=colleague.token), 403)
    listing = api.get(url, token=colleague.token).json()
    assert {"username": colleague.user.username, "role": "observer"} in listing
    assert {"username": facilitator.user.username, "role": "facilitator"} in listing

    gone = api.client.delete(
        f"{url}/{colleague.user.username}", headers={"Authorization": f"Bearer {facilitator.token}"}
    )
    assert gone.status_code == 200
    assert colleague.user.username not in [row["username"] for row in gone.json()]
    assert_error(api.get(f"{EXERCISES}/{exercise.pk}", token=colleague.token), 404)
    assert exercise.pk not in [e["id"] for e in api.get(EXERCISES, token=colleague.token).json()]


def test_roles_are_per_exercise(api, scenario):
    alice = builders.staff("facilitator", assigned=False)
    bob = builders.staff("facilitator", assigned=False)
    first = builders.exercise(alice.caller, scenario, assign_staff=False)
    second = builders.exercise(bob.caller, scenario, assign_staff=False)
    api.post(staff_url(first), {"username": bob.user.username, "role": "evaluator"}, token=alice.token)

    # Bob facilitates his own exercise and only evaluates Alice's.
    assert api.post(f"{EXERCISES}/{second.pk}/start", token=bob.token).status_code == 200
    refused = assert_error(api.post(f"{EXERCISES}/{first.pk}/start", token=bob.token), 403)
    assert "evaluator" in refused["message"]
    assert api.get(f"{EXERCISES}/{first.pk}", token=bob.token).json()["teams"][0]["join_code"] is None
    # Alice, never assigned to Bob's, finds nothing there.
    assert_error(api.post(f"{EXERCISES}/{second.pk}/pause", token=alice.token), 404)


def test_only_a_facilitator_of_the_exercise_assigns(api, facilitator, exercise):
    evaluator = builders.staff("evaluator")  # assigned, as an evaluator
    stranger = builders.staff("facilitator", assigned=False)
    body = {"username": stranger.user.username, "role": "observer"}
    assert_error(api.post(staff_url(exercise), body, token=evaluator.token), 403)
    assert_error(api.post(staff_url(exercise), body, token=stranger.token), 404)
    assert not StaffAssignment.objects.filter(exercise=exercise, user=stranger.user).exists()


@pytest.mark.parametrize(
    ("body", "status", "path"),
    [
        ({"username": "nobody-of-that-name", "role": "observer"}, 404, "username"),
        ({"username": "PLAYER", "role": "observer"}, 404, "username"),
        ({"username": "OTHER", "role": "umpire"}, 400, "role"),
        ({"username": "OTHER", "role": "player"}, 400, "role"),
        ({"username": "OTHER"}, 400, "role"),
    ],
)
def test_bad_assignments_are_refused_with_a_path(api, facilitator, exercise, body, status, path):
    other = builders.staff("observer", assigned=False)
    get_user_model().objects.create_user(username="no-role-user", password="x")  # an account without a staff role
    body = {k: {"OTHER": other.user.username, "PLAYER": "no-role-user"}.get(v, v) for k, v in body.items()}
    error = assert_error(api.post(staff_url(exercise), body, token=facilitator.token), status)
    assert path in [d["path"] for d in error["details"]]


def test_an_exercise_keeps_a_facilitator(api, facilitator, exercise):
    url = staff_url(exercise)
    me = facilitator.user.username
    headers = {"Authorization": f"Bearer {facilitator.token}"}
    assert_error(api.client.delete(f"{url}/{me}", headers=headers), 409)
    assert_error(api.post(url, {"username": me, "role": "observer"}, token=facilitator.token), 409)
    assert_error(api.client.delete(f"{url}/nobody", headers=headers), 404)


def test_the_operator_assigns_from_the_shell(api, exercise):
    colleague = builders.staff("observer", assigned=False)
    out = io.StringIO()
    call_command("assignstaff", str(exercise.pk), colleague.user.username, "--role", "facilitator", stdout=out)
    assert colleague.user.username in out.getvalue()
    assert api.post(f"{EXERCISES}/{exercise.pk}/start", token=colleague.token).status_code == 200
    [entry] = AuditEntry.objects.filter(exercise=exercise, subject="staff")
    assert (entry.who, entry.who_name, entry.after) == (None, "operator (manage.py)", {"role": "facilitator"})
    with pytest.raises(CommandError, match="no exercise"):
        call_command("assignstaff", str(exercise.pk + 1000), colleague.user.username, "--role", "observer")
    with pytest.raises(CommandError, match="no staff user"):
        call_command("assignstaff", str(exercise.pk), "nobody-here", "--role", "observer")
