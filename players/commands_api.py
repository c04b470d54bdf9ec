"""Team commands of the API: the caller acts for their own team (API.md "Team commands")."""

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.db.models import Model
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from exercise import actions, dialogues, hotlines, jointops, reports, shapes
from exercise.commands import Done
from exercise.models import Action, Dialogue, Hotline, JointOperation, Message, Report, Statement
from exercise.roles import caller_of
from gateway.ratelimits import throttle_player
from gateway.schemas import OperationOut
from players.schemas import (
    ActionOut,
    DialogueOut,
    HotlineOut,
    MessageOut,
    ReportOut,
    StatementOut,
)

# by_alias: answers name the calling team `from`, a Python keyword.
router = Router(tags=["team commands"], by_alias=True)

P = ParamSpec("P")
M = TypeVar("M", bound=Model)
T = TypeVar("T")
# An operation's function: the request, then the operation's own parameters.
Handler = Callable[Concatenate[HttpRequest, P], T]
Answer = Status[dict[str, Any]]


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


class EndorseIn(Command):
    reservation: str | None = Field(None, description="kept with the endorsement, printed with the adopted statement")
    version: int | None = Field(None, description="the version read; an amended text since is refused (409)")


class ReportIn(Command):
    inject: str
    text: str


def command(
    shape: Callable[[M], dict[str, Any]], status: int = 200
) -> Callable[[Handler[P, Done[M]]], Handler[P, Answer]]:
    """A team command's handler: throttled per player, answering the object and its seq."""

    def decorate(handler: Handler[P, Done[M]]) -> Handler[P, Answer]:
        @wraps(handler)
        def run(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> Answer:
            throttle_player(request)
            done = handler(request, *args, **kwargs)
            return Status(status, done.answer or shape(done.obj) | {"seq": done.seq})

        return run

    return decorate


@router.post("/exercises/{exercise_id}/hotlines", response={201: HotlineOut}, summary="Request a hotline call")
@command(shapes.hotline, 201)
def request_call(request: HttpRequest, exercise_id: int, payload: CallIn) -> Done[Hotline]:
    return hotlines.request_call(
        caller=caller_of(request), exercise_id=exercise_id, to=payload.to, client_id=payload.client_id
    )


def _answer(accept: bool) -> Callable[[HttpRequest, int], Answer]:
    @command(shapes.hotline)
    def answer(request: HttpRequest, hotline_id: int) -> Done[Hotline]:
        return hotlines.answer_call(caller=caller_of(request), hotline_id=hotline_id, accept=accept)

    return answer


router.post("/hotlines/{hotline_id}/accept", response=HotlineOut, summary="Accept a call", operation_id="accept_call")(
    _answer(True)
)
router.post(
    "/hotlines/{hotline_id}/decline", response=HotlineOut, summary="Decline a call", operation_id="decline_call"
)(_answer(False))


@router.post("/hotlines/{hotline_id}/close", response=HotlineOut, summary="Close a call")
@command(shapes.hotline)
def close_call(request: HttpRequest, hotline_id: int) -> Done[Hotline]:
    return hotlines.close_call(caller=caller_of(request), hotline_id=hotline_id)


@router.post("/hotlines/{hotline_id}/messages", response={201: MessageOut}, summary="Send a message on a hotline")
@command(shapes.message, 201)
def hotline_message(request: HttpRequest, hotline_id: int, payload: TextIn) -> Done[Message]:
    return hotlines.send_message(
        caller=caller_of(request), hotline_id=hotline_id, text=payload.text, client_id=payload.client_id
    )


@router.post("/exercises/{exercise_id}/dialogues", response={201: DialogueOut}, summary="Convene a dialogue")
@command(shapes.dialogue, 201)
def convene(request: HttpRequest, exercise_id: int, payload: DialogueIn) -> Done[Dialogue]:
    return dialogues.convene(
        caller=caller_of(request),
        exercise_id=exercise_id,
        title=payload.title,
        invite=payload.invite,
        client_id=payload.client_id,
    )


@router.post("/dialogues/{dialogue_id}/messages", response={201: MessageOut}, summary="Speak in a dialogue")
@command(shapes.message, 201)
def dialogue_message(request: HttpRequest, dialogue_id: int, payload: TextIn) -> Done[Message]:
    return dialogues.send_message(
        caller=caller_of(request), dialogue_id=dialogue_id, text=payload.text, client_id=payload.client_id
    )


@router.post("/dialogues/{dialogue_id}/statements", response={201: StatementOut}, summary="Propose a statement")
@command(shapes.statement, 201)
def propose_statement(request: HttpRequest, dialogue_id: int, payload: TextIn) -> Done[Statement]:
    return dialogues.propose(
        caller=caller_of(request), dialogue_id=dialogue_id, text=payload.text, client_id=payload.client_id
    )


@router.post("/statements/{statement_id}/endorse", response=StatementOut, summary="Endorse a statement")
@command(shapes.statement)
def endorse(request: HttpRequest, statement_id: int, payload: EndorseIn | None = None) -> Done[Statement]:
    # The body is optional: a bare endorsement sends none.
    given = payload.dict() if payload else {}
    return dialogues.endorse(
        caller=caller_of(request),
        statement_id=statement_id,
        reservation=given.get("reservation"),
        version=given.get("version"),
        client_id=given.get("client_id"),
    )


@router.post("/statements/{statement_id}/amend", response=StatementOut, summary="Amend a statement")
@command(shapes.statement)
def amend(request: HttpRequest, statement_id: int, payload: TextIn) -> Done[Statement]:
    return dialogues.amend(
        caller=caller_of(request), statement_id=statement_id, text=payload.text, client_id=payload.client_id
    )


@router.post(
    "/exercises/{exercise_id}/joint-operations", response={201: OperationOut}, summary="Propose a joint operation"
)
@command(shapes.operation, 201)
def propose_operation(request: HttpRequest, exercise_id: int, payload: OperationIn) -> Done[JointOperation]:
    return jointops.propose(
        caller=caller_of(request),
        exercise_id=exercise_id,
        kind=payload.kind,
        partners=payload.partners,
        objective=payload.objective,
        client_id=payload.client_id,
    )


def _answer_operation(accept: bool) -> Callable[[HttpRequest, int], Answer]:
    @command(shapes.operation)
    def answer(request: HttpRequest, operation_id: int) -> Done[JointOperation]:
        return jointops.answer(caller=caller_of(request), operation_id=operation_id, accept=accept)

    return answer


router.post(
    "/joint-operations/{operation_id}/accept",
    response=OperationOut,
    summary="Join a joint operation",
    operation_id="accept_operation",
)(_answer_operation(True))
router.post(
    "/joint-operations/{operation_id}/decline",
    response=OperationOut,
    summary="Decline a joint operation",
    operation_id="decline_operation",
)(_answer_operation(False))


@router.post("/exercises/{exercise_id}/actions", response={201: ActionOut}, summary="Take an action on the ladder")
@command(shapes.action, 201)
def take_action(request: HttpRequest, exercise_id: int, payload: ActionIn) -> Done[Action]:
    return actions.take(
        caller=caller_of(request),
        exercise_id=exercise_id,
        kind=payload.kind,
        text=payload.text,
        client_id=payload.client_id,
    )


@router.post("/exercises/{exercise_id}/reports", response={201: ReportOut}, summary="Submit a situation report")
@command(shapes.report, 201)
def submit_report(request: HttpRequest, exercise_id: int, payload: ReportIn) -> Done[Report]:
    return reports.submit(
        caller=caller_of(request),
        exercise_id=exercise_id,
        inject=payload.inject,
        text=payload.text,
        client_id=payload.client_id,
    )
