"""Facilitator pages: the exercise library and each exercise's control page."""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from exercise import clock, exercises, injects, selectors
from exercise.errors import DomainError
from exercise.models import Rating
from exercise.models.scenarios import SEVERITIES
from exercise.roles import Role
from facilitator.access import staff_page
from facilitator.forms import AdhocInjectForm, ExerciseForm, SkipForm, SpeedForm

TRANSITIONS = ("start", "pause", "resume", "end")
FEED_LENGTH = 200


@staff_page
def home(request: HttpRequest) -> HttpResponse:
    caller = request.caller  # type: ignore[attr-defined]
    context = {
        "scenarios": selectors.scenarios(caller=caller).prefetch_related("teams", "injects"),
        "exercises": selectors.exercises(caller=caller),
        "form": ExerciseForm(),
        "can_control": caller.role == Role.FACILITATOR,
    }
    return render(request, "facilitator/home.html", context)


@require_POST
@staff_page
def create_exercise(request: HttpRequest) -> HttpResponse:
    caller = request.caller  # type: ignore[attr-defined]
    form = ExerciseForm(request.POST)
    if form.is_valid():
        try:
            exercise = exercises.create_exercise(
                caller=caller,
                scenario=form.cleaned_data["scenario"],
                name=form.cleaned_data["name"],
                speed=form.cleaned_data["speed"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Exercise “{exercise.name}” created. Hand each team its join code.")
            return redirect("facilitator:exercise", exercise_id=exercise.pk)
    context = {
        "scenarios": selectors.scenarios(caller=caller),
        "exercises": selectors.exercises(caller=caller),
        "form": form,
        "can_control": caller.role == Role.FACILITATOR,
    }
    return render(request, "facilitator/home.html", context, status=400)


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
        "room": selectors.control_room(caller=caller, exercise=exercise),
        "can_control": caller.role == Role.FACILITATOR,
        "can_evaluate": caller.role in (Role.FACILITATOR, Role.EVALUATOR),
        "ratings": Rating.Value.choices,
        "severities": SEVERITIES,
        "adhoc_form": AdhocInjectForm(teams=exercise.teams.all()),
        "clock": clock.reading(exercise),
        # The feed shows the latest events; older ones are in the log and the review.
        "feed_from": max(0, exercise.last_seq - FEED_LENGTH),
    }
    return render(request, "facilitator/exercise.html", context)


def _command(request: HttpRequest, exercise_id: int, run: Callable[[], str]) -> HttpResponse:
    """Run a control-room command from a plain form: its message on success, the domain's
    message on refusal, and back to the exercise page either way."""
    try:
        messages.success(request, run())
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("facilitator:exercise", exercise_id=exercise_id)


def _refuse(request: HttpRequest, exercise_id: int, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("facilitator:exercise", exercise_id=exercise_id)


@require_POST
@staff_page
def change_status(request: HttpRequest, exercise_id: int, transition: str) -> HttpResponse:
    if transition not in TRANSITIONS:
        raise Http404("No such control.")

    def run() -> str:
        exercise = exercises.change_status(caller=request.caller, exercise_id=exercise_id, transition=transition)  # type: ignore[attr-defined]
        return f"The exercise is now {exercise.status}."

    return _command(request, exercise_id, run)


@require_POST
@staff_page
def change_speed(request: HttpRequest, exercise_id: int) -> HttpResponse:
    form = SpeedForm(request.POST)
    if not form.is_valid():
        return _refuse(request, exercise_id, f"Speed must be a number from {clock.MIN_SPEED:g} to {clock.MAX_SPEED:g}.")
    speed = form.cleaned_data["speed"]

    def run() -> str:
        exercises.set_speed(caller=request.caller, exercise_id=exercise_id, speed=speed)  # type: ignore[attr-defined]
        return f"Speed set to {speed:g}×."

    return _command(request, exercise_id, run)


@require_POST
@staff_page
def release_inject(request: HttpRequest, exercise_id: int, key: str) -> HttpResponse:
    def run() -> str:
        injects.release_now(caller=request.caller, exercise_id=exercise_id, key=key)  # type: ignore[attr-defined]
        return f"Inject {key} released."

    return _command(request, exercise_id, run)


@require_POST
@staff_page
def skip_inject(request: HttpRequest, exercise_id: int, key: str) -> HttpResponse:
    form = SkipForm(request.POST)
    if not form.is_valid():
        return _refuse(request, exercise_id, "Say why the inject is skipped.")

    def run() -> str:
        injects.skip(caller=request.caller, exercise_id=exercise_id, key=key, reason=form.cleaned_data["reason"])  # type: ignore[attr-defined]
        return f"Inject {key} skipped."

    return _command(request, exercise_id, run)


@require_POST
@staff_page
def send_inject(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = exercises.get_exercise(exercise_id)
    form = AdhocInjectForm(request.POST, teams=exercise.teams.all())
    if not form.is_valid():
        return _refuse(request, exercise_id, "The inject needs a title; check the fields.")
    data = form.cleaned_data

    def run() -> str:
        event = injects.send_adhoc(
            caller=request.caller,  # type: ignore[attr-defined]
            exercise_id=exercise_id,
            title=data["title"],
            body=data["body"],
            kind=data["kind"],
            severity=data["severity"],
            to=data["to"] or "all",
        )
        return f"Inject {event.data['key']} sent."

    return _command(request, exercise_id, run)
