"""Answer shapes more than one surface gives: what every answer's schema is built on, the
event envelope (the same over HTTP and the socket), a joint operation (answered to its
teams and to the facilitator who adjudicates it) and a national brief (to its team and
in the review)."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

# A JSON number kept as the service computed it: validating into `float` would turn an
# integer such as a mean of whole rungs into 2.0, and change the answer's text.
Number = Annotated[int | float, WithJsonSchema({"type": "number"})]


class Out(BaseModel):
    """The shape of an answer the services build as a dict.

    A pydantic model rather than ninja's Schema, whose validator reads every value of
    every object through a Python getter (made for ORM objects): pydantic reads a dict
    itself, several times faster, which counts on a list of thousands of events. Fields a
    service adds that the schema does not name yet are kept in the answer, never dropped;
    tests/api/test_output_schemas.py finds them so that they get documented.
    """

    model_config = ConfigDict(extra="allow")


class TeamActor(Out):
    team: str
    player: str


class StaffActor(Out):
    user: str
    role: str


class SystemActor(Out):
    system: Literal[True] = Field(description="the clock or the expectation engine")


# The actor and the data of an event are answered as the log holds them, unchecked, and
# documented by their JSON Schema: checking them again for each of thousands of events
# would double the cost of a long answer (the events, the review's timeline).
Actor = Annotated[
    Any,
    WithJsonSchema(
        {
            "type": "object",
            "description": "who acted: a team's player, a staff user, or the system",
            "oneOf": [model.model_json_schema() for model in (TeamActor, StaffActor, SystemActor)],
        }
    ),
]
EventData = Annotated[
    Any,
    WithJsonSchema({"type": "object", "description": "the kind's data: GET /api/v1/event-kinds has its JSON Schema"}),
]


class Envelope(Out):
    seq: int
    prev: int = Field(description="the seq of the previous event visible to the same recipient, 0 for the first")
    kind: str
    at: str = Field(description="ISO 8601, UTC")
    exercise_time: Number
    actor: Actor
    data: EventData
    summary: str = Field(description="the sentence the event reads as, the same in the feed and the review")


class OperationOut(Out):
    id: int
    kind: str
    proposer: str
    partners: list[str]
    answers: dict[str, str | None] = Field(description="each partner's answer: accepted, declined, or none yet")
    objective: str
    status: str
    outcome: str | None
    narrative: str | None
    seq: int


class BriefObjective(Out):
    key: str
    text: str


class Brief(Out):
    """A team's national brief: to the team itself and to staff, never to another team. A
    team without one gets this shape with empty values."""

    team: str = Field(description="the team's key")
    summary: str = Field(description="Markdown: the situation as the team's government sees it")
    interests: list[str]
    red_lines: list[str]
    objectives: list[BriefObjective] = Field(description="the national objectives")
