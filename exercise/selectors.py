"""Reads: what a caller may see of scenarios and exercises."""

from typing import Any

from django.db.models import QuerySet

from exercise import briefs, clock, staffing
from exercise.durations import format_duration
from exercise.envelopes import visible_after
from exercise.models import Exercise, Expectation, Inject, Persona, Scenario
from exercise.roles import Caller, Role, require_in_exercise, require_staff
from exercise.scenarios import scenario_spec
from exercise.scoring import scoreboard
from exercise.scoring.explanations import plan_words
from exercise.steps import LADDER


def scenarios(*, caller: Caller) -> QuerySet[Scenario]:
    require_staff(caller)
    return Scenario.objects.order_by("title", "id")


def exercises(*, caller: Caller) -> QuerySet[Exercise]:
    """The exercises the staff caller is assigned to; no other exists for them."""
    return staffing.assigned_exercises(caller)


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
    """The static frame of the facilitator console: what is not an event. Everything the
    events say (statuses, notes, outages, the queue, the feed) the page draws from them."""
    require_staff(caller)
    return {
        "objectives": list(exercise.scenario.objectives.all()),
        "plan": inject_plan(exercise),
        # The scripted injects, for the edit forms and the consequence choices; the page
        # removes each one when its release or skip arrives.
        "scripted": list(exercise.injects.filter(inject__isnull=False).select_related("inject")),
        "ladder": LADDER,
        # Staff read every team's national brief; no team reads another's.
        "briefs": briefs.every_brief(caller=caller, exercise=exercise),
    }


def control_cell(*, caller: Caller, exercise: Exercise) -> dict[str, Any]:
    """The frame of the control cell's panels: the personas it writes as, and the news
    wire's scripted items (each marked published when its event arrives)."""
    require_staff(caller)
    personas = list(Persona.objects.filter(scenario=exercise.scenario_id))
    names = {p.key: p.name for p in personas}
    return {
        "personas": [{"key": p.key, "name": p.name, "role": p.role} for p in personas],
        "media_plan": [
            {"key": m.key, "at": m.at, "outlet": names.get(m.persona, m.persona), "headline": m.headline}
            for m in exercise.scenario.media.all()
        ],
    }


def inject_plan(exercise: Exercise) -> list[dict[str, Any]]:
    """The inject timeline as the scenario plans it: each inject's due time (or trigger),
    who receives it and what it expects. Whether it went out, when, and to whom an ad-hoc
    one went, the page reads from the log."""
    items = exercise.injects.select_related("inject").prefetch_related("inject__expectations")
    every_team = [team.key for team in exercise.teams.all()]
    plan = []
    for item in items:
        inject = item.inject
        plan.append(
            {
                "key": item.key,
                "title": item.title,
                "due_at": item.due_at,
                "to": [] if inject is None else (every_team if inject.to_all else list(inject.to)),
                "trigger": _trigger_words(inject) if inject is not None and inject.trigger else "",
                "expectations": [_expectation_words(e) for e in inject.expectations.all()] if inject else [],
            }
        )
    return plan


def _trigger_words(inject: Inject) -> str:
    fired = {"after": f"after {inject.trigger_ref}", "met": f"when {inject.trigger_ref} is met"}
    words = fired.get(inject.trigger, f"when {inject.trigger_ref} is missed")
    return f"{words} + {format_duration(inject.trigger_delay)}" if inject.trigger_delay else words


def _expectation_words(expectation: Expectation) -> str:
    fields = ("key", "mode", "teams", "event", "restraint", "where", "within", "points")
    return plan_words({name: getattr(expectation, name) for name in fields})
