"""Evaluators' work: HSEEP ratings of teams against objectives, and observations."""

from django.db import transaction

from exercise import clock, events
from exercise.commands import Done, checked_text, team_by_key
from exercise.errors import Invalid, InvalidState, NotFound
from exercise.event_data import NoteData, RatingData
from exercise.models import Event, Exercise, Objective, Rating
from exercise.roles import Caller, Role, require_role

NOTE_LIMIT = 20_000


def rate(
    *, caller: Caller, exercise_id: int, team: object, objective: object, rating: object, note: object = ""
) -> Done[Rating]:
    require_role(caller, Role.EVALUATOR, Role.FACILITATOR)
    if rating not in Rating.Value.values:
        raise Invalid("A rating is P, S, M or U.", [{"path": "rating", "message": "one of P, S, M, U"}])
    if not isinstance(note, str) or len(note) > NOTE_LIMIT:
        raise Invalid("The note must be text of at most 20,000 characters.", [{"path": "note", "message": "too long"}])
    with transaction.atomic():
        exercise = _evaluated(exercise_id)
        rated = team_by_key(exercise, team, "team")
        found = Objective.objects.filter(scenario=exercise.scenario_id, key=objective).select_related("team").first()
        if found is None:
            raise Invalid(
                f"The scenario has no objective '{objective}'.", [{"path": "objective", "message": "unknown"}]
            )
        # A national objective belongs to one team's brief: rating another team against it
        # would show that team (in its debrief) an objective of a brief it may not read.
        if found.team is not None and found.team.key != rated.key:
            owner = found.team.key
            raise Invalid(
                f"'{found.key}' is a national objective of {owner}; only {owner} is rated against it.",
                [{"path": "objective", "message": f"a national objective of {owner}"}],
            )
        row = Rating.objects.create(
            exercise=exercise,
            team=rated,
            objective=found,
            evaluator=caller.staff_user,
            rating=rating,
            note=note,
            given_at=clock.now(),
        )
        event = events.append(
            exercise=exercise,
            kind="rating.given",
            actor=caller,
            data=RatingData(
                rating=row.pk, team=rated.key, objective=found.key, value=rating, note=note, evaluator=caller.name
            ),
            audience=Event.Audience.STAFF,
        )
        return Done(row, event.seq)


def add_note(*, caller: Caller, exercise_id: int, text: object, team: object = None) -> Event:
    require_role(caller, Role.EVALUATOR, Role.FACILITATOR)
    text = checked_text(text, limit=NOTE_LIMIT, what="A note")
    with transaction.atomic():
        exercise = _evaluated(exercise_id)
        about = team_by_key(exercise, team, "team").key if team is not None else None
        return events.append(
            exercise=exercise,
            kind="note.added",
            actor=caller,
            data=NoteData(text=text, team=about, author=caller.name),
            audience=Event.Audience.STAFF,
        )


def _evaluated(exercise_id: int) -> Exercise:
    exercise = Exercise.objects.select_for_update().filter(pk=exercise_id).first()
    if exercise is None:
        raise NotFound(f"There is no exercise {exercise_id}.")
    if exercise.status == Exercise.Status.DRAFT:
        raise InvalidState("The exercise has not started; there is nothing to evaluate yet.")
    return exercise
