"""A team's national brief over the API: a player reads their own team's, staff any team's."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from exercise import briefs, exercises
from exercise.roles import caller_of
from gateway.schemas import Brief

router = Router(tags=["team commands"])


@router.get(
    "/exercises/{exercise_id}/brief",
    response=Brief,
    summary="A team's national brief",
    description="A player reads their own team's brief (naming another team answers 403). Staff name the "
    "team with `?team=KEY` (400 without it, 404 for a key the exercise does not have).",
)
def brief(request: HttpRequest, exercise_id: int, team: str | None = None) -> dict[str, Any]:
    return briefs.brief(caller=caller_of(request), exercise=exercises.get_exercise(exercise_id), team=team)
