"""Facilitator pages: the exercise library and each exercise's control page.

Both are frames: their controls are forms that post to the JSON API (static/js/commands.js),
and what the events say is drawn in the browser (static/js/drawings.js).
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from exercise import catalogue, clock, exercises, scenario_map, selectors
from exercise.errors import DomainError
from exercise.models import Rating
from exercise.models.scenarios import INJECT_KINDS, SEVERITIES
from exercise.roles import Role
from facilitator import room
from facilitator.access import staff_page
from gateway.svg_response import sandboxed, svg_response


@staff_page
def home(request: HttpRequest) -> HttpResponse:
    caller = request.caller  # type: ignore[attr-defined]
    context = {
        "scenarios": selectors.scenarios(caller=caller).prefetch_related("teams", "injects"),
        "exercises": selectors.exercises(caller=caller),
        "can_control": caller.role == Role.FACILITATOR,
    }
    return render(request, "facilitator/home.html", context)


@staff_page
def exercise_page(request: HttpRequest, exercise_id: int) -> HttpResponse:
    caller = request.caller  # type: ignore[attr-defined]
    try:
        exercise = exercises.get_exercise(exercise_id)
        detail = selectors.exercise_detail(caller=caller, exercise=exercise)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    context = {
        "exercise": exercise,
        "detail": detail,
        "families": catalogue.families(),
        "kinds": list(catalogue.KINDS),
        "side_tabs": room.side_tabs(caller.role),
        "shortcuts": room.shortcuts(caller.role),
        **selectors.control_room(caller=caller, exercise=exercise),
        **selectors.control_cell(caller=caller, exercise=exercise),
        "can_control": caller.role == Role.FACILITATOR,
        "can_evaluate": caller.role in (Role.FACILITATOR, Role.EVALUATOR),
        "ratings": Rating.Value.choices,
        "severities": SEVERITIES,
        "inject_kinds": [(k, k.replace("_", " ")) for k in INJECT_KINDS],
        "clock": clock.reading(exercise),
        "map": scenario_map.map_words(exercise.scenario.map) if exercise.scenario.map else None,
    }
    return render(request, "facilitator/exercise.html", context)


@sandboxed
@staff_page
def exercise_map(request: HttpRequest, exercise_id: int) -> HttpResponse:
    caller = request.caller  # type: ignore[attr-defined]
    try:
        text = scenario_map.exercise_map(caller=caller, exercise=exercises.get_exercise(exercise_id))
    except DomainError as exc:
        raise Http404(exc.message) from exc
    return svg_response(text)
