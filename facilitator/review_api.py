"""The after-action review over the API: the whole review as JSON, and the improvement plan."""

from django.http import HttpRequest
from ninja import Router, Schema, Status

from exercise import exercises
from exercise.review import plan, report

router = Router(tags=["review"])


class ImprovementIn(Schema):
    area: str
    action: str
    objective: str | None = None
    organisation: str
    owner: str
    start: str | None = None
    due: str
    status: str | None = None


class ImprovementStatusIn(Schema):
    status: str


@router.get("/exercises/{exercise_id}/review", summary="The after-action review as JSON")
def review(request: HttpRequest, exercise_id: int):  # type: ignore[no-untyped-def]
    return report.review(caller=request.auth, exercise=exercises.get_exercise(exercise_id))


@router.get("/exercises/{exercise_id}/improvements", summary="The improvement plan")
def improvements(request: HttpRequest, exercise_id: int):  # type: ignore[no-untyped-def]
    return plan.improvements(caller=request.auth, exercise=exercises.get_exercise(exercise_id))


@router.post("/exercises/{exercise_id}/improvements", response={201: dict}, summary="Add an improvement-plan item")
def add_improvement(request: HttpRequest, exercise_id: int, payload: ImprovementIn):  # type: ignore[no-untyped-def]
    exercise = exercises.get_exercise(exercise_id)
    item = plan.add_improvement(caller=request.auth, exercise=exercise, **payload.dict())
    return Status(201, plan.improvement(item))


@router.patch("/exercises/{exercise_id}/improvements/{item_id}", summary="Change an improvement-plan item's status")
def set_improvement_status(request: HttpRequest, exercise_id: int, item_id: int, payload: ImprovementStatusIn):  # type: ignore[no-untyped-def]
    exercise = exercises.get_exercise(exercise_id)
    item = plan.set_improvement_status(caller=request.auth, exercise=exercise, item_id=item_id, status=payload.status)
    return plan.improvement(item)
