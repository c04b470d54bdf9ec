"""Player endpoints of the API: joining a team with its code."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from exercise import access
from exercise.errors import NotFound
from gateway.ratelimits import count_failure, refuse_if_failing
from players import schemas

router = Router(tags=["players"])


@router.post("/join", auth=None, response=schemas.JoinOut, summary="Join a team with its code")
def join(request: HttpRequest, payload: schemas.JoinIn) -> dict[str, Any]:
    refuse_if_failing(request, "join")
    try:
        player, token = access.join_team(code=payload.code, name=payload.name)
    except NotFound:
        count_failure(request, "join")
        raise
    team = player.team
    return {"token": token, "exercise_id": team.exercise_id, "team_id": team.pk, "player_id": player.pk}
