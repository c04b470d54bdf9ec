"""Reads: what a caller may see of scenarios and exercises."""

from typing import Any

from django.db.models import QuerySet

from exercise import clock, shapes
from exercise.envelopes import visible_after
from exercise.models import Event, Exercise, ExerciseInject, HotlineOutage, JointOperation, Scenario
from exercise.roles import Caller, Role, require_in_exercise, require_staff
from exercise.scenarios import scenario_spec
from exercise.scoring import scoreboard


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


def staff_events(exercise: Exercise) -> list[dict[str, Any]]:
    """Every event of the exercise as envelopes, in seq order."""
    return list(visible_after(exercise, None, 0))


def scores(*, caller: Caller, exercise: Exercise) -> dict[str, Any]:
    """The live scoreboard; players never see it while the exercise runs."""
    require_staff(caller)
    teams = [{"key": t.key, "name": t.name} for t in exercise.teams.all()]
    return scoreboard(scenario_spec(exercise.scenario), teams, staff_events(exercise))


def control_room(*, caller: Caller, exercise: Exercise) -> dict[str, Any]:
    """What the facilitator console draws on load; the socket keeps it current after."""
    require_staff(caller)
    recent_notes = Event.objects.filter(exercise=exercise, kind="note.added").order_by("-seq")[:50]
    return {
        "teams": list(exercise.teams.all()),
        "objectives": list(exercise.scenario.objectives.all()),
        "awaiting": [
            shapes.operation_state(op)
            for op in JointOperation.objects.filter(
                exercise=exercise, status=JointOperation.Status.AWAITING_ADJUDICATION
            ).select_related("proposer")
        ],
        "outages": [
            {"id": o.pk, "teams": [o.team_a.key, o.team_b.key]}
            for o in HotlineOutage.objects.filter(exercise=exercise, ended_at__isnull=True).select_related(
                "team_a", "team_b"
            )
        ],
        "pending": list(exercise.injects.filter(status=ExerciseInject.Status.PENDING, inject__isnull=False)),
        "notes": [{"seq": e.seq, "time": e.exercise_time, **e.data} for e in recent_notes],
    }
