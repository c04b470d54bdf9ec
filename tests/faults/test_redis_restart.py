"""Redis restarted in the middle of a running exercise, under the worker, beat and server
as the operator guide runs them: the clock goes on, every inject goes out exactly once,
and the pages following the exercise receive each release once."""

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from exercise.envelopes import visible_after
from gateway.sessions import SESSION_KEY
from tests import builders
from tests.engine import (
    assert_each_released_once,
    assert_never_early,
    assert_triggers_followed,
    inject,
    keys,
    pending,
    released_events,
    running_exercise,
    wait_all_released,
)
from tests.faults.sockets import Follower, Followers
from tests.processes import RedisServer, wait_ready, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

INJECTS = [
    *(inject(f"R{n}", at=f"{n}s") for n in range(1, 13)),
    inject("T1", after="R2", delay="4s"),
    inject("T2", after="R6", delay="3s"),
]


def test_the_clock_goes_on_through_a_redis_restart(
    facilitator, own_redis: RedisServer, start_worker, start_beat, start_server
):
    worker, beat = start_worker("w1", as_deployed=True), start_beat()
    server = start_server()
    wait_ready(worker, beat)
    exercise = running_exercise(facilitator, INJECTS)
    staff = Client()
    staff.force_login(facilitator.user)
    player = SessionStore()
    arc = exercise.teams.get(key="ARC")
    player[SESSION_KEY] = builders.player(arc).player.pk
    player.create()
    pages = [
        Follower("staff", server, exercise.pk, staff.cookies["sessionid"].value),
        Follower("ARC", server, exercise.pk, player.session_key),
    ]
    with Followers(pages):
        wait_until(lambda: len(released_events(exercise)) >= 3, 20, "the first injects never went out")

        own_redis.stop()
        # Down long enough that the worker has lost it and failed to connect again, and beat's
        # ticks fall in the outage; then back, empty, as a Redis without persistence restarts.
        worker.wait_for_log("Connection to broker lost")
        worker.wait_for_log("Cannot connect to")
        own_redis.start()
        assert pending(exercise), "the restart came too late to test anything"
        wait_all_released(exercise, timeout=45)
        time.sleep(1.5)  # another tick or two, in which nothing may go out twice
        expected = {"staff": visible_after(exercise, None, 0), "ARC": visible_after(exercise, arc, 0)}
        expected = {name: [item["seq"] for item in items] for name, items in expected.items()}
        wait_until(
            lambda: all(page.last_seq == expected[page.name][-1] for page in pages),
            20,
            lambda: "pages behind: " + ", ".join(f"{page.name} at {page.last_seq}" for page in pages),
        )

    events = assert_each_released_once(exercise, keys(INJECTS))
    assert_triggers_followed(exercise, INJECTS)
    assert_never_early(exercise, INJECTS, events)
    for page in pages:
        assert [frame["seq"] for frame in page.frames] == expected[page.name], page.name
    assert worker.alive() and beat.alive()
    assert "Unrecoverable error" not in worker.text(), worker.text()[-3000:]
