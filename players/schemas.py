"""Request and response shapes of the players' part of the API."""

from ninja import Field, Schema


class JoinIn(Schema):
    code: str = Field(max_length=64)
    name: str = Field(max_length=200)


class JoinOut(Schema):
    token: str
    exercise_id: int
    team_id: int
    player_id: int
