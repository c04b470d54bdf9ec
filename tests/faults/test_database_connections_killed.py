"""PostgreSQL drops every connection of the server, the fast hotline path and the Celery
worker in the middle of a running exercise (an administrator's pg_terminate_backend, a
failover, a restart): the commands sent after it succeed at the first attempt, and
nothing is lost or doubled, neither commands nor injects."""

import itertools
import time
from collections import Counter

import pytest
from django.db import connection

from exercise import hotlines
from exercise.models import Action, CommandReceipt, Event, Message
from tests import builders
from tests.engine import (
    assert_each_released_once,
    assert_log_gap_free,
    inject,
    keys,
    pending,
    released_events,
    running_exercise,
    wait_all_released,
)
from tests.faults.http_client import Answer, send
from tests.processes import SUBPROCESS_APPLICATION, wait_ready, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

INJECTS = [*(inject(f"K{n}", at=f"{n}s") for n in range(1, 11)), inject("T1", after="K3", delay="4s")]
_client_ids = itertools.count(1)


def terminate_the_servers_connections() -> int:
    """Every connection of the server and the worker (not the test's own, in its pool)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = %s",
            [SUBPROCESS_APPLICATION],
        )
        return cursor.fetchone()[0]


def test_commands_after_the_database_dropped_every_connection_succeed(
    facilitator, start_server, start_worker, start_beat
):
    server = start_server()
    worker, beat = start_worker("w1", as_deployed=True), start_beat()
    wait_ready(worker, beat)
    exercise = running_exercise(facilitator, INJECTS)
    arc, bor = (builders.player(exercise.teams.get(key=key)) for key in ("ARC", "BOR"))
    line = hotlines.request_call(caller=arc.caller, exercise_id=exercise.pk, to="BOR").obj
    hotlines.answer_call(caller=bor.caller, hotline_id=line.pk, accept=True)
    sent: list[str] = []

    def commands() -> list[Answer]:
        """An action of BOR's and a hotline message of ARC's (the fast path's connections)."""
        ids = [f"c{next(_client_ids)}", f"c{next(_client_ids)}"]
        sent.extend(ids)
        action = {"kind": "public_statement", "text": "We stand down.", "client_id": ids[0]}
        message = {"text": "Hold fire.", "client_id": ids[1]}
        return [
            send(server.port, "POST", f"/api/v1/exercises/{exercise.pk}/actions", json_body=action, token=bor.token),
            send(server.port, "POST", f"/api/v1/hotlines/{line.pk}/messages", json_body=message, token=arc.token),
        ]

    # Enough commands that the server's pools hold connections to lose.
    for _ in range(5):
        assert [answer.status for answer in commands()] == [201, 201]
    wait_until(lambda: len(released_events(exercise)) >= 3, 20, "the first injects never went out")

    assert terminate_the_servers_connections() > 0
    assert pending(exercise), "the connections went too late to test the worker"
    for _ in range(10):
        answers = commands()
        assert [answer.status for answer in answers] == [201, 201], [answer.text[:300] for answer in answers]
    wait_all_released(exercise, timeout=30)
    time.sleep(1.5)  # another tick or two, in which nothing may go out twice

    assert_each_released_once(exercise, keys(INJECTS))
    receipts = CommandReceipt.objects.filter(exercise=exercise).values_list("client_id", flat=True)
    assert Counter(receipts) == Counter(sent)
    assert (Action.objects.count(), Message.objects.count()) == (15, 15)
    kinds = Counter(Event.objects.filter(exercise=exercise).values_list("kind", flat=True))
    assert (kinds["action.taken"], kinds["hotline.message"]) == (15, 15)
    assert_log_gap_free(exercise)
    assert worker.alive() and beat.alive()
