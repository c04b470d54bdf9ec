"""Request and response shapes of the facilitator's part of the API."""

from ninja import Field, Schema


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
    speed: float = Field(1.0, ge=0.1, le=120)


class SpeedIn(Schema):
    speed: float = Field(ge=0.1, le=120)


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
