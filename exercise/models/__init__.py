"""Database models of the exercise domain, one module per concept."""

from exercise.models.access import ApiToken
from exercise.models.events import Event
from exercise.models.runs import Exercise, ExerciseInject, Player, Team
from exercise.models.scenarios import Expectation, Inject, Objective, Scenario, ScenarioTeam

__all__ = [
    "ApiToken",
    "Event",
    "Exercise",
    "ExerciseInject",
    "Expectation",
    "Inject",
    "Objective",
    "Player",
    "Scenario",
    "ScenarioTeam",
    "Team",
]
