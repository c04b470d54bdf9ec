"""Request and response shapes of the facilitator's part of the API."""

from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator

from gateway.schemas import Out


def _json_number(value: Any) -> Any:
    # pydantic would read "2" and true as 2.0 and 1.0; a speed must be written as a number.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number")
    return value


# The range (0.1 to 120) is checked by the service, which every caller goes through.
Speed = Annotated[float, BeforeValidator(_json_number)]


class TokenIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=1024)


class TokenOut(Schema):
    token: str
    role: str


class ScenarioOut(Schema):
    id: int
    key: str
    title: str


class ExerciseIn(Schema):
    scenario_id: int
    name: str = Field(min_length=1, max_length=200)
    speed: Speed = 1.0


class SpeedIn(Schema):
    speed: Speed


class SpeedOut(Schema):
    speed: float


class TeamOut(Schema):
    id: int
    key: str
    name: str
    join_code: str | None = None


class InjectStatusOut(Schema):
    key: str
    title: str
    status: str
    due_at: float | None


class ExerciseCreatedOut(Schema):
    id: int
    status: str
    teams: list[TeamOut]


class ExerciseOut(Schema):
    id: int
    name: str
    scenario_id: int
    status: str
    speed: float
    exercise_time: float
    teams: list[TeamOut]
    injects: list[InjectStatusOut]


class StatusOut(Schema):
    status: str
    exercise_time: float


class SkipIn(Schema):
    reason: str = Field(max_length=2000)


class AdhocInjectIn(Schema):
    title: str = Field(max_length=200)
    body: str = Field("", max_length=20_000)
    kind: str = "other"
    severity: str = "medium"
    to: list[str] | str = "all"


class OutageIn(Schema):
    teams: list[str]


class AdjudicationIn(Schema):
    outcome: str
    narrative: str
    consequence: str | None = Field(None, description="Key of a pending inject to release as the consequence.")


class InjectEditIn(Schema):
    title: str = Field(max_length=200)
    body: str = Field("", max_length=20_000)
    severity: str


class OutageOut(Out):
    id: int
    teams: list[str]
    active: bool
    seq: int
