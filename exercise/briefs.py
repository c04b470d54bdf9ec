"""Reads of the national briefs: a team reads its own brief, never another's; staff read
every team's. (The scenario's read-ahead, unlike a brief, is every team's.)"""

from typing import Any

from exercise.errors import Invalid, NotAllowed, NotFound
from exercise.models import Exercise, ScenarioTeam
from exercise.roles import Caller, require_in_exercise, require_staff
from exercise.scenario_briefs import brief_shape
from exercise.scenarios import team_brief


def _brief(scenario_team: ScenarioTeam) -> dict[str, Any]:
    return brief_shape(scenario_team.key, team_brief(scenario_team))


def brief(*, caller: Caller, exercise: Exercise, team: str | None = None) -> dict[str, Any]:
    """A player gets their own team's brief (naming another team is refused); staff name
    the team whose brief they read."""
    require_in_exercise(caller, exercise)
    if caller.player is not None:
        own = caller.player.team.key
        if team not in (None, own):
            raise NotAllowed("A team reads its own brief only.", [{"path": "team", "message": f"must be {own}"}])
        team = own
    else:
        require_staff(caller)
        if team is None:
            raise Invalid(
                "Name the team whose brief to read, as ?team=KEY.",
                [{"path": "team", "message": "is required for staff: one of the exercise's team keys"}],
            )
    found = exercise.scenario.teams.filter(key=team).prefetch_related("national_objectives").first()
    if found is None:
        raise NotFound(f"No team '{team}' in this exercise.", [{"path": "team", "message": "unknown team key"}])
    return _brief(found)


def own_brief(*, caller: Caller, exercise: Exercise) -> dict[str, Any]:
    """The calling player's team's brief, for its console and debrief."""
    return brief(caller=caller, exercise=exercise)


def every_brief(*, caller: Caller, exercise: Exercise) -> list[dict[str, Any]]:
    """Every team's brief, in the scenario's order: for the staff's control room."""
    require_staff(caller)
    return [_brief(t) for t in exercise.scenario.teams.prefetch_related("national_objectives")]
