"""Exercise services: create an exercise from a scenario, copy or reset it, and drive its clock."""

import secrets
from collections.abc import Callable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.dispatch import Signal

from exercise import clock, events, expectations, staffing
from exercise.errors import Invalid, InvalidState, NotFound
from exercise.event_data import ClockData, InjectEditedData, SpeedData
from exercise.models import Event, Exercise, ExerciseInject, ExerciseMedia, Inject, Scenario, ScenarioTeam, Team
from exercise.roles import Caller, Role, require_role

# 31 letters and digits, without 0/O, 1/I/L that are misread when a code is read out
# across a room; 10 of them give 31**10 (8e14) codes.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 10
NAME_LIMIT = 200
COPY_SUFFIX = " (copy)"


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def check_speed(speed: object) -> float:
    if isinstance(speed, bool) or not isinstance(speed, int | float) or not clock.MIN_SPEED <= speed <= clock.MAX_SPEED:
        raise Invalid(
            f"Speed must be a number from {clock.MIN_SPEED:g} to {clock.MAX_SPEED:g}.",
            [{"path": "speed", "message": f"must be a number from {clock.MIN_SPEED:g} to {clock.MAX_SPEED:g}"}],
        )
    return float(speed)


def create_exercise(*, caller: Caller, scenario: Scenario, name: str, speed: float = 1.0) -> Exercise:
    """A draft exercise with a team and join code per scenario team, injects and media pending."""
    require_role(caller, Role.FACILITATOR)
    name = name.strip()
    if not name or len(name) > NAME_LIMIT:
        raise Invalid(
            "The exercise needs a name of 1 to 200 characters.", [{"path": "name", "message": "1 to 200 characters"}]
        )
    speed = check_speed(speed)
    return _with_fresh_codes(lambda: _create(caller, scenario, name, speed))


def create_record(*, caller: Caller, scenario: Scenario, name: str, speed: float, state: Mapping[str, Any]) -> Exercise:
    """An exercise made as create_exercise() makes one, new join codes included, then put
    in the state given: an archive's ended exercise being imported (exercise.archives)."""
    require_role(caller, Role.FACILITATOR)

    def create() -> Exercise:
        exercise = _create(caller, scenario, name, check_speed(speed))
        for field, value in state.items():
            setattr(exercise, field, value)
        exercise.save(update_fields=list(state))
        return exercise

    return _with_fresh_codes(create)


def duplicate_exercise(*, caller: Caller, exercise_id: int) -> Exercise:
    """A new draft of the same scenario, to run it again: the same speed, the name marked
    as a copy, the facilitator's edits to the scripted injects, and new join codes (the old
    ones stay with the teams of the original). Any exercise may be copied, played or not."""
    require_role(caller, Role.FACILITATOR)
    original = get_exercise(exercise_id)
    name = original.name[: NAME_LIMIT - len(COPY_SUFFIX)] + COPY_SUFFIX
    edits: dict[str, Mapping[str, object]] = {
        item["key"]: item
        for item in original.injects.filter(inject__isnull=False).values(
            "key", "title", "body_override", "severity_override"
        )
    }
    return _with_fresh_codes(lambda: _create(caller, original.scenario, name, original.speed, edits))


def reset_draft(*, caller: Caller, exercise_id: int) -> Exercise:
    """A draft back as its scenario made it: injects without the facilitator's edits, and
    teams without players. The name, the speed, the join codes and the log stay.

    The teams are made anew rather than emptied: a socket of a player who joined before
    is subscribed to its team's old group, which nothing is sent to any more, so a player
    removed by the reset hears nothing of the exercise after it (their token, gone with
    them, opens no new one)."""
    require_role(caller, Role.FACILITATOR)
    with transaction.atomic():
        exercise = _locked(exercise_id)
        if exercise.status != Exercise.Status.DRAFT:
            raise InvalidState(
                f"Only a draft can be reset; this exercise is {exercise.status}. "
                "Duplicate it to run the scenario again."
            )
        codes = dict(exercise.teams.values_list("key", "join_code"))
        edited = [item.key for item in exercise.injects.select_related("inject") if _was_edited(item)]
        exercise.teams.all().delete()  # their players and the players' tokens with them
        exercise.injects.all().delete()
        exercise.media.all().delete()
        # The new teams have seen what everyone saw of the log (speed changes, in a draft),
        # so that the next event's `prev` follows it.
        seen = exercise.events.filter(audience=Event.Audience.EVERYONE).aggregate(last=Max("seq"))["last"] or 0
        _populate(exercise, lambda team: codes[team.key], last_visible_seq=seen)
        # The consoles draw the timeline from the log, where the edits stand: each undone
        # edit is an edit back to the script, so every console (and a reload) shows it.
        for item in exercise.injects.filter(key__in=edited).select_related("inject"):
            scripted = item.inject
            assert scripted is not None  # the scenario's injects only
            undone = InjectEditedData(key=item.key, title=item.title, body=scripted.body, severity=scripted.severity)
            staff = Event.Audience.STAFF
            events.append(exercise=exercise, kind="inject.edited", actor=caller, data=undone, audience=staff)
    return exercise


def _was_edited(item: ExerciseInject) -> bool:
    scripted = item.inject
    return scripted is not None and (
        item.title != scripted.title or bool(item.body_override) or bool(item.severity_override)
    )


def _with_fresh_codes(create: Callable[[], Exercise]) -> Exercise:
    for _ in range(5):
        try:
            with transaction.atomic():
                return create()
        except IntegrityError:  # a join code collided with another exercise's; draw again
            continue
    raise InvalidState("Could not draw unique join codes; try again.")


def _create(
    caller: Caller, scenario: Scenario, name: str, speed: float, edits: dict[str, Mapping[str, object]] | None = None
) -> Exercise:
    # Waits for a deletion of the scenario under way (scenarios.delete_scenario holds the
    # row), and then says so, instead of failing on the foreign key.
    if not Scenario.objects.select_for_update(no_key=True).filter(pk=scenario.pk).exists():
        raise NotFound(f"The scenario '{scenario.title}' has been deleted.")
    exercise = Exercise.objects.create(scenario=scenario, name=name, speed=speed, created_by=caller.user)
    staffing.assign_creator(exercise=exercise, user=caller.user)
    _populate(exercise, lambda team: new_join_code(), edits=edits)
    return exercise


def _populate(
    exercise: Exercise,
    join_code: Callable[[ScenarioTeam], str],
    *,
    last_visible_seq: int = 0,
    edits: dict[str, Mapping[str, object]] | None = None,
) -> None:
    """The scenario's teams, injects and wire items in the exercise, as a new draft has them; ``edits``
    are the facilitator's changes to scripted injects (title, text, severity) by key."""
    scenario = exercise.scenario
    Team.objects.bulk_create(
        Team(
            exercise=exercise,
            source=t,
            key=t.key,
            name=t.name,
            order=t.order,
            join_code=join_code(t),
            last_visible_seq=last_visible_seq,
        )
        for t in scenario.teams.all()
    )
    edits = edits or {}
    ExerciseInject.objects.bulk_create(
        ExerciseInject(exercise=exercise, inject=i, key=i.key, due_at=i.at, **_content(i, edits.get(i.key)))
        for i in scenario.injects.all()
    )
    ExerciseMedia.objects.bulk_create(
        ExerciseMedia(
            exercise=exercise,
            item=m,
            key=m.key,
            source=ExerciseMedia.Source.SCENARIO,
            persona=m.persona,
            headline=m.headline,
            due_at=m.at,
        )
        for m in scenario.media.all()
    )


def _content(inject: Inject, edit: Mapping[str, object] | None) -> dict[str, Any]:
    if edit is None:
        return {"title": inject.title}
    return {k: edit[k] for k in ("title", "body_override", "severity_override")}


def get_exercise(exercise_id: int) -> Exercise:
    try:
        return Exercise.objects.select_related("scenario").get(pk=exercise_id)
    except Exercise.DoesNotExist as exc:
        raise NotFound(f"There is no exercise {exercise_id}.") from exc


# Sent with ``exercise_id`` once an exercise's end has committed; the facilitator app
# prints the review on it, keeping the domain free of what it does.
ended = Signal()

# Which statuses each transition leaves from, the status it enters and the event it logs.
_TRANSITIONS = {
    "start": ((Exercise.Status.DRAFT,), Exercise.Status.RUNNING, "exercise.started"),
    "pause": ((Exercise.Status.RUNNING,), Exercise.Status.PAUSED, "exercise.paused"),
    "resume": ((Exercise.Status.PAUSED,), Exercise.Status.RUNNING, "exercise.resumed"),
    "end": ((Exercise.Status.RUNNING, Exercise.Status.PAUSED), Exercise.Status.ENDED, "exercise.ended"),
}


def change_status(*, caller: Caller, exercise_id: int, transition: str) -> Exercise:
    """Start, pause, resume or end; InvalidState when the exercise is not in a state to."""
    require_role(caller, Role.FACILITATOR)
    sources, target, kind = _TRANSITIONS[transition]
    with transaction.atomic():
        exercise = _locked(exercise_id)
        if exercise.status not in sources:
            raise InvalidState(f"Cannot {transition} an exercise that is {exercise.status}.")
        at = clock.now()
        clock.reanchor(exercise, at)
        exercise.status = target
        if transition == "start":
            exercise.started_at = at
        if transition == "end":
            exercise.ended_at = at
        exercise.save(update_fields=["status", "clock_base", "clock_anchor", "started_at", "ended_at"])
        events.append(
            exercise=exercise,
            kind=kind,
            actor=caller,
            data=ClockData(status=exercise.status, speed=exercise.speed),
            audience=Event.Audience.EVERYONE,
            at=at,
        )
        if transition == "end":
            # What was still open can no longer be met (nor a restraint broken).
            expectations.decide_deadlines(exercise=exercise, ending=True)
            ended_id = exercise.pk
            # Robust: what listens to the end (the review's print) must not undo it.
            transaction.on_commit(lambda: ended.send(sender=Exercise, exercise_id=ended_id), robust=True)
    return exercise


def set_speed(*, caller: Caller, exercise_id: int, speed: object) -> Exercise:
    require_role(caller, Role.FACILITATOR)
    new_speed = check_speed(speed)
    with transaction.atomic():
        exercise = _locked(exercise_id)
        if exercise.status == Exercise.Status.ENDED:
            raise InvalidState("The exercise has ended; its speed can no longer change.")
        at = clock.now()
        clock.reanchor(exercise, at)
        previous, exercise.speed = exercise.speed, new_speed
        exercise.save(update_fields=["speed", "clock_base", "clock_anchor"])
        events.append(
            exercise=exercise,
            kind="exercise.speed_changed",
            actor=caller,
            data=SpeedData(status=exercise.status, speed=new_speed, previous=previous),
            audience=Event.Audience.EVERYONE,
            at=at,
        )
    return exercise


def _locked(exercise_id: int) -> Exercise:
    try:
        return Exercise.objects.select_for_update().get(pk=exercise_id)
    except Exercise.DoesNotExist as exc:
        raise NotFound(f"There is no exercise {exercise_id}.") from exc
