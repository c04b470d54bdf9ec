"""The after-action review over the API: the whole review as JSON, and the improvement plan."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from exercise import exercises
from exercise.review import plan, report
from exercise.roles import caller_of
from facilitator.review_schemas import ImprovementOut, ReviewOut

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


@router.get("/exercises/{exercise_id}/review", response=ReviewOut, summary="The after-action review as JSON")
def review(request: HttpRequest, exercise_id: int) -> dict[str, Any]:
    return report.review(caller=caller_of(request), exercise=exercises.get_exercise(exercise_id))


@router.get("/exercises/{exercise_id}/improvements", response=list[ImprovementOut], summary="The improvement plan")
def improvements(request: HttpRequest, exercise_id: int) -> list[dict[str, Any]]:
    return plan.improvements(caller=caller_of(request), exercise=exercises.get_exercise(exercise_id))


@router.post(
    "/exercises/{exercise_id}/improvements", response={201: ImprovementOut}, summary="Add an improvement-plan item"
)
def add_improvement(request: HttpRequest, exercise_id: int, payload: ImprovementIn) -> Status[dict[str, Any]]:
    exercise = exercises.get_exercise(exercise_id)
    item = plan.add_improvement(caller=caller_of(request), exercise=exercise, **payload.dict())
    return Status(201, plan.improvement(item))


@router.patch(
    "/exercises/{exercise_id}/improvements/{item_id}",
    response=ImprovementOut,
    summary="Change an improvement-plan item's status",
)
def set_improvement_status(
    request: HttpRequest, exercise_id: int, item_id: int, payload: ImprovementStatusIn
) -> dict[str, Any]:
    exercise = exercises.get_exercise(exercise_id)
    item = plan.set_improvement_status(
        caller=caller_of(request), exercise=exercise, item_id=item_id, status=payload.status
    )
    return plan.improvement(item)
