"""Experiments: Parley's ASGI application with one proposed change patched in, to measure
the change before anyone makes it in the app. These are stand-ins, not fixes: each is the
smallest patch that shows the change's effect on this benchmark, and may skip what a real
change must keep (noted below). Served with ``uvicorn --factory``; chosen with

    python bench/hotline/run.py --variant late-lock

late-lock
    A hotline message takes the exercise row lock (SELECT ... FOR UPDATE) only where the
    event is appended (events.append), instead of at the start of the command
    (commands.live_exercise, called from hotlines._own_hotline). The hotline, outage and
    message work then runs before the lock, and commands of one exercise overlap up to
    the seq assignment. Skipped here: re-checking under the lock that the exercise is
    still running (a real change would do it in append).
"""

from collections.abc import Callable


def late_lock():  # type: ignore[no-untyped-def]
    from config.asgi import application  # sets Django up first
    from exercise import hotlines
    from exercise.errors import InvalidState, NotFound
    from exercise.models import Exercise

    def live_exercise_unlocked(exercise_id: int) -> Exercise:
        exercise = Exercise.objects.filter(pk=exercise_id).first()
        if exercise is None:
            raise NotFound(f"There is no exercise {exercise_id}.")
        if exercise.status != Exercise.Status.RUNNING:
            raise InvalidState(f"The exercise is {exercise.status}; commands are taken while it runs.")
        return exercise

    hotlines.live_exercise = live_exercise_unlocked
    return application


VARIANTS: dict[str, Callable] = {"late-lock": late_lock}
