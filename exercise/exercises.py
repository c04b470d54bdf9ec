"""Exercise services: create an exercise from a scenario and drive its clock."""

import secrets

from django.db import IntegrityError, transaction

from exercise import clock, events, expectations
from exercise.errors import Invalid, InvalidState, NotFound
from exercise.event_data import ClockData, SpeedData
from exercise.models import Event, Exercise, ExerciseInject, ExerciseMedia, Scenario, Team
from exercise.roles import Caller, Role, require_role

# 31 letters and digits, without 0/O, 1/I/L that are misread when a code is read out
# across a room; 10 of them give 31**10 (8e14) codes.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 10


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
    if not name or len(name) > 200:
        raise Invalid(
            "The exercise needs a name of 1 to 200 characters.", [{"path": "name", "message": "1 to 200 characters"}]
        )
    speed = check_speed(speed)
    for _ in range(5):
        try:
            with transaction.atomic():
                return _create(caller, scenario, name, speed)
        except IntegrityError:  # a join code collided with another exercise's; draw again
            continue
    raise InvalidState("Could not draw unique join codes; try again.")


def _create(caller: Caller, scenario: Scenario, name: str, speed: float) -> Exercise:
    exercise = Exercise.objects.create(scenario=scenario, name=name, speed=speed, created_by=caller.user)
    Team.objects.bulk_create(
        Team(exercise=exercise, source=t, key=t.key, name=t.name, order=t.order, join_code=new_join_code())
        for t in scenario.teams.all()
    )
    ExerciseInject.objects.bulk_create(
        ExerciseInject(exercise=exercise, inject=i, key=i.key, title=i.title, due_at=i.at)
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
    return exercise


def get_exercise(exercise_id: int) -> Exercise:
    try:
        return Exercise.objects.select_related("scenario").get(pk=exercise_id)
    except Exercise.DoesNotExist as exc:
        raise NotFound(f"There is no exercise {exercise_id}.") from exc


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
            # What was still open can no longer be met.
            expectations.decide_missed(exercise=exercise, ending=True)
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
