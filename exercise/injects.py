"""The inject engine: release what is due exactly once, and the facilitator's overrides.

Every release runs under the exercise's row lock and marks the inject released in the
same transaction as its event, so any number of workers, retries and restarts release
each inject once. The news wire's scripted media items go out through the same engine,
made idempotent the same way (exercise.wire). Pausing needs no bookkeeping: nothing is
due while the clock stands.
"""

from typing import Any, TypedDict

from django.db import transaction

from exercise import audit, clock, events, expectations, triggers, wire
from exercise.commands import free_key
from exercise.errors import Invalid, InvalidState, NotFound
from exercise.event_data import InjectEditedData, InjectReleasedData, InjectSkippedData
from exercise.markdown_text import render_markdown
from exercise.models import Event, Exercise, ExerciseInject, ExerciseMedia, Team
from exercise.models.scenarios import INJECT_KINDS, SEVERITIES
from exercise.roles import Caller, Role, require_role

ADHOC_PREFIX = "X"


def release_due_injects(*, exercise_id: int) -> list[Event]:
    """Release every pending inject and media item of a running exercise whose time has
    come, and decide the expectations whose deadlines have passed."""
    with transaction.atomic():
        exercise = Exercise.objects.select_for_update().filter(pk=exercise_id).first()
        if exercise is None or exercise.status != Exercise.Status.RUNNING:
            return []
        released: list[Event] = []
        # A release or a missed deadline can make others due at once (a trigger with no
        # delay): loop until nothing more happens.
        while True:
            due = _due(exercise, clock.exercise_time(exercise))
            released += [
                wire.publish_scripted(exercise=exercise, row=item)
                if isinstance(item, ExerciseMedia)
                else _release(exercise, item, actor=None)
                for item in due
            ]
            if not due and not expectations.decide_deadlines(exercise=exercise):
                return released


def _due(exercise: Exercise, now: float) -> list[ExerciseInject | ExerciseMedia]:
    """What is due by ``now``, earliest first; an inject before a media item due with it."""
    injects = triggers.pending(exercise).filter(due_at__lte=now).order_by("due_at", "id")
    media = triggers.pending_media(exercise).filter(due_at__lte=now).select_related("item").order_by("due_at", "id")
    return sorted([*injects, *media], key=lambda item: item.due_at or 0.0)


def running_exercise_ids() -> list[int]:
    return list(Exercise.objects.filter(status=Exercise.Status.RUNNING).values_list("pk", flat=True))


def next_due_wall_times(*, exercise_id: int, horizon: float) -> list[float]:
    """Wall-clock timestamps of pending releases due within ``horizon`` seconds from now."""
    exercise = Exercise.objects.get(pk=exercise_id)
    if exercise.status != Exercise.Status.RUNNING:
        return []
    now = clock.now()
    limit = clock.exercise_time(exercise, now) + horizon * exercise.speed
    pending = [
        *triggers.pending(exercise).filter(due_at__lte=limit).values_list("due_at", flat=True),
        *triggers.pending_media(exercise).filter(due_at__lte=limit).values_list("due_at", flat=True),
    ]
    due = [at for at in pending if at is not None]
    deadline = expectations.next_deadline(exercise)
    if deadline is not None and deadline <= limit:
        due.append(deadline)
    return [clock.wall_time_of(exercise, at).timestamp() for at in due]


def release_now(*, caller: Caller, exercise_id: int, key: str) -> Event:
    require_role(caller, Role.FACILITATOR)
    with transaction.atomic():
        exercise = _live_exercise(exercise_id)
        item = _inject(exercise, key)
        if item.status != ExerciseInject.Status.PENDING:
            raise InvalidState(f"Inject {key} is already {item.status}.")
        return _release(exercise, item, actor=caller)


def skip(*, caller: Caller, exercise_id: int, key: str, reason: str) -> Event:
    require_role(caller, Role.FACILITATOR)
    reason = reason.strip()
    if not reason or len(reason) > 2000:
        raise Invalid(
            "Say why the inject is skipped (up to 2,000 characters).", [{"path": "reason", "message": "required"}]
        )
    with transaction.atomic():
        exercise, item = _still_pending(exercise_id, key, "skipped")
        item.status = ExerciseInject.Status.SKIPPED
        item.skip_reason = reason
        item.save(update_fields=["status", "skip_reason"])
        return events.append(
            exercise=exercise,
            kind="inject.skipped",
            actor=caller,
            data=InjectSkippedData(key=key, title=item.title, reason=reason),
            audience=Event.Audience.STAFF,
        )


def edit(*, caller: Caller, exercise_id: int, key: str, title: str, body: str, severity: str) -> ExerciseInject:
    """Change a pending inject's title, text or severity; the release sends the edited one.
    The edit is an event for staff, so every console shows the new title at once."""
    require_role(caller, Role.FACILITATOR)
    problems = _content_problems(title, body, severity)
    if problems:
        raise Invalid("The inject has problems.", problems)
    with transaction.atomic():
        exercise, item = _still_pending(exercise_id, key, "edited")
        before = _edited_fields(item)
        item.title = title.strip()
        item.body_override = body
        item.severity_override = severity
        item.save(update_fields=["title", "body_override", "severity_override"])
        after = _edited_fields(item)
        audit.record(
            exercise=exercise,
            caller=caller,
            subject=audit.Subject.INJECT,
            target=key,
            action="edited",
            before=before,
            after=after,
        )
        events.append(
            exercise=exercise,
            kind="inject.edited",
            actor=caller,
            data=InjectEditedData(key=key, title=item.title, body=body, severity=severity),
            audience=Event.Audience.STAFF,
        )
        return item


class Content(TypedDict):
    """What an inject says and to whom: the scenario's, as edited, or an ad-hoc one's."""

    kind: str
    severity: str
    body: str
    to: list[str]
    to_all: bool


def send_adhoc(*, caller: Caller, exercise_id: int, title: str, body: str, kind: str, severity: str, to: Any) -> Event:
    """An inject written on the spot, released at once."""
    require_role(caller, Role.FACILITATOR)
    problems = _content_problems(title, body, severity)
    if kind not in INJECT_KINDS:
        problems.append({"path": "kind", "message": f"one of {', '.join(INJECT_KINDS)}"})
    with transaction.atomic():
        exercise = _live_exercise(exercise_id)
        teams = _target_teams(exercise, to, problems)
        if problems:
            raise Invalid("The inject has problems.", problems)
        item = ExerciseInject.objects.create(
            exercise=exercise,
            key=_free_adhoc_key(exercise),
            title=title.strip(),
            due_at=clock.exercise_time(exercise),
        )
        content: Content = {
            "kind": kind,
            "severity": severity,
            "body": body,
            "to": [t.key for t in teams],
            "to_all": to == "all",
        }
        return _release(exercise, item, actor=caller, content=content)


def _release(
    exercise: Exercise, item: ExerciseInject, *, actor: Caller | None, content: Content | None = None
) -> Event:
    content = content or _scripted_content(item)
    teams = list(exercise.teams.all()) if content["to_all"] else list(exercise.teams.filter(key__in=content["to"]))
    item.status = ExerciseInject.Status.RELEASED
    item.released_at = clock.now()
    item.save(update_fields=["status", "released_at"])
    event = events.append(
        exercise=exercise,
        kind="inject.released",
        actor=actor,
        data=InjectReleasedData(
            key=item.key,
            title=item.title,
            kind=content["kind"],
            severity=content["severity"],
            body=content["body"],
            body_html=render_markdown(content["body"]),
            to=[t.key for t in teams],
            due_at=item.due_at,
        ),
        audience=Event.Audience.EVERYONE if content["to_all"] else Event.Audience.TEAMS,
        recipients=teams,
    )
    expectations.open_checks(exercise=exercise, item=item, release=event)
    triggers.schedule_triggered(exercise=exercise, trigger="after", ref=item.key, at=event.exercise_time)
    return event


def _edited_fields(item: ExerciseInject) -> dict[str, str]:
    """What an edit may change of an inject, as it would go out."""
    content = _scripted_content(item)
    return {"title": item.title, "body": content["body"], "severity": content["severity"]}


def _scripted_content(item: ExerciseInject) -> Content:
    inject = item.inject
    if inject is None:  # an ad-hoc inject is released with its content when it is written
        raise InvalidState(f"Inject {item.key} has no scripted content to release.")
    return {
        "kind": inject.kind,
        "severity": item.severity_override or inject.severity,
        "body": inject.body if item.body_override is None else item.body_override,
        "to": inject.to,
        "to_all": inject.to_all,
    }


def _free_adhoc_key(exercise: Exercise) -> str:
    return free_key(ADHOC_PREFIX, ExerciseInject.objects.filter(exercise=exercise).values_list("key", flat=True))


def _inject(exercise: Exercise, key: str) -> ExerciseInject:
    item = ExerciseInject.objects.select_related("inject").filter(exercise=exercise, key=key).first()
    if item is None:
        raise NotFound(f"Exercise {exercise.pk} has no inject {key}.")
    return item


def _still_pending(exercise_id: int, key: str, done: str) -> tuple[Exercise, ExerciseInject]:
    """The locked exercise and its inject, refused unless the inject can still be ``done``."""
    exercise = _locked(exercise_id)
    if exercise.status == Exercise.Status.ENDED:
        raise InvalidState("The exercise has ended.")
    item = _inject(exercise, key)
    if item.status != ExerciseInject.Status.PENDING:
        raise InvalidState(f"Inject {key} is already {item.status}; only a pending inject can be {done}.")
    return exercise, item


def _locked(exercise_id: int) -> Exercise:
    exercise = Exercise.objects.select_for_update().filter(pk=exercise_id).first()
    if exercise is None:
        raise NotFound(f"There is no exercise {exercise_id}.")
    return exercise


def _live_exercise(exercise_id: int) -> Exercise:
    exercise = _locked(exercise_id)
    if exercise.status not in (Exercise.Status.RUNNING, Exercise.Status.PAUSED):
        raise InvalidState(f"Injects go out while the exercise runs; it is {exercise.status}.")
    return exercise


def _content_problems(title: str, body: str, severity: str) -> list:
    problems = []
    if not title.strip() or len(title) > 200:
        problems.append({"path": "title", "message": "1 to 200 characters"})
    if len(body) > 20_000:
        problems.append({"path": "body", "message": "at most 20,000 characters"})
    if severity not in SEVERITIES:
        problems.append({"path": "severity", "message": f"one of {', '.join(SEVERITIES)}"})
    return problems


def _target_teams(exercise: Exercise, to: Any, problems: list) -> list[Team]:
    teams = list(exercise.teams.all())
    if to == "all":
        return teams
    known = {t.key: t for t in teams}
    if not isinstance(to, list) or not to or not all(isinstance(k, str) for k in to):
        problems.append({"path": "to", "message": 'a list of team keys, or "all"'})
        return []
    for index, key in enumerate(to):
        if key not in known:
            problems.append({"path": f"to[{index}]", "message": f"unknown team key '{key}'"})
    return [known[k] for k in dict.fromkeys(to) if k in known]
