"""The exercise clock: exercise time from wall time minus pauses, times speed."""

from datetime import datetime, timedelta

from django.utils import timezone

from exercise.models import Exercise

MIN_SPEED = 0.1
MAX_SPEED = 120.0


def now() -> datetime:
    return timezone.now()


def exercise_time(exercise: Exercise, at: datetime | None = None) -> float:
    """Exercise seconds elapsed at wall time ``at`` (default: now)."""
    if exercise.status != Exercise.Status.RUNNING or exercise.clock_anchor is None:
        return exercise.clock_base
    elapsed = ((at or now()) - exercise.clock_anchor).total_seconds()
    return exercise.clock_base + max(elapsed, 0.0) * exercise.speed


def reanchor(exercise: Exercise, at: datetime) -> None:
    """Fold the time run so far into the base, so a change of state or speed starts afresh."""
    exercise.clock_base = exercise_time(exercise, at)
    exercise.clock_anchor = at


def wall_time_of(exercise: Exercise, at: float) -> datetime:
    """When a running exercise's clock will read ``at`` exercise seconds."""
    anchor = exercise.clock_anchor or now()
    return anchor + timedelta(seconds=(at - exercise.clock_base) / exercise.speed)


def reading(exercise: Exercise) -> dict[str, object]:
    """What a page needs to show the clock and keep it moving: state at a server instant."""
    at = now()
    return {
        "status": exercise.status,
        "speed": exercise.speed,
        "time": exercise_time(exercise, at),
        "server_now": at.isoformat(),
    }
