"""Evaluation endpoints: ratings, notes, the live scores and who is connected."""

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from exercise import evaluation, exercises, presence, selectors

router = Router(tags=["evaluation"])


class RatingIn(Schema):
    team: str
    objective: str
    rating: str
    note: str = Field("", max_length=20_000)


class NoteIn(Schema):
    text: str
    team: str | None = None


@router.post("/exercises/{exercise_id}/ratings", response={201: dict}, summary="Rate a team against an objective")
def rate(request: HttpRequest, exercise_id: int, payload: RatingIn):  # type: ignore[no-untyped-def]
    done = evaluation.rate(caller=request.auth, exercise_id=exercise_id, **payload.dict())
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


@router.post("/exercises/{exercise_id}/notes", response={201: dict}, summary="Record an observation")
def note(request: HttpRequest, exercise_id: int, payload: NoteIn):  # type: ignore[no-untyped-def]
    event = evaluation.add_note(caller=request.auth, exercise_id=exercise_id, text=payload.text, team=payload.team)
    return Status(201, {"id": event.pk, "text": event.data["text"], "team": event.data["team"], "seq": event.seq})


@router.get("/exercises/{exercise_id}/scores", summary="Scores, trust matrix, escalation and stability")
def scores(request: HttpRequest, exercise_id: int):  # type: ignore[no-untyped-def]
    return selectors.scores(caller=request.auth, exercise=exercises.get_exercise(exercise_id))


@router.get("/exercises/{exercise_id}/presence", summary="Connected sockets per team")
def connected(request: HttpRequest, exercise_id: int):  # type: ignore[no-untyped-def]
    return presence.connected(caller=request.auth, exercise=exercises.get_exercise(exercise_id))
