"""Reads: what a caller may see of scenarios and exercises."""

from typing import Any

from django.db.models import QuerySet

from exercise import clock
from exercise.models import Exercise, Scenario
from exercise.roles import Caller, Role, require_in_exercise, require_staff


def scenarios(*, caller: Caller) -> QuerySet[Scenario]:
    require_staff(caller)
    return Scenario.objects.order_by("title", "id")


def exercises(*, caller: Caller) -> QuerySet[Exercise]:
    require_staff(caller)
    return Exercise.objects.select_related("scenario").order_by("-created_at", "-id")


def team_rows(exercise: Exercise, caller: Caller) -> list[dict[str, Any]]:
    """Teams of an exercise; join codes only for facilitators, who hand them out."""
    show_codes = caller.role == Role.FACILITATOR
    return [
        {"id": t.pk, "key": t.key, "name": t.name, "join_code": t.join_code if show_codes else None}
        for t in exercise.teams.all()
    ]


def exercise_detail(*, caller: Caller, exercise: Exercise) -> dict[str, Any]:
    require_staff(caller)
    require_in_exercise(caller, exercise)
    return {
        "id": exercise.pk,
        "name": exercise.name,
        "scenario_id": exercise.scenario_id,
        "status": exercise.status,
        "speed": exercise.speed,
        "exercise_time": clock.exercise_time(exercise),
        "teams": team_rows(exercise, caller),
        "injects": [
            {"key": i.key, "title": i.title, "status": i.status, "due_at": i.due_at} for i in exercise.injects.all()
        ],
    }
