"""The control cell's endpoints: its threads with the teams (the facilitator writes as a
persona; a team answers on the same path, with its player token) and the news wire."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from exercise import cell, shapes, wire
from exercise.roles import caller_of
from gateway.ratelimits import throttle_player
from gateway.schemas import Out

# by_alias: a message names its writer `from`, a Python keyword.
router = Router(tags=["control cell"], by_alias=True)


class CellMessageIn(Schema):
    text: str
    persona: str | None = Field(
        None, description="Staff: the persona the cell writes as (required). A team: the persona it answers (optional)."
    )
    to: list[str] | None = Field(None, description="Staff: the team keys to write to (required). A team leaves it out.")
    client_id: str | None = Field(None, max_length=100)


class CellMessageOut(Out):
    id: int
    persona: str | None
    from_: str = Field(alias="from", description='"cell", or the key of the team that wrote')
    to: list[str] = Field(description="the teams whose threads the message is in")
    author: str
    text: str
    seq: int


class MediaIn(Schema):
    persona: str = Field(description="the persona that publishes it: the outlet")
    headline: str
    body: str = Field("", description="Markdown")
    to: list[str] | str = Field("all", description='team keys, or "all"')
    client_id: str | None = Field(None, max_length=100)


class MediaOut(Out):
    id: int
    key: str
    persona: str
    headline: str
    body: str
    to: list[str]
    source: str = Field(description="scenario, cell or team")
    seq: int


@router.post(
    "/exercises/{exercise_id}/cell-messages",
    response={201: CellMessageOut},
    summary="Write in a thread with the control cell: as a persona (facilitator), or to the cell (player)",
)
def write_cell_message(request: HttpRequest, exercise_id: int, payload: CellMessageIn) -> Status[dict[str, Any]]:
    throttle_player(request)
    done = cell.write(
        caller=caller_of(request),
        exercise_id=exercise_id,
        text=payload.text,
        persona=payload.persona,
        to=payload.to,
        client_id=payload.client_id,
    )
    return Status(201, done.answer or shapes.cell_message(done.obj) | {"seq": done.seq})


@router.post("/exercises/{exercise_id}/media", response={201: MediaOut}, summary="Publish a news-wire item now")
def publish_media(request: HttpRequest, exercise_id: int, payload: MediaIn) -> Status[dict[str, Any]]:
    done = wire.publish_on_the_spot(
        caller=caller_of(request),
        exercise_id=exercise_id,
        persona=payload.persona,
        headline=payload.headline,
        body=payload.body,
        to=payload.to,
        client_id=payload.client_id,
    )
    return Status(201, done.answer or shapes.media(done.obj) | {"seq": done.seq})
