"""The record over the API: the log's hash chain checked, and exercises archived and imported."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from exercise import chain, exercises
from exercise.archives import export, importing, layout
from exercise.errors import TooLarge
from exercise.roles import caller_of

router = Router(tags=["archives"])


class ChainProblem(Schema):
    path: str
    message: str


class VerifyOut(Schema):
    ok: bool
    events: int
    head: str | None
    first_bad_seq: int | None = None
    details: list[ChainProblem] = []


class ImportedOut(Schema):
    exercise_id: int


@router.get(
    "/exercises/{exercise_id}/verify",
    response=VerifyOut,
    summary="Check the log's hash chain from seq 1",
    description="`head` is the last event's hash (hex SHA-256), also printed on the review page and in its PDF.",
)
def verify(request: HttpRequest, exercise_id: int) -> dict[str, Any]:
    return chain.verify(caller=caller_of(request), exercise=exercises.get_exercise(exercise_id))


ZIP = {"application/zip": {"schema": {"type": "string", "format": "binary"}}}


@router.get(
    "/exercises/{exercise_id}/archive",
    summary="An ended exercise as one zip file (docs/archives.md)",
    openapi_extra={"responses": {200: {"description": "The archive.", "content": ZIP}}},
)
def archive(request: HttpRequest, exercise_id: int) -> HttpResponse:
    filename, body = export.archive(caller=caller_of(request), exercise=exercises.get_exercise(exercise_id))
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.post(
    "/archives",
    response={201: ImportedOut},
    summary="Import an archive as a new ended exercise",
    openapi_extra={"requestBody": {"required": True, "content": ZIP}},
)
def import_archive(request: HttpRequest) -> Status[dict[str, int]]:
    caller = caller_of(request)
    # Read past DATA_UPLOAD_MAX_MEMORY_SIZE, which bounds other bodies: an archive has its own limit.
    body = request.read(layout.max_upload_bytes() + 1)
    if len(body) > layout.max_upload_bytes():
        raise TooLarge(f"An archive may be at most {layout.max_upload_bytes() // (1024 * 1024)} MB.")
    exercise = importing.import_archive(caller=caller, body=body)
    return Status(201, {"exercise_id": exercise.pk})
