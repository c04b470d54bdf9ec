"""The events endpoint (the same envelopes as the socket, for catching up over HTTP) and
the catalogue of event kinds."""

from typing import Any

from django.http import HttpRequest
from ninja import Field as SchemaField
from ninja import Query, Router, Schema, Status

from exercise import catalogue
from exercise.commands import LARGEST_ID
from exercise.envelopes import visible_after
from exercise.exercises import get_exercise
from exercise.roles import caller_of, require_in_exercise
from gateway.auth import BearerToken, bearer_token
from gateway.schemas import Envelope
from realtime import tickets

router = Router(tags=["events"])


class EventsQuery(Schema):
    after: int = SchemaField(0, ge=0, le=LARGEST_ID)
    before: int | None = SchemaField(
        None, ge=1, le=LARGEST_ID, description="Only events with a smaller seq (to page backwards)."
    )
    limit: int | None = SchemaField(None, ge=1, le=100_000)


@router.get(
    "/exercises/{exercise_id}/events",
    response=list[Envelope],
    summary="Events visible to the caller after a seq, ascending",
)
def list_events(request: HttpRequest, exercise_id: int, query: Query[EventsQuery]) -> list[dict[str, Any]]:
    caller = caller_of(request)
    exercise = get_exercise(exercise_id)
    require_in_exercise(caller, exercise)
    team = None if caller.is_staff else caller.team
    return list(visible_after(exercise, team, query.after, before=query.before, limit=query.limit))


class TicketOut(Schema):
    ticket: str = SchemaField(description="for the socket's URL: `/ws/exercises/{id}/?ticket=TICKET&after=SEQ`")
    expires_in: int = SchemaField(description="seconds it may wait before use; it serves once")


@router.post(
    "/exercises/{exercise_id}/socket-tickets",
    auth=BearerToken(),
    response={201: TicketOut},
    summary="A single-use ticket that opens the exercise's socket without the token in its URL",
)
def create_socket_ticket(request: HttpRequest, exercise_id: int) -> Status[dict[str, Any]]:
    caller = caller_of(request)
    require_in_exercise(caller, get_exercise(exercise_id))
    ticket = tickets.issue(bearer_token(request), exercise_id)
    return Status(201, {"ticket": ticket, "expires_in": tickets.LIFETIME_SECONDS})


class EventKind(Schema):
    kind: str
    audience: str = SchemaField(description="who sees events of this kind")
    schema_: dict[str, Any] = SchemaField(alias="schema", description="JSON Schema of the event's `data`")
    consoles: list[str] = SchemaField(description="the consoles that draw it: team, room")


@router.get(
    "/event-kinds",
    auth=None,
    response=list[EventKind],
    by_alias=True,
    summary="Every kind of event the log holds, with the JSON Schema of its data",
)
def event_kinds(request: HttpRequest) -> list[dict[str, Any]]:
    return catalogue.listing()
