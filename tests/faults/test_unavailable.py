"""Redis or PostgreSQL gone under a running server: every request that needs it answers
503 with Retry-After (the API in the contract's error shape, pages with a page of their
own), never 500; it records nothing; and once the service is back, the same requests
are served again. A real uvicorn, a Redis the test stops, and PostgreSQL behind a relay
the test cuts."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from exercise import exercises, hotlines
from exercise.models import Action, Message, Player
from gateway.sessions import SESSION_KEY
from tests import builders
from tests.faults.http_client import Answer, send
from tests.faults.relay import DatabaseRelay
from tests.processes import RedisServer, Server, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


@dataclass
class Call:
    name: str
    method: str
    path: str
    served: int  # the status when everything is up
    needs_redis: bool
    options: dict[str, Any] = field(default_factory=dict)

    def send(self, server: Server) -> Answer:
        return send(server.port, self.method, self.path, **self.options)


@pytest.fixture
def calls(settings) -> list[Call]:
    """What players and staff do, each as the client that does it, on a running exercise."""
    # The server checks the password with the settings' hasher, not the suite's fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    facilitator = builders.staff("facilitator")
    exercise = builders.exercise(facilitator.caller, builders.scenario(facilitator.caller))
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    arc, bor = (builders.player(exercise.teams.get(key=key)) for key in ("ARC", "BOR"))
    line = hotlines.request_call(caller=arc.caller, exercise_id=exercise.pk, to="BOR").obj
    hotlines.answer_call(caller=bor.caller, hotline_id=line.pk, accept=True)
    staff = Client()
    staff.force_login(facilitator.user)
    staff_session = {"session": staff.cookies["sessionid"].value}
    player_session = SessionStore()
    player_session[SESSION_KEY] = arc.player.pk
    player_session.create()
    code, e = exercise.teams.get(key="CAL").join_code, exercise.pk
    login = {"username": facilitator.user.username, "password": facilitator.password}
    return [
        Call(
            "team command",
            "POST",
            f"/api/v1/exercises/{e}/actions",
            201,
            True,
            {"json_body": {"kind": "raise_alert"}, "token": arc.token},
        ),
        Call(
            "hotline message",
            "POST",
            f"/api/v1/hotlines/{line.pk}/messages",
            201,
            True,
            {"json_body": {"text": "Hold fire."}, "token": arc.token},
        ),
        Call("join (API)", "POST", "/api/v1/join", 200, True, {"json_body": {"code": code, "name": "Maj. Nowak"}}),
        Call("token", "POST", "/api/v1/auth/token", 200, True, {"json_body": login}),
        Call("sign-in form", "POST", "/accounts/login/", 302, True, {"form": login}),
        Call("review (API)", "GET", f"/api/v1/exercises/{e}/review", 200, True, {"token": facilitator.token}),
        Call("join page", "GET", "/join/", 200, False),
        Call("join form", "POST", "/join/", 302, True, {"form": {"code": code, "name": "Capt. Ivers"}}),
        Call("review page", "GET", f"/exercises/{e}/review/", 200, True, staff_session),
        Call("facilitator console", "GET", f"/facilitator/exercises/{e}/", 200, False, staff_session),
        Call("team console", "GET", "/team/", 200, False, {"session": player_session.session_key}),
    ]


def recorded() -> tuple[int, int, int]:
    return Action.objects.count(), Message.objects.count(), Player.objects.count()


def assert_unavailable(call: Call, answer: Answer) -> None:
    assert answer.status == 503, f"{call.name}: {answer.status} {answer.text[:500]}"
    assert int(answer.headers["retry-after"]) >= 1, call.name
    if call.path.startswith("/api/"):
        assert answer.json()["error"]["code"] == "unavailable", call.name
        assert answer.json()["error"]["message"], call.name
    else:
        assert answer.headers["content-type"].startswith("text/html"), call.name
        assert "<h1>Unavailable for a moment</h1>" in answer.text, call.name
        assert "Sign out" not in answer.text, f"{call.name}: the 503 page asked the session for the user"


def assert_served(server: Server, calls: list[Call]) -> None:
    """Each call served as usual, once the server has its connections again: a client
    sends again after Retry-After, and so does this."""
    for call in calls:
        answers: list[Answer] = []

        def served(call: Call = call, answers: list[Answer] = answers) -> bool:
            answers.append(call.send(server))
            assert answers[-1].status in (call.served, 503), f"{call.name}: {answers[-1].text[:500]}"
            return answers[-1].status == call.served

        wait_until(served, 30, lambda call=call, answers=answers: f"{call.name}: still {answers[-1].status}")


@pytest.fixture
def relay() -> Iterator[DatabaseRelay]:
    relay = DatabaseRelay()
    relay.start()
    yield relay
    relay.cut()


@pytest.fixture
def server(relay: DatabaseRelay, start_server: Callable[..., Server]) -> Server:
    # A pool that gives up after a second keeps the database's outage short to test.
    return start_server(env={"DATABASE_URL": relay.url(), "DB_POOL_TIMEOUT": "1"})


def test_while_redis_is_down_what_needs_it_answers_503_and_the_rest_serves(
    calls: list[Call], server: Server, own_redis: RedisServer
):
    assert_served(server, calls)
    before = recorded()

    own_redis.stop()
    for call in calls:
        answer = call.send(server)
        if call.needs_redis:
            assert_unavailable(call, answer)
        else:
            assert answer.status == call.served, f"{call.name}: {answer.status} {answer.text[:500]}"
    assert recorded() == before, "a command answered 503 and was recorded all the same"

    own_redis.start()
    assert_served(server, calls)
    assert "Internal Server Error" not in server.process.text()


def test_while_the_database_is_down_everything_that_needs_it_answers_503(
    calls: list[Call], server: Server, relay: DatabaseRelay
):
    assert_served(server, calls)
    before = recorded()

    relay.cut()
    for call in calls:
        answer = call.send(server)
        if call.name == "join page":  # a blank form needs nothing
            assert answer.status == 200
        else:
            assert_unavailable(call, answer)

    relay.start()
    assert recorded() == before, "a command answered 503 and was recorded all the same"
    assert_served(server, calls)
    assert "Internal Server Error" not in server.process.text()
