"""Redis restarted in the middle of a running exercise, under the worker and beat as the
operator guide runs them: the clock goes on, and every inject goes out exactly once."""

import time

import pytest

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
from tests.processes import RedisServer, wait_ready, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

INJECTS = [
    *(inject(f"R{n}", at=f"{n}s") for n in range(1, 13)),
    inject("T1", after="R2", delay="4s"),
    inject("T2", after="R6", delay="3s"),
]


def test_the_clock_goes_on_through_a_redis_restart(facilitator, own_redis: RedisServer, start_worker, start_beat):
    worker, beat = start_worker("w1", as_deployed=True), start_beat()
    wait_ready(worker, beat)
    exercise = running_exercise(facilitator, INJECTS)
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

    events = assert_each_released_once(exercise, keys(INJECTS))
    assert_triggers_followed(exercise, INJECTS)
    assert_never_early(exercise, INJECTS, events)
    assert worker.alive() and beat.alive()
    assert "Unrecoverable error" not in worker.text(), worker.text()[-3000:]
