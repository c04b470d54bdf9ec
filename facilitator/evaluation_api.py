"""Evaluation endpoints: ratings, notes, the live scores and who is connected."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from exercise import evaluation, exercises, presence, selectors
from exercise.roles import caller_of
from facilitator.review_schemas import ScoresOut
from gateway.schemas import Out

router = Router(tags=["evaluation"])


class RatingIn(Schema):
    team: str
    objective: str
    rating: str
    note: str = Field("", max_length=20_000)


class RatingOut(Out):
    id: int
    team: str
    objective: str
    rating: str
    note: str
    seq: int


class NoteIn(Schema):
    text: str
    team: str | None = None


class NoteOut(Out):
    id: int
    text: str
    team: str | None
    seq: int


class PresenceOut(Out):
    teams: dict[str, int] = Field(description="open sockets per team key")
    staff: int


@router.post("/exercises/{exercise_id}/ratings", response={201: RatingOut}, summary="Rate a team against an objective")
def rate(request: HttpRequest, exercise_id: int, payload: RatingIn) -> Status[dict[str, Any]]:
    done = evaluation.rate(caller=caller_of(request), exercise_id=exercise_id, **payload.dict())
    row = done.obj
    return Status(
        201,
        {
            "id": row.pk,
            "team": payload.team,
            "objective": payload.objective,
            "rating": row.rating,
            "note": row.note,
            "seq": done.seq,
        },
    )


@router.post("/exercises/{exercise_id}/notes", response={201: NoteOut}, summary="Record an observation")
def note(request: HttpRequest, exercise_id: int, payload: NoteIn) -> Status[dict[str, Any]]:
    event = evaluation.add_note(
        caller=caller_of(request), exercise_id=exercise_id, text=payload.text, team=payload.team
    )
    return Status(201, {"id": event.pk, "text": event.data["text"], "team": event.data["team"], "seq": event.seq})


@router.get(
    "/exercises/{exercise_id}/scores", response=ScoresOut, summary="Scores, trust matrix, escalation and stability"
)
def scores(request: HttpRequest, exercise_id: int) -> dict[str, Any]:
    return selectors.scores(caller=caller_of(request), exercise=exercises.get_exercise(exercise_id))


@router.get("/exercises/{exercise_id}/presence", response=PresenceOut, summary="Connected sockets per team")
def connected(request: HttpRequest, exercise_id: int) -> dict[str, Any]:
    return presence.connected(caller=caller_of(request), exercise=exercises.get_exercise(exercise_id))
