"""The exercise clock: exercise time from wall time minus pauses, times speed."""

from datetime import datetime

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
