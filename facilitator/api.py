"""Staff endpoints of the API: tokens, scenarios and exercise control."""

from collections.abc import Callable
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from exercise import access, exercises, hotlines, injects, jointops, scenarios, selectors, shapes, staffing
from exercise.document_text import dump_json, dump_yaml
from exercise.envelopes import envelope
from exercise.errors import Invalid, NotAuthenticated
from exercise.models import Exercise, Scenario
from exercise.roles import Caller, caller_of, require_staff
from exercise.scenario_files import read_scenario_file
from exercise.workbook import XLSX_TYPE, workbook_bytes
from exercise.workbook.msel import replace_msel
from exercise.workbook.tables import read_csv, read_workbook
from exercise.workbook.template import template_workbook
from facilitator import schemas
from gateway.ratelimits import count_failure, refuse_if_failing
from gateway.schemas import Envelope, OperationOut

router = Router(tags=["facilitator"])

SCENARIO_BODY = {
    "requestBody": {
        "required": True,
        "description": "A scenario document (see API.md) as JSON, as YAML with Content-Type: application/yaml, "
        f"or as a workbook with Content-Type: {XLSX_TYPE} (docs/scenarios.md).",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/yaml": {"schema": {"type": "string"}},
            XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.post("/auth/token", auth=None, response=schemas.TokenOut, summary="Exchange a staff password for a token")
def create_token(request: HttpRequest, payload: schemas.TokenIn) -> dict[str, str]:
    refuse_if_failing(request, "auth", payload.username)
    try:
        token, caller = access.staff_token(username=payload.username, password=payload.password)
    except NotAuthenticated:
        count_failure(request, "auth", payload.username)
        raise
    return {"token": token, "role": caller.role.value}


@router.post("/scenarios", response={201: schemas.ScenarioOut}, openapi_extra=SCENARIO_BODY)
def create_scenario(request: HttpRequest) -> Status[Scenario]:
    document = read_scenario_file(request.body, media_type=_media_type(request))
    scenario = scenarios.import_scenario(caller=caller_of(request), document=document)
    return Status(201, scenario)


@router.get("/scenarios", response=list[schemas.ScenarioOut])
def list_scenarios(request: HttpRequest) -> QuerySet[Scenario]:
    return selectors.scenarios(caller=caller_of(request))


def _media_type(request: HttpRequest) -> str:
    return (request.content_type or "").split(";")[0].strip().lower()


def _workbook_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


SCENARIO_DOCUMENT = {
    "responses": {
        200: {
            "description": "The scenario document, as JSON, as YAML (format=yaml) or as a workbook (format=xlsx).",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "application/yaml": {"schema": {"type": "string"}},
                XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}
WORKBOOK_ANSWER = {
    "responses": {200: {"description": "A workbook.", "content": {XLSX_TYPE: {"schema": {"type": "string"}}}}}
}
MSEL_BODY = {
    "requestBody": {
        "required": True,
        "description": "A workbook with an MSEL sheet (and optionally Expectations), or the MSEL sheet as text/csv.",
        "content": {
            XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


# Registered before /scenarios/{scenario_id}, which would otherwise take "template.xlsx" for an id.
@router.get(
    "/scenarios/template.xlsx",
    summary="A template workbook: every sheet, with example rows",
    openapi_extra=WORKBOOK_ANSWER,
)
def scenario_template(request: HttpRequest) -> HttpResponse:
    require_staff(caller_of(request))
    return _workbook_response(template_workbook(), "scenario-template.xlsx")


@router.post(
    "/scenarios/{scenario_id}/msel",
    response=schemas.ScenarioOut,
    summary="Replace the injects of a scenario no exercise has used (409 otherwise)",
    openapi_extra=MSEL_BODY,
)
def replace_scenario_msel(request: HttpRequest, scenario_id: int) -> Scenario:
    media_type = _media_type(request)
    if media_type == XLSX_TYPE:
        tables = read_workbook(request.body)
    elif media_type == "text/csv":
        tables = read_csv(request.body)
    else:
        raise Invalid(
            f"Send the MSEL as a workbook ({XLSX_TYPE}) or as text/csv.",
            [{"path": "", "message": f"the content type is '{media_type or 'none'}'"}],
        )
    return replace_msel(caller=caller_of(request), scenario_id=scenario_id, tables=tables)


@router.get(
    "/scenarios/{scenario_id}",
    summary="The scenario document; ?format=yaml for YAML, ?format=xlsx for a workbook",
    openapi_extra=SCENARIO_DOCUMENT,
)
def get_scenario(
    request: HttpRequest, scenario_id: int, format: Literal["json", "yaml", "xlsx"] = "json"
) -> HttpResponse:
    document = scenarios.scenario_document(caller=caller_of(request), scenario_id=scenario_id)
    if format == "xlsx":
        return _workbook_response(workbook_bytes(document), f"{document['key']}.xlsx")
    if format == "yaml":
        return HttpResponse(dump_yaml(document), content_type="application/yaml; charset=utf-8")
    return HttpResponse(dump_json(document), content_type="application/json")


@router.post("/exercises", response={201: schemas.ExerciseCreatedOut})
def create_exercise(request: HttpRequest, payload: schemas.ExerciseIn) -> Status[dict[str, Any]]:
    caller = caller_of(request)
    scenario = scenarios.get_scenario(payload.scenario_id)
    exercise = exercises.create_exercise(caller=caller, scenario=scenario, name=payload.name, speed=payload.speed)
    return Status(201, _created(exercise, caller))


def _created(exercise: Exercise, caller: Caller) -> dict[str, Any]:
    return {"id": exercise.pk, "status": exercise.status, "teams": selectors.team_rows(exercise, caller)}


@router.post(
    "/exercises/{exercise_id}/duplicate",
    response={201: schemas.ExerciseCreatedOut},
    summary="Copy an exercise into a new draft with new join codes",
)
def duplicate_exercise(request: HttpRequest, exercise_id: int) -> Status[dict[str, Any]]:
    caller = caller_of(request)
    exercise = exercises.duplicate_exercise(caller=caller, exercise_id=exercise_id)
    return Status(201, _created(exercise, caller))


@router.post(
    "/exercises/{exercise_id}/reset",
    response=schemas.ExerciseOut,
    summary="Put a draft back as its scenario made it (409 once started)",
)
def reset_exercise(request: HttpRequest, exercise_id: int) -> dict[str, Any]:
    caller = caller_of(request)
    exercise = exercises.reset_draft(caller=caller, exercise_id=exercise_id)
    return selectors.exercise_detail(caller=caller, exercise=exercise)


@router.get("/exercises", response=list[schemas.ExerciseOut])
def list_exercises(request: HttpRequest) -> list[dict[str, Any]]:
    caller = caller_of(request)
    # Each in the caller's role on it, as they would see it opened.
    return [
        selectors.exercise_detail(caller=staffing.caller_on(caller, e.pk), exercise=e)
        for e in selectors.exercises(caller=caller)
    ]


@router.get("/exercises/{exercise_id}", response=schemas.ExerciseOut)
def get_exercise(request: HttpRequest, exercise_id: int) -> dict[str, Any]:
    return selectors.exercise_detail(caller=caller_of(request), exercise=exercises.get_exercise(exercise_id))


def _transition(name: str) -> Callable[[HttpRequest, int], dict[str, Any]]:
    def change(request: HttpRequest, exercise_id: int) -> dict[str, Any]:
        exercise = exercises.change_status(caller=caller_of(request), exercise_id=exercise_id, transition=name)
        return {"status": exercise.status, "exercise_time": exercises.clock.exercise_time(exercise)}

    change.__name__ = f"{name}_exercise"
    return change


for _name in ("start", "pause", "resume", "end"):
    router.post(
        f"/exercises/{{exercise_id}}/{_name}", response=schemas.StatusOut, summary=f"{_name.title()} the exercise"
    )(_transition(_name))


@router.post("/exercises/{exercise_id}/speed", response=schemas.SpeedOut)
def change_speed(request: HttpRequest, exercise_id: int, payload: schemas.SpeedIn) -> dict[str, float]:
    exercise = exercises.set_speed(caller=caller_of(request), exercise_id=exercise_id, speed=payload.speed)
    return {"speed": exercise.speed}


@router.post("/exercises/{exercise_id}/injects/{key}/release", response=Envelope, summary="Release an inject now")
def release_inject(request: HttpRequest, exercise_id: int, key: str) -> dict[str, Any]:
    event = injects.release_now(caller=caller_of(request), exercise_id=exercise_id, key=key)
    return envelope(event, event.seq - 1)


@router.post("/exercises/{exercise_id}/injects/{key}/skip", response=Envelope, summary="Skip an inject, with a reason")
def skip_inject(request: HttpRequest, exercise_id: int, key: str, payload: schemas.SkipIn) -> dict[str, Any]:
    event = injects.skip(caller=caller_of(request), exercise_id=exercise_id, key=key, reason=payload.reason)
    return envelope(event, event.seq - 1)


@router.post("/exercises/{exercise_id}/injects", response={201: Envelope}, summary="Send an ad-hoc inject now")
def send_inject(request: HttpRequest, exercise_id: int, payload: schemas.AdhocInjectIn) -> Status[dict[str, Any]]:
    event = injects.send_adhoc(caller=caller_of(request), exercise_id=exercise_id, **payload.dict())
    return Status(201, envelope(event, event.seq - 1))


@router.post(
    "/exercises/{exercise_id}/hotline-outages",
    response={201: schemas.OutageOut},
    summary="Cut the line between two teams",
)
def cut_hotline(request: HttpRequest, exercise_id: int, payload: schemas.OutageIn) -> Status[dict[str, Any]]:
    done = hotlines.cut(caller=caller_of(request), exercise_id=exercise_id, teams=payload.teams)
    return Status(201, shapes.outage(done.obj) | {"seq": done.seq})


@router.post("/hotline-outages/{outage_id}/end", response=schemas.OutageOut, summary="Restore a cut line")
def restore_hotline(request: HttpRequest, outage_id: int) -> dict[str, Any]:
    done = hotlines.restore(caller=caller_of(request), outage_id=outage_id)
    return shapes.outage(done.obj) | {"seq": done.seq}


@router.post(
    "/joint-operations/{operation_id}/adjudicate", response=OperationOut, summary="Adjudicate a joint operation"
)
def adjudicate(request: HttpRequest, operation_id: int, payload: schemas.AdjudicationIn) -> dict[str, Any]:
    done = jointops.adjudicate(
        caller=caller_of(request),
        operation_id=operation_id,
        outcome=payload.outcome,
        narrative=payload.narrative,
        consequence=payload.consequence,
    )
    return shapes.operation(done.obj) | {"seq": done.seq}


@router.patch(
    "/exercises/{exercise_id}/injects/{key}",
    response=schemas.InjectStatusOut,
    summary="Edit a pending inject before it is released",
)
def edit_inject(request: HttpRequest, exercise_id: int, key: str, payload: schemas.InjectEditIn) -> dict[str, Any]:
    item = injects.edit(caller=caller_of(request), exercise_id=exercise_id, key=key, **payload.dict())
    return {"key": item.key, "title": item.title, "status": item.status, "due_at": item.due_at}
