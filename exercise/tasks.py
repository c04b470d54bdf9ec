"""Celery tasks that drive the clock in production. They take ids and call services.

Beat runs ``tick`` every second. It releases what is due and, for anything due within
the next tick, queues ``release_due`` for that exact moment, so a release is late by the
broker's latency rather than by up to a second. Duplicates are harmless: releasing is
idempotent under the exercise lock. Pausing revokes nothing: a paused exercise has
nothing due when the message arrives.
"""

from datetime import UTC, datetime

from celery import shared_task

from exercise import injects

# Look a little past the next tick, so a beat that runs late still leaves nothing to
# the tick after it.
LOOKAHEAD_SECONDS = 1.5


@shared_task(ignore_result=True)
def release_due(exercise_id: int) -> int:
    released = injects.release_due_injects(exercise_id=exercise_id)
    # A release can make a trigger due in less than a tick (`after: I1, delay: 20s` at
    # speed 60): queue it now rather than wait for the next beat.
    if released:
        schedule_upcoming(exercise_id)
    return len(released)


@shared_task(ignore_result=True)
def tick() -> None:
    for exercise_id in injects.running_exercise_ids():
        injects.release_due_injects(exercise_id=exercise_id)
        schedule_upcoming(exercise_id)


def schedule_upcoming(exercise_id: int) -> None:
    """Queue ``release_due`` for the exact moment of each release or deadline before the next tick."""
    for due in sorted(set(injects.next_due_wall_times(exercise_id=exercise_id, horizon=LOOKAHEAD_SECONDS))):
        release_due.apply_async((exercise_id,), eta=datetime.fromtimestamp(due, tz=UTC), expires=60)
