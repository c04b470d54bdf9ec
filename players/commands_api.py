"""Team commands of the API: the caller acts for their own team (API.md "Team commands")."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from exercise import actions, dialogues, hotlines, jointops, reports, shapes
from exercise.commands import Done
from gateway.ratelimits import throttle_player

router = Router(tags=["team commands"])


class Command(Schema):
    client_id: str | None = Field(None, max_length=100)


class CallIn(Command):
    to: str


class TextIn(Command):
    text: str


class DialogueIn(Command):
    title: str
    invite: list[str]


class OperationIn(Command):
    kind: str
    partners: list[str]
    objective: str


class ActionIn(Command):
    kind: str
    text: str = ""


class ReportIn(Command):
    inject: str
    text: str


def command(shape: Callable, status: int = 200):  # type: ignore[no-untyped-def,type-arg]
    """A team command's handler: throttled per player, answering the object and its seq."""

    def decorate(handler: Callable[..., Done]):  # type: ignore[no-untyped-def]
        @wraps(handler)
        def run(request: HttpRequest, *args, **kwargs):  # type: ignore[no-untyped-def]
            throttle_player(request)
            done = handler(request, *args, **kwargs)
            return Status(status, done.answer or shape(done.obj) | {"seq": done.seq})

        return run

    return decorate


@router.post("/exercises/{exercise_id}/hotlines", response={201: dict}, summary="Request a hotline call")
@command(shapes.hotline, 201)
def request_call(request: HttpRequest, exercise_id: int, payload: CallIn) -> Done:
    return hotlines.request_call(
        caller=request.auth, exercise_id=exercise_id, to=payload.to, client_id=payload.client_id
    )


def _answer(accept: bool):  # type: ignore[no-untyped-def]
    @command(shapes.hotline)
    def answer(request: HttpRequest, hotline_id: int) -> Done:
        return hotlines.answer_call(caller=request.auth, hotline_id=hotline_id, accept=accept)

    return answer


router.post("/hotlines/{hotline_id}/accept", response=dict, summary="Accept a call", operation_id="accept_call")(
    _answer(True)
)
router.post("/hotlines/{hotline_id}/decline", response=dict, summary="Decline a call", operation_id="decline_call")(
    _answer(False)
)


@router.post("/hotlines/{hotline_id}/close", response=dict, summary="Close a call")
@command(shapes.hotline)
def close_call(request: HttpRequest, hotline_id: int) -> Done:
    return hotlines.close_call(caller=request.auth, hotline_id=hotline_id)


@router.post("/hotlines/{hotline_id}/messages", response={201: dict}, summary="Send a message on a hotline")
@command(shapes.message, 201)
def hotline_message(request: HttpRequest, hotline_id: int, payload: TextIn) -> Done:
    return hotlines.send_message(
        caller=request.auth, hotline_id=hotline_id, text=payload.text, client_id=payload.client_id
    )


@router.post("/exercises/{exercise_id}/dialogues", response={201: dict}, summary="Convene a dialogue")
@command(shapes.dialogue, 201)
def convene(request: HttpRequest, exercise_id: int, payload: DialogueIn) -> Done:
    return dialogues.convene(
        caller=request.auth,
        exercise_id=exercise_id,
        title=payload.title,
        invite=payload.invite,
        client_id=payload.client_id,
    )


@router.post("/dialogues/{dialogue_id}/messages", response={201: dict}, summary="Speak in a dialogue")
@command(shapes.message, 201)
def dialogue_message(request: HttpRequest, dialogue_id: int, payload: TextIn) -> Done:
    return dialogues.send_message(
        caller=request.auth, dialogue_id=dialogue_id, text=payload.text, client_id=payload.client_id
    )


@router.post("/dialogues/{dialogue_id}/statements", response={201: dict}, summary="Propose a statement")
@command(shapes.statement, 201)
def propose_statement(request: HttpRequest, dialogue_id: int, payload: TextIn) -> Done:
    return dialogues.propose(
        caller=request.auth, dialogue_id=dialogue_id, text=payload.text, client_id=payload.client_id
    )


@router.post("/statements/{statement_id}/endorse", response=dict, summary="Endorse a statement")
@command(shapes.statement)
def endorse(request: HttpRequest, statement_id: int) -> Done:
    return dialogues.endorse(caller=request.auth, statement_id=statement_id)


@router.post("/exercises/{exercise_id}/joint-operations", response={201: dict}, summary="Propose a joint operation")
@command(shapes.operation, 201)
def propose_operation(request: HttpRequest, exercise_id: int, payload: OperationIn) -> Done:
    return jointops.propose(
        caller=request.auth,
        exercise_id=exercise_id,
        kind=payload.kind,
        partners=payload.partners,
        objective=payload.objective,
        client_id=payload.client_id,
    )


def _answer_operation(accept: bool):  # type: ignore[no-untyped-def]
    @command(shapes.operation)
    def answer(request: HttpRequest, operation_id: int) -> Done:
        return jointops.answer(caller=request.auth, operation_id=operation_id, accept=accept)

    return answer


router.post(
    "/joint-operations/{operation_id}/accept",
    response=dict,
    summary="Join a joint operation",
    operation_id="accept_operation",
)(_answer_operation(True))
router.post(
    "/joint-operations/{operation_id}/decline",
    response=dict,
    summary="Decline a joint operation",
    operation_id="decline_operation",
)(_answer_operation(False))


@router.post("/exercises/{exercise_id}/actions", response={201: dict}, summary="Take an action on the ladder")
@command(shapes.action, 201)
def take_action(request: HttpRequest, exercise_id: int, payload: ActionIn) -> Done:
    return actions.take(
        caller=request.auth, exercise_id=exercise_id, kind=payload.kind, text=payload.text, client_id=payload.client_id
    )


@router.post("/exercises/{exercise_id}/reports", response={201: dict}, summary="Submit a situation report")
@command(shapes.report, 201)
def submit_report(request: HttpRequest, exercise_id: int, payload: ReportIn) -> Done:
    return reports.submit(
        caller=request.auth,
        exercise_id=exercise_id,
        inject=payload.inject,
        text=payload.text,
        client_id=payload.client_id,
    )
