"""The after-action review over the API: the whole review as JSON, and the improvement plan."""

import json
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Router, Schema, Status
from ninja.responses import NinjaJSONEncoder

from exercise import exercises
from exercise.review import plan, report
from exercise.roles import caller_of, require_staff
from facilitator.review_schemas import ImprovementOut, ReviewOut
from facilitator.streaming import streamed

router = Router(tags=["review"])

_EMPTY_TIMELINE = '"timeline": []}'


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
def review(request: HttpRequest, exercise_id: int) -> StreamingHttpResponse:
    """Streamed: the timeline (every event, megabytes for a long exercise) is written a
    chunk at a time after the rest. The body is the one the schema's answer would be."""
    caller, exercise = caller_of(request), exercises.get_exercise(exercise_id)
    require_staff(caller)  # before the first byte: a refusal still gets its 4xx

    def render(data: Any) -> str:
        return json.dumps(data, cls=NinjaJSONEncoder)  # as the API's renderer writes an answer

    def chunks() -> Iterator[bytes]:
        # The opening leaves before the log is read; the summary needs all of it.
        head = '{"classification": ' + render(exercise.scenario.classification or None)
        yield head.encode()
        summary = report.review(caller=caller, exercise=exercise, timeline=False)
        text = render(ReviewOut.model_validate(summary | {"timeline": []}).model_dump())
        if not (text.startswith(head) and text.endswith(_EMPTY_TIMELINE)):
            raise RuntimeError("the review no longer opens as sent, or no longer ends with its timeline")
        yield text[len(head) : -len("]}")].encode()  # up to the timeline's opening bracket
        separator = ""
        for rows in report.timeline_in_chunks(caller=caller, exercise=exercise):
            # Written as they are: a row's fields are the schema's, in its order, with plain
            # JSON values (the log's as parsed), which the schema's dump would only give
            # back unchanged, at a cost per row (tests/review/test_review_streaming.py compares).
            listed = json.dumps(rows, cls=NinjaJSONEncoder, check_circular=False)  # the log's values hold no cycles
            yield (separator + listed[1:-1]).encode()
            separator = ", "
        yield b"]}"

    return streamed(request, chunks(), content_type="application/json; charset=utf-8")


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
