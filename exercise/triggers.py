"""Triggered injects and media items: one waiting on ``{after|met|missed: ref}`` becomes due.

Its own module because both the inject engine (``after``) and the expectation engine
(``met``, ``missed``) pull triggers, and neither may import the other's importer.
"""

from django.db.models import QuerySet

from exercise import events
from exercise.event_data import InjectScheduledData
from exercise.models import Event, Exercise, ExerciseInject, ExerciseMedia
from exercise.models.scenarios import Scheduled


def pending(exercise: Exercise) -> QuerySet[ExerciseInject]:
    return ExerciseInject.objects.filter(exercise=exercise, status=ExerciseInject.Status.PENDING)


def pending_media(exercise: Exercise) -> QuerySet[ExerciseMedia]:
    return ExerciseMedia.objects.filter(exercise=exercise, status=ExerciseMedia.Status.PENDING)


def schedule_triggered(*, exercise: Exercise, trigger: str, ref: str, at: float) -> int:
    """Make the injects and media items waiting on ``{trigger: ref}`` due ``delay`` after
    exercise time ``at``.

    The one door for every trigger type. Each scheduled inject is an ``inject.scheduled``
    event for staff: the consoles count down to it from the log. Returns how many items
    it scheduled.
    """
    injects = (
        pending(exercise)
        .filter(due_at__isnull=True, inject__trigger=trigger, inject__trigger_ref=ref)
        .select_related("inject")
    )
    media = (
        pending_media(exercise)
        .filter(due_at__isnull=True, item__trigger=trigger, item__trigger_ref=ref)
        .select_related("item")
    )
    waiting: list[tuple[ExerciseInject | ExerciseMedia, Scheduled | None]] = [
        *((row, row.inject) for row in injects),
        *((row, row.item) for row in media),
    ]
    for row, scripted in waiting:
        if scripted is None:  # never: the filters leave only scenario items, which have one
            continue
        row.due_at = at + scripted.trigger_delay
        row.save(update_fields=["due_at"])
        if isinstance(row, ExerciseInject):
            events.append(
                exercise=exercise,
                kind="inject.scheduled",
                actor=None,
                data=InjectScheduledData(
                    key=row.key,
                    title=row.title,
                    due_at=row.due_at,
                    trigger=trigger,
                    ref=ref,
                    delay=scripted.trigger_delay,
                ),
                audience=Event.Audience.STAFF,
            )
    return len(waiting)
