"""Triggered injects: an inject waiting on ``{after|met|missed: ref}`` becomes due.

Its own module because both the inject engine (``after``) and the expectation engine
(``met``, ``missed``) pull triggers, and neither may import the other's importer.
"""

from django.db.models import QuerySet

from exercise import events
from exercise.event_data import InjectScheduledData
from exercise.models import Event, Exercise, ExerciseInject


def pending(exercise: Exercise) -> QuerySet[ExerciseInject]:
    return ExerciseInject.objects.filter(exercise=exercise, status=ExerciseInject.Status.PENDING)


def schedule_triggered(*, exercise: Exercise, trigger: str, ref: str, at: float) -> int:
    """Make the injects waiting on ``{trigger: ref}`` due ``delay`` after exercise time ``at``.

    The one door for every trigger type. Each scheduled inject is an ``inject.scheduled``
    event for staff: the consoles count down to it from the log. Returns how many injects
    it scheduled.
    """
    waiting = (
        pending(exercise)
        .filter(due_at__isnull=True, inject__trigger=trigger, inject__trigger_ref=ref)
        .select_related("inject")
    )
    for item in waiting:
        if item.inject is None:  # never: the filter leaves only scenario injects, which have one
            continue
        item.due_at = at + item.inject.trigger_delay
        item.save(update_fields=["due_at"])
        events.append(
            exercise=exercise,
            kind="inject.scheduled",
            actor=None,
            data=InjectScheduledData(
                key=item.key,
                title=item.title,
                due_at=item.due_at,
                trigger=trigger,
                ref=ref,
                delay=item.inject.trigger_delay,
            ),
            audience=Event.Audience.STAFF,
        )
    return len(waiting)
