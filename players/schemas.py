"""Request and response shapes of the players' part of the API."""

from ninja import Field, Schema

from gateway.schemas import Out


class JoinIn(Schema):
    code: str = Field(max_length=64)
    name: str = Field(max_length=200)


class JoinOut(Schema):
    token: str
    exercise_id: int
    team_id: int
    player_id: int


# The answers of team commands: the object made or changed, and the seq of its event
# (API.md "Team commands"). Each declares `seq` last, where the answer has it.


class HotlineOut(Out):
    id: int
    from_: str = Field(alias="from", description="the team that called")
    to: str = Field(description="the team called")
    status: str
    seq: int


class MessageOut(Out):
    id: int
    hotline: int | None
    dialogue: int | None
    from_: str | None = Field(alias="from", description="the speaking team; none for the facilitator")
    author: str
    text: str
    seq: int


class DialogueOut(Out):
    id: int
    title: str
    convener: str | None
    participants: list[str]
    seq: int


class StatementOut(Out):
    id: int
    dialogue: int
    text: str
    proposer: str | None
    endorsed_by: list[str]
    adopted: bool
    version: int
    reservations: dict[str, str]
    seq: int


class ActionOut(Out):
    id: int
    team: str
    kind: str
    text: str
    escalation: int = Field(description="the team's rung on the escalation ladder after the action")
    seq: int


class ReportOut(Out):
    id: int
    inject: str
    team: str
    text: str
    seq: int
